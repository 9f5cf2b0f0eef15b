"""How a write to the archive stays all or nothing: the archive lock, the journal, the
git commit, and recovery after an exception, a kill or Ctrl-C.

One write (`add`, `rm`, `edit`) is one transaction under the archive lock:

1. *prepare*: every new file is written into ``.policydiff-txn/`` (same file system, so the
   later renames are atomic), every file it will replace or remove is copied there as a
   backup, and last a ``journal.json`` is written atomically (temp file + ``os.replace``)
   that lists the entries, the blob hash of each new content, the HEAD it started from and
   a transaction id that the commit message carries (``policydiff-txn: <id>``);
2. *apply*: each new file is moved into place with ``os.replace``, the ``.md`` files last, so
   a reader never sees a version whose source is still missing;
3. *commit*: ``git add`` the written paths and ``git commit --only -- <those paths>``, so
   that whatever else the user has staged stays staged and out of the commit;
4. *finish*: the journal is removed, then the transaction folder.

Recovery (`_recover`) handles an exception anywhere in 2-3 and a kill at any moment, and
decides from what git actually holds, never from what the dead process may have done:

- first it waits until no git process of this work tree can still be writing: the git
  child that the transaction recorded (``git.pid``: pid and start time, written by the
  child itself before it runs git, so a kill between fork and exec cannot hide it) must
  have exited, and a git lock (``index.lock``, ``HEAD.lock``, a branch ref's lock) must be
  gone; a lock whose owner is dead (no live git process in this work tree, the same lock
  file before and after looking) is *stale*: it is removed with a note;
- with no journal nothing was moved yet: drop the folder;
- with a journal, if a commit since its base carries the transaction id, the commit
  landed: roll forward (put back any file that is missing, finish);
- otherwise every entry is put back from its backup (copied, not moved, so that a
  recovery that is itself killed can run again), unstaged, and the folder dropped.

The next writer runs it under the lock; a reader runs it when it can take the lock and git
is quiet at once, and otherwise hides versions that are still being added; `verify` names
a stale lock instead of removing it. Rejected: a commit made first on a side branch and then
fast-forwarded (it still leaves the work tree to reconcile, and moves the user's branch
under their feet); deciding from "HEAD moved since base" (in a shared work tree, someone
else's commit would be taken for ours); a git child that dies with its parent
(PR_SET_PDEATHSIG: Linux only, and a git killed mid-commit leaves the stale locks anyway).

Ctrl-C: the transaction runs inside `interrupts.deferred()`, so SIGINT is acted on at its
safe points (before it changes anything, before the commit) and otherwise when it is done.

Two concurrent writers: a `filelock.FileLock` on ``.policydiff.lock`` (flock: released by
the kernel when a process dies) serialises them; both land, one commit each.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import subprocess
import time
from pathlib import Path
from typing import Any, Iterator

from .lazy import filelock
from .lazy import git
from .lazy import shutil, uuid

from .. import interrupts
from ..errors import ArchiveError
from .layout import JOURNAL_NAME, LOCK_NAME


# How long a writer waits for another writer's lock, and for a busy git process of the work
# tree, before giving up, in seconds (0..600). A normal add holds the lock well under a
# second; 60 s covers a slow disk or a big file.
def _lock_timeout_from_env(default: float = 60.0) -> float:
    try:
        value = float(os.environ.get("POLICYDIFF_LOCK_TIMEOUT", default))
    except ValueError:
        return default
    return min(max(value, 0.0), 600.0)


LOCK_TIMEOUT_SECONDS = _lock_timeout_from_env()
# How often a waiting writer looks again at a busy git, in seconds (0.01..1).
GIT_POLL_SECONDS = 0.05
# Without /proc (not Linux) a lock's owner cannot be looked up: a git lock is then taken
# for stale only when it is this old, in seconds (60..86400). No git command of an archive
# write holds a lock for minutes.
STALE_LOCK_AGE_SECONDS = 600.0
GIT_PID_NAME = "git.pid"
TXN_TRAILER = "policydiff-txn"
JOURNAL_FORMAT = "policydiff.txn/2"  # /2: txn id + git.pid (a /1 journal is decided by content)


def _blob_sha(data: bytes) -> str:
    """git's object id of a blob with this content (what `git rev-parse HEAD:path` prints)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _copy_into_place(source: Path, target: Path) -> None:
    """Copy `source` over `target` atomically (temp file + rename); `source` stays."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.policydiff-restore")
    _fsync_write(tmp, source.read_bytes())
    os.replace(tmp, target)


# ---------------------------------------------------------------- processes (Linux /proc)


def _proc_state(pid: int) -> tuple[str, int] | None:
    """(state letter, start time in clock ticks since boot) of a process, None when gone or
    when there is no /proc."""
    try:
        data = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()  # the name in (...) may hold spaces
    try:
        return fields[0], int(fields[19])
    except (IndexError, ValueError):
        return None


def _have_proc() -> bool:
    return Path("/proc/self/stat").exists()


def _alive(pid: int, start: int | None) -> bool:
    """Is that very process still running (not a zombie, not a reused pid)?"""
    if _have_proc():
        state = _proc_state(pid)
        return state is not None and state[0] not in "ZXx" and (start is None or state[1] == start)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _record_git_child(parent: int, pid_file: str | None) -> None:
    """Runs in the forked child before it execs git (subprocess preexec_fn): the child
    writes its own pid and start time, then checks that the writer that forked it is still
    alive. If the writer was killed before the record was written, the child never runs
    git; if after, recovery finds the record and waits for this git to exit. Plain os
    calls only: a forked child of a process with threads (bulk import's pool) must not
    touch Python-level locks."""
    if pid_file is not None:
        pid = os.getpid()
        start = b"null"
        try:
            fd = os.open("/proc/self/stat", os.O_RDONLY)
            try:
                stat = os.read(fd, 4096)
            finally:
                os.close(fd)
            start = stat[stat.rindex(b")") + 2:].split()[19]
        except (OSError, ValueError, IndexError):
            pass
        tmp = pid_file + ".tmp"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.write(fd, b'{"pid": %d, "start": %s}' % (pid, start))
        finally:
            os.close(fd)
        os.rename(tmp, pid_file)
    if os.getppid() != parent:
        os._exit(127)


class TransactionMixin:
    """The writing half of `Archive` (store.py): lock, journal, apply, commit, recover.
    Needs from the store: root, top, repo, txn_dir, rel, arel."""

    recovery_notes: list[str]

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

    def _note(self, note: str) -> None:
        if not hasattr(self, "recovery_notes"):
            self.recovery_notes = []
        self.recovery_notes.append(note)

    # ---------------------------------------------------------------- one transaction

    def _transact(self, planned: dict[Path, bytes | None], message_for, base: Any = ...) -> bool:
        """Prepare, apply and commit `planned` (path -> new bytes, or None to remove) with
        the message `message_for(txn_id)`. Call with the lock held, inside
        interrupts.deferred(). `base`: HEAD as the caller already read it under the lock
        (default: read it now). True when the commit landed (also when an exception came
        after git had committed); an exception when it was undone."""
        txn = uuid.uuid4().hex
        interrupts.raise_if_pending()  # nothing changed yet: stop here
        try:
            self._prepare(planned, txn, base)
            self._apply()
            interrupts.raise_if_pending()  # files are in place but not committed: undo them
            self._commit(planned, message_for(txn))
        except BaseException:
            if self._recover() == "committed":
                return True  # git committed before the failure: the version is in, all of it
            raise
        self._finish()
        return True

    def _finish(self) -> None:
        """Drop the transaction folder, journal first: a kill in the middle leaves a folder
        without a journal, which recovery simply drops."""
        (self.txn_dir / JOURNAL_NAME).unlink(missing_ok=True)
        shutil.rmtree(self.txn_dir, ignore_errors=True)

    def _head(self) -> str | None:
        try:
            return self.repo.git.rev_parse("--verify", "-q", "HEAD").strip() or None
        except git.GitCommandError:  # no commit yet
            return None

    def _head_blob(self, path: Path) -> str | None:
        return self._blob_at("HEAD", path)

    def _head_state(self, paths) -> tuple[str | None, dict[Path, str | None]]:
        """(HEAD's commit or None, {path: its object id in HEAD, None when absent}) from one
        `git cat-file --batch-check`: what `_head()` and `_head_blob(path)` answer, one git
        process instead of one per question (an add asked five; bulk import adds
        thousands). Anything it cannot answer is asked the old way."""
        paths = list(dict.fromkeys(paths))
        names = ["HEAD", *(f"HEAD:{self.rel(p)}" for p in paths)]
        if any("\n" in name for name in names):
            return self._head(), {p: self._head_blob(p) for p in paths}
        out = self._git_read(["cat-file", "--batch-check"], stdin=("\n".join(names) + "\n").encode("utf-8"))
        lines = out.splitlines() if out is not None else []
        if len(lines) != len(names):
            return self._head(), {p: self._head_blob(p) for p in paths}
        found: list[str | None] = []
        for name, line in zip(names, lines):
            fields = line.split(" ")
            if line.endswith(" missing") or len(fields) != 3:
                found.append(None)  # missing (no commit yet, or not in HEAD)
            else:
                found.append(fields[0])
        return found[0], dict(zip(paths, found[1:]))

    def _prepare(self, planned: dict[Path, bytes | None], txn: str | None = None, base: Any = ...) -> None:
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
        journal = {"format": JOURNAL_FORMAT, "txn": txn or uuid.uuid4().hex, "base": self._head() if base is ... else base,
                   "entries": entries, "created_dirs": created_dirs}
        tmp = self.txn_dir / (JOURNAL_NAME + ".tmp")
        _fsync_write(tmp, json.dumps(journal, ensure_ascii=False, indent=1).encode("utf-8"))
        os.replace(tmp, self.txn_dir / JOURNAL_NAME)

    def _journal(self) -> dict[str, Any] | None:
        try:
            journal = json.loads((self.txn_dir / JOURNAL_NAME).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return journal if isinstance(journal, dict) and isinstance(journal.get("entries"), list) else None

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
                if target.parent != self.root:
                    with contextlib.suppress(OSError):  # a work folder left empty by `rm`
                        target.parent.rmdir()

    # ---------------------------------------------------------------- git

    def _git(self, *args: str) -> str:
        """A git command that may write (index, refs), as a child process that records
        itself in the transaction folder (module doc). While another git process of the
        work tree holds a lock it waits (up to LOCK_TIMEOUT_SECONDS); a lock whose owner
        is dead is cleared with a note. Raises git.GitCommandError when git fails."""
        deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
        pid_file = str(self.txn_dir / GIT_PID_NAME) if self.txn_dir.is_dir() else None
        env = {**os.environ, "LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0"}  # C: messages we can read
        env.pop("LANGUAGE", None)
        while True:
            self._await_git_quiet(deadline)
            proc = subprocess.Popen(
                ["git", *args], cwd=self.top, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, preexec_fn=lambda parent=os.getpid(): _record_git_child(parent, pid_file),
            )
            out, err = proc.communicate()
            if proc.returncode == 0:
                return out.decode("utf-8", "replace")
            stderr = err.decode("utf-8", "replace")
            if ".lock" in stderr and ("exists" in stderr or "Unable to create" in stderr) \
                    and time.monotonic() < deadline:
                continue  # another git took a lock meanwhile: wait for it, then again
            raise git.GitCommandError(["git", *args], proc.returncode, stderr, out.decode("utf-8", "replace"))

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
            raise ArchiveError(f"git could not commit ({detail}); nothing was changed") from None

    def _git_dirs(self) -> tuple[Path, Path]:
        """(this work tree's git dir, the repository's common dir): they differ in a linked
        worktree (`git worktree add`)."""
        kept = getattr(self, "_git_dirs_kept", None)
        if kept is None:
            git_dir = Path(self.repo.git_dir).resolve()
            common = Path(getattr(self.repo, "common_dir", None) or git_dir).resolve()
            kept = self._git_dirs_kept = (git_dir, common)
        return kept

    def _git_lock_files(self) -> list[Path]:
        """Lock files that block the git commands of a write and belong to this work tree:
        the index's, HEAD's, a commit --only's temporary index, and the checked-out
        branch's ref. Never the repository-wide ones (packed-refs, config, other branches):
        another work tree of the same repository (`git worktree add`) may hold those, and
        its git processes do not run in this work tree."""
        git_dir, common = self._git_dirs()
        found = [git_dir / "index.lock", git_dir / "HEAD.lock", *git_dir.glob("next-index-*.lock")]
        # the branch HEAD names (e.g. refs/heads/main), read from HEAD itself as git writes
        # it (GitPython's head.reference reads the same file, at 1 ms a call, 3 calls an add);
        # a detached HEAD names none
        try:
            head = (git_dir / "HEAD").read_text(encoding="utf-8", errors="replace").strip()
        except OSError:
            head = ""
        branch = head[len("ref:"):].strip() if head.startswith("ref:") else None
        if branch:
            found.append(common / (branch + ".lock"))
        return sorted({p for p in found if p.is_file()})

    def _live_git_pids(self) -> list[int] | None:
        """Git processes working in this work tree or its git dir, except GitPython's
        long-lived `cat-file` readers (they never take a lock) and this process's own
        children. None when it cannot be known (no /proc)."""
        if not _have_proc():
            return None
        me = os.getpid()
        places = [str(self.top), *(str(p) for p in self._git_dirs())]
        found = []
        for name in os.listdir("/proc"):
            if not name.isdigit() or int(name) == me:
                continue
            pid = int(name)
            try:
                if not Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace").startswith("git"):
                    continue
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                cwd = os.readlink(f"/proc/{pid}/cwd")
                stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
            except OSError:
                continue  # gone meanwhile, or another user's
            fields = stat[stat.rindex(")") + 2:].split()
            if fields[0] in "ZXx" or b"cat-file" in cmdline:
                continue
            if any(cwd == place or cwd.startswith(place.rstrip("/") + "/") for place in places):
                found.append(pid)
        return found

    def _recorded_git(self) -> tuple[int, int | None] | None:
        try:
            record = json.loads((self.txn_dir / GIT_PID_NAME).read_text(encoding="ascii"))
            return int(record["pid"]), (int(record["start"]) if record.get("start") is not None else None)
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def _git_busy(self) -> tuple[str | None, list[Path]]:
        """(why git may still be writing, or None; stale lock files). Stale: a lock with no
        live git process in this work tree (or, without /proc, older than
        STALE_LOCK_AGE_SECONDS)."""
        recorded = self._recorded_git() if self.txn_dir.is_dir() else None
        if recorded is not None and _alive(*recorded):
            return f"git (pid {recorded[0]}) started by an interrupted policydiff command is still running", []
        locks = self._git_lock_files()
        if not locks:
            return None, []
        live = self._live_git_pids()
        if live:
            return f"a git process (pid {live[0]}) holds {locks[0]}", []
        if live is None:
            young = [p for p in locks if time.time() - p.stat().st_mtime < STALE_LOCK_AGE_SECONDS]
            if young:
                return f"{young[0]} is held (its owner cannot be looked up here)", []
        return None, locks

    def _await_git_quiet(self, deadline: float, *, clear_stale: bool = True) -> bool:
        """Wait until no git process of this work tree can still be writing; clear stale
        locks (with a note) when `clear_stale`. False when a stale lock was left in place;
        ArchiveError when git is still busy at `deadline` (time.monotonic())."""
        while True:
            busy, stale = self._git_busy()
            if busy is None and not stale:
                return True
            if busy is None:
                if not clear_stale:
                    return False
                for lock in stale:
                    with contextlib.suppress(FileNotFoundError):
                        before = lock.stat()
                        # the same lock file as when its owner was looked for (git creates
                        # a lock with O_EXCL: no live git can have replaced a stale one)
                        if (before.st_ino, before.st_mtime_ns) == (lock.stat().st_ino, lock.stat().st_mtime_ns):
                            lock.unlink()
                            self._note(f"removed {lock}, a git lock left by a process that is no longer running")
                continue
            if time.monotonic() >= deadline:
                raise ArchiveError(f"{busy} (waited {LOCK_TIMEOUT_SECONDS:g} s): try again when it has finished")
            time.sleep(GIT_POLL_SECONDS)

    def stale_git_locks(self) -> list[Path]:
        """Git locks of this work tree whose owner is gone (for `verify`); [] while git is busy."""
        busy, stale = self._git_busy()
        return [] if busy else stale

    # ---------------------------------------------------------------- recovery

    def _recover(self, *, wait: float | None = None, clear_stale: bool = True) -> str | None:
        """Finish or undo a transaction left by an exception, a kill or Ctrl-C (module
        doc). Call with the lock held. Returns "committed" (rolled forward), "undone", or
        None (nothing to do); notes go to `recovery_notes`. ArchiveError when a git process
        is still busy after `wait` seconds (default LOCK_TIMEOUT_SECONDS); then nothing
        has been decided and the transaction stays for the next command."""
        deadline = time.monotonic() + (LOCK_TIMEOUT_SECONDS if wait is None else wait)
        if not self._await_git_quiet(deadline, clear_stale=clear_stale):
            raise ArchiveError("a stale git lock blocks recovery: see `policydiff verify`")
        if not self.txn_dir.exists():
            return None
        with interrupts.deferred():
            journal = self._journal()
            if journal is None:  # killed while preparing (or finishing): nothing to undo
                shutil.rmtree(self.txn_dir, ignore_errors=True)
                return None
            commit = self._landed(journal)
            if commit is not None:
                self._roll_forward(journal, commit)
                self._finish()
                self._note(f"finished an add that git had committed ({commit[:12]}) when it was interrupted")
                return "committed"
            self._roll_back(journal)
            self._finish()
            self._note("rolled back an unfinished change that was interrupted before git committed it")
            return "undone"

    def _roll_forward(self, journal: dict[str, Any], commit: str) -> None:
        """The commit landed: make the work tree hold what it committed, for files that an
        older policydiff's recovery may have put back (missing new files, restored old
        ones). A file changed since then by the user is left alone."""
        for entry in journal["entries"]:
            target = self.root / entry["path"]
            backup = self.txn_dir / entry["old"] if entry["old"] else None
            current = _blob_sha(target.read_bytes()) if target.is_file() else None
            old = _blob_sha(backup.read_bytes()) if backup is not None and backup.is_file() else None
            if current is not None and current != old:
                continue  # holds the new content, or the user's later edit
            if entry["new_blob"]:
                data = self.repo.git.cat_file("blob", entry["new_blob"], stdout_as_string=False)
                target.parent.mkdir(parents=True, exist_ok=True)
                tmp = target.with_name(f".{target.name}.policydiff-restore")
                _fsync_write(tmp, data)
                os.replace(tmp, target)
            elif current is not None:
                target.unlink()

    def _roll_back(self, journal: dict[str, Any]) -> None:
        """Nothing was committed: put every entry back and unstage it. Backups are copied,
        not moved, so a roll-back that is itself killed can run again."""
        in_head, not_in_head = [], []
        for entry in reversed(journal["entries"]):
            target = self.root / entry["path"]
            backup = self.txn_dir / entry["old"] if entry["old"] else None
            if backup is not None and backup.exists():
                _copy_into_place(backup, target)
            elif entry["old"] is None:
                target.unlink(missing_ok=True)
            (in_head if self._head_blob(target) is not None else not_in_head).append(self.rel(target))
        try:
            if in_head:
                self._git("reset", "-q", "HEAD", "--", *in_head)
            if not_in_head:
                self._git("rm", "--cached", "-q", "--ignore-unmatch", "--", *not_in_head)
        except git.GitCommandError as exc:
            detail = " ".join(str(exc.stderr or exc).split())[:300]
            raise ArchiveError(f"could not unstage an interrupted change ({detail}); "
                               "it will be tried again by the next policydiff command") from None
        for folder in sorted(journal.get("created_dirs", ()), key=len, reverse=True):
            with contextlib.suppress(OSError):
                (self.root / folder).rmdir()  # only when empty

    def _blob_at(self, rev: str, path: Path) -> str | None:
        try:
            return self.repo.git.rev_parse("--verify", "-q", f"{rev}:{self.rel(path)}").strip() or None
        except git.GitCommandError:
            return None

    def _landed(self, journal: dict[str, Any]) -> str | None:
        """The commit that carries the journal's transaction id, if git made it: in HEAD's
        history since the journal's base. A /1 journal (no id) is decided by content: a
        commit since base that holds every new content."""
        base = journal.get("base")
        span = f"{base}..HEAD" if base else "HEAD"
        txn = journal.get("txn")
        try:
            if txn:
                found = self.repo.git.rev_list("--max-count=1", "-F", f"--grep={TXN_TRAILER}: {txn}", span).split()
                return found[0] if found else None
            revs = self.repo.git.rev_list("--max-count=100", span).split()
        except git.GitCommandError:  # no HEAD yet, or the base is gone
            return None
        for rev in revs:
            if all(self._blob_at(rev, self.root / e["path"]) == e["new_blob"] for e in journal["entries"]):
                return rev
        return None

    def _pending_new_paths(self) -> set[Path]:
        """Files an add in progress is creating (hidden from readers until it commits)."""
        if not self.txn_dir.exists():
            return set()
        journal = self._journal() or {"entries": []}
        return {self.root / e["path"] for e in journal["entries"] if e["new"] and not e["old"]}

    def _settle_for_reading(self) -> None:
        """A reader that finds a leftover transaction recovers it when no writer is active
        and git is quiet at once; it never waits and never clears a stale lock."""
        if not self.txn_dir.exists():
            return
        with contextlib.suppress(ArchiveError, OSError):  # busy, or a read-only archive
            with self._locked(timeout=0):
                self._recover(wait=0, clear_stale=False)
