"""What `add` (and `import`) does before the archive writes: one `AddRequest` value, as the
user gave it, becomes the `NewVersion` that `Archive.add` commits (imperative shell: it
reads the source file; ingest, structure and mdbody do the parsing).

    prepare_version(request, store) -> archive.NewVersion
    load_file(path) -> Version            (a plain file compared without an archive)
    load_file_pair(old, new) -> (Version, Version)   (both, read at once when large)

The request travels as one frozen value from the CLI (or a bulk-import manifest entry) to
here; rejected: fifteen keyword arguments repeated through cli, api and this module, where
adding an option meant editing four signatures.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields as dc_fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping, Sequence

from . import frontmatter
from .controls import control_problem
# parse_file and merge_meta live in archive/derive.py: `add` and `verify` (which re-derives
# each body from its kept source) must derive a body the same way
from .archive.derive import _unique, merge_meta, parse_file  # noqa: F401  (callers import them from here)
from .errors import ArchiveError, BadInputError
from .files import read_input
from .model import DocumentMeta, Source, Version
from .refs import check_version_id, check_work_id

if TYPE_CHECKING:  # made by prepare_version only: a plain-file diff never loads the store
    from .archive import NewVersion


@dataclass(frozen=True)
class AddRequest:
    """One `policydiff add`: the source (None with no_text) and every value the user gave.
    Empty strings and empty tuples mean "not given" (extracted from the text instead)."""

    work: str
    version: str
    source: str | None = None
    title: str | None = None
    doc_no: str | None = None
    issuers: tuple[str, ...] = ()
    issued: str | None = None
    effective: str | None = None
    source_url: str | None = None
    retrieved: str | None = None
    encoding: str | None = None
    no_text: bool = False
    notes: tuple[str, ...] = ()
    replace: bool = False  # correct an archived version (a commit that says so)
    dry_run: bool = False  # read and parse, write nothing
    allow_duplicate_text: bool = False  # accept a text another version of the work holds word for word

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> "AddRequest":
        """From a manifest entry or the CLI's keyword values: lists become tuples, a lone
        string where a list is expected becomes a one-item tuple, unknown keys are refused."""
        known = {f.name for f in dc_fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise BadInputError(f"unknown field(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
        given = dict(values)
        for listed in ("issuers", "notes"):
            value = given.get(listed)
            if isinstance(value, str):
                given[listed] = (value,)
            elif value is not None:
                given[listed] = tuple(value)
        return cls(**{k: v for k, v in given.items() if v is not None})

    @property
    def ref(self) -> str:
        return f"{self.work}@{self.version}"


def _check_date(option: str, value: str | None) -> str | None:
    if value is None or value == "":
        return None
    if not frontmatter.is_iso_date(value):
        raise BadInputError(f"{option} {value!r} is not a date: write it as YYYY-MM-DD, e.g. 2024-10-09")
    return value


def check_text(option: str, value: str | None) -> str | None:
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


def prepare_version(request: AddRequest, store: Any = None, with_facts: bool = False) -> NewVersion:
    """Everything `add` does before it writes: check the values, read and parse the source
    (the CPU-heavy part), build the NewVersion that `Archive.add` commits. `store` None
    (a bulk-import worker, which never opens the archive) skips the check that the source
    is not one of the archive's own files; the parent makes it."""
    from .archive import NewVersion

    r = request
    check_work_id(r.work)
    check_version_id(r.version)
    for option, value in (("--title", r.title), ("--doc-no", r.doc_no), ("--source-url", r.source_url),
                          ("--encoding", r.encoding),
                          *(("--issuer", i) for i in r.issuers), *(("--note", n) for n in r.notes)):
        check_text(option, value)
    given = DocumentMeta(
        title=r.title or None, doc_no=r.doc_no or None, issuers=tuple(i for i in r.issuers if i),
        issued=_check_date("--issued", r.issued), effective=_check_date("--effective", r.effective),
    )
    retrieved = _check_date("--retrieved", r.retrieved)
    if r.no_text:
        if r.source:
            raise BadInputError("--no-text records a version without its text: drop SOURCE, "
                                "or drop --no-text to import the file")
        if not r.title:
            raise BadInputError("--no-text needs --title (the version's title), since there is no text to read it from")
        return NewVersion(work=r.work, version=r.version, meta=given, has_text=False,
                          source_url=r.source_url or None, retrieved=retrieved, notes=_unique(r.notes))
    if not r.source:
        raise BadInputError("give a SOURCE file to import, or --no-text (with --title) to record a version "
                            "whose text is not available")
    archived = archived_file(store, Path(r.source)) if store is not None else None
    if archived is not None:  # importing it would read its front matter as policy text
        kept = (os.path.relpath(Path(r.source).resolve().parent.parent / archived.source.file)
                if archived.source.file else None)
        hint = f"add its source file {kept} instead" if kept else "add the original source file instead"
        raise BadInputError(f"{r.source} is the archived version {archived.ref}, not a source: {hint}")
    data = read_input(r.source)
    meta, document, parse_notes = parse_file(data, os.path.basename(r.source), r.encoding, given)
    if not meta.title:
        raise BadInputError(f"no title found in {r.source}: give it with --title")
    from .ingest.formats import detect_format, source_extension  # lazy: list/status need no ingest
    from .mdbody import from_markdown, to_markdown

    body = to_markdown(document)
    read_back = from_markdown(body, meta)
    if read_back.text != document.text:
        # Archiving a body that does not read back would make verify fail forever after.
        raise ArchiveError(f"the structured text of {r.source} does not read back exactly (a policydiff bug): "
                           "nothing was added; please report it with the file")
    facts = None
    if with_facts:  # what the archive index derives from the body as it reads back
        from .status.succession import text_facts

        found = text_facts(Version(work=r.work, version=r.version, meta=meta, has_text=True, document=read_back))
        facts = found.as_json() if found is not None else None
    return NewVersion(
        work=r.work, version=r.version, meta=meta, has_text=True, body=body,
        text_sha256=frontmatter.sha256_text(document.text), source_bytes=data,
        source_ext=source_extension(detect_format(data), os.path.basename(r.source)),
        source_url=r.source_url or None,
        retrieved=retrieved, notes=_unique([*parse_notes, *r.notes]), facts=facts,
    )


