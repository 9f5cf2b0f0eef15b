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
import sys


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


class GuardedPattern(LazyPattern):
    """A LazyPattern that knows words every match of it holds, so that a string without
    them is answered "no match" without compiling the pattern (issue 14: half of the ~50 ms
    a small diff spent compiling went to patterns that never matched its text — 文号 lines,
    order numbers, letterheads, bracketed page fields — tried on lines that hold none of
    their fixed words).

    `needs` is a tuple of groups of literal strings: every match holds at least one string
    of EVERY group (a group is "one of these", the groups together "all of these"). A
    match lies inside the string searched (lookarounds read inside it too), so a string
    lacking every word of one group cannot hold a match at any position: `match`,
    `search`, `fullmatch` give None, `finditer` nothing, `findall` [], `sub`/`subn` the
    string unchanged, `split` [string] — exactly what the compiled pattern gives such a
    string. Any other attribute compiles the pattern (LazyPattern).

    Each group must be necessary, or a match would be lost: tests/test_lazyre.py proves
    every GuardedPattern's groups from the pattern's parse (a literal run, every branch of
    an alternation, a repeat of at least one) and checks guarded == compiled on every line
    of the corpus and real documents. No case-insensitive flag (a word would have other
    spellings). Rejected: guessing the words from the pattern at run time (that needs
    `re`'s private parser, and parsing is a third of a compile)."""

    __slots__ = ("needs",)

    def __init__(self, pattern: str, needs: tuple[tuple[str, ...], ...], flags: int = 0):
        if flags & re.IGNORECASE or not needs or not all(group and all(group) for group in needs):
            raise ValueError("GuardedPattern: case-sensitive, with non-empty groups of non-empty words")
        super().__init__(pattern, flags)
        self.needs = tuple(tuple(group) for group in needs)

    def cannot_match(self, string: str) -> bool:
        """True when `string` lacks every word of one group: no match anywhere in it."""
        for group in self.needs:
            for word in group:
                if word in string:
                    break
            else:
                return True
        return False

    def _compiled_pattern(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize):
        return None if self.cannot_match(string) else self._compiled_pattern().match(string, pos, endpos)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize):
        return None if self.cannot_match(string) else self._compiled_pattern().search(string, pos, endpos)

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize):
        return None if self.cannot_match(string) else self._compiled_pattern().fullmatch(string, pos, endpos)

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize):
        return iter(()) if self.cannot_match(string) else self._compiled_pattern().finditer(string, pos, endpos)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize):
        return [] if self.cannot_match(string) else self._compiled_pattern().findall(string, pos, endpos)

    def sub(self, repl, string: str, count: int = 0):
        return string if self.cannot_match(string) else self._compiled_pattern().sub(repl, string, count)

    def subn(self, repl, string: str, count: int = 0):
        return (string, 0) if self.cannot_match(string) else self._compiled_pattern().subn(repl, string, count)

    def split(self, string: str, maxsplit: int = 0):
        return [string] if self.cannot_match(string) else self._compiled_pattern().split(string, maxsplit)

