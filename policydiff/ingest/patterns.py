"""Shared recognisers for lines of Chinese policy text (pure functions, no I/O).

Every recogniser looks at one line of clean text (already right-stripped) and is
deliberately conservative: a false "this is chrome" or "this is a title" would delete or
merge evidence.
"""

from __future__ import annotations

import re

from policydiff.lazyre import GuardedPattern, LazyPattern  # noqa: F401  (re-exported: P.LazyPattern)
from policydiff.lexicon import (CN_NUMERAL_CHARS, DATE_PATTERN, DOC_NO_BARE, DOC_NO_NEEDS, DOC_NO_OPEN,
                               DOC_NO_YEAR_STARTS, MONTH_DAY_PATTERN, ORDER_NO_PATTERN, TITLE_KIND_PATTERN, fold, may_end_with_date)

# Sentence-final punctuation (full and half width). A line containing one is prose.
SENTENCE_END = "。！？；!?;"
_CLOSERS = "”’」』》〉）)】]\"'"


# A numbered structure line: 第X编/章/节/条, 一、 (一) 1. (1) ① Article 3 ...
STRUCTURE_LINE = re.compile(
    r"^\s*(?:"
    rf"第[{CN_NUMERAL_CHARS}\d]+[编章节条款]"
    rf"|[{CN_NUMERAL_CHARS}]+[、．.]"
    rf"|[（(][{CN_NUMERAL_CHARS}\d]+[）)]"
    r"|\d+(?:[.．、](?!\d)|\s)"
    r"|[①-⑳]"
    r"|(?:Article|Section|Chapter)\s+\d+"
    r")"
)

# The kinds of document (文种) a Chinese title ends with, optionally followed by closing
# brackets and a qualifier such as （试行）. Used to decide that broken lines form a title.
TITLE_KIND = TITLE_KIND_PATTERN  # the list lives in lexicon.TITLE_KINDS
# A parenthesised qualifier after the kind: （试行）（2024年修订）（征求意见稿）, or a 文号.
_QUALIFIER = r"[（(][^（）()。；;]{1,24}[）)]"
# Up to two qualifiers: 「办法（试行）（2024年修订）」.
TITLE_END = re.compile(rf"(?:{TITLE_KIND})[{re.escape(_CLOSERS)}]*(?:{_QUALIFIER}){{0,2}}$")
QUALIFIER_LINE = re.compile(rf"^\s*{_QUALIFIER}$")
QUALIFIER = _QUALIFIER  # the pattern text, for callers that compose it

# A date standing alone on a line (a signature date, 落款): 2024年10月9日 / 二〇二四年十月九日.
# (compiled at first use: tried only on a line that ends with a date, may_end_with_date)
DATE_ONLY_LINE = LazyPattern(rf"^\s*[（(]?\s*{DATE_PATTERN}\s*[）)]?$")

# A line that starts with a date: a header line under a title (「2024年9月27日 …第二次修订」,
# 「（2006年10月31日…通过）」) or a signature date.
DATED_LINE = re.compile(rf"^\s*[（(]?\s*{DATE_PATTERN}")

# A 文号 (grammar in lexicon): 京科发〔2022〕4号, 国办发[2022]3号, 法释（2020）17号.
# Guarded (lazyre.GuardedPattern): compiled only for a string that holds the words every 文号
# holds (most lines and titles lack a bracket, a year or 号).
DOC_NO = GuardedPattern(DOC_NO_BARE, DOC_NO_NEEDS)
# An order number standing as a document's own designation (「示例总局令第55号」): only as
# a whole line (in a sentence it cites another document).
ORDER_NO = LazyPattern(ORDER_NO_PATTERN)
# A 文号 or an order number holds 号; a 文号 a bracket and a year, an order number 令.
DOC_NO_LINE = GuardedPattern(
    rf"^\s*(?:(?:发文字号|文号|字号)\s*[:：]\s*)?[（(]?\s*(?P<doc_no>{DOC_NO.pattern}|{ORDER_NO.pattern})\s*[）)]?$",
    (("号", "號"), (*DOC_NO_OPEN, "令"), (*DOC_NO_YEAR_STARTS, "令"))
)

