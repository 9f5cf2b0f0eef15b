"""Bad input through the real CLI: each is exit code 2 with ONE line `Error: ...` on stderr
and no traceback; odd-but-valid input (GBK, Big5, no numbering) is accepted (DESIGN §4)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import run_cli
from .test_cli_archive import FICTIONAL_TEXT, FICTIONAL_TITLE, needs_pipeline


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture()
def archive(git_tmp):
    assert run_cli("init", cwd=git_tmp).returncode == 0
    return git_tmp


def add(archive: Path, *args: str):
    return run_cli("add", *args, cwd=archive)


def write(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# ---------------------------------------------------------------- refused


@needs_pipeline
@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  ", "\ufeff \u3000\n".encode("utf-8")])
def test_empty_or_blank_file(archive, content):
    path = write(archive, "empty.txt", content)
    assert_one_line_error(add(archive, str(path), "--work", "demo", "--version", "1"))
    assert_one_line_error(run_cli("show", str(path), cwd=archive))
    assert not (archive / "versions" / "demo").exists()


@needs_pipeline
def test_binary_file(archive):
    data = bytes(range(256)) * 8 + b"\x00\x00\x89PNG\r\n\x1a\n"
    path = write(archive, "image.png", data)
    assert_one_line_error(add(archive, str(path), "--work", "demo", "--version", "1"))
    assert not (archive / "versions" / "demo").exists()


def test_unknown_ref(archive):
    result = run_cli("show", "nosuch@2024", cwd=archive)
    assert_one_line_error(result, "unknown ref 'nosuch@2024'", "the archive is empty")
    add(archive, "--no-text", "--work", "demo", "--version", "2022", "--title", FICTIONAL_TITLE)
    result = run_cli("show", "demo@2030", cwd=archive)
    assert_one_line_error(result, "versions of demo: 2022", "known works: demo")
    assert_one_line_error(run_cli("show", "京科发〔1999〕1号", cwd=archive), "文号")


def test_unknown_ref_without_any_archive(tmp_path):
    assert_one_line_error(run_cli("show", "demo@2024", cwd=tmp_path), "unknown ref", "policydiff init")


# The full set of bad ids is checked in test_refs.py; here the CLI path, end to end.
@pytest.mark.parametrize("work", ["a/b", "../escape"])
def test_bad_work_id(archive, work):
    result = add(archive, "--no-text", "--work", work, "--version", "1", "--title", FICTIONAL_TITLE)
    assert_one_line_error(result, "invalid work id")
    assert sorted(p.name for p in (archive / "versions").iterdir()) == [".gitignore"]
    assert not (archive / "escape").exists()


@pytest.mark.parametrize("version", ["../2024"])
def test_bad_version_id(archive, version):
    result = add(archive, "--no-text", "--work", "demo", "--version", version, "--title", FICTIONAL_TITLE)
    assert_one_line_error(result, "invalid version id")


def test_other_bad_options(archive):
    assert_one_line_error(add(archive, "--no-text", "--work", "demo", "--version", "1"), "--title")
    assert_one_line_error(add(archive, "--work", "demo", "--version", "1"), "SOURCE")
    assert_one_line_error(add(archive, str(archive / "missing.txt"), "--work", "demo", "--version", "1"),
                          "no such file")
    assert_one_line_error(add(archive, "--no-text", "--work", "demo", "--version", "1", "--title", "t",
                              "--issued", "2024/10/09"), "YYYY-MM-DD")
    path = write(archive, "x.txt", FICTIONAL_TEXT.encode("utf-8"))
    assert_one_line_error(add(archive, str(path), "--no-text", "--work", "demo", "--version", "1", "--title", "t"),
                          "--no-text")


# ---------------------------------------------------------------- accepted


# Big5 is a traditional-character encoding: the same fictional text, in traditional script.
FICTIONAL_TEXT_TRADITIONAL = """示例市促進創新若干措施(測試用虛構文本)

為促進示例市創新發展(本文為測試用虛構文本),制定本措施。

一、主要舉措

1.支持示例企業發展

支持示例企業開展虛構的技術創新。

2.支持示例園區建設

支持示例園區建設虛構的公共服務設施。

二、組織保障

3.加強組織領導

示例市科學技術局負責組織實施。

本措施自印發之日起施行。
"""


@needs_pipeline
@pytest.mark.parametrize("encoding, text, heading, sentence", [
    ("gbk", FICTIONAL_TEXT, "支持示例企业发展", "支持示例企业开展虚构的技术创新。"),
    ("big5", FICTIONAL_TEXT_TRADITIONAL, "支持示例企業發展", "支持示例企業開展虛構的技術創新。"),
])
def test_gbk_and_big5_are_decoded(archive, encoding, text, heading, sentence):
    data = text.encode(encoding)
    path = write(archive, f"{encoding}.txt", data)
    result = add(archive, str(path), "--work", "demo", "--version", encoding)
    assert result.returncode == 0, result.stderr
    assert (archive / "versions" / "demo" / f"{encoding}.source.txt").read_bytes() == data  # exact bytes kept
    shown = json.loads(run_cli("show", f"demo@{encoding}", "--format", "json", cwd=archive).stdout)
    assert [m["label"] for m in shown["measures"]] == ["1.", "2.", "3."]
    assert shown["measures"][0]["heading"] == heading
    assert sentence in shown["measures"][0]["text"]
    assert run_cli("verify", cwd=archive).returncode == 0


@needs_pipeline
def test_text_without_numbering_is_accepted_with_a_note(archive):
    text = (f"{FICTIONAL_TITLE}\n\n本文没有任何编号(测试用虚构文本)。\n\n"
            "示例市鼓励虚构的创新活动。\n\n本文自虚构之日起施行。\n")
    path = write(archive, "plain.txt", text.encode("utf-8"))
    result = add(archive, str(path), "--work", "demo", "--version", "1")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "demo@1\n"
    assert "Traceback" not in result.stderr
    notes = [line for line in result.stderr.splitlines() if line.startswith("Note: ")]
    assert notes and any("number" in n for n in notes), result.stderr
    shown = json.loads(run_cli("show", "demo@1", "--format", "json", cwd=archive).stdout)
    assert shown["measures"] == [] and shown["has_text"] is True
    assert run_cli("verify", cwd=archive).returncode == 0


@needs_pipeline
def test_text_without_a_title_needs_title_option(archive):
    path = write(archive, "untitled.txt", "1.支持示例企业发展(测试用虚构文本)\n2.支持示例园区建设\n".encode("utf-8"))
    result = add(archive, str(path), "--work", "demo", "--version", "1")
    if result.returncode == 0:  # ingest found a title of its own: it must be a real string
        shown = json.loads(run_cli("show", "demo@1", "--format", "json", cwd=archive).stdout)
        assert shown["title"]
    else:
        assert_one_line_error(result, "--title")
        ok = add(archive, str(path), "--work", "demo", "--version", "1", "--title", FICTIONAL_TITLE)
        assert ok.returncode == 0, ok.stderr
    assert run_cli("verify", cwd=archive).returncode == 0
