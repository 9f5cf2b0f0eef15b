"""Which code is running: the git commit of the tool's own checkout, for a report's
provenance (imperative shell: it asks git about the package's folder).

    tool_commit() -> "<sha>" | "<sha>+modified" | None

The commit is the last one that touched the package's own files (`git log -1 -- <package>`),
not HEAD: a commit that only rebuilds the shipped reports/ changes HEAD but not the code,
and must not make the reports it ships out of date. "+modified" when the package's files
differ from that commit (the code is that commit plus uncommitted edits). None when the
package is not a tracked folder of a git work tree (an installed wheel, a copy, no git):
absent, never a guess. Deterministic: no clock, the same checkout gives the same answer.

Rejected: GitPython (only the archive imports it, DESIGN §7) and reading .git by hand
(packed refs, linked worktrees, submodules: git itself answers these right).
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path

from .files import work_tree_top

PACKAGE_DIR = Path(__file__).resolve().parent
# How long one git question may take, in seconds (0.1..60): far above the few
# milliseconds it takes, low enough that a hung git cannot hang a report.
GIT_TIMEOUT_SECONDS = 10.0


def _git(top: Path, *args: str) -> tuple[int, str]:
    try:
        done = subprocess.run(["git", "-C", str(top), *args], capture_output=True, text=True,
                              timeout=GIT_TIMEOUT_SECONDS)
    except (OSError, subprocess.SubprocessError):
        return 1, ""
    return done.returncode, done.stdout.strip()


def commit_of_folder(folder: Path) -> str | None:
    """The last commit touching `folder` (tracked in a git work tree), with "+modified"
    when its tracked files differ from that commit; None when it is not tracked."""
    top = work_tree_top(folder)
    if top is None:
        return None
    relative = folder.resolve().relative_to(top.resolve()).as_posix() if folder.resolve() != top.resolve() else "."
    code, tracked = _git(top, "ls-files", "--", relative)
    if code != 0 or not tracked:
        return None  # e.g. a package installed into a virtualenv inside some checkout
    code, sha = _git(top, "log", "-1", "--format=%H", "--", relative)
    if code != 0 or len(sha) != 40:
        return None
    code, _ = _git(top, "diff", "--quiet", "HEAD", "--", relative)
    if code not in (0, 1):
        return None
    return sha if code == 0 else f"{sha}+modified"


@functools.lru_cache(maxsize=1)
def tool_commit() -> str | None:
    """The running package's commit (once per process)."""
    return commit_of_folder(PACKAGE_DIR)
