"""The JSON of one diff (issue 14): `render.json.comparison_json` of a pair compared in
process, CPU seconds (time.process_time), the cycle collector off as the CLI runs a diff.

Usage:  .venv/bin/python benchmarks/json_writer.py [OLD NEW] [--repeat 7]
        .venv/bin/python benchmarks/json_writer.py OLD NEW --end-to-end TREE_A,TREE_B [--repeat 9]

Without OLD NEW: the test compilation of benchmarks/scale.py (each side every corpus
version concatenated; test data, not a real document), written to a temporary folder.
Rows: the first call in the process (it imports orjson when the diff is large enough for
it: the cost a `policydiff diff` pays once), then the best of --repeat calls with the
tree's own writer, and with each of the two "changes" writers forced (a tree without
`ORJSON_MIN_CHANGES` has only the pure-Python one). Every call's text is checked against
`json.dumps(comparison_dict(c), ensure_ascii=False, indent=2) + "\\n"`. The repository goes
last on the path, so `PYTHONPATH=<another checkout>` times that checkout's code with the
same script (an A/B between two trees: run them in turns, say the load average).
--end-to-end: `python -m policydiff diff OLD NEW --format json` (output discarded) in a
fresh process per run, alternating between the trees given (PYTHONPATH=TREE each), best of
--repeat wall and CPU seconds (user + system of the process and the children it reaped:
the reading fork included).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import math
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
sys.path.append(str(HERE.parents[1]))


def compilation_files(folder: Path) -> tuple[Path, Path]:
    spec = importlib.util.spec_from_file_location("align_stages_bench", HERE.parent / "align_stages.py")
    stages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(stages)
    return stages.compilation_files(folder)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="OLD NEW (default: the test compilation)")
    parser.add_argument("--repeat", type=int, default=7, help="calls (best is kept)")
    parser.add_argument("--end-to-end", metavar="TREE_A,TREE_B", help="time `diff --format json` of each tree")
    args = parser.parse_args()
    if args.end_to_end:
        end_to_end(args.end_to_end.split(","), args.files, args.repeat)
        return
    from policydiff import intake
    from policydiff.compare import compare
    from policydiff.render import json as json_render

    with tempfile.TemporaryDirectory() as tmp:
        old_path, new_path = args.files if len(args.files) == 2 else compilation_files(Path(tmp))
        gc.disable()
        comparison = compare(intake.load_file(old_path), intake.load_file(new_path))
    expected = json.dumps(json_render.comparison_dict(comparison), ensure_ascii=False, indent=2) + "\n"

    def timed() -> float:
        start = time.process_time()
        text = json_render.comparison_json(comparison)
        spent = time.process_time() - start
        if text != expected:
            raise SystemExit("the JSON differs from json.dumps: not a speed change")
        return spent

    print(f"{json_render.__file__}: {len(comparison.changes):,} changes, {len(expected.encode()):,} bytes; "
          f"load average {os.getloadavg()[0]:.2f}\n")
    print("| comparison_json | CPU |")
    print("|---|---|")
    print(f"| first call in the process | {timed():.4f} s |")
    print(f"| best of {args.repeat} | {min(timed() for _ in range(args.repeat)):.4f} s |")
    if hasattr(json_render, "ORJSON_MIN_CHANGES"):
        saved = json_render.ORJSON_MIN_CHANGES
        for label, threshold in (("orjson writes the changes", 0), ("pure Python writes the changes", 10**9)):
            json_render.ORJSON_MIN_CHANGES = threshold
            print(f"| {label}, best of {args.repeat} | {min(timed() for _ in range(args.repeat)):.4f} s |")
        json_render.ORJSON_MIN_CHANGES = saved


def end_to_end(trees: list[str], files: list[Path], repeat: int) -> None:
    import subprocess

    if len(files) != 2:
        raise SystemExit("--end-to-end needs OLD NEW")
    best = {tree: (math.inf, math.inf) for tree in trees}
    for _ in range(repeat):
        for tree in trees:  # in turns: a change in the machine's load meets both trees
            env = dict(os.environ, PYTHONPATH=tree)
            start = time.perf_counter()
            child = subprocess.Popen([sys.executable, "-m", "policydiff", "diff", *map(str, files), "--format", "json"],
                                     stdout=subprocess.DEVNULL, env=env, cwd=tempfile.gettempdir())
            _, status, usage = os.wait4(child.pid, 0)
            wall = time.perf_counter() - start
            if status:
                raise SystemExit(f"{tree}: diff failed ({status})")
            cpu = usage.ru_utime + usage.ru_stime
            best[tree] = (min(best[tree][0], wall), min(best[tree][1], cpu))
    print(f"`diff --format json` end to end, best of {repeat}, load average {os.getloadavg()[0]:.2f}\n")
    print("| tree | wall | CPU |")
    print("|---|---|---|")
    for tree, (wall, cpu) in best.items():
        print(f"| {tree} | {wall:.3f} s | {cpu:.3f} s |")


if __name__ == "__main__":
    main()
