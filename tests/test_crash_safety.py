"""Issue 9, crash safety: each finding reproduced by really killing a `policydiff add`
process (SIGKILL of its pid, of its process group, SIGINT) at a known point, on a real git
repository in a temp folder, then checking what `list`, `verify` and git say.

The known point is "inside `git commit`": a pre-commit hook (git runs it while it holds
.git/index.lock) touches a file and sleeps, so the test kills while the commit is being
written. Documents are fictional and say so in their title.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policydiff.archive import Archive, init

from .conftest import REPO

TITLE = "示例市数据开放管理办法(测试用虚构文本)"

HOOK = """#!/bin/sh
# test hook: while git commit holds its locks, say so and wait
if [ -n "$POLICYDIFF_TEST_HOOK_READY" ]; then
    touch "$POLICYDIFF_TEST_HOOK_READY"
    sleep "${POLICYDIFF_TEST_HOOK_SLEEP:-2}"
fi
exit 0
"""


def source_text(n: int) -> str:
    return (f"{TITLE}\n\n第一条 为规范示例市虚构的数据开放工作，制定本办法。（版本{n}）\n"
            f"第二条 本办法适用于示例市第{n}号虚构单位。\n第三条 本办法自发布之日起施行。\n")


def git(top: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(top), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture()
def archive_dir(git_tmp: Path) -> Path:
    root = init(git_tmp / "versions")
    hook = git_tmp / ".git" / "hooks" / "pre-commit"
    hook.write_text(HOOK, encoding="utf-8")
    hook.chmod(0o755)
    for n in range(1, 40):
        (git_tmp / f"src{n}.txt").write_text(source_text(n), encoding="utf-8")
    assert add_process(root, 1).wait(timeout=60) == 0
    return root


# The installed command, as a user runs it (scripts/policydiff: SIGINT during Python's own
# start-up is part of what is tested).
COMMAND = [str(Path(sys.executable).parent / "policydiff")]


def add_process(root: Path, n: int, *, ready: Path | None = None, sleep: float = 2.0,
                new_session: bool = False, stderr=subprocess.PIPE) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if k not in ("POLICYDIFF_ARCHIVE",)}
    if ready is not None:
        env["POLICYDIFF_TEST_HOOK_READY"] = str(ready)
        env["POLICYDIFF_TEST_HOOK_SLEEP"] = str(sleep)
    top = root.parent
    return subprocess.Popen(
        [*COMMAND, "--archive", str(root), "add", str(top / f"src{n}.txt"),
         "--work", "demo", "--version", str(2000 + n)],
        cwd=top, env=env, stdout=subprocess.PIPE, stderr=stderr, start_new_session=new_session, text=True,
    )


def wait_for(path: Path, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)


def cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "POLICYDIFF_ARCHIVE"}
    return subprocess.run([*COMMAND, "--archive", str(root), *args],
                          cwd=root.parent, env=env, capture_output=True, text=True, timeout=120)


def assert_consistent(root: Path, expected_versions: list[str]) -> None:
    """What an auditor needs: the listed versions are exactly the committed ones, verify
    is clean, nothing staged or left over, no git lock."""
    store = Archive(root)
    assert store.version_ids("demo") == expected_versions
    assert store.verify() == []
    assert git(root.parent, "status", "--porcelain", "--", "versions") == ""
    committed = sorted({Path(p).name[:-3] for p in git(root.parent, "ls-files", "versions/demo").split()
                        if p.endswith(".md")})
    assert committed == expected_versions
    assert not (root.parent / ".git" / "index.lock").exists()
    assert not (root / ".policydiff-txn").exists()


def test_pid_kill_during_git_commit_with_a_waiting_add_is_rolled_forward(archive_dir, tmp_path):
    """Finding 1: the killed add's git child finishes its commit after the waiter took the
    lock. The waiter must wait for that git and then roll the commit forward."""
    ready = tmp_path / "ready"
    first = add_process(archive_dir, 2, ready=ready, sleep=2.0)
    wait_for(ready)  # git commit is running its hook, index.lock held
    waiter = add_process(archive_dir, 3)
    time.sleep(0.5)  # the waiter is queued on the archive lock
    os.kill(first.pid, signal.SIGKILL)  # the add only: its git child goes on
    first.wait(timeout=10)
    out, err = waiter.communicate(timeout=120)
    assert waiter.returncode == 0, err
    assert "Traceback" not in err
    assert "finished an add that git had committed" in err  # the recovery says what it did
    assert_consistent(archive_dir, ["2001", "2002", "2003"])
    assert int(git(archive_dir.parent, "rev-list", "--count", "HEAD")) == 3


def test_group_kill_during_git_commit_leaves_a_stale_lock_that_is_named_and_cleared(archive_dir, tmp_path):
    """Finding 2: SIGKILL of the whole process group inside git commit leaves
    .git/index.lock. verify names it; the next add clears it at once, with a note."""
    ready = tmp_path / "ready"
    victim = add_process(archive_dir, 2, ready=ready, sleep=30, new_session=True)
    wait_for(ready)
    os.killpg(victim.pid, signal.SIGKILL)
    victim.wait(timeout=10)
    lock = archive_dir.parent / ".git" / "index.lock"
    assert lock.exists()  # what a SIGKILLed git leaves
    checked = cli(archive_dir, "verify")
    assert checked.returncode == 1
    assert "index.lock" in checked.stderr and "no longer running" in checked.stderr
    started = time.monotonic()
    added = add_process(archive_dir, 3)
    out, err = added.communicate(timeout=120)
    assert added.returncode == 0, err
    assert time.monotonic() - started < 15  # not the 20-30 s of retries, then a failure
    assert "index.lock" in err and "Note:" in err
    assert_consistent(archive_dir, ["2001", "2003"])


@pytest.mark.parametrize("target", ["group", "pid"])
def test_sigint_during_git_commit(archive_dir, tmp_path, target):
    """Finding 3: Ctrl-C (the terminal signals the whole group: git stops too, nothing is
    committed) or SIGINT of the add alone (git finishes): no traceback, exit 130, the
    archive consistent either way, and the message says which."""
    ready = tmp_path / "ready"
    proc = add_process(archive_dir, 2, ready=ready, sleep=1.5, new_session=True)
    wait_for(ready)
    if target == "group":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err
    assert err.strip().startswith("Interrupted")
    if target == "group":
        assert_consistent(archive_dir, ["2001"])
    else:
        assert "demo@2002 was added" in err
        assert_consistent(archive_dir, ["2001", "2002"])


def test_sigint_at_any_moment_no_traceback_exit_130_archive_consistent(archive_dir):
    """SIGINT at spread-out moments of an add, start-up included (3 of 30 gave a
    traceback near start-up): exit 0 (done before the signal) or 130, never a traceback,
    and every version is either fully there or absent."""
    delays = [0.0, 0.02, 0.06, 0.12, 0.2, 0.3, 0.45, 0.65]  # benchmarks/faults.py does hundreds
    landed = ["2001"]
    for index, delay in enumerate(delays):
        n = 10 + index
        proc = add_process(archive_dir, n, new_session=True)
        time.sleep(delay)
        try:
            os.killpg(proc.pid, signal.SIGINT)
        except ProcessLookupError:  # it had finished already
            pass
        out, err = proc.communicate(timeout=60)
        assert "Traceback" not in err, (delay, err)
        # -2: the signal came before the command's shell script had set SIGINT aside, so
        # the kernel's default action ended it (a shell shows 130 for that too)
        assert proc.returncode in (0, 130, -signal.SIGINT), (delay, proc.returncode, err)
        committed = f"versions/demo/{2000 + n}.md" in git(archive_dir.parent, "ls-files", "versions/demo")
        if proc.returncode == 0 or f"demo@{2000 + n} was added" in err:
            assert committed, (delay, err)
        if proc.returncode == -signal.SIGINT:
            # killed by the signal's default action: before the script set SIGINT aside
            # (nothing done), or during the interpreter's final clean-up, after the add had
            # committed and printed its ref (Python restores the default handler there)
            assert committed == (f"demo@{2000 + n}" in out), (delay, err, out)
        if committed:
            landed.append(str(2000 + n))
    assert_consistent(archive_dir, sorted(landed))  # listed == committed, verify clean, nothing staged


def test_concurrent_adds_all_land(archive_dir):
    """Four adds at once: each lands with one commit, none jams (faults.py: 4 x 25)."""
    procs = [add_process(archive_dir, n) for n in range(20, 24)]
    results = [(p.communicate(timeout=180), p.returncode) for p in procs]
    assert [code for _, code in results] == [0] * 4, results
    assert_consistent(archive_dir, ["2001", *[str(2000 + n) for n in range(20, 24)]])


# ---------------------------------------------------------------- report, injection, escapes

from .conftest import run_cli  # noqa: E402

ESCAPES = "\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x1b\\链接\x1b]8;;\x1b\\\x1b[2J\x9b31m"


def plain_archive(tmp_path: Path) -> Path:
    """An archive made by `policydiff init DIR` outside any work tree: DIR is its own top."""
    root = tmp_path / "store"
    assert run_cli("init", str(root)).returncode == 0
    subprocess.run(["git", "-C", str(root), "config", "user.email", "t@example.invalid"], check=True)
    subprocess.run(["git", "-C", str(root), "config", "user.name", "t"], check=True)
    for n in (1, 2):
        (tmp_path / f"src{n}.txt").write_text(source_text(n), encoding="utf-8")
        added = run_cli("--archive", str(root), "add", str(tmp_path / f"src{n}.txt"), "--work", "demo",
                        "--version", str(2000 + n))
        assert added.returncode == 0, added
    return root


def test_report_never_writes_inside_the_archive(tmp_path):
    """Finding 4: `report` run from inside an archive that is its own work-tree top wrote
    reports/ into it, and verify failed. Now: refused in one line; -o inside is refused;
    -o "" is an error; -o outside works; verify stays clean."""
    root = plain_archive(tmp_path)
    a = ("--archive", str(root))
    default = run_cli(*a, "report", "demo@2001", "demo@2002", cwd=root)
    assert default.returncode == 2 and default.stderr.startswith("Error: ") and len(default.stderr.splitlines()) == 1
    assert "no default place outside it" in default.stderr
    inside = run_cli(*a, "report", "demo@2001", "demo@2002", "-o", str(root / "r.html"), cwd=root)
    assert inside.returncode == 2 and "inside the archive" in inside.stderr
    empty = run_cli(*a, "report", "demo@2001", "demo@2002", "-o", "", cwd=root)
    assert empty.returncode == 2 and "-o is empty" in empty.stderr
    log_inside = run_cli(*a, "log", "demo", "-o", str(root / "log.txt"), cwd=root)
    assert log_inside.returncode == 2 and "inside the archive" in log_inside.stderr
    outside = run_cli(*a, "report", "demo@2001", "demo@2002", "-o", str(tmp_path / "out" / "r.html"), cwd=root)
    assert outside.returncode == 0, outside
    assert (tmp_path / "out" / "r.html").is_file()
    assert not any(p.name.endswith(".html") for p in root.rglob("*"))
    assert run_cli(*a, "verify", cwd=root).returncode == 0


def test_control_characters_in_single_line_fields_are_refused(tmp_path):
    """Finding 7: a newline in a field went verbatim into the structured commit message."""
    root = plain_archive(tmp_path)
    head = git(root, "rev-parse", "HEAD")
    (tmp_path / "src3.txt").write_text(source_text(3), encoding="utf-8")
    for option in ("--title", "--doc-no", "--issuer", "--note", "--source-url"):
        for bad in ("示例\nrepeals: [国发〔2020〕1号]", "示例\x1b]0;x\x07", "示例\r", "示例\u2028行"):
            result = run_cli("--archive", str(root), "add", str(tmp_path / "src3.txt"), "--work", "demo",
                             "--version", "2003", option, bad)
            assert result.returncode == 2
            assert result.stderr.startswith(f"Error: {option} contains a control character") and \
                len(result.stderr.splitlines()) == 1, (option, bad, result.stderr)
            assert "\x1b" not in result.stderr
    assert git(root, "rev-parse", "HEAD") == head


def test_commit_messages_are_parsed_only_from_what_policydiff_wrote():
    from policydiff.archive import messages

    written = messages.compose("add", "demo@2001", [("title", "示例\nrepeals: [x]"), ("has-text", "true"),
                                                    ("policydiff-txn", "0" * 32)])
    assert "\nrepeals:" not in written  # the newline is escaped, so no line is forged
    parsed = messages.parse(written)
    assert parsed is not None and parsed.fields["title"] == "示例\\u000arepeals: [x]"
    assert messages.parse("policydiff add demo@2001\n\ntitle: x\nhas-text: true\nrepeals: [y]\n") is None
    assert messages.parse("fix typo in demo@2001\n") is None
    assert messages.parse("policydiff add demo@2001\n\ntitle: x\nhas-text: maybe\n") is None
    # an old message (before the transaction id) still reads
    assert messages.parse("policydiff add zgc@2024\n\ntitle: T\ndoc-no: 京科发〔2024〕1号\nhas-text: true\n") is not None


def test_terminal_escapes_in_documents_are_never_printed_raw(tmp_path):
    """Finding 8: OSC/CSI sequences in a document or a field were printed raw by show, log,
    diff --format text and status. The stored text stays exact."""
    root = tmp_path / "store"
    assert run_cli("init", str(root)).returncode == 0
    subprocess.run(["git", "-C", str(root), "config", "user.email", "t@example.invalid"], check=True)
    subprocess.run(["git", "-C", str(root), "config", "user.name", "t"], check=True)
    for n in (1, 2):
        text = source_text(n).replace("制定本办法", f"制定本办法{ESCAPES}")
        if n == 2:
            text = text.replace("第二条 本办法", f"第二条 修改后{ESCAPES}本办法")
        (tmp_path / f"e{n}.txt").write_text(text, encoding="utf-8")
        assert run_cli("--archive", str(root), "add", str(tmp_path / f"e{n}.txt"), "--work", "demo",
                       "--version", str(2000 + n)).returncode == 0
    stored = (root / "demo" / "2001.md").read_text(encoding="utf-8")
    assert ESCAPES in stored  # evidence kept exactly
    outputs = [
        run_cli("--archive", str(root), "show", "demo@2001"),
        run_cli("--archive", str(root), "show", "demo@2001", "--format", "md"),
        run_cli("--archive", str(root), "show", "demo@2001", "--format", "json"),
        run_cli("--archive", str(root), "log", "demo"),
        run_cli("--archive", str(root), "list"),
        run_cli("--archive", str(root), "status", "demo"),
        run_cli("--archive", str(root), "diff", "demo@2001", "demo@2002"),
        run_cli("--archive", str(root), "diff", "demo@2001", "demo@2002", "--color"),
        run_cli("--archive", str(root), "diff", "demo@2001", "demo@2002", "--format", "json"),
        run_cli("--archive", str(root), "diff", "demo@2001", "demo@2002", "--format", "md"),
        run_cli("--archive", str(root), "show", "nope\x1b]0;x\x07"),
    ]
    for result in outputs:
        for stream in (result.stdout, result.stderr):
            without_our_colours = stream
            for sgr in ("\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[1m", "\x1b[0m", "\x1b[9;31m"):
                without_our_colours = without_our_colours.replace(sgr, "")
            assert not any(ch in without_our_colours for ch in "\x1b\x07\x9b"), (result, stream[:300])
    assert "\\u001b]0;pwned" in outputs[0].stdout  # shown, visibly, not dropped
    import json

    shown = json.loads(outputs[2].stdout)
    assert any(ESCAPES in m["text"] for m in shown["measures"])  # JSON escapes decode to the exact text
    report = run_cli("--archive", str(root), "report", "demo@2001", "demo@2002", "--format", "md",
                     "-o", str(tmp_path / "r.md"))
    assert report.returncode == 0
    assert "\x1b" not in (tmp_path / "r.md").read_text(encoding="utf-8")


def test_sigint_during_a_parallel_import_is_one_line_and_leaves_a_consistent_archive(archive_dir, tmp_path):
    """Ctrl-C while `import` parses in a process pool: the workers leave the signal to the
    parent (no traceback per worker), the parent stops, what was committed stays whole."""
    folder = tmp_path / "batch"
    for n in range(24):
        (folder / f"w{n}").mkdir(parents=True)
        body = "".join(f"第{k}条 示例市第{n}号虚构事项的第{k}项规定，用于测试中断。\n" for k in range(1, 800))
        (folder / f"w{n}" / "2020.txt").write_text(f"示例市第{n}号虚构办法(测试用虚构文本)\n\n{body}", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "POLICYDIFF_ARCHIVE"}
    proc = subprocess.Popen([*COMMAND, "--archive", str(archive_dir), "import", str(folder), "--jobs", "2"],
                            cwd=archive_dir.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if len(git(archive_dir.parent, "ls-files", "versions").split()) > 30:  # 10 versions in: parsing is done, the workers wait for work
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    assert proc.returncode in (0, 130), err
    store = Archive(archive_dir)
    committed = {p.split("/")[1] for p in git(archive_dir.parent, "ls-files", "versions").split() if p.endswith(".md")}
    assert set(store.works()) == committed
    assert store.verify() == []


def test_a_live_git_holding_the_index_lock_is_waited_for_never_removed(archive_dir, tmp_path):
    """The user's own `git commit` (running its hook, index.lock held) is alive: the add
    waits for it, and both commits land."""
    top = archive_dir.parent
    (top / "notes.txt").write_text("a colleague's file\n", encoding="utf-8")
    git(top, "add", "notes.txt")
    ready = tmp_path / "ready-user"
    env = {**os.environ, "POLICYDIFF_TEST_HOOK_READY": str(ready), "POLICYDIFF_TEST_HOOK_SLEEP": "3"}
    # with paths (an --only commit) git holds .git/index.lock while the hook runs (a plain
    # `git commit` releases it before its hooks and relies on its compare-and-swap of HEAD)
    user = subprocess.Popen(["git", "-C", str(top), "commit", "-q", "-m", "user's commit", "--", "notes.txt"], env=env,
                            stderr=subprocess.PIPE, text=True)
    wait_for(ready)
    assert (top / ".git" / "index.lock").exists()
    added = add_process(archive_dir, 2)
    out, err = added.communicate(timeout=120)
    assert user.wait(timeout=60) == 0, (user.stderr.read(), err)  # the user's commit was not broken by a removed lock
    assert added.returncode == 0, err
    assert "removed" not in err
    subjects = git(top, "log", "--format=%s").splitlines()
    assert subjects[:2] == ["policydiff add demo@2002", "user's commit"]  # it waited for the live git
    assert_consistent(archive_dir, ["2001", "2002"])
