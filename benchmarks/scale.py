"""The whole archive, fast (issue 14): figures at the scale of a jurisdiction, in one run.

Usage:  .venv/bin/python benchmarks/scale.py [--versions 2000] [--jobs 2] [--skip-archive]
                                             [--keep DIR] [--repeat 3]

Part 1 — a test compilation (not a real document; labelled so in its first line): each
side is every corpus version concatenated (1.54 M characters, 56 k lines); the new side
holds each document's versions rotated by one, so the diff meets real revisions as
content that moved. Timed end to end (`policydiff diff --format json`, a subprocess) and
against `git diff --no-index --word-diff=porcelain --word-diff-regex=.` on the same two
files; a doubling series (1/8 … 1 of the documents) gives the growth exponent; plus the
公司法 2018 -> 2023 pair end to end. Peak memory is the child's maximum RSS (wait4: the
largest of its processes, not their sum — a diff of two large files reads one side in a
forked child). Then, in process, where the compilation's time goes: each side read,
both read at once, compare, the JSON (--skip-phases leaves it out).

Part 2 — an archive of N versions (default 2,000) made of corpus texts under generated
work ids (`<slug>-tNN`; TEST DATA: each copy's title line gets 「（规模测试数据，副本 NN）」 so
that no two versions hold the same text): `policydiff import` (per-version cost), then
`list` and `status` end to end (best of --repeat), then `build` clean with --jobs 1 and
--jobs J, a rebuild after one added version, pairs per second and peak memory.

Every figure is printed as a Markdown table row; the README quotes them.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
REPO = HERE.parents[1]
POLICYDIFF = [sys.executable, "-m", "policydiff"]
COMPILATION_NOTE = "（性能测试汇编：由语料库全部文本拼接而成，不是真实文件）"
COPY_NOTE = "（规模测试数据，副本 {k:02d}）"


def corpus_dir() -> Path:
    for candidate in (os.environ.get("POLICYDIFF_SHARED"), REPO.parent / "shared", "/work/shared"):
        if candidate and (Path(candidate) / "corpus" / "manifest.json").is_file():
            return Path(candidate) / "corpus"
    raise SystemExit("../shared/corpus not found; set POLICYDIFF_SHARED")


LAST_CPU = [0.0]  # user + system CPU seconds of the last `run` (children included): a loaded machine's wall time lies


def run(argv: list[str], cwd: Path, env: dict | None = None, check: bool = True) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one subprocess, output discarded; its CPU
    seconds (user + system, its own children included) in LAST_CPU[0]."""
    # stderr goes to a file: a pipe read only after the child ends would fill up (64 KiB)
    # and block a chatty child (import prints a line per version) forever.
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=stderr,
                                   env={**os.environ, **(env or {})})
        before = os.times()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
        after = os.times()
        # wait4's usage is the child's own; its children (git, pool workers) are reaped by
        # it and land in our children's totals, which os.times() reports after the wait
        LAST_CPU[0] = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        code = os.waitstatus_to_exitcode(status)
        stderr.seek(0)
        error = stderr.read().decode("utf-8", "replace")
    if check and code != 0:
        raise SystemExit(f"{' '.join(map(str, argv))} failed ({code}): {error[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


BEST_CPU = [0.0]  # the least CPU seconds (user + system) of the runs of the last `best`


def best(repeat: int, argv: list[str], cwd: Path, **kw) -> tuple[float, float]:
    results = []
    for _ in range(repeat):
        results.append((*run(argv, cwd, **kw), LAST_CPU[0]))
    BEST_CPU[0] = min(r[2] for r in results)
    return min(r[0] for r in results), max(r[1] for r in results)


def exponent(sizes: list[float], times: list[float]) -> float:
    return math.log(times[-1] / times[-2]) / math.log(sizes[-1] / sizes[-2])


# --------------------------------------------------------------------------- part 1

def compilation(corpus: Path, fraction: float = 1.0) -> tuple[str, str]:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    documents = manifest["documents"][: max(1, round(len(manifest["documents"]) * fraction))]
    old_parts, new_parts = [COMPILATION_NOTE + "\n\n"], [COMPILATION_NOTE + "\n\n"]
    for document in documents:
        texts = [(corpus / v["file"]).read_text(encoding="utf-8") for v in document["versions"]]
        old_parts += texts
        new_parts += texts[1:] + texts[:1]
    return "\n".join(old_parts), "\n".join(new_parts)


def part_compilation(corpus: Path, work: Path, repeat: int) -> None:
    print("\n### Diff of a test compilation (each side: every corpus version concatenated)\n")
    print("| side chars | side lines | `diff --format json` e2e | git word diff (char regex) | ratio | peak RSS |")
    print("|---|---|---|---|---|---|")
    sizes, times, cpus = [], [], []
    for fraction in (0.125, 0.25, 0.5, 1.0):
        old_text, new_text = compilation(corpus, fraction)
        old, new = work / f"compilation-old-{fraction}.txt", work / f"compilation-new-{fraction}.txt"
        old.write_text(old_text, encoding="utf-8")
        new.write_text(new_text, encoding="utf-8")
        seconds, rss = best(repeat, [*POLICYDIFF, "diff", "--format", "json", str(old), str(new)], work)
        cpu = BEST_CPU[0]
        git_seconds, _ = best(repeat, ["git", "diff", "--no-index", "--word-diff=porcelain",
                                       "--word-diff-regex=.", str(old), str(new)], work, check=False)
        sizes.append(len(old_text))
        times.append(seconds)
        cpus.append(cpu)
        print(f"| {len(old_text):,} | {old_text.count(chr(10)):,} | {seconds:.2f} s ({cpu:.2f} s CPU) | "
              f"{git_seconds:.2f} s | {seconds / git_seconds:.1f}× | {rss:.0f} MB |", flush=True)
    # CPU seconds (both processes of a parallel read) are less disturbed by a busy machine
    print(f"\ngrowth exponent (last doubling): {exponent(sizes, times):.2f} wall, {exponent(sizes, cpus):.2f} CPU")
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    company = next(d for d in manifest["documents"] if d["title"] == "公司法")
    by_date = {v["date"][:4]: corpus / v["file"] for v in company["versions"]}
    if "2018" in by_date and "2023" in by_date:
        seconds, rss = best(repeat, [*POLICYDIFF, "diff", "--format", "json", str(by_date["2018"]),
                                     str(by_date["2023"])], work)
        print(f"公司法 2018 -> 2023 `diff --format json` end to end: {seconds:.2f} s ({BEST_CPU[0]:.2f} s CPU), "
              f"peak RSS {rss:.0f} MB")


def part_phases(work: Path, repeat: int) -> None:
    """Where the compilation's end-to-end time goes, in process (best of `repeat`, after a
    first run that compiles the patterns; the cycle collector off and the remembered 施行
    clauses forgotten before each run, as in a fresh `diff`): each side read alone, both read one after the
    other and at once (intake.load_file_pair: two processes; in a fresh process each),
    compare, the JSON. CPU seconds include the reading child's (reaped before the count)."""
    # appended, not inserted: PYTHONPATH=<another checkout> times that checkout's code (the
    # README's "before" column), as the end-to-end runs above do
    sys.path.append(str(REPO))
    from policydiff import intake
    from policydiff.compare import compare
    from policydiff.render.json import comparison_json

    old, new = work / "compilation-old-1.0.txt", work / "compilation-new-1.0.txt"

    import gc

    try:  # a text's 施行 clauses are remembered (two entries): a repeat would not pay their scan
        from policydiff.ingest.meta import _effective_clauses_of as remembered_clauses
    except ImportError:  # an older checkout on PYTHONPATH
        remembered_clauses = None

    def timed(step):
        results = []
        for _ in range(repeat + 1):
            if remembered_clauses is not None:
                remembered_clauses.cache_clear()
            gc.disable()  # as `policydiff diff` runs (api._no_cycle_collection)
            before, start = os.times(), time.perf_counter()
            value = step()
            wall, after = time.perf_counter() - start, os.times()
            gc.enable()
            cpu = sum(after[:4]) - sum(before[:4])  # user + system, self and children
            results.append((wall, cpu))
        return value, min(r[0] for r in results[1:]), min(r[1] for r in results[1:])

    print("\n### Where the compilation's time goes (in process, best of --repeat, wall / CPU)\n")
    print("| step | wall | CPU |")
    print("|---|---|---|")
    old_side, wall, cpu = timed(lambda: intake.load_file(old))
    print(f"| read the old side (ingest + parse) | {wall:.3f} s | {cpu:.3f} s |")
    _, wall, cpu = timed(lambda: intake.load_file(new))
    print(f"| read the new side | {wall:.3f} s | {cpu:.3f} s |")
    new_side = intake.load_file(new)
    # Both sides in a fresh process, as `diff` reads them (forked from a small parent: a
    # parent already holding two parsed compilations makes a fork copy-on-write its pages);
    # imports included, so only the difference between the two lines is the gain.
    if hasattr(intake, "load_file_pair"):
        for label, call in (("one after the other", "intake.load_file(o), intake.load_file(n)"),
                            ("at once (load_file_pair: 2 processes)", "intake.load_file_pair(o, n)")):
            code = ("import sys; from pathlib import Path; from policydiff import intake; "
                    f"o, n = Path(sys.argv[1]), Path(sys.argv[2]); {call}")
            wall, _ = best(repeat, [sys.executable, "-c", code, str(old), str(new)], work)
            print(f"| read both {label}, fresh process incl. imports | {wall:.3f} s | {BEST_CPU[0]:.3f} s |")
    comparison, wall, cpu = timed(lambda: compare(old_side, new_side))
    print(f"| compare (alignment, redlines, flags) | {wall:.3f} s | {cpu:.3f} s |")
    _, wall, cpu = timed(lambda: comparison_json(comparison))
    print(f"| JSON (policydiff.diff/1) | {wall:.3f} s | {cpu:.3f} s |", flush=True)


# --------------------------------------------------------------------------- part 2

def make_sources(corpus: Path, folder: Path, versions: int) -> int:
    """<work>/<version>.md copies of corpus texts under generated work ids (test data)."""
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    files = [(d["slug"], v["date"], corpus / v["file"]) for d in manifest["documents"] for v in d["versions"]]
    made = 0
    for k in range(math.ceil(versions / len(files))):
        for slug, date, path in files:
            if made == versions:
                return made
            target = folder / f"{slug}-t{k:02d}" / f"{date}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            first, _, rest = path.read_text(encoding="utf-8").partition("\n")
            target.write_text(first + COPY_NOTE.format(k=k) + "\n" + rest, encoding="utf-8")
            made += 1
    return made


def part_archive(corpus: Path, work: Path, versions: int, jobs: int, repeat: int, build: bool = True) -> None:
    top = work / "archive"
    sources = work / "sources"
    held_back = sources / "held-back"
    if (top / "versions").is_dir() and held_back.is_dir():  # --keep DIR of an earlier run: reuse it
        made = sum(1 for _ in sources.rglob("*.md"))
        print(f"\n### An archive of {made:,} versions (corpus texts under generated work ids: test data), reused\n")
        print("| step | wall | per version / pair | peak RSS |")
        print("|---|---|---|---|")
    else:
        top.mkdir()
        for args in (["init", "-q"], ["config", "user.email", "bench@example.invalid"],
                     ["config", "user.name", "policydiff benchmark"]):
            subprocess.run(["git", *args], cwd=top, check=True)
        made = make_sources(corpus, sources, versions)
        # one version is held back, to measure the rebuild after adding it
        last = sorted(p for p in sources.rglob("*.md") if "held-back" not in p.parts)[-1]
        held_back.mkdir()
        (held_back / "work").write_text(last.parent.name, encoding="utf-8")
        shutil.move(str(last), held_back / last.name)
        run([*POLICYDIFF, "init"], top)
        seconds, rss = run([*POLICYDIFF, "import", str(sources), "--exclude", "held-back/*", "--jobs", str(jobs)], top)
        print(f"\n### An archive of {made:,} versions (corpus texts under generated work ids: test data)\n")
        print("| step | wall | per version / pair | peak RSS |")
        print("|---|---|---|---|")
        print(f"| `import` ({made - 1:,} versions, --jobs {jobs}) | {seconds:.1f} s | {seconds / (made - 1):.3f} s | "
              f"{rss:.0f} MB |", flush=True)
    listing = json.loads(subprocess.run([*POLICYDIFF, "list", "--format", "json"], cwd=top, check=True,
                                        capture_output=True, text=True).stdout)
    some_work = listing["works"][len(listing["works"]) // 2]["work"]
    for label, argv in (("list", ["list"]), ("list --format json", ["list", "--format", "json"]),
                        (f"status {some_work}", ["status", some_work]),
                        (f"log {some_work}", ["log", some_work])):
        seconds, rss = best(repeat, [*POLICYDIFF, *argv], top)
        print(f"| `{label}` | {seconds:.2f} s | | {rss:.0f} MB |", flush=True)
    if not build:
        return
    pairs = sum(max(0, len(w["versions"]) - 1) for w in listing["works"])
    for build_jobs in sorted({1, jobs}):
        out = work / f"site-{build_jobs}"
        seconds, rss = run([*POLICYDIFF, "build", str(out), "--jobs", str(build_jobs), "--no-cache"], top)
        print(f"| `build --jobs {build_jobs}` clean ({pairs:,} pairs) | {seconds:.1f} s ({LAST_CPU[0]:.1f} s CPU) | "
              f"{pairs / seconds:.1f} pairs/s | {rss:.0f} MB |", flush=True)
        clean_seconds, clean_cpu = seconds, LAST_CPU[0]
    out = work / "site-incremental"
    added = next(p for p in held_back.iterdir() if p.suffix == ".md")
    held_work = (held_back / "work").read_text(encoding="utf-8")
    archived = top / "versions" / held_work / added.name
    if archived.is_file():  # an earlier run (--keep) added it: hold it back again, in one commit
        subprocess.run(["git", "rm", "-q", "--", f"versions/{held_work}/{added.stem}.*"], cwd=top, check=True)
        subprocess.run(["git", "commit", "-q", "-m", f"benchmark: hold {held_work}@{added.stem} back again"],
                       cwd=top, check=True)
    run([*POLICYDIFF, "build", str(out), "--jobs", str(jobs)], top)  # fills the cache
    run([*POLICYDIFF, "add", str(added), "--work", held_work, "--version", added.stem], top)
    seconds, rss = run([*POLICYDIFF, "build", str(out), "--jobs", str(jobs)], top)
    print(f"| rebuild after adding one version | {seconds:.1f} s ({LAST_CPU[0]:.1f} s CPU) | "
          f"{100 * seconds / clean_seconds:.1f}% of clean ({100 * LAST_CPU[0] / clean_cpu:.1f}% of its CPU) | "
          f"{rss:.0f} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--versions", type=int, default=2000)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-archive", action="store_true", help="part 1 only")
    parser.add_argument("--skip-compilation", action="store_true", help="part 2 only")
    parser.add_argument("--skip-build", action="store_true", help="part 2 without the builds")
    parser.add_argument("--skip-phases", action="store_true",
                        help="part 1 without the in-process split of the compilation's time")
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temp folder, removed)")
    args = parser.parse_args()
    corpus = corpus_dir()
    work = args.keep or Path(tempfile.mkdtemp(prefix="policydiff-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"policydiff scale benchmark; python {sys.version.split()[0]}; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.1f}")
    try:
        if not args.skip_compilation:
            part_compilation(corpus, work, args.repeat)
            if not args.skip_phases:
                part_phases(work, args.repeat)
        if not args.skip_archive:
            part_archive(corpus, work, args.versions, args.jobs, args.repeat, build=not args.skip_build)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
