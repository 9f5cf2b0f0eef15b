"""Line normalisation and the joining of titles broken over several lines.

Both steps are part of the CLEAN TEXT definition (see policydiff.ingest's docstring).
"""

from __future__ import annotations

import operator
import re
from bisect import bisect_left
from itertools import compress, repeat
from typing import Callable

from policydiff.ingest import patterns as P
from policydiff.lexicon import CN_NUMERAL_CHARS

# Invisible characters removed everywhere: zero-width space/non-joiner/joiner, word
# joiner, BOM / zero-width no-break space, left-to-right and right-to-left marks, soft
# hyphen. They carry no text and break matching (the corpus has U+200B in 2023-24 texts).
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u200e\u200f\u00ad"

# Line breaks: CRLF, CR, LF and the other Unicode line/paragraph separators.
_LINE_BREAK = P.LazyPattern(r"\r\n|[\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_OTHER_LINE_BREAK = re.compile(r"[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")  # the breaks besides \n

# A title piece is at most this many characters (after stripping). Unit: characters;
# range 10..100. Broken title lines in print are 10-30 characters; 60 leaves room.
TITLE_PIECE_MAX = 60
# At most this many lines are joined into one title. Unit: lines; range 2..8.
TITLE_PIECES_MAX = 6
# A joined title is at most this long. Unit: characters; range 40..300.
TITLE_MAX = 150


def _without_zero_width(text: str) -> str:
    """`text` without the ZERO_WIDTH characters: one C-level replace per character present
    (str.translate looks every character of the text up in a Python dict: 80 ms for one
    side of the 1.45 M-character test compilation of issue 14, against 3 ms)."""
    for character in ZERO_WIDTH:
        if character in text:
            text = text.replace(character, "")
    return text


def normalise_lines(text: str) -> list[str]:
    """Split into lines; drop invisible characters, trailing white space and blank lines.

    >>> normalise_lines("a\\u200b \\r\\n\\r\\n\\u3000b\\u3000\\n")
    ['a', '\\u3000b']
    """
    # str.rstrip and the blank test at C speed (map, filter): a loop with an append per line
    # was 15 ms a side of the 52 k-line test compilation of issue 14
    text = _without_zero_width(text)
    # a text whose only line break is \n (most) is split by str.split, at C speed
    lines = _LINE_BREAK.split(text) if has_other_line_break(text) else text.split("\n")
    return list(filter(None, map(str.rstrip, lines)))


_OTHER_LINE_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"  # the breaks besides \n (_OTHER_LINE_BREAK)


def has_other_line_break(text: str) -> bool:
    """`_OTHER_LINE_BREAK.search(text) is not None`, by one C-level `in` per character (the
    search tried each character of the text against the class: 4 ms against 1.8 ms for a
    side of the test compilation of issue 14)."""
    return any(character in text for character in _OTHER_LINE_BREAKS)


# An attachment line (附件 / 附件2 / 附件：…) opens a document; it is never part of a title.
_ANNEX_LINE = P.GuardedPattern(rf"^(?:附件|附表|附录)\s*[\d{CN_NUMERAL_CHARS}]*\s*(?:[:：]|$)", (("附件", "附表", "附录"),))


def _is_piece(line: str) -> bool:
    """Could this line be part of a title broken over lines?

    Not a piece: prose, numbered lines, dates, 文号 lines, attachment lines, and lines
    holding a colon (a title has none; page lines such as 「下载地址: 点击此处下载」 do)."""
    body = line.strip()
    return (
        0 < len(body) <= TITLE_PIECE_MAX
        and not P.is_sentence(body)
        and ":" not in body and "：" not in body
        and not P.is_structure(body)
        and not P.DATED_LINE.match(body)
        and not P.is_doc_no_line(body)
        and not _ANNEX_LINE.match(P.fold(body))
    )


def _qualifier(line: str) -> bool:
    """A bracketed qualifier that continues a title (「（试行）」「（2024年修订）」); a bracketed
    line that opens with a date is a header line under the title (「（2010年1月19日示例市人民
    政府令第26号公布）」), not part of it."""
    return bool(P.QUALIFIER_LINE.match(line)) and not P.DATED_LINE.match(line)


def _outer_guanyu(text: str) -> int:
    """Position of the first 关于 outside 《》 brackets (a title's own 关于), or -1."""
    text = P.fold(text)
    first = text.find("关于")
    if first < 0:  # the common case, at C speed: no 关于 at all
        return -1
    if not any(ch in "《〈" for ch in text[:first]):  # no bracket opened before it
        return first
    depth = 0
    for index, ch in enumerate(text):
        if ch in "《〈":
            depth += 1
        elif ch in "》〉":
            depth -= 1
        elif depth == 0 and text.startswith("关于", index):
            return index
    return -1


def _names_issuer(joined: str, following: str) -> bool:
    """Does `following` hold, after some text of its own, the title's first 关于
    (「示例厅关于…」), so that it names an issuer itself?"""
    if _outer_guanyu(joined) >= 0:
        return False
    position = _outer_guanyu(joined + following) - len(joined)
    return position > 0


def _issuers_only(pieces: list[str]) -> bool:
    """Are these lines organisation names only (the issuers stacked above a title)?"""
    return bool(pieces) and all(P.ORG_END.search(P.fold(piece.strip().rstrip("、，, "))) for piece in pieces)


def _concat(left: str, right: str) -> str:
    right = right.strip()
    # Latin words broken over lines need their space back; Chinese has none.
    if left and right and left[-1].isascii() and left[-1].isalnum() and right[0].isascii() \
            and right[0].isalnum():
        return left + " " + right
    return left + right


def _piece_memo(lines: list[str]) -> Callable[[int], bool]:
    """`_is_piece(lines[i])` by index, each line tested once: a title run is looked for from
    every line of a title zone and looks up to TITLE_PIECES_MAX lines ahead, so without the
    memo each line was tested up to six times (1 M short lines: most of the import time)."""
    known: list[bool | None] = [None] * len(lines)

    def piece_at(index: int) -> bool:
        value = known[index]
        if value is None:
            value = known[index] = _is_piece(lines[index])
        return value
    return piece_at


def _title_run(lines: list[str], start: int, piece_at: Callable[[int], bool] | None = None) -> int:
    """Index one past the last line of a broken title starting at `start`, or `start`.

    Lines start..end-1 form a title when each is a title piece, their concatenation ends
    with a kind of document (通知, 措施, 条例 ...) with brackets balanced, and no line but
    the last is already a complete title on its own (unless the next line visibly
    continues it: it starts with 的/之 or closing brackets, or is a qualifier such as
    （试行）).
    """
    if piece_at is None:
        piece_at = _piece_memo(lines)
    # A title starts with a piece that is not a bracketed remark alone: 「（此件公开发布）」
    # closes a notice, 「（试行）」 continues a title; neither starts one.
    if not piece_at(start) or P.QUALIFIER_LINE.match(lines[start]):
        return start
    joined = lines[start].strip()
    pieces = [joined]
    for end in range(start + 1, min(len(lines), start + TITLE_PIECES_MAX)):
        following = lines[end].strip()
        if P.fold(joined).endswith("文件"):  # a letterhead (版头 「示例市人民政府文件」), never a piece
            return start
        complete = P.ends_title(joined) and P.brackets_balanced(joined)
        continues = P.fold(following).startswith(("的", "之", "》", "）", ")", "」")) or _qualifier(following)
        if complete and not continues:
            return start
        if not piece_at(end) and not _qualifier(following):
            return start
        # In a title only the issuer stands before 关于: 「示例措施发布」+「关于…的通知」 is a
        # headline above a title, not one title.
        if P.fold(following).startswith("关于") and not (P.ORG_END.search(P.fold(joined.rstrip("、，, ")))):
            return start
        # A line that holds the 关于 of a title mid-line already names its issuer: the
        # lines above it may only be further issuers (「示例局」「示例厅关于…的通知」), never
        # page lines such as 「精确检索」.
        if _names_issuer(joined, following) and not _issuers_only(pieces):
            return start
        pieces.append(following)
        joined = _concat(joined, following)
        if len(joined) > TITLE_MAX:
            return start
        if P.ends_title(joined) and P.brackets_balanced(joined):
            return end + 1
    return start


_ANNEX_NUMBER = P.GuardedPattern(rf"附件\s*[\d{CN_NUMERAL_CHARS}]*\s*[:：]?", (("附件",),))


# Every line that _opens_title_zone accepts matches this: each opener's line (white space
# aside) ends with the 日 of a date (and a bracket), the 号/號 of a 文号 or order number (and a
# bracket), 文件 (a letterhead) or a colon (a lead-in), or holds 附件 (an attachment line
# starts with it). Each alternative opens with a literal, so that the search skips from one
# of those characters to the next at C speed (a character class first made it try every
# position). tests/test_read_fast_paths.py checks the implication on every corpus line.
_MAY_OPEN_TITLE_ZONE = re.compile(r"日\s*[）)]?\s*$|号\s*[）)]?\s*$|號\s*[）)]?\s*$|文件\s*$|:\s*$|：\s*$|附件")


def _opens_title_zone(line: str) -> bool:
    """Lines after which a (new) document's title may follow: a signature date, 附件 N, the
    lines of an official letterhead (版头) that stand above a title (the issuer's 「…文件」
    line and the 文号 line), and a lead-in such as 「文件详情如下:」 on a news page."""
    body = line.strip()
    # Each opener holds one of these (a date its 日, a 文号 or order number its 号/號, an
    # attachment line 附件, a letterhead its final 文件, a lead-in its final colon): the
    # lines that hold none, most of a text, are answered without the five recognisers.
    if "日" not in body and "号" not in body and "號" not in body and "附件" not in body \
            and not body.endswith(("文件", ":", "：")):
        return False
    return (P.is_date_only(body) or bool(_ANNEX_NUMBER.fullmatch(body))
            or P.is_doc_no_line(body) or (P.fold(body).endswith("文件") and _is_piece(body))
            or P.is_lead_in(body))


def join_broken_titles(lines: list[str]) -> list[str]:
    """Join titles broken over consecutive lines into one line.

    Titles are looked for only where a document starts: at the top of the text (before
    the first prose or numbered line) and after a line that opens a new document (a
    standalone signature date, as when a notice wraps the document it issues, or an
    附件 line). Elsewhere short lines are left alone: a signature block
    「A、」「B」 is not a title (it does not end with a kind of document).

    >>> join_broken_titles(["关于推动示例园区加快建设", "世界领先园区的若干措施", "为推动发展,制定本措施。"])
    ['关于推动示例园区加快建设世界领先园区的若干措施', '为推动发展,制定本措施。']
    """
    out: list[str] = []
    in_zone = True
    index = 0
    piece_at = _piece_memo(lines)
    openers: list[int] | None = None  # the lines that may open a title zone, listed when first needed
    while index < len(lines):
        if not in_zone:
            # Out of a zone only an opener matters: the lines up to the next one that may
            # open a zone (found by one C-level map of a pattern that every opener matches:
            # _opens_title_zone's own first test) are kept as they are, without a call each
            # (a call per line was 10 ms a side of the test compilation of issue 14).
            if openers is None:
                openers = list(compress(range(len(lines)), map(_MAY_OPEN_TITLE_ZONE.search, lines)))
            following = bisect_left(openers, index)
            opener = openers[following] if following < len(openers) else len(lines)
            out.extend(lines[index:opener])
            index = opener
            if index == len(lines):
                break
        line = lines[index]
        if in_zone:
            end = _title_run(lines, index, piece_at)
            if end > index:
                joined = line.rstrip()
                for piece in lines[index + 1:end]:
                    joined = _concat(joined, piece)
                out.append(joined)
                index = end
                continue
            body = line.strip()
            if P.is_sentence(body) or body.endswith((":", "：")) or P.is_structure(body) \
                    or len(body) > TITLE_PIECE_MAX:
                in_zone = False
        if _opens_title_zone(line):
            in_zone = True
        out.append(line)
        index += 1
    return out


# ---------------------------------------------------------------- run-in articles

# An article label run into the paragraph of the article before it, right after that
# paragraph's full stop (a Word file that lost a paragraph mark): 「…提起行政诉讼。第二十八条本
# 细则自公布之日起实施」. Only a strong sign is taken: the label continues the numbering of
# the line it stands in (N+1 inside the line of 第N条), no line of the text starts with it,
# and what follows is not a cross-reference (「第二十八条规定的」「第二十八条第一款」).
_LINE_ARTICLE = re.compile(rf"^[\s\u3000]*第(?P<n>[{CN_NUMERAL_CHARS}\d]+)条")
_RUN_IN = P.LazyPattern(rf"。(?P<label>第(?P<n>[{CN_NUMERAL_CHARS}\d]+)条)(?!规定|所称|所列|中|的|第|之|至|和|、|或)")


def split_run_in_articles(lines: list[str]) -> list[str]:
    """Lines with an article label run into the line before it moved to a line of its own.

    >>> split_run_in_articles(["第一条 示例。", "第二条 示例。第三条本办法自公布之日起施行。"])
    ['第一条 示例。', '第二条 示例。', '第三条本办法自公布之日起施行。']
    >>> split_run_in_articles(["第二条 示例。第三条规定的情形除外。"])
    ['第二条 示例。第三条规定的情形除外。']
    """
    from policydiff.lexicon import cn_to_int

    def number(text: str) -> int | None:
        try:
            return int(text) if text.isdigit() else cn_to_int(text)
        except ValueError:
            return None

    # Only a line holding 「。第」 can hold a run-in label: those lines (found at C speed) are
    # read first, and the labels every line starts with only when one of them has a label
    # that continues its own line's number (a pass folding and matching every line with 第
    # was 13 ms a side of the test compilation of issue 14, which has 19 such lines and no
    # run-in label).
    holding = list(compress(range(len(lines)), map(operator.contains, lines, repeat("。第"))))
    cuts: dict[int, tuple[int, int]] = {}  # line -> (where its run-in label starts, its number)
    for index in holding:
        folded = P.fold(lines[index])
        own = _LINE_ARTICLE.match(folded)
        run_in = _RUN_IN.search(folded) if own else None
        own_number = number(own["n"]) if own else None
        if run_in and own_number is not None and number(run_in["n"]) == own_number + 1:
            cuts[index] = (run_in.start("label"), own_number + 1)
    if not cuts:
        return lines
    # each line read once (fold and match); a line without 第 cannot start with an article
    # label: passed without fold and match
    owns = [_LINE_ARTICLE.match(P.fold(line)) if "第" in line else None for line in lines]
    starts = {number(own["n"]) for own in owns if own}
    out: list[str] = []
    for index, line in enumerate(lines):
        cut = cuts.get(index)
        if cut is not None and cut[1] not in starts:
            out.extend([line[:cut[0]], line[cut[0]:]])
            continue
        out.append(line)
    return out
