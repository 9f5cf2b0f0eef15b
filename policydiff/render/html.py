"""The HTML change report (DESIGN §6): one self-contained, deterministic UTF-8 file.

    comparison_html(comparison, lang="zh", generated=None) -> str

- Rendered with jinja2 (autoescape on) from the same Comparison as JSON and Markdown;
  what the report says is computed once in `view.build_view`.
- Self-contained: the stylesheet and script are package data inlined into the page; a
  Content-Security-Policy meta tag allows exactly those two blocks by their sha256 hashes
  (computed here, so editing report.css/report.js can never leave a stale hash) and
  nothing else: no network, no external font, image or frame.
- Redlines are built here in Python, not in the template: template white space inside a
  `.redline` element would become part of its text and break the lossless rule (text
  without <ins> == old text, without <del> == new). Cues such as 「删」 come from CSS.
- Deterministic: no clock, no path, no set order; `generated` (an ISO time from
  SOURCE_DATE_EPOCH, read by the caller) is the only time that can appear.

Functional core: reads its own package data (templates, static files) and nothing else.
"""

from __future__ import annotations

import base64
import functools
import hashlib
from importlib import resources

import jinja2
from markupsafe import Markup, escape

from ..model import Comparison
from .labels import HTML_LANG, check_lang, labeller
from .view import build_view


@functools.lru_cache(maxsize=None)
def static_text(name: str) -> str:
    return resources.files(__package__).joinpath("static", name).read_text(encoding="utf-8")


def csp_hash(text: str) -> str:
    """The CSP source expression that allows an inline block with exactly this text.

    >>> csp_hash("")
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"
    """
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def content_security_policy(css: str, js: str) -> str:
    return "; ".join((
        "default-src 'none'",
        f"style-src {csp_hash(css)}",
        f"script-src {csp_hash(js)}",
        "img-src 'none'",
        "font-src 'none'",
        "connect-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ))


@functools.lru_cache(maxsize=None)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("policydiff.render", "templates"),
        autoescape=True,  # every value is escaped unless it is Markup built below
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["redline"] = redline_html
    env.filters["old_side"] = lambda segments: side_html(segments, "old")
    env.filters["new_side"] = lambda segments: side_html(segments, "new")
    return env


def redline_html(segments) -> Markup:
    """<del>/<ins> redline of segments, escaped, with no white space of its own.

    >>> str(redline_html((("=", "a<b"), ("-", "旧"), ("+", "新"))))
    'a&lt;b<del>旧</del><ins>新</ins>'
    """
    parts = []
    for op, text in segments:
        if not text:
            continue
        if op == "=":
            parts.append(str(escape(text)))
        elif op in ("-", "+"):
            parts.append(_marked("del" if op == "-" else "ins", text))
        else:
            raise ValueError(f"unknown segment operation {op!r}")
    return Markup("".join(parts))


def _marked(tag: str, text: str) -> str:
    r"""<del>/<ins> for one segment. Line ends at either edge of it get an element of their
    own (class "eol": a 「↵」 cue and no brackets), so that the closing 「］」 of an insertion
    that ends a line stays on that line instead of opening the next one; the text is the
    same, so the lossless rule holds.

    >>> _marked("ins", "新句。\n")
    '<ins>新句。</ins><ins class="eol">\n</ins>'
    """
    body = text.strip("\n")
    if not body:
        return f'<{tag} class="eol">{escape(text)}</{tag}>'
    lead = text[:len(text) - len(text.lstrip("\n"))]
    trail = text[len(text.rstrip("\n")):]
    out = f'<{tag} class="eol">{escape(lead)}</{tag}>' if lead else ""
    out += f"<{tag}>{escape(body)}</{tag}>"
    if trail:
        out += f'<{tag} class="eol">{escape(trail)}</{tag}>'
    return out


def side_html(segments, side: str) -> Markup:
    """One side of the side-by-side view: the old text with its deletions marked, or the
    new text with its insertions marked."""
    keep = "-" if side == "old" else "+"
    return redline_html([(op, text) for op, text in segments if op in ("=", keep)])


def comparison_html(c: Comparison, lang: str = "zh", generated: str | None = None, citations=None) -> str:
    """The report page for `c`, in `lang` ("zh" or "en") UI labels. `citations` (a
    citations_check.CitationReport of `c`, optional) adds the 条文序号对照表 and 引用影响 sections."""
    check_lang(lang)
    css = static_text("report.css")
    js = static_text("report.js")
    if "</" in css or "</" in js:  # would end the inline <style>/<script> early
        raise ValueError("report.css/report.js must not contain '</'")
    view = build_view(c, lang=lang, generated=generated)
    template = environment().get_template("report.html.j2")
    cv = None
    if citations is not None:
        from .citations import citations_view

        cv = citations_view(citations, lang=lang)
    return template.render(
        v=view, t=labeller(lang), html_lang=HTML_LANG[lang], cv=cv,
        css=Markup(css), js=Markup(js), csp=content_security_policy(css, js),
    )
