"""Articles carried together into a newly carved container (issue 11 §3, `moved` is
consistent): a container only the new version has (a new 第X章 or 第X节) that took a run
of articles of an old container, in their order, is one structural change, said once on
that container (`ContainerMatch.carried` / `container_changes[].carried_in`), and those
articles are not each `moved`; an article that came alone, or out of order, still is.

Fictional documents (测试用虚构文本) and corpus pairs."""

from __future__ import annotations

import json

import pytest

from policydiff.align import align, carried_runs, dissolved_runs, moved_units
from policydiff.compare import compare
from policydiff.docbuild import DocBuilder
from policydiff.model import Document, Version
from policydiff.render.docx import comparison_docx
from policydiff.render.html import comparison_html
from policydiff.render.json import comparison_json
from policydiff.render.markdown import comparison_markdown
from policydiff.render.revisions import revision_pieces
from policydiff.render.table import table_rows
from policydiff.render.text import comparison_text

from .conftest import docx_comment_texts
from .test_align_containers import corpus_pair

TITLE = "示例市社区服务若干规定(测试用虚构文本)"

# Fictional article texts (invented for these tests; not policy text), distinct by text.
T = [
    "为了规范示例市社区服务，提升居民生活便利程度，结合本市实际，制定本规定。",
    "本规定适用于本市行政区域内社区服务设施的建设、运营和监督。",
    "区民政部门负责统筹本辖区社区服务设施的布局规划和运营评估。",
    "社区食堂应当公示菜品价格和食材来源，接受居民监督。",
    "老年人日间照料中心提供助餐、助浴和康复训练服务，收费标准报区民政部门备案。",
    "社区图书室每周开放不少于四十小时，节假日照常开放。",
    "社区卫生服务站应当为辖区居民建立健康档案，每年组织一次免费体检。",
    "物业服务企业应当配合社区开展垃圾分类宣传，设置分类投放点并保持整洁。",
    "社区志愿服务时长可以兑换公共文化场馆的优惠服务。",
    "居民议事会每季度召开一次，讨论公共空间改造和停车位分配方案。",
    "社区托育点应当配备持证保育人员，每班幼儿不超过二十人。",
    "快递驿站设置在社区的，应当规定营业时间并保持通道畅通。",
    "居民对社区服务质量有异议的，可以向街道社区服务中心投诉，中心应当在十日内答复。",
    "本规定自公布之日起施行。",
    "社区应当设置无障碍通道和休息座椅，方便老年人和残疾人出行。",  # only in new versions
]

# 总则 1-3, 设施服务 4-9 (食堂…垃圾分类…志愿), 居民自治 10-12, 附则 13-14
BASE = [("总则", [0, 1, 2]), ("设施服务", [3, 4, 5, 6, 7, 8]), ("居民自治", [9, 10, 11]), ("附则", [12, 13])]


def doc(chapters) -> Document:
    """chapters: (heading, [article keys] or [(section heading, [keys]), ...])."""
    b = DocBuilder(title=TITLE)
    n = 0

    def articles(keys):
        nonlocal n
        for k in keys:
            n += 1
            b.measure(f"第{n}条", n, T[k])

    for c, (heading, body) in enumerate(chapters, 1):
        with b.container(f"第{c}章", c, heading):
            if body and isinstance(body[0], tuple):
                for s, (section, keys) in enumerate(body, 1):
                    with b.container(f"第{s}节", s, section, level="section"):
                        articles(keys)
            else:
                articles(body)
    return b.build()


def carried(old: Document, new: Document):
    al = align(old, new)
    runs = [(new.blocks[c.new].heading, old.blocks[r.old_container].heading, r.old, r.new)
            for c in al.containers for r in c.carried]
    moved = sorted(m.old[0] for m in al.matches if m.moved)
    return al, runs, moved


def test_new_chapter_carved_from_the_tail_of_one_is_one_change_not_three_moves():
    # 社区志愿 (new 第三章) takes old 第七、八、九条 of 设施服务, in order
    new = doc([("总则", [0, 1, 2]), ("设施服务", [3, 4, 5]), ("社区志愿", [6, 7, 8]), ("居民自治", [9, 10, 11]),
               ("附则", [12, 13])])
    al, runs, moved = carried(doc(BASE), new)
    assert runs == [("社区志愿", "设施服务", (7, 8, 9), (7, 8, 9))]
    assert moved == []
    # the container itself is added (no old counterpart), not moved
    box = next(c for c in al.containers if c.carried)
    assert box.old is None and not box.moved


