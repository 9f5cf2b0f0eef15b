"""Substance flags, table-driven. Texts are fictional sentences in the style of policies."""

from __future__ import annotations

import pytest

from policydiff.substance import FLAGS, editorial_fold, extract, substance_flags

CASES = [
    # (old, new, expected flags, why)
    ("同一文本。", "同一文本。", (), "identical"),
    ("给予不超过50万元的支持。", "给予不超过100万元的支持。", ("money",), "amount changed"),
    ("给予不超过50万元奖励。", "给予不超过五十万元奖励。", ("editorial",), "same amount, Chinese numerals"),
    ("处一万元以上五万元以下罚款。", "处五万元以上五十万元以下罚款。", ("money", "penalty"), "fine range"),
    ("安排1.5亿元专项资金。", "安排15000万元专项资金。", ("editorial",), "same value, other unit"),
    ("补贴比例为30%。", "补贴比例为百分之四十。", ("percent",), "percent changed"),
    ("补贴比例为30%。", "补贴比例为３０％。", ("editorial",), "percent width"),
    ("补贴比例为40%。", "补贴比例为百分之四十。", ("editorial",), "percent written out"),
    ("本办法自2024年1月1日起施行。", "本办法自2025年1月1日起施行。", ("date",), "date"),
    ("应当在三十日内作出决定。", "应当在十五个工作日内作出决定。", ("deadline",), "time limit"),
    ("应当在六个月内办结。", "应当在六个月以内办结。", (), "内 and 以内: the same limit, reworded"),
    ("申请期限为一年。", "申请时间为一年。", ("deadline",), "the word 期限 dropped"),
    ("支持3家企业。", "支持5家企业。", ("count",), "count"),
    ("处违法所得一倍以上三倍以下罚款。", "处违法所得一倍以上五倍以下罚款。", ("count", "penalty"), "multiple of a fine"),
    ("有关部门应当予以支持。", "有关部门可以予以支持。", ("modal",), "modal force"),
    ("原则上不得超过两次。", "不得超过两次。", ("modal",), "原则上 dropped"),
    ("企业应当报送材料。", "企业应当报送相关材料。", (), "a plain rewording has no flag"),
    ("应当在三十日内办理。", "应当在30日内办理．", ("editorial",), "digits and punctuation width"),
    ("依照本条例第三十七条处理。", "依照本条例第三十一条处理。", ("editorial",), "cross-reference renumbered"),
    ("（一）申请材料；\n（二）证明文件。", "(一) 申请材料;\n(二) 证明文件.", ("editorial",), "item labels, width, space"),
    ("", "给予不超过50万元的支持。", ("money",), "added text: every item counts but modal force"),
    ("可以在30日内申请。", "", ("deadline",), "removed text: no modal flag (nothing to compare its force with)"),
    ("处五年以下有期徒刑或者拘役。", "处三年以下有期徒刑或者拘役。", ("penalty",), "prison term lowered"),
    ("处三年以上七年以下有期徒刑。", "处三年以上十年以下有期徒刑。", ("penalty",), "upper bound of a term"),
    ("处五年以下有期徒刑。", "处五年以下有期徒刑、拘役或者管制。", ("penalty",), "lighter sanctions added"),
    ("处三年以下有期徒刑，并处罚金。", "处三年以下有期徒刑，并处或者单处罚金。", (), "same sanctions, reworded"),
    ("由工商部门责令改正。", "由市场监管部门责令停产停业。", ("penalty",), "business sanction"),
    ("情节严重的，吊销许可证。", "情节严重的，吊销营业执照。", ("penalty",), "what is revoked"),
    ("", "处五万元以下罚款；构成犯罪的，处三年以下有期徒刑。", ("money", "penalty"), "added penalty article"),
    ("企业可以申请补贴。", "企业应当申请补贴。", ("modal",), "modal force changed"),
    ("企业应当申请补贴，并报送材料。", "企业应当及时申请补贴，并报送相关材料。", (), "same modal force"),
    ("“示例”", "「示例」", ("editorial",), "quote style"),
]


