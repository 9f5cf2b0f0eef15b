"""Container matching (align stage 9): the candidate search that avoids scoring every
old x new container pair must choose exactly what scoring every pair chooses, on small
fictional documents that exercise each way a container pair can pass (shared measures,
the same heading without shared measures, two empty containers, sections that became
chapters, repeated headings)."""

from __future__ import annotations

from policydiff.align import AlignSettings, _ratio, align, container_score, max_weight_assignment, normalize
from policydiff.docbuild import DocBuilder
from policydiff.model import Document

TITLE = "示例市社区服务若干规定(测试用虚构文本)"

# Fictional article texts (invented for the tests; not policy text), distinct by text alone.
T = {k: v for k, v in enumerate([
    "为了规范示例市社区服务，提升居民生活便利程度，结合本市实际，制定本规定。",
    "本规定适用于本市行政区域内社区服务设施的建设、运营和监督。",
    "区民政部门负责统筹本辖区社区服务设施的布局规划和运营评估。",
    "社区食堂应当公示菜品价格和食材来源，接受居民监督。",
    "老年人日间照料中心提供助餐、助浴和康复训练服务，收费标准报区民政部门备案。",
    "社区图书室每周开放不少于四十小时，节假日照常开放。",
    "社区卫生服务站应当为辖区居民建立健康档案，每年组织一次免费体检。",
    "物业服务企业应当配合社区开展垃圾分类宣传，设置分类投放点并保持整洁。",
    "社区志愿服务时长可以兑换公共文化场馆的优惠服务。",
    "居民对社区服务质量有异议的，可以向街道社区服务中心投诉，中心应当在十日内答复。",
    "本规定自公布之日起施行。",
    "社区托育点应当配备持证保育人员，每班幼儿不超过二十人。",
])}


def chapter_doc(chapters, level: str = "chapter") -> Document:
    """chapters: (heading, [article keys]); articles numbered through."""
    b = DocBuilder(title=TITLE)
    n = 0
    for c, (heading, keys) in enumerate(chapters, 1):
        with b.container(f"第{c}章", c, heading, level=level):
            for k in keys:
                n += 1
                b.measure(f"第{n}条", n, T[k])
    return b.build()


def reference_pairs(old: Document, new: Document, edges, s: AlignSettings) -> dict[int, tuple[int, float]]:
    """Every old x new container pair scored with stage 9's `container_score` (what the
    code did before the candidate search), then the same assignment: {old index: (new
    index, score)}. The check is of the search, so the score itself is shared."""
    def held(doc: Document) -> dict[int, set[int]]:
        out: dict[int, set[int]] = {}
        for k, m in enumerate(doc.measures):
            for c in doc.ancestors(m):
                out.setdefault(c.index, set()).add(k)
        return out

    old_held, new_held = held(old), held(new)
    old_c, new_c = old.containers, new.containers
    rows = []
    for oc in old_c:
        oset = old_held.get(oc.index, set())
        row = []
        for col, nc in enumerate(new_c):
            nset = new_held.get(nc.index, set())
            shared = sum(1 for i, j in edges if i in oset and j in nset)
            score = container_score(s, len(oset), len(nset), shared,
                                    _ratio(normalize(oc.heading), normalize(nc.heading)), nc.level != oc.level)
            if score is not None:
                row.append((col, score))
        rows.append(row)
    chosen = max_weight_assignment(len(old_c), rows)
    scores = {(r, c): w for r, row in enumerate(rows) for c, w in row}
    return {old_c[r].index: (new_c[c].index, round(scores[(r, c)], 4)) for r, c in chosen.items()}


def check_same_as_reference(old: Document, new: Document) -> dict[int, int]:
    al = align(old, new)
    edges = [(i - 1, j - 1) for m in al.matches for i in m.old for j in m.new]
    got = {c.old: (c.new, c.similarity) for c in al.containers if c.old is not None and c.new is not None}
    assert got == reference_pairs(old, new, edges, al.settings)
    return {k: v[0] for k, v in got.items()}


BASE = [("总则", [0, 1, 2]), ("设施服务", [3, 4, 5, 6]), ("社会参与", [7, 8]), ("附则", [9, 10])]


def test_identical_renamed_and_moved_chapters_match_as_scoring_every_pair():
    old = chapter_doc(BASE)
    check_same_as_reference(old, chapter_doc(BASE))
    check_same_as_reference(old, chapter_doc([("总则", [0, 1, 2]), ("便民设施", [3, 4, 5, 6]),
                                              ("社会参与", [7, 8]), ("附则", [9, 10])]))
    check_same_as_reference(old, chapter_doc([("总则", [0, 1, 2]), ("社会参与", [7, 8]),
                                              ("设施服务", [3, 4, 5, 6]), ("附则", [9, 10])]))


