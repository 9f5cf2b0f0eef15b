"""Ingestion: bytes -> CLEAN TEXT + metadata (policydiff.ingest).

Fixture documents written here are fictional and say so in their titles (测试用虚构文本).
The seed and the corpus are used by path (tests/conftest.py).
"""

from __future__ import annotations

import codecs
import doctest
import importlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from policydiff.errors import BadInputError
from policydiff.ingest import (
    Ingested, decode, extract_metadata, extract_repeals, ingest, parse_cn_date,
)
from policydiff.ingest.clean import ZERO_WIDTH
from policydiff.model import DocumentMeta, Repeal
from tests.conftest import CORPUS, SEED

NOTICE_TITLE = ("北京市科学技术委员会、中关村科技园区管理委员会印发《关于推动中关村加快建设"
                "世界领先科技园区的若干政策措施》的通知")
MEASURES_TITLE = "关于推动中关村加快建设世界领先科技园区的若干政策措施"
REPEAL_SENTENCE = "原《关于推动中关村加快建设世界领先科技园区的若干政策措施》(京科发〔2022〕4号)同时废止。"


def assert_clean(text: str) -> None:
    """The CLEAN TEXT invariants (policydiff.ingest docstring)."""
    assert text == text.strip("\n")
    assert "\r" not in text
    assert not any(ch in text for ch in ZERO_WIDTH)
    for line in text.split("\n"):
        assert line.strip(), "blank line"
        assert line == line.rstrip(), f"trailing white space: {line!r}"


@pytest.fixture(scope="module")
def seed() -> Ingested:
    return ingest(SEED.read_bytes(), SEED.name)


# ---------------------------------------------------------------- the seed

def test_seed_clean_text_has_no_chrome(seed):
    assert_clean(seed.text)
    lines = seed.text.split("\n")
    assert lines[0] == NOTICE_TITLE
    assert MEASURES_TITLE in lines
    assert lines[-1].endswith(REPEAL_SENTENCE)
    assert lines[-1] == "本措施自印发之日起施行,由市科委中关村管委会负责解释。" + REPEAL_SENTENCE
    for chrome in ("•", "产业资讯", "详情页", "若干措施发布", "发布时间", "一图读懂", "服务热线",
                   "电子邮箱", "@", "联系地址", "未来科学城", "微信", "小程序", "APP",
                   "Copyright", "版权所有"):
        assert chrome not in seed.text, chrome
    assert seed.encoding == "utf-8" and seed.media_type == "text"


def test_seed_keeps_every_body_line_verbatim(seed):
    """Nothing but chrome is dropped and only the two titles are joined."""
    source_lines = [line.rstrip() for line in SEED.read_text(encoding="utf-8").split("\n")]
    source_lines = [line for line in source_lines if line]
    body = source_lines[source_lines.index("各有关单位:"):source_lines.index("一图读懂")]
    clean = seed.text.split("\n")
    for line in body:
        assert line in clean or line in NOTICE_TITLE or line in MEASURES_TITLE, line
    # the joined notice title is added; the two measures-title pieces become one line
    assert len(clean) == len(body) + 1 - 1


def test_seed_metadata(seed):
    assert seed.meta == DocumentMeta(
        title=MEASURES_TITLE,
        doc_no=None,
        issuers=("北京市科学技术委员会", "中关村科技园区管理委员会"),
        issued="2024-10-09",
        effective="2024-10-09",
        published="2024-10-18",
        effective_clause="本措施自印发之日起施行",
        repeals=(Repeal(title=MEASURES_TITLE, doc_no="京科发〔2022〕4号", clause=REPEAL_SENTENCE,
                        verb="废止"),),
    )


def test_extract_metadata_on_clean_text_matches_ingest(seed):
    meta = extract_metadata(seed.text)
    assert meta.title == MEASURES_TITLE and meta.issued == "2024-10-09"
    assert meta.published is None  # the 发布时间 line is chrome: only ingest() sees it


def test_seed_is_deterministic(seed):
    again = ingest(SEED.read_bytes(), SEED.name)
    assert again == seed


# ---------------------------------------------------------------- encodings

def test_seed_in_gb18030_round_trips(seed):
    data = SEED.read_text(encoding="utf-8").encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        SEED.read_text(encoding="utf-8").encode("gbk")  # • and © are not in GBK
    result = ingest(data, "page.txt")
    assert result.encoding == "gb18030"
    assert result.text == seed.text and result.meta == seed.meta


def test_gbk_bytes_decode_as_gb18030(seed):
    text = SEED.read_text(encoding="utf-8").replace("•", "-").replace("©", "(C)")
    result = ingest(text.encode("gbk"), "page.txt")
    assert result.encoding == "gb18030"
    assert result.text == seed.text


SHORT_SIMPLIFIED = [
    "示例市促进创新若干措施(测试用虚构文本)",
    "第一条 为了测试。",
    "本办法自2025年1月1日起施行。",
    "测试文本",
    "示例",
]
SHORT_TRADITIONAL = [
    "示例市促進創新若干措施（測試用虛構文本）",
    "第一條 為促進創新，制定本措施。",
    "臺灣省示例條例",
    "條例",
]


