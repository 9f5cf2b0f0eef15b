"""How a write to the archive stays all or nothing: the archive lock, the journal, the
git commit, and recovery after an exception or a kill.

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
import shutil
import time
from pathlib import Path
from typing import Any, Iterator

import filelock
import git

from ..errors import ArchiveError
from .layout import JOURNAL_NAME, LOCK_NAME


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


def _blob_sha(data: bytes) -> str:
    """git's object id of a blob with this content (what `git rev-parse HEAD:path` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


class TransactionMixin:
    """The writing half of `Archive` (store.py): lock, journal, apply, commit, recover."""

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
