"""Alignment on hard real-world revision classes (issue 11): boilerplate that must not
pair unrelated articles, heavy rewording that must, far splits / merges / absorption.
Small fictional documents first (texts invented for the tests, titles say so), then
corpus pairs by path."""

from __future__ import annotations

from policydiff.align import align, informative_mask, normalize
from policydiff.model import ChangeKind, Document

from .conftest import numbered_doc

TITLE = "示例市生态环境保护条例(测试用虚构文本)"

# Fictional articles. Each pair of texts below shares the stock phrasing of Chinese
# legislation (who acts, under which authority) and nothing else.
FILLER = [
    "为了保护和改善示例市生态环境，推进生态文明建设，制定本条例。",
    "本条例适用于本市行政区域内的生态环境保护及其监督管理活动。",
    "市生态环境部门对全市生态环境保护工作实施统一监督管理。",
    "每年六月为本市生态环境宣传月，新闻媒体应当开展公益宣传。",
    "鼓励公众通过示例市环境服务热线举报破坏生态环境的行为。",
    "本市建立生态环境信息共享平台，汇集监测、执法和许可数据。",
    "市和区人民政府应当将生态环境保护经费列入本级财政预算。",
    "本条例自2030年1月1日起施行。",
]
LAKE = ("本市建立健全示例湖泊水质巡查制度。县级以上人民政府水务行政部门会同生态环境等有关部门，"
        "组织开展湖泊水质季度巡查，巡查结果向社会公布。")
TREES = ("本市建立健全古树名木养护制度。县级以上地方人民政府园林绿化主管部门应当会同有关部门，"
         "组织开展古树名木普查登记，并向社会公布。")
# LAKE reworded by about 70%: one telling clause survives (湖泊水质季度巡查).
LAKE_REWORDED = ("市水务部门负责示例湖泊的保护，组织开展湖泊水质季度巡查，发现蓝藻聚集的，"
                 "应当在二十四小时内通报属地街道办事处。")


def _doc(texts: list[str]) -> Document:
    return numbered_doc(TITLE, texts)


def _rows(old_texts, new_texts):
    return [(m.kind.value, m.old, m.new) for m in align(_doc(old_texts), _doc(new_texts)).matches]


def test_stock_phrases_carry_no_evidence():
    t = normalize(TREES)
    kept = "".join(c for c, m in zip(t, informative_mask(t)) if m)
    assert "古树名木" in kept and "县级以上" not in kept and "会同" not in kept


def test_unrelated_article_sharing_only_boilerplate_is_removed_and_added():
    old = FILLER[:4] + [LAKE] + FILLER[4:]
    new = FILLER[:4] + [TREES] + FILLER[4:]
    rows = _rows(old, new)
    assert ("removed", (5,), ()) in rows and ("added", (), (5,)) in rows


def test_heavy_rewording_in_place_is_still_modified():
    old = FILLER[:4] + [LAKE] + FILLER[4:]
    new = FILLER[:4] + [LAKE_REWORDED] + FILLER[4:]
    assert ("modified", (5,), (5,)) in _rows(old, new)


