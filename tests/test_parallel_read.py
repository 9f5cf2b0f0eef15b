"""A diff reads its two sides at once when they are large (intake.load_file_pair, a forked
child reading the new side): the same Versions, the same output bytes and the same errors,
in the same order, as reading them one after the other."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policydiff import intake, structure
from policydiff.errors import BadInputError
from policydiff.intake import load_file, load_file_pair

from .conftest import CORPUS, run_cli

OLD_TEXT = """示例市促进创新若干措施(测试用虚构文本)
第一章 总则
第一条 对新认定的示例企业给予一次性奖励50万元。
第二条 支持企业建设研发平台。
① 本条所称平台（测试用注释）。
第二章 附则
第三条 本措施自2031年1月1日起施行，原《示例办法》（示发〔2030〕1号）同时废止。
"""

NEW_TEXT = OLD_TEXT.replace("50万元", "100万元").replace("第三条", "第三条 鼓励企业参加展会。\n第四条")


@pytest.fixture()
def always_parallel(monkeypatch):
    monkeypatch.setattr(intake, "PARALLEL_READ_MIN_BYTES", 0)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_spans_give_the_same_document():
    texts = [OLD_TEXT, NEW_TEXT, "", "一行(测试用虚构文本)", "无编号的文本(测试用虚构文本)\n第二行\n",
             "标题(测试用虚构文本)\n1.第一项\n2.第二项"]
    texts += [path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*/*.md"))[::9]]
    for text in texts:
        document = structure.parse(text)
        assert structure.document_from_spans(structure.document_spans(document)) == document


def test_pair_equals_one_after_the_other(tmp_path, always_parallel, monkeypatch):
    corpus = sorted(CORPUS.glob("law-*/*.md"))[:2]
    assert load_file_pair(*corpus) == (load_file(corpus[0]), load_file(corpus[1]))
    old, new = write(tmp_path, "old.txt", OLD_TEXT), write(tmp_path, "new.md", NEW_TEXT)
    expected = (load_file(old), load_file(new))
    read_here: list[Path] = []

    def counted(path):
        read_here.append(path)
        return load_file(path)

    monkeypatch.setattr(intake, "load_file", counted)
    assert intake.load_file_pair(old, new) == expected
    assert read_here == [old], "the child read the new side (this process did not fall back)"


def test_errors_come_in_order(tmp_path, always_parallel):
    good, empty = write(tmp_path, "good.txt", OLD_TEXT), write(tmp_path, "empty.txt", "")
    blank = write(tmp_path, "blank.txt", "   \n\u3000\n")
    # the new side fails in the child: the parent reads it and meets the same error
    with pytest.raises(BadInputError, match="empty.txt is empty"):
        load_file_pair(good, empty)
    # both fail: the old side's error, as when read one after the other
    with pytest.raises(BadInputError, match="blank.txt holds only white space"):
        load_file_pair(blank, empty)
    with pytest.raises(BadInputError, match="empty.txt is empty"):
        load_file_pair(empty, good)


def test_diff_bytes_do_not_depend_on_the_threshold(tmp_path, monkeypatch):
    old, new = write(tmp_path, "old.txt", OLD_TEXT), write(tmp_path, "new.txt", NEW_TEXT)
    outputs = []
    for threshold in (10**12, 0):
        monkeypatch.setattr(intake, "PARALLEL_READ_MIN_BYTES", threshold)
        for fmt in ("json", "md", "text"):
            result = run_cli("diff", "--format", fmt, str(old), str(new), cwd=tmp_path)
            assert result.returncode == 0, result.stderr
            outputs.append(result.stdout)
    assert outputs[:3] == outputs[3:]
    assert json.loads(outputs[0])["summary"]["added"] == 1


def test_a_bad_side_is_one_line_in_parallel(tmp_path, always_parallel):
    good, empty = write(tmp_path, "good.txt", OLD_TEXT), write(tmp_path, "empty.txt", "")
    result = run_cli("diff", "--format", "json", str(good), str(empty), cwd=tmp_path)
    assert result.returncode != 0
    assert result.stderr.strip().startswith("Error:") and "empty.txt is empty" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_cycle_collector_back_on_after_a_diff(tmp_path):
    """A diff turns Python's cycle collector off while it runs (api._no_cycle_collection),
    and on again after, also when it fails; a caller's own choice is kept."""
    import gc

    from policydiff import api

    old, new = write(tmp_path, "old.txt", OLD_TEXT), write(tmp_path, "new.txt", NEW_TEXT)
    empty = write(tmp_path, "empty.txt", "")
    assert gc.isenabled()
    assert api.diff(None, str(old), str(new), fmt="json")
    assert gc.isenabled()
    with pytest.raises(BadInputError):
        api.diff(None, str(old), str(empty), fmt="json")
    assert gc.isenabled()
    gc.disable()
    try:
        api.diff(None, str(old), str(new), fmt="md")
        assert not gc.isenabled()
    finally:
        gc.enable()


@pytest.mark.parametrize("how", ["exit", "kill", "cut"])
def test_a_child_that_dies_or_sends_a_cut_payload_is_read_here(tmp_path, always_parallel, monkeypatch, how):
    """The child sends its side through a file in memory (memfd): a child that ends with a
    failure status, is killed, or leaves a cut-short payload is never believed; this process
    reads the new side itself, and no descriptor is left open."""
    import os
    import pickle
    import signal

    old, new = write(tmp_path, "old.txt", OLD_TEXT), write(tmp_path, "new.md", NEW_TEXT)
    expected = (load_file(old), load_file(new))
    parent = os.getpid()
    real_load, real_dumps = intake.load_file, pickle.dumps

    def dying(path):
        if os.getpid() != parent and how == "exit":
            os._exit(3)
        if os.getpid() != parent and how == "kill":
            os.kill(os.getpid(), signal.SIGKILL)
        return real_load(path)

    def cut(value, *args, **kwargs):
        data = real_dumps(value, *args, **kwargs)
        return data[: len(data) // 2] if os.getpid() != parent else data

    monkeypatch.setattr(intake, "load_file", dying)
    if how == "cut":
        monkeypatch.setattr(pickle, "dumps", cut)
    fds_before = sorted(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    assert intake.load_file_pair(old, new) == expected
    if fds_before is not None:
        assert sorted(os.listdir("/proc/self/fd")) == fds_before
