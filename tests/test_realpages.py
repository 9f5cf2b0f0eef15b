"""Documents as published: real web pages and fictional layouts of the failure classes
seen on them (issue 10, "Real pages and headers").

The fixtures in tests/fixtures/generality/ are FICTIONAL text (titles say 测试用虚构文本)
laid out like the real pages and files that were read wrong: mastheads, left-hand
navigation, spaced metadata labels, orders (令) with their signatory, routing blocks and
page tools after the last measure. The real pages of ../shared/realdocs are read by path
and checked against the hand-checked values of its manifest.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policydiff.ingest import ingest
from policydiff.ingest import patterns as P
from policydiff.ingest.chrome import is_header_marker, is_page_tools
from policydiff.ingest.office import convert_to_docx
from policydiff.structure import parse

from .conftest import CORPUS, SHARED
from .test_formats_pdf import soffice  # noqa: F401  (fixture: soffice required in CI, else skip)

FIXTURES = Path(__file__).parent / "fixtures" / "generality"
REALDOCS = SHARED / "realdocs"


def _load(name: str):
    data = (FIXTURES / name).read_bytes()
    ingested = ingest(data, name)
    return ingested, parse(ingested.text, ingested.meta)


def _closing(doc) -> str:
    return "".join(b.raw for b in doc.blocks if b.kind.value == "text" and b.level == "closing")


# ------------------------------------------------------------ orders (令)

def test_order_page_title_number_signatory_date_and_routing_block():
    """An order on a site page: left-hand navigation links that end like titles (「水利规划」)
    above the headline, page tools (背景色/打印/推荐/关闭), 「示例市人民政府令第 9 号」, the
    promulgation sentence, 「市  长  某某某」 over the date; after the last article the
    报送/分送 block, the 印发 line and 来源/编辑 lines."""
    ingested, doc = _load("order-page.html")
    meta = ingested.meta
    assert meta.title == "示例市居住登记办法(测试用虚构文本)"
    assert meta.doc_no == "示例市人民政府令第9号"
    assert meta.issuers == ("示例市人民政府",)
    assert meta.issued == "2031-09-12" and meta.effective == "2031-11-01"
    for chrome in ("水利规划", "背景色", "推荐", "浏览次数"):
        assert chrome not in ingested.text, chrome
    assert [m.label for m in doc.measures] == ["第一条", "第二条", "第三条"]
    assert doc.measures[-1].text == "本办法自2031年11月1日起施行。"
    closing = _closing(doc)
    assert closing.startswith("报送：") and "印发" in closing and "分送" in closing


def test_order_over_two_lines_with_a_dated_header_and_repeals_by_order_number():
    """「示例市人民政府令」 over 「第5号」, 「市长 某某」 over a date in Chinese numerals; the
    header 「（2031年5月28日…令第5号公布）」 is not part of the title; the repeal clause names
    the repealed rules by their order numbers; the last article's heading stands alone
    (「第三条（施行日期）」) and its text stays in it."""
    ingested, doc = _load("order-text.txt")
    meta = ingested.meta
    assert meta.title == "示例市物业登记办法(测试用虚构文本)"
    assert meta.doc_no == "示例市人民政府令第5号"
    assert meta.issuers == ("示例市人民政府",) and meta.issued == "2031-05-28"
    assert meta.effective == "2031-07-01"
    assert [(r.title, r.doc_no) for r in meta.repeals] == [
        ("示例物业登记暂行规定", "示例市人民政府令第122号"), ("示例市物业登记规定", "示例市人民政府令第32号")]
    assert "（2031年5月28日示例市人民政府令第5号公布）" in ingested.text.split("\n")
    assert doc.measures[-1].text.startswith("（施行日期）\n") and "同时废止" in doc.measures[-1].text
    assert _closing(doc) == ""


@pytest.mark.parametrize("line, signatory", [
    ("市\u00a0 长\u00a0 某某某", True), ("总\u3000理\u3000\u3000某某某", True), ("市长：某某", True),
    ("中华人民共和国主席 某某某", True), ("本办法由市长负责解释。", False), ("示例市人民政府", False),
])
def test_signatory_line(line, signatory):
    assert P.is_signatory(line) is signatory


# ------------------------------------------------------------ labelled metadata

def test_spaced_labels_give_title_and_doc_no_and_end_matter_is_closing():
    """「文　　号：」「名　　称：」「索 引 号：」 with white space inside the labels; the body has
    no title line, the headline under the table is the title (not the 名称 row); after the
    last item: the 施行 sentence, the signature, 「（此件主动公开）」, the 印发 line and
    「[收藏] [打印] [关闭]」 are closing text."""
    ingested, doc = _load("spaced-labels-page.htm")
    meta = ingested.meta
    assert ingested.text.split("\n")[0] == "示例市人民政府关于调整示例登记政策的通知(测试用虚构文本)"
    assert meta.title == "示例市人民政府关于调整示例登记政策的通知(测试用虚构文本)"
    assert meta.doc_no == "示府〔2031〕36号"
    assert meta.issuers == ("示例市人民政府",) and meta.issued == "2031-02-13"
    assert "收藏" not in ingested.text
    assert not doc.measures[-1].text.endswith("以本通知为准。")
    assert "示例市人民政府办公厅2031年2月13日印发" in _closing(doc)


def test_bracketed_labels_of_a_legal_database():
    """【法规标题】【发布部门】【发文字号】【发布日期】【实施日期】 lines at the top: the title is
    the value, not the labelled line; the labels' dates are the document's own."""
    ingested, doc = _load("bracket-labels.txt")
    meta = ingested.meta
    assert meta.title == "示例市档案管理条例(测试用虚构文本)"
    assert meta.doc_no == "示例市人民代表大会常务委员会公告第12号"
    assert meta.issuers == ("示例市人民代表大会常务委员会",)
    assert meta.issued == "2031-06-20" and meta.effective == "2031-10-01"
    assert "【" not in ingested.text
    assert len(doc.measures) == 3


def test_govcn_metadata_table():
    """gov.cn's table (索  引  号 / 发文机关 / 成文日期 / 标　　题 / 发文字号 / 发布日期, labels
    spread with white space) over a body without a title line; the signature and
    「（此件公开发布）」 are closing text; 「【我要打印】 【关闭窗口】」 is chrome."""
    ingested, doc = _load("govcn-table.html")
    meta = ingested.meta
    assert meta.title == "示例院关于加强示例管理工作的通知(测试用虚构文本)"
    assert meta.doc_no == "示发〔2031〕1号" and meta.issuers == ("示例院",)
    assert meta.issued == "2031-01-04" and meta.effective == "2031-01-04"
    assert meta.published == "2031-01-08"
    assert [m.text for m in doc.measures] == ["提高认识。各地区要高度重视示例管理工作。", "落实责任。各部门要按照职责分工抓好落实。"]
    assert _closing(doc).rstrip().endswith("（此件公开发布）")


def test_province_order_number_is_the_doc_no_also_in_a_repeal_clause():
    """「省政府令第203号」 under the title is the rule's 文号 (the order names no place, so no
    issuer is read from it); the repeal clause names the old rule by 「（省政府令第120号）」."""
    meta = _load("province-order.txt")[0].meta
    assert meta.title == "示例省城镇住房保障办法(测试用虚构文本)"
    assert meta.doc_no == "省政府令第203号" and meta.issuers == ()
    assert meta.issued == "2031-05-20" and meta.effective == "2031-07-01"
    assert [(r.title, r.doc_no) for r in meta.repeals] == [("示例省城镇住房保障暂行办法", "省政府令第120号")]


def test_unnumbered_closing_paragraphs_after_the_last_article():
    """After a last article that is not itself a document-level clause, the 施行 sentence
    and a repeal sentence standing as paragraphs of their own are closing text."""
    ingested, doc = _load("closing-paragraphs.txt")
    assert doc.measures[-1].text == "市住房局负责人才公寓的日常管理。"
    assert _closing(doc).startswith("本办法自2031年12月1日起施行。")
    assert [(r.title, r.doc_no) for r in ingested.meta.repeals] == [("示例市人才公寓暂行办法", None)]


def test_editors_footnote_is_not_article_text():
    """「① 本条例、历次…的施行日期分别为：…」 after the last article, with its mark 「①」 at the
    end of the header line: a note, not part of 第三条; the consolidated text's effective
    date is unknown, and a note says why."""
    ingested, doc = _load("law-footnote.txt")
    assert doc.measures[-1].text == "本条例自2001年10月1日起施行。"
    assert _closing(doc).startswith("① 本条例")
    assert ingested.meta.issued == "2030-12-29" and ingested.meta.effective is None
    assert any(note.startswith("effective date unknown: a consolidated text") for note in ingested.notes)


def test_a_circled_list_item_is_not_a_footnote():
    text = "示例办法(测试用虚构文本)\n第一条 为了测试。\n第二条 下列情形除外：\n① 甲情形；\n② 乙情形。\n"
    doc = parse(ingest(text.encode("utf-8"), "rule.txt").text)
    assert doc.measures[-1].text.endswith("② 乙情形。")


# ------------------------------------------------------------ titles

def test_news_headlines_above_the_title_are_chrome():
    """A 热点关注： list of news headlines and a 今天是： line above the breadcrumb: the title
    is the line under the breadcrumb, not a headline of the list."""
    ingested, doc = _load("news-list-page.txt")
    assert ingested.meta.title == "示例经济特区社会保险条例(测试用虚构文本)"
    assert "热点关注" not in ingested.text and "温馨提示" not in ingested.text
    assert [(r.title, r.doc_no) for r in ingested.meta.repeals] == [("示例经济特区旧保险条例", None)]
    assert len(doc.measures) == 3


def test_masthead_is_not_a_title_and_the_handed_on_text_is():
    """A letterhead 「示例市人民政府文件」 with unfilled template fields (文号, title, date): the
    title is the text the notice hands on (「现将《X》印发给你们」, X on its own line); the
    issuer is read over a date that cannot be read, the date stays unknown; 公开方式/抄送/
    印发 lines are closing text."""
    ingested, doc = _load("masthead-notice.txt")
    meta = ingested.meta
    assert meta.title == "示例市医疗补助试行办法(测试用虚构文本)"
    assert meta.doc_no is None and meta.issued is None
    assert meta.issuers == ("示例市人民政府",)
    assert doc.measures[-1].text == "本办法自2032年1月1日起实施，有效期至2032年12月31日。"
    assert _closing(doc).startswith("公开方式：")


def test_doc_no_file_line_is_not_a_title_and_the_signature_is_closing():
    ingested, doc = _load("docno-file-line.txt")
    assert ingested.meta.title == "示例市人民政府关于示例港区管理的通知(测试用虚构文本)"
    assert ingested.meta.issued == "2031-09-01"
    assert [m.text for m in doc.measures] == ["加强管理。", "落实责任。"]
    assert _closing(doc).endswith("（全文结束）")


def test_a_long_left_hand_menu_is_page_chrome():
    """Fifty-six menu links (「发展规划」「年度计划」 end like titles) above the breadcrumb: the
    whole run is the page header, the headline under the breadcrumb is the title."""
    ingested, doc = _load("long-menu-page.txt")
    assert ingested.meta.title == "示例市保障房轮候管理规定(测试用虚构文本)"
    assert "年度计划" not in ingested.text and ingested.meta.published == "2031-05-06"
    assert len(doc.measures) == 3


def test_letter_spaced_title():
    text = "示 例 市 停 车 管 理 办 法\n第一条 为了测试。\n第二条 本办法自2031年1月1日起施行。\n"
    assert ingest(text.encode("utf-8"), "rule.txt").meta.title == "示例市停车管理办法"


def test_a_labelled_line_is_not_an_issuer_line():
    """「责任单位：示例局」 above a date is not a signature."""
    assert not P.is_org_line("责任单位：示例局") and P.is_org_line("示例局、示例厅")


def test_page_title_element_is_the_last_resort():
    """A page whose body has no title line and no page headline or metadata block: the
    <title>, without the site's name after 「_」, is the title."""
    ingested, doc = _load("title-element-only.html")
    assert ingested.meta.title == "示例市停车场收费管理规定(测试用虚构文本)"
    assert len(doc.measures) == 3


