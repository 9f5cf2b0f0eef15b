"""Containers inside article-numbered documents (issue 11, class 3): 「一、管辖」 section
headings over 第X条 articles, a bare 「附则」 heading, Markdown ``#`` headings; a contents
list of those headings is a contents list. Fictional texts (titles say so), then the
corpus by path."""

from __future__ import annotations

from policydiff import structure
from policydiff.compare import compare
from policydiff.model import BlockKind, ChangeKind, Version

from .conftest import CORPUS

INTERPRETATION = """最高人民法院关于审理示例纠纷案件的若干规定(测试用虚构文本)
目录
一、管辖
二、回避
三、附则
一、管辖
第一条 示例纠纷案件由被告住所地人民法院管辖。
第二条 示例纠纷案件的级别管辖依照下列规定确定：
一、标的额在一百万元以下的，由基层人民法院管辖；
二、标的额超过一百万元的，由中级人民法院管辖。
二、回避
第三条 审判人员是本案当事人近亲属的，应当回避。
第四条 当事人申请回避，应当在案件开始审理时提出。
三、附则
第五条 本规定自2030年1月1日起施行。
"""


def _containers(doc):
    return [(c.level, c.label, c.heading, [doc.blocks[k].label for k in range(len(doc.blocks))
                                           if doc.blocks[k].parent == c.index]) for c in doc.containers]


def test_section_headings_hold_their_articles_and_items_stay_items():
    doc = structure.parse(INTERPRETATION)
    assert _containers(doc) == [
        ("cn-section", "一、", "管辖", ["第一条", "第二条"]),
        ("cn-section", "二、", "回避", ["第三条", "第四条"]),
        ("cn-section", "三、", "附则", ["第五条"]),
    ]
    # the heading is not glued to the article before it; the items are the article's
    assert "回避" not in doc.measures[1].text and "由中级人民法院管辖" in doc.measures[1].text
    # the contents list at the top is text, not structure
    toc = [b for b in doc.blocks if b.kind is BlockKind.TEXT and b.level == "toc"]
    assert toc and "二、回避" in toc[0].text
    assert "".join(b.raw for b in doc.blocks) == INTERPRETATION


def test_bare_and_markdown_headings_are_containers():
    text = """示例市河道管理条例(测试用虚构文本)
## 第一章 总则
第一条 为了加强示例市河道管理，制定本条例。
第二条 本条例适用于本市行政区域内的河道。
## 第二章 管理
第三条 河道管理实行河长制。
附　　则
第四条 本条例自2030年1月1日起施行。
"""
    doc = structure.parse(text)
    assert _containers(doc) == [
        ("chapter", "第一章", "总则", ["第一条", "第二条"]),
        ("chapter", "第二章", "管理", ["第三条"]),
        ("heading", "", "附　　则", ["第四条"]),
    ]
    assert all(c.parent is None for c in doc.containers)
    assert "".join(b.raw for b in doc.blocks) == text


def test_wrapped_heading_and_a_title_above_the_first_article_are_not_containers():
    text = """示例市河道管理条例(测试用虚构文本)
河道管理
第一条 为了加强示例市河道管理，制定本条例。
第二条 河道整治应当符合防洪规划。
第一章 河道整治和
岸线保护
第三条 河道整治应当符合防洪规划。
"""
    doc = structure.parse(text)
    assert [c.level for c in doc.containers] == ["chapter"]
    assert doc.measures[0].parent is None and doc.measures[2].parent == doc.containers[0].index
    assert "岸线保护" in doc.containers[0].raw


def _version(text: str) -> Version:
    doc = structure.parse(text)
    return Version(work=None, version=None, meta=doc.meta, has_text=True, document=doc)


def test_a_renamed_section_is_a_container_change_and_redlines_hold_article_text_only():
    new_text = INTERPRETATION.replace("二、回避\n第三条", "二、回避与辞职\n第三条")
    c = compare(_version(INTERPRETATION), _version(new_text))
    assert [(cc.kind, cc.old_heading, cc.new_heading) for cc in c.container_changes if cc.kind != "unchanged"] == [
        ("renamed", "回避", "回避与辞职")]
    assert all(ch.kind is ChangeKind.UNCHANGED for ch in c.changes)
    for ch in c.changes:
        old_text = "".join(t for op, t in ch.segments if op != "+")
        assert "回避与辞职" not in old_text and not old_text.endswith("回避")


def test_corpus_raw_markdown_chapters_are_containers():
    # a corpus file read as plain text keeps its 「## 第X章」 marks: they are chapters,
    # not text glued to the article above
    for path in ("law-3c642d3d/2006-10-31.md", "bj-e48f0cdc/2021-09-24.md"):
        raw = (CORPUS / path).read_text(encoding="utf-8")
        doc = structure.parse(raw)
        marked = [line for line in raw.split("\n") if line.startswith("## 第")]
        assert len([c for c in doc.containers if c.level == "chapter"]) == len(marked), path
        assert not any("## 第" in m.text for m in doc.measures), path


def test_sections_of_a_chapter_that_became_chapters_are_mapped_as_such():
    from policydiff.align import align

    arts = [f"第{n}条 示例市第{n}项河道管理事项的具体规定，适用于第{n}类河道的日常维护与巡查工作。"
            for n in "一二三四五六七八"]
    old = ("示例市河道管理条例(测试用虚构文本)\n第一章 总则\n" + arts[0] + "\n" + arts[1] + "\n"
           "第二章 管理\n第一节 规划\n" + arts[2] + "\n" + arts[3] + "\n第二节 建设\n" + arts[4] + "\n"
           + arts[5] + "\n第三节 维护\n" + arts[6] + "\n" + arts[7] + "\n")
    new = ("示例市河道管理条例(测试用虚构文本)\n第一章 总则\n" + arts[0] + "\n" + arts[1] + "\n"
           "第二章 规划\n" + arts[2] + "\n" + arts[3] + "\n第三章 建设\n" + arts[4] + "\n" + arts[5] + "\n"
           "第四章 维护\n" + arts[6] + "\n" + arts[7] + "\n")
    old_doc, new_doc = structure.parse(old), structure.parse(new)
    al = align(old_doc, new_doc)
    pairs = {(old_doc.blocks[m.old].label if m.old is not None else None,
              new_doc.blocks[m.new].label if m.new is not None else None) for m in al.containers}
    assert {("第一节", "第二章"), ("第二节", "第三章"), ("第三节", "第四章"), ("第一章", "第一章")} <= pairs
    # articles that went with their section are not moved
    assert not any(m.moved for m in al.matches)
