"""The HTML report in a real browser (headless Chromium driven by Playwright).

Opens reports from file:// URLs and checks what only a browser can: no console errors
(a CSP violation is one), no network request besides the file itself, the filters and the
inline/side-by-side toggle work, every #old-N/#new-N anchor resolves, with JavaScript off
everything is shown, and the print stylesheet shows every card with both texts.
Screenshots go to artifacts/screenshots/ (gitignored).

Skipped only when Chromium is missing and POLICYDIFF_REQUIRE_BROWSER is unset; CI sets it
(.ci/run installs Debian's chromium), so there a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from policydiff.render.html import comparison_html

from . import report_fixtures as fx
from .conftest import CORPUS, REPO

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
SCREENSHOTS = REPO / "artifacts" / "screenshots"


def _chromium() -> str | None:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    return shutil.which("chromium")


@pytest.fixture(scope="module")
def browser():
    executable = _chromium()
    from playwright.sync_api import sync_playwright  # a test dependency: missing is a failure

    if executable is None:
        if os.environ.get("POLICYDIFF_REQUIRE_BROWSER"):
            pytest.fail("POLICYDIFF_REQUIRE_BROWSER is set but chromium/playwright is missing")
        pytest.skip("chromium not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def small_report(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("browser") / "small.html"
    path.write_text(comparison_html(fx.comparison()), encoding="utf-8")
    return path


class Watched:
    """A page with its console messages, page errors and requests recorded."""

    def __init__(self, context, path: Path):
        self.page = context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.url = path.resolve().as_uri()
        self.page.goto(self.url, wait_until="load")

    def visible_cards(self) -> list[str]:
        return self.page.eval_on_selector_all(
            ".change", "cards => cards.filter(c => c.offsetParent !== null).map(c => c.id)")


@pytest.fixture()
def opened(browser, small_report):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    watched = Watched(context, small_report)
    yield watched
    context.close()


def test_no_console_errors_and_no_network(opened):
    assert opened.errors == []
    assert opened.requests == [opened.url]
    assert opened.page.locator("#controls").is_visible()  # the script ran (CSP allowed it)
    # the stylesheet applied (CSP allowed it): strike-through and the 「删」 cue on <del>
    style = opened.page.evaluate("""() => {
        const del = document.querySelector('.redline del');
        return [getComputedStyle(del).textDecorationLine, getComputedStyle(del, '::before').content];
    }""")
    assert style[0] == "line-through" and "删" in style[1]


def test_every_measure_anchor_resolves(opened):
    c = fx.comparison()
    ids = [f"old-{n}" for n in range(1, len(c.old.document.measures) + 1)]
    ids += [f"new-{n}" for n in range(1, len(c.new.document.measures) + 1)]
    missing = opened.page.evaluate("ids => ids.filter(id => !document.getElementById(id))", ids)
    assert missing == []
    opened.page.goto(opened.url + "#new-6")
    assert opened.page.evaluate("document.querySelector(':target').closest('.change').dataset.kind") == "merged"


def test_view_toggle(opened):
    page = opened.page
    card = page.locator("#change-2")  # modified: has both views
    assert card.locator(".redline").is_visible()
    assert not card.locator(".sbs").is_visible()
    page.get_by_label("左右对照").check()
    assert card.locator(".sbs").is_visible()
    assert card.locator(".sbs-old").is_visible() and card.locator(".sbs-new").is_visible()
    assert not card.locator(".redline").is_visible()
    page.get_by_label("保留 (2)").check()  # unchanged measures start hidden
    assert page.locator("#change-1 .redline").is_visible()  # unchanged: its only text stays
    page.get_by_label("行内修订").check()
    assert card.locator(".redline").is_visible() and not card.locator(".sbs").is_visible()


def test_filters_by_kind_and_flag(opened):
    page = opened.page
    # the changes first: unchanged measures start hidden behind their checkbox
    assert opened.visible_cards() == ["change-2", "change-3", "change-4", "change-5", "change-6", "change-8"]
    assert page.locator("#shown-count").inner_text() == "显示 6 / 8 项变更"
    page.get_by_label("保留 (2)").check()
    assert len(opened.visible_cards()) == 8
    assert page.locator("#shown-count").inner_text() == "显示 8 / 8 项变更"
    page.get_by_label("保留 (2)").uncheck()
    assert opened.visible_cards() == ["change-2", "change-3", "change-4", "change-5", "change-6", "change-8"]
    page.select_option("#flag-filter", "money")
    assert opened.visible_cards() == ["change-3"]
    assert page.locator("#changelist li[data-for='change-3']").is_visible()
    assert not page.locator("#changelist li[data-for='change-2']").is_visible()
    page.select_option("#flag-filter", "")
    page.get_by_label("保留 (2)").check()
    assert len(opened.visible_cards()) == 8


def test_cited_anchor_is_revealed_even_when_filtered(opened):
    page = opened.page
    assert "change-1" not in opened.visible_cards()  # unchanged: hidden at first
    page.evaluate("window.location.hash = '#old-1'")
    page.wait_for_function("document.getElementById('change-1').offsetParent !== null")


def test_keyboard_reaches_change_list(opened):
    page = opened.page
    link = page.locator("#changelist a[href='#change-4']")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("window.location.hash === '#change-4'")


def test_print_shows_everything(opened):
    page = opened.page
    page.get_by_label("保留 (2)").uncheck()
    page.get_by_label("左右对照").check()
    page.emulate_media(media="print")
    assert len(opened.visible_cards()) == 8
    assert page.locator("#change-2 .redline").is_visible() and page.locator("#change-2 .sbs").is_visible()
    assert not page.locator("#controls").is_visible()
    assert page.evaluate("getComputedStyle(document.getElementById('change-2')).breakInside") == "avoid"


def test_javascript_off_shows_everything(browser, small_report):
    context = browser.new_context(java_script_enabled=False)
    try:
        watched = Watched(context, small_report)
        assert len(watched.visible_cards()) == 8
        assert watched.page.locator("#change-2 .sbs").is_visible()
        assert watched.page.locator("#change-2 .redline").is_visible()
        assert not watched.page.locator("#controls").is_visible()
        assert watched.errors == []
    finally:
        context.close()


def test_screenshots(browser, small_report, tmp_path):
    """Top of the fictional report, one change card, and the no-text report's top."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        watched = Watched(context, small_report)
        watched.page.screenshot(path=str(SCREENSHOTS / "report-top.png"))
        watched.page.locator("#change-4").screenshot(path=str(SCREENSHOTS / "report-change-card.png"))
        watched.page.get_by_label("左右对照").check()
        watched.page.locator("#change-4").screenshot(path=str(SCREENSHOTS / "report-change-card-sbs.png"))
        notext = tmp_path / "notext.html"
        notext.write_text(comparison_html(fx.no_text_comparison()), encoding="utf-8")
        other = Watched(context, notext)
        other.page.screenshot(path=str(SCREENSHOTS / "report-notext-top.png"))
        assert other.errors == [] and other.requests == [other.url]
        ids = [f"new-{n}" for n in range(1, 9)]  # the side with text keeps its anchors
        assert other.page.evaluate("ids => ids.filter(id => !document.getElementById(id))", ids) == []
        other.page.goto(other.url + "#new-3")
        other.page.screenshot(path=str(SCREENSHOTS / "report-notext-measures.png"))
    finally:
        context.close()
    for name in ("report-top.png", "report-change-card.png", "report-change-card-sbs.png", "report-notext-top.png"):
        assert (SCREENSHOTS / name).stat().st_size > 1000


