"""structure.parse: the seed's gold structure, the grammar's hard cases, losslessness.

Every document written here is fictional and says so in its title."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st

from policydiff.model import BlockKind, Document
from policydiff.structure import NO_NUMBERING_NOTE, TOC_NOTE, classify_line, parse

from .conftest import SEED
from ._cleantext import clean_file


def fold(label: str) -> str:
    """Half- and full-width brackets alike (ingest may keep either as printed)."""
    return label.replace("（", "(").replace("）", ")")


def check_invariants(doc: Document) -> None:
    """Lossless, contiguous, well-nested, ordinals 1..n, text derived from raw."""
    assert "".join(b.raw for b in doc.blocks) == doc.text
    offset = 0
    for i, block in enumerate(doc.blocks):
        assert block.index == i
        assert block.start == offset
        offset += len(block.raw)
        assert block.raw, "no empty blocks"
        assert "\n" not in block.raw[:-1] or block.raw.count("\n") >= 1
        if block is not doc.blocks[-1] or doc.text.endswith("\n"):
            assert block.raw.endswith("\n"), "a block's raw ends with its line's newline"
        if block.parent is not None:
            assert block.parent < i
            assert doc.blocks[block.parent].kind is BlockKind.CONTAINER
        if block.kind is BlockKind.TEXT:
            assert block.label == "" and block.number is None and block.ordinal is None
            assert block.text == block.raw[:-1] if block.raw.endswith("\n") else block.raw
        else:
            assert block.label and block.number is not None
            lines = block.raw.split("\n")
            if block.raw.endswith("\n"):
                lines = lines[:-1]
            assert lines[0].lstrip(" \t\u3000").startswith(block.label)
            assert lines[0].endswith(block.heading)
            assert block.text == "\n".join([block.heading] + lines[1:])
    for block in doc.blocks:
        if block.kind is BlockKind.CONTAINER:
            assert any(b.parent == block.index for b in doc.blocks) or block.raw.count("\n") <= 1, \
                "containers have something below, or are a bare heading line"
        if block.kind is BlockKind.MEASURE:
            assert not any(b.parent == block.index for b in doc.blocks), "measures are leaves"
    assert [m.ordinal for m in doc.measures] == list(range(1, len(doc.measures) + 1))


# --------------------------------------------------------------------------- the seed


@pytest.fixture(scope="module")
def seed_doc() -> Document:
    return parse(clean_file(SEED))


SEED_MEASURES = [
    ("1.", "支持科技型小微企业发展", ("一、", "(一)")),
    ("2.", "支持高新技术企业“筑基扩容”“小升规”培育", ("一、", "(一)")),
    ("3.", "支持科技领军企业等牵头建设创新联合体", ("一、", "(一)")),
    ("4.", "支持新技术新产品应用推广和科技应用场景建设", ("一、", "(一)")),
    ("5.", "支持推动创业投资发展", ("一、", "(二)")),
    ("6.", "支持科技信贷业务创新", ("一、", "(二)")),
    ("7.", "支持企业利用多层次资本市场加快发展", ("一、", "(二)")),
    ("8.", "支持建设高品质产业承载空间", ("一、", "(三)")),
    ("9.", "支持专业服务机构发展", ("一、", "(三)")),
    ("10.", "支持创新主体开展科技成果转化与产业化", ("一、", "(四)")),
    ("11.", "支持创新创业公共技术服务平台建设", ("一、", "(四)")),
    ("12.", "支持科技服务专业化能力建设", ("一、", "(四)")),
    ("13.", "打造创新网络关键枢纽", ("一、", "(五)")),
    ("14.", "营造开放包容创新环境", ("一、", "(五)")),
    ("15.", "加强组织领导", ("二、",)),
    ("16.", "发挥财政资金引导作用", ("二、",)),
    ("17.", "加强绩效管理与监督", ("二、",)),
]
SEED_CONTAINERS = [
    ("一、", "主要举措", ()),
    ("(一)", "培育世界一流的创新型企业", ("一、",)),
    ("(二)", "促进科技金融深度融合发展", ("一、",)),
    ("(三)", "提升园区高端化专业化集约化服务能力", ("一、",)),
    ("(四)", "构建世界一流创新创业生态", ("一、",)),
    ("(五)", "提升中关村示范区国际化发展能级", ("一、",)),
    ("二、", "组织保障", ()),
]


def test_seed_measures(seed_doc):
    got = [(m.label, m.heading, tuple(fold(p) for p in seed_doc.path(m))) for m in seed_doc.measures]
    assert got == SEED_MEASURES
    assert [m.number for m in seed_doc.measures] == list(range(1, 18))
    assert [m.ordinal for m in seed_doc.measures] == list(range(1, 18))
    assert {m.level for m in seed_doc.measures} == {"arabic"}


def test_seed_containers(seed_doc):
    got = [(fold(c.label), c.heading, tuple(fold(p) for p in seed_doc.path(c))) for c in seed_doc.containers]
    assert got == SEED_CONTAINERS
    assert [c.level for c in seed_doc.containers] == ["cn-top"] + ["cn-paren"] * 5 + ["cn-top"]


def test_seed_section_intro_stays_with_its_section(seed_doc):
    section_1 = seed_doc.containers[1]
    assert section_1.text.split("\n")[1].startswith("制定实施《中关村国家自主创新示范区提升企业创新能力支持资金管理办法》")
    assert "1.支持科技型小微企业发展" not in section_1.raw


def test_seed_text_blocks(seed_doc):
    text_blocks = [b for b in seed_doc.blocks if b.kind is BlockKind.TEXT]
    levels = [b.level for b in text_blocks]
    assert "notice" in levels and "preamble" in levels and levels[-1] == "closing"
    notice = next(b for b in text_blocks if b.level == "notice")
    assert "各有关单位" in notice.raw and "特此通知" in notice.raw
    preamble = next(b for b in text_blocks if b.level == "preamble")
    assert preamble.raw.rstrip("\n").endswith("特制定本措施。")
    closing = text_blocks[-1]
    assert closing.raw.startswith("本措施自印发之日起施行")
    assert "京科发〔2022〕4号" in closing.raw
    # The closing clause is not part of measure 17.
    last = seed_doc.measures[-1]
    assert "本措施" not in last.raw and last.text.endswith("三是做好科技伦理审查与伦理风险防范。")
    # Everything before the first container is top-level text.
    first_container = seed_doc.containers[0].index
    assert all(b.kind is BlockKind.TEXT and b.parent is None for b in seed_doc.blocks[:first_container])


def test_seed_invariants(seed_doc):
    check_invariants(seed_doc)


# --------------------------------------------------------------------------- law style

LAW = """示例市促进创新条例(测试用虚构文本)
2024年1月1日 示例市人民代表大会常务委员会通过
目录
第一章 总则
第二章 支持措施
第一章　总　　则
第一条 为了促进创新，根据有关法律，制定本条例。
第二条 本条例适用于本市。
第二章 支持措施
第一节 资金
第三条 市人民政府设立专项资金，用于下列事项：
（一）支持研发；
（二）支持转化。
1.本项所称研发，包括基础研究。
第十条规定的情形除外。
第四条　资金管理办法由市财政部门制定。
第四条之一 专项资金每年公布一次。
2024年起，资金规模逐年增加。
第二节 人才
第五条 支持引进人才，所需经费3.5亿元由市级财政安排。
第五条规定的经费，按年度拨付。
第六条 本条例自2025年1月1日起施行。
"""


@pytest.fixture(scope="module")
def law_doc() -> Document:
    return parse(LAW)


def test_law_articles(law_doc):
    assert [(m.label, m.number, m.sub_number) for m in law_doc.measures] == [
        ("第一条", 1, None), ("第二条", 2, None), ("第三条", 3, None), ("第四条", 4, None),
        ("第四条之一", 4, 1), ("第五条", 5, None), ("第六条", 6, None),
    ]
    assert {m.level for m in law_doc.measures} == {"article"}
    assert law_doc.measures[3].heading == "资金管理办法由市财政部门制定。"  # full-width space separator


def test_law_items_stay_inside_article(law_doc):
    article_3 = law_doc.measures[2]
    assert article_3.text.split("\n") == [
        "市人民政府设立专项资金，用于下列事项：", "（一）支持研发；", "（二）支持转化。",
        "1.本项所称研发，包括基础研究。", "第十条规定的情形除外。",
    ]
    # Cross-reference at a line start, a year, an amount: text of their article.
    assert "2024年起" in law_doc.measures[4].raw
    assert "第五条规定的经费" in law_doc.measures[5].raw


def test_law_containers_and_toc(law_doc):
    assert [(c.label, c.heading, law_doc.path(c)) for c in law_doc.containers] == [
        ("第一章", "总　　则", ()), ("第二章", "支持措施", ()),
        ("第一节", "资金", ("第二章",)), ("第二节", "人才", ("第二章",)),
    ]
    assert [law_doc.path(m) for m in law_doc.measures] == [
        ("第一章",), ("第一章",), ("第二章", "第一节"), ("第二章", "第一节"), ("第二章", "第一节"),
        ("第二章", "第二节"), ("第二章", "第二节"),
    ]
    assert TOC_NOTE in law_doc.notes
    toc = [b for b in law_doc.blocks if b.level == "toc"]
    assert [b.raw for b in toc] == ["目录\n第一章 总则\n第二章 支持措施\n"]
    assert not [b for b in law_doc.blocks if b.level == "preamble"]


def test_law_text_roles(law_doc):
    levels = [(b.level, b.raw.split("\n")[0]) for b in law_doc.blocks if b.kind is BlockKind.TEXT]
    assert levels[:2] == [("title", "示例市促进创新条例(测试用虚构文本)"),
                          ("header", "2024年1月1日 示例市人民代表大会常务委员会通过")]
    # A law's final article keeps its own 施行 clause: no closing block is split off.
    assert law_doc.blocks[-1].label == "第六条"
    check_invariants(law_doc)


def test_article_numbering_gap_and_weak_lines():
    text = ("示例办法(测试用虚构文本)\n第一条 甲。\n第二条 乙。\n第四条 丁，原文漏排第三条。\n"
            "第五条规定的事项，另行规定。\n第五条丙。\n第九十条 越界的引用不是条。\n")
    doc = parse(text)
    assert [m.label for m in doc.measures] == ["第一条", "第二条", "第四条", "第五条"]
    assert "第九十条" in doc.measures[-1].raw and "第五条规定的事项" in doc.measures[2].raw
    check_invariants(doc)


def test_article_not_at_line_start_or_before_first():
    text = "示例规定(测试用虚构文本)\n第三十一条的决定》第一次修正\n第一条 依照本法第十条规定的程序办理。\n第二条 乙。\n"
    doc = parse(text)
    assert [m.label for m in doc.measures] == ["第一条", "第二条"]
    assert doc.blocks[0].kind is BlockKind.TEXT and "第三十一条的决定" in "".join(
        b.raw for b in doc.blocks if b.kind is BlockKind.TEXT)


def test_parts_and_subparts():
    text = ("示例法典(测试用虚构文本)\n第一编 总则\n第一章 一般规定\n第一条 甲。\n第二条 乙。\n"
            "第二编 分则\n第一分编 通则\n第二章 分则一\n第三条 丙。\n第二分编 专则\n第三章 分则二\n第四条 丁。\n")
    doc = parse(text)
    assert [(c.level, c.label) for c in doc.containers] == [
        ("part", "第一编"), ("chapter", "第一章"), ("part", "第二编"), ("subpart", "第一分编"),
        ("chapter", "第二章"), ("subpart", "第二分编"), ("chapter", "第三章"),
    ]
    assert doc.path(doc.measures[3]) == ("第二编", "第二分编", "第三章")
    check_invariants(doc)


# --------------------------------------------------------------------------- policy style

POLICY = """示例市关于促进创新的若干措施(测试用虚构文本)
为促进创新，制定本措施。
一、支持企业
（一）支持研发。对企业研发投入给予补贴，具体包括：
1.基础研究；
2.应用研究。
（二）支持转化。
2024年起，每年评选一次。
3.5亿元资金分三年安排。
二、保障措施
（三）加强领导。
（四）强化考核。
本措施自2025年1月1日起施行，由市科技局负责解释。
示例市科技局
2024年12月1日
"""


def test_policy_finest_level_with_sub_items():
    doc = parse(POLICY)
    # (一)…(四) run across 一、 and 二、; (一)'s "1. 2." sub-items make it a container.
    assert [(b.kind.value, b.label) for b in doc.blocks if b.kind is not BlockKind.TEXT] == [
        ("container", "一、"), ("container", "（一）"), ("measure", "1."), ("measure", "2."),
        ("measure", "（二）"), ("container", "二、"), ("measure", "（三）"), ("measure", "（四）"),
    ]
    second = doc.measures[2]
    assert "2024年起" in second.raw and "3.5亿元" in second.raw
    closing = doc.blocks[-1]
    assert closing.level == "closing" and closing.raw.startswith("本措施自2025年1月1日起施行")
    assert closing.raw.endswith("2024年12月1日\n")
    assert "本措施" not in doc.measures[-1].raw
    check_invariants(doc)


def test_quoted_list_does_not_restart_numbering():
    text = ("示例措施(测试用虚构文本)\n一、总体\n（一）甲类\n1.措施一\n2.措施二\n3.措施三\n4.措施四\n"
            "（二）乙类\n本类包括以下事项：\n1.引用一\n2.引用二\n5.措施五\n6.措施六\n7.措施七\n（三）丙类\n8.措施八\n")
    doc = parse(text)
    assert [m.label for m in doc.measures] == ["1.", "2.", "3.", "4.", "5.", "6.", "7.", "8."]
    assert "1.引用一\n2.引用二" in doc.containers[2].raw
    check_invariants(doc)


def test_numbering_restarting_under_each_parent():
    text = ("示例措施(测试用虚构文本)\n一、甲\n1.甲一\n2.甲二\n二、乙\n1.乙一\n2.乙二\n3.乙三\n")
    doc = parse(text)
    assert [(m.label, doc.path(m)) for m in doc.measures] == [
        ("1.", ("一、",)), ("2.", ("一、",)), ("1.", ("二、",)), ("2.", ("二、",)), ("3.", ("二、",)),
    ]


def test_list_inside_measure_is_not_a_measure():
    text = ("示例措施(测试用虚构文本)\n1.支持研发\n分两类：\n1.基础\n2.应用\n(1)小项\n①细项\n"
            "2.支持转化\n3.支持人才\n")
    doc = parse(text)
    assert [m.label for m in doc.measures] == ["1.", "2.", "3."]
    assert doc.measures[0].text == "支持研发\n分两类：\n1.基础\n2.应用\n(1)小项\n①细项"


@pytest.mark.parametrize("lines,labels", [
    (["１．甲", "２．乙"], ["１．", "２．"]),
    (["1、甲", "2、乙"], ["1、", "2、"]),
    (["(1)甲", "(2)乙"], ["(1)", "(2)"]),
    (["①甲", "②乙"], ["①", "②"]),
    (["一、甲", "二、乙", "三、丙"], ["一、", "二、", "三、"]),
    (["(一)甲", "（二）乙"], ["(一)", "（二）"]),
    (["　　一、缩进", "　　二、缩进"], ["一、", "二、"]),
])
def test_label_forms(lines, labels):
    doc = parse("示例文件(测试用虚构文本)\n" + "\n".join(lines) + "\n")
    assert [m.label for m in doc.measures] == labels
    check_invariants(doc)


def test_english():
    text = ("Example Regulation (fictional test text)\nChapter I General provisions\nArticle 1 Scope\n"
            "1. This applies.\n(a) one;\n(b) two.\nArticle 2 Definitions\nChapter II Measures\n"
            "Section 1 Funding\nArticle 3 Grants\nArticle 4 Loans\n")
    doc = parse(text)
    assert [(m.label, m.number) for m in doc.measures] == [
        ("Article 1", 1), ("Article 2", 2), ("Article 3", 3), ("Article 4", 4)]
    assert doc.path(doc.measures[2]) == ("Chapter II", "Section 1")
    assert doc.measures[0].text == "Scope\n1. This applies.\n(a) one;\n(b) two."
    check_invariants(doc)


# --------------------------------------------------------------------------- no numbering, edge cases


def test_no_numbering_becomes_paragraphs_with_a_note():
    text = "示例通知(测试用虚构文本)\n各单位：\n请认真贯彻落实。\n特此通知。\n"
    doc = parse(text)
    assert NO_NUMBERING_NOTE in doc.notes
    assert [(b.kind, b.level) for b in doc.blocks] == [(BlockKind.TEXT, "paragraph")] * 4
    assert doc.measures == ()
    check_invariants(doc)


def test_single_numbered_line_is_not_structure():
    doc = parse("示例说明(测试用虚构文本)\n1.仅有一条。\n")
    assert doc.measures == () and NO_NUMBERING_NOTE in doc.notes


@pytest.mark.parametrize("text", ["", "\n", "\n\n", "一、甲\n二、乙", "一、甲\n\n二、乙\n\n", "甲\r\n乙\r\n"])
def test_edge_texts_are_lossless(text):
    check_invariants(parse(text))


def test_no_final_newline():
    doc = parse("示例(测试用虚构文本)\n一、甲\n二、乙")
    assert doc.blocks[-1].raw == "二、乙" and doc.blocks[-1].text == "乙"
    check_invariants(doc)


def test_deterministic(seed_doc):
    assert parse(seed_doc.text) == seed_doc


@pytest.mark.parametrize("line,expected", [
    ("第一条 甲", ("article", "第一条", 1, None, True)),
    ("第一条甲", ("article", "第一条", 1, None, False)),
    ("第十条之二　甲", ("article", "第十条之二", 10, 2, True)),
    ("第5条 甲", ("article", "第5条", 5, None, True)),
    ("第二分编 甲", ("subpart", "第二分编", 2, None, True)),
    ("第三篇 甲", ("part", "第三篇", 3, None, True)),
    ("十二、甲", ("cn-top", "十二、", 12, None, False)),
    ("（十二）甲", ("cn-paren", "（十二）", 12, None, False)),
    ("12.甲", ("arabic", "12.", 12, None, False)),
    ("Part II Rules", ("en-part", "Part II", 2, None, True)),
    ("(c) text", ("alpha-paren", "(c)", 3, None, True)),
])
def test_classify_line(line, expected):
    cand = classify_line(line)
    assert (cand.style, cand.label, cand.number, cand.sub_number, cand.strong) == expected


@pytest.mark.parametrize("line", ["2024年10月9日", "3.5亿元", "1.5倍", "第十条规定的", "条例", "Partial", "Articles",
                                  "一是加强", "(注)", "十分重要", ""])
def test_classify_line_rejects(line):
    cand = classify_line(line)
    assert cand is None or (line == "第十条规定的" and not cand.strong)


# --------------------------------------------------------------------------- property: lossless

_FRAGMENTS = st.sampled_from([
    "第一条 ", "第二条", "第三条之一 ", "第一章 ", "第二章", "第一节 ", "一、", "二、", "三、", "(一)", "（二）",
    "1.", "2．", "3、", "(1)", "（2）", "①", "②", "Article 1 ", "Chapter 2 ", "(a) ", "2024年", "3.5亿元",
    "本措施自印发之日起施行。", "原《示例》同时废止。", "2024年10月9日", "目录", "#", "\\", "<!-- policydiff: x -->",
    "甲", "乙乙", "。", " ", "\u3000", "\t", "\r", "\n", "\n", "\n",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=60).map("".join))
def test_lossless_on_generated_texts(text):
    doc = parse(text)
    check_invariants(doc)
    assert doc.text == text


_LABEL_ALPHABET = st.sampled_from(list("第一二三十条章节编之、（）()1234.．\n 　甲本措施施行附件#\\"))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_LABEL_ALPHABET, max_size=120))
def test_lossless_on_label_soup(text):
    check_invariants(parse(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_lossless_on_any_text(text):
    doc = parse(text)
    assert "".join(b.raw for b in doc.blocks) == text


def test_sub_list_inside_second_measure():
    text = "示例措施(测试用虚构文本)\n1.甲\n2.乙，包括：\n1.乙之一\n2.乙之二\n3.丙\n"
    doc = parse(text)
    assert [m.heading for m in doc.measures] == ["甲", "乙，包括：", "丙"]


def test_english_article_above_section():
    text = ("Example Charter (fictional test text)\nArticle I\nSection 1. Powers.\nSection 2. Duties.\n"
            "Article II\nSection 1. Officers.\nSection 2. Terms.\nSection 3. Removal.\n")
    doc = parse(text)
    assert [(m.label, doc.path(m)) for m in doc.measures] == [
        ("Section 1.", ("Article I",)), ("Section 2.", ("Article I",)),
        ("Section 1.", ("Article II",)), ("Section 2.", ("Article II",)), ("Section 3.", ("Article II",)),
    ]
    check_invariants(doc)


def test_attachment_after_last_article_is_closing_text():
    text = "示例办法(测试用虚构文本)\n第一条 甲。\n第二条 乙。\n本条第二款另有规定。\n附件：\n1.申请表\n2.登记表\n"
    doc = parse(text)
    assert doc.measures[-1].raw == "第二条 乙。\n本条第二款另有规定。\n"
    assert doc.blocks[-1].level == "closing" and doc.blocks[-1].raw.startswith("附件：")


def test_parts_in_plans_and_right_paren_items():
    text = ("示例规划(测试用虚构文本)\n第一部分 总体要求\n1)甲\n2)乙\n第二部分 重点任务\n3)丙\n")
    doc = parse(text)
    assert [(c.label, c.level) for c in doc.containers] == [("第一部分", "part"), ("第二部分", "part")]
    assert [m.label for m in doc.measures] == ["1)", "2)", "3)"]
    check_invariants(doc)


def test_typical_opinion_with_running_paren_numbers():
    text = ("示例市关于促进创新的实施意见(测试用虚构文本)\n为促进创新，提出如下意见。\n一、总体要求\n"
            "（一）指导思想。坚持创新。\n（二）主要目标。到2027年，达到较高水平。\n二、重点任务\n"
            "（三）支持研发。加大投入。\n（四）支持转化。完善机制。\n三、保障措施\n（五）加强领导。\n"
            "本意见自2025年1月1日起施行，有效期5年。\n")
    doc = parse(text)
    assert [(m.label, doc.path(m)) for m in doc.measures] == [
        ("（一）", ("一、",)), ("（二）", ("一、",)), ("（三）", ("二、",)), ("（四）", ("二、",)), ("（五）", ("三、",)),
    ]
    assert doc.blocks[-1].level == "closing"
    check_invariants(doc)


def test_toc_with_different_wording_directly_before_the_body():
    text = ("示例法(测试用虚构文本)\n目录\n第一章 总则\n第二章 权利义务\n第一节 权利\n第二节 义务\n第三章 附则\n"
            "第一章 总 则\n第一条 甲。\n第二章 权利和义务\n第一节 权利\n第二条 乙。\n第二节 义务\n第三条 丙。\n"
            "第三章 附 则\n第四条 丁。\n")
    doc = parse(text)
    assert [(c.label, doc.path(c)) for c in doc.containers] == [
        ("第一章", ()), ("第二章", ()), ("第一节", ("第二章",)), ("第二节", ("第二章",)), ("第三章", ()),
    ]
    assert doc.containers[1].heading == "权利和义务"
    assert [m.label for m in doc.measures] == ["第一条", "第二条", "第三条", "第四条"]
    assert TOC_NOTE in doc.notes
    check_invariants(doc)


def test_repeated_heading_names_in_a_code_are_not_a_toc():
    text = ("示例法典(测试用虚构文本)\n第一编 总则\n第一章 一般规定\n第一条 甲。\n第二编 物权\n第一分编 通则\n"
            "第一章 一般规定\n第二条 乙。\n第三编 合同\n第一分编 通则\n第一章 一般规定\n第三条 丙。\n")
    doc = parse(text)
    assert TOC_NOTE not in doc.notes
    assert [doc.path(m) for m in doc.measures] == [
        ("第一编", "第一章"), ("第二编", "第一分编", "第一章"), ("第三编", "第一分编", "第一章"),
    ]


def test_empty_chapter_is_an_empty_container():
    text = "示例条例(测试用虚构文本)\n第一章 总则\n第一条 甲。\n第二章 （删除）\n第三章 附则\n第二条 乙。\n"
    doc = parse(text)
    assert [m.label for m in doc.measures] == ["第一条", "第二条"]
    assert [(c.label, c.kind) for c in doc.containers] == [
        ("第一章", BlockKind.CONTAINER), ("第二章", BlockKind.CONTAINER), ("第三章", BlockKind.CONTAINER)]
    check_invariants(doc)


def test_second_run_of_articles_in_an_attached_text():
    text = ("示例决定(测试用虚构文本)\n第一条 甲。\n第二条 乙。\n附：示例办法\n第一条 丙。\n第二条 丁。\n第三条 戊。\n")
    doc = parse(text)
    assert [m.label for m in doc.measures] == ["第一条", "第二条", "第一条", "第二条", "第三条"]
    assert doc.measures[1].raw == "第二条 乙。\n附：示例办法\n"
    check_invariants(doc)


def test_a_quoted_first_article_does_not_restart():
    text = "示例规定(测试用虚构文本)\n第一条 甲。\n第二条 乙，引用如下：\n第一条 引文。\n第三条 丙。\n"
    doc = parse(text)
    assert [m.label for m in doc.measures] == ["第一条", "第二条", "第三条"]


def test_notice_with_signature_line_and_remark():
    text = ("示例市科学技术局关于印发《示例市促进创新若干措施》的通知(测试用虚构文本)\n各有关单位：\n现印发给你们，请遵照执行。\n"
            "示例市科学技术局 2024年10月9日\n（此件公开发布）\n示例市促进创新若干措施\n为促进创新，制定本措施。\n"
            "1.支持研发\n2.支持转化\n")
    doc = parse(text)
    roles = [(b.level, b.raw.split("\n")[0]) for b in doc.blocks if b.kind is BlockKind.TEXT]
    assert roles == [
        ("notice", "示例市科学技术局关于印发《示例市促进创新若干措施》的通知(测试用虚构文本)"),
        ("title", "示例市促进创新若干措施"),
        ("preamble", "为促进创新，制定本措施。"),
    ]
    assert doc.blocks[0].raw.endswith("（此件公开发布）\n")


def test_quoted_items_under_finer_items_are_text():
    text = ("示例修改决定(测试用虚构文本)\n一、修改《示例办法》\n1.将第二条修改为：\n“本办法适用于下列单位：\n"
            "（一）企业；\n（二）高校。”\n2.删除第五条。\n二、修改《示例规定》\n1.将第三条修改为：\n“（三）其他单位。”\n"
            "（三）其他单位。\n2.删除第七条。\n")
    doc = parse(text)
    assert [(m.label, doc.path(m)) for m in doc.measures] == [
        ("1.", ("一、",)), ("2.", ("一、",)), ("1.", ("二、",)), ("2.", ("二、",)),
    ]
    assert "（一）企业；" in doc.measures[0].raw and "（三）其他单位。\n" in doc.measures[2].raw
    check_invariants(doc)


def test_doc_no_under_title_is_header():
    text = "示例市促进创新若干措施(测试用虚构文本)\n示科发〔2024〕5号\n为促进创新，制定本措施。\n一、甲\n二、乙\n"
    doc = parse(text)
    assert [(b.level, b.raw) for b in doc.blocks[:3]] == [
        ("title", "示例市促进创新若干措施(测试用虚构文本)\n"), ("header", "示科发〔2024〕5号\n"),
        ("preamble", "为促进创新，制定本措施。\n")]


# --------------------------------------------------------------------------- look-ahead at scale
#
# `_accept` asks two look-ahead questions (does a 「第一条」 restart win; does a suspect
# successor's number come again). Answered by scanning, a text with many such lines and
# nothing coarser to end the scan was quadratic. The sizes below are chosen so that the
# scanning code took over 30 s each on a dev machine (these parse in well under 1 s): a
# regression shows as a visibly hanging test, not as a timing assertion.
# benchmarks/parse_scaling.py measures the growth.

from policydiff import structure  # noqa: E402


def test_many_first_article_restarts_parse_and_stay_lossless():
    """One chapter, then 25,000 strong 「第一条」 lines and a final 「第二条」: each 第一条
    starts a new run (1, 2 beats the running numbering's lone 2), so all are measures."""
    restarts = 25_000
    text = ("示例市测试办法(测试用虚构文本)\n第一章 总则\n" + "第一条 示例规定。\n" * restarts
            + "第二条 示例规定。\n")
    doc = parse(text)
    assert "".join(b.raw for b in doc.blocks) == text
    assert [(b.kind, b.label) for b in doc.blocks[:3]] == [
        (BlockKind.TEXT, ""), (BlockKind.CONTAINER, "第一章"), (BlockKind.MEASURE, "第一条")]
    assert len(doc.measures) == restarts + 1
    assert {m.parent for m in doc.measures} == {1}
    assert [m.label for m in doc.measures[-2:]] == ["第一条", "第二条"]


def test_many_suspect_successors_parse_and_stay_lossless():
    """9,500 weak article lines (「第2条示例…」, text straight after the label), each the
    successor of the article before it and each asking whether its number comes again
    (it never does), between strong lines that skip two numbers: all are measures."""
    pairs = 9_500
    text = "示例市测试办法(测试用虚构文本)\n第1条 示例规定。\n" + "".join(
        f"第{4 * i + 2}条示例规定。\n第{4 * i + 5}条 示例规定。\n" for i in range(pairs))
    doc = parse(text)
    assert "".join(b.raw for b in doc.blocks) == text
    numbers = [m.number for m in doc.measures]
    assert numbers == [1] + [n for i in range(pairs) for n in (4 * i + 2, 4 * i + 5)]


# The look-ahead as it was written first (a scan to the end of the parent), kept here as
# the reference that the indexed `_LookAhead` must agree with on every question.

def _reference_same_number_ahead(candidates, k, ranks) -> bool:
    cand = candidates[k][1]
    for _, later in candidates[k + 1:]:
        if ranks[later.style] < ranks[cand.style]:
            return False
        if later.style != cand.style:
            continue
        if (later.number, later.sub_number) == (cand.number, cand.sub_number):
            return True
        if structure._is_successor((cand.number, cand.sub_number), later):
            return False
    return False


def _reference_restart_wins(candidates, k, stack, last, ranks, min_chain=1, allow_gaps=True) -> bool:
    style = candidates[k][1].style
    parent_rank = ranks[stack[-1].style] if stack else -1.0
    restart_next, restart_chain = 1, 0
    running_next, running_chain = last[0] + 1, 0
    for _, later in candidates[k:]:
        if stack and ranks[later.style] <= parent_rank:
            break
        if later.style != style or later.sub_number is not None:
            continue
        gap = structure._gap(later) if allow_gaps else 0
        if restart_next <= later.number <= restart_next + gap:
            restart_chain += 1
            restart_next = later.number + 1
        if running_next <= later.number <= running_next + gap:
            running_chain += 1
            running_next = later.number + 1
    return restart_chain >= min_chain and restart_chain > running_chain


_LABEL_LINES = st.sampled_from([
    "第一条 甲", "第一条甲", "第二条 甲", "第二条甲", "第三条 甲", "第四条", "第五条 甲", "第六条 甲", "第2条甲",
    "第一条之一 甲", "第一条之二 甲", "第二条之一", "第一章 甲", "第二章", "第一节 甲", "第二节", "第一编",
    "一、甲", "二、甲", "三、", "（一）甲", "（二）甲", "1.甲", "2.甲", "3.甲", "5.甲", "(1)甲", "(2)甲", "①甲",
    "Section 1 x", "Section 2 x", "Article 1 x", "Article 2 x", "(a) x",
])


@settings(max_examples=200, deadline=None)
@given(st.lists(_LABEL_LINES, min_size=1, max_size=40), st.booleans())
def test_indexed_look_ahead_answers_as_the_scan(lines, section_above_article):
    """Every question `_accept` could ask, at every line, with every possible parent (none,
    or any coarser style) and running number: the indexed answer equals the scan's."""
    candidates = [(i, structure.classify_line(line)) for i, line in enumerate(lines)]
    ranks = structure._ranks(section_above_article)
    ahead = structure._LookAhead(candidates, ranks)
    for k, (_, cand) in enumerate(candidates):
        assert ahead.same_number_ahead(k) == _reference_same_number_ahead(candidates, k, ranks), (k, lines)
        parents = [[]] + [[structure.Candidate(style, "", 1, None, "", True)]
                          for style in ranks if ranks[style] < ranks[cand.style]]
        for stack in parents:
            for last in ((1, None), (2, None), (3, 1), (5, None)):
                for min_chain, allow_gaps in ((1, True), (2, False), (1, False)):
                    assert ahead.restart_wins(k, stack, last, min_chain, allow_gaps) == \
                        _reference_restart_wins(candidates, k, stack, last, ranks, min_chain, allow_gaps), \
                        (k, stack, last, min_chain, allow_gaps, lines)


# --------------------------------------------------------------------------- fast paths (issue 14)
# classify_line rejects a line with one combined match (_ANY_LABEL) and _inline_marks scans
# with one regex; both must answer exactly as the sixteen patterns and the set of a line's
# characters did.

_LABELISH = st.text(alphabet=list("第一二十百零〇两1234567890０１２条章节编分部篇之、．.()（）)）㈠㈢①⑳"
                                  "PartChapterSectionArticleIVXabc§ \u3000　示例市措施。，"), max_size=14)


@settings(max_examples=400, deadline=None)
@given(_LABELISH)
def test_the_combined_label_pattern_matches_exactly_when_one_pattern_does(line):
    assert bool(structure._ANY_LABEL.match(line)) == any(p.match(line) for _, p in structure._PATTERNS)


def test_the_line_label_pattern_numbers_its_groups_as_the_combined_one():
    """_ALTERNATIVES reads group numbers from _LINE_LABEL so that _ANY_LABEL is compiled only
    for a single classify_line (issue 14): the prefix must hold no group."""
    import re

    assert structure._LINE_LABEL.groupindex == re.compile(structure._ANY_LABEL.pattern).groupindex
    assert structure._LINE_LABEL.groups == re.compile(structure._ANY_LABEL.pattern).groups


@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet=list("①②⑩⑳㊿示例　 \t（一）"), max_size=8), max_size=6))
def test_inline_marks_are_the_circled_numbers_after_each_line_start(lines):
    expected: dict[str, int] = {}
    for index, line in enumerate(lines):
        for mark in structure._CIRCLED_SET.intersection(line.lstrip(structure._SPACE)[1:]):
            expected.setdefault(mark, index)
    assert structure._inline_marks(lines) == expected


