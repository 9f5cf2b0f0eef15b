"""Speed of `policydiff diff` against the usual tools, on the same pairs, in one run.

Usage:  .venv/bin/python benchmarks/speed.py [--repeat N] [--no-doubling]

Pairs (from ../shared/corpus/manifest.json, chosen by rule, not by name, except the
largest which issue 3 names): small = the consecutive pair at the 10th percentile of
total characters, medium = the median pair, large = 最高人民法院关于适用《刑事诉讼法》的解释
2012 -> 2021 (~170,000 characters, 548 -> 651 articles).

For each pair, best of N runs (default 5) of:
  e2e        `python -m policydiff diff --format json OLD NEW` in a subprocess (includes
             interpreter start, imports, decoding, parsing, alignment, redline, JSON)
  compare    policydiff.compare.compare(old, new) in process, on parsed versions
  parse      api.load_side of both files: read, decode, clean, structure.parse (what e2e
             adds to compare, besides interpreter start-up and the JSON)
  git        `git diff --no-index --word-diff OLD NEW` (a line/word diff, no alignment)
  difflib    difflib.HtmlDiff().make_file over the lines (the standard library's report)
and the peak memory: tracemalloc peak of one in-process compare, and the maximum
resident set size of the e2e subprocess (os.wait4 rusage).

Then a doubling series: the large pair's articles concatenated with themselves 1x, 2x,
4x, 8x (articles renumbered 第一条…, no chapters), compare timed at each size, and the
alignment alone; the ratio t(2n)/t(n) stays near 2 when the work is linear, near 4 when
quadratic. (From 2x on every text has identical twins, which the aligner cannot anchor
on: its 1x -> 2x step is the steepest for that reason.)

Targets (issue 3): in-process compare of the large pair < 0.3 s; e2e < 1 s; peak memory
< 200 MB; no quadratic blow-up, checked as a growth exponent k < 1.5 of the doubling
series (t ~ n^k). The script prints PASS/FAIL for each and exits 1 on a FAIL.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import os
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

HERE = Path(__file__).resolve()
REPO = HERE.parents[1]
sys.path.insert(0, str(REPO))

from policydiff import align, api, structure  # noqa: E402
from policydiff.compare import compare  # noqa: E402
from policydiff.model import Version  # noqa: E402

LARGE_TITLE = "最高人民法院关于适用《刑事诉讼法》的解释"
TARGET_COMPARE_S = 0.3
TARGET_E2E_S = 1.0
TARGET_MEMORY_MB = 200.0


def corpus_dir() -> Path:
    for candidate in (os.environ.get("POLICYDIFF_SHARED"), REPO.parent / "shared", "/work/shared"):
        if candidate and (Path(candidate) / "corpus" / "manifest.json").is_file():
            return Path(candidate) / "corpus"
    raise SystemExit("../shared/corpus not found; set POLICYDIFF_SHARED")


def choose_pairs(corpus: Path) -> list[tuple[str, Path, Path]]:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    pairs = []
    large = None
    for document in manifest["documents"]:
        versions = document["versions"]
        for old, new in zip(versions, versions[1:]):
            entry = (old["chars"] + new["chars"], corpus / old["file"], corpus / new["file"])
            pairs.append(entry)
            if document["title"] == LARGE_TITLE:
                large = entry
    pairs.sort(key=lambda p: (p[0], str(p[1])))
    if large is None:
        raise SystemExit(f"{LARGE_TITLE} not in the manifest")
    small = pairs[len(pairs) // 10]
    medium = pairs[len(pairs) // 2]
    return [("small", small[1], small[2]), ("medium", medium[1], medium[2]), ("large", large[1], large[2])]


def parsed(path: Path) -> Version:
    """The file read as `policydiff diff FILE` reads it (decode, clean, parse)."""
    return api.load_side(None, str(path))


def best_of(repeat: int, fn) -> tuple[float, float]:
    """Best wall seconds and best CPU seconds (this process) of `repeat` runs."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        best_cpu = min(best_cpu, time.process_time() - start_cpu)
        best_wall = min(best_wall, time.perf_counter() - start)
    return best_wall, best_cpu


