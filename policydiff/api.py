"""Library verbs that the CLI calls (imperative shell).

Each verb takes plain values, does the I/O (archive, files), calls the functional core
and returns either a model object or the rendered output as a string. The CLI only
prints what comes back. Any user-caused problem is raised as a PolicyDiffError.

Ownership while the project is young (one person edits one function at a time):
  locate_archive, init_archive, add_version, list_works, show, verify, load_side -> archive/ingest/structure
  diff, compare_refs, report                                                    -> align / render
  status, log                                                                   -> status
"""

from __future__ import annotations

from pathlib import Path

from .model import Comparison, Version


def locate_archive(option: str | None, must_exist: bool = True) -> Path:
    """--archive, else $POLICYDIFF_ARCHIVE, else versions/ at the top of the current git
    work tree, else ./versions (DESIGN §4)."""
    from . import archive

    return archive.locate(option, must_exist=must_exist)


def init_archive(directory: Path) -> Path:
    from . import archive_api

    return archive_api.init_archive(directory)


def add_version(archive_dir: Path, source: str | None, **fields) -> Version:
    """Import SOURCE (or record --no-text) as one version: one git commit, all or nothing."""
    from . import archive_api

    return archive_api.add_version(archive_dir, source, **fields)


def list_works(archive_dir: Path, fmt: str = "text") -> str:
    from . import archive_api

    return archive_api.list_works(archive_dir, fmt=fmt)


def load_side(archive_option: str | None, ref: str) -> Version:
    """A version for `show`/`diff`/`report`: an archived ref (WORK@VERSION, WORK, 文号) or,
    failing that, a plain file path parsed on the fly (no archive needed)."""
    from . import archive_api

    return archive_api.load_side(archive_option, ref)


def show(archive_option: str | None, ref: str, fmt: str = "text") -> str:
    from . import archive_api

    return archive_api.show(archive_option, ref, fmt=fmt)


def verify(archive_dir: Path) -> list[str]:
    from . import archive_api

    return archive_api.verify(archive_dir)


def compare_refs(archive_option: str | None, old_ref: str, new_ref: str) -> Comparison:
    raise NotImplementedError


def diff(archive_option: str | None, old_ref: str, new_ref: str, fmt: str = "text", color: bool = False) -> str:
    raise NotImplementedError


def report(archive_option: str | None, old_ref: str, new_ref: str, output: str | None = None,
           fmt: str = "html", lang: str = "zh") -> Path:
    raise NotImplementedError


def status(archive_dir: Path, query: str, measure: str | None = None, as_of: str | None = None,
           fmt: str = "text") -> str:
    raise NotImplementedError


def log(archive_dir: Path, work: str, measure: str | None = None, fmt: str = "text") -> str:
    raise NotImplementedError
