"""The archive verbs behind `policydiff init/add/list/show/verify` and `load_side`
(imperative shell). `api` delegates here, so that the shared api.py stays a list of
one-line verbs that several people can edit without stepping on each other.

Reads files and the archive; the parsing and rendering are done by the functional core
(ingest, structure, mdbody, render.document).
"""

from __future__ import annotations

import datetime
from dataclasses import replace as dc_replace
import os
import stat
from pathlib import Path
from typing import Any, Sequence

from . import archive as archive_mod
from . import frontmatter
from .controls import control_problem
from .errors import AmbiguousRefError, ArchiveError, BadInputError, UnknownRefError
from .model import DocumentMeta, Source, Version
from .refs import Ref, check_version_id, check_work_id
from .render import document as render_doc


# --------------------------------------------------------------------------- helpers


def _check_date(option: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not frontmatter.is_iso_date(value):
        raise BadInputError(f"{option} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-10-09")
    return value


def _check_text(option: str, value: str | None) -> str | None:
    """A command-line text value must be real text: bytes that were not valid in the
    locale's encoding reach Python as lone surrogates, which no file can store. And it
    is a single line: it goes into front matter and the commit message, where a newline
    would forge a line of its own (``repeals: [...]``) and an escape sequence would
    reach every terminal that shows it."""
    if value and any("\ud800" <= c <= "\udfff" for c in value):
        raise BadInputError(f"{option} is not valid text in this terminal's encoding "
                            f"({value.encode('utf-8', 'backslashreplace').decode('ascii', 'replace')}): "
                            "type it again as UTF-8")
    problem = control_problem(value) if value else None
    if problem:
        raise BadInputError(f"{option} {problem}: give it on one line, without control characters")
    return value


def _read_source(source: str) -> bytes:
    path = Path(source)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise BadInputError(f"no such file: {source}: give the path of the document file") from None
    except OSError as exc:
        raise BadInputError(f"cannot read {source} ({exc.strerror}): check the path and permissions") from None
    if stat.S_ISDIR(mode):
        raise BadInputError(f"{source} is a folder: give the path of the document file")
    if not stat.S_ISREG(mode):  # a pipe or a device would block or never end
        raise BadInputError(f"{source} is not a regular file (a pipe or device?): save the text to a file first")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInputError(f"no such file: {source}: give the path of the document file") from None
    except IsADirectoryError:
        raise BadInputError(f"{source} is a folder: give the path of the document file") from None
    except OSError as exc:
        raise BadInputError(f"cannot read {source} ({exc.strerror}): check the path and permissions") from None


# parse_file and merge_meta live in archive/derive.py: `add` and `verify` (which re-derives
# each body from its kept source) must derive a body the same way.
from .archive.derive import _unique, merge_meta, parse_file  # noqa: E402,F401  (callers import them from here)


# --------------------------------------------------------------------------- verbs


def init_archive(directory: Path) -> Path:
    return archive_mod.init(directory)


def add_version(archive_dir: Path, source: str | None, *, replace: bool = False, dry_run: bool = False,
                allow_duplicate_text: bool = False, **fields) -> Version:
    """Import SOURCE as one version; the returned Version carries the parsed document (for
    `add`'s report of what it extracted). dry_run: read and parse, write nothing (the
    returned Version has no path and no commit)."""
    store = archive_mod.Archive(archive_dir)
    new = prepare_version(store, source, **fields)
    document = None
    if new.has_text:
        from .mdbody import from_markdown

        document = from_markdown(new.body, new.meta)
    if dry_run:
        return Version(work=new.work, version=new.version, meta=new.meta, has_text=new.has_text,
                       document=document, notes=new.notes, text_sha256=new.text_sha256)
    added = _with_recovery_notes(store, store.add(new, replace=replace, allow_duplicate_text=allow_duplicate_text))
    return dc_replace(added, document=document) if document is not None else added


def _with_recovery_notes(store: Any, version: Version) -> Version:
    """What recovery did on the way (a stale git lock removed, an interrupted add undone)
    is told with the version's notes, which the CLI prints on stderr."""
    notes = getattr(store, "recovery_notes", [])
    if not notes:
        return version
    from dataclasses import replace

    return replace(version, notes=(*version.notes, *notes))


def remove_version(archive_dir: Path, ref: str, force: bool = False) -> tuple[str, list[str]]:
    """`policydiff rm W@V [--force]`: one commit that removes one version. Refused when
    another version's repeal or lineage depends on it (found by the status core's
    succession graph), unless `force`. Returns (commit, notes)."""
    work, at, version = ref.partition("@")
    if not at or not work or not version:
        raise BadInputError(f"rm needs WORK@VERSION (one version), not {ref!r}: see `policydiff list`")
    check_work_id(work)
    check_version_id(version)
    store = archive_mod.Archive(archive_dir)
    if version not in store.version_ids(work):
        raise UnknownRefError(f"{ref} is not in the archive {store.root}: see `policydiff list`")
    dependents = _dependents(store, ref)
    if dependents and not force:
        raise ArchiveError(f"{ref} is not removed: {'; '.join(dependents)}; "
                           "add --force to remove it anyway")
    commit = store.remove(work, version, force=force, dependents=tuple(dependents))
    return commit, list(getattr(store, "recovery_notes", []))


def _dependents(store: Any, ref: str) -> list[str]:
    """Other archived versions whose repeal or lineage goes through `ref`, one phrase each."""
    from .status import build_graph

    versions = [v for work in store.works() for v in store.versions(work, document=True, commit=False)]
    graph = build_graph(versions)
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


def record_edit(archive_dir: Path, ref: str, reason: str) -> Version:
    """`policydiff edit W@V --reason TEXT`: commit a hand edit of the version's .md."""
    work, at, version = ref.partition("@")
    if not at or not work or not version:
        raise BadInputError(f"edit needs WORK@VERSION (one version), not {ref!r}: see `policydiff list`")
    check_work_id(work)
    check_version_id(version)
    if not reason or not reason.strip():
        raise BadInputError("--reason is empty: say why the archived text was corrected by hand")
    _check_text("--reason", reason)
    store = archive_mod.Archive(archive_dir)
    return _with_recovery_notes(store, store.record_edit(work, version, reason.strip()))


def prepare_version(store: Any, source: str | None, *, work: str, version: str,
                    title: str | None = None, doc_no: str | None = None, issuers: Sequence[str] = (),
                    issued: str | None = None, effective: str | None = None, source_url: str | None = None,
                    retrieved: str | None = None, encoding: str | None = None, no_text: bool = False,
                    notes: Sequence[str] = ()) -> "archive_mod.NewVersion":
    """Everything `add` does before it writes: check the values, read and parse SOURCE
    (the CPU-heavy part), build the NewVersion that `Archive.add` commits. `store` None
    (a bulk-import worker, which never opens the archive) skips the check that SOURCE is
    not one of the archive's own files; the parent makes it."""
    check_work_id(work)
    check_version_id(version)
    for option, value in (("--title", title), ("--doc-no", doc_no), ("--source-url", source_url),
                          ("--encoding", encoding),
                          *(("--issuer", i) for i in issuers), *(("--note", n) for n in notes)):
        _check_text(option, value)
    given = DocumentMeta(
        title=title or None, doc_no=doc_no or None, issuers=tuple(i for i in issuers if i),
        issued=_check_date("--issued", issued), effective=_check_date("--effective", effective),
    )
    retrieved = _check_date("--retrieved", retrieved)
    if no_text:
        if source:
            raise BadInputError("--no-text records a version without its text: drop SOURCE, "
                                "or drop --no-text to import the file")
        if not title:
            raise BadInputError("--no-text needs --title (the version's title), since there is no text to read it from")
        new = archive_mod.NewVersion(
            work=work, version=version, meta=given, has_text=False, source_url=source_url or None,
            retrieved=retrieved, notes=_unique(notes),
        )
        return new
    if not source:
        raise BadInputError("give a SOURCE file to import, or --no-text (with --title) to record a version "
                            "whose text is not available")
    archived = _archived_file(store, Path(source)) if store is not None else None
    if archived is not None:  # importing it would read its front matter as policy text
        kept = (os.path.relpath(Path(source).resolve().parent.parent / archived.source.file)
                if archived.source.file else None)
        hint = f"add its source file {kept} instead" if kept else "add the original source file instead"
        raise BadInputError(f"{source} is the archived version {archived.ref}, not a source: {hint}")
    data = _read_source(source)
    meta, document, parse_notes = parse_file(data, os.path.basename(source), encoding, given)
    if not meta.title:
        raise BadInputError(f"no title found in {source}: give it with --title")
    from .ingest.formats import detect_format, source_extension  # lazy: list/status need no ingest
    from .mdbody import from_markdown, to_markdown

    body = to_markdown(document)
    if from_markdown(body, meta).text != document.text:
        # Archiving a body that does not read back would make verify fail forever after.
        raise ArchiveError(f"the structured text of {source} does not read back exactly (a policydiff bug): "
                           "nothing was added; please report it with the file")
    new = archive_mod.NewVersion(
        work=work, version=version, meta=meta, has_text=True, body=body,
        text_sha256=frontmatter.sha256_text(document.text), source_bytes=data,
        source_ext=source_extension(detect_format(data), os.path.basename(source)),
        source_url=source_url or None,
        retrieved=retrieved, notes=_unique([*parse_notes, *notes]),
    )
    return new


def _open_archive(archive_option: str | None) -> tuple[Any, str | None]:
    """(Archive or None, why there is none)."""
    try:
        return archive_mod.Archive(archive_mod.locate(archive_option, must_exist=True)), None
    except ArchiveError as exc:
        return None, str(exc)


def _lookup(store: Any, ref: Ref, text: str) -> tuple[Version | None, list[str]]:
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
            latest = ordered[-1]
            return store.read(ref.work, latest.version), tried
    elif ref.kind == "doc_no":
        tried.append(f"文号 {text} in the archive")
        matches = store.find_doc_no(text)
        if len(matches) > 1:
            raise AmbiguousRefError(f"{text} names several archived versions: "
                                    f"{', '.join(v.ref for v in matches)}; use WORK@VERSION")
        if matches:
            return store.read(matches[0].work, matches[0].version), tried
    return None, tried


def load_side(archive_option: str | None, ref: str) -> Version:
    parsed = Ref.parse(ref)
    store, no_archive = _open_archive(archive_option)
    tried: list[str] = []
    if store is not None:
        found, tried = _lookup(store, parsed, ref)
        if found is not None:
            return found
    path = Path(ref)
    if path.is_file():
        archived = _archived_file(store, path)
        return archived if archived is not None else load_file(path)
    if path.is_dir():
        tried.append(f"the path {ref} (a folder, not a file)")
    elif path.exists():
        tried.append(f"the path {ref} (not a regular file: a pipe or device?)")
    else:
        tried.append(f"a file named {ref}")
    if store is not None:
        works = store.works()
        known = f"known works: {', '.join(works)}" if works else "the archive is empty"
    else:
        known = no_archive or "no archive"
    raise UnknownRefError(f"unknown ref {ref!r}: tried {'; '.join(tried)}; {known}. "
                          "Give WORK@VERSION, WORK, a 文号 or the path of a file")


def _archived_file(store: Any, path: Path) -> Version | None:
    """An archive's own <work>/<version>.md named by path is that archived version (not a
    Markdown file to import afresh, which would read its front matter as text)."""
    if store is None or path.suffix != ".md":
        return None
    resolved = path.resolve()
    work, version = resolved.parent.name, resolved.stem
    if resolved.parent.parent == store.root and version in store.version_ids(work):
        return store.read(work, version)
    return None


def load_file(path: Path) -> Version:
    """A plain file parsed on the fly (no archive): work and version are None."""
    data = _read_source(str(path))
    meta, document, notes = parse_file(data, path.name)
    return Version(
        work=None, version=None, meta=meta, has_text=True, document=document,
        source=Source(file=str(path), sha256=frontmatter.sha256_bytes(data)),
        text_sha256=frontmatter.sha256_text(document.text), notes=notes, path=str(path),
    )


def show(archive_option: str | None, ref: str, fmt: str = "text") -> str:
    version = load_side(archive_option, ref)
    markdown = None
    if fmt == "md":
        if version.work and version.version:
            store, _ = _open_archive(archive_option)
            markdown = store.file_text(version.work, version.version)
        else:
            from .mdbody import to_markdown

            matter = frontmatter.front_matter(
                None, None, version.meta, has_text=True, source=version.source,
                text_sha256=version.text_sha256, notes=version.notes)
            markdown = frontmatter.compose(matter, to_markdown(version.document))
    return render_doc.render_document(version, fmt, markdown)


# --------------------------------------------------------------------------- list


def all_versions(store: Any) -> list[Version]:
    """Every archived version with its text, in work and time order: the one loader of
    `list`, `status` and `log`. The texts are needed, not only the front matter: an
    有效期至 clause lives in the text."""
    return [v for work in store.works() for v in store.versions(work, document=True, commit=False)]


def listed_version(version: Version, answer: Any) -> render_doc.ListedVersion:
    by = answer.repealed_by.key if answer.repealed_by is not None else None
    return render_doc.ListedVersion(version, answer.status,
                                    repealed_by=by if answer.status == "repealed" else None,
                                    superseded_by=by if answer.status == "superseded" else None)


def list_works(archive_dir: Path, fmt: str = "text") -> str:
    """`policydiff list`: every version's status today, from one succession graph of the
    whole archive (status.archive_statuses), so that `list` and `status` cannot disagree."""
    from .status import archive_statuses

    from .archive.index import indexed_versions

    store = archive_mod.Archive(archive_dir)
    today = datetime.date.today().isoformat()  # `list` answers for today, like `status`
    versions, facts = indexed_versions(store)  # the index stands in for unchanged texts
    answers = archive_statuses(versions, today, facts)
    listed = []
    for work in store.works():
        rows = [listed_version(v, answers[v.ref]) for v in versions if v.work == work]
        listed.append(render_doc.ListedWork(work, store.work_info(work).get("title"), rows))
    return render_doc.render_list(listed, fmt)


def verify(archive_dir: Path) -> list[str]:
    return archive_mod.Archive(archive_dir).verify()