@pytest.mark.parametrize("old, new, expected, why", CASES, ids=[c[3] for c in CASES])
def test_flags(old, new, expected, why):
    assert substance_flags(old, new) == expected


def test_flags_are_sorted_known_names():
    flags = substance_flags("2023年起，给予30%、50万元，应当在10日内报送3项材料。", "")
    assert flags == tuple(sorted(flags))
    assert set(flags) <= set(FLAGS)
    assert set(flags) == {"date", "percent", "money", "deadline", "count"}


@pytest.mark.parametrize("text, kind, item", [
    ("处二万元以上十万元以下罚款", "money", ("20000", "元")),
    ("奖励2,000美元", "money", ("2000", "美元")),
    ("千分之五", "percent", "0.5"),
    ("二〇二四年三月", "date", "2024-3"),
    ("24小时内", "deadline", ("24", "小时")),
    ("三十天内", "deadline", ("30", "日")),
    ("两个工作日", "deadline", ("2", "工作日")),
    ("两个单位", "count", ("2", "个")),
    ("处三年以上七年以下有期徒刑", "penalty", ("有期徒刑", "3年以上7年以下")),
    ("处六个月以下有期徒刑", "penalty", ("有期徒刑", "6个月以下")),
    ("处二万元以上十万元以下的罚款", "penalty", ("罚款", "20000元 100000元")),
    ("处违法所得一倍以上五倍以下罚款", "penalty", ("罚款", "1倍 5倍")),
    ("吊销其生产许可证", "penalty", ("吊销", "其生产许可证")),
    ("责令停产停业", "penalty", ("责令", "停产停业")),
])
def test_extract_items(text, kind, item):
    assert extract(text)[kind][item] == 1


def test_ordinals_and_durations_are_not_counts():
    items = extract("第三项规定的，六个月内办理")
    assert not items["count"]
    assert items["deadline"][("6", "月")] == 1


def test_a_year_in_a_date_is_not_a_deadline():
    assert not extract("2024年内完成")["deadline"] or extract("2024年内完成")["date"]
    assert extract("2024年1月1日起")["deadline"] == extract("")["deadline"]


def test_editorial_fold_keeps_words():
    assert editorial_fold("应当") != editorial_fold("可以")
    assert editorial_fold("第一条") == editorial_fold("第二条")


# ---------------------------------------------------------------- fast path == slow path

from hypothesis import given, settings, strategies as st  # noqa: E402

from policydiff.textdiff import redline  # noqa: E402

_PIECES = st.sampled_from([
    "企业", "应当", "可以", "不得", "在", "三十日内", "30日内", "15个工作日", "50万元", "五十万元", "100万元",
    "30%", "百分之三十", "2024年1月1日", "二〇二四年", "3家", "五项", "第三十七条", "第三条", "（一）", "(二)",
    "，", ",", "。", ".", "、", " ", "\n", "期限", "人民币", "元", "申请材料", "鼓励", "支持", "原则上",
])
_TEXT = st.lists(_PIECES, max_size=40).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT, _TEXT)
def test_flags_with_segments_equal_flags_without(old, new):
    """substance_flags(old, new, segments) takes shortcuts (word-character pre-check,
    windows around the edits); it must give the same answer as the full computation."""
    assert substance_flags(old, new, redline(old, new)) == substance_flags(old, new)


@settings(max_examples=100, deadline=None)
@given(_TEXT, st.lists(st.tuples(st.integers(0, 400), st.integers(0, 8), _TEXT), max_size=3))
def test_flags_fast_path_on_long_texts_with_local_edits(base, edits):
    base = base * 4  # long enough for the edit windows to cut
    new = base
    for position, length, insert in edits:
        position = min(position, len(new))
        new = new[:position] + insert + new[position + length:]
    assert substance_flags(base, new, redline(base, new)) == substance_flags(base, new)


# ---------------------------------------------------------------- word guards == no guards

