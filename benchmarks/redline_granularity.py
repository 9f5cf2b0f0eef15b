"""Measure which redline granularity reads best on real Chinese revisions.

Usage: .venv/bin/python benchmarks/redline_granularity.py [--strategies char,snap,jieba,snap/dmp]

A strategy is GRANULARITY[/ENGINE]: granularity char, snap or jieba (needs jieba
installed; it is not a dependency); engine lcs (default) or dmp (see policydiff.textdiff).

For every consecutive version pair of ../shared/corpus, articles (lines starting 第X条)
are paired 1:1 by mutual best rapidfuzz ratio (>= 0.5); pairs whose text differs are
redlined with each strategy. Criteria (lower is better for all three):
  fragments / article   edit runs a reader must parse
  short fragments       share of edit runs marking < 2 characters in total (confetti)
  marked / minimum      characters marked "-"/"+" relative to the char-level strategy
  number cuts / 100     edit boundaries inside a figure (digits or Chinese numerals), per
                        100 changed articles
  seconds               redline time for all pairs (jieba: plus ~0.5 s dictionary load)
This benchmark uses a simple article splitter of its own so that it measures the redline
alone, independent of the structure parser.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz, process

from policydiff import textdiff

HERE = Path(__file__).resolve()
CORPUS = HERE.parents[1].parent / "shared" / "corpus"
if not CORPUS.is_dir():
    CORPUS = Path("/work/shared/corpus")

ARTICLE_RE = re.compile(r"^第[一二三四五六七八九十百千零〇0-9]+条(?:之[一二三四五六七八九十])?\s")


def articles(text: str) -> list[str]:
    body = text.split("<!-- INFO END -->", 1)[-1]
    out: list[str] = []
    for line in body.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            if out:
                out.append("")  # a heading ends the article
            continue
        if ARTICLE_RE.match(line):
            out.append(line.split(None, 1)[1] if " " in line else line)
        elif out and out[-1] != "":
            out[-1] += "\n" + line
    return [a for a in out if a]


def article_pairs(corpus: Path) -> list[tuple[str, str]]:
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    pairs: list[tuple[str, str]] = []
    for document in manifest["documents"]:
        files = [v["file"] for v in document["versions"]]
        for old_file, new_file in zip(files, files[1:]):
            old = articles((corpus / old_file).read_text(encoding="utf-8"))
            new = articles((corpus / new_file).read_text(encoding="utf-8"))
            if not old or not new:
                continue
            best_new = [process.extractOne(a, new, scorer=fuzz.ratio) for a in old]
            best_old = {}
            for j, b in enumerate(new):
                hit = process.extractOne(b, old, scorer=fuzz.ratio)
                best_old[j] = hit[2]
            for i, (text, score, j) in enumerate(best_new):
                if score >= 50 and best_old[j] == i and old[i] != new[j]:
                    pairs.append((old[i], new[j]))
    return pairs


def measure(pairs, strategy: str) -> dict[str, float]:
    """strategy: GRANULARITY[/ENGINE], e.g. "snap" or "snap/dmp"."""
    granularity, _, engine = strategy.partition("/")
    saved_engine = textdiff.ENGINE
    textdiff.ENGINE = engine or saved_engine
    try:
        return _measure(pairs, granularity)
    finally:
        textdiff.ENGINE = saved_engine


def _measure(pairs, strategy: str) -> dict[str, float]:
    n_fragments = n_short = marked = cuts = 0
    start = time.perf_counter()
    for old, new in pairs:
        segments = textdiff.redline(old, new, strategy)
        assert textdiff.rebuild_old(segments) == old and textdiff.rebuild_new(segments) == new
        runs = textdiff.fragments(segments)
        n_fragments += len(runs)
        n_short += sum(len(r) < 2 for r in runs)
        marked += textdiff.changed_chars(segments)
        cuts += textdiff.number_cuts(segments)
    return {"fragments_per_article": n_fragments / len(pairs), "short_share": n_short / max(n_fragments, 1),
            "marked": marked, "number_cuts": cuts / len(pairs) * 100, "seconds": time.perf_counter() - start}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strategies", default="char,snap,jieba,char/dmp,snap/dmp")
    args = parser.parse_args()
    pairs = article_pairs(CORPUS)
    print(f"{len(pairs)} changed article pairs from {CORPUS}")
    results = {}
    for strategy in args.strategies.split(","):
        try:
            results[strategy] = measure(pairs, strategy)
        except ImportError as exc:
            print(f"{strategy}: skipped ({exc})")
    base = results.get("char", results.get("char/dmp", {})).get("marked") or 1
    print(f"engine: {textdiff.ENGINE} unless /ENGINE given")
    print(f"{'strategy':10} {'frag/article':>12} {'frag<2ch':>9} {'marked/char':>11} {'numcut/100':>10} {'seconds':>8}")
    for strategy, r in results.items():
        print(f"{strategy:10} {r['fragments_per_article']:12.2f} {r['short_share']:9.1%} "
              f"{r['marked'] / base:11.2f} {r['number_cuts']:10.1f} {r['seconds']:8.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
