"""Library verbs that the CLI calls (imperative shell).

Each verb takes plain values and an archive the caller opened once (an `Archive`, or a
`NoArchive` saying why there is none, for the verbs that also take plain files), does the
I/O (archive, files, today's date), calls the functional core and returns a model object
or the rendered output as a string. The CLI only prints what comes back. Any
user-caused problem is raised as a PolicyDiffError.

    locate_archive, open_archive, find_archive, init_archive, next_step   where the archive is
    add_version, remove_version, record_edit                              one version in, out, edited
    list_works, show, verify, load_side, all_versions                     reading
    compare_refs, diff, report, citations                                 align / render
    status, log                                                           status / lineage
    build, import_folder                                                  sitebuild / bulkimport

Import graph: api imports the core, `archive`, `intake`, `report_files` and the leaf
`files`; nothing below it imports api (tests/test_shell.py checks there is no circle).
"""

from __future__ import annotations

import contextlib
import datetime
import os
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from types import EllipsisType
from typing import Callable, Sequence, Union

from . import archive as archive_mod
from . import checkout, files
from .errors import AmbiguousRefError, ArchiveError, BadInputError, UnknownRefError
from .intake import AddRequest, archived_file, in_archive_layout, load_file, load_file_pair
from .model import Comparison, Version
from .refs import Ref


# --------------------------------------------------------------------------- the archive


@dataclass(frozen=True)
class NoArchive:
    """No archive could be opened, and why: `diff`, `report` and `show` still take plain
    files, and name the reason when a ref was not a file either."""

    reason: str


MaybeArchive = Union["archive_mod.Archive", NoArchive, None]  # None: no archive was looked for
# What a library caller may hand a verb: the archive opened once (what the CLI does), or
# its folder (opened for that one call).
ArchiveLike = Union["archive_mod.Archive", str, os.PathLike]


def _is_archive(value: object) -> bool:
    """Whether value is an opened Archive, without loading the archive's store when no
    Archive was ever made: a diff of two plain files opens none, and its start-up need not
    import the store and transaction machinery (issue 14; archive/__init__.py loads them
    on first use). The names in quotes above are forward references for the same reason."""
    store = sys.modules.get("policydiff.archive.store")
    return store is not None and isinstance(value, store.Archive)


def _opened(archive: ArchiveLike) -> archive_mod.Archive:
    return archive if _is_archive(archive) else archive_mod.Archive(archive)


def _maybe_opened(archive: MaybeArchive | str | os.PathLike) -> MaybeArchive:
    if archive is None or isinstance(archive, NoArchive) or _is_archive(archive):
        return archive
    try:
        return archive_mod.Archive(archive)
    except ArchiveError as exc:
        return NoArchive(str(exc))


def is_archive_root(folder: Path) -> bool:
    """A folder made by `policydiff init` (or by the first `add`): its .gitignore names the
    archive's lock file. Rejected: a marker file of our own, which archives made before
    it would lack."""
    try:
        lines = (folder / ".gitignore").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return False
    return archive_mod.LOCK_NAME in lines


def discover_archive(cwd: Path) -> Path | None:
    """The archive holding `cwd`: the nearest folder upward, up to the top of the git
    work tree, that is an archive root, else `versions/` at the top when it is one. None
    outside a git work tree (an archive lives in one)."""
    cwd = cwd.absolute()
    top = files.work_tree_top(cwd)
    if top is None:
        return None
    for folder in (cwd, *cwd.parents):
        if is_archive_root(folder):
            return folder
        if folder == top:
            break
    default = top / archive_mod.DEFAULT_ARCHIVE_NAME
    return default if is_archive_root(default) else None


