"""Metadata from clean text: title, issuers, dates, 文号, 施行 clause, repeal clauses.

Never invents: every value is a substring of the text (dates normalised to ISO), or None.
"""

from __future__ import annotations

from dataclasses import dataclass
import functools
import re

from policydiff.ingest import patterns as P
from policydiff.ingest.chrome import BRACKET_FIELD
from policydiff.lexicon import (CN_NUMERAL_CHARS, DATE_PATTERN, DATE_RE, DOC_NO_BARE, EFFECTIVE_VERB_PATTERN,
                                EffectiveClause, ISSUE_DAY_RE, REPEAL_VERB_PATTERN, YEAR_PATTERN, effective_clauses,
                                may_end_with_date, parse_cn_date)
from policydiff.model import DocumentMeta, Repeal

# ---------------------------------------------------------------- repeal clauses

# The verbs of a repeal, longest first; 同时/一并/予以 ... are adverbs in front of them.
_REPEAL_VERB = re.compile(rf"(?:同时|一并|予以|即行|相应|均)?(?P<verb>{REPEAL_VERB_PATTERN})(?=[。；;，,）)\s]|$)")
# An order number in a sentence (「2002年4月30日示例市人民政府令第122号发布的《X》」「《X》（省政府
# 令第203号）」): its issuer starts after a date or at a non-Han character.
_ORDER_IN_TEXT = r"(?:(?<=日)|(?<![\u4e00-\u9fff]))(?![日年月])[\u4e00-\u9fff]{2,30}?令\s*第\s*\d{1,4}\s*号"


def _item_pattern(order_no: str, doc_no: str) -> str:
    return (rf"(?:(?P<order_no>{order_no})(?:发布|公布|颁布|印发)的)?"
            rf"《(?P<title>[^《》]+)》\s*(?:[（(]\s*(?P<doc_no>{doc_no}|{order_no})[^（）()《》]{{0,20}}[）)])?"
            rf"|(?P<bare_doc_no>{doc_no})")


_ITEM_PATTERN = _item_pattern(_ORDER_IN_TEXT, P.DOC_NO.pattern)
# The item pattern is the dearest a law's text compiles (~5 ms: four CJK classes in the
# order numbers, two 文号 grammars) and most segments hold no order number (no 令) and no
# 文号 (P.DOC_NO's words): for such a segment the part that cannot match is replaced by
# one that matches nothing, "(?!)" — the same matches, spans and groups (neither part has
# a group of its own), from a pattern that compiles in a tenth of the time (issue 14).
# tests/test_ingest.py checks every variant against _ITEM_PATTERN.
_NOTHING = "(?!)"
_ITEM_VARIANTS: dict[tuple[bool, bool], re.Pattern[str]] = {}


def _item_key(string: str) -> tuple[bool, bool]:
    """Which parts of the item pattern `string` may need: (an order number, a 文号)."""
    return ("令" in string, not P.DOC_NO.cannot_match(string))


# A text at least this long reads all its segments through the one variant the whole text
# needs (each segment is part of the text, so that variant holds every part a segment
# needs: the same matches). Why: a long text needs several variants (the test compilation
# of issue 14 compiled four, 17 ms, where the one for the whole text takes 8 ms); a short
# one often needs only the cheap one, or none. Unit: characters; range 100,000..2,000,000.
ONE_ITEM_VARIANT_MIN_CHARS = 500_000


def _item_finditer(string: str, key: tuple[bool, bool] | None = None):
    """`re.finditer(_ITEM_PATTERN, string)`, from the variant that leaves out what `string`
    cannot hold (or the variant `key`, which must hold at least what `string` may need:
    the key of a text that holds `string`)."""
    if key is None:
        key = _item_key(string)
    pattern = _ITEM_VARIANTS.get(key)
    if pattern is None:
        pattern = _ITEM_VARIANTS[key] = re.compile(
            _item_pattern(_ORDER_IN_TEXT if key[0] else _NOTHING, P.DOC_NO.pattern if key[1] else _NOTHING))
    return pattern.finditer(string)

