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
from ..refs import version_sort_key

# The store and the transaction machinery load on the first name asked of them (PEP 562):
# `policydiff diff OLD NEW` of two plain files looks for an archive (the layout's names
# above) but opens none, and importing store/transaction cost it ~6 ms of a 0.3 s target
# (issue 14, `python -X importtime`). `from policydiff.archive import Archive` works as
# before. Rejected: moving `Archive` out of the package (every caller's import changes).
_LAZY_NAMES = {
    "Archive": "store", "NewVersion": "store", "init": "store", "open_archive": "store",
    "LOCK_TIMEOUT_SECONDS": "transaction",
}


def __getattr__(name: str):
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # asked once: later lookups find it without this function
    return value

__all__ = [
    "Archive", "NewVersion", "init", "open_archive", "version_sort_key",
    "DEFAULT_ARCHIVE_NAME", "GITIGNORE_LINES", "JOURNAL_NAME", "LOCK_NAME", "TXN_NAME", "WORK_FILE",
    "LOCK_TIMEOUT_SECONDS",
]
