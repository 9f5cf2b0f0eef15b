"""The aligner's fast paths (issue 14) give what the plain code they replaced gives.

Each test runs a fast function and a straightforward reference (the code before the speed
change, kept here) on random fictional documents over a small alphabet, so that n-grams
are shared, counts tie, texts repeat on one side or both, and some are short or empty.
"""

from __future__ import annotations

import heapq
import random
from collections import Counter
from itertools import chain

import pytest

from policydiff import align as align_module
from policydiff.align import AlignSettings, _Aligner, _ratio, normalize
from policydiff.docbuild import DocBuilder
from policydiff.model import Document
from rapidfuzz.distance import Indel

TITLE = "示例市测试条例（测试用虚构文本）"
ALPHABET = "甲乙丙丁戊己庚辛，。（）　 "


def random_text(rng: random.Random) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.choice((0, 1, 2, 3, 4, 8, 20, 60))))


def random_doc(rng: random.Random, pool: list[str], n: int) -> Document:
    b = DocBuilder(title=TITLE)
    for k in range(n):
        b.measure(f"第{k + 1}条", k + 1, rng.choice(pool) if rng.random() < 0.3 else random_text(rng))
    return b.build()


def reference_ngram_candidates(al: _Aligner, free_old, free_new) -> dict[int, list[int]]:
    """The candidate search as it was: an index of every n-gram, a Counter per new
    measure, heapq.nlargest with a key."""
    s = al.s
    n = s.ngram

    def grams(t: str) -> frozenset[str]:
        return frozenset((t,)) if len(t) <= n else frozenset(t[x:x + n] for x in range(len(t) - n + 1))

    index: dict[str, list[int]] = {}
    for i in free_old:
        for g in grams(al.old_text[i]):
            index.setdefault(g, []).append(i)
    index = {g: p for g, p in index.items() if len(p) <= s.ngram_max_df}
    out = {}
    for j in free_new:
        counts = Counter(chain.from_iterable(filter(None, map(index.get, grams(al.new_text[j])))))
        best = heapq.nlargest(s.candidates_per_measure, counts.items(), key=lambda kv: (kv[1], -kv[0]))
        out[j] = [i for i, _ in best]
    return out


@pytest.mark.parametrize("seed", range(40))
def test_ngram_candidates_equal_the_reference(seed):
    rng = random.Random(seed)
    pool = [random_text(rng) for _ in range(6)]
    old = random_doc(rng, pool, rng.randint(1, 60))
    new = random_doc(rng, pool, rng.randint(1, 60))
    settings = AlignSettings(ngram=rng.choice((2, 3, 4)), ngram_max_df=rng.choice((1, 3, 8)),
                             candidates_per_measure=rng.choice((1, 3, 8)))
    al = _Aligner(old, new, settings)
    free_old = sorted(rng.sample(range(len(al.olds)), rng.randint(1, len(al.olds))))
    free_new = sorted(rng.sample(range(len(al.news)), rng.randint(1, len(al.news))))
    al._ngram_index = al._build_ngram_index(free_old)
    al._ngram_by_text = {}
    out = {j: al._ngram_row(j) for j in free_new}
    assert out == reference_ngram_candidates(al, free_old, free_new)
    # lists are the caller's to extend (the positional search appends): never shared
    assert len({id(v) for v in out.values()}) == len(out)


def reference_candidates(al: _Aligner, positional_only: bool) -> dict[int, list[int]]:
    """A round's candidates as they were found before the per-row search (issue 14): one
    pass over all free new measures for the n-gram ones, then one over the skeleton's
    gaps appending the positional ones."""
    free_old = [i for i in range(len(al.olds)) if i not in al.o2n]
    free_new = [j for j in range(len(al.news)) if j not in al.n2o]
    out: dict[int, list[int]] = {j: [] for j in free_new}
    if not free_old or not free_new:
        return out
    if not positional_only:
        out.update(reference_ngram_candidates(al, free_old, free_new))
    skel = al.skeleton()
    bounds = [(-1, -1)] + skel + [(len(al.olds), len(al.news))]
    free_old_set = set(free_old)
    for (oi0, nj0), (oi1, nj1) in zip(bounds, bounds[1:]):
        for j in range(nj0 + 1, nj1):
            if j not in out:
                continue
            expected = oi0 + (j - nj0)
            lo = max(oi0 + 1, expected - al.s.position_window)
            hi = min(oi1 - 1, expected + al.s.position_window)
            for i in range(lo, hi + 1):
                if i in free_old_set and i not in out[j]:
                    out[j].append(i)
    return out


