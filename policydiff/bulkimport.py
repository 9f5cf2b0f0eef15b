"""`policydiff import FOLDER`: add a folder of versions at once (imperative shell).

    import_folder(store, entries, jobs, report) -> ImportSummary
    entries_from_pattern(folder, pattern, excludes) / entries_from_manifest(path)

Which file is which version comes from a pattern over paths relative to FOLDER (default
``{work}/{version}.*``: ``{work}`` and ``{version}`` each match one path segment or part of
one, ``*`` any characters but ``/``, ``?`` one), or from a small manifest (JSON or YAML: a
list of ``{file, work, version}`` with any of ``add``'s metadata fields beside them).

Parsing (ingest + structure, the CPU-heavy part) runs in a process pool, in order; the
parent commits each version as soon as it is parsed, through the archive's own add path
(`Archive.add`: one commit per version, all or nothing, the lock, crash recovery), so
parsing the next versions overlaps committing this one. Rejected: one commit for the whole
folder (DESIGN §3 says one commit per version, and a kill would lose everything) and a
second, faster write path (two transaction codes to keep correct).

Resumable: a version whose .md is already archived from a source with the same sha256 is
counted as landed and skipped, so after a kill the same command adds only what is missing
(the add that was cut off is rolled back by the archive's recovery). A version archived
from *different* bytes is not overwritten: it fails with one line (`add --replace` corrects
one version on purpose). One bad file never stops the import.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from .errors import BadInputError, PolicyDiffError

DEFAULT_PATTERN = "{work}/{version}.*"
# add's metadata fields a manifest entry may carry (the CLI options of `add`, snake_case)
MANIFEST_FIELDS = ("title", "doc_no", "issuers", "issued", "effective", "source_url", "retrieved",
                   "encoding", "notes")
# Parse-ahead (unit: files handed to a worker at once; range 1..64): enough to keep the
# workers busy while the parent commits, few enough that a kill loses little parsing.
PARSE_CHUNK = 4


@dataclass(frozen=True)
class Entry:
    path: Path
    work: str
    version: str
    fields: dict = field(default_factory=dict)  # add's metadata options

    @property
    def ref(self) -> str:
        return f"{self.work}@{self.version}"


@dataclass
class ImportSummary:
    added: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already archived from the same bytes
    failed: list[tuple[str, str]] = field(default_factory=list)
    ignored: int = 0  # files in FOLDER the pattern did not match

    def lines(self) -> list[str]:
        lines = [f"import: {len(self.added)} added, {len(self.skipped)} already archived, "
                 f"{len(self.failed)} failed" + (f", {self.ignored} file(s) not matching the pattern" if self.ignored else "")]
        lines += [f"failed: {what}: {error}" for what, error in self.failed]
        return lines


def pattern_regex(pattern: str) -> re.Pattern[str]:
    """The regular expression of a path pattern (module doc).

    >>> bool(pattern_regex("{work}/{version}.*").fullmatch("law-1/2023-12-29.md"))
    True
    >>> pattern_regex("{work}/{version}.*").fullmatch("law-1/2023-12-29.md")["version"]
    '2023-12-29'
    >>> pattern_regex("{work}/v?/{version}.txt").fullmatch("a/v1/b.md") is None
    True
    """
    if pattern.count("{work}") != 1 or pattern.count("{version}") != 1:
        raise BadInputError(f"--pattern {pattern!r} must hold {{work}} and {{version}} once each, "
                            "e.g. '{work}/{version}.*'")
    out = []
    for token in re.split(r"(\{work\}|\{version\}|\*|\?)", pattern):
        if token == "{work}":
            out.append(r"(?P<work>[^/]+?)")
        elif token == "{version}":
            out.append(r"(?P<version>[^/]+?)")
        elif token == "*":
            out.append(r"[^/]*")
        elif token == "?":
            out.append(r"[^/]")
        else:
            out.append(re.escape(token))
    return re.compile("".join(out))


def entries_from_pattern(folder: Path, pattern: str, excludes: Sequence[str] = ()) -> tuple[list[Entry], int]:
    """(entries sorted by work then path, count of files that did not match)."""
    if not folder.is_dir():
        raise BadInputError(f"{folder} is not a folder: give import the folder that holds the versions")
    regex = pattern_regex(pattern)
    entries, ignored = [], 0
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if any(part.startswith(".") for part in relative.split("/")):
            continue  # hidden files and folders (.git, editor backups) are never versions
        if any(path.match(glob) for glob in excludes):
            continue
        match = regex.fullmatch(relative)
        if match is None:
            ignored += 1
            continue
        entries.append(Entry(path, match["work"], match["version"]))
    return entries, ignored


def entries_from_manifest(manifest: Path, folder: Path | None = None) -> list[Entry]:
    """Entries of a manifest: a JSON or YAML list of {file, work, version, ...} (or a
    mapping with such a list under `versions`); files relative to `folder`, else to the
    manifest's own folder."""
    import json

    try:
        text = manifest.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadInputError(f"cannot read the manifest {manifest}: {exc}") from None
    try:
        if manifest.suffix.lower() == ".json":
            data = json.loads(text)
        else:
            from .frontmatter import load_yaml

            data = load_yaml(text)
    except Exception as exc:  # noqa: BLE001 - yaml and json raise their own types
        raise BadInputError(f"the manifest {manifest} does not parse: {' '.join(str(exc).split())}") from None
    if isinstance(data, dict):
        data = data.get("versions")
    if not isinstance(data, list):
        raise BadInputError(f"the manifest {manifest} must be a list of {{file, work, version}} entries "
                            "(or hold one under `versions`)")
    base = folder if folder is not None else manifest.parent
    entries = []
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) and item.get(k) for k in ("file", "work", "version")):
            raise BadInputError(f"the manifest {manifest}, entry {number}: give file, work and version as text")
        unknown = sorted(set(item) - {"file", "work", "version", *MANIFEST_FIELDS})
        if unknown:
            raise BadInputError(f"the manifest {manifest}, entry {number}: unknown field(s) {', '.join(unknown)}; "
                                f"known: file, work, version, {', '.join(MANIFEST_FIELDS)}")
        fields = {k: item[k] for k in MANIFEST_FIELDS if item.get(k) is not None}
        for listed in ("issuers", "notes"):
            if isinstance(fields.get(listed), str):
                fields[listed] = [fields[listed]]
        entries.append(Entry(base / item["file"], item["work"], item["version"], fields))
    return entries