def test_emptied_chapter_matches_on_its_heading_alone():
    # 社会参与 keeps its heading but loses both articles to 设施服务: no measure in common.
    old = chapter_doc(BASE)
    new = chapter_doc([("总则", [0, 1, 2]), ("设施服务", [3, 4, 5, 6, 7, 8]), ("社会参与", []),
                       ("附则", [9, 10])])
    mapping = check_same_as_reference(old, new)
    assert mapping[old.containers[2].index] == new.containers[2].index


def test_empty_containers_match_on_heading_similarity():
    old = chapter_doc([("总则", [0, 1]), ("设施服务（待定）", []), ("附则", [9, 10])])
    new = chapter_doc([("总则", [0, 1]), ("设施服务", []), ("附则", [9, 10])])
    mapping = check_same_as_reference(old, new)
    assert mapping[old.containers[1].index] == new.containers[1].index


def test_repeated_headings_and_sections_become_chapters():
    # Three chapters headed 「附则」 (a compilation of several texts) and sections that
    # became chapters: every candidate kind at once.
    old = chapter_doc([("总则", [0, 1]), ("附则", [2]), ("设施服务", [3, 4]), ("附则", [5]),
                       ("社会参与", [7, 8]), ("附则", [9, 10])])
    new = chapter_doc([("总则", [0, 1]), ("附则", [2]), ("附则", [11]), ("设施服务", [3, 4]),
                       ("社会参与", [7, 8]), ("附则", [9, 10]), ("附则", [6])])
    check_same_as_reference(old, new)
    b = DocBuilder(title=TITLE)
    with b.container("第一章", 1, "总则"):
        b.measure("第1条", 1, T[0])
    with b.container("第二章", 2, "设施服务"):
        with b.container("第一节", 1, "餐饮", level="section"):
            b.measure("第2条", 2, T[3])
            b.measure("第3条", 3, T[4])
        with b.container("第二节", 2, "文化", level="section"):
            b.measure("第4条", 4, T[5])
    sections = b.build()
    chapters = chapter_doc([("总则", [0]), ("餐饮", [3, 4]), ("文化", [5])])
    check_same_as_reference(sections, chapters)


# --- moved: a container's move is reported once, on the container ------------------------

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from policydiff.compare import compare  # noqa: E402
from policydiff.intake import load_file  # noqa: E402
from policydiff.model import Version  # noqa: E402
from policydiff.render.markdown import comparison_markdown  # noqa: E402
from policydiff.render.text import comparison_text  # noqa: E402

from .conftest import CORPUS, docx_comment_texts  # noqa: E402


def moved_report(old: Document, new: Document):
    al = align(old, new)
    moved_articles = sorted(m.old[0] for m in al.matches if m.moved)
    moved_chapters = [old.blocks[c.old].heading for c in al.containers if c.moved]
    return al, moved_articles, moved_chapters


def test_whole_chapter_moves_once_and_its_articles_are_not_each_moved():
    # 社会参与 (old 8-9) moves before 设施服务 (old 4-7): one container move.
    old = chapter_doc(BASE)
    new = chapter_doc([("总则", [0, 1, 2]), ("社会参与", [7, 8]), ("设施服务", [3, 4, 5, 6]), ("附则", [9, 10])])
    _, articles, chapters = moved_report(old, new)
    assert chapters == ["社会参与"] and articles == []


def test_article_moving_inside_a_moved_chapter_is_still_moved():
    old = chapter_doc(BASE)
    # 设施服务 moves to the end and, inside it, old 第4条 goes after old 第7条.
    new = chapter_doc([("总则", [0, 1, 2]), ("社会参与", [7, 8]), ("附则", [9, 10]), ("设施服务", [4, 5, 6, 3])])
    _, articles, chapters = moved_report(old, new)
    assert chapters == ["设施服务"] and articles == [4]


def test_chapter_that_stays_while_a_neighbour_moves_is_not_moved():
    # 附则 (2 articles) moves to the front: the three chapters it passed stay, their
    # containers and their 9 articles are not moved.
    old = chapter_doc(BASE)
    new = chapter_doc([("附则", [9, 10]), ("总则", [0, 1, 2]), ("设施服务", [3, 4, 5, 6]), ("社会参与", [7, 8])])
    al, articles, chapters = moved_report(old, new)
    assert chapters == ["附则"] and articles == []
    # an article that leaves its chapter for another one is moved, the chapter is not
    new = chapter_doc([("总则", [0, 1, 2]), ("设施服务", [3, 4, 5]), ("社会参与", [7, 6, 8]), ("附则", [9, 10])])
    _, articles, chapters = moved_report(old, new)
    assert chapters == [] and articles == [7]