# Organisation names end like this (used for signature blocks and issuers in titles).
ORG_END = LazyPattern(
    r"(?:委员会|管委会|人民政府|政府|办公厅|办公室|总局|局|厅|部|院|署|委|会|中心|法院|检察院|司|处|"
    r"银行|集团|公司|协会|联合会|小组|党组|省委|市委|县委|区委|中央)$"
)


# A news or document-site lead-in that announces the full text below it:
# 「文件详情如下:」「通知全文:」「以下为原文：」. The next title line starts the document.
LEAD_IN_LINE = re.compile(r"^.{0,30}(?:如下|全文|原文|正文)\s*[:：]$")


def is_lead_in(line: str) -> bool:
    return bool(LEAD_IN_LINE.match(fold(line.strip())))


def strip_closers(line: str) -> str:
    return line.rstrip().rstrip(_CLOSERS)


def is_sentence(line: str) -> bool:
    """True when the line holds sentence-final punctuation (it is prose, not a title)."""
    return any(ch in SENTENCE_END for ch in line)


def is_structure(line: str) -> bool:
    return bool(STRUCTURE_LINE.match(fold(line)))


def is_date_only(line: str) -> bool:
    # (a date ends with 日: a line that does not end with one is answered without the
    # pattern, which is compiled only for a line that does: lexicon.may_end_with_date)
    return may_end_with_date(line) and bool(DATE_ONLY_LINE.match(line))


def is_doc_no_line(line: str) -> bool:
    # (every match ends with 号, or 號 before folding: most lines are passed at C speed)
    return ("号" in line or "號" in line) and bool(DOC_NO_LINE.match(fold(line)))


def ends_title(text: str) -> bool:
    return bool(TITLE_END.search(fold(text.strip())))


def brackets_balanced(text: str) -> bool:
    for opener, closer in ("《》", "〈〉", "（）", "()", "“”", "「」", "『』", "【】", "〔〕"):
        if text.count(opener) != text.count(closer):
            return False
    return True


# ---------------------------------------------------------------- end matter and signatures

# Private-use characters (U+E000..U+F8FF): a GBK page's user-defined bytes (AAA1..AFFE)
# decode to them; editors leave them at line ends, where they render as nothing. They are
# kept in the text (a 造字 glyph for a rare character is also private-use), but the line
# recognisers read past them at the ends of a line.
_PRIVATE_USE = "\ue000-\uf8ff"


_BARE_ENDS = LazyPattern(rf"^[\s{_PRIVATE_USE}]+|[\s{_PRIVATE_USE}]+$")
_WHITE_SPACE = re.compile(r"\s+")


def bare(line: str) -> str:
    """The line without white space and private-use characters at either end."""
    # str.strip() removes what \s matches (both are str.isspace); only a line that still
    # starts or ends with a private-use character needs the pattern (issue 14: this was
    # a pattern-cache lookup and a substitution for every line of every closing scan).
    body = line.strip()
    if body and ("\ue000" <= body[0] <= "\uf8ff" or "\ue000" <= body[-1] <= "\uf8ff"):
        return _BARE_ENDS.sub("", body)
    return body


def squash(text: str) -> str:
    """`text` without any white space (「东 莞 市 人 民 政 府 令」 -> 「东莞市人民政府令」)."""
    return _WHITE_SPACE.sub("", text)


# The title of whoever signs an order or a law (「市长 黄奇帆」「总　理　　朱镕基」
# 「中华人民共和国主席 胡锦涛」「市长：唐良智」), with or without the name.
SIGNATORY_TITLE = ("主席|总理|副总理|省长|市长|州长|县长|区长|旗长|盟长|部长|署长|局长|厅长|主任|"
                   "行长|院长|委员长|检察长|书记|秘书长|司令员|会长|理事长|董事长")
_SIGNATORY = LazyPattern(rf"^[\u4e00-\u9fff]{{0,16}}?(?:{SIGNATORY_TITLE})[:：]?[\u4e00-\u9fff·•]{{0,5}}$")


