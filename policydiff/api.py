"""Library verbs that the CLI calls (imperative shell).

Each verb takes plain values, does the I/O (archive, files), calls the functional core
and returns either a model object or the rendered output as a string. The CLI only
prints what comes back. Any user-caused problem is raised as a PolicyDiffError.

Ownership while the project is young (one person edits one function at a time):
  locate_archive, init_archive, add_version, list_works, show, verify, load_side -> archive/ingest/structure
  diff, compare_refs, report                                                    -> align / render
  status, log                                                                   -> status
"""

from __future__ import annotations

from pathlib import Path

from .model import Comparison, Version


def locate_archive(option: str | None, must_exist: bool = True) -> Path:
    """--archive, else $POLICYDIFF_ARCHIVE, else versions/ at the top of the current git
    work tree, else ./versions (DESIGN §4)."""
    from . import archive

    return archive.locate(option, must_exist=must_exist)


def init_archive(directory: Path) -> Path:
    from . import archive_api

    return archive_api.init_archive(directory)


def add_version(archive_dir: Path, source: str | None, **fields) -> Version:
    """Import SOURCE (or record --no-text) as one version: one git commit, all or nothing."""
    from . import archive_api

    return archive_api.add_version(archive_dir, source, **fields)


def extraction_lines(added: Version) -> list[str]:
    """What `add` extracted from its file (title, 文号, issuers, dates, measures, repeals)."""
    from .render.extraction import extraction_lines as lines

    return lines(added.meta, added.document)


def remove_version(archive_dir: Path, ref: str, force: bool = False) -> tuple[str, list[str]]:
    """`policydiff rm W@V [--force]`: one commit removing one version; (commit, notes)."""
    from . import archive_api

    return archive_api.remove_version(archive_dir, ref, force=force)


def record_edit(archive_dir: Path, ref: str, reason: str) -> Version:
    """`policydiff edit W@V --reason TEXT`: commit a hand edit of the version's .md."""
    from . import archive_api

    return archive_api.record_edit(archive_dir, ref, reason)


def list_works(archive_dir: Path, fmt: str = "text") -> str:
    from . import archive_api

    return archive_api.list_works(archive_dir, fmt=fmt)


def load_side(archive_option: str | None, ref: str) -> Version:
    """A version for `show`/`diff`/`report`: an archived ref (WORK@VERSION, WORK, 文号) or,
    failing that, a plain file path parsed on the fly (no archive needed)."""
    from . import archive_api

    return archive_api.load_side(archive_option, ref)


def show(archive_option: str | None, ref: str, fmt: str = "text") -> str:
    from . import archive_api

    return archive_api.show(archive_option, ref, fmt=fmt)


def verify(archive_dir: Path) -> list[str]:
    from . import archive_api

    return archive_api.verify(archive_dir)


def compare_refs(archive_option: str | None, old_ref: str, new_ref: str) -> Comparison:
    """Load both sides (archived refs or plain files) and compare them. A side recorded
    without text raises MissingTextError (one line: what is missing, how to add it)."""
    from .compare import compare

    old = load_side(archive_option, old_ref)
    new = load_side(archive_option, new_ref)
    return compare(old, new)


def diff(archive_option: str | None, old_ref: str, new_ref: str, fmt: str = "text", color: bool = False,
         changed_only: bool = False) -> str:
    """`policydiff diff`: the alignment and redlines as text (coloured when color), the
    policydiff.diff/1 JSON, Markdown, or the 条文序号对照表 as CSV. The same output whether
    or not they differ. `changed_only` (text format only) leaves unchanged measures out."""
    from .errors import BadInputError

    if changed_only and fmt != "text":
        raise BadInputError(f"--changed-only is for the text format; {fmt} lists every measure "
                            "(each is accounted for exactly once)")
    comparison = compare_refs(archive_option, old_ref, new_ref)
    if fmt == "json":
        from .render.json import comparison_json

        return comparison_json(comparison)
    if fmt == "md":
        from .render.markdown import comparison_markdown

        return comparison_markdown(comparison)
    if fmt == "csv":
        from .render.correspondence import comparison_csv

        return comparison_csv(comparison)
    if fmt == "text":
        from .render.text import comparison_text

        return comparison_text(comparison, color=color, changed_only=changed_only)
    raise BadInputError(f"unknown diff format {fmt!r}: use text, json, md or csv")


def report(archive_option: str | None, old_ref: str, new_ref: str, output: str | None = None,
           fmt: str = "html", lang: str = "zh", layout: str | None = None, changed_only: bool = False,
           archive_wide: bool = False) -> Path:
    """`policydiff report`: write the html/json/md/docx/xlsx/pdf report of OLD -> NEW
    (default path reports/<work>/<old>__<new>.<ext> at the top of the work tree),
    atomically (the site's index is `build`'s). `layout`: "redline" (inline revisions) or
    "table" (the 新旧对照表); `changed_only` leaves unchanged articles out of the table.
    A side without text gives the report that says so (no compare)."""
    from .report_files import write_report

    return write_report(archive_option, old_ref, new_ref, output=output, fmt=fmt, lang=lang, layout=layout,
                        changed_only=changed_only, archive_wide=archive_wide)


