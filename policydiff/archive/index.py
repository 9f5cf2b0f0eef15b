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
every Document from its Markdown body and 4 s parsing YAML; reading and hashing the files
is a few hundredths of a second. Rejected: keying entries by mtime and size (a hand edit
within the same second and size would go unseen), and pickling Documents (larger, slower
to load than the facts the graph needs, and a format tied to the code).
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

from .. import frontmatter
from ..errors import ArchiveError, PolicyDiffError
from ..model import Version
from ..refs import version_sort_key
from .store import version_from_matter
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
    return Path(store.repo.git_dir) / "policydiff" / f"index-{tag}.json"


def _read_index(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("format") != INDEX_FORMAT or not isinstance(data.get("files"), dict):
        return {}
    if data.get("rules") != rules_fingerprint():
        return {}  # written by a tool that reads texts differently: derive every entry again
    return data["files"]


def _write_index(path: Path, files: dict) -> None:
    """Atomic (temp file + rename); an index that cannot be written is only a lost speed-up."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".index-", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            # dumps, not dump: json.dump streams through the pure-Python encoder (0.4 s
            # for 2,000 entries under profile); the C encoder writes the same text at once
            out.write(json.dumps({"format": INDEX_FORMAT, "rules": rules_fingerprint(), "files": files},
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
    return {"sha256": digest, "matter": matter, "facts": facts.as_json() if facts is not None else None}


def _load(work: str, version: str, entry: dict) -> tuple[Version, TextFacts | None] | None:
    """The Version and TextFacts an index entry holds; None when the entry is damaged."""
    try:
        facts = TextFacts.from_json(entry["facts"]) if entry.get("facts") is not None else None
        return version_from_matter(work, version, entry["matter"]), facts
    except (AttributeError, KeyError, TypeError, ValueError, PolicyDiffError):
        return None


def indexed_versions(store, digests: dict[str, str] | None = None) -> tuple[list[Version], dict[str, TextFacts]]:
    """Every archived version (front matter only, no Document) in work and time order, and
    the TextFacts of those with text, by ref; stale index entries are recomputed and the
    index is rewritten when anything changed. `digests`, when given, receives each version
    file's SHA-256 by ref (of the very bytes read here: `build` keys its pairs by them)."""
    path = index_path(store)
    known = _read_index(path)
    files: dict = {}
    versions: list[Version] = []
    facts: dict[str, TextFacts] = {}
    changed = False
    for work in store.works():
        found = []
        for version in store.version_ids(work):
            md = store.md_path(work, version)
            key = f"{work}/{version}"
            try:
                raw = md.read_bytes()
                content = raw.decode("utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise ArchiveError(f"{store.rel(md)}: {exc}; see `policydiff verify`") from None
            digest = hashlib.sha256(raw).hexdigest()
            entry = known.get(key)
            loaded = _load(work, version, entry) if isinstance(entry, dict) and entry.get("sha256") == digest \
                else None
            if loaded is None:  # new, changed or damaged: derive the entry again from the file
                entry = _entry(store, work, version, content, digest)
                loaded = _load(work, version, entry)
                changed = True
            read, fact = loaded
            if digests is not None:
                digests[read.ref] = digest
            if fact is not None:
                facts[read.ref] = fact
            files[key] = entry
            found.append(read)
        versions.extend(sorted(found, key=version_sort_key))
    if changed or set(files) != set(known):
        _write_index(path, files)
    return versions, facts


__all__ = ["INDEX_FORMAT", "index_path", "indexed_versions"]
