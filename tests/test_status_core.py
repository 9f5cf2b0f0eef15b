"""One status core for `list`, `status`, the report and the site (issue 8).

Reproduced on the old main: `list` read versions without their text and built one graph per
work, so an 「有效期至…」 clause and a repeal by another work's clause were invisible to it
(`list` said in_force, `status` said repealed); the report matched 文号s with its own
normaliser (国发〔2023〕3号 vs a clause naming 国发〔2023〕第3号: no repeal relation); a
revision of the same work was shown as 「已废止」. Every text below is fictional.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policydiff import status as st
from policydiff.model import DocumentMeta, Repeal, Version
from policydiff.render.view import build_view
from tests.conftest import run_cli

AS_OF = "2026-06-01"

TERM_LIMITED = """示例市测试补贴办法(测试用虚构文本)
示财发〔2020〕8号
第一条 为测试而制定本办法。
第二条 本办法自2020年3月1日起施行，有效期至2022年12月31日。
示例市财政局
2020年2月20日
"""

OLD_RULES = """示例市测试登记规定(测试用虚构文本)
国发〔2019〕3号
第一条 为测试登记而制定本规定。
第二条 本规定自2019年5月1日起施行。
示例市人民政府
2019年4月1日
"""

# Another work whose closing clause repeals OLD_RULES, naming its 文号 with 第.
OTHER_WORK_REPEALS = """示例市测试综合管理办法(测试用虚构文本)
示政发〔2024〕2号
第一条 为测试综合管理而制定本办法。
第二条 本办法自2024年7月1日起施行。原《示例市测试登记规定(测试用虚构文本)》(国发〔2019〕第3号)同时废止。
示例市人民政府
2024年6月1日
"""

REVISION_2018 = """示例市测试服务条例(测试用虚构文本)
第一条 为测试服务而制定本条例。
第二条 服务应当及时。
第三条 本条例自2018年1月1日起施行。
"""

REVISION_2023 = """示例市测试服务条例(测试用虚构文本)
第一条 为测试服务而制定本条例。
第二条 服务应当及时、规范。
第三条 本条例自2023年1月1日起施行。
"""


def _cli_json(*args: str) -> dict:
    result = run_cli(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture()
def mixed_archive(git_tmp: Path, tmp_path: Path) -> Path:
    folder = git_tmp / "versions"
    assert run_cli("init", str(folder), cwd=git_tmp).returncode == 0
    sources = tmp_path / "sources"
    sources.mkdir()
    for work, version, text in (("demo-subsidy", "2020", TERM_LIMITED), ("demo-register", "2019", OLD_RULES),
                                ("demo-general", "2024", OTHER_WORK_REPEALS),
                                ("demo-service", "2018", REVISION_2018), ("demo-service", "2023", REVISION_2023)):
        path = sources / f"{work}-{version}.txt"
        path.write_text(text, encoding="utf-8")
        result = run_cli("--archive", str(folder), "add", str(path), "--work", work, "--version", version)
        assert result.returncode == 0, result.stderr
    result = run_cli("--archive", str(folder), "add", "--no-text", "--work", "demo-notext", "--version", "2021",
                     "--title", "示例市无正文办法(测试用虚构文本)", "--doc-no", "示发〔2021〕1号")
    assert result.returncode == 0, result.stderr
    return folder


def test_list_and_status_agree_on_every_version_of_a_mixed_archive(mixed_archive: Path):
    listing = _cli_json("--archive", str(mixed_archive), "list")
    rows = {v["ref"]: v for w in listing["works"] for v in w["versions"]}
    assert len(rows) == 6
    for ref, row in rows.items():
        answer = _cli_json("--archive", str(mixed_archive), "status", ref)
        assert row["status"] == answer["status"], ref
        by = answer["repealed_by"] or answer["superseded_by"]
        assert (row["repealed_by"] or row["superseded_by"]) == (by["ref"] if by else None), ref
    # and the answers themselves are the ones the texts support
    assert rows["demo-subsidy@2020"]["status"] == "repealed"  # 有效期至2022年12月31日 (in the text)
    assert rows["demo-register@2019"]["status"] == "repealed"  # by another work's clause, 第3号 == 3号
    assert rows["demo-register@2019"]["repealed_by"] == "demo-general@2024"
    assert rows["demo-service@2018"]["status"] == "superseded"  # 修订: the next version, no clause
    assert rows["demo-service@2018"]["superseded_by"] == "demo-service@2023"
    assert rows["demo-service@2023"]["status"] == "in_force"
    assert rows["demo-notext@2021"]["status"] == "in_force"  # 文号 year 2021, nothing ends it


def test_the_site_index_agrees_with_list(mixed_archive: Path, tmp_path: Path):
    """The site index is the fourth reader of the same core: every version's status and
    what ended it, as `list` gives them (both as of today), and the superseded word shown."""
    from policydiff import api

    site = tmp_path / "site"
    api.build(mixed_archive, str(site), jobs=1, cache=str(tmp_path / "cache"),
              progress_stream=open("/dev/null", "w"))
    index = json.loads((site / "index.json").read_text(encoding="utf-8"))
    built = {v["ref"]: (v["status"], v["repealed_by"], v["superseded_by"])
             for w in index["works"] for v in w["versions"]}
    listing = _cli_json("--archive", str(mixed_archive), "list")
    listed = {v["ref"]: (v["status"], v["repealed_by"], v["superseded_by"])
              for w in listing["works"] for v in w["versions"]}
    assert built == listed
    work_page = (site / "demo-service" / "index.html").read_text(encoding="utf-8")
    assert "已被新版本取代" in work_page


def test_list_text_shows_the_new_status_word(mixed_archive: Path):
    result = run_cli("--archive", str(mixed_archive), "list")
    assert result.returncode == 0, result.stderr
    line = next(line for line in result.stdout.splitlines() if "demo-service@2018" in line)
    assert "superseded (by demo-service@2023)" in line


def test_status_text_says_superseded_not_repealed(mixed_archive: Path):
    result = run_cli("--archive", str(mixed_archive), "status", "demo-service@2018")
    assert result.returncode == 0, result.stderr
    assert "已被新版本取代" in result.stdout and "superseded by: demo-service@2023" in result.stdout
    assert "repealed" not in result.stdout.split("\n")[0]


def test_log_names_the_supersession(mixed_archive: Path):
    data = _cli_json("--archive", str(mixed_archive), "log", "demo-service")
    assert data["versions"][0]["ended_by"] == {"kind": "supersede", "ref": "demo-service@2023",
                                               "status": "superseded"}
    text = run_cli("--archive", str(mixed_archive), "log", "demo-service").stdout
    assert "superseded (已被新版本取代) (supersede by demo-service@2023)" in text
    page = run_cli("--archive", str(mixed_archive), "log", "demo-service", "--format", "html").stdout
    assert "已被新版本取代" in page


# ----------------------------------------------------------------------------- core rules


def _version(work, vid, title, doc_no=None, issued=None, effective=None, repeals=()):
    return Version(work, vid, DocumentMeta(title=title, doc_no=doc_no, issued=issued, effective=effective,
                                           repeals=tuple(repeals)), has_text=False)


def test_a_clause_wins_over_the_order_of_versions():
    """The next version of the same work that also repeals by clause: repealed (DESIGN §5)."""
    clause = "原《示例办法(测试用虚构文本)》(示发〔2020〕1号)同时废止。"
    old = _version("w", "2020", "示例办法(测试用虚构文本)", "示发〔2020〕1号", issued="2020-01-01")
    new = _version("w", "2024", "示例办法(测试用虚构文本)", "示发〔2024〕1号", issued="2024-01-01",
                   repeals=[Repeal("示例办法(测试用虚构文本)", "示发〔2020〕第1号", clause, "废止")])
    answers = st.archive_statuses([old, new], AS_OF)
    assert answers["w@2020"].status == st.REPEALED
    plain = _version("w", "2024", "示例办法(测试用虚构文本)", "示发〔2024〕1号", issued="2024-01-01")
    assert st.archive_statuses([old, plain], AS_OF)["w@2020"].status == st.SUPERSEDED
    assert st.SUPERSEDED in st.STATUSES


@pytest.mark.parametrize("written", ["国发〔2023〕第3号", "国发[2023]3号", "国发（2023）3号", "国发〔2023〕3号"])
def test_report_and_status_agree_on_the_repeal_relation(written):
    """The report's "does new repeal old?" is the status core's answer, in every spelling."""
    clause = f"原《示例管理办法(测试用虚构文本)》({written})同时废止。"
    old = _version("demo", "2023", "示例管理办法(测试用虚构文本)", "国发〔2023〕3号", issued="2023-02-01")
    new = _version("demo", "2024", "示例管理办法(测试用虚构文本)", "国发〔2024〕9号", issued="2024-02-01",
                   repeals=[Repeal("示例管理办法(测试用虚构文本)", written, clause, "废止")])
    assert st.status([old, new], "demo@2023", AS_OF).status == st.REPEALED
    view = build_view(_no_text_comparison(old, new))
    assert [r["clause"] for r in view["repeal"]["naming_old"]] == [clause]
    assert view["repeal"]["others"] == ()


def test_report_names_no_relation_when_the_clause_names_another_document():
    clause = "原《别的办法(测试用虚构文本)》(国发〔2023〕4号)同时废止。"
    old = _version("demo", "2023", "示例管理办法(测试用虚构文本)", "国发〔2023〕3号", issued="2023-02-01")
    new = _version("demo", "2024", "示例管理办法(测试用虚构文本)", None, issued="2024-02-01",
                   repeals=[Repeal("别的办法(测试用虚构文本)", "国发〔2023〕4号", clause, "废止")])
    view = build_view(_no_text_comparison(old, new))
    assert view["repeal"]["naming_old"] == () and len(view["repeal"]["others"]) == 1
    # ... but the new text is the next version of the same work: the report says what status says
    assert st.status([old, new], "demo@2023", AS_OF).status == st.SUPERSEDED
    assert view["repeal"]["superseded"] is True
    from policydiff.render.html import comparison_html
    from policydiff.render.markdown import comparison_markdown

    assert "旧版已被新版本取代" in comparison_html(_no_text_comparison(old, new))
    assert "旧版已被新版本取代" in comparison_markdown(_no_text_comparison(old, new))
    other_work = Version("other", "2024", new.meta, has_text=False)
    assert build_view(_no_text_comparison(old, other_work))["repeal"]["superseded"] is False


def _no_text_comparison(old, new):
    from policydiff.model import Comparison

    return Comparison(old=old, new=new, changes=())


# ----------------------------------------------------------------------------- one label rule, a real law

CIVIL_PROCEDURE = "law-92cc5d7f"  # 民事诉讼法 2021 and 2023: the 2023 revision inserts articles before 第二百七十四条


@pytest.fixture(scope="module")
def civil_procedure():
    from policydiff import structure
    from tests.conftest import CORPUS

    versions = []
    for path in sorted((CORPUS / CIVIL_PROCEDURE).glob("*.md")):
        meta = DocumentMeta(title="中华人民共和国民事诉讼法", issued=path.stem)  # the corpus file-name dates
        versions.append(Version("civil-procedure", path.stem, meta, True,
                                structure.parse(path.read_text(encoding="utf-8"), meta)))
    return versions


def test_status_and_log_read_the_label_in_the_same_version_and_name_the_other_numbering(civil_procedure):
    from policydiff import lineage
    from policydiff.compare import compare

    answer = st.status(civil_procedure, "civil-procedure", AS_OF, measure="第二百七十四条", compare=compare)
    traced = lineage.trace_label(civil_procedure, "第二百七十四条", compare)
    assert answer.measure.version == traced.start.ref == "civil-procedure@2023-09-01"
    line = "第二百七十四条 of @2021-12-24 is a different measure: now 第二百八十三条"
    assert [r.line for r in answer.measure.renumbering] == [r.line for r in traced.renumbering] == [line]
    # checked by hand: 2021 第二百七十四条 and 2023 第二百八十三条 both open 「人民法院对在中华人民共和国领域内
    # 没有住所的当事人送达诉讼文书」
    old, new = civil_procedure
    old_274 = next(m for m in old.document.measures if m.number == 274)
    new_283 = next(m for m in new.document.measures if m.number == 283)
    assert old_274.text[:30] == new_283.text[:30]
    # naming the old version reads the label there, and the note points the other way
    named = st.status(civil_procedure, "civil-procedure@2021-12-24", AS_OF, measure="第二百七十四条", compare=compare)
    assert named.measure.version == "civil-procedure@2021-12-24"
    assert named.measure.status == st.CARRIED_OVER
    assert [(s.label, s.ref) for s in named.measure.successors] == [("第二百八十三条", "civil-procedure@2023-09-01")]
    assert [r.line for r in named.measure.renumbering] == [
        "第二百七十四条 of @2023-09-01 is a different measure: it was 第二百七十条 in civil-procedure@2021-12-24"]  # 「…必须委托中华人民共和国的律师」, checked by hand
