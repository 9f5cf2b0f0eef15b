"""The git-backed archive (DESIGN §3): the only module that imports git (GitPython).

Layout of an archive folder (by default ``versions/`` at the top of a git work tree)::

    <archive>/.gitignore                     ignores the two entries below
    <archive>/.policydiff.lock               filelock serialising writers (never committed)
    <archive>/.policydiff-txn/               an `add` in progress (never committed)
    <archive>/<work>/work.yaml               title, aliases, notes
    <archive>/<work>/<version>.md            front matter + structured body (`frontmatter`)
    <archive>/<work>/<version>.source.<ext>  the exact bytes that were imported

A version *exists* when its ``<version>.md`` exists; a source file without its .md is an
orphan that `verify` reports.

How `add` stays all or nothing
------------------------------
One add is one transaction under the archive lock:

1. *prepare*: every new file is written into ``.policydiff-txn/`` (same folder tree, so the
   later renames are atomic), every file it will replace is copied there as a backup, and
   last a ``journal.json`` is written atomically (temp file + ``os.replace``) that lists the
   entries, the blob hash of each new content and the HEAD it started from;
2. *apply*: each new file is moved into place with ``os.replace``, the ``.md`` files last, so
   a reader never sees a version whose source is still missing;
3. *commit*: ``git add`` the written paths and ``git commit --only -- <those paths>``, so
   that whatever else the user has staged stays staged and out of the commit;
4. *finish*: the transaction folder is removed.

An exception anywhere in 2-3 and a kill at any moment are handled by one routine,
`_recover`: with no journal nothing was moved yet (drop the folder); with a journal, if HEAD
already holds every new content the commit landed (finish), otherwise every entry is put
back from its backup (or removed when it was new), unstaged, and the folder dropped. The
next writer runs it under the lock; a reader runs it when it can take the lock at once
and otherwise hides versions that are still being added. Rejected alternative: a commit
made first on a side branch and then fast-forwarded: it still leaves the working tree to
reconcile, and it would move the user's branch under their feet.

Two concurrent adds: a `filelock.FileLock` on ``.policydiff.lock`` (flock: released by the
kernel when a process dies) serialises them; both land, one commit each.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import time
from dataclasses import dataclass, replace as dc_replace
from pathlib import Path
from typing import Any, Iterator

import filelock
import git

from . import frontmatter
from .errors import ArchiveError, DuplicateVersionError, PolicyDiffError, UnknownRefError
from .model import Document, DocumentMeta, Source, Version
from .refs import (check_version_id, check_work_id, is_version_id, is_work_id, normalize_doc_no,
                   version_sort_key)

DEFAULT_ARCHIVE_NAME = "versions"
LOCK_NAME = ".policydiff.lock"
TXN_NAME = ".policydiff-txn"
JOURNAL_NAME = "journal.json"
WORK_FILE = "work.yaml"
GITIGNORE_LINES = (LOCK_NAME, TXN_NAME + "/")

# How long `add` waits for another writer's lock before giving up, in seconds (0..600).
# A normal add holds the lock well under a second; 60 s covers a slow disk or a big file.
def _lock_timeout_from_env(default: float = 60.0) -> float:
    try:
        value = float(os.environ.get("POLICYDIFF_LOCK_TIMEOUT", default))
    except ValueError:
        return default
    return min(max(value, 0.0), 600.0)


LOCK_TIMEOUT_SECONDS = _lock_timeout_from_env()
# git's own index.lock can be held briefly by another git command in the same work tree
# (an editor, a colleague's `git add`): retry this many times, this many seconds apart.
GIT_INDEX_RETRIES = 20
GIT_INDEX_RETRY_SECONDS = 0.5

_SOURCE_EXT_RE = re.compile(r"[a-z0-9]{1,10}")


# --------------------------------------------------------------------------- locating


def _git_top(start: Path) -> Path | None:
    try:
        repo = git.Repo(start, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if repo.bare or repo.working_tree_dir is None:
        return None
    return Path(repo.working_tree_dir)


def locate(option: str | os.PathLike | None, must_exist: bool = True) -> Path:
    """--archive, else $POLICYDIFF_ARCHIVE, else versions/ at the top of the current git work
    tree, else ./versions (DESIGN §4). With `must_exist`, a missing folder is an ArchiveError
    that says to run `policydiff init`."""
    if option:
        path, how = Path(option), "--archive"
    elif os.environ.get("POLICYDIFF_ARCHIVE"):
        path, how = Path(os.environ["POLICYDIFF_ARCHIVE"]), "$POLICYDIFF_ARCHIVE"
    else:
        top = _git_top(Path.cwd())
        path = (top if top is not None else Path.cwd()) / DEFAULT_ARCHIVE_NAME
        how = "the default"
    path = path.absolute()
    if path.exists() and not path.is_dir():
        raise ArchiveError(f"the archive {path} ({how}) is not a folder: point it at an archive folder, "
                           "or run `policydiff init DIR` to make one")
    if must_exist and not path.is_dir():
        raise ArchiveError(
            f"no archive at {path} ({how}): run `policydiff init {path}` to make one, "
            "or point --archive / $POLICYDIFF_ARCHIVE at an existing archive"
        )
    return path


def init(directory: str | os.PathLike) -> Path:
    """Make an archive folder; `git init` it when it lies in no git work tree. Writes the
    archive's .gitignore (committed by the first `add`); makes no commit itself. Running it
    on an existing archive is harmless."""
    path = Path(directory).absolute()
    if path.exists() and not path.is_dir():
        raise ArchiveError(f"{path} exists and is not a folder: choose another archive folder")
    for folder in path.parents:  # the nearest existing ancestor must be a folder
        if folder.exists():
            if not folder.is_dir():
                raise ArchiveError(f"cannot make the archive folder {path}: {folder} is a file, "
                                   "not a folder; choose another archive folder")
            break
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"cannot make the archive folder {path} ({exc.strerror or exc}): "
                           "choose a folder you can write to") from None
    if _git_top(path) is None:
        git.Repo.init(path)
    gitignore = path / ".gitignore"
    wanted = _gitignore_content(gitignore.read_text(encoding="utf-8") if gitignore.exists() else None)
    if wanted is not None:
        gitignore.write_text(wanted, encoding="utf-8")
    return path


def _gitignore_content(existing: str | None) -> str | None:
    """The archive .gitignore with our entries, or None when `existing` already has them."""
    lines = existing.splitlines() if existing else []
    missing = [line for line in GITIGNORE_LINES if line not in lines]
    if not missing:
        return None
    text = existing or "# policydiff: lock file and in-progress transactions, never committed\n"
    if not text.endswith("\n"):
        text += "\n"
    return text + "".join(line + "\n" for line in missing)


# --------------------------------------------------------------------------- ordering


# date_bounds and version_sort_key live in refs.py (shared with the status core).


# --------------------------------------------------------------------------- the archive


@dataclass(frozen=True)
class NewVersion:
    """What `add` writes: built by api.add_version (ingest + structure + mdbody)."""

    work: str
    version: str
    meta: DocumentMeta
    has_text: bool
    body: str = ""  # mdbody.to_markdown(document); "" without text
    text_sha256: str | None = None
    source_bytes: bytes | None = None
    source_ext: str = "txt"
    source_url: str | None = None
    retrieved: str | None = None
    notes: tuple[str, ...] = ()
    work_title: str | None = None  # title for a new work.yaml (default: meta.title)


def _blob_sha(data: bytes) -> str:
    """git's object id of a blob with this content (what `git rev-parse HEAD:path` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class Archive:
    """One archive folder inside a git work tree."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).absolute()
        if not self.root.is_dir():
            raise ArchiveError(f"no archive at {self.root}: run `policydiff init {self.root}` to make one")
        try:
            self.repo = git.Repo(self.root, search_parent_directories=True)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise ArchiveError(
                f"the archive {self.root} is not inside a git work tree: run `policydiff init {self.root}`"
            ) from None
        if self.repo.bare or self.repo.working_tree_dir is None:
            raise ArchiveError(f"the archive {self.root} is in a bare git repository: use a work tree")
        self.top = Path(self.repo.working_tree_dir).resolve()
        self.root = self.root.resolve()
        self.txn_dir = self.root / TXN_NAME

    # ---------------------------------------------------------------- paths

    def rel(self, path: Path) -> str:
        """Path relative to the git work tree, POSIX style (what git and messages use)."""
        return Path(os.path.relpath(path, self.top)).as_posix()

    def arel(self, path: Path) -> str:
        """Path relative to the archive folder (what front matter `source.file` uses)."""
        return Path(os.path.relpath(path, self.root)).as_posix()

    def md_path(self, work: str, version: str) -> Path:
        return self.root / work / f"{version}.md"

    def source_paths(self, work: str, version: str) -> list[Path]:
        folder = self.root / work
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob(f"{version}.source.*") if p.is_file())

    # ---------------------------------------------------------------- reading

    def works(self) -> list[str]:
        self._settle_for_reading()
        hidden = self._pending_new_paths()
        return sorted(
            p.name for p in self.root.iterdir()
            if p.is_dir() and is_work_id(p.name)
            and any(f not in hidden for f in [p / WORK_FILE, *p.glob("*.md")] if f.is_file())
        )

    def work_info(self, work: str) -> dict[str, Any]:
        path = self.root / work / WORK_FILE
        info: dict[str, Any] = {"title": None, "aliases": [], "notes": []}
        if path.is_file():
            try:
                loaded = frontmatter.load_yaml(path.read_text(encoding="utf-8"))
            except Exception:  # a broken work.yaml is reported by verify; reading goes on
                loaded = None
            if isinstance(loaded, dict):
                info.update(loaded)
        return info

    def version_ids(self, work: str) -> list[str]:
        folder = self.root / work
        if not is_work_id(work) or not folder.is_dir():
            return []
        self._settle_for_reading()
        hidden = self._pending_new_paths()
        return sorted(
            p.name[:-3] for p in folder.glob("*.md")
            if is_version_id(p.name[:-3]) and p.is_file() and p not in hidden
        )

    def read(self, work: str, version: str, *, document: bool = True, commit: bool = True) -> Version:
        """One archived version. `document` parses the body (mdbody.from_markdown);
        `commit` looks up the commit that added it (last commit touching its .md)."""
        path = self.md_path(work, version)
        if not path.is_file():
            raise UnknownRefError(f"{work}@{version} is not in the archive {self.root}")
        try:
            matter, body = frontmatter.split(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ArchiveError(f"{self.rel(path)}: {exc}; fix the file by hand (see `policydiff verify`)") from None
        meta = frontmatter.meta_from(matter)
        has_text = matter.get("has_text") is True
        doc: Document | None = None
        if document and has_text:
            from .mdbody import from_markdown

            try:
                doc = from_markdown(body, meta)
            except (ValueError, PolicyDiffError) as exc:
                message = " ".join(str(exc).split())
                raise ArchiveError(f"{self.rel(path)}: {message} (see `policydiff verify`)") from None
        return Version(
            work=work,
            version=version,
            meta=meta,
            has_text=has_text,
            document=doc,
            source=frontmatter.source_from(matter),
            text_sha256=frontmatter._opt_str(matter.get("text_sha256")),
            notes=frontmatter.notes_from(matter),
            commit=self.commit_of(path) if commit else None,
        )

    def body(self, work: str, version: str) -> str:
        return frontmatter.split(self.md_path(work, version).read_text(encoding="utf-8"))[1]

    def file_text(self, work: str, version: str) -> str:
        """The archived .md file exactly as stored."""
        return self.md_path(work, version).read_text(encoding="utf-8")

    def versions(self, work: str, *, document: bool = False, commit: bool = False) -> list[Version]:
        """Every version of `work` in time order (`version_sort_key`)."""
        found = [self.read(work, v, document=document, commit=commit) for v in self.version_ids(work)]
        return sorted(found, key=version_sort_key)

    def find_doc_no(self, doc_no: str) -> list[Version]:
        wanted = normalize_doc_no(doc_no)
        return [
            v for work in self.works() for v in self.versions(work)
            if v.meta.doc_no and normalize_doc_no(v.meta.doc_no) == wanted
        ]

    def commit_of(self, path: Path) -> str | None:
        try:
            sha = self.repo.git.log("-1", "--format=%H", "--", self.rel(path)).strip()
        except git.GitCommandError:  # no commits yet
            return None
        return sha or None

    def last_commits(self) -> dict[str, str]:
        """{path relative to the work tree: the last commit that touched it} for every file
        of the archive, from one `git log` (what `commit_of` answers per file, without a
        git process per version: `build` reads thousands)."""
        try:
            # core.quotepath=off: paths as they are, not C-quoted octal escapes
            out = self.repo.git.execute(["git", "-c", "core.quotepath=off", "log", "--format=%x00%H",
                                         "--name-only", "--no-renames", "--",
                                         self.rel(self.root) if self.root != self.top else "."])
        except git.GitCommandError:  # no commits yet
            return {}
        found: dict[str, str] = {}
        commit = None
        for line in out.splitlines():
            if line.startswith("\0"):
                commit = line[1:].strip()
            elif line and commit and line not in found:
                found[line] = commit
        return found

    # ---------------------------------------------------------------- writing

    @contextlib.contextmanager
    def _locked(self, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
        lock = filelock.FileLock(str(self.root / LOCK_NAME), timeout=timeout)
        try:
            lock.acquire()
        except filelock.Timeout:
            raise ArchiveError(
                f"the archive {self.root} is locked by another policydiff command (waited {timeout:g} s): "
                "try again when it has finished"
            ) from None
        try:
            yield
        finally:
            lock.release()

    def add(self, new: NewVersion, replace: bool = False) -> Version:
        """Write one version and make exactly one commit; all or nothing (module doc)."""
        check_work_id(new.work)
        check_version_id(new.version)
        ref = f"{new.work}@{new.version}"
        with self._locked():
            self._recover()
            md = self.md_path(new.work, new.version)
            previous_commit = None
            if md.exists() and not replace:
                raise DuplicateVersionError(f"{ref} is already archived; use --replace to correct it")
            if replace:
                if not md.exists():
                    raise UnknownRefError(f"{ref} is not archived, so there is nothing to replace: drop --replace to add it")
                previous_commit = self.commit_of(md)
            planned = self._plan(new)
            unchanged = all(self._head_blob(path) == (_blob_sha(data) if data is not None else None)
                            for path, data in planned.items())
            if unchanged:
                raise DuplicateVersionError(f"{ref} is already archived with exactly this content: nothing to replace")
            message = self._message(new, previous_commit)
            try:
                self._prepare(planned)
                self._apply()
                self._commit(planned, message)
            except BaseException:
                self._recover()
                raise
            shutil.rmtree(self.txn_dir, ignore_errors=True)
        return self.read(new.work, new.version, document=False, commit=True)

    def _plan(self, new: NewVersion) -> dict[Path, bytes | None]:
        """Every path this add writes (bytes) or removes (None), archive files only."""
        planned: dict[Path, bytes | None] = {}
        gitignore = self.root / ".gitignore"
        existing = gitignore.read_text(encoding="utf-8") if gitignore.exists() else None
        wanted = _gitignore_content(existing)
        if wanted is not None:
            planned[gitignore] = wanted.encode("utf-8")
        elif self._head_blob(gitignore) is None:  # written by init, not committed yet
            planned[gitignore] = gitignore.read_bytes()
        work_file = self.root / new.work / WORK_FILE
        if not work_file.exists():
            info = {"title": new.work_title or new.meta.title, "aliases": [], "notes": []}
            planned[work_file] = frontmatter.dump_yaml(info).encode("utf-8")
        source = Source(url=new.source_url, retrieved=new.retrieved)
        if new.source_bytes is not None:
            ext = new.source_ext.lower().lstrip(".")
            if not _SOURCE_EXT_RE.fullmatch(ext):
                ext = "bin"
            source_path = self.root / new.work / f"{new.version}.source.{ext}"
            planned[source_path] = new.source_bytes
            source = dc_replace(source, file=self.arel(source_path),
                                sha256=frontmatter.sha256_bytes(new.source_bytes))
        for old_source in self.source_paths(new.work, new.version):
            planned.setdefault(old_source, None)  # --replace with another extension, or no text
        matter = frontmatter.front_matter(
            new.work, new.version, new.meta, has_text=new.has_text, source=source,
            text_sha256=new.text_sha256, notes=new.notes,
        )
        body = new.body if new.has_text else ""
        planned[self.md_path(new.work, new.version)] = frontmatter.compose(matter, body).encode("utf-8")
        return planned

    def _message(self, new: NewVersion, previous_commit: str | None) -> str:
        ref = f"{new.work}@{new.version}"
        lines = [f"policydiff replace {ref} (correction)" if previous_commit else f"policydiff add {ref}", ""]
        if previous_commit:
            lines.append(f"Corrects the version added in {previous_commit}.")
            lines.append("")
        lines.append(f"title: {new.meta.title or ''}")
        if new.meta.doc_no:
            lines.append(f"doc-no: {new.meta.doc_no}")
        lines.append(f"has-text: {'true' if new.has_text else 'false'}")
        if new.source_bytes is not None:
            lines.append(f"source-sha256: {frontmatter.sha256_bytes(new.source_bytes)}")
        if new.text_sha256:
            lines.append(f"text-sha256: {new.text_sha256}")
        return "\n".join(lines) + "\n"

    def _head(self) -> str | None:
        try:
            return self.repo.head.commit.hexsha
        except ValueError:  # no commit yet
            return None

    def _head_blob(self, path: Path) -> str | None:
        return self._blob_at("HEAD", path)

    def _prepare(self, planned: dict[Path, bytes | None]) -> None:
        """Stage new contents and backups in the transaction folder; the journal comes last."""
        self.txn_dir.mkdir()
        entries = []
        # .md files last: a reader that sees a version's .md sees all its files.
        ordered = sorted(planned.items(), key=lambda item: (item[0].suffix == ".md", str(item[0])))
        for index, (path, data) in enumerate(ordered):
            entry: dict[str, Any] = {"path": self.arel(path), "new": None, "old": None, "new_blob": None}
            if data is not None:
                entry["new"] = f"new-{index}"
                entry["new_blob"] = _blob_sha(data)
                _fsync_write(self.txn_dir / entry["new"], data)
            if path.exists():
                entry["old"] = f"old-{index}"
                _fsync_write(self.txn_dir / entry["old"], path.read_bytes())
            entries.append(entry)
        created_dirs = sorted({self.arel(p.parent) for p in planned if not p.parent.exists()})
        journal = {"format": "policydiff.txn/1", "base": self._head(), "entries": entries,
                   "created_dirs": created_dirs}
        tmp = self.txn_dir / (JOURNAL_NAME + ".tmp")
        _fsync_write(tmp, json.dumps(journal, ensure_ascii=False, indent=1).encode("utf-8"))
        os.replace(tmp, self.txn_dir / JOURNAL_NAME)

    def _journal(self) -> dict[str, Any] | None:
        try:
            return json.loads((self.txn_dir / JOURNAL_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def _apply(self) -> None:
        journal = self._journal()
        assert journal is not None
        for entry in journal["entries"]:
            target = self.root / entry["path"]
            if entry["new"]:
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.txn_dir / entry["new"], target)
            else:
                target.unlink(missing_ok=True)

    def _git(self, *args: str) -> str:
        """A git command through GitPython, retried while git's own index.lock is busy."""
        for attempt in range(GIT_INDEX_RETRIES + 1):
            try:
                return self.repo.git.execute(["git", *args])
            except git.GitCommandError as exc:
                if "index.lock" in str(exc.stderr) and attempt < GIT_INDEX_RETRIES:
                    time.sleep(GIT_INDEX_RETRY_SECONDS)
                    continue
                raise
        raise AssertionError("unreachable")

    def _commit(self, planned: dict[Path, bytes | None], message: str) -> None:
        written = [self.rel(p) for p, data in planned.items() if data is not None]
        removed = [self.rel(p) for p, data in planned.items() if data is None]
        tracked_removed = [p for p in removed if self._head_blob(self.top / p) is not None]
        try:
            if written:
                self._git("add", "--", *written)
            if removed:
                self._git("rm", "--cached", "-q", "--ignore-unmatch", "--", *removed)
            self._git("commit", "-q", "--only", "-m", message, "--", *written, *tracked_removed)
        except git.GitCommandError as exc:
            detail = " ".join(str(exc.stderr or exc).split())[:300]
            raise ArchiveError(f"git could not commit the new version ({detail}); nothing was added") from None

    def _recover(self) -> str | None:
        """Finish or undo a transaction left by an exception or a kill (module doc). Call
        with the lock held. Returns a one-line note of what was done, or None."""
        if not self.txn_dir.exists():
            return None
        journal = self._journal()
        if journal is None:  # killed while preparing: nothing was moved into the archive
            shutil.rmtree(self.txn_dir, ignore_errors=True)
            return "removed an unfinished add (killed before it changed anything)"
        entries = journal["entries"]
        if self._landed(journal):
            shutil.rmtree(self.txn_dir, ignore_errors=True)
            return "cleaned up after an add that had committed"
        in_head, not_in_head = [], []
        for entry in reversed(entries):
            target = self.root / entry["path"]
            backup = self.txn_dir / entry["old"] if entry["old"] else None
            if backup is not None and backup.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(backup, target)
            elif entry["old"] is None:
                target.unlink(missing_ok=True)
            (in_head if self._head_blob(target) is not None else not_in_head).append(self.rel(target))
        with contextlib.suppress(git.GitCommandError):
            if in_head:
                self._git("restore", "--staged", "--", *in_head)
            if not_in_head:
                self._git("rm", "--cached", "-q", "--ignore-unmatch", "--", *not_in_head)
        for folder in sorted(journal.get("created_dirs", ()), key=len, reverse=True):
            with contextlib.suppress(OSError):
                (self.root / folder).rmdir()  # only when empty
        shutil.rmtree(self.txn_dir, ignore_errors=True)
        return "rolled back an unfinished add"

    def _blob_at(self, rev: str, path: Path) -> str | None:
        try:
            return self.repo.git.rev_parse("--verify", "-q", f"{rev}:{self.rel(path)}").strip() or None
        except git.GitCommandError:
            return None

    def _landed(self, journal: dict[str, Any]) -> bool:
        """Did the transaction's commit happen? Yes when a commit made since the journal's
        base holds every new content (HEAD first; then the commits after base, in case the
        user committed more before the leftover was noticed). Rejected: "HEAD moved since
        base" alone, which in a busy shared work tree would take someone else's commit for
        ours and leave uncommitted files behind."""
        def holds_all(rev: str) -> bool:
            return all(self._blob_at(rev, self.root / e["path"]) == e["new_blob"] for e in journal["entries"])

        if holds_all("HEAD"):
            return True
        base = journal.get("base")
        try:
            revs = self.repo.git.rev_list("--max-count=100", f"{base}..HEAD" if base else "HEAD").split()
        except git.GitCommandError:
            return False
        return any(holds_all(rev) for rev in revs)

    def _pending_new_paths(self) -> set[Path]:
        """Files an add in progress is creating (hidden from readers until it commits)."""
        if not self.txn_dir.exists():
            return set()
        journal = self._journal() or {"entries": []}
        return {self.root / e["path"] for e in journal["entries"] if e["new"] and not e["old"]}

    def _settle_for_reading(self) -> None:
        """A reader that finds a leftover transaction recovers it when no writer is active."""
        if not self.txn_dir.exists():
            return
        with contextlib.suppress(ArchiveError, OSError):  # busy, or a read-only archive
            with self._locked(timeout=0):
                self._recover()

    # ---------------------------------------------------------------- verify

    def verify(self) -> list[str]:
        """Every problem found, one line each, naming the file (empty list: all is well)."""
        problems: list[str] = []
        with contextlib.suppress(ArchiveError, OSError):  # busy, or a read-only archive
            with self._locked(timeout=5):
                self._recover()
        if self.txn_dir.exists():
            problems.append(f"{self.rel(self.txn_dir)}: an add is still in progress; run verify again")
        for entry in sorted(self.root.iterdir()):
            name = entry.name
            if name in (".gitignore", LOCK_NAME, TXN_NAME) or (entry.is_file() and name.upper().startswith("README")):
                continue  # our own files, and a README that documents the archive
            if entry.is_dir() and is_work_id(name):
                problems.extend(self._verify_work(name))
            elif entry.is_dir() and name.startswith("."):
                continue
            else:
                problems.append(f"{self.rel(entry)}: unexpected {'folder' if entry.is_dir() else 'file'} "
                                "in the archive (work folders are lowercase slugs)")
        problems.extend(self._verify_git_status())
        return problems

    def _verify_work(self, work: str) -> list[str]:
        problems: list[str] = []
        folder = self.root / work
        work_file = folder / WORK_FILE
        if not work_file.is_file():
            problems.append(f"{self.rel(work_file)}: missing (it holds the work's title)")
        else:
            try:
                info = frontmatter.load_yaml(work_file.read_text(encoding="utf-8"))
            except Exception as exc:
                info = None
                problems.append(f"{self.rel(work_file)}: not readable YAML ({' '.join(str(exc).split())[:200]})")
            if info is not None:
                if not isinstance(info, dict):
                    problems.append(f"{self.rel(work_file)}: should be a mapping with title, aliases, notes")
                else:
                    if not isinstance(info.get("title"), str) or not info.get("title"):
                        problems.append(f"{self.rel(work_file)}: 'title' should be a non-empty string")
                    for key in ("aliases", "notes"):
                        if not isinstance(info.get(key, []), list):
                            problems.append(f"{self.rel(work_file)}: '{key}' should be a list")
        claimed_sources: set[Path] = set()
        for path in sorted(folder.iterdir()):
            if path.name == WORK_FILE or ".source." in path.name:
                continue
            if path.suffix == ".md" and is_version_id(path.stem) and path.is_file():
                problems.extend(self._verify_version(work, path.stem, claimed_sources))
            else:
                what = "folder" if path.is_dir() else "file"
                problems.append(f"{self.rel(path)}: unexpected {what} (versions are <version>.md)")
        for path in sorted(folder.glob("*.source.*")):
            if path not in claimed_sources:
                problems.append(f"{self.rel(path)}: source file that no version's front matter names "
                                "(orphan; remove it or re-add its version)")
        return problems

    def _verify_version(self, work: str, version: str, claimed_sources: set[Path]) -> list[str]:
        path = self.md_path(work, version)
        where = self.rel(path)
        try:
            matter, body = frontmatter.split(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            return [f"{where}: {exc}"]
        problems = [f"{where}: {p}" for p in frontmatter.check(matter)]
        if str(matter.get("work")) != work:
            problems.append(f"{where}: front matter work {matter.get('work')!r} does not match its folder {work!r}")
        if str(matter.get("version")) != version:
            problems.append(f"{where}: front matter version {matter.get('version')!r} does not match its file name {version!r}")
        has_text = matter.get("has_text") is True
        if has_text:
            try:
                from .mdbody import from_markdown

                text = from_markdown(body, frontmatter.meta_from(matter)).text
            except Exception as exc:  # a hand edit that the body parser rejects
                problems.append(f"{where}: body cannot be read back ({type(exc).__name__}: "
                                f"{' '.join(str(exc).split())[:200]})")
            else:
                actual = frontmatter.sha256_text(text)
                if actual != matter.get("text_sha256"):
                    problems.append(f"{where}: text hash mismatch: front matter says {matter.get('text_sha256')}, "
                                    f"the body's text hashes to {actual} (edited by hand?)")
        elif body.strip():
            problems.append(f"{where}: has_text is false but the file has a body")
        source = matter.get("source") if isinstance(matter.get("source"), dict) else {}
        source_file = source.get("file")
        if source_file:
            source_path = (self.root / str(source_file))
            expected_prefix = f"{work}/{version}.source."
            if not str(source_file).startswith(expected_prefix) or "/" in str(source_file)[len(work) + 1:]:
                problems.append(f"{where}: source.file {source_file!r} should be {expected_prefix}<ext>")
            elif not source_path.is_file():
                problems.append(f"{where}: source file {self.rel(source_path)} is missing")
            else:
                claimed_sources.add(source_path)
                actual = frontmatter.sha256_bytes(source_path.read_bytes())
                if actual != source.get("sha256"):
                    problems.append(f"{self.rel(source_path)}: source hash mismatch: front matter says "
                                    f"{source.get('sha256')}, the file hashes to {actual} (modified?)")
        elif has_text:
            problems.append(f"{where}: has_text is true but no source file is kept (source.file is empty)")
        return problems

    def _verify_git_status(self) -> list[str]:
        try:
            out = self.repo.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--no-renames",
                                       "--", self.rel(self.root))
        except git.GitCommandError as exc:
            return [f"{self.rel(self.root)}: git status failed ({' '.join(str(exc).split())[:200]})"]
        problems = []
        ignored = {self.rel(self.root / LOCK_NAME)}
        untracked_ok = {self.rel(self.root / ".gitignore")}  # written by init, committed by the first add
        for record in out.split("\0"):
            if len(record) < 4:
                continue
            code, rel = record[:2], record[3:]
            if rel in ignored or rel.startswith(self.rel(self.txn_dir) + "/"):
                continue
            if code == "??" and rel in untracked_ok:
                continue
            what = {"??": "not committed (untracked)", " M": "changed since it was committed",
                    " D": "deleted since it was committed"}.get(code, f"not committed as is (git status {code.strip()})")
            problems.append(f"{rel}: {what}")
        return problems


def open_archive(root: str | os.PathLike) -> Archive:
    return Archive(root)