def locate_archive(option: str | os.PathLike | None, must_exist: bool = True, cwd: Path | None = None) -> Path:
    """--archive, else $POLICYDIFF_ARCHIVE, else the archive holding the current folder
    (`discover_archive`: from inside an archive or a subfolder of one), else versions/ at
    the top of the current git work tree, else ./versions (DESIGN §4). With `must_exist`,
    a missing folder is an ArchiveError that says to run `policydiff init`."""
    cwd = cwd or Path.cwd()
    if option:
        path, how = Path(option), "--archive"
    elif os.environ.get("POLICYDIFF_ARCHIVE"):
        path, how = Path(os.environ["POLICYDIFF_ARCHIVE"]), "$POLICYDIFF_ARCHIVE"
    else:
        found = discover_archive(cwd)
        if found is not None:
            return found
        path = (files.work_tree_top(cwd) or cwd) / archive_mod.DEFAULT_ARCHIVE_NAME
        how = "the default"
    path = path if path.is_absolute() else cwd / path
    if path.exists() and not path.is_dir():
        raise ArchiveError(f"the archive {path} ({how}) is not a folder: point it at an archive folder, "
                           "or run `policydiff init DIR` to make one")
    if must_exist and not path.is_dir():
        raise ArchiveError(
            f"no archive at {path} ({how}): run `policydiff init {path}` to make one, "
            "or point --archive / $POLICYDIFF_ARCHIVE at an existing archive"
        )
    return path


def open_archive(option: str | os.PathLike | None) -> archive_mod.Archive:
    """The archive a command works on, opened (ArchiveError when there is none)."""
    root = locate_archive(option, must_exist=True)  # first: no archive, no store to import
    return archive_mod.Archive(root)


def find_archive(option: str | os.PathLike | None) -> MaybeArchive:
    """The archive, or NoArchive with the reason (for verbs that also take plain files)."""
    try:
        return open_archive(option)
    except ArchiveError as exc:
        return NoArchive(str(exc))


def init_archive(directory: Path) -> Path:
    return archive_mod.init(directory)


ADD_COMMAND = "policydiff add FILE --work WORK --version VERSION"


def next_step(root: Path, cwd: Path | None = None) -> str:
    """The command to run after `init`: `add` as it would be typed here, with a `cd` (or
    --archive, when $POLICYDIFF_ARCHIVE points elsewhere) when the archive would not be
    found from the current folder."""
    cwd = cwd or Path.cwd()
    root = root.absolute()
    try:
        here = locate_archive(None, must_exist=False, cwd=cwd).absolute()
    except ArchiveError:
        here = None
    if here == root:
        return ADD_COMMAND
    if os.environ.get("POLICYDIFF_ARCHIVE"):
        return f"policydiff --archive {files.display_path(root, cwd)} add FILE --work WORK --version VERSION"
    return f"cd {files.display_path(root, cwd)} && {ADD_COMMAND}"


# --------------------------------------------------------------------------- versions


def add_version(archive: ArchiveLike, request: AddRequest) -> Version:
    """Import the request's source (or record it without text) as one version: one git
    commit, all or nothing. The returned Version carries the parsed document (for `add`'s
    report of what it extracted). request.dry_run: read and parse, write nothing (the
    returned Version has no path and no commit)."""
    from .intake import prepare_version

    store = _opened(archive)
    new = prepare_version(request, store)
    document = None
    if new.has_text:
        from .mdbody import from_markdown

        document = from_markdown(new.body, new.meta)
    if request.dry_run:
        return Version(work=new.work, version=new.version, meta=new.meta, has_text=new.has_text,
                       document=document, notes=new.notes, text_sha256=new.text_sha256)
    added = _with_recovery_notes(store, store.add(new, replace=request.replace,
                                                  allow_duplicate_text=request.allow_duplicate_text))
    return replace(added, document=document) if document is not None else added


def _with_recovery_notes(store: archive_mod.Archive, version: Version) -> Version:
    """What recovery did on the way (a stale git lock removed, an interrupted add undone)
    is told with the version's notes, which the CLI prints on stderr."""
    notes = getattr(store, "recovery_notes", [])
    return replace(version, notes=(*version.notes, *notes)) if notes else version