@pytest.mark.parametrize("seed", range(40))
def test_round_candidates_and_rows_equal_the_reference(seed):
    """prepare_round + row_candidates (what scored_rows maps over rows, and a parallel
    map over chunks of rows) give each free new measure the candidates the one-pass
    search gave, and scored_rows over any chunking of the rows gives the same rows."""
    rng = random.Random(seed)
    pool = [random_text(rng) for _ in range(6)]
    old = random_doc(rng, pool, rng.randint(1, 60))
    new = random_doc(rng, pool, rng.randint(1, 60))
    settings = AlignSettings(ngram=rng.choice((2, 3)), ngram_max_df=rng.choice((1, 3, 8)),
                             candidates_per_measure=rng.choice((1, 3, 8)),
                             position_window=rng.choice((0, 1, 2, 5)))
    al = _Aligner(old, new, settings)
    # some matches, in order and out of order, so that the skeleton has gaps and strays
    for _ in range(rng.randint(0, min(len(al.olds), len(al.news)))):
        i, j = rng.randrange(len(al.olds)), rng.randrange(len(al.news))
        if i not in al.o2n and j not in al.n2o:
            al.link(i, j)
    for positional_only in (True, False):
        expected = reference_candidates(al, positional_only)
        rows = al.prepare_round(positional_only)
        assert rows == sorted(expected)
        assert {j: al.row_candidates(j) for j in rows} == expected
        whole = al.scored_rows(rows)
        assert whole == [al._scored_row(j, expected[j]) for j in rows]
        cut = sorted(rng.sample(range(len(rows) + 1), min(3, len(rows) + 1)))
        chunks = [rows[a:b] for a, b in zip([0] + cut, cut + [len(rows)])]
        assert [row for chunk in chunks for row in al.scored_rows(chunk)] == whole
        assert al.candidates(positional_only) == expected


def test_aligner_texts_and_headings_equal_plain_normalize():
    rng = random.Random(7)
    pool = [random_text(rng) for _ in range(5)]
    b = DocBuilder(title=TITLE)
    for k in range(80):
        body = rng.choice(pool)
        if rng.random() < 0.4:  # a heading line above the text
            body = rng.choice(("　总则 ", "附则", "", "甲乙\n")) + "\n" + body
        b.measure(f"第{k + 1}条", k + 1, body)
    d = b.build()
    al = _Aligner(d, d, AlignSettings())
    assert al.old_text == [normalize(m.text) for m in d.measures]
    for m, head in zip(d.measures, al.old_head):
        plain = normalize(m.heading) if "\n" in m.text.strip() else ""
        assert head == (plain if 0 < len(plain) <= al.s.heading_max_chars else "")


def test_ratio_of_equal_texts_is_indels_value():
    rng = random.Random(3)
    for _ in range(2000):
        a = random_text(rng)
        b = a if rng.random() < 0.5 else random_text(rng)
        expected = 1.0 if not a and not b else Indel.normalized_similarity(a, b)
        assert _ratio(a, b) == expected
    assert align_module._ratio("", "") == 1.0


def test_substance_scans_skipped_only_where_they_cannot_match():
    """substance.extract skips the penalty-term and fine scans on a text without the words
    every match of theirs ends with; on random texts made of their own pieces, a match
    always holds one."""
    from policydiff import substance

    pieces = ["三年", "以上", "以下", "七", "个月", "的", "有期", "徒刑", "无期", "死刑", "拘役", "管制",
              "罚", "款", "金", "处", "五万元", "一倍", "，", "。", "并", "1", "0", " "]
    rng = random.Random(11)
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        if substance._PRISON_RE.search(text):
            assert any(word in text for word in substance._PRISON_WORDS), text
        if substance._FINE_RE.search(text):
            assert "罚款" in text or "罚金" in text, text