@pytest.mark.parametrize("text", SHORT_SIMPLIFIED + SHORT_TRADITIONAL)
def test_short_gbk_text_decodes(text):
    assert decode(text.encode("gb18030")) == (text, "gb18030")


@pytest.mark.parametrize("text", SHORT_TRADITIONAL + ["示例"])
def test_short_big5_text_decodes(text):
    decoded, name = decode(text.encode("big5"))
    assert decoded == text and name == "big5"


def test_big5_document():
    text = ("示例市促進創新若干措施（測試用虛構文本）\n\n第一條 為促進本市創新發展，制定本措施。\n"
            "第二條 本措施自2025年1月1日起施行。《示例市舊措施》（示發〔2020〕1號）同時廢止。\n")
    result = ingest(text.encode("big5"), "big5.txt")
    assert result.encoding == "big5"
    assert result.text.split("\n")[0] == "示例市促進創新若干措施（測試用虛構文本）"
    assert result.meta.effective == "2025-01-01"


@pytest.mark.parametrize("bom, codec", [
    (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be"),
])
def test_utf16_with_bom(seed, bom, codec):
    data = bom + SEED.read_text(encoding="utf-8").encode(codec)
    result = ingest(data, "page.txt")
    assert result.encoding == "utf-16"
    assert result.text == seed.text


def test_utf8_with_bom(seed):
    result = ingest(codecs.BOM_UTF8 + SEED.read_bytes(), "page.txt")
    assert result.encoding == "utf-8-sig"
    assert result.text == seed.text and "\ufeff" not in result.text


def test_encoding_override():
    data = "示例办法(测试用虚构文本)".encode("gbk")
    assert decode(data, "gbk") == ("示例办法(测试用虚构文本)", "gb18030")
    assert decode(data, "GB2312") == ("示例办法(测试用虚构文本)", "gb18030")
    assert ingest(data, encoding="gb18030").text == "示例办法(测试用虚构文本)"


def test_wrong_encoding_override_is_refused_with_a_hint():
    data = "示例办法(测试用虚构文本)第一条 为测试,制定本办法。".encode("gbk")
    with pytest.raises(BadInputError) as error:
        ingest(data, encoding="utf-8")
    message = str(error.value)
    assert "not valid utf-8" in message and "try --encoding gb18030" in message
    assert "\n" not in message


def test_damaged_utf8_is_refused_not_misread():
    data = SEED.read_bytes()
    cut = data.index(b"\n", 900) + 1  # a character boundary
    damaged = data[:cut] + b"\xff" + data[cut:]
    with pytest.raises(BadInputError, match=rf"UTF-8 except for 1 invalid byte.*offset {cut}\)"):
        ingest(damaged, "page.txt")


def test_unknown_encoding_name_is_refused():
    with pytest.raises(BadInputError, match="unknown encoding"):
        decode(b"abc", "no-such-codec")


def test_undetectable_bytes_fall_back_or_refuse():
    # Latin-1 prose is not plausible Chinese: detection must not call it GB18030.
    text, name = decode("Décret d'exécution numéro un, déjà appliqué à Genève.".encode("latin-1"))
    assert name not in ("gb18030", "big5") and "exécution" in text


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n", "\u3000\n\u200b\n".encode("utf-8"),
                                  codecs.BOM_UTF8, "  \n".encode("utf-16")])
def test_empty_or_blank_input_is_refused(data):
    with pytest.raises(BadInputError) as error:
        ingest(data, "empty.txt")
    assert "\n" not in str(error.value)


@pytest.mark.parametrize("data, words", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
    (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00\x00", "DOC"),
    (b"abc\x00def\x00ghi", "NUL"),
    (bytes(range(1, 9)) * 20 + b"text", "control"),
])
def test_binary_input_is_refused(data, words):
    with pytest.raises(BadInputError) as error:
        ingest(data, "file.txt")
    message = str(error.value)
    assert words in message and "\n" not in message


def test_binary_input_is_refused_even_with_an_encoding():
    with pytest.raises(BadInputError, match="PDF"):
        ingest(b"%PDF-1.7\n1 0 obj", "file.txt", encoding="latin-1")


def test_messages_name_the_file():
    with pytest.raises(BadInputError, match=r"^notes/empty\.txt is empty"):
        ingest(b"", "notes/empty.txt")
    # a PDF is read (policydiff.ingest.pdf), whatever the extension; a broken one says so
    with pytest.raises(BadInputError, match=r"^scan\.txt is not a readable PDF"):
        ingest(b"%PDF-1.4", "scan.txt")
    with pytest.raises(BadInputError, match=r"^old\.txt is not valid utf-8"):
        ingest("示例".encode("gbk") * 3, "old.txt", encoding="utf-8")


def test_html_without_text_is_refused():
    with pytest.raises(BadInputError, match="no text"):
        ingest(b"<html><body><script>var a = 1;</script></body></html>", "x.html")


# ---------------------------------------------------------------- HTML