def run_child(argv: list[str]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds (user + system) and peak RSS (MB) of one subprocess, its
    output discarded."""
    start = time.perf_counter()
    process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=REPO)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if argv[0] != "git" and process.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed: {process.stderr.read().decode()}")
    process.stderr.close()
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024  # ru_maxrss: KiB on Linux


def time_pair(name: str, old_path: Path, new_path: Path, repeat: int) -> dict:
    old, new = parsed(old_path), parsed(new_path)
    old_lines = old_path.read_text(encoding="utf-8").splitlines()
    new_lines = new_path.read_text(encoding="utf-8").splitlines()
    row: dict = {"pair": name, "chars": len(old.document.text) + len(new.document.text),
                 "articles": f"{len(old.document.measures)}->{len(new.document.measures)}"}
    compare(old, new)  # warm-up: imports, regex compilation
    row["compare"], row["compare_cpu"] = best_of(repeat, lambda: compare(old, new))
    row["parse"], _ = best_of(repeat, lambda: (parsed(old_path), parsed(new_path)))
    # HtmlDiff is quadratic-ish on long files (about a minute on the large pair): one run
    row["difflib"], row["difflib_cpu"] = best_of(1, lambda: difflib.HtmlDiff().make_file(old_lines, new_lines))
    e2e = [run_child([sys.executable, "-m", "policydiff", "diff", "--format", "json", str(old_path), str(new_path)])
           for _ in range(repeat)]
    row["e2e"] = min(t for t, _, _ in e2e)
    row["e2e_cpu"] = min(c for _, c, _ in e2e)
    row["e2e_rss_mb"] = max(m for _, _, m in e2e)
    git = [run_child(["git", "diff", "--no-index", "--word-diff", str(old_path), str(new_path)]) for _ in range(repeat)]
    row["git"] = min(t for t, _, _ in git)
    row["git_cpu"] = min(c for _, c, _ in git)
    tracemalloc.start()
    compare(old, new)
    row["compare_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    c = compare(old, new)
    row["summary"] = c.summary()
    return row


_CN_DIGITS = "零一二三四五六七八九"


def int_to_cn(n: int) -> str:
    """1 -> 一, 12 -> 十二, 105 -> 一百零五, 2600 -> 二千六百 (for renumbered articles)."""
    if n < 10:
        return _CN_DIGITS[n]
    if n < 20:
        return "十" + (_CN_DIGITS[n % 10] if n % 10 else "")
    units = [(1000, "千"), (100, "百"), (10, "十")]
    out, zero = "", False
    for value, name in units:
        digit = n // value % 10
        if digit:
            if zero:
                out += "零"
            out += _CN_DIGITS[digit] + name
            zero = False
        elif out:
            zero = True
    if n % 10:
        out += ("零" if zero else "") + _CN_DIGITS[n % 10]
    return out


def repeated(version: Version, times: int) -> Version:
    """The version's articles `times` over, renumbered 第一条… (a document k times as long)."""
    measures = version.document.measures
    lines = [version.meta.title or "文件"]
    number = 0
    for _ in range(times):
        for measure in measures:
            number += 1
            lines.append(f"第{int_to_cn(number)}条 {measure.text}")
    doc = structure.parse("\n".join(lines) + "\n")
    return Version(work=None, version=None, meta=doc.meta, has_text=True, document=doc)


def doubling(old_path: Path, new_path: Path, repeat: int) -> list[dict]:
    old, new = parsed(old_path), parsed(new_path)
    rows = []
    for times in (1, 2, 4, 8):
        old_k, new_k = repeated(old, times), repeated(new, times)
        wall, cpu = best_of(max(1, repeat // 2), lambda: compare(old_k, new_k))
        _, align_cpu = best_of(max(1, repeat // 2), lambda: align.align(old_k.document, new_k.document))
        rows.append({"times": times, "articles": f"{len(old_k.document.measures)}->{len(new_k.document.measures)}",
                     "compare": wall, "compare_cpu": cpu, "align_cpu": align_cpu})
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description="policydiff speed benchmark")
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (best is kept)")
    parser.add_argument("--no-doubling", action="store_true")
    args = parser.parse_args()
    corpus = corpus_dir()
    rows = [time_pair(name, old, new, args.repeat) for name, old, new in choose_pairs(corpus)]

    load = os.getloadavg()[0]
    print(f"python {sys.version.split()[0]}, best of {args.repeat}, {os.cpu_count()} CPUs, load average {load:.2f}")
    print("wall seconds (CPU seconds of that process in brackets), then ratios of wall times")
    print(f"{'pair':7} {'chars':>7} {'articles':>9} {'compare':>14} {'parse':>6} {'e2e':>14} {'git':>6} "
          f"{'difflib':>7} | {'e2e/git':>7} {'cmp/difflib':>11} {'e2e/difflib':>11} | {'cmp MB':>6} {'e2e MB':>6}")
    for r in rows:
        print(f"{r['pair']:7} {r['chars']:7d} {r['articles']:>9} {r['compare']:6.3f} ({r['compare_cpu']:5.3f}) "
              f"{r['parse']:6.3f} {r['e2e']:6.3f} ({r['e2e_cpu']:5.3f}) {r['git']:6.3f} {r['difflib']:7.3f} | "
              f"{r['e2e'] / r['git']:7.1f} {r['compare'] / r['difflib']:11.3f} {r['e2e'] / r['difflib']:11.3f} | "
              f"{r['compare_peak_mb']:6.1f} {r['e2e_rss_mb']:6.1f}")
    large = rows[-1]
    print(f"large pair summary: {large['summary']}")

    # Targets are judged on CPU time when the machine is busier than it has CPUs (other
    # jobs then stretch wall time without the code doing more work); on an idle machine
    # CPU and wall time of this single-threaded work coincide.
    busy = load > (os.cpu_count() or 1)
    key = "_cpu" if busy else ""
    basis = "CPU" if busy else "wall"
    failures = []
    checks = [
        (f"in-process compare, large pair ({basis})", large["compare" + key], TARGET_COMPARE_S, "s"),
        (f"end to end, large pair ({basis})", large["e2e" + key], TARGET_E2E_S, "s"),
        ("peak memory, e2e RSS", max(r["e2e_rss_mb"] for r in rows), TARGET_MEMORY_MB, "MB"),
        ("peak memory, compare (tracemalloc)", max(r["compare_peak_mb"] for r in rows), TARGET_MEMORY_MB, "MB"),
    ]
    if not args.no_doubling:
        series = doubling(*choose_pairs(corpus)[-1][1:], args.repeat)
        print("doubling series (large pair's articles k times, renumbered), in-process compare:")
        previous = None
        for r in series:
            ratio = f"{r['compare_cpu'] / previous:5.2f}x" if previous else "     -"
            print(f"  {r['times']}x {r['articles']:>11} articles  {r['compare']:7.3f} s ({r['compare_cpu']:.3f} CPU, "
                  f"of which align {r['align_cpu']:.3f}, redline + flags {r['compare_cpu'] - r['align_cpu']:.3f})"
                  f"  t(2n)/t(n) CPU {ratio}")
            previous = r["compare_cpu"]
        # growth exponent over the whole series: t ~ n^k, k = log(t(8x)/t(1x)) / log 8;
        # 1 = linear, 2 = quadratic. One step ratio alone is noisy (and the 1x -> 2x
        # step is steeper because duplicates appear), the exponent over 8x is not.
        exponent = math.log(series[-1]["compare_cpu"] / series[0]["compare_cpu"]) / math.log(series[-1]["times"])
        own = math.log((series[-1]["compare_cpu"] - series[-1]["align_cpu"])
                       / (series[0]["compare_cpu"] - series[0]["align_cpu"])) / math.log(series[-1]["times"])
        print(f"  growth exponent 1x..8x: compare {exponent:.2f}, redline + flags alone {own:.2f}"
              " (1 = linear, 2 = quadratic)")
        checks.append(("doubling: growth exponent of compare (1 linear, 2 quadratic)", exponent, 1.5, ""))
    for name, value, target, unit in checks:
        verdict = "PASS" if value < target else "FAIL"
        if verdict == "FAIL":
            failures.append(name)
        print(f"{verdict}  {name}: {value:.3f} {unit} (target < {target} {unit})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