def _one_version(command: str, ref: str) -> tuple[str, str]:
    from .refs import check_version_id, check_work_id

    work, at, version = ref.partition("@")
    if not at or not work or not version:
        raise BadInputError(f"{command} needs WORK@VERSION (one version), not {ref!r}: see `policydiff list`")
    check_work_id(work)
    check_version_id(version)
    return work, version


def remove_version(archive: ArchiveLike, ref: str, force: bool = False) -> tuple[str, list[str]]:
    """`policydiff rm W@V [--force]`: one commit that removes one version. Refused when
    another version's repeal or lineage depends on it (found by the status core's
    succession graph), unless `force`. Returns (commit, notes)."""
    work, version = _one_version("rm", ref)
    store = _opened(archive)
    if version not in store.version_ids(work):
        raise UnknownRefError(f"{ref} is not in the archive {store.root}: see `policydiff list`")
    dependents = _dependents(store, ref)
    if dependents and not force:
        raise ArchiveError(f"{ref} is not removed: {'; '.join(dependents)}; add --force to remove it anyway")
    commit = store.remove(work, version, force=force, dependents=tuple(dependents))
    return commit, list(getattr(store, "recovery_notes", []))


def _dependents(store: archive_mod.Archive, ref: str) -> list[str]:
    """Other archived versions whose repeal or lineage goes through `ref`, one phrase each."""
    from .status import build_graph

    graph = build_graph(all_versions(store))
    key = next((k for k, node in graph.nodes.items() if node.ref == ref), None)
    if key is None:
        return []
    phrases = []
    for edge in graph.edges:
        if edge.old == key and edge.new != key:
            other = graph.node(edge.new).ref
            what = "is the version after it" if edge.kind == "supersede" else "repeals it"
            phrases.append(f"{other} {what}")
        elif edge.new == key and edge.old is not None and edge.old != key and graph.node(edge.old).archived:
            other = graph.node(edge.old).ref
            what = "is the version before it" if edge.kind == "supersede" else "is repealed by it"
            phrases.append(f"{other} {what}")
    return list(dict.fromkeys(phrases))


def record_edit(archive: ArchiveLike, ref: str, reason: str) -> Version:
    """`policydiff edit W@V --reason TEXT`: commit a hand edit of the version's .md."""
    from .intake import check_text

    work, version = _one_version("edit", ref)
    if not reason or not reason.strip():
        raise BadInputError("--reason is empty: say why the archived text was corrected by hand")
    check_text("--reason", reason)
    store = _opened(archive)
    return _with_recovery_notes(store, store.record_edit(work, version, reason.strip()))


def extraction_lines(added: Version) -> list[str]:
    """What `add` extracted from its file (title, 文号, issuers, dates, measures, repeals)."""
    from .render.extraction import extraction_lines as lines

    return lines(added.meta, added.document)


def _listed_version(version: Version, answer):
    from .render import document as render_doc

    by = answer.repealed_by.key if answer.repealed_by is not None else None
    return render_doc.ListedVersion(version, answer.status,
                                    repealed_by=by if answer.status == "repealed" else None,
                                    superseded_by=by if answer.status == "superseded" else None)


def list_works(archive: ArchiveLike, fmt: str = "text") -> str:
    """`policydiff list`: every version's status today, from one succession graph of the
    whole archive (status.archive_statuses), so that `list` and `status` cannot disagree."""
    from .render import document as render_doc
    from .status import archive_statuses

    from .archive.index import read_index

    store = _opened(archive)
    today = datetime.date.today().isoformat()  # `list` answers for today, like `status`
    indexed = read_index(store)  # the index stands in for unchanged texts (and work.yaml files)
    answers = archive_statuses(indexed.versions, today, indexed.facts)
    by_work: dict[str, list] = {work: [] for work in indexed.works}
    for version in indexed.versions:  # in work and time order
        by_work[version.work].append(_listed_version(version, answers[version.ref]))
    listed = [render_doc.ListedWork(work, info.get("title"), by_work[work]) for work, info in indexed.works.items()]
    return render_doc.render_list(listed, fmt)


