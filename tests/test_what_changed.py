"""What counts as a change (issue 11, class 4): white space only is `unchanged`;
punctuation width only is `modified` + `editorial` with its raw similarity and the report
says 「仅标点/格式修改」; penalties have their own flag; the modal flag needs an old and a
new text to compare. Small fictional documents, then corpus pairs by path."""

from __future__ import annotations

import re

from policydiff import structure
from policydiff.compare import compare
from policydiff.docbuild import DocBuilder
from policydiff.model import ChangeKind, Version
from policydiff.render.html import comparison_html as render_html
from policydiff.render.markdown import comparison_markdown as render_markdown

from .conftest import CORPUS

TITLE = "示例市市容管理条例(测试用虚构文本)"


def _version(texts: list[str]) -> Version:
    b = DocBuilder(title=TITLE)
    for n, text in enumerate(texts, 1):
        b.measure(f"第{n}条", n, text)
    doc = b.build()
    return Version(work=None, version=None, meta=doc.meta, has_text=True, document=doc)


BASE = [
    "为了加强示例市市容管理，制定本条例。",
    "申请人应当提交下列材料：\n　　（一）申请书；\n　　（二）身份证明。",
    "违反本条例规定，擅自设置户外广告的，由城市管理部门责令限期拆除，处五千元以上五万元以下罚款。",
    "市容管理部门可以委托街道办事处开展日常巡查。",
]


def _changes(old_texts, new_texts):
    c = compare(_version(old_texts), _version(new_texts))
    return c, {(ch.old, ch.new): ch for ch in c.changes}


def test_white_space_only_is_unchanged_without_flags():
    new = list(BASE)
    new[1] = "申请人应当提交下列材料： \n  （一）申请书；\n  （二）身份证明。"
    c, by = _changes(BASE, new)
    ch = by[((2,), (2,))]
    assert ch.kind is ChangeKind.UNCHANGED and ch.flags == () and ch.similarity == 1.0
    assert c.summary()["unchanged"] == 4 and c.summary()["modified"] == 0
    # still lossless: the redline rebuilds both texts, white space included
    assert "".join(t for op, t in ch.segments if op != "+") == BASE[1]
    assert "".join(t for op, t in ch.segments if op != "-") == new[1]


def test_punctuation_width_only_is_editorial_with_raw_similarity_and_said_so():
    new = list(BASE)
    new[2] = BASE[2].replace("，", ",").replace("。", ".")
    c, by = _changes(BASE, new)
    ch = by[((3,), (3,))]
    assert ch.kind is ChangeKind.MODIFIED and ch.flags == ("editorial",)
    assert 0.8 < ch.similarity < 1.0
    html = render_html(c)
    card = re.search(r'<article class="change[^"]*" id="change-3".*?</article>', html, re.S).group(0)
    assert "仅标点/格式修改" in card and "相似度 1.00" not in card
    # a real rewording is editorial at most, never "format only"
    other = list(BASE)
    other[2] = BASE[2].replace("第", "第", 1).replace("五千元", "5000元")
    c2, by2 = _changes(BASE, other)
    assert by2[((3,), (3,))].flags == ("editorial",)
    assert "仅标点/格式修改" not in render_html(c2)
    assert "仅标点/格式修改" in render_markdown(c)


def test_penalty_flag_on_a_lowered_prison_term_and_a_fine():
    old = BASE + ["犯本条例所列罪行的，处五年以下有期徒刑或者拘役。"]
    new = BASE[:2] + [BASE[2].replace("五万元", "十万元"), BASE[3], "犯本条例所列罪行的，处三年以下有期徒刑或者拘役。"]
    _, by = _changes(old, new)
    assert "penalty" in by[((5,), (5,))].flags
    assert {"money", "penalty"} <= set(by[((3,), (3,))].flags)


def test_modal_flag_only_when_the_force_changed():
    new = list(BASE) + ["本条例所称户外广告，是指利用户外场所设置的广告，设置人应当定期维护。"]
    new[3] = BASE[3].replace("可以", "应当")
    _, by = _changes(BASE, new)
    assert by[((4,), (4,))].flags == ("modal",)
    added = by[((), (5,))]
    assert added.kind is ChangeKind.ADDED and "modal" not in added.flags


def _corpus(path: str) -> Version:
    doc = structure.parse((CORPUS / path).read_text(encoding="utf-8"))
    return Version(work=None, version=None, meta=doc.meta, has_text=True, document=doc, path=path)


def test_corpus_added_and_removed_articles_carry_no_modal_flag_and_unchanged_no_flags():
    # 反洗钱法 2006 -> 2024: many articles added and removed, most of them with 应当
    c = compare(_corpus("law-3c642d3d/2006-10-31.md"), _corpus("law-3c642d3d/2024-11-08.md"))
    one_sided = [ch for ch in c.changes if ch.kind in (ChangeKind.ADDED, ChangeKind.REMOVED)]
    assert len(one_sided) >= 5
    assert not any("modal" in ch.flags for ch in one_sided)
    assert all(not ch.flags for ch in c.changes if ch.kind is ChangeKind.UNCHANGED)


def test_corpus_fine_changes_raise_the_penalty_flag():
    # 反洗钱法 2006 -> 2024 raised its fines: the changed penalty articles are flagged
    c = compare(_corpus("law-3c642d3d/2006-10-31.md"), _corpus("law-3c642d3d/2024-11-08.md"))
    fines = [ch for ch in c.changes if ch.kind is ChangeKind.MODIFIED and "penalty" in ch.flags]
    assert fines, "no modified penalty article flagged"
    for ch in fines:
        old_text = "".join(t for op, t in ch.segments if op != "+")
        assert re.search("罚款|罚金|有期徒刑|拘役|吊销|责令|没收", old_text)
