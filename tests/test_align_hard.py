"""Alignment on hard real-world revision classes (issue 11): boilerplate that must not
pair unrelated articles, heavy rewording that must, far splits / merges / absorption.
Small fictional documents first (texts invented for the tests, titles say so), then
corpus pairs by path."""

from __future__ import annotations

from policydiff.align import align, informative_mask, normalize
from policydiff.docbuild import DocBuilder
from policydiff.model import ChangeKind, Document

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
    b = DocBuilder(title=TITLE)
    for n, text in enumerate(texts, 1):
        b.measure(f"第{n}条", n, text)
    return b.build()


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
