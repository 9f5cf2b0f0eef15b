"""Articles that moved together between two containers both versions have (issue 11 §3,
`moved` is consistent, third round): a block of articles, standing together where they
now are and in their old order, that left one matched container for another matched
container (not the one their old container matched to) is one change, said once on the
container that took them (`ContainerMatch.carried` / `container_changes[].carried_in` of
a matched container, whose `old_container` names the one they left), and those articles
are not each `moved`; an article that moved alone, out of order, or parted from its
fellows by an article that stayed or came from elsewhere still is.

Fictional documents (测试用虚构文本, the chapters and texts of test_carried_runs) and one
corpus pair (公司法 2018 → 2023)."""

from __future__ import annotations

import io
import json

import pytest

from policydiff.align import align, crossing_runs, moved_units
from policydiff.compare import compare
from policydiff.render.docx import comparison_docx
from policydiff.render.html import comparison_html
from policydiff.render.json import comparison_json
from policydiff.render.markdown import comparison_markdown
from policydiff.render.revisions import revision_pieces
from policydiff.render.table import table_rows
from policydiff.render.text import comparison_text
from policydiff.render.xlsx import table_xlsx

from .conftest import docx_comment_texts
from .test_align_containers import corpus_pair
from .test_carried_runs import BASE, doc, versions

# BASE: 总则 第1-3条 (keys 0-2), 设施服务 第4-9条 (keys 3-8), 居民自治 第10-12条 (keys 9-11),
# 附则 第13-14条 (keys 12-13)


def crossing(old, new):
    """(heading of the matched container that took the run, heading of the old container
    the run left, old ordinals, new ordinals) per run into a matched container, and the
    old ordinals of the `moved` matches."""
    al = align(old, new)
    runs = [(new.blocks[c.new].heading, r.old_heading, r.old, r.new)
            for c in al.containers if c.old is not None and c.new is not None for r in c.carried]
    moved = sorted(m.old[0] for m in al.matches if m.moved)
    return al, runs, moved


# 设施服务's 第四、五条 (食堂, 日间照料) now close 居民自治 (new 第十一、十二条)
ACROSS = [("总则", [0, 1, 2]), ("设施服务", [5, 6, 7, 8]), ("居民自治", [9, 10, 11, 3, 4]), ("附则", [12, 13])]


def test_articles_that_left_a_matched_chapter_together_for_another_are_one_change():
    al, runs, moved = crossing(doc(BASE), doc(ACROSS))
    assert runs == [("居民自治", "设施服务", (4, 5), (11, 12))]
    assert moved == []
    # said on the matched container that took them; it is neither added nor moved
    box = next(c for c in al.containers if c.carried)
    assert box.old is not None and box.new is not None and not box.moved
    # without the rule (the definition before it) both were flagged
    import policydiff.align as align_module
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(align_module, "crossing_runs", lambda *args, **kwargs: [])
        assert sorted(m.old[0] for m in align(doc(BASE), doc(ACROSS)).matches if m.moved) == [4, 5]


def test_gaps_on_the_old_side_and_new_text_between_them_keep_the_run():
    # old 第四、六条 (第五条 stays behind) go together, with a new article between them:
    # "together" is judged where they now stand, in their old order
    new = doc([("总则", [0, 1, 2]), ("设施服务", [4, 6, 7, 8]), ("居民自治", [9, 10, 11, 3, 14, 5]),
               ("附则", [12, 13])])
    _, runs, moved = crossing(doc(BASE), new)
    assert runs == [("居民自治", "设施服务", (4, 6), (11, 13))] and moved == []


