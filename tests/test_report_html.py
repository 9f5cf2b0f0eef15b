"""The HTML report (DESIGN §6, issue 4): structure, lossless redlines, escaping, CSP,
determinism, the no-text report, English labels, `policydiff report`.

Most checks run on a hand-built Comparison of a fictional pair (tests/report_fixtures.py),
so they do not depend on the aligner; the end-to-end ones go through compare() and the CLI.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest
from lxml import html as lxml_html

from policydiff.model import ChangeKind
from policydiff.render.html import comparison_html
from policydiff.render.labels import LABELS
from policydiff.render.markdown import comparison_markdown
from policydiff.files import generated_timestamp

from . import report_fixtures as fx
from .conftest import CORPUS, REPO, run_cli

MID_PAIR = ("bj-69d0b35a/2021-11-26.md", "bj-69d0b35a/2024-09-27.md")


def parse(page: str):
    return lxml_html.document_fromstring(page)


def text_without(element, tag: str) -> str:
    """The text of `element` with every <tag> element (and its text) left out."""
    clone = lxml_html.fromstring(lxml_html.tostring(element, encoding="unicode"))
    for node in clone.iter(tag):
        node.drop_tree()
    return clone.text_content()


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def small():
    c = fx.comparison()
    page = comparison_html(c)
    return c, page, parse(page)


def test_head_charset_first_lang_and_csp(small):
    _, page, doc = small
    assert page.startswith("<!DOCTYPE html>\n<html lang=\"zh-CN\">")
    head = doc.find("head")
    first = head[0]
    assert first.tag == "meta" and first.get("charset") == "utf-8"
    csp = head.xpath("meta[@http-equiv='Content-Security-Policy']/@content")[0]
    assert "default-src 'none'" in csp
    styles, scripts = doc.xpath("//style"), doc.xpath("//script")
    assert len(styles) == 1 and len(scripts) == 1

    def digest(text):
        return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"

    assert f"style-src {digest(styles[0].text)}" in csp
    assert f"script-src {digest(scripts[0].text)}" in csp


def test_self_contained_no_external_anything(small):
    _, page, doc = small
    assert not doc.xpath("//link | //img | //iframe | //object | //embed | //script[@src] | //*[@style]")
    for href in doc.xpath("//a/@href"):
        assert href.startswith("#"), href
    assert "@import" not in page and "url(" not in page


def test_one_card_per_change_with_data_attributes(small):
    c, _, doc = small
    cards = doc.find_class("change")
    assert len(cards) == len(c.changes) == 8
    for card, change in zip(cards, c.changes):
        assert card.get("data-kind") == change.kind.value
        assert card.get("data-old") == " ".join(map(str, change.old))
        assert card.get("data-new") == " ".join(map(str, change.new))
    kinds = [card.get("data-kind") for card in cards]
    assert kinds.count("removed") == 1 and kinds.count("added") == 1
    removed = cards[kinds.index("removed")]
    assert "删除" in removed.find_class("badge-kind")[0].text_content()
    # labels 「第五条、第六条 → 第六条」 outside the redline
    merged = cards[kinds.index("merged")]
    assert squash(merged.find("h3").text_content()) == "第五条、第六条→第六条"


def test_every_measure_has_exactly_one_anchor(small):
    c, _, doc = small
    ids = doc.xpath("//@id")
    assert len(ids) == len(set(ids)), "duplicate ids"
    for side, version in (("old", c.old), ("new", c.new)):
        for ordinal in range(1, len(version.document.measures) + 1):
            assert doc.get_element_by_id(f"{side}-{ordinal}") is not None
    for href in doc.xpath("//a/@href"):
        assert doc.get_element_by_id(href[1:]) is not None, href


def test_lossless_redline_in_rendered_html(small):
    c, _, doc = small
    for card, change in zip(doc.find_class("change"), c.changes):
        redlines = card.find_class("redline")
        assert len(redlines) == 1
        redline = redlines[0]
        assert not redline.xpath(".//*[not(self::del or self::ins)]"), "only del/ins inside a redline"
        old_text = "\n".join(c.old.document.measure(o).text for o in change.old)
        new_text = "\n".join(c.new.document.measure(n).text for n in change.new)
        assert squash(text_without(redline, "ins")) == squash(old_text)
        assert squash(text_without(redline, "del")) == squash(new_text)
        # exact, not only "white space aside": the template adds none inside the redline
        assert text_without(redline, "ins") == old_text
        assert text_without(redline, "del") == new_text


def test_cues_come_from_css_not_text(small):
    _, page, doc = small
    redline_text = "".join(r.text_content() for r in doc.find_class("redline"))
    assert "［" not in redline_text and "］" not in redline_text  # cue brackets are CSS only
    css = doc.xpath("//style")[0].text
    assert 'del::before { content: "［删：' in css and 'ins::before { content: "［增：' in css
    assert "line-through" in css and "underline" in css


def test_summary_counts_and_verdict(small):
    c, _, doc = small
    summary = doc.get_element_by_id("summary")
    counts = {li.get("data-kind"): int(li.find_class("count")[0].text) for li in summary.xpath(".//li[@data-kind]")}
    assert counts == {k.value: c.summary()[k.value] for k in ChangeKind}
    flags = {li.get("data-flag"): int(li.find_class("count")[0].text) for li in summary.xpath(".//li[@data-flag]")}
    assert flags == {"renumbered": 0, "moved": 1, "money": 1, "percent": 1}
    verdict = summary.find_class("verdict")[0].text_content()
    assert verdict == "旧版 8 项措施 → 新版 8 项措施：保留 2、修改 2、拆分 1、合并 1、新增 1、删除 1"


def test_reconciliation_accounts_for_every_measure(small):
    c, _, doc = small
    recon = doc.get_element_by_id("reconciliation")
    old_rows = recon.find_class("recon-old")[0].xpath(".//tbody/tr")
    new_rows = recon.find_class("recon-new")[0].xpath(".//tbody/tr")
    assert [int(r[0].text) for r in old_rows] == list(range(1, 9))
    assert [int(r[0].text) for r in new_rows] == list(range(1, 9))
    assert [r.get("data-kind") for r in old_rows] == [
        "unchanged", "modified", "modified", "split", "merged", "merged", "unchanged", "removed"]
    totals = recon.find_class("recon-totals")[0].xpath("li")
    assert [li.get("data-total") for li in totals] == ["8", "8"]
    assert all(li.find_class("ok") for li in totals)
    assert squash(totals[0].text_content()).startswith("旧版8=保留2+修改2+拆分1+合并2+删除1")


def test_broken_alignment_is_shown_not_hidden():
    c = fx.comparison()
    broken = type(c)(old=c.old, new=c.new, changes=c.changes[:-1], tool=c.tool)  # old 8 in no change
    doc = parse(comparison_html(broken))
    row = doc.get_element_by_id("old-8")
    assert row.tag == "tr" and row.get("data-kind") == "unaccounted"
    assert doc.get_element_by_id("reconciliation").find_class("bad")


def test_side_by_side_shows_both_texts(small):
    c, _, doc = small
    cards = doc.find_class("change")
    for card, change in zip(cards, c.changes):
        sbs = card.find_class("sbs")
        if change.kind.value in ("modified", "split", "merged"):
            old_pane, new_pane = card.find_class("sbs-old")[0], card.find_class("sbs-new")[0]
            old_text = "\n".join(c.old.document.measure(o).text for o in change.old)
            new_text = "\n".join(c.new.document.measure(n).text for n in change.new)
            old_texts = [x.text_content() for x in old_pane.find_class("sbs-text")]
            new_texts = [x.text_content() for x in new_pane.find_class("sbs-text")]
            assert "\n".join(old_texts) == old_text and "\n".join(new_texts) == new_text
            # one pane per measure, each labelled (第四条 → 第四条 | 第五条)
            assert len(old_texts) == len(change.old) and len(new_texts) == len(change.new)
            labels = [squash(x.text_content()) for x in new_pane.find_class("pane-label")]
            assert labels == [f"新版{c.new.document.measure(n).label}" for n in change.new]
        else:
            assert not sbs


def test_containers_document_changes_and_repeal(small):
    _, _, doc = small
    containers = doc.find_class("container-change")
    assert [x.get("data-kind") for x in containers] == ["renamed", "added"]
    fields = [x.get("data-field") for x in doc.find_class("document-change")]
    assert fields == ["title", "doc_no", "issuers", "issued", "effective"]
    repeal = doc.get_element_by_id("versions").text_content()
    assert "新版废止了旧版" in repeal and fx.OLD_DOC_NO in repeal


def test_provenance_and_no_timestamp_without_source_date_epoch(small):
    c, page, doc = small
    provenance = doc.get_element_by_id("provenance").text_content()
    for needle in ("policydiff test", "similarity_cutoff", c.old.text_sha256, c.new.text_sha256,
                   c.old.commit, c.new.commit, c.old.source.sha256, c.new.source.sha256):
        assert needle in provenance
    assert "<time" not in page
    stamped = comparison_html(c, generated=generated_timestamp({"SOURCE_DATE_EPOCH": "1700000000"}))
    assert '<time datetime="2023-11-14T22:13:20Z">' in stamped


def test_escaping_hostile_policy_text(small):
    _, page, doc = small
    assert len(doc.xpath("//script")) == 1 and not doc.xpath("//img")
    assert "<script>alert" not in page and "<img src=x" not in page
    text = doc.text_content()
    assert fx.SCRIPT in text and fx.IMG in text
    assert not any(name.startswith("on") for el in doc.iter() for name in el.attrib)


def test_deterministic_bytes():
    assert comparison_html(fx.comparison()) == comparison_html(fx.comparison())
    assert comparison_markdown(fx.comparison()) == comparison_markdown(fx.comparison())


def test_english_labels():
    page = comparison_html(fx.comparison(), lang="en")
    doc = parse(page)
    assert doc.get("lang") == "zh-CN"  # DESIGN §6, whatever the UI language
    assert doc.body.get("lang") == "en"
    assert "Change report" in doc.find(".//h1").text_content()
    verdict = doc.get_element_by_id("summary").find_class("verdict")[0].text_content()
    assert verdict == "8 old measures → 8 new measures: unchanged 2, modified 2, split 1, merged 1, added 1, removed 1"
    for chinese_label in ("逐项变更", "对账表", "来源与可复现性", "保留"):
        assert chinese_label not in page
    assert doc.find_class("redline")[0].get("lang") == "zh-CN"


def test_labels_exist_in_every_language():
    assert set(LABELS["zh"]) == set(LABELS["en"])


def test_no_text_report_says_so_and_shows_what_is_known():
    c = fx.no_text_comparison()
    page = comparison_html(c)
    doc = parse(page)
    assert not doc.find_class("change")
    notice = doc.get_element_by_id("notice").text_content()
    assert "无法进行措施级比较" in notice
    assert "policydiff add FILE --work example-innovation --version 2021 --replace" in notice
    assert f"原《{fx.OLD_TITLE}》({fx.OLD_DOC_NO})同时废止。" in notice
    assert "未比较措施：旧版没有正文。" in doc.get_element_by_id("summary").text_content()
    measures = c.new.document.measures  # the side with text is listed whole, with its anchors
    for ordinal in range(1, len(measures) + 1):
        element = doc.get_element_by_id(f"new-{ordinal}")
        assert element.find_class("measure-text")[0].text_content() == measures[ordinal - 1].text
    md = comparison_markdown(c)
    assert "无法进行措施级比较" in md and "--version 2021 --replace" in md


def test_markdown_escapes_and_fences_policy_text():
    md = comparison_markdown(fx.comparison())
    assert "```text\n本措施由示例市科学技术局负责解释。<script>alert('x')</script>\n```" in md
    assert "[-5-]{+10+}" in md
    assert md.startswith("# 变更报告：example-innovation@2021 → example-innovation@2024\n")


# --- end to end: compare(), api.report, the CLI, reports/index.html -------------------------

def corpus_pair(pair=MID_PAIR):
    return tuple(str(CORPUS / p) for p in pair)


def test_cli_report_end_to_end_lossless_and_deterministic(tmp_path):
    old, new = corpus_pair()
    first, second = tmp_path / "a" / "r.html", tmp_path / "b" / "elsewhere.html"
    for target in (first, second):
        result = run_cli("report", old, new, "-o", str(target), cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip().endswith(target.name)
    assert first.read_bytes() == second.read_bytes()
    doc = parse(first.read_text(encoding="utf-8"))
    from policydiff import api

    old_v, new_v = api.load_side(None, old), api.load_side(None, new)
    for side, version in (("old", old_v), ("new", new_v)):
        for ordinal in range(1, len(version.document.measures) + 1):
            assert doc.get_element_by_id(f"{side}-{ordinal}") is not None
    for card in doc.find_class("change"):
        olds = [int(x) for x in card.get("data-old").split()]
        news = [int(x) for x in card.get("data-new").split()]
        redline = card.find_class("redline")[0]
        assert squash(text_without(redline, "ins")) == squash("\n".join(old_v.document.measure(o).text for o in olds))
        assert squash(text_without(redline, "del")) == squash("\n".join(new_v.document.measure(n).text for n in news))
    totals = doc.get_element_by_id("reconciliation").find_class("recon-totals")[0]
    assert len(totals.find_class("ok")) == 2, totals.text_content()


def test_default_path_formats_and_no_index(git_tmp):
    old, new = corpus_pair()
    outputs = []
    for fmt in ("html", "json", "md"):
        result = run_cli("report", old, new, "--format", fmt, cwd=git_tmp)
        assert result.returncode == 0, result.stderr
        outputs.append(result.stdout.strip())
    assert outputs == [f"reports/bj-69d0b35a/2021-11-26__2024-09-27.{ext}" for ext in ("html", "json", "md")]
    data = json.loads((git_tmp / outputs[1]).read_text(encoding="utf-8"))
    assert data["format"] == "policydiff.diff/1" and data["comparable"] is True and data["changes"]
    # the site's index is written by `policydiff build` (tests/test_build.py), not by report
    assert not (git_tmp / "reports" / "index.html").exists()
    leftovers = [p for p in (git_tmp / "reports").rglob("*") if p.name.startswith(".")]
    assert not leftovers, "temporary files left behind"


def test_english_cli_and_bad_epoch(tmp_path):
    old, new = corpus_pair()
    result = run_cli("report", old, new, "--lang", "en", "-o", str(tmp_path / "en.html"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "en.html").read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in page and '<body lang="en">' in page
    result = run_cli("report", old, new, "-o", str(tmp_path / "x.html"), cwd=tmp_path,
                     env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.returncode == 2 and result.stderr.startswith("Error: SOURCE_DATE_EPOCH")


# --- an archive with a version recorded without text (the shape of the shipped archive) -----

FICTIONAL_NEW = """示例市促进开放创新若干措施(测试用虚构文本)
1.支持示例企业开展研发活动。
2.对新建的示例平台给予一次性补助。
3.本措施自印发之日起施行。原《示例市促进开放创新若干措施(测试用虚构文本)》(示例发〔2020〕3号)同时废止。
"""


def test_no_text_report_through_the_archive(git_tmp):
    source = git_tmp / "new.txt"
    source.write_text(FICTIONAL_NEW, encoding="utf-8")
    steps = [
        ("init", "versions"),
        ("add", str(source), "--work", "example-open", "--version", "2023", "--issued", "2023-05-01"),
        ("add", "--no-text", "--work", "example-open", "--version", "2020",
         "--title", "示例市促进开放创新若干措施(测试用虚构文本)", "--doc-no", "示例发〔2020〕3号"),
    ]
    for step in steps:
        result = run_cli(*step, cwd=git_tmp)
        assert result.returncode == 0, (step, result.stderr)
    outputs = {}
    for fmt in ("html", "json", "md"):
        result = run_cli("report", "example-open@2020", "example-open@2023", "--format", fmt, cwd=git_tmp)
        assert result.returncode == 0, result.stderr
        outputs[fmt] = (git_tmp / result.stdout.strip()).read_text(encoding="utf-8")
    assert result.stdout.strip() == "reports/example-open/2020__2023.md"
    doc = parse(outputs["html"])
    assert not doc.find_class("change")
    notice = doc.get_element_by_id("notice").text_content()
    assert "policydiff add FILE --work example-open --version 2020 --replace" in notice
    assert "示例发〔2020〕3号" in notice  # the repeal relation, from the 2023 text's clause
    data = json.loads(outputs["json"])
    assert data["comparable"] is False and data["changes"] == []
    assert data["format"] == "policydiff.diff/1"
    assert "无法进行措施级比较" in outputs["md"]


def _corpus_pairs(manifest) -> list[tuple[str, str]]:
    pairs = []
    for document in sorted(manifest["documents"], key=lambda d: d["slug"]):
        versions = sorted(document["versions"], key=lambda v: v["date"])
        pairs.extend((a["file"], b["file"]) for a, b in zip(versions, versions[1:]))
    return pairs


def test_corpus_sample_reports_hold_their_invariants(manifest):
    """A deterministic sample of real corpus pairs (every 8th), through compare(): unique ids,
    an anchor per measure of both versions, lossless redlines, consistent reconciliation.
    (All 78 pairs pass the same checks; that run takes about a minute, too long for here.)"""
    from policydiff import api
    from policydiff.compare import compare

    for old_file, new_file in _corpus_pairs(manifest)[::8]:
        old_v, new_v = api.load_side(None, str(CORPUS / old_file)), api.load_side(None, str(CORPUS / new_file))
        doc = parse(comparison_html(compare(old_v, new_v)))
        ids = doc.xpath("//@id")
        assert len(ids) == len(set(ids)), old_file
        for side, version in (("old", old_v), ("new", new_v)):
            for ordinal in range(1, len(version.document.measures) + 1):
                assert doc.get_element_by_id(f"{side}-{ordinal}", None) is not None, (old_file, side, ordinal)
        old_measures, new_measures = old_v.document.measures, new_v.document.measures
        for card in doc.find_class("change"):
            redline = card.find_class("redline")[0]
            old_text = "\n".join(old_measures[int(o) - 1].text for o in card.get("data-old").split())
            new_text = "\n".join(new_measures[int(n) - 1].text for n in card.get("data-new").split())
            assert squash(text_without(redline, "ins")) == squash(old_text), (old_file, card.get("id"))
            assert squash(text_without(redline, "del")) == squash(new_text), (old_file, card.get("id"))
        assert len(doc.get_element_by_id("reconciliation").find_class("ok")) == 2, old_file


@pytest.mark.parametrize("make", [fx.comparison, fx.no_text_comparison])
def test_headings_in_order(make):
    doc = parse(comparison_html(make()))
    levels = [int(h.tag[1]) for h in doc.iter("h1", "h2", "h3", "h4", "h5", "h6")]
    assert levels[0] == 1 and levels.count(1) == 1
    for before, after in zip(levels, levels[1:]):
        assert after <= before + 1, levels


def test_every_substance_flag_has_a_label():
    from policydiff.substance import FLAGS

    for lang in LABELS:
        for flag in FLAGS:
            assert f"flag.{flag}" in LABELS[lang], (lang, flag)
