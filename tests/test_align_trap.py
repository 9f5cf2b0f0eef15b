"""Issue 11, the unrelated-replacement trap at stage 7 (gap filling and beside a match): a
pair between matched neighbours whose shared material is one short phrase stands no more
(`_Aligner.gap_evidence`); two phrases, a long one or a clause kept whole still make a
rewording. Small fictional documents (texts invented for the tests, titles say so), the
benchmark's pooled figures, and corpus pairs by path."""

from __future__ import annotations

import pytest

from policydiff.align import AlignSettings, _Aligner, align
from policydiff.model import Document

from .conftest import numbered_doc

TITLE = "示例市地名档案管理办法(测试用虚构文本)"

FILLER = [
    "为了加强示例市地名档案管理，制定本办法。",
    "本办法适用于示例市行政区域内地名档案的收集、保管和利用。",
    "市民政部门主管全市地名档案工作，区民政部门负责本区的地名档案工作。",
    "地名档案的收集范围包括命名、更名的批准文件和地名标志的设置记录。",
    "利用地名档案的单位应当登记利用目的，不得损坏、涂改档案原件。",
    "市档案馆每年发布地名档案利用情况报告。",
    "本办法自2031年1月1日起施行。",
]
OLD = "示例市各级档案馆应当每年核查一次馆藏的地名档案，发现档案损毁的，及时组织修复并登记造册。"
# Unrelated (naming review) sharing one phrase with OLD, 「并登记造册」, inside a clause that
# differs: distinctive coverage 0.116, ratio 0.33 - gap filling paired them before.
UNRELATED = "示例市民政部门负责全市地名命名的审核工作，地名命名方案应当征求专家意见，并登记造册。"
# OLD rewritten: it keeps one clause whole, 「发现档案损毁的」.
REWRITTEN = "保管单位应当配备防火、防潮、防虫设施，发现档案损毁的，应当在三十日内报告市档案馆，修复费用由市财政承担。"


def _doc(texts: list[str]) -> Document:
    return numbered_doc(TITLE, texts)


def _in_place(new_text: str) -> tuple[Document, Document]:
    return _doc(FILLER[:4] + [OLD] + FILLER[4:]), _doc(FILLER[:4] + [new_text] + FILLER[4:])


def _fate(old: Document, new: Document, settings: AlignSettings = AlignSettings()) -> list[tuple[str, tuple, tuple]]:
    return [(m.kind.value, m.old, m.new) for m in align(old, new, settings).matches if 5 in m.old or 5 in m.new]


def test_one_shared_phrase_between_matched_neighbours_is_no_rewording():
    old, new = _in_place(UNRELATED)
    ag = _Aligner(old, new, AlignSettings())
    assert AlignSettings().context_min_coverage <= ag.distinctive_coverage(4, 4) < AlignSettings().one_phrase_max_coverage
    assert ag.ratio(4, 4) < AlignSettings().one_phrase_max_ratio
    assert ag.gap_evidence(4, 4) is None
    assert _fate(old, new) == [("removed", (5,), ()), ("added", (), (5,))]
    # the test is what keeps them apart: with the coverage floor alone they were paired
    assert _fate(old, new, AlignSettings(one_phrase_max_coverage=AlignSettings().context_min_coverage)) == [
        ("modified", (5,), (5,))]


def test_one_shared_phrase_beside_a_swap_is_no_rewording_either():
    # old X, OLD, Y -> new Y, X, UNRELATED: OLD lies in no gap; fill_beside_matches asks
    # the same evidence as gap filling
    x, y = FILLER[3], FILLER[4]
    old = _doc(FILLER[:3] + [x, OLD, y] + FILLER[5:])
    new = _doc(FILLER[:3] + [y, x, UNRELATED] + FILLER[5:])
    rows = [(m.kind.value, m.old, m.new) for m in align(old, new).matches]
    assert ("removed", (5,), ()) in rows and ("added", (), (6,)) in rows


def test_a_clause_kept_whole_makes_a_rewording():
    old, new = _in_place(REWRITTEN)
    ag = _Aligner(old, new, AlignSettings())
    phrases, longest, kept = ag._phrase_evidence(4, 4)
    assert kept == len("发现档案损毁的")
    assert _fate(old, new) == [("modified", (5,), (5,))]
    # forced into the one-phrase band, the kept clause alone makes it stand ...
    band = AlignSettings(one_phrase_max_coverage=0.5, one_phrase_max_ratio=0.9)
    assert _fate(old, new, band) == [("modified", (5,), (5,))]
    # ... and without it the pair falls apart
    no_clause = AlignSettings(one_phrase_max_coverage=0.5, one_phrase_max_ratio=0.9, kept_clause_min_chars=100)
    assert _fate(old, new, no_clause) == [("removed", (5,), ()), ("added", (), (5,))]