def test_lone_out_of_order_or_parted_articles_stay_moved():
    old = doc(BASE)
    # alone
    lone = doc([("总则", [0, 1, 2]), ("设施服务", [4, 5, 6, 7, 8]), ("居民自治", [9, 10, 11, 3]), ("附则", [12, 13])])
    _, runs, moved = crossing(old, lone)
    assert runs == [] and moved == [4]
    # two, swapped: no two in their old order, each is a move of its own
    swapped = doc([("总则", [0, 1, 2]), ("设施服务", [5, 6, 7, 8]), ("居民自治", [9, 10, 11, 4, 3]),
                   ("附则", [12, 13])])
    _, runs, moved = crossing(old, swapped)
    assert runs == [] and moved == [4, 5]
    # three, one jumped ahead: the two in order are the run, the third is moved
    jumbled = doc([("总则", [0, 1, 2]), ("设施服务", [6, 7, 8]), ("居民自治", [9, 10, 11, 5, 3, 4]),
                   ("附则", [12, 13])])
    _, runs, moved = crossing(old, jumbled)
    assert runs == [("居民自治", "设施服务", (4, 5), (11, 12))] and moved == [6]
    # parted by an article that stayed in 居民自治
    parted = doc([("总则", [0, 1, 2]), ("设施服务", [5, 6, 7, 8]), ("居民自治", [9, 3, 10, 4, 11]),
                  ("附则", [12, 13])])
    _, runs, moved = crossing(old, parted)
    assert runs == [] and moved == [4, 5]
    # parted by an article that came from another chapter (总则's 第三条)
    mixed = doc([("总则", [0, 1]), ("设施服务", [5, 6, 7, 8]), ("居民自治", [9, 10, 11, 3, 2, 4]),
                 ("附则", [12, 13])])
    _, runs, moved = crossing(old, mixed)
    assert runs == [] and moved == [3, 4, 5]


def test_two_runs_from_two_chapters_into_one():
    # 附则 takes 设施服务's 第八、九条 and then 居民自治's 第十一、十二条: two runs, said
    # on 附则 in new order
    new = doc([("总则", [0, 1, 2]), ("设施服务", [3, 4, 5, 6]), ("居民自治", [9]), ("附则", [12, 7, 8, 10, 11, 13])])
    _, runs, moved = crossing(doc(BASE), new)
    assert runs == [("附则", "设施服务", (8, 9), (10, 11)), ("附则", "居民自治", (11, 12), (12, 13))]
    assert moved == []


def test_between_matched_sections_of_matched_chapters():
    # 文体卫生's 第六、七条 go together to the head of 环境志愿 (another matched section);
    # sections that merely stay where they are move nothing
    old = doc([("总则", [0, 1, 2]), ("设施服务", [("餐饮照料", [3, 4]), ("文体卫生", [5, 6, 7]), ("环境志愿", [8, 9])]),
               ("附则", [12, 13])])
    new = doc([("总则", [0, 1, 2]), ("设施服务", [("餐饮照料", [3, 4]), ("文体卫生", [7]), ("环境志愿", [5, 6, 8, 9])]),
               ("附则", [12, 13])])
    _, runs, moved = crossing(old, new)
    assert runs == [("环境志愿", "文体卫生", (6, 7), (7, 8))] and moved == []


def test_a_run_into_an_added_container_is_not_said_again():
    # carried_runs' case (a new chapter): the run is on the added container only
    new = doc([("总则", [0, 1, 2]), ("设施服务", [3, 4, 5]), ("社区志愿", [6, 7, 8]), ("居民自治", [9, 10, 11]),
               ("附则", [12, 13])])
    al = align(doc(BASE), new)
    assert [c.old for c in al.containers if c.carried] == [None]


def test_benchmark_truth_uses_the_same_definition():
    old, new = doc(BASE), doc(ACROSS)
    al = align(old, new)
    cmap = {c.old: c.new for c in al.containers if c.old is not None and c.new is not None}
    units = sorted((tuple(i - 1 for i in m.old), tuple(j - 1 for j in m.new)) for m in al.matches if m.old and m.new)
    assert moved_units(units, old, new, cmap) == set()
    runs = crossing_runs(units, old, new, cmap)
    assert len(runs) == 1 and [units[k] for k in runs[0][2]] == [((3,), (10,)), ((4,), (11,))]
    # a unit already in another run is not taken again
    assert crossing_runs(units, old, new, cmap, skip=runs[0][2]) == []


