"""The aligner's faster core (issue 14, engineer cand) gives what the code it replaced
gives, on real corpus texts: the per-row candidate search (prepare_round, row_candidates,
scored_rows: what a parallel map runs over chunks of rows) against the one-pass search it
replaced, and the remembered container matching against a fresh one. Random fictional
documents are in tests/test_align_speed.py."""

from __future__ import annotations

import json
import random

import pytest

from policydiff.align import AlignSettings, _Aligner, _ratio
from policydiff.intake import load_file

from .conftest import CORPUS
from .test_align_speed import reference_candidates


def _corpus_pairs(every: int):
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    pairs = [(a["file"], b["file"]) for d in manifest["documents"]
             for a, b in zip(d["versions"], d["versions"][1:])]
    return pairs[::every]


PAIRS = _corpus_pairs(6)  # 13 of the 78 consecutive pairs


def _documents(old_file: str, new_file: str):
    return load_file(CORPUS / old_file).document, load_file(CORPUS / new_file).document


@pytest.mark.parametrize("old_file,new_file", PAIRS)
def test_round_candidates_equal_the_one_pass_search_on_corpus_pairs(old_file, new_file):
    """Both assignment rounds as align runs them: the rows and each row's candidates
    are those of the one-pass search, and scored_rows over chunks of rows concatenates
    to scored_rows over all of them."""
    al = _Aligner(*_documents(old_file, new_file), AlignSettings())
    al.anchors()
    rng = random.Random(old_file)
    for positional_only, accept_min in ((True, max(al.s.anchor_min, al.s.modified_min)),
                                        (False, al.s.modified_min)):
        expected = reference_candidates(al, positional_only)
        rows = al.prepare_round(positional_only)
        assert rows == sorted(expected)
        assert {j: al.row_candidates(j) for j in rows} == expected
        known = len(al._ratio_cache)
        whole = al.scored_rows(rows)
        assert whole == [al._scored_row(j, expected[j]) for j in rows]
        # the per-index cache gains the text ratio of each edge's pair (what a chunk scored
        # in another process sends back), the value ratio() gives
        edge_pairs = {(i, j) for j, row in zip(rows, whole) for i, _ in row}
        for (i, j), value in list(al._ratio_cache.items())[known:]:
            assert (i, j) in edge_pairs
            assert value == _ratio(al.old_text[i], al.new_text[j])
        assert edge_pairs <= al._ratio_cache.keys()
        half = rng.randint(0, len(rows))
        assert al.scored_rows(rows[:half]) + al.scored_rows(rows[half:]) == whole
        al._assign_round(positional_only, accept_min)


@pytest.mark.parametrize("old_file,new_file", PAIRS)
def test_remembered_container_matching_equals_a_fresh_one(old_file, new_file):
    old, new = _documents(old_file, new_file)
    al = _Aligner(old, new, AlignSettings())
    al.anchors()
    al.assign()
    edges = al._edges()
    rng = random.Random(new_file)
    fewer = [e for e in edges if rng.random() < 0.8]
    for asked in (edges, edges, fewer, fewer, edges):
        fresh = _Aligner(old, new, AlignSettings())._match_containers(list(asked))
        got = al.match_containers(iter(asked))  # any iterable, as before
        assert got == fresh
        # the caller's copies: changing them does not change the next answer
        got[0].clear()
        got[1].clear()


def reference_gaps(skel, n_old: int, n_new: int):
    """_gaps as it was: a dict of every measure's gap number, both sides."""
    bounds = [(-1, -1)] + skel + [(n_old, n_new)]
    gap_old: dict[int, int] = {}
    gap_new: dict[int, int] = {}
    for g, ((oi0, nj0), (oi1, nj1)) in enumerate(zip(bounds, bounds[1:])):
        gap_old.update((i, g) for i in range(oi0 + 1, oi1))
        gap_new.update((j, g) for j in range(nj0 + 1, nj1))
    return gap_old, gap_new


@pytest.mark.parametrize("seed", range(30))
def test_gap_numbers_equal_the_dicts(seed):
    """Skeletons with 1:1 links and split/merge groups (whose first and last links can
    share an old or a new measure), looked up for every index."""
    from .test_align_speed import random_doc, random_text
    rng = random.Random(seed)
    pool = [random_text(rng) for _ in range(4)]
    al = _Aligner(random_doc(rng, pool, rng.randint(1, 40)), random_doc(rng, pool, rng.randint(1, 40)),
                  AlignSettings())
    n_old, n_new = len(al.olds), len(al.news)
    for _ in range(rng.randint(0, min(n_old, n_new))):
        i, j = rng.randrange(n_old), rng.randrange(n_new)
        if i not in al.o2n and j not in al.n2o:
            al.link(i, j)
    if rng.random() < 0.5 and n_old > 2 and n_new > 2:
        i, j = rng.randrange(n_old - 1), rng.randrange(n_new - 1)
        al.found.append(((i,), (j, j + 1)) if rng.random() < 0.5 else ((i, i + 1), (j,)))
    skel = al.skeleton()
    want_old, want_new = reference_gaps(skel, n_old, n_new)
    for gaps in (al._gaps(), al._gaps(skel)):
        got_old, got_new = gaps
        assert [got_old.get(i) for i in range(-1, n_old + 1)] == [want_old.get(i) for i in range(-1, n_old + 1)]
        assert [got_new.get(j) for j in range(-1, n_new + 1)] == [want_new.get(j) for j in range(-1, n_new + 1)]


@pytest.mark.parametrize("seed", range(20))
def test_ngram_index_holds_the_measures_of_each_rare_ngram(seed):
    """_build_ngram_index walks a text held by several free old measures once: each
    posting still holds exactly the free old measures whose text has the n-gram (order
    aside), and only n-grams held by at most ngram_max_df of them are kept."""
    from .test_align_speed import random_doc, random_text
    rng = random.Random(seed)
    pool = [random_text(rng) for _ in range(5)]  # texts repeated on the old side
    al = _Aligner(random_doc(rng, pool, rng.randint(1, 60)), random_doc(rng, pool, 5),
                  AlignSettings(ngram=rng.choice((2, 3)), ngram_max_df=rng.choice((1, 2, 8))))
    free_old = sorted(rng.sample(range(len(al.olds)), rng.randint(1, len(al.olds))))
    want: dict[str, list[int]] = {}
    for i in free_old:
        for g in al._grams("old", i):
            want.setdefault(g, []).append(i)
    want = {g: p for g, p in want.items() if len(p) <= al.s.ngram_max_df}
    got = al._build_ngram_index(free_old)
    assert {g: sorted(p) for g, p in got.items()} == want
