"""The report JSON's own encoder (render/json.dumps_indented) writes exactly the bytes of
`json.dumps(value, ensure_ascii=False, indent=2)`: on random values of every JSON type
(subclasses, non-str keys, NaN, control characters, surrogates included), on the shapes
of the policydiff.diff/1 document, and on a real comparison; and the "changes" of a large
diff, which orjson writes (render/json._comparison_orjson), are the same bytes too: every
similarity text, random strings, odd values that must take the pure-Python way."""

from __future__ import annotations

import contextlib
import enum
import json
import math
import sys

import pytest
from hypothesis import given, settings, strategies as st

from policydiff.render import json as json_render
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
                     st.tuples(st.sampled_from("=+-"), _ODD), st.tuples(_ODD, st.text(max_size=3)),
                     st.lists(st.text(max_size=3), min_size=2, max_size=2),  # a list: the same JSON
                     st.text(min_size=2, max_size=2),  # a str of two characters: ["a", "b"] in the JSON
                     st.tuples(st.sampled_from("=+-"), st.sampled_from(["\ud800", "\x00\x7f\u2028"])))
_ORDINALS = st.one_of(st.lists(st.integers(1, 4), max_size=3).map(tuple), st.lists(st.integers(1, 4), max_size=2),
                      st.sampled_from([(True,), (2**64 + 1,)]))
_CHANGE = st.builds(
    Change, kind=st.sampled_from(list(ChangeKind)), old=_ORDINALS, new=_ORDINALS,
    similarity=st.one_of(st.floats(0, 1), st.sampled_from([0, 1, 0.33333333, 1e-9, -1e-9, -0.00004, 1.00004,
                                                          1.5, -2.0, 12345.6789, 1e-300, float("nan"), math.inf])),
    segments=st.lists(_SEGMENT, max_size=4).map(tuple),
    renumbered=st.one_of(st.booleans(), _ODD), moved=st.one_of(st.booleans(), _ODD),
    flags=st.one_of(st.lists(st.sampled_from(["money", "modal", "日期\"\\\n"]), max_size=3).map(tuple),
                    st.lists(_ODD, max_size=2).map(tuple), st.text(max_size=2)))
_LABELS = st.lists(st.sampled_from(["第一条", "（二）", "3.", "\"\\\u2028", ""]), min_size=4, max_size=4)


@contextlib.contextmanager
def writer(name: str):
    """The "changes" writer that comparison_json uses: "orjson" for any number of changes,
    "python" (_change_json) for all."""
    saved = json_render.ORJSON_MIN_CHANGES
    json_render.ORJSON_MIN_CHANGES = 0 if name == "orjson" else 10**9
    try:
        yield
    finally:
        json_render.ORJSON_MIN_CHANGES = saved


WRITERS = ("python", "orjson")


@pytest.mark.parametrize("name", WRITERS)
@settings(max_examples=300, deadline=None)
@given(st.lists(_CHANGE, max_size=5), _LABELS, _LABELS, st.booleans(), st.booleans())
def test_changes_written_straight_are_the_dict_dumped(name, changes, old_labels, new_labels, old_text, new_text):
    """comparison_json writes each change from the Change itself (_change_json), or through
    orjson (_comparison_orjson); the bytes must be json.dumps of comparison_dict, whatever the
    values' types (an unexpected one takes the generic way)."""
    with writer(name):
        _check_changes_written_straight(changes, old_labels, new_labels, old_text, new_text)


def _check_changes_written_straight(changes, old_labels, new_labels, old_text, new_text):
    old, new = _version(old_labels), _version(new_labels)
    if not old_text:
        old = replace(old, document=None)
    if not new_text:
        new = replace(new, document=None)
    comparison = Comparison(old=old, new=new, changes=tuple(changes))
    try:
        expected = reference(comparison_dict(comparison)) + "\n"
    except (TypeError, ValueError, IndexError) as error:  # a shape json.dumps or the dict refuses: refused too
        with pytest.raises((TypeError, ValueError, IndexError)):  # refused too (two odd values: either's error)
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
        expected = reference(comparison_dict(comparison)) + "\n"
        for name in WRITERS:
            with writer(name):
                assert comparison_json(comparison) == expected, (old["file"], name)
        assert json_render._orjson_changes(comparison.changes, comparison.old.document.measures,
                                           comparison.new.document.measures) is not None, old["file"]


# ---------------------------------------------------------------- orjson's bytes

import orjson  # noqa: E402  a dependency (setup.cfg): missing is a failure, not a skip


def test_every_similarity_text_is_reprs():
    """orjson is handed only similarities rounded to 4 places in 0..1: each of the 10,001
    possible floats (and -0.0, which round gives for a tiny negative) is written as repr."""
    for k in range(10_001):
        value = round(k / 10_000, json_render.SIMILARITY_PLACES)
        assert value == float(f"{k / 10_000:.4f}")  # round gives the float nearest k/10000
        assert orjson.dumps(value).decode() == repr(value) == json.dumps(value), k
    assert orjson.dumps(round(-0.00001, 4)).decode() == "-0.0" == json.dumps(-0.0)


@settings(max_examples=500, deadline=None)
@given(st.floats(0, 1))
def test_rounded_similarities_are_in_the_table(value):
    rounded = round(value, json_render.SIMILARITY_PLACES)
    assert rounded == round(rounded * 10_000) / 10_000
    assert orjson.dumps(rounded).decode() == json.dumps(rounded)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.text(st.characters(blacklist_categories=())), st.text(
    st.characters(min_codepoint=0, max_codepoint=0xA0)), st.sampled_from(["\u2028\u2029\ufeff\U0001f600", "\ud800x"])),
    max_size=4))
