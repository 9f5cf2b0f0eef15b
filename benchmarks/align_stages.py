"""Where the aligner's CPU goes (issue 14): `align` and `compare` of one pair in process,
with the cycle collector off as the CLI runs a diff, and the CPU of each aligner stage
(`time.process_time` around each `_Aligner` step, no profiler: cProfile multiplies the
per-call costs of this Python-level code), best of --repeat.

Usage:  .venv/bin/python benchmarks/align_stages.py [OLD NEW] [--repeat 5]

Without OLD NEW: the test compilation of benchmarks/scale.py (each side every corpus
version concatenated, the new side with each document's versions rotated by one; test
data, not a real document), written to a temporary folder. The repository goes last on
the path, so `PYTHONPATH=<another checkout>` times that checkout's code with the same
script (an A/B between two trees: run them in turns, say the load average).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
REPO = HERE.parents[1]
sys.path.append(str(REPO))

# the _Aligner steps timed (each one's own CPU: a step called inside another is taken out
# of the caller's figure); names a tree does not have are skipped
STEPS = ("__init__", "anchors", "prepare_round", "scored_rows", "_assign_round", "groups", "fill_gaps",
         "fill_beside_matches", "far_groups", "fill_containers", "join_expansions", "match_containers", "run")


def compilation_files(folder: Path) -> tuple[Path, Path]:
    spec = importlib.util.spec_from_file_location("scale_bench", HERE.parent / "scale.py")
    scale = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scale)
    old_text, new_text = scale.compilation(scale.corpus_dir())
    old, new = folder / "compilation-old.txt", folder / "compilation-new.txt"
    old.write_text(old_text, encoding="utf-8")
    new.write_text(new_text, encoding="utf-8")
    return old, new


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("files", nargs="*", type=Path, help="OLD NEW (default: the test compilation)")
    parser.add_argument("--repeat", type=int, default=5, help="runs (best is kept)")
    args = parser.parse_args()
    from policydiff import align, compare, intake

    with tempfile.TemporaryDirectory() as tmp:
        old_path, new_path = args.files if len(args.files) == 2 else compilation_files(Path(tmp))
        old, new = intake.load_file(old_path), intake.load_file(new_path)
    own: dict[str, float] = {}
    stack: list[float] = []  # CPU of the callees of each open step

    def timed(name, method):
        def step(*a, **k):
            stack.append(0.0)
            start = time.process_time()
            try:
                return method(*a, **k)
            finally:
                spent = time.process_time() - start
                inner = stack.pop()
                own[name] = own.get(name, 0.0) + spent - inner
                if stack:
                    stack[-1] += spent
        return step

    originals = {name: getattr(align._Aligner, name) for name in STEPS if hasattr(align._Aligner, name)}
    best: dict[str, float] = {}
    gc.disable()
    old.document.measures, new.document.measures  # (computed once per Document, as compare does)
    for _ in range(args.repeat):
        for name, method in originals.items():  # the totals without the wrappers
            setattr(align._Aligner, name, method)
        start = time.process_time()
        align.align(old.document, new.document)
        best["align"] = min(best.get("align", 1e9), time.process_time() - start)
        start = time.process_time()
        compare.compare(old, new)
        best["compare"] = min(best.get("compare", 1e9), time.process_time() - start)
        for name, method in originals.items():
            setattr(align._Aligner, name, timed(name, method))
        own.clear()
        align.align(old.document, new.document)
        for name, value in own.items():
            best[name] = min(best.get(name, 1e9), value)
        gc.collect()
    for name, method in originals.items():
        setattr(align._Aligner, name, method)
    print(f"{old_path.name} -> {new_path.name}: {len(old.document.measures)} / {len(new.document.measures)} measures; "
          f"python {sys.version.split()[0]}, best of {args.repeat}, load average {os.getloadavg()[0]:.2f}, "
          f"code from {Path(align.__file__).parent}")
    print("| step | CPU s |")
    print("|---|---|")
    for name in ("compare", "align", *originals):
        if name in best:
            label = f"`{name}` (own)" if name in originals else f"`{name}` (total)"
            print(f"| {label} | {best[name]:.3f} |")


if __name__ == "__main__":
    main()
