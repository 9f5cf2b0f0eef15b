"""PDF reader (policydiff.ingest.pdf) and the LibreOffice path (policydiff.ingest.office).

PDFs are made from a fictional rule (tests/_docx_build.py) by real LibreOffice, so the
layout (justified lines, first-line indents, page breaks inside sentences, a running
header, 「－ N －」 footers) is what a word processor really prints. The real PDFs and DOC
files of ../shared/realdocs are read by path.

LibreOffice is needed for most of these tests: they are skipped when `soffice` is missing
and POLICYDIFF_REQUIRE_SOFFICE is unset; CI sets it (.ci/run installs libreoffice-writer),
so there a missing soffice is a failure.
"""

from __future__ import annotations

import io
import json
import os
import re

import pytest

from policydiff.errors import BadInputError
from policydiff.ingest import ingest
from policydiff.ingest.docx import docx_to_text
from policydiff.ingest.pdf import PAGE_NUMBER, _Line, _drop_running, _paragraphs, pdf_to_text
from policydiff.ingest.office import convert, convert_to_docx, soffice_path
from policydiff.structure import parse

from . import _docx_build as B
from .conftest import SHARED

REALDOCS = SHARED / "realdocs"


def squash(text: str) -> list[str]:
    return [re.sub(r"\s", "", line) for line in text.split("\n")]


@pytest.fixture(scope="module")
def soffice() -> str:
    program = soffice_path()
    if program is None:
        if os.environ.get("POLICYDIFF_REQUIRE_SOFFICE"):
            pytest.fail("POLICYDIFF_REQUIRE_SOFFICE is set but soffice is missing (apt-get install libreoffice-writer)")
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-writer)")
    return program


@pytest.fixture(scope="module")
def rule_docx() -> bytes:
    return B.fictional_rule_docx(70)


@pytest.fixture(scope="module")
def rule_pdf(soffice, rule_docx) -> bytes:
    return convert(rule_docx, "docx", "pdf", "the fictional rule")


# --------------------------------------------------------------------------- geometry rules (no soffice)


def line(text: str, x0: float, x1: float, y: float, size: float = 16.0) -> _Line:
    return _Line(text=text, x0=x0, x1=x1, bottom=y, top=y + size, size=size)


def test_page_number_patterns():
    for text in ("－ 5 －", "— 11 —", "- 2 -", "—2—", "第 3 页 共 9 页", "第3页", "共9页 第3页", "3/9", "Page 3 of 9", "12"):
        assert PAGE_NUMBER.match(text), text
    for text in ("第三条 测试。", "2014年1月21日", "（一）", "一、总则"):
        assert not PAGE_NUMBER.match(text), text


def test_a_sentence_broken_at_a_page_end_is_one_paragraph():
    page1 = [line("－ 1 －", 280, 320, 40)] + [
        line("示例市人民政府规章汇编（测试用页眉）", 200, 400, 800),
        line("第一条　为了测试本办法的适用范围和适用条件，制定本", 110, 510, 700),
        line("办法。", 80, 130, 670),
        line("第二条　示例市各有关部门应当按照职责分工做好测试事", 110, 510, 640),
        line("项的组织实施工作，申请人应当如实提交申请材料并对材", 80, 510, 610),
    ]
    page2 = [
        line("示例市人民政府规章汇编（测试用页眉）", 200, 400, 800),
        line("料的真实性负责。", 80, 210, 700),
        line("第三条　本办法自2024年1月1日起施行。", 110, 400, 670),
        line("－ 2 －", 280, 320, 40),
    ]
    # line order inside a page is top to bottom (the reader sorts by position)
    page1.sort(key=lambda l: -l.top)
    pages, dropped = _drop_running([page1, page2])
    assert dropped == 4
    assert _paragraphs(pages) == [
        "第一条　为了测试本办法的适用范围和适用条件，制定本办法。",
        "第二条　示例市各有关部门应当按照职责分工做好测试事项的组织实施工作，申请人应当如实提交申请材料并对材料的真实性负责。",
        "第三条　本办法自2024年1月1日起施行。",
    ]