def test_run_need_not_be_adjacent_in_the_old_chapter_but_must_keep_its_order():
    # old 第四、六、八条 (with 第五、七条 staying in 设施服务) go together into a new chapter
    # placed before it, with a new article between them: one run (together where they
    # now stand, in their old order)
    new = doc([("总则", [0, 1, 2]), ("餐饮文化", [3, 14, 5, 7]), ("设施服务", [4, 6, 8]),
               ("居民自治", [9, 10, 11]), ("附则", [12, 13])])
    _, runs, moved = carried(doc(BASE), new)
    assert runs == [("餐饮文化", "设施服务", (4, 6, 8), (4, 6, 7))] and moved == []
    # an article of another chapter between them parts them: each is a move of its own
    new = doc([("总则", [0, 1, 2]), ("餐饮文化", [3, 10, 5]), ("设施服务", [4, 6, 7, 8]),
               ("居民自治", [9, 11]), ("附则", [12, 13])])
    _, runs, moved = carried(doc(BASE), new)
    assert runs == [] and moved == [4, 6, 11]


def test_article_alone_or_out_of_order_is_still_moved():
    old = doc(BASE)
    # a lone article into a new chapter: moved, no run
    lone = doc([("总则", [0, 1, 2]), ("设施服务", [3, 4, 5, 7, 8]), ("卫生健康", [6]), ("居民自治", [9, 10, 11]),
                ("附则", [12, 13])])
    _, runs, moved = carried(old, lone)
    assert runs == [] and moved == [7]
    # out of order inside the new chapter: the longest in-order run is carried, the
    # article that jumped ahead is moved
    jumbled = doc([("总则", [0, 1, 2]), ("设施服务", [3, 4]), ("社区志愿", [8, 5, 6, 7]), ("居民自治", [9, 10, 11]),
                   ("附则", [12, 13])])
    _, runs, moved = carried(old, jumbled)
    assert runs == [("社区志愿", "设施服务", (6, 7, 8), (7, 8, 9))] and moved == [9]


def test_runs_from_two_chapters_and_an_interleaved_one():
    old = doc(BASE)
    # a new chapter takes 设施服务's 第八、九条 and then 居民自治's 第十、十一条: two runs
    two = doc([("总则", [0, 1, 2]), ("设施服务", [3, 4, 5, 6]), ("共建共治", [7, 8, 9, 10]), ("居民自治", [11]),
               ("附则", [12, 13])])
    _, runs, moved = carried(old, two)
    assert runs == [("共建共治", "设施服务", (8, 9), (8, 9)), ("共建共治", "居民自治", (10, 11), (10, 11))]
    assert moved == []
    # interleaved (设施服务, 居民自治, 设施服务): no two articles of one chapter sit
    # together, so each is a move of its own
    mixed = doc([("总则", [0, 1, 2]), ("设施服务", [3, 4, 5, 6]), ("共建共治", [7, 9, 8]), ("居民自治", [10, 11]),
                 ("附则", [12, 13])])
    _, runs, moved = carried(old, mixed)
    assert runs == [] and moved == [8, 9, 10]


def test_new_section_carved_inside_a_matched_chapter():
    # 设施服务 gains sections; its second section 文体服务 is new and takes old 第五、六、七条
    # from the old first section 餐饮照料, which keeps only 第四条: carried into the new
    # section, not moved; and a chapter merely divided into sections moves nothing
    old = doc([("总则", [0, 1, 2]), ("设施服务", [("餐饮照料", [3, 4, 5, 6]), ("环境志愿", [7, 8])]),
               ("附则", [12, 13])])
    new = doc([("总则", [0, 1, 2]), ("设施服务", [("餐饮照料", [3]), ("文体服务", [4, 5, 6]), ("环境志愿", [7, 8])]),
               ("附则", [12, 13])])
    _, runs, moved = carried(old, new)
    assert runs == [("文体服务", "餐饮照料", (5, 6, 7), (5, 6, 7))] and moved == []