def test_container_move_said_once_in_reports_in_both_languages():
    old = chapter_doc(BASE)
    new = chapter_doc([("总则", [0, 1, 2]), ("社会参与", [7, 8]), ("设施服务", [3, 4, 5, 6]), ("附则", [9, 10])])

    def version(doc, v):
        return Version(work="example-community", version=v, meta=doc.meta, has_text=True, document=doc)

    c = compare(version(old, "2021"), version(new, "2024"))
    assert [cc.moved for cc in c.container_changes].count(True) == 1
    assert c.summary()["moved"] == 0
    text = comparison_text(c)
    # 社会参与 is renumbered and moved; 设施服务, only renumbered, is not moved
    assert text.count(", moved:") == 1 and "container renumbered, moved: 第3章 社会参与 → 第2章 社会参与" in text
    assert "container renumbered: 第2章 设施服务 → 第3章 设施服务" in text
    zh = comparison_markdown(c, lang="zh")
    assert zh.count("整体移动") == 2  # the container's line and the note that explains it
    assert "重新编号（整体移动）：第3章 社会参与 → 第2章 社会参与" in zh
    en = comparison_markdown(c, lang="en")
    assert "renumbered (moved as a whole)：第3章 社会参与" in en and "not each flagged" in en


def corpus_pair(title: str, old_year: str, new_year: str):
    import json

    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    document = next(d for d in manifest["documents"] if d["title"] == title)
    by_year = {v["date"][:4]: CORPUS / v["file"] for v in document["versions"]}
    if old_year not in by_year or new_year not in by_year:
        pytest.fail(f"corpus lacks {title} {old_year}/{new_year}")
    return load_file(Path(by_year[old_year])).document, load_file(Path(by_year[new_year])).document


@pytest.mark.parametrize("title, old_year, new_year, heading", [
    # 第六章 人身权利 moved up to 第三章 人身和人格权益 (14 articles with it)
    ("妇女权益保障法", "2018", "2022", "人身权利"),
    # 第二章 第四节 国有独资公司的特别规定 became 第七章 国家出资公司组织机构的特别规定
    ("公司法", "2018", "2023", "国有独资公司的特别规定"),
])
def test_corpus_container_move_is_one_move_not_one_per_article(title, old_year, new_year, heading):
    old, new = corpus_pair(title, old_year, new_year)
    al = align(old, new)
    moved = [c for c in al.containers if c.moved]
    assert [old.blocks[c.old].heading.replace(" ", "") for c in moved] == [heading]
    container = moved[0]
    went_along = [m for m in al.matches if len(m.old) == 1 and len(m.new) == 1
                  and old.measures[m.old[0] - 1].parent == container.old
                  and new.measures[m.new[0] - 1].parent == container.new]
    assert len(went_along) >= 4  # 妇女权益保障法: old 第三十六、三十七、三十九、四十一条 (flagged before)
    # the reader's count: the articles that went along with the container are not
    # moved (their order inside it kept), so the flags are the container's one move
    # plus the articles that really moved on their own
    assert not any(m.moved for m in went_along)
    # ... and every flagged article either changed container or is out of order inside it
    cmap = {c.old: c.new for c in al.containers if c.old is not None and c.new is not None}
    for m in al.matches:
        if m.moved:
            i, j = m.old[0] - 1, m.new[0] - 1
            changed = cmap.get(old.measures[i].parent) != new.measures[j].parent
            same_box = [x for x in al.matches if len(x.old) == 1 and len(x.new) == 1
                        and cmap.get(old.measures[x.old[0] - 1].parent) == new.measures[j].parent
                        and new.measures[x.new[0] - 1].parent == new.measures[j].parent]
            order = [x.old[0] for x in sorted(same_box, key=lambda x: x.new)]
            assert changed or order != sorted(order), (m, title)


