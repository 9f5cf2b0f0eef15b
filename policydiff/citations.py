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
import unicodedata
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

from .model import Block, BlockKind, Change, ChangeKind, Comparison, Document, Segment
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


# --------------------------------------------------------------------------- revision check

STATUSES = ("updated", "unchanged", "stale", "retargeted", "target_removed", "target_split", "dropped",
            "unresolved", "new_citation")
# updated      the new text cites the target's new number (it moved, and the text followed)
# unchanged    the target kept its number and the new text still cites it
# stale        the target moved but the new text still cites the old number (or a 前款
#              that now points at another paragraph): a likely drafting error
# retargeted   the new text cites something else than the target's successor (the drafters
#              changed what is cited, or the alignment is wrong: check by hand)
# target_removed  the cited article has no successor
# target_split the cited article became several; `target_new` lists the candidates
# dropped      the citing sentence (or this citation in it) is gone from the new text
# unresolved   the old text cites an article it does not have
# new_citation a citation of the new text that no old citation accounts for

# Why a check has its status, as a stable code and its parameters (`reason_code`,
# `reason_args` of InternalCheck and ExternalCheck): the renderers word it from the labels
# catalogue (render.labels, key "creason.<code>") in the report's language. The English
# `reason` beside it is the JSON contract's sentence, kept word for word.
# Rejected: translating the English sentence in the renderer (a sentence is not a key: a
# new wording would silently fall back to English), and Chinese sentences in the core (the
# core does not know the report's language).
REASON_CODES = (
    # internal: what the citation points at in its own version (unresolved, new_citation)
    "no_such_article",          # {cited}: the version has no such article (「本条例第四十条」)
    "previous_of_first",        # {relative}: 前条 in the first article
    "before_first_paragraph",   # {relative}: 前款/前两款 with too few paragraphs before it
    # internal: the revision check
    "citing_measure_removed",   # the citing article has no successor (dropped)
    "no_longer_cited_here",     # the successor no longer cites at this place (dropped)
    "no_successor",             # {article}: the cited article was removed (target_removed)
    "split_written",            # {written, candidate}: the new text cites one part of a split
    "inside_written_range",     # {first, last}: the successor lies inside 「第X条至第Y条」
    "points_at_no_article",     # the written citation points at no article of the new text
    "predicted",                # {predicted, merged_into, rewritten}: the alignment predicts another number
    "target_is_new",            # a new citation of an article that is new
    # external: which numbering a citing document uses, and how it was followed
    "citing_date_unknown",      # the citing document's date is unknown
    "old_date_unknown",         # {ref}: the old version's date is unknown
    "before_earliest_version",  # {issued, ref, ref_date}: older than every archived version
    "basis_without_text",       # {issued, basis, missing}: a version on the way has no text
    "before_old_not_compared",  # {issued, ref, ref_date}: older than the old version, no history compared
    "no_such_article_in",       # {basis}: the numbering it cites has no such article
    "cites_numbering_of",       # {issued, basis}: issued after the new version: its numbering
    "followed_through",         # {basis, via: [[label, ref], ...]}: followed through earlier revisions
)


def _why(code: str, text: str, **args: Any) -> dict[str, Any]:
    """The reason fields of a check: the stable code, its parameters (sorted by name;
    values are str, bool, None or tuples of them) and the English sentence."""
    if code not in REASON_CODES:  # a programming error: every code needs its labels
        raise ValueError(f"unknown citation reason code {code!r}")
    return {"reason_code": code, "reason_args": tuple(sorted(args.items())), "reason": text}


@dataclass(frozen=True)
class TargetRef:
    """An article (and 款/项) of one version: its measure ordinal and the label to write."""

    ordinal: int | None
    label: str  # 「第三十七条」, 「第三十七条第二款」
    article_label: str = ""  # 「第三十七条」
    paragraphs: tuple[int, ...] = ()
    items: tuple[int, ...] = ()


@dataclass(frozen=True)
class InternalCheck:
    side: str  # "old" | "new"
    citation: Citation
    target: TargetRef | None  # in the citation's own version
    target_new: tuple[TargetRef, ...] = ()  # old side: the target's successors in the new version
    written: Citation | None = None  # old side: the citation at the same place in the new text
    written_target: TargetRef | None = None  # what `written` points at in the new version
    status: str = "unresolved"
    target_change: str | None = None  # kind of the change that holds the target
    reason: str = ""  # English sentence (JSON `reason`); renderers word reason_code instead
    target_in_old: tuple[TargetRef, ...] = ()  # new side: the target's origins in the old version
    reason_code: str = ""  # one of REASON_CODES, "" when there is nothing to say
    reason_args: tuple[tuple[str, Any], ...] = ()  # its parameters, (name, value) sorted by name


