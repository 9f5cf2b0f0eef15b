"""Ingestion: bytes -> CLEAN TEXT + metadata. Functional core: takes bytes, no file I/O.

FORMATS: the kind of file is decided from the bytes in one place (formats.detect_format),
never from the extension. DOCX (ingest.docx) and PDF with a text layer (ingest.pdf) are
read here into plain text, one paragraph per line, which then goes through the same
cleaning as a text file; DOC/WPS/ODT/RTF are first converted to DOCX by the `convert`
callable the caller passes (policydiff.ingest.office runs LibreOffice; the core runs nothing).

CLEAN TEXT (structure parsing and text hashes depend on it; keep it stable)
--------------------------------------------------------------------------
1. Decoded (see `decode`): BOM, strict UTF-8, then GB18030/Big5 by plausibility; an HTML
   page's own <meta charset> is tried first when it decodes strictly.
2. Markup removed: HTML -> the text of block elements, one block per line (script, style,
   nav, header, footer, aside ... dropped; HTML white space collapsed); Markdown -> `#`
   heading markers, HTML comments (``<!-- INFO END -->``) and rules removed, heading text
   kept as its own line (the `# title` line is the first line).
3. Lines end with "\\n" (CRLF, CR, U+2028 ... converted); the text has no final "\\n".
4. Invisible characters removed everywhere: U+200B U+200C U+200D U+2060 U+FEFF U+200E
   U+200F U+00AD (see clean.ZERO_WIDTH).
5. Trailing white space stripped from every line (including U+3000); leading white space
   kept (indentation is as printed).
6. Blank lines removed: paragraphs are separated by exactly one "\\n"; no leading or
   trailing blank lines.
7. Web-page chrome cut off (text and HTML input, not Markdown): the header run before the
   body (breadcrumbs, page headline, 发布时间/来源/字号 lines) and the footer run after it
   (hotlines, e-mail, addresses, app/WeChat lines, copyright, ICP, page tools, related
   links, style-sheet and script leftovers); the body in between is kept whole (see
   chrome.py). A page headline is kept only when it is a title the body does not carry
   itself (a headline that only adds a 文号 or 转发 to a body title line is the same title).
8. A title broken over consecutive lines is joined into one line (at the top of the text,
   and after a signature date, an 附件 line, a letterhead 「…文件」 or 文号 line, or a
   lead-in such as 「文件详情如下:」, where a document starts): short lines without
   sentence punctuation or colons whose concatenation ends with a kind of document
   (通知, 措施, 条例 ...) and balanced brackets (see clean.join_broken_titles). Pieces are
   concatenated without a separator (a space between two Latin letters/digits).
9. An article label run into the paragraph of the article before it, right after its full
   stop (「…提起行政诉讼。第二十八条本细则自…」: a Word file that lost a paragraph mark),
   starts a line of its own, when it continues the numbering of that line's article and
   no line starts with it (see clean.split_run_in_articles).
10. Nothing else is rewritten: full-width punctuation, full-width spaces inside lines,
   「」, typos, numbering and the script (简体 or 繁體) stay as they are. Policy text is
   evidence. (Recognisers read traditional characters through `patterns.fold`, which
   keeps positions, so values are always sliced from the text as written.)
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from policydiff.errors import BadInputError
from policydiff.ingest import patterns as P
from policydiff.ingest.chrome import Chrome, split_chrome
from policydiff.ingest.clean import join_broken_titles, normalise_lines, split_run_in_articles
from policydiff.ingest.decoding import canonical_encoding, decode
from policydiff.ingest.formats import CONVERTED, REFUSED, detect_format, mhtml_html, refusal
from policydiff.ingest.markup import declared_html_charset, html_page_title, html_to_text, markdown_to_text
from policydiff.ingest.meta import extract_metadata, metadata_notes, extract_repeals
from policydiff.lexicon import EFFECTIVE_VERB_PATTERN, ISSUE_DAY_PATTERN, find_cn_dates, parse_cn_date
from policydiff.model import DocumentMeta, Repeal

__all__ = [
    "Ingested", "ingest", "decode", "extract_metadata", "extract_repeals", "parse_cn_date",
    "clean_text", "detect_media_type", "find_cn_dates", "DocumentMeta", "Repeal", "detect_format",
    "Converter",
]

# Converts the bytes of a kind in formats.CONVERTED to DOCX bytes: (data, kind, subject).
Converter = Callable[[bytes, str, str], bytes]


@dataclass(frozen=True)
class Ingested:
    text: str  # the CLEAN TEXT (module docstring)
    meta: DocumentMeta
    encoding: str  # "utf-8", "utf-8-sig", "gb18030", "big5", "utf-16" ...; "" for DOCX/PDF
    media_type: str  # "text" | "html" | "markdown" | "docx" | "pdf"
    notes: tuple[str, ...] = ()
    file_format: str = "text"  # formats.detect_format of the bytes: "text", "docx", "pdf", "doc" ...


_HTML_EXT = (".html", ".htm", ".xhtml", ".shtml", ".asp", ".aspx", ".jsp", ".php")
_MD_EXT = (".md", ".markdown", ".mdown", ".mkd")
_TEXT_EXT = (".txt", ".text")
_HTML_SNIFF = P.LazyPattern(r"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>])",
                         re.IGNORECASE | re.DOTALL)
_MD_HEADING = P.LazyPattern(r"^#{1,6}\s+\S", re.MULTILINE)
_MD_STRONG_LINE = P.LazyPattern(r"^[ \t\u3000]*\*\*\S[^\n]*?\*\*", re.MULTILINE)  # 「**第一条**　…」


def detect_media_type(text: str, filename: str | None = None) -> str:
    """"html", "markdown" or "text": by file extension when known, else by content."""
    name = (filename or "").lower()
    if name.endswith(_HTML_EXT):
        return "html"
    if name.endswith(_MD_EXT):
        return "markdown"
    head = text[:4096]
    # A .txt file that is Markdown (a copy of a .md saved under another name) is read as
    # Markdown: its `#` headings are structure, not text.
    looks_markdown = bool(re.match(r"^\s*#\s+\S", head)) or "<!-- INFO END -->" in head \
        or len(_MD_HEADING.findall(text)) >= 3 or len(_MD_STRONG_LINE.findall(text)) >= 3
    if name.endswith(_TEXT_EXT):
        return "markdown" if looks_markdown else "text"
    if _HTML_SNIFF.match(head):
        return "html"
    return "markdown" if looks_markdown else "text"


# A body title line found inside the page headline counts as the same title only when it
# is at least this long. Unit: characters; range 4..20.
HEADLINE_MATCH_MIN = 8


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def clean_text(text: str, media_type: str = "text") -> tuple[str, Chrome, tuple[str, ...]]:
    """(CLEAN TEXT, chrome cut off, notes) of decoded text of the given media type."""
    notes: list[str] = []
    if "\r" in text:  # CRLF and CR to LF (two C-level replaces: the same as splitting at \r\n|\r)
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if media_type == "markdown":
        text = markdown_to_text(text)
    page_title = html_page_title(text) if media_type == "html" else None
    if media_type == "html":
        text = html_to_text(text)
    lines = normalise_lines(text)
    chrome = Chrome()
    if media_type != "markdown":
        lines, chrome = split_chrome(lines)
        if chrome.header or chrome.footer:
            notes.append(f"page chrome removed: {len(chrome.header)} header line(s), "
                         f"{len(chrome.footer)} footer line(s)")
    if page_title:  # kept with the page's fields: the title of last resort
        chrome = replace(chrome, fields={**chrome.fields, "页面标题": page_title})
    lines = split_run_in_articles(join_broken_titles(lines))
    headline = chrome.headline
    if headline and P.ends_title(headline) and not P.is_sentence(headline):
        squashed = _squash(headline)
        top = [_squash(line) for line in lines[:10]]
        # The body carries the title when a top line holds the headline, or when a title
        # line of the top is held by a headline that adds page decoration to it
        # (「鲁政发〔2014〕20号《X》」 over a body whose title line is X).
        # A notice headline 「关于印发《X》的通知」 over the text of X is another title: what the
        # headline adds must not name a kind of document.
        def decorates(line: str) -> bool:
            return (P.ends_title(line) and len(line) >= HEADLINE_MATCH_MIN and line in squashed
                    and not re.search(P.TITLE_KIND, P.fold(squashed.replace(line, "", 1))))

        if not any(squashed in line or decorates(line) for line in top):
            lines.insert(0, headline)
            notes.append("page headline kept as the title: the body has no title line")
    return "\n".join(lines), chrome, tuple(notes)


# A page field's number that is not a 〔year〕 文号: 「示例市人民代表大会常务委员会公告第12号」
# 「示例令第5号」 (the field says it is the document's number).
_NUMBERED = P.GuardedPattern(r"[\u4e00-\u9fff]{2,40}第\s*\d{1,5}\s*号", (("第",), ("号",)))


def _merge_page_facts(meta: DocumentMeta, chrome: Chrome) -> DocumentMeta:
    """Fill gaps in the body's metadata from the page's own fields (发布时间, 发文字号 ...)."""
    fields = chrome.fields
    changes: dict[str, object] = {}
    if meta.published is None and "发布时间" in fields:
        changes["published"] = parse_cn_date(fields["发布时间"])
    if meta.doc_no is None:
        value = fields.get("发文字号") or fields.get("文号") or ""
        match = P.DOC_NO.search(P.fold(value)) or _NUMBERED.fullmatch(P.fold(value.strip()))
        if match:
            changes["doc_no"] = re.sub(r"\s+", "", value[match.start():match.end()])
    if meta.issued is None and ("成文日期" in fields or "公布日期" in fields):
        changes["issued"] = parse_cn_date(fields.get("成文日期") or fields["公布日期"])
    if meta.effective is None and meta.effective_clause is None and "施行日期" in fields:
        changes["effective"] = parse_cn_date(fields["施行日期"])
    # 「自印发之日起施行」 in a text without a signature date: the page's 成文日期 is that day.
    if meta.effective is None and meta.effective_clause and changes.get("issued") \
            and re.search(rf"自\s*{ISSUE_DAY_PATTERN}起?\s*{EFFECTIVE_VERB_PATTERN}", meta.effective_clause):
        changes["effective"] = changes["issued"]
    if not meta.issuers and "发文机关" in fields:
        issuers = tuple(n for n in re.split(r"[、，,\s]+", fields["发文机关"]) if n)
        if issuers:
            changes["issuers"] = issuers
    if meta.title is None and "标题" in fields:
        changes["title"] = fields["标题"]
    elif meta.title is None and "页面标题" in fields:
        changes["title"] = fields["页面标题"]  # the page's <title>: the last resort
    return replace(meta, **changes) if changes else meta


def _decode_page(data: bytes, filename: str | None, encoding: str | None) -> tuple[str, str]:
    """decode(), but an HTML page's own <meta charset> is believed first when no encoding
    is given and the bytes decode strictly with it (a wrong declaration falls back to
    detection)."""
    if encoding is None and (detect_media_type(data[:4096].decode("latin-1"), filename) == "html"):
        declared = declared_html_charset(data)
        if declared:
            try:
                name = canonical_encoding(declared)
            except BadInputError:
                name = None
            if name:
                try:
                    return decode(data, name)
                except BadInputError:
                    pass
    return decode(data, encoding)


# Size limits of one document, checked right after decoding, before any cleaning or parsing.
# Why: every step is linear, but with constant factors that make a 200,000-line text take
# ~25 s and ~430 MB to add (benchmarks/adversarial.py); a limit well above any real
# document keeps every command bounded and says so in one line instead of running for
# minutes. The longest text of the shared corpus has 3,456 lines and 93,831 characters;
# all 155 corpus versions concatenated (a test compilation) have 56,272 lines and 1.54 M
# characters and must still be accepted.
MAX_TEXT_LINES = 100_000  # lines; range 60,000..1,000,000
MAX_TEXT_CHARS = 4_000_000  # characters after decoding; range 2 M..50 M


def check_size(text: str, subject: str) -> None:
    """BadInputError when a decoded text is beyond MAX_TEXT_CHARS or MAX_TEXT_LINES."""
    if len(text) > MAX_TEXT_CHARS:
        raise BadInputError(f"{subject} has {len(text):,} characters; policydiff reads documents of at most "
                            f"{MAX_TEXT_CHARS:,} (about 2.5 times the whole corpus of 155 laws): split it")
    lines = text.count("\n") + 1
    if lines > MAX_TEXT_LINES:
        raise BadInputError(f"{subject} has {lines:,} lines; policydiff reads documents of at most "
                            f"{MAX_TEXT_LINES:,} lines (the longest real law has under 4,000): split it")


_CONVERTED_LABEL = {"doc": "Word 97-2003 / WPS (.doc/.wps)", "odt": "OpenDocument (.odt)", "rtf": "RTF",
                    "wordml": "Word XML (2003 / flat)"}


def _layout_text(data: bytes, kind: str, subject: str,
                 convert: Converter | None) -> tuple[str, str, tuple[str, ...]]:
    """(plain text, media type, notes) of a DOCX/PDF file, or of a DOC/ODT/RTF file
    converted to DOCX by `convert`."""
    notes: tuple[str, ...] = ()
    if kind in CONVERTED:
        label = _CONVERTED_LABEL[kind]
        if convert is None:
            raise BadInputError(f"{subject} is a {label} file, which needs LibreOffice to read: "
                                "apt-get install libreoffice-writer, or save it as .docx")
        data = convert(data, kind, subject)
        notes = (f"converted from {label} to DOCX by LibreOffice",)
        kind = "docx"
    if kind == "docx":
        from policydiff.ingest.docx import docx_to_text

        text, more = docx_to_text(data)
        return text, "docx", notes + more
    from policydiff.ingest.pdf import pdf_to_text

    text, more = pdf_to_text(data, subject)
    return text, "pdf", notes + more


def ingest(data: bytes, filename: str | None = None, encoding: str | None = None,
           convert: Converter | None = None) -> Ingested:
    """Decode (or read, for DOCX/PDF), clean and read the metadata of one input file's bytes.

    Raises BadInputError for empty, whitespace-only, binary or undecodable input, a kind of
    file policydiff does not read, a scanned PDF, or a DOC/WPS/ODT without `convert`; the
    one-line message names `filename` when given.
    """
    subject = filename or "input"  # messages name the file when there is one
    if not data:
        raise BadInputError(f"{subject} is empty; give a file that holds the policy text")
    kind = detect_format(data)
    if kind in REFUSED:
        raise BadInputError(f"{subject} is {refusal(kind, data)}")
    archive_notes: tuple[str, ...] = ()
    if kind == "mhtml":
        part = mhtml_html(data)
        if part is None:
            raise BadInputError(f"{subject} is a MIME web archive (.mht) without an HTML part: open it in a "
                                "browser and save the page as .html")
        data, declared = part
        if encoding is None and declared:
            try:
                encoding = canonical_encoding(declared)
            except BadInputError:
                encoding = None  # an unknown declared charset: detect it
        archive_notes = ("MIME web archive (.mht): its HTML part read as the page",)
    elif kind != "text":
        raw_text, media_type, format_notes = _layout_text(data, kind, subject, convert)
        check_size(raw_text, subject)
        if encoding:
            format_notes += (f"--encoding {encoding} ignored: a {media_type.upper()} file carries its own",)
        cleaned, chrome, notes = clean_text(raw_text, "text")
        if not cleaned.strip():
            raise BadInputError(f"{subject} has no text in its body; give a file that holds the policy text")
        meta = _merge_page_facts(extract_metadata(cleaned), chrome)
        return Ingested(text=cleaned, meta=meta, encoding="", media_type=media_type,
                        notes=format_notes + notes + metadata_notes(cleaned, meta), file_format=kind)
    try:
        text, used_encoding = _decode_page(data, filename, encoding)
    except BadInputError as error:
        message = str(error)
        if filename and message.startswith("input "):
            raise BadInputError(f"{filename} {message[len('input '):]}") from None
        raise
    check_size(text, subject)
    media_type = "html" if archive_notes else detect_media_type(text, filename)
    cleaned, chrome, notes = clean_text(text, media_type)
    notes = archive_notes + notes
    if not cleaned.strip():
        what = "has no text" if media_type == "html" else "holds only white space"
        raise BadInputError(f"{subject} {what}; give a file that holds the policy text")
    meta = _merge_page_facts(extract_metadata(cleaned), chrome)
    return Ingested(text=cleaned, meta=meta, encoding=used_encoding, media_type=media_type,
                    notes=notes + metadata_notes(cleaned, meta), file_format=kind)
