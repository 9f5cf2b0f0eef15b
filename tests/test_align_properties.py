"""Property tests: for random edit scripts on a fictional document, every old and every
new ordinal lands in exactly one match, kinds agree with their shapes, and the result is
deterministic."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from policydiff.align import align
from policydiff.docbuild import DocBuilder
from policydiff.model import ChangeKind, Document

from .test_align import A, TITLE

TEXTS = list(A.values())
# Fictional clauses used for insertions and rewording.
CLAUSES = ["并定期开展绩效评价", "具体办法由市人民政府另行制定", "鼓励社会资本参与", "每年组织一次检查",
           "相关部门应当予以配合", "情节严重的，依法追究责任", "本市另有规定的，从其规定"]

edit = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("insert"), st.integers(0, 50), st.integers(0, len(TEXTS) - 1)),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.just("split"), st.integers(0, 50)),
    st.tuples(st.just("merge"), st.integers(0, 50)),
    st.tuples(st.just("reword"), st.integers(0, 50), st.integers(0, len(CLAUSES) - 1)),
    st.tuples(st.just("chapter"), st.integers(0, 50)),
)


def apply(script, texts: list[str]) -> tuple[list[str], set[int]]:
    texts = list(texts)
    breaks: set[int] = {3, 8}  # chapter starts (article positions)
    for op in script:
        n = len(texts)
        if op[0] == "delete" and n:
            del texts[op[1] % n]
        elif op[0] == "insert":
            texts.insert(op[1] % (n + 1), TEXTS[op[2]])
        elif op[0] == "move" and n:
            t = texts.pop(op[1] % n)
            texts.insert(op[2] % n, t)
        elif op[0] == "split" and n:
            k = op[1] % n
            head, _, tail = texts[k].partition("，")
            if tail:
                texts[k:k + 1] = [head + "。", tail]
        elif op[0] == "merge" and n > 1:
            k = op[1] % (n - 1)
            texts[k:k + 2] = [texts[k] + "\n" + texts[k + 1]]
        elif op[0] == "reword" and n:
            k = op[1] % n
            texts[k] = texts[k].rstrip("。") + "，" + CLAUSES[op[2]] + "。"
        elif op[0] == "chapter" and n:
            breaks ^= {op[1] % n}
    return texts, breaks


def doc(texts: list[str], breaks: set[int]) -> Document:
    b = DocBuilder(title=TITLE)
    chapter = None
    c = 0
    for k, t in enumerate(texts):
        if k in breaks or (k == 0 and breaks):
            if chapter is not None:
                chapter.__exit__(None, None, None)
            c += 1
            chapter = b.container(f"第{c}章", c, f"第{c}部分")
            chapter.__enter__()
        b.measure(f"第{k + 1}条", k + 1, t)
    if chapter is not None:
        chapter.__exit__(None, None, None)
    return b.build()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(edit, max_size=12), st.lists(edit, max_size=4))
def test_reconciliation_and_shapes(script, pre_script):
    base, base_breaks = apply(pre_script, TEXTS)
    old = doc(base, base_breaks)
    new_texts, new_breaks = apply(script, base)
    new = doc(new_texts, new_breaks)
    al = align(old, new)
    old_seen = sorted(o for m in al.matches for o in m.old)
    new_seen = sorted(n for m in al.matches for n in m.new)
    assert old_seen == list(range(1, len(old.measures) + 1))
    assert new_seen == list(range(1, len(new.measures) + 1))
    for m in al.matches:
        assert 0.0 <= m.similarity <= 1.0
        shape = (len(m.old), len(m.new))
        if m.kind in (ChangeKind.UNCHANGED, ChangeKind.MODIFIED):
            assert shape == (1, 1)
            same = old.measure(m.old[0]).text == new.measure(m.new[0]).text
            assert same == (m.kind is ChangeKind.UNCHANGED)
        elif m.kind is ChangeKind.SPLIT:
            assert shape[0] == 1 and shape[1] >= 2
        elif m.kind is ChangeKind.MERGED:
            assert shape[0] >= 2 and shape[1] == 1
        elif m.kind is ChangeKind.ADDED:
            assert shape == (0, 1)
        else:
            assert shape == (1, 0)
        if len(m.old) != 1 or len(m.new) != 1:
            assert not m.renumbered and not m.moved
    # containers: each old and new container block at most once
    olds = [c.old for c in al.containers if c.old is not None]
    news = [c.new for c in al.containers if c.new is not None]
    assert sorted(olds) == sorted({c.index for c in old.containers})
    assert sorted(news) == sorted({c.index for c in new.containers})
    # deterministic
    assert align(old, new) == al


@settings(max_examples=60, deadline=None)
@given(st.lists(edit, max_size=6))
def test_identity_is_all_unchanged(script):
    texts, breaks = apply(script, TEXTS)
    d = doc(texts, breaks)
    al = align(d, d)
    assert all(m.kind is ChangeKind.UNCHANGED and not m.moved and not m.renumbered for m in al.matches)
    assert [m.old for m in al.matches] == [(k,) for k in range(1, len(d.measures) + 1)]