def _reference_classify_line(line: str):
    """classify_line as it was before it read the label from the combined match: each
    pattern in order, the first whose label reads."""
    body = line.lstrip(structure._SPACE)
    marker = structure._MD_HEADING.match(body)
    if marker:
        body = body[marker.end():]
    if not body:
        return None
    folded = structure.fold(body)
    for style, pattern in structure._PATTERNS:
        match = re.compile(pattern.pattern).match(folded)
        if not match:
            continue
        try:
            groups = match.groupdict()
            ideograph = groups.get("n3")
            number = (ord(ideograph) - 0x321F if ideograph
                      else structure._number(style, groups["n"] or groups.get("n2")))
            sub = groups.get("sub")
            sub_number = structure.cn_to_int(sub) if sub else None
        except ValueError:
            continue
        label = body[:match.end()]
        rest = body[match.end():]
        if style in structure._EN_HEADINGS and rest[:1].isalnum():
            continue
        heading = rest.lstrip(structure._SPACE)
        return structure.Candidate(style, label, number, sub_number, heading, strong=(heading != rest or not rest))
    return None


_LABEL_START = st.sampled_from(["", " ", "\u3000", "## ", "#\t", "####### "])


@settings(max_examples=1500, deadline=None)
@given(_LABEL_START, _LABELISH, _LABELISH)
def test_classify_line_reads_the_label_from_the_combined_match_as_the_patterns_did(start, line, tail):
    line = start + line + tail
    candidate = structure.classify_line(line)
    assert candidate == _reference_classify_line(line)
    assert candidate is None or type(candidate) is structure.Candidate