HTML_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>示例网站</title>
<style>p { color: red }</style><script>var tracker = "第一条 不是正文。";</script></head>
<body>
<header><div class="logo">示例市人民政府门户网站</div></header>
<nav><a href="/">首页</a> &gt; <a href="/zc">政策文件</a></nav>
<div class="crumb">当前位置：首页 &gt; 政策文件 &gt; 正文</div>
<div class="info">发布时间：2025-03-02　来源：示例市科技局　浏览次数：1024</div>
<div class="font">【字号 大 中 小】</div>
<div class="content">
  <p>示例市科技局关于印发《示例市促进创新若干措施</p>
  <p>(测试用虚构文本)》的通知</p>
  <p>示科发〔2025〕7号</p>
  <p>各有关单位：</p>
  <p>　　现将《示例市促进创新若干措施(测试用虚构文本)》印发给你们，请认真贯彻执行。</p>
  <p>示例市科技局</p>
  <p>2025年3月1日</p>
  <h2>示例市促进创新若干措施(测试用虚构文本)</h2>
  <p>1.支持<b>企业</b>研发。联系地址：示例市示例路1号。</p>
  <p>2.推广微信<br>办事服务。</p>
  <p>本措施自2025年4月1日起施行。《示例市旧措施》(示科发〔2021〕2号)同时废止。</p>
  <!-- a comment -->
