"""PDF with a text layer -> plain text: one line per paragraph, in reading order.

Functional core: takes the file's bytes (pdfium reads them from memory), no file I/O.

Library: pypdfium2 (PDFium, Chrome's PDF engine; Apache-2.0/BSD). Chosen over pdfplumber
(pdfminer.six, pure Python) for speed - a 20-page text PDF is read in a few tens of
milliseconds instead of seconds, well inside the 1 s import target - and for PDFium's
robustness on the damaged and oddly encoded files government sites publish. PyMuPDF was
rejected for its AGPL licence; poppler's pdftotext is not a Python library.

What PDFium gives is text lines as drawn, with each character's box. Chinese has no
spaces between words, so a line break inside a sentence cannot be told from the text;
the geometry tells it. The steps:

1. Lines: PDFium's line segments, the characters' boxes; segments on one baseline (that
   vertically overlap) are one visual line, ordered left to right; visual lines are
   ordered top to bottom (reading order of a one-column page, whatever order the content
   stream drew them in). Spaces that PDFium generated from glyph gaps are dropped unless
   they stand between two Latin letters or digits (Word's gap between 「第」 and 「11」 is
   spacing, not a character).
2. Running headers and footers: among the first and last lines of each page, page
   numbers (「－ 5 －」, 「— 11 —」, 「- 2 -」, 「第 3 页 共 9 页」, 「3/9」, a bare number) and
   lines that recur (digits aside) at the same edge and height on at least half of the pages
   (at least 2) are dropped. A line repeated at the top of the next page (a web page
   printed with overlap) is read once.
3. Paragraphs: a line continues the paragraph of the line before it when the line before
   reaches the right margin (it was broken by the layout, not by the author) and the
   line does not start indented or centred, is not a numbered item after a finished
   sentence, and is not set off by a wider gap. A full line cut inside a sentence (no
   。！？；： at its end) goes on whatever the next line's indent (hanging indents), unless
   a numbered item, a 文号 line or a gap follows. Page breaks are line breaks like any other. In a
   document whose paragraphs are not indented, a full line that ends a sentence ends its
   paragraph too.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass

from policydiff.errors import BadInputError
from policydiff.ingest import patterns as P

# --------------------------------------------------------------------------- tunables

# A line "reaches the right margin" when it ends within this many character widths of
# it. Unit: character widths (the line's median character height); range 0.5..3.
# Justified Chinese text ends within a fraction of a character; ragged-right text (not
# justified) ends up to two characters short when the next word may not start a line
# (an opening bracket moves down with the character after it), hence 2.5.
FULL_LINE_SLACK = 2.5
# ... and starts at most this far right of the left margin: a right-aligned signature or
# a centred heading that happens to end at the margin is no full line. Unit: character
# widths; range 2..8 (a first-line indent is 2; the indented 抄送 block 3-4).
FULL_LINE_START_MAX = 4.5
# A line starts indented (a new paragraph) when its first character is at least this far
# right of the page's left margin. Unit: character widths; range 0.5..2. The usual
# first-line indent is 2 characters.
INDENT_MIN = 0.8
# A line indented by the document's usual first-line indent, within this many characters,
# starts a paragraph even after a full line without a sentence end (a header line
# 「…第一次修订」 that fills the line). Unit: characters; range 0.25..1.
INDENT_MATCH = 0.6
# A numbered line (第一章, 一、) this short, not full and without a sentence end, is a
# heading on its own line. Unit: characters; range 10..40.
HEADING_MAX = 30
# Vertical gap between two lines, relative to the page's usual line pitch, above which
# they are separate paragraphs. Unit: ratio; range 1.3..3.
PARAGRAPH_GAP = 1.7
# Lines at each edge of a page examined as possible running headers/footers. Unit:
# lines; range 1..5.
EDGE_LINES = 3
# A line that recurs (digits aside) on at least this share of pages, and on at least
# RUNNING_MIN_PAGES pages, at a page edge, is a running header or footer. Unit: share of
# pages; range 0.3..1.
RUNNING_SHARE = 0.5
RUNNING_MIN_PAGES = 2
# A space PDFium generated from a gap between glyphs is kept when the gap is at least this
# wide. Unit: character widths; range 0.3..1. Word's automatic spacing between Chinese
# and digits (「第 11 号」) measures 0.15-0.25; a typed space (「第一条 根据」 in a web page
# printed to PDF) and letter-spaced headings (「东 莞 市」) measure 0.5 or more.
WIDE_GAP = 0.45
# A page with fewer printable characters than this on average is taken for a scan.
# Unit: characters per page; range 1..50.
SCAN_CHARS_PER_PAGE = 5
# Share of unreadable characters (see _unreadable) above which a text layer is refused.
# Unit: fraction of printable characters; range 0.05..0.5.
UNREADABLE_SHARE = 0.2
# At most this many lines at a page top are checked against the previous page's bottom
# for a repeat. Unit: lines; range 1..5.
OVERLAP_LINES_MAX = 3

# --------------------------------------------------------------------------- patterns

_DASHES = r"\-－—–‒―~～_·•"
PAGE_NUMBER = re.compile(
    rf"^\s*(?:[{_DASHES}]\s*\d{{1,4}}\s*[{_DASHES}]"  # — 11 —, - 2 -, －5－
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"  # 第 3 页 共 9 页
    r"|共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页"
    r"|(?:page\s*)?\d{1,4}\s*(?:/|of)\s*\d{1,4}"  # 3/9, Page 3 of 9
    r"|\d{1,4})\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = tuple("。！？；：!?;:")
# Punctuation that a heading (第一章　总则) does not hold.
_SENTENCE_MARK = re.compile(r"[，。！？；：,!?;]")
# A numbered item starting a line: 第X条/章/节, 一、, （一）, (1), 1., 1、, ①.
_ITEM_START = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百千零〇○\d]+[条章节编款]|[一二三四五六七八九十]+、"
    r"|[（(][一二三四五六七八九十\d]+[)）]|\d+[.、．]|[①-⑳])"
)


# Radicals that some PDF producers' fonts map glyphs to instead of the ideograph that is
# printed (「⽂件」 for 文件, 「⼈⺠」 for 人民): the Kangxi Radicals block (U+2F00-U+2FD5,
# which NFKC maps to the ideographs) and the printable members of the CJK Radicals
# Supplement (U+2E80-U+2EF3, which NFKC leaves alone; the ideograph of each is the one its
# Unicode name describes - CIVILIAN 民, C-SIMPLIFIED LONG 长 ...). Component-only radicals
# (⻌ walk, ⺮ bamboo ...) are not here: they never stand for a whole character.
_RADICAL_SUPPLEMENT = dict(zip(
    "⺠⻓⻛⻜⻢⻋⻅⻉⻔⻘⻝⻥⻩⻬⻮⻳⺟⻆⻄⻚⻣⻤⻦⻧⻨⻰⺩",
    "民长风飞马车见贝门青食鱼黄齐齿龟母角西页骨鬼鸟卤麦龙王",
))


_RADICAL = re.compile("[\u2f00-\u2fd5" + "".join(_RADICAL_SUPPLEMENT) + "]")


def _printed_ideographs(text: str) -> tuple[str, int]:
    """(text with radical code points read as the ideographs they print, how many)."""
    def ideograph(match: re.Match) -> str:
        ch = match.group()
        return _RADICAL_SUPPLEMENT.get(ch) or unicodedata.normalize("NFKC", ch)

    return _RADICAL.subn(ideograph, text)


def _is_cjk(ch: str) -> bool:
    return ch >= "\u2e80"


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


# --------------------------------------------------------------------------- lines


@dataclass
class _Line:
    text: str
    x0: float
    x1: float
    bottom: float
    top: float
    size: float  # median character height: the unit of the tunables above

    @property
    def middle(self) -> float:
        return (self.top + self.bottom) / 2


def _segment(chars: list[tuple[str, tuple[float, float, float, float], bool]]) -> _Line | None:
    """One line segment from (char, loose box, generated) triples; None if blank."""
    kept: list[tuple[str, tuple[float, float, float, float]]] = []
    for index, (ch, box, generated) in enumerate(chars):
        if generated and ch == " ":
            before = chars[index - 1] if index else None
            after = chars[index + 1] if index + 1 < len(chars) else None
            if before is None or after is None:
                continue
            if not (_is_latin(before[0]) and _is_latin(after[0])):
                size = max(before[1][3] - before[1][1], 1.0)
                if after[1][0] - before[1][2] < WIDE_GAP * size:
                    continue
        kept.append((ch, box))
    text = "".join(ch for ch, _ in kept).strip()
    if not text:
        return None
    boxes = [box for ch, box in kept if not ch.isspace()]
    heights = sorted(box[3] - box[1] for ch, box in kept if not ch.isspace() and box[3] > box[1])
    return _Line(
        text=text, x0=min(b[0] for b in boxes), x1=max(b[2] for b in boxes),
        bottom=min(b[1] for b in boxes), top=max(b[3] for b in boxes),
        size=heights[len(heights) // 2] if heights else 10.0,
    )


def _visual_lines(segments: list[_Line]) -> list[_Line]:
    """Segments on one baseline merged left to right; lines top to bottom."""
    ordered = sorted(segments, key=lambda s: (-s.middle, s.x0))
    lines: list[list[_Line]] = []
    for seg in ordered:
        if lines:
            last = lines[-1]
            ref = last[0]
            overlap = min(ref.top, seg.top) - max(ref.bottom, seg.bottom)
            if overlap > 0.5 * min(ref.top - ref.bottom, seg.top - seg.bottom):
                last.append(seg)
                continue
        lines.append([seg])
    merged: list[_Line] = []
    for group in lines:
        group.sort(key=lambda s: s.x0)
        text = group[0].text
        for left, right in zip(group, group[1:]):
            if right.text == left.text and abs(right.x0 - left.x0) < left.size:
                continue  # the same text drawn twice (a fake-bold overprint)
            gap = right.x0 - left.x1
            text += (" " if gap > left.size * 0.9 or (_is_latin(text[-1:]) and _is_latin(right.text[:1]))
                     else "") + right.text
        merged.append(_Line(
            text=text, x0=min(s.x0 for s in group), x1=max(s.x1 for s in group),
            bottom=min(s.bottom for s in group), top=max(s.top for s in group),
            size=statistics.median(s.size for s in group),
        ))
    return merged


# Characters of a line segment whose boxes give its height (the median of them): the
# first, the last and evenly spaced ones between. Unit: characters; range 3..50. Reading
# every box cost two thirds of a 20-page PDF's time; a sample gives the same median.
HEIGHT_SAMPLE = 7
# A segment without spaces, NULs or lone surrogates: every character is kept as it is.
_PLAIN_SEGMENT = re.compile(r"[^\s\0\ud800-\udfff]+")


def _page_lines(pdfium, raw, page) -> list[_Line]:
    """The page's visual lines. Boxes are read only where they matter: the first and last
    character of each segment (its extent), a sample for its height, and the neighbours
    of spaces PDFium generated (is the gap a typed space?)."""
    import ctypes

    textpage = page.get_textpage()
    rect = raw.FS_RECTF()
    handle = textpage.raw

    def box(index: int) -> tuple[float, float, float, float]:
        raw.FPDFText_GetLooseCharBox(handle, index, ctypes.byref(rect))
        return rect.left, rect.bottom, rect.right, rect.top

    try:
        count = textpage.count_chars()
        page_text = textpage.get_text_range(0, count) if count else ""
        if len(page_text) != count:  # not one UTF-16 unit per character: ask one by one
            page_text = "".join(chr(raw.FPDFText_GetUnicode(handle, index)) for index in range(count))
        codes = page_text
        segments: list[_Line] = []
        start = 0
        breaks = [m.start() for m in re.finditer(r"[\r\n]", page_text)]
        for end in breaks + [count]:
            piece = page_text[start:end]
            first_index = start
            start = end + 1
            if not piece.strip():
                continue
            if _PLAIN_SEGMENT.fullmatch(piece):  # the common case: no space, nothing to drop
                indexes = range(first_index, first_index + len(piece))
            else:
                indexes = [first_index + k for k, ch in enumerate(piece)
                           if ch not in "\0\r\n" and not "\ud800" <= ch <= "\udfff"]
            chars = []
            for position, index in enumerate(indexes):
                ch = codes[index]
                if ch == " " and raw.FPDFText_IsGenerated(handle, index) == 1:
                    before = indexes[position - 1] if position else None
                    after = indexes[position + 1] if position + 1 < len(indexes) else None
                    if before is None or after is None:
                        continue
                    if not (_is_latin(codes[before]) and _is_latin(codes[after])):
                        left, right = box(before), box(after)
                        if right[0] - left[2] < WIDE_GAP * max(left[3] - left[1], 1.0):
                            continue
                chars.append((ch, index))
            text = "".join(ch for ch, _ in chars).strip()
            if not text:
                continue
            visible = [index for ch, index in chars if not ch.isspace()]
            step = max(1, len(visible) // (HEIGHT_SAMPLE - 1))
            sample = [box(index) for index in sorted({*visible[::step], visible[-1]})]
            first, last = box(visible[0]), box(visible[-1])
            heights = sorted(b[3] - b[1] for b in sample if b[3] > b[1])
            segments.append(_Line(
                text=text, x0=min(first[0], last[0]), x1=max(first[2], last[2]),
                bottom=min(b[1] for b in sample), top=max(b[3] for b in sample),
                size=heights[len(heights) // 2] if heights else 10.0,
            ))
    finally:
        textpage.close()
    return _visual_lines(segments)


# --------------------------------------------------------------------------- headers / footers


def _edge_key(line: _Line) -> tuple[str, int]:
    """What recurs in a running header or footer: the text with its numbers blanked, at the
    same height on the page (in character heights; one template draws it at one place)."""
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line.text)), round(line.middle / max(line.size, 1.0))


def _drop_running(pages: list[list[_Line]]) -> tuple[list[list[_Line]], int]:
    """Pages without page numbers and running headers/footers; how many lines went."""
    counts: dict[tuple[str, tuple[str, int]], int] = {}
    for lines in pages:
        seen: set[tuple[str, tuple[str, int]]] = set()
        for line in lines[:EDGE_LINES]:
            seen.add(("top", _edge_key(line)))
        for line in lines[-EDGE_LINES:]:
            seen.add(("bottom", _edge_key(line)))
        for key in seen:
            counts[key] = counts.get(key, 0) + 1
    needed = max(RUNNING_MIN_PAGES, RUNNING_SHARE * len(pages))
    running = {key for key, n in counts.items() if n >= needed}
    dropped = 0
    result = []
    for lines in pages:
        keep = []
        last = len(lines) - 1
        for index, line in enumerate(lines):
            at_top, at_bottom = index < EDGE_LINES, index > last - EDGE_LINES
            if (at_top or at_bottom) and (
                    PAGE_NUMBER.match(line.text)
                    or at_top and ("top", _edge_key(line)) in running
                    or at_bottom and ("bottom", _edge_key(line)) in running):
                dropped += 1
                continue
            keep.append(line)
        result.append(keep)
    # a line drawn at the bottom of one page and again at the top of the next is one line
    for previous, current in zip(result, result[1:]):
        for k in range(min(OVERLAP_LINES_MAX, len(previous), len(current)), 0, -1):
            if [l.text for l in previous[-k:]] == [l.text for l in current[:k]]:
                del current[:k]
                dropped += k
                break
    return result, dropped


# --------------------------------------------------------------------------- paragraphs


@dataclass(frozen=True)
class _Margins:
    left: float
    right: float
    pitch: float  # usual distance between consecutive baselines


# Two line starts (ends) this close are "the same place". Unit: PDF points; range 0.5..3.
SAME_PLACE = 1.5


def _shared_extreme(values: list[float], pick) -> float | None:
    """The smallest (pick=min) or largest (max) value that at least one other value is
    within SAME_PLACE of, or None when no two values agree."""
    ordered = sorted(values, reverse=pick is max)
    for a, b in zip(ordered, ordered[1:]):
        if abs(a - b) <= SAME_PLACE:
            return a
    return None


def _margins(lines: list[_Line], fallback: _Margins | None) -> _Margins | None:
    wide = [l for l in lines if len(l.text) >= 8]
    if len(wide) < 3:
        return fallback
    # the margin is the outermost place where at least two lines start (end): one stray
    # line (a stamp, a wide table) does not move it, and a page of short indented
    # paragraphs, whose lines mostly start indented, keeps it where its few full lines start
    left = _shared_extreme([l.x0 for l in wide], min)
    right = _shared_extreme([l.x1 for l in wide], max)
    if left is None or right is None:
        if fallback is not None:
            left = fallback.left if left is None else left
            right = fallback.right if right is None else right
        else:
            lefts, rights = sorted(l.x0 for l in wide), sorted(l.x1 for l in wide)
            left = lefts[len(lefts) // 10] if left is None else left
            right = rights[len(rights) - 1 - len(rights) // 10] if right is None else right
    pitches = [a.middle - b.middle for a, b in zip(lines, lines[1:]) if a.middle > b.middle]
    pitch = statistics.median(pitches) if pitches else (fallback.pitch if fallback else 20.0)
    return _Margins(left, right, pitch)


_LATIN_UNIT = re.compile(r"^[A-Za-z0-9%.,:/\-+_@#&·０-９％．]+")
_NO_LINE_START = "，。、；：！？）)》」』”’%％】〕"
_BRACKET_UNIT = re.compile(r"^[（(〔【《“‘「][^）)〕】》”’」]{0,6}[）)〕】》”’」]")


def _first_unit_width(text: str) -> float:
    """Width, in characters, of what a line breaker moves as one piece to start `text`:
    a run of Latin letters and digits (「50%」, 「2023-07-20」, about 0.65 character each), a
    short bracketed group (「（三）」), else one character; closing punctuation marks that
    follow come along (they may not start a line: 「付。”」 is three characters). Ragged-right text breaks a line short
    by that much when the piece does not fit."""
    latin = _LATIN_UNIT.match(text)
    if latin:
        width = sum(0.65 if ch.isascii() else 1.0 for ch in latin.group())
        rest = text[latin.end():]
    else:
        bracket = _BRACKET_UNIT.match(text)
        width, rest = (len(bracket.group()), text[bracket.end():]) if bracket else (1.0, text[1:])
    for ch in rest[:3]:  # closing marks may not start a line: they come along
        if ch not in _NO_LINE_START:
            break
        width += 1.0
    return width


def _paragraphs(pages: list[list[_Line]]) -> list[str]:
    per_page: list[_Margins | None] = []
    document = _margins([l for lines in pages for l in lines], None)
    for lines in pages:
        per_page.append(_margins(lines, document))
    flat: list[tuple[_Line, _Margins]] = [(line, m) for lines, m in zip(pages, per_page) if m
                                          for line in lines]
    if not flat:
        return [line.text for lines in pages for line in lines]
    indents = [(line.x0 - m.left) / line.size for line, m in flat if line.x0 - m.left >= INDENT_MIN * line.size]
    indent_style = len(indents) >= max(2, 0.05 * len(flat))
    # the usual first-line indent, in characters (most indented lines start paragraphs)
    first_indent = statistics.median(indents) if indent_style else None
    paragraphs: list[str] = []
    previous: tuple[_Line, _Margins] | None = None
    prev_opened = True  # the previous line started its paragraph
    page_of = {id(line): number for number, lines in enumerate(pages) for line in lines}
    for line, margins in flat:
        starts = True
        if previous is not None:
            prev, prev_m = previous
            slack = max(FULL_LINE_SLACK, _first_unit_width(line.text) + 1.0)
            full = (prev_m.right - prev.x1 <= slack * prev.size
                    and prev.x0 - prev_m.left <= FULL_LINE_START_MAX * prev.size)
            indent = line.x0 - margins.left >= INDENT_MIN * line.size
            same_page = page_of[id(prev)] == page_of[id(line)]
            gap = same_page and prev.middle - line.middle > PARAGRAPH_GAP * margins.pitch
            ends_sentence = prev.text.rstrip("”’」』）)").endswith(_SENTENCE_END)
            item = _ITEM_START.match(line.text)
            line_full = margins.right - line.x1 <= FULL_LINE_SLACK * line.size
            if P.DOC_NO_LINE.match(P.fold(line.text)):
                starts = True  # a 文号 or 令 number alone on its line is never the rest of a sentence
            elif item and not line_full and not _SENTENCE_MARK.search(line.text) \
                    and len(line.text) <= HEADING_MAX:
                starts = True  # a numbered heading (第一章　总则) on a line of its own
            elif full and not ends_sentence and not item and not gap:
                # a full line cut inside a sentence goes on, unless the next line is
                # indented as paragraphs start here (a header line 「…第一次修订」 that
                # fills the line); a paragraph that began at the margin in an indented
                # document sets its later lines in (a hanging indent: 「（一）…」)
                usual_start = indent and first_indent is not None and \
                    abs((line.x0 - margins.left) / line.size - first_indent) <= INDENT_MATCH
                hanging = prev_opened and prev.x0 - prev_m.left < INDENT_MIN * prev.size
                starts = usual_start and not hanging
            else:
                starts = (not full or indent or gap or (ends_sentence and item)
                          or (not indent_style and ends_sentence))
        prev_opened = starts or not paragraphs
        if starts or not paragraphs:
            paragraphs.append(line.text)
        else:
            joint = " " if _is_latin(paragraphs[-1][-1:]) and _is_latin(line.text[:1]) else ""
            paragraphs[-1] += joint + line.text
        previous = (line, margins)
    return paragraphs


# --------------------------------------------------------------------------- entry point


# What a text layer without a usable Unicode map yields: the replacement character,
# private use, or Latin-1/Latin Extended letters (CJK glyph codes read as single bytes look
# like 「¸ÃÉóºË」; × and ÷ are not letters); real Chinese policy text has almost none.
_UNREADABLE = re.compile("[\ufffd\ue000-\uf8ff\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")


def text_layer_problem(pages: list[list[_Line]]) -> str | None:
    """Why the text layer (running headers and page numbers already removed) cannot be
    read, after "<file> ", or None."""
    count = max(len(pages), 1)
    printable = sum(len(re.sub(r"\s", "", line.text)) for lines in pages for line in lines)
    if printable < SCAN_CHARS_PER_PAGE * count:
        return ("has no text layer (a scanned image): policydiff reads text, not pictures; get the "
                "text as .docx, .txt or a text PDF, or run OCR on it first (e.g. `ocrmypdf -l chi_sim "
                "in.pdf out.pdf`)")
    garbled = sum(len(_UNREADABLE.findall(line.text)) for lines in pages for line in lines)
    if garbled > UNREADABLE_SHARE * printable:
        return (f"has a text layer without usable character codes ({garbled} of {printable} characters "
                "unreadable: fonts without a Unicode map); get the text as .docx or .txt, or run OCR on it")
    return None


def pdf_to_text(data: bytes, subject: str = "the PDF") -> tuple[str, tuple[str, ...]]:
    """(text, notes) of a PDF's text layer; BadInputError for a scan, an encrypted or a
    damaged file, each with what to do."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        message = str(error)
        if "password" in message.lower():
            raise BadInputError(f"{subject} is password-protected: open it, save an unprotected copy, "
                                "and add that") from None
        raise BadInputError(f"{subject} is not a readable PDF ({message}): download it again or save it "
                            "again from the viewer") from None
    try:
        page_count = len(document)
        pages: list[list[_Line]] = []
        for index in range(page_count):
            page = document[index]
            try:
                pages.append(_page_lines(pdfium, raw, page))
            finally:
                page.close()
    finally:
        document.close()
    if page_count == 0:
        raise BadInputError(f"{subject} has no pages: download it again")
    pages, dropped = _drop_running(pages)
    problem = text_layer_problem(pages)
    if problem:
        raise BadInputError(f"{subject} {problem}")
    notes = [f"PDF: {page_count} page(s); lines rejoined into paragraphs by layout"]
    if dropped:
        notes.append(f"PDF: {dropped} page number / running header or footer line(s) removed")
    text, radicals = _printed_ideographs("\n".join(_paragraphs(pages)))
    if radicals:
        notes.append(f"PDF: {radicals} radical code point(s) (⽂, ⺠ ...) read as the ideographs they print "
                     "(the font's Unicode map gives radicals)")
    return text, tuple(notes)
