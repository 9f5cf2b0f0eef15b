"""File helpers of the imperative shell, in one leaf module: reading a user's input file,
writing an output file atomically with a one-line reason when it cannot be written, the
top of the git work tree, file-name-safe names, the SOURCE_DATE_EPOCH timestamp.

A leaf: it imports the standard library and `errors` only, so that every shell module
(api, sitebuild, cli) can use it without an import circle (DESIGN §7; tests/test_shell.py
checks the whole package's import graph for circles).
"""

from __future__ import annotations

import datetime
import os
import re
import stat
from pathlib import Path
from typing import Mapping

from .errors import BadInputError


def read_input(source: str) -> bytes:
    """The bytes of a user's input file, or a one-line BadInputError saying why not (no
    such file, a folder, a pipe or device that would block, no permission)."""
    path = Path(source)
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise BadInputError(f"no such file: {source}: give the path of the document file") from None
    except OSError as exc:
        raise BadInputError(f"cannot read {source} ({exc.strerror}): check the path and permissions") from None
    if stat.S_ISDIR(mode):
        raise BadInputError(f"{source} is a folder: give the path of the document file")
    if not stat.S_ISREG(mode):  # a pipe or a device would block or never end
        raise BadInputError(f"{source} is not a regular file (a pipe or device?): save the text to a file first")
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise BadInputError(f"no such file: {source}: give the path of the document file") from None
    except IsADirectoryError:
        raise BadInputError(f"{source} is a folder: give the path of the document file") from None
    except OSError as exc:
        raise BadInputError(f"cannot read {source} ({exc.strerror}): check the path and permissions") from None


def atomic_write(path: Path, data: bytes) -> None:
    """Write via a temporary file in the same folder and os.replace: a reader (or a crash)
    sees the old file or the new one, never half of one. Raises OSError (see write_output
    for the user-facing form)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # here: only a write needs it (it loads shutil and random at start-up)

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def output_problem(path: Path, error: OSError) -> str:
    """One line for an output file that cannot be written (a file where a folder must be,
    no permission, a full disk): what is wrong and what to do."""
    for folder in (path.parent, *path.parent.parents):
        if folder.exists():
            if not folder.is_dir():
                return (f"cannot write {path}: {folder} is a file, not a folder; "
                        "give -o a path in a folder")
            break
    reason = error.strerror or str(error)
    return f"cannot write {path}: {reason}; give -o a path in a folder you can write to"


def write_output(path: Path, data: str | bytes) -> None:
    """An output file (report, page, log), atomically; a BadInputError naming the path
    when the file system refuses. Text is UTF-8; backslashreplace: a file name given in
    bytes that are not UTF-8 reaches a ref as lone surrogates, shown as \\udcff rather than
    failing to write the output."""
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "backslashreplace")
    try:
        atomic_write(path, raw)
    except OSError as exc:
        raise BadInputError(output_problem(path, exc)) from None


def check_output_option(output: str) -> None:
    """-o "" (an empty path) is a mistake, not "the default"."""
    if not output.strip():
        raise BadInputError("-o is empty: give the path of the file to write, or leave -o out for the default")


def inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve())


def check_outside_archive(path: Path, archive_root: Path | None) -> None:
    """Nothing but versions goes into the archive folder: a report written there would be
    an untracked file that `verify` fails on (issue 9)."""
    if archive_root is not None and inside(path, archive_root):
        raise BadInputError(f"{path} is inside the archive {archive_root}: reports never go into the archive; "
                            "give -o a path outside it")


def check_output_file(output: str, example_ext: str) -> Path:
    """-o must name a file (not empty, not a folder)."""
    check_output_option(output)
    path = Path(output)
    if path.is_dir():
        raise BadInputError(f"-o {output} is a folder; give a file path such as {output}/report.{example_ext}")
    return path


def work_tree_top(start: Path) -> Path | None:
    """The top of the git work tree holding `start` (the nearest folder upward with a
    `.git` folder or file: a linked worktree or submodule has a file), else None.
    Rejected: asking GitPython, which only the archive module may import (DESIGN §7)."""
    start = start.absolute()
    for folder in (start, *start.parents):
        if (folder / ".git").exists():
            return folder
    return None


def display_path(path: Path, cwd: Path | None = None) -> Path:
    """Relative to the current directory when inside it (what the CLI prints)."""
    try:
        return path.resolve().relative_to((cwd or Path.cwd()).resolve())
    except ValueError:
        return path


_UNSAFE = re.compile(r"[^\w.@\-]+")


def safe_name(name: str) -> str:
    """A file-name-safe form of a work, version or stem (keeps CJK letters).

    >>> safe_name("2024-10-09"), safe_name("a/b c"), safe_name("..")
    ('2024-10-09', 'a_b_c', '_')
    """
    cleaned = _UNSAFE.sub("_", name).strip("._")
    return cleaned or "_"


def generated_timestamp(environ: Mapping[str, str] | None = None) -> str | None:
    """ISO-8601 UTC time from SOURCE_DATE_EPOCH (reproducible builds), else None: a report
    never reads the clock, so that two runs give the same bytes.

    >>> generated_timestamp({"SOURCE_DATE_EPOCH": "1700000000"})
    '2023-11-14T22:13:20Z'
    >>> generated_timestamp({}) is None
    True
    """
    environ = os.environ if environ is None else environ
    raw = environ.get("SOURCE_DATE_EPOCH")
    if raw is None or raw.strip() == "":
        return None
    try:
        seconds = int(raw.strip())
        moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise BadInputError(f"SOURCE_DATE_EPOCH={raw!r} is not a whole number of seconds since 1970; "
                            "unset it or give e.g. SOURCE_DATE_EPOCH=1700000000") from None
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