</div>
<div class="tools">【打印本页】 【关闭窗口】 分享到：</div>
<div class="links">相关链接</div><ul><li>示例市人民政府关于其他事项的通知</li></ul>
<footer><p>主办单位：示例市人民政府办公室</p><p>网站标识码：0000000000 京公网安备 00000000000000号</p></footer>
</body></html>
"""


def test_html_page_gives_the_body():
    result = ingest(HTML_PAGE.encode("utf-8"), "page.html")
    assert result.media_type == "html"
    assert_clean(result.text)
    lines = result.text.split("\n")
    assert lines[0] == "示例市科技局关于印发《示例市促进创新若干措施(测试用虚构文本)》的通知"
    assert lines[-1] == "本措施自2025年4月1日起施行。《示例市旧措施》(示科发〔2021〕2号)同时废止。"
    assert "1.支持企业研发。联系地址：示例市示例路1号。" in lines  # 地址 inside the body stays
    assert "2.推广微信" in lines and "办事服务。" in lines  # <br> breaks the line
    assert "　　现将《示例市促进创新若干措施(测试用虚构文本)》印发给你们，请认真贯彻执行。" in lines
    for chrome in ("tracker", "color", "首页", "当前位置", "浏览次数", "字号", "打印", "分享到",
                   "相关链接", "其他事项", "主办单位", "网站标识码", "公网安备", "门户网站", "comment"):
        assert chrome not in result.text, chrome
    meta = result.meta
    assert meta.title == "示例市促进创新若干措施(测试用虚构文本)"
    assert meta.doc_no == "示科发〔2025〕7号"
    assert meta.issuers == ("示例市科技局",)
    assert meta.issued == "2025-03-01"
    assert meta.published == "2025-03-02"
    assert meta.effective == "2025-04-01"
    assert meta.effective_clause == "本措施自2025年4月1日起施行"
    assert meta.repeals == (Repeal("示例市旧措施", "示科发〔2021〕2号",
                                   "《示例市旧措施》(示科发〔2021〕2号)同时废止。", "废止"),)


def test_html_article_header_is_content_and_xml_declaration_is_accepted():
    page = ('<?xml version="1.0" encoding="utf-8"?>\n<html><body><header>示例网站首页</header>'
            "<article><header><h1>示例办法(测试用虚构文本)</h1></header>"
            "<p>第一条 为测试，制定本办法。</p><footer>本文责任编辑：示例</footer></article>"
            "<footer>版权所有 示例网站</footer></body></html>")
    result = ingest(page.encode("utf-8"), "page.xhtml")
    assert result.text == "示例办法(测试用虚构文本)\n第一条 为测试，制定本办法。\n本文责任编辑：示例"


def test_html_declared_charset_is_believed_when_it_decodes():
    page = ('<html><head><meta charset="big5"></head><body><p>條例</p></body></html>')
    assert ingest(page.encode("big5"), "p.html").encoding == "big5"
    # declared utf-8 but really GBK: the declaration fails strictly, detection decides
    page = '<html><head><meta charset="utf-8"></head><body><p>示例办法(测试用虚构文本)</p></body></html>'
    result = ingest(page.encode("gbk"), "p.html")
    assert result.encoding == "gb18030" and result.text == "示例办法(测试用虚构文本)"


def test_html_is_sniffed_without_a_file_name():
    assert ingest(HTML_PAGE.encode("utf-8")).media_type == "html"


# ---------------------------------------------------------------- plain-text page chrome

TEXT_PAGE = """首页 > 政务公开 > 政策文件
示例区促进就业若干规定(测试用虚构文本)
发布日期：2025年02月03日 来源：示例区人力资源局
【字体：大 中 小】 打印本页
示例区促进就业若干规定(测试用虚构文本)
第一条 为促进就业，制定本规定。用人单位应当在微信公众号公布招聘地址。
第二条 本规定自发布之日起施行。
示例区人力资源局
2025年2月1日
上一篇：示例区其他通知
下一篇：示例区另一通知
扫一扫在手机打开当前页
关闭窗口
主办单位：示例区人民政府 网站标识码：1100000000
京ICP备00000000号 京公网安备11000000000000号
"""


def test_text_page_chrome_is_cut_around_the_body():
    result = ingest(TEXT_PAGE.encode("utf-8"), "page.txt")
    lines = result.text.split("\n")
    assert lines == [
        "示例区促进就业若干规定(测试用虚构文本)",
        "第一条 为促进就业，制定本规定。用人单位应当在微信公众号公布招聘地址。",
        "第二条 本规定自发布之日起施行。",
        "示例区人力资源局",
        "2025年2月1日",
    ]
    assert result.meta.published == "2025-02-03"
    assert result.meta.issued == "2025-02-01"
    assert result.meta.effective == "2025-02-01"  # 自发布之日起 = the signature date
    assert result.meta.title == "示例区促进就业若干规定(测试用虚构文本)"


INFO_TABLE_PAGE = """首页 > 政策 > 政策文件库
索引号： 000000000/2025-00001  主题分类： 科技、教育
发文机关： 示例省人民政府  成文日期： 2025年01月06日
标题： 示例省人民政府关于促进示例产业发展的意见（测试用虚构文本）
发文字号： 示政发〔2025〕2号  发布日期： 2025年01月08日
示例省人民政府关于促进示例产业发展的意见（测试用虚构文本）
各市人民政府，省政府各部门：
一、为促进示例产业发展，提出如下意见。
示例省人民政府
2025年1月6日
（此件公开发布）
【我要打印】 【关闭窗口】
扫一扫在手机打开当前页
"""


def test_page_info_table_fields_fill_metadata_gaps():
    result = ingest(INFO_TABLE_PAGE.encode("utf-8"), "page.txt")
    lines = result.text.split("\n")
    assert lines[0] == "示例省人民政府关于促进示例产业发展的意见（测试用虚构文本）"
    assert lines[-1] == "（此件公开发布）"  # part of the document, above the page tools
    meta = result.meta
    assert meta.doc_no == "示政发〔2025〕2号"  # from the 发文字号 field: the body has no 文号 line
    assert meta.published == "2025-01-08"
    assert meta.issued == "2025-01-06" and meta.issuers == ("示例省人民政府",)


def test_page_headline_is_kept_when_the_body_has_no_title():
    page = ("• 政策\n示例县节水办法(测试用虚构文本)\n发布时间:2025-01-05 09:00:00\n"
            "第一条 为节约用水，制定本办法。\n第二条 本办法自2025年2月1日起施行。\n"
            "Copyright© 2025 示例县人民政府 版权所有\n")
    result = ingest(page.encode("utf-8"), "page.txt")
    assert result.text.split("\n")[0] == "示例县节水办法(测试用虚构文本)"
    assert result.meta.title == "示例县节水办法(测试用虚构文本)"
    assert any("headline" in note for note in result.notes)


def test_time_stamp_and_share_lines_are_header_chrome():
    page = ("示例新闻标题发布\n2025-01-05 09:00 来源：示例网\n分享：微信 微博\n"
            "示例办法(测试用虚构文本)\n第一条 为测试，制定本办法。\n京ICP备00000000号\n")
    result = ingest(page.encode("utf-8"), "page.txt")
    assert result.text == "示例办法(测试用虚构文本)\n第一条 为测试，制定本办法。"


def test_footer_starts_after_the_last_body_line():
    page = ("示例办法(测试用虚构文本)\n第一条 为测试，制定本办法。\n附件：示例流程图解\n"
            "本网站由示例市人民政府主办。\n相关链接：示例市政府网\nCopyright © 2025 示例市\n")
    result = ingest(page.encode("utf-8"), "page.txt")
    assert result.text == "示例办法(测试用虚构文本)\n第一条 为测试，制定本办法。\n附件：示例流程图解"


def test_contact_lines_ending_a_plain_notice_are_kept():
    text = ("示例局关于开展测试工作的通知(测试用虚构文本)\n各单位：\n请按时报送材料。\n"
            "联系电话：010-00000000\n电子邮箱：test@example.invalid\n")
    result = ingest(text.encode("utf-8"), "notice.txt")
    assert result.text == text.strip()


def test_text_without_chrome_comes_back_whole():
    text = "示例办法(测试用虚构文本)\n第一条 为测试，制定本办法。\n第二条 本办法自公布之日起施行。"
    assert ingest(text.encode("utf-8")).text == text


# ---------------------------------------------------------------- clean text, titles

def test_clean_text_normalisation():
    raw = ("示例规定(测试用虚构文本)\u200b  \r\n\r\n\u3000\u3000第一条\u3000为测试，制定本规定。\u3000\r"
           "\n\n\n第二条 「引号」保留，全角标点保留！\t \n\n")
    result = ingest(raw.encode("utf-8"))
    assert result.text == ("示例规定(测试用虚构文本)\n\u3000\u3000第一条\u3000为测试，制定本规定。\n"
                           "第二条 「引号」保留，全角标点保留！")


@pytest.mark.parametrize("lines, expected_first", [
    (["示例市人民政府办公厅、", "示例市财政局关于印发", "《示例市专项资金管理办法", "(测试用虚构文本)》的通知"],
     "示例市人民政府办公厅、示例市财政局关于印发《示例市专项资金管理办法(测试用虚构文本)》的通知"),
    (["示例市专项资金管理办法", "（试行）"], "示例市专项资金管理办法（试行）"),
    (["关于加快建设示例园区的", "若干措施（测试用虚构文本）"], "关于加快建设示例园区的若干措施（测试用虚构文本）"),
])
def test_broken_titles_are_joined(lines, expected_first):
    text = "\n\n".join(lines + ["第一条 为测试（测试用虚构文本），制定本文。"])
    result = ingest(text.encode("utf-8"))
    assert result.text.split("\n")[0] == expected_first
    assert len(result.text.split("\n")) == 2


def test_signature_block_and_complete_titles_are_not_joined():
    text = ("示例办法(测试用虚构文本)\n示例细则(测试用虚构文本)\n第一条 为测试，制定本办法。\n"
            "特此通知。\n示例市科学技术委员会、\n示例市财政局\n2024年1月2日")
    result = ingest(text.encode("utf-8"))
    assert result.text == text
    assert result.meta.issuers == ("示例市科学技术委员会", "示例市财政局")
    assert result.meta.issued == "2024-01-02"


def test_only_an_issuer_is_joined_before_guanyu():
    text = "示例措施正式发布\n关于示例工作的通知(测试用虚构文本)\n各单位：\n请做好示例工作。"
    assert ingest(text.encode("utf-8")).text == text
    text = "示例市人民政府\n关于示例工作的通知(测试用虚构文本)\n各单位：\n请做好示例工作。"
    assert ingest(text.encode("utf-8")).text.split("\n")[0] == "示例市人民政府关于示例工作的通知(测试用虚构文本)"


def test_letterhead_is_not_joined_into_the_title():
    text = "示例市人民政府文件\n关于示例工作的通知(测试用虚构文本)\n各单位：\n请做好示例工作。"
    assert ingest(text.encode("utf-8")).text == text


def test_unbracketed_notice_title_gives_the_issued_document_title():
    text = ("示例局关于印发示例工作方案的通知(测试用虚构文本)\n各单位：\n现予印发。\n示例局\n2024年5月6日\n"
            "示例工作方案\n一、总体要求")
    assert extract_metadata(text).title == "示例局关于印发示例工作方案的通知(测试用虚构文本)"
    text = text.replace("方案的通知(测试用虚构文本)", "方案的通知")
    assert extract_metadata(text).title == "示例工作方案"


def test_title_after_a_signature_date_is_joined():
    text = ("示例局关于印发《示例工作方案》的通知(测试用虚构文本)\n各单位：\n现予印发。\n示例局\n"
            "2024年5月6日\n示例工作\n方案\n一、总体要求\n做好测试。")
    lines = ingest(text.encode("utf-8")).text.split("\n")
    assert "示例工作方案" in lines and "示例工作" not in lines


# ---------------------------------------------------------------- Markdown

MARKDOWN = """# 示例市条例(测试用虚构文本)