def test_strings_are_json_dumps_or_refused(strings):
    """orjson escapes strings as json.dumps(ensure_ascii=False) does (controls as \\n, \\t,
    \\u001b lowercase; DEL, C1, U+2028/9 kept), or refuses them (lone surrogates), which
    sends the changes the pure-Python way."""
    expected = json.dumps({"changes": strings}, ensure_ascii=False, indent=2)
    try:
        written = orjson.dumps({"changes": strings}, option=orjson.OPT_INDENT_2).decode()
    except orjson.JSONEncodeError:
        assert any("\ud800" <= ch <= "\udfff" for text in strings for ch in text)
        return
    assert written == expected


def test_orjson_missing_takes_the_python_way(monkeypatch, manifest):
    from policydiff.compare import compare
    from policydiff.intake import load_file
    from tests.conftest import CORPUS

    versions = manifest["documents"][0]["versions"]
    comparison = compare(load_file(CORPUS / versions[0]["file"]), load_file(CORPUS / versions[1]["file"]))
    monkeypatch.setitem(sys.modules, "orjson", None)  # `import orjson` raises ImportError
    assert json_render._comparison_orjson(comparison_dict(comparison, changes=False), comparison.changes,
                                          None, None) is None
    with writer("orjson"):
        assert comparison_json(comparison) == reference(comparison_dict(comparison)) + "\n"


def test_orjson_refusing_a_header_takes_the_python_way(manifest):
    """The top-level values around the changes go to orjson as Fragments of dumps_indented's
    text: a lone surrogate in one (json.dumps writes it, orjson refuses it) sends the whole
    document the pure-Python way, with the same text as json.dumps."""
    from dataclasses import replace as replaced

    from policydiff.compare import compare
    from policydiff.intake import load_file
    from tests.conftest import CORPUS

    versions = manifest["documents"][0]["versions"]
    comparison = compare(load_file(CORPUS / versions[0]["file"]), load_file(CORPUS / versions[1]["file"]))
    odd = replaced(comparison, old=replaced(comparison.old, meta=replaced(comparison.old.meta, title="示例\ud800")))
    value = comparison_dict(odd, changes=False)
    measures = (odd.old.document.measures, odd.new.document.measures)
    assert json_render._comparison_orjson(value, odd.changes, *measures) is None
    with writer("orjson"):
        assert comparison_json(odd) == reference(comparison_dict(odd)) + "\n"
        assert comparison_json(comparison) == reference(comparison_dict(comparison)) + "\n"
    value = comparison_dict(comparison, changes=False)
    assert json_render._comparison_orjson(value, comparison.changes, *measures).decode("utf-8") \
        == reference(comparison_dict(comparison)) + "\n"


@settings(max_examples=600, deadline=None)
@given(values)
def test_values_orjson_takes_as_they_are_are_json_dumps(value):
    """_orjson_plain lets a top-level value go to orjson as it is (not as dumps_indented's
    text): only if orjson writes it as json.dumps does, or refuses it (then the pure-Python
    way): floats, enums, subclasses and non-str keys anywhere in it keep it out."""
    if not json_render._orjson_plain([value]):
        return
    try:
        written = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    except orjson.JSONEncodeError:  # an int beyond 64 bits, a lone surrogate
        return
    assert written == reference(value)


def test_orjson_plain_refuses_what_orjson_writes_otherwise():
    for value in (1e-05, [0.5], {"a": [1, {"b": float("nan")}]}, {1: "x"}, [Kind.MODIFIED], {Kind.MODIFIED: 1},
                  [Level.ONE], ("x", [[[1.0]]]), {"a": object()}):
        assert not json_render._orjson_plain([value]), value
    for value in ([], {}, "x", None, [[], {}, ("a", 1, True, None)], {"a": [{"b": ["c"]}]}, 2**70):
        assert json_render._orjson_plain([value]), value


def test_container_changes_go_to_orjson_as_they_are(manifest):
    """The corpus pairs' container changes are plain values: orjson takes them as they are
    (the speed of the large diff's JSON rests on it)."""
    from policydiff.compare import compare
    from policydiff.intake import load_file
    from policydiff.render.json import container_dict
    from tests.conftest import CORPUS

    seen = 0
    for document in manifest["documents"][:12]:
        versions = document["versions"]
        comparison = compare(load_file(CORPUS / versions[0]["file"]), load_file(CORPUS / versions[1]["file"]))
        dicts = [container_dict(change) for change in comparison.container_changes]
        assert json_render._orjson_plain([dicts])
        seen += len(dicts)
    assert seen


def _summary_by_loop(comparison) -> dict:  # Comparison.summary as it was written (a loop)
    counts = {k.value: 0 for k in ChangeKind}
    counts["renumbered"] = 0
    counts["moved"] = 0
    for change in comparison.changes:
        counts[change.kind.value] += 1
        counts["renumbered"] += change.renumbered
        counts["moved"] += change.moved
    return counts


@settings(max_examples=300, deadline=None)
@given(st.lists(st.builds(Change, kind=st.sampled_from(list(ChangeKind)), old=_ORDINALS, new=_ORDINALS,
                          similarity=st.just(0.5), segments=st.just(()), renumbered=st.booleans(),
                          moved=st.booleans()), max_size=30))
def test_summary_counts_as_the_loop(changes):
    comparison = Comparison(old=_version([""] * 4), new=_version([""] * 4), changes=tuple(changes))
    summary = comparison.summary()
    assert summary == _summary_by_loop(comparison) and list(summary) == list(_summary_by_loop(comparison))