@pytest.mark.parametrize("seed", range(10))
def test_ancestor_indexes_equal_document_ancestors(seed):
    from policydiff.align import _ancestor_indexes

    rng = random.Random(seed)
    b = DocBuilder(title=TITLE)
    number = 0

    def fill(depth: int) -> None:
        nonlocal number
        for _ in range(rng.randint(1, 5)):
            if depth < 3 and rng.random() < 0.5:
                with b.container(f"第{number}章", number, f"部分{number}", level=("chapter", "section", "item")[depth]):
                    fill(depth + 1)
            else:
                number += 1
                b.measure(f"第{number}条", number, random_text(rng))

    fill(0)
    d = b.build()
    assert _ancestor_indexes(d, d.blocks) == [tuple(c.index for c in d.ancestors(x)) for x in d.blocks]
    assert _ancestor_indexes(d, d.measures) == [tuple(c.index for c in d.ancestors(x)) for x in d.measures]


# every fold character, white space of several kinds, characters NFKC changes (circled
# and full-width forms, a ligature, a decomposed accent), and the batch separator itself
NORMALIZE_ALPHABET = (ALPHABET + "".join(sorted(align_module._FOLD)) + "\t\n\r\x0b\x0c\x1c\x85\xa0\u2003\u3000"
                      + "①ｶﬁe\u0301\x00abc12")


@pytest.mark.parametrize("seed", range(12))
def test_normalize_many_equals_normalize(seed):
    rng = random.Random(seed)
    texts = ["".join(rng.choice(NORMALIZE_ALPHABET) for _ in range(rng.randint(0, 40)))
             for _ in range(rng.randint(0, 60))]
    if seed % 3 == 0:  # no separator inside: the batched path itself is taken
        texts = [t.replace("\x00", "") for t in texts]
    assert align_module.normalize_many(texts) == [normalize(t) for t in texts]


def test_unspaced_removes_exactly_regex_white_space():
    import re
    import sys

    space = re.compile(r"\s+")
    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    assert align_module._unspaced(everything) == space.sub("", everything)
    rng = random.Random(1)
    for _ in range(2000):
        text = "".join(rng.choice(NORMALIZE_ALPHABET) for _ in range(rng.randint(0, 30)))
        assert align_module._unspaced(text) == space.sub("", text)


@pytest.mark.parametrize("seed", range(12))
def test_scored_row_equals_text_and_neighbour_scores(seed):
    rng = random.Random(seed)
    pool = [random_text(rng) for _ in range(5)]

    def doc_with_headings(n: int) -> Document:
        b = DocBuilder(title=TITLE)
        for k in range(n):
            body = rng.choice(pool) if rng.random() < 0.3 else random_text(rng)
            if rng.random() < 0.4:
                body = rng.choice(("总则", "甲乙丙", "丁戊")) + "\n" + body
            b.measure(f"第{k + 1}条", k + 1, body)
        return b.build()

    old, new = doc_with_headings(rng.randint(1, 30)), doc_with_headings(rng.randint(1, 30))
    al = _Aligner(old, new, AlignSettings(candidate_min=rng.choice((0.0, 0.3, 0.5))))
    s = al.s
    for j in range(len(al.news)):
        olds = rng.sample(range(len(al.olds)), rng.randint(0, len(al.olds)))
        expected = []
        for i in sorted(olds):
            t = al.text_score(i, j)
            if t >= s.candidate_min:
                expected.append((i, t + s.context_weight * al.neighbour_score(i, j)))
        assert al._scored_row(j, olds) == expected