2020年1月2日 示例市人民代表大会常务委员会第一次会议通过

2023年4月5日 示例市人民代表大会常务委员会第九次会议第一次修正

2023年6月1日 施行

<!-- INFO END -->

## 第一章　总　　则

第一条 为测试，制定本条例。

### 第一节 一般规定

第二条 本条例自2020年3月1日起施行。
"""


def test_markdown_markup_is_removed():
    result = ingest(MARKDOWN.encode("utf-8"), "x.md")
    assert result.media_type == "markdown"
    assert result.text.split("\n") == [
        "示例市条例(测试用虚构文本)",
        "2020年1月2日 示例市人民代表大会常务委员会第一次会议通过",
        "2023年4月5日 示例市人民代表大会常务委员会第九次会议第一次修正",
        "2023年6月1日 施行",
        "第一章　总　　则",
        "第一条 为测试，制定本条例。",
        "第一节 一般规定",
        "第二条 本条例自2020年3月1日起施行。",
    ]
    meta = result.meta
    assert meta.title == "示例市条例(测试用虚构文本)"
    assert meta.issued == "2023-04-05"  # the latest enactment line
    assert meta.effective == "2023-06-01"  # the header 施行 line is this version's
    assert meta.effective_clause == "2023年6月1日 施行"


def test_markdown_is_sniffed_without_a_file_name():
    assert ingest(MARKDOWN.encode("utf-8")).media_type == "markdown"


def _corpus_versions():
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    return [version for document in manifest["documents"] for version in document["versions"]]


def test_every_corpus_version_ingests():
    versions = _corpus_versions()
    assert len(versions) == 155
    for version in versions:
        result = ingest((CORPUS / version["file"]).read_bytes(), version["file"])
        text = result.text
        assert text, version["file"]
        assert text.startswith(version["title"] + "\n"), version["file"]
        assert "<!--" not in text, version["file"]
        assert not any(line.startswith("#") for line in text.split("\n")), version["file"]
        assert_clean(text)
        assert result.meta.title == version["title"], version["file"]
        assert result.media_type == "markdown" and result.encoding == "utf-8"


# ---------------------------------------------------------------- metadata pieces

@pytest.mark.parametrize("text, expected", [
    ("原《关于推动中关村加快建设世界领先科技园区的若干政策措施》(京科发〔2022〕4号)同时废止。",
     [("关于推动中关村加快建设世界领先科技园区的若干政策措施", "京科发〔2022〕4号", "废止")]),
    ("《示例办法》（示发〔2020〕1号）同时废止。", [("示例办法", "示发〔2020〕1号", "废止")]),
    ("《示例办法》废止。", [("示例办法", None, "废止")]),
    ("原《示例办法》予以废止。", [("示例办法", None, "废止")]),
    ("《示例办法》(示发[2019]12号)停止执行。", [("示例办法", "示发[2019]12号", "停止执行")]),
    ("原《示例细则》不再执行。", [("示例细则", None, "不再执行")]),
    ("《A示例办法》(示发〔2020〕1号)和《B示例细则》同时废止。",
     [("A示例办法", "示发〔2020〕1号", "废止"), ("B示例细则", None, "废止")]),
    ("《A办法》(甲发〔2018〕1号)、《B办法》（乙发〔2019〕2号）及《C办法》同时废止。",
     [("A办法", "甲发〔2018〕1号", "废止"), ("B办法", "乙发〔2019〕2号", "废止"), ("C办法", None, "废止")]),
    ("本办法自2025年1月1日起施行，《A办法》同时废止，《B办法》停止执行。",
     [("A办法", None, "废止"), ("B办法", None, "停止执行")]),
    ("示发〔2020〕3号文件同时废止。", [(None, "示发〔2020〕3号", "废止")]),
    ("《示例办法》（示发〔2020〕3号，以下简称原办法）同时废止。", [("示例办法", "示发〔2020〕3号", "废止")]),
    ("《示例办法》（示发〔2020〕3号）同时失效。", [("示例办法", "示发〔2020〕3号", "失效")]),
    ("1990年国务院发布的《示例条例》同时废止。", [("示例条例", None, "废止")]),
    ("依据《示例法》制定本办法。", []),
    ("对已经废止的文件进行清理。", []),
    ("《示例办法》的废止程序另行规定。", []),
    ("《示例办法》第三条同时废止。", []),
    ("《示例办法》中关于备案的规定同时废止。", []),
])
def test_repeal_variants(text, expected):
    repeals = extract_repeals(text)
    assert [(r.title, r.doc_no, r.verb) for r in repeals] == expected
    for repeal in repeals:
        assert repeal.clause in text  # verbatim


def test_repeal_clause_is_its_sentence():
    text = "第一句。本措施自印发之日起施行。《示例办法》同时废止。后一句。"
    (repeal,) = extract_repeals(text)
    assert repeal.clause == "《示例办法》同时废止。"
    (repeal,) = extract_repeals("第九条 本办法自公布之日起施行，《示例办法》同时废止；\n第十条 其他。")
    assert repeal.clause == "本办法自公布之日起施行，《示例办法》同时废止；"  # label not included


@pytest.mark.parametrize("text, expected", [
    ("2024年10月9日", "2024-10-09"),
    ("2024年10月09日", "2024-10-09"),
    ("２０２４年１０月９日", "2024-10-09"),
    ("二〇二四年十月九日", "2024-10-09"),
    ("二○二四年十二月三十一日", "2024-12-31"),
    ("二〇二五年一月二十日", "2025-01-20"),
    ("2024 年 1 月 2 日", "2024-01-02"),
    ("发布时间:2024-10-18 10:56:00", "2024-10-18"),
    ("2024/3/5", "2024-03-05"),
    ("于2024年2月29日通过", "2024-02-29"),
    ("2023年2月29日", None),
    ("2024年13月1日", None),
    ("2024年10月", None),
    ("第19次会议", None),
    ("", None),
])
def test_parse_cn_date(text, expected):
    assert parse_cn_date(text) == expected


def test_doc_no_only_from_its_own_line():
    quoted = "示例办法(测试用虚构文本)\n第一条 《旧办法》(示发〔2020〕1号)同时废止。"
    assert extract_metadata(quoted).doc_no is None
    own = "示例办法(测试用虚构文本)\n示发〔2024〕5号\n第一条 为测试，制定本办法。"
    assert extract_metadata(own).doc_no == "示发〔2024〕5号"
    for line in ("（国发〔2023〕1号）", "国办发[2022]3号", "文号：京政发（2020）12号"):
        assert extract_metadata("示例办法(测试用虚构文本)\n" + line).doc_no is not None, line


@pytest.mark.parametrize("body, effective, clause", [
    ("本办法自2025年1月1日起施行。", "2025-01-01", "本办法自2025年1月1日起施行"),
    ("本办法自印发之日起施行，有效期5年。", "2024-03-04", "本办法自印发之日起施行"),
    ("本办法自发布之日起30日后施行。", None, "本办法自发布之日起30日后施行"),
    ("本办法由示例局负责解释。", None, None),
    ("本通知于2025年2月1日起执行。", "2025-02-01", "本通知于2025年2月1日起执行"),
    ("本办法自发布之日起实施。", "2024-03-04", "本办法自发布之日起实施"),
    ("《旧办法》自2025年1月1日起停止执行。", None, None),
    ("本规定属于示例性质，对于实施另有规定。", None, None),
    ("对来自境外的投资实施登记。", None, None),
])
def test_effective_clause(body, effective, clause):
    text = f"示例办法(测试用虚构文本)\n第一条 {body}\n示例局\n2024年3月4日"
    meta = extract_metadata(text)
    assert (meta.effective, meta.effective_clause) == (effective, clause)


def test_issuers_of_a_forwarding_notice():
    meta = extract_metadata("示例省人民政府办公厅转发示例厅关于示例工作意见的通知(测试用虚构文本)\n各市：\n现转发。")
    assert meta.issuers == ("示例省人民政府办公厅",)


def test_issuers_from_the_notice_title_without_signature():
    text = "示例市科学技术委员会、示例市财政局印发《示例办法》的通知(测试用虚构文本)\n各单位：\n现予印发。"
    meta = extract_metadata(text)
    assert meta.issuers == ("示例市科学技术委员会", "示例市财政局")
    assert meta.title == "示例办法"
    assert meta.issued is None  # no date in the text: never invented


# ---------------------------------------------------------------- properties

@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("示例第一条。，、《》（）\n\r \u3000\u200b\tabc1.")),
               min_size=1, max_size=80))
def test_clean_text_invariants_hold_for_any_text(text):
    try:
        result = ingest(text.encode("utf-8"))
    except BadInputError:
        assert not text.translate({ord(ch): None for ch in ZERO_WIDTH}).strip()
        return
    assert_clean(result.text)
    # idempotent: cleaning clean text changes nothing
    assert ingest(result.text.encode("utf-8")).text == result.text


@pytest.mark.parametrize("module", ["decoding", "clean", "markup", "meta", "chrome", "patterns"])
def test_docstring_examples(module):
    """The worked examples in the ingest modules' docstrings hold (CI runs no doctest)."""
    result = doctest.testmod(importlib.import_module(f"policydiff.ingest.{module}"))
    assert result.failed == 0


