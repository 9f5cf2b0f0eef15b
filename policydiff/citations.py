"""Citations of articles, and what a revision does to them (issue 13).

Functional core: no I/O, no clock. Three parts:

1. **Grammar** (`find_citations`): the citations written in one measure's `text`, each
   with its span (offsets into that text), what it points at (article, 之一, 款, 项) and
   its scope:

   - ``internal``: 「本法第三十七条」, 「本条例第十二条第二款第(三)项」 (本 + a document noun),
     or a bare 「第X条」 in a citing context (「依照第十条规定」, 「第十条规定的」);
   - ``relative``: 「前款」, 「前两款」, 「本条第二款」, 「前条」, a bare 「第二款」 (same article);
   - ``external``: 「《烟草专卖法》第三十一条」, 「民事诉讼法第一百一十九条」 (judicial
     interpretations cite without 书名号), 「该法第五条」 (the work last named in the
     measure).

   Lists 「第十条、第十二条和第十五条」 and ranges 「第四条至第七条」 give one citation per
   element written (a range's inner articles are not written, so not citations);
   an element without an article (「第十五条第二项至第六项」's 「第六项」) inherits it.
   A label at the start of a line (「第五条　……」 quoted in a text) is not a citation,
   and neither is an amendment instruction (「将第五条修改为」, 「删去第五条」): those
   name the numbering of the document being amended, not a rule that applies.

Parts 2 and 3 live in `citations_check.py` (import them from there): a diff reads
citations through the grammar only (the aligner's evidence), and the check's record
classes (dataclasses: each ~0.5 ms to create) and code were ~3.5 ms of its start-up
(issue 14).

2. **Internal check of a revision** (`check_revision`): every internal and relative
   citation of the old version is mapped through the alignment (a `Comparison`) and
   compared with the citation written at the same place in the successor measure:
   ``updated`` / ``unchanged`` / ``stale`` / ``retargeted`` / ``target_removed`` /
   ``target_split`` / ``dropped`` / ``unresolved``; new citations of the new version
   that no old citation accounts for are ``new_citation``. The place is found by mapping
   the citation's span through the change's redline segments (lossless, so offsets map
   exactly through the common text).

3. **Impact across an archive** (`external_impact`): the citations of a revised work in
   other documents, each with its status against the revision and the suggested new
   citation (「民事诉讼法第一百一十九条 → 第一百二十二条」). A citing document older than
   the revision's old version cites the numbering in force at its date: it is followed
   through the archived earlier versions when there are any, else ``unknown`` (with the
   reason), never mapped as if it cited the old version.

Numerals and the nouns a document calls itself by (本法, 本条例 …) come from `lexicon`
(the one home of those facts); the nouns of works cited by name without 书名号 and the
words that end such a name are this grammar's own.

Rejected: one citation per range with the inner articles expanded (「第四条至第七条」 as 4,
5, 6, 7): the inner numbers are not written, so there is nothing in the new text to
compare them with; and matching old to new citations by their order inside the measure:
lists grow and shrink between versions, so the place is taken from the redline instead.

>>> [ (c.scope, c.text, c.article, c.paragraph) for c in find_citations("违反本法第三十七条第二款规定的，依照前款处罚。")]
[('internal', '本法第三十七条第二款', 37, 2), ('relative', '前款', None, None)]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from .model import Block, Segment
from .lexicon import CN_NUMERAL_CHARS, SELF_REFERENCE_RE, numeral_to_int
from .lazyre import LazyPattern  # patterns a text's citations seldom need: compiled at first use


# --------------------------------------------------------------------------- grammar

_NUM = rf"[0-9０-９]+|[{CN_NUMERAL_CHARS}]+"
_SP = r"[ \u3000]*"  # spaces inside a number expression (「第 5 条」); never a line break
_ARTICLE = rf"第{_SP}(?P<a>{_NUM}){_SP}条(?:{_SP}之{_SP}(?P<asub>{_NUM}))?"
_PARAGRAPH = rf"第{_SP}(?P<p>{_NUM}){_SP}款"
_ITEM = rf"第{_SP}[(（]?{_SP}(?P<i>{_NUM}){_SP}[)）]?{_SP}项"
# Relative words: 前款, 前两款 (前二款), 前条, 前项, 本条, 本款.
# 本条/本款 alone name the article the sentence is in (「本条所称」): a citation only
# with a finer level after them (「本条第二款」), see find_citations. 本条例 is not 本条.
_RELATIVE = r"(?P<rel>前(?P<reln>[两二三四五])?款|前条|前项|本条(?!例)|本款)"

# 「第（一）、（三）项」, 「第(一)、(二)、(三)项」: items listed inside one 第…项
_ITEM_LIST = (rf"(?P<ilist>第{_SP}[(（]{_SP}(?:{_NUM}){_SP}[)）]"
              rf"(?:{_SP}[、和及或]{_SP}[(（]{_SP}(?:{_NUM}){_SP}[)）])+{_SP}项)")
# 「第一、二、三项」, 「第五、六条」: numerals listed under one 第 and one noun
_NUMERAL_LIST = (rf"(?P<nlist>第{_SP}(?:{_NUM})(?:{_SP}[、和及或]{_SP}(?:{_NUM}))+{_SP}(?P<nlnoun>[条款项]))")
_TOKEN_RE = re.compile(rf"{_ITEM_LIST}|{_NUMERAL_LIST}|{_ARTICLE}|{_PARAGRAPH}|{_ITEM}|{_RELATIVE}")
_BARE_NUM_RE = LazyPattern(rf"(?:{_NUM})")

# What joins the elements of a list or a range. Longest first (以及 before 及).
_LIST_SEPARATORS = ("、", "以及", "或者", "和", "及", "与", "或")
_RANGE_SEPARATORS = ("至", "到")

# 本 + a document noun (本法, 本条例, 本实施办法 …): the document cites itself. The nouns are
# lexicon's (the one list of what a document calls itself).
_SELF_RE = re.compile(rf"(?:{SELF_REFERENCE_RE.pattern})$")
# The noun a cited work's name ends with when it is written without 书名号 (「刑法」,
# 「民事诉讼法」, 「保守国家秘密法实施条例」, 「民法典」). Kept to nouns of legal acts:
# 「意见」, 「通知」 and the like are not cited by article without 书名号.
_EXTERNAL_NOUNS = ("法典", "法", "条例", "规定", "办法", "解释", "细则", "规则", "决定", "通则", "公约", "条约",
                   "协定", "宪章", "议定书")
_EXTERNAL_NOUN_RE = LazyPattern(r"(?:" + "|".join(_EXTERNAL_NOUNS) + r")$")
# 「该法」, 「该条例」, 「同法」: the work last named before, in the same measure.
_ANAPHOR_RE = LazyPattern(r"(?:该|同|上述)(?:" + "|".join(_EXTERNAL_NOUNS) + r")$")  # the whole name, see _scope_of
_CJK_RE = LazyPattern(r"[\u4e00-\u9fff]")
# Longest bare name considered before the noun (characters). Real ones: 「中华人民共和国
# 保守国家秘密法实施条例」 is 18; 40 leaves room and stops at the sentence anyway.
MAX_BARE_NAME_CHARS = 40
# Words that end the run of characters before a bare name: the verb or conjunction in
# front of 「刑法第X条」. Cut at the last one found (after 中华人民共和国, which holds 和).
# Rejected: cutting at every one-character function word (未/有/中/不 occur in real
# names: 未成年人保护法, 国有资产法, 反不正当竞争法).
_NAME_STOP_WORDS = ("依照", "依据", "根据", "按照", "违反", "适用", "符合", "参照", "认定为", "视为",
                    "属于", "构成", "具有", "具备", "对于", "以及", "或者", "是指", "所称", "不适用",
                    "除", "对", "和", "与", "及", "即", "是", "为", "的", "在", "由", "经", "依", "按",
                    "照", "将", "并", "于", "或", "已", "从", "有", "就", "但", "行使", "依法", "应当", "可以",
                    "予以", "而", "若", "均", "仍", "认定", "通知", "无", "告知", "要求", "提出")
_COUNTRY = "中华人民共和国"
# A stop word that is also part of a common word of law names is no stop there:
# {stop word: (characters that may stand before it, characters that may follow it)}.
# 国有资产法, 就业促进法, 行政诉讼法 keep their 有, 就, 行.
_STOP_WORD_EXCEPTIONS = {"有": ("国所共", ""), "就": ("", "业"), "使": ("行", "用"), "但": ("", ""),
                         "无": ("", "线障")}


def _inside_a_name(run: str, pos: int, word: str) -> bool:
    before, after = _STOP_WORD_EXCEPTIONS.get(word, ("", ""))
    prev_char = run[pos - 1] if pos > 0 else ""
    next_char = run[pos + len(word)] if pos + len(word) < len(run) else ""
    return bool((prev_char and prev_char in before) or (next_char and next_char in after))

# A bare 「第X条」 cites when a citing word stands before it in the same clause ...
_CITING_BEFORE_RE = LazyPattern(
    r"(?:依照|依据|根据|按照|违反|适用|符合|参照|准用|除|对|有|具有|属于|不属于|不符合|不适用|"
    r"依|按|照|经|由|在|执行|实施|遵守|落实|满足|具备|即|同|如|比照)$")
# ... or what follows it says so (「第十条规定的」, 「第十条所列」, 「第十条的规定」, a list
# or range going on).
_CITING_AFTER_RE = LazyPattern(
    r"^(?:的?规定|之规定|所列|所称|所述|所指|所规定|所确定|的|中|条件|情形|要求|范围|至|到|、|和|及|以及|或者|或|第)")
# Amendment instructions name the numbering of the amended text: not citations.
_AMENDMENT_AFTER_RE = re.compile(r"^[ \u3000]*(?:修改为|改为|中的|作为|之后|后增加|删去|删除)")
_AMENDMENT_BEFORE_RE = re.compile(r"(?:将|删去|删除|作为|增加一条，作为|在)$")

_SENTENCE_END_RE = LazyPattern(r"[。；;\n]")

# Item markers at the start of a line inside an article: （一） (1) 1. 1、 ①.
_ITEM_LINE_RE = re.compile(
    rf"^[ \u3000]*(?:[(（][ \u3000]*(?P<n1>{_NUM})[ \u3000]*[)）]|(?P<n2>[0-9０-９]+)[.．、]|(?P<c>[\u2460-\u2473]))")
# A label written at the start of a line: 「第五条　……」 (a quoted article).
_LABEL_AT_LINE_START_RE = re.compile(rf"(?:^|\n)[“\"‘「]?{_SP}$")


@dataclass(frozen=True)
class Citation:
    """One cited element as written in a measure's text.

    `start`/`end` are offsets in the measure's `text`; `text` is text[start:end] (the
    scope words 「本法」, 「《X》」, 「民事诉讼法」 included for the first element of an
    expression, so that 「本法第十条、第十二条」 gives 「本法第十条」 and 「第十二条」).
    """

    ordinal: int  # the citing measure (1-based); 0 for text outside measures
    start: int
    end: int
    text: str
    scope: str  # "internal" | "relative" | "external"
    article: int | None  # 第X条; for relative citations, None (see `relative`)
    article_sub: int | None = None  # 第X条之一 -> 1
    paragraph: int | None = None  # 第Y款
    item: int | None = None  # 第Z项
    relative: str | None = None  # 前款 / 前两款 / 前条 / 前项 / 本条 / 本款 / 款 (a bare 第Y款) / 项
    work_name: str | None = None  # external: the name as written, without 《》
    bracketed: bool = False  # external: written in 《》
    role: str = "single"  # single | list | range_start | range_end
    group: int = 0  # index of the citation expression in the measure (elements of one list share it)
    line: int = 1  # 1-based line of the measure's text where it starts
    citing_paragraph: int = 1  # 1-based paragraph (款) of the citing measure where it is written
    relative_count: int = 1  # 前两款 -> 2

    @property
    def article_key(self) -> tuple[int, int | None] | None:
        return None if self.article is None else (self.article, self.article_sub)


def _value(s: str | None) -> int | None:
    if s is None:
        return None
    try:
        return numeral_to_int(s)
    except ValueError:
        return None


@dataclass
class _Element:
    start: int
    end: int
    article: int | None = None
    article_sub: int | None = None
    paragraph: int | None = None
    item: int | None = None
    relative: str | None = None
    relative_count: int = 1  # 前两款 -> 2
    level: int = 0  # 1 article, 2 paragraph, 3 item: the finest level written so far
    first_level: int = 0


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    level: int  # 1 article, 2 paragraph, 3 item
    article: int | None = None
    article_sub: int | None = None
    paragraph: int | None = None
    item: int | None = None
    relative: str | None = None
    relative_count: int = 1
    listed: bool = False  # the 2nd, 3rd … item of 「第（一）、（三）项」: a list element


_PAREN_NUM_RE = LazyPattern(rf"[(（]{_SP}(?P<n>{_NUM}){_SP}[)）]")


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    for m in _TOKEN_RE.finditer(text):
        if m.group("ilist") is not None:
            # 「第（一）、（三）项」: one item token per number; the first keeps 第, the
            # last keeps 项
            numbers = list(_PAREN_NUM_RE.finditer(text, m.start(), m.end()))
            for k, n in enumerate(numbers):
                start = m.start() if k == 0 else n.start()
                end = m.end() if k == len(numbers) - 1 else n.end()
                out.append(_Token(start, end, 3, item=_value(n.group("n")), listed=k > 0))
        elif m.group("nlist") is not None:
            noun = m.group("nlnoun")
            level = {"条": 1, "款": 2, "项": 3}[noun]
            numbers = list(_BARE_NUM_RE.finditer(text, m.start() + 1, m.end() - 1))
            for k, n in enumerate(numbers):
                start = m.start() if k == 0 else n.start()
                end = m.end() if k == len(numbers) - 1 else n.end()
                value = _value(n.group(0))
                out.append(_Token(start, end, level, article=value if level == 1 else None,
                                  paragraph=value if level == 2 else None, item=value if level == 3 else None,
                                  listed=k > 0))
        elif m.group("a") is not None:
            out.append(_Token(m.start(), m.end(), 1, article=_value(m.group("a")),
                              article_sub=_value(m.group("asub"))))
        elif m.group("p") is not None:
            out.append(_Token(m.start(), m.end(), 2, paragraph=_value(m.group("p"))))
        elif m.group("i") is not None:
            out.append(_Token(m.start(), m.end(), 3, item=_value(m.group("i"))))
        else:
            rel = m.group("rel")
            level = 1 if rel in ("前条", "本条") else 2 if rel.endswith("款") else 3
            out.append(_Token(m.start(), m.end(), level, relative=rel,
                              relative_count=(_value(m.group("reln")) or 1) if m.group("reln") else 1))
    return out


def _elements(text: str) -> list[list[tuple[_Element, str]]]:
    """Tokens grouped into elements (adjacent, finer level after coarser: 第十条第二款第三项)
    and elements into expressions (joined by a list or range separator). Each element
    carries the separator that preceded it ("" for the first)."""
    expressions: list[list[tuple[_Element, str]]] = []
    current: list[tuple[_Element, str]] = []
    element: _Element | None = None
    pending_sep = ""
    for tok in _tokens(text):
        adjacent = element is not None and tok.start == element.end
        if adjacent and tok.level > element.level and not tok.listed:
            _extend(element, tok)
            continue
        # a new element: joined to the expression by a separator, or a new expression
        if element is not None:
            current.append((element, pending_sep))
        gap = text[element.end:tok.start] if element is not None else None
        sep = "、" if tok.listed else (_separator(gap) if gap is not None else None)
        if sep is None or tok.relative is not None:
            if current:
                expressions.append(current)
            current = []
            pending_sep = ""
        else:
            pending_sep = sep
        element = _Element(start=tok.start, end=tok.end, first_level=tok.level)
        _extend(element, tok)
    if element is not None:
        current.append((element, pending_sep))
    if current:
        expressions.append(current)
    return expressions


def _separator(gap: str) -> str | None:
    g = gap.strip(" \u3000")
    if g in _LIST_SEPARATORS or g in _RANGE_SEPARATORS:
        return g
    return None


def _extend(element: _Element, tok: _Token) -> None:
    element.end = tok.end
    element.level = tok.level
    if tok.article is not None:
        element.article, element.article_sub = tok.article, tok.article_sub
    elif tok.paragraph is not None:
        element.paragraph = tok.paragraph
    elif tok.item is not None:
        element.item = tok.item
    if tok.relative is not None:
        element.relative = tok.relative
        element.relative_count = tok.relative_count


def _book_title_before(text: str, end: int) -> tuple[int, str] | None:
    """「《A》」 ending at `end`: (start of 《, A). 〈〉 inside (a title in a title) is kept."""
    if end == 0 or text[end - 1] != "》":
        return None
    depth = 0
    for i in range(end - 1, max(-1, end - 200), -1):
        ch = text[i]
        if ch == "》":
            depth += 1
        elif ch == "《":
            depth -= 1
            if depth == 0:
                return i, text[i + 1:end - 1]
        elif ch == "\n":
            return None
    return None


def bare_name_run(text: str, end: int) -> str:
    """The run of CJK characters before `end` (at most MAX_BARE_NAME_CHARS)."""
    i = end
    while i > 0 and end - i < MAX_BARE_NAME_CHARS and _CJK_RE.match(text[i - 1]):
        i -= 1
    return text[i:end]


def trim_bare_name(run: str) -> str:
    """The name in a run that ends with a document noun: 「应当认定为刑法」 -> 「刑法」,
    「适用中华人民共和国民事诉讼法」 -> 「中华人民共和国民事诉讼法」.

    >>> trim_bare_name("应当认定为刑法"), trim_bare_name("可以依照民事诉讼法"), trim_bare_name("未成年人保护法")
    ('刑法', '民事诉讼法', '未成年人保护法')
    >>> trim_bare_name("适用中华人民共和国民事诉讼法")
    '中华人民共和国民事诉讼法'
    >>> [trim_bare_name(r) for r in ("应当就侵权责任法", "依法行使刑事诉讼法", "发明创造有专利法", "但民事诉讼法")]
    ['侵权责任法', '刑事诉讼法', '专利法', '民事诉讼法']
    >>> [trim_bare_name(r) for r in ("违反企业国有资产法", "依照就业促进法", "适用行政诉讼法", "被告人无刑事诉讼法")]
    ['企业国有资产法', '就业促进法', '行政诉讼法', '刑事诉讼法']
    """
    country = run.rfind(_COUNTRY)
    if country >= 0:
        return run[country:]
    cut = 0
    for word in _NAME_STOP_WORDS:
        # the last stop word that leaves a name of at least two characters before the noun
        pos = run.rfind(word, 0, max(0, len(run) - 2))
        while pos >= 0:
            if pos + len(word) <= len(run) - 2 and not _inside_a_name(run, pos, word):
                cut = max(cut, pos + len(word))
                break
            pos = run.rfind(word, 0, pos)
    return run[cut:]


def _in_citing_context(text: str, start: int, end: int) -> bool:
    before = text[max(0, start - 8):start]
    # the clause before the citation: after the last punctuation mark
    before = re.split(r"[，。；：、,;:\n“”（）()]", before)[-1]
    if _CITING_BEFORE_RE.search(before) or before.endswith(("的", "于")):
        return True
    return bool(_CITING_AFTER_RE.match(text[end:end + 6]))


def _is_label_or_amendment(text: str, start: int, end: int) -> bool:
    if _LABEL_AT_LINE_START_RE.search(text[max(0, start - 3):start]) and (
            end == len(text) or text[end] in " \u3000\t"):
        return True  # a label: 「第五条　内容」 at the start of a line
    if _AMENDMENT_AFTER_RE.match(text[end:end + 8]):
        return True
    before = text[max(0, start - 12):start]
    return bool(_AMENDMENT_BEFORE_RE.search(before))


def _paragraph_at(text: str, offset: int) -> tuple[int, int]:
    """(line, paragraph) of `offset` in a measure text: paragraphs are lines that are not
    item lines (「（一）…」 belongs to the paragraph above it)."""
    line = text.count("\n", 0, offset) + 1
    paragraph = 0
    for n, content in enumerate(text.split("\n")[:line], 1):
        if n == 1 or not _ITEM_LINE_RE.match(content):
            paragraph += 1
    return line, max(1, paragraph)


def find_citations(text: str, ordinal: int = 0) -> list[Citation]:
    """Every citation in one measure's `text` (see the module docstring), in text order.

    >>> [c.text for c in find_citations("依照第十条、第十二条和本条例第十五条至第十七条的规定。")]
    ['第十条', '第十二条', '本条例第十五条', '第十七条']
    >>> [c.role for c in find_citations("依照本条例第十五条至第十七条的规定。")]
    ['range_start', 'range_end']
    >>> [(c.work_name, c.article) for c in find_citations("应当依照刑法第一百四十条、《烟草专卖法》第三十一条处罚")]
    [('刑法', 140), ('烟草专卖法', 31)]
    >>> find_citations("第五条　本条例自公布之日起施行。")
    []
    """
    out: list[Citation] = []
    last_external: tuple[str, bool] | None = None
    last_external_end = last_self_end = -1
    for group, expression in enumerate(_elements(text)):
        first, _ = expression[0]
        scope, prefix_start, work_name, bracketed = _scope_of(text, first, last_external)
        if scope is None:
            continue
        if (scope == "internal" and prefix_start == first.start and first.article is not None
                and last_external is not None and last_external_end > last_self_end
                and not _SENTENCE_END_RE.search(text, last_external_end, first.start)):
            # 「有刑事诉讼法第二百二十七条规定的情形之一，或者违反第二百二十八条规定的」: a
            # bare article in the sentence of an external citation continues it (a
            # drafter switching back to the own text writes 本解释第X条)
            scope, work_name, bracketed = "external", last_external[0], last_external[1]
        if scope == "external" and work_name and not _ANAPHOR_RE.fullmatch(work_name):
            last_external = (work_name, bracketed)
        if scope == "external":
            last_external_end = expression[-1][0].end
        else:
            last_self_end = expression[-1][0].end
        previous: _Element | None = None
        for index, (element, sep) in enumerate(expression):
            if element.relative in ("本条", "本款") and element.level == element.first_level:
                continue  # 「本条所称」: the sentence's own article, not a citation
            start = prefix_start if index == 0 else element.start
            if element.first_level > 1 and element.relative is None and previous is not None:
                # 「第十五条第二项至第六项」: 第六项 inherits article (and paragraph) from before
                if element.article is None:
                    element.article, element.article_sub = previous.article, previous.article_sub
                if element.first_level > 2 and element.paragraph is None:
                    element.paragraph = previous.paragraph
                if previous.relative is not None and element.relative is None:
                    element.relative = previous.relative
            role = "single" if len(expression) == 1 else "list"
            if index + 1 < len(expression) and expression[index + 1][1] in _RANGE_SEPARATORS:
                role = "range_start"
            if sep in _RANGE_SEPARATORS:
                role = "range_end"
            element_scope = scope
            relative = element.relative
            if scope != "external" and relative is None and element.article is None:
                # a bare 「第二款」 / 「第三项」: this article's
                element_scope, relative = "relative", "款" if element.paragraph is not None else "项"
            elif relative is not None:
                element_scope = "relative"
            line, paragraph = _paragraph_at(text, start)
            out.append(Citation(
                ordinal=ordinal, start=start, end=element.end, text=text[start:element.end],
                scope=element_scope, article=element.article,
                article_sub=element.article_sub, paragraph=element.paragraph, item=element.item,
                relative=relative if element_scope == "relative" else None,
                work_name=work_name if element_scope == "external" else None,
                bracketed=bracketed if element_scope == "external" else False,
                role=role, group=group, line=line, citing_paragraph=paragraph,
                relative_count=element.relative_count if element_scope == "relative" else 1,
            ))
            previous = element
    return out


def _scope_of(text: str, first: _Element, last_external: tuple[str, bool] | None
              ) -> tuple[str | None, int, str | None, bool]:
    """(scope, start of the span with its scope words, work name, bracketed) of an
    expression from what is written before its first element; scope None when it is not
    a citation."""
    start = first.start
    if first.relative is not None:
        return "relative", start, None, False
    if _is_label_or_amendment(text, first.start, first.end):
        return None, start, None, False
    before = text[:start]
    self_match = _SELF_RE.search(before[-8:])
    if self_match:
        return "internal", start - (len(before[-8:]) - self_match.start()), None, False
    book = _book_title_before(text, start)
    if book is not None:
        return "external", book[0], _clean_title(book[1]), True
    run = bare_name_run(text, start)
    anaphor_match = _ANAPHOR_RE.search(run) if run else None
    # 「依照该法」, 「同法」: the name is the anaphor alone once the verb is cut off;
    # 「符合合同法」 ends with 同法 too, but its name is 合同法
    if anaphor_match and trim_bare_name(run) == anaphor_match.group(0):
        anaphor = anaphor_match.group(0)
        if last_external is not None:
            return "external", start - len(anaphor), last_external[0], last_external[1]
        return "external", start - len(anaphor), anaphor, False
    if run and _EXTERNAL_NOUN_RE.search(run) and len(run) >= 2:
        name = trim_bare_name(run)
        if len(name) >= 2 and not _EXTERNAL_NOUN_RE.fullmatch(name) and not _is_generic_name(name):
            return "external", start - len(name), name, False
    if first.article is None:
        # 「第二款」 alone: relative to this article when it cites
        return ("internal", start, None, False) if _in_citing_context(text, start, first.end) else (None, start, None, False)
    if _in_citing_context(text, start, first.end):
        return "internal", start, None, False
    return None, start, None, False


# Bare runs that end with a noun but name no work: 「按照有关规定第X条」 is not written,
# but 「的规定第」 is a sentence joint.
_GENERIC_NAMES = ("规定", "有关规定", "相关规定", "国家规定", "法律法规", "法规", "办法", "决定")


def _is_generic_name(name: str) -> bool:
    return name in _GENERIC_NAMES or name.endswith(("的规定", "之规定", "的决定", "等规定"))


def _clean_title(title: str) -> str:
    return title.strip().replace("〈", "《").replace("〉", "》")


# --------------------------------------------------------------------------- labels

_CN_DIGIT_NAMES = "零一二三四五六七八九"


def small_cn_numeral(n: int) -> str:
    """1..999 as written in article, 款 and 项 labels: 十, 十二, 二十, 一百零五, 一百一十.

    >>> [small_cn_numeral(n) for n in (1, 10, 12, 20, 105, 110, 119, 300)]
    ['一', '十', '十二', '二十', '一百零五', '一百一十', '一百一十九', '三百']
    """
    if not 1 <= n <= 999:
        return str(n)
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _CN_DIGIT_NAMES[hundreds] + "百"
        if tens == 0 and ones:
            return out + "零" + _CN_DIGIT_NAMES[ones]
    if tens:
        out += ("" if tens == 1 and not hundreds else _CN_DIGIT_NAMES[tens]) + "十"
    if ones:
        out += _CN_DIGIT_NAMES[ones]
    return out


def measure_label(block: Block) -> str:
    """The label as printed, 之一 included (「第十条之一」)."""
    label = block.label.strip()
    if block.sub_number and "之" not in label:
        label = f"{label}之{small_cn_numeral(block.sub_number)}"
    return label


def unit_suffix(paragraphs: Sequence[int] = (), items: Sequence[int] = ()) -> str:
    """「第二款」, 「第一款至第二款」 (consecutive), 「第一款、第三款」, then 「第三项」."""
    def part(values: Sequence[int], noun: str) -> str:
        if not values:
            return ""
        names = [f"第{small_cn_numeral(v)}{noun}" for v in values]
        if len(values) > 2 and list(values) == list(range(values[0], values[-1] + 1)):
            return f"{names[0]}至{names[-1]}"
        return "、".join(names)
    return part(paragraphs, "款") + part(items, "项")


# --------------------------------------------------------------------------- paragraphs

def paragraphs_of(text: str) -> list[str]:
    """A measure text cut into its paragraphs (款): a line that is an item 「（一）…」
    belongs to the paragraph above it."""
    out: list[str] = []
    for n, line in enumerate(text.split("\n")):
        if n == 0 or not out or not _ITEM_LINE_RE.match(line):
            out.append(line)
        else:
            out[-1] += "\n" + line
    return out


# Two paragraphs are the same one across versions when their similarity (rapidfuzz
# ratio of the texts, 0..1) reaches this; below it a 款 is treated as gone. 0.5 keeps a
# paragraph that was reworded in place (median 0.8 on corpus pairs) and rejects an
# unrelated neighbour (typically < 0.3). Range 0..1.
PARAGRAPH_MATCH_MIN = 0.5


def align_units(old_units: Sequence[str], new_units: Sequence[str],
                minimum: float = PARAGRAPH_MATCH_MIN) -> dict[int, int]:
    """Order-preserving alignment of paragraphs (1-based old -> new) maximising the summed
    similarity (dynamic programming; units of one article are few, so O(m·n) is nothing).

    >>> align_units(["甲规定。", "乙规定。"], ["甲规定。", "新增丙。", "乙规定。"])
    {1: 1, 2: 3}
    """
    from rapidfuzz.fuzz import ratio

    m, n = len(old_units), len(new_units)
    if m == 0 or n == 0:
        return {}
    score = [[0.0] * (n + 1) for _ in range(m + 1)]
    for i in range(m - 1, -1, -1):
        for j in range(n - 1, -1, -1):
            best = max(score[i + 1][j], score[i][j + 1])
            sim = ratio(old_units[i], new_units[j]) / 100.0
            if sim >= minimum:
                best = max(best, sim + score[i + 1][j + 1])
            score[i][j] = best
    out: dict[int, int] = {}
    i = j = 0
    while i < m and j < n:
        sim = ratio(old_units[i], new_units[j]) / 100.0
        if sim >= minimum and abs(score[i][j] - (sim + score[i + 1][j + 1])) < 1e-9:
            out[i + 1] = j + 1
            i += 1
            j += 1
        elif score[i][j] == score[i + 1][j]:
            i += 1
        else:
            j += 1
    return out


# --------------------------------------------------------------------------- offsets

def map_offset(segments: Sequence[Segment], offset: int, *, right: bool = False) -> int:
    """An offset in the old text of a redline -> the matching offset in the new text.

    Inside common text the mapping is exact; inside deleted text it lands where the
    deletion was (before the insertion that replaced it, or after it when `right`).

    >>> segs = (("=", "依照本法第"), ("-", "三十七"), ("+", "四十"), ("=", "条规定"))
    >>> map_offset(segs, 2), map_offset(segs, 10), map_offset(segs, 7, right=True)
    (2, 9, 7)
    """
    old_pos = new_pos = 0
    for i, (op, text) in enumerate(segments):
        if op == "=":
            if offset <= old_pos + len(text):
                return new_pos + (offset - old_pos)
            old_pos += len(text)
            new_pos += len(text)
        elif op == "-":
            if offset < old_pos + len(text) or (offset == old_pos + len(text) and not right):
                if right:
                    following = segments[i + 1] if i + 1 < len(segments) else None
                    if following is not None and following[0] == "+":
                        return new_pos + len(following[1])
                return new_pos
            old_pos += len(text)
        else:
            new_pos += len(text)
    return new_pos


def _joined_offsets(texts: Sequence[str]) -> list[int]:
    """Start of each text in "\\n".join(texts)."""
    starts, pos = [], 0
    for t in texts:
        starts.append(pos)
        pos += len(t) + 1
    return starts
