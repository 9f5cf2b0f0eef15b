"""Clean text for the structure tests, as `policydiff add` makes it: policydiff.ingest."""

from __future__ import annotations

from pathlib import Path

from policydiff.ingest import ingest


def clean_file(path: Path) -> str:
    path = Path(path)
    return ingest(path.read_bytes(), path.name).text
