"""The 新旧对照表 (`report --layout table`, and `--format xlsx`), issue 12: rows in new
order with chapter rows on both sides, an unchanged chapter collapsed, 「同左」 or left out,
a new article opposite an empty cell, deletions struck through and insertions underlined
and bold, article numbers on each side; HTML, DOCX and XLSX from the same rows; every
measure of both versions in exactly one row; deterministic bytes; gold files."""

from __future__ import annotations

import difflib
import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from lxml import etree
from lxml import html as lxml_html

from policydiff import api
from policydiff.compare import compare
from policydiff.render.correspondence import comparison_csv
from policydiff.render.table import table_docx, table_html, table_rows
from policydiff.render.xlsx import table_xlsx

from . import report_fixtures as fx
from .conftest import CORPUS, run_cli
from .office_tools import W

GOLD = Path(__file__).parent / "gold"
GENERATED = "2024-01-01T00:00:00Z"

# Fictional (the titles say so): chapter 2 does not change, chapter 1 and 3 do.
OLD_TEXT = """示例县档案管理办法(测试用虚构文本)
第一章 总则
第一条 为了加强示例县档案管理，制定本办法。
第二条 本办法适用于示例县的机关。
第二章 管辖
第三条 县档案馆负责全县档案工作。
第四条 乡镇档案室负责本乡镇档案工作。
第三章 附则
第五条 本办法自发布之日起施行。
"""
NEW_TEXT = """示例县档案管理办法(测试用虚构文本)
第一章 总则
第一条 为了加强示例县档案管理，制定本办法。
第二条 本办法适用于示例县的机关和事业单位。
第二章 管辖
第三条 县档案馆负责全县档案工作。
第四条 乡镇档案室负责本乡镇档案工作。
第三章 附则
第五条 档案的数字化按照有关规定执行。
第六条 本办法自2025年1月1日起施行。
"""


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    folder = tmp_path_factory.mktemp("county")
    (folder / "old.txt").write_text(OLD_TEXT, encoding="utf-8")
    (folder / "new.txt").write_text(NEW_TEXT, encoding="utf-8")
    return compare(api.load_side(None, str(folder / "old.txt")), api.load_side(None, str(folder / "new.txt")))


def accounted(rows, side: str) -> list[int]:
    return sorted(n for row in rows if row["kind"] != "container" for n in row[side])


def test_rows_account_for_every_measure_once():
    for c in (fx.comparison(),):
        rows = table_rows(c)
        assert accounted(rows, "old") == list(range(1, len(c.old.document.measures) + 1))
        assert accounted(rows, "new") == list(range(1, len(c.new.document.measures) + 1))


def test_unchanged_chapter_collapses_and_changed_only_leaves_out(county):
    rows = table_rows(county)
    kinds = [(r["kind"], r.get("text") or r.get("new") or r.get("change_kind")) for r in rows]
    assert ("collapsed", "第二章 管辖（本章未修改）") in kinds
    assert not any(r["kind"] == "change" and 3 in r["new"] for r in rows)  # inside the collapsed chapter
    first = next(r for r in rows if r["kind"] == "change")
    assert first["same"] and first["new_labels"] == ((1, "第一条"),)
    short = table_rows(county, changed_only=True)
    omitted = [r for r in short if r["kind"] == "omitted"]
    assert omitted and omitted[0]["text"] == "（未修改，从略：第一条）"
    for side in ("old", "new"):
        assert accounted(short, side) == accounted(rows, side)


def test_chapter_rows_on_both_sides_and_numbers_in_each_cell():
    rows = table_rows(fx.comparison())
    chapters = [(r["old"], r["new"]) for r in rows if r["kind"] == "container"]
    assert chapters[0] == ("第一章 总则", "第一章 总则")
    assert ("第二章 支持措施", "第二章 扶持措施") in chapters
    assert ("", "第三章 附则") in chapters
    split = next(r for r in rows if r.get("change_kind") == "split")
    assert [labels for _, labels, _ in split["new_items"]] == [("第四条",), ("第五条",)]


@pytest.fixture(scope="module")
def page():
    return lxml_html.document_fromstring(table_html(fx.comparison()))


def test_html_table_cells(page):
    assert [th.text_content() for th in page.xpath("//table[@class='duibiao']/thead//th")] == ["修改前", "修改后", "说明"]
    added = page.xpath("//tr[@data-kind='added']")[0]
    assert added.xpath("td[@class='old']")[0].text_content() == ""
    assert "第七条" in added.xpath("td[@class='new']")[0].text_content()
    unchanged = page.xpath("//tr[@data-kind='unchanged']")[0]
    assert unchanged.xpath("td[@class='new']")[0].text_content().strip() == "第一条 同左"
    modified = page.xpath("//tr[@id='change-3']")[0]
    assert [d.text for d in modified.xpath("td[@class='old']//del")] == ["5"]
    assert [i.text for i in modified.xpath("td[@class='new']//ins")] == ["10"]
    assert not modified.xpath("td[@class='old']//ins") and not modified.xpath("td[@class='new']//del")
    assert "<script>alert" not in table_html(fx.comparison())  # escaped