@pytest.mark.parametrize("line", ["示例市人民政府文件", "示 例 市 人 民 政 府 办 公 室 文 件"])
def test_masthead(line):
    assert P.is_masthead(line)


@pytest.mark.parametrize("line, end", [
    ("— 11 —", True), ("－ 5 －", True), ("- 3 -", True), ("第 3 页 共 9 页", True),
    ("抄送：示例局。", True), ("（此件公开发布）", True), ("（全文结束）", True),
    ("示例市人民政府办公厅 2031年9月13日印发", True),
    ("2031", False), ("第三条 本办法自印发之日起施行。", False), ("（一）加强管理；", False),
])
def test_end_matter_line(line, end):
    assert P.is_end_matter(line) is end


@pytest.mark.parametrize("line", ["打印 关闭", "[收藏] [打印] [关闭]", "【打印本页】【关闭窗口】"])
def test_page_tools(line):
    assert is_page_tools(line) and is_header_marker(line)


# ------------------------------------------------------------ law headers and 施行 clauses

def test_a_long_law_header_is_read_to_its_end():
    """Sixteen dated header lines, one of them broken inside 《》 so that its second line
    starts like an article (「第三十一条的决定》修正」): the version date is the last
    修正 line; the body's 施行 clause is the original enactment's (a consolidated text), so
    the effective date is unknown, not 2007."""
    ingested, doc = _load("law-long-header.md")
    meta = ingested.meta
    assert meta.issued == "2030-12-29"
    assert meta.effective is None and meta.effective_clause is None
    assert [m.label for m in doc.measures] == ["第一条", "第二条", "第三条"]


