"""mdbody: the archive's structured Markdown body reads back exactly; hand edits count.

Fixture documents are fictional and say so in their title."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from policydiff.docbuild import DocBuilder
from policydiff.model import BlockKind, Document
from policydiff.mdbody import from_markdown, to_markdown
from policydiff.structure import parse

from .conftest import SEED
from ._cleantext import clean_file
from .test_structure import _FRAGMENTS, check_invariants


def assert_round_trip(doc: Document) -> str:
    body = to_markdown(doc)
    back = from_markdown(body, doc.meta)
    assert back.text == doc.text
    assert back.blocks == doc.blocks
    assert back.notes == doc.notes
    assert back == doc
    assert to_markdown(back) == body, "writing is deterministic"
    return body


def test_seed_round_trip_and_shape():
    doc = parse(clean_file(SEED))
    body = assert_round_trip(doc)
    lines = body.split("\n")
    assert "## 一、主要举措" in lines
    assert "### (一)培育世界一流的创新型企业" in lines or "### （一）培育世界一流的创新型企业" in lines
    assert "#### 1.支持科技型小微企业发展" in lines
    assert "### 15.加强组织领导" in lines
    assert "<!-- policydiff: text closing -->" in lines
    headings = [line for line in lines if line.startswith("#")]
    assert len(headings) == 17 + 7


def test_every_corpus_file_round_trips(manifest):
    from .conftest import CORPUS

    count = 0
    for document in manifest["documents"]:
        for version in document["versions"]:
            assert_round_trip(parse(clean_file(CORPUS / version["file"])))
            count += 1
    assert count == 155


FICTIONAL = """示例市促进创新若干措施(测试用虚构文本)
为促进创新，制定本措施。
一、支持企业
（一）支持研发
1.支持基础研究
#井号开头的行
\\反斜杠开头的行
<!-- policydiff: text preamble -->
2.支持应用研究
（二）支持转化
3.支持成果转化
本措施自印发之日起施行。
"""


def test_escaping_and_markers_in_source_text():
    doc = parse(FICTIONAL)
    body = assert_round_trip(doc)
    assert "\\#井号开头的行" in body.split("\n")
    assert "\\\\反斜杠开头的行" in body.split("\n")
    assert "\\<!-- policydiff: text preamble -->" in body.split("\n")


def test_demoting_a_measure_by_hand():
    doc = parse(FICTIONAL)
    body = to_markdown(doc)
    assert "#### 2.支持应用研究" in body
    edited = body.replace("#### 2.支持应用研究", "2.支持应用研究")
    back = from_markdown(edited)
    check_invariants(back)
    assert back.text == doc.text, "a hand edit of markers never changes the text"
    assert [m.label for m in back.measures] == ["1.", "3."]
    assert back.measures[0].text.endswith("2.支持应用研究")


def test_promoting_and_renesting_by_hand():
    doc = parse(FICTIONAL)
    body = to_markdown(doc)
    # Promote a line to a measure and move measure 3 up to 一、 directly.
    edited = body.replace("\n\\#井号开头的行", "\n#### \\#井号开头的行")
    edited = edited.replace("#### 3.支持成果转化", "### 3.支持成果转化")
    back = from_markdown(edited)
    check_invariants_except_labels(back)
    assert back.text.replace("\\#", "#") == doc.text
    measures = [(m.label, back.path(m)) for m in back.measures]
    assert measures[-1] == ("3.", ("一、",))
    # （二） lost its only measure: by the leaf rule it is now a measure itself.
    assert [b.kind for b in back.blocks if b.label == "（二）"] == [BlockKind.MEASURE]


def check_invariants_except_labels(doc: Document) -> None:
    assert "".join(b.raw for b in doc.blocks) == doc.text
    assert [m.ordinal for m in doc.measures] == list(range(1, len(doc.measures) + 1))


def test_docbuild_documents_round_trip():
    b = DocBuilder(title="示例市促进创新办法(测试用虚构文本)")
    with b.container("第一章", 1, "总则", level="chapter"):
        b.measure("第一条", 1, "为了促进创新，制定本办法。")
        b.text("本章说明文字。", level="paragraph")
        b.measure("第一条之一", 1, "新增条文。", sub_number=1)
    with b.container("第二章", 2, "空章", level="chapter"):
        pass
    b.measure("特别条款", 9, "不按语法编号的条款。", level="article")
    assert_round_trip(b.build())


def test_notes_and_missing_final_newline():
    doc = parse("示例说明(测试用虚构文本)\n没有编号的文字\n最后一行没有换行")
    assert doc.notes
    body = assert_round_trip(doc)
    assert body.endswith("<!-- policydiff: no-final-newline -->\n")


@pytest.mark.parametrize("text", ["", "\n", "\n\n", " \n\u3000\n", "一、甲\n\n二、乙\n", "#\n\\\n"])
def test_edge_texts(text):
    assert_round_trip(parse(text))


def test_blank_lines_are_paragraph_separators_only():
    doc = parse(FICTIONAL)
    body = to_markdown(doc)
    squeezed = body.replace("\n\n", "\n")
    assert from_markdown(squeezed).blocks == doc.blocks


@settings(max_examples=300, deadline=None)
@given(st.lists(_FRAGMENTS, max_size=60).map("".join))
def test_round_trip_on_generated_texts(text):
    assert_round_trip(parse(text))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_round_trip_on_any_text(text):
    assert_round_trip(parse(text))


@pytest.mark.parametrize("bad", [
    "<!-- policydiff: txt preamble -->",
    "<!-- policydiff: text preamble",
    "<!-- policydiff: text preamble {not json} -->",
    "<!-- policydiff: text preamble \"a string\" -->",
    "<!-- policydiff: text {\"depth\": \"x\"} -->",
])
def test_damaged_marker_is_refused_with_its_line(bad):
    from policydiff.errors import BadInputError

    body = to_markdown(parse(FICTIONAL)) + "\n" + bad + "\n"
    with pytest.raises(BadInputError, match=r"line \d+ .*damaged policydiff marker"):
        from_markdown(body)


def test_empty_container_keeps_its_kind():
    doc = parse("示例条例(测试用虚构文本)\n第一章 总则\n第一条 甲。\n第二章 （删除）\n第三章 附则\n第二条 乙。\n")
    body = assert_round_trip(doc)
    assert "<!-- policydiff: container -->\n## 第二章 （删除）" in body