def test_unindented_documents_break_after_a_full_line_that_ends_a_sentence():
    lines = [
        line("第一条　示例市各有关部门应当按照职责分工做好测试事", 80, 510, 700),
        line("项的组织实施工作。", 80, 220, 670),
        line("第二条　申请人应当如实提交申请材料并对材料的真实性。", 80, 510, 640),
        line("第三条　受理机关应当自收到申请之日起十五个工作日内", 80, 510, 610),
        line("作出决定，对不符合条件的申请应当书面告知申请人并说", 80, 510, 580),
        line("明理由。", 80, 140, 550),
    ]
    assert _paragraphs([lines]) == [
        "第一条　示例市各有关部门应当按照职责分工做好测试事项的组织实施工作。",
        "第二条　申请人应当如实提交申请材料并对材料的真实性。",
        "第三条　受理机关应当自收到申请之日起十五个工作日内作出决定，对不符合条件的申请应当书面告知申请人并说明理由。",
    ]


def test_hanging_indents_continue_the_sentence():
    lines = [
        line("第三条　下列事项应当办理：", 110, 330, 700),
        line("（一）示例市各有关部门应当按照职责分工做好测试事项的", 80, 510, 670),
        line("组织实施工作；", 112, 230, 640),
        line("（二）申请人应当如实提交申请材料并对材料的真实性负责", 80, 510, 610),
        line("并说明理由。", 112, 210, 580),
        line("第四条　本办法自2024年1月1日起施行。", 110, 400, 550),
    ]
    assert _paragraphs([lines]) == [
        "第三条　下列事项应当办理：",
        "（一）示例市各有关部门应当按照职责分工做好测试事项的组织实施工作；",
        "（二）申请人应当如实提交申请材料并对材料的真实性负责并说明理由。",
        "第四条　本办法自2024年1月1日起施行。",
    ]


def test_ragged_right_lines_and_headings():
    from policydiff.ingest.pdf import _first_unit_width

    assert _first_unit_width("50%以下的罚款。") == pytest.approx(1.95)
    assert _first_unit_width("付。”") == 3.0 and _first_unit_width("（三）项") == 3.0
    lines = [
        # ragged right: 「50%」 did not fit in the 2.7 characters left, so the line is full
        line("第六十条　违反本条例规定的，由主管部门没收违法所得，并处以销售总额20%以上", 110, 468, 700),
        line("50%以下的罚款。", 80, 190, 670),
        # a header line that fills the line, then a chapter heading at the margin
        line("（2024年11月29日示例市人民代表大会常务委员会第十三次会议修订）", 110, 505, 640),
        line("第一章　总　则", 80, 180, 610),
        line("第一条　为了测试，制定本条例。", 110, 330, 580),
    ]
    assert _paragraphs([lines]) == [
        "第六十条　违反本条例规定的，由主管部门没收违法所得，并处以销售总额20%以上50%以下的罚款。",
        "（2024年11月29日示例市人民代表大会常务委员会第十三次会议修订）",
        "第一章　总　则",
        "第一条　为了测试，制定本条例。",
    ]


def test_a_line_repeated_across_a_page_break_is_read_once():
    page1 = [line("第一条　甲乙丙丁戊己庚辛壬癸甲乙丙丁", 80, 510, 700), line("（一）子丑寅卯；", 80, 200, 30)]
    page2 = [line("（一）子丑寅卯；", 80, 200, 760), line("（二）辰巳午未。", 80, 200, 730)]
    pages, dropped = _drop_running([page1, page2])
    assert [l.text for l in pages[1]] == ["（二）辰巳午未。"] and dropped == 1


def test_radical_code_points_read_as_the_ideographs_printed():
    from policydiff.ingest.pdf import _printed_ideographs

    assert _printed_ideographs("示例市⼈⺠政府关于印发⽂件的通知，⻓期有效") == ("示例市人民政府关于印发文件的通知，长期有效", 4)
    assert _printed_ideographs("第一条 普通文字。") == ("第一条 普通文字。", 0)