def test_grow_from_an_unchanged_partner_finds_nothing():
    """groups() skips a measure whose 1:1 partner has the same text (no closures, no
    _grow call): it relies on _grow returning None for it whenever part_min_gain > 0,
    whatever the neighbours."""
    rng = random.Random(2)
    for _ in range(300):
        settings = AlignSettings(part_min_gain=rng.choice((0.01, 0.05, 0.2)))
        parts = [random_text(rng) for _ in range(6)]
        seed = rng.randrange(6)
        al = _Aligner(random_doc(rng, parts, 3), random_doc(rng, parts, 3), settings)
        assert al._grow(parts[seed], parts, seed, lambda k: 0 <= k < 6, True, lambda k: 1.0) is None


def test_fast_constructors_make_the_dataclass_objects():
    """model.new_change and align._new_match fill a frozen dataclass's dict at once; they
    must be the very Change(...) / MeasureMatch(...) of the same fields."""
    import pickle

    from policydiff.align import MeasureMatch, _new_match
    from policydiff.model import Change, ChangeKind, new_change

    cases = [
        (Change, new_change, dict(kind=ChangeKind.MODIFIED, old=(3,), new=(4, 5), similarity=0.5,
                                  segments=(("=", "甲"), ("+", "乙")), renumbered=True, moved=False,
                                  flags=("money",))),
        (MeasureMatch, _new_match, dict(kind=ChangeKind.UNCHANGED, old=(1,), new=(2,), similarity=1.0,
                                        renumbered=False, moved=True)),
    ]
    for cls, fast, fields in cases:
        made, reference = fast(**fields), cls(**fields)
        assert type(made) is cls
        assert made == reference and hash(made) == hash(reference) and repr(made) == repr(reference)
        assert list(vars(made).items()) == list(vars(reference).items())
        assert pickle.dumps(made) == pickle.dumps(reference)


def test_texts_by_role_joins_each_roles_blocks_in_order():
    from policydiff.compare import _TEXT_FIELDS, _texts_by_role
    from policydiff.model import BlockKind

    rng = random.Random(4)
    b = DocBuilder(title=TITLE)
    for k in range(60):
        if rng.random() < 0.5:
            b.text(random_text(rng), level=rng.choice([level for level, _ in _TEXT_FIELDS]))
        else:
            b.measure(f"第{k + 1}条", k + 1, random_text(rng))
    d = b.build()
    got = _texts_by_role(d)
    for level, _ in _TEXT_FIELDS:
        texts = [x.text for x in d.blocks if x.kind is BlockKind.TEXT and x.level == level]
        assert got.get(level) == ("\n".join(texts) if texts else None)


@pytest.mark.parametrize("seed", range(8))
def test_substance_nfkc_equals_unicodedata(seed):
    import unicodedata

    from policydiff.substance import _FREQUENT_COMPAT, nfkc

    # the table holds each mark's full decomposition, which is also its NFKC form
    assert all(unicodedata.normalize("NFKC", m) == d and len(d) == 1 for m, d in _FREQUENT_COMPAT)
    alphabet = (NORMALIZE_ALPHABET + "，；（）：！？％　＋０９ＡａＡ\u0301\u0308\u0327e\u0301Å㈠⒈①ﬁ㍻가\u1100\u1161"
                + "".join(m for m, _ in _FREQUENT_COMPAT))
    rng = random.Random(seed)
    for _ in range(3000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text), repr(text)


def test_ratio_caches_give_indels_values_in_either_order():
    """ratio() caches per pair of texts and _cached_ratio reads that cache in either
    order: both rest on the Indel similarity being a function of the two texts, symmetric."""
    rng = random.Random(9)
    pool = [random_text(rng) for _ in range(4)]
    old, new = random_doc(rng, pool, 40), random_doc(rng, pool, 40)  # texts repeat on each side
    al = _Aligner(old, new, AlignSettings())
    for _ in range(400):
        i, j = rng.randrange(len(al.olds)), rng.randrange(len(al.news))
        a, b = al.old_text[i], al.new_text[j]
        assert al.ratio(i, j) == _ratio(a, b) == _ratio(b, a)
        assert al._cached_ratio(b, a) == al._cached_ratio(a, b) == _ratio(a, b)
    for _ in range(5000):
        a, b = random_text(rng), random_text(rng)
        assert Indel.normalized_similarity(a, b) == Indel.normalized_similarity(b, a)
