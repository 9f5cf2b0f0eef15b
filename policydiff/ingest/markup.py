"""HTML and Markdown -> plain lines (before the CLEAN TEXT normalisation).

HTML is parsed with lxml.html (a real parser; regexes cannot handle nesting, comments,
entities or broken markup). Markdown is the corpus flavour: `#` headings, metadata date
lines, `<!-- INFO END -->`.
"""

from __future__ import annotations

import re

from policydiff.errors import BadInputError
from policydiff.lazyre import LazyPattern  # patterns few inputs need: compiled at first use (issue 14)

# Elements whose content is never document text.
_DROP = frozenset({
    "script", "style", "noscript", "template", "head", "nav", "aside",
    "iframe", "object", "embed", "svg", "canvas", "button", "select", "option", "textarea",
    "input", "map", "audio", "video",
})
# Elements that start a new line.
_BLOCK = frozenset({
    "address", "article", "blockquote", "body", "caption", "center", "dd", "details", "dialog",
    "div", "dl", "dt", "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "html", "legend", "li", "main", "ol", "p", "pre", "section", "summary",
    "table", "tbody", "tfoot", "thead", "tr", "ul",
})
_CELL = frozenset({"td", "th"})
# Page header and footer: dropped, except inside an article/main/section, where <header>
# holds the document's own title (HTML5 semantics).
_PAGE_CHROME = frozenset({"header", "footer"})
_CONTENT = frozenset({"article", "main", "section"})
_XML_DECLARATION = LazyPattern(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# HTML white space (not U+00A0 or U+3000, which are text).
_HTML_SPACE = LazyPattern(r"[ \t\n\r\f]+")


# The charset an HTML page declares in its first bytes (the HTML spec's "prescan" looks
# at the first 1024 bytes for <meta charset> or <meta http-equiv content="...charset=">).
_META_CHARSET = LazyPattern(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
_PRESCAN_BYTES = 1024


def declared_html_charset(data: bytes) -> str | None:
    """The encoding an HTML page declares for itself, if any.

    >>> declared_html_charset(b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">')
    'gb2312'
    """
    match = _META_CHARSET.search(data[:_PRESCAN_BYTES])
    return match.group(1).decode("ascii").lower() if match else None


_TITLE_ELEMENT = LazyPattern(r"<title[^>]*>(?P<text>[^<]{1,400})</title>", re.IGNORECASE)
# Separators between a document title and the site's name in a page's <title>:
# 「X_政策文件_示例政府网」「X - 示例网」「X｜示例网」「X--示例网」.
_TITLE_SEPARATOR = LazyPattern(r"\s*[_|｜]\s*|\s+[-–—]+\s+|-{2,}|——")


def html_page_title(source: str) -> str | None:
    """The document title a page's <title> gives: the first part (between the site's
    separators) that ends like a title; None when no part does (a site name only).

    >>> html_page_title("<html><head><title>示例市停车管理办法_政策文件_示例市政府网</title></head></html>")
    '示例市停车管理办法'
    >>> html_page_title("<title>示例市政府网</title>") is None
    True
    """
    from html import unescape

    from policydiff.ingest.patterns import ends_title

    match = _TITLE_ELEMENT.search(source[:20000])
    if not match:
        return None
    for part in _TITLE_SEPARATOR.split(unescape(match["text"]).strip()):
        part = part.strip()
        if part and ends_title(part):
            return part
    return None


def html_to_text(source: str) -> str:
    """Block-level text of an HTML document, one block per line.

    >>> html_to_text("<html><body><nav>首页</nav><p>第一条 <b>示例</b>。</p><script>x()</script></body></html>")
    '第一条 示例。'
    """
    # imported here: a plain-text or Markdown diff never needs lxml (10-20 ms of start-up)
    import lxml.html
    from lxml import etree

    # lxml refuses str input that declares its own encoding; the bytes are decoded already.
    source = _XML_DECLARATION.sub("", source, count=1)
    # huge_tree: libxml2 otherwise stops at 256 levels of nesting (old pages with unclosed
    # <font>/<span> reach that) and silently drops ALL the text after that point
    parser = lxml.html.HTMLParser(huge_tree=True)
    try:
        root = lxml.html.document_fromstring(source, parser=parser)
    except (etree.ParserError, ValueError) as error:
        raise BadInputError(f"cannot parse the input as HTML ({error}); give it as .txt") from None
    if any(entry.type_name == "ERR_RESOURCE_LIMIT" for entry in parser.error_log):
        raise _too_deep()
    parts: list[str] = []

    def newline() -> None:
        if parts and parts[-1] != "\n":
            parts.append("\n")

    def walk(element, in_pre: bool, in_content: bool = False) -> None:
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if not tag:  # comment or processing instruction: skip it, keep its tail
            return
        if tag in _DROP or tag in _PAGE_CHROME and not in_content:
            return
        block = tag in _BLOCK or tag in _PAGE_CHROME
        pre = in_pre or tag == "pre"
        in_content = in_content or tag in _CONTENT
        if block:
            newline()
        if tag == "br":
            parts.append("\n")
        elif tag in _CELL and parts and parts[-1] != "\n":
            parts.append(" ")
        if element.text:
            parts.append(element.text if pre else _HTML_SPACE.sub(" ", element.text))
        for child in element:
            walk(child, pre, in_content)
            if child.tail:
                parts.append(child.tail if pre else _HTML_SPACE.sub(" ", child.tail))
        if block:
            newline()

    try:
        walk(root, False)
    except RecursionError:  # nesting deeper than Python's recursion limit (~1000)
        raise _too_deep() from None
    text = "".join(parts)
    # Collapsed white space leaves single spaces at line starts and ends; they are layout.
    return "\n".join(line.strip(" ") for line in text.split("\n")).strip("\n")


def _too_deep() -> BadInputError:
    return BadInputError("the HTML nests its elements too deeply to read all of its text "
                         "(unclosed tags?); save the page's text as a .txt file and give that")


_HEADING = re.compile(r"^(?P<indent> {0,3})#{1,6}(?:[ \t]+|$)(?P<text>.*?)(?:[ \t]+#+)?[ \t]*$")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_RULE = LazyPattern(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")


# Strong emphasis around a run of text on one line: 「**第一条**」「__示例市人民政府__」. Pages
# converted to Markdown set labels, titles and signatures in bold; the markers are markup.
# The emphasised text holds no * (or _): each attempt ends at the next marker character,
# so a line full of unmatched ** stays linear.
_STRONG = LazyPattern(r"\*\*(?=[^\s*])(?P<text>[^*\n]*[^\s*])\*\*|__(?=[^\s_])(?P<text2>[^_\n]*[^\s_])__")


def markdown_to_text(source: str) -> str:
    """Markdown markup removed: heading markers, HTML comments, horizontal rules, strong
    emphasis markers (``**第一条**``).

    The heading text stays as its own line; nothing else is rewritten.

    >>> markdown_to_text("# 示例条例\\n\\n2024年1月1日 通过\\n\\n<!-- INFO END -->\\n\\n## 第一章　总则\\n")
    '示例条例\\n\\n2024年1月1日 通过\\n\\n\\n\\n第一章　总则\\n'
    >>> markdown_to_text("**第一条**　为了测试。")
    '第一条　为了测试。'
    """
    text = _COMMENT.sub("", source)
    lines = text.split("\n")
    for index in _marked_lines(text):
        line = lines[index]
        # (the patterns only where they can match: a heading has its # among the first four
        # characters, a rule starts with *, - or _ after at most three spaces)
        match = _HEADING.match(line) if "#" in line[:4] else None
        if match:
            line = match["text"]
        elif line.lstrip(" ")[:1] in ("*", "-", "_") and _RULE.match(line):
            line = ""
        lines[index] = _STRONG.sub(lambda m: m["text"] or m["text2"], line) if "**" in line or "__" in line else line
    return "\n".join(lines)


# A line start whose line may hold markup: a # among its first four characters, or *, - or _
# after its spaces (a heading, a rule); and strong emphasis markers anywhere. Searched in
# "\n" + text (each match starts at a line break: a literal the scan skips to at C speed).
_LINE_MARKUP = re.compile(r"\n(?:[^\n]{0,3}#| *[*_-])")
_STRONG_MARKER = re.compile(r"\*\*|__")


def _marked_lines(text: str) -> list[int]:
    """The indexes (ascending) of the lines of `text` (split at "\n") that markdown_to_text
    may change: every other line holds none of the characters its patterns need, so it is
    passed over without a look (a loop over every line was 20 ms a side of the test
    compilation of issue 14). A superset: each marked line is tried as before."""
    # where the marked lines start (offsets in text) and where strong markers stand
    places = [match.start() for match in _LINE_MARKUP.finditer("\n" + text)]
    # the strong markers by str.find (a two-character search at C speed; _STRONG_MARKER's
    # scan tried each character against its class: 3.3 ms a side of the test compilation
    # of issue 14). The same places: a marker's occurrences never overlap one another's
    # but as "***" does, where finditer's next search starts after the first, as here.
    for marker in ("**", "__"):
        at = text.find(marker)
        while at >= 0:
            places.append(at)
            at = text.find(marker, at + 2)
    marked: list[int] = []
    line = last = 0
    for at in sorted(places):  # each place's line: the line breaks before it, counted at C speed
        line += text.count("\n", last, at)
        last = at
        if not marked or marked[-1] != line:
            marked.append(line)
    return marked
