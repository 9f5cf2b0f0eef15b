"""reports/index.html: a list of every report under reports/ (imperative shell).

Deterministic: entries are sorted by their relative path, links are relative, and nothing
depends on file times, so regenerating the same set of reports gives the same bytes. The
page is self-contained like the reports (inlined style allowed by its CSP hash, no script).
"""

from __future__ import annotations

import html as html_lib
import re
from urllib.parse import quote
from pathlib import Path

from .render.html import csp_hash
from .render.labels import label

REPORT_SUFFIXES = (".html", ".json", ".md")
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)

INDEX_CSS = (
    "body{margin:0 auto;padding:1rem 1.25rem;max-width:60rem;font-family:\"Noto Sans CJK SC\",system-ui,sans-serif;"
    "line-height:1.7;color:#1b1b1b;background:#fff}a{color:#0b4f9c}h2{font-size:1.2rem;margin-top:1.6rem}"
    "code{font-family:ui-monospace,monospace;font-size:.85em}.fmt{color:#4d5560;font-size:.85em}"
)


def list_reports(reports_dir: Path) -> list[tuple[str, str | None]]:
    """(relative posix path, title of an HTML report or None), sorted by path."""
    entries = []
    for path in reports_dir.rglob("*"):
        if not path.is_file() or path.suffix not in REPORT_SUFFIXES or path.name.startswith("."):
            continue
        relative = path.relative_to(reports_dir).as_posix()
        if relative == "index.html":
            continue
        title = None
        if path.suffix == ".html":
            match = _TITLE.search(path.read_text(encoding="utf-8", errors="replace")[:4096])
            if match:
                title = html_lib.unescape(match.group(1)).strip()
        entries.append((relative, title))
    return sorted(entries)


def index_html(entries: list[tuple[str, str | None]], lang: str = "zh") -> str:
    """The index page for `entries` (pure)."""
    esc = html_lib.escape
    csp = f"default-src 'none'; style-src {csp_hash(INDEX_CSS)}; img-src 'none'; base-uri 'none'; form-action 'none'"
    out = [
        "<!DOCTYPE html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(label('index.title', lang))}</title>",
        f"<style>{INDEX_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{esc(label('index.title', lang))}</h1>",
        f"<p>{esc(label('index.intro', lang))}</p>",
    ]
    if not entries:
        out.append(f"<p>{esc(label('index.none', lang))}</p>")
    groups: dict[str, list[tuple[str, str | None]]] = {}
    for relative, title in entries:
        folder = relative.rsplit("/", 1)[0] if "/" in relative else ""
        groups.setdefault(folder, []).append((relative, title))
    for folder in sorted(groups):
        out.append(f"<h2><code>{esc(folder or '.')}</code></h2>")
        out.append("<ul>")
        for relative, title in groups[folder]:
            name = relative.rsplit("/", 1)[-1]
            text = esc(title) if title else f"<code>{esc(name)}</code>"
            fmt = relative.rsplit(".", 1)[-1]
            out.append(f'<li><a href="{esc(quote(relative))}">{text}</a> <span class="fmt">{esc(fmt)} · '
                       f"<code>{esc(name)}</code></span></li>")
        out.append("</ul>")
    out += ["</main>", "</body>", "</html>", ""]
    return "\n".join(out)


def write_index(reports_dir: Path, lang: str = "zh") -> Path:
    from .report_files import atomic_write

    path = reports_dir / "index.html"
    atomic_write(path, index_html(list_reports(reports_dir), lang).encode("utf-8"))
    return path