def test_header_lines_after_a_promulgation_notice_and_clauses_about_other_documents():
    """A 公告 with its sentence and signature above the header lines 「…通过」「2032年2月4日
    施行」: both are read; 「《示例旧大气条例》自2019年1月1日起施行以来」 speaks of another
    document and is not this one's 施行 clause."""
    meta = _load("order-law-header.md")[0].meta
    assert meta.title == "示例大气保护条例(测试用虚构文本)"
    assert meta.doc_no == "示例省人民代表大会常务委员会公告第十二号"  # 「…公告」 over 「第 十二 号」
    assert meta.issued == "2031-12-18" and meta.effective == "2032-02-04"
    assert meta.issuers == ("示例省人民代表大会常务委员会",)


def test_effective_clause_without_zi_and_another_documents_clause():
    meta = _load("effective-clauses.txt")[0].meta
    assert meta.effective == "2031-10-30"
    assert meta.effective_clause == "本细则2031年10月30日起施行"


def test_effective_without_the_year_and_parenthesised_ideograph_items():
    """「本通知自3月1日起执行」 under a notice signed 2031年2月13日: 2031-03-01; ㈠㈡ items
    are （一）（二）, the measures under 一、/二、."""
    ingested, doc = _load("spaced-labels-page.htm")
    assert ingested.meta.effective == "2031-03-01"
    assert [(doc.path(m), m.label) for m in doc.measures] == [
        (("一、",), "㈠"), (("一、",), "㈡"), (("二、",), "㈠"), (("二、",), "㈡")]


