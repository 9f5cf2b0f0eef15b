"""The archive's index: what `list`, `status` and `log` need of every version, without
parsing every version's body.

A derived file, never committed: ``<git dir>/policydiff/index-<archive>.json`` (inside
``.git``, so no work tree, `git status` or `verify` ever sees it; one per archive folder of
the work tree). For each version file it holds the file's SHA-256, its front matter as
read, and the TextFacts the succession graph reads from its text (validity clauses, the
offsets of quoted clauses). An entry whose hash no longer matches the file is computed
again from the file (front matter parsed, body parsed into a Document) and the index is
rewritten atomically; a missing, unreadable or other-format index is simply rebuilt. So
the index is never a second source of truth: every answer is what the files say today.

Why: 2,000 versions took 46 s to `list` (benchmarks/scale.py), 26 s of it re-deriving
every Document from its Markdown body and 4 s parsing YAML. Then reading and hashing the
2,000 files was a quarter of what was left: a file whose stat signature (size, mtime,
ctime, inode) is what it was when it was hashed is not read again (the stat fast path
below says why that is safe, and its limits). Each work's work.yaml (its title for
`list`) is kept the same way. Rejected: keying entries by mtime and size alone (a hand
edit within the same second and size would go unseen), and pickling Documents (larger,
slower to load than the facts the graph needs, and a format tied to the code).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from .. import frontmatter
from ..errors import ArchiveError, PolicyDiffError
from ..model import Version
from ..refs import version_sort_key
from .layout import WORK_FILE
from .store import version_from_matter, work_info_from_bytes
from ..status.succession import TextFacts, text_facts

INDEX_FORMAT = "policydiff.index/1"

# What a text says (its TextFacts) depends on the rules that read it as much as on the
# file: a tool that learns to read a clause it used to miss (「本细则于…起施行」) must not be
# served the facts its older self derived. The hash of the files holding those rules is
# part of the index; when it differs every entry is derived again. Files, relative to
# the package: the vocabulary, the clause scanner and graph facts, the body reader.
RULE_FILES = ("lexicon.py", "numerals.py", "status/clauses.py", "status/succession.py", "mdbody.py",
              "structure.py", "ingest/patterns.py", "frontmatter.py")


@functools.lru_cache(maxsize=1)
def rules_fingerprint() -> str:
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256(INDEX_FORMAT.encode("utf-8"))
    for name in RULE_FILES:
        digest.update(name.encode("utf-8") + b"\0" + hashlib.sha256((package / name).read_bytes()).digest())
    return digest.hexdigest()[:16]


def index_path(store) -> Path:
    """Where the index of `store` lives (inside the git directory)."""
    folder = os.path.relpath(store.root, store.top)
    tag = hashlib.sha256(folder.encode("utf-8")).hexdigest()[:12]
    return Path(store.git_dir) / "policydiff" / f"index-{tag}.json"


def _read_index(path: Path) -> tuple[dict, dict]:
    """(entries of version files by "work/version", entries of work.yaml files by work)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}, {}
    if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT or not isinstance(data.get("files"), dict):
        return {}, {}
    if data.get("rules") != rules_fingerprint():
        return {}, {}  # written by a tool that reads texts differently: derive every entry again
    works = data.get("works")
    return data["files"], works if isinstance(works, dict) else {}