def verify(archive: ArchiveLike) -> list[str]:
    """`policydiff verify`: every problem, one line each. It also mends the archive index
    (derived, in .git): every file hashed again, never trusted by its stat signature, and
    any stale entry derived again — so `verify` is the full check the index's stat fast
    path leaves to it (archive/index.py). An index that cannot be mended is no problem of
    the archive (the next `list` derives what it needs)."""
    from .archive.index import read_index
    from .errors import PolicyDiffError

    store = _opened(archive)
    problems = store.verify()
    try:
        read_index(store, trust_stat=False)
    except (PolicyDiffError, OSError, UnicodeDecodeError):
        pass  # a file the index cannot read: verify has named it above
    return problems


def _lookup(store: archive_mod.Archive, ref: Ref, text: str) -> tuple[Version | None, list[str]]:
    """The archived version a ref names (None when it names none), and what was tried."""
    tried: list[str] = []
    if ref.kind == "version":
        tried.append(f"version {text} in the archive")
        if ref.version in store.version_ids(ref.work):
            return store.read(ref.work, ref.version), tried
        known = store.version_ids(ref.work)
        if known:
            tried[-1] += f" (versions of {ref.work}: {', '.join(known)})"
    elif ref.kind == "work":
        tried.append(f"work {text} in the archive")
        ordered = store.versions(ref.work)
        if ordered:
            return store.read(ref.work, ordered[-1].version), tried
    elif ref.kind == "doc_no":
        tried.append(f"文号 {text} in the archive")
        matches = store.find_doc_no(text)
        if len(matches) > 1:
            raise AmbiguousRefError(f"{text} names several archived versions: "
                                    f"{', '.join(v.ref for v in matches)}; use WORK@VERSION")
        if matches:
            return store.read(matches[0].work, matches[0].version), tried
    return None, tried


def load_side(archive: MaybeArchive | str | os.PathLike, ref: str) -> Version:
    """A version for `show`/`diff`/`report`: an archived ref (WORK@VERSION, WORK, 文号) or,
    failing that, a plain file path parsed on the fly (no archive needed)."""
    parsed = Ref.parse(ref)
    store = _maybe_opened(archive)
    archived = store if _is_archive(store) else None
    tried: list[str] = []
    if archived is not None:
        found, tried = _lookup(archived, parsed, ref)
        if found is not None:
            return found
    path = Path(ref)
    if path.is_file():
        own = archived_file(archived, path)
        return own if own is not None else load_file(path)
    if path.is_dir():
        tried.append(f"the path {ref} (a folder, not a file)")
    elif path.exists():
        tried.append(f"the path {ref} (not a regular file: a pipe or device?)")
    else:
        tried.append(f"a file named {ref}")
    if archived is not None:
        works = archived.works()
        known = f"known works: {', '.join(works)}" if works else "the archive is empty"
    else:
        known = store.reason if isinstance(store, NoArchive) else "no archive"
    raise UnknownRefError(f"unknown ref {ref!r}: tried {'; '.join(tried)}; {known}. "
                          "Give WORK@VERSION, WORK, a 文号 or the path of a file")


def show(archive: MaybeArchive | str | os.PathLike, ref: str, fmt: str = "text") -> str:
    """`policydiff show REF`: one version, parsed (md: the archived file as stored)."""
    from . import frontmatter
    from .render import document as render_doc

    store = _maybe_opened(archive)
    version = load_side(store, ref)
    markdown = None
    if fmt == "md":
        if version.work and version.version and _is_archive(store):
            markdown = store.file_text(version.work, version.version)
        else:
            from .mdbody import to_markdown

            matter = frontmatter.front_matter(
                None, None, version.meta, has_text=True, source=version.source,
                text_sha256=version.text_sha256, notes=version.notes)
            markdown = frontmatter.compose(matter, to_markdown(version.document))
    return render_doc.render_document(version, fmt, markdown)


# --------------------------------------------------------------------------- comparing