# Between a document and the verb, a passive or a condition (「《居住证》被注销时，积分自动失效」)
# makes something else the subject of the verb: no repeal.
_OTHER_SUBJECT = re.compile(r"被|时[，,]")
# Between two repealed documents: a separator, then at most a short qualifier without
# brackets (「、最高人民法院《…》」「和1990年国务院发布的《…》」). Unit of the cap: characters.
_CONNECTOR = P.LazyPattern(r"^\s*(?:[、，,]|以及|和|及|与|或)[^《》。；;]{0,40}$")
# Between the last document and the verb only a short phrase may stand
# (「文件」「等3件文件」「自2025年1月1日起」). Unit: characters; range 0..40.
_FILLER_MAX = 20
# A filler naming a part of the document (「第三条」「中关于…的规定」) means a partial repeal,
# which is not a repeal of the document: left out rather than overstated.
_PART_OF = P.LazyPattern(rf"第[\d{CN_NUMERAL_CHARS}]+[编章节条款项]|^\s*中")
_SENTENCE = re.compile(r"[^。；;\n]*(?:[。；;]|$)")


def extract_repeals(text: str) -> tuple[Repeal, ...]:
    """Repeal clauses: 「原《X》(京科发〔2022〕4号)同时废止」 and variants.

    One Repeal per document named; several documents in one sentence share its clause
    (the sentence verbatim, with its final punctuation).

    >>> [(r.title, r.doc_no, r.verb) for r in extract_repeals("原《示例办法》(示发〔2020〕1号)和《示例细则》同时废止。")]
    [('示例办法', '示发〔2020〕1号', '废止'), ('示例细则', None, '废止')]
    """
    repeals: list[Repeal] = []
    # the repeal verbs of the text, from one scan for both readers below (a scan of a
    # 1.45 M-character text is ~4 ms; issue 14)
    verbs = [verb.start() for verb in _ANY_REPEAL_VERB.finditer(text)]
    item_key = _item_key(text) if len(text) >= ONE_ITEM_VARIANT_MIN_CHARS and verbs else None
    for sentence_match in _verb_sentences(text, verbs):
        sentence = sentence_match.group().strip()
        if not sentence or not _ANY_REPEAL_VERB.search(sentence):
            continue  # both readings below need a repeal verb in the sentence
        segment_start = 0
        for verb in _REPEAL_VERB.finditer(sentence):
            segment = sentence[segment_start:verb.start()]
            segment_start = verb.end()
            items = list(_item_finditer(segment, item_key))
            if not items:
                continue
            # The documents repealed: the last group of items, adjacent to the verb.
            filler = segment[items[-1].end():]
            if len(filler) > _FILLER_MAX or "《" in filler or _PART_OF.search(filler) \
                    or _OTHER_SUBJECT.search(filler):
                continue
            group = [items[-1]]
            for previous in reversed(items[:-1]):
                if not _CONNECTOR.match(segment[previous.end():group[0].start()]):
                    break
                group.insert(0, previous)
            for item in group:
                if item["title"] is not None:
                    title, doc_no = item["title"], item["doc_no"] or item["order_no"]
                else:
                    title, doc_no = None, item["bare_doc_no"]
                repeals.append(Repeal(title=title, doc_no=_tidy_doc_no(doc_no),
                                      clause=_unlabelled(sentence), verb=verb["verb"]))
        # The verb first: 「决定废止《X》（…号）和《Y》」.
        for verb in _VERB_FIRST.finditer(sentence):
            tail = sentence[verb.end():]
            items = list(_item_finditer(tail, item_key))
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
                doc_no = (item["doc_no"] or item["order_no"]) if title is not None else item["bare_doc_no"]
                repeal = Repeal(title=title, doc_no=_tidy_doc_no(doc_no),
                                clause=_unlabelled(sentence), verb=verb["verb"])
                if not any((r.title, r.doc_no, r.clause) == (repeal.title, repeal.doc_no, repeal.clause)
                           for r in repeals):
                    repeals.append(repeal)
    repeals.extend(_listed_repeals(text, repeals, verbs))
    return tuple(repeals)


def _verb_sentences(text: str, verbs: list[int] | None = None):
    """The matches of _SENTENCE in `text` that lie on a line holding a repeal verb: the very
    matches `_SENTENCE.finditer(text)` gives there, in order, without reading the other
    lines (issue 14: most lines hold no verb, and a line without a sentence end costs the
    pattern a failed attempt at each of its characters).

    Why this is the same: a sentence match never holds a "\n", so the scan enters each
    line afresh at its first character; the verbs hold no "\n" either, so every line
    that holds a verb holds a hit of one search over the text.

    `verbs`: where `_ANY_REPEAL_VERB.finditer(text)` matches, when the caller has them."""
    if verbs is None:
        verbs = [verb.start() for verb in _ANY_REPEAL_VERB.finditer(text)]
    line_start = -1
    for verb in verbs:
        if verb < line_start:
            continue  # another verb of a line already read
        line_start = text.rfind("\n", 0, verb) + 1
        line_end = text.find("\n", verb)
        if line_end < 0:
            line_end = len(text)
        for sentence in _SENTENCE.finditer(text, line_start):
            if sentence.start() >= line_end:
                break
            yield sentence
        line_start = line_end + 1


