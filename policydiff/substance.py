"""Substance flags: what kind of policy content a change touches.

An auditor filters a long comparison down to what changes obligations, money and time
limits. For each kind below, the items of that kind are extracted from the old and the
new text, with their values normalised, and the kind is flagged when the two *multisets*
differ (so a sum moved inside an article is not a change, a sum changed or added is):

=========  ==========================================================  ===============
flag       extracted                                                   normalised as
=========  ==========================================================  ===============
money      an amount with a currency: 50万元, 五十万元, 1.5亿元, 2000美元     value in units
percent    30%, ３０％, 百分之三十, 千分之五                                value in %
date       2024年1月1日, 二〇二四年一月, 2024年                            Y-M-D (as given)
deadline   a time limit: 30日内, 三十个工作日, 六个月以内, 24小时内;               value + unit
           and every 「期限」/「时限」
count      a figure with a classifier: 3家, 五项, 两个, 十人, 三倍, 5次            value + word
penalty    a sanction: a term of 有期徒刑/拘役/管制 (三年以下有期徒刑, 三年     kind + range;
           以上七年以下有期徒刑), 无期徒刑, 死刑; a 罚款/罚金 with what it         kind + the
           is measured in (五万元以上二十万元以下的罚款, 一倍以上五倍以下罚款,    clause's
           并处罚金); 吊销 a licence; 责令停产停业/停业整顿/关闭; 没收              amounts
modal      应当 必须 不得 可以 鼓励 支持 禁止 严禁 原则上 不宜 允许 有权            the word
=========  ==========================================================  ===============

The modal flag compares the two sides of a change only: an added or a removed measure
has no "before" to weaken or strengthen, so it gets no modal flag (every new article
that says 应当 would otherwise carry one, and the flag would mean nothing). The other
kinds do flag added and removed text: a new fine is news whatever it replaced.

Penalty terms are kept apart from `money` and `count` because a sanction lowered from
「五年以下」 to 「三年以下有期徒刑」 carries no currency and no classifier: without this
kind, the most consequential edit of a criminal law had no flag at all.

`editorial` is set instead when the two texts differ but become identical after
`editorial_fold`: NFKC (full-width letters, digits and most punctuation to half width),
the remaining CJK punctuation folded to its ASCII counterpart (「。」→「.」, 「、」→「,」,
quotes), white space removed, numerals written as their value (「三十日」 = 「30日」) and
*numbering* blanked: item labels at the start of a line (（一）, 1.) and cross-references
(「本条例第三十七条」→「本条例第#条」).

Cross-references are folded, a decision: when articles are inserted or deleted, every
reference after them is renumbered, and flagging each of those as substantive would
bury the real changes (in the corpus, most 1:1 changes that differ only in a number are
exactly that). The cost: a reference retargeted to a different article is also called
editorial. An auditor who needs references checks them against the alignment, which
says where each referenced article went.

>>> substance_flags("企业可获得不超过50万元的补贴。", "企业可以获得不超过100万元的补贴。")
('modal', 'money')
>>> substance_flags("应当在三十日内办结。", "应当在30日内办结．")
('editorial',)
>>> substance_flags("同一文本。", "同一文本。")
()
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from decimal import Decimal, InvalidOperation

from .lazyre import GuardedPattern, LazyPattern
from .lexicon import CN_NUMERAL_CHARS, cn_to_int

FLAGS = ("money", "percent", "date", "deadline", "count", "penalty", "modal", "editorial")

# Chinese numeral characters a figure may be written with (digits, 十百千, 万亿).
_CN = CN_NUMERAL_CHARS
# A figure after NFKC: Arabic (with a decimal part and thousands commas) or Chinese.
_NUM = rf"(?:[0-9]+(?:,[0-9]{{3}})*(?:\.[0-9]+)?|[{_CN}]+)"
# _NUM written as its first character (a class) and the rest of the branch that character
# opens: the same matches, tried in the same order (_CN holds no ASCII digit, so the
# lookbehind on the first character picks the branch _NUM's first element would). A
# pattern that opens with it (or with a group that does) lets re's search skip to the
# characters a figure can start with at C speed; one that opens with an alternation or a
# lookbehind is tried at every position: _COUNT_RE over the measures of 30 corpus
# documents 21.4 -> 3.8 ms (issue 14). The lookbehinds that must see the character
# before the figure come right after _NUM_FIRST and look two characters back.
_NUM_FIRST = rf"[0-9{_CN}]"
_NUM_REST = rf"(?:(?<=[0-9])[0-9]*(?:,[0-9]{{3}})*(?:\.[0-9]+)?|(?<![0-9])[{_CN}]*)"

_MONEY_RE = re.compile(rf"({_NUM_FIRST}{_NUM_REST})\s*(千|百|万|亿)?\s*(元|美元|欧元|港元|港币|日元|人民币)")
_PERCENT_RE = re.compile(rf"({_NUM})\s*%|(百分之|千分之)({_NUM})")
_DATE_RE = re.compile(
    rf"([0-9]{{4}}|[{_CN}]{{4}})\s*年(?:\s*({_NUM})\s*月(?:\s*({_NUM})\s*日)?)?"
)
_DEADLINE_RE = re.compile(
    rf"({_NUM})\s*(个)?\s*(工作日|小时|日|天|周|星期|月|年)\s*(内|以内|之内|前|以前|后|以后|届满|期满)"
    rf"|({_NUM})\s*个?\s*(工作日|小时)"
    r"|(期限|时限)"
)
# A classifier after a figure; 个 not when it is 个月/个工作日/个小时 (those are deadlines
# or durations, caught above). A figure preceded by 第 is an ordinal (numbering), not a count.
# (as (?<!第)(?<![_CN0-9.])(_NUM)…, the lookbehinds after the figure's first character)
_COUNT_RE = re.compile(
    rf"({_NUM_FIRST}(?<!第.)(?<![{_CN}0-9.].){_NUM_REST})"
    r"\s*(个(?!月|工作日|小时)|项|家|次|人|倍|名|件|所|种|类|批|位|户|届|台|份|张|支|座)"
)
# Penalties. A custodial term: an optional lower and upper bound before the sanction
# word (「三年以上七年以下有期徒刑」, 「处五年以下有期徒刑」, 「六个月以下有期徒刑」), or a
# sanction word alone (「拘役」, 「无期徒刑」). The bounds are read as (value, unit).
_TERM_BOUND = rf"({_NUM})\s*(年|个月|日)\s*以(上|下)"
_PRISON_RE = LazyPattern(  # compiled at first use (lazyre): most texts name no term
    rf"(?:{_TERM_BOUND})?\s*(?:{_TERM_BOUND})?\s*(?:的)?\s*(有期徒刑|无期徒刑|死刑|拘役|管制)"
)
# Every _PRISON_RE match ends with one of these (a text without them skips the scan).
_PRISON_WORDS = ("徒刑", "死刑", "拘役", "管制")
# A fine: the clause before 罚款/罚金 up to the previous clause mark or verb (at most
# FINE_LOOKBACK characters), so that its amounts (money, multiples) are part of the item.
# Unit: characters, range 10..60 (「处违法所得一倍以上五倍以下的罚款」 is 17).
FINE_LOOKBACK = 40
_FINE_RE = re.compile(rf"([^，。；;,:：、]{{0,{FINE_LOOKBACK}}}?)(罚款|罚金)")
_FINE_AMOUNT_RE = re.compile(rf"({_NUM})\s*(千|百|万|亿)?\s*(元|倍)")
# Licence and business sanctions: 吊销 + what is revoked (up to the clause end),
# 责令停产停业 / 停业整顿 / 关闭, 没收 + what is confiscated.
_SANCTION_RE = re.compile(
    r"(吊销)([^，。；;,、]{0,16}?(?:许可证|执照|证书|资格|资质|证件|牌照|许可))"
    r"|责令(停产停业|停产|停业整顿|停业|关闭)"
    r"|(没收)(违法所得|非法财物|违法财物|[^，。；;,、]{0,10}?(?:财物|工具|物品|产品|所得))"
)
# Modal words, longest first so that an alternation never takes a prefix.
MODAL_WORDS = ("原则上", "应当", "必须", "不得", "可以", "鼓励", "支持", "禁止", "严禁", "不宜", "允许", "有权")
_MODAL_RE = re.compile("|".join(sorted(MODAL_WORDS, key=len, reverse=True)))

# Punctuation that NFKC leaves alone, folded to one form for the editorial test.
_PUNCT_FOLD_MAP = {
    "。": ".", "、": ",", "“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"',
    "『": '"', "』": '"', "〔": "[", "〕": "]", "【": "[", "】": "]", "《": "<", "》": ">",
    "〈": "<", "〉": ">", "—": "-", "–": "-", "－": "-", "―": "-", "…": "...", "·": ".", "・": ".",
    "〇": "零",
}
_PUNCT_FOLD = str.maketrans(_PUNCT_FOLD_MAP)
_WHITESPACE_RE = re.compile(r"\s+")
# numbering: cross-references 第X条/款/项/章/节/编/目 (之X), item labels at a line start
# (guarded, lazyre.GuardedPattern: a text without 第 or without the nouns is left as it is,
# and the pattern compiled only for one that holds both)
_XREF_RE = GuardedPattern(rf"第({_NUM})(条|款|项|章|节|编|目|部分)(之({_NUM}))?",
                          (("第",), ("条", "款", "项", "章", "节", "编", "目", "部分")))
_ITEM_LABEL_RE = re.compile(rf"(?m)^\s*(?:\(\s*{_NUM}\s*\)|{_NUM}\s*[.,:]|[①-⑳])")
_FIGURE_RE = re.compile(_NUM)

# Words without which a pattern cannot match (each alternative of it holds one of them):
# `extract` runs the pattern only on a text that holds one (issue 14). A scan for a
# literal word is C-speed, while a pattern that opens with an optional or lazy part (a
# term's bounds, a fine's clause) is tried at every position: _PRISON_RE and _FINE_RE
# were 40% of extract's time on the corpus's measures, most of which name no sanction.
# tests/test_substance.py checks each list against its pattern (every match holds one).
_NEEDED_WORDS: dict[re.Pattern[str], tuple[str, ...]] = {
    _MONEY_RE: ("元", "港币", "人民币"),
    _PERCENT_RE: ("%", "分之"),
    _DATE_RE: ("年",),
    _DEADLINE_RE: ("日", "时", "天", "周", "期", "月", "年"),
    _PRISON_RE: _PRISON_WORDS,
    _FINE_RE: ("罚款", "罚金"),
    _SANCTION_RE: ("吊销", "责令", "没收"),
}


# The guarded patterns in the order _item_counts unpacks _may_match_each's answers.
_GUARDED = (_MONEY_RE, _PERCENT_RE, _DATE_RE, _DEADLINE_RE, _PRISON_RE, _FINE_RE, _SANCTION_RE)
_GUARDED_WORDS = tuple(_NEEDED_WORDS[pattern] for pattern in _GUARDED)


def _may_match_each(text: str) -> list[bool]:
    """[_may_match(pattern, text) for pattern in _GUARDED], in one call: _item_counts
    asks all seven for each of a diff's ~500 texts, and seven calls cost more than the
    `in` tests they make (~2.3 against ~0.8 ms on the 公司法 2018->2023 diff)."""
    answers = []
    for words in _GUARDED_WORDS:
        for word in words:
            if word in text:
                answers.append(True)
                break
        else:
            answers.append(False)
    return answers


def _may_match(pattern: re.Pattern[str], text: str) -> bool:
    """False only when `text` holds none of the words `pattern` needs (_NEEDED_WORDS).

    One `in` per word (C substring search; most lists are one to three words, and the
    first word found ends the loop): the same answer as a search for the alternation of
    the words, as fast per call (~0.7 us, the call itself), without compiling seven
    alternations at every start: importing this module 4.9 -> 4.2 ms (issue 14).
    """
    for word in _NEEDED_WORDS[pattern]:
        if word in text:
            return True
    return False


# Compatibility characters Chinese legal text is full of, each with its full compatibility
# decomposition (one ASCII character or the space).
_FREQUENT_COMPAT = tuple((ch, unicodedata.normalize("NFKD", ch)) for ch in "，；（）：！？％　")


def nfkc(text: str) -> str:
    """unicodedata.normalize("NFKC", text), the same string, about eight times faster on
    Chinese text: the frequent full-width marks are replaced by their decompositions
    (str.replace, C), and the result is taken when it is NFKC-normalised (a quick check).
    Replacing a character by its full compatibility decomposition leaves the NFKD form,
    hence the NFKC form, unchanged; a normalised result is therefore that NFKC form.
    Otherwise (other compatibility characters, combining marks) the full normalisation
    runs on the text as given."""
    folded = text
    for mark, decomposed in _FREQUENT_COMPAT:
        folded = folded.replace(mark, decomposed)
    if unicodedata.is_normalized("NFKC", folded):
        return folded
    return unicodedata.normalize("NFKC", text)


@functools.lru_cache(maxsize=4096)
def _value(figure: str) -> Decimal | None:
    """A figure's value: 「五十万」→ 500000, 「1,500.5」→ 1500.5; None if unreadable."""
    figure = figure.replace(",", "")
    try:
        return Decimal(figure)
    except InvalidOperation:
        pass
    try:
        return Decimal(cn_to_int(figure))
    except ValueError:
        return None


