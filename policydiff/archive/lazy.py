"""GitPython and filelock, imported on first use rather than when the archive package loads.

`policydiff diff OLD NEW` of two plain files, `--version` and `--help` import the archive
package (the API names its types) but never touch a repository; importing GitPython and
filelock cost them 50–110 ms of a 0.3 s target (issue 14, measured with
`python -X importtime`). The archive modules write `git.Repo(...)`,
`except git.GitCommandError` and `filelock.FileLock(...)` exactly as before: the first
attribute looked up imports the real module. Rejected: imports inside each function (a
dozen sites, and an `except git.X` clause needs the name at module level anyway);
importlib.util.LazyLoader (a module object that swaps its own class on first use: harder
to follow than this proxy, for the same effect).
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Stands for the module `name`; imports it at the first attribute looked up."""

    def __init__(self, name: str):
        self._name = name
        self._module: ModuleType | None = None

    def __getattr__(self, attribute: str) -> Any:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return getattr(self._module, attribute)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}{'' if self._module is None else ' (imported)'}>"


git = LazyModule("git")
filelock = LazyModule("filelock")
# standard library modules only a write needs (uuid loads platform, shutil loads bz2 and lzma:
# ~4 ms of a plain-file diff's start)
shutil = LazyModule("shutil")
uuid = LazyModule("uuid")