# 「决定废止下列2件规章：」 over one line per document (「一、《X》」「2.《Y》（…号）；」).
_LIST_LEAD = P.LazyPattern(rf"^[^\n。]*?(?P<verb>{REPEAL_VERB_PATTERN})(?:下列|以下|如下)[^\n。]{{0,20}}[:：]\s*$",
                        re.MULTILINE)
_LISTED_ITEM = P.LazyPattern(
    rf"^\s*(?:[（(]?[\d{CN_NUMERAL_CHARS}]+[）)、.．]\s*)?(?:{_ITEM_PATTERN})\s*[；;。，,]?\s*$")


# What every lead line holds (the verb right before 下列/以下/如下): lines without it are
# skipped by one search.
_LIST_LEAD_CORE = re.compile(rf"(?:{REPEAL_VERB_PATTERN})(?:下列|以下|如下)")


def _list_leads(text: str, verbs: list[int] | None = None):
    """The matches of `_LIST_LEAD.finditer(text)`, trying the pattern only at the start of
    lines that hold its core (a match starts at a line start, ^ in MULTILINE mode, and
    holds the core on that line; one that ran on over blank lines would end before the
    next line with a core, which holds no blank).

    `verbs`: where `_ANY_REPEAL_VERB.finditer(text)` matches, when the caller has them: the
    cores are the verbs that 下列/以下/如下 follows (a core is a verb and those words, and
    neither verbs nor cores can overlap one another), so no scan of its own is needed."""
    if verbs is None:
        cores = [core.start() for core in _LIST_LEAD_CORE.finditer(text)]
    else:
        cores = [verb for verb in verbs if _LIST_LEAD_CORE.match(text, verb)]
    line_start = -1
    last_end = 0
    for core in cores:
        if core < line_start:
            continue
        line_start = text.rfind("\n", 0, core) + 1
        if line_start >= last_end:
            lead = _LIST_LEAD.match(text, line_start)
            if lead:
                last_end = lead.end()
                yield lead
        line_start = (text.find("\n", core) + 1) or len(text) + 1


def _listed_repeals(text: str, found: list[Repeal], verbs: list[int] | None = None) -> list[Repeal]:
    """Documents repealed as a list under a lead line that ends with a colon; the lead
    line is the clause of each. (`verbs`: see _list_leads.)"""
    listed: list[Repeal] = []
    for lead in _list_leads(text, verbs):
        clause = _unlabelled(lead.group())
        for line in text[lead.end():].lstrip("\n").split("\n"):
            item = _LISTED_ITEM.match(line)
            if not item:
                break
            title = item["title"]
            doc_no = (item["doc_no"] or item["order_no"]) if title is not None else item["bare_doc_no"]
            repeal = Repeal(title=title, doc_no=_tidy_doc_no(doc_no), clause=clause, verb=lead["verb"])
            if repeal not in found and repeal not in listed:
                listed.append(repeal)
    return listed


# A repeal verb in front of the documents it repeals, as a decision: 决定/宣布/现/予以/同时
# /一并 before it, the first document right after it.
# Any repeal verb at all: most sentences hold none, and one C-level search skips them (both
# _REPEAL_VERB and _VERB_FIRST contain the verb, so a sentence without it yields nothing).
_ANY_REPEAL_VERB = re.compile(REPEAL_VERB_PATTERN)
# Guarded (lazyre.GuardedPattern): the decision word, and 《 or the 号 of a 文号 after the verb.
_VERB_FIRST = P.GuardedPattern(rf"(?:决定|宣布|现|予以|同时|一并)(?P<verb>{REPEAL_VERB_PATTERN})(?=《|{DOC_NO_BARE})",
                               (("决定", "宣布", "现", "予以", "同时", "一并"), ("《", "号", "號")))


def _tidy_doc_no(doc_no: str | None) -> str | None:
    return re.sub(r"\s+", "", doc_no) if doc_no else None


# ---------------------------------------------------------------- metadata