def test_docx_redline_notes_the_container_move_once():
    # The tracked-changes Word file must delete the moved chapter where it was and insert
    # it where it is: one note on the chapter, none on each article that went along.
    from policydiff.render.docx import comparison_docx
    from policydiff.render.revisions import revision_pieces

    old = chapter_doc(BASE)
    new = chapter_doc([("总则", [0, 1, 2]), ("社会参与", [7, 8]), ("设施服务", [3, 4, 5, 6]), ("附则", [9, 10])])

    def version(doc, v):
        return Version(work="example-community", version=v, meta=doc.meta, has_text=True, document=doc)

    c = compare(version(old, "2021"), version(new, "2024"))
    notes = [p.note for p in revision_pieces(c) if p.note]
    assert sorted(notes) == ["container_moved_new", "container_moved_old"]
    for lang, needle in (("zh", "整体移动：旧版第3章 社会参与整体移至新版第2章 社会参与"),
                         ("en", "Moved as a whole: old 第3章 社会参与 is new 第2章 社会参与")):
        texts = docx_comment_texts(comparison_docx(c, lang=lang))
        assert len(texts) == 2 and any(t.startswith(needle) for t in texts), texts


def sectioned_doc(chapters) -> Document:
    """chapters: (heading, [(section heading or None, [article keys])])."""
    b = DocBuilder(title=TITLE)
    n = 0
    for c, (heading, parts) in enumerate(chapters, 1):
        with b.container(f"第{c}章", c, heading):
            for s, (section, keys) in enumerate(parts, 1):
                if section is None:
                    for k in keys:
                        n += 1
                        b.measure(f"第{n}条", n, T[k])
                    continue
                with b.container(f"第{s}节", s, section, level="section"):
                    for k in keys:
                        n += 1
                        b.measure(f"第{n}条", n, T[k])
    return b.build()


def test_chapter_that_gains_or_loses_sections_keeps_its_articles_in_place():
    # 设施服务 is divided into two new sections (and back): its articles stay in their
    # chapter, in order, and are not moved; an article that changes order inside the
    # chapter across the new sections is.
    flat = sectioned_doc([("总则", [(None, [0, 1, 2])]), ("设施服务", [(None, [3, 4, 5, 6])]), ("附则", [(None, [9, 10])])])
    split = sectioned_doc([("总则", [(None, [0, 1, 2])]), ("设施服务", [("餐饮照料", [3, 4]), ("文化卫生", [5, 6])]),
                           ("附则", [(None, [9, 10])])])
    for old, new in ((flat, split), (split, flat)):
        _, articles, chapters = moved_report(old, new)
        assert articles == [] and chapters == []
    reordered = sectioned_doc([("总则", [(None, [0, 1, 2])]), ("设施服务", [("餐饮照料", [4]), ("文化卫生", [5, 6, 3])]),
                               ("附则", [(None, [9, 10])])])
    _, articles, _ = moved_report(flat, reordered)
    assert articles == [4]


@pytest.mark.parametrize("title, old_year, new_year, chapter, went_along", [
    # 第三章 行政复议申请 -> 第二章, now divided into 第一节…第四节: old 第十一、十四、十六条
    # stay in it, in order (they were flagged moved while old 第九条's neighbours were not)
    ("行政复议法", "2017", "2023", "行政复议申请", 3),
    # 第十八章 涉外刑事案件的审理和司法协助 -> 第二十章, now in 第一节/第二节: its articles stay
    ("最高人民法院关于适用《刑事诉讼法》的解释", "2012", "2021", "涉外刑事案件的审理和司法协助", 15),
])
def test_corpus_chapter_divided_into_new_sections_keeps_its_articles(title, old_year, new_year, chapter, went_along):
    old, new = corpus_pair(title, old_year, new_year)
    al = align(old, new)
    box = next(c for c in al.containers if c.old is not None and old.blocks[c.old].heading.replace(" ", "") == chapter)
    assert box.new is not None and not box.moved
    stayed = [m for m in al.matches if len(m.old) == 1 and len(m.new) == 1
              and old.measures[m.old[0] - 1].parent == box.old
              and box.new in {b.index for b in new.ancestors(new.measures[m.new[0] - 1])}
              and new.measures[m.new[0] - 1].parent != box.new]  # now inside a new section
    assert len(stayed) >= went_along
    # flagged only when out of order inside the chapter (among every unit that stayed
    # in it, splits and merges by their first members)
    inside = [m for m in al.matches if m.old and m.new and old.measures[m.old[0] - 1].parent == box.old
              and box.new in {b.index for b in new.ancestors(new.measures[m.new[0] - 1])}]
    order = [m.old[0] for m in sorted(inside, key=lambda m: m.new)]
    for m in stayed:
        at = order.index(m.old[0])
        out_of_order = any(o > m.old[0] for o in order[:at]) or any(o < m.old[0] for o in order[at + 1:])
        if not out_of_order:
            assert not m.moved, (m, title)
    assert sum(not m.moved for m in stayed) >= went_along
