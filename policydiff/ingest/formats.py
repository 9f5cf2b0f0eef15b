"""What kind of file the bytes are: the one place that decides, from the bytes alone.

The file name's extension is not trusted: government sites serve DOCX files named .doc,
PDFs named .htm and WPS files named .doc; the bytes say what they are. The extension is
used only for what the bytes cannot tell (HTML/Markdown/text after decoding, see
policydiff.ingest.detect_media_type) and for naming the kept source file when the bytes
are one family that several extensions share (an OLE2 Word file saved as .doc or .wps).

Kinds:
  "text"  decodable text: plain text, HTML or Markdown (told apart after decoding)
  "docx"  Office Open XML word-processing package (read by ingest.docx)
  "pdf"   PDF (read by ingest.pdf; a PDF without a text layer is refused)
  "doc"   OLE2 compound file holding a Word document (Word 97-2003 .doc, WPS Office .wps)
  "odt"   OpenDocument text
  "wordml"  Word 2003 XML / Word flat XML (<?mso-application progid="Word.Document"?>)
  "mhtml" a MIME web archive (.mht: Word's "single file web page", a browser's saved page),
          often published with a .doc extension; its HTML part is read as a web page
  "rtf"   Rich Text Format
  "ofd"   OFD (GB/T 33190) fixed-layout package
  others  "xlsx", "xls", "ods", "pptx", "zip", "image", "archive", "executable": refused
"""

from __future__ import annotations

import io
import re

# Kinds that LibreOffice converts to DOCX before they are read (see policydiff.ingest.office).
CONVERTED = frozenset({"doc", "odt", "rtf", "wordml"})

# Extension of the kept source file for each kind that has one fixed extension.
_SOURCE_EXT = {"docx": "docx", "pdf": "pdf", "odt": "odt", "rtf": "rtf", "ofd": "ofd", "wordml": "xml",
               "mhtml": "mht"}

# A PDF's "%PDF-" header may follow some junk bytes; readers accept it within the first
# kilobyte (the PDF specification's implementation note). Unit: bytes.
_PDF_HEADER_WINDOW = 1024

# Bytes examined for text-based formats (Word XML, MIME archives). Unit: bytes.
_SNIFF = 4096
_WORDML = re.compile(r"<\?mso-application\s+progid=[\"']Word\.Document[\"']", re.IGNORECASE)
# A MIME header block at the very top: header lines up to MIME-Version (Word writes it
# first; browsers put From/Subject/Date before it).
_MIME_ARCHIVE = re.compile(r"(?i)\A\s*(?:[!-9;-~]+:[^\n]*\n(?:[ \t][^\n]*\n)*){0,12}MIME-Version:\s*1\.0")

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG", b"GIF87a": "GIF", b"GIF89a": "GIF",
           b"II*\x00": "TIFF", b"MM\x00*": "TIFF", b"BM": "BMP"}
