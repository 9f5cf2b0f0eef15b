"""Numerals as printed in policies and laws, and measure labels as users type them.

Functional core: pure functions, no I/O.

Chinese numerals come in two forms and both are read:

- positional with multipliers: 十二 (12), 二十三 (23), 一百零五 (105), 两千 (2000),
  一万零一 (10001); financial forms 壹贰叁…拾佰仟 too;
- digit by digit: 二〇二四 (2024), 一〇五 (105) — a string with no multiplier and more than
  one digit is read this way.

Arabic digits may be half- or full-width (５, １２). Roman numerals (I, IV, XII) serve the
English grammar ("Part II").

>>> cn_to_int("一百零五"), cn_to_int("二十三"), cn_to_int("十二"), cn_to_int("１２")
(105, 23, 12, 12)
>>> parse_measure_label("第十条之一"), parse_measure_label("（三）"), parse_measure_label("hello")
((10, 1), (3, None), None)
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .lazyre import LazyPattern

__all__ = [
    "CN_DIGITS",
    "CN_NUMERAL_CHARS",
    "cn_to_int",
    "roman_to_int",
    "numeral_to_int",
    "parse_measure_label",
    "CIRCLED",
]

# Digit values. 〇 and 零 are both zero; 两 is two (两千); 幺 is a spoken one, rare in text.
CN_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "○": 0, "Ｏ": 0,
    "一": 1, "壹": 1, "幺": 1,
    "二": 2, "贰": 2, "貳": 2, "两": 2, "兩": 2,
    "三": 3, "叁": 3, "參": 3,
    "四": 4, "肆": 4,
    "五": 5, "伍": 5,
    "六": 6, "陆": 6, "陸": 6,
    "七": 7, "柒": 7,
    "八": 8, "捌": 8,
    "九": 9, "玖": 9,
}
# Small multipliers (within a 万 group) and large ones (group multipliers).
CN_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
CN_LARGE_UNITS: dict[str, int] = {"万": 10_000, "萬": 10_000, "亿": 100_000_000, "億": 100_000_000}

CN_NUMERAL_CHARS = "".join(CN_DIGITS) + "".join(CN_SMALL_UNITS) + "".join(CN_LARGE_UNITS)

# Circled numbers ① … ⑳ (U+2460…U+2473) and ㉑ … ㊿ (U+3251…U+325F, U+32B1…U+32BF).
CIRCLED: dict[str, int] = {chr(0x2460 + i): i + 1 for i in range(20)}
CIRCLED.update({chr(0x3251 + i): 21 + i for i in range(15)})
CIRCLED.update({chr(0x32B1 + i): 36 + i for i in range(15)})

_ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
_ROMAN_RE = LazyPattern(r"^M{0,3}(CM|CD|D?C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")


def _ascii_digits(s: str) -> str | None:
    """"１２" -> "12"; None if s is not all (half- or full-width) decimal digits."""
    if not s:
        return None
    out = []
    for ch in s:
        if "0" <= ch <= "9":
            out.append(ch)
        elif "０" <= ch <= "９":
            out.append(chr(ord(ch) - ord("０") + ord("0")))
        else:
            return None
    return "".join(out)


@functools.lru_cache(maxsize=4096)  # pure; a text asks for the same few hundred numerals again and again
def cn_to_int(s: str) -> int:
    """The value of a Chinese (or Arabic, half- or full-width) numeral.

    Raises ValueError when s is not a numeral.

    >>> [cn_to_int(x) for x in ("〇", "零", "十", "十一", "一百一十", "两千", "二〇二四", "一万零一")]
    [0, 0, 10, 11, 110, 2000, 2024, 10001]
    """
    s = s.strip()
    digits = _ascii_digits(s)
    if digits is not None:
        return int(digits)
    if not s or any(ch not in CN_NUMERAL_CHARS for ch in s):
        raise ValueError(f"not a numeral: {s!r}")
    if all(ch in CN_DIGITS for ch in s):
        # No multiplier: one digit, or digit-by-digit (二〇二四).
        value = 0
        for ch in s:
            value = value * 10 + CN_DIGITS[ch]
        return value
    total = 0  # completed large groups (亿, 万)
    group = 0  # the current group below the next large unit
    digit: int | None = None  # a digit waiting for its unit
    last_small_unit = 100_000  # units must decrease inside a group: 一百十 is fine, 十百 is not
    for ch in s:
        if ch in CN_DIGITS:
            if digit is not None and CN_DIGITS[ch] != 0 and digit != 0:
                raise ValueError(f"not a numeral: {s!r}")  # two digits in a row: 二三十
            digit = CN_DIGITS[ch]
        elif ch in CN_SMALL_UNITS:
            unit = CN_SMALL_UNITS[ch]
            if unit >= last_small_unit:
                raise ValueError(f"not a numeral: {s!r}")
            # A bare 十 at the start of a group means 一十 (十二 = 12).
            group += (1 if digit is None else digit) * unit
            digit = None
            last_small_unit = unit
        else:  # large unit
            unit = CN_LARGE_UNITS[ch]
            group += digit or 0
            if group == 0:
                raise ValueError(f"not a numeral: {s!r}")
            total = (total + group) * unit if unit > 10_000 else total + group * unit
            group, digit, last_small_unit = 0, None, 100_000
    group += digit or 0
    return total + group


def roman_to_int(s: str) -> int:
    """ "XII" -> 12 (upper or lower case); ValueError when not a roman numeral.

    >>> roman_to_int("iv"), roman_to_int("XLII")
    (4, 42)
    """
    u = s.strip().upper()
    if not u or not _ROMAN_RE.match(u):
        raise ValueError(f"not a roman numeral: {s!r}")
    total = 0
    for i, ch in enumerate(u):
        value = _ROMAN_VALUES[ch]
        if i + 1 < len(u) and _ROMAN_VALUES[u[i + 1]] > value:
            total -= value
        else:
            total += value
    return total


def numeral_to_int(s: str) -> int:
    """Arabic, Chinese, circled or roman numeral -> int; ValueError otherwise."""
    s = s.strip()
    if len(s) == 1 and s in CIRCLED:
        return CIRCLED[s]
    try:
        return cn_to_int(s)
    except ValueError:
        return roman_to_int(s)


_NUM = rf"[0-9０-９]+|[{CN_NUMERAL_CHARS}]+"
# compiled at first use: only a measure typed on the command line (--measure) is read so
_LABEL_PATTERNS: tuple[LazyPattern, ...] = (
    # 第5条, 第五条, 第十条之一, 第5条之1 (also 第5項-like variants are not labels)
    LazyPattern(rf"^第\s*(?P<n>{_NUM})\s*条(?:\s*之\s*(?P<sub>{_NUM}))?$"),
    # 5, 5., 5．, 5、, 五, 五、
    LazyPattern(rf"^(?P<n>{_NUM})\s*[.．、]?$"),
    # (三), （三）, (3), （3）, mixed brackets; 3) and 3）
    LazyPattern(rf"^[(（]\s*(?P<n>{_NUM})\s*[)）]$"),
    LazyPattern(rf"^(?P<n>{_NUM})\s*[)）]$"),
    # Article 3, Art. 3, Section 2, § 2, No. 5, Item 5, Measure 5 (arabic or roman)
    LazyPattern(
        r"^(?:article|art\.?|section|sec\.?|§|measure|item|no\.?)\s*(?P<n>[0-9]+|[ivxlcdm]+)\.?$",
        re.IGNORECASE,
    ),
)


def parse_measure_label(s: str) -> tuple[int, int | None] | None:
    """A measure label as a user types it -> (number, sub_number); None if not a label.

    >>> [parse_measure_label(x) for x in ("5", "5.", "5．", "第5条", "第五条", "三、", "Article 3")]
    [(5, None), (5, None), (5, None), (5, None), (5, None), (3, None), (3, None)]
    >>> parse_measure_label("①"), parse_measure_label("第十条之一"), parse_measure_label("")
    ((1, None), (10, 1), None)
    """
    if not isinstance(s, str):
        return None
    # NFKC folds full-width letters and punctuation ((), ．stays) and ideographic space;
    # the patterns accept both widths anyway, so this only tidies spaces and letters.
    text = unicodedata.normalize("NFKC", s).strip()
    # NFKC turns ① into "1": handle circled numbers before it would.
    raw = s.strip()
    if len(raw) == 1 and raw in CIRCLED:
        return (CIRCLED[raw], None)
    for pattern in _LABEL_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        try:
            number = numeral_to_int(match.group("n"))
            sub = match.groupdict().get("sub")
            sub_number = numeral_to_int(sub) if sub else None
        except ValueError:
            return None
        return (number, sub_number)
    return None
