"""The far stage's fast paths give the numbers of the simple computations they replace
(issue 11 speed): `_contained_runs` (a bound from the held min_block-grams, then doubling
and halving steps) against the character-at-a-time reference, on random strings over
small alphabets (many repeats, overlaps and near misses) and on corpus article texts."""

from __future__ import annotations

import json
import random
from itertools import compress

from policydiff.align import _contained_runs, _windows, normalize

from .conftest import CORPUS


def reference_contained_runs(whole: str, part: str, min_block: int) -> list[tuple[int, int]]:
    """The spans as first written: from every held place, one character at a time."""
    n = len(part)
    if n < min_block:
        return []
    starts = list(compress(range(n - min_block + 1),
                           (part[x:x + min_block] in whole for x in range(n - min_block + 1))))
    out: list[tuple[int, int]] = []
    reach = 0
    end = 0
    for p in starts:
        if end < p + min_block:
            end = p + min_block
        while end < n and part[p:end + 1] in whole:
            end += 1
        if end > reach:
            out.append((p, end))
            reach = end
    return out


def test_contained_runs_equal_reference_on_random_strings():
    rng = random.Random(20261203)
    for case in range(3000):
        alphabet = "甲乙丙丁戊"[:rng.randint(2, 5)]
        whole = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        if rng.random() < 0.5 and whole:  # a part made of pieces of the whole, reordered, edited
            pieces = []
            for _ in range(rng.randint(1, 4)):
                a = rng.randrange(len(whole))
                pieces.append(whole[a:a + rng.randint(1, 25)])
                if rng.random() < 0.5:
                    pieces.append(rng.choice(alphabet + "x"))
            part = "".join(pieces)
        else:
            part = "".join(rng.choice(alphabet + "x") for _ in range(rng.randint(0, 60)))
        for k in (1, 2, 3, 4, 6):
            want = reference_contained_runs(whole, part, k)
            assert _contained_runs(whole, part, k) == want, (whole, part, k)
            assert _contained_runs(whole, part, k, _windows(whole, k)) == want, (whole, part, k)


def _corpus_articles(limit_pairs: int) -> list[tuple[list[str], list[str]]]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    pairs = []
    for document in manifest["documents"]:
        versions = document["versions"]
        for old, new in zip(versions, versions[1:]):
            texts = []
            for version in (old, new):
                raw = (CORPUS / version["file"]).read_text(encoding="utf-8")
                texts.append([normalize(p) for p in raw.split("第")[1:] if len(p) > 20][:80])
            pairs.append((texts[0], texts[1]))
            if len(pairs) >= limit_pairs:
                return pairs
    return pairs


def test_contained_runs_equal_reference_on_corpus_texts():
    rng = random.Random(7)
    checked = 0
    for olds, news in _corpus_articles(12):
        for _ in range(60):
            # the same place on both sides (mostly the same article, edited) or any two
            i = rng.randrange(min(len(olds), len(news))) if olds and news else 0
            whole = olds[i] if rng.random() < 0.5 else rng.choice(olds)
            part = news[i]
            for whole, part in ((whole, part), (part, whole)):
                want = reference_contained_runs(whole, part, 4)
                assert _contained_runs(whole, part, 4, _windows(whole, 4)) == want
                assert _contained_runs(whole, part, 4) == want
                checked += 1
    assert checked > 1000