Warn = Callable[[str], None]  # how a verb reports a one-line warning (the CLI: stderr)


def with_worktree_state(store: MaybeArchive, versions: Sequence[Version]) -> list[Version]:
    """The versions, each archived one marked `uncommitted` when its file in the work tree
    is not what its commit holds (one `git status` for all)."""
    if not _is_archive(store) or not any(v.work for v in versions):
        return list(versions)
    states = store.uncommitted_versions()
    return [replace(v, uncommitted=states[v.ref]) if v.work and v.ref in states else v for v in versions]


def uncommitted_warning(versions: Sequence[Version]) -> str | None:
    """One line naming every version whose archived file is not what its commit holds."""
    return _uncommitted_line([(v.ref, v.uncommitted, v.commit) for v in versions if v.uncommitted])


def _uncommitted_line(edited: Sequence[tuple[str, str, str | None]]) -> str | None:
    if not edited:
        return None
    what = "; ".join(f"{ref} ({state}" + (f" since {commit[:12]}" if commit else "") + ")"
                     for ref, state, commit in edited)
    return (f"archived file(s) differ from the commit cited: {what}; this output reads the files as they are now: "
            "commit the edits (or restore them with git checkout) and run it again")


def _warn_uncommitted(versions: Sequence[Version], warn: Warn | None) -> None:
    line = uncommitted_warning(versions)
    if line and warn is not None:
        warn(line)


def _sides(store: MaybeArchive, old_ref: str, new_ref: str) -> tuple[Version, Version]:
    """Both sides loaded, marked when their archived file has an uncommitted edit (the
    caller warns once its output is made: an error stays the one line it prints). Two
    plain files are read at once when they are large (intake.load_file_pair)."""
    files_named = _plain_files(store, old_ref, new_ref)
    if files_named is not None:
        sides = list(load_file_pair(*files_named))
    else:
        sides = [load_side(store, old_ref), load_side(store, new_ref)]
    old, new = with_worktree_state(store, sides)
    return old, new


def _plain_files(store: MaybeArchive, old_ref: str, new_ref: str) -> tuple[Path, Path] | None:
    """The two files when `load_side` would read both refs as plain files (path refs to
    regular files that are no archived version), else None; None too when asking fails,
    so that load_side raises its errors in their order."""
    def plain(ref: str) -> Path | None:
        if Ref.parse(ref).kind != "path":
            return None  # an archive ref, or a path only when the archive lacks it
        path = Path(ref)
        if not path.is_file():
            return None
        if _is_archive(store) and in_archive_layout(store, path):
            return None  # possibly an archived version's own file (archived_file)
        return path

    try:
        old, new = plain(old_ref), plain(new_ref)
    except Exception:
        return None
    return (old, new) if old is not None and new is not None else None


def compare_refs(archive: MaybeArchive | str | os.PathLike, old_ref: str, new_ref: str,
                 warn: Warn | None = None) -> Comparison:
    """Load both sides (archived refs or plain files) and compare them, naming the tool's
    own commit. A large pair is compared on two cores (forkmap.mapper_for). A side
    recorded without text raises MissingTextError (one line: what is missing, how to add
    it)."""
    from .compare import compare
    from .forkmap import mapper_for, reap

    old, new = _sides(_maybe_opened(archive), old_ref, new_ref)
    asking = _ask_tool_commit()
    # a fork waits for that thread first: a process forked beside a running thread may
    # inherit a lock the thread held, locked forever
    mapper = mapper_for(old, new, before_fork=asking.join)
    try:
        comparison = compare(old, new, mapper=mapper)
    finally:
        asking.join()
        reap()  # a child that sent its chunk ended long since: no zombie, its CPU counted
    comparison = replace(comparison, tool_commit=checkout.tool_commit())
    _warn_uncommitted((old, new), warn)
    return comparison