def _prepare(entry: Entry) -> tuple[Any, str | None]:
    """Worker: (NewVersion, None) or (None, one-line error). Never raises."""
    from .intake import AddRequest, prepare_version

    try:
        request = AddRequest.from_mapping({**entry.fields, "source": str(entry.path), "work": entry.work,
                                           "version": entry.version})
        return prepare_version(request, with_facts=True), None
    except PolicyDiffError as exc:
        return None, " ".join(str(exc).split())
    except Exception as exc:  # noqa: BLE001 - a bug on one file must not stop the import
        return None, f"{type(exc).__name__}: {' '.join(str(exc).split())}"


def _prepare_chunk(entries: Sequence[Entry]) -> list[tuple[Any, str | None]]:
    return [_prepare(e) for e in entries]


def _sha256_file(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def import_entries(store: Any, entries: Sequence[Entry], jobs: int = 1,
                   report: Callable[[str, str], None] | None = None) -> ImportSummary:
    """Add every entry through `store.add` (module doc). `report(ref, outcome)` is called
    once per entry as it is decided (added / already archived / FAILED ...)."""
    summary = ImportSummary()
    say = report or (lambda ref, outcome: None)
    todo: list[Entry] = []
    seen: dict[str, Path] = {}
    archive_root = store.root.resolve()
    for entry in entries:
        if entry.ref in seen:
            summary.failed.append((entry.ref, f"both {seen[entry.ref]} and {entry.path} give {entry.ref}: "
                                              "fix the pattern or the manifest"))
            say(entry.ref, "FAILED")
            continue
        seen[entry.ref] = entry.path
        if entry.path.resolve().is_relative_to(archive_root):
            summary.failed.append((entry.ref, f"{entry.path} is inside the archive {store.root}: import sources, "
                                              "not the archive's own files"))
            say(entry.ref, "FAILED")
            continue
        landed = _landed(store, entry)
        if landed is True:
            summary.skipped.append(entry.ref)
            say(entry.ref, "already archived")
            continue
        if isinstance(landed, str):
            summary.failed.append((entry.ref, landed))
            say(entry.ref, "FAILED")
            continue
        todo.append(entry)

    # index entries of the versions added, worked out from what the workers parsed: the
    # first `list` after an import then parses no body (it did: 200 added versions, +0.7 s)
    from .archive.index import add_entries, entry_for_written

    index_entries: dict[str, dict] = {}

    def commit(entry: Entry, prepared: tuple[Any, str | None]) -> None:
        new, error = prepared
        if error is None:
            def remember(md: Path, data: bytes) -> None:
                made = entry_for_written(new.work, new.version, data, new.meta, new.has_text, new.facts)
                if made is not None:
                    index_entries[f"{new.work}/{new.version}"] = made

            try:
                store.add(new, read_back=False, on_committed=remember)
            except PolicyDiffError as exc:
                error = " ".join(str(exc).split())
        if error is None:
            summary.added.append(entry.ref)
            say(entry.ref, "added")
        else:
            summary.failed.append((entry.ref, error))
            say(entry.ref, "FAILED")

    try:
        if jobs <= 1 or len(todo) <= 1:
            for entry in todo:
                commit(entry, _prepare(entry))
            return summary
        chunks = [todo[i:i + PARSE_CHUNK] for i in range(0, len(todo), PARSE_CHUNK)]
        from . import interrupts

        with concurrent.futures.ProcessPoolExecutor(max_workers=max(1, min(jobs, len(chunks))),
                                                    initializer=interrupts.ignore_in_worker) as pool:
            try:
                # map keeps the order: versions are committed in the order they were listed
                for chunk, prepared in zip(chunks, pool.map(_prepare_chunk, chunks)):
                    for entry, one in zip(chunk, prepared):
                        commit(entry, one)
            except KeyboardInterrupt:  # Ctrl-C: what was committed stays; the queue is dropped
                _stop_workers(pool)
                raise
        return summary
    finally:  # also after Ctrl-C: the versions that landed are indexed
        from . import interrupts

        with interrupts.deferred():
            add_entries(store, index_entries)


def _stop_workers(pool: concurrent.futures.ProcessPoolExecutor) -> None:
    """Drop the queue and end the workers now (they only parse: nothing of theirs needs
    finishing), then wait for the pool to wind down. Rejected: shutdown(wait=False), which
    left the pool's management thread running into interpreter exit, where Python 3.11's
    exit hook wrote to its closed wake-up pipe and printed a traceback ("Bad file
    descriptor") after the one-line interrupt message."""
    for future_process in list(getattr(pool, "_processes", {}).values()):  # no public way to end them
        if future_process.is_alive():
            future_process.terminate()
    pool.shutdown(wait=True, cancel_futures=True)


def _landed(store: Any, entry: Entry) -> bool | str | None:
    """True: archived from these very bytes (skip); a message: archived from others (fail);
    None: not archived yet."""
    if entry.version not in store.version_ids(entry.work):
        return None
    try:
        archived = store.read(entry.work, entry.version, document=False, commit=False)
    except PolicyDiffError as exc:
        return " ".join(str(exc).split())
    wanted = _sha256_file(entry.path)
    if wanted is not None and archived.source.sha256 == wanted:
        return True
    return (f"{entry.ref} is already archived from other bytes than {entry.path}: "
            f"correct it on purpose with `policydiff add {entry.path} --work {entry.work} "
            f"--version {entry.version} --replace`")
