"""Ctrl-C (SIGINT) without a traceback and without a half-done archive write.

The command line installs `handler` (cli.main). Outside a protected region it raises
KeyboardInterrupt at once, which cli.main turns into "Interrupted." and exit code 130.
Inside `deferred()` (an archive transaction: recovery, files moved into place, the git
commit, the clean-up) it only records the request; the transaction checks for it at its
safe points (`raise_if_pending`: before it changes anything, before it commits), and the
region raises it when it ends, after the archive is consistent again.

Rejected: ignoring SIGINT for the whole command (a long `diff` could not be stopped) and
letting KeyboardInterrupt fire anywhere (a rollback cut short by a second Ctrl-C is what
leaves an archive that only git surgery can fix).

No I/O, no clock: the functional core may not import it, but the archive and the CLI do.
"""

from __future__ import annotations

import contextlib
import signal
from typing import Iterator

EXIT_CODE = 130  # 128 + SIGINT, what a shell reports for a process stopped by Ctrl-C

_depth = 0  # nesting of deferred() regions
_pending = False  # SIGINT arrived inside a region


def handler(signum, frame) -> None:  # signal handler signature
    global _pending
    if _depth:
        _pending = True
        return
    raise KeyboardInterrupt


def install() -> None:
    """Make SIGINT go through `handler` (from the main thread: Python's rule for signals)."""
    signal.signal(signal.SIGINT, handler)


def pending() -> bool:
    return _pending


def raise_if_pending() -> None:
    """At a safe point inside a region: act on a Ctrl-C that arrived meanwhile."""
    global _pending
    if _pending:
        _pending = False
        raise KeyboardInterrupt


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """A region that SIGINT does not cut: the request is kept and raised when it ends
    (replacing any other exception: the user asked to stop, exit 130 says so)."""
    global _depth, _pending
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _pending:
            _pending = False
            raise KeyboardInterrupt


@contextlib.contextmanager
def told_if_done(message: str) -> Iterator[list]:
    """Around a write: when Ctrl-C is raised after the write was done (the caller appends
    True to the yielded list), the KeyboardInterrupt says so (`message`), so that exit 130
    does not read as "nothing happened"."""
    done: list = []
    try:
        yield done
    except KeyboardInterrupt:
        if any(done):
            raise KeyboardInterrupt(message) from None
        raise


def ignore_in_worker() -> None:
    """Process-pool initializer: a worker leaves Ctrl-C to its parent, which cancels what
    is queued and says "Interrupted." once (without it every worker prints its own
    KeyboardInterrupt traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