def test_classify_line_equals_the_reference_on_every_corpus_line(manifest):
    from tests.conftest import CORPUS

    lines = {line for document in manifest["documents"] for version in document["versions"]
             for line in (CORPUS / version["file"]).read_text(encoding="utf-8").split("\n")}
    lines |= {"Articles 3 x", "Section 3a", "第十十条 x", "第一百零一百条", "㈢ 甲", "Part IIX. x", "CHAPTER 4"}
    for line in lines:
        assert structure.classify_line(line) == _reference_classify_line(line), line


def test_new_block_is_the_block_of_the_dataclass():
    """parse makes its blocks with model.new_block (fields set at once); they must be the
    very Block(...) of the same fields: equal, same hash, same vars() in the same order."""
    import pickle

    from policydiff.model import Block, new_block

    fields = dict(index=3, kind=BlockKind.MEASURE, level="article", label="第三条", number=3, sub_number=None,
                  heading="示例", text="示例", raw="第三条 示例\n", start=10, parent=1, ordinal=2)
    made, reference = new_block(**fields), Block(**fields)
    assert made == reference and hash(made) == hash(reference) and repr(made) == repr(reference)
    assert list(vars(made).items()) == list(vars(reference).items())
    assert pickle.dumps(made) == pickle.dumps(reference)
    without_ordinal = {k: v for k, v in fields.items() if k != "ordinal"}
    assert vars(new_block(**without_ordinal)) == vars(Block(**without_ordinal))
    assert type(made) is Block


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=list("①②⑩⑳㊿示例　 \t（一）\n"), max_size=60))
def test_inline_marks_of_the_text_are_those_of_its_lines(text):
    lines, offsets = structure._split_lines(text)
    marks, starts = structure._inline_marks_of_text(text, lines, offsets)
    assert marks == structure._inline_marks(lines)
    assert starts == [i for i, line in enumerate(lines) if line.lstrip(structure._SPACE)[:1] in structure._CIRCLED_SET]


