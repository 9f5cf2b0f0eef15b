"""The archive commands through the real CLI (init, add, list, show, verify), and the
shipped archive in versions/ (DESIGN §3-5, issue 2 item 5)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO, SHIPPED_ARCHIVE, run_cli

FICTIONAL_TITLE = "示例市促进创新若干措施(测试用虚构文本)"
FICTIONAL_TEXT = f"""{FICTIONAL_TITLE}

为促进示例市创新发展(本文为测试用虚构文本),制定本措施。

一、主要举措

1.支持示例企业发展

支持示例企业开展虚构的技术创新。

2.支持示例园区建设

支持示例园区建设虚构的公共服务设施。

二、组织保障

3.加强组织领导

示例市科学技术局负责组织实施。

本措施自印发之日起施行。
"""

ZGC = "zgc-world-leading-park"
ZGC_TITLE = "关于推动中关村加快建设世界领先科技园区的若干政策措施"




def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture()
def cli_archive(git_tmp):
    result = run_cli("init", cwd=git_tmp)
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()) == git_tmp / "versions"
    return git_tmp


def test_no_text_add_list_show_verify(cli_archive):
    add = run_cli("add", "--no-text", "--work", "demo", "--version", "2022", "--title", FICTIONAL_TITLE,
                  "--doc-no", "示例发〔2022〕4号", "--issuer", "示例市科学技术局", "--note", "text not available",
                  cwd=cli_archive)
    assert add.returncode == 0, add.stderr
    assert add.stdout == "demo@2022\n"
    listing = run_cli("list", cwd=cli_archive)
    assert listing.returncode == 0 and "demo@2022" in listing.stdout and "无文本/no text" in listing.stdout
    shown = run_cli("show", "demo@2022", "--format", "json", cwd=cli_archive)
    data = json.loads(shown.stdout)
    assert data["has_text"] is False and data["doc_no"] == "示例发〔2022〕4号"
    assert data["add_text_command"] == "policydiff add FILE --work demo --version 2022 --replace"
    verify = run_cli("verify", cwd=cli_archive)
    assert (verify.returncode, verify.stdout) == (0, "OK: archive verified.\n")


def test_archive_option_and_environment(git_tmp, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("other")
    assert run_cli("--archive", str(git_tmp / "store"), "init", real_process=True).returncode == 0
    add = run_cli("--archive", str(git_tmp / "store"), "add", "--no-text", "--work", "demo", "--version", "1",
                  "--title", FICTIONAL_TITLE, cwd=elsewhere, real_process=True)
    assert add.returncode == 0, add.stderr
    listing = run_cli("list", "--format", "json", cwd=elsewhere, env={"POLICYDIFF_ARCHIVE": str(git_tmp / "store")}, real_process=True)
    assert json.loads(listing.stdout)["works"][0]["work"] == "demo"


def test_missing_archive_is_a_one_line_error(tmp_path):
    result = run_cli("list", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: no archive at ") and "policydiff init" in result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_duplicate_and_replace_via_cli(cli_archive):
    args = ["add", "--no-text", "--work", "demo", "--version", "2022", "--title", FICTIONAL_TITLE]
    assert run_cli(*args, cwd=cli_archive).returncode == 0
    again = run_cli(*args, cwd=cli_archive)
    assert again.returncode == 2
    assert again.stderr == "Error: demo@2022 is already archived; use --replace to correct it\n"
    fixed = run_cli(*args, "--doc-no", "示例发〔2022〕4号", "--replace", cwd=cli_archive)
    assert fixed.returncode == 0, fixed.stderr
    assert git(cli_archive, "log", "-1", "--format=%s") == "policydiff replace demo@2022 (correction)\n"
    assert git(cli_archive, "rev-list", "--count", "HEAD") == "2\n"


def test_verify_exits_1_naming_every_problem(cli_archive):
    for version in ("2022", "2023"):
        run_cli("add", "--no-text", "--work", "demo", "--version", version, "--title", FICTIONAL_TITLE,
                cwd=cli_archive, real_process=True)
    for version in ("2022", "2023"):
        md = cli_archive / "versions" / "demo" / f"{version}.md"
        md.write_text(md.read_text(encoding="utf-8").replace("has_text: false", "has_text: 1"), encoding="utf-8")
    result = run_cli("verify", cwd=cli_archive, real_process=True)
    assert result.returncode == 1
    fails = [line for line in result.stderr.splitlines() if line.startswith("FAIL ")]
    assert any("versions/demo/2022.md: front matter 'has_text'" in f for f in fails)
    assert any("versions/demo/2023.md: front matter 'has_text'" in f for f in fails)
    assert any("versions/demo/2022.md: changed since it was committed" in f for f in fails)
    assert result.stderr.splitlines()[-1] == f"{len(fails)} problem(s) found."


def test_add_a_text_file_then_show_and_verify(cli_archive):
    source = cli_archive / "demo.txt"
    source.write_text(FICTIONAL_TEXT, encoding="utf-8")
    add = run_cli("add", str(source), "--work", "demo", "--version", "2024", "--issued", "2024-03-01",
                  "--issuer", "示例市科学技术局", cwd=cli_archive, real_process=True)
    assert add.returncode == 0, add.stderr
    assert (cli_archive / "versions/demo/2024.source.txt").read_bytes() == source.read_bytes()
    data = json.loads(run_cli("show", "demo@2024", "--format", "json", cwd=cli_archive, real_process=True).stdout)
    assert [m["label"] for m in data["measures"]] == ["1.", "2.", "3."]
    assert [m["ordinal"] for m in data["measures"]] == [1, 2, 3]
    assert data["measures"][0]["heading"] == "支持示例企业发展"
    assert data["measures"][2]["path"] == ["二、"]
    assert data["issued"] == "2024-03-01"  # the option wins over extraction
    assert data["issuers"] == ["示例市科学技术局"]
    text = run_cli("show", "demo@2024", cwd=cli_archive, real_process=True).stdout
    assert "[3] 3. 加强组织领导" in text
    md = run_cli("show", "demo@2024", "--format", "md", cwd=cli_archive, real_process=True).stdout
    assert md == (cli_archive / "versions/demo/2024.md").read_text(encoding="utf-8")
    assert run_cli("verify", cwd=cli_archive, real_process=True).returncode == 0
    # the same file shown as a plain path, with no archive involved
    plain = json.loads(run_cli("show", str(source), "--format", "json", cwd=cli_archive, real_process=True).stdout)
    assert plain["work"] is None and plain["ref"] == str(source)
    assert plain["text_sha256"] == data["text_sha256"]


# ---------------------------------------------------------------- the shipped archive




def test_shipped_2024_shows_17_measures():
    result = run_cli("show", f"{ZGC}@2024", "--format", "json", cwd=REPO)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["format"] == "policydiff.document/1"
    assert data["title"] == ZGC_TITLE
    assert data["issuers"] == ["北京市科学技术委员会", "中关村科技园区管理委员会"]
    assert data["issued"] == "2024-10-09"
    assert data["doc_no"] is None  # the seed carries none: never invented
    assert [m["number"] for m in data["measures"]] == list(range(1, 18))
    assert [m["ordinal"] for m in data["measures"]] == list(range(1, 18))
    sections = {"（一）": range(1, 5), "（二）": range(5, 8), "（三）": range(8, 10), "（四）": range(10, 13),
                "（五）": range(13, 15)}
    for measure in data["measures"]:
        n = measure["number"]
        if n <= 14:
            (section,) = [label for label, numbers in sections.items() if n in numbers]
            assert measure["path"][0].startswith("一")
            assert measure["path"][1].strip("()（）") == section.strip("（）")
        else:
            assert measure["path"][0].startswith("二") and len(measure["path"]) == 1
    assert data["measures"][0]["heading"] == "支持科技型小微企业发展"
    assert data["measures"][16]["heading"] == "加强绩效管理与监督"
    (repeal,) = data["repeals"]
    assert repeal["doc_no"] == "京科发〔2022〕4号"
    assert data["source"]["file"] == f"{ZGC}/2024.source.txt"
    from .conftest import SEED

    assert (SHIPPED_ARCHIVE / ZGC / "2024.source.txt").read_bytes() == SEED.read_bytes()


def test_shipped_list_and_verify():
    listing = run_cli("list", "--format", "json", cwd=REPO)
    assert listing.returncode == 0, listing.stderr
    (work,) = [w for w in json.loads(listing.stdout)["works"] if w["work"] == ZGC]
    assert work["title"] == ZGC_TITLE
    rows = {v["version"]: v for v in work["versions"]}
    assert list(rows) == ["2022", "2024"]
    assert rows["2022"]["has_text"] is False and rows["2022"]["doc_no"] == "京科发〔2022〕4号"
    assert rows["2022"]["issued"] is None
    assert rows["2022"]["status"] == "repealed" and rows["2024"]["status"] == "in_force"
    text = run_cli("list", cwd=REPO).stdout
    assert "无文本/no text" in next(line for line in text.splitlines() if f"{ZGC}@2022" in line)
    result = run_cli("verify", cwd=REPO)
    assert result.returncode == 0, result.stderr
    shown = run_cli("show", "京科发〔2022〕4号", cwd=REPO)
    assert f"policydiff add FILE --work {ZGC} --version 2022 --replace" in shown.stdout


def test_show_a_plain_file_with_no_archive_and_no_git(tmp_path):
    source = tmp_path / "demo.txt"
    source.write_text(FICTIONAL_TEXT, encoding="utf-8")
    result = run_cli("show", "demo.txt", "--format", "json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["ref"], data["work"], data["version"], data["commit"]) == ("demo.txt", None, None, None)
    assert len(data["measures"]) == 3
    md = run_cli("show", "demo.txt", "--format", "md", cwd=tmp_path).stdout
    assert md.startswith("---\nwork: null\nversion: null\n")
    assert "\n### 1.支持示例企业发展\n" in md


def test_shipped_2024_matches_the_current_parser():
    """The archived body was parsed once at import; if ingest or structure have changed
    since, the archive is stale and the import must be redone (a correction commit)."""
    from policydiff import intake
    from policydiff.archive import Archive
    from policydiff.mdbody import to_markdown

    from .conftest import SEED

    meta, document, _ = intake.parse_file(SEED.read_bytes(), SEED.name)
    archived = Archive(SHIPPED_ARCHIVE).read(ZGC, "2024", commit=False)
    hint = (f"versions/{ZGC}/2024.md is stale: re-import with `policydiff add {SEED} "
            f"--work {ZGC} --version 2024 --replace`")
    assert archived.meta == meta, hint
    assert Archive(SHIPPED_ARCHIVE).body(ZGC, "2024") == to_markdown(document), hint
