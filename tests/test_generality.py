"""Generality: page layouts met on real government sites outside /work/shared.

Each fixture in tests/fixtures/generality/ is FICTIONAL text (its title says 测试用虚构文本)
laid out like a real page that the pipeline once got wrong: the site chrome lines, the
numbering styles and the date formats are the real ones, the wording is invented. One test
per failure class; each names the layout it reproduces.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from policydiff.ingest import ingest
from policydiff.ingest.chrome import is_footer_marker, is_header_marker
from policydiff.ingest.clean import join_broken_titles
from policydiff.structure import parse

FIXTURES = Path(__file__).parent / "fixtures" / "generality"


def _load(name: str):
    data = (FIXTURES / name).read_bytes()
    ingested = ingest(data, name)
    return ingested, parse(ingested.text, ingested.meta)


def _roles(doc) -> dict[str, str]:
    return {b.level: b.text for b in doc.blocks if b.kind.value == "text"}


# ------------------------------------------------------------ titles joined too eagerly

def test_page_lines_and_annex_line_are_not_joined_into_titles():
    """A search box (「精确检索」「开始检索」) above a notice title that names its own issuer,
    and the lone 「附件」 line above the issued text, stay lines of their own."""
    ingested, doc = _load("notice-annex-page.txt")
    lines = ingested.text.split("\n")
    assert lines[:3] == ["精确检索", "开始检索",
                         "示例市科学技术局关于印发《示例市研发项目资助办法(测试用虚构文本)》的通知"]
    assert "附件" in lines and "示例市研发项目资助办法(测试用虚构文本)" in lines
    assert _roles(doc)["title"] == "示例市研发项目资助办法(测试用虚构文本)"  # not 「附件」
    assert [m.label for m in doc.measures] == ["第一条", "第二条", "第三条"]
    meta = ingested.meta
    assert meta.title == "示例市研发项目资助办法(测试用虚构文本)"
    assert meta.doc_no == "示科字〔2031〕7号" and meta.issued == "2031-12-30"
    assert meta.effective == "2032-01-01"
    assert [(r.title, r.doc_no) for r in meta.repeals] == [("示例市研发项目资助暂行办法", "示科字〔2026〕3号")]


@pytest.mark.parametrize("lines, expected", [
    # a bracketed remark closing a notice is not the start of the next title
    (["示例局", "2031年1月2日", "（此件公开发布）", "示例市资助办法（测试用虚构文本）", "第一条 为测试。"],
     ["示例局", "2031年1月2日", "（此件公开发布）", "示例市资助办法（测试用虚构文本）", "第一条 为测试。"]),
    # a page line with a colon is not a title piece
    (["下载地址: 点击此处下载", "示例市救助办法(测试用虚构文本)", "第一条 为测试。"],
     ["下载地址: 点击此处下载", "示例市救助办法(测试用虚构文本)", "第一条 为测试。"]),
    # stacked issuers above 「X关于…的通知」 are still joined
    (["示例市科学技术局", "示例市财政局关于印发《示例办法》的通知(测试用虚构文本)", "各单位："],
     ["示例市科学技术局示例市财政局关于印发《示例办法》的通知(测试用虚构文本)", "各单位："]),
    # 举措 is a kind of document: the title and its qualifier line are one title
    (["关于推动示例发展若干政策举措", "（2031年版）", "为测试，制定以下举措。"],
     ["关于推动示例发展若干政策举措（2031年版）", "为测试，制定以下举措。"]),
])
def test_title_pieces(lines, expected):
    assert join_broken_titles(lines) == expected


def test_title_under_a_letterhead_after_a_site_blurb():
    """A document site's blurb (prose) comes first; the letterhead 「…文件」 and the 文号
    line reopen the place where a broken title is joined, and give the title."""
    ingested, doc = _load("letterhead-notice.txt")
    assert "示例市人民政府办公厅关于加强示例工作的通知(测试用虚构文本)" in ingested.text.split("\n")
    assert ingested.meta.title == "示例市人民政府办公厅关于加强示例工作的通知(测试用虚构文本)"
    assert ingested.meta.doc_no == "示政办发〔2031〕24号"
    assert ingested.meta.issued == "2031-04-21"  # 二○三一年四月二十一日
    assert [m.label for m in doc.measures] == ["一、", "二、"]


# ------------------------------------------------------------ header chrome

@pytest.mark.parametrize("line", [
    "下载地址: 点击此处下载", "收藏本站| 设为首页| 首页", "热门站点| 示例资料网 | 示例论坛",
    "00000000MB00000000/2031-00144", "0000000000/2031-001005", "ABCD-2031-01005",
    "2031-03-01", "2031-03-01 09:28", "朗读", "主动公开",
])
def test_header_marker(line):
    assert is_header_marker(line)


@pytest.mark.parametrize("line", ["2031年3月1日", "示例开发区应急预案(测试用虚构文本)", "一、总则",
                                  "第一条 下载地址由示例局公布。"])
def test_not_a_header_marker(line):
    assert not is_header_marker(line)


def test_law_site_page_header_is_cut_and_the_notice_is_read():
    """A law-database page: site links, headline, 时间/来源/阅读 line, 下载地址 line; the
    notice is signed with a date only, written with letter O (「二OO八年六月四日」)."""
    ingested, doc = _load("law-site-page.txt")
    text = ingested.text
    for chrome in ("热门站点", "收藏本站", "下载地址", "阅读:8489"):
        assert chrome not in text, chrome
    meta = ingested.meta
    assert meta.title == "示例市救助暂行办法(测试用虚构文本)"
    assert meta.issued == "2008-06-04" and meta.effective == "2008-07-01"
    assert meta.doc_no == "示政发〔2008〕65号"
    roles = _roles(doc)
    assert roles["title"] == "示例市救助暂行办法(测试用虚构文本)"
    assert roles["notice"].split("\n")[-1].strip() == "二OO八年六月四日"
    assert [m.label for m in doc.measures] == ["第一条", "第二条", "第三条", "第四条"]
    assert [c.label for c in doc.containers] == ["第一章", "第二章"]


def test_disclosure_table_values_without_keys_are_chrome_and_the_title_is_kept():
    """A 信息公开 table whose keys were lost: 索引号 value, title, publisher, ISO date,
    公开方式, 朗读. The body has no title of the notice: the page headline (the title
    line, not the publisher line under it) is kept."""
    ingested, doc = _load("disclosure-table-page.txt")
    lines = ingested.text.split("\n")
    assert lines[0] == "关于印发《示例开发区应急预案(测试用虚构文本)》的通知"
    for chrome in ("00000000MB00000000/2031-00144", "2031-03-01", "主动公开", "朗读", "示例局示例开发区分局"):
        assert chrome not in lines, chrome
    assert ingested.meta.title == "示例开发区应急预案(测试用虚构文本)"
    assert [m.label for m in doc.measures] == ["(一)", "(二)", "(一)", "(二)"]
    assert [c.label for c in doc.containers] == ["一、", "二、"]


def test_page_fields_with_values_on_the_next_line():
    """「• 发文字号:」 with its value on the following line."""
    ingested, doc = _load("info-list-page.txt")
    assert ingested.text.split("\n")[0] == "示例县人民政府工作规则(测试用虚构文本)"
    assert "索引号" not in ingested.text and "返回顶部" not in ingested.text
    assert ingested.meta.doc_no == "示政发〔2031〕7号"
    assert ingested.meta.published == "2031-04-06"
    assert [m.label for m in doc.measures] == ["一、", "二、", "三、", "四、"]
    assert [c.label for c in doc.containers] == ["第一章", "第二章"]


def test_headline_decorated_with_the_doc_no_is_not_a_second_title():
    """「示政发〔2031〕20号《X》」 as page headline over a body whose title line is X."""
    ingested, doc = _load("decorated-headline-page.txt")
    assert ingested.text.split("\n")[0] == "示例省人民政府关于深化示例改革的实施意见(测试用虚构文本)"
    assert not any("headline" in note for note in ingested.notes)
    assert ingested.meta.issuers == ("示例省人民政府",)
    assert len(doc.measures) == 4


# ------------------------------------------------------------ footer chrome

@pytest.mark.parametrize("line", [
    "img#imgConac {", " height: 55px;", "}", "$('#share-1').share();",
    " .xxgk_xgxx a{ color:blue;}", "【相关信息】", "【部门解读】《示例办法》政策解读", "网站导航：", "登录",
])
def test_footer_marker(line):
    assert is_footer_marker(line)


@pytest.mark.parametrize("line", ["（此件公开发布）", "示例办法附件（示府办〔2031〕238号）.pdf",
                                  "第二条 本办法自印发之日起施行。", "联系人：示例"])
def test_not_a_footer_marker(line):
    assert not is_footer_marker(line)


def test_style_and_script_leftovers_end_the_body():
    """Share widget script, style sheet lines and related-document lists after the
    document: the footer starts after the attachment link, nothing of the body is lost."""
    ingested, doc = _load("code-tail-page.txt")
    assert ingested.text.split("\n") == [
        "示例办法(测试用虚构文本)",
        "第一条 为测试页脚,制定本办法。",
        "第二条 本办法自印发之日起施行。",
        "示例市人民政府办公室",
        "2031年8月6日",
        "（此件公开发布）",
        "示例办法附件（示府办〔2031〕238号）.pdf",
    ]
    assert ingested.meta.issued == "2031-08-06" and ingested.meta.effective == "2031-08-06"
    assert len(doc.measures) == 2


# ------------------------------------------------------------ every fixture

@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.txt")))
def test_fixture_is_fictional_lossless_and_deterministic(name):
    data = (FIXTURES / name).read_bytes()
    assert "测试用虚构文本" in data.decode("utf-8")
    first, second = ingest(data, name), ingest(data, name)
    assert first == second
    doc = parse(first.text, first.meta)
    assert "".join(b.raw for b in doc.blocks) == first.text
    # Every character of the clean text comes from the input (nothing invented).
    source = "".join(data.decode("utf-8").split())
    assert all(ch in source for ch in "".join(first.text.split()))


@pytest.mark.parametrize("text", ["示发〔2031〕1号", "示例市人民政府文件\n示发〔2031〕1号",
                                  "简介:测试。\n示发〔2031〕1号"])
def test_a_doc_no_as_the_last_line_is_no_title(text):
    """The letterhead title look-up must not look past the end (测试用虚构文本)."""
    ingested = ingest(text.encode("utf-8"))
    assert ingested.meta.doc_no == "示发〔2031〕1号"


# ------------------------------------------------------------ traditional script

def test_a_page_in_traditional_characters_reads_like_its_simplified_twin():
    """A site's 繁體 version: 發布時間/信息來源 page fields, a 號 文号, 關於 in a broken
    title, 同時廢止 — recognised through patterns.fold, every value kept as written."""
    ingested, doc = _load("traditional-script-page.txt")
    lines = ingested.text.split("\n")
    assert "ABCD-2031-01005" not in lines and not any("發布時間" in line for line in lines)
    assert "版權所有" not in ingested.text and "掃一掃" not in ingested.text
    assert "示例市人民政府辦公室關於印發《示例市促進消費若干措施(测试用虚构文本)》的通知" in lines
    meta = ingested.meta
    assert meta.title == "示例市促進消費若干措施(测试用虚构文本)"
    assert meta.doc_no == "示政辦發〔2031〕9號"
    assert meta.issuers == ("示例市人民政府辦公室",) and meta.issued == "2031-03-15"
    assert meta.published == "2031-03-15" and meta.effective == "2031-03-15"
    assert [(r.title, r.doc_no, r.verb) for r in meta.repeals] == [
        ("示例市促進消費暫行措施", "示政辦發〔2029〕3號", "廢止")]
    assert [m.label for m in doc.measures] == ["1.", "2.", "3."]
    assert [c.label for c in doc.containers] == ["一、", "二、"]
    assert _roles(doc)["closing"].startswith("本措施自印發之日起施行")


def test_traditional_article_labels_keep_their_script():
    doc = parse("示例條例(测试用虚构文本)\n第一章　總則\n第一條　為測試,制定本條例。\n第二條　本條例自公布之日起施行。")
    assert [(m.label, m.number) for m in doc.measures] == [("第一條", 1), ("第二條", 2)]
    assert [c.label for c in doc.containers] == ["第一章"]


def test_news_page_lead_in_opens_the_document():
    """A news item quoting a notice in full after 「文件详情如下:」: the title (and its
    (2031年版) line, a 举措 qualifier) is found although prose comes first."""
    ingested, doc = _load("news-lead-page.txt")
    assert "关于推动示例发展若干政策举措(测试用虚构文本)(2031年版)" in ingested.text.split("\n")
    meta = ingested.meta
    assert meta.title == "关于推动示例发展若干政策举措(测试用虚构文本)(2031年版)"
    assert meta.issuers == ("示例区人民政府",) and meta.issued == "2031-04-01"
    assert meta.effective == "2031-05-01"
    assert _roles(doc)["title"] == "关于推动示例发展若干政策举措(测试用虚构文本)(2031年版)"
    assert [m.label for m in doc.measures] == ["(一)", "(二)", "(三)", "(四)"]
    assert _roles(doc)["closing"].startswith("本政策举措自2031年5月1日起施行")


def test_order_number_line_and_department_signature():
    """An order headed 「…令第N号」 (its own number: doc_no and title); a notice signed by a
    ministry department (…司) under a date. 测试用虚构文本."""
    order = ("示例总局令第55号\n按照示例通知的要求(测试用虚构文本)，我局决定废止下列2件规章：\n"
             "一、《示例管理规定》\n二、《示例暂行规定》")
    meta = ingest(order.encode("utf-8")).meta
    assert meta.doc_no == "示例总局令第55号" and meta.title == "示例总局令第55号"
    cited = "示例办法(测试用虚构文本)\n第一条 根据示例总局令第55号，制定本办法。\n第二条 本办法自公布之日起施行。"
    assert ingest(cited.encode("utf-8")).meta.doc_no is None  # cited in a sentence: not its own
    notice = "各有关单位：\n请做好示例工作(测试用虚构文本)。\n示例部人事司\n2031年3月3日"
    meta = ingest(notice.encode("utf-8")).meta
    assert meta.issuers == ("示例部人事司",) and meta.issued == "2031-03-03"


def test_issuer_and_title_set_apart_on_one_line():
    """A column layout: search-box lines, 发布日期/发布机构 fields, then 「issuer      title」
    on one line over the articles. 测试用虚构文本."""
    page = ("示例区住房和城乡建设局\n搜索位置\n匹配度\n排序\n转发示例省示例厅示例燃气许可办法(测试用虚构文本)\n"
            "发布日期: 2031-10-08 发布机构: 示例区直属机构\n"
            "示例省示例厅                     示例燃气许可办法(测试用虚构文本)\n"
            "第一条  为测试燃气  许可,制定本办法。\n第二条  本办法自2031年11月1日起施行。\n")
    ingested = ingest(page.encode("utf-8"), "page.txt")
    assert ingested.text.split("\n")[0] == "示例省示例厅                     示例燃气许可办法(测试用虚构文本)"
    meta = ingested.meta
    assert meta.title == "示例燃气许可办法(测试用虚构文本)" and meta.issuers == ("示例省示例厅",)
    assert meta.published == "2031-10-08" and meta.effective == "2031-11-01"
    assert len(parse(ingested.text, meta).measures) == 2


@pytest.mark.parametrize("closing", [
    "本预案自印发之日起实施。",
    "本规划由示例局负责解释。",
    "本指南自2031年1月1日起施行,有效期3年。",
    "以上措施自2031年1月1日起施行,此前规定与本措施不一致的,以本措施为准。",
    "上述政策有效期至2033年12月31日。",
    "本政策举措自2031年5月1日起施行。",
])
def test_document_clause_after_the_last_item_is_closing(closing):
    """The clause that brings a whole policy into force is not part of its last item,
    whatever the kind of document (预案, 规划, 指南, 以上措施 ...). 测试用虚构文本."""
    text = ("示例工作方案(测试用虚构文本)\n一、总体要求\n(一)做好示例工作。\n(二)落实示例责任。\n"
            f"{closing}\n附件:示例清单")
    doc = parse(text)
    assert [m.text for m in doc.measures] == ["做好示例工作。", "落实示例责任。"]
    assert _roles(doc)["closing"] == f"{closing}\n附件:示例清单"


@pytest.mark.parametrize("sentence, expected", [
    ("经研究，决定废止《示例办法》（示发〔2030〕1号）和《示例细则》。",
     [("示例办法", "示发〔2030〕1号", "废止"), ("示例细则", None, "废止")]),
    ("本措施施行之日起，同时废止示发〔2030〕1号文件。", [(None, "示发〔2030〕1号", "废止")]),
    ("现决定停止执行《示例暂行办法》（示发〔2029〕9号）。", [("示例暂行办法", "示发〔2029〕9号", "停止执行")]),
    ("决定废止《示例办法》中关于补贴标准的规定。", []),  # a part of it: not a repeal of the document
    ("已经废止的《示例办法》不再适用。", []),
])
def test_repeal_with_the_verb_first(sentence, expected):
    """Decisions name the verb first (「决定废止《X》」); 测试用虚构文本."""
    meta = ingest(f"示例决定(测试用虚构文本)\n{sentence}".encode("utf-8")).meta
    assert [(r.title, r.doc_no, r.verb) for r in meta.repeals] == expected


def test_repealed_documents_listed_under_a_lead_line():
    """An order repealing a list of rules, one per numbered line (测试用虚构文本)."""
    text = ("示例总局令第55号\n按照示例通知的要求，我局决定废止下列2件示例规章：\n"
            "一、《示例管理规定》\n二、《示例暂行规定》（示发〔2001〕3号）\n本决定自公布之日起施行。")
    meta = ingest(text.encode("utf-8")).meta
    assert [(r.title, r.doc_no, r.verb, r.clause) for r in meta.repeals] == [
        ("示例管理规定", None, "废止", "按照示例通知的要求，我局决定废止下列2件示例规章："),
        ("示例暂行规定", "示发〔2001〕3号", "废止", "按照示例通知的要求，我局决定废止下列2件示例规章："),
    ]
    assert parse(text, meta).measures[1].text == "《示例暂行规定》（示发〔2001〕3号）"


# "(c)" is an item label, not a copyright sign, unless a year follows.
@pytest.mark.parametrize("line", ["(c) fee: the amount charged;", "Section 2. Terms: as defined below;",
                                  "fee: the amount charged;"])
def test_english_policy_lines_are_not_code(line):
    assert not is_footer_marker(line)
