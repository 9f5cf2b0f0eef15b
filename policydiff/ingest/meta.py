"""Metadata from clean text: title, issuers, dates, 文号, 施行 clause, repeal clauses.

Never invents: every value is a substring of the text (dates normalised to ISO), or None.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
import re

from policydiff.ingest import patterns as P
from policydiff.lexicon import CN_NUMERAL_CHARS, DOC_NO_BARE, YEAR_PATTERN, find_cn_dates, parse_cn_date
from policydiff.model import DocumentMeta, Repeal

# ---------------------------------------------------------------- repeal clauses

# The verbs of a repeal, longest first; 同时/一并/予以 ... are adverbs in front of them.
_REPEAL_VERB = re.compile(r"(?:同时|一并|予以|即行|相应|均)?(?P<verb>停止执行|不再执行|废止|失效)(?=[。；;，,）)\s]|$)")
_ITEM = re.compile(
    rf"《(?P<title>[^《》]+)》\s*(?:[（(]\s*(?P<doc_no>{P.DOC_NO.pattern})[^（）()《》]{{0,20}}[）)])?"
    rf"|(?P<bare_doc_no>{P.DOC_NO.pattern})"
)
# Between two repealed documents: a separator, then at most a short qualifier without
# brackets (「、最高人民法院《…》」「和1990年国务院发布的《…》」). Unit of the cap: characters.
_CONNECTOR = re.compile(r"^\s*(?:[、，,]|以及|和|及|与|或)[^《》。；;]{0,40}$")
# Between the last document and the verb only a short phrase may stand
# (「文件」「等3件文件」「自2025年1月1日起」). Unit: characters; range 0..40.
_FILLER_MAX = 20
# A filler naming a part of the document (「第三条」「中关于…的规定」) means a partial repeal,
# which is not a repeal of the document: left out rather than overstated.
_PART_OF = re.compile(rf"第[\d{CN_NUMERAL_CHARS}]+[编章节条款项]|^\s*中")
_SENTENCE = re.compile(r"[^。；;\n]*(?:[。；;]|$)")


def extract_repeals(text: str) -> tuple[Repeal, ...]:
    """Repeal clauses: 「原《X》(京科发〔2022〕4号)同时废止」 and variants.

    One Repeal per document named; several documents in one sentence share its clause
    (the sentence verbatim, with its final punctuation).

    >>> [(r.title, r.doc_no, r.verb) for r in extract_repeals("原《示例办法》(示发〔2020〕1号)和《示例细则》同时废止。")]
    [('示例办法', '示发〔2020〕1号', '废止'), ('示例细则', None, '废止')]
    """
    repeals: list[Repeal] = []
    for sentence_match in _SENTENCE.finditer(text):
        sentence = sentence_match.group().strip()
        if not sentence:
            continue
        segment_start = 0
        for verb in _REPEAL_VERB.finditer(sentence):
            segment = sentence[segment_start:verb.start()]
            segment_start = verb.end()
            items = list(_ITEM.finditer(segment))
            if not items:
                continue
            # The documents repealed: the last group of items, adjacent to the verb.
            filler = segment[items[-1].end():]
            if len(filler) > _FILLER_MAX or "《" in filler or _PART_OF.search(filler):
                continue
            group = [items[-1]]
            for previous in reversed(items[:-1]):
                if not _CONNECTOR.match(segment[previous.end():group[0].start()]):
                    break
                group.insert(0, previous)
            for item in group:
                if item["title"] is not None:
                    title, doc_no = item["title"], item["doc_no"]
                else:
                    title, doc_no = None, item["bare_doc_no"]
                repeals.append(Repeal(title=title, doc_no=_tidy_doc_no(doc_no),
                                      clause=_unlabelled(sentence), verb=verb["verb"]))
        # The verb first: 「决定废止《X》（…号）和《Y》」.
        for verb in _VERB_FIRST.finditer(sentence):
            tail = sentence[verb.end():]
            items = list(_ITEM.finditer(tail))
            if not items or items[0].start() > 0:
                continue
            group = [items[0]]
            for following in items[1:]:
                if not _CONNECTOR.match(tail[group[-1].end():following.start()]):
                    break
                group.append(following)
            if _PART_OF.search(tail[group[-1].end():group[-1].end() + 6]):
                continue  # 「废止《X》中关于…的规定」: a part, not the document
            for item in group:
                title = item["title"]
                doc_no = item["doc_no"] if title is not None else item["bare_doc_no"]
                repeal = Repeal(title=title, doc_no=_tidy_doc_no(doc_no),
                                clause=_unlabelled(sentence), verb=verb["verb"])
                if not any((r.title, r.doc_no, r.clause) == (repeal.title, repeal.doc_no, repeal.clause)
                           for r in repeals):
                    repeals.append(repeal)
    repeals.extend(_listed_repeals(text, repeals))
    return tuple(repeals)


# 「决定废止下列2件规章：」 over one line per document (「一、《X》」「2.《Y》（…号）；」).
_LIST_LEAD = re.compile(r"^[^\n。]*?(?P<verb>废止|停止执行|不再执行)(?:下列|以下|如下)[^\n。]{0,20}[:：]\s*$",
                        re.MULTILINE)
_LISTED_ITEM = re.compile(
    rf"^\s*(?:[（(]?[\d{CN_NUMERAL_CHARS}]+[）)、.．]\s*)?(?:{_ITEM.pattern})\s*[；;。，,]?\s*$")


def _listed_repeals(text: str, found: list[Repeal]) -> list[Repeal]:
    """Documents repealed as a list under a lead line that ends with a colon; the lead
    line is the clause of each."""
    listed: list[Repeal] = []
    for lead in _LIST_LEAD.finditer(text):
        clause = _unlabelled(lead.group())
        for line in text[lead.end():].lstrip("\n").split("\n"):
            item = _LISTED_ITEM.match(line)
            if not item:
                break
            title = item["title"]
            doc_no = item["doc_no"] if title is not None else item["bare_doc_no"]
            repeal = Repeal(title=title, doc_no=_tidy_doc_no(doc_no), clause=clause, verb=lead["verb"])
            if repeal not in found and repeal not in listed:
                listed.append(repeal)
    return listed


# A repeal verb in front of the documents it repeals, as a decision: 决定/宣布/现/予以/同时
# /一并 before it, the first document right after it.
_VERB_FIRST = re.compile(rf"(?:决定|宣布|现|予以|同时|一并)(?P<verb>废止|停止执行|不再执行)(?=《|{DOC_NO_BARE})")


def _tidy_doc_no(doc_no: str | None) -> str | None:
    return re.sub(r"\s+", "", doc_no) if doc_no else None


# ---------------------------------------------------------------- metadata

_NOTICE = re.compile(r"^(?P<issuers>.*?)(?:关于)?(?:印发|转发|发布|颁布)\s*《(?P<inner>[^《》]+(?:《[^《》]*》[^《》]*)*)》\s*(?:的)?(?:通知|决定|公告|通告|令)")
_ABOUT = re.compile(r"^(?P<issuers>.+?)(?:关于|转发|印发)")
_HEADER_DATE = re.compile(rf"^\s*[（(]?\s*(?P<date>{YEAR_PATTERN}\s*年[^日]{{1,8}}日)")
_ENACTED = re.compile(r"通过|修订|修正|公布|发布|印发|颁布")
_EFFECTIVE_WORD = re.compile(r"(?:施行|实施|生效)(?!的)")
# 「本办法自2025年1月1日起施行」「自印发之日起实施」「本通知于2025年1月1日起执行」.
# 自 after 来/各/独/亲/擅/出/源 is another word (来自, 各自 ...); 于 only before a date
# (属于, 对于 ... are not clauses); 停止执行/不再执行 are repeals, not commencement.
# The clause core: from 自/于 to the verb. The clause itself starts where its sentence part
# starts (after 。；;，, or a line break). Rejected: one pattern with a lazy unbounded
# prefix (「[^。；;，,\n]*?自…」), which restarts from every position of a long unpunctuated
# line — quadratic: 20,000 characters took 12 s, 5 MB never finished. The core below can
# only start at 自/于 and spans at most 30 characters of 'when' plus bounded white space, so
# finditer is linear; the prefix is then a slice back to the part's start.
_EFFECTIVE_CORE = re.compile(
    rf"(?:(?<![来各独亲擅出源])自|于(?=\s{{0,10}}{YEAR_PATTERN}\s{{0,10}}年))"
    r"\s{0,10}(?P<when>[^。；;，,\n]{1,30}?)\s{0,10}(?:起\s{0,10})?(?<!停止)(?<!不再)(?:施行|实施|生效|执行)(?!的)"
)
_CLAUSE_PART_END = re.compile(r"[。；;，,\n]")


@dataclass(frozen=True)
class EffectiveClause:
    """A 施行 clause as found: its text (from the start of its sentence part to the verb),
    the 'when' words between 自/于 and the verb, and its offsets."""

    text: str
    when: str
    start: int
    end: int


def effective_clauses(text: str) -> list[EffectiveClause]:
    """Every 施行 clause of `text`, left to right, not overlapping; linear time.

    >>> [c.text for c in effective_clauses("第九条 本办法自2024年1月1日起施行。来自各方实施")]
    ['第九条 本办法自2024年1月1日起施行']
    >>> effective_clauses("本细则于2014年10月30日起施行")[0].when
    '2014年10月30日'
    """
    part_ends = [m.start() for m in _CLAUSE_PART_END.finditer(text)]
    found: list[EffectiveClause] = []
    previous_end = 0
    for match in _EFFECTIVE_CORE.finditer(text):
        before = bisect.bisect_left(part_ends, match.start())
        part_start = part_ends[before - 1] + 1 if before else 0
        start = max(part_start, previous_end)
        found.append(EffectiveClause(text[start:match.end()], match["when"], start, match.end()))
        previous_end = match.end()
    return found


_RELATIVE_TO_ISSUE = re.compile(r"(?:印发|发布|公布|签发|发文|颁布)之日")
_PUBLISHED_LINE = re.compile(r"^\s*(?:发布时间|发布日期)\s*[:：]")
# The top of a document: lines before the first prose or numbered line. Unit: lines;
# range 3..40. Titles, 文号 and header date lines sit there.
TOP_LINES_MAX = 15


def _unlabelled(clause: str) -> str:
    """The clause without white space and a leading label (「第九十四条 」「17.」)."""
    clause = clause.strip()
    label = P.STRUCTURE_LINE.match(clause)
    return clause[label.end():].strip() if label else clause


def _top_lines(lines: list[str]) -> list[str]:
    top = []
    for line in lines[:TOP_LINES_MAX]:
        body = line.strip()
        if P.is_sentence(body) and not _HEADER_DATE.match(body) or P.is_structure(body) \
                or body.endswith((":", "：")):
            break
        top.append(body)
    return top


def _is_title_line(line: str) -> bool:
    return (not P.is_sentence(line) and not P.is_date_only(line) and not P.is_doc_no_line(line)
            and not _HEADER_DATE.match(line) and P.ends_title(line) and len(line) <= 200)


def _split_issuers(text: str) -> tuple[str, ...]:
    names = tuple(name for name in re.split(r"[、，,\s]+", text.strip()) if name)
    if names and all(P.ORG_END.search(name) for name in names):
        return names
    return ()


def _signature(lines: list[str]) -> tuple[tuple[str, ...], str | None]:
    """Issuers and date of the first signature block: org lines above a date line."""
    for index, line in enumerate(lines):
        if not P.is_date_only(line):
            continue
        names: list[str] = []
        cursor = index - 1
        while cursor >= 0 and index - cursor <= 4:
            candidate = lines[cursor].strip()
            found = _split_issuers(candidate.rstrip("、，,"))
            if not found or P.is_sentence(candidate):
                break
            names[:0] = found
            cursor -= 1
        if names:
            return tuple(names), parse_cn_date(line)
    # A page that dropped the issuer's name keeps the date alone under the notice's last
    # sentence: still the signature date.
    for index, line in enumerate(lines[1:], start=1):
        if P.is_date_only(line) and P.strip_closers(lines[index - 1].strip()).endswith("。"):
            return (), parse_cn_date(line)
    return (), None


_NOTICE_UNBRACKETED = re.compile(r"(?:印发|转发|发布)(?P<inner>[^《》]+?)的(?:通知|决定)$")


def _issued_document_title(line: str, lines: list[str]) -> str:
    """A notice issuing 《X》 is titled by X; without brackets, by X only when X also
    stands on a line of its own (where else would X start?)."""
    notice = _NOTICE.match(line)
    if notice:
        return notice["inner"]
    bare = _NOTICE_UNBRACKETED.search(line)
    if bare:
        inner = bare["inner"]
        for candidate in lines:
            stripped = candidate.strip()
            # X itself, X without its issuer, or X with a qualifier the notice title left
            # out (「…举措」 over 「…举措(2031年版)」).
            if stripped != line and (stripped == inner or inner.endswith(stripped)
                                     and stripped.startswith("关于") and P.ends_title(stripped)
                                     or stripped.startswith(inner)
                                     and re.fullmatch(rf"(?:{P.QUALIFIER})+", stripped[len(inner):])):
                return stripped
    return line


# An issuer and a title on one line, set apart by a run of white space (a page laid out in
# columns): 「示例省示例厅          示例管理办法」. Unit of the run: characters; 3 or more.
_SPACED_ISSUER = re.compile(r"(?P<issuer>\S+)[ \t\u3000\u00a0]{3,}(?P<title>\S.*)")


def _letterhead_title(lines: list[str]) -> str | None:
    """The title under an official letterhead (版头: 「…文件」 and the 文号 line) or under a
    news page's lead-in (「文件详情如下:」) when the text opens with other prose: the first
    title line right after a 文号 or lead-in line among the first lines."""
    for index, line in enumerate(lines[:min(len(lines) - 1, TOP_LINES_MAX - 1)]):
        if P.is_doc_no_line(line.strip()) or P.is_lead_in(line):
            following = lines[index + 1].strip()
            if _is_title_line(following):
                return _issued_document_title(following, lines)
    return None


def extract_metadata(clean_text: str) -> DocumentMeta:
    """Metadata of a clean text (see `_extract_metadata`), in either script: a text in
    traditional characters is read through `patterns.fold` and every value found is
    sliced back out of the text itself (the fold keeps positions)."""
    folded = P.fold(clean_text)
    meta = _extract_metadata(folded)
    if folded == clean_text:
        return meta

    def original(value: str | None) -> str | None:
        if value is None:
            return None
        position = folded.find(value)
        return clean_text[position:position + len(value)] if position >= 0 else value

    return DocumentMeta(
        title=original(meta.title), doc_no=original(meta.doc_no),
        issuers=tuple(original(name) for name in meta.issuers), issued=meta.issued,
        effective=meta.effective, published=meta.published,
        effective_clause=original(meta.effective_clause),
        repeals=tuple(Repeal(title=original(r.title), doc_no=original(r.doc_no),
                             clause=original(r.clause), verb=original(r.verb))
                      for r in meta.repeals),
    )


def _extract_metadata(clean_text: str) -> DocumentMeta:
    """Metadata of a clean text (see policydiff.ingest). Absent facts stay None / ().

    title: the first title line at the top; when it is a notice issuing 《X》, X.
    issuers: the first signature block (organisation lines above a date line), else the
    organisations in front of 印发/关于 in the title line.
    issued: that signature date; else, in a header of dated lines under the title (laws,
    the corpus), the latest date of a 通过/修订/修正/公布 line (this version's enactment).
    effective: a header 「… 施行」 line; else the document's own 「本X自…起施行」 clause
    (a date, or the issue date for 「自印发之日起」); the clause kept verbatim.
    doc_no: only a line that is a 文号 on its own (never one quoted in a sentence).
    published: a 「发布时间：」 line, if one is left in the text.
    """
    lines = [line for line in clean_text.split("\n") if line.strip()]
    top = _top_lines(lines)

    title = None
    spaced_issuers: tuple[str, ...] = ()
    for line in top:
        if _is_title_line(line):
            title = _issued_document_title(line, lines)
            spaced = _SPACED_ISSUER.fullmatch(title)
            if spaced and P.ends_title(spaced["title"]) and _split_issuers(spaced["issuer"]):
                title, spaced_issuers = spaced["title"], _split_issuers(spaced["issuer"])
            break
    if title is None:
        title = _letterhead_title(lines)
    # (An order line 「示例总局令第55号」 heading an order is its designation and title.)
    if title is None and top and not P.is_date_only(top[0]) and not _HEADER_DATE.match(top[0]) \
            and (not P.is_doc_no_line(top[0]) or P.ORDER_NO.fullmatch(P.fold(top[0]))):
        title = top[0]

    issuers, issued = _signature(lines)
    if not issuers:
        issuers = spaced_issuers
    if not issuers:
        for line in top:
            if _is_title_line(line):
                match = _NOTICE.match(line) or _ABOUT.match(line)
                if match:
                    issuers = _split_issuers(match["issuers"])
                break

    header_dates = [line for line in top if _HEADER_DATE.match(line)]
    if issued is None:
        # The latest enactment event (通过/修订/修正/公布) is this version's.
        enacted = [date for line in header_dates if _ENACTED.search(line)
                   for date in find_cn_dates(line)]
        if enacted:
            issued = max(enacted)

    effective = effective_clause = None
    for line in header_dates:
        if _EFFECTIVE_WORD.search(line) and not _ENACTED.search(line):
            in_line = effective_clauses(line)
            effective_clause = in_line[0].text.strip() if in_line else line
            effective = parse_cn_date(line)
            break
    if effective_clause is None:
        clauses = effective_clauses(clean_text)
        own = [c for c in clauses if _unlabelled(c.text).startswith("本")]
        dated = [c for c in clauses if parse_cn_date(c.when) or _RELATIVE_TO_ISSUE.search(c.when)]
        # Prefer the document's own clause (「本措施自…」, the last one: a wrapping notice
        # comes first); else the first dated one. Others (「来自…实施」) are not clauses.
        chosen = own[-1] if own else dated[0] if dated else None
        if chosen is not None:
            effective_clause = _unlabelled(chosen.text)
            effective = parse_cn_date(chosen.when)
            if effective is None and _RELATIVE_TO_ISSUE.search(chosen.when) \
                    and not re.search(rf"之日起?\s*\d|之日起?\s*[{CN_NUMERAL_CHARS}]+[日天个月年]", chosen.when):
                effective = issued

    doc_no = None
    for line in lines:
        match = P.DOC_NO_LINE.match(line)
        if match:
            doc_no = _tidy_doc_no(match["doc_no"])
            break

    published = None
    for line in lines:
        if _PUBLISHED_LINE.match(line):
            published = parse_cn_date(line)
            break

    return DocumentMeta(
        title=title, doc_no=doc_no, issuers=issuers, issued=issued, effective=effective,
        published=published, effective_clause=effective_clause, repeals=extract_repeals(clean_text),
    )