def test_phrase_evidence_counts_phrases_the_longest_and_kept_clauses():
    old_text = "示例市档案馆负责保管全市的地名档案，发现档案损毁的，及时修复。"
    new_text = "区档案部门负责保管本区的地名档案，发现档案损毁的，报告市民政部门。"
    ag = _Aligner(_doc([old_text]), _doc([new_text]), AlignSettings())
    phrases, longest, kept = ag._phrase_evidence(0, 0)
    # common runs: 「地名档案,发现档案损毁的,」 (the clause kept whole) and 「档案」-sized
    # pieces below coverage_min_block; 「负责」 is stock phrasing
    assert kept == len("发现档案损毁的")
    assert longest >= kept and phrases >= 1
    # a clause cut short on either side is not kept whole
    ag2 = _Aligner(_doc(["甲方发现档案损毁的，及时修复。"]), _doc(["乙方发现档案损毁的情况，及时上报。"]), AlignSettings())
    assert ag2._phrase_evidence(0, 0)[2] == 0


def test_settings_are_recorded():
    d = AlignSettings().as_dict()
    for key in ("one_phrase_max_coverage", "one_phrase_max_ratio", "phrase_min_chars",
                "long_phrase_min_chars", "kept_clause_min_chars"):
        assert key in d


# --- the benchmark's pooled figures --------------------------------------------------------


def _benchmark():
    from .test_align_hard import _benchmark as load

    return load()


def test_wilson_interval():
    bench = _benchmark()
    lo, hi = bench.wilson(0, 100)
    assert lo == 0.0 and 0.03 < hi < 0.04
    lo, hi = bench.wilson(39, 1776)
    assert 0.015 < lo < 0.017 and 0.029 < hi < 0.031
    assert bench.wilson(0, 0) == (0.0, 1.0)


def test_pooled_trap_and_rewording_over_seeds():
    """Real articles of 16 corpus laws at 4 seeds: the unrelated replacement (the most
    similar-looking article of another law, in place) is paired at most 3 % of the time
    pooled, heavy rewording in place found at least 95 %; each seed's counts add up to
    the pooled ones."""
    bench = _benchmark()
    sources = bench.corpus_sources()[:16]
    per_seed, spent = bench.pooled_runs(sources, [2, 3, 4, 5], AlignSettings(),
                                        pools=bench.make_pools(bench.corpus_sources()))
    assert list(per_seed) == [2, 3, 4, 5] and set(spent) == {"cases and scoring", "align"}
    trap = [by[bench.TRAP_TIER] for by in per_seed.values()]
    reword = [by[bench.REWORD_TIER] for by in per_seed.values()]
    linked, added = sum(s.added_linked for s in trap), sum(s.added for s in trap)
    found, edited = sum(s.edited_pairs_found for s in reword), sum(s.edited_pairs for s in reword)
    assert added >= 150 and linked / added <= 0.03, (linked, added)
    assert edited >= 150 and found / edited >= 0.95, (found, edited)
    assert all(s.violations == 0 for s in trap + reword)
    table = bench.pooled_table(per_seed)
    assert f"**{linked} / {added} = " in table and f"**{found} / {edited} = " in table
    assert table.count("\n") == 2 + 4  # header, rule, 4 seeds, pooled


# --- corpus ----------------------------------------------------------------------------


def _corpus_edges(slug: str, old: str, new: str) -> set[tuple[str, str]]:
    from policydiff import api

    from .conftest import CORPUS

    path = CORPUS / slug
    if not path.is_dir():
        pytest.fail(f"corpus missing: {path}")
    old_doc = api.load_side(None, str(path / f"{old}.md")).document
    new_doc = api.load_side(None, str(path / f"{new}.md")).document
    al = align(old_doc, new_doc)
    return {(old_doc.measures[o - 1].label, new_doc.measures[n - 1].label)
            for m in al.matches for o in m.old for n in m.new}


def test_corpus_rewrites_in_place_with_little_shared_material_are_still_found():
    """Real rewrites between matched neighbours that share little (distinctive coverage in
    the one-phrase band, ratio below 0.35), read in both texts: 北京市审计条例 2017 -> 2023
    old 第二十一条 → new 第十八条 (「审计结果…应当作为…重要依据」 → 「审计结果以及整改情况
    应当作为…重要参考」); 征兵工作条例 2001 -> 2023 old 第二十一条 → new 第二十四条 (政治审查
    of the conscripts → 征兵政治考核). On the 78 consecutive corpus pairs the test changes
    no edge."""
    assert ("第二十一条", "第十八条") in _corpus_edges("bj-92433d46", "2017-09-22", "2023-11-24")
    assert ("第二十一条", "第二十四条") in _corpus_edges("reg-ad016b01", "2001-09-05", "2023-04-01")