def status(archive_dir: Path, query: str, measure: str | None = None, as_of: str | None = None,
           fmt: str = "text") -> str:
    """`policydiff status`: the archive's versions + today's date (unless --as-of) into the
    functional core (status.status), rendered by render.status."""
    import datetime

    from . import status as status_core
    from .render.status import render_status

    day = as_of if as_of is not None else datetime.date.today().isoformat()
    if measure is None:  # the document's status: the archive index stands in for the texts
        versions, facts = _indexed_versions(archive_dir)
        answer = status_core.status(versions, query, day, facts=facts)
    else:
        answer = status_core.status(_all_versions(archive_dir), query, day, measure=measure,
                                    compare=_compare_versions)
    return render_status(answer, fmt)


def _indexed_versions(archive_dir: Path):
    """Every archived version without its Document, and what each text says (TextFacts by
    ref), from the archive's index (archive/index.py): `list`, `status` and `log` without
    --measure read no body that has not changed since the last time."""
    from . import archive
    from .archive.index import indexed_versions

    return indexed_versions(archive.open_archive(archive_dir))


def _all_versions(archive_dir: Path) -> list[Version]:
    """Every archived version, parsed (status and log need the texts for their clauses)."""
    from . import archive, archive_api

    return archive_api.all_versions(archive.open_archive(archive_dir))


def _compare_versions(old: Version, new: Version) -> Comparison:
    from .compare import compare

    return compare(old, new)


def log(archive_dir: Path, work: str, measure: str | None = None, fmt: str = "text") -> str:
    """`policydiff log WORK`: the version timeline; with --measure, that measure's lineage
    through every version (WORK@VERSION names the version the label refers to; WORK alone,
    the earliest version with text that has that measure)."""
    from . import lineage, status as status_core
    from .errors import UnknownRefError
    from .render.status import render_lineage, render_log

    if measure is None:
        graph = status_core.build_graph(*_indexed_versions(archive_dir))
    else:
        graph = status_core.build_graph(_all_versions(archive_dir))
    work_id, _, version_id = work.partition("@")
    if work_id not in graph.works:
        raise UnknownRefError(f"no work {work_id!r} in the archive: try `policydiff list`")
    if measure is None:
        return render_log(work_id, lineage.timeline(graph, work_id), fmt)
    ordered = [graph.node(k).version for k in graph.works[work_id]]
    return render_lineage(lineage.trace_label(ordered, measure, _compare_versions, version_id or None), fmt)


def build(archive_dir: Path, out: str | None = None, *, jobs: int | None = None, engine: str = "local",
          scheduler: str | None = None, formats: tuple[str, ...] = (), lang: str = "zh",
          as_of: str | None = None, cache: str | None = None, use_cache: bool = True,
          progress_stream=None, progress_bar: bool | None = None):
    """`policydiff build [OUT]`: the archive as a static site (sitebuild). Decides what the
    core must not: today's date (unless --as-of), the CPU count, SOURCE_DATE_EPOCH, and
    where the site (reports/ at the top of the work tree) and the cache go."""
    import datetime
    import os

    from . import sitebuild
    from .errors import BadInputError
    from .render.labels import check_lang
    from .report_files import REPORTS_DIR, generated_timestamp, work_tree_top

    check_lang(lang)
    if as_of is not None:
        from . import frontmatter

        if not frontmatter.is_iso_date(as_of):
            raise BadInputError(f"--as-of {as_of!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-10-09")
    top = work_tree_top(Path.cwd())
    site = Path(out) if out else top / REPORTS_DIR
    if cache is not None:
        cache_dir: Path | None = Path(cache)
    elif use_cache:
        cache_dir = top / sitebuild.CACHE_DIR_NAME / "build"
    else:
        cache_dir = None
    wanted = tuple(dict.fromkeys([*sitebuild.DEFAULT_FORMATS, *formats]))
    options = sitebuild.BuildOptions(
        jobs=jobs or os.cpu_count() or 1, engine=engine, scheduler=scheduler, formats=wanted, lang=lang,
        cache_dir=cache_dir, as_of=as_of or datetime.date.today().isoformat(),
        generated=generated_timestamp(),
    )
    return sitebuild.build_site(archive_dir, site, options, progress_stream=progress_stream,
                                progress_bar=progress_bar)


def import_folder(archive_dir: Path, folder: str, *, pattern: str | None = None, manifest: str | None = None,
                  excludes: tuple[str, ...] = (), jobs: int | None = None, report=None):
    """`policydiff import FOLDER`: every version in a folder, one commit each (bulkimport)."""
    import os

    from . import archive, bulkimport

    store = archive.open_archive(archive_dir)
    if manifest:
        entries, ignored = bulkimport.entries_from_manifest(Path(manifest), Path(folder)), 0
    else:
        entries, ignored = bulkimport.entries_from_pattern(Path(folder), pattern or bulkimport.DEFAULT_PATTERN,
                                                           excludes)
    summary = bulkimport.import_entries(store, entries, jobs=jobs or os.cpu_count() or 1, report=report)
    summary.ignored = ignored
    return summary


def citations(archive_option: str | None, old_ref: str, new_ref: str, fmt: str = "text", *,
              archive_wide: bool = False, all_versions: bool = False) -> str:
    """`policydiff citations OLD NEW`: every citation of the old version mapped through the
    alignment and checked against the new text, the 条文序号对照表, and with archive_wide
    the citations of the revised work in the other archived documents (citations_api)."""
    from . import citations_api

    return citations_api.citations(archive_option, old_ref, new_ref, fmt=fmt, archive_wide=archive_wide,
                                   all_versions=all_versions)
