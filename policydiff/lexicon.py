"""The field's vocabulary, once: 文号, written dates, numerals, document nouns, and the
command that adds a missing text (DESIGN §7).

Every module that needs one of these facts imports it from here; none keeps a copy.
Before this module there were four 文号 grammars (refs, ingest, structure, the report's
view), two date readers, four numeral readers and three lists of document nouns, and they
disagreed: the report matched 国发〔2023〕3号 and 国发〔2023〕第3号 as different documents
while `status` matched them as one.

Functional core: pure functions and compiled patterns, no I/O.

Numerals keep their own module (`numerals.py`: the full reader of 十二, 二〇二四, 壹佰,
①, XII and measure labels, ~200 lines with its doctests) and are re-exported here, so
that a caller may take every fact from one place. Folding it in would make this module
mostly numeral arithmetic and hide the small vocabularies below it.

>>> normalize_doc_no("国发[2023]第3号") == normalize_doc_no("国发〔2023〕3号") == "国发〔2023〕3号"
True
>>> doc_no_year("京政办发（2021） 12号"), parse_cn_date("二〇二四年十月九日"), parse_cn_date("2024年2月30日")
(2021, '2024-10-09', None)
>>> add_text_command("zgc-world-leading-park", "2022")
'policydiff add FILE --work zgc-world-leading-park --version 2022 --replace'
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass

from .lazyre import GuardedPattern, LazyPattern

from .numerals import (  # re-exported: numerals.py is the numerals' home (see above)
    CIRCLED,
    CN_DIGITS,
    CN_NUMERAL_CHARS,
    cn_to_int,
    numeral_to_int,
    parse_measure_label,
    roman_to_int,
)

__all__ = [
    # script
    "fold", "has_traditional",
    # 文号
    "DOC_NO_OPEN", "DOC_NO_CLOSE", "DOC_NO_PATTERN", "DOC_NO_NEEDS", "DOC_NO_RE", "ORDER_NO_PATTERN", "ORDER_NO_RE",
    "normalize_doc_no", "doc_no_year", "is_doc_no",
    # dates
    "FULLWIDTH_DIGITS", "YEAR_PATTERN", "MONTH_DAY_PATTERN", "DATE_PATTERN", "DATE_RE", "may_end_with_date",
    "iter_dates", "parse_cn_date", "find_cn_dates",
    # numerals (re-exported from numerals.py)
    "CIRCLED", "CN_DIGITS", "CN_NUMERAL_CHARS", "cn_to_int", "numeral_to_int", "parse_measure_label",
    "roman_to_int",
    # clause words
    "EFFECTIVE_VERBS", "EFFECTIVE_VERB_PATTERN", "ISSUE_DAY_WORDS", "ISSUE_DAY_PATTERN", "ISSUE_DAY_RE",
    "REPEAL_VERBS", "REPEAL_VERB_PATTERN", "EffectiveClause", "effective_clauses",
    # document nouns
    "DOC_NOUNS", "TITLE_KINDS", "DOC_NOUN_PATTERN", "TITLE_KIND_PATTERN", "SELF_REFERENCE_RE",
    # commands
    "add_text_command", "add_text_hint",
]


# ----------------------------------------------------------------------------- script
# Traditional characters of the words the recognisers look for (第X條, 關於, 辦法, 發布時間,
# 號 ...), each with its simplified form. Pages are published in both scripts (a site's
# 繁體 version, Hong Kong/Macao/Taiwan reposts). Recognisers (ingest.patterns, structure) match on `fold(line)`;
# the fold maps one character to one character, so a match's positions are those of
# the original line and every value is sliced from the original (never rewritten).
_TRADITIONAL = "條節編號於關則辦規細劃綱報決議見點單錄準範標務會廳區縣財發佈時間來廢執實員體統計書導問題覽瀏閱讀網頁擊設為數訪責輯掃閉頂權聯繫們電話傳郵熱線諮詢請紀釋複須說舉預負轉頒過訂併應簽兩總檢銀團協組黨級鄉鎮這稅衛環資產業農購質監創術領門開屆東廣華漢長"
_SIMPLIFIED = "条节编号于关则办规细划纲报决议见点单录准范标务会厅区县财发布时间来废执实员体统计书导问题览浏阅读网页击设为数访责辑扫闭顶权联系们电话传邮热线咨询请纪释复须说举预负转颁过订并应签两总检银团协组党级乡镇这税卫环资产业农购质监创术领门开届东广华汉长"
_FOLD = str.maketrans(_TRADITIONAL, _SIMPLIFIED)
_TRADITIONAL_SEARCH = re.compile(f"[{_TRADITIONAL}]").search


def fold(text: str) -> str:
    """`text` with the traditional characters of recognised words simplified; same length.

    >>> fold("第十條　本辦法自發布之日起施行。")
    '第十条　本办法自发布之日起施行。'
    """
    # Most text holds none of these characters: a C-speed search first, because
    # str.translate with a mapping looks every character up in Python objects (fold was
    # 3.8 s of a 1.4 M-character diff's 25 s profile).
    if len(text) >= _REMEMBER_MIN_CHARS:
        return _fold_of_large(text)
    if _TRADITIONAL_SEARCH(text) is None:
        return text
    return text.translate(_FOLD)


def has_traditional(text: str) -> bool:
    """Does `text` hold a character that `fold` changes? (One C-level scan: a caller with
    many lines of one text asks once, and folds them only when the answer is yes.)"""
    if len(text) >= _REMEMBER_MIN_CHARS:
        return _fold_of_large(text) is not text
    return _TRADITIONAL_SEARCH(text) is not None


# A whole document is folded (or asked about) by several readers in turn: the metadata,
# the note on an unknown 施行 date, the parser — three scans of ~4 ms each for one side of
# issue 14's 1.45 M-character test compilation. The last large text asked about is kept
# with its fold, by identity (a str never changes, so the same object has the same fold;
# an equal but other object is scanned again). Unit: characters; range 10,000..1,000,000
# (below it a scan costs less than it is worth remembering).
_REMEMBER_MIN_CHARS = 65_536
_LAST_LARGE: list[tuple[str, str]] = [("", "")]  # [(text, fold(text))], replaced whole


def _fold_of_large(text: str) -> str:
    remembered_text, remembered_fold = _LAST_LARGE[0]
    if remembered_text is text:
        return remembered_fold
    folded = text if _TRADITIONAL_SEARCH(text) is None else text.translate(_FOLD)
    _LAST_LARGE[0] = (text, folded)
    return folded


# ----------------------------------------------------------------------------- 文号
# A 文号 (document number): issuer abbreviation, the year in brackets, a serial number and
# 号: 京科发〔2022〕4号, 国办发[2019]7号, 京政发（2021）12号, 国发〔2024〕第3号, 示政辦發〔2031〕9號.
# Sources write the brackets in every width and shape; a 第 before the serial and spaces
# come and go. One grammar reads them all and `normalize_doc_no` folds them to one spelling.

DOC_NO_OPEN = "〔[［(（【﹝"
DOC_NO_CLOSE = "〕]］)）】﹞"
# Issuer abbreviation: Han characters (CJK Extension A included) or Latin letters. Unit:
# characters; range 1..10 — long enough for 京政办发 or 中办发, and short enough that a
# search in a sentence does not swallow the words before the 文号 (「同时废止示发〔2020〕1号」
# still yields a prefix that ends at 示发, with at most 10 characters).
DOC_NO_PREFIX_MAX = 10
# The year: 19xx or 20xx (a bracketed number that is not a year is not a 文号); the serial:
# 1..5 digits. Half- or full-width digits; traditional 號 as well as 号.
DOC_NO_PATTERN = (
    rf"(?P<prefix>[\u3400-\u9fffA-Za-z]{{1,{DOC_NO_PREFIX_MAX}}})\s*[{re.escape(DOC_NO_OPEN)}]\s*"
    rf"(?P<year>(?:19|20|１９|２０)[0-9０-９]{{2}})\s*[{re.escape(DOC_NO_CLOSE)}]\s*第?\s*"
    rf"(?P<serial>[0-9０-９]{{1,5}})\s*[号號]"
)
# Words every 文号 holds: an opening bracket, a year's first two digits, 号 (each group
# proved from DOC_NO_PATTERN by tests/test_lazyre.py). Most lines and titles lack one, and a
# lazyre.GuardedPattern answers them without compiling the grammar (~1.2 ms a pattern that
# holds it, issue 14).
DOC_NO_YEAR_STARTS = ("19", "20", "１９", "２０")
DOC_NO_NEEDS = (tuple(DOC_NO_OPEN), DOC_NO_YEAR_STARTS, ("号", "號"))
DOC_NO_RE = GuardedPattern(DOC_NO_PATTERN, DOC_NO_NEEDS)
# The same grammar without named groups, for composing into larger patterns.
DOC_NO_BARE = re.sub(r"\(\?P<\w+>", "(?:", DOC_NO_PATTERN)
# An order number standing as a document's own designation: 「示例总局令第55号」.
ORDER_NO_PATTERN = r"[\u4e00-\u9fff]{2,30}令\s*第\s*[0-9０-９]{1,4}\s*[号號]"
ORDER_NO_RE = LazyPattern(ORDER_NO_PATTERN)  # compiled at first use (lazyre: few texts ask)

FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def is_doc_no(text: str) -> bool:
    """True when the whole of `text` is one 文号.

    >>> is_doc_no("京科发〔2022〕4号"), is_doc_no("第三条"), is_doc_no("京科发〔2022〕4号文件")
    (True, False, False)
    """
    return DOC_NO_RE.fullmatch(text.strip()) is not None


def normalize_doc_no(text: str | None) -> str | None:
    """A 文号 in one canonical spelling, for matching: brackets folded to 〔〕, digits to
    half width, spaces and a 第 before the serial dropped, the serial without leading
    zeros. Text that holds no 文号 comes back without its white space; None for none.

    >>> normalize_doc_no("京科发[2022] 4号"), normalize_doc_no("国发（２０２３）第03號")
    ('京科发〔2022〕4号', '国发〔2023〕3号')
    """
    if not text:
        return None
    match = DOC_NO_RE.search(text)
    if not match:
        return "".join(text.split())
    year = match["year"].translate(FULLWIDTH_DIGITS)
    serial = int(match["serial"].translate(FULLWIDTH_DIGITS))
    return f"{match['prefix']}〔{year}〕{serial}号"


def doc_no_year(text: str | None) -> int | None:
    """The year written in a 文号, which bounds its issue date (DESIGN §3)."""
    if not text:
        return None
    match = DOC_NO_RE.search(text)
    return int(match["year"].translate(FULLWIDTH_DIGITS)) if match else None


# ----------------------------------------------------------------------------- dates
# A written date: 2024年10月9日, ２０２４年１０月９日, 二〇二四年十月九日 (the year digit by digit,
# 〇/○/零/O all zero), and the ISO-like forms of web pages (2024-10-18, 2024/10/18, 2024.10.18).

_YEAR_DIGITS = "〇○零OＯ一二三四五六七八九"
# A year in Chinese digits may have its zeros typed as the digit 0 (「二00四年」, seen in Word
# documents); it still starts with a Chinese digit.
YEAR_PATTERN = rf"(?:[0-9０-９]{{4}}|[{_YEAR_DIGITS}][{_YEAR_DIGITS}0０]{{3}})"
MONTH_DAY_PATTERN = r"(?:[0-9０-９]{1,2}|[〇零一二三四五六七八九十]{1,3})"
DATE_PATTERN = rf"{YEAR_PATTERN}\s*年\s*{MONTH_DAY_PATTERN}\s*月\s*{MONTH_DAY_PATTERN}\s*日"
DATE_RE = re.compile(
    rf"(?<![0-9０-９])(?P<y>{YEAR_PATTERN})\s*年\s*(?P<m>{MONTH_DAY_PATTERN})\s*月\s*(?P<d>{MONTH_DAY_PATTERN})\s*日"
)
_ISO_LIKE_RE = re.compile(r"(?<![0-9])([0-9]{4})\s*[-/.]\s*([0-9]{1,2})\s*[-/.]\s*([0-9]{1,2})(?![0-9])")
DATE_CLOSERS = ("）", ")")


def may_end_with_date(text: str) -> bool:
    """False only when no date (DATE_PATTERN: it ends with 日) followed by white space and
    at most one closing bracket can end `text`, at its end or before a final newline (where
    `$` matches). Patterns anchored so (a signature date 「2024年10月9日」, a date line
    「（2024年10月9日）」) are tried, and compiled, only for lines that pass (issue 14: most
    lines hold a 日 and end otherwise). Why it is enough: such a match leaves after its 日
    only white space (\\s is str.isspace), at most one bracket and a final newline, so the
    text without trailing white space ends with 日, or with the bracket after 日 and white
    space.

    >>> may_end_with_date("示例局 2024年10月9日"), may_end_with_date("（2024年10月9日 ）\\n")
    (True, True)
    >>> may_end_with_date("2024年10月9日第八届示例会议通过"), may_end_with_date("日）。")
    (False, False)
    """
    tail = text.rstrip()
    if tail.endswith(DATE_CLOSERS):
        tail = tail[:-1].rstrip()
    return tail.endswith("日")


def _number(text: str) -> int | None:
    """A year, month or day as written: 2024, 二〇二四, 二00四 (zeros as digits), 十二."""
    if text[:1] in _YEAR_DIGITS:
        text = text.replace("0", "〇").replace("０", "〇")
    try:
        return cn_to_int(text.replace("O", "〇"))
    except ValueError:
        return None


def _iso(year: int | None, month: int | None, day: int | None) -> str | None:
    if year is None or month is None or day is None:
        return None
    try:
        return _dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def iter_dates(text: str) -> list[tuple[int, str | None]]:
    """(offset, ISO date or None when the written date does not exist) of every date in
    `text`, in text order.

    >>> iter_dates("2024年2月30日起，至二〇二五年一月一日")
    [(0, None), (13, '2025-01-01')]
    """
    found: list[tuple[int, str | None]] = []
    for match in DATE_RE.finditer(text):
        found.append((match.start(), _iso(_number(match["y"]), _number(match["m"]), _number(match["d"]))))
    for match in _ISO_LIKE_RE.finditer(text.translate(FULLWIDTH_DIGITS)):
        found.append((match.start(), _iso(int(match[1]), int(match[2]), int(match[3]))))
    return sorted(found, key=lambda item: item[0])


def parse_cn_date(text: str) -> str | None:
    """The first date written in `text`, as ISO 8601; None when there is none or the first
    one does not exist (2024年2月30日 is never moved to another day).

    >>> parse_cn_date("2024年10月9日"), parse_cn_date("发布时间:2024-10-18 10:56:00")
    ('2024-10-09', '2024-10-18')
    >>> parse_cn_date("二00四年十二月二十三日")
    '2004-12-23'

    """
    found = iter_dates(text)
    return found[0][1] if found else None


def find_cn_dates(text: str) -> tuple[str, ...]:
    """Every valid date written in `text`, in order, as ISO 8601.

    >>> find_cn_dates("2021年12月13日第1856次会议、2021年12月29日第八十四次会议通过")
    ('2021-12-13', '2021-12-29')
    """
    return tuple(iso for _start, iso in iter_dates(text) if iso)


# ----------------------------------------------------------------------------- document nouns
# What a document calls itself (本办法, 本措施, 以上政策 …): a clause with 本 + one of these
# speaks of the document itself — its 施行, its term of validity, its interpretation —
# not of a licence or a contract it mentions (「许可证有效期为5年」 is not the document's).
DOC_NOUNS = (
    "实施意见", "若干措施", "若干规定", "措施", "举措", "办法", "规定", "意见", "细则", "方案", "预案",
    "政策", "决定", "指引", "指南", "导则", "计划", "规划", "纲要", "要点", "清单", "条例", "通知",
    "公告", "通告", "规则", "制度", "标准", "准则", "文件", "解释", "法",
)
# The kinds of document (文种) a title ends with: the nouns above and those that name a
# document only in its title (a 批复 does not say 「本批复自…施行」). Not 文件: 「示例市人民政府文件」
# is the red masthead (版头) above a document, never its title.
TITLE_KINDS = tuple(noun for noun in DOC_NOUNS if noun != "文件") + (
    "命令", "批复", "函", "报告", "请示", "议案", "纪要", "规范", "章程", "要点", "目录", "决议",
    "守则", "通报", "公报", "公约", "协定", "答复", "复函", "名单", "条款", "议定书", "安排", "须知",
    "公示", "倡议书", "说明", "提案", "建议",
)


def _alternation(words: tuple[str, ...]) -> str:
    # Longest first, so that 实施意见 wins over 意见 where the position is the same.
    unique = sorted(dict.fromkeys(words), key=lambda w: (-len(w), words.index(w)))
    return "(?:" + "|".join(unique) + ")"


DOC_NOUN_PATTERN = _alternation(DOC_NOUNS)
TITLE_KIND_PATTERN = _alternation(TITLE_KINDS)
# 本办法 / 本实施办法 / 本若干措施: the text naming itself.
SELF_REFERENCE_RE = LazyPattern(rf"本(?:实施)?{DOC_NOUN_PATTERN}")


# ----------------------------------------------------------------------------- clause words
# The verbs of the clauses that start and end a document's life, and the day a relative
# 施行 clause counts from. The ingest reader (施行/repeal clauses → front matter), the
# structure parser (a closing clause is not part of the last measure) and the status core
# (clauses scanned in the text) read the same words.

# 「本办法自…起施行」: the verbs that bring a text into force (试行: on trial, still in force).
EFFECTIVE_VERBS = ("施行", "实施", "生效", "执行", "试行")
EFFECTIVE_VERB_PATTERN = _alternation(EFFECTIVE_VERBS)
# 「自印发之日起施行」: the day of issue a 施行 clause may count from.
ISSUE_DAY_WORDS = ("印发", "发布", "公布", "签发", "下发", "发文", "颁布")
ISSUE_DAY_PATTERN = rf"{_alternation(ISSUE_DAY_WORDS)}之日"
ISSUE_DAY_RE = re.compile(ISSUE_DAY_PATTERN)
# 「原《…》同时废止」: the verbs of a repeal, longest first (停止执行 before 执行 matters: a
# repeal is not a commencement).
REPEAL_VERBS = ("停止执行", "不再执行", "废止", "失效")
REPEAL_VERB_PATTERN = _alternation(REPEAL_VERBS)

# 「本办法自2025年1月1日起施行」「自印发之日起实施」「本通知于2025年1月1日起执行」.
# 自 after 来/各/独/亲/擅/出/源 is another word (来自, 各自 ...); 于 only before a date
# (属于, 对于 ... are not clauses); 停止执行/不再执行 are repeals, not commencement.
# The clause core: from 自/于 to the verb. The clause itself starts where its sentence part
# starts (after 。；;，, or a line break). Rejected: one pattern with a lazy unbounded
# prefix (「[^。；;，,\n]*?自…」), which restarts from every position of a long unpunctuated
# line — quadratic: 20,000 characters took 12 s, 5 MB never finished. The core below can
# only start at 自/于 and spans at most 30 characters of 'when' plus bounded white space, so
# finditer is linear; the prefix is then a slice back to the part's start.
# A date right before 起 and the verb, without 自/于 (「本细则2014年10月30日起施行」), is a clause
# too; it can only start at the date, so the scan stays linear.
# (「自(?<!…自)」: the literal first, its lookbehind after it, so that the pattern starts
# with a literal and the scan skips ahead at C speed: 73 -> 53 ms on one side of issue 14's
# test compilation; the same matches)
# (Compiled at first use: effective_clauses reads it through _effective_cores below, which
# matches the same; it stays as the definition, and the reference the tests hold them to.)
_EFFECTIVE_CORE = LazyPattern(
    rf"(?:(?:自(?<![来各独亲擅出源]自)|于(?=\s{{0,10}}{YEAR_PATTERN}\s{{0,10}}年))"
    r"\s{0,10}(?P<when>[^。；;，,\n]{1,30}?)\s{0,10}(?:起\s{0,10})?"
    rf"|(?P<bare>{DATE_PATTERN})\s{{0,10}}起\s{{0,10}})"
    rf"(?<!停止)(?<!不再){EFFECTIVE_VERB_PATTERN}(?!的)"
)
_CLAUSE_PART_ENDS = "。；;，,\n"  # what ends a sentence part

# _EFFECTIVE_CORE's two alternatives as patterns of their own, so that each scan skips
# ahead at C speed (one side of issue 14's test compilation: 50 ms for _EFFECTIVE_CORE,
# ~8 ms for these; the date alternative starts with a character class, which gives the
# scan nothing to skip to: every character of the text was a failed attempt). A match of
# _EFFECTIVE_CORE at a position is a match of the one alternative that can start there:
# the first opens with 自/于, the second with a digit, and no digit is 自 or 于.
_EFFECTIVE_TAIL = rf"(?<!停止)(?<!不再){EFFECTIVE_VERB_PATTERN}(?!的)"
_CLAUSE_AFTER_WORD = re.compile(
    rf"(?:自(?<![来各独亲擅出源]自)|于(?=\s{{0,10}}{YEAR_PATTERN}\s{{0,10}}年))"
    rf"\s{{0,10}}(?P<when>[^。；;，,\n]{{1,30}}?)\s{{0,10}}(?:起\s{{0,10}})?{_EFFECTIVE_TAIL}")
_CLAUSE_AFTER_DATE = re.compile(rf"(?P<bare>{DATE_PATTERN})\s{{0,10}}起\s{{0,10}}{_EFFECTIVE_TAIL}")
# Where the 起 of a dated clause stands: the date clause that holds it starts in the run of
# date characters right before it (digits, 年月日, white space: what DATE_PATTERN and
# \s{0,10} consume), and is tried only there.
_DATED_TAIL = re.compile(rf"起\s{{0,10}}{_EFFECTIVE_TAIL}")
_DATE_CHARACTERS = frozenset("0123456789０１２３４５６７８９" + _YEAR_DIGITS + "0０〇零一二三四五六七八九十年月日")


def _first_dated_clause(text: str, pos: int) -> re.Match[str] | None:
    """The leftmost match of _CLAUSE_AFTER_DATE that starts at or after pos: tried at the
    places of the run of date characters (and white space) before each 起 that a 施行 verb
    follows (a match's date and spaces are such characters, and its first 起 is that one:
    a match cannot start anywhere else)."""
    for tail in _DATED_TAIL.finditer(text, pos):
        run = tail.start()
        while run > pos and (text[run - 1] in _DATE_CHARACTERS or text[run - 1].isspace()):
            run -= 1
        for start in range(run, tail.start()):
            match = _CLAUSE_AFTER_DATE.match(text, start)
            if match:
                return match
    return None


def _effective_cores(text: str):
    """(start, end, when) of each match of `_EFFECTIVE_CORE.finditer(text)`, in order: the
    two alternatives scanned apart and merged as finditer meets them (the leftmost match
    first, the next search from its end; both never start at one place)."""
    word = _CLAUSE_AFTER_WORD.search(text)
    dated = _first_dated_clause(text, 0)
    while word is not None or dated is not None:
        if dated is None or (word is not None and word.start() < dated.start()):
            match, when = word, word["when"]
        else:
            match, when = dated, dated["bare"]
        yield match.start(), match.end(), when
        end = match.end()
        if word is not None and word.start() < end:
            word = _CLAUSE_AFTER_WORD.search(text, end)
        if dated is not None and dated.start() < end:
            dated = _first_dated_clause(text, end)


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
    >>> effective_clauses("本细则2014年10月30日起施行")[0].text
    '本细则2014年10月30日起施行'
    """
    found: list[EffectiveClause] = []
    previous_end = 0
    for core_start, core_end, when in _effective_cores(text):  # (_EFFECTIVE_CORE.finditer)
        # The part starts after the last part end before the core, and the clause no
        # earlier than the end of the previous one: only that stretch is searched, so the
        # searches cover the text at most once per character of _CLAUSE_PART_ENDS (a list
        # of every part end of the text was 36 ms for one side of issue 14's compilation).
        start = previous_end
        for character in _CLAUSE_PART_ENDS:
            start = max(start, text.rfind(character, previous_end, core_start) + 1)
        found.append(EffectiveClause(text[start:core_end], when, start, core_end))
        previous_end = core_end
    return found


# ----------------------------------------------------------------------------- commands


def add_text_command(work: str | None, version: str | None, doc_no: str | None = None) -> str:
    """The command that adds the missing text of a version. For an archived version it
    replaces the text-less record (`--replace`); for a document the archive only knows by
    name (work and version None) it imports it afresh, with its 文号.

    >>> add_text_command(None, None, "京科发〔2022〕4号")
    'policydiff add FILE --work WORK --version VERSION --doc-no 京科发〔2022〕4号'
    """
    if work is None and version is None and doc_no is not None:
        return f"policydiff add FILE --work WORK --version VERSION --doc-no {doc_no}"
    return f"policydiff add FILE --work {work or 'WORK'} --version {version or 'VERSION'} --replace"


def add_text_hint(work: str | None, version: str | None) -> str:
    return f"add its text with `{add_text_command(work, version)}`"