@pytest.mark.parametrize("when, issued, effective", [
    ("3月1日", "2031-02-13", "2031-03-01"), ("1月1日", "2031-02-13", None), ("3月1日", None, None),
])
def test_month_and_day_take_the_year_of_issue_only_forward(when, issued, effective):
    from policydiff.ingest.meta import _month_day_in_year_of
    assert _month_day_in_year_of(when, issued) == effective


def test_an_article_run_into_the_paragraph_before_it_gets_its_own_line():
    """「…申请行政复议。第三条本细则自公布之日起实施。」 in one paragraph (a lost paragraph mark):
    第三条 starts its own line; a cross-reference after a full stop does not."""
    text = ("示例市居住登记实施细则(测试用虚构文本)\n第一条 为了测试，制定本细则。\n"
            "第二条 当事人可以依法申请行政复议。第三条本细则自公布之日起实施。\n")
    ingested = ingest(text.encode("utf-8"), "rule.txt")
    doc = parse(ingested.text, ingested.meta)
    assert [m.label for m in doc.measures] == ["第一条", "第二条", "第三条"]
    assert doc.measures[-1].text == "本细则自公布之日起实施。"
    kept = "第一条 示例。\n第二条 示例。第一条规定的情形除外。\n第三条 示例。"
    assert ingest(kept.encode("utf-8"), "rule.txt").text == kept