def _ask_tool_commit():
    """A started thread asking git for `checkout.tool_commit()` (cached once answered):
    three git processes, ~25 ms of a small diff's ~0.3 s, run while this process compares
    (issue 14). Started after both sides are read, never before intake's fork."""
    import threading

    thread = threading.Thread(target=checkout.tool_commit, name="tool-commit", daemon=True)
    thread.start()
    return thread


def diff(archive: MaybeArchive | str | os.PathLike, old_ref: str, new_ref: str, fmt: str = "text",
         color: bool = False, changed_only: bool = False, warn: Warn | None = None,
         encoded: bool = False) -> str | bytes:
    """`policydiff diff`: the alignment and redlines as text (coloured when color), the
    policydiff.diff/1 JSON, Markdown, or the 条文序号对照表 as CSV. The same output whether
    or not they differ. `changed_only` (text format only) leaves unchanged measures out.
    `encoded`: the JSON may come as its UTF-8 bytes (render.json.comparison_json_encoded:
    a large diff's, for a caller that writes bytes; issue 14); always str otherwise."""
    if fmt not in ("text", "json", "md", "csv"):
        raise BadInputError(f"unknown diff format {fmt!r}: use text, json, md or csv")
    if changed_only and fmt != "text":
        raise BadInputError(f"--changed-only is for the text format; {fmt} lists every measure "
                            "(each is accounted for exactly once)")
    with _no_cycle_collection():
        return _diff_output(compare_refs(archive, old_ref, new_ref, warn=warn), fmt, color, changed_only, encoded)


@contextlib.contextmanager
def _no_cycle_collection():
    """Python's cycle collector off while one diff runs, on again after (issue 14): reading,
    comparing and rendering allocate hundreds of thousands of objects that live to the end
    and form no cycles, and each collection walks them all: 7% of the test compilation's
    CPU (2.41 -> 2.25 s in process). What a diff leaves in cycles is a few hundred objects
    (+1 MB measured), freed by the next collection."""
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _diff_output(comparison: Comparison, fmt: str, color: bool, changed_only: bool,
                 encoded: bool = False) -> str | bytes:
    if fmt == "json":
        from .render.json import comparison_json, comparison_json_encoded

        return comparison_json_encoded(comparison) if encoded else comparison_json(comparison)
    if fmt == "md":
        from .render.markdown import comparison_markdown

        return comparison_markdown(comparison)
    if fmt == "csv":
        from .render.correspondence import comparison_csv

        return comparison_csv(comparison)
    from .render.text import comparison_text

    return comparison_text(comparison, color=color, changed_only=changed_only)


def report(archive: MaybeArchive | str | os.PathLike, old_ref: str, new_ref: str, output: str | None = None,
           fmt: str = "html", lang: str = "zh", layout: str | None = None, changed_only: bool = False,
           archive_wide: bool = False, warn: Warn | None = None) -> Path:
    """`policydiff report`: write the html/json/md/docx/xlsx/pdf report of OLD -> NEW
    (default path reports/<work>/<old>__<new>.<ext> at the top of the work tree),
    atomically (the site's index is `build`'s). `layout`: "redline" (inline revisions) or
    "table" (the 新旧对照表); `changed_only` leaves unchanged articles out of the table;
    `archive_wide` (html, md): the 引用影响 section also reads the other archived documents
    (without it the report is the very file `build` writes for the pair).
    A side without text gives the report that says so (no compare). Returns the path as
    the CLI prints it."""
    from . import outputs, report_files
    from .render.labels import check_lang

    report_files.check_format(fmt)
    check_lang(lang)
    layout = outputs.resolve_layout(fmt, layout, changed_only)
    store = _maybe_opened(archive)
    old, new = _sides(store, old_ref, new_ref)
    generated = files.generated_timestamp()
    comparison = replace(report_files.build_comparison(old, new), tool_commit=checkout.tool_commit())
    if outputs.handles(fmt, layout):
        data: str | bytes = outputs.report_bytes(comparison, fmt, lang, generated, layout=layout,
                                                 changed_only=changed_only)
    else:
        citations = None
        if fmt in ("html", "md") and archive_wide:
            from .citations_api import archive_impact

            citations = archive_impact(store, comparison)
        data = report_files.render(comparison, fmt, lang, generated, citations=citations)
        if fmt != "html":  # Markdown and JSON get read in terminals; HTML is for a browser
            from .controls import escape_controls

            data = escape_controls(data)
    archive_root = _archive_root(store)
    if output is not None:
        path = files.check_output_file(output, report_files.EXTENSIONS[fmt])
    else:
        cwd = Path.cwd()
        top = files.work_tree_top(cwd) or cwd.absolute()
        if archive_root is not None and files.inside(top, archive_root):
            raise BadInputError(f"the archive {archive_root} is the top of its git work tree, so a report has "
                                "no default place outside it: give -o PATH outside the archive")
        path = report_files.default_path(top, old, new, fmt, layout)
    files.check_outside_archive(path, archive_root)
    files.write_output(path, data)
    _warn_uncommitted((old, new), warn)
    return files.display_path(path)


