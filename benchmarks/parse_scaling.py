"""Growth of structure.parse on pathological flat texts (run by hand; prints markdown tables).

    .venv/bin/python benchmarks/parse_scaling.py [--base LINES] [--repeat N] [--module PATH]

`_accept` asks look-ahead questions: does a 「第一条」 that restarts the numbering win over
the running numbers, does a suspect successor's number come again. Answered by a scan,
each such line read on to the end of its parent, and at the top level of a flat text
nothing ends the scan: quadratic. The inputs below are built to ask on almost every line,
with nothing coarser to stop a scan (all fictional text):

  restarts         「第一章」, then 「第一条 …」 on every line, a final 「第二条」 (every 第一条
                   starts a new run: a restart question per line, each over the rest)
  restarts+items   「第一条 …」 and a 「1.…」 item alternating, a final 「第二条」 (the brief's
                   "restarts / 1. lists": items double the lines each scan passes)
  suspects         weak 「第2条示例…」 lines between strong ones that skip two numbers (each
                   weak line asks whether its number comes again; it never does)

Each input is parsed at 1x, 2x, 4x, 8x, 16x the base size (default 1,000 lines), best of
N runs (default 3; one run once a run takes over 2 s). The growth exponent k (t ~ n^k) is
the least-squares slope of log t over log n, and the last step's log2(t16/t8): near 1 for
linear work, near 2 for quadratic. Target: k < 1.3 on every input; the script prints
PASS/FAIL and exits 1 on a FAIL.

--module PATH parses with another copy of structure.py (for before/after figures), e.g.

    git show b8bd748^:policydiff/structure.py > /tmp/structure_before.py
    .venv/bin/python benchmarks/parse_scaling.py --module /tmp/structure_before.py
"""

from __future__ import annotations

import argparse
import importlib.util
import math
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policydiff import structure  # noqa: E402

TITLE = "示例市测试办法(测试用虚构文本)\n"
SIZES = (1, 2, 4, 8, 16)
# Largest growth exponent that still counts as near-linear (unit: power of n; range 1.1..1.5;
# bisection makes the work n log n, and GC and caches add a little at 16x).
MAX_EXPONENT = 1.3


def restarts(lines: int) -> str:
    return TITLE + "第一章 总则\n" + "第一条 示例规定。\n" * lines + "第二条 示例规定。\n"


def restarts_with_items(lines: int) -> str:
    return TITLE + "第一条 示例规定。\n1.示例事项。\n" * (lines // 2) + "第二条 示例规定。\n"


def suspects(lines: int) -> str:
    return TITLE + "第1条 示例规定。\n" + "".join(
        f"第{4 * i + 2}条示例规定。\n第{4 * i + 5}条 示例规定。\n" for i in range(lines // 2))


INPUTS = {"restarts": restarts, "restarts+items": restarts_with_items, "suspects": suspects}


def load_parse(module_path: str | None):
    if module_path is None:
        return structure.parse
    # Loaded as a module of the package so that its relative imports resolve.
    spec = importlib.util.spec_from_file_location("policydiff._structure_under_test", module_path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module.parse


def best_time(parse, text: str, repeat: int) -> float:
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        doc = parse(text)
        times.append(time.perf_counter() - start)
        assert "".join(b.raw for b in doc.blocks) == text, "parse lost text"
        if times[-1] > 2.0:
            break
    return min(times)


def exponent(sizes: list[int], times: list[float]) -> float:
    """Least-squares slope of log t over log n."""
    xs = [math.log(n) for n in sizes]
    ys = [math.log(max(t, 1e-9)) for t in times]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys)) / sum((x - mean_x) ** 2 for x in xs)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=int, default=1000, help="lines at 1x (default 1000)")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs (default 3)")
    parser.add_argument("--module", help="parse with this copy of structure.py instead")
    args = parser.parse_args()
    parse = load_parse(args.module)
    failed = False
    print(f"module: {args.module or structure.__file__}")
    for name, build in INPUTS.items():
        print()
        print(f"| {name} | lines | chars | seconds | t / t(previous) |")
        print("|---|---|---|---|---|")
        lines_at, times = [], []
        for factor in SIZES:
            text = build(args.base * factor)
            seconds = best_time(parse, text, args.repeat)
            ratio = f"{seconds / times[-1]:.2f}" if times else ""
            lines_at.append(text.count("\n"))
            times.append(seconds)
            print(f"| {factor}x | {lines_at[-1]} | {len(text)} | {seconds:.3f} | {ratio} |", flush=True)
        fitted = exponent(lines_at, times)
        last_step = math.log2(times[-1] / times[-2]) if times[-2] > 0 else float("inf")
        verdict = "PASS" if fitted < MAX_EXPONENT else "FAIL"
        failed |= verdict == "FAIL"
        print(f"\ngrowth exponent k = {fitted:.2f} (fit over 1x..16x), last step log2(t16/t8) = {last_step:.2f}:"
              f" {verdict} (target k < {MAX_EXPONENT})")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
