"""`python -m policydiff` and the `policydiff` console script (setup.cfg: __main__:run).

Ctrl-C during start-up (importing click and the package takes a few hundred ms) ends the
process at once with exit code 130 and no traceback: nothing has been read or written
yet. cli.main then installs the handler that lets an archive write finish or undo itself
(interrupts.py)."""

import os
import signal


def _exit_at_once(signum, frame) -> None:
    os._exit(130)  # 128 + SIGINT; no state to clean up before the command has started


signal.signal(signal.SIGINT, _exit_at_once)


def run() -> None:
    from policydiff.cli import main

    main()


if __name__ == "__main__":
    run()
