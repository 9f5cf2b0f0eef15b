"""Report speed on the largest corpus pair (about 650 articles): prints figures, asserts nothing.

    .venv/bin/python benchmarks/report.py [OLD NEW]

Measures (best of 3 where cheap):
  - each stage in-process: load both files (parse), compare(), comparison_html();
  - `policydiff report OLD NEW -o FILE` end to end in a fresh interpreter (the target: < 2 s);
  - the report in headless Chromium (if installed): load time, DOM size, and the time the
    filters and the view toggle take (the page must open and react without freezing).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from policydiff import api  # noqa: E402
from policydiff.compare import compare  # noqa: E402
from policydiff.render.html import comparison_html  # noqa: E402


def corpus_dir() -> Path:
    for candidate in (os.environ.get("POLICYDIFF_SHARED"), REPO.parent / "shared", "/work/shared"):
        if candidate and (Path(candidate) / "corpus" / "manifest.json").is_file():
            return Path(candidate) / "corpus"
    raise SystemExit("corpus not found; set POLICYDIFF_SHARED")


def largest_pair(corpus: Path) -> tuple[Path, Path]:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    best = None
    for document in manifest["documents"]:
        versions = sorted(document["versions"], key=lambda v: v["date"])
        for old, new in zip(versions, versions[1:]):
            size = old["articles"] + new["articles"]
            if best is None or size > best[0]:
                best = (size, corpus / old["file"], corpus / new["file"])
    return best[1], best[2]


def best_of(n: int, fn):
    times, result = [], None
    for _ in range(n):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return min(times), result


def main() -> None:
    if len(sys.argv) == 3:
        old_path, new_path = Path(sys.argv[1]), Path(sys.argv[2])
    else:
        old_path, new_path = largest_pair(corpus_dir())
    print(f"pair: {old_path} -> {new_path}")
    t_load, (old, new) = best_of(3, lambda: (api.load_side(None, str(old_path)), api.load_side(None, str(new_path))))
    t_compare, comparison = best_of(3, lambda: compare(old, new))
    t_render, page = best_of(3, lambda: comparison_html(comparison))
    print(f"measures: old {len(old.document.measures)}, new {len(new.document.measures)}; "
          f"changes {len(comparison.changes)}; summary {comparison.summary()}")
    print(f"in-process: load+parse {t_load:.3f} s, compare {t_compare:.3f} s, render html {t_render:.3f} s")
    print(f"report size: {len(page.encode('utf-8')) / 1e6:.2f} MB")

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "report.html"
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "policydiff", "report", str(old_path), str(new_path), "-o", str(out)],
                           check=True, capture_output=True, cwd=tmp)
            runs.append(time.perf_counter() - start)
        print(f"end to end (`policydiff report`, fresh interpreter): best {min(runs):.2f} s, "
              f"worst {max(runs):.2f} s (target < 2 s)")
        browser_figures(out)


def browser_figures(path: Path) -> None:
    chromium = "/usr/bin/chromium"
    if not Path(chromium).exists():
        print("browser: chromium not installed, skipped")
        return
    from playwright.sync_api import sync_playwright

    args = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=args)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        start = time.perf_counter()
        page.goto(path.resolve().as_uri(), wait_until="load")
        wall = time.perf_counter() - start
        nav = page.evaluate("""() => { const n = performance.getEntriesByType('navigation')[0];
            return {dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd}; }""")
        nodes = page.evaluate("document.getElementsByTagName('*').length")
        toggle = page.evaluate("""() => { const t = performance.now();
            document.querySelector("input[name='view'][value='sbs']").click();
            document.body.offsetHeight; return performance.now() - t; }""")
        kind_filter = page.evaluate("""() => { const t = performance.now();
            document.querySelector("input[name='kind'][value='unchanged']").click();
            document.body.offsetHeight; return performance.now() - t; }""")
        print(f"browser: goto(load) {wall:.2f} s; DOMContentLoaded {nav['dcl']:.0f} ms, load {nav['load']:.0f} ms; "
              f"{nodes} elements; view toggle {toggle:.0f} ms; hide-unchanged filter {kind_filter:.0f} ms")
        browser.close()


if __name__ == "__main__":
    main()
