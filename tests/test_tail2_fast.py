"""The per-measure tail's fast paths (issue 14, engineer tail2) give what the code they
replaced gives: align._unit_matches (the MeasureMatch of each matched unit, skipping the
white-space removal for a 1:1 pair of the very same text) against the loop it replaced,
and compare.measure_change's same-text 1:1 path against the general path, on corpus
pairs and on random fictional documents whose texts differ only in white space, in
one character, or not at all. Either reference below is the replaced code, verbatim but
for names."""

from __future__ import annotations

import json
import random

from policydiff import compare as compare_module
from policydiff import textdiff
from policydiff.align import MeasureMatch, _new_match, _ratio, _unit_matches, align
from policydiff.docbuild import DocBuilder
from policydiff.intake import load_file
from policydiff.model import ChangeKind, new_change
from policydiff.substance import substance_flags

from .conftest import CORPUS


def reference_unit_matches(units, olds, news, moved_at):
    """The loop of _Aligner.run before tail2: every measure text unspaced first."""
    texts = [m.text for m in olds] + [m.text for m in news]
    table = {text: "".join(text.split()) for text in dict.fromkeys(texts)}
    out = list(map(table.__getitem__, texts))
    old_bare, new_bare = out[:len(olds)], out[len(olds):]
    matches = []
    for k, (o, n) in enumerate(units):
        old_txt = old_bare[o[0]] if len(o) == 1 else "".join([old_bare[i] for i in o])
        new_txt = new_bare[n[0]] if len(n) == 1 else "".join([new_bare[j] for j in n])
        sim = 1.0 if old_txt == new_txt else round(_ratio(old_txt, new_txt), 4)
        if len(o) == 1 and len(n) == 1:
            i, j = o[0], n[0]
            ob, nb = olds[i], news[j]
            kind = ChangeKind.UNCHANGED if old_txt == new_txt else ChangeKind.MODIFIED
            renumbered = (ob.number, ob.sub_number) != (nb.number, nb.sub_number)
            matches.append(_new_match(kind, (i + 1,), (j + 1,), sim, renumbered, k in moved_at))
        else:
            kind = ChangeKind.SPLIT if len(o) == 1 else ChangeKind.MERGED
            matches.append(MeasureMatch(kind, tuple(i + 1 for i in o), tuple(j + 1 for j in n), sim, False, False))
    return matches


def reference_measure_change(old_measures, new_measures, match):
    """compare.measure_change before tail2 (no same-text path)."""
    olds = [old_measures[o - 1].text for o in match.old]
    news = [new_measures[n - 1].text for n in match.new]
    old_text, new_text = "\n".join(olds), "\n".join(news)
    if old_text == new_text:
        segments = (("=", old_text),) if old_text else ()
        flags = ()
    else:
        segments = (textdiff.redline(olds[0], news[0]) if len(olds) == 1 and len(news) == 1
                    else textdiff.redline_many(olds, news))
        flags = () if match.kind is ChangeKind.UNCHANGED else substance_flags(old_text, new_text, segments)
    return new_change(kind=match.kind, old=tuple(match.old), new=tuple(match.new),
                      similarity=float(match.similarity), segments=segments, renumbered=bool(match.renumbered),
                      moved=bool(match.moved), flags=flags)


def _same(a, b) -> None:
    assert a == b
    assert [vars(x) for x in a] == [vars(x) for x in b]  # same field values, types included
    assert [type(x.similarity) for x in a] == [type(x.similarity) for x in b]


def _units_of(matches):
    """Matched units (0-based) in old order, as run builds them, with the moved ones."""
    units = sorted((tuple(o - 1 for o in m.old), tuple(n - 1 for n in m.new)) for m in matches if m.old and m.new)
    moved = {(tuple(o - 1 for o in m.old), tuple(n - 1 for n in m.new)) for m in matches if m.moved}
    return units, {k for k, u in enumerate(units) if u in moved}


def _check_pair(old_doc, new_doc, extra_units=()) -> int:
    alignment = align(old_doc, new_doc)
    units, moved_at = _units_of(alignment.matches)
    units = sorted(set(units) | set(extra_units))
    olds, news = old_doc.measures, new_doc.measures
    _same(_unit_matches(units, olds, news, moved_at), reference_unit_matches(units, olds, news, moved_at))
    # every unit's MeasureMatch through both measure_change paths, plus added/removed
    matches = list(alignment.matches) + reference_unit_matches(units, olds, news, moved_at)
    fast = [compare_module.measure_change(olds, news, m) for m in matches]
    _same(fast, [reference_measure_change(olds, news, m) for m in matches])
    return sum(1 for m in matches if len(m.old) == 1 and len(m.new) == 1
               and olds[m.old[0] - 1].text == news[m.new[0] - 1].text)