def dissolved(old: Document, new: Document):
    al = align(old, new)
    runs = [(old.blocks[c.old].heading, new.blocks[r.new_container].heading, r.old, r.new)
            for c in al.containers for r in c.carried_out]
    moved = sorted(m.old[0] for m in al.matches if m.moved)
    return al, runs, moved


def test_dissolved_chapter_merged_into_another_is_one_change():
    # 居民自治 is dissolved and its three articles join 设施服务, in order: said once on
    # the removed chapter (carried_out), not three moves
    new = doc([("总则", [0, 1, 2]), ("设施服务", [3, 4, 5, 6, 7, 8, 9, 10, 11]), ("附则", [12, 13])])
    al, runs, moved = dissolved(doc(BASE), new)
    assert runs == [("居民自治", "设施服务", (10, 11, 12), (10, 11, 12))] and moved == []
    box = next(c for c in al.containers if c.carried_out)
    assert box.new is None and not box.carried
    # out of order, or alone, still moved; a run split between two chapters is two
    # lone moves (each went its own way)
    new = doc([("总则", [0, 1, 2]), ("设施服务", [3, 11, 4, 5, 6, 7, 8, 9, 10]), ("附则", [12, 13])])
    _, runs, moved = dissolved(doc(BASE), new)
    assert runs == [("居民自治", "设施服务", (10, 11), (11, 12))] and moved == [12]
    new = doc([("总则", [0, 1, 2, 9]), ("设施服务", [3, 4, 5, 6, 7, 8, 10]), ("附则", [11, 12, 13])])
    _, runs, moved = dissolved(doc(BASE), new)
    assert runs == [] and moved == [10, 11, 12]


def test_dissolved_section_whose_articles_join_another_chapter():
    old = doc([("总则", [0, 1, 2]), ("设施服务", [("餐饮照料", [3, 4]), ("文体卫生", [5, 6, 7])]),
               ("居民自治", [9, 10, 11]), ("附则", [12, 13])])
    new = doc([("总则", [0, 1, 2]), ("设施服务", [3, 4]), ("居民自治", [9, 10, 11, 5, 6, 7]), ("附则", [12, 13])])
    _, runs, moved = dissolved(old, new)
    assert runs == [("文体卫生", "居民自治", (6, 7, 8), (9, 10, 11))] and moved == []


def test_benchmark_truth_uses_the_same_definition():
    # moved_units without the runs computes them itself: the benchmark's truth and the
    # aligner's flags cannot disagree
    old = doc(BASE)
    new = doc([("总则", [0, 1, 2]), ("设施服务", [3, 4, 5]), ("社区志愿", [6, 7, 8]), ("居民自治", [9, 10, 11]),
               ("附则", [12, 13])])
    al = align(old, new)
    cmap = {c.old: c.new for c in al.containers if c.old is not None and c.new is not None}
    units = sorted((tuple(i - 1 for i in m.old), tuple(j - 1 for j in m.new)) for m in al.matches if m.old and m.new)
    assert moved_units(units, old, new, cmap) == set()
    runs = carried_runs(units, old, new, cmap)
    assert len(runs) == 1 and [units[k] for k in runs[0][2]] == [((6,), (6,)), ((7,), (7,)), ((8,), (8,))]
    merged = doc([("总则", [0, 1, 2]), ("设施服务", [3, 4, 5, 6, 7, 8, 9, 10, 11]), ("附则", [12, 13])])
    al = align(old, merged)
    cmap = {c.old: c.new for c in al.containers if c.old is not None and c.new is not None}
    units = sorted((tuple(i - 1 for i in m.old), tuple(j - 1 for j in m.new)) for m in al.matches if m.old and m.new)
    assert moved_units(units, old, merged, cmap) == set()
    assert len(dissolved_runs(units, old, merged, cmap)) == 1


def versions(old: Document, new: Document):
    return (Version(work="example-community", version="2021", meta=old.meta, has_text=True, document=old),
            Version(work="example-community", version="2024", meta=new.meta, has_text=True, document=new))


CARVED = [("总则", [0, 1, 2]), ("设施服务", [3, 4, 5]), ("社区志愿", [6, 7, 8]), ("居民自治", [9, 10, 11]),
          ("附则", [12, 13])]