import unicodedata  # noqa: E402

from policydiff import substance as _substance  # noqa: E402

_GUARD_PIECES = st.sampled_from([
    "处", "以上", "以下", "三年", "五年", "六个月", "有期徒刑", "无期徒刑", "死刑", "拘役", "管制", "罚款",
    "罚金", "一倍", "五倍", "吊销", "许可证", "责令", "停产停业", "没收", "违法所得", "万元", "元", "美元",
    "港币", "人民币", "%", "％", "百分之", "千分之", "分之", "年", "月", "日", "天", "周", "星期", "小时",
    "工作日", "期限", "时限", "内", "以内", "三十", "30", "2024", "二〇二四", "的", "，", "。", " ",
])
_GUARD_TEXT = st.lists(_GUARD_PIECES, max_size=30).map("".join)


def _corpus_measure_texts(limit_docs: int) -> list[str]:
    import json

    from policydiff.archive.derive import parse_file
    from tests.conftest import CORPUS

    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    texts = []
    for document in manifest["documents"][:limit_docs]:
        for version in document["versions"]:
            _, parsed, _ = parse_file((CORPUS / version["file"]).read_bytes(), version["file"])
            texts += [block.text for block in parsed.measures]
    return texts


@settings(max_examples=400, deadline=None)
@given(_GUARD_TEXT)
def test_every_match_holds_a_needed_word(text):
    """extract skips a pattern on a text without its needed words (_NEEDED_WORDS): each
    match of the pattern must hold one, or a guard would hide an item."""
    text = unicodedata.normalize("NFKC", text)
    for pattern, words in _substance._NEEDED_WORDS.items():
        for match in pattern.finditer(text):
            assert any(word in match.group(0) for word in words), (pattern.pattern, match.group(0))


def test_guarded_extract_equals_unguarded_on_corpus_measures(monkeypatch):
    texts = _corpus_measure_texts(25)
    assert len(texts) > 2000
    guarded = [_substance.extract(text) for text in texts]
    monkeypatch.setattr(_substance, "_may_match_each", lambda text: [True] * len(_substance._GUARDED))
    assert [_substance.extract(text) for text in texts] == guarded
    for pattern, words in _substance._NEEDED_WORDS.items():
        for text in texts:
            for match in pattern.finditer(unicodedata.normalize("NFKC", text)):
                assert any(word in match.group(0) for word in words), (pattern.pattern, match.group(0))


# ------------------------------------- plain-dict counts == Counters (issue 14, small)

def _counter_flags(old: str, new: str, segments=None) -> tuple[str, ...]:
    """substance_flags as it was written with Counters (extract and Counter equality): the
    reference the plain-dict path must agree with."""
    from collections import Counter

    if old == new:
        return ()
    if old and new:
        if segments is None or (Counter(_substance._word_chars(segments, "-"))
                                == Counter(_substance._word_chars(segments, "+"))):
            if editorial_fold(old) == editorial_fold(new):
                return ("editorial",)
    if segments is not None and len(old) + len(new) > 8 * _substance.WINDOW_CONTEXT:
        old, new = _substance._edit_windows(segments)
    old_items, new_items = extract(old), extract(new)
    one_sided = not old or not new
    return tuple(sorted(flag for flag in old_items if old_items[flag] != new_items[flag]
                        and not (one_sided and flag == "modal")))


def test_item_counts_are_extracts_counters_with_positive_counts():
    from collections import Counter

    texts = _corpus_measure_texts(12) + ["", "罚款五万元，应当在三十日内", "二〇二四年三月一日起施行"]
    for text in texts:
        counts = _substance._item_counts(text)
        assert {flag: Counter(items) for flag, items in counts.items()} == extract(text)
        assert list(counts) == list(extract(text))
        assert all(n > 0 for items in counts.values() for n in items.values())
        for items in counts.values():  # insertion order: Counter's, item by item
            assert list(items) == list(Counter(items))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="甲乙丙丁戊", max_size=8), st.text(alphabet="甲乙丙丁戊", max_size=8))