def _benchmark():
    import importlib.util
    import sys

    from .conftest import REPO

    if "alignment_benchmark" in sys.modules:
        return sys.modules["alignment_benchmark"]
    spec = importlib.util.spec_from_file_location("alignment_benchmark", REPO / "benchmarks" / "alignment.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["alignment_benchmark"] = module
    spec.loader.exec_module(module)
    return module


def test_corpus_boilerplate_similar_replacement_and_heavy_rewording():
    """Real articles of 12 corpus laws: each replaced in place by the most similar-looking
    unrelated article of another law (stock phrasing shared) stays removed + added;
    60-85% rewording in place is still found."""
    from policydiff.align import AlignSettings

    bench = _benchmark()
    sources = bench.corpus_sources()[:12]
    tiers = ["boilerplate-similar unrelated replacement", "60-85% reword in place"]
    results = bench.run(sources, tiers, seed=2, settings=AlignSettings(), baseline=False,
                        pools=bench.make_pools(bench.corpus_sources()))
    trap = results[tiers[0]]["policydiff"]
    reword = results[tiers[1]]["policydiff"]
    assert trap.added >= 20 and trap.added_linked / trap.added <= 0.05, trap.row()
    assert reword.edited_pairs >= 20 and reword.edited_pairs_found / reword.edited_pairs >= 0.95, reword.row()
    assert trap.violations == reword.violations == 0


# Far splits, merges and absorption: fictional articles with a telling clause each.
REPORTING = ("重点排污单位应当安装自动监测设备，并与示例市生态环境监控平台联网。"
             "监测数据异常的，排污单位应当在十二小时内查明原因并书面报告区生态环境部门。")
REPORTING_KEPT = "重点排污单位应当安装自动监测设备，并与示例市生态环境监控平台联网。"
REPORTING_MOVED = "监测数据出现异常的，排污单位应当在十二小时内查明原因，并向区生态环境部门书面报告。"
NOISE = "夜间施工单位应当在施工现场公示噪声防治措施和投诉电话，接受周边居民监督。"
NOISE_MERGED = ("夜间施工单位应当在施工现场公示噪声防治措施和投诉电话，接受周边居民监督；"
                "禁止在居民区内使用高音广播喇叭招揽顾客。")
HORNS = "禁止在居民区内使用高音广播喇叭招揽顾客。"


def test_far_split_part_moved_to_another_place_is_found():
    old = [FILLER[0], REPORTING] + FILLER[1:]
    new = [FILLER[0], REPORTING_KEPT] + FILLER[1:6] + [REPORTING_MOVED] + FILLER[6:]
    al = align(_doc(old), _doc(new))
    assert [(m.kind.value, m.old, m.new) for m in al.matches if m.kind is ChangeKind.SPLIT] == [
        ("split", (2,), (2, 8))]


def test_far_merge_and_absorption_are_found():
    # old 第2条 (noise) + old 第8条 (horns) -> new 第2条: the dropped article's content
    # rewritten into a distant one
    old = [FILLER[0], NOISE] + FILLER[1:6] + [HORNS] + FILLER[6:]
    new = [FILLER[0], NOISE_MERGED] + FILLER[1:]
    al = align(_doc(old), _doc(new))
    assert [(m.kind.value, m.old, m.new) for m in al.matches if m.kind is ChangeKind.MERGED] == [
        ("merged", (2, 8), (2,))]
    assert not [m for m in al.matches if m.kind in (ChangeKind.ADDED, ChangeKind.REMOVED)]


def test_an_unrelated_new_article_sharing_stock_phrases_joins_no_group():
    old = FILLER[:3] + [LAKE] + FILLER[3:]
    new = FILLER[:3] + [LAKE] + FILLER[3:6] + [TREES] + FILLER[6:]
    al = align(_doc(old), _doc(new))
    assert ("added", (), (8,)) in [(m.kind.value, m.old, m.new) for m in al.matches]


def test_corpus_far_splits_merges_absorption():
    """Real articles of 12 corpus laws, split far apart / merged from afar / absorbed,
    each part reworded 20-40%: most groups found exactly, no wrong edge, reconciled."""
    from policydiff.align import AlignSettings

    bench = _benchmark()
    sources = bench.corpus_sources()[:12]
    tiers = ["far split + reword 20-40%", "far merge + reword 20-40%", "absorption + reword 20-40%"]
    results = bench.run(sources, tiers, seed=2, settings=AlignSettings(), baseline=False,
                        pools=bench.make_pools(bench.corpus_sources()))
    for tier in tiers:
        row = results[tier]["policydiff"].row()
        found = row["splits"] if "split" in tier else row["merges"]
        assert found >= 0.75 and row["P"] >= 0.998 and row["violations"] == 0, (tier, row)


def test_hand_checked_real_gold():
    """benchmarks/gold/*.tsv: corpus pairs with heavy renumbering, every sure edge checked
    by reading both texts (reasons in the files). Floors at today's figures (README): edge
    precision >= 0.995 and F1 >= 0.99 on each pair (公司法 2018->2023, a rewrite with many
    reworded moves, is the lowest: 0.978 after its re-audit added a five-way split of old
    第一百四十八条, 0.990 with container filling, expansions and the same subject beside a
    match; 0.998 with the second round of far parts), no reconciliation or lossless violation,
    at least seven tenths of the gold splits/merges found."""
    from policydiff.align import AlignSettings

    rows = _benchmark().real_gold_scores(AlignSettings())
    assert len(rows) >= 4
    for row in rows:
        # every pair meets the 0.995 target (公司法 since the second round of far
        # parts: 0.998, old 第一百四十八条 -> new 第一百八十二条 the one sure edge missed)
        assert row["P"] >= 0.995 and row["F1"] >= 0.995, row
        assert row["violations"] == 0 and row["lossless"] == 0, row
        assert row["groups found"] >= 0.7 * row["groups"], row


# A far weak pair must not beat the true source. Two old articles share the frame
# 「…的设立和组织机构，适用本节规定；本节没有规定的…本条例所称…是指」 with a new one; the true
# source shares more (村集体农场, 村民委员会), but also has a weak, far pair with another new
# article. The assignment sums weights, so the weak pair plus the frame-only pair
# outweighed the true pair alone until pairs that no stage could accept were dropped.
OLD_COOP = ("示范合作社的设立和组织机构，适用本节规定；本节没有规定的，适用本章第一节、第二节的规定。"
            "本条例所称示范合作社，是指只有一个成员单位的合作社。")
OLD_FARM = ("村集体农场的设立和组织机构，适用本节规定；本节没有规定的，适用本章第一节、第二节的规定。"
            "本条例所称村集体农场，是指由村民委员会代表全体村民经营、由镇人民政府授权本镇农业服务中心"
            "履行管理职责的农场。")
NEW_FARM = ("集体所有农场的组织机构，适用本章规定；本章没有规定的，适用本条例其他规定。"
            "本条例所称集体所有农场，是指村民委员会经营的村集体农场、村集体控股农场。")
NEW_FARM_DUTIES = ("集体所有农场，由镇人民政府代表全体村民依法履行管理职责，享有收益。"
                   "镇人民政府可以授权有关部门、机构代表本级人民政府对集体所有农场履行职责。")


def test_a_far_frame_only_pair_does_not_displace_the_true_source():
    old = FILLER[:2] + [OLD_COOP] + FILLER[2:5] + [OLD_FARM] + FILLER[5:]
    new = FILLER[:7] + [NEW_FARM, NEW_FARM_DUTIES] + FILLER[7:]
    rows = _rows(old, new)
    assert ("modified", (7,), (8,)) in rows  # the true source
    assert ("removed", (3,), ()) in rows  # the frame-only look-alike stays removed
    assert ("added", (), (9,)) in rows


def test_a_split_off_part_made_of_stock_phrasing_alone_is_a_part():
    # 「构成犯罪的，依法追究刑事责任。」 split off the end of a penalty article: it has no
    # content of its own to weigh, so its plain containment in the whole decides.
    penalty = ("违反本条例规定，擅自占用示例湖泊岸线堆放建筑垃圾的，由市水务部门责令限期清除，"
               "处五千元以上五万元以下罚款；构成犯罪的，依法追究刑事责任。")
    kept = "违反本条例规定，擅自占用示例湖泊岸线堆放建筑垃圾的，由市水务部门责令限期清除，处五千元以上五万元以下罚款。"
    old = FILLER[:5] + [penalty] + FILLER[5:]
    new = FILLER[:5] + [kept, "构成犯罪的，依法追究刑事责任。"] + FILLER[5:]
    assert ("split", (6,), (6, 7)) in _rows(old, new)


def test_heavy_rewording_beside_a_swap_is_found():
    # old X, LAKE, Y -> new Y, X, LAKE_REWORDED: Y moved before X, so the skeleton of
    # in-order matches holds one of them and LAKE lies in no gap with its rewording; the
    # rewording is found beside X's match (same evidence as in a gap).
    x, y = FILLER[3], FILLER[4]
    old = FILLER[:3] + [x, LAKE, y] + FILLER[5:]
    new = FILLER[:3] + [y, x, LAKE_REWORDED] + FILLER[5:]
    assert ("modified", (5,), (6,)) in _rows(old, new)


def test_unrelated_replacement_beside_a_swap_stays_removed_and_added():
    x, y = FILLER[3], FILLER[4]
    old = FILLER[:3] + [x, LAKE, y] + FILLER[5:]
    new = FILLER[:3] + [y, x, TREES] + FILLER[5:]
    rows = _rows(old, new)
    assert ("removed", (5,), ()) in rows and ("added", (), (6,)) in rows


# A paragraph expanded into an article of its own far away: less than far_part_min_coverage
# of the new article's material is in the old one, but it keeps a clause found nowhere
# else (a telling clause), so it is still the old article's split part.
REPORTING_EXPANDED = ("监测数据异常的，排污单位应当在十二小时内查明原因并书面报告区生态环境部门；造成水体污染的，"
                      "立即启动应急预案，通知下游取水单位和周边居民，配合调查，三日内公开处置进展和监测结果；"
                      "事后组织专家评估应急处置效果，形成书面总结存档备查。")


def test_far_expanded_paragraph_with_a_telling_clause_is_a_split_part():
    from policydiff.align import AlignSettings

    old = [FILLER[0], REPORTING] + FILLER[1:]
    new = [FILLER[0], REPORTING_KEPT] + FILLER[1:6] + [REPORTING_EXPANDED] + FILLER[6:]
    splits = [(m.old, m.new) for m in align(_doc(old), _doc(new)).matches if m.kind is ChangeKind.SPLIT]
    assert splits == [((2,), (2, 8))]
    # without the telling-clause test it stays added (the coverage alone is too low)
    off = AlignSettings(far_telling_min_coverage=1.0)
    assert ("added", (), (8,)) in [(m.kind.value, m.old, m.new) for m in align(_doc(old), _doc(new), off).matches]
