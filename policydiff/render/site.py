"""The pages of `policydiff build` that are not reports: the index (works and their status
on the build day), one page per work (timeline, what repealed what, its reports and
lineages), and index.json (`policydiff.site/1`, also the build's manifest).

Functional core: `sitebuild` collects everything while it writes the reports, and these
functions only render it (never read a page back). Rendered through jinja2 templates
(`site_*.html.j2`, on `page_base.html.j2`) with the labels catalogue, and the report's kind
of CSP: the one inline stylesheet is allowed by its sha256, nothing else runs (pages.py).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

from ..model import ChangeKind, Version
from .pages import render_page


@dataclass(frozen=True)
class SiteVersion:
    version: Version
    answer: Any  # status.StatusAnswer as of the build day

    @property
    def ref(self) -> str:
        return self.version.ref

    @property
    def status(self) -> str:
        return self.answer.status

    @property
    def repealed_by(self) -> str | None:
        by = self.answer.repealed_by
        if by is None or self.answer.status != "repealed":
            return None
        return by.key

    @property
    def superseded_by(self) -> str | None:
        by = self.answer.repealed_by
        if by is None or self.answer.status != "superseded":
            return None
        return by.key


@dataclass(frozen=True)
class SitePair:
    old: str
    new: str
    key: str
    across: tuple[str, ...]
    files: dict[str, str]  # format -> path relative to the site
    summary: dict[str, int] | None
    comparable: bool
    failed: bool = False


@dataclass
class SiteWork:
    work: str
    title: str | None
    page: str
    versions: list[SiteVersion]
    timeline: Sequence[Any]  # lineage.TimelineEntry, one per version
    pairs: list[SitePair]
    lineage_key: str | None  # None when lineage pages could not be built (a pair failed)
    lineage_pages: list[dict] = field(default_factory=list)
    # The key of the work's page: a hash of everything its template receives (sitebuild.
    # page_key); a build whose key matches the previous one's keeps the page unrendered.
    page_key: str | None = None

    @property
    def display_title(self) -> str:
        if self.versions:
            latest = self.versions[-1].version
            if latest.meta.title:
                return latest.meta.title
        return self.title or self.work

    @property
    def entries(self):
        return list(zip(self.timeline, self.versions))


@dataclass
class Site:
    as_of: str
    tool: tuple[str, str]
    works: list[SiteWork]
    lang: str = "zh"
    tool_commit: str | None = None  # the tool's own git commit, when it ran from a checkout

    @property
    def version_count(self) -> int:
        return sum(len(w.versions) for w in self.works)

    @property
    def pair_count(self) -> int:
        return sum(len(w.pairs) for w in self.works)


def _page_context(site: Site) -> dict[str, Any]:
    from .status import END_STATUS

    return {"site": site, "kinds": [k.value for k in ChangeKind] + ["renumbered", "moved"], "end_status": END_STATUS}


def index_html(site: Site) -> str:
    return render_page("site_index.html.j2", site.lang, **_page_context(site))


def work_html(site: Site, work: SiteWork) -> str:
    return render_page("site_work.html.j2", site.lang, w=work, **_page_context(site))


def site_dict(site: Site) -> dict[str, Any]:
    return {
        "format": "policydiff.site/1",
        "as_of": site.as_of,
        "tool": {"name": site.tool[0], "version": site.tool[1],
                 **({"commit": site.tool_commit} if site.tool_commit else {})},
        "works": [{
            "work": w.work, "title": w.display_title, "page": w.page,
            **({"page_key": w.page_key} if w.page_key else {}),
            "versions": [{"ref": v.ref, "version": v.version.version, "title": v.version.meta.title,
                          "doc_no": v.version.meta.doc_no, "issued": v.version.meta.issued,
                          "has_text": v.version.has_text, "status": v.status, "repealed_by": v.repealed_by,
                          "superseded_by": v.superseded_by}
                         for v in w.versions],
            "pairs": [{"old": p.old, "new": p.new, "key": p.key, "across": list(p.across),
                       "files": {} if p.failed else p.files, "comparable": p.comparable, "summary": p.summary,
                       **({"failed": True} if p.failed else {})}
                      for p in w.pairs],
            "lineage": {"key": w.lineage_key, "pages": w.lineage_pages},
        } for w in site.works],
    }


def site_json(site: Site, previous: str = "") -> str:
    """index.json: `json.dumps(site_dict(site), ensure_ascii=False, indent=1)` plus a newline,
    byte for byte, made faster two ways. Each work's entry is encoded alone (the indented
    encoder is pure Python; the rest of the file is small) and indented one level more by
    its line breaks (JSON strings hold none raw). And the entry of a work whose page_key
    (a hash of everything the entry shows) is in `previous`, the previous build's
    index.json, is copied from it: 994 works took 0.5 s of CPU to encode (8 s under profile)
    in a rebuild that changed one."""
    data = site_dict(site)
    works = data.pop("works")
    head = json.dumps(data, ensure_ascii=False, indent=1)  # "{\n ...\n}", never "{}": format is there
    reusable = _work_entries(previous) if previous else {}
    parts = []
    for work, entry in zip(site.works, works):
        part = reusable.get(work.page_key) if work.page_key else None
        if part is None:
            part = "  " + json.dumps(entry, ensure_ascii=False, indent=1).replace("\n", "\n  ")
        parts.append(part)
    body = "[\n" + ",\n".join(parts) + "\n ]" if parts else "[]"
    return head[:-2] + ',\n "works": ' + body + "\n}\n"


_PAGE_KEY_LINE = re.compile(r'\n   "page_key": "([0-9a-f]{64})",\n')


def _work_entries(text: str) -> dict[str, str]:
    """{page_key: that work's entry as `site_json` wrote it} from a previous index.json.
    Entries sit at exactly two spaces of indentation, one after another; a line "  {"
    occurs nowhere else (deeper lines are indented more, and strings hold no raw line
    break). Anything not in that layout gives nothing to reuse."""
    start = text.find('\n "works": [\n')
    end = text.rfind("\n ]\n}\n")
    if start < 0 or end < start or not text.endswith("\n ]\n}\n"):
        return {}
    found = {}
    for i, part in enumerate(text[start + len('\n "works": [\n'):end].split(",\n  {\n")):
        entry = part if i == 0 else "  {\n" + part
        if not entry.startswith("  {\n") or not entry.endswith("\n  }"):
            return {}
        match = _PAGE_KEY_LINE.search(entry)
        if match:
            found[match.group(1)] = entry
    return found