def test_word_xml_through_libreoffice(soffice):
    body = "".join(f'<w:p><w:r><w:t>{t}</w:t></w:r></w:p>' for t in (
        "示例市测试办法（测试用虚构文本）", "第一条　为了测试，制定本办法。", "第二条　本办法自2024年1月1日起施行。"))
    data = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<?mso-application progid="Word.Document"?>\n'
            f'<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"><w:body>{body}</w:body>'
            '</w:wordDocument>').encode()
    ingested = ingest(data, "notice.doc", convert=convert_to_docx)
    assert [m.label for m in parse(ingested.text, ingested.meta).measures] == ["第一条", "第二条"]


def test_a_layer_of_headers_only_or_of_garbage_is_refused():
    from policydiff.ingest.pdf import text_layer_problem

    # a scan printed from a browser: each page has only the page's date and number
    headers_only = [[line("2016/5/3", 40, 120, 800)] for _ in range(4)]
    pages, _ = _drop_running(headers_only)
    assert "no text layer" in text_layer_problem(pages)
    garbage = [[line("¸ÃÉóºËÊµÊ©°ì·¨£¨²âÊÔ£©", 80, 510, 700), line("µÚÒ»Ìõ¡¡Îª¹æ·¶²âÊÔ¹¤×÷", 80, 510, 670)]]
    assert "without usable character codes" in text_layer_problem(garbage)
    fine = [[line("第一条　为了测试，制定本办法（测试用虚构文本）。", 80, 510, 700)]]
    assert text_layer_problem(fine) is None


def test_a_pdf_without_a_text_layer_is_a_scan():
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    with pytest.raises(BadInputError, match="no text layer") as caught:
        ingest(buffer.getvalue(), "scan.pdf")
    assert "\n" not in str(caught.value) and "scan.pdf" in str(caught.value)


