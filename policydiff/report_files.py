"""Report files (imperative shell for `policydiff report`): default paths, atomic writes,
the SOURCE_DATE_EPOCH timestamp. (reports/index.html belongs to the site that `policydiff
build` writes, once per build, from what it built: `report` writes one file and no index.)

    write_report(archive_option, old_ref, new_ref, output=None, fmt="html", lang="zh") -> Path

Where reports go by default: `reports/<work>/<old-version>__<new-version>.<ext>` under the
top of the git work tree that holds the current directory (else the current directory),
the same place `versions/` is looked for, so the shipped `reports/` sits beside the shipped
`versions/`. Two plain files (no archive) use their stems, under their common folder's name
(`reports/<folder>/<old-stem>__<new-stem>.html`), else under `reports/files/`.

A version recorded without text cannot be aligned: the report is then built from
`Comparison(old, new, changes=())` plus the metadata differences, and says so.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import tempfile
from pathlib import Path

from . import TOOL_NAME, __version__
from .errors import BadInputError
from .model import Comparison, FieldChange, Version

EXTENSIONS = {"html": "html", "json": "json", "md": "md", "docx": "docx", "xlsx": "xlsx", "pdf": "pdf"}
REPORTS_DIR = "reports"


def generated_timestamp(environ=None) -> str | None:
    """ISO-8601 UTC time from SOURCE_DATE_EPOCH (reproducible builds), else None: a report
    never reads the clock, so that two runs give the same bytes.

    >>> generated_timestamp({"SOURCE_DATE_EPOCH": "1700000000"})
    '2023-11-14T22:13:20Z'
    >>> generated_timestamp({}) is None
    True
    """
    environ = os.environ if environ is None else environ
    raw = environ.get("SOURCE_DATE_EPOCH")
    if raw is None or raw.strip() == "":
        return None
    try:
        seconds = int(raw.strip())
        moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise BadInputError(f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds since 1970; "
                            "unset it or give e.g. SOURCE_DATE_EPOCH=1700000000") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def work_tree_top(start: Path) -> Path:
    """The top of the git work tree holding `start`, else `start` itself."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return start


_UNSAFE = re.compile(r"[^\w.@\-]+")


def _safe(name: str) -> str:
    """A file-name-safe form of a work, version or stem (keeps CJK letters).

    >>> _safe("2024-10-09"), _safe("a/b c")
    ('2024-10-09', 'a_b_c')
    """
    cleaned = _UNSAFE.sub("_", name).strip("._")
    return cleaned or "_"


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
    return Path(REPORTS_DIR) / _safe(folder) / f"{_safe(names[0])}__{_safe(names[1])}.{ext}"


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and os.replace: a reader (or a crash)
    sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


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
    """`citations`: the revision's citations.CitationReport with the archive-wide impact,
    when the caller has an archive; otherwise the HTML report checks the internal
    citations itself (functional core) and says that other documents were not read."""
    from .render.view import comparable

    if fmt == "html":
        from .render.html import comparison_html

        if citations is None and comparable(c):
            from .citations import check_revision

            citations = check_revision(c)
        return comparison_html(c, lang=lang, generated=generated, citations=citations)
    if fmt == "md":
        from .render.markdown import comparison_markdown

        return comparison_markdown(c, lang=lang, generated=generated)
    if fmt == "json":
        from .render.json import comparison_json

        text = comparison_json(c)
        data = json.loads(text)
        if "comparable" not in data:
            # Key added for reports (DESIGN §5 allows new keys): a reader must not take an
            # empty `changes` for "no differences" when a side simply has no text.
            data["comparable"] = comparable(c)
            if generated:
                data.setdefault("generated", generated)
            text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        return text
    raise BadInputError(f"unknown report format {fmt!r}; use html, json or md")


def _display_path(path: Path) -> Path:
    """Relative to the current directory when inside it (what the CLI prints)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve())
    except ValueError:
        return path


def write_report(archive_option: str | None, old_ref: str, new_ref: str, output: str | None = None,
                 fmt: str = "html", lang: str = "zh", layout: str | None = None, changed_only: bool = False,
                 archive_wide: bool = False) -> Path:
    from . import api, outputs
    from .render.labels import check_lang

    if fmt not in EXTENSIONS:
        raise BadInputError(f"unknown report format {fmt!r}; use {', '.join(EXTENSIONS)}")
    check_lang(lang)
    layout = outputs.resolve_layout(fmt, layout, changed_only)
    old = api.load_side(archive_option, old_ref)
    new = api.load_side(archive_option, new_ref)
    generated = generated_timestamp()
    comparison = build_comparison(old, new)
    if outputs.handles(fmt, layout):
        data = outputs.report_bytes(comparison, fmt, lang, generated, layout=layout, changed_only=changed_only)
    else:
        citations = None
        if fmt == "html" and archive_wide:
            # the other archived documents citing the revised work (引用影响); without it
            # the report is the very file `build` writes for the pair
            from .citations_api import archive_impact

            citations = archive_impact(archive_option, comparison)
        # backslashreplace: a file name given in bytes that are not UTF-8 reaches the ref as
        # lone surrogates; show them as \udcff rather than fail to write the report
        text = render(comparison, fmt, lang, generated, citations=citations)
        if fmt != "html":  # Markdown and JSON get read in terminals; HTML is for a browser
            from .controls import escape_controls

            text = escape_controls(text)
        data = text.encode("utf-8", "backslashreplace")
    archive_root = _archive_root(archive_option)
    if output is not None:
        check_output_option(output)
        path = Path(output)
        if path.is_dir():
            raise BadInputError(f"-o {output} is a folder; give a file path such as {output}/report.{fmt}")
    else:
        top = work_tree_top(Path.cwd())
        if archive_root is not None and _inside(top, archive_root):
            raise BadInputError(f"the archive {archive_root} is the top of its git work tree, so a report has "
                                "no default place outside it: give -o PATH outside the archive")
        path = top / default_relative_path(old, new, fmt)
        if layout == "table" and fmt != "xlsx":  # beside the redline report, not over it
            path = path.with_name(f"{path.stem}.table{path.suffix}")
    check_outside_archive(path, archive_root)
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise BadInputError(output_problem(path, exc)) from None
    return _display_path(path)


def check_output_option(output: str) -> None:
    """-o "" (an empty path) is a mistake, not "the default"."""
    if not output.strip():
        raise BadInputError("-o is empty: give the path of the file to write, or leave -o out for the default")


def _archive_root(archive_option: str | None) -> Path | None:
    from . import api
    from .errors import ArchiveError

    try:
        root = api.locate_archive(archive_option, must_exist=False)
    except ArchiveError:
        return None
    return root if root.is_dir() else None


def _inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def check_outside_archive(path: Path, archive_root: Path | None) -> None:
    """Nothing but versions goes into the archive folder: a report written there would be
    an untracked file that `verify` fails on (issue 9)."""
    if archive_root is not None and _inside(path, archive_root):
        raise BadInputError(f"{path} is inside the archive {archive_root}: reports never go into the archive; "
                            "give -o a path outside it")


def output_problem(path: Path, error: OSError) -> str:
    """One line for an output file that cannot be written (a file where a folder must be,
    no permission, a full disk): what is wrong and what to do."""
    for folder in (path.parent, *path.parent.parents):
        if folder.exists():
            if not folder.is_dir():
                return (f"cannot write {path}: {folder} is a file, not a folder; "
                        "give -o a path in a folder")
            break
    reason = error.strerror or str(error)
    return f"cannot write {path}: {reason}; give -o a path in a folder you can write to"