def _fmt(value: Decimal | None, figure: str) -> str:
    return figure if value is None else format(value.normalize(), "f")


_MULTIPLIER = {"百": 100, "千": 1000, "万": 10_000, "亿": 100_000_000}


def extract(text: str) -> dict[str, Counter]:
    """The items of each substance kind in `text`, normalised (see the module table)."""
    return {flag: Counter(items) for flag, items in _item_counts(text).items()}


_ITEM_FLAGS = tuple(flag for flag in FLAGS if flag != "editorial")


def _item_counts(text: str) -> dict[str, dict]:
    """extract's items as plain dicts of positive counts, what substance_flags compares:
    a diff extracts ~500 texts, and 7 Counters each (Python-level __init__, __missing__
    on every new item) and Counter.__eq__ (a Python loop over both) cost ~4 ms of the
    公司法 diff's ~95; with every count positive, dict equality is Counter equality."""
    text = nfkc(text)
    found: dict[str, dict] = {flag: {} for flag in _ITEM_FLAGS}
    # each pattern runs only on a text that holds a word it needs (_NEEDED_WORDS). The
    # deadline pattern runs on the text with its dates masked, and is guarded by the
    # unmasked text: a needed word of the masked text is one of the text (no word holds
    # the mask's \x00), and where the masked text lost them the scan finds nothing.
    money, percent, date, deadline, prison, fine, sanction = _may_match_each(text)

    for match in (_MONEY_RE.finditer(text) if money else ()):
        figure, multiplier, currency = match.groups()
        value = _value(figure)
        if value is not None and multiplier:
            value *= _MULTIPLIER[multiplier]
        _add(found["money"], (_fmt(value, figure), currency.replace("港币", "港元").replace("人民币", "元")))

    for match in (_PERCENT_RE.finditer(text) if percent else ()):
        if match.group(1):
            _add(found["percent"], _fmt(_value(match.group(1)), match.group(1)))
        else:
            value = _value(match.group(3))
            if value is not None and match.group(2) == "千分之":
                value /= 10
            _add(found["percent"], _fmt(value, match.group(3)))

    # dates are masked before deadlines and counts: 「2024年」 is not a one-year limit
    masked = []
    last = 0
    for match in (_DATE_RE.finditer(text) if date else ()):
        parts = [_fmt(_value(p), p) if p else "" for p in match.groups()]
        _add(found["date"], "-".join(p for p in parts if p))
        masked.append(text[last:match.start()])
        masked.append("\x00")
        last = match.end()
    masked.append(text[last:])
    rest = "".join(masked)

    deadline_spans = []
    for match in (_DEADLINE_RE.finditer(rest) if deadline else ()):
        deadline_spans.append(match.span())
        if match.group(7):
            _add(found["deadline"], match.group(7))
        elif match.group(1):
            unit = {"天": "日", "星期": "周"}.get(match.group(3), match.group(3))
            _add(found["deadline"], (_fmt(_value(match.group(1)), match.group(1)), unit))
        else:
            _add(found["deadline"], (_fmt(_value(match.group(5)), match.group(5)), match.group(6)))

    for match in _COUNT_RE.finditer(rest):
        if any(start <= match.start() < end for start, end in deadline_spans):
            continue
        _add(found["count"], (_fmt(_value(match.group(1)), match.group(1)), match.group(2)))

    for match in (_PRISON_RE.finditer(text) if prison else ()):
        bounds = []
        for k in (0, 3):
            figure, unit, side = match.group(k + 1), match.group(k + 2), match.group(k + 3)
            if figure:
                bounds.append(f"{_fmt(_value(figure), figure)}{unit}以{side}")
        _add(found["penalty"], (match.group(7), "".join(bounds)))
    for match in (_FINE_RE.finditer(text) if fine else ()):
        amounts = []
        for amount in _FINE_AMOUNT_RE.finditer(match.group(1)):
            figure, multiplier, unit = amount.groups()
            value = _value(figure)
            if value is not None and multiplier:
                value *= _MULTIPLIER[multiplier]
            amounts.append(_fmt(value, figure) + unit)
        _add(found["penalty"], (match.group(2), " ".join(amounts)))
    for match in (_SANCTION_RE.finditer(text) if sanction else ()):
        if match.group(1):
            _add(found["penalty"], ("吊销", match.group(2)))
        elif match.group(3):
            _add(found["penalty"], ("责令", match.group(3)))
        else:
            _add(found["penalty"], ("没收", match.group(5)))

    modal = found["modal"]
    for word in _MODAL_RE.findall(text):
        _add(modal, word)
    return found


