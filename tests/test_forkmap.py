"""The core's injected parallel map (policydiff/mapper.py) and the shell's forking mapper
(policydiff/forkmap.py, issue 14): forked children give exactly what one process gives
(the same Comparison, the same JSON bytes, in the same order), a child that fails in any
way leaves its chunk to the parent, and no fork happens for a small pair, inside a pool
worker, beside another thread or where os.fork is missing. No timings here: the speed is
measured by benchmarks/scale.py (README, issue 14)."""

from __future__ import annotations

import json
import os
import random
import threading
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from policydiff import api, forkmap, mapper
from policydiff.compare import compare
from policydiff.docbuild import DocBuilder
from policydiff.intake import load_file
from policydiff.mapper import SERIAL, spans
from policydiff.model import DocumentMeta, Version
from policydiff.render.json import comparison_json

from .conftest import CORPUS

TITLE = "示例市促进创新若干规定（测试用虚构文本）"
PHRASES = ["对新认定的示例企业", "给予一次性奖励", "支持企业建设研发平台", "县级以上示例部门",
           "应当在三十日内", "依法予以处罚", "鼓励社会资本参与", "按照有关规定执行", "罚款五万元",
           "责令限期改正", "本规定所称示例平台", "由示例市人民政府负责解释"]


# --------------------------------------------------------------------------- helpers

@pytest.fixture(autouse=True)
def only_this_tests_threads(monkeypatch):
    """ForkMapper never forks beside another running thread; a pytest-xdist worker runs
    its own (execnet's), which is no thread of the code under test: count only the
    threads started since the test began."""
    real = threading.active_count
    before = real()
    monkeypatch.setattr(threading, "active_count", lambda: real() - before + 1)


class CountingForks:
    """os.fork wrapped: how many forks this process made (children forked by a test)."""

    def __init__(self, monkeypatch):
        self.count = 0
        real = os.fork

        def counted():
            pid = real()
            if pid:
                self.count += 1
            return pid

        monkeypatch.setattr(os, "fork", counted)


def sentence(rng: random.Random) -> str:
    return "，".join(rng.choice(PHRASES) for _ in range(rng.randint(1, 5))) + "。"