_NOTICE = re.compile(r"^(?P<issuers>.*?)(?:关于)?(?:印发|转发|发布|颁布)\s*《(?P<inner>[^《》]+(?:《[^《》]*》[^《》]*)*)》\s*(?:的)?(?:通知|决定|公告|通告|令)")
_ABOUT = re.compile(r"^(?P<issuers>.+?)(?:关于|转发|印发)")
_HEADER_DATE = re.compile(rf"^\s*[（(]?\s*(?P<date>{YEAR_PATTERN}\s*年[^日]{{1,8}}日)")
_ENACTED = re.compile(r"通过|修订|修正|公布|发布|印发|颁布")
_EFFECTIVE_WORD = P.LazyPattern(rf"(?<!停止)(?<!不再){EFFECTIVE_VERB_PATTERN}(?!的)")
# 施行 clauses (「本办法自…起施行」): lexicon.effective_clauses, shared with the status core.
_RELATIVE_TO_ISSUE = ISSUE_DAY_RE
_PUBLISHED_LINE = P.LazyPattern(r"^\s*(?:发布时间|发布日期)\s*[:：]")
# The top of a document: lines before the first prose or numbered line. Unit: lines;
# range 3..40. Titles, 文号 and header date lines sit there.
TOP_LINES_MAX = 15


# ---------------------------------------------------------------- law headers

# A header line: a date first (optionally after 「（」 or 「根据」), then what happened on it
# (「2017年11月4日 第十二届…会议…第五次修正」「根据2020年12月23日…决定修正）」).
_HEADER_LINE_START = re.compile(rf"^\s*[（(]?\s*(?:根据\s*)?{DATE_PATTERN}")
# Header lines are looked for in the first lines only. Unit: lines; range 20..200. (A
# consolidated 刑法 has 16 dated lines under its title; a 主席令 and its signature may stand
# before them.)
HEADER_SCAN_MAX = 60
# A header line broken inside its brackets continues on at most this many lines.
HEADER_CONTINUATION_MAX = 3
_AMENDED = re.compile(r"修正|修订|修改")


@dataclass(frozen=True)
class _Header:
    enacted: tuple[str, ...] = ()  # dates of 通过/修订/修正/公布 … events
    amended: tuple[str, ...] = ()  # dates of 修正/修订 events
    latest_kind: str | None = None  # "修正" or "修订": the kind of the latest amendment
    effective: tuple[str, str | None] | None = None  # (clause, date) of a header 施行 line


def _header(lines: list[str]) -> _Header:
    """The dated header lines of a law or rule, wherever they end.

    Read up to the first numbered line (a line broken inside 《》 or （） continues on the
    next lines, even when that next line starts like 「第三十一条…」). Before the first
    sentence a dated line may hold sentence punctuation; after one (a promulgation order's
    sentence and signature stand above the header) only lines without it count. Each date
    of a line owns the words up to the next date: 通过/修订/修正/公布 make it an enactment,
    施行/实施/生效 without those make it the date of commencement.
    """
    enacted: list[str] = []
    amended: list[tuple[str, str]] = []
    effective: tuple[str, str | None] | None = None
    seen_sentence = False
    index = 0
    limit = min(len(lines), HEADER_SCAN_MAX)
    while index < limit:
        line = lines[index].strip()
        if _HEADER_LINE_START.match(P.fold(line)) and (not seen_sentence or not P.is_sentence(line)):
            merged, start, index = line, index, index + 1
            while not _balanced(merged) and index < len(lines) and index - start <= HEADER_CONTINUATION_MAX:
                merged += lines[index].strip()
                index += 1
            for date, words in _dated_events(merged):
                if _ENACTED.search(words):
                    enacted.append(date)
                    kind = _AMENDED.search(words)
                    if kind:
                        amended.append((date, "修订" if "修订" in words else "修正"))
                elif _EFFECTIVE_WORD.search(words) and effective is None:
                    in_line = effective_clauses(merged)
                    effective = (_own_part(in_line[0].text) if in_line else merged, date)
            continue
        if P.is_structure(line):
            break
        seen_sentence = seen_sentence or P.is_sentence(line)
        index += 1
    latest = max(amended)[1] if amended else None
    return _Header(tuple(enacted), tuple(date for date, _ in amended), latest, effective)


def _own_part(clause: str) -> str:
    """A header's 施行 clause without the events before it on the same line: from the
    white space before its 自 (「…通过　…公布　自2030年3月1日起施行」 -> 「自2030年3月1日起施行」)."""
    clause = clause.strip()
    at = clause.rfind("自")
    if at > 0:
        start = max(clause.rfind(" ", 0, at), clause.rfind("\u3000", 0, at)) + 1
        clause = clause[start:]
    return clause.lstrip("（(")


def _balanced(text: str) -> bool:
    return text.count("《") <= text.count("》") and text.count("（") + text.count("(") <= \
        text.count("）") + text.count(")")