def is_signatory(line: str) -> bool:
    """A signatory line of an order (令): an office and the name of its holder."""
    body = squash(fold(bare(line)))
    return 2 <= len(body) <= 30 and bool(_SIGNATORY.match(body))


def is_org_line(line: str) -> bool:
    """A line of organisation names only (「示例市人民政府」「示例局、示例厅」): a signature's
    issuer line."""
    body = bare(line).rstrip("、，,")
    if not body or len(body) > 60 or is_sentence(body) or ":" in body or "：" in body:
        return False
    names = [name for name in re.split(r"[、，,\s]+", fold(body)) if name]
    return bool(names) and all(ORG_END.search(name) and len(name) >= 2 for name in names)


# A date, anywhere: the lexicon's grammar (2024年10月9日, 二〇二四年十月九日).
DATE = DATE_PATTERN
# A date whose year is not a number (an unfilled template field, 「FlYear年1月1日」): the
# lexicon's month and day after any short word and 年.
DATE_SHAPED = rf"[^\s。，,；;：:]{{1,16}}年\s*{MONTH_DAY_PATTERN}\s*月\s*{MONTH_DAY_PATTERN}\s*日"
# An issuer and its date on one line (「示例市人民政府 2031年1月2日」「示例局2031年1月2日」).
_ORG_AND_DATE = LazyPattern(rf"^(?P<org>[^\s。；;，,:：]{{2,40}}?)[\s]*(?P<date>{DATE})$")


def org_and_date(line: str) -> tuple[str, str] | None:
    """(organisation, date text) of a one-line signature, else None."""
    if "日" not in line:  # the date ends with 日 (bare only strips): most lines end here
        return None
    body = bare(line)
    if not may_end_with_date(body):  # the line must end with the date (issue 14: no compile)
        return None
    match = _ORG_AND_DATE.match(body)
    if match and is_org_line(match["org"]):
        return match["org"], match["date"]
    return None


# End matter of an official document, never part of a measure: the routing block
# (抄送/报送/分送/主送 …, 主题词, 公开方式), the printing line (「示例市政府办公厅 2031年1月2日印发」),
# remarks (「（此件公开发布）」「（全文结束）」「（完）」) and page numbers (「— 11 —」「－ 5 －」
# 「- 3 -」「第 3 页 共 9 页」).
# Each alternative holds one of: a colon, 印 (印发/印制/翻印), an opening bracket, a dash or
# tilde, 页 (guarded: lazyre.GuardedPattern).
END_MATTER_LINE = GuardedPattern(
    rf"^(?:(?:抄\s*送|报\s*送|分\s*送|主\s*送|发\s*送|抄\s*报|主\s*题\s*词|关\s*键\s*词|公开方式|公开属性|信息公开选项)\s*[:：].*"
    rf"|.{{0,40}}?(?:{DATE}|{DATE_SHAPED})\s*(?:印发|印制|翻印)"
    r"|[（(]\s*(?:此件|本件|此文|本文)[^（）()]{0,16}[）)]"
    r"|[（(]\s*(?:全文完|全文结束|完)\s*[）)]"
    r"|[-—－–~～]\s*\d{1,4}\s*[-—－–~～]"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r")$",
    ((":", "：", "印", "(", "（", "-", "—", "－", "–", "~", "～", "页"),)
)


def is_end_matter(line: str) -> bool:
    body = bare(fold(line))
    return bool(body) and bool(END_MATTER_LINE.match(body))


# A letterhead (版头): 「示例市人民政府文件」「示例市人民政府办公室文件」, letters possibly spaced.
_MASTHEAD = GuardedPattern(r"^[\u4e00-\u9fff（）()]{2,40}文件$", (("文件",),))


def is_masthead(line: str) -> bool:
    return bool(_MASTHEAD.match(squash(fold(bare(line)))))


# A 文号 line that names the document as 文件 (「示府〔2031〕106号文件」): a reference line, not
# a title.
_DOC_NO_FILE = GuardedPattern(rf"^(?:{DOC_NO.pattern})\s*文件$", (*DOC_NO_NEEDS, ("文件",)))


def is_doc_no_file_line(line: str) -> bool:
    return bool(_DOC_NO_FILE.match(fold(bare(line))))