def test_every_format_says_the_run_once():
    c = compare(*versions(doc(BASE), doc(ACROSS)))
    assert c.summary()["moved"] == 0
    data = json.loads(comparison_json(c))
    [took] = [cc for cc in data["container_changes"] if cc["carried_in"]]
    # a matched container (its heading and label unchanged) with the run; no new key
    assert took["kind"] == "unchanged" and took["new_heading"] == "居民自治" and took["old_heading"] == "居民自治"
    assert took["carried_in"] == [{"old_container": c.old.document.containers[1].index, "old_label": "第2章",
                                   "old_heading": "设施服务", "old": [4, 5], "new": [11, 12],
                                   "old_labels": ["第4条", "第5条"], "new_labels": ["第11条", "第12条"]}]
    assert set(took) == set(data["container_changes"][0])
    text = comparison_text(c)
    assert text.count("carried in together") == 1
    assert "container unchanged: 第3章 居民自治 → 第3章 居民自治" in text
    assert "  carried in together from 第2章 设施服务: 第4条, 第5条 (2) → 第11条, 第12条" in text
    assert "moved 0" in text and "renumbered moved" not in text
    zh = comparison_markdown(c, lang="zh")
    assert zh.count("由旧版第2章 设施服务的第4条、第5条（共 2 条）整体移入，现为第11条、第12条") == 1
    assert zh.count("新旧两版都有的章节共 1 个有一组条文从另一章节整体移入") == 1
    assert "新设或删除的章节" not in zh  # the added/removed note is not said for it
    en = comparison_markdown(c, lang="en")
    assert "carried in together from old 第2章 设施服务: 第4条, 第5条 (2 measure(s)), now 第11条, 第12条" in en
    assert "1 chapter(s) or section(s) of both versions took in a run" in en
    html = comparison_html(c)
    assert html.count('data-carried="true"') == 1 and html.count('class="container-carried"') == 1
    assert html.count('class="container-carried-note"') == 1
    rows = table_rows(c, lang="zh")
    notes = [r["note"] for r in rows if r["kind"] == "container" and r.get("note")]
    assert notes == ["由旧版第2章 设施服务的第4条、第5条（共 2 条）整体移入，现为第11条、第12条"]
    # the 对照表 as xlsx carries the same note on the heading row
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(table_xlsx(c, lang="zh"))).worksheets[0]
    cells = [str(cell.value) for row in sheet.iter_rows() for cell in row if cell.value is not None]
    assert sum(x.count("由旧版第2章 设施服务的第4条、第5条（共 2 条）整体移入") for x in cells) == 1


def test_docx_notes_the_run_once_at_each_place():
    c = compare(*versions(doc(BASE), doc(ACROSS)))
    notes = [p.note for p in revision_pieces(c) if p.note]
    # no per-article moved_old / moved_new: one note where the run was, one where it is
    assert "moved_old" not in notes and "moved_new" not in notes
    assert notes.count("carried_old") <= 1 and notes.count("carried_across_new") <= 1
    assert notes.count("carried_old") + notes.count("carried_across_new") >= 1
    for lang, needles in (("zh", ("整体移入：旧版第2章 设施服务的第4条、第5条一起移入第3章 居民自治",
                                  "整体移入：新版第11条、第12条由旧版第2章 设施服务一起移来")),
                          ("en", ("Carried together: old 第4条, 第5条 of 第2章 设施服务 moved into 第3章 居民自治",
                                  "Carried together: new 第11条, 第12条 came from old 第2章 设施服务"))):
        texts = docx_comment_texts(comparison_docx(c, lang=lang))
        said = [n for n in needles if any(t.startswith(n) for t in texts)]
        assert len(said) == notes.count("carried_old") + notes.count("carried_across_new"), (texts, notes)
        assert not any(("移动：" in t or "Moved" in t) for t in texts), texts


def test_docx_notes_a_run_kept_in_place_once_on_its_pairing():
    # five of 设施服务's six articles go to 居民自治: the redline keeps the run in place
    # (it outweighs what it passed, 居民自治's heading included), so neither a deletion
    # nor an insertion of the run can carry the note: its first pairing does, once; the
    # matched heading of 居民自治, shown deleted and inserted, is no "new" container
    new = doc([("总则", [0, 1, 2]), ("设施服务", [8]), ("居民自治", [9, 3, 4, 5, 6, 7, 10, 11]), ("附则", [12, 13])])
    _, runs, moved = crossing(doc(BASE), new)
    assert runs == [("居民自治", "设施服务", (4, 5, 6, 7, 8), (6, 7, 8, 9, 10))] and moved == []
    c = compare(*versions(doc(BASE), new))
    pieces = revision_pieces(c)
    notes = [p.note for p in pieces if p.note]
    assert notes.count("carried_across_inline") == 1
    assert not {"container_carried_new", "carried_old", "carried_across_new"} & set(notes)
    [inline] = [p for p in pieces if p.note == "carried_across_inline"]
    assert inline.old_blocks and inline.new_blocks and inline.change.old == (4,)
    for lang, needle in (("zh", "整体移入：旧版第2章 设施服务的第4条至第8条一起移入第3章 居民自治，现为第6条至第10条"),
                         ("en", "Carried together: old 第4条–第8条 of 第2章 设施服务 moved into 第3章 居民自治, now")):
        texts = docx_comment_texts(comparison_docx(c, lang=lang))
        assert sum(t.startswith(needle) for t in texts) == 1, texts
        assert not any(t.startswith(("新设", "New ")) for t in texts), texts


