"""What `add` extracted from a file, as lines for the terminal (stderr), so that a wrong
value is seen at import time rather than in a later report. Pure: metadata in, lines out.

A value that was not found says so ("not found"): never a guess, never blank.
"""

from __future__ import annotations

from policydiff.model import Document, DocumentMeta

# A quoted clause longer than this is cut with 「…」 in the summary (the archive keeps it
# whole). Unit: characters; range 20..200.
CLAUSE_MAX = 60


def _clip(text: str) -> str:
    return text if len(text) <= CLAUSE_MAX else text[: CLAUSE_MAX - 1] + "…"


def extraction_lines(meta: DocumentMeta, document: Document | None, file_format: str | None = None) -> list[str]:
    """`add`'s report of what it read: title, 文号, issuers, dates, measures, repeals.

    >>> extraction_lines(DocumentMeta(title="示例办法（测试用虚构文本）"), None)[:3]
    ['title:     示例办法（测试用虚构文本）', '文号:      not found', 'issuers:   not found']
    """
    missing = "not found"
    lines = [
        f"title:     {meta.title or missing}",
        f"文号:      {meta.doc_no or missing}",
        f"issuers:   {'、'.join(meta.issuers) if meta.issuers else missing}",
        f"issued:    {meta.issued or missing}",
    ]
    effective = meta.effective or missing
    if meta.effective_clause:
        effective += f" (「{_clip(meta.effective_clause)}」)"
    lines.append(f"effective: {effective}")
    if document is not None:
        measures = document.measures
        span = f" ({measures[0].label} … {measures[-1].label})" if len(measures) > 1 else ""
        lines.append(f"measures:  {len(measures)}{span}")
    if meta.repeals:
        named = [r.doc_no or (f"《{r.title}》" if r.title else _clip(r.clause)) for r in meta.repeals]
        lines.append(f"repeals:   {'; '.join(named)}")
    else:
        lines.append("repeals:   none found")
    if file_format:
        lines.append(f"read as:   {file_format}")
    return lines
