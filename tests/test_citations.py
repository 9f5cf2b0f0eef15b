"""Citations through renumbering (issue 13): the grammar on fictional sentences, the
mapping statuses on a fictional revision, a real corpus pair by path, the JSON contract
keys and the CLI in-process."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from policydiff.citations import (
    align_units,
    find_citations,
    map_offset,
    paragraphs_of,
    small_cn_numeral,
)
from policydiff.citations_check import check_revision
from policydiff.cli import cli
from policydiff.compare import compare
from policydiff.docbuild import DocBuilder
from policydiff.model import DocumentMeta, Version
from policydiff.numerals import cn_to_int

from .conftest import CORPUS


def cites(text):
    return [(c.scope, c.text, c.article, c.paragraph, c.item) for c in find_citations(text)]


# --------------------------------------------------------------------------- grammar

@pytest.mark.parametrize("noun", ["本法", "本条例", "本规定", "本办法", "本解释", "本细则", "本措施"])
def test_self_citation_with_each_noun(noun):
    text = f"违反{noun}第十二条第二款第(三)项规定的，责令改正。"
    assert cites(text) == [("internal", f"{noun}第十二条第二款第(三)项", 12, 2, 3)]
    c = find_citations(text)[0]
    assert text[c.start:c.end] == c.text


def test_bare_article_in_citing_context():
    assert cites("依照第十条规定办理。") == [("internal", "第十条", 10, None, None)]
    assert cites("根据第5条的规定") == [("internal", "第5条", 5, None, None)]
    assert cites("第十条规定的期限届满") == [("internal", "第十条", 10, None, None)]
    assert cites("违反第三十条，情节严重的") == [("internal", "第三十条", 30, None, None)]


def test_label_at_line_start_and_amendments_are_not_citations():
    assert find_citations("第五条　示例市(测试用虚构文本)自公布之日起施行。") == []
    assert find_citations("甲。\n第六条 乙") == []
    assert find_citations("将第五条修改为：“示例”。") == []
    assert find_citations("删去第七条。") == []
    assert find_citations("本条所称企业，是指示例市登记的企业。") == []  # 本条 alone: its own article
    assert find_citations("本条例自公布之日起施行。") == []


def test_lists_and_ranges():
    found = find_citations("依照本条例第十五条、第十七条和第二十条至第二十二条的规定。")
    assert [(c.text, c.article, c.role) for c in found] == [
        ("本条例第十五条", 15, "list"), ("第十七条", 17, "list"), ("第二十条", 20, "range_start"),
        ("第二十二条", 22, "range_end")]
    assert len({c.group for c in found}) == 1
    # an element without its article inherits it
    found = find_citations("符合本法第六十七条第一款第一项至第六项、第八项规定的")
    assert [(c.article, c.paragraph, c.item) for c in found] == [(67, 1, 1), (67, 1, 6), (67, 1, 8)]
    # items listed inside one 第…项
    found = find_citations("有本条例第二十一条第一款第(一)、(二)、(三)项所列行为，或者有前款第（一）、（三）项行为的")
    assert [(c.scope, c.article, c.paragraph, c.item, c.relative) for c in found] == [
        ("internal", 21, 1, 1, None), ("internal", 21, 1, 2, None), ("internal", 21, 1, 3, None),
        ("relative", None, None, 1, "前款"), ("relative", None, None, 3, "前款")]
    # numerals listed under one 第 and one noun
    found = find_citations("本规定第二条第一、二、三项所称案件，依照第五、六条办理")
    assert [(c.article, c.item) for c in found] == [(2, 1), (2, 2), (2, 3), (5, None), (6, None)]


def test_relative_citations():
    text = "甲。\n乙。\n有前款第一项情形的，依照本条第二款、前两款处理；前条另有规定的除外。"
    found = find_citations(text)
    assert [(c.relative, c.paragraph, c.item, c.relative_count, c.citing_paragraph) for c in found] == [
        ("前款", None, 1, 1, 3), ("本条", 2, None, 1, 3), ("前两款", None, None, 2, 3), ("前条", None, None, 1, 3)]
    assert all(c.scope == "relative" for c in found)
    assert cites("依照第二款规定处理") == [("relative", "第二款", None, 2, None)]


def test_article_with_zhi_yi():
    [c] = find_citations("依照本法第十条之一规定")
    assert (c.article, c.article_sub, c.text) == (10, 1, "本法第十条之一")


def test_external_citations():
    found = find_citations("应当依照刑法第一百四十条、《示例市烟草管理条例》第三十一条处罚；"
                           "适用中华人民共和国示例法第五条，并依照该条例第六条")
    assert [(c.scope, c.work_name, c.article, c.bracketed) for c in found] == [
        ("external", "刑法", 140, False), ("external", "示例市烟草管理条例", 31, True),
        ("external", "中华人民共和国示例法", 5, False), ("external", "中华人民共和国示例法", 6, False)]
    # 合同法 ends with 同法 but is no anaphor
    assert [c.work_name for c in find_citations("依照示例法第一条，但符合合同法第一百零八条规定情形的除外；依照同法第二条")] == [
        "示例法", "合同法", "合同法"]
    # a list after an external name stays external; 本规定 starts a self citation
    found = find_citations("除存在民法典第一百四十六条、第一百五十三条以及本规定第十三条之规定")
    assert [(c.scope, c.article) for c in found] == [("external", 146), ("external", 153), ("internal", 13)]
    # a title inside a title
    [c] = find_citations("依照《最高人民法院关于适用〈中华人民共和国示例法〉的解释》第一百七十四条")
    assert c.work_name == "最高人民法院关于适用《中华人民共和国示例法》的解释" and c.article == 174
    # 「有刑事诉讼法第X条」: the verb is not part of the name; a bare article later in
    # the same sentence continues the external citation
    names = [c.work_name for c in find_citations(
        "应当就示例责任法第六十条规定承担责任；依法行使示例诉讼法第五条规定的权利；发明创造有示例专利法第二条所列情形；"
        "但示例诉讼法第一百零一条的规定除外；违反企业国有资产法第三条；依照就业促进法第四条")]
    assert names == ["示例责任法", "示例诉讼法", "示例专利法", "示例诉讼法", "企业国有资产法", "就业促进法"]
    found = find_citations("有示例诉讼法第二百二十七条规定的情形之一，或者违反第二百二十八条规定的")
    assert [(c.scope, c.work_name, c.article) for c in found] == [
        ("external", "示例诉讼法", 227), ("external", "示例诉讼法", 228)]


def test_non_citations():
    for text in ("本市第一批示范项目", "第一章 总则", "第三次会议通过", "按照有关规定执行",
                 "第十条", "第一百条　内容"):
        assert find_citations(text) == [], text


def test_spans_are_offsets_into_the_text():
    text = "一、示例（测试用虚构文本）。\n依照本办法第三条、第五条第二款规定，并适用前款。"
    for c in find_citations(text):
        assert text[c.start:c.end] == c.text


def test_numerals_helpers():
    for n in range(1, 400):
        assert cn_to_int(small_cn_numeral(n)) == n
    assert paragraphs_of("甲：\n（一）子；\n（二）丑。\n乙。") == ["甲：\n（一）子；\n（二）丑。", "乙。"]
    assert align_units(["甲乙丙丁规定。", "戊己庚辛规定。"], ["戊己庚辛规定。"]) == {2: 1}
    segs = (("=", "依照本法第"), ("-", "三十七"), ("+", "四十"), ("=", "条规定"))
    assert map_offset(segs, 10) == 9


# --------------------------------------------------------------------------- a fictional revision

TITLE = "示例市促进创新条例(测试用虚构文本)"

OLD_ARTICLES = [
    "为了促进示例市的创新活动，制定本条例。",
    "本条例所称创新主体，是指在示例市登记注册的企业和科研机构。",
    "创新主体可以向市科技部门申请项目资助。\n申请资助的，应当提交项目申请书和预算表。\n依照前款提交的申请书，应当载明项目内容和预期成果。",
    "市科技部门应当在三十日内审核本条例第三条规定的资助申请，并书面告知审核结果。",
    "资助标准由市人民政府根据财政状况另行制定并向社会公布。",
    "违反本条例第五条规定擅自收取评审费用的，由市科技部门责令改正，退还所收费用。",
    "依照第四条规定审核通过的项目，应当在市科技部门网站公示七日。",
    "以欺骗手段违反第二条、第三条规定骗取资助的，追回全部资助款项并记入信用档案。",
    "市档案馆应当永久保存本条例第四十条规定的项目档案材料。",
    "鼓励企业按照销售收入的一定比例设立研发准备金，专门用于研究开发活动。",
    "依照本条例第十条设立研发准备金的企业，可以按规定享受研发费用奖励。",
    "市科技部门负责资助项目的结题验收工作，组织专家评审项目成果。验收合格的项目，由市财政部门拨付剩余资助资金。",
    "资助项目的验收程序适用本条例第十二条的规定，具体办法另行制定。",
]

NEW_ARTICLES = [
    OLD_ARTICLES[0],
    OLD_ARTICLES[1],
    "市科技部门负责全市创新工作的统筹协调和督促检查，每年发布创新发展报告。",  # added: all below move +1
    OLD_ARTICLES[2],
    "市科技部门应当在三十日内审核本条例第四条规定的资助申请，并书面告知审核结果。",  # updated
    OLD_ARTICLES[4],
    OLD_ARTICLES[5],  # still cites 第五条: stale
    "依照第五条规定审核通过的项目，应当在市科技部门网站公示十日。",  # updated
    # old 第八条 removed: its citations are dropped
    OLD_ARTICLES[8],  # cites a 第四十条 that neither version has
    # old 第十条 removed: the citation that survives points at nothing
    OLD_ARTICLES[10],
    "市科技部门负责资助项目的结题验收工作，组织专家评审项目成果。",  # old 12 split ...
    "验收合格的项目，由市财政部门拨付剩余资助资金。",  # ... in two
    "资助项目的验收程序适用本条例第十二条的规定，具体办法另行制定。",
    "违反本条例第三条规定不履行统筹职责的，予以通报批评。",  # a new citation of a new article
]


def version(articles, version_id):
    b = DocBuilder(title=TITLE)
    for n, text in enumerate(articles, 1):
        b.measure(f"第{small_cn_numeral(n)}条", n, text)
    doc = b.build()
    return Version(work="demo-innovation", version=version_id, meta=DocumentMeta(title=TITLE),
                   has_text=True, document=doc)


@pytest.fixture(scope="module")
def report():
    return check_revision(compare(version(OLD_ARTICLES, "2020"), version(NEW_ARTICLES, "2024")))


def by_text(report, side, ordinal, text):
    found = [ch for ch in report.internal if ch.side == side and ch.citation.ordinal == ordinal
             and ch.citation.text == text]
    assert len(found) == 1, (side, ordinal, text, [(c.citation.ordinal, c.citation.text) for c in report.internal])
    return found[0]


def test_statuses_on_a_fictional_revision(report):
    updated = by_text(report, "old", 4, "本条例第三条")
    assert updated.status == "updated"
    assert [t.label for t in updated.target_new] == ["第四条"]
    assert updated.written.text == "本条例第四条"
    assert by_text(report, "old", 3, "前款").status == "unchanged"
    stale = by_text(report, "old", 6, "本条例第五条")
    assert stale.status == "stale" and stale.target_new[0].label == "第六条" and stale.written.text == "本条例第五条"
    assert by_text(report, "old", 7, "第四条").status == "updated"
    assert {by_text(report, "old", 8, t).status for t in ("第二条", "第三条")} == {"dropped"}
    assert by_text(report, "old", 9, "本条例第四十条").status == "unresolved"
    removed = by_text(report, "old", 11, "本条例第十条")
    assert removed.status == "target_removed" and removed.target_new == ()
    split = by_text(report, "old", 13, "本条例第十二条")
    assert split.status == "target_split"
    assert [t.label for t in split.target_new] == ["第十一条", "第十二条"]
    new = by_text(report, "new", 14, "本条例第三条")
    assert new.status == "new_citation" and new.target_in_old == () and new.target.label == "第三条"


def test_every_citation_is_checked_once(report):
    old_cites = [c for m in version(OLD_ARTICLES, "x").document.measures for c in find_citations(m.text, m.ordinal)
                 if c.scope != "external"]
    assert len([ch for ch in report.internal if ch.side == "old"]) == len(old_cites)


def test_correspondence_table(report):
    rows = report.correspondence
    assert sum(len(r.old) for r in rows) == len(OLD_ARTICLES)
    assert sum(len(r.new) for r in rows) == len(NEW_ARTICLES)
    first_old = [r for r in rows if r.old_labels == ("第三条",)][0]
    assert first_old.new_labels == ("第四条",) and first_old.renumbered
    assert [r.new_labels for r in rows if r.kind == "split"] == [("第十一条", "第十二条")]
    assert [r.old_labels for r in rows if r.kind == "removed"] == [("第八条",), ("第十条",)]


def test_relative_citation_made_stale_by_an_inserted_paragraph():
    old = ["示例甲规定(测试用虚构文本)。", "示例主体应当登记。\n登记应当提交材料。\n依照前款提交的材料应当真实。"]
    new = ["示例甲规定(测试用虚构文本)。",
           "示例主体应当登记。\n登记应当提交材料。\n登记机关应当在五日内作出决定并告知申请人。\n依照前款提交的材料应当真实。"]
    r = check_revision(compare(version(old, "1"), version(new, "2")))
    [check] = [ch for ch in r.internal if ch.side == "old"]
    assert check.status == "stale"
    assert check.target_new[0].label == "第二条第二款" and check.written_target.label == "第二条第三款"


# --------------------------------------------------------------------------- a real pair, by path

def test_civil_procedure_law_pair():
    old = CORPUS / "law-92cc5d7f" / "2021-12-24.md"
    new = CORPUS / "law-92cc5d7f" / "2023-09-01.md"
    from policydiff import api

    r = api.citation_report(None, str(old), str(new))
    olds = [ch for ch in r.internal if ch.side == "old"]
    assert len(olds) >= 30
    # every old citation whose target is 1:1 aligned and still written: predicted == written
    for ch in olds:
        if ch.written is not None and len(ch.target_new) == 1 and ch.status != "dropped":
            assert ch.status in ("updated", "unchanged"), (ch.citation.text, ch.status, ch.reason)
    updated = [ch for ch in olds if ch.status == "updated"]
    assert any(ch.target.label == "第二百零六条" and ch.target_new[0].label == "第二百一十条" for ch in updated)
    assert sum(len(row.old) for row in r.correspondence) == 291


# --------------------------------------------------------------------------- JSON and CLI

def write_pair(tmp_path):
    old_path, new_path = tmp_path / "old.txt", tmp_path / "new.txt"
    for path, articles in ((old_path, OLD_ARTICLES), (new_path, NEW_ARTICLES)):
        body = "\n".join(f"第{small_cn_numeral(n)}条 {t.replace(chr(10), chr(10))}" for n, t in enumerate(articles, 1))
        path.write_text(TITLE + "\n" + body + "\n", encoding="utf-8")
    return old_path, new_path


def test_json_contract_keys(tmp_path):
    old_path, new_path = write_pair(tmp_path)
    result = CliRunner().invoke(cli, ["citations", str(old_path), str(new_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["format"] == "policydiff.citations/1"
    assert {"format", "old", "new", "correspondence", "internal", "external"} <= set(data)
    for row in data["correspondence"]:
        assert {"old", "new", "old_labels", "new_labels", "kind"} <= set(row)
    statuses = set()
    for item in data["internal"]:
        assert {"side", "ordinal", "text", "start", "end", "target", "target_new", "written_in_new", "status"} <= set(item)
        if item["target"] is not None:
            assert {"label", "ordinal"} <= set(item["target"])
        if item["written_in_new"] is not None:
            assert {"ordinal", "text", "label"} <= set(item["written_in_new"])
        statuses.add(item["status"])
    assert {"updated", "unchanged", "stale", "target_removed", "target_split", "dropped", "new_citation"} <= statuses
    assert data["external"] == []
    assert data["settings"]["citation_context_min"] == 0.5 and "modified_min" in data["settings"]
    again = CliRunner().invoke(cli, ["citations", str(old_path), str(new_path), "--format", "json"])
    assert again.output == result.output  # deterministic


def test_cli_text_and_csv(tmp_path):
    old_path, new_path = write_pair(tmp_path)
    text = CliRunner().invoke(cli, ["citations", str(old_path), str(new_path)])
    assert text.exit_code == 0
    assert "[stale]" in text.output and "条文序号对照表" in text.output
    out = CliRunner().invoke(cli, ["citations", str(old_path), str(new_path), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert {r["record"] for r in rows} == {"correspondence", "internal"}
    assert any(r["status"] == "stale" and r["text"] == "本条例第五条" for r in rows)


def test_cli_bad_input_is_one_line(tmp_path, capsys):
    from policydiff.cli import main

    old_path, _ = write_pair(tmp_path)
    for args in (["citations", str(old_path), str(tmp_path / "missing.txt")],
                 ["citations", str(old_path), str(old_path), "--format", "xml"],
                 ["--archive", str(tmp_path / "none"), "citations", str(old_path), str(old_path), "--archive-wide"]):
        with pytest.raises(SystemExit) as exited:
            main(args)
        assert exited.value.code == 2
        err = capsys.readouterr().err
        lines = [line for line in err.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("Error:"), err


# --------------------------------------------------------------------------- across an archive

GRANTS_TITLE = "示例市创新券管理办法(测试用虚构文本)"


def _add(archive, tmp_path, work, version_id, title, issued, body):
    from policydiff import api
    from policydiff.intake import AddRequest

    path = tmp_path / f"{work}-{version_id}.txt"
    path.write_text(title + "\n" + body + "\n", encoding="utf-8")
    api.add_version(archive, AddRequest(source=str(path), work=work, version=version_id, title=title, issued=issued))


@pytest.fixture()
def archive(git_tmp, tmp_path):
    import subprocess

    from policydiff import api

    archive = api.init_archive(git_tmp / "versions")
    for articles, version_id, issued in ((OLD_ARTICLES, "2020", "2020-01-01"), (NEW_ARTICLES, "2024", "2024-01-01")):
        body = "\n".join(f"第{small_cn_numeral(n)}条 {t}" for n, t in enumerate(articles, 1))
        _add(archive, tmp_path, "demo-innovation", version_id, TITLE, issued, body)
    # the short name other documents cite it by, as a user would record it
    work_yaml = archive / "demo-innovation" / "work.yaml"
    work_yaml.write_text(work_yaml.read_text(encoding="utf-8").replace("aliases: []", "aliases: [示例创新条例]"),
                         encoding="utf-8")
    subprocess.run(["git", "-C", str(git_tmp), "commit", "-qam", "alias"], check=True)
    _add(archive, tmp_path, "demo-grants", "2019", GRANTS_TITLE, "2019-05-01",
         "第一条 创新券的发放依照示例创新条例第三条规定执行。")
    _add(archive, tmp_path, "demo-grants", "2022", GRANTS_TITLE, "2022-06-01",
         "第一条 创新券的发放依照示例创新条例第三条规定执行。\n"
         f"第二条 创新主体的范围适用《{TITLE}》第二条的规定。\n"
         "第三条 研发准备金依照示例创新条例第十条执行；验收适用示例创新条例第十二条。\n"
         "第四条 审核期限依照示例创新条例第四条规定，违反规定的依照刑法第十条处理。")
    _add(archive, tmp_path, "demo-later", "2025", "示例市创新券实施细则(测试用虚构文本)", "2025-03-01",
         "第一条 申请依照示例创新条例第四条规定提交。")
    return archive


def test_archive_wide_impact(archive):
    from policydiff import api, citations_api

    r = api.citation_report(str(archive), "demo-innovation@2020", "demo-innovation@2024",
                                      archive_wide=True)
    got = {(e.ref, e.citation.text): (e.status, e.suggested, e.suggested_text) for e in r.external}
    assert got[("demo-grants@2022", "示例创新条例第三条")] == ("renumbered", ("第四条",), "示例创新条例第三条 → 第四条")
    assert got[("demo-grants@2022", f"《{TITLE}》第二条")][0] == "current"
    assert got[("demo-grants@2022", "示例创新条例第十条")][0] == "removed"
    assert got[("demo-grants@2022", "示例创新条例第十二条")][:2] == ("split", ("第十一条", "第十二条"))
    fourth = [e for e in r.external if e.citation.text == "示例创新条例第四条" and e.ref == "demo-grants@2022"][0]
    assert fourth.status == "renumbered" and fourth.text_changed and fourth.suggested == ("第五条",)
    # issued after the new version: already in the new numbering
    assert got[("demo-later@2025", "示例创新条例第四条")][0] == "current"
    # latest versions only: the 2019 grants version is not read
    assert not any(e.ref == "demo-grants@2019" for e in r.external)
    assert any("刑法" in note for note in r.external_notes)


def test_all_versions_and_the_numbering_of_older_documents(archive):
    from policydiff import api, citations_api

    r = api.citation_report(str(archive), "demo-innovation@2020", "demo-innovation@2024",
                                      archive_wide=True, all_versions=True)
    [older] = [e for e in r.external if e.ref == "demo-grants@2019"]
    # issued before the old version: it may cite an older numbering, so no suggestion
    assert older.status == "unknown" and older.suggested == () and "before" in older.reason
    data = json.loads(citations_api.render(r, "json"))
    for item in data["external"]:
        assert {"ref", "ordinal", "text", "target", "status", "suggested"} <= set(item)
        assert {"ref", "label", "ordinal"} <= set(item["target"])


def test_plain_files_cannot_be_archive_wide(tmp_path, git_tmp):
    from policydiff import api, citations_api
    from policydiff.errors import BadInputError

    api.init_archive(git_tmp / "versions")
    old_path, new_path = write_pair(tmp_path)
    with pytest.raises(BadInputError):
        api.citation_report(str(git_tmp / "versions"), str(old_path), str(new_path), archive_wide=True)


# --------------------------------------------------------------------------- the HTML report's sections

def _ids_and_links(html):
    import re

    ids = set(re.findall(r'\bid="([^"]+)"', html))
    links = set(re.findall(r'href="#([^"]+)"', html))
    return ids, links


def test_report_sections_on_plain_files(tmp_path):
    from lxml import html as lxml_html

    old_path, new_path = write_pair(tmp_path)
    out = tmp_path / "r.html"
    result = CliRunner().invoke(cli, ["report", str(old_path), str(new_path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    ids, links = _ids_and_links(page)
    assert {"correspondence", "citation-impact"} <= ids and links <= ids
    tree = lxml_html.fromstring(page)
    rows = tree.xpath('//section[@id="correspondence"]//tbody/tr')
    report = check_revision(compare(version(OLD_ARTICLES, "2020"), version(NEW_ARTICLES, "2024")))
    assert len(rows) == len(report.correspondence)
    renumbered = tree.xpath('//section[@id="correspondence"]//tr[@class="renumbered"]')
    assert len(renumbered) == sum(1 for r in report.correspondence if r.renumbered)
    attention = tree.xpath('//section[@id="citation-impact"]//tr[@data-status]/@data-status')
    assert "stale" in attention and "target_removed" in attention and "target_split" in attention
    impact = tree.xpath('string(//section[@id="citation-impact"])')
    assert "本条例第五条" in impact and "未检查其他文件" in impact  # plain files: no archive to read
    # the sections sit outside every .change (redline invariants untouched)
    assert not tree.xpath('//*[contains(@class, "change")]//section[@id="correspondence"]')


def test_report_impact_section_inside_an_archive(archive, tmp_path, monkeypatch):
    from lxml import html as lxml_html

    from policydiff import api

    monkeypatch.chdir(archive.parent)
    out = tmp_path / "r.html"
    path = api.report(str(archive), "demo-innovation@2020", "demo-innovation@2024", output=str(out), archive_wide=True)
    tree = lxml_html.fromstring(Path(path).read_text(encoding="utf-8"))
    rows = tree.xpath('//table[contains(@class, "external")]//tbody/tr')
    text = [" ".join(r.text_content().split()) for r in rows]
    assert any("demo-grants@2022" in t and "示例创新条例第三条 → 第四条" in t for t in text), text
    again = api.report(str(archive), "demo-innovation@2020", "demo-innovation@2024", output=str(tmp_path / "s.html"),
                       archive_wide=True)
    assert Path(again).read_bytes() == Path(path).read_bytes()  # deterministic


def test_citation_labels_exist_in_both_languages():
    from policydiff.render.labels import LABELS
    from policydiff.citations_check import STATUSES

    zh = {k for k in LABELS["zh"] if k.startswith(("cite.", "creason."))}
    assert zh and zh == {k for k in LABELS["en"] if k.startswith(("cite.", "creason."))}
    for status in (*STATUSES, "current", "renumbered", "modified", "removed", "split", "unknown"):
        assert "cite.status." + status in LABELS["zh"]


def test_a_citation_of_an_older_numbering_is_followed_through_the_archived_history(archive, tmp_path):
    from policydiff import api

    # the 2016 version had no definition article: its 第三条 is the 2020 第四条 and the 2024 第五条
    earliest = [t for n, t in enumerate(OLD_ARTICLES) if n != 1]
    body = "\n".join(f"第{small_cn_numeral(n)}条 {t}" for n, t in enumerate(earliest, 1))
    _add(archive, tmp_path, "demo-innovation", "2016", TITLE, "2016-01-01", body)
    _add(archive, tmp_path, "demo-ancient", "2010", "示例市旧办法(测试用虚构文本)", "2010-01-01",
         "第一条 依照示例创新条例第三条执行。\n第二条 本办法自发布之日起施行。")
    r = api.citation_report(str(archive), "demo-innovation@2020", "demo-innovation@2024",
                                      archive_wide=True, all_versions=True)
    [older] = [e for e in r.external if e.ref == "demo-grants@2019"]
    assert older.basis == "demo-innovation@2016"
    assert (older.status, older.suggested, older.suggested_text) == (
        "renumbered", ("第五条",), "示例创新条例第三条 → 第五条")
    assert "第四条 in demo-innovation@2020" in older.reason
    # older than every archived version: still unknown
    [ancient] = [e for e in r.external if e.ref == "demo-ancient@2010"]
    assert ancient.status == "unknown" and "earliest archived version" in ancient.reason
    # a document between the old and the new version reads the old numbering, as before
    assert [e.status for e in r.external if e.ref == "demo-grants@2022" and e.citation.text == "示例创新条例第三条"] == [
        "renumbered"]


def test_cited_names_resolve_against_titles_and_aliases_or_not_at_all():
    from policydiff.citations_check import name_index, resolve_work

    index = name_index({"law-a": ("中华人民共和国示例诉讼法",), "law-b": ("示例程序法",), "reg-c": ("示例条例（试行）",),
                        "twin-1": ("示例重名法",), "twin-2": ("示例重名法",)})

    def resolve(text):
        return resolve_work(find_citations(text)[0], index)[0]

    assert resolve("依照示例诉讼法第一条") == "law-a"  # without 中华人民共和国
    assert resolve("依照《中华人民共和国示例程序法》第一条") == "law-b"  # an archived title without it
    assert resolve("依照《示例条例》第三条") == "reg-c"  # （试行） folded
    assert resolve("被告人有示例诉讼法第二条规定情形") == "law-a"
    assert resolve("依照示例重名法第一条") is None  # two works: not guessed
    assert resolve("依照刑法第一条") is None  # not archived


def test_correspondence_reads_like_diff_csv(report):
    from policydiff.render.correspondence import correspondence_rows

    theirs = [(row[0], row[1], row[2]) for row in correspondence_rows(report.comparison)]
    ours = [("、".join(r.old_labels), "、".join(r.new_labels), r.kind) for r in report.correspondence]
    assert ours == theirs


def test_a_side_without_text_is_a_one_line_error(git_tmp, capsys):
    from policydiff import api
    from policydiff.cli import main
    from policydiff.intake import AddRequest

    archive = api.init_archive(git_tmp / "versions")
    api.add_version(archive, AddRequest(work="demo-innovation", version="2020", title=TITLE, no_text=True))
    path = git_tmp / "new.txt"
    path.write_text(TITLE + "\n" + "\n".join(f"第{small_cn_numeral(n)}条 {t}" for n, t in enumerate(NEW_ARTICLES, 1)),
                    encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        main(["--archive", str(archive), "citations", "demo-innovation@2020", str(path)])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.count("\n") == 1 and err.startswith("Error: demo-innovation@2020")
    assert "policydiff add FILE --work demo-innovation --version 2020 --replace" in err


def test_qian_tiao_made_stale_by_an_inserted_article():
    old = ["示例市绿化条例(测试用虚构文本)所称绿地，是指城市公共绿地和单位附属绿地。",
           "任何单位和个人不得擅自占用城市公共绿地或者改变其用途。",
           "违反前条规定的，由城市管理部门责令限期改正，恢复原状。"]
    new = [old[0], old[1],
           "新建住宅小区的绿地率不得低于百分之三十，旧城改造区域不得低于百分之二十五。",
           old[2]]
    r = check_revision(compare(version(old, "1"), version(new, "2")))
    [check] = [ch for ch in r.internal if ch.side == "old"]
    assert check.citation.text == "前条"
    assert check.status == "stale"  # 前条 now names the inserted article
    assert check.target_new[0].label == "第二条" and check.written_target.label == "第三条"