def test_corpus_company_law_shares_issue_articles_are_one_change(monkeypatch):
    # 公司法 2018 → 2023: old 第八十六至八十八条 (募集设立's 招股说明书, 承销, 代收股款)
    # left 第四章 第一节 设立 (matched to new 第五章 第一节 设立) for new 第六章 第一节
    # 股份发行, where they stand together as 第一百五十四至一百五十六条 (read in both texts)
    old, new = corpus_pair("公司法", "2018", "2023")
    al = align(old, new)
    runs = [(new.blocks[c.new].heading.replace(" ", ""), r.old_heading.replace(" ", ""), list(r.old_labels),
             list(r.new_labels))
            for c in al.containers if c.old is not None and c.new is not None for r in c.carried]
    assert ("股份发行", "设立", ["第八十六条", "第八十七条", "第八十八条"],
            ["第一百五十四条", "第一百五十五条", "第一百五十六条"]) in runs
    run_old = {o for c in al.containers if c.old is not None and c.new is not None for r in c.carried for o in r.old}
    assert not any(m.moved for m in al.matches if m.old and m.old[0] in run_old)
    import policydiff.align as align_module
    monkeypatch.setattr(align_module, "crossing_runs", lambda *args, **kwargs: [])
    before = align(old, new)
    flagged_before = {m.old[0] for m in before.matches if m.moved}
    flagged_after = {m.old[0] for m in al.matches if m.moved}
    # exactly the runs' articles are unflagged, nothing else changes
    assert flagged_after <= flagged_before and flagged_before - flagged_after == run_old & flagged_before
    assert len(run_old & flagged_before) >= 3


def test_run_invariants_on_every_corpus_pair():
    # On the 78 consecutive corpus pairs: runs are disjoint and hold >= 2 units; a run
    # into a container both versions have left a matched container that is not its match,
    # its articles sit directly in the two, and every matched article between its first
    # and last came from there; no run member is `moved`; the runs unflag exactly their
    # own 1:1 members (the same alignment with the three run rules off).
    import policydiff.align as align_module
    from policydiff.intake import load_file

    from .conftest import CORPUS

    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    pairs = crossing = 0
    for document in manifest["documents"]:
        files = [CORPUS / v["file"] for v in document["versions"]]
        for old_file, new_file in zip(files, files[1:]):
            old, new = load_file(old_file).document, load_file(new_file).document
            al = align(old, new)
            cmap = {c.old: c.new for c in al.containers if c.old is not None and c.new is not None}
            old_of_new = {j: i for m in al.matches for i in m.old for j in m.new}
            seen: set[int] = set()
            for c in al.containers:
                for r in (*c.carried, *c.carried_out):
                    assert len(r.old) >= 2 and not seen & set(r.old), (old_file, r)
                    seen |= set(r.old)
                    if c.old is None or c.new is None:
                        continue
                    crossing += 1
                    assert r.old_container in cmap and cmap[r.old_container] != c.new, (old_file, r)
                    assert all(old.measures[i - 1].parent == r.old_container for i in r.old), (old_file, r)
                    assert all(new.measures[j - 1].parent == c.new for j in r.new), (old_file, r)
                    assert all(old.measures[old_of_new[j] - 1].parent == r.old_container
                               for j in range(r.new[0], r.new[-1] + 1) if j in old_of_new), (old_file, r)
            moved = {m.old[0] for m in al.matches if m.moved}
            assert not moved & seen, old_file
            if seen:
                with pytest.MonkeyPatch.context() as mp:
                    for rule in ("carried_runs", "dissolved_runs", "crossing_runs"):
                        mp.setattr(align_module, rule, lambda *args, **kwargs: [])
                    before = {m.old[0] for m in align(old, new).matches if m.moved}
                ones = {m.old[0] for m in al.matches if len(m.old) == 1 and len(m.new) == 1}
                assert moved <= before and before - moved == before & seen & ones, old_file
            pairs += 1
    assert pairs >= 78 and crossing >= 1, (pairs, crossing)