def _add(counts: dict, item) -> None:
    counts[item] = counts.get(item, 0) + 1


def _money_value(match: re.Match) -> str:
    figure, multiplier, currency = match.groups()
    value = _value(figure)
    if value is None:
        return match.group(0)
    if multiplier:
        value *= _MULTIPLIER[multiplier]
    return format(value.normalize(), "f") + "元" if currency in ("元", "人民币") else format(value.normalize(), "f") + currency


def _percent_value(match: re.Match) -> str:
    figure = match.group(1) or match.group(3)
    value = _value(figure)
    if value is None:
        return match.group(0)
    if match.group(2) == "千分之":
        value /= 10
    return format(value.normalize(), "f") + "%"


def _figure_value(match: re.Match) -> str:
    value = _value(match.group(0))
    return match.group(0) if value is None else format(value.normalize(), "f")


def editorial_fold(text: str) -> str:
    """The text with every editorial difference removed (see the module docstring).

    >>> editorial_fold("（一）依照本条例第三十七条， 在三十日内办理。")
    '(#)依照本条例第#条,在30日内办理.'
    """
    text = nfkc(text)
    # amounts and percentages as values first: 「50万元」 = 「五十万元」 = 「500000元」
    text = _MONEY_RE.sub(_money_value, text)
    text = _PERCENT_RE.sub(_percent_value, text)
    text = text.translate(_PUNCT_FOLD)
    text = _ITEM_LABEL_RE.sub(lambda m: "(#)" if "(" in m.group(0) else "#", text)
    text = _XREF_RE.sub(lambda m: f"第#{m.group(2)}" + ("之#" if m.group(3) else ""), text)
    text = _WHITESPACE_RE.sub("", text)
    return _FIGURE_RE.sub(_figure_value, text)