_ARCHIVES = (b"\x1f\x8b", b"7z\xbc\xaf\x27\x1c", b"Rar!\x1a\x07")


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _zip_kind(data: bytes) -> str:
    import zipfile  # here: only a ZIP container needs it (it loads shutil, bz2, lzma: ~3 ms of every start)

    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        names = set(package.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return "zip"
    with package:
        if "mimetype" in names:
            try:
                mimetype = package.read("mimetype")[:100].decode("ascii", "replace").strip()
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
                mimetype = ""
            if mimetype.startswith("application/vnd.oasis.opendocument.text"):
                return "odt"
            if mimetype.startswith("application/vnd.oasis.opendocument.spreadsheet"):
                return "ods"
    if "word/document.xml" in names or any(n.endswith("document.xml") and n.startswith("word") for n in names):
        return "docx"
    if "OFD.xml" in names or any(n.lower() == "ofd.xml" for n in names):
        return "ofd"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    if any(n.startswith("ppt/") for n in names):
        return "pptx"
    if "[Content_Types].xml" in names and "_rels/.rels" in names:
        return "docx"  # an OOXML package whose main part is elsewhere: the reader follows .rels
    return "zip"


def detect_format(data: bytes) -> str:
    """The kind of file (module docstring) the bytes are.

    >>> detect_format(b"%PDF-1.7\\n..."), detect_format("第一条".encode()), detect_format(b"{\\\\rtf1 x}")
    ('pdf', 'text', 'rtf')
    """
    head = data[:_PDF_HEADER_WINDOW]
    if head.startswith(b"%PDF-") or b"%PDF-" in head and b"%%EOF" in data[-2048:]:
        return "pdf"
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return _zip_kind(data)
    if data.startswith(_OLE2):
        if _utf16("EncryptedPackage") in data:
            return "encrypted-office"
        if _utf16("WordDocument") in data:
            return "doc"
        if _utf16("Workbook") in data or _utf16("Book") in data:
            return "xls"
        if _utf16("PowerPoint Document") in data:
            return "ppt"
        return "ole2"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    if data.startswith(tuple(_IMAGES)):
        return "image"
    if data.startswith(_ARCHIVES):
        return "archive"
    if data.startswith(b"\x7fELF") or data.startswith(b"MZ"):
        return "executable"
    head = data[:_SNIFF].decode("latin-1")
    if _WORDML.search(head):
        return "wordml"
    if _MIME_ARCHIVE.match(head) and re.search(r"(?im)^content-type:\s*multipart/related", head):
        return "mhtml"
    return "text"


def mhtml_html(data: bytes) -> tuple[bytes, str | None] | None:
    """(bytes, declared charset) of the first text/html part of a MIME web archive."""
    import email  # here: only a .mht needs the email package (about 10 ms of start-up)
    import email.policy

    message = email.message_from_bytes(data, policy=email.policy.compat32)
    for part in message.walk():
        if part.get_content_type() == "text/html":
            payload = part.get_payload(decode=True)
            if payload:
                return payload, part.get_content_charset()
    return None


def source_extension(kind: str, filename: str | None) -> str:
    """Extension of the kept source file: fixed for most kinds, the given one for the text
    family (.txt/.html/.md ...) and for OLE2 Word files (.doc or .wps, one byte format)."""
    if kind in _SOURCE_EXT:
        return _SOURCE_EXT[kind]
    given = (filename or "").rsplit(".", 1)[-1].lower() if filename and "." in filename else ""
    if kind == "doc":
        return given if given in ("doc", "wps", "dot", "wpt") else "doc"
    return given or "txt"


# What to tell a user who gives a file of a kind policydiff does not read.
REFUSED = {
    "xlsx": "an Excel workbook, not a policy text: save the text as .docx, .pdf or .txt",
    "xls": "an Excel workbook, not a policy text: save the text as .docx, .pdf or .txt",
    "ods": "a spreadsheet, not a policy text: save the text as .docx, .pdf or .txt",
    "pptx": "a PowerPoint file, not a policy text: save the text as .docx, .pdf or .txt",
    "ppt": "a PowerPoint file, not a policy text: save the text as .docx, .pdf or .txt",
    "ole2": "an Office compound file (DOC/XLS/PPT) in which no Word document was found: save the text "
            "as .docx, .pdf or .txt",
    "encrypted-office": "a password-protected Office file: open it in Word or WPS, save a copy without "
                        "the password, and add that",
    "zip": "a ZIP archive, not a document: unpack it and add the document inside",
    "image": "{image} image (a scan?): policydiff reads text, not pictures; give the text as .docx, "
             "a PDF with a text layer, or .txt",
    "archive": "a compressed archive: unpack it and add the document inside",
    "executable": "a program, not a document",
    "ofd": "an OFD (GB/T 33190) file: policydiff has no OFD reader (no maintained open-source "
           "one exists for Python); export it to PDF or .docx with the OFD reader (e.g. 数科/福昕 "
           "OFD 阅读器) and add that",
}


def refusal(kind: str, data: bytes) -> str:
    """What to say about a file of a kind in REFUSED (after "<file> is ")."""
    if kind == "image":
        name = next((n for magic, n in _IMAGES.items() if data.startswith(magic)), "an")
        return REFUSED["image"].format(image=f"a {name}" if name != "an" else "an")
    return REFUSED[kind]