def _dated_events(line: str) -> list[tuple[str, str]]:
    """(ISO date, the words after it up to the next date) for each valid date of a line."""
    matches = [m for m in DATE_RE.finditer(P.fold(line))]
    events = []
    for match, following in zip(matches, matches[1:] + [None]):
        iso = parse_cn_date(match.group())
        if iso:
            events.append((iso, line[match.end():following.start() if following else len(line)]))
    return events


# ---------------------------------------------------------------- 施行 clauses

# After the verb, words that make the clause a time reference, not a commencement:
# 「《X》施行以来」「本办法施行前」「施行后」.
_TIME_REFERENCE = re.compile(r"^\s*(?:以来|以后|以前|后|前|之后|之前|之日|时)")


@functools.lru_cache(maxsize=2)
def _effective_clauses_of(text: str) -> tuple[EffectiveClause, ...]:
    """lexicon.effective_clauses of the last texts asked about: ingest asks twice about a
    text whose effective date stays unknown (extract_metadata, then metadata_notes to say
    why), and the scan is 0.09 s on a 1.45 M-character text. Two entries: the texts are
    large, and the second question comes right after the first."""
    return tuple(effective_clauses(text))


def _own_effective_clause(text: str, title: str | None) -> EffectiveClause | None:
    """The document's own 施行 clause: the last one that starts with 本 (「本措施自…」: a
    wrapping notice comes first); else the first dated one that speaks of no other document.

    Not this document's: a clause that names another document (「《示例条例》自2020年1月1日
    起施行」, unless it names this one's title) or is a time reference (「…施行以来」).
    """
    clauses = [c for c in _effective_clauses_of(text) if not _TIME_REFERENCE.match(text[c.end:c.end + 4])]
    own = [c for c in clauses if _unlabelled(c.text).startswith("本")]
    if own:
        return own[-1]

    def about_another(clause: EffectiveClause) -> bool:
        named = re.findall(r"《([^《》]+)》", clause.text)
        return bool(named) and not (title and any(name == title for name in named))

    dated = [c for c in clauses if (parse_cn_date(c.when) or _RELATIVE_TO_ISSUE.search(c.when)
                                    or _MONTH_DAY.fullmatch(c.when.strip())) and not about_another(c)]
    return dated[0] if dated else None


# The printing line of the end matter: 「示例市人民政府办公厅 2031年9月13日印发」.
_PRINTED = P.LazyPattern(rf"(?P<date>{DATE_PATTERN})\s*印发$")


def _printed_date(lines: list[str]) -> str | None:
    """The date of the 印发 line (a text 「自印发之日起施行」 without a signature date)."""
    for line in reversed(lines):
        match = _PRINTED.search(P.bare(line))
        if match:
            return parse_cn_date(match["date"])
    return None


# 「自3月1日起执行」: a month and day without the year.
_MONTH_DAY = P.LazyPattern(r"(?P<month>\d{1,2})\s*月\s*(?P<day>\d{1,2})\s*日")


def _month_day_in_year_of(when: str, issued: str | None) -> str | None:
    """A 施行 date written without its year (「自3月1日起执行」) in the year of the issue
    date, when that date is not before the issue date; else unknown (it might be the next
    year: never guessed)."""
    match = _MONTH_DAY.fullmatch(when.strip())
    if not match or issued is None:
        return None
    date = parse_cn_date(f"{issued[:4]}年{match['month']}月{match['day']}日")
    return date if date and date >= issued else None


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
            and not _HEADER_DATE.match(line) and P.ends_title(_unspaced(line)) and len(line) <= 200
            and not P.is_masthead(line) and not P.is_doc_no_file_line(line)
            and not BRACKET_FIELD.match(P.fold(line)))


# A title set with a space after every character (「示 例 市 停 车 管 理 办 法」), as letterheads
# and Word files print short titles. Only when every gap is white space.
_LETTER_SPACED = P.GuardedPattern(r"[\u4e00-\u9fff](?:[ \u3000\u00a0]+[\u4e00-\u9fff（）()《》]){3,}",
                                  ((" ", "\u3000", "\u00a0"),))


def _unspaced(line: str) -> str:
    """A letter-spaced title line without its spaces; any other line as it is."""
    body = line.strip()
    return P.squash(body) if _LETTER_SPACED.fullmatch(body) else line


# Bracketed labels that give the title (「【法规标题】示例条例」).
_TITLE_LABELS = ("法规标题", "标题", "名称", "文件名称")


def _labelled_title(lines: list[str]) -> str | None:
    """The value of a bracketed title label among the first lines."""
    for line in lines[:TOP_LINES_MAX]:
        match = BRACKET_FIELD.match(P.fold(line))
        if match and match["key"] in _TITLE_LABELS and match["value"].strip():
            return line[match.start("value"):].strip()
    return None


