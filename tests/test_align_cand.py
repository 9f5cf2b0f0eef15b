"""The aligner's faster core (issue 14, engineer cand) gives what the code it replaced
gives, on real corpus texts: the per-row candidate search (prepare_round, row_candidates,
scored_rows: what a parallel map runs over chunks of rows) against the one-pass search it
replaced, and the remembered container matching against a fresh one. Random fictional
documents are in tests/test_align_speed.py."""

from __future__ import annotations

import json
import random

import pytest

from policydiff.align import AlignSettings, _Aligner
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
        whole = al.scored_rows(rows)
        assert whole == [al._scored_row(j, expected[j]) for j in rows]
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
