"""WordprocessingML written with lxml, and deterministic ZIP packages (DOCX and XLSX).

A small writer, not a library: the parts policydiff's Word files need (document, styles,
settings, comments, core properties) and helpers for paragraphs, runs and tracked
revisions. Rejected: python-docx (it has no API for w:ins/w:del, so the revisions would be
raw XML anyway, and it stamps the clock into docProps/core.xml).

Deterministic: every ZIP member has the same timestamp (1980-01-01, the ZIP epoch), the
same permissions and a fixed order; XML is serialised by lxml without pretty-printing;
revision and comment ids are counters in document order; no clock is read (a date appears
only when the caller passes one, from SOURCE_DATE_EPOCH).

Functional core: returns bytes, writes no file.
"""

from __future__ import annotations

import io
import re
import zipfile

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
CP_NS = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
DC_NS = "http://purl.org/dc/elements/1.1/"
DCTERMS_NS = "http://purl.org/dc/terms/"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
XML_NS = "http://www.w3.org/XML/1998/namespace"
NSMAP = {"w": W_NS, "r": R_NS}

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest time a ZIP entry can hold
AUTHOR = "policydiff"  # w:author of every revision and comment

# Characters XML 1.0 cannot hold (C0 controls other than tab, LF, CR). Policy text with one
# is shown with a visible U+FFFD in the Word file only; the lossless check of the caller
# compares texts with the same substitution.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    return _XML_INVALID.sub("\ufffd", text)


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


def el(parent, tag: str, attrs: dict[str, str] | None = None, text: str | None = None):
    """A w: child element (tag without prefix), attributes in w: too unless qualified."""
    node = etree.SubElement(parent, w(tag)) if parent is not None else etree.Element(w(tag), nsmap=NSMAP)
    for key, value in (attrs or {}).items():
        node.set(key if key.startswith("{") else w(key), value)
    if text is not None:
        node.text = xml_safe(text)
    return node


def xml_bytes(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def deterministic_zip(members: list[tuple[str, bytes]]) -> bytes:
    """A ZIP with `members` in the given order, each stamped ZIP_EPOCH, mode 0644, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so that external_attr means permissions everywhere
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def normalise_zip(data: bytes, rewrite=None) -> bytes:
    """Another writer's ZIP (openpyxl stamps the clock on every member) made deterministic:
    members in their original order with ZIP_EPOCH; `rewrite(name, bytes) -> bytes` may
    replace a member's content (e.g. the creation date in docProps/core.xml)."""
    members = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            content = archive.read(info.filename)
            if rewrite is not None:
                content = rewrite(info.filename, content)
            members.append((info.filename, content))
    return deterministic_zip(members)


def core_properties(title: str, generated: str | None) -> bytes:
    """docProps/core.xml: title and creator; created/modified only from `generated`."""
    root = etree.Element(f"{{{CP_NS}}}coreProperties",
                         nsmap={"cp": CP_NS, "dc": DC_NS, "dcterms": DCTERMS_NS, "xsi": XSI_NS})
    etree.SubElement(root, f"{{{DC_NS}}}title").text = xml_safe(title)
    etree.SubElement(root, f"{{{DC_NS}}}creator").text = AUTHOR
    if generated:
        for name in ("created", "modified"):
            node = etree.SubElement(root, f"{{{DCTERMS_NS}}}{name}")
            node.set(f"{{{XSI_NS}}}type", "dcterms:W3CDTF")
            node.text = generated
    return xml_bytes(root)


def content_types(overrides: list[tuple[str, str]]) -> bytes:
    root = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})
    for ext, ctype in (("rels", "application/vnd.openxmlformats-package.relationships+xml"),
                       ("xml", "application/xml")):
        node = etree.SubElement(root, f"{{{CT_NS}}}Default")
        node.set("Extension", ext)
        node.set("ContentType", ctype)
    for part, ctype in overrides:
        node = etree.SubElement(root, f"{{{CT_NS}}}Override")
        node.set("PartName", part)
        node.set("ContentType", ctype)
    return xml_bytes(root)


def relationships(rels: list[tuple[str, str, str]]) -> bytes:
    """(id, type suffix or full type URI, target) triples."""
    root = etree.Element(f"{{{PKG_REL_NS}}}Relationships", nsmap={None: PKG_REL_NS})
    for rid, rtype, target in rels:
        node = etree.SubElement(root, f"{{{PKG_REL_NS}}}Relationship")
        node.set("Id", rid)
        node.set("Type", rtype if "://" in rtype else
                 f"http://schemas.openxmlformats.org/officeDocument/2006/relationships/{rtype}")
        node.set("Target", target)
    return xml_bytes(root)


# Fonts: a CJK serif for the text as Chinese official documents use it; Word and WPS have
# SimSun (宋体), LibreOffice substitutes an installed CJK font (Noto Serif CJK on Debian).
EAST_ASIA_FONT = "SimSun"
LATIN_FONT = "Times New Roman"
HEADING_LEVELS = 3  # Heading 1..3: 编/章/节 (deeper containers reuse Heading 3)


