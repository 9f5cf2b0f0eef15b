"""Fault benchmark (issue 9): kill `policydiff add` at many points in several ways, then
count what an auditor would find wrong. Run by hand; prints a Markdown table.

    .venv/bin/python benchmarks/faults.py [--kills 35] [--workers 4 --per-worker 25] [--seed 1]

Modes (each kill is one real process, one real signal, on a real git repository):

| mode | what is killed, when |
|---|---|
| kill-pid | SIGKILL of the add's pid only, at a random moment of its run (its git child goes on) |
| kill-group | SIGKILL of the add's whole process group, at a random moment |
| commit-kill-pid | SIGKILL of the add's pid while `git commit` runs (a pre-commit hook holds it there), a second add waiting on the lock |
| commit-kill-group | SIGKILL of the process group while `git commit` runs: git dies holding .git/index.lock |
| sigint-group | SIGINT to the process group (Ctrl-C in a terminal) at a random moment |
| sigint-pid | SIGINT to the add's pid only, at a random moment |
| recovery-kill | a commit-kill-group leaves a transaction and a stale lock; the add that recovers them is SIGKILLed (group) at a random moment; the next one must still recover |

"A random moment" is uniform over [0, 1.2 x the median duration of an undisturbed add],
measured first, so the kills cover start-up, parsing, the transaction and the commit.

After each kill, the next `add` runs (in the commit-kill-pid mode it was already waiting)
and then the archive is checked:

- partial version: a version that `list` shows but git has not committed, or files of a
  version left in the work tree that `list` does not show, or a listed version whose
  kept source is missing;
- orphaned commit: a version that HEAD holds but the work tree or `list` does not;
  (both counted as distinct versions: one left behind counts once, however many later
  checks still see it)
- jam: the next add fails, or takes longer than JAM_SECONDS;
- traceback: "Traceback" on the stderr of the killed or the next command.

Every 25 kills and at the end, a full `verify` must pass (counted under "verify fails").
Concurrency: W workers each add P versions, all at once; every add must land, one commit each.
Documents are fictional (their title says so).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


TITLE = "示例市应急物资储备管理办法(测试用虚构文本)"
COMMAND = [str(Path(sys.executable).parent / "policydiff")]
JAM_SECONDS = 15.0  # a next add slower than this counts as a jam (a normal one: ~1 s on 2 busy cores)
HOOK = """#!/bin/sh
if [ -n "$FAULTS_HOOK_READY" ]; then touch "$FAULTS_HOOK_READY"; sleep "${FAULTS_HOOK_SLEEP:-1}"; fi
exit 0
"""
MODES = ("kill-pid", "kill-group", "commit-kill-pid", "commit-kill-group", "sigint-group", "sigint-pid",
         "recovery-kill")


def source(n: int) -> str:
    return (f"{TITLE}\n\n第一条 为加强示例市虚构的应急物资储备管理，制定本办法。（第{n}稿）\n"
            f"第二条 本办法适用于示例市第{n}号虚构仓库。\n第三条 储备物资应当每{n % 12 + 1}个月盘点一次。\n"
            "第四条 本办法自发布之日起施行。\n")


class Bench:
    def __init__(self, folder: Path):
        self.top = folder
        subprocess.run(["git", "init", "-q", str(folder)], check=True)
        subprocess.run(["git", "-C", str(folder), "config", "user.email", "faults@example.invalid"], check=True)
        subprocess.run(["git", "-C", str(folder), "config", "user.name", "faults"], check=True)
        subprocess.run([*COMMAND, "init", str(folder / "versions")], cwd=folder, check=True, capture_output=True,
                       env={k: v for k, v in os.environ.items() if k != "POLICYDIFF_ARCHIVE"})
        self.root = folder / "versions"
        hook = folder / ".git" / "hooks" / "pre-commit"
        hook.write_text(HOOK, encoding="utf-8")
        hook.chmod(0o755)
        self.sources = folder / "sources"
        self.sources.mkdir()
        self.next_n = 1
        self.env = {k: v for k, v in os.environ.items() if k != "POLICYDIFF_ARCHIVE"}

    def new_source(self) -> tuple[int, Path]:
        n = self.next_n
        self.next_n += 1
        path = self.sources / f"s{n}.txt"
        path.write_text(source(n), encoding="utf-8")
        return n, path

    def start_add(self, *, work: str = "demo", hook_ready: Path | None = None, hook_sleep: float = 1.0,
                  session: bool = True) -> tuple[subprocess.Popen, str]:
        n, path = self.new_source()
        env = dict(self.env)
        if hook_ready is not None:
            env["FAULTS_HOOK_READY"] = str(hook_ready)
            env["FAULTS_HOOK_SLEEP"] = str(hook_sleep)
        version = f"{1000 + n}"
        proc = subprocess.Popen([*COMMAND, "--archive", str(self.root), "add", str(path), "--work", work,
                                 "--version", version], cwd=self.top, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, start_new_session=session)
        return proc, f"{work}@{version}"

    def run_add(self) -> tuple[int, float, str]:
        started = time.monotonic()
        proc, _ = self.start_add()
        _, err = proc.communicate(timeout=300)
        return proc.returncode, time.monotonic() - started, err

    def listed(self) -> set[tuple[str, str]]:
        """The versions a reader shows, read from the files alone (a .md that a pending
        transaction is creating is hidden), so that checking changes nothing and works on
        any version of policydiff (--old-checkout)."""
        import json

        hidden = set()
        journal = self.root / ".policydiff-txn" / "journal.json"
        if journal.is_file():
            try:
                entries = json.loads(journal.read_text(encoding="utf-8"))["entries"]
                hidden = {e["path"] for e in entries if e.get("new") and not e.get("old")}
            except (OSError, ValueError, KeyError, TypeError):
                pass
        return {(p.parent.name, p.stem) for p in self.root.glob("*/*.md")
                if f"{p.parent.name}/{p.name}" not in hidden}

    def verify_fails(self) -> bool:
        """`policydiff verify` (the code under test) exits non-zero."""
        proc = subprocess.run([*COMMAND, "--archive", str(self.root), "verify"], cwd=self.top, env=self.env,
                              capture_output=True, text=True, timeout=600)
        return proc.returncode != 0

    def check(self) -> tuple[set, set]:
        """(partial versions, orphaned versions) right now, as sets of (work, version)."""
        listed = self.listed()
        out = subprocess.run(["git", "-C", str(self.top), "ls-tree", "-r", "--name-only", "HEAD", "--", "versions"],
                             capture_output=True, text=True).stdout.split()
        committed = {(p.split("/")[1], p.split("/")[2][:-3]) for p in out if p.endswith(".md") and p.count("/") == 2}
        on_disk = {(p.parent.name, p.stem) for p in self.root.glob("*/*.md")}
        sources = {(p.parent.name, p.name.split(".source.")[0]) for p in self.root.glob("*/*.source.*")}
        partial = (listed - committed) | ((on_disk | sources) - listed) | (listed - sources)  # all have text
        orphaned = committed - (listed & on_disk)
        return partial, orphaned


def one_kill(bench: Bench, mode: str, window: float, rng: random.Random, scratch: Path) -> dict:
    result = {"partial": set(), "orphaned": set(), "jam": 0, "traceback": 0, "next": None}
    ready = scratch / f"ready-{time.monotonic_ns()}"
    waiter = None
    if mode == "recovery-kill":
        first, _ = bench.start_add(hook_ready=ready, hook_sleep=30)
        deadline = time.monotonic() + 60
        while not ready.exists() and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)
        first.communicate(timeout=60)
        victim, _ = bench.start_add()  # it finds the transaction and the stale lock
        time.sleep(rng.uniform(0, window))
    elif mode.startswith("commit-"):
        victim, _ = bench.start_add(hook_ready=ready, hook_sleep=1.0)
        deadline = time.monotonic() + 60
        while not ready.exists() and victim.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        if mode == "commit-kill-pid":
            waiter, _ = bench.start_add()
            time.sleep(0.2)
    else:
        victim, _ = bench.start_add()
        time.sleep(rng.uniform(0, window))
    sig = signal.SIGINT if mode.startswith("sigint") else signal.SIGKILL
    try:
        if mode.endswith("group") or mode == "recovery-kill":
            os.killpg(victim.pid, sig)
        else:
            os.kill(victim.pid, sig)
    except ProcessLookupError:
        pass
    _, err = victim.communicate(timeout=300)
    result["traceback"] += "Traceback" in err
    if waiter is not None:
        started = time.monotonic()
        _, werr = waiter.communicate(timeout=300)
        code, took = waiter.returncode, time.monotonic() - started
    else:
        code, took, werr = bench.run_add()
    result["traceback"] += "Traceback" in werr
    result["next"] = took
    if code != 0 or took > JAM_SECONDS:
        result["jam"] = 1
    result["partial"], result["orphaned"] = bench.check()
    return result


def calibrate(bench: Bench) -> float:
    durations = []
    for _ in range(3):
        code, took, err = bench.run_add()
        assert code == 0, err
        durations.append(took)
    return statistics.median(durations)


def concurrency(bench: Bench, workers: int, per_worker: int) -> dict:
    """W worker threads of subprocess adds at once (each waits for its own add, then starts
    the next): every add must land, one commit each, and the archive stay consistent."""
    import threading

    before = int(subprocess.run(["git", "-C", str(bench.top), "rev-list", "--count", "HEAD"],
                                capture_output=True, text=True).stdout)
    failures: list[str] = []
    lock = threading.Lock()
    partial_before, orphaned_before = bench.check()  # what the kills left (none, we hope)

    def worker(index: int) -> None:
        for _ in range(per_worker):
            with lock:
                proc, ref = bench.start_add(work=f"w{index}", session=False)
            _, err = proc.communicate(timeout=600)
            if proc.returncode != 0:
                failures.append(f"{ref}: {err.strip()[:200]}")

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.monotonic() - started
    after = int(subprocess.run(["git", "-C", str(bench.top), "rev-list", "--count", "HEAD"],
                               capture_output=True, text=True).stdout)
    partial_after, orphaned_after = bench.check()
    partial, orphaned = len(partial_after - partial_before), len(orphaned_after - orphaned_before)
    return {"adds": workers * per_worker, "failed": len(failures), "commits": after - before, "seconds": took,
            "partial": partial, "orphaned": orphaned, "verify_fails": bench.verify_fails(), "failures": failures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=35, help="kills per mode (6 modes)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--per-worker", type=int, default=25)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--old-checkout", type=Path,
                        help="measure another policydiff: a source tree (e.g. `git archive 1be04d4 | tar -x -C DIR`) "
                             "run as `python -m policydiff` with PYTHONPATH=DIR")
    args = parser.parse_args()
    if args.old_checkout is not None:
        global COMMAND
        COMMAND = [sys.executable, "-m", "policydiff"]
        os.environ["PYTHONPATH"] = str(args.old_checkout.resolve())
    rng = random.Random(args.seed)
    modes = [m for m in args.modes.split(",") if m]
    with tempfile.TemporaryDirectory(prefix="policydiff-faults-") as tmp:
        bench = Bench(Path(tmp) / "repo")
        scratch = Path(tmp) / "scratch"
        scratch.mkdir()
        median = calibrate(bench)
        window = 1.2 * median
        print(f"undisturbed add: median {median:.2f} s; random kill window 0-{window:.2f} s", file=sys.stderr)
        rows = []
        total = {"kills": 0, "partial": 0, "orphaned": 0, "jam": 0, "traceback": 0, "verify": 0}
        kills_done = 0
        all_partial: set = set()
        all_orphaned: set = set()
        for mode in modes:
            row = {"kills": 0, "partial": 0, "orphaned": 0, "jam": 0, "traceback": 0, "verify": 0, "next": []}
            seen_partial: set = set()
            seen_orphaned: set = set()
            for _ in range(args.kills):
                result = one_kill(bench, mode, window, rng, scratch)
                row["kills"] += 1
                kills_done += 1
                for key in ("jam", "traceback"):
                    row[key] += result[key]
                # distinct versions, each counted once, and only those this mode made
                row["partial"] += len(result["partial"] - seen_partial - all_partial)
                row["orphaned"] += len(result["orphaned"] - seen_orphaned - all_orphaned)
                seen_partial |= result["partial"]
                seen_orphaned |= result["orphaned"]
                row["next"].append(result["next"])
                if kills_done % 25 == 0:
                    row["verify"] += bench.verify_fails()
            row["verify"] += bench.verify_fails()
            print(f"{mode}: {row['kills']} kills, partial {row['partial']}, orphaned {row['orphaned']}, "
                  f"jams {row['jam']}, tracebacks {row['traceback']}", file=sys.stderr)
            rows.append((mode, row))
            all_partial |= seen_partial
            all_orphaned |= seen_orphaned
            for key in total:
                total[key] += row[key]
        conc = concurrency(bench, args.workers, args.per_worker)

    print("| mode | kills | partial versions | orphaned commits | jams | tracebacks | verify fails | next add median / max s |")
    print("|---|---|---|---|---|---|---|---|")
    for mode, row in rows:
        print(f"| {mode} | {row['kills']} | {row['partial']} | {row['orphaned']} | {row['jam']} | {row['traceback']} | "
              f"{row['verify']} | {statistics.median(row['next']):.2f} / {max(row['next']):.2f} |")
    print(f"| **all** | **{total['kills']}** | **{total['partial']}** | **{total['orphaned']}** | **{total['jam']}** | "
          f"**{total['traceback']}** | **{total['verify']}** | |")
    print()
    print(f"Concurrency: {args.workers} workers x {args.per_worker} adds at once: {conc['adds'] - conc['failed']}/"
          f"{conc['adds']} landed, {conc['commits']} commits, partial {conc['partial']}, orphaned "
          f"{conc['orphaned']}, verify {'fails' if conc['verify_fails'] else 'clean'}, "
          f"{conc['seconds']:.0f} s ({conc['adds'] / conc['seconds']:.1f} adds/s).")
    for failure in conc["failures"][:5]:
        print(f"  failed: {failure}")


if __name__ == "__main__":
    main()