def _write_index(path: Path, files: dict, works: dict) -> None:
    """Atomic (temp file + rename); an index that cannot be written is only a lost speed-up."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            # dumps, not dump: json.dump streams through the pure-Python encoder (0.4 s
            # for 2,000 entries under profile); the C encoder writes the same text at once
            out.write(json.dumps({"format": INDEX_FORMAT, "rules": rules_fingerprint(), "files": files, "works": works},
                                 ensure_ascii=False, sort_keys=True))
        os.replace(temp, path)
    except OSError:
        pass


def _entry(store, work: str, version: str, content: str, digest: str) -> dict:
    """A fresh index entry of one version file (its front matter and text facts)."""
    path = store.md_path(work, version)
    try:
        matter, _body = frontmatter.split(content)
    except ValueError as exc:
        raise ArchiveError(f"{store.rel(path)}: {exc}; fix the file by hand (see `policydiff verify`)") from None
    read = store.read(work, version, document=True, commit=False)
    facts = text_facts(read)
    return {"sha256": digest, "matter": matter if _json_safe(matter) else None,
            "facts": facts.as_json() if facts is not None else None}


def _json_safe(value) -> bool:
    """Does `value` come back from JSON as it is? (A hand-written YAML value may not: a
    !!binary, a set, a number as a key.) One that does not is not kept in the index: the
    file is read each time instead, never answered from a changed copy."""
    try:
        return json.loads(json.dumps(value, ensure_ascii=False)) == value
    except (TypeError, ValueError):
        return False


def _from_file(store, work: str, version: str, content: str, entry: dict) -> tuple[Version, TextFacts | None]:
    """A fresh entry whose front matter JSON cannot carry (a NaN, a set, a !!binary: not
    kept in the index, "matter" None) gives its Version from the file's own front matter,
    as `Archive.read` does; one that cannot be read is one line naming the file (a hand
    edit put a value of the wrong type: found by the front-matter property test)."""
    try:
        matter, _body = frontmatter.split(content)
        facts = entry.get("facts")
        return version_from_matter(work, version, matter), TextFacts.from_json(facts) if facts is not None else None
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        raise ArchiveError(f"{store.rel(store.md_path(work, version))}: its front matter cannot be read ({exc}); "
                           "fix the file by hand (see `policydiff verify`)") from None


def _load(work: str, version: str, entry: dict) -> tuple[Version, TextFacts | None] | None:
    """The Version and TextFacts an index entry holds; None when the entry is damaged."""
    try:
        facts = TextFacts.from_json(entry["facts"]) if entry.get("facts") is not None else None
        return version_from_matter(work, version, entry["matter"]), facts
    except (AttributeError, KeyError, TypeError, ValueError, PolicyDiffError):
        return None


# ---------------------------------------------------------------- the stat fast path
#
# Reading and hashing 2,000 version files was 0.06 s of every `list` (a quarter of its
# work once the index held everything else). So an entry also keeps the file's stat
# signature (size, mtime_ns, ctime_ns, inode) as it was when the file was hashed, and a
# file whose signature is unchanged is not read again. Why this is safe where "mtime and
# size" alone was rejected above: ctime is set by the kernel to the current time on
# every write, rename or `touch` (no user call can set it back), and an inode changes when
# a file is replaced (git checkout, an editor's save-by-rename, `cp -a` of the archive).
# What remains is a write within the same tick of the file system's clock as the write
# we hashed (same size, same mtime and ctime): a signature is therefore only recorded
# when the file's ctime is older than RACY_MARGIN_NS before the moment it was read (git's
# "racily clean" rule, with the reading time as the yardstick); a younger file is hashed
# again on every run until it is that old. Limits, said plainly: a file system whose
# clock runs more than the margin behind this machine's (a network share with a skewed
# server) or a system clock set back between two runs could hide a same-size edit made
# within one tick of the previous one; `policydiff verify` checks the files themselves
# and then mends the index hashing every file (api.verify), and
# POLICYDIFF_INDEX_HASH_ALL=1 makes every run hash every file.

# How old (in nanoseconds, 0..60 s) a file's last change (ctime) must be, before the time
# it was read, for its stat signature to stand in for its hash: 3 s covers file systems
# with 1-2 s timestamps (FAT, some network shares) and the kernel's coarse clock.
RACY_MARGIN_NS = 3_000_000_000


def _signature(st: os.stat_result) -> list[int]:
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def _trusted_signature(st: os.stat_result, read_at_ns: int) -> list[int] | None:
    """The signature to record for a file stat'ed as `st` and read after `read_at_ns`
    (time.time_ns()), or None when it changed too recently to be told apart by stat."""
    return _signature(st) if st.st_ctime_ns < read_at_ns - RACY_MARGIN_NS else None


def _hash_all() -> bool:
    return os.environ.get("POLICYDIFF_INDEX_HASH_ALL", "") not in ("", "0")


class _Reader:
    """One file of the archive as the index sees it: the entry it had, and whether the
    file is still what the entry was made from (by stat signature, else by SHA-256)."""

    def __init__(self, store, path: str, entry, trust_stat: bool):
        self.path = path  # a str: pathlib's parsing was a tenth of a `list`
        self.entry = entry if isinstance(entry, dict) else None
        self.raw: bytes | None = None
        self.digest: str | None = None
        self.signature: list[int] | None = None
        read_at = time.time_ns()
        try:
            st = os.stat(path)
        except OSError as exc:
            raise ArchiveError(f"{store.rel(Path(path))}: {exc}; see `policydiff verify`") from None
        if trust_stat and self.entry is not None and isinstance(self.entry.get("sha256"), str) \
                and self.entry.get("stat") == _signature(st):
            self.digest = self.entry["sha256"]
            self.signature = self.entry["stat"]
            self.unchanged = True
            return
        try:
            with open(path, "rb") as handle:
                self.raw = handle.read()
        except OSError as exc:
            raise ArchiveError(f"{store.rel(Path(path))}: {exc}; see `policydiff verify`") from None
        after = os.stat(path)
        self.digest = hashlib.sha256(self.raw).hexdigest()
        # the signature only when the file did not change while it was read
        self.signature = _trusted_signature(after, read_at) if _signature(after) == _signature(st) else None
        self.unchanged = self.entry is not None and self.entry.get("sha256") == self.digest

    def recorded(self, entry: dict) -> dict:
        """`entry` with this reading's signature (none when it cannot be trusted)."""
        if self.signature is None:
            entry.pop("stat", None)
        else:
            entry["stat"] = self.signature
        return entry


def _work_entry(store, root: str, work: str, known: dict, trust_stat: bool) -> tuple[dict | None, dict]:
    """(index entry of the work's work.yaml or None without one, the work's info)."""
    path = os.path.join(root, work, WORK_FILE)
    if not os.path.isfile(path):
        return None, store.work_info(work)
    reader = _Reader(store, path, known.get(work), trust_stat)
    if reader.unchanged and isinstance(reader.entry.get("info"), dict):
        entry = dict(reader.entry)
    else:
        raw = reader.raw if reader.raw is not None else Path(path).read_bytes()
        info = work_info_from_bytes(raw)
        if not _json_safe(info):
            return None, info
        entry = {"sha256": reader.digest, "info": info}
    entry = reader.recorded(entry)
    return entry, entry["info"]