def test_html_every_anchor_once(page):
    c = fx.comparison()
    for side, count in (("old", len(c.old.document.measures)), ("new", len(c.new.document.measures))):
        for n in range(1, count + 1):
            assert len(page.xpath(f"//*[@id='{side}-{n}']")) == 1, (side, n)
    assert page.get_element_by_id("summary") is not None and page.get_element_by_id("provenance") is not None


def test_docx_table_runs_struck_and_underlined_bold():
    data = table_docx(fx.comparison(), generated=GENERATED)
    assert data == table_docx(fx.comparison(), generated=GENERATED)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    table = root.find(f".//{W}tbl")
    header = table.find(f"{W}tr")
    assert header.find(f"{W}trPr/{W}tblHeader") is not None
    struck = ["".join(t.text for t in r.iter(W + "t")) for r in table.iter(W + "r") if r.find(f"{W}rPr/{W}strike") is not None]
    inserted = ["".join(t.text for t in r.iter(W + "t")) for r in table.iter(W + "r")
                if r.find(f"{W}rPr/{W}u") is not None and r.find(f"{W}rPr/{W}b") is not None]
    assert "5" in struck and "10" in inserted and "和科研机构" in inserted
    assert root.find(f".//{W}ins") is None  # a table, not tracked changes
    assert root.find(f".//{W}sectPr/{W}pgSz").get(W + "orient") == "landscape"