@dataclass(frozen=True)
class CorrespondenceRow:
    old: tuple[int, ...]
    new: tuple[int, ...]
    old_labels: tuple[str, ...]
    new_labels: tuple[str, ...]
    kind: str
    similarity: float
    renumbered: bool
    moved: bool


@dataclass(frozen=True)
class ExternalCheck:
    """A citation of the revised work written in another document."""

    ref: str  # the citing version's ref
    title: str | None
    citation: Citation
    status: str  # current | renumbered | modified | removed | split | unknown
    target: TargetRef | None = None  # in the version the citation is read against
    suggested: tuple[str, ...] = ()  # labels to write now
    suggested_text: str = ""  # 「民事诉讼法第一百一十九条 → 第一百二十二条」
    basis: str = ""  # ref of the revised work's version the citation is read against
    text_changed: bool = False  # the target's text changed in the revision
    reason: str = ""  # English sentence (JSON `reason`); renderers word reason_code instead
    citing_date: str | None = None
    reason_code: str = ""  # one of REASON_CODES, "" when there is nothing to say
    reason_args: tuple[tuple[str, Any], ...] = ()  # its parameters, (name, value) sorted by name
    # removed/split: the archived version before the revision's old one in which that
    # happened ("" when it happened in the revision itself); `suggested_text` says it in English
    changed_in: str = ""


@dataclass(frozen=True)
class CitationReport:
    comparison: Comparison
    correspondence: tuple[CorrespondenceRow, ...]
    internal: tuple[InternalCheck, ...]
    external: tuple[ExternalCheck, ...] = ()
    external_scope: str | None = None  # None: not asked; "latest" | "all" versions
    external_notes: tuple[str, ...] = ()  # English (JSON); renderers word `unarchived` instead
    # cited names that resolve to no archived work (or to several), with how often each is
    # cited: most cited first, then by name
    unarchived: tuple[tuple[str, int], ...] = ()

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for check in self.internal:
            out[check.status] = out.get(check.status, 0) + 1
        return out

    def external_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for check in self.external:
            out[check.status] = out.get(check.status, 0) + 1
        return out