def styles_xml() -> bytes:
    """Normal, Title, Heading 1-3 (with outline levels, so Word's navigation pane lists
    them), Table Grid and the character styles of the 对照表 (deleted / inserted)."""
    root = el(None, "styles")
    defaults = el(root, "docDefaults")
    rpr = el(el(defaults, "rPrDefault"), "rPr")
    el(rpr, "rFonts", {"ascii": LATIN_FONT, "hAnsi": LATIN_FONT, "eastAsia": EAST_ASIA_FONT, "cs": LATIN_FONT})
    el(rpr, "sz", {"val": "24"})  # half-points: 12 pt (小四)
    el(rpr, "lang", {"val": "en-US", "eastAsia": "zh-CN"})
    ppr = el(el(defaults, "pPrDefault"), "pPr")
    el(ppr, "spacing", {"after": "120", "line": "360", "lineRule": "auto"})

    def style(style_id: str, name: str, kind: str = "paragraph", outline: int | None = None,
              size: int | None = None, bold: bool = False, center: bool = False, keep_next: bool = False,
              default: bool = False):
        node = el(root, "style", {"type": kind, "styleId": style_id, **({"default": "1"} if default else {})})
        el(node, "name", {"val": name})
        if kind == "paragraph" and style_id != "Normal":
            el(node, "basedOn", {"val": "Normal"})
            el(node, "next", {"val": "Normal"})
        el(node, "qFormat")
        if kind == "paragraph":
            p = el(node, "pPr")
            if keep_next:
                el(p, "keepNext")
            if center:
                el(p, "jc", {"val": "center"})
            if outline is not None:
                el(p, "outlineLvl", {"val": str(outline)})
        r = el(node, "rPr")
        if bold:
            el(r, "b")
        if size:
            el(r, "sz", {"val": str(size)})
        return node

    style("Normal", "Normal", default=True)
    style("Title", "Title", size=36, bold=True, center=True, keep_next=True)
    for level in range(1, HEADING_LEVELS + 1):
        style(f"Heading{level}", f"heading {level}", outline=level - 1, size=(32, 28, 26)[level - 1], bold=True,
              center=level == 1, keep_next=True)
    comment_ref = el(root, "style", {"type": "character", "styleId": "CommentReference"})
    el(comment_ref, "name", {"val": "annotation reference"})
    el(el(comment_ref, "rPr"), "sz", {"val": "16"})
    table = el(root, "style", {"type": "table", "styleId": "TableGrid"})
    el(table, "name", {"val": "Table Grid"})
    borders = el(el(table, "tblPr"), "tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el(borders, edge, {"val": "single", "sz": "4", "space": "0", "color": "808080"})
    return xml_bytes(root)


def settings_xml(track_revisions: bool) -> bytes:
    """Settings: Track Changes stays on in the redline file, so a reviewer's own edits are
    tracked too; the 对照表 is an ordinary document."""
    root = el(None, "settings")
    if track_revisions:
        el(root, "trackRevisions")
    el(root, "defaultTabStop", {"val": "420"})
    el(root, "characterSpacingControl", {"val": "compressPunctuation"})
    el(root, "compat")
    return xml_bytes(root)


class RevisionIds:
    """w:id counter shared by revisions and comments, in document order."""

    def __init__(self) -> None:
        self.next_id = 1

    def take(self) -> str:
        value = self.next_id
        self.next_id += 1
        return str(value)


def revision_attrs(ids: RevisionIds, date: str | None) -> dict[str, str]:
    attrs = {"id": ids.take(), "author": AUTHOR}
    if date:
        attrs["date"] = date
    return attrs


def add_text_runs(parent, text: str, deleted: bool = False, rpr=None) -> None:
    """Runs for `text` (no "\\n" inside) under `parent`: tabs as w:tab, the rest as w:t (or
    w:delText inside a deletion). `rpr(run)` may add run properties."""
    if not text:
        return
    run = el(parent, "r")
    if rpr is not None:
        rpr(run)
    for i, piece in enumerate(text.split("\t")):
        if i:
            el(run, "tab")
        if piece:
            node = el(run, "delText" if deleted else "t", text=piece)
            node.set(f"{{{XML_NS}}}space", "preserve")


def document_root():
    root = el(None, "document")
    body = el(root, "body")
    return root, body


def section_properties(body, landscape: bool = False) -> None:
    """A4 page (portrait, or landscape for the two-column 对照表) with 2.5 cm margins."""
    sect = el(body, "sectPr")
    if landscape:
        el(sect, "pgSz", {"w": "16838", "h": "11906", "orient": "landscape"})
    else:
        el(sect, "pgSz", {"w": "11906", "h": "16838"})
    el(sect, "pgMar", {"top": "1417", "right": "1417", "bottom": "1417", "left": "1417",
                       "header": "851", "footer": "992", "gutter": "0"})


WORD_TYPES = {
    "document": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "styles": "application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml",
    "settings": "application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml",
    "comments": "application/vnd.openxmlformats-officedocument.wordprocessingml.comments+xml",
    "core": "application/vnd.openxmlformats-package.core-properties+xml",
}


def docx_package(document: bytes, title: str, generated: str | None, comments: bytes | None = None,
                 track_revisions: bool = False) -> bytes:
    """The .docx bytes around a word/document.xml."""
    overrides = [("/word/document.xml", WORD_TYPES["document"]), ("/word/styles.xml", WORD_TYPES["styles"]),
                 ("/word/settings.xml", WORD_TYPES["settings"])]
    doc_rels = [("rId1", "styles", "styles.xml"), ("rId2", "settings", "settings.xml")]
    if comments is not None:
        overrides.append(("/word/comments.xml", WORD_TYPES["comments"]))
        doc_rels.append(("rId3", "comments", "comments.xml"))
    overrides.append(("/docProps/core.xml", WORD_TYPES["core"]))
    members = [
        ("[Content_Types].xml", content_types(overrides)),
        ("_rels/.rels", relationships([
            ("rId1", "officeDocument", "word/document.xml"),
            ("rId2", "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
             "docProps/core.xml")])),
        ("docProps/core.xml", core_properties(title, generated)),
        ("word/document.xml", document),
        ("word/_rels/document.xml.rels", relationships(doc_rels)),
        ("word/styles.xml", styles_xml()),
        ("word/settings.xml", settings_xml(track_revisions)),
    ]
    if comments is not None:
        members.append(("word/comments.xml", comments))
    return deterministic_zip(members)