def _split_issuers(text: str) -> tuple[str, ...]:
    names = tuple(name for name in re.split(r"[、，,\s]+", text.strip()) if name)
    if names and all(P.ORG_END.search(name) for name in names):
        return names
    return ()


# A line shaped like a date whose year is not a number (「FlYear_Zw年1月1日」).
_DATE_SHAPED = P.LazyPattern(rf"^{P.DATE_SHAPED}$")  # tried on lines that end with 日 only


def _signature(lines: list[str]) -> tuple[tuple[str, ...], str | None]:
    """Issuers and date of the first signature block: issuer lines (and an order's
    signatory line, 「市长 黄奇帆」, which names no issuer) above a date line, or an issuer
    and its date on one line."""
    for index, line in enumerate(lines):
        if "日" not in line:  # both signature shapes end with a date, which ends with 日
            continue
        one_line = P.org_and_date(line)
        if one_line:
            return _split_issuers(one_line[0]), parse_cn_date(one_line[1])
        if not P.is_date_only(P.bare(line)):
            continue
        names: list[str] = []
        signed = False
        cursor = index - 1
        while cursor >= 0 and index - cursor <= 4:
            candidate = P.bare(lines[cursor])
            found = _split_issuers(candidate.rstrip("、，,"))
            if found and not P.is_sentence(candidate):
                names[:0] = found
            elif P.is_signatory(candidate):
                signed = True
            else:
                break
            cursor -= 1
        if names or signed:
            return tuple(names), parse_cn_date(line)
    # Issuer lines over a date that cannot be read (an unfilled template field,
    # 「FlYear年1月1日」): the issuers are known, the date is not.
    for index, line in enumerate(lines[1:], start=1):
        if "日" in line and may_end_with_date(body := P.bare(line)) and _DATE_SHAPED.match(body):
            names = _split_issuers(P.bare(lines[index - 1]).rstrip("、，,"))
            if names and not P.is_sentence(lines[index - 1]):
                return names, None
    # A page that dropped the issuer's name keeps the date alone under the notice's last
    # sentence: still the signature date.
    for index, line in enumerate(lines[1:], start=1):
        if P.is_date_only(P.bare(line)) and P.strip_closers(P.bare(lines[index - 1])).endswith("。"):
            return (), parse_cn_date(line)
    return (), None


# An order's own number (令号): 「示例市人民政府令第 306 号」 on one line, or the issuer's
# 「…令」 line over a 「第2号」/「（第93号）」/「第　322　号」/「第 六十五 号」 line, letters possibly
# spaced out (「示 例 市 人 民 政 府 令」). Read from the white-space-free text of the lines.
_ORDER_NUMBER = rf"第(?:\d{{1,4}}|[{CN_NUMERAL_CHARS}]{{1,8}})号"
# A legislature promulgates by a numbered 公告 the same way (「示例省人民代表大会常务委员会公告」
# over 「第 十二 号」).
# Guarded (lazyre.GuardedPattern): most lines hold neither 令 nor 公告.
_ORDER_WHOLE = P.GuardedPattern(
    rf"^[（(]?(?P<issuer>[\u4e00-\u9fff]{{2,30}}?)(?P<kind>令|公告)(?P<number>{_ORDER_NUMBER})[）)]?$",
    (("令", "公告"), ("第",), ("号",)))
_ORDER_HEAD = P.GuardedPattern(r"^(?P<issuer>[\u4e00-\u9fff]{2,30}?)(?P<kind>令|公告)$", (("令", "公告"),))
_ORDER_TAIL = P.LazyPattern(rf"^[（(]?(?P<number>{_ORDER_NUMBER})[）)]?$")
# A dated line under a 规章's title that names its order: 「（2010年1月19日示例市人民政府令第26号公布）」.
_ORDER_IN_HEADER = P.GuardedPattern(
    rf"日(?P<issuer>[\u4e00-\u9fff]{{2,30}}?)(?P<kind>令|公告)(?P<number>{_ORDER_NUMBER})(?:公布|发布|颁布)",
    (("令", "公告"), ("第",), ("号",)))


# Organisations whose orders carry the state's name but which sign as the short name:
# 「中华人民共和国国务院令」 is signed 「国务院」 (国发/国办发 documents, every State Council
# signature). A ministry signs its orders with the full name (「中华人民共和国卫生部令」).
_STATE_PREFIX_DROPPED = {"中华人民共和国国务院": "国务院"}


