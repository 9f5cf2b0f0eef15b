"""Citation reasons in the report's language: the core gives every check a reason code
with its parameters, the renderers word it from the labels catalogue (render.labels,
"creason.<code>"), and a Chinese report, text or CSV shows no English sentence.

Fixtures are fictional (「示例市……(测试用虚构文本)」), from tests/test_citations.py."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from policydiff.citations_check import REASON_CODES, ExternalCheck, InternalCheck, check_revision
from policydiff.cli import cli
from policydiff.compare import compare
from policydiff.render.citations import (
    citations_csv,
    citations_json,
    citations_text,
    reason_text,
    suggestion_text,
)
from policydiff.render.html import comparison_html
from policydiff.render.labels import LABELS
from policydiff.render.markdown import comparison_markdown

from .test_citations import NEW_ARTICLES, OLD_ARTICLES, TITLE, _add, archive, version, write_pair  # noqa: F401

# Parameters of each reason code as the core gives them (values as in citations_check._why).
# A new code must be added here, which makes the tests below check its labels.
SAMPLE_ARGS = {
    "no_such_article": {"cited": "本条例第四十条"},
    "previous_of_first": {"relative": "前条"},
    "before_first_paragraph": {"relative": "前两款"},
    "citing_measure_removed": {},
    "no_longer_cited_here": {},
    "no_successor": {"article": "第十条"},
    "split_written": {"written": "第十二条", "candidate": True},
    "inside_written_range": {"first": "第三条", "last": "第五条"},
    "points_at_no_article": {},
    "predicted": {"predicted": "第六条", "merged_into": "第六条", "rewritten": True},
    "target_is_new": {},
    "citing_date_unknown": {},
    "old_date_unknown": {"ref": "demo-innovation@2020"},
    "before_earliest_version": {"issued": "2019-05-01", "ref": "demo-innovation@2020", "ref_date": "2020-01-01"},
    "basis_without_text": {"issued": "2015-03-01", "basis": "demo-innovation@2012", "missing": "demo-innovation@2016"},
    "before_old_not_compared": {"issued": "2019-05-01", "ref": "demo-innovation@2020", "ref_date": "2020-01-01"},
    "no_such_article_in": {"basis": "demo-innovation@2020"},
    "cites_numbering_of": {"issued": "2025-03-01", "basis": "demo-innovation@2024"},
    "followed_through": {"basis": "demo-innovation@2016",
                         "via": (("第四条", "demo-innovation@2020"), ("第五条", "demo-innovation@2022"))},
}
EXTERNAL_CODES = {"citing_date_unknown", "old_date_unknown", "before_earliest_version", "basis_without_text",
                  "before_old_not_compared", "no_such_article_in", "cites_numbering_of", "followed_through"}

# What may stand in ASCII letters in a Chinese output, each for a reason: refs
# (WORK@VERSION) and dates are identifiers; `[stale]` in the text output is the JSON status
# code, kept so that it can be grepped; the command lines the report quotes; a hash's name.
WHITELIST = (
    r"[\w.-]+@[\w.-]+",            # refs: demo-innovation@2020
    r"\[[a-z_]+\]",                # status codes of the text output: [stale]
    r"policydiff(?: [a-z]+)?(?: --[a-z-]+)*",  # 「policydiff citations --archive-wide」
    r"SHA-256",
)
ASCII_WORD = re.compile(r"[A-Za-z]{3,}")


def english_left(text: str) -> list[str]:
    """ASCII words of 3+ letters in `text` once the whitelisted identifiers are removed."""
    for pattern in WHITELIST:
        text = re.sub(pattern, " ", text)
    return ASCII_WORD.findall(text)


# --------------------------------------------------------------------------- the catalogue

def test_every_reason_code_has_a_sample_and_both_languages():
    assert set(SAMPLE_ARGS) == set(REASON_CODES)
    for code in REASON_CODES:
        assert "creason." + code in LABELS["zh"] and "creason." + code in LABELS["en"], code
        for lang in ("zh", "en"):
            text = reason_text(code, SAMPLE_ARGS[code], lang)
            assert text and "{" not in text and "}" not in text, (code, lang, text)
    zh_keys = {k for k in LABELS["zh"] if k.startswith("creason.")}
    assert zh_keys == {k for k in LABELS["en"] if k.startswith("creason.")}
    # every catalogue entry belongs to a code (no orphan left behind by a renamed code)
    assert {k.split(".")[1] for k in zh_keys} == set(REASON_CODES)


@pytest.mark.parametrize("code", REASON_CODES)
def test_chinese_reasons_have_no_english(code):
    text = reason_text(code, SAMPLE_ARGS[code], "zh")
    assert english_left(text) == [], text
    assert re.search(r"[\u4e00-\u9fff]", text)


def test_optional_parts_of_a_reason():
    bare = reason_text("predicted", {"predicted": "第六条", "merged_into": None, "rewritten": False}, "zh")
    assert bare == "预测为第六条"
    full = reason_text("predicted", SAMPLE_ARGS["predicted"], "zh")
    assert full.startswith(bare) and "并入第六条" in full and "改写" in full
    assert reason_text("split_written", {"written": "第十二条", "candidate": False}, "en") == "written: 第十二条"
    assert reason_text("", (), "zh") == ""
    steps = reason_text("followed_through", SAMPLE_ARGS["followed_through"], "en")
    assert steps == ("cites the numbering of demo-innovation@2016; followed through 第四条 in demo-innovation@2020, "
                     "第五条 in demo-innovation@2022")


# --------------------------------------------------------------------------- the core's codes

@pytest.fixture(scope="module")
def report():
    return check_revision(compare(version(OLD_ARTICLES, "2020"), version(NEW_ARTICLES, "2024")))


def assert_english_matches(checks):
    """The catalogue's English is the JSON `reason` sentence, word for word, and a check
    has a reason sentence exactly when it has a code."""
    for check in checks:
        assert check.reason_code in ("", *REASON_CODES)
        assert bool(check.reason) == bool(check.reason_code), check
        assert reason_text(check.reason_code, check.reason_args, "en") == check.reason, check


def test_internal_checks_carry_codes(report):
    assert_english_matches(report.internal)
    codes = {(ch.status, ch.reason_code) for ch in report.internal}
    assert {("stale", "predicted"), ("dropped", "citing_measure_removed"), ("unresolved", "no_such_article"),
            ("target_removed", "no_successor"), ("target_split", "split_written"),
            ("new_citation", "target_is_new")} <= codes
    stale = [ch for ch in report.internal if ch.status == "stale"][0]
    assert dict(stale.reason_args) == {"predicted": "第六条", "merged_into": None, "rewritten": False}


def test_more_internal_codes_on_a_second_fictional_revision():
    """前条 of a first article, 前款 in a first paragraph, a range that covers the
    successor, a citation retargeted to no article, one no longer written."""
    old = ["依照前条规定，示例主体应当登记（测试用虚构文本）。",
           "前款所列材料应当真实。\n登记机关应当审核。",
           "依照本规定第二条办理登记。",
           "违反本规定第三条规定的，责令改正。",
           "依照本规定第二条的规定公示登记结果，公示期为七日。"]
    new = [old[0], "示例主体的范围由市人民政府确定。", old[1],
           "依照本规定第一条至第四条办理登记。",   # old 第二条 is now 第三条: inside the range
           "违反本规定第九十条规定的，责令改正。",  # points at no article
           "登记结果由登记机关存档，公示期为七日。"]  # the citation is no longer written
    r = check_revision(compare(version(old, "2020"), version(new, "2024")))
    assert_english_matches(r.internal)
    codes = {ch.reason_code for ch in r.internal if ch.side == "old"}
    assert {"previous_of_first", "before_first_paragraph", "inside_written_range", "points_at_no_article",
            "no_longer_cited_here"} <= codes, sorted((ch.status, ch.reason_code, ch.citation.text) for ch in r.internal)


def test_external_checks_carry_codes(archive, tmp_path):
    from policydiff import api

    _add(archive, tmp_path, "demo-innovation", "2016", TITLE, "2016-01-01",
         "\n".join(f"第{n}条 {t}" for n, t in enumerate([t for k, t in enumerate(OLD_ARTICLES) if k != 1], 1)))
    _add(archive, tmp_path, "demo-ancient", "2010", "示例市旧办法(测试用虚构文本)", "2010-01-01",
         "第一条 依照示例创新条例第三条执行。")
    _add(archive, tmp_path, "demo-undated", "v1", "示例市创新补充规定(测试用虚构文本)", None,
         "第一条 依照示例创新条例第三条执行。\n第二条 依照示例创新条例第九十条执行。")
    _add(archive, tmp_path, "demo-missing", "2023", "示例市创新奖励办法(测试用虚构文本)", "2023-01-01",
         "第一条 依照示例创新条例第九十条执行，并适用示例奖励法第三条和示例奖励法第五条。")
    r = api.citation_report(str(archive), "demo-innovation@2020", "demo-innovation@2024", archive_wide=True,
                            all_versions=True)
    assert_english_matches(r.external)
    codes = {e.reason_code for e in r.external}
    assert {"followed_through", "before_earliest_version", "citing_date_unknown", "no_such_article_in",
            "cites_numbering_of"} <= codes, sorted((e.ref, e.status, e.reason_code) for e in r.external)
    assert ("示例奖励法", 2) in r.unarchived
    data = json.loads(citations_json(r))
    assert data["unarchived_works"][0] == {"name": "示例奖励法", "citations": 2}
    for item, check in zip(data["external"], r.external):
        assert item["reason"] == check.reason  # the contract's English, unchanged
        assert item["reason_code"] == (check.reason_code or None)
        if check.reason_code == "followed_through":
            assert item["reason_args"]["via"] == [["第四条", "demo-innovation@2020"]]


# --------------------------------------------------------------------------- no English in Chinese outputs

def every_code_report(report):
    """The fictional revision's report with one more check per reason code (the codes
    the fictional pair does not reach on its own), and works that are not archived."""
    internal_base = [ch for ch in report.internal if ch.side == "old"][0]
    extra_internal = [replace(internal_base, status="stale", reason_code=code,
                              reason_args=tuple(sorted(SAMPLE_ARGS[code].items())), reason="(English)")
                      for code in REASON_CODES if code not in EXTERNAL_CODES]
    cite = internal_base.citation
    external_base = ExternalCheck(ref="demo-grants@2022", title="示例市创新券管理办法(测试用虚构文本)",
                                  citation=replace(cite, scope="external", text="示例创新条例第三条"),
                                  status="unknown", citing_date="2022-06-01")
    extra_external = [replace(external_base, reason_code=code, reason_args=tuple(sorted(SAMPLE_ARGS[code].items())),
                              reason="(English)") for code in sorted(EXTERNAL_CODES)]
    extra_external += [
        replace(external_base, status="removed", changed_in="demo-innovation@2020", text_changed=True),
        replace(external_base, status="removed", text_changed=True),
        replace(external_base, status="split", suggested=("第十一条", "第十二条"), changed_in="demo-innovation@2020"),
        replace(external_base, status="renumbered", suggested=("第四条",)),
    ]
    return replace(report, internal=report.internal + tuple(extra_internal), external=tuple(extra_external),
                   external_scope="latest", external_notes=("(English note)",),
                   unarchived=(("示例奖励法", 3), ("示例刑法", 1)))


def test_every_code_in_the_chinese_report_html(report):
    full = every_code_report(report)
    page = comparison_html(full.comparison, lang="zh", citations=full)
    tree = lxml_html.fromstring(page)
    for section in ("correspondence", "citation-impact"):
        [node] = tree.xpath(f'//section[@id="{section}"]')
        text = node.text_content()
        assert english_left(text) == [], (section, english_left(text))
    impact = tree.xpath('string(//section[@id="citation-impact"])')
    for code in REASON_CODES:
        assert reason_text(code, SAMPLE_ARGS[code], "zh") in impact, code
    assert "示例奖励法 ×3" in impact and "（已在 demo-innovation@2020 中删除）" in impact
    # the whole page: no English sentence (three ASCII words in a row) outside identifiers
    for code_only in tree.xpath("//script|//style"):  # code, not words a reader sees
        code_only.drop_tree()
    body = tree.xpath("string(//body)")
    for pattern in WHITELIST:
        body = re.sub(pattern, " ", body)
    assert not re.search(r"[A-Za-z]{3,}(?:\s+[A-Za-z]{2,}){2,}", body), re.findall(
        r"[A-Za-z]{3,}(?:\s+[A-Za-z]{2,}){2,}", body)
    # the English report words the same checks in English, from the same catalogue
    english = comparison_html(full.comparison, lang="en", citations=full)
    assert reason_text("predicted", SAMPLE_ARGS["predicted"], "en") in lxml_html.fromstring(english).text_content()


def test_every_code_in_the_chinese_markdown_report(report):
    full = every_code_report(report)
    page = comparison_markdown(full.comparison, lang="zh", citations=full)
    sections = page[page.index("## 条文序号对照表"):page.index("## 来源与可复现性")]
    assert english_left(sections) == [], english_left(sections)
    for code in REASON_CODES:  # the reasons hold no Markdown syntax: they stand as worded
        assert reason_text(code, SAMPLE_ARGS[code], "zh") in sections, code
    assert "示例奖励法 ×3" in sections
    # without a citation report the Markdown report is as before (the gold files)
    assert "## 条文序号对照表" not in comparison_markdown(full.comparison, lang="zh")
    english = comparison_markdown(full.comparison, lang="en", citations=full)
    assert reason_text("no_successor", SAMPLE_ARGS["no_successor"], "en") in english


def test_every_code_in_the_chinese_text_and_csv(report):
    full = every_code_report(report)
    text = citations_text(full, "zh")
    assert english_left(text) == [], english_left(text)
    assert "[stale]" in text  # the code stays, for grep
    rows = list(csv.DictReader(io.StringIO(citations_csv(full, "zh"))))
    worded = [r["reason_text"] for r in rows if r["reason_code"]]
    assert len(worded) == sum(1 for ch in (*full.internal, *full.external) if ch.reason_code)
    assert all(english_left(w) == [] for w in worded), worded
    for r in rows:
        if r["reason_code"]:
            assert r["reason_text"] == reason_text(r["reason_code"], json.loads(r["reason_args"]), "zh")
    english = citations_text(full, "en")
    assert "predicted 第六条 (the target was merged into 第六条: check by hand)" in english


def test_suggestions_in_both_languages(report):
    full = every_code_report(report)
    removed_in = [e for e in full.external if e.status == "removed" and e.changed_in][0]
    assert suggestion_text(removed_in, "zh") == "示例创新条例第三条 → （已在 demo-innovation@2020 中删除）"
    assert suggestion_text(removed_in, "en") == "示例创新条例第三条 → (removed in demo-innovation@2020)"
    renumbered = [e for e in full.external if e.status == "renumbered"][0]
    assert suggestion_text(renumbered, "zh") == "示例创新条例第三条 → 第四条"


def test_chinese_outputs_of_the_cli_on_a_fictional_pair(tmp_path):
    """End to end: `citations` (text) and `report` (HTML and Markdown) in Chinese, on
    plain files of the fictional pair; `diff --format md` carries no reason at all."""
    old_path, new_path = write_pair(tmp_path)
    runner = CliRunner()
    text = runner.invoke(cli, ["citations", str(old_path), str(new_path)])
    assert text.exit_code == 0, text.output
    body = text.output.split("\n", 1)[1]  # the first line names the two files (paths)
    assert english_left(body) == [], english_left(body)
    assert "（预测为第六条）" in body and "（第十条无后继条文）" in body
    english = runner.invoke(cli, ["citations", str(old_path), str(new_path), "--lang", "en"])
    assert "(predicted 第六条)" in english.output and "(第十条 has no successor)" in english.output
    out = tmp_path / "r.html"
    result = runner.invoke(cli, ["report", str(old_path), str(new_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    tree = lxml_html.fromstring(out.read_text(encoding="utf-8"))
    impact = tree.xpath('string(//section[@id="citation-impact"])')
    assert english_left(impact) == [] and "预测为第六条" in impact
    md_path = tmp_path / "r.md"
    md = runner.invoke(cli, ["report", str(old_path), str(new_path), "--format", "md", "-o", str(md_path)])
    assert md.exit_code == 0, md.output
    page = md_path.read_text(encoding="utf-8")
    sections = page[page.index("## 条文序号对照表"):page.index("## 来源与可复现性")]
    assert english_left(sections) == [] and "| 疑似未更新 | 预测为第六条 |" in sections
    diff_md = runner.invoke(cli, ["diff", str(old_path), str(new_path), "--format", "md"])
    assert diff_md.exit_code == 0
    assert not re.search(r"predicted|has no successor|check by hand", diff_md.output)


def test_json_keeps_the_english_reason_and_adds_the_code(tmp_path):
    old_path, new_path = write_pair(tmp_path)
    data = json.loads(CliRunner().invoke(cli, ["citations", str(old_path), str(new_path), "--format", "json"]).output)
    stale = [i for i in data["internal"] if i["status"] == "stale"][0]
    assert stale["reason"] == "predicted 第六条"
    assert stale["reason_code"] == "predicted"
    assert stale["reason_args"] == {"predicted": "第六条", "merged_into": None, "rewritten": False}
    unchanged = [i for i in data["internal"] if i["status"] == "unchanged"][0]
    assert unchanged["reason"] == "" and unchanged["reason_code"] is None and unchanged["reason_args"] == {}
    assert data["unarchived_works"] == []


def test_markdown_report_reads_the_archive_when_asked(archive, tmp_path, monkeypatch):
    from policydiff import api

    monkeypatch.chdir(archive.parent)
    path = api.report(str(archive), "demo-innovation@2020", "demo-innovation@2024", output=str(tmp_path / "r.md"),
                      fmt="md", archive_wide=True)
    page = (tmp_path / "r.md").read_text(encoding="utf-8")
    assert str(path).endswith("r.md")
    assert "| `demo-grants@2022` 示例市创新券管理办法(测试用虚构文本) | 示例创新条例第三条 | 序号已变 | " \
           "示例创新条例第三条 → 第四条 |" in page
    assert "另有 1 处引用所指的文件未收录于档案" in page  # 刑法第十条
    sections = page[page.index("## 条文序号对照表"):page.index("## 来源与可复现性")]
    assert english_left(sections) == [], english_left(sections)