# ------------------------------------------------------------ Markdown

def test_markdown_with_bold_labels():
    """A page converted to Markdown with labels, title and signature in bold
    (「**第一条**　…」「**示例市人民政府**」): labels, title, issuer and dates are read."""
    ingested, doc = _load("bold-labels.md")
    meta = ingested.meta
    assert "**" not in ingested.text
    assert meta.title == "示例市停车管理办法(测试用虚构文本)"
    assert meta.doc_no == "示府〔2031〕12号" and meta.issuers == ("示例市人民政府",)
    assert meta.issued == "2031-03-02" and meta.effective == "2031-04-01"
    assert [m.label for m in doc.measures] == ["第一条", "第二条", "第三条"]


def test_bold_labels_in_a_txt_file_are_markdown():
    data = (FIXTURES / "bold-labels.md").read_bytes()
    assert ingest(data, "page.txt").text == ingest(data, "page.md").text


def test_a_txt_copy_of_a_corpus_markdown_file_compares_unchanged(tmp_path):
    """Markdown headings in a .txt file are structure: a .txt copy of a corpus version
    reads as the original, and the two compare all unchanged."""
    from policydiff import api

    original = CORPUS / "law-567cfbdc" / "2017-11-04.md"
    data = original.read_bytes()
    as_md, as_txt = ingest(data, original.name), ingest(data, "copy.txt")
    assert as_txt.text == as_md.text and as_txt.meta == as_md.meta
    copy = tmp_path / "copy.txt"
    copy.write_bytes(data)
    comparison = api.compare_refs(None, str(original), str(copy))
    assert {change.kind.value for change in comparison.changes} == {"unchanged"}
    assert not comparison.document_changes


# ------------------------------------------------------------ real pages, by path

def _realdocs(formats: tuple[str, ...]) -> list[dict]:
    manifest = json.loads((REALDOCS / "manifest.json").read_text(encoding="utf-8"))
    return [d for d in manifest["documents"] if d["format"] in formats]


def _read(entry: dict):
    path = REALDOCS / entry["id"] / entry["file"]
    ingested = ingest(path.read_bytes(), path.name, convert=convert_to_docx)
    return ingested, parse(ingested.text, ingested.meta)


def _check_fields(entry: dict, ingested, doc) -> None:
    meta, expected = ingested.meta, entry["expected"]
    assert meta.title in [expected["title"], *expected.get("title_alt", [])]
    assert meta.doc_no == expected["doc_no"]
    assert list(meta.issuers) == (expected["issuers"] or [])
    assert meta.issued == expected["issued"]
    assert sorted((r.title, r.doc_no) for r in meta.repeals) == sorted(
        (r["title"], r["doc_no"]) for r in expected["repeals"])
    last = doc.measures[-1].text.split("\n")
    assert not any(P.is_end_matter(line) or P.is_date_only(P.bare(line)) or is_page_tools(line)
                   for line in last), last[-3:]
    assert meta.effective == expected["effective"]
    assert len(doc.measures) == expected["measures"]


@pytest.mark.parametrize("entry", _realdocs(("html", "htm")), ids=lambda d: d["id"])
def test_real_page_reads_as_checked_by_hand(entry):
    """Every field of every saved government page of ../shared/realdocs, as its manifest
    says (title or an accepted alternative, 文号, issuers, dates, repeals, measure count),
    and the last measure holds none of the end matter."""
    _check_fields(entry, *_read(entry))


@pytest.mark.parametrize("entry", _realdocs(("docx", "pdf")), ids=lambda d: d["id"])
def test_real_word_and_pdf_file_reads_as_checked_by_hand(entry):
    _check_fields(entry, *_read(entry))


@pytest.mark.parametrize("entry", _realdocs(("doc",)), ids=lambda d: d["id"])
def test_real_doc_file_reads_as_checked_by_hand(entry, soffice):
    _check_fields(entry, *_read(entry))