def in_archive_layout(store: Any, path: Path) -> bool:
    """Whether path stands where an archive's own <work>/<version>.md would."""
    return store is not None and path.suffix == ".md" and path.resolve().parent.parent == store.root


def archived_file(store: Any, path: Path) -> Version | None:
    """An archive's own <work>/<version>.md named by path is that archived version (not a
    Markdown file to import afresh, which would read its front matter as text)."""
    if not in_archive_layout(store, path):
        return None
    resolved = path.resolve()
    work, version = resolved.parent.name, resolved.stem
    if version in store.version_ids(work):
        return store.read(work, version)
    return None


def load_file(path: Path) -> Version:
    """A plain file parsed on the fly (no archive): work and version are None."""
    data = read_input(str(path))
    meta, document, notes = parse_file(data, path.name)
    return Version(
        work=None, version=None, meta=meta, has_text=True, document=document,
        source=Source(file=str(path), sha256=frontmatter.sha256_bytes(data)),
        text_sha256=frontmatter.sha256_text(document.text), notes=notes, path=str(path),
    )


# --------------------------------------------------------------------------- both sides at once

# Both files of a diff are read in two processes when the smaller one is at least this
# large. Unit: bytes; range 64 KiB .. 64 MiB. Why a threshold: the fork, the pipe and the
# rebuilding of the sent document cost a few tens of milliseconds, and on a busy machine
# the second process may find no free core; reading a side costs ~0.1 s per MB, so below
# ~1 MB a side the gain is smaller than what a loaded machine takes away (measured with
# benchmarks/scale.py, README "The whole archive, fast (issue 14)"; 公司法, ~0.1 MB a
# side, is read in one process).
PARALLEL_READ_MIN_BYTES = 1024 * 1024


def load_file_pair(old_path: Path, new_path: Path) -> tuple[Version, Version]:
    """`(load_file(old_path), load_file(new_path))`, the same values, the two read at once
    when both files are large: a forked child reads the new side and sends it back through
    a pipe (pickled, its document as `structure.document_spans`) while this process reads
    the old one.

    Errors are those of reading them one after the other: the old side's first (the child
    is killed), and when the child fails in any way (an error in the file, a crash, a
    kill), this process reads the new side itself and meets the same error. The child
    does nothing else: no output, default Ctrl-C (it dies with the parent's group, which
    prints the one line), `os._exit` without the parent's exit handlers or buffers.
    Rejected: a process pool (its worker would print a traceback on Ctrl-C; 10-20 ms to
    start for one task), threads (parsing holds the GIL)."""
    try:
        small = min(os.stat(old_path).st_size, os.stat(new_path).st_size)
    except OSError:
        small = 0  # load_file says what is wrong, in order
    if small < PARALLEL_READ_MIN_BYTES or not hasattr(os, "fork"):
        return load_file(old_path), load_file(new_path)
    import gc
    import pickle
    import signal
    from dataclasses import replace

    from . import ingest  # noqa: F401  (imported before the fork: the child only reads)
    from .structure import document_from_spans, document_spans

    # The child writes its side into a file in memory (Linux's memfd; else an unlinked
    # temporary file) and ends; this process reads it once its own side is read. Rejected:
    # the pipe used before, whose 64 KiB buffer held the child's 6.7 MB write (test
    # compilation) until this process was free to read it, ~15 ms more after both reads.
    from .forkmap import scratch_file  # the same hand-over as the parallel map's children

    scratch = scratch_file()
    try:
        child = os.fork()
    except OSError:
        os.close(scratch)
        return load_file(old_path), load_file(new_path)
    if child == 0:  # the child: read the new side, send it, leave
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            # the objects inherited from the parent stay out of this process's garbage
            # collections: a collection would write to each of them (copy-on-write pages
            # copied for nothing; measured 0.1-0.2 s of CPU with a large parent heap)
            gc.freeze()
            try:
                new = load_file(new_path)
                payload = pickle.dumps((replace(new, document=None), document_spans(new.document)),
                                       protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException:
                payload = b""  # the parent reads the file itself and raises its error
            with os.fdopen(scratch, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    try:
        try:
            old = load_file(old_path)
            whole = _end_child(child, kill=False)  # its payload is whole only if it ended by itself
        except BaseException:  # an error in the old side, Ctrl-C: the child goes too
            _end_child(child, kill=True)
            raise
        payload = b""
        if whole:
            os.lseek(scratch, 0, os.SEEK_SET)
            with os.fdopen(os.dup(scratch), "rb") as sent:
                payload = sent.read()
    finally:
        os.close(scratch)
    try:
        version, spans = pickle.loads(payload) if payload else (None, None)
    except Exception:  # a child killed mid-write: the new side is read here
        version = None
    if version is None:
        return old, load_file(new_path)
    return old, replace(version, document=document_from_spans(spans))


def _end_child(child: int, kill: bool) -> bool:
    """Reap the child (killed first when kill); True when it exited by itself with 0."""
    import signal

    if kill:
        try:
            os.kill(child, signal.SIGKILL)
        except OSError:
            pass
    try:
        _, status = os.waitpid(child, 0)
    except (OSError, InterruptedError):
        return False
    return os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0