def _archive_root(store: MaybeArchive) -> Path | None:
    """The archive folder, where no output may go (None: no archive)."""
    return store.root if _is_archive(store) else None


def citations(archive: MaybeArchive | str | os.PathLike, old_ref: str, new_ref: str, fmt: str = "text", *,
              archive_wide: bool = False, all_versions: bool = False, lang: str = "zh") -> str:
    """`policydiff citations OLD NEW`: every citation of the old version mapped through the
    alignment and checked against the new text, the 条文序号对照表, and with archive_wide
    the citations of the revised work in the other archived documents (citations_api).
    `lang` ("zh" or "en") words the text output and the CSV's reason_text."""
    from . import citations_api
    from .render.labels import check_lang

    citations_api.check_format(fmt)
    check_lang(lang)
    found = citation_report(archive, old_ref, new_ref, archive_wide=archive_wide, all_versions=all_versions)
    return citations_api.render(found, fmt, lang)


def citation_report(archive: MaybeArchive | str | os.PathLike, old_ref: str, new_ref: str, *,
                    archive_wide: bool = False, all_versions: bool = False):
    """The citations_check.CitationReport behind `policydiff citations` (see `citations`)."""
    from . import citations_api

    store = _maybe_opened(archive)
    comparison = compare_refs(store, old_ref, new_ref)
    return citations_api.citation_report(store, comparison, archive_wide=archive_wide, all_versions=all_versions)


# --------------------------------------------------------------------------- status, log


def indexed_versions(archive: ArchiveLike):
    """Every archived version without its Document, and what each text says (TextFacts by
    ref), from the archive's index (archive/index.py): `list`, `status` and `log` without
    --measure read no body that has not changed since the last time."""
    from .archive.index import indexed_versions as from_index

    return from_index(_opened(archive))


def all_versions(archive: ArchiveLike) -> list[Version]:
    """Every archived version with its text, in work and time order: the one loader of
    `list`, `status` and `log`. The texts are needed, not only the front matter: an
    有效期至 clause lives in the text."""
    store = _opened(archive)
    return [v for work in store.works() for v in store.versions(work, document=True, commit=False)]


def _compare_versions(old: Version, new: Version) -> Comparison:
    from .compare import compare

    return compare(old, new)


def status(archive: ArchiveLike, query: str, measure: str | None = None, as_of: str | None = None,
           fmt: str = "text", warn: Warn | None = None) -> str:
    """`policydiff status`: the archive's versions + today's date (unless --as-of) into the
    functional core (status.status), rendered by render.status."""
    from . import status as status_core
    from .render.status import render_status

    store = _opened(archive)
    day = as_of if as_of is not None else datetime.date.today().isoformat()
    if measure is None:  # the document's status: the archive index stands in for the texts
        versions, facts = indexed_versions(store)
        answer = status_core.status(versions, query, day, facts=facts)
    else:
        answer = status_core.status(all_versions(store), query, day, measure=measure, compare=_compare_versions)
    text = render_status(answer, fmt)
    # the answer read every version's file: name those that differ from their commit
    line = _uncommitted_line([(ref, state, None) for ref, state in sorted(store.uncommitted_versions().items())])
    if line and warn is not None:
        warn(line)
    return text