def _corpus_pairs(every: int):
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    pairs = [(a["file"], b["file"]) for d in manifest["documents"]
             for a, b in zip(d["versions"], d["versions"][1:])]
    return pairs[::every]


def test_fast_paths_equal_the_replaced_code_on_corpus_pairs():
    same_text = 0
    for old_file, new_file in _corpus_pairs(5):  # 16 of the 78 consecutive pairs
        old_doc, new_doc = load_file(CORPUS / old_file).document, load_file(CORPUS / new_file).document
        same_text += _check_pair(old_doc, new_doc)
    assert same_text > 100  # the fast path was taken (one pair has no measure kept as it was)


_PIECES = ["甲市鼓励创新", "乙区支持投资", "，", "。", "（一）", "1000万元", "30%", "应当", "可以", " ", "\u3000", "\n", "\t"]


def _random_doc(rng: random.Random, bodies: list[str]):
    b = DocBuilder(title="示例市若干措施(测试用虚构文本)")
    with b.container("第一章", 1, "总则"):
        for n, body in enumerate(bodies, 1):
            sub = rng.choice([None, None, 1])
            b.measure(f"第{n}条", rng.choice([n, n, n + 1]), body, sub_number=sub)
    return b.build()


def _variant(rng: random.Random, text: str) -> str:
    choice = rng.randrange(5)
    if choice < 2:
        return text  # the very same string
    if choice == 2:  # white space only: unchanged, not the same string
        at = rng.randint(0, len(text))
        return text[:at] + rng.choice([" ", "\u3000", "\n", "  "]) + text[at:]
    if choice == 3:
        return text + rng.choice(_PIECES[:10])
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 8)))


def test_fast_paths_equal_the_replaced_code_on_random_fictional_documents():
    rng = random.Random(14)
    taken = 0
    for _ in range(120):
        bodies = ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 10))) for _ in range(rng.randint(1, 9))]
        if rng.random() < 0.3 and bodies:
            bodies.append(rng.choice(bodies))  # a text repeated on one side
        new_bodies = [_variant(rng, t) for t in bodies]
        rng.shuffle(new_bodies) if rng.random() < 0.2 else None
        old_doc, new_doc = _random_doc(rng, bodies), _random_doc(rng, new_bodies)
        n_old, n_new = len(old_doc.measures), len(new_doc.measures)
        # units align would not make (split/merge groups, any pairing) go through both too
        extra = [(tuple(sorted(rng.sample(range(n_old), rng.randint(1, min(2, n_old))))),
                  tuple(sorted(rng.sample(range(n_new), rng.randint(1, min(2, n_new)))))) for _ in range(3)]
        extra = [(o, n) for o, n in extra if len(o) == 1 or len(n) == 1]
        taken += _check_pair(old_doc, new_doc, extra)
    assert taken > 100


def reference_lis_indexes(values):
    """align._lis_indexes before tail2: the patience search for every input."""
    from bisect import bisect_left
    tails, tail_pos, back = [], [], [-1] * len(values)
    for pos, value in enumerate(values):
        k = bisect_left(tails, value)
        if k == len(tails):
            tails.append(value)
            tail_pos.append(pos)
        else:
            tails[k] = value
            tail_pos[k] = pos
        back[pos] = tail_pos[k - 1] if k else -1
    out, pos = [], tail_pos[-1] if tail_pos else -1
    while pos != -1:
        out.append(pos)
        pos = back[pos]
    return out[::-1]


def test_lis_of_increasing_values_equals_the_search():
    from policydiff.align import _lis_indexes
    rng = random.Random(5)
    increasing = 0
    for _ in range(3000):
        n = rng.randint(0, 12)
        values = sorted(rng.sample(range(40), n)) if rng.random() < 0.5 else [rng.randint(0, 8) for _ in range(n)]
        if values and rng.random() < 0.2:  # one step down or one repeat: not strictly increasing
            values.insert(rng.randint(0, len(values)), rng.choice(values))
        increasing += all(a < b for a, b in zip(values, values[1:]))
        assert _lis_indexes(values) == reference_lis_indexes(values)
    assert increasing > 1000
