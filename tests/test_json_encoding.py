"""The report JSON's own encoder (render/json.dumps_indented) writes exactly the bytes of
`json.dumps(value, ensure_ascii=False, indent=2)`: on random values of every JSON type
(subclasses, non-str keys, NaN, control characters, surrogates included), on the shapes
of the policydiff.diff/1 document, and on a real comparison."""

from __future__ import annotations

import enum
import json
import math

import pytest
from hypothesis import given, settings, strategies as st

from policydiff.render.json import comparison_dict, comparison_json, dumps_indented


class Kind(str, enum.Enum):  # like model.BlockKind / ChangeKind
    MODIFIED = "modified"


class Level(enum.IntEnum):
    ONE = 1


def reference(value) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**30, max_value=10**30),
    st.floats(allow_nan=True, allow_infinity=True), st.text(), st.sampled_from([Kind.MODIFIED, Level.ONE]),
    st.sampled_from(["", "\x00\x1f\"\\", "\ud800", "第十二条　示例（测试用虚构文本）\n", "\u2028"]),
)
keys = st.one_of(st.text(max_size=8), st.integers(-5, 5), st.floats(allow_nan=False), st.booleans(), st.none(),
                 st.just(Kind.MODIFIED))
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=5), st.lists(inner, max_size=5).map(tuple),
        st.dictionaries(keys, inner, max_size=5),
        # the [op, text] pairs of `segments`, with odd rows among them
        st.lists(st.one_of(st.tuples(st.sampled_from("=+-"), st.text()).map(list), st.lists(inner, max_size=3)),
                 max_size=5),
    ),
    max_leaves=40,
)


@settings(max_examples=600, deadline=None)
@given(values)
def test_same_bytes_as_json_dumps(value):
    assert dumps_indented(value) == reference(value)


def test_edge_values():
    for value in ([], {}, [[]], [{}], {"a": []}, {"a": {}}, [[], [1], ["x", "y"], [None, True, 1.5]],
                  {"a": [[["deep"]]]}, float("nan"), -0.0, math.inf, [math.inf, -math.inf], {1.5: 1, None: 2},
                  {"segments": [["=", "a"], ["+", "b"], ["-", ""]]}, {"old": [3], "new": [4, 5], "flags": []},
                  [Kind.MODIFIED, Level.ONE, True], {Kind.MODIFIED: [Level.ONE]}):
        assert dumps_indented(value) == reference(value), value


def test_refuses_what_json_refuses():
    for value in ({"a": object()}, [object()], {(1, 2): 1}, {1j}):
        with pytest.raises(TypeError):
            reference(value)
        with pytest.raises(TypeError):
            dumps_indented(value)


def test_comparison_json_is_json_dumps(tmp_path):
    from policydiff.compare import compare
    from policydiff.intake import load_file

    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("示例市促进创新若干措施(测试用虚构文本)\n一、总则\n1.支持创新。\n2.支持创业。\n3.删去的一条。\n",
                   encoding="utf-8")
    new.write_text("示例市促进创新若干措施(测试用虚构文本)\n一、总则\n1.大力支持创新。\n2.支持创业。\n二、附则\n"
                   "3.新增的一条。\n", encoding="utf-8")
    comparison = compare(load_file(old), load_file(new))
    assert comparison_json(comparison) == reference(comparison_dict(comparison)) + "\n"


# ---------------------------------------------------------------- changes written straight

from dataclasses import replace  # noqa: E402

from policydiff.model import Block, BlockKind, Change, ChangeKind, Comparison, Document, DocumentMeta, Version  # noqa: E402


def _version(labels: list[str]) -> Version:
    blocks = tuple(Block(index=i, kind=BlockKind.MEASURE, level="article", label=label, number=i + 1,
                         sub_number=None, heading="", text="", raw="", start=0, parent=None, ordinal=i + 1)
                   for i, label in enumerate(labels))
    return Version(None, None, DocumentMeta(title="示例（测试用虚构文本）"), True,
                   document=Document(text="", blocks=blocks))


_ODD = st.sampled_from([1, 0, 1.0, 0.5, True, None, "x", Kind.MODIFIED])
_SEGMENT = st.one_of(st.tuples(st.sampled_from("=+-"), st.text(max_size=6)),
                     st.tuples(st.sampled_from("=+-"), st.text(max_size=3), st.text(max_size=3)),
                     st.tuples(st.sampled_from("=+-"), _ODD), st.tuples(_ODD, st.text(max_size=3)))
_ORDINALS = st.lists(st.integers(1, 4), max_size=3).map(tuple)
_CHANGE = st.builds(
    Change, kind=st.sampled_from(list(ChangeKind)), old=_ORDINALS, new=_ORDINALS,
    similarity=st.one_of(st.floats(0, 1), st.sampled_from([0, 1, 0.33333333, 1e-9, float("nan")])),
    segments=st.lists(_SEGMENT, max_size=4).map(tuple),
    renumbered=st.one_of(st.booleans(), _ODD), moved=st.one_of(st.booleans(), _ODD),
    flags=st.one_of(st.lists(st.sampled_from(["money", "modal", "日期\"\\\n"]), max_size=3).map(tuple),
                    st.lists(_ODD, max_size=2).map(tuple)))
_LABELS = st.lists(st.sampled_from(["第一条", "（二）", "3.", "\"\\\u2028", ""]), min_size=4, max_size=4)


@settings(max_examples=400, deadline=None)
@given(st.lists(_CHANGE, max_size=5), _LABELS, _LABELS, st.booleans(), st.booleans())
def test_changes_written_straight_are_the_dict_dumped(changes, old_labels, new_labels, old_text, new_text):
    """comparison_json writes each change from the Change itself (_change_json); the bytes
    must be json.dumps of comparison_dict, whatever the values' types (an unexpected one
    takes the generic way)."""
    old, new = _version(old_labels), _version(new_labels)
    if not old_text:
        old = replace(old, document=None)
    if not new_text:
        new = replace(new, document=None)
    comparison = Comparison(old=old, new=new, changes=tuple(changes))
    try:
        expected = reference(comparison_dict(comparison)) + "\n"
    except (TypeError, ValueError) as error:  # a shape json.dumps or the dict refuses: refused too
        with pytest.raises(type(error)):
            comparison_json(comparison)
        return
    assert comparison_json(comparison) == expected


def test_changes_written_straight_on_corpus_pairs(manifest):
    from policydiff.compare import compare
    from policydiff.intake import load_file
    from tests.conftest import CORPUS

    pairs = [(d["versions"][k], d["versions"][k + 1]) for d in manifest["documents"]
             for k in range(len(d["versions"]) - 1)]
    for old, new in pairs[::8]:
        comparison = compare(load_file(CORPUS / old["file"]), load_file(CORPUS / new["file"]))
        assert comparison_json(comparison) == reference(comparison_dict(comparison)) + "\n", old["file"]
