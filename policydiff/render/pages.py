"""What every HTML page besides the report shares: the jinja2 environment (autoescape,
strict undefined, the site's filters), the one stylesheet inlined and allowed by its
sha256 in a Content-Security-Policy (no 'unsafe-inline', no script), and the labels
catalogue in the page's language. Used by the site's index and work pages (site.py) and
by the log and lineage pages (status.py), so that they look and are protected alike.

Functional core: reads its own package data (templates, static files) and nothing else.
"""

from __future__ import annotations

import functools
from typing import Any
from urllib.parse import quote

import jinja2
from markupsafe import Markup

from .html import csp_hash, static_text
from .labels import HTML_LANG, check_lang, labeller

STYLESHEET = "site.css"


def when(bound) -> str:
    """A status.Bound as a date, or an interval `lo .. hi` while it is unsettled."""
    if bound is None:
        return "—"
    if bound.settled:
        return bound.lo or "?"
    return f"{bound.lo or '?'} .. {bound.hi or '?'}"


def _local(path: str, work: str) -> str:
    """A site path as a link from the work's own page (which sits in <work>/)."""
    prefix = f"{work}/"
    return quote(path[len(prefix):] if path.startswith(prefix) else f"../{path}")


@functools.lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("policydiff.render", "templates"),
        autoescape=True, trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["when"] = when
    env.filters["local"] = _local
    env.filters["urlpath"] = quote
    return env


def page_context(lang: str) -> dict[str, Any]:
    """The values every page template reads: t (labels), html_lang, css, csp."""
    check_lang(lang)
    css = static_text(STYLESHEET)
    if "</" in css:  # would end the inline <style> early
        raise ValueError(f"{STYLESHEET} must not contain '</'")
    csp = "; ".join(("default-src 'none'", f"style-src {csp_hash(css)}", "img-src 'none'",
                     "base-uri 'none'", "form-action 'none'"))
    return {"t": labeller(lang), "html_lang": HTML_LANG[lang], "css": Markup(css), "csp": csp}


def render_page(template: str, lang: str, **values: Any) -> str:
    return environment().get_template(template).render(**page_context(lang), **values)