# ---------------------------------------------------------------- guards at C speed (issue 14)

_DOC_NO_PIECES = st.sampled_from(["京科发", "国办发", "示例市人民政府令", "〔", "[", "（", "）", "〕", "2024", "２０２４",
                                  "第", "12", "号", "號", "文号：", "发文字号:", " ", "\u3000", "发布时间：", "发布日期:",
                                  "2024年1月2日", "示例", "令"])


@settings(max_examples=500, deadline=None)
@given(st.lists(_DOC_NO_PIECES, max_size=10).map("".join))
def test_doc_no_and_published_line_guards_never_hide_a_match(line):
    """is_doc_no_line and extract_metadata's 文号/发布时间 scans pass lines without 号/號 (or
    发布) at C speed: every match must hold one."""
    from policydiff.ingest import meta, patterns as P

    if P.DOC_NO_LINE.match(P.fold(line)) or P.DOC_NO_LINE.match(line):
        assert "号" in line or "號" in line
    if meta._PUBLISHED_LINE.match(line):
        assert "发布" in line
    assert P.is_doc_no_line(line) == bool(P.DOC_NO_LINE.match(P.fold(line)))


def test_normalise_lines_at_c_speed_equals_the_loop():
    from policydiff.ingest.clean import _LINE_BREAK, _without_zero_width, normalise_lines

    texts = [(CORPUS / f).read_text(encoding="utf-8") for f in ("law-e8660065/2018-10-26.md",)]
    texts += ["a\u200b \r\n\r\n\u3000b\u3000\n", " \t\n\x0b\x0c\u2028x\u2029 y \u3000\n\n", "", "\n\n"]
    for text in texts:
        expected = []
        for line in _LINE_BREAK.split(_without_zero_width(text)):
            line = line.rstrip()
            if line:
                expected.append(line)
        assert normalise_lines(text) == expected