def _signing_name(name: str) -> str:
    short = _STATE_PREFIX_DROPPED.get(name)
    return name[name.index(short):] if short else name


# 「省政府令第203号」: the order names its government without the place; a number, but no
# issuer name to record.
_GENERIC_GOVERNMENT = P.LazyPattern(r"[省市县区州旗](?:人民)?政府")


def _order_issuer(name: str) -> bool:
    """The name in front of 令 is an organisation's, or a head of state's (主席令: the
    President promulgates, the issuer is the legislature, so it is not an issuer)."""
    return bool(P.ORG_END.search(name)) or name.endswith("主席")


def _order(lines: list[str]) -> tuple[str, str, int] | None:
    """(令号, issuer, index of its last line) of an order heading the text, else None."""
    for index, line in enumerate(lines[:TOP_LINES_MAX]):
        body = P.squash(P.fold(P.bare(line)))
        whole = _ORDER_WHOLE.match(body)
        head = _ORDER_HEAD.match(body)
        if whole and _order_issuer(whole["issuer"]):
            return whole["issuer"] + whole["kind"] + whole["number"], whole["issuer"], index
        if head and _order_issuer(head["issuer"]) and index + 1 < len(lines):
            tail = _ORDER_TAIL.match(P.squash(P.fold(P.bare(lines[index + 1]))))
            if tail:
                return head["issuer"] + head["kind"] + tail["number"], head["issuer"], index + 1
        dated = _HEADER_DATE.match(line) and _ORDER_IN_HEADER.search(P.squash(P.fold(line)))
        if dated and _order_issuer(dated["issuer"]):
            return dated["issuer"] + dated["kind"] + dated["number"], dated["issuer"], index
    return None


# The promulgation sentence of an order: 「《X》已经…通过，现予公布」「现公布《X》，自…起施行」.
_PROMULGATES = P.LazyPattern(r"^\s*(?:现(?:予)?(?:公布|发布|颁布)\s*《(?P<first>[^《》]+(?:《[^《》]*》[^《》]*)*)》"
                          r"|《(?P<title>[^《》]+(?:《[^《》]*》[^《》]*)*)》(?=[^。]*(?:公布|发布|颁布|现予)))")


def _order_title(lines: list[str], after: int) -> str | None:
    """The title of the text an order promulgates: 《X》 of its promulgation sentence, else
    the first title line after the order's signature."""
    for line in lines[after + 1:after + 4]:
        match = _PROMULGATES.match(P.fold(line))
        if match:
            group = "first" if match["first"] is not None else "title"
            return line[match.start(group):match.end(group)]
    for index in range(after + 1, min(len(lines), after + TOP_LINES_MAX)):
        if P.is_date_only(P.bare(lines[index])):
            for line in lines[index + 1:index + 4]:
                if _is_title_line(P.bare(line)) and not P.QUALIFIER_LINE.match(line):
                    return P.bare(line)
            break
    return None


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


# The sentence of a covering notice that hands on a text: 「现将《X》印发给你们」「现将《X》转发给
# 你们」「市公安局拟定的《X》已经市政府同意，现予转发」.
_HANDS_ON = P.LazyPattern(r"《(?P<title>[^《》]+(?:《[^《》]*》[^《》]*)*)》[^。《]{0,20}?(?:印发|转发|发布|颁发|批转)给")


def _forwarded_title(lines: list[str]) -> str | None:
    """X, when a notice at the top hands on 《X》 and X then stands on a line of its own (the
    title of the text that follows): a notice whose own title line is missing or unfilled."""
    for line in lines[:TOP_LINES_MAX]:
        match = _HANDS_ON.search(P.fold(line))
        if match:
            title = line[match.start("title"):match.end("title")]
            if any(P.bare(other) == title for other in lines):
                return title
    return None


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


def _first_lines(text: str, count: int) -> list[str]:
    """The first `count` lines of `text` with content (str.strip), as `[line for line in
    text.split("\n") if line.strip()][:count]` gives them, from the head of the text (what
    `_header` reads of a text is its first HEADER_SCAN_MAX lines and the continuations of
    the last: splitting the whole of a 1.45 M-character text was 2-3 ms, issue 14)."""
    end = 0
    for _ in range(4 * count):  # the head: 4 line ends per line wanted, then count again
        end = text.find("\n", end) + 1
        if not end:
            break
    else:
        lines = list(filter(str.strip, text[:end].split("\n")))
        if len(lines) >= count:
            return lines[:count]
    return list(filter(str.strip, text.split("\n")))[:count]


