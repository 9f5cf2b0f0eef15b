"""Issue 8, the archive a user meets: `rm`, duplicate texts, `verify` re-deriving bodies from
their kept sources and naming commits that policydiff did not make, `edit` for a hand
correction that says why. Real git repositories in temp folders; fictional documents that
say so in their titles."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from .conftest import run_cli

TITLE = "示例市公共数据管理办法(测试用虚构文本)"
OTHER_TITLE = "示例市公共数据开放细则(测试用虚构文本)"


def text(n: int, extra: str = "") -> str:
    return (f"{TITLE}\n\n第一条 为规范示例市虚构的公共数据管理，制定本办法。{extra}\n"
            f"第二条 本办法适用于示例市第{n}类虚构数据。\n第三条 本办法自发布之日起施行。\n")


def git(top: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(top), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture()
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "store"
    assert run_cli("init", str(root)).returncode == 0
    git(root, "config", "user.email", "t@example.invalid")
    git(root, "config", "user.name", "t")
    return root


def add(root: Path, tmp_path: Path, name: str, body: str, *args: str):
    source = tmp_path / name
    source.write_text(body, encoding="utf-8")
    return run_cli("--archive", str(root), "add", str(source), *args)


def commits(root: Path) -> int:
    return int(git(root, "rev-list", "--count", "HEAD"))


def test_same_text_under_another_version_is_refused_naming_the_holder(archive, tmp_path):
    assert add(archive, tmp_path, "a.txt", text(1), "--work", "demo", "--version", "2021").returncode == 0
    again = add(archive, tmp_path, "b.txt", text(1), "--work", "demo", "--version", "2022")
    assert again.returncode == 2
    assert again.stderr.startswith("Error: demo@2021 already holds exactly this text")
    assert len(again.stderr.splitlines()) == 1 and "--allow-duplicate-text" in again.stderr
    assert commits(archive) == 1
    allowed = add(archive, tmp_path, "b.txt", text(1), "--work", "demo", "--version", "2022",
                  "--allow-duplicate-text")
    assert allowed.returncode == 0, allowed
    assert commits(archive) == 2


def test_rm_removes_one_version_in_one_commit_and_refuses_a_dependency(archive, tmp_path):
    assert add(archive, tmp_path, "a.txt", text(1), "--work", "demo", "--version", "2021").returncode == 0
    assert add(archive, tmp_path, "b.txt", text(2), "--work", "demo", "--version", "2022").returncode == 0
    repealer = (f"{OTHER_TITLE}\n\n第一条 为规范示例市虚构的数据开放，制定本细则。\n"
                f"第二条 本细则自发布之日起施行，《{TITLE}》同时废止。\n")
    assert add(archive, tmp_path, "c.txt", repealer, "--work", "other", "--version", "2023").returncode == 0
    before = commits(archive)

    refused = run_cli("--archive", str(archive), "rm", "demo@2021")
    assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1, refused
    assert "demo@2022" in refused.stderr and "--force" in refused.stderr
    assert commits(archive) == before and (archive / "demo" / "2021.md").exists()

    latest = run_cli("--archive", str(archive), "rm", "other@2023")  # nothing depends on the repealer?
    # it repeals demo's versions: removing it changes their status, so it is refused too
    assert latest.returncode == 2 and "repeal" in latest.stderr

    forced = run_cli("--archive", str(archive), "rm", "demo@2021", "--force")
    assert forced.returncode == 0, forced
    assert commits(archive) == before + 1
    assert not (archive / "demo" / "2021.md").exists()
    assert not list((archive / "demo").glob("2021.source.*"))
    assert git(archive, "log", "-1", "--format=%s").strip() == "policydiff rm demo@2021"
    assert run_cli("--archive", str(archive), "verify").returncode == 0
    listed = run_cli("--archive", str(archive), "list")
    assert "2021" not in listed.stdout and "2022" in listed.stdout

    unknown = run_cli("--archive", str(archive), "rm", "demo@1999")
    assert unknown.returncode == 2 and "not in the archive" in unknown.stderr


def test_rm_of_the_only_version_removes_the_work(archive, tmp_path):
    assert add(archive, tmp_path, "a.txt", text(1), "--work", "solo", "--version", "2021").returncode == 0
    assert run_cli("--archive", str(archive), "rm", "solo@2021").returncode == 0
    assert not (archive / "solo").exists()
    assert run_cli("--archive", str(archive), "verify").returncode == 0


def test_verify_re_derives_bodies_and_names_commits_policydiff_did_not_make(archive, tmp_path):
    assert add(archive, tmp_path, "a.txt", text(1), "--work", "demo", "--version", "2021").returncode == 0
    assert run_cli("--archive", str(archive), "verify").returncode == 0
    md = archive / "demo" / "2021.md"
    original = md.read_text(encoding="utf-8")
    # a hand edit that keeps the text (so the text hash still matches) but moves a heading:
    # only re-deriving the body from the kept source can see it
    heading_lines = [line for line in original.splitlines() if line.startswith("#") and "第二条" in line]
    assert heading_lines, original
    edited = original.replace(heading_lines[0] + "\n", heading_lines[0].lstrip("#").lstrip() + "\n", 1)
    assert edited != original
    md.write_text(edited, encoding="utf-8")
    git(archive, "commit", "-qam", "fix a heading")  # committed by hand, not by policydiff
    checked = run_cli("--archive", str(archive), "verify")
    assert checked.returncode == 1
    lines = checked.stderr.splitlines()
    assert any("demo/2021.md: the body is not what its kept source" in line for line in lines), lines
    assert any("“fix a heading”" in line and "not made by policydiff" in line for line in lines), lines


def test_a_hand_correction_recorded_with_edit_is_accepted(archive, tmp_path):
    assert add(archive, tmp_path, "a.txt", text(1), "--work", "demo", "--version", "2021").returncode == 0
    md = archive / "demo" / "2021.md"
    original = md.read_text(encoding="utf-8")
    heading = next(line for line in original.splitlines() if line.startswith("#") and "第二条" in line)
    md.write_text(original.replace(heading + "\n", heading.lstrip("#").lstrip() + "\n", 1), encoding="utf-8")
    before = commits(archive)
    recorded = run_cli("--archive", str(archive), "edit", "demo@2021", "--reason", "第二条 is a paragraph")
    assert recorded.returncode == 0, recorded
    assert commits(archive) == before + 1
    message = git(archive, "log", "-1", "--format=%B")
    assert message.startswith("policydiff edit demo@2021\n") and "edit: 第二条 is a paragraph" in message
    assert run_cli("--archive", str(archive), "verify").returncode == 0
    nothing = run_cli("--archive", str(archive), "edit", "demo@2021", "--reason", "again")
    assert nothing.returncode == 2 and "no uncommitted edit" in nothing.stderr
    bad = run_cli("--archive", str(archive), "edit", "demo@2021", "--reason", "a\nforce: true")
    assert bad.returncode == 2 and "control character" in bad.stderr
