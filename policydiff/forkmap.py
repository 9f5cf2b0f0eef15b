"""The core's parallel map on two cores (issue 14): forked children compute chunks of a
diff's work from the state they inherit, and send back only their results.

    ForkMapper(parts=2, before_fork=None)      a mapper.Mapper that forks (imperative shell)
    mapper_for(old, new, before_fork=None)     that mapper when it pays here, else SERIAL

`ForkMapper.map(fn, chunks)`: one child per chunk after the first computes fn(chunk) and
sends it back pickled through a pipe while this process computes the first; the results
come back in chunk order. The pattern of intake.load_file_pair: the child resets Ctrl-C
to the default (it dies with the parent's process group; the parent prints the one line
and exits 130 as before), freezes the inherited objects out of any garbage collection,
does nothing else (no output) and leaves by `os._exit` (no exit handlers, no buffers
flushed twice). A child that fails in any way (fn raises, a pickling error, a crash, a
kill, a short write) means this process computes that chunk itself: it meets the same
error in the same order as `[fn(c) for c in chunks]` would. An error or Ctrl-C here kills
and reaps the children first. Determinism: the results are fn's, whichever process made
them, and are joined in chunk order.

When it forks (`mapper_for`): only for a pair whose two texts hold at least
FORK_MIN_CHARS together (below that a fork, its copy-on-write page faults and the pickle
cost more than half the work), only where os.fork exists, never inside a process-pool
worker (`build` already runs one pair per core: a fork there would only compete for
them), and never while another thread runs (`before_fork` is called first to end the
caller's own: a fork copies only the calling thread, and a lock another thread holds would
stay locked in the child).

Rejected: concurrent.futures / multiprocessing.Pool (a pool pickles the function and
its arguments — the aligner's state, tens of MB — and its workers print a traceback on
Ctrl-C; starting one costs 10-20 ms for two tasks), threads (the work holds the GIL), a
persistent helper process forked before the sides are read (it would not hold the state
each chunk reads: the alignment is made after the fork).
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Sequence

from .mapper import SERIAL, Mapper

# A pair is compared with a forking mapper when its two texts hold at least this many
# characters together (len of both Document.text). Unit: characters; range 100,000 ..
# 100,000,000. Measured on this 2-core VM (README, "Two cores for the aligner"; compare in
# process, serial against forked, best of 8, load 2.5-2.9): a fork costs the parent
# ~35-45 ms here (5-15 µs per copy-on-write page fault while the child lives, ~0.8 µs per
# page written after), and the mapped work (the n-gram round's rows) is ~0.19 s for the
# test compilation (2.83 M characters: forked 0.70 s against 0.74 s), ~0.09 s for its
# half (1.49 M: 0.367 against 0.350 s, a loss) and ~0.03 s for its quarter (0.71 M: 0.115
# against 0.110 s). 公司法 2018->2023 (~0.13 M characters) stays far below.
FORK_MIN_CHARS = 2_000_000

_LENGTH_BYTES = 8  # the child's message: its pickle's length, then the pickle


class ForkMapper:
    """A mapper.Mapper whose chunks after the first run in forked children."""

    def __init__(self, parts: int = 2, before_fork: Callable[[], Any] | None = None) -> None:
        self.parts = max(1, parts)
        self.before_fork = before_fork

    def map(self, fn: Callable[[Any], Any], chunks: Sequence[Any]) -> list[Any]:
        chunks = list(chunks)
        if len(chunks) < 2:
            return [fn(chunk) for chunk in chunks]
        if self.before_fork is not None:
            self.before_fork()
        if not _may_fork():
            return [fn(chunk) for chunk in chunks]
        reap()
        children: list[_Child | None] = []
        try:
            for chunk in chunks[1:]:
                children.append(_start(fn, chunk, [c for c in children if c is not None]))
            results = [fn(chunks[0])]
            for k, chunk in enumerate(chunks[1:]):
                child, children[k] = children[k], None
                sent = _collect(child) if child is not None else None
                results.append(fn(chunk) if sent is None else sent[0])
        except BaseException:
            for child in children:
                if child is not None:
                    child.end(kill=True)
            raise
        return results


def _may_fork() -> bool:
    """Whether a fork is safe here: os.fork exists and no other thread runs."""
    if not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def _in_pool_worker() -> bool:
    """A multiprocessing (or concurrent.futures) worker: its parent_process is set. A
    process that never imported multiprocessing is no such worker."""
    multiprocessing = sys.modules.get("multiprocessing")
    return multiprocessing is not None and multiprocessing.parent_process() is not None


def mapper_for(old: Any, new: Any, before_fork: Callable[[], Any] | None = None) -> Mapper:
    """The mapper for comparing `old` with `new` (Versions) in this process: a ForkMapper of
    two parts when the pair is large enough (FORK_MIN_CHARS), forking is possible and this
    is not a pool worker; else mapper.SERIAL."""
    size = sum(len(v.document.text) for v in (old, new) if getattr(v, "document", None) is not None)
    if size < FORK_MIN_CHARS or not hasattr(os, "fork") or _in_pool_worker():
        return SERIAL
    return ForkMapper(parts=min(2, os.cpu_count() or 1), before_fork=before_fork)


# Children that had sent their result but not yet ended when their map returned: a
# child's exit (unmapping the copy of this process) takes 5-15 ms, which this process need
# not wait for; the next map, or reap(), collects them.
_exiting: list[int] = []


def reap() -> None:
    """Wait for the children whose results were taken but who had not yet ended."""
    while _exiting:
        pid = _exiting.pop()
        try:
            os.waitpid(pid, 0)
        except ChildProcessError:
            pass


class _Child:
    """A forked child computing one chunk: its pid, the in-memory file it writes its
    result to, and the read end of the pipe it says "done" on (one byte; an end of file
    without it: the child ended without finishing)."""

    __slots__ = ("pid", "out", "done")

    def __init__(self, pid: int, out: int, done: int) -> None:
        self.pid, self.out, self.done = pid, out, done

    def end(self, kill: bool) -> None:
        """Close its files, kill it (when asked) and wait for it."""
        import signal

        for fd in (self.out, self.done):
            try:
                os.close(fd)
            except OSError:
                pass
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass


def _start(fn: Callable[[Any], Any], chunk: Any, siblings: Sequence[_Child]) -> _Child | None:
    """A forked child computing fn(chunk) and writing it, pickled, to a fresh in-memory
    file, or None when no child could be made (the caller computes the chunk itself).
    Why a file and not a pipe for the result: the child writes it whole while this process
    computes its own chunk, and this process reads it in one call (a pipe holds 64 KiB: a
    4 MB result took ~70 wake-ups each way, 10-20 ms against ~3 ms). `siblings`: the
    children started before, whose descriptors this one closes (holding a sibling's
    "done" pipe open would hide that sibling's end)."""
    import gc
    import pickle
    import signal

    try:
        out = scratch_file()
    except OSError:
        return None
    try:
        done_read, done_write = os.pipe()
    except OSError:
        os.close(out)
        return None
    try:
        pid = os.fork()
    except OSError:
        for fd in (out, done_read, done_write):
            os.close(fd)
        return None
    if pid == 0:
        try:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            # the inherited objects stay out of this process's collections: a collection
            # would write to each of them (copy-on-write pages copied for nothing)
            gc.freeze()
            os.close(done_read)
            for sibling in siblings:
                os.close(sibling.out)
                os.close(sibling.done)
            try:
                payload = pickle.dumps(fn(chunk), protocol=pickle.HIGHEST_PROTOCOL)
                message = len(payload).to_bytes(_LENGTH_BYTES, "little") + payload
            except BaseException:
                message = b""  # the parent computes the chunk and meets the error itself
            view = memoryview(message)
            while view:
                view = view[os.write(out, view):]
            os.write(done_write, b"\1")
        finally:
            os._exit(0)
    os.close(done_write)
    return _Child(pid, out, done_read)


def scratch_file() -> int:
    """A descriptor of an empty file that lives in memory (Linux's memfd), else of an
    anonymous temporary file; closing it frees it."""
    if hasattr(os, "memfd_create"):
        return os.memfd_create("policydiff", getattr(os, "MFD_CLOEXEC", 0))
    import tempfile

    with tempfile.TemporaryFile() as scratch:  # (already unlinked: the descriptor is all of it)
        return os.dup(scratch.fileno())


def _collect(child: _Child) -> tuple[Any] | None:
    """The child's result as a 1-tuple once it says it is done, or None when it wrote none
    that is whole (it failed, was killed, or was cut short). The child is reaped now if it
    has ended, else later (reap)."""
    import pickle

    try:
        finished = os.read(child.done, 1) == b"\1"
    except BaseException:
        child.end(kill=True)
        raise
    message = b""
    try:
        if finished:
            size = os.fstat(child.out).st_size
            message = os.pread(child.out, size, 0) if size else b""
    except OSError:
        message = b""
    finally:
        os.close(child.out)
        os.close(child.done)
    try:
        if os.waitpid(child.pid, os.WNOHANG)[0] == 0:
            _exiting.append(child.pid)
    except ChildProcessError:
        pass
    if len(message) < _LENGTH_BYTES or int.from_bytes(message[:_LENGTH_BYTES], "little") != len(message) - _LENGTH_BYTES:
        return None
    try:
        return (pickle.loads(memoryview(message)[_LENGTH_BYTES:]),)
    except Exception:
        return None
