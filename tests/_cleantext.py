"""Clean text for the structure tests: policydiff.ingest when it is there, else a small
stand-in that approximates ingest's cleaning of the corpus .md files and the seed.

The stand-in (used only until ingest lands) does what DESIGN/issue 2 say ingest does to
these inputs: "\\n" line ends, zero-width characters removed, trailing white space
stripped, blank lines dropped, markdown heading markers and HTML comments removed. It does
not remove web-page chrome or join broken titles; the tests that use it do not depend on
those."""

from __future__ import annotations

import re
from pathlib import Path

_ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def _fallback_clean(data: bytes) -> str:
    text = data.decode("utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for line in text.split("\n"):
        line = _ZERO_WIDTH.sub("", line).rstrip()
        if line.lstrip().startswith("<!--") and line.endswith("-->"):
            continue
        line = re.sub(r"^#{1,6}\s+", "", line)
        if line.strip():
            out.append(line)
    return "\n".join(out) + "\n" if out else ""


def clean_file(path: Path) -> str:
    data = Path(path).read_bytes()
    try:
        from policydiff.ingest import ingest  # type: ignore[attr-defined]
    except ImportError:
        return _fallback_clean(data)
    result = ingest(data, Path(path).name)
    return getattr(result, "text", result)
