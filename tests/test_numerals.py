"""Numerals and user-typed measure labels: table-driven."""

import pytest

from policydiff.numerals import cn_to_int, numeral_to_int, parse_measure_label, roman_to_int

CN_CASES = [
    ("〇", 0), ("零", 0), ("一", 1), ("二", 2), ("两", 2), ("九", 9), ("十", 10),
    ("十一", 11), ("十二", 12), ("二十", 20), ("二十三", 23), ("九十九", 99),
    ("一百", 100), ("一百零五", 105), ("一百一十", 110), ("一百十", 110), ("一百二十三", 123),
    ("两百", 200), ("二百零一", 201), ("一千", 1000), ("两千", 2000), ("一千零一", 1001),
    ("一千二百三十四", 1234), ("一万", 10000), ("一万零一", 10001), ("十万", 100000),
    ("一亿二千万", 120000000),
    ("二〇二四", 2024), ("一〇五", 105), ("一九九九", 1999),
    ("壹佰零伍", 105), ("拾贰", 12),
    ("5", 5), ("17", 17), ("５", 5), ("１７", 17), ("０", 0),
]


@pytest.mark.parametrize("text,value", CN_CASES)
def test_cn_to_int(text, value):
    assert cn_to_int(text) == value


@pytest.mark.parametrize("text", ["", "条", "十百", "二三十", "abc", "1a", "一a", "第一"])
def test_cn_to_int_rejects(text):
    with pytest.raises(ValueError):
        cn_to_int(text)


@pytest.mark.parametrize("text,value", [("I", 1), ("iv", 4), ("IX", 9), ("XII", 12), ("XLII", 42), ("MCMXCIX", 1999)])
def test_roman(text, value):
    assert roman_to_int(text) == value
    assert numeral_to_int(text) == value


@pytest.mark.parametrize("text", ["", "IIII", "VX", "ABC"])
def test_roman_rejects(text):
    with pytest.raises(ValueError):
        roman_to_int(text)


LABEL_CASES = [
    ("5", (5, None)), ("5.", (5, None)), ("5．", (5, None)), ("5、", (5, None)), (" 5 ", (5, None)),
    ("５", (5, None)), ("１７．", (17, None)),
    ("第5条", (5, None)), ("第五条", (5, None)), ("第 5 条", (5, None)), ("第十二条", (12, None)),
    ("第十条之一", (10, 1)), ("第10条之1", (10, 1)), ("第一百零五条之二", (105, 2)),
    ("(三)", (3, None)), ("（三）", (3, None)), ("(3)", (3, None)), ("（３）", (3, None)), ("3)", (3, None)),
    ("三、", (3, None)), ("三", (3, None)), ("十七", (17, None)),
    ("Article 3", (3, None)), ("article 3", (3, None)), ("Art. 3", (3, None)),
    ("Section 2", (2, None)), ("§ 2", (2, None)), ("Article IV", (4, None)),
    ("①", (1, None)), ("⑳", (20, None)),
]


@pytest.mark.parametrize("text,value", LABEL_CASES)
def test_parse_measure_label(text, value):
    assert parse_measure_label(text) == value


@pytest.mark.parametrize("text", ["", "  ", "abc", "第五章", "第五", "五条", "5.5", "(三", "三(", "支持科技型小微企业发展",
                                  "Article", "Article X1", "2024年"])
def test_parse_measure_label_rejects(text):
    assert parse_measure_label(text) is None