def test_every_format_says_the_run_once():
    c = compare(*versions(doc(BASE), doc(CARVED)))
    assert c.summary()["moved"] == 0
    # JSON: additive key on every container change, filled on the added one
    data = json.loads(comparison_json(c))
    assert all("carried_in" in cc for cc in data["container_changes"])
    [added] = [cc for cc in data["container_changes"] if cc["carried_in"]]
    assert added["kind"] == "added" and added["new_heading"] == "社区志愿"
    assert added["carried_in"] == [{"old_container": c.old.document.containers[1].index, "old_label": "第2章",
                                    "old_heading": "设施服务", "old": [7, 8, 9], "new": [7, 8, 9],
                                    "old_labels": ["第7条", "第8条", "第9条"],
                                    "new_labels": ["第7条", "第8条", "第9条"]}]
    text = comparison_text(c)
    assert text.count("carried in together") == 1
    assert "carried in together from 第2章 设施服务: 第7条–第9条 (3) → 第7条–第9条" in text
    zh = comparison_markdown(c, lang="zh")
    assert zh.count("整体移入") == 2  # the container's line and the note
    assert "由旧版第2章 设施服务的第7条至第9条（共 3 条）整体移入，现为第7条至第9条" in zh
    en = comparison_markdown(c, lang="en")
    assert "carried in together from old 第2章 设施服务: 第7条–第9条 (3 measure(s)), now 第7条–第9条" in en
    html = comparison_html(c)
    assert html.count('data-carried="true"') == 1 and html.count('class="container-carried"') == 1
    assert 'class="container-carried-note"' in html
    rows = table_rows(c, lang="zh")
    notes = [r["note"] for r in rows if r["kind"] == "container" and r.get("note")]
    assert notes == ["由旧版第2章 设施服务的第7条至第9条（共 3 条）整体移入，现为第7条至第9条"]


def test_docx_notes_the_run_on_the_new_heading_and_once_at_the_old_place():
    c = compare(*versions(doc(BASE), doc(CARVED)))
    notes = [p.note for p in revision_pieces(c) if p.note]
    # no per-article "moved_old"/"moved_new" notes: the heading and the run's first old
    # article say it
    assert set(notes) <= {"container_carried_new", "carried_old"} and notes.count("container_carried_new") == 1
    assert notes.count("carried_old") <= 1
    for lang, needle in (("zh", "新设第3章 社区志愿：由旧版第2章 设施服务的第7条至第9条"),
                         ("en", "New 第3章 社区志愿: carried in together from old 第2章 设施服务")):
        texts = docx_comment_texts(comparison_docx(c, lang=lang))
        assert any(t.startswith(needle) for t in texts), texts
        assert not any("移动：" in t and "整体" not in t for t in texts), texts


MERGED = [("总则", [0, 1, 2]), ("设施服务", [3, 4, 5, 6, 7, 8, 9, 10, 11]), ("附则", [12, 13])]


def test_every_format_says_a_dissolved_run_once():
    c = compare(*versions(doc(BASE), doc(MERGED)))
    assert c.summary()["moved"] == 0
    data = json.loads(comparison_json(c))
    assert all("carried_out" in cc for cc in data["container_changes"])
    [removed] = [cc for cc in data["container_changes"] if cc["carried_out"]]
    assert removed["kind"] == "removed" and removed["old_heading"] == "居民自治"
    assert removed["carried_out"] == [{"new_container": c.new.document.containers[1].index, "new_label": "第2章",
                                       "new_heading": "设施服务", "old": [10, 11, 12], "new": [10, 11, 12],
                                       "old_labels": ["第10条", "第11条", "第12条"],
                                       "new_labels": ["第10条", "第11条", "第12条"]}]
    text = comparison_text(c)
    assert "  carried out together to 第2章 设施服务: 第10条–第12条 (3) → 第10条–第12条" in text
    zh = comparison_markdown(c, lang="zh")
    assert "其中旧版第10条至第12条（共 3 条）整体移入新版第2章 设施服务，现为第10条至第12条" in zh
    assert "整体移入或移出" in zh
    en = comparison_markdown(c, lang="en")
    assert "its 第10条–第12条 (3 measure(s)) carried together into new 第2章 设施服务" in en
    html = comparison_html(c)
    assert html.count('data-carried="true"') == 1
    rows = table_rows(c, lang="zh")
    notes = [r["note"] for r in rows if r["kind"] == "container" and r.get("note")]
    assert notes == ["由已删除的旧版第3章 居民自治的第10条至第12条（共 3 条）整体移入，现为第10条至第12条"]
    notes = [p.note for p in revision_pieces(c) if p.note]
    assert set(notes) <= {"container_carried_old", "carried_new"} and notes.count("container_carried_old") == 1
    texts = docx_comment_texts(comparison_docx(c, lang="zh"))
    assert any(t.startswith("删除第3章 居民自治：其中旧版第10条至第12条") for t in texts), texts


