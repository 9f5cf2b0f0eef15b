"""Start-up of a small diff (issue 14, "lazy imports"): what `policydiff diff OLD NEW` of
two plain files does not load, checked in a fresh process (what `python -X importtime`
measured). The texts are fictional (「示例市……(测试用虚构文本)」)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

OLD_TEXT = ("示例市测试办法(测试用虚构文本)\n"
            "第一条 为测试而制定本办法。\n第二条 本办法适用于示例市。\n第三条 本办法自2024年1月1日起施行。\n")
NEW_TEXT = ("示例市测试办法(测试用虚构文本)\n"
            "第一条 为测试而制定本办法。\n第二条 本办法适用于示例市全域。\n第三条 本办法自2025年1月1日起施行。\n")

# Run the command as `python -m policydiff` runs it, then name the modules it loaded (from
# an exit handler: one registered handler is also what keeps __main__ from leaving at once).
PROBE = ("import atexit, sys, runpy\n"
         "atexit.register(lambda: sys.stderr.write('\\nLOADED=' + ' '.join(sorted(sys.modules))))\n"
         "sys.argv = ['policydiff'] + sys.argv[1:]\n"
         "runpy.run_module('policydiff', run_name='__main__')\n")


def _loaded(cwd: Path, *args: str) -> tuple[str, set[str]]:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, cwd=cwd,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(cwd)})
    assert "LOADED=" in done.stderr, done.stderr[-2000:]
    return done.stdout, set(done.stderr.rsplit("LOADED=", 1)[1].split())


def _pair(folder: Path) -> tuple[Path, Path]:
    old, new = folder / "old.txt", folder / "new.txt"
    old.write_text(OLD_TEXT, encoding="utf-8")
    new.write_text(NEW_TEXT, encoding="utf-8")
    return old, new


def test_a_plain_file_diff_loads_no_archive_store(tmp_path):
    from policydiff import api

    old, new = _pair(tmp_path)
    out, loaded = _loaded(tmp_path, "diff", str(old), str(new), "--format", "json")
    assert '"format": "policydiff.diff/1"' in out
    # no archive here (tmp_path lies in no git work tree): nothing of the store, its
    # transactions, GitPython or the lock is needed
    assert not {"policydiff.archive.store", "policydiff.archive.transaction", "git", "filelock"} & loaded
    assert "policydiff.ingest.office" not in loaded  # LibreOffice's driver: DOC/WPS/ODT only
    assert "policydiff.archive" in loaded  # the layout's names (where an archive would be)
    import json

    mine = json.loads(out)
    theirs = json.loads(api.diff(None, str(old), str(new), fmt="json"))
    mine.pop("tool", None), theirs.pop("tool", None)
    assert mine == theirs


def test_the_archive_package_still_gives_its_names():
    import policydiff.archive as archive
    from policydiff.archive import Archive, NewVersion, store

    assert archive.Archive is Archive is store.Archive and archive.NewVersion is NewVersion
    assert archive.init is store.init and archive.open_archive is store.open_archive
    assert isinstance(archive.LOCK_TIMEOUT_SECONDS, float)
    try:
        archive.no_such_name  # noqa: B018
    except AttributeError as exc:
        assert "no_such_name" in str(exc)
    else:
        raise AssertionError("an unknown name must raise AttributeError")


def test_leaving_without_teardown_loses_no_output_and_keeps_the_exit_code(tmp_path):
    """`python -m policydiff` ends a finished command by os._exit (no interpreter
    teardown): all of a large output still arrives through a pipe, errors keep their code
    and line, and an exit handler someone registered still runs (no early exit then)."""
    from policydiff import api

    old, new = _pair(tmp_path)
    big_old, big_new = tmp_path / "big_old.txt", tmp_path / "big_new.txt"
    articles = "".join(f"第{n}条 示例市测试条款(测试用虚构文本)第{n}项内容。\n" for n in range(1, 900))
    big_old.write_text("示例市大办法(测试用虚构文本)\n" + articles, encoding="utf-8")
    big_new.write_text("示例市大办法(测试用虚构文本)\n" + articles.replace("内容", "规定"), encoding="utf-8")
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "policydiff", "diff", str(big_old), str(big_new)], cwd=tmp_path,
                          capture_output=True, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode("utf-8") == api.diff(None, str(big_old), str(big_new)) and len(done.stdout) > 50_000
    done = subprocess.run([sys.executable, "-m", "policydiff", "diff", str(old), str(tmp_path / "missing.txt")],
                          cwd=tmp_path, capture_output=True, text=True, env=env)
    assert done.returncode == 2 and done.stderr.startswith("Error: ") and done.stderr.count("\n") == 1
    handler = ("import atexit, sys, runpy\n"
               "atexit.register(lambda: sys.stderr.write('HANDLER RAN'))\n"
               "sys.argv = ['policydiff', 'diff', sys.argv[1], sys.argv[2]]\n"
               "runpy.run_module('policydiff', run_name='__main__')\n")
    done = subprocess.run([sys.executable, "-c", handler, str(old), str(new)], cwd=tmp_path, capture_output=True,
                          text=True, env=env)
    assert done.returncode == 0 and done.stderr.endswith("HANDLER RAN") and done.stdout


def test_main_leaves_at_once_only_when_nothing_is_left_to_do(monkeypatch):
    import atexit
    import threading

    import policydiff.__main__ as entry

    calls = []
    monkeypatch.setattr(entry.os, "_exit", calls.append)
    # the test runner's own handlers and threads stand aside; each condition is set below
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 0)
    monkeypatch.setattr(threading, "active_count", lambda: 1)
    monkeypatch.delitem(sys.modules, "git", raising=False)
    entry._leave_now("a message")  # Python prints it: the usual exit
    entry._leave_now(None)
    entry._leave_now(3)
    assert calls == [0, 3]
    monkeypatch.setitem(sys.modules, "git", sys)  # GitPython's Repo objects end their processes as freed
    entry._leave_now(0)
    monkeypatch.delitem(sys.modules, "git")
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 1)  # an exit handler to run
    entry._leave_now(0)
    monkeypatch.setattr(atexit, "_ncallbacks", lambda: 0)
    monkeypatch.setattr(threading, "active_count", lambda: 2)  # another thread still working
    entry._leave_now(0)
    assert calls == [0, 3]


# Patterns that a Markdown text of numbered articles never asks for, compiled at first use
# (lazyre.LazyPattern) rather than at import: `module:name`.
RARELY_NEEDED = ("policydiff.ingest.patterns:ORDER_NO", "policydiff.ingest.patterns:_BARE_ENDS",
                 "policydiff.ingest.patterns:ORG_END", "policydiff.ingest.meta:_LIST_LEAD",
                 "policydiff.ingest.meta:_MONTH_DAY", "policydiff.ingest.meta:_PUBLISHED_LINE",
                 "policydiff.ingest.markup:_RULE", "policydiff.ingest.markup:_STRONG",
                 "policydiff.ingest.markup:_TITLE_SEPARATOR", "policydiff.ingest.markup:_META_CHARSET",
                 "policydiff.ingest.markup:_TITLE_ELEMENT", "policydiff.ingest.markup:_XML_DECLARATION",
                 "policydiff.ingest.markup:_HTML_SPACE", "policydiff.ingest:_MD_HEADING",
                 "policydiff.ingest:_MD_STRONG_LINE", "policydiff.ingest.chrome:_LINK_LABEL",
                 "policydiff.numerals:_ROMAN_RE", "policydiff.ingest.clean:_LINE_BREAK",
                 "policydiff.controls:_LINE_BREAKERS", "policydiff.lexicon:SELF_REFERENCE_RE",
                 # guarded (lazyre.GuardedPattern): the text holds none of their words
                 "policydiff.lexicon:DOC_NO_RE", "policydiff.ingest.patterns:DOC_NO",
                 "policydiff.ingest.patterns:DOC_NO_LINE", "policydiff.ingest.patterns:_MASTHEAD",
                 "policydiff.ingest.patterns:_DOC_NO_FILE", "policydiff.ingest.chrome:BRACKET_FIELD",
                 "policydiff.ingest.meta:_ORDER_WHOLE", "policydiff.ingest.meta:_ORDER_HEAD",
                 "policydiff.ingest.meta:_ORDER_IN_HEADER", "policydiff.ingest.meta:_VERB_FIRST",
                 "policydiff.ingest:_NUMBERED", "policydiff.structure:_ANNEX", "policydiff.ingest.clean:_ANNEX_LINE",
                 "policydiff.ingest.clean:_ANNEX_NUMBER",
                 # tried only on a line that ends with a date (lexicon.may_end_with_date)
                 "policydiff.ingest.patterns:DATE_ONLY_LINE", "policydiff.ingest.patterns:_ORG_AND_DATE",
                 "policydiff.ingest.meta:_DATE_SHAPED", "policydiff.structure:_DATE_LINE",
                 "policydiff.structure:_SIGNATURE_DATE",
                 # a parse reads labels through _LINE_LABEL (same groups)
                 "policydiff.structure:_ANY_LABEL")


def test_a_markdown_diff_compiles_none_of_the_rarely_needed_patterns(tmp_path):
    from policydiff.lazyre import LazyPattern

    body = "\n\n".join(f"第{n}条 示例市测试条款(测试用虚构文本)第{n}项内容。" for n in range(1, 30))
    old, new = tmp_path / "old.md", tmp_path / "new.md"
    old.write_text(f"# 示例市测试条例(测试用虚构文本)\n\n## 第一章 总则\n\n{body}\n", encoding="utf-8")
    new.write_text(f"# 示例市测试条例(测试用虚构文本)\n\n## 第一章 总则\n\n{body.replace('内容', '规定')}\n",
                   encoding="utf-8")
    probe = ("import atexit, importlib, sys, runpy\n"
             f"names = {RARELY_NEEDED!r}\n"
             "def report():\n"
             "    got = [n for n in names if getattr(importlib.import_module(n.split(':')[0]), n.split(':')[1])._compiled is not None]\n"
             "    sys.stderr.write('\\nCOMPILED=' + ' '.join(got))\n"
             "atexit.register(report)\n"
             "sys.argv = ['policydiff'] + sys.argv[1:]\n"
             "runpy.run_module('policydiff', run_name='__main__')\n")
    done = subprocess.run([sys.executable, "-c", probe, "diff", str(old), str(new), "--format", "json"],
                          capture_output=True, text=True, cwd=tmp_path, env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)})
    assert '"format": "policydiff.diff/1"' in done.stdout, done.stderr[-2000:]
    assert done.stderr.rsplit("COMPILED=", 1)[1] == ""
    import importlib

    for name in RARELY_NEEDED:  # each still a LazyPattern (the test above would pass on a compiled one)
        module, attribute = name.split(":")
        assert isinstance(getattr(importlib.import_module(module), attribute), LazyPattern), name


def test_setup_leaves_bytecode_for_every_module(tmp_path):
    """`make setup` (the install `make run`, `make test` and .ci/run go through) ends with
    byte-compiled modules: an editable install writes no .pyc, and with
    PYTHONDONTWRITEBYTECODE=1 Python never would, so every command compiled all its
    sources again (a small diff 0.40 s instead of 0.32 s). Run on a copy of the package,
    with the installed venv (its install step is taken as done: `make -o`)."""
    import importlib.util
    import os
    import shutil

    root = Path(__file__).resolve().parents[1]
    venv = Path(sys.prefix)
    assert (venv / "bin" / "python").exists(), "run the tests from the project's venv (make test)"
    shutil.copy(root / "Makefile", tmp_path / "Makefile")
    shutil.copytree(root / "policydiff", tmp_path / "policydiff", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / ".venv").symlink_to(venv)
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run(["make", "-s", "-o", ".venv/.installed", "setup"], cwd=tmp_path, env=env,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    sources = sorted((tmp_path / "policydiff").rglob("*.py"))
    assert len(sources) > 50
    stale = []
    for source in sources:
        cached = Path(importlib.util.cache_from_source(str(source)))
        if not cached.exists():
            stale.append(source.name)
            continue
        header = cached.read_bytes()[:16]
        stat = source.stat()
        # a timestamp .pyc: magic, flags 0, the source's mtime and size (what import checks)
        if header[:4] != importlib.util.MAGIC_NUMBER or int.from_bytes(header[4:8], "little") != 0 \
                or int.from_bytes(header[8:12], "little") != int(stat.st_mtime) & 0xFFFFFFFF \
                or int.from_bytes(header[12:16], "little") != stat.st_size & 0xFFFFFFFF:
            stale.append(source.name)
    assert not stale, f"no current .pyc after make setup: {stale}"