def test_large_corpus_report_opens(browser, tmp_path):
    """The largest corpus pair (about 650 articles) opens with no error and all anchors.
    Not timed here (benchmarks/report.py measures it); this checks it works at size."""
    from policydiff import api
    from policydiff.compare import compare

    old = api.load_side(None, str(CORPUS / "ji-84954159/2012-12-20.md"))
    new = api.load_side(None, str(CORPUS / "ji-84954159/2021-01-26.md"))
    path = tmp_path / "large.html"
    path.write_text(comparison_html(compare(old, new)), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        watched = Watched(context, path)
        assert watched.errors == [] and watched.requests == [watched.url]
        ids = [f"old-{n}" for n in range(1, len(old.document.measures) + 1)]
        ids += [f"new-{n}" for n in range(1, len(new.document.measures) + 1)]
        assert watched.page.evaluate("ids => ids.filter(id => !document.getElementById(id)).length", ids) == 0
        watched.page.get_by_label("左右对照").check()
        card = watched.page.locator(".change.has-sbs").nth(3)
        card.scroll_into_view_if_needed()  # content-visibility: auto renders it near the viewport
        watched.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        card.scroll_into_view_if_needed()
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        card.screenshot(path=str(SCREENSHOTS / "large-change-card.png"))
        watched.page.screenshot(path=str(SCREENSHOTS / "large-top.png"))
    finally:
        context.close()


CONTRAST_JS = """selectors => {
    const parse = c => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
    const lum = ([r, g, b]) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
                                 return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const background = el => { for (; el; el = el.parentElement) { const c = parse(getComputedStyle(el).backgroundColor);
                                 if (c[3] > 0) return c; } return [255, 255, 255, 1]; };
    const out = [];
    for (const sel of selectors) {
        for (const el of Array.from(document.querySelectorAll(sel)).slice(0, 5)) {
            const fg = lum(parse(getComputedStyle(el).color)), bg = lum(background(el));
            const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
            out.push([sel, Math.round(ratio * 100) / 100]);
        }
    }
    return out;
}"""
CONTRAST_SELECTORS = ["body", "h1", "h2", "h3", "a", "th", "td", "del", "ins", ".muted", ".badge-kind", ".badge-flag",
                      ".similarity", ".path", ".pane-label", ".ok", ".bad", "#controls label", "#controls legend",
                      ".notice p", "code"]


def test_text_contrast_meets_wcag_aa(opened, browser, tmp_path):
    """Every kind of text in the report has a contrast ratio of at least 4.5:1 (WCAG AA)."""
    ratios = opened.page.evaluate(CONTRAST_JS, CONTRAST_SELECTORS)
    notext = tmp_path / "notext.html"
    notext.write_text(comparison_html(fx.no_text_comparison()), encoding="utf-8")
    context = browser.new_context()
    try:
        ratios += Watched(context, notext).page.evaluate(CONTRAST_JS, [".notice p", ".notice code", ".bad"])
    finally:
        context.close()
    checked = {sel for sel, _ in ratios}
    assert {"del", "ins", ".muted", ".badge-flag", ".notice p"} <= checked
    low = [(sel, ratio) for sel, ratio in ratios if ratio < 4.5]
    assert low == [], low
