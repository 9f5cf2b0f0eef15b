"""Render speed and size of every report format on the largest corpus pair (548 -> 651
articles): prints a table, asserts nothing (issue 12).

    .venv/bin/python benchmarks/outputs.py [--repeat N]

One Comparison is computed once; each format renders it (median of N runs, in-process):
redline HTML, 新旧对照表 HTML, DOCX with tracked changes, 对照表 DOCX, XLSX, CSV; then the
PDF (Chromium's print of the redline HTML, one run, when chromium is installed). Also the
first-change position: how far down the HTML page the first changed card starts, measured
in Chromium (1280 x 900 viewport), when playwright and chromium are there.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from policydiff import api  # noqa: E402
from policydiff.compare import compare  # noqa: E402
from policydiff.render.correspondence import comparison_csv  # noqa: E402
from policydiff.render.docx import comparison_docx  # noqa: E402
from policydiff.render.html import comparison_html  # noqa: E402
from policydiff.render.table import table_docx, table_html  # noqa: E402
from policydiff.render.xlsx import table_xlsx  # noqa: E402

CORPUS = Path("/work/shared/corpus") if Path("/work/shared/corpus").is_dir() else REPO.parent / "shared" / "corpus"
PAIR = ("ji-84954159/2012-12-20.md", "ji-84954159/2021-01-26.md")


def timed(fn, repeat: int):
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    old = api.load_side(None, str(CORPUS / PAIR[0]))
    new = api.load_side(None, str(CORPUS / PAIR[1]))
    c = compare(old, new)
    print(f"pair {PAIR[0]} -> {PAIR[1]}: {len(old.document.measures)} -> {len(new.document.measures)} measures, "
          f"{len(c.changes)} changes")
    cases = [
        ("html (redline)", lambda: comparison_html(c).encode()),
        ("html (table)", lambda: table_html(c).encode()),
        ("docx (tracked changes)", lambda: comparison_docx(c)),
        ("docx (table)", lambda: table_docx(c)),
        ("xlsx (table)", lambda: table_xlsx(c)),
        ("csv", lambda: comparison_csv(c).encode()),
    ]
    print(f"{'format':<24} {'seconds':>8} {'bytes':>10}")
    for name, fn in cases:
        seconds, data = timed(fn, args.repeat)
        print(f"{name:<24} {seconds:>8.3f} {len(data):>10,}")
    from policydiff.render.pdf import find_chromium, print_pdf

    if find_chromium():
        page = comparison_html(c)
        seconds, data = timed(lambda: print_pdf(page), 1)
        print(f"{'pdf (chromium print)':<24} {seconds:>8.3f} {len(data):>10,}")
        try:
            from playwright.sync_api import sync_playwright
        except ImportError:
            return
        import tempfile

        with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
            path = Path(folder) / "r.html"
            path.write_text(page, encoding="utf-8")
            browser = playwright.chromium.launch(executable_path=find_chromium(), args=["--headless=new", "--no-sandbox"])
            tab = browser.new_page(viewport={"width": 1280, "height": 900})
            tab.goto(path.as_uri())
            top = tab.evaluate("""() => [...document.querySelectorAll('.change')]
                .find(c => c.offsetParent !== null).getBoundingClientRect().top""")
            browser.close()
        print(f"first changed card starts {top:.0f} px down the page (viewport 900 px)")


if __name__ == "__main__":
    main()
