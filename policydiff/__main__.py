"""`python -m policydiff` and the `policydiff` console script (setup.cfg: __main__:run).

Ctrl-C during start-up (importing click and the package takes a few hundred ms) ends the
process at once with exit code 130 and no traceback: nothing has been read or written
yet. cli.main then installs the handler that lets an archive write finish or undo itself
(interrupts.py)."""

import os
import signal
import sys


def _exit_at_once(signum, frame) -> None:
    os._exit(130)  # 128 + SIGINT; no state to clean up before the command has started


signal.signal(signal.SIGINT, _exit_at_once)


def run() -> None:
    import gc

    # The cycle collector off while the CLI's modules load (issue 14): imports make tens of
    # thousands of objects that live to the end and hold no garbage, and the collections
    # they trigger walked them all, ~5 ms of 0.06 s (best of 6). On again before any
    # command runs (a long `build` needs it; a diff turns it off itself: api.diff).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        from policydiff.cli import main
    finally:
        if was_enabled:
            gc.enable()
    try:
        main()
    except SystemExit as exc:
        _leave_now(exc.code)
        raise


def _leave_now(code: object) -> None:
    """End the process without the interpreter's teardown when the command has finished
    and nothing is left for that teardown to do (issue 14): freeing every module, pattern
    and cached object one by one took 15-30 ms of a 0.3 s diff, for a process that ends
    anyway. Only when the code is a number (a message to print is Python's job), no other
    thread runs, no exit handler is registered (logging, tempfile, a process pool register
    one), and GitPython was never imported (its Repo objects end their `git cat-file`
    processes as they are freed); the output streams are flushed here, and if that fails
    (a closed pipe), the usual exit says so as before. Rejected: `os._exit` for every
    command unconditionally (an exit handler or a thread would lose its work)."""
    import atexit
    import threading

    count_handlers = getattr(atexit, "_ncallbacks", None)  # CPython's; elsewhere: the usual exit
    if not (code is None or isinstance(code, int)) or count_handlers is None:
        return
    if count_handlers() or threading.active_count() > 1 or "git" in sys.modules:
        return
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except Exception:
        return
    os._exit(code or 0)


if __name__ == "__main__":
    run()
