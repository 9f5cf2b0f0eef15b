"""`policydiff diff OLD NEW` end to end: plain files with no archive, the three formats,
colour only on request, a no-text version as a one-line error, exit 0 either way."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import CORPUS, run_cli

OLD_TEXT = """示例市促进创新若干措施(测试用虚构文本)
第一条 对新认定的示例企业给予一次性奖励50万元。
第二条 支持企业建设研发平台。
第三条 企业应当在三十日内报送材料。
第四条 鼓励企业参加展会。
"""

NEW_TEXT = """示例市促进创新若干措施(测试用虚构文本)
第一条 对新认定的示例企业给予一次性奖励100万元。
第二条 支持企业建设研发平台。
第三条 支持企业开拓海外市场。
第四条 企业可以在三十日内报送材料。
第五条 鼓励企业参加展会。
"""


@pytest.fixture()
def files(tmp_path: Path) -> tuple[str, str]:
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text(OLD_TEXT, encoding="utf-8")
    new.write_text(NEW_TEXT, encoding="utf-8")
    return str(old), str(new)


def test_json_on_plain_files(files, tmp_path):
    result = run_cli("diff", "--format", "json", *files, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["format"] == "policydiff.diff/1"
    old_seen = sorted(o for ch in data["changes"] for o in ch["old"])
    new_seen = sorted(n for ch in data["changes"] for n in ch["new"])
    assert old_seen == [1, 2, 3, 4] and new_seen == [1, 2, 3, 4, 5]
    first = data["changes"][0]
    assert first["kind"] == "modified" and first["flags"] == ["money"]
    assert "".join(s for op, s in first["segments"] if op != "+") == "对新认定的示例企业给予一次性奖励50万元。"
    assert data["summary"]["added"] == 1
    assert result.stdout == run_cli("diff", "--format", "json", *files, cwd=tmp_path).stdout, "deterministic"


def test_text_is_plain_when_piped(files, tmp_path):
    result = run_cli("diff", *files, cwd=tmp_path, real_process=True)
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout
    assert "第一条 → 第一条" in result.stdout
    assert "[-50万-]{+100万+}" in result.stdout
    assert "added" in result.stdout and "第三条" in result.stdout


def test_text_in_colour_on_request(files, tmp_path):
    result = run_cli("diff", "--color", *files, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "\x1b[32m100万\x1b[0m" in result.stdout
    assert "[-" not in result.stdout


def test_markdown(files, tmp_path):
    result = run_cli("diff", "--format", "md", *files, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("#")
    assert "测试用虚构文本" in result.stdout


def test_identical_files_exit_zero(files, tmp_path):
    result = run_cli("diff", "--format", "json", files[0], files[0], cwd=tmp_path, real_process=True)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert {ch["kind"] for ch in data["changes"]} == {"unchanged"}


def test_version_without_text_is_a_one_line_error(git_tmp, files):
    archive = str(git_tmp / "versions")
    assert run_cli("--archive", archive, "init", cwd=git_tmp, real_process=True).returncode == 0
    added = run_cli("--archive", archive, "add", "--no-text", "--work", "demo", "--version", "2022",
                    "--title", "示例市促进创新若干措施(测试用虚构文本)", cwd=git_tmp, real_process=True)
    assert added.returncode == 0, added.stderr
    for args in (("demo@2022", files[1]), (files[0], "demo@2022")):
        result = run_cli("--archive", archive, "diff", *args, cwd=git_tmp, real_process=True)
        assert result.returncode == 2
        assert result.stdout == ""
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("Error: demo@2022")
        assert "has no text" in lines[0] and "policydiff add FILE --work demo --version 2022 --replace" in lines[0]
        assert "Traceback" not in result.stderr


def test_corpus_pair_end_to_end(manifest, tmp_path):
    document = next(d for d in manifest["documents"] if len(d["versions"]) >= 2)
    old, new = (str(CORPUS / v["file"]) for v in document["versions"][:2])
    result = run_cli("diff", "--format", "json", old, new, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    for ch in data["changes"]:
        assert ch["kind"] in {"unchanged", "modified", "split", "merged", "added", "removed"}
    text = run_cli("diff", old, new, cwd=tmp_path)
    assert text.returncode == 0 and text.stdout.count("\n") >= len(data["changes"])


def test_text_without_numbering_is_compared_as_document_text(tmp_path):
    old, new = tmp_path / "old.txt", tmp_path / "new.txt"
    old.write_text("示例通知(测试用虚构文本)\n各单位要加强管理。\n请于3月1日前报送。\n", encoding="utf-8")
    new.write_text("示例通知(测试用虚构文本)\n各单位要进一步加强管理。\n请于4月1日前报送。\n", encoding="utf-8")
    result = run_cli("diff", str(old), str(new), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "note (old):" in result.stdout and "numbering" in result.stdout
    assert "{+进一步+}" in result.stdout