def log(archive: ArchiveLike, work: str, measure: str | None = None, fmt: str = "text", lang: str = "zh") -> str:
    """`policydiff log WORK`: the version timeline; with --measure, that measure's lineage
    through every version (WORK@VERSION names the version the label refers to; WORK alone,
    the earliest version with text that has that measure)."""
    from . import lineage, status as status_core
    from .render.status import render_lineage, render_log

    if measure is None:
        graph = status_core.build_graph(*indexed_versions(archive))
    else:
        graph = status_core.build_graph(all_versions(archive))
    work_id, _, version_id = work.partition("@")
    if work_id not in graph.works:
        raise UnknownRefError(f"no work {work_id!r} in the archive: try `policydiff list`")
    if measure is None:
        return render_log(work_id, lineage.timeline(graph, work_id), fmt, lang)
    ordered = [graph.node(k).version for k in graph.works[work_id]]
    return render_lineage(lineage.trace_label(ordered, measure, _compare_versions, version_id or None), fmt, lang)


def write_text_output(output: str, text: str, archive: MaybeArchive = None) -> str:
    """`log -o FILE` and the like: write `text` to FILE atomically (never inside the
    archive; control characters escaped: a file is shown in a terminal too); returns FILE."""
    from .controls import escape_controls

    files.check_output_option(output)
    files.check_outside_archive(Path(output), _archive_root(archive))
    files.write_output(Path(output), escape_controls(text))
    return output


# --------------------------------------------------------------------------- many at once


def build(archive: ArchiveLike, out: str | None = None, *, jobs: int | None = None, engine: str = "local",
          scheduler: str | None = None, formats: tuple[str, ...] = (), lang: str = "zh",
          as_of: str | None = None, cache: str | None = None, use_cache: bool = True,
          progress_stream=None, progress_bar: bool | None = None, tool_commit: "str | None | EllipsisType" = ...):
    """`policydiff build [OUT]`: the archive as a static site (sitebuild). Decides what the
    core must not: today's date (unless --as-of), the CPU count, SOURCE_DATE_EPOCH, and
    where the site (reports/ at the top of the work tree) and the cache go. `tool_commit`:
    the tool commit the reports name (default: this checkout's, `checkout.tool_commit`);
    the shipped-site test passes the one reports/index.json records."""
    from . import frontmatter, sitebuild
    from .render.labels import check_lang
    from .report_files import REPORTS_DIR

    check_lang(lang)
    if as_of is not None and not frontmatter.is_iso_date(as_of):
        raise BadInputError(f"--as-of {as_of!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-10-09")
    cwd = Path.cwd()
    top = files.work_tree_top(cwd) or cwd.absolute()
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
        generated=files.generated_timestamp(),
        tool_commit=checkout.tool_commit() if tool_commit is ... else tool_commit,
    )
    return sitebuild.build_site(_opened(archive), site, options, progress_stream=progress_stream,
                                progress_bar=progress_bar)


def import_folder(archive: ArchiveLike, folder: str, *, pattern: str | None = None,
                  manifest: str | None = None, excludes: tuple[str, ...] = (), jobs: int | None = None, report=None):
    """`policydiff import FOLDER`: every version in a folder, one commit each (bulkimport)."""
    from . import bulkimport

    if manifest:
        entries, ignored = bulkimport.entries_from_manifest(Path(manifest), Path(folder)), 0
    else:
        entries, ignored = bulkimport.entries_from_pattern(Path(folder), pattern or bulkimport.DEFAULT_PATTERN,
                                                           excludes)
    summary = bulkimport.import_entries(_opened(archive), entries, jobs=jobs or os.cpu_count() or 1, report=report)
    summary.ignored = ignored
    return summary
