"""PDF of a report page: the HTML printed by headless Chromium (imperative shell: it runs
a program and uses a temporary folder; see tests/test_layers.py).

    print_pdf(page_html) -> bytes

Chromium's own `--print-to-pdf` is used, so that the PDF is exactly what the browser's
print of the report gives (the report's print stylesheet: every card, both texts, folded
tables open). Rejected: Playwright at run time (a test dependency here; it would add a
Node runtime to the package for one call) and WeasyPrint (a second HTML engine whose
output differs from what users see in the browser).

Chromium is found as $POLICYDIFF_CHROMIUM, else `chromium` / `chromium-browser` /
`google-chrome` on PATH; missing, it is a one-line error naming the package. The PDF
carries Chromium's creation date, so unlike the other formats it is not byte-identical
across runs.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import BadInputError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_SECONDS = 300  # a 650-article report prints in ~10 s on one busy core; range 30..3600
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--disable-sync", "--no-pdf-header-footer")


def find_chromium() -> str | None:
    configured = os.environ.get("POLICYDIFF_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() or shutil.which(configured) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(page: str) -> bytes:
    executable = find_chromium()
    if executable is None:
        raise BadInputError("a PDF is the HTML report printed by Chromium, which is not installed: "
                            "install the chromium package (apt-get install chromium) or set POLICYDIFF_CHROMIUM")
    with tempfile.TemporaryDirectory(prefix="policydiff-pdf-") as folder:
        html = Path(folder) / "report.html"
        pdf = Path(folder) / "report.pdf"
        html.write_text(page, encoding="utf-8", errors="backslashreplace")
        try:
            result = subprocess.run(
                [executable, *FLAGS, f"--user-data-dir={Path(folder) / 'profile'}", f"--print-to-pdf={pdf}",
                 html.as_uri()],
                capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            raise BadInputError(f"Chromium did not print the report within {TIMEOUT_SECONDS} s") from None
        if not pdf.is_file() or pdf.stat().st_size == 0:
            last = (result.stderr.strip().splitlines() or ["no message"])[-1]
            raise BadInputError(f"Chromium could not print the report (exit {result.returncode}: {last})")
        return pdf.read_bytes()
