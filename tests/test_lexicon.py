"""One home for each domain fact (issue 8): 文号, dates, numerals, document nouns and the
"add its text" command live in policydiff/lexicon.py, and every module reads them there.

The findings reproduced here came from copies that disagreed: the report's own 文号
normaliser did not fold 第 (国发〔2023〕3号 vs 国发〔2023〕第3号), the status core read a
date the ingest reader did not, and so on.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policydiff import lexicon
from policydiff.ingest import extract_metadata, extract_repeals, parse_cn_date
from policydiff.ingest import patterns as P
from policydiff.refs import Ref, date_bounds
from policydiff import status as status_core

PACKAGE = Path(lexicon.__file__).parent

SPELLINGS_OF_ONE_DOC_NO = [
    "国发〔2023〕3号", "国发〔2023〕第3号", "国发[2023]3号", "国发［2023］3号", "国发(2023)3号",
    "国发（2023）3号", "国发【2023】3号", "国发﹝2023﹞3号", "国发 〔2023〕 3 号", "国发〔２０２３〕３号",
    "国发〔2023〕03号", "国发〔2023〕第 3 號",
]


@pytest.mark.parametrize("spelling", SPELLINGS_OF_ONE_DOC_NO)
def test_every_spelling_of_a_doc_no_normalises_to_one(spelling):
    assert lexicon.normalize_doc_no(spelling) == "国发〔2023〕3号"
    assert lexicon.doc_no_year(spelling) == 2023
    assert lexicon.is_doc_no(spelling)


@pytest.mark.parametrize("spelling", SPELLINGS_OF_ONE_DOC_NO)
def test_every_reader_of_doc_nos_accepts_every_spelling(spelling):
    """The ref grammar, the ingest line reader and the status core read the same 文号s."""
    assert Ref.parse(spelling.replace(" ", "")).kind == "doc_no"
    assert P.is_doc_no_line(spelling)
    assert P.DOC_NO.fullmatch(spelling)


def test_doc_no_grammar_rejects_non_doc_nos():
    for text in ("第三条", "2023年3号", "国发〔23〕3号", "国发〔2023〕号", "（2023）", "国发〔1823〕3号"):
        assert not lexicon.is_doc_no(text), text


def test_a_repeal_clause_naming_the_doc_no_with_di_is_matched_by_the_status_core():
    """The repeal clause writes 第3号, the archived version 3号: one document."""
    repeals = extract_repeals("原《示例市测试办法》(国发〔2023〕第3号)同时废止。")
    assert [r.doc_no for r in repeals] == ["国发〔2023〕第3号"]
    assert lexicon.normalize_doc_no(repeals[0].doc_no) == lexicon.normalize_doc_no("国发〔2023〕3号")


@pytest.mark.parametrize("text, iso", [
    ("2024年10月9日", "2024-10-09"), ("二〇二四年十月九日", "2024-10-09"), ("二○二三年十二月三十一日", "2023-12-31"),
    ("２０２４年１０月９日", "2024-10-09"), ("2024 年 1 月 1 日", "2024-01-01"), ("二O二四年一月一日", "2024-01-01"),
    ("发布时间:2024-10-18 10:56", "2024-10-18"), ("2024年2月30日", None), ("no date", None),
])
def test_one_date_reader_for_ingest_and_status(text, iso):
    assert lexicon.parse_cn_date(text) == iso
    assert parse_cn_date(text) == iso  # ingest's public name is the lexicon's function


def test_status_scans_expiry_dates_with_the_same_reader():
    clauses = status_core.scan_clauses("本办法自二〇二〇年一月一日起施行，有效期至二〇二二年十二月三十一日。")
    assert [(c.kind, c.date) for c in clauses] == [("effective", "2020-01-01"), ("expiry", "2022-12-31")]


def test_measure_labels_read_by_the_numerals_home():
    assert status_core.measure_number("第二百七十四条") == (274, None)
    assert status_core.measure_number("第一百零五条之一") == (105, 1)
    assert status_core.measure_number("２７４") == (274, None)
    with pytest.raises(Exception):
        status_core.measure_number("hello")


@pytest.mark.parametrize("noun", lexicon.DOC_NOUNS)
def test_every_document_noun_makes_a_self_reference_for_status_and_a_closing_for_structure(noun):
    from policydiff.structure import _CLOSING

    sentence = f"本{noun}有效期至2030年12月31日。"
    assert [c.kind for c in status_core.scan_clauses(sentence)] == ["expiry"]
    assert _CLOSING.match(sentence)


def test_the_masthead_noun_is_not_a_title_kind():
    assert "文件" in lexicon.DOC_NOUNS and "文件" not in lexicon.TITLE_KINDS
    assert not P.ends_title("示例市人民政府文件")
    assert P.ends_title("示例市测试管理办法（试行）")


def test_extracted_effective_and_bounds_use_the_same_doc_no_year():
    meta = extract_metadata("示例市测试办法（测试用虚构文本）\n示发（2031）第7号\n第一条 测试。")
    assert meta.doc_no and lexicon.doc_no_year(meta.doc_no) == 2031
    from policydiff.model import Version

    assert date_bounds(Version("w", "v", meta, has_text=False)) == ("2031-01-01", "2031-12-31")


def test_add_text_command_has_one_spelling():
    assert lexicon.add_text_command("w", "2022") == "policydiff add FILE --work w --version 2022 --replace"
    assert lexicon.add_text_command(None, None) == "policydiff add FILE --work WORK --version VERSION --replace"


# ------------------------------------------------------------------ no copies outside the home

def _sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name in ("lexicon.py", "numerals.py"):
            continue
        yield path, path.read_text(encoding="utf-8")


def test_no_module_spells_the_add_text_command_itself():
    offenders = [str(p.relative_to(PACKAGE)) for p, text in _sources() if "policydiff add FILE --work {" in text]
    assert offenders == []


def test_no_module_keeps_its_own_doc_no_brackets_or_date_grammar():
    """A character class of 文号 brackets, a table of Chinese digit values or a 年/月/日
    pattern outside lexicon is a second copy of the grammar."""
    bracket_class = re.compile(r"\[[^\]\n]*〔[^\]\n]*［")
    digit_table = re.compile(r"\{\s*\"[〇零]\"\s*:\s*0")
    date_grammar = re.compile(r"年\\s\*[\[(]")
    offenders = []
    for path, text in _sources():
        for name, pattern in (("brackets", bracket_class), ("digits", digit_table), ("date", date_grammar)):
            if pattern.search(text):
                offenders.append(f"{path.relative_to(PACKAGE)}: {name}")
    assert offenders == []


def test_no_module_lists_document_nouns_itself():
    run_of_nouns = re.compile(r"办法\|规定|措施\|办法|规定\|意见|细则\|条例")
    offenders = [str(p.relative_to(PACKAGE)) for p, text in _sources() if run_of_nouns.search(text)]
    assert offenders == []


def test_no_module_lists_clause_verbs_itself():
    """施行 verbs, repeal verbs and the day-of-issue words have one home too (the ingest
    reader and the status core had two lists of 之日 words that differed: 下发 vs 发文)."""
    runs = re.compile(r"印发\|发布|停止执行\|不再执行|废止\|停止执行|施行\|实施\|")
    offenders = [str(p.relative_to(PACKAGE)) for p, text in _sources() if runs.search(text)]
    assert offenders == []


@pytest.mark.parametrize("word", lexicon.ISSUE_DAY_WORDS)
def test_ingest_and_status_read_the_same_day_of_issue(word):
    from policydiff.status.clauses import scan_clauses

    text = f"示例市测试办法(测试用虚构文本)\n第一条 测试。\n第二条 本办法自{word}之日起施行。\n2024年5月6日"
    meta = extract_metadata(text)
    assert meta.effective_clause and word in meta.effective_clause
    assert [c.on_issue for c in scan_clauses(text) if c.kind == "effective"] == [True]


@pytest.mark.parametrize("sentence, iso", [
    ("本细则自2031年10月30日起施行。", "2031-10-30"),
    ("本细则于2031年10月30日起施行。", "2031-10-30"),  # 于: the status core's own pattern missed it
    ("本细则2031年10月30日起施行。", "2031-10-30"),  # a bare date before 起: missed too
    ("本办法自二〇三一年一月一日起试行。", "2031-01-01"),
])
def test_one_effective_clause_reader_for_ingest_and_status(sentence, iso):
    from policydiff.status.clauses import scan_clauses

    text = f"示例市测试细则(测试用虚构文本)\n第一条 测试。\n第二条 {sentence}\n"
    assert [(c.kind, c.date) for c in scan_clauses(text) if c.kind == "effective"] == [("effective", iso)]
    assert extract_metadata(text).effective == iso


def test_may_end_with_date_is_necessary_for_the_date_end_patterns():
    """lexicon.may_end_with_date guards the patterns that end a line with a date (issue 14):
    where it says False none of them matches — every corpus line (as is, stripped, bare)
    and fictional lines with brackets, white space and newlines after 日."""
    import random
    import re

    from policydiff.ingest import meta, patterns
    from policydiff import structure
    from policydiff.lexicon import may_end_with_date
    from tests.conftest import CORPUS

    guarded = [re.compile(p.pattern, p.flags) for p in (
        patterns.DATE_ONLY_LINE, patterns._ORG_AND_DATE, meta._DATE_SHAPED, structure._SIGNATURE_DATE,
        structure._DATE_LINE)]
    lines = {line for path in sorted(CORPUS.rglob("*.md")) for line in path.read_text(encoding="utf-8").split("\n")}
    lines |= {patterns.bare(line) for line in list(lines)} | {line.strip() for line in list(lines)}
    rng = random.Random(14)
    pieces = ["示例局", "2024", "二〇二四", "年", "10", "十", "月", "9", "九", "日", " ", "　", "\n", "\t", "）", ")",
              "（", "(", "。", "通过", "\u00a0", "\u2028"]
    lines |= {"".join(rng.choice(pieces) for _ in range(rng.randint(1, 14))) for _ in range(20000)}
    # dates with what may follow them: white space, a bracket, a newline, other words
    heads = ["", "（", "(", "示例局", "示例市人民政府 ", "FlYear"]
    dates = ["2024年10月9日", "二〇二四年十月九日", "２０２４年１月２日", "2024 年 1 月 2 日"]
    tails = ["", " ", "）", ")", " ）", "）\n", "\n", " \n", "）。", "。", "通过", "） ", "）\n\n", "\u3000）"]
    lines |= {head + date + tail for head in heads for date in dates for tail in tails}
    matched = {line for line in lines if any(pattern.search(line) for pattern in guarded)}
    assert any(line.rstrip().endswith(("）", ")")) for line in matched)  # the bracket case is tried
    passed = 0
    for line in sorted(lines):
        if may_end_with_date(line):
            passed += 1
            continue
        for pattern in guarded:
            assert pattern.search(line) is None, (pattern.pattern[:40], line)
    assert passed > 100
