"""Ingestion benchmark (run by hand; prints a markdown table).

    .venv/bin/python benchmarks/ingest.py [--samples N] [--seed S]

1. Encoding detection on short snippets: N random corpus lines (real simplified text),
   cut to 2/4/8/16/32 characters, encoded as GBK and (where possible) Big5, decoded by
   policydiff.ingest.decode without a hint. Reports exact round trips.
2. Speed: ingest of the whole corpus concatenated (about 4 MB) as UTF-8 text and as
   GB18030 Markdown, and of the seed page 100 times.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policydiff.errors import BadInputError  # noqa: E402
from policydiff.ingest import decode, ingest  # noqa: E402
from tests.conftest import CORPUS, SEED  # noqa: E402

LENGTHS = (2, 4, 8, 16, 32)


def detection(samples: int, seed: int) -> None:
    rng = random.Random(seed)
    lines = [line for path in sorted(CORPUS.glob("*/*.md"))
             for line in path.read_text(encoding="utf-8").split("\n") if len(line) > 32]
    chosen = rng.sample(lines, samples)
    print("| encoding | chars | exact | of |")
    print("|---|---|---|---|")
    for codec in ("gbk", "big5"):
        for length in LENGTHS:
            ok = total = 0
            for line in chosen:
                snippet = line[:length]
                if snippet.isascii():
                    continue
                try:
                    data = snippet.encode(codec)
                except UnicodeEncodeError:
                    continue
                total += 1
                try:
                    ok += decode(data)[0] == snippet
                except BadInputError:
                    pass
            print(f"| {codec} | {length} | {ok} | {total} |")


def speed() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in sorted(CORPUS.glob("*/*.md")))
    for label, data, name in (("corpus as UTF-8 .txt", text.encode("utf-8"), "all.txt"),
                              ("corpus as GB18030 .md", text.encode("gb18030"), "all.md")):
        start = time.perf_counter()
        ingest(data, name)
        print(f"{label}: {len(data) / 1e6:.1f} MB in {time.perf_counter() - start:.2f} s")
    data = SEED.read_bytes()
    start = time.perf_counter()
    for _ in range(100):
        ingest(data, SEED.name)
    print(f"seed page x100: {time.perf_counter() - start:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=400)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    detection(args.samples, args.seed)
    speed()


if __name__ == "__main__":
    main()