class _Version:
    """One side's measures, indexes and citations, computed once."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.measures = doc.measures
        self.by_article: dict[tuple[int, int | None], int] = {}
        for m in self.measures:
            if m.level == "article" and m.number is not None and m.ordinal is not None:
                self.by_article.setdefault((m.number, m.sub_number), m.ordinal)
        self.citations = {m.ordinal: find_citations(m.text, m.ordinal) for m in self.measures}
        self._paragraphs: dict[int, list[str]] = {}

    def block(self, ordinal: int) -> Block:
        return self.measures[ordinal - 1]

    def paragraphs(self, ordinal: int) -> list[str]:
        if ordinal not in self._paragraphs:
            self._paragraphs[ordinal] = paragraphs_of(self.block(ordinal).text)
        return self._paragraphs[ordinal]

    def ref(self, ordinal: int | None, paragraphs: Sequence[int] = (), items: Sequence[int] = ()) -> TargetRef:
        article = measure_label(self.block(ordinal)) if ordinal else ""
        return TargetRef(ordinal=ordinal, label=article + unit_suffix(paragraphs, items),
                         article_label=article, paragraphs=tuple(paragraphs), items=tuple(items))

    def target_of(self, c: Citation) -> tuple[int | None, tuple[int, ...], tuple[int, ...], dict[str, Any]]:
        """(article ordinal, paragraphs, items, reason) a self-citation points at in this
        version; ordinal None with the reason (the fields of `_why`) when it points at
        nothing, else an empty reason."""
        items = (c.item,) if c.item is not None else ()
        if c.scope == "internal":
            key = c.article_key
            ordinal = self.by_article.get(key) if key else None
            if ordinal is None:
                cited = c.text.removeprefix('本法')
                return None, (), (), _why("no_such_article", f"the text has no {cited}", cited=cited)
            return ordinal, ((c.paragraph,) if c.paragraph else ()), items, {}
        # relative: this article (前条: the one before)
        if c.relative == "前条":
            block = self.block(c.ordinal)
            ordinal = self.by_article.get((block.number - 1, None)) if block.number else None
            if ordinal is None:
                return None, (), (), _why("previous_of_first", "前条 of the first article", relative=c.relative)
            return ordinal, (), (), {}
        if c.relative and c.relative.startswith("前") and c.relative.endswith("款"):
            first = c.citing_paragraph - c.relative_count
            if first < 1:
                return None, (), (), _why("before_first_paragraph", f"{c.relative} in the first paragraph",
                                          relative=c.relative)
            return c.ordinal, tuple(range(first, c.citing_paragraph)), items, {}
        if c.paragraph is not None:
            return c.ordinal, (c.paragraph,), items, {}
        if c.relative == "前项" or c.relative == "项":
            return c.ordinal, (c.citing_paragraph,), items, {}
        return c.ordinal, (), items, {}


def correspondence(c: Comparison) -> tuple[CorrespondenceRow, ...]:
    """The 条文序号对照表: one row per change, old labels -> new labels, in the Comparison's
    order (new document order, a removed measure where it stood) — the order of
    `diff --format csv` (render.correspondence), so the two tables read alike."""
    old_measures = c.old.document.measures if c.old.document is not None else ()
    new_measures = c.new.document.measures if c.new.document is not None else ()
    return tuple(CorrespondenceRow(
        old=tuple(ch.old), new=tuple(ch.new),
        old_labels=tuple(measure_label(old_measures[o - 1]) for o in ch.old),
        new_labels=tuple(measure_label(new_measures[n - 1]) for n in ch.new),
        kind=ch.kind.value, similarity=float(ch.similarity), renumbered=ch.renumbered, moved=ch.moved,
    ) for ch in c.changes)


def _segments_of(change: Change, old_texts: Sequence[str], new_texts: Sequence[str]) -> tuple[Segment, ...]:
    if change.segments:
        return tuple(change.segments)
    from . import textdiff

    return textdiff.redline_many(old_texts, new_texts)


def check_revision(c: Comparison) -> CitationReport:
    """Every internal and relative citation of `c.old` mapped through the alignment and
    compared with what the new text writes (see STATUSES), plus the new citations."""
    if c.old.document is None or c.new.document is None:
        from .errors import MissingTextError

        raise MissingTextError("both versions need their text to check citations")
    old, new = _Version(c.old.document), _Version(c.new.document)
    fate = {o: ch for ch in c.changes for o in ch.old}
    origin = {n: ch for ch in c.changes for n in ch.new}
    checks: list[InternalCheck] = []
    matched_new: set[tuple[int, int, int]] = set()
    for ordinal in sorted(old.citations):
        cites = [x for x in old.citations[ordinal] if x.scope in ("internal", "relative")]
        if not cites:
            continue
        change = fate.get(ordinal)
        placed = _place_in_new(change, ordinal, cites, old, new, fate) if change is not None else {}
        for cite in cites:
            written, covering, rewritten = placed.get((cite.start, cite.end), (None, None, False))
            if written is not None:
                matched_new.add((written.ordinal, written.start, written.end))
            if covering is not None:
                matched_new.add((covering.ordinal, covering.start, covering.end))
            checks.append(_check_old(cite, written, covering, old, new, fate, rewritten))
    for ordinal in sorted(new.citations):
        for cite in new.citations[ordinal]:
            if cite.scope not in ("internal", "relative") or (ordinal, cite.start, cite.end) in matched_new:
                continue
            t_ord, paragraphs, items, reason = new.target_of(cite)
            target = new.ref(t_ord, paragraphs, items) if t_ord else None
            origins: tuple[TargetRef, ...] = ()
            if t_ord is not None and t_ord in origin:
                origins = tuple(old.ref(o) for o in origin[t_ord].old)
            if not reason and t_ord and not origins:
                reason = _why("target_is_new", "the target is new")
            checks.append(InternalCheck(
                side="new", citation=cite, target=target, status="new_citation", target_in_old=origins,
                target_change=origin[t_ord].kind.value if t_ord in origin else None, **reason,
            ))
    return CitationReport(comparison=c, correspondence=correspondence(c), internal=tuple(checks))


# Characters of text on each side of a citation expression compared to decide that a new
# citation stands at the same place as an old one (unit: characters, range 4..40).
CONTEXT_CHARS = 12
# Minimum similarity (rapidfuzz ratio, 0..1) of those contexts for a citation that does
# not cite the predicted article to count as written at the same place: below it the
# sentence was rewritten and the old citation is `dropped`, not `stale`/`retargeted`.
# A citation that does cite the predicted (or the old) article is matched on position
# alone. 0.5: a clause with its verb and object kept scores 0.7-1.0 on corpus pairs, a
# different clause that happens to sit at the same offset 0.1-0.4.
CONTEXT_MIN = 0.5


@dataclass(frozen=True)
class _Placed:
    start: int  # in the joined text of the change's new measures
    end: int
    citation: Citation
    target: int | None  # article ordinal in the new version


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - CONTEXT_CHARS):start] + "|" + text[end:end + CONTEXT_CHARS]


def _place_in_new(change: Change, ordinal: int, cites: Sequence[Citation], old: _Version, new: _Version,
                  fate: Mapping[int, Change]) -> dict[tuple[int, int], tuple[Citation | None, Citation | None, bool]]:
    """For each citation of old measure `ordinal`: (the self-citation written at the same
    place in the successor measure(s), or None; the range end when the target's
    successor is not written but lies inside a written range 「第七十八条至第八十条」; True
    when the place was found by position alone, the words around it rewritten).

    The place is the old citation expression's span mapped through the change's redline.
    Inside the new expressions found there, the one that cites the predicted successor is
    taken first (lists get longer or shorter between versions, so positions inside a list
    move), then the one that keeps the old number, then the one at the same position if
    its context is the same sentence (CONTEXT_MIN)."""
    from rapidfuzz.fuzz import ratio

    if not change.new:
        return {}
    old_texts = [old.block(o).text for o in change.old]
    new_texts = [new.block(n).text for n in change.new]
    segments = _segments_of(change, old_texts, new_texts)
    base = _joined_offsets(old_texts)[list(change.old).index(ordinal)]
    joined_new = "\n".join(new_texts)
    placed: list[_Placed] = []
    groups: dict[tuple[int, int], list[_Placed]] = {}
    for n, start in zip(change.new, _joined_offsets(new_texts)):
        for cand in new.citations.get(n, ()):
            if cand.scope in ("internal", "relative"):
                t_ord = new.target_of(cand)[0]
                item = _Placed(start + cand.start, start + cand.end, cand, t_ord)
                placed.append(item)
                groups.setdefault((n, cand.group), []).append(item)
    old_text = old.block(ordinal).text
    old_groups: dict[int, list[Citation]] = {}
    for cite in old.citations[ordinal]:
        old_groups.setdefault(cite.group, []).append(cite)
    def same_place(p: _Placed, cite: Citation, group: list[Citation]) -> bool:
        old_ctx = _context(old_text, group[0].start, group[-1].end)
        p_group = groups[(p.citation.ordinal, p.citation.group)]
        offset = p.start - p.citation.start
        new_ctx = _context(joined_new, offset + p_group[0].citation.start, offset + p_group[-1].citation.end)
        return ratio(old_ctx, new_ctx) / 100.0 >= CONTEXT_MIN

    out: dict[tuple[int, int], tuple[Citation | None, Citation | None]] = {}
    rewritten: set[tuple[int, int]] = set()  # matched by position alone, in rewritten words
    for cite in cites:
        group = old_groups[cite.group]
        g_lo = map_offset(segments, base + group[0].start)
        g_hi = map_offset(segments, base + group[-1].end, right=True)
        near = [p for items in groups.values() if any(min(p.end, g_hi) - max(p.start, g_lo) > 0 for p in items)
                for p in items]
        lo = map_offset(segments, base + cite.start)
        hi = map_offset(segments, base + cite.end, right=True)

        def by_position(p: _Placed) -> tuple[int, int]:
            return (-(min(p.end, hi) - max(p.start, lo)), abs(p.start - lo))

        successors: tuple[int, ...] = ()
        t_ord = old.target_of(cite)[0]
        if t_ord is not None and t_ord in fate:
            successors = tuple(fate[t_ord].new)
        if cite.scope == "internal":
            hits = sorted((p for p in near if p.target in successors and p.citation.scope == "internal"),
                          key=by_position)
            if hits:
                out[(cite.start, cite.end)] = (hits[0].citation, None)
                continue
            same_number = sorted((p for p in near if p.citation.scope == "internal"
                                  and p.citation.article_key == cite.article_key), key=by_position)
            # the old number kept at the very place of the old citation (its span, mapped
            # through the redline, overlaps), or in the same words around it: evidence of
            # a stale citation as strong as a hit is of an updated one. Elsewhere in a
            # rewritten passage the same number may be a new article's (慈善法 2016 第一百零一条
            # 「本法第二十七条」 against 2023 「违反本法第二十七条规定的」 about another duty).
            same_number = [p for p in same_number
                           if min(p.end, hi) - max(p.start, lo) > 0 or same_place(p, cite, group)]
            if same_number:
                out[(cite.start, cite.end)] = (same_number[0].citation, None)
                if not same_place(same_number[0], cite, group):
                    rewritten.add((cite.start, cite.end))
                continue
            covering = _covering_range(near, successors, new)
            if covering is not None:
                out[(cite.start, cite.end)] = covering
                continue
        positional = sorted((p for p in placed if min(p.end, hi) - max(p.start, lo) > 0), key=by_position)
        if cite.scope == "relative":
            same_text = sorted((p for p in near if p.citation.text == cite.text), key=by_position)
            positional = same_text + positional
        for p in positional:
            if same_place(p, cite, group):
                out[(cite.start, cite.end)] = (p.citation, None)
                break
    return {key: (written, covering, key in rewritten) for key, (written, covering) in out.items()}


def _covering_range(near: Sequence[_Placed], successors: tuple[int, ...], new: _Version
                    ) -> tuple[Citation, Citation] | None:
    """(range start, range end) of a written range 「第X条至第Y条」 whose articles include
    the single successor, when it is not written on its own."""
    if len(successors) != 1:
        return None
    target = new.block(successors[0])
    for first, second in zip(near, near[1:]):
        if first.citation.role == "range_start" and second.citation.role == "range_end" \
                and first.citation.group == second.citation.group and first.target and second.target:
            if first.target <= successors[0] <= second.target and target.level == "article":
                return (first.citation, second.citation)
    return None


def _mapped_units(old: _Version, new: _Version, o_ord: int, n_ord: int,
                  paragraphs: tuple[int, ...]) -> tuple[int, ...] | None:
    """The old article's paragraphs as numbered in its new successor; None when one of
    them has no match (reworded beyond PARAGRAPH_MATCH_MIN, or removed)."""
    if not paragraphs:
        return ()
    mapping = align_units(old.paragraphs(o_ord), new.paragraphs(n_ord))
    mapped = tuple(mapping.get(p) for p in paragraphs)
    return None if any(p is None for p in mapped) else tuple(mapped)  # type: ignore[return-value]


def _check_old(cite: Citation, written: Citation | None, covering: Citation | None, old: _Version,
               new: _Version, fate: Mapping[int, Change], rewritten: bool = False) -> InternalCheck:
    t_ord, paragraphs, items, reason = old.target_of(cite)
    if t_ord is None:
        return InternalCheck(side="old", citation=cite, target=None, written=written, status="unresolved",
                             written_target=_written_target(written, new), **reason)
    target = old.ref(t_ord, paragraphs, items)
    change = fate.get(t_ord)
    kind = change.kind.value if change is not None else None
    successors = tuple(change.new) if change is not None else ()
    target_new: tuple[TargetRef, ...] = ()
    mapped_paragraphs: tuple[int, ...] | None = ()
    if len(successors) == 1:
        mapped_paragraphs = _mapped_units(old, new, t_ord, successors[0], paragraphs)
        target_new = (new.ref(successors[0], mapped_paragraphs if mapped_paragraphs is not None else paragraphs,
                              items),)
    else:
        target_new = tuple(new.ref(n) for n in successors)
    written_target = _written_target(written, new)
    common = dict(side="old", citation=cite, target=target, target_new=target_new, written=written,
                  written_target=written_target, target_change=kind)
    if written is None:
        if not fate.get(cite.ordinal) or not fate[cite.ordinal].new:
            gone = _why("citing_measure_removed", "the citing measure was removed")
        else:
            gone = _why("no_longer_cited_here", "the successor measure no longer cites at this place")
        return InternalCheck(status="dropped", **gone, **common)
    if not successors:
        return InternalCheck(status="target_removed", **common, **_why(
            "no_successor", f"{target.article_label} has no successor", article=target.article_label))
    if len(successors) > 1:
        if written_target is None:
            return InternalCheck(status="target_split", **common)
        candidate = written_target.ordinal in successors
        note = f"written: {written_target.label}" + (" (one of the candidates)" if candidate else "")
        return InternalCheck(status="target_split", **common, **_why(
            "split_written", note, written=written_target.label, candidate=candidate))
    predicted = target_new[0]
    if covering is not None and written_target is not None:
        # the successor lies inside a written range: the range was updated
        written_range = f"{written.text}至{covering.text}"
        status = "unchanged" if predicted.label == target.label else "updated"
        return InternalCheck(status=status, **common, **_why(
            "inside_written_range", f"inside the written range {written_range}",
            first=written.text, last=covering.text))
    if written_target is None:
        return InternalCheck(status="retargeted", **common, **_why(
            "points_at_no_article", "the written citation points at no article of the new text"))
    same_article = written_target.ordinal == predicted.ordinal
    if same_article and mapped_paragraphs is None:
        # the cited 款 could not be followed: judge the article only
        same_units = True
    else:
        same_units = written_target.paragraphs == predicted.paragraphs or not paragraphs or not written_target.paragraphs
    if same_article and same_units:
        if cite.scope == "relative" and written.text == cite.text or predicted.label == target.label:
            return InternalCheck(status="unchanged", **common)
        return InternalCheck(status="updated", **common)
    # not what the alignment predicts: the old number kept (stale) or something else
    written_old_number = (
        written.scope == cite.scope == "internal" and written.article_key == cite.article_key
        and written.paragraph == cite.paragraph
    ) or (cite.scope == "relative" and written.text == cite.text)
    if written_old_number:
        reason = f"predicted {predicted.label}"
        # a merge is where an alignment most often hides a split (part of the old article
        # went elsewhere): the old number may still be right
        merged_into = predicted.article_label if kind == "merged" else None
        if merged_into is not None:
            reason += f" (the target was merged into {merged_into}: check by hand)"
        if rewritten:
            # the old number stands where the old citation was, but the words around it
            # were rewritten: it may be a new article that happens to have that number
            reason += " (the sentence around it was rewritten: check by hand)"
        return InternalCheck(status="stale", **common, **_why(
            "predicted", reason, predicted=predicted.label, merged_into=merged_into, rewritten=rewritten))
    return InternalCheck(status="retargeted", **common, **_why(
        "predicted", f"predicted {predicted.label}", predicted=predicted.label, merged_into=None, rewritten=False))


def _written_target(written: Citation | None, new: _Version) -> TargetRef | None:
    if written is None:
        return None
    t_ord, paragraphs, items, _ = new.target_of(written)
    return new.ref(t_ord, paragraphs, items) if t_ord else None


# --------------------------------------------------------------------------- across the archive

_TITLE_QUALIFIERS_RE = LazyPattern(r"[（(](?:试行|草案|暂行|修正|修订|\d{4}年?修[正订]?)[)）]$")


def normalise_work_name(name: str) -> str:
    """A cited name or archived title compared loosely: no spaces or 《》, 〈〉 as 《》,
    NFKC (full-width brackets), no trailing 「（试行）」.

    >>> normalise_work_name("《中华人民共和国 民事诉讼法》"), normalise_work_name("示例条例（试行）")
    ('中华人民共和国民事诉讼法', '示例条例')
    """
    text = unicodedata.normalize("NFKC", name).replace("〈", "《").replace("〉", "》")
    text = re.sub(r"\s+", "", text)
    if text.startswith("《") and text.endswith("》"):
        text = text[1:-1]
    return _TITLE_QUALIFIERS_RE.sub("", text)


def name_index(works: Mapping[str, Sequence[str]]) -> dict[str, frozenset[str]]:
    """{normalised name: works} from each work's titles and aliases; a title starting with
    中华人民共和国 is also known without it (laws are cited as 「民事诉讼法」)."""
    index: dict[str, set[str]] = {}
    for work, titles in works.items():
        for title in titles:
            name = normalise_work_name(title)
            forms = {name}
            if name.startswith(_COUNTRY) and len(name) > len(_COUNTRY) + 1:
                forms.add(name[len(_COUNTRY):])
            for form in forms:
                if len(form) >= 2:
                    index.setdefault(form, set()).add(work)
    return {k: frozenset(v) for k, v in index.items()}


def resolve_work(citation: Citation, index: Mapping[str, frozenset[str]]) -> tuple[str | None, str]:
    """(work, reason) for an external citation: the one archived work whose title or alias
    is the cited name; None with the reason when none or several match (never a guess).
    A name written without 书名号 may carry words before it (「有刑事诉讼法」): its
    suffixes are tried, longest first, down to two characters."""
    if citation.work_name is None:
        return None, "no name"
    name = normalise_work_name(citation.work_name)
    candidates = [name]
    if name.startswith(_COUNTRY) and len(name) > len(_COUNTRY) + 1:
        candidates.append(name[len(_COUNTRY):])  # an archived title may lack it
    if not citation.bracketed:
        candidates += [name[i:] for i in range(1, len(name) - 1)]
    for candidate in candidates:
        found = index.get(candidate)
        if not found:
            continue
        if len(found) > 1:
            return None, f"「{candidate}」 names several archived works: {', '.join(sorted(found))}"
        return next(iter(found)), ""
    return None, f"no archived work is called 「{citation.work_name}」"


def version_date(v) -> str | None:
    """The date a version's numbering starts to be cited from: issued, else effective,
    else a version id that is an ISO date."""
    for value in (v.meta.issued, v.meta.effective, v.version):
        if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return value
    return None


def external_impact(report: CitationReport, others: Sequence, *, scope: str,
                    works: Mapping[str, Sequence[str]], earlier: Sequence = (),
                    compare_versions=None) -> CitationReport:
    """The citations of the revised work (report.comparison's) in `others` (archived
    versions of other works), each with its status against the revision.

    Which numbering a citation uses is decided by dates: a document issued on or after the
    new version's date cites the new numbering (`current` when that article exists); one
    issued between the old and the new version cites the old numbering and is mapped
    through the alignment (`current` / `renumbered` / `modified` / `removed` / `split`).
    One issued before the old version cites the numbering of the version in force then:
    when `earlier` (the revised work's archived versions before the old one, in order)
    holds it with its text, the citation is followed through every revision from that
    version to the new one (`compare_versions(old, new) -> Comparison` aligns each step);
    otherwise, or without a date, it is `unknown`, with the reason — never mapped as if it
    cited the old numbering."""
    c = report.comparison
    revised = c.new.work or c.old.work
    index = name_index(works)
    chain = _Chain(c, tuple(earlier), compare_versions)
    checks: list[ExternalCheck] = []
    unresolved: dict[str, int] = {}
    for v in others:
        if v.document is None:
            continue
        citing_date = version_date(v)
        # measures, and the unnumbered text too (a notice cites laws in its paragraphs)
        blocks = [b for b in v.document.blocks if b.kind is not BlockKind.CONTAINER]
        for m in blocks:
            for cite in find_citations(m.text, m.ordinal or 0):
                if cite.scope != "external":
                    continue
                work, why = resolve_work(cite, index)
                if work is None:
                    unresolved[cite.work_name or "?"] = unresolved.get(cite.work_name or "?", 0) + 1
                    continue
                if work != revised:
                    continue
                checks.append(_external_check(v, cite, citing_date, chain))
    notes = []
    unarchived = tuple(sorted(unresolved.items(), key=lambda kv: (-kv[1], kv[0])))
    if unresolved:
        listed = "、".join(f"{name} ×{n}" if n > 1 else name
                           for name, n in sorted(unresolved.items(), key=lambda kv: (-kv[1], kv[0]))[:12])
        notes.append(f"{sum(unresolved.values())} external citation(s) name works that are not archived "
                     f"(or not uniquely): {listed}")
    return replace(report, external=tuple(checks), external_scope=scope, external_notes=tuple(notes),
                   unarchived=unarchived)


class _Chain:
    """The revised work's versions up to the new one and the comparisons between
    consecutive ones, computed when a citation needs them (an older numbering)."""

    def __init__(self, c: Comparison, earlier: tuple, compare_versions):
        self.c = c
        self.versions = earlier + (c.old, c.new)
        self.dates = [version_date(v) for v in self.versions]
        self._compare = compare_versions
        self._parsed: dict[int, _Version] = {}
        self._steps: dict[int, Comparison] = {len(self.versions) - 2: c}

    def parsed(self, i: int) -> _Version:
        if i not in self._parsed:
            self._parsed[i] = _Version(self.versions[i].document)
        return self._parsed[i]

    def step(self, i: int) -> Comparison:
        """The comparison of versions[i] -> versions[i + 1]."""
        if i not in self._steps:
            self._steps[i] = self._compare(self.versions[i], self.versions[i + 1])
        return self._steps[i]

    def basis(self, citing_date: str) -> tuple[int | None, dict[str, Any]]:
        """Index of the version whose numbering a document of `citing_date` cites: the
        latest one dated on or before it; None with the reason (the fields of `_why`) when
        there is none to read."""
        old_i = len(self.versions) - 2
        old_ref = self.c.old.ref
        if self.dates[old_i] is None:
            return None, _why("old_date_unknown",
                              f"the date of {old_ref} is unknown: cannot tell which numbering it cites", ref=old_ref)
        candidates = [i for i, d in enumerate(self.dates) if d is not None and d <= citing_date]
        if not candidates:
            first = self.versions[0]
            return None, _why("before_earliest_version",
                              f"issued {citing_date}, before {first.ref} ({self.dates[0]}), the earliest archived "
                              "version: it may cite an earlier numbering that is not archived",
                              issued=citing_date, ref=first.ref, ref_date=self.dates[0])
        i = max(candidates)
        for j in range(i, old_i + 1):
            v = self.versions[j]
            if not v.has_text or v.document is None:
                return None, _why("basis_without_text",
                                  f"issued {citing_date}: it cites the numbering of {self.versions[i].ref}, but "
                                  f"{v.ref} has no text in the archive, so the article cannot be followed",
                                  issued=citing_date, basis=self.versions[i].ref, missing=v.ref)
        if i < old_i and self._compare is None:
            return None, _why("before_old_not_compared",
                              f"issued {citing_date}, before {old_ref} ({self.dates[old_i]}): it may cite an "
                              "earlier numbering that is not compared here",
                              issued=citing_date, ref=old_ref, ref_date=self.dates[old_i])
        return i, {}


def _external_check(v, cite: Citation, citing_date: str | None, chain: _Chain) -> ExternalCheck:
    c = chain.c
    key = cite.article_key
    paragraphs: tuple[int, ...] = (cite.paragraph,) if cite.paragraph else ()
    items = (cite.item,) if cite.item else ()
    common = dict(ref=v.ref, title=v.meta.title, citation=cite, citing_date=citing_date)
    if citing_date is None:
        return ExternalCheck(status="unknown", basis="", **common, **_why(
            "citing_date_unknown", "the citing document's date is unknown: cannot tell which numbering it cites"))
    basis_i, why = chain.basis(citing_date)
    if basis_i is None:
        return ExternalCheck(status="unknown", basis="", **why, **common)
    basis = chain.versions[basis_i]
    version = chain.parsed(basis_i)
    ordinal = version.by_article.get(key) if key else None
    if ordinal is None:
        return ExternalCheck(status="unknown", basis=basis.ref, **common, **_why(
            "no_such_article_in", f"{basis.ref} has no such article", basis=basis.ref))
    target = version.ref(ordinal, paragraphs, items)
    last = len(chain.versions) - 1
    if basis_i == last:
        return ExternalCheck(status="current", basis=basis.ref, target=target, suggested=(target.label,), **common,
                             **_why("cites_numbering_of", f"issued {citing_date}: cites the numbering of {basis.ref}",
                                    issued=citing_date, basis=basis.ref))
    text_changed = False
    via = []
    for i in range(basis_i, last):
        step = chain.step(i)
        fate = next((ch for ch in step.changes if ordinal in ch.old), None)
        successors = tuple(fate.new) if fate is not None else ()
        text_changed = text_changed or fate is None or fate.kind is not ChangeKind.UNCHANGED
        after = chain.parsed(i + 1)
        where = chain.versions[i + 1].ref
        changed_in = where if i + 1 < last else ""
        if not successors:
            note = f" (removed in {where})" if changed_in else ""
            return ExternalCheck(status="removed", basis=basis.ref, target=target, text_changed=True,
                                 suggested_text=f"{cite.text} → (removed{note})", changed_in=changed_in,
                                 **_via(basis, via), **common)
        if len(successors) > 1:
            labels = tuple(after.ref(n).label for n in successors)
            note = f" (split in {where}: check by hand)" if changed_in else ""
            return ExternalCheck(status="split", basis=basis.ref, target=target, suggested=labels, text_changed=True,
                                 suggested_text=f"{cite.text} → {' / '.join(labels)}{note}", changed_in=changed_in,
                                 **_via(basis, via), **common)
        mapped = _mapped_units(chain.parsed(i), after, ordinal, successors[0], paragraphs)
        paragraphs = mapped if mapped is not None else paragraphs
        ordinal = successors[0]
        if i + 1 < last:
            via.append((after.ref(ordinal).label, where))
    successor = chain.parsed(last).ref(ordinal, paragraphs, items)
    if successor.label != target.label:
        status, suggestion = "renumbered", f"{cite.text} → {successor.label}"
    else:
        status, suggestion = ("modified" if text_changed else "current"), ""
    return ExternalCheck(status=status, basis=basis.ref, target=target, suggested=(successor.label,),
                         suggested_text=suggestion, text_changed=text_changed, **_via(basis, via), **common)


def _via(basis, via: list[tuple[str, str]]) -> dict[str, Any]:
    """The reason of a citation followed through earlier revisions: via = (label, ref) of
    the article in each version on the way."""
    if not via:
        return {}
    steps = ", ".join(f"{label} in {ref}" for label, ref in via)
    return _why("followed_through", f"cites the numbering of {basis.ref}; followed through {steps}",
                basis=basis.ref, via=tuple(via))
