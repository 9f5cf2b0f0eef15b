"""What a report is made of, before any file is written (no I/O): where it goes by
default, the comparison it renders (also when a side has no text), and its text in each
text format. `api.report` writes the file (binary formats and the table layout: outputs.py);
`sitejobs` renders a build's pairs with the same functions, so that `report` and `build`
give the same bytes.

Where reports go by default: `reports/<work>/<old-version>__<new-version>.<ext>` under the
top of the git work tree that holds the current directory (else the current directory),
the same place `versions/` is looked for, so the shipped `reports/` sits beside the shipped
`versions/`. Two plain files (no archive) use their stems, under their common folder's name
(`reports/<folder>/<old-stem>__<new-stem>.html`), else under `reports/files/`.

A version recorded without text cannot be aligned: the report is then built from
`Comparison(old, new, changes=())` plus the metadata differences, and says so.
"""

from __future__ import annotations

from pathlib import Path

from . import TOOL_NAME, __version__
from .errors import BadInputError
from .files import safe_name
from .model import Comparison, FieldChange, Version

EXTENSIONS = {"html": "html", "json": "json", "md": "md", "docx": "docx", "xlsx": "xlsx", "pdf": "pdf"}
REPORTS_DIR = "reports"


def default_relative_path(old: Version, new: Version, fmt: str) -> Path:
    """reports/<work>/<old>__<new>.<ext> (see module docstring)."""
    ext = EXTENSIONS[fmt]
    if old.work and new.work and old.work == new.work:
        folder = old.work
        names = (old.version or "", new.version or "")
    else:
        def stem(v: Version) -> str:
            if v.work:
                return f"{v.work}@{v.version}"
            return Path(v.path or v.source.file or "file").stem

        old_parent = Path(old.path).resolve().parent.name if old.path else None
        new_parent = Path(new.path).resolve().parent.name if new.path else None
        folder = old_parent if old_parent and old_parent == new_parent else "files"
        names = (stem(old), stem(new))
    return Path(REPORTS_DIR) / safe_name(folder) / f"{safe_name(names[0])}__{safe_name(names[1])}.{ext}"


def metadata_changes(old: Version, new: Version) -> tuple[FieldChange, ...]:
    """Document-level differences that need no text (used when a side has none).

    Only fields that both sides record and that differ: a version recorded without text
    usually lacks dates and issuers, and "not recorded" is not a change. The repeal
    relation is shown by the report on its own (from the new version's repeal clauses).
    """
    from . import textdiff

    pairs = (
        ("title", old.meta.title, new.meta.title, True),
        ("doc_no", old.meta.doc_no, new.meta.doc_no, False),
        ("issuers", "、".join(old.meta.issuers) or None, "、".join(new.meta.issuers) or None, False),
        ("issued", old.meta.issued, new.meta.issued, False),
        ("effective", old.meta.effective, new.meta.effective, False),
        ("repeals", "\n".join(r.clause for r in old.meta.repeals) or None,
         "\n".join(r.clause for r in new.meta.repeals) or None, False),
    )
    changes = []
    for name, before, after, redline in pairs:
        if before == after or before is None or after is None:
            continue
        segments = textdiff.redline(before or "", after or "") if redline and before and after else ()
        changes.append(FieldChange(field=name, old=before, new=after, segments=segments))
    return tuple(changes)


def build_comparison(old: Version, new: Version) -> Comparison:
    """compare() when both sides have text; otherwise the honest empty comparison."""
    if old.has_text and new.has_text and old.document is not None and new.document is not None:
        from .compare import compare

        return compare(old, new)
    return Comparison(old=old, new=new, changes=(), document_changes=metadata_changes(old, new),
                      settings={}, tool=(TOOL_NAME, __version__))


def render(c: Comparison, fmt: str, lang: str, generated: str | None, citations=None) -> str:
    """The report of `c` in a text format (html, md, json), built once from the Comparison.
    `citations`: the revision's citations_check.CitationReport with the archive-wide impact,
    when the caller has an archive; otherwise the HTML and Markdown reports check the
    internal citations themselves (functional core) and say that other documents were not
    read."""
    if fmt in ("html", "md") and citations is None and c.comparable:
        from .citations_check import check_revision

        citations = check_revision(c)
    if fmt == "html":
        from .render.html import comparison_html

        return comparison_html(c, lang=lang, generated=generated, citations=citations)
    if fmt == "md":
        from .render.markdown import comparison_markdown

        return comparison_markdown(c, lang=lang, generated=generated, citations=citations)
    if fmt == "json":
        from .render.json import comparison_json

        return comparison_json(c, generated=generated)
    raise BadInputError(f"unknown report format {fmt!r}; use html, json or md")


def check_format(fmt: str) -> None:
    if fmt not in EXTENSIONS:
        raise BadInputError(f"unknown report format {fmt!r}; use {', '.join(EXTENSIONS)}")


def default_path(top: Path, old: Version, new: Version, fmt: str, layout: str) -> Path:
    """Where `report` writes by default under the work tree's top: the table layout goes
    beside the redline report, not over it (xlsx has only the table)."""
    path = top / default_relative_path(old, new, fmt)
    if layout == "table" and fmt != "xlsx":
        path = path.with_name(f"{path.stem}.table{path.suffix}")
    return path