def _reference_markdown_to_text(source: str) -> str:
    """markdown_to_text as a loop over every line (before it looked at marked lines only)."""
    from policydiff.ingest import markup as M

    lines = []
    for line in M._COMMENT.sub("", source).split("\n"):
        match = M._HEADING.match(line) if "#" in line[:4] else None
        if match:
            line = match["text"]
        elif line.lstrip(" ")[:1] in ("*", "-", "_") and M._RULE.match(line):
            line = ""
        lines.append(M._STRONG.sub(lambda m: m["text"] or m["text2"], line) if "**" in line or "__" in line else line)
    return "\n".join(lines)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(list("#*-_ \t\n第一条示例ab") + ["**", "__", "<!--", "-->", "###", "\n\n", "\u3000"]),
                max_size=30).map("".join))
def test_markdown_to_text_on_marked_lines_equals_the_loop(source):
    from policydiff.ingest.markup import markdown_to_text

    assert markdown_to_text(source) == _reference_markdown_to_text(source)


def test_markdown_to_text_on_marked_lines_equals_the_loop_on_corpus_files(manifest):
    from policydiff.ingest.markup import markdown_to_text

    for document in manifest["documents"][::4]:
        for version in document["versions"]:
            source = (CORPUS / version["file"]).read_text(encoding="utf-8")
            assert markdown_to_text(source) == _reference_markdown_to_text(source), version["file"]


