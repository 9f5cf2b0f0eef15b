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

# Run the command as `python -m policydiff` runs it, then name the modules it loaded.
PROBE = ("import sys, runpy\n"
         "sys.argv = ['policydiff'] + sys.argv[1:]\n"
         "try:\n    runpy.run_module('policydiff', run_name='__main__')\n"
         "except SystemExit:\n    pass\n"
         "sys.stderr.write('\\nLOADED=' + ' '.join(sorted(sys.modules)))\n")


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
