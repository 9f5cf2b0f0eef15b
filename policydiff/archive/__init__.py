"""The git-backed archive (DESIGN §3): the only package that imports git (GitPython).

Split by job, one object for callers (`Archive`):

| module | job |
|---|---|
| `layout.py` | where things are in an archive folder |
| `store.py` | init an archive, read versions, the writing verbs (`add`) |
| `transaction.py` | the archive lock, the journal, the git commit, recovery after a kill |
| `verify.py` | `policydiff verify`: every problem, one line each |

A version *exists* when its ``<version>.md`` exists; a source file without its .md is an
orphan that `verify` reports.
"""

from .layout import (DEFAULT_ARCHIVE_NAME, GITIGNORE_LINES, JOURNAL_NAME, LOCK_NAME, TXN_NAME,
                     WORK_FILE)
from .store import Archive, NewVersion, init, open_archive
from .transaction import LOCK_TIMEOUT_SECONDS
from ..refs import version_sort_key

__all__ = [
    "Archive", "NewVersion", "init", "open_archive", "version_sort_key",
    "DEFAULT_ARCHIVE_NAME", "GITIGNORE_LINES", "JOURNAL_NAME", "LOCK_NAME", "TXN_NAME", "WORK_FILE",
    "LOCK_TIMEOUT_SECONDS",
]
