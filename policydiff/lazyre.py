"""A regular expression compiled at its first use (issue 14: start-up of a small diff).

Compiling a pattern is pure-Python work in CPython's `re`, and a character class over a
CJK range (「[\\u4e00-\\u9fff]」) costs about half a millisecond by itself: the package's
patterns took ~50 ms of a 0.3 s diff of two laws, ~13 ms of it for patterns that diff
never used (web-page chrome, order signatories, measure labels typed on the command
line, sanctions a text does not name; later also what a Markdown text of numbered articles
never asks for: HTML and Markdown markup, order numbers, organisation endings, Roman
numerals, line breaks other than \\n, control characters — tests/test_startup.py lists
them and checks that such a diff compiles none). Those are LazyPatterns: used exactly like the
compiled pattern (`match`, `search`, `finditer` ...), with `pattern` and `flags` there
without compiling, so that other patterns may be built from them. A pattern that every
text needs is compiled at import as usual (the first use would pay the same, and each
call through a LazyPattern costs one more Python-level attribute lookup).

Rejected: caching the compiled code of every pattern on disk between runs (through
`_sre.compile`, a private interface that changes between Python versions), and a
process-wide patch of `re`'s charset optimiser (other code's patterns too).

>>> pattern = LazyPattern(r"第(?P<n>[一二三])条")
>>> pattern.pattern, pattern.match("第二条 示例")["n"]
('第(?P<n>[一二三])条', '二')
"""

from __future__ import annotations

import re


class LazyPattern:
    __slots__ = ("pattern", "flags", "_compiled")

    def __init__(self, pattern: str, flags: int = 0):
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    def __getattr__(self, name: str):
        # only called for what the slots do not hold: the compiled pattern's methods
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return getattr(self._compiled, name)