def fictional_pair(rng: random.Random, measures: int) -> tuple[Version, Version]:
    """Two fictional versions: chapters of articles, the new one with articles reworded,
    deleted, inserted and moved, some texts repeated on a side."""
    old_texts = [sentence(rng) for _ in range(measures)]
    new_texts = []
    for text in old_texts:
        roll = rng.random()
        if roll < 0.1:
            continue  # deleted
        if roll < 0.3:
            text = text.replace(rng.choice(PHRASES), rng.choice(PHRASES), 1) + rng.choice(("", sentence(rng)))
        new_texts.append(text)
        if rng.random() < 0.08:
            new_texts.append(sentence(rng))  # inserted
    if len(new_texts) > 3 and rng.random() < 0.5:
        new_texts.insert(rng.randrange(len(new_texts)), new_texts.pop(rng.randrange(len(new_texts))))

    def version(name: str, texts: list[str]) -> Version:
        b = DocBuilder(title=TITLE)
        per_chapter = max(1, len(texts) // 3)
        number = 0
        for chapter in range(0, len(texts), per_chapter):
            with b.container(f"第{chapter // per_chapter + 1}章", chapter // per_chapter + 1, "示例章（测试用）"):
                for text in texts[chapter:chapter + per_chapter]:
                    number += 1
                    b.measure(f"第{number}条", number, text)
        return Version(work="demo", version=name, meta=DocumentMeta(title=TITLE), has_text=True,
                       document=b.build())

    return version("old", old_texts), version("new", new_texts)


def corpus_pairs(step: int) -> list[tuple[Path, Path]]:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    pairs = [(CORPUS / a["file"], CORPUS / b["file"])
             for doc in manifest["documents"] for a, b in zip(doc["versions"], doc["versions"][1:])]
    return pairs[::step]


# --------------------------------------------------------------------------- the protocol

@pytest.mark.parametrize("seed", range(30))
def test_spans_cover_in_order_with_about_equal_weight(seed):
    rng = random.Random(seed)
    n = rng.randint(0, 40)
    weights = [rng.choice((0, 0, 1, 5, 100)) * rng.random() for _ in range(n)]
    for parts in (1, 2, 3, 7, 50):
        got = spans(weights, parts)
        assert [k for r in got for k in r] == list(range(n))
        assert all(len(r) for r in got)
        assert len(got) == (min(parts, n) if n else 0)
        if len(got) == 2 and sum(weights):
            # a chunk is at most half the whole plus the heaviest single item
            assert max(sum(weights[k] for k in r) for r in got) <= sum(weights) / 2 + max(weights) + 1e-9


def test_fork_mapper_over_spans_is_the_serial_result():
    def squares(indexes: range) -> list[int]:
        return [k * k for k in indexes]

    for n in (0, 1, 2, 5, 101):
        expected = [squares(r) for r in spans([k % 7 for k in range(n)], 3)]
        assert SERIAL.map(squares, spans([k % 7 for k in range(n)], 3)) == expected
        for parts in (2, 3):
            got = forkmap.ForkMapper(parts=parts).map(squares, spans([k % 7 for k in range(n)], parts))
            assert [x for part in got for x in part] == [k * k for k in range(n)]
    forkmap.reap()


def test_fork_mapper_forks_and_keeps_the_order(monkeypatch):
    forks = CountingForks(monkeypatch)
    parent = os.getpid()

    def where(chunk):
        return chunk, os.getpid() == parent

    got = forkmap.ForkMapper(parts=3).map(where, ["a", "b", "c"])
    assert [chunk for chunk, _ in got] == ["a", "b", "c"]
    assert [here for _, here in got] == [True, False, False], "chunks after the first ran in children"
    assert forks.count == 2
    forkmap.reap()


# --------------------------------------------------------------------------- fallbacks

def test_a_failing_child_leaves_its_chunk_to_the_parent(monkeypatch):
    parent = os.getpid()
    computed_here: list[str] = []

    def fails_in_child(how: str):
        if os.getpid() != parent:
            if how == "raise":
                raise RuntimeError("only in the child")
            if how == "exit":
                os._exit(3)
            if how == "kill":
                os.kill(os.getpid(), 9)
            if how == "unpicklable":
                return lambda: None  # pickle refuses a lambda
        computed_here.append(how)
        return how.upper()

    hows = ["first", "raise", "exit", "kill", "unpicklable"]
    assert forkmap.ForkMapper(parts=5).map(fails_in_child, hows) == [h.upper() for h in hows]
    assert computed_here == hows, "the parent computed every chunk whose child failed"
    forkmap.reap()


def test_a_short_or_garbled_message_is_no_result():
    """What _collect accepts: the whole pickle its length header announces, after the
    child's "done" byte; anything else is no result (the parent computes the chunk)."""
    import pickle

    whole = pickle.dumps(["结果（测试用）", 1.5])
    cases = {
        "whole": (len(whole).to_bytes(8, "little") + whole, True, ["结果（测试用）", 1.5]),
        "short": (len(whole).to_bytes(8, "little") + whole[:-3], True, None),
        "garbled": ((5).to_bytes(8, "little") + b"\x80\x05xyz", True, None),
        "no header": (b"\x01\x02", True, None),
        "not done": (len(whole).to_bytes(8, "little") + whole, False, None),
    }
    for name, (message, done, expected) in cases.items():
        out = forkmap.scratch_file()
        done_read, done_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            try:
                os.write(out, message)
                if done:
                    os.write(done_write, b"\1")
            finally:
                os._exit(0)
        os.close(done_write)
        got = forkmap._collect(forkmap._Child(pid, out, done_read))
        assert (got[0] if got else None) == expected, name
    forkmap.reap()


def test_without_memfd_a_temporary_file_carries_the_result(monkeypatch):
    monkeypatch.delattr(os, "memfd_create", raising=False)
    parent = os.getpid()
    got = forkmap.ForkMapper(parts=2).map(lambda k: (k, os.getpid() != parent), [0, 1])
    assert got == [(0, False), (1, True)]
    forkmap.reap()


def test_errors_come_as_in_one_process():
    parent = os.getpid()

    def boom(k: int):
        if k >= 1:
            raise ValueError(f"chunk {k}")
        return k

    # the second chunk fails in its child and again in the parent: the same error
    with pytest.raises(ValueError, match="chunk 1"):
        forkmap.ForkMapper(parts=3).map(boom, [0, 1, 2])

    def first_fails(k: int):
        if k == 0:
            raise KeyError("first")
        return os.getpid() != parent

    # the first chunk's error first, as [fn(c) for c in chunks] raises it
    with pytest.raises(KeyError, match="first"):
        forkmap.ForkMapper(parts=2).map(first_fails, [0, 1])
    forkmap.reap()


def test_children_are_reaped(monkeypatch):
    started: list[int] = []
    real = os.fork

    def recorded():
        pid = real()
        if pid:
            started.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", recorded)
    forkmap.ForkMapper(parts=2).map(lambda k: k, [0, 1])
    with pytest.raises(KeyError):
        forkmap.ForkMapper(parts=2).map(lambda k: {}[k] if k == 0 else k, [0, 1])  # killed
    forkmap.reap()
    assert len(started) == 2
    for pid in started:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


def test_no_fork_beside_another_thread(monkeypatch):
    forks = CountingForks(monkeypatch)
    release = threading.Event()
    waiting = threading.Thread(target=release.wait)
    waiting.start()
    try:
        assert forkmap.ForkMapper(parts=2).map(str, [1, 2]) == ["1", "2"]
        assert forks.count == 0
    finally:
        release.set()
        waiting.join()
    # before_fork ends the caller's own thread first: then it forks
    release.clear()
    waiting = threading.Thread(target=release.wait)
    waiting.start()

    def end_it():
        release.set()
        waiting.join()

    assert forkmap.ForkMapper(parts=2, before_fork=end_it).map(str, [1, 2]) == ["1", "2"]
    assert forks.count == 1
    forkmap.reap()


# --------------------------------------------------------------------------- when it forks

def sized(chars: int) -> Version:
    b = DocBuilder(title=TITLE)
    b.measure("第一条", 1, "示" * chars)
    return Version(work=None, version=None, meta=DocumentMeta(title=TITLE), has_text=True, document=b.build())


def test_mapper_for_a_small_pair_is_serial(monkeypatch):
    small = load_file(CORPUS / "law-e8660065" / "2018-10-26.md"), load_file(CORPUS / "law-e8660065" / "2023-12-29.md")
    assert forkmap.mapper_for(*small) is SERIAL
    big = sized(forkmap.FORK_MIN_CHARS // 2 + 1)
    assert isinstance(forkmap.mapper_for(big, big), forkmap.ForkMapper)
    monkeypatch.delattr(os, "fork")
    assert forkmap.mapper_for(big, big) is SERIAL
    assert forkmap.ForkMapper(parts=2).map(str, [1, 2]) == ["1", "2"]


def mapper_kind_in_worker(chars: int) -> str:
    big = sized(chars)
    return type(forkmap.mapper_for(big, big)).__name__


def test_no_fork_inside_a_pool_worker():
    chars = forkmap.FORK_MIN_CHARS
    assert mapper_kind_in_worker(chars) == "ForkMapper"
    with ProcessPoolExecutor(max_workers=1) as pool:
        assert pool.submit(mapper_kind_in_worker, chars).result() == "SerialMapper"


GONGSI = (CORPUS / "law-e8660065" / "2018-10-26.md", CORPUS / "law-e8660065" / "2023-12-29.md")


def test_diff_forks_only_for_a_large_pair(monkeypatch):
    forks = CountingForks(monkeypatch)
    old, new = (str(p) for p in GONGSI)
    small = api.diff(None, old, new, fmt="json")
    assert forks.count == 0
    monkeypatch.setattr(forkmap, "FORK_MIN_CHARS", 0)
    assert api.diff(None, old, new, fmt="json") == small
    assert forks.count == 1, "the n-gram round's rows were scored in two processes"
    assert not forkmap._exiting, "the diff reaped its child"


# --------------------------------------------------------------------------- same results

def aligned(old: Version, new: Version, parallel) -> tuple:
    """The alignment and the aligner's ratio caches after it (what later stages read)."""
    from policydiff.align import AlignSettings, _Aligner

    aligner = _Aligner(old.document, new.document, AlignSettings(), parallel)
    return aligner.run(), aligner._ratio_cache


@pytest.mark.parametrize("seed", range(12))
def test_fictional_pairs_align_compare_and_render_the_same(seed, monkeypatch):
    rng = random.Random(seed)
    old, new = fictional_pair(rng, rng.choice((1, 2, 5, 30, 120, 300)))
    expected = compare(old, new)
    expected_json = comparison_json(expected)
    serial = aligned(old, new, None)
    for parallel in (forkmap.ForkMapper(parts=2), forkmap.ForkMapper(parts=3)):
        got = compare(old, new, mapper=parallel)
        assert got == expected
        assert comparison_json(got) == expected_json
        assert aligned(old, new, parallel) == serial  # caches too: the children's ratios came back
    forkmap.reap()


def test_fictional_pairs_do_fork(monkeypatch):
    """The test above is not vacuous: its larger pairs have rows to score in children."""
    forks = CountingForks(monkeypatch)
    old, new = fictional_pair(random.Random(5), 300)
    assert compare(old, new, mapper=forkmap.ForkMapper(parts=2)) == compare(old, new)
    assert forks.count == 1
    forkmap.reap()


def test_corpus_pairs_compare_and_render_the_same(monkeypatch):
    forks = CountingForks(monkeypatch)
    for old_path, new_path in [GONGSI, *corpus_pairs(7)]:
        old, new = load_file(old_path), load_file(new_path)
        expected = compare(old, new)
        got = compare(old, new, mapper=forkmap.ForkMapper(parts=2))
        assert got == expected, old_path
        assert comparison_json(got) == comparison_json(expected), old_path
    assert forks.count >= 5
    forkmap.reap()


def test_the_serial_mapper_is_the_plain_loop():
    calls: list[int] = []

    def fn(k):
        calls.append(k)
        return -k

    assert mapper.SERIAL.map(fn, [3, 1, 2]) == [-3, -1, -2]
    assert calls == [3, 1, 2]
    assert mapper.SERIAL.parts == 1


# --------------------------------------------------------------------------- Ctrl-C

LAUNCHER = """
import os, sys, time
from policydiff import forkmap
forkmap.FORK_MIN_CHARS = 0  # fork even for this small pair
parent, marker = os.getpid(), sys.argv.pop(1)
plain_map = forkmap.ForkMapper.map

def stuck_in_child(self, fn, chunks):
    def chunk_fn(chunk):
        if os.getpid() != parent:  # a child: say so, then hang until a signal comes
            with open(marker, "a") as f:
                f.write(f"{os.getpid()}\\n")
            time.sleep(120)
        return fn(chunk)
    return plain_map(self, chunk_fn, chunks)

forkmap.ForkMapper.map = stuck_in_child
from policydiff.__main__ import run
run()
"""


@pytest.mark.parametrize("target", ["group", "parent"])
def test_ctrl_c_while_a_child_computes(tmp_path, target):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it, or to the parent
    alone) while a child computes a chunk: "Interrupted.", exit 130, no traceback, and the
    child is gone (it dies with the group, or the parent kills it)."""
    import signal
    import subprocess
    import sys
    import time

    old, new = (str(p) for p in corpus_pairs(1)[0])
    marker = tmp_path / "children.txt"
    proc = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(marker), "diff", old, new, "--format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while not (marker.exists() and marker.read_text().endswith("\n")):
            assert proc.poll() is None and time.monotonic() < deadline, "no child started"
            time.sleep(0.02)
        child = int(marker.read_text().split()[0])
        if target == "group":
            os.killpg(proc.pid, signal.SIGINT)
        else:
            os.kill(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 130, err
    assert err.strip() == "Interrupted." and out == ""
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)
