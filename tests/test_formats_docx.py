"""DOCX reader (policydiff.ingest.docx) and format detection, on fictional packages built
in the test (tests/_docx_build.py) and on the real Word files of ../shared/realdocs."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from policydiff.errors import BadInputError
from policydiff.ingest import ingest
from policydiff.ingest.docx import docx_to_text, format_number
from policydiff.ingest.formats import detect_format, source_extension
from policydiff.model import DocumentMeta
from policydiff.structure import parse

from . import _docx_build as B
from .conftest import SHARED

TITLE = "示例市测试管理办法（测试用虚构文本）"
REALDOCS = SHARED / "realdocs"


def lines_of(data: bytes) -> list[str]:
    text, _ = docx_to_text(data)
    return text.split("\n")


def articles_numbering() -> str:
    """Level 0 「第%1条」 (chineseCounting, suffix space), level 1 「（%2）」 (chineseCounting)."""
    return B.numbering({1: [B.level(0, "chineseCounting", "第%1条", suffix="space"),
                            B.level(1, "chineseCounting", "（%2）", suffix="nothing")]}, {1: 1})


# --------------------------------------------------------------------------- numbering


def test_number_formats():
    assert [format_number(n, "chineseCounting") for n in (1, 9, 10, 11, 19, 20, 21, 99, 100, 101, 110, 1000)] == \
        ["一", "九", "十", "十一", "十九", "二十", "二十一", "九十九", "一百", "一百零一", "一百一十", "一千"]
    assert format_number(123, "chineseCountingThousand") == "一百二十三"
    assert format_number(3, "ideographTraditional") == "丙"
    assert format_number(2, "ideographZodiac") == "丑"
    assert format_number(12, "chineseLegalSimplified") == "拾贰"
    assert format_number(105, "ideographDigital") == "一〇五"
    assert format_number(3, "decimalEnclosedCircleChinese") == "③"
    assert format_number(7, "decimal") == "7"
    assert format_number(4, "upperRoman") == "IV"
    assert format_number(28, "lowerLetter") == "bb"
    assert format_number(12, "decimalFullWidth") == "１２"


def test_automatic_article_labels_come_out_as_printed():
    body = (B.para(TITLE, center=True)
            + B.para("为了测试，制定本办法。", num=(1, 0))
            + B.para("本办法适用于示例市。", num=(1, 0))
            + B.para("下列事项应当办理：", num=(1, 0))
            + B.para("甲事项；", num=(1, 1))
            + B.para("乙事项。", num=(1, 1))
            + B.para("本办法自2024年1月1日起施行。", num=(1, 0)))
    lines = lines_of(B.docx_bytes(body, numbering_xml=articles_numbering()))
    assert lines == [TITLE, "第一条 为了测试，制定本办法。", "第二条 本办法适用于示例市。",
                     "第三条 下列事项应当办理：", "（一）甲事项；", "（二）乙事项。",
                     "第四条 本办法自2024年1月1日起施行。"]
    document = parse("\n".join(lines), DocumentMeta(title=TITLE))
    assert [m.label for m in document.measures] == ["第一条", "第二条", "第三条", "第四条"]


def test_levels_restart_under_a_new_parent_and_tab_suffix_by_default():
    numbering = B.numbering({5: [B.level(0, "chineseCounting", "%1、"),
                                 B.level(1, "chineseCounting", "（%2）", suffix="nothing"),
                                 B.level(2, "decimal", "%3.", suffix="nothing")]}, {7: 5})
    body = "".join([
        B.para("总体要求", num=(7, 0)), B.para("目标一", num=(7, 1)), B.para("细项", num=(7, 2)),
        B.para("细项", num=(7, 2)), B.para("目标二", num=(7, 1)), B.para("细项", num=(7, 2)),
        B.para("主要措施", num=(7, 0)), B.para("措施一", num=(7, 1)), B.para("细项", num=(7, 2)),
    ])
    assert lines_of(B.docx_bytes(body, numbering_xml=numbering)) == [
        "一、\t总体要求", "（一）目标一", "1.细项", "2.细项", "（二）目标二", "1.细项",
        "二、\t主要措施", "（一）措施一", "1.细项"]


def test_lvl_restart_zero_never_restarts_and_multi_level_text():
    numbering = B.numbering({2: [B.level(0, "chineseCounting", "第%1章", suffix="space"),
                                 B.level(1, "chineseCounting", "第%2条", suffix="space", restart=0),
                                 B.level(2, "decimal", "%1.%3", suffix="space", legal=True)]}, {3: 2})
    body = "".join([
        B.para("总则", num=(3, 0)), B.para("甲。", num=(3, 1)), B.para("乙。", num=(3, 1)),
        B.para("附则", num=(3, 0)), B.para("丙。", num=(3, 1)), B.para("细项", num=(3, 2)),
    ])
    assert lines_of(B.docx_bytes(body, numbering_xml=numbering)) == [
        "第一章 总则", "第一条 甲。", "第二条 乙。", "第二章 附则", "第三条 丙。", "2.1 细项"]


def test_start_override_restarts_a_list_that_shares_its_abstract_numbering():
    # two w:num over one abstractNum continue one list (as Word numbers them) unless the
    # second has a startOverride; numId 0 removes numbering from a paragraph
    numbering = B.numbering({1: [B.level(0, "decimal", "%1、", suffix="nothing")]},
                            {1: 1, 2: 1, 3: 1}, overrides={3: B.start_override(0, 5)})
    body = "".join([
        B.para("甲", num=(1, 0)), B.para("乙", num=(1, 0)), B.para("丙", num=(2, 0)),
        B.para("不编号", num=(0, 0)), B.para("丁", num=(3, 0)), B.para("戊", num=(3, 0)),
        B.para("己", num=(1, 0)),
    ])
    assert lines_of(B.docx_bytes(body, numbering_xml=numbering)) == [
        "1、甲", "2、乙", "3、丙", "不编号", "5、丁", "6、戊", "7、己"]


def test_start_value_and_ideograph_formats():
    numbering = B.numbering({1: [B.level(0, "ideographTraditional", "%1、", suffix="nothing", start=3),
                                 B.level(1, "decimalEnclosedCircle", "%2", suffix="nothing")]}, {1: 1})
    body = "".join([B.para("甲项", num=(1, 0)), B.para("细", num=(1, 1)), B.para("细", num=(1, 1)),
                    B.para("乙项", num=(1, 0))])
    assert lines_of(B.docx_bytes(body, numbering_xml=numbering)) == ["丙、甲项", "①细", "②细", "丁、乙项"]


def test_numbering_through_paragraph_styles_and_based_on():
    numbering = B.numbering({1: [B.level(0, "chineseCounting", "第%1条", suffix="space", style="Article")]}, {4: 1})
    style_xml = B.styles({"Article": (4, 0), "ArticleChild": None}, based_on={"ArticleChild": "Article"})
    body = B.para("甲。", style="Article") + B.para("乙。", style="ArticleChild") + B.para("正文。")
    assert lines_of(B.docx_bytes(body, numbering_xml=numbering, styles_xml=style_xml)) == [
        "第一条 甲。", "第二条 乙。", "正文。"]


def test_bullets_are_not_labels():
    numbering = B.numbering({1: [B.level(0, "bullet", "\u25cf")]}, {1: 1})
    assert lines_of(B.docx_bytes(B.para("要点", num=(1, 0)), numbering_xml=numbering)) == ["要点"]


# --------------------------------------------------------------------------- body content


def test_tracked_changes_accepted_with_a_note():
    body = (B.para("第一条 罚款", B.deleted("五百元"), B.ins("一千元"), "以下。")
            + B.para("第二条 已删除的段落", mark_deleted=True)
            + B.para("合并到此。"))
    text, notes = docx_to_text(B.docx_bytes(body))
    assert text.split("\n") == ["第一条 罚款一千元以下。", "第二条 已删除的段落合并到此。"]
    assert "五百元" not in text
    assert any("1 insertion(s) kept" in n and "2 deletion(s) dropped" in n for n in notes)


def test_tables_are_rows_of_cells_in_order():
    body = B.para("第九条 配租标准如下：") + B.table([["户型", "面积"], ["一居室", "40平方米"]]) + B.para("第十条 其他。")
    assert lines_of(B.docx_bytes(body)) == ["第九条 配租标准如下：", "户型\t面积", "一居室\t40平方米", "第十条 其他。"]


def test_a_one_column_table_frames_paragraphs():
    framed = ("<w:tbl><w:tblPr/><w:tr><w:tc>" + B.para(TITLE) + B.para("第一条 甲。") + B.para("第二条 乙。")
              + "</w:tc></w:tr><w:tr><w:tc>" + B.para("第三条 丙。") + "</w:tc></w:tr></w:tbl>")
    assert lines_of(B.docx_bytes(framed)) == [TITLE, "第一条 甲。", "第二条 乙。", "第三条 丙。"]


def test_footnotes_headers_footers_hidden_text_and_field_codes_are_not_body_text():
    body = (B.para("第一条 正文", B.footnote_ref(1), "继续。")
            + B.para("第二条 ", B.run("隐藏文字", hidden=True), "可见文字。")
            + B.para("第三条 见第", B.field("PAGEREF _Toc1 \\h", "3"), "页。"))
    data = B.docx_bytes(body, footnotes_xml=B.footnotes({1: "① 编者注：测试用虚构脚注。"}),
                        header_xml=B.header_footer("header", B.para("示例市人民政府（测试用页眉）")),
                        footer_xml=B.header_footer("footer", B.page_number_footer()))
    text, notes = docx_to_text(data)
    assert text.split("\n") == ["第一条 正文继续。", "第二条 可见文字。", "第三条 见第3页。"]
    assert "编者注" not in text and "页眉" not in text and "PAGEREF" not in text
    assert any("1 footnote(s)" in n for n in notes)
    assert any("hidden" in n for n in notes)


def test_soft_line_breaks_are_lines():
    body = '<w:p><w:r><w:t>示例市人民政府</w:t><w:br/><w:t>关于测试的通知</w:t></w:r></w:p>'
    assert lines_of(B.docx_bytes(body)) == ["示例市人民政府", "关于测试的通知"]


def test_text_boxes_are_read_once_not_from_the_compatibility_copy():
    box = ('<w:txbxContent><w:p><w:r><w:t>框内文字</w:t></w:r></w:p></w:txbxContent>')
    drawing = ('<w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
               f'<mc:Choice Requires="wps"><w:drawing>{box}</w:drawing></mc:Choice>'
               f'<mc:Fallback><w:pict>{box}</w:pict></mc:Fallback></mc:AlternateContent></w:r>')
    body = f'<w:p><w:r><w:t>正文</w:t></w:r>{drawing}</w:p>' + B.para("第二段")
    assert lines_of(B.docx_bytes(body)) == ["正文", "框内文字", "第二段"]


def test_simple_fields_print_their_result():
    body = '<w:p><w:r><w:t>见第</w:t></w:r><w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple><w:r><w:t>页</w:t></w:r></w:p>'
    assert lines_of(B.docx_bytes(body)) == ["见第3页"]


def test_strict_open_xml_is_read_like_transitional():
    data = B.docx_bytes(B.para(TITLE) + B.para("第一条 测试。"))
    strict = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as package, zipfile.ZipFile(strict, "w") as out:
        for item in package.infolist():
            out.writestr(item, package.read(item).replace(
                B.W_NS.encode(), b"http://purl.oclc.org/ooxml/wordprocessingml/main"))
    assert lines_of(strict.getvalue()) == [TITLE, "第一条 测试。"]


def test_a_password_protected_office_file_says_so():
    # an encrypted OOXML file is an OLE2 compound file holding an EncryptedPackage stream
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 64
    with pytest.raises(BadInputError, match="password-protected"):
        ingest(data, "notice.docx")


def with_chunk(body: str, name: str, data: bytes) -> bytes:
    """A DOCX whose body holds a w:altChunk pointing at the part word/<name>."""
    package_bytes = B.docx_bytes(body)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package_bytes)) as package, zipfile.ZipFile(out, "w") as target:
        for item in package.infolist():
            content = package.read(item)
            if item.filename == "word/_rels/document.xml.rels":
                content = content.replace(b"</Relationships>", (
                    f'<Relationship Id="rIdChunk" Type="{B.REL_BASE}/aFChunk" Target="{name}"/></Relationships>').encode())
            target.writestr(item, content)
        target.writestr(f"word/{name}", data)
    return out.getvalue()


def test_an_embedded_html_chunk_is_read_in_place():
    chunk = '<w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdChunk"/>'
    html = (f"<html><head><meta charset='gb2312'></head><body><p>{TITLE}</p><p>第一条　为了测试，制定本办法。</p>"
            "<p>第二条　本办法自2024年1月1日起施行。</p></body></html>").encode("gb2312")
    data = with_chunk(B.para("（网页导出）") + chunk + B.para("附件：无"), "chunk.htm", html)
    text, notes = docx_to_text(data)
    assert text.split("\n") == ["（网页导出）", TITLE, "第一条　为了测试，制定本办法。",
                                "第二条　本办法自2024年1月1日起施行。", "附件：无"]
    assert any("altChunk" in n for n in notes)
    # a chunk policydiff cannot read is refused, never silently left out
    rtf = with_chunk(chunk, "chunk.rtf", b"{\\rtf1 \\ansi test}")
    with pytest.raises(BadInputError, match="embeds a part in another format"):
        docx_to_text(rtf)


def test_damaged_packages_are_one_line_errors():
    data = B.docx_bytes(B.para("第一条 甲。"))
    with pytest.raises(BadInputError, match="damaged"):
        docx_to_text(data[: len(data) // 2])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("_rels/.rels", "<Relationships/>")
        package.writestr("word/document.xml", "<w:document xmlns:w='x'><broken")
    with pytest.raises(BadInputError, match="damaged") as caught:
        ingest(buffer.getvalue(), "broken.docx")
    assert "\n" not in str(caught.value)


# --------------------------------------------------------------------------- detection


def test_format_is_detected_from_the_bytes_not_the_name():
    docx = B.docx_bytes(B.para(TITLE) + B.para("第一条 测试。"))
    assert detect_format(docx) == "docx"
    for name in ("policy.txt", "policy.doc", "policy.html", None):
        ingested = ingest(docx, name)
        assert ingested.media_type == "docx" and ingested.file_format == "docx"
        assert ingested.text.split("\n") == [TITLE, "第一条 测试。"]
    assert source_extension("docx", "policy.doc") == "docx"
    assert source_extension("doc", "policy.wps") == "wps"
    assert source_extension("doc", "policy.bin") == "doc"
    assert source_extension("text", "page.htm") == "htm"
    assert detect_format("<html><body>第一条</body></html>".encode()) == "text"
    assert detect_format(b"\x89PNG\r\n\x1a\n....") == "image"


def test_a_web_archive_named_doc_is_read_as_its_page():
    from email.mime.multipart import MIMEMultipart
    from email.mime.text import MIMEText

    html = (f"<html><head><title>{TITLE}</title></head><body><p>{TITLE}</p>"
            "<p>第一条　为了测试，制定本办法。</p><p>第二条　本办法自2024年1月1日起施行。</p></body></html>")
    archive = MIMEMultipart("related")
    part = MIMEText(html, "html", "gb2312")  # Word writes the page in the legacy encoding
    archive.attach(part)
    data = archive.as_bytes()
    assert detect_format(data) == "mhtml"
    assert source_extension("mhtml", "notice.doc") == "mht"
    ingested = ingest(data, "notice.doc")
    assert ingested.media_type == "html" and ingested.file_format == "mhtml"
    assert ingested.text.split("\n")[1:] == ["第一条　为了测试，制定本办法。", "第二条　本办法自2024年1月1日起施行。"]
    assert ingested.meta.title == TITLE and ingested.meta.effective == "2024-01-01"


def test_word_xml_is_recognised():
    data = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<?mso-application progid="Word.Document"?>\n'
            '<w:wordDocument xmlns:w="http://schemas.microsoft.com/office/word/2003/wordml"/>').encode()
    assert detect_format(data) == "wordml" and source_extension("wordml", "x.doc") == "xml"
    with pytest.raises(BadInputError, match="libreoffice-writer"):
        ingest(data, "notice.doc")


def test_refused_kinds_say_what_to_do():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    with pytest.raises(BadInputError, match=r"OFD .*export it to PDF or \.docx"):
        ingest(buffer.getvalue(), "notice.ofd")
    with pytest.raises(BadInputError, match="image"):
        ingest(b"\xff\xd8\xff\xe0" + b"\0" * 100, "scan.jpg")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(BadInputError, match="Excel"):
        ingest(buffer.getvalue(), "table.xlsx")


def test_doc_without_a_converter_names_the_package_to_install():
    data = (REALDOCS / "js-gfwj-beian" / "document.doc").read_bytes()
    assert detect_format(data) == "doc"
    with pytest.raises(BadInputError, match="apt-get install libreoffice-writer"):
        ingest(data, "document.doc")


# --------------------------------------------------------------------------- real files


def _realdocs(fmt: str) -> list[dict]:
    manifest = json.loads((REALDOCS / "manifest.json").read_text(encoding="utf-8"))
    return [d for d in manifest["documents"] if d["format"] == fmt]


# Files whose count is wrong for a reason outside the format reader, each with the reason.
# strict: when the parser learns it, the test says so and the entry must go.
# (tj-jzz-xize was here: its 第二十八条 is run into 第二十七条's paragraph; ingest now starts a
# run-in article label on a line of its own, see clean.split_run_in_articles.)
KNOWN_MISCOUNTS: dict[str, str] = {}


@pytest.mark.parametrize("entry", [
    pytest.param(d, marks=pytest.mark.xfail(reason=KNOWN_MISCOUNTS[d["id"]], strict=True))
    if d["id"] in KNOWN_MISCOUNTS else d for d in _realdocs("docx")], ids=lambda d: d["id"])
def test_real_docx_measure_counts(entry):
    data = (REALDOCS / entry["id"] / entry["file"]).read_bytes()
    ingested = ingest(data, entry["file"])
    assert ingested.media_type == "docx"
    document = parse(ingested.text, ingested.meta)
    assert len(document.measures) == entry["expected"]["measures"]