@pytest.mark.parametrize("title, old_year, new_year, container, source, old_labels, fewer", [
    # 第十六章 在法定刑以下判处刑罚和特殊假释的核准 (new) took old 第十三章 第二审程序's
    # 第三百三十六条…第三百四十三条, each flagged before
    ("最高人民法院关于适用《刑事诉讼法》的解释", "2012", "2021", "在法定刑以下判处刑罚和特殊假释的核准",
     "第二审程序", [f"第三百{x}条" for x in ("三十六", "三十七", "三十八", "三十九", "四十", "四十一", "四十二", "四十三")],
     8),
    # 第二章 管理与指挥体制 (new) gathered old 总则's 第四、七、八、十四、十六条, in order
    # (3 flags fewer: old 第七条 is a split, new 第十七条 + 第十八条, since expansions
    # (align.join_expansions), and a split carries no `moved` flag of its own)
    ("突发事件应对法", "2007", "2024", "管理与指挥体制", "总则",
     ["第四条", "第七条", "第八条", "第十四条", "第十六条"], 3),
])
def test_corpus_new_container_carries_its_run(title, old_year, new_year, container, source, old_labels, fewer,
                                             monkeypatch):
    old, new = corpus_pair(title, old_year, new_year)
    al = align(old, new)
    runs = [r for c in al.containers for r in c.carried if new.blocks[c.new].heading.replace(" ", "") == container]
    assert [(r.old_heading.replace(" ", ""), list(r.old_labels)) for r in runs] == [(source, old_labels)]
    run = runs[0]
    assert not any(m.moved for m in al.matches if m.old and m.old[0] in run.old)
    # without the runs (the definition before them) this run's articles were flagged
    # one by one (at least `fewer` of them), and no other flag changes for its sake
    import policydiff.align as align_module
    monkeypatch.setattr(align_module, "carried_runs", lambda *args, **kwargs: [])
    before = align(old, new)
    flagged_before = {m.old[0] for m in before.matches if m.moved}
    flagged_after = {m.old[0] for m in al.matches if m.moved}
    others = {o for c in al.containers for r in (*c.carried, *c.carried_out) for o in r.old if r is not run}
    assert flagged_after <= flagged_before
    assert len(flagged_before & set(run.old)) >= fewer
    assert flagged_before - flagged_after <= set(run.old) | others


@pytest.mark.parametrize("title, old_year, new_year, container, target, old_labels, fewer", [
    # old 第五章 防治海岸工程建设项目… dissolved into new 第五章 工程建设项目污染防治 (with old
    # 第六章): its 第四十二、四十四(merged)、四十五、四十六条 together, 3 flags fewer
    ("海洋环境保护法", "2017", "2023", "防治海岸工程建设项目对海洋环境的污染损害", "工程建设项目污染防治",
     ["第四十二条", "第四十四条", "第四十五条", "第四十六条"], 3),
])
def test_corpus_dissolved_container_carries_its_run_out(title, old_year, new_year, container, target, old_labels,
                                                        fewer, monkeypatch):
    old, new = corpus_pair(title, old_year, new_year)
    al = align(old, new)
    runs = [r for c in al.containers for r in c.carried_out
            if c.old is not None and old.blocks[c.old].heading.replace(" ", "") == container]
    assert [(r.new_heading.replace(" ", ""), list(r.old_labels)) for r in runs] == [(target, old_labels)]
    assert not any(m.moved for m in al.matches if m.old and m.old[0] in runs[0].old)
    import policydiff.align as align_module
    monkeypatch.setattr(align_module, "dissolved_runs", lambda *args, **kwargs: [])
    before = align(old, new)
    flagged_before = {m.old[0] for m in before.matches if m.moved}
    flagged_after = {m.old[0] for m in al.matches if m.moved}
    assert flagged_after <= flagged_before and flagged_before - flagged_after == set(runs[0].old) & flagged_before
    assert len(flagged_before & set(runs[0].old)) == fewer