def test_inline_marks_of_corpus_texts_are_those_of_their_lines(manifest):
    from tests.conftest import CORPUS

    for document in manifest["documents"][::3]:
        for version in document["versions"]:
            text = (CORPUS / version["file"]).read_text(encoding="utf-8")
            lines, offsets = structure._split_lines(text)
            marks, starts = structure._inline_marks_of_text(text, lines, offsets)
            assert marks == structure._inline_marks(lines)
            assert starts == [i for i, line in enumerate(lines)
                              if line.lstrip(structure._SPACE)[:1] in structure._CIRCLED_SET]


@settings(max_examples=800, deadline=None)
@given(_LABEL_START, _LABELISH, st.sampled_from(["", "條", "第十條", "節", "编"]), _LABELISH)
def test_classify_with_the_folded_line_equals_classify_line(start, head, traditional, tail):
    """parse hands classify the folded line (fold(line), or the line itself when the text
    holds no traditional character): the same candidate as classify_line's own fold."""
    line = start + head + traditional + tail
    assert structure._classify(line, structure.fold(line)) == structure.classify_line(line)
    if not structure.has_traditional(line):
        assert structure._classify(line, line) == structure.classify_line(line)


def _reference_table_of_contents(lines, candidates):
    """_table_of_contents as a walk over every line (before it grouped the runs from the
    heading-style candidate lines)."""
    key = structure._unspaced
    last_by_text, last_by_label = {}, {}
    for line_no in sorted(candidates):
        cand = candidates[line_no]
        last_by_text[key(lines[line_no])] = line_no
        last_by_label[(cand.style, cand.number, cand.sub_number)] = line_no
    first_article = min((i for i, c in candidates.items() if c.style in ("article", "en-article")),
                        default=len(lines))
    toc, line_no, n = set(), 0, len(lines)
    while line_no < n:
        run = []
        while line_no < n and line_no in candidates and candidates[line_no].style in structure._TOC_STYLES:
            run.append(line_no)
            line_no += 1
        if not run:
            line_no += 1
            continue
        earliest_last = []
        for i in run:
            recurs_at = last_by_text[key(lines[i])]
            earliest_last.append(min(recurs_at, earliest_last[-1]) if earliest_last else recurs_at)
        for length in range(len(run), 1, -1):
            if earliest_last[length - 1] > run[length - 1]:
                toc.update(run[:length])
                break
        head = candidates[run[0]]
        label = (head.style, head.number, head.sub_number)
        if len(run) >= 2 and head.style in structure._LAW_STYLES and run[0] < first_article \
                and last_by_label[label] > run[0]:
            again = next((j for j, i in enumerate(run) if j and
                          (candidates[i].style, candidates[i].number, candidates[i].sub_number) == label), len(run))
            if again >= 2:
                toc.update(run[:again])
    return toc


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(["第一章 总则", "第二章 管理", "第一章 总则", "第一节 甲", "一、甲", "二、乙", "第一条 甲",
                                 "第二条 乙", "示例文本。", "目录", "Chapter 1 x", "Part I x", "（一）甲", "第一编 甲"]),
                max_size=30))
