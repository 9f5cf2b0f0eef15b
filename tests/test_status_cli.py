"""`policydiff status` and `policydiff log` end to end, through the real CLI (run_cli).

Two archives: the shipped one (versions/, once imported) for the answers the issue
requires, and temp archives built with the real `init` / `add` for fictional works.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SHIPPED_ARCHIVE, run_cli

ZGC = "zgc-world-leading-park"
ZGC_NO = "京科发〔2022〕4号"
ZGC_CLAUSE = "原《关于推动中关村加快建设世界领先科技园区的若干政策措施》(京科发〔2022〕4号)同时废止。"





def cli_json(*args, **kwargs) -> dict:
    result = run_cli(*args, "--format", "json", **kwargs)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


# ----------------------------------------------------------------------------- the shipped archive


def test_shipped_doc_no_is_repealed_by_the_2024_measures_quoting_the_clause():
    data = cli_json("--archive", str(SHIPPED_ARCHIVE), "status", ZGC_NO)
    assert data["format"] == "policydiff.status/1"
    assert (data["ref"], data["status"]) == (f"{ZGC}@2022", "repealed")
    assert data["repealed_by"]["ref"] == f"{ZGC}@2024"
    assert data["repealed_by"]["date"] == "2024-10-09"
    assert data["repealed_by"]["clause"] == ZGC_CLAUSE
    text = run_cli("--archive", str(SHIPPED_ARCHIVE), "status", ZGC_NO, real_process=True).stdout
    assert "repealed" in text and "2024-10-09" in text and ZGC_CLAUSE in text


def test_shipped_2024_in_force():
    data = cli_json("--archive", str(SHIPPED_ARCHIVE), "status", f"{ZGC}@2024")
    assert data["status"] == "in_force" and data["repealed_by"] is None


def test_shipped_work_as_of_2023_names_both_bounds():
    data = cli_json("--archive", str(SHIPPED_ARCHIVE), "status", ZGC, "--as-of", "2023-06-01")
    assert (data["ref"], data["status"], data["as_of"]) == (f"{ZGC}@2022", "in_force", "2023-06-01")
    start, end = data["bounds"]["start"], data["bounds"]["end"]
    assert start["hi"] == "2022-12-31" and any(e["kind"] == "doc_no_year" for e in start["evidence"])
    assert end["lo"] == end["hi"] == "2024-10-09"
    assert any(e["text"] == ZGC_CLAUSE for e in end["evidence"])
    text = run_cli("--archive", str(SHIPPED_ARCHIVE), "status", ZGC, "--as-of", "2023-06-01").stdout
    assert "2022-12-31" in text and ZGC_NO in text and ZGC_CLAUSE in text


def test_shipped_work_as_of_2021_is_unknown():
    data = cli_json("--archive", str(SHIPPED_ARCHIVE), "status", ZGC, "--as-of", "2021-06-01")
    assert data["status"] == "unknown"
    assert "nothing in the archive shows" in data["reason"]


def test_shipped_measure_of_the_2022_record_is_unknown_with_the_add_command():
    data = cli_json("--archive", str(SHIPPED_ARCHIVE), "status", ZGC_NO, "--measure", "第五条")
    assert data["measure"]["status"] == "unknown"
    assert f"--work {ZGC} --version 2022" in data["measure"]["reason"]


def test_shipped_measure_of_the_2024_version_is_in_force():
    data = cli_json("--archive", str(SHIPPED_ARCHIVE), "status", f"{ZGC}@2024", "--measure", "5")
    assert data["measure"]["status"] == "in_force" and data["measure"]["label"] == "5."


def test_shipped_log():
    result = run_cli("--archive", str(SHIPPED_ARCHIVE), "log", ZGC)
    assert result.returncode == 0, result.stderr
    assert "2022" in result.stdout and "2024" in result.stdout and ZGC_CLAUSE in result.stdout


# ----------------------------------------------------------------------------- temp archives


@pytest.fixture()
def archive(git_tmp: Path) -> Path:
    folder = git_tmp / "versions"
    result = run_cli("init", str(folder), cwd=git_tmp)
    assert result.returncode == 0, result.stderr
    return folder


def add(archive: Path, *args: str) -> None:
    result = run_cli("--archive", str(archive), "add", *args)
    assert result.returncode == 0, result.stderr


def test_no_text_record_is_dated_by_its_doc_no(archive: Path):
    add(archive, "--no-text", "--work", "demo-old", "--version", "2018",
        "--title", "示例市旧办法(测试用虚构文本)", "--doc-no", "示发〔2018〕3号")
    inside = cli_json("--archive", str(archive), "status", "示发〔2018〕3号", "--as-of", "2018-06-01")
    assert inside["status"] == "unknown"
    after = cli_json("--archive", str(archive), "status", "旧办法", "--as-of", "2019-06-01")
    assert (after["ref"], after["status"]) == ("demo-old@2018", "in_force")
    measure = cli_json("--archive", str(archive), "status", "demo-old", "--as-of", "2019-06-01",
                       "--measure", "3")
    assert measure["measure"]["status"] == "unknown"
    assert "policydiff add FILE --work demo-old --version 2018" in measure["measure"]["reason"]


def test_errors_are_one_line(archive: Path):
    add(archive, "--no-text", "--work", "demo-a", "--version", "2018", "--title", "示例市人才引进办法(测试用虚构文本)")
    add(archive, "--no-text", "--work", "demo-b", "--version", "2018", "--title", "示例市人才培养办法(测试用虚构文本)")
    for args, word in ((("status", "示例市人才"), "demo-a"), (("status", "无此文件"), "matches no"),
                       (("status", "demo-a", "--as-of", "2021-02-30"), "YYYY-MM-DD"),
                       (("log", "no-such-work"), "no work")):
        result = run_cli("--archive", str(archive), *args, real_process=True)
        assert result.returncode == 2, (args, result.stdout)
        assert result.stderr.startswith("Error: ") and result.stderr.count("\n") == 1, result.stderr
        assert word in result.stderr and "Traceback" not in result.stderr


FICTIONAL_2019 = """示例市促进创新若干措施(测试用虚构文本)
示科发〔2019〕1号
1.支持示例企业开展研发活动，给予示例补贴。
2.设立示例基金，支持示例项目。
3.建设示例平台，培育示例人才队伍。
本措施自印发之日起施行。
示例市科学技术局
2019年3月1日
"""

FICTIONAL_2021 = """示例市促进创新若干措施(测试用虚构文本)
示科发〔2021〕2号
1.支持示例企业开展研发活动，给予示例补贴。
2.建设示例平台，培育示例人才队伍，并给予示例奖励。
本措施自印发之日起施行。原《示例市促进创新若干措施(测试用虚构文本)》(示科发〔2019〕1号)同时废止。
示例市科学技术局
2021年5月10日
"""


def test_fictional_work_status_measure_and_lineage(archive: Path, tmp_path: Path):
    for vid, text in (("2019", FICTIONAL_2019), ("2021", FICTIONAL_2021)):
        path = tmp_path / f"demo-{vid}.txt"
        path.write_text(text, encoding="utf-8")
        add(archive, str(path), "--work", "demo-innovation", "--version", vid)
    old = cli_json("--archive", str(archive), "status", "示科发〔2019〕1号", "--as-of", "2022-01-01")
    assert (old["status"], old["repealed_by"]["ref"], old["repealed_by"]["date"]) == \
        ("repealed", "demo-innovation@2021", "2021-05-10")
    measure = cli_json("--archive", str(archive), "status", "demo-innovation@2019", "--as-of", "2022-01-01",
                       "--measure", "第3条")["measure"]
    assert measure["status"] == "carried_over"
    assert [(s["ref"], s["ordinal"]) for s in measure["successors"]] == [("demo-innovation@2021", 2)]
    dropped = cli_json("--archive", str(archive), "status", "demo-innovation@2019", "--as-of", "2022-01-01",
                       "--measure", "2")["measure"]
    assert dropped["status"] == "repealed" and dropped["successors"] == []
    trace = cli_json("--archive", str(archive), "log", "demo-innovation@2019", "--measure", "3")
    assert trace["format"] == "policydiff.lineage/1"
    assert [(h["kind"], [m["label"] for m in h["new"]]) for h in trace["hops"]] == [("modified", ["2."])]
    page = tmp_path / "out" / "lineage.html"
    result = run_cli("--archive", str(archive), "log", "demo-innovation@2019", "--measure", "3",
                     "--format", "html", "-o", str(page))
    assert result.returncode == 0, result.stderr
    html = page.read_text(encoding="utf-8")
    assert '<html lang="zh-CN">' in html and 'data-kind="modified"' in html
    # without a version the label is read in the latest (2021), which has no 3.: say where it is
    for command in ("log", "status"):
        missing = run_cli("--archive", str(archive), command, "demo-innovation", "--measure", "3")
        assert missing.returncode == 2 and "3 is in demo-innovation@2019" in missing.stderr, missing.stderr


ROAD_VERSIONS = ("2019-03-02", "2022-03-29", "2023-07-20")


def test_road_transport_chain_through_the_real_archive(archive: Path, tmp_path: Path):
    from tests.conftest import CORPUS

    for vid in ROAD_VERSIONS:
        add(archive, str(CORPUS / "reg-e4838bf8" / f"{vid}.md"), "--work", "road-transport", "--version", vid)
    timeline = cli_json("--archive", str(archive), "log", "road-transport")
    assert [v["version"] for v in timeline["versions"]] == list(ROAD_VERSIONS)
    assert [v["ended_by"]["ref"] if v["ended_by"] else None for v in timeline["versions"]] == [
        "road-transport@2022-03-29", "road-transport@2023-07-20", None]
    # 2019 第六十九条 -> 2022 第六十九条 -> 2023 第六十八条 (renumbered after 第六十八条 was deleted)
    trace = cli_json("--archive", str(archive), "log", "road-transport@2019-03-02", "--measure", "第六十九条")
    assert [(h["old"][0]["label"], [m["label"] for m in h["new"]], h["renumbered"]) for h in trace["hops"]] == [
        ("第六十九条", ["第六十九条"], False), ("第六十九条", ["第六十八条"], True)]
    dropped = cli_json("--archive", str(archive), "status", "road-transport@2022-03-29", "--measure", "68",
                       "--as-of", "2024-01-01")
    # the version was revised (修订: superseded), the measure itself was dropped (repealed)
    assert (dropped["status"], dropped["measure"]["status"]) == ("superseded", "repealed")
    assert dropped["measure"]["dropped_in"]["ref"] == "road-transport@2023-07-20"
    assert dropped["measure"]["dropped_in"]["date"] == "2023-07-20"
    # status and log read an unqualified label in the same version (the latest) and both say
    # where the number means another measure
    latest = cli_json("--archive", str(archive), "status", "road-transport", "--measure", "第六十九条",
                      "--as-of", "2024-01-01")["measure"]
    logged = cli_json("--archive", str(archive), "log", "road-transport", "--measure", "第六十九条")
    assert latest["version"] == logged["start"]["ref"] == "road-transport@2023-07-20"
    assert [r["text"] for r in latest["renumbering"]] == [r["text"] for r in logged["renumbering"]] == [
        "第六十九条 of @2019-03-02 is a different measure: now 第六十八条",
        "第六十九条 of @2022-03-29 is a different measure: now 第六十八条"]
    text = run_cli("--archive", str(archive), "status", "road-transport", "--measure", "第六十九条").stdout
    assert "第六十九条 of @2019-03-02 is a different measure: now 第六十八条" in text
    carried = cli_json("--archive", str(archive), "status", "road-transport@2019-03-02", "--measure", "第69条",
                       "--as-of", "2024-01-01")["measure"]
    assert carried["status"] == "carried_over"
    assert [(s["ref"], s["label"]) for s in carried["successors"]] == [("road-transport@2023-07-20", "第六十八条")]
    page = tmp_path / "road-69.html"
    result = run_cli("--archive", str(archive), "log", "road-transport", "--measure", "第六十九条",
                     "--format", "html", "-o", str(page))
    assert result.returncode == 0, result.stderr
    assert page.read_text(encoding="utf-8").count('class="hop"') == 2