def test_related_headlines_after_the_last_article_are_closing_text():
    """A site's list of related headlines (no label) after the last article: not article
    text. A list of repealed documents that the article leads in with a colon stays."""
    text = ("示例市停车管理办法(测试用虚构文本)\n第一条 为了测试。\n第二条 本办法自2031年1月1日起施行。\n"
            "示例市关于做好2031年停车工作的通知\n示例市停车收费管理办法\n")
    doc = parse(ingest(text.encode("utf-8"), "page.txt").text)
    assert doc.measures[-1].text == "本办法自2031年1月1日起施行。"
    assert _closing(doc).startswith("示例市关于做好2031年停车工作的通知")
    kept = ("示例市停车管理办法(测试用虚构文本)\n第一条 为了测试。\n第二条 下列文件同时废止：\n"
            "示例市停车暂行办法\n示例市停车收费暂行规定\n")
    assert parse(ingest(kept.encode("utf-8"), "rule.txt").text).measures[-1].text.endswith("示例市停车收费暂行规定")


@pytest.mark.parametrize("header, doc_no, issued, effective, clause", [
    ("（2029年12月26日示例代表大会常务委员会第十一次会议通过　2029年12月26日示例省人民代表大会常务委员会"
     "公告第二十二号公布　自2030年3月1日起施行）", "示例省人民代表大会常务委员会公告第二十二号", "2029-12-26",
     "2030-03-01", "自2030年3月1日起施行"),
    ("（1989年12月26日第七届示例代表大会常务委员会第十一次会议通过　1989年12月26日中华人民共和国主席令"
     "第二十二号公布　自公布之日起施行）", "中华人民共和国主席令第二十二号", "1989-12-26", "1989-12-26",
     "本条例自公布之日起施行"),
])
def test_one_line_header_with_several_events(header, doc_no, issued, effective, clause):
    """An old-style bracketed header holding adoption, promulgation (with the order number)
    and commencement on one line."""
    text = f"示例条例(测试用虚构文本)\n{header}\n第一条　为了测试。\n第二条　本条例自公布之日起施行。\n"
    meta = ingest(text.encode("utf-8"), "law.txt").meta
    assert (meta.doc_no, meta.issued, meta.effective, meta.effective_clause) == (doc_no, issued, effective, clause)


def test_editors_footnote_inside_the_text_is_a_note_block(tmp_path):
    """「① 本条原为第二条…」 right after the article that carries the mark: a ``note`` TEXT
    block between 第一条 and 第二条 (not text of 第一条); the body survives the archive's
    Markdown both ways, and a changed note is reported as a document-level change."""
    from policydiff import api
    from policydiff.mdbody import from_markdown, to_markdown

    ingested, doc = _load("law-footnote-inline.txt")
    assert doc.measures[0].text == "为了测试编者注的读取，制定本条例。①"
    notes = [b for b in doc.blocks if b.kind.value == "text" and b.level == "note"]
    assert [b.raw for b in notes] == ["① 本条原为第二条，2030年修正时调整。\n"] and notes[0].parent is None
    assert "".join(b.raw for b in doc.blocks) == doc.text
    assert from_markdown(to_markdown(doc), doc.meta).blocks == doc.blocks
    old = FIXTURES / "law-footnote-inline.txt"
    new = tmp_path / "new.txt"
    new.write_text(old.read_text(encoding="utf-8").replace("2030年修正时调整", "2031年修正时调整"), encoding="utf-8")
    comparison = api.compare_refs(None, str(old), str(new))
    assert {c.kind.value for c in comparison.changes} == {"unchanged"}
    assert [fc.field for fc in comparison.document_changes] == ["editor_notes"]


def test_bracketed_page_fields_on_one_line_are_header_chrome():
    """「【发布时间：2031-01-08】 【来源：…】 【字号：大 中 小】」 under the headline: page data."""
    text = ("首页 > 政策法规 > 规范性文件\n示例市停车管理办法(测试用虚构文本)\n"
            "【发布时间：2031-01-08】 【来源：示例市交通局】 【字号：大 中 小】\n"
            "第一条 为了测试。\n第二条 本办法自2031年2月1日起施行。\n")
    ingested = ingest(text.encode("utf-8"), "page.txt")
    assert ingested.text.split("\n")[0] == "示例市停车管理办法(测试用虚构文本)"
    assert "【" not in ingested.text and ingested.meta.published == "2031-01-08"
