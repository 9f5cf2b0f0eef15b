"""Adversarial inputs through ingest + parse: doubling series and growth exponents.

Every pattern applied to user text must run in linear time (issue 9): a long line without
punctuation, the same character repeated, stock phrases repeated, many short lines, many
numbered lines. For each shape the input doubles from --start characters (or lines) and the
script prints seconds per size and the growth exponent log2(t(2n)/t(n)) of the last steps
(1.0 = linear). All inputs are generated here; none is a real policy text.

    .venv/bin/python benchmarks/adversarial.py [--start 20000] [--steps 4]
"""

from __future__ import annotations

import argparse
import math
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policydiff.ingest import ingest  # noqa: E402
from policydiff.structure import parse  # noqa: E402

TITLE = "示例市促进创新若干措施(测试用虚构文本)\n"


def no_punctuation(n: int) -> str:
    body = ("示例市鼓励虚构企业开展技术创新活动支持园区建设" * (n // 24 + 1))[:n]
    return TITLE + "第一条 " + body + "\n"


def one_char(n: int) -> str:
    return TITLE + "第一条 " + "款" * n + "\n"


def stock_phrases(n: int) -> str:
    phrase = "本办法自印发之日起施行有效期至同时废止关于印发的通知"
    return TITLE + "第一条 " + (phrase * (n // len(phrase) + 1))[:n] + "\n"


def dates_and_numbers(n: int) -> str:
    piece = "2024年10月9日京科发〔2022〕4号第"
    return TITLE + "第一条 " + (piece * (n // len(piece) + 1))[:n] + "\n"


def short_lines(n: int) -> str:
    return TITLE + "".join("示例\n" for _ in range(n // 3))


def numbered_lines(n: int) -> str:
    lines = []
    for i in range(1, n // 12 + 1):
        lines.append(f"{i}.示例措施内容\n")
    return TITLE + "".join(lines)


SHAPES = {"no punctuation": no_punctuation, "one character": one_char, "stock phrases": stock_phrases,
          "dates and 文号": dates_and_numbers, "short lines": short_lines, "numbered lines": numbered_lines}


def run(text: str) -> float:
    data = text.encode("utf-8")
    start = time.perf_counter()
    ingested = ingest(data, "x.txt")
    parse(ingested.text, ingested.meta)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--start", type=int, default=20_000, help="first size in characters")
    parser.add_argument("--steps", type=int, default=4, help="doublings")
    parser.add_argument("--shape", choices=sorted(SHAPES), action="append")
    args = parser.parse_args()
    print(f"| shape | " + " | ".join(f"{args.start * 2 ** k:,} chars" for k in range(args.steps))
          + " | growth exponent (last step) |")
    print("|---" * (args.steps + 2) + "|")
    for name in args.shape or SHAPES:
        times = [run(SHAPES[name](args.start * 2 ** k)) for k in range(args.steps)]
        exponent = math.log2(times[-1] / times[-2]) if times[-2] > 0 else float("nan")
        print(f"| {name} | " + " | ".join(f"{t:.3f} s" for t in times) + f" | {exponent:.2f} |", flush=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
