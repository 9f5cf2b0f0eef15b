"""The HTML report leads with the changes (issue 12, item 5): static checks of the page
(order of sections, folded reconciliation, unchanged measures behind their checkbox,
line-end cues) and real-Chromium checks (the first changed card on the first screen of
the largest corpus report, anchors clear of the sticky bar, the fold opening for a target,
labels that do not wrap, print showing everything). Screenshots of the new report top
and of the 新旧对照表 go to artifacts/screenshots/ (gitignored)."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from policydiff import api
from policydiff.compare import compare
from policydiff.docbuild import DocBuilder
from policydiff.model import Change, ChangeKind, Comparison, DocumentMeta
from policydiff.render.html import comparison_html
from policydiff.render.table import table_html

from . import report_fixtures as fx
from .conftest import CORPUS
from .test_report_browser import SCREENSHOTS, Watched, browser  # noqa: F401  (the browser fixture)

LARGEST = ("ji-84954159/2012-12-20.md", "ji-84954159/2021-01-26.md")  # 548 -> 651 articles
VIEWPORT = {"width": 1280, "height": 900}


def section_order(page: str) -> list[str]:
    return re.findall(r'<section id="([a-z-]+)"', page)


def test_sections_lead_with_the_changes():
    order = section_order(comparison_html(fx.comparison()))
    assert order.index("summary") < order.index("changes") < order.index("versions") < order.index("reconciliation")
    assert order[-1] == "provenance"


def test_reconciliation_folded_but_in_the_file():
    doc = lxml_html.document_fromstring(comparison_html(fx.comparison()))
    fold = doc.get_element_by_id("recon-tables")
    assert fold.tag == "details" and fold.get("open") is None
    assert len(fold.xpath(".//table[contains(@class, 'recon')]")) == 2
    assert doc.get_element_by_id("reconciliation").find_class("recon-totals")  # totals stay outside the fold


def test_unchanged_checkbox_starts_unchecked_and_index_open():
    doc = lxml_html.document_fromstring(comparison_html(fx.comparison()))
    boxes = {box.get("value"): box.get("checked") is not None for box in doc.xpath("//input[@name='kind']")}
    assert boxes["unchanged"] is False and all(v for k, v in boxes.items() if k != "unchanged")
    assert doc.xpath("//nav[@id='changelist']/details")[0].get("open") is not None


def eol_comparison() -> Comparison:
    """A fictional measure that gains a whole line: the insertion ends with a line end."""
    def doc(text: str, title: str):
        b = DocBuilder(meta=DocumentMeta(title=title))
        b.text(title, level="title")
        b.measure("第一条", 1, text)
        return b.build()

    old = fx._version(doc("甲项。\n丙项。", "示例规定(测试用虚构文本)"), "2021", "1" * 40, "2024-06-01")
    new = fx._version(doc("甲项。\n乙项新增。\n丙项。", "示例规定(测试用虚构文本)"), "2024", "2" * 40, "2024-06-02")
    # the redline an aligner gives when a whole line is inserted (difflib would shift it)
    segments = (("=", "甲项。\n"), ("+", "乙项新增。\n"), ("=", "丙项。"))
    change = Change(kind=ChangeKind.MODIFIED, old=(1,), new=(1,), similarity=0.7, segments=segments)
    return Comparison(old=old, new=new, changes=(change,), tool=("policydiff", "test"))


def test_line_end_of_an_insertion_is_its_own_element():
    page = comparison_html(eol_comparison())
    redline = lxml_html.document_fromstring(page).find_class("redline")[0]
    inserted = redline.xpath(".//ins")
    assert [i.get("class") for i in inserted] == [None, "eol"]
    assert inserted[0].text == "乙项新增。" and inserted[1].text == "\n"


@pytest.fixture(scope="module")
def large_report(tmp_path_factory):
    old = api.load_side(None, str(CORPUS / LARGEST[0]))
    new = api.load_side(None, str(CORPUS / LARGEST[1]))
    c = compare(old, new)
    path = tmp_path_factory.mktemp("layout") / "large.html"
    path.write_text(comparison_html(c), encoding="utf-8")
    return c, path


def test_first_changed_card_within_the_first_screen(browser, large_report):  # noqa: F811
    c, path = large_report
    context = browser.new_context(viewport=VIEWPORT)
    try:
        watched = Watched(context, path)
        assert watched.errors == [] and watched.requests == [watched.url]
        top = watched.page.evaluate("""() => {
            const card = [...document.querySelectorAll('.change')].find(c => c.offsetParent !== null);
            return [card.dataset.kind, card.getBoundingClientRect().top];
        }""")
        assert top[0] != "unchanged"
        assert top[1] < VIEWPORT["height"] - 150, top  # its heading and first lines on screen
        counts = watched.page.locator("#summary .kind-counts")
        assert counts.is_visible() and counts.bounding_box()["y"] < top[1]
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        watched.page.screenshot(path=str(SCREENSHOTS / "report-top-large.png"))
        # every anchor still there, and the targeted ones clear of the sticky bar
        ids = [f"old-{n}" for n in range(1, len(c.old.document.measures) + 1)]
        ids += [f"new-{n}" for n in range(1, len(c.new.document.measures) + 1)]
        assert watched.page.evaluate("ids => ids.filter(id => !document.getElementById(id)).length", ids) == 0
        unchanged = next(ch for ch in c.changes if ch.kind is ChangeKind.UNCHANGED and not ch.moved)
        changed = [ch for ch in c.changes if ch.kind is ChangeKind.MODIFIED][200]
        for anchor in (f"new-{changed.new[0]}", f"old-{unchanged.old[0]}"):
            watched.page.evaluate(f"window.location.hash = '#{anchor}'")
            watched.page.wait_for_function(f"document.getElementById('{anchor}').closest('.change').offsetParent !== null")
            watched.page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
            bar, target = watched.page.evaluate(f"""() => [
                document.getElementById('controls').getBoundingClientRect().bottom,
                document.getElementById('{anchor}').getBoundingClientRect().top]""")
            assert target >= bar - 1, (anchor, bar, target)
            assert target < VIEWPORT["height"], (anchor, target)
    finally:
        context.close()


def test_fold_opens_for_its_anchor_and_prints_open(browser, tmp_path):  # noqa: F811
    c = fx.comparison()
    broken = type(c)(old=c.old, new=c.new, changes=c.changes[:-1], tool=c.tool)  # old 8 only in the fold
    path = tmp_path / "broken.html"
    path.write_text(comparison_html(broken), encoding="utf-8")
    context = browser.new_context(viewport=VIEWPORT)
    try:
        watched = Watched(context, path)
        page = watched.page
        assert not page.locator("#recon-tables table.recon-old").is_visible()
        page.evaluate("window.location.hash = '#old-8'")
        page.wait_for_function("document.getElementById('recon-tables').open")
        assert page.locator("#old-8").is_visible()
        page.evaluate("document.getElementById('recon-tables').open = false")
        page.emulate_media(media="print")
        assert page.locator("#recon-tables table.recon-old").is_visible()
        assert page.locator("#change-1").is_visible()  # unchanged cards print too
    finally:
        context.close()


def test_line_end_cue_stays_on_its_line_and_labels_do_not_wrap(browser, tmp_path):  # noqa: F811
    path = tmp_path / "eol.html"
    path.write_text(comparison_html(eol_comparison()), encoding="utf-8")
    context = browser.new_context(viewport={"width": 700, "height": 900})
    try:
        page = Watched(context, path).page
        lines = page.evaluate("""() => [...document.querySelectorAll('.redline ins:not(.eol)')]
            .map(el => new Set([...el.getClientRects()].map(r => Math.round(r.top))).size)""")
        assert lines == [1]  # 「［增：乙项新增。］」 on one line, its 「］」 included
        wrapped = page.evaluate("""() => [...document.querySelectorAll('table.versions th[scope=row]')]
            .filter(th => { const r = document.createRange(); r.selectNodeContents(th);
                            return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1; })
            .map(th => th.textContent)""")
        assert wrapped == []
    finally:
        context.close()


def test_table_layout_in_chromium_and_screenshot(browser, tmp_path):  # noqa: F811
    path = tmp_path / "table.html"
    path.write_text(table_html(fx.comparison()), encoding="utf-8")
    context = browser.new_context(viewport=VIEWPORT)
    try:
        watched = Watched(context, path)
        assert watched.errors == [] and watched.requests == [watched.url]
        styles = watched.page.evaluate("""() => {
            const del = document.querySelector('table.duibiao del'), ins = document.querySelector('table.duibiao ins');
            const s = getComputedStyle(ins);
            return [getComputedStyle(del).textDecorationLine, s.textDecorationLine, s.fontWeight,
                    getComputedStyle(ins, '::before').content];
        }""")
        assert styles[0] == "line-through" and styles[1] == "underline" and int(styles[2]) >= 700
        assert styles[3] in ("none", "normal")  # no 「增」 cue in the table
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        watched.page.screenshot(path=str(SCREENSHOTS / "table-small.png"), full_page=True)
        corpus = tmp_path / "table-corpus.html"
        corpus.write_text(table_html(compare(api.load_side(None, str(CORPUS / "bj-69d0b35a/2021-11-26.md")),
                                             api.load_side(None, str(CORPUS / "bj-69d0b35a/2024-09-27.md")))),
                          encoding="utf-8")
        other = Watched(context, corpus)
        assert other.errors == []
        other.page.screenshot(path=str(SCREENSHOTS / "table-corpus-top.png"))
    finally:
        context.close()


def test_pdf_is_the_printed_report_with_folds_open(browser, tmp_path):  # noqa: F811  (chromium present)
    """`report --format pdf`: Chromium prints the page; the folded reconciliation tables
    and the unchanged measures (hidden on screen) are in the PDF."""
    import pypdfium2 as pdfium

    from .conftest import run_cli

    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(fx.old_document().text, encoding="utf-8")
    new.write_text(fx.new_document().text, encoding="utf-8")
    result = run_cli("report", str(old), str(new), "--format", "pdf", "-o", str(tmp_path / "r.pdf"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = (tmp_path / "r.pdf").read_bytes()
    assert data.startswith(b"%PDF-")
    document = pdfium.PdfDocument(data)
    try:
        text = "".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()
    squashed = re.sub(r"\s+", "", text)
    assert "旧版措施的去向" in squashed and "新版措施的来源" in squashed  # the folded tables, printed
    assert "为了促进示例市科技创新" in squashed  # 第一条, unchanged: hidden on screen, printed
    assert "展开对账表" not in squashed  # the fold's own summary line is not printed