def test_run_invariants_on_random_restructurings():
    # Random fictional restructurings (articles dealt into chapters that keep, change or
    # lose their headings, some new): every run holds >= 2 units of the old order, no
    # measure is in two runs, no run member is `moved`, and the runs unflag exactly their
    # own 1:1 members (compared with the same alignment with runs switched off).
    import random

    import policydiff.align as align_module

    headings = ["总则", "设施服务", "居民自治", "附则", "社区志愿", "餐饮文化", "共建共治", "卫生健康"]
    rng = random.Random(11)
    checked = across = 0
    for _ in range(60):
        keys = list(range(14))
        old_chapters = [(h, []) for h in rng.sample(headings, 4)]
        for k in keys:
            old_chapters[min(3, k * 4 // 14)][1].append(k)
        new_keys = [k for k in keys if rng.random() > 0.1] + ([14] if rng.random() < 0.5 else [])
        if rng.random() < 0.5:  # a run moves as a block somewhere else
            a = rng.randrange(len(new_keys))
            b = min(len(new_keys), a + rng.randint(2, 4))
            block = new_keys[a:b]
            del new_keys[a:b]
            at = rng.randrange(len(new_keys) + 1)
            new_keys[at:at] = block
        n_new = rng.randint(2, 5)
        cuts = sorted(rng.sample(range(1, len(new_keys)), n_new - 1)) if len(new_keys) > n_new else []
        parts = [new_keys[i:j] for i, j in zip([0, *cuts], [*cuts, len(new_keys)])]
        new_chapters = [(h, p) for h, p in zip(rng.sample(headings, len(parts)), parts) if p]
        old, new = doc([c for c in old_chapters if c[1]]), doc(new_chapters)
        al = align(old, new)
        runs = [r for c in al.containers for r in (*c.carried, *c.carried_out)]
        seen: set[int] = set()
        for r in runs:
            assert len(r.old) >= 2 and not (seen & set(r.old)), (old_chapters, new_chapters)
            seen |= set(r.old)
        moved = {m.old[0] for m in al.matches if m.moved}
        assert not moved & seen
        # runs into a container both versions have (crossing_runs): they left one matched
        # container (not this one's match) and stand together here: every matched new
        # measure from the run's first to its last came from the container they left
        cmap = {c.old: c.new for c in al.containers if c.old is not None and c.new is not None}
        old_of_new = {j: i for m in al.matches for i in m.old for j in m.new}
        for c in al.containers:
            if c.old is None or c.new is None:
                continue
            for r in c.carried:
                assert r.old_container in cmap and cmap[r.old_container] != c.new
                assert all(old.measures[i - 1].parent == r.old_container for i in r.old)
                assert all(new.measures[j - 1].parent == c.new for j in r.new)
                between = [j for j in range(r.new[0], r.new[-1] + 1) if j in old_of_new]
                assert all(old.measures[old_of_new[j] - 1].parent == r.old_container for j in between), \
                    (old_chapters, new_chapters)
                across += 1
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(align_module, "carried_runs", lambda *args, **kwargs: [])
            mp.setattr(align_module, "dissolved_runs", lambda *args, **kwargs: [])
            mp.setattr(align_module, "crossing_runs", lambda *args, **kwargs: [])
            before = {m.old[0] for m in align(old, new).matches if m.moved}
        ones = {m.old[0] for m in al.matches if len(m.old) == 1 and len(m.new) == 1}
        assert moved <= before and before - moved == before & seen & ones, (old_chapters, new_chapters)
        checked += bool(runs)
    assert checked >= 20, checked  # the generator makes runs, not only plain moves
    assert across >= 5, across  # and runs between containers both versions have