def test_same_chars_is_counter_equality(old, new):
    from collections import Counter

    assert _substance._same_chars(old, new) == (Counter(old) == Counter(new))
    assert _substance._same_chars(old, "".join(reversed(old)))


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join), st.lists(_PIECES, max_size=12).map("".join))
def test_flags_equal_counter_flags_on_random_texts(old, new):
    segments = redline(old, new)
    assert substance_flags(old, new, segments) == _counter_flags(old, new, segments)
    assert substance_flags(old, new) == _counter_flags(old, new)


def test_flags_equal_counter_flags_on_corpus_neighbours():
    texts = _corpus_measure_texts(12)
    pairs = list(zip(texts, texts[1:])) + [(text, text.replace("应当", "可以", 1)) for text in texts[::7]]
    for old, new in pairs:
        segments = redline(old, new)
        assert substance_flags(old, new, segments) == _counter_flags(old, new, segments)


def test_may_match_is_a_search_for_any_needed_word():
    """_may_match (a loop of `in`) answers as a search for the alternation of its words."""
    import re

    texts = _corpus_measure_texts(6) + ["", "年", "罚", "罚金", "百分之", "分之五", "港币", "吊销执照", "人民币"]
    for pattern, words in _substance._NEEDED_WORDS.items():
        search = re.compile("|".join(map(re.escape, words))).search
        for text in texts:
            assert _substance._may_match(pattern, text) == (search(text) is not None), (words, text)


def test_may_match_each_answers_as_may_match_for_every_guarded_pattern():
    assert set(_substance._GUARDED) == set(_substance._NEEDED_WORDS)
    texts = _corpus_measure_texts(6) + ["", "年", "罚金", "百分之", "港币", "吊销执照", "有期徒刑", "没收"]
    for text in texts:
        assert _substance._may_match_each(text) == [_substance._may_match(p, text) for p in _substance._GUARDED]


# ------------------- patterns that open with a figure's first character (issue 14, small)

_CN_CHARS = _substance._CN
_OLD_MONEY = (rf"({_substance._NUM})\s*(千|百|万|亿)?\s*(元|美元|欧元|港元|港币|日元|人民币)")
_OLD_COUNT = (rf"(?<!第)(?<![{_CN_CHARS}0-9.])({_substance._NUM})"
              r"\s*(个(?!月|工作日|小时)|项|家|次|人|倍|名|件|所|种|类|批|位|户|届|台|份|张|支|座)")
_FIGURE_TEXT = st.lists(st.sampled_from(
    list("0123456789.,第个项人倍元万千 \n年月日%") + list(_CN_CHARS[:12]) + ["个月", "工作日", "小时", "美元", "人民币", "港币", "甲"]),
    max_size=30).map("".join)


def _matches(pattern, text):
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


def test_numerals_hold_no_ascii_digit():
    """_NUM_REST picks its branch by whether the first character is an ASCII digit."""
    assert not set(_CN_CHARS) & set("0123456789.,")


@settings(max_examples=600, deadline=None)
@given(_FIGURE_TEXT)
def test_figure_first_patterns_match_as_the_old_ones(text):
    import re

    assert _matches(_substance._COUNT_RE, text) == _matches(re.compile(_OLD_COUNT), text)
    assert _matches(_substance._MONEY_RE, text) == _matches(re.compile(_OLD_MONEY), text)


def test_figure_first_patterns_match_as_the_old_ones_on_corpus_measures():
    import re

    old_count, old_money = re.compile(_OLD_COUNT), re.compile(_OLD_MONEY)
    texts = [unicodedata.normalize("NFKC", t) for t in _corpus_measure_texts(25)]
    found = 0
    for text in texts:
        counts = _matches(_substance._COUNT_RE, text)
        assert counts == _matches(old_count, text)
        assert _matches(_substance._MONEY_RE, text) == _matches(old_money, text)
        found += len(counts)
    assert found > 100  # the texts hold counts: the comparison is not vacuous