def metadata_notes(clean_text: str, meta: DocumentMeta) -> tuple[str, ...]:
    """Why a value that the text seems to give was left unknown (for `add` to print)."""
    if meta.effective is not None or meta.effective_clause is not None:
        return ()
    folded = P.fold(clean_text)
    header = _header(_first_lines(folded, HEADER_SCAN_MAX + HEADER_CONTINUATION_MAX + 1))
    chosen = _own_effective_clause(folded, meta.title)
    if header.amended and chosen is not None:
        clause = _unlabelled(clean_text[chosen.start:chosen.end])
        return (f"effective date unknown: a consolidated text (latest {header.latest_kind} "
                f"{max(header.amended)}) keeps the original enactment's 施行 clause 「{clause}」, "
                f"and its header states no 施行 date",)
    return ()


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
    lines = list(filter(str.strip, clean_text.split("\n")))  # (the lines with content, at C speed)
    top = _top_lines(lines)
    order = _order(lines)

    title = _labelled_title(lines) or (_order_title(lines, order[2]) if order else None)
    spaced_issuers: tuple[str, ...] = ()
    for line in top if title is None else ():
        if _is_title_line(line):
            title = _issued_document_title(_unspaced(line), lines)
            spaced = _SPACED_ISSUER.fullmatch(title)
            if spaced and P.ends_title(spaced["title"]) and _split_issuers(spaced["issuer"]):
                title, spaced_issuers = spaced["title"], _split_issuers(spaced["issuer"])
            break
    if title is None:
        title = _letterhead_title(lines)
    if title is None:
        title = _forwarded_title(lines)
    # (An order line 「示例总局令第55号」 heading an order is its designation and title; a
    # letterhead 「示例市人民政府文件」 is no document's title.)
    if title is None and top and not P.is_date_only(top[0]) and not _HEADER_DATE.match(top[0]) \
            and (not P.is_doc_no_line(top[0]) or P.ORDER_NO.fullmatch(P.fold(top[0]))) \
            and not P.is_masthead(top[0]):
        title = top[0]

    issuers, issued = _signature(lines)
    if not issuers:
        issuers = spaced_issuers
    if not issuers and order and P.ORG_END.search(order[1]) and not _GENERIC_GOVERNMENT.fullmatch(order[1]):
        issuers = (_signing_name(order[1]),)
    if not issuers:
        for line in top:
            if _is_title_line(line):
                match = _NOTICE.match(line) or _ABOUT.match(line)
                # 「示例市政府批转示例局关于…的通知」: two organisations joined by a verb, and
                # neither one named in full: no issuer is read.
                if match and not re.search(r"批转|转发|印发", match["issuers"]):
                    issuers = _split_issuers(match["issuers"])
                break

    header = _header(lines)
    if issued is None and header.enacted:
        # The latest enactment event (通过/修订/修正/公布) is this version's.
        issued = max(header.enacted)

    effective = effective_clause = None
    if header.effective is not None:
        effective_clause, effective = header.effective
    if effective_clause is None:
        chosen = _own_effective_clause(clean_text, title)
        if chosen is not None:
            effective_clause = _unlabelled(chosen.text)
            effective = parse_cn_date(chosen.when)
            relative = _RELATIVE_TO_ISSUE.search(chosen.when) and not re.search(
                rf"之日起?\s*\d|之日起?\s*[{CN_NUMERAL_CHARS}]+[日天个月年]", chosen.when)
            if effective is None and relative:
                effective = issued or _printed_date(lines)
            elif effective is None:
                effective = _month_day_in_year_of(chosen.when, issued)
            # A consolidated text (its header lists 修正/修订 events) keeps the original
            # enactment's 施行 clause: a date before its latest amendment, or 「自公布之日起」
            # after 修正 (an amendment leaves the last article as it was), is not this
            # version's. Unknown unless the header states it.
            if header.amended and (effective is not None and effective < max(header.amended)
                                   or relative and header.latest_kind == "修正"):
                effective = effective_clause = None

    doc_no = order[0] if order else None
    for line in lines if doc_no is None else ():
        # (a 文号 or order number ends with 号/號: a line without one is passed at C speed)
        match = P.DOC_NO_LINE.match(line) if "号" in line or "號" in line else None
        if match:
            doc_no = _tidy_doc_no(match["doc_no"])
            break

    published = None
    for line in lines:
        if "发布" in line and _PUBLISHED_LINE.match(line):
            published = parse_cn_date(line)
            break

    return DocumentMeta(
        title=title, doc_no=doc_no, issuers=issuers, issued=issued, effective=effective,
        published=published, effective_clause=effective_clause, repeals=extract_repeals(clean_text),
    )
