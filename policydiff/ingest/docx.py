"""DOCX (Office Open XML) -> plain text, read from the package XML with lxml.

Functional core: takes the file's bytes, no file I/O. Why not python-docx: it drops the
labels that Word's automatic numbering prints (「第一条」, 「一、」, 「（一）」 live in
numbering.xml, not in the paragraph text) and the text inside tracked insertions, which
are exactly what a policy text is made of.

What comes out (the input of the ordinary text pipeline, see policydiff.ingest):
- one line per body paragraph, in document order; a soft line break (w:br, w:cr) inside a
  paragraph is a line break too;
- a numbered paragraph starts with its label as Word prints it: the level's lvlText
  (「第%1条」, 「%1、」, 「（%2）」) filled with the counters of the list, each in its level's
  numFmt (decimal, chineseCounting, ideographTraditional ...), then the level's suffix
  (a tab unless w:suff says space or nothing);
- tracked changes accepted: insertions (w:ins, w:moveTo) are text, deletions (w:del,
  w:moveFrom, w:delText) are not; a note says how many of each there were;
- a table is one line per row, its cells' text in order separated by a tab (the
  paragraphs of one cell joined by a space); a one-column table only frames text (a
  notice set in a box), so its paragraphs stay paragraphs;
- footnotes, endnotes, comments, headers and footers are not body text (they live in
  other parts, which are not read; a note counts the footnotes and endnotes left out);
- hidden text (w:vanish) and field instructions are not printed, so they are not text;
  a field's result is;
- an embedded HTML page, web archive or text (w:altChunk, how web systems export "Word")
  is read in place; an embedded chunk of another format is refused, never left out.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from policydiff.errors import BadInputError

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
# Word's "Strict Open XML" saves the same vocabulary under another namespace: its parts are
# read with the namespace renamed to the transitional one (the element names are the same).
W_STRICT = b"http://purl.oclc.org/ooxml/wordprocessingml/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_OFFICE_DOCUMENT = "/officeDocument"  # suffix of the main part's relationship type


def _w(name: str) -> str:
    return f"{{{W}}}{name}"


# A part larger than this is refused instead of parsed (a zip bomb would otherwise fill
# memory). Unit: bytes, uncompressed; range 10 MB .. 1 GB. The longest laws are < 5 MB.
PART_MAX_BYTES = 200_000_000

# Elements whose text is never printed in the body.
_SKIP = frozenset(_w(n) for n in (
    "del", "moveFrom", "delText", "instrText", "delInstrText", "footnoteReference",
    "endnoteReference", "commentReference", "annotationRef", "rPr", "pPr", "tblPr",
    "tcPr", "trPr", "sectPr", "fldData", "commentRangeStart", "commentRangeEnd",
))
_FALLBACK = f"{{{MC}}}Fallback"  # the same content again for older readers: read once

# --------------------------------------------------------------------------- numbering

_CN_DIGITS = "〇一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"  # 大写
_TIANGAN = "甲乙丙丁戊己庚辛壬癸"
_DIZHI = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _cn_counting(n: int, digits: str = _CN_DIGITS, units: str = "十百千") -> str:
    """Chinese counting numerals as printed in legal texts: 十, 十一, 二十, 一百零五, 一千.
    Word's chineseCounting and chineseCountingThousand print the same for the numbers
    lists reach (both were checked against Word's output for 1..120)."""
    if n <= 0:
        return str(n)
    if n >= 10000:
        return str(n)
    parts: list[str] = []
    zero = False
    for power in (3, 2, 1, 0):
        digit = n // 10 ** power % 10
        if digit == 0:
            if parts:
                zero = True
            continue
        if zero:
            parts.append("零")  # 一百零五 (〇 is the digit-by-digit zero: 二〇二四)
            zero = False
        unit = units[power - 1] if power else ""
        if power == 1 and digit == 1 and not parts:
            parts.append(unit)  # 十一, not 一十一
        else:
            parts.append(digits[digit] + unit)
    return "".join(parts)


def _letters(n: int, alphabet: str) -> str:
    # Word: a, b, ... z, aa, bb, ... (the letter repeated), not spreadsheet columns
    if n <= 0:
        return str(n)
    return alphabet[(n - 1) % 26] * ((n - 1) // 26 + 1)


def _roman(n: int) -> str:
    if n <= 0 or n >= 4000:
        return str(n)
    out = []
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(letters)
            n -= value
    return "".join(out)


def format_number(n: int, fmt: str) -> str:
    """One counter value in one of Word's number formats (ST_NumberFormat).

    >>> [format_number(n, "chineseCounting") for n in (1, 10, 11, 20, 105)]
    ['一', '十', '十一', '二十', '一百零五']
    >>> format_number(3, "ideographTraditional"), format_number(12, "decimalEnclosedCircle")
    ('丙', '⑫')
    """
    if fmt in ("decimal", "", "ordinal", "cardinalText", "ordinalText", "numberInDash"):
        return f"- {n} -" if fmt == "numberInDash" else str(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting",
               "taiwaneseCounting", "taiwaneseCountingThousand", "koreanCounting"):
        return _cn_counting(n)
    if fmt == "chineseLegalSimplified":
        return _cn_counting(n, _CN_LEGAL, "拾佰仟")
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    if fmt == "ideographTraditional":
        return _TIANGAN[(n - 1) % 10] if n > 0 else str(n)
    if fmt == "ideographZodiac":
        return _DIZHI[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _CIRCLED[n - 1] if 1 <= n <= len(_CIRCLED) else str(n)
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "decimalEnclosedFullstop":
        return f"{n}."
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"})
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n, "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
    if fmt == "lowerLetter":
        return _letters(n, "abcdefghijklmnopqrstuvwxyz")
    if fmt == "none":
        return ""
    return str(n)  # an exotic format: the number is still the number


@dataclass(frozen=True)
class Level:
    start: int = 1
    fmt: str = "decimal"
    text: str | None = None  # lvlText; None: "%<level+1>."
    restart: int | None = None  # lvlRestart (1-based level; 0 = never); None: the default
    legal: bool = False  # isLgl: every counter in the label as a decimal
    suffix: str = "\t"  # w:suff: tab (default), space, nothing
    style: str | None = None  # w:pStyle: paragraphs of that style take this level


@dataclass
class _Numbering:
    abstract: dict[str, dict[int, Level]] = field(default_factory=dict)
    num_abstract: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    overrides: dict[str, dict[int, Level]] = field(default_factory=dict)  # numId -> ilvl -> level
    start_overrides: dict[str, dict[int, int]] = field(default_factory=dict)

    def level(self, num_id: str, ilvl: int) -> Level | None:
        override = self.overrides.get(num_id, {}).get(ilvl)
        if override is not None:
            return override
        abstract = self.num_abstract.get(num_id)
        if abstract is None:
            return None
        return self.abstract.get(abstract, {}).get(ilvl)


def _val(element, name: str) -> str | None:
    child = element.find(_w(name)) if element is not None else None
    return child.get(_w("val")) if child is not None else None


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _read_level(lvl) -> Level:
    suffix = {"space": " ", "nothing": ""}.get(_val(lvl, "suff") or "tab", "\t")
    text_el = lvl.find(_w("lvlText"))
    legal = lvl.find(_w("isLgl"))
    return Level(
        start=_int(_val(lvl, "start"), 1) or 0,
        fmt=_val(lvl, "numFmt") or "decimal",
        text=text_el.get(_w("val")) if text_el is not None else None,
        restart=_int(_val(lvl, "lvlRestart")),
        legal=legal is not None and legal.get(_w("val"), "true") not in ("0", "false", "off"),
        suffix=suffix,
        style=_val(lvl, "pStyle"),
    )


def _read_numbering(root) -> _Numbering:
    numbering = _Numbering()
    if root is None:
        return numbering
    for abstract in root.iter(_w("abstractNum")):
        levels = {}
        for lvl in abstract.findall(_w("lvl")):
            levels[_int(lvl.get(_w("ilvl")), 0) or 0] = _read_level(lvl)
        numbering.abstract[abstract.get(_w("abstractNumId"))] = levels
    for num in root.iter(_w("num")):
        num_id = num.get(_w("numId"))
        abstract_id = _val(num, "abstractNumId")
        if num_id is None or abstract_id is None:
            continue
        numbering.num_abstract[num_id] = abstract_id
        for override in num.findall(_w("lvlOverride")):
            ilvl = _int(override.get(_w("ilvl")), 0) or 0
            start = _int(_val(override, "startOverride"))
            if start is not None:
                numbering.start_overrides.setdefault(num_id, {})[ilvl] = start
            lvl = override.find(_w("lvl"))
            if lvl is not None:
                numbering.overrides.setdefault(num_id, {})[ilvl] = _read_level(lvl)
    return numbering


class _Counters:
    """Word's list counters. Paragraphs of several w:num that share one abstractNum
    continue one list (as Word numbers them), except that a w:num with a startOverride
    restarts that level where its first paragraph appears."""

    def __init__(self, numbering: _Numbering):
        self.numbering = numbering
        self.values: dict[str, dict[int, int]] = {}  # list key -> ilvl -> current value
        self.started_overrides: set[str] = set()

    def label(self, num_id: str, ilvl: int) -> str:
        numbering = self.numbering
        level = numbering.level(num_id, ilvl)
        if level is None:
            return ""
        key = numbering.num_abstract.get(num_id, num_id)
        values = self.values.setdefault(key, {})
        if num_id not in self.started_overrides and num_id in numbering.start_overrides:
            self.started_overrides.add(num_id)
            for over_ilvl, start in numbering.start_overrides[num_id].items():
                values[over_ilvl] = start - 1
        values[ilvl] = values[ilvl] + 1 if ilvl in values else level.start
        # deeper levels restart after this one, unless their lvlRestart says otherwise
        for deeper in [k for k in values if k > ilvl]:
            deeper_level = numbering.level(num_id, deeper)
            restart = deeper_level.restart if deeper_level and deeper_level.restart is not None else deeper
            if restart != 0 and ilvl + 1 <= restart:
                del values[deeper]
        if level.fmt == "bullet":
            return ""  # a bullet is decoration, not a label
        text = level.text if level.text is not None else f"%{ilvl + 1}."

        def fill(match: re.Match) -> str:
            index = int(match.group(1)) - 1
            other = numbering.level(num_id, index)
            value = values.get(index, other.start if other else 1)
            fmt = "decimal" if level.legal and index != ilvl else (other.fmt if other else "decimal")
            return format_number(value, fmt)

        printed = re.sub(r"%([1-9])", fill, text)
        return printed + level.suffix if printed else ""


# --------------------------------------------------------------------------- styles


@dataclass(frozen=True)
class _Style:
    based_on: str | None
    num_id: str | None
    ilvl: int | None


def _read_styles(root) -> dict[str, _Style]:
    styles: dict[str, _Style] = {}
    if root is None:
        return styles
    for style in root.iter(_w("style")):
        style_id = style.get(_w("styleId"))
        if style_id is None:
            continue
        ppr = style.find(_w("pPr"))
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        styles[style_id] = _Style(
            based_on=_val(style, "basedOn"),
            num_id=_val(num_pr, "numId") if num_pr is not None else None,
            ilvl=_int(_val(num_pr, "ilvl")) if num_pr is not None else None,
        )
    return styles


def _style_numbering(styles: dict[str, _Style], style_id: str | None) -> tuple[str | None, int | None]:
    seen: set[str] = set()
    while style_id and style_id in styles and style_id not in seen:
        seen.add(style_id)
        style = styles[style_id]
        if style.num_id is not None:
            return style.num_id, style.ilvl
        style_id = style.based_on
    return None, None


# --------------------------------------------------------------------------- package


def _parse_xml(package: zipfile.ZipFile, name: str):
    try:
        info = package.getinfo(name)
    except KeyError:
        return None
    if info.file_size > PART_MAX_BYTES:
        raise BadInputError(f"the Word part {name} unpacks to {info.file_size} bytes "
                            f"(over {PART_MAX_BYTES}): not a document policydiff reads")
    try:
        data = package.read(name)
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as error:
        raise BadInputError(f"the Word file is damaged ({name}: {error}): save it again from Word") from None
    data = data.replace(W_STRICT, W.encode())
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        return etree.fromstring(data, parser=parser)
    except etree.XMLSyntaxError as error:
        raise BadInputError(f"the Word file is damaged ({name}: {error}): save it again from Word") from None


def _part_names(package: zipfile.ZipFile) -> tuple[str, dict[str, str], dict[str, str]]:
    """(main document part, its related parts by relationship type suffix, and by id)."""
    main = "word/document.xml"
    rels = _parse_xml(package, "_rels/.rels")
    if rels is not None:
        for rel in rels.iter(f"{{{_REL}}}Relationship"):
            if (rel.get("Type") or "").endswith(_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
                main = rel.get("Target", main).lstrip("/")
                break
    base = posixpath.dirname(main)
    related: dict[str, str] = {}
    by_id: dict[str, str] = {}
    main_rels = _parse_xml(package, posixpath.join(base, "_rels", posixpath.basename(main) + ".rels"))
    if main_rels is not None:
        for rel in main_rels.iter(f"{{{_REL}}}Relationship"):
            kind = (rel.get("Type") or "").rsplit("/", 1)[-1]
            target = rel.get("Target") or ""
            if rel.get("TargetMode") == "External" or not target:
                continue
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
            related.setdefault(kind, path)
            by_id[rel.get("Id") or ""] = path
    return main, related, by_id


# --------------------------------------------------------------------------- body


@dataclass
class _Reader:
    numbering: _Numbering
    styles: dict[str, _Style]
    counters: _Counters
    insertions: int = 0
    deletions: int = 0
    hidden: int = 0
    lines: list[str] = field(default_factory=list)
    pending: str = ""  # text of paragraphs whose mark was deleted, joined to the next
    chunks: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # altChunk r:id -> (part, bytes)
    chunks_read: int = 0

    def chunk_lines(self, element) -> list[str]:
        """The lines of an embedded chunk (w:altChunk: web systems put a whole HTML page
        into a .docx this way; Word merges it when the file is saved again). HTML, a web
        archive or plain text is read; anything else is refused rather than left out."""
        from policydiff.ingest.decoding import decode
        from policydiff.ingest.formats import detect_format, mhtml_html
        from policydiff.ingest.markup import html_to_text

        name, data = self.chunks.get(element.get(f"{{{R}}}id") or "", ("", b""))
        if not data:
            return []
        kind = detect_format(data)
        if kind == "mhtml":
            part = mhtml_html(data)
            data = part[0] if part else b""
            kind = "text"
        if kind != "text":
            raise BadInputError(f"the Word file embeds a part in another format ({name}, {kind}) that "
                                "policydiff cannot read in place: open it in Word and save it again as .docx")
        text, _ = decode(data)
        self.chunks_read += 1
        looks_html = name.lower().endswith((".htm", ".html", ".xhtml", ".mht", ".mhtml")) or \
            re.match(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype\s+html|<html)", text, re.IGNORECASE)
        return (html_to_text(text) if looks_html else text).split("\n")

    def paragraph_label(self, p) -> str:
        ppr = p.find(_w("pPr"))
        num_pr = ppr.find(_w("numPr")) if ppr is not None else None
        style_id = _val(ppr, "pStyle") if ppr is not None else None
        num_id = _val(num_pr, "numId") if num_pr is not None else None
        ilvl = _int(_val(num_pr, "ilvl")) if num_pr is not None else None
        if num_id is None:
            num_id, style_ilvl = _style_numbering(self.styles, style_id)
            if ilvl is None:
                ilvl = style_ilvl
        if num_id is None or num_id == "0":
            return ""
        if ilvl is None:
            # a level bound to the paragraph's style, else the first level
            abstract = self.numbering.abstract.get(self.numbering.num_abstract.get(num_id, ""), {})
            ilvl = next((k for k, lvl in sorted(abstract.items()) if style_id and lvl.style == style_id), 0)
        return self.counters.label(num_id, ilvl)

    def runs_text(self, element, out: list[str]) -> None:
        """The printed text under element, in order (tracked changes accepted)."""
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag in _SKIP or tag == _FALLBACK:
                if tag in (_w("del"), _w("moveFrom")):
                    self.deletions += 1
                continue
            if tag == _w("t"):
                out.append(child.text or "")
            elif tag == _w("tab") or tag == _w("ptab"):
                out.append("\t")
            elif tag in (_w("br"), _w("cr")):
                if child.get(_w("type")) not in ("page", "column"):
                    out.append("\n")
            elif tag == _w("noBreakHyphen"):
                out.append("\u2011")
            elif tag == _w("sym"):
                code = child.get(_w("char")) or ""
                if re.fullmatch(r"[0-9A-Fa-f]{4}", code) and not code.upper().startswith("F0"):
                    out.append(chr(int(code, 16)))  # F0xx: a symbol font's private glyph
            elif tag == _w("r"):
                rpr = child.find(_w("rPr"))
                vanish = rpr.find(_w("vanish")) if rpr is not None else None
                if vanish is not None and vanish.get(_w("val"), "true") not in ("0", "false", "off"):
                    self.hidden += 1
                    continue
                self.runs_text(child, out)
            elif tag == _w("p"):
                pass  # paragraphs inside a text box are read as paragraphs of their own
            elif tag in (_w("ins"), _w("moveTo")):
                self.insertions += 1
                self.runs_text(child, out)
            else:  # hyperlink, smartTag, sdt/sdtContent, fldSimple, customXml, AlternateContent ...
                self.runs_text(child, out)

    def text_boxes(self, p) -> list:
        """Paragraphs in text boxes anchored in p (read once: not the mc:Fallback copy)."""
        found = []
        for box in p.iter(_w("txbxContent")):
            if any(a.tag == _FALLBACK for a in box.iterancestors()):
                continue
            found.append(box)
        return found

    def paragraph(self, p) -> str:
        parts: list[str] = []
        self.runs_text(p, parts)
        label = self.paragraph_label(p)
        return label + "".join(parts)

    def mark_deleted(self, p) -> bool:
        ppr = p.find(_w("pPr"))
        rpr = ppr.find(_w("rPr")) if ppr is not None else None
        return rpr is not None and rpr.find(_w("del")) is not None

    def block(self, element, into: list[str]) -> None:
        """Body-level content (paragraphs and tables) of element, appended to `into`."""
        for child in element:
            tag = child.tag
            if not isinstance(tag, str):
                continue
            if tag == _w("p"):
                text = self.paragraph(child)
                if self.mark_deleted(child):
                    self.deletions += 1
                    self.pending += text
                    continue
                into.append(self.pending + text)
                self.pending = ""
                for box in self.text_boxes(child):
                    self.block(box, into)
            elif tag == _w("tbl") and _layout_table(child):
                # a one-column table frames text (a whole notice set in a box): its cells'
                # paragraphs are paragraphs of the body
                for cell in child.iter(_w("tc")):
                    if next(cell.iterancestors(_w("tbl"))) is child:
                        self.block(cell, into)
            elif tag == _w("tbl"):
                for row in child.iter(_w("tr")):
                    if next(row.iterancestors(_w("tbl"))) is not child:
                        continue  # a nested table's rows are read with their cell
                    cells = []
                    for cell in row.findall(_w("tc")) + [c for s in row.findall(_w("sdt"))
                                                         for c in s.iter(_w("tc"))]:
                        inner: list[str] = []
                        self.block(cell, inner)
                        cells.append(" ".join(" ".join(s.split("\n")) for s in inner if s.strip()))
                    into.append("\t".join(cells).strip("\t"))
            elif tag in _SKIP or tag == _FALLBACK:
                if tag in (_w("del"), _w("moveFrom")):
                    self.deletions += 1
                continue
            elif tag == _w("altChunk"):
                into.extend(self.chunk_lines(child))
            elif tag in (_w("ins"), _w("moveTo")):
                self.insertions += 1
                self.block(child, into)
            else:  # sdt, sdtContent, customXml, AlternateContent, Choice ...
                self.block(child, into)


def _layout_table(table) -> bool:
    """Every row of the table has one cell: it lays text out, it holds no data."""
    rows = [row for row in table.iter(_w("tr")) if next(row.iterancestors(_w("tbl"))) is table]
    return bool(rows) and all(len(row.findall(_w("tc"))) + len(row.findall(f"{_w('sdt')}/{_w('sdtContent')}/{_w('tc')}")) == 1
                              for row in rows)


def _count_notes(root, tag: str) -> int:
    if root is None:
        return 0
    # ids -1 and 0 are Word's separator pseudo-notes, not notes
    return sum(1 for note in root.iter(_w(tag)) if (_int(note.get(_w("id")), 1) or 0) > 0
               and note.get(_w("type")) in (None, "normal"))


def docx_to_text(data: bytes) -> tuple[str, tuple[str, ...]]:
    """(text, notes) of a DOCX file's bytes; BadInputError when it is not a readable one."""
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise BadInputError(f"the Word file is damaged ({error}): save it again from Word") from None
    with package:
        main, related, by_id = _part_names(package)
        document = _parse_xml(package, main)
        if document is None:
            raise BadInputError("the file is a ZIP package without a Word document part (word/document.xml): "
                                "save it again from Word as .docx")
        numbering = _read_numbering(_parse_xml(package, related.get("numbering", "word/numbering.xml")))
        styles = _read_styles(_parse_xml(package, related.get("styles", "word/styles.xml")))
        footnotes = _count_notes(_parse_xml(package, related["footnotes"]), "footnote") \
            if "footnotes" in related else 0
        endnotes = _count_notes(_parse_xml(package, related["endnotes"]), "endnote") \
            if "endnotes" in related else 0
        chunks: dict[str, tuple[str, bytes]] = {}
        for chunk in document.iter(_w("altChunk")):
            ident = chunk.get(f"{{{R}}}id") or ""
            name = by_id.get(ident)
            if name is None:
                continue
            try:
                chunks[ident] = (name, package.read(name))
            except (KeyError, zipfile.BadZipFile, OSError, EOFError, RuntimeError):
                raise BadInputError(f"the Word file is damaged (its embedded part {name} cannot be read): "
                                    "save it again from Word") from None
    body = document.find(_w("body"))
    reader = _Reader(numbering, styles, _Counters(numbering), chunks=chunks)
    lines: list[str] = []
    if body is not None:
        reader.block(body, lines)
    if reader.pending:
        lines.append(reader.pending)
    notes: list[str] = []
    if reader.insertions or reader.deletions:
        notes.append(f"Word tracked changes accepted: {reader.insertions} insertion(s) kept, "
                     f"{reader.deletions} deletion(s) dropped")
    if footnotes or endnotes:
        notes.append(f"Word footnotes/endnotes are not body text: {footnotes} footnote(s), "
                     f"{endnotes} endnote(s) left out")
    if reader.chunks_read:
        notes.append(f"Word embedded HTML (altChunk): {reader.chunks_read} part(s) read in place")
    if reader.hidden:
        notes.append(f"Word hidden text is not printed: {reader.hidden} hidden run(s) left out")
    return "\n".join(lines), tuple(notes)