# Characters editorial_fold may drop, add or rewrite besides white space, punctuation,
# symbols and numerals: currency words (人民币 -> 元) and 百分之/千分之 (-> %).
_FOLD_REWRITES = frozenset("人民币元港分之")

_FOLD_DROP = str.maketrans({ch: None for ch in (
    set(_PUNCT_FOLD_MAP) | set("".join(_PUNCT_FOLD_MAP.values())) | set(_FOLD_REWRITES)
    | set("0123456789()#.,:%'\"[]<>-") | set(_CN)
)})

# Context kept around each edit when items are extracted from the changed parts only
# (unit: characters, range 16..100): longer than any item (「二〇二四年十二月三十一日」 is
# 12, 「1,000,000,000.50美元」 is 19), so an item that touches an edit lies inside its
# window; items wholly in the common text occur on both sides and cancel out.
WINDOW_CONTEXT = 32


def _word_chars(segments, op: str) -> str:
    """The characters of one side's edits that editorial_fold keeps as they are: without
    white space, numerals, the punctuation it folds or drops, and _FOLD_REWRITES. If the
    two sides hold these characters in different numbers, the folded texts differ (not
    editorial): _same_chars."""
    text = nfkc("".join(t for seg_op, t in segments if seg_op == op))
    return _WHITESPACE_RE.sub("", text).translate(_FOLD_DROP)