@settings(max_examples=600, deadline=None)
@given(st.text(alphabet=list("ab \t\u3000\r\n\x0b\x0c\x1c\x1d\x1e\u2028\u2029\x85\u200b\ufeff"), max_size=30))
def test_line_splitting_fast_paths_equal_the_patterns(text):
    """normalise_lines splits a text with no break but \\n by str.split, and clean_text turns
    CRLF/CR into LF by replaces: both must equal the regex splits they stand for."""
    import re

    from policydiff.ingest import clean_text
    from policydiff.ingest.clean import _LINE_BREAK, _without_zero_width, normalise_lines

    expected = [line.rstrip() for line in _LINE_BREAK.split(_without_zero_width(text)) if line.rstrip()]
    assert normalise_lines(text) == expected
    assert clean_text(text, "markdown")[0] == clean_text("\n".join(re.split(r"\r\n|\r", text)), "markdown")[0]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["示例市人民政府", "示例局", " ", "\u3000", "2024年", "二〇二四年", "1月", "十月", "9日",
                                 "九日", "日", "年", "月", "（", "）", "FlYear年", "\ue000", "。", "印发"]), max_size=8)
       .map("".join))
def test_date_guards_never_hide_a_date_line(line):
    """is_date_only, org_and_date and the signature scan pass lines without 日 at C speed:
    every date they read ends with 日."""
    from policydiff.ingest import meta, patterns as P

    for text in (line, P.bare(line)):
        if P.DATE_ONLY_LINE.match(text) or P._ORG_AND_DATE.match(text) or meta._DATE_SHAPED.match(text):
            assert "日" in line
    assert P.is_date_only(line) == bool(P.DATE_ONLY_LINE.match(line))


def test_item_variants_give_the_full_item_pattern_s_matches():
    """meta._item_finditer (issue 14: a variant without the order-number or 文号 part when
    the string cannot hold one) == finditer of the full item pattern, on every line of the
    corpus and fictional sentences that hold order numbers, 文号s, both or neither."""
    import random
    import re

    from policydiff.ingest import meta

    full = re.compile(meta._ITEM_PATTERN)
    lines = {line for path in sorted(CORPUS.rglob("*.md")) for line in path.read_text(encoding="utf-8").split("\n")}
    rng = random.Random(14)
    pieces = ["2002年4月30日", "示例市人民政府令第122号", "令第3号", "公布的", "发布的", "《示例办法（测试用虚构文本）》",
              "《示例细则》", "（示府发〔2020〕1号）", "示府发〔2020〕1号", "(省政府令第203号)", "、", "和", "同时废止",
              "现予废止", "令", "号", "〔2021〕", "（", "）", "示例", " ", "第", "20"]
    lines |= {"".join(rng.choice(pieces) for _ in range(rng.randint(1, 10))) for _ in range(5000)}
    seen = set()
    for line in sorted(lines):
        seen.add(("令" in line, not meta.P.DOC_NO.cannot_match(line)))
        got = [(m.span(), m.groupdict()) for m in meta._item_finditer(line)]
        assert got == [(m.span(), m.groupdict()) for m in full.finditer(line)], line
    assert seen == {(False, False), (False, True), (True, False), (True, True)}


def test_binary_control_count_is_the_byte_loop_s():
    """decoding._refuse_binary counts control bytes with bytes.translate (issue 14): the
    same count as the loop it replaced, on every byte value, random bytes and corpus files."""
    import random

    from policydiff.ingest import decoding

    def loop_count(head: bytes) -> int:
        return sum(1 for byte in head if byte < 0x20 and byte not in decoding._TEXT_CONTROLS)

    rng = random.Random(14)
    samples = [bytes(range(256)), b"", b"\x00\x1f\x1b\t\n\r\x0b\x0c \x7f\xff"]
    samples += [bytes(rng.randrange(256) for _ in range(rng.randint(0, 3000))) for _ in range(200)]
    samples += [path.read_bytes()[:decoding._SNIFF_BYTES] for path in sorted(CORPUS.rglob("*.md"))[:40]]
    for head in samples:
        assert len(head.translate(None, decoding._NOT_BINARY_CONTROLS)) == loop_count(head)
