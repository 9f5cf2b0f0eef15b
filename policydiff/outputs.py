"""Report bytes in every format and layout (imperative shell for `policydiff report`):
one Comparison in, the file's bytes out.

    report_bytes(comparison, fmt, lang, generated, layout=None, changed_only=False) -> bytes

The html/json/md redline reports stay report_files.render's (text); docx and xlsx are rendered in the
functional core (render/docx.py, render/xlsx.py, render/table.py); pdf is the HTML printed
by headless Chromium (render/pdf.py, the one step that runs a program).

Layouts: "redline" (inline revisions; the default) and "table" (the 新旧对照表; the only
layout of xlsx, and its default). `changed_only` is an option of the table (unchanged
articles left out instead of 「同左」).
"""

from __future__ import annotations

from .errors import BadInputError
from .model import Comparison

BINARY_FORMATS = ("docx", "xlsx", "pdf")
LAYOUTS = ("redline", "table")
TABLE_FORMATS = ("html", "docx", "xlsx", "pdf")


def resolve_layout(fmt: str, layout: str | None, changed_only: bool) -> str:
    """The layout to render, or a one-line error for a combination that has no meaning."""
    if layout is None:
        layout = "table" if fmt == "xlsx" else "redline"
    if layout not in LAYOUTS:
        raise BadInputError(f"unknown layout {layout!r}; use redline or table")
    if layout == "table" and fmt not in TABLE_FORMATS:
        raise BadInputError(f"--layout table is for html, docx, xlsx and pdf, not {fmt}")
    if layout == "redline" and fmt == "xlsx":
        raise BadInputError("xlsx has the table layout only (the 新旧对照表); drop --layout redline")
    if changed_only and layout != "table":
        raise BadInputError("--changed-only is an option of the table layout: add --layout table")
    return layout


def report_bytes(c: Comparison, fmt: str, lang: str, generated: str | None, layout: str | None = None,
                 changed_only: bool = False) -> bytes:
    layout = resolve_layout(fmt, layout, changed_only)
    if fmt == "docx" and layout == "redline":
        from .render.docx import comparison_docx

        return comparison_docx(c, lang=lang, generated=generated)
    if layout == "table" and fmt in ("html", "docx", "xlsx", "pdf"):
        from .render import table

        if fmt == "docx":
            return table.table_docx(c, lang=lang, generated=generated, changed_only=changed_only)
        if fmt == "xlsx":
            from .render.xlsx import table_xlsx

            return table_xlsx(c, lang=lang, generated=generated, changed_only=changed_only)
        page = table.table_html(c, lang=lang, generated=generated, changed_only=changed_only)
        if fmt == "pdf":
            from .render.pdf import print_pdf

            return print_pdf(page)
        return page.encode("utf-8", "backslashreplace")
    if fmt == "pdf":
        from .render.html import comparison_html
        from .render.pdf import print_pdf

        return print_pdf(comparison_html(c, lang=lang, generated=generated))
    raise BadInputError(f"report format {fmt!r} with layout {layout!r} is report_files.render's")


def handles(fmt: str, layout: str | None) -> bool:
    """True when report_bytes renders this (the text redline reports are report_files')."""
    return fmt in BINARY_FORMATS or layout == "table"
