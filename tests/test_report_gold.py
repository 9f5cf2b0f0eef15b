"""Gold files: the full HTML and Markdown reports of the fictional pair, byte for byte.

A change to the report's look or wording shows up here as a diff to review. After an
intended change, regenerate and review the gold files with

    POLICYDIFF_REGEN_GOLD=1 .venv/bin/python -m pytest -q tests/test_report_gold.py
    git diff tests/gold/

(the regenerating run reports the rewritten files as skipped, so it can never pass by
accident).
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

from policydiff.render.html import comparison_html
from policydiff.render.markdown import comparison_markdown

from . import report_fixtures as fx

GOLD = Path(__file__).parent / "gold"
GENERATED = "2024-01-01T00:00:00Z"  # as if SOURCE_DATE_EPOCH=1704067200

CASES = {
    "report-small.zh.html": lambda: comparison_html(fx.comparison()),
    "report-small.en.html": lambda: comparison_html(fx.comparison(), lang="en"),
    "report-small.stamped.zh.html": lambda: comparison_html(fx.comparison(), generated=GENERATED),
    "report-small.zh.md": lambda: comparison_markdown(fx.comparison()),
    "report-small.en.md": lambda: comparison_markdown(fx.comparison(), lang="en"),
    "report-notext.zh.html": lambda: comparison_html(fx.no_text_comparison()),
    "report-notext.zh.md": lambda: comparison_markdown(fx.no_text_comparison()),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_gold(name):
    rendered = CASES[name]()
    path = GOLD / name
    if os.environ.get("POLICYDIFF_REGEN_GOLD"):
        GOLD.mkdir(exist_ok=True)
        path.write_bytes(rendered.encode("utf-8"))
        pytest.skip(f"regenerated {path}")
    assert path.is_file(), f"missing gold file {path}: run with POLICYDIFF_REGEN_GOLD=1"
    expected = path.read_bytes().decode("utf-8")
    if rendered != expected:
        diff = "".join(difflib.unified_diff(expected.splitlines(True), rendered.splitlines(True),
                                            "gold/" + name, "rendered", n=2))
        pytest.fail(f"{name} differs from its gold file:\n{diff[:4000]}")