def test_a_damaged_pdf_is_one_line():
    with pytest.raises(BadInputError, match="not a readable PDF"):
        ingest(b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n", "broken.pdf")


# --------------------------------------------------------------------------- real layout (soffice)


def test_a_printed_rule_reads_back_paragraph_for_paragraph(rule_docx, rule_pdf):
    text, notes = pdf_to_text(rule_pdf)
    expected, _ = docx_to_text(rule_docx)
    # the same paragraphs as the Word file (spaces aside: PDF has none, Word's full-width
    # label spaces may be drawn as gaps), no header, no 「－ N －」 page numbers
    assert squash(text) == squash(expected)
    assert "页眉" not in text and not re.search(r"－\s*\d+\s*－", text)
    assert any("page number" in n for n in notes)


def test_a_printed_rule_parses_to_its_articles(rule_pdf):
    ingested = ingest(rule_pdf, "rule.bin")
    assert ingested.media_type == "pdf" and ingested.file_format == "pdf"
    document = parse(ingested.text, ingested.meta)
    assert len(document.measures) == 70
    assert ingested.meta.title == "示例市测试事项管理办法（测试用虚构文本）"


def test_an_unindented_rule_reads_back_too(soffice):
    data = B.fictional_rule_docx(45, indent=False, running_header=False)
    text, _ = pdf_to_text(convert(data, "docx", "pdf", "the fictional rule"))
    assert squash(text) == squash(docx_to_text(data)[0])


def test_word_numbering_survives_doc_conversion(soffice):
    """A DOCX with automatic 第%1条 numbering saved as DOC by LibreOffice and read back
    through the DOC path prints the same labels."""
    numbering = B.numbering({1: [B.level(0, "chineseCounting", "第%1条", suffix="space"),
                                 B.level(1, "chineseCounting", "（%2）", suffix="nothing")]}, {1: 1})
    body = (B.para("示例市测试办法（测试用虚构文本）", center=True)
            + "".join(B.para(f"测试内容第{k}段。", num=(1, 0)) for k in range(1, 13))
            + B.para("甲项；", num=(1, 1)) + B.para("乙项。", num=(1, 1)))
    original = B.docx_bytes(body, numbering_xml=numbering)
    doc = convert(original, "docx", "doc:MS Word 97", "the fictional rule")
    ingested = ingest(doc, "rule.doc", convert=convert_to_docx)
    assert ingested.file_format == "doc" and ingested.media_type == "docx"
    assert any("LibreOffice" in n for n in ingested.notes)
    assert squash(ingested.text) == squash(docx_to_text(original)[0])
    assert squash(ingested.text)[12] == "第十二条测试内容第12段。"


@pytest.mark.parametrize("target, ext, kind", [("odt", "odt", "odt"), ("rtf", "rtf", "rtf"),
                                               ("doc:MS Word 97", "wps", "doc")])
def test_odt_rtf_and_wps_are_read_through_libreoffice(soffice, target, ext, kind, tmp_path):
    from policydiff.ingest.formats import detect_format, source_extension

    original = B.fictional_rule_docx(6)
    data = convert(original, "docx", target, "the fictional rule")
    assert detect_format(data) == kind
    assert source_extension(kind, f"rule.{ext}") == ext
    ingested = ingest(data, f"rule.{ext}", convert=convert_to_docx)
    assert [m.label for m in parse(ingested.text, ingested.meta).measures] == [
        "第一条", "第二条", "第三条", "第四条", "第五条", "第六条"]


def test_diff_reads_a_docx_against_a_pdf(rule_docx, rule_pdf, tmp_path):
    from .conftest import run_cli

    old, new = tmp_path / "old.docx", tmp_path / "new.pdf"
    old.write_bytes(rule_docx)
    new.write_bytes(rule_pdf)
    done = run_cli("diff", str(old), str(new), "--format", "json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    # the same rule as Word file and as printed PDF: nothing but white space differs
    summary = {kind: n for kind, n in result["summary"].items() if n}
    assert summary == {"unchanged": 70}, summary


def test_soffice_missing_is_one_line_naming_the_package(monkeypatch):
    monkeypatch.setattr("shutil.which", lambda name: None)  # office imports shutil when it looks
    data = (REALDOCS / "js-gfwj-beian" / "document.doc").read_bytes()
    with pytest.raises(BadInputError, match="apt-get install libreoffice-writer") as caught:
        ingest(data, "document.doc", convert=convert_to_docx)
    assert "\n" not in str(caught.value)


def test_a_damaged_doc_is_one_line(soffice):
    data = (REALDOCS / "js-gfwj-beian" / "document.doc").read_bytes()[:3000]
    with pytest.raises(BadInputError) as caught:
        ingest(data, "broken.doc", convert=convert_to_docx)
    assert "\n" not in str(caught.value)


# --------------------------------------------------------------------------- real files


def _realdocs(*formats: str) -> list[dict]:
    manifest = json.loads((REALDOCS / "manifest.json").read_text(encoding="utf-8"))
    return [d for d in manifest["documents"] if d["format"] in formats]


@pytest.mark.parametrize("entry", _realdocs("pdf"), ids=lambda d: d["id"])
def test_real_pdf_measure_counts_and_no_page_numbers(entry):
    data = (REALDOCS / entry["id"] / entry["file"]).read_bytes()
    ingested = ingest(data, entry["file"])
    assert ingested.media_type == "pdf"
    document = parse(ingested.text, ingested.meta)
    assert len(document.measures) == entry["expected"]["measures"]
    assert not any(PAGE_NUMBER.match(l) for l in ingested.text.split("\n"))
    # no paragraph is cut after a comma by a line or page break
    assert not re.search(r"[，、]\n", ingested.text)


@pytest.mark.parametrize("name", ["sh-jzz-banfa", "tj-jzz-banfa"])
def test_a_real_word_file_printed_to_pdf_reads_back_paragraph_for_paragraph(soffice, name):
    """Real text in a real layout: 令 header and signature lines (right-aligned, short),
    ragged-right lines cut before an opening bracket, page breaks inside sentences."""
    data = (REALDOCS / name / "document.docx").read_bytes()
    text, _ = pdf_to_text(convert(data, "docx", "pdf", name))
    expected = [line for line in squash(docx_to_text(data)[0]) if line]
    assert squash(text) == expected


@pytest.mark.parametrize("entry", _realdocs("doc"), ids=lambda d: d["id"])
def test_real_doc_measure_counts(entry, soffice):
    data = (REALDOCS / entry["id"] / entry["file"]).read_bytes()
    ingested = ingest(data, entry["file"], convert=convert_to_docx)
    document = parse(ingested.text, ingested.meta)
    assert len(document.measures) == entry["expected"]["measures"]
