"""Redline segments: lossless for any input, figures never cut, deterministic."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from policydiff import textdiff
from policydiff.textdiff import rebuild_new, rebuild_old, redline, redline_many

# Text drawn from CJK, ASCII, digits, Chinese numerals, punctuation of both widths and
# any other surrogate-free code point, so that random pairs share material.
ALPHABET = st.sampled_from(list("企业应当可以不得万元年月日第条一二三十百零0123456789，,。.；;（）() \n\t")) | st.characters(
    blacklist_categories=("Cs",))
TEXT = st.text(alphabet=ALPHABET, max_size=60)


def _check_segments(segments, old, new):
    assert rebuild_old(segments) == old
    assert rebuild_new(segments) == new
    assert all(text for _, text in segments), "no empty segment"
    assert all(op in "=-+" for op, _ in segments)
    for (a, _), (b, _) in zip(segments, segments[1:]):
        assert a != b, "neighbours never share an op"
        assert (a, b) != ("+", "-"), "a replacement reads deletion first"


@settings(max_examples=300, deadline=None)
@given(TEXT, TEXT, st.sampled_from(["snap", "char"]))
def test_lossless_on_random_text(old, new, granularity):
    _check_segments(redline(old, new, granularity), old, new)


@settings(max_examples=200, deadline=None)
@given(TEXT, st.lists(st.tuples(st.integers(0, 60), st.integers(0, 5), TEXT), max_size=4))
def test_lossless_on_random_edits(base, edits):
    """Edits of a common text: the realistic case (long equalities between edits)."""
    new = base
    for position, length, insert in edits:
        position = min(position, len(new))
        new = new[:position] + insert + new[position + length:]
    _check_segments(redline(base, new), base, new)


@settings(max_examples=100, deadline=None)
@given(st.lists(TEXT, max_size=3), st.lists(TEXT, max_size=3))
def test_redline_many_rebuilds_joined_texts(olds, news):
    segments = redline_many(olds, news)
    _check_segments(segments, "\n".join(olds), "\n".join(news))


@pytest.mark.parametrize("old, new, expected", [
    ("", "", ()),
    ("同一文本。", "同一文本。", (("=", "同一文本。"),)),
    ("", "新增条文。", (("+", "新增条文。"),)),
    ("删除条文。", "", (("-", "删除条文。"),)),
    # a figure is replaced whole, never cut: 20[-11-]{+22+} would be a cut
    ("本办法自2011年9月1日起施行。", "本办法自2022年8月1日起施行。",
     (("=", "本办法自"), ("-", "2011年9"), ("+", "2022年8"), ("=", "月1日起施行。"))),
    ("违反本办法第二百零七条规定的", "违反本办法第二百一十一条规定的",
     (("=", "违反本办法第"), ("-", "二百零七"), ("+", "二百一十一"), ("=", "条规定的"))),
    ("处一万元以上五万元以下罚款", "处五万元以上五十万元以下罚款",
     (("=", "处"), ("-", "一万"), ("+", "五万"), ("=", "元以上"), ("-", "五万"), ("+", "五十万"),
      ("=", "元以下罚款"))),
    # a plain word edit stays as small as the character diff
    ("企业应当报送材料。", "企业可以报送材料。", (("=", "企业"), ("-", "应当"), ("+", "可以"), ("=", "报送材料。"))),
])
def test_gold_redlines(old, new, expected):
    assert redline(old, new) == expected


def test_number_cuts_counts_cut_figures():
    char_level = redline("本办法自2011年9月1日起施行。", "本办法自2022年8月1日起施行。", "char")
    assert textdiff.number_cuts(char_level) > 0
    assert textdiff.number_cuts(redline("本办法自2011年9月1日起施行。", "本办法自2022年8月1日起施行。")) == 0


def test_fragments():
    segments = (("=", "甲"), ("-", "乙"), ("+", "丙"), ("=", "丁"), ("+", "戊"))
    assert textdiff.fragments(segments) == ["乙丙", "戊"]


def test_unknown_granularity_is_rejected():
    with pytest.raises(ValueError):
        redline("甲", "乙", "words")


def test_deterministic():
    old = "市财政每年安排不超过5000万元专项资金，支持企业开展技术攻关。" * 3
    new = "市财政每年安排不超过8000万元专项资金，鼓励企业开展关键核心技术攻关。" * 3
    assert redline(old, new) == redline(old, new)


def test_settings_are_recorded():
    assert textdiff.settings()["redline_diff_timeout_s"] == 0