@dataclass
class IndexedArchive:
    """What the index gives `list`, `status`, `log` and `build`: every version (front
    matter only, no Document) in work and time order, the TextFacts of those with text by
    ref, each version file's SHA-256 by ref, and each work's info (work.yaml: title,
    aliases, notes) in work order."""

    versions: list[Version]
    facts: dict[str, TextFacts]
    digests: dict[str, str]
    works: dict[str, dict]


def read_index(store, *, trust_stat: bool = True) -> IndexedArchive:
    """The archive as its index knows it (IndexedArchive); stale entries are derived again
    from their files and the index is rewritten when anything changed. `trust_stat=False`
    (or POLICYDIFF_INDEX_HASH_ALL=1) hashes every file instead of trusting an unchanged
    stat signature."""
    trust_stat = trust_stat and not _hash_all()
    path = index_path(store)
    known, known_works = _read_index(path)
    files: dict = {}
    work_entries: dict = {}
    versions: list[Version] = []
    facts: dict[str, TextFacts] = {}
    digests: dict[str, str] = {}
    infos: dict[str, dict] = {}
    changed = False
    root = str(store.root)
    for work, version_ids in store.listing().items():
        work_entry, infos[work] = _work_entry(store, root, work, known_works, trust_stat)
        if work_entry is not None:
            changed = changed or work_entry != known_works.get(work)
            work_entries[work] = work_entry
        found = []
        for version in version_ids:
            key = f"{work}/{version}"
            reader = _Reader(store, os.path.join(root, work, version + ".md"), known.get(key), trust_stat)
            loaded = _load(work, version, reader.entry) if reader.unchanged else None
            if loaded is None:  # new, changed or damaged: derive the entry again from the file
                try:
                    content = reader.raw.decode("utf-8") if reader.raw is not None \
                        else store.md_path(work, version).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise ArchiveError(f"{store.rel(Path(reader.path))}: {exc}; see `policydiff verify`") from None
                entry = _entry(store, work, version, content, reader.digest)
                loaded = _load(work, version, entry) or _from_file(store, work, version, content, entry)
            else:
                entry = dict(reader.entry)
            entry = reader.recorded(entry)
            changed = changed or entry != known.get(key)
            read, fact = loaded
            digests[read.ref] = reader.digest
            if fact is not None:
                facts[read.ref] = fact
            files[key] = entry
            found.append(read)
        versions.extend(sorted(found, key=version_sort_key))
    if changed or set(files) != set(known) or set(work_entries) != set(known_works):
        _write_index(path, files, work_entries)
    return IndexedArchive(versions, facts, digests, infos)


def entry_for_written(work: str, version: str, data: bytes, new_meta, has_text: bool,
                      facts: dict | None) -> dict | None:
    """The index entry of a version file just written as `data`, from what its writer
    already knows (its DocumentMeta, and the TextFacts of its body as it reads back, worked
    out by a bulk-import worker), without parsing the body again: exactly what `_entry`
    would derive, or None when that cannot be vouched for (the front matter does not read
    back as the same DocumentMeta, or the facts were not worked out)."""
    if has_text and facts is None:
        return None
    try:
        matter, _body = frontmatter.split(data.decode("utf-8"))
        if frontmatter.meta_from(matter) != new_meta or (matter.get("has_text") is True) != has_text:
            return None
        entry = {"sha256": hashlib.sha256(data).hexdigest(), "matter": matter if _json_safe(matter) else None,
                 "facts": facts if has_text else None}
        return entry if _load(work, version, entry) is not None else None
    except (ValueError, UnicodeDecodeError, PolicyDiffError):
        return None


def add_entries(store, entries: dict[str, dict]) -> None:
    """Put entries made by `entry_for_written` ("work/version" -> entry) into the index, so
    that the first `list` after a bulk import parses no body (it still hashes each file
    once: a fresh entry has no stat signature). Entries are checked as any other: one
    whose file changed since is derived again. A derived file: failing to write it is
    only a lost speed-up."""
    if not entries:
        return
    path = index_path(store)
    known, known_works = _read_index(path)
    _write_index(path, {**known, **entries}, known_works)


def indexed_versions(store, digests: dict[str, str] | None = None) -> tuple[list[Version], dict[str, TextFacts]]:
    """Every archived version (front matter only, no Document) in work and time order, and
    the TextFacts of those with text, by ref (`read_index`). `digests`, when given,
    receives each version file's SHA-256 by ref (`build` keys its pairs by them)."""
    indexed = read_index(store)
    if digests is not None:
        digests.update(indexed.digests)
    return indexed.versions, indexed.facts


__all__ = ["INDEX_FORMAT", "IndexedArchive", "add_entries", "entry_for_written", "index_path", "indexed_versions",
           "read_index"]