def _same_chars(old: str, new: str) -> bool:
    """Whether two strings hold the same characters the same number of times (Counter
    equality of the two): unequal lengths answer at once (most edits add or drop a
    word), else the two counts compared as dicts, in C (every count is positive, so
    Counter.__eq__, a Python loop over both that takes a missing item as 0, is dict
    equality)."""
    return len(old) == len(new) and dict.__eq__(Counter(old), Counter(new))


def _edit_windows(segments) -> tuple[str, str]:
    """The old and the new text cut down to the edits with WINDOW_CONTEXT characters of
    common text around each (windows closer than that merge), joined by a separator no
    item can cross. Both sides get the same context, so what the windows leave out is
    the same text on both sides."""
    old_spans: list[list[int]] = []
    new_spans: list[list[int]] = []
    old_text = "".join(t for op, t in segments if op != "+")
    new_text = "".join(t for op, t in segments if op != "-")
    old_pos = new_pos = 0
    in_edit = False
    for op, text in segments:
        if op == "=":
            old_pos += len(text)
            new_pos += len(text)
            in_edit = False
            continue
        if not in_edit:
            old_spans.append([old_pos, old_pos])
            new_spans.append([new_pos, new_pos])
            in_edit = True
        if op == "-":
            old_pos += len(text)
            old_spans[-1][1] = old_pos
        else:
            new_pos += len(text)
            new_spans[-1][1] = new_pos

    def cut(text: str, spans: list[list[int]]) -> str:
        merged: list[list[int]] = []
        for start, end in spans:
            start, end = max(0, start - WINDOW_CONTEXT), min(len(text), end + WINDOW_CONTEXT)
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return "\n\x00\n".join(text[a:b] for a, b in merged)

    return cut(old_text, old_spans), cut(new_text, new_spans)