def test_xlsx_cells_and_rich_text():
    data = table_xlsx(fx.comparison(), generated=GENERATED)
    assert data == table_xlsx(fx.comparison(), generated=GENERATED)
    book = openpyxl.load_workbook(io.BytesIO(data), rich_text=True)
    sheet = book["对照表"]
    rows = [[None if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["修改前", "修改后", "说明", "原条号", "新条号"]
    assert rows[1][:2] == ["第一章 总则", "第一章 总则"]
    assert rows[2][:5] == ["第一条 为了促进示例市科技创新，制定本措施。", "第一条 同左", "保留", "第一条", "第一条"]
    added = next(r for r in rows if r[2] == "新增")
    assert added[0] is None and added[1].startswith("第七条 支持数据开放")
    cell = sheet.cell(row=6, column=2).value  # 第三条, the money change
    blocks = [(b.font, b.text) for b in cell if hasattr(b, "font")]
    assert any(font.u == "single" and font.b and text == "10" for font, text in blocks)
    old_cell = sheet.cell(row=6, column=1).value
    assert any(b.font.strike and b.text == "5" for b in old_cell if hasattr(b, "font"))
    assert book.properties.created.year == 2024
    assert book.sheetnames == ["对照表", "条文序号对照表", "来源"]
    mapping = [list(row) for row in book["条文序号对照表"].iter_rows(values_only=True)]
    assert mapping[0][:3] == ["old_label", "new_labels", "kind"]
    assert mapping[4][:3] == ["第四条", "第四条、第五条", "split"]
    provenance = book["来源"]
    values = [str(v) for row in provenance.iter_rows(values_only=True) for v in row if v is not None]
    assert "1" * 40 in values and "2" * 40 in values


def test_xlsx_without_epoch_is_still_deterministic():
    with zipfile.ZipFile(io.BytesIO(table_xlsx(fx.comparison()))) as archive:
        assert {i.date_time for i in archive.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        assert b"1980-01-01T00:00:00Z" in archive.read("docProps/core.xml")
    assert table_xlsx(fx.comparison()) == table_xlsx(fx.comparison())


def test_corpus_pair_in_all_three(tmp_path):
    old = api.load_side(None, str(CORPUS / "bj-69d0b35a/2021-11-26.md"))
    new = api.load_side(None, str(CORPUS / "bj-69d0b35a/2024-09-27.md"))
    c = compare(old, new)
    rows = table_rows(c)
    assert accounted(rows, "old") == list(range(1, len(old.document.measures) + 1))
    assert accounted(rows, "new") == list(range(1, len(new.document.measures) + 1))
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(c))).active
    assert sheet.max_row == len(rows) + 1
    page = lxml_html.document_fromstring(table_html(c))
    assert len(page.xpath("//tbody/tr")) == len(rows)


def test_cli_table_formats_and_default_paths(tmp_path):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(OLD_TEXT, encoding="utf-8")
    new.write_text(NEW_TEXT, encoding="utf-8")
    html = run_cli("report", str(old), str(new), "--layout", "table", cwd=tmp_path)
    assert html.returncode == 0, html.stderr
    assert html.stdout.strip().endswith("old__new.table.html")
    assert "（本章未修改）" in (tmp_path / html.stdout.strip()).read_text(encoding="utf-8")
    xlsx = run_cli("report", str(old), str(new), "--format", "xlsx", "--changed-only", cwd=tmp_path)
    assert xlsx.returncode == 0 and xlsx.stdout.strip().endswith("old__new.xlsx")
    docx = run_cli("report", str(old), str(new), "--format", "docx", "--layout", "table", cwd=tmp_path)
    assert docx.returncode == 0 and docx.stdout.strip().endswith("old__new.table.docx")
    bad = run_cli("report", str(old), str(new), "--format", "xlsx", "--layout", "redline", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("Error: xlsx has the table layout only")
    bad = run_cli("report", str(old), str(new), "--format", "md", "--layout", "table", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("Error: --layout table is for html, docx, xlsx and pdf")


def test_cli_pdf_without_chromium_is_one_line(tmp_path):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(OLD_TEXT, encoding="utf-8")
    new.write_text(NEW_TEXT, encoding="utf-8")
    result = run_cli("report", str(old), str(new), "--format", "pdf", cwd=tmp_path,
                     env={"POLICYDIFF_CHROMIUM": str(tmp_path / "no-such-chromium")})
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ") and "chromium" in result.stderr and len(result.stderr.splitlines()) == 1
    assert not list(tmp_path.glob("reports/**/*.pdf"))


GOLD_CASES = {
    "table-small.zh.html": lambda: table_html(fx.comparison()).encode("utf-8"),
    "table-small.changed-only.zh.html": lambda: table_html(fx.comparison(), changed_only=True).encode("utf-8"),
    "correspondence-small.csv": lambda: comparison_csv(fx.comparison()).encode("utf-8"),
    "redline-small.document.xml": lambda: _pretty_document_xml(),
}


def _pretty_document_xml() -> bytes:
    from policydiff.render.docx import comparison_docx

    with zipfile.ZipFile(io.BytesIO(comparison_docx(fx.comparison(), generated=GENERATED))) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    return etree.tostring(root, pretty_print=True, encoding="UTF-8")


@pytest.mark.parametrize("name", sorted(GOLD_CASES))
def test_gold(name):
    """Regenerate with POLICYDIFF_REGEN_GOLD=1 (as tests/test_report_gold.py) and review."""
    rendered = GOLD_CASES[name]()
    path = GOLD / name
    if os.environ.get("POLICYDIFF_REGEN_GOLD"):
        path.write_bytes(rendered)
        pytest.skip(f"regenerated {path}")
    assert path.is_file(), f"missing gold file {path}: run with POLICYDIFF_REGEN_GOLD=1"
    expected = path.read_bytes()
    if rendered != expected:
        diff = "".join(difflib.unified_diff(expected.decode().splitlines(True), rendered.decode().splitlines(True),
                                            "gold/" + name, "rendered", n=2))
        pytest.fail(f"{name} differs from its gold file:\n{diff[:4000]}")


def test_no_text_side_in_every_table_format():
    c = fx.no_text_comparison()
    page = table_html(c)
    assert "无法进行措施级比较" in page and "policydiff add FILE --work example-innovation --version 2021" in page
    sheet = openpyxl.load_workbook(io.BytesIO(table_xlsx(c))).active
    assert "未比较措施" in str(sheet.cell(row=2, column=1).value)
    with zipfile.ZipFile(io.BytesIO(table_docx(c))) as archive:
        assert "未比较措施".encode() in archive.read("word/document.xml")


def test_english_table():
    page = table_html(fx.comparison(), lang="en")
    assert ">Before</th>" in page and ">After</th>" in page and "same as left" in page


@pytest.mark.slow
def test_every_corpus_pair_revisions_and_table_rows_account_for_everything(manifest):
    """On every consecutive version pair of the corpus: the Word revision stream rebuilds
    both texts exactly, and the 对照表 has every measure of both versions in one row."""
    from policydiff.render.revisions import rebuild, revision_pieces, side_text

    checked = 0
    for document in manifest["documents"]:
        versions = sorted(document["versions"], key=lambda v: v["date"])
        for a, b in zip(versions, versions[1:]):
            old = api.load_side(None, str(CORPUS / a["file"]))
            new = api.load_side(None, str(CORPUS / b["file"]))
            c = compare(old, new)
            segments = [s for piece in revision_pieces(c) for s in piece.segments]
            assert rebuild(segments, "old") == side_text(old.document.text), a["file"]
            assert rebuild(segments, "new") == side_text(new.document.text), b["file"]
            rows = table_rows(c)
            assert accounted(rows, "old") == list(range(1, len(old.document.measures) + 1)), a["file"]
            assert accounted(rows, "new") == list(range(1, len(new.document.measures) + 1)), b["file"]
            checked += 1
    assert checked >= 78