def test_table_of_contents_from_runs_equals_the_walk(lines):
    candidates = {i: c for i, line in enumerate(lines) if (c := structure.classify_line(line)) is not None}
    assert structure._table_of_contents(lines, candidates) == _reference_table_of_contents(lines, candidates)


def test_table_of_contents_from_runs_equals_the_walk_on_corpus_texts(manifest):
    from tests.conftest import CORPUS

    for document in manifest["documents"][::2]:
        for version in document["versions"]:
            lines, _ = structure._split_lines((CORPUS / version["file"]).read_text(encoding="utf-8"))
            candidates = {i: c for i, line in enumerate(lines) if (c := structure.classify_line(line)) is not None}
            assert structure._table_of_contents(lines, candidates) == _reference_table_of_contents(lines, candidates)


def test_bare_heading_test_is_the_pattern_s():
    """structure._is_bare_heading == re.match(r"^[\u4e00-\u9fff]+$", text) (issue 14: no
    CJK range to compile), on every corpus line and its white-space-free form and random
    strings around the range's ends and newlines."""
    import random
    import re

    from tests.conftest import CORPUS

    pattern = re.compile(r"^[\u4e00-\u9fff]+$")
    samples = {line for path in sorted(CORPUS.rglob("*.md")) for line in path.read_text(encoding="utf-8").split("\n")}
    samples |= {structure._unspaced(line.strip()) for line in list(samples)}
    rng = random.Random(14)
    alphabet = ["\u4dff", "\u4e00", "\u4e01", "\u9ffe", "\u9fff", "\ua000", "附", "则", "a", "1", "\n", " ", "。", "\u3000"]
    samples |= {"".join(rng.choice(alphabet) for _ in range(rng.randint(0, 6))) for _ in range(20000)}
    for text in samples:
        assert structure._is_bare_heading(text) == bool(pattern.match(text)), repr(text)


def test_header_line_variant_matches_as_the_full_pattern():
    """structure._header_line (the year alternative alone for a line that cannot hold a
    文号, issue 14) == _HEADER_LINE.match on every corpus line and fictional header lines."""
    import random
    import re

    from tests.conftest import CORPUS

    full = re.compile(structure._HEADER_LINE.pattern)
    lines = {line.strip() for path in sorted(CORPUS.rglob("*.md")) for line in path.read_text(encoding="utf-8").split("\n")}
    rng = random.Random(14)
    pieces = ["（", "(", "2024", "二〇二四", "年", "示府发", "〔2020〕", "[2021]", "1号", "号", "）", ")", " ", "示例", "20"]
    lines |= {"".join(rng.choice(pieces) for _ in range(rng.randint(1, 8))) for _ in range(20000)}
    kinds = set()
    for line in sorted(lines):
        got, want = structure._header_line(line), full.match(line)
        assert (got and got.span()) == (want and want.span()), line
        kinds.add((structure.P.DOC_NO.cannot_match(line), bool(want)))
    assert kinds == {(True, True), (True, False), (False, True), (False, False)}