def substance_flags(old: str, new: str, segments=None) -> tuple[str, ...]:
    """Sorted flags for a change from `old` to `new` (either may be "" for added/removed).

    Identical texts have no flags; texts that differ only editorially have exactly
    ("editorial",); otherwise each kind whose items differ.

    `segments`, the redline of old -> new when the caller has it, makes this faster
    (same result): a word inserted or deleted rules out "editorial" without folding
    both texts, and items are extracted from the changed parts only.
    """
    if old == new:
        return ()
    if old and new:
        if segments is None or _same_chars(_word_chars(segments, "-"), _word_chars(segments, "+")):
            if editorial_fold(old) == editorial_fold(new):
                return ("editorial",)
    if segments is not None and len(old) + len(new) > 8 * WINDOW_CONTEXT:
        old, new = _edit_windows(segments)
    old_items, new_items = _item_counts(old), _item_counts(new)
    one_sided = not old or not new
    return tuple(sorted(flag for flag in old_items if old_items[flag] != new_items[flag]
                        and not (one_sided and flag == "modal")))


def format_only(old: str, new: str) -> bool:
    """The two texts differ in punctuation width or white space only (what the report
    calls 「仅标点/格式修改」): equal once both are normalised as the aligner compares them.

    >>> format_only("应当（一）办理，", "应当(一)办理,"), format_only("应当办理。", "应当办理")
    (True, False)
    """
    from .align import normalize  # late: align imports nothing from here, keep it so

    return old != new and normalize(old) == normalize(new)


def whitespace_only(old: str, new: str) -> bool:
    """The two texts are the same once white space (ASCII or ideographic, indentation
    included) is removed: an unchanged measure, not a modified one.

    >>> whitespace_only("　　（一）办理；", "  （一）办理；"), whitespace_only("办理；", "办理;")
    (True, False)
    """
    return _WHITESPACE_RE.sub("", old) == _WHITESPACE_RE.sub("", new)
