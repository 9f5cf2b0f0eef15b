"""Source bytes -> structured body: the one path from the bytes a version was imported
from to its archived body, used by `add` (intake.prepare_version) and by `verify`,
which re-derives each body from its kept source and reports one that no longer matches."""

from __future__ import annotations

from typing import Any, Sequence

from ..model import DocumentMeta

# Decodings `verify` also tries when the automatic one does not give the archived body
# back: the ones `add --encoding` is documented for (the choice is not recorded).
REDERIVE_ENCODINGS = (None, "gb18030", "big5", "utf-16", "utf-8")


def _unique(items: Sequence[str]) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for item in items:
        if item and item not in seen:
            seen[item] = None
    return tuple(seen)


def parse_file(data: bytes, filename: str, encoding: str | None = None,
               overrides: DocumentMeta | None = None) -> tuple[Any, Any, tuple[str, ...]]:
    """bytes -> (merged DocumentMeta, Document, notes): ingest, then structure.parse with
    the extracted metadata overridden field by field by `overrides` (what the user gave)."""
    from ..ingest import ingest
    from ..structure import parse

    ingested = ingest(data, filename, encoding, convert=_convert_to_docx)
    meta = merge_meta(ingested.meta, overrides)
    document = parse(ingested.text, meta)
    notes = _unique([*getattr(ingested, "notes", ()), *document.notes])
    return meta, document, notes


def _convert_to_docx(*args, **kwargs):
    """ingest.office.convert_to_docx (LibreOffice, for DOC/WPS/ODT/RTF), imported when a file
    needs it: a text, Markdown, HTML, DOCX or PDF file never does (issue 14: start-up)."""
    from ..ingest.office import convert_to_docx

    return convert_to_docx(*args, **kwargs)


def merge_meta(extracted: DocumentMeta, given: DocumentMeta | None) -> DocumentMeta:
    """Metadata precedence: what the user gave on the command line wins, field by field;
    what ingest extracted fills the rest."""
    if given is None:
        return extracted
    return DocumentMeta(
        title=given.title or extracted.title,
        doc_no=given.doc_no or extracted.doc_no,
        issuers=given.issuers or extracted.issuers,
        issued=given.issued or extracted.issued,
        effective=given.effective or extracted.effective,
        published=given.published or extracted.published,
        effective_clause=given.effective_clause or extracted.effective_clause,
        repeals=given.repeals or extracted.repeals,
    )




def rederives(data: bytes, filename: str, meta: DocumentMeta, body: str) -> bool:
    """Does ingesting `data` again, with the archived metadata, give exactly `body`?"""
    from ..errors import PolicyDiffError
    from ..mdbody import to_markdown

    for encoding in REDERIVE_ENCODINGS:
        try:
            _, document, _ = parse_file(data, filename, encoding, meta)
        except (PolicyDiffError, ValueError, LookupError, UnicodeError):
            continue
        if to_markdown(document) == body:
            return True
    return False
