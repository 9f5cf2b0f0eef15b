"""Structure benchmark (run by hand; prints a markdown table).

    .venv/bin/python benchmarks/structure.py

1. Corpus figures: how many of the 155 corpus versions parse with exactly the manifest's
   `articles` count, how many containers match upstream's ##/###/#### headings, and how
   many bodies round-trip through mdbody.
2. Speed: structure.parse and mdbody to/from on the whole corpus (clean texts prepared
   first, so ingest time is not counted), best of 3.
"""

from __future__ import annotations

import json
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from policydiff.ingest import ingest  # noqa: E402
from policydiff.mdbody import from_markdown, to_markdown  # noqa: E402
from policydiff.structure import parse  # noqa: E402
from tests.conftest import CORPUS  # noqa: E402


def main() -> None:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    versions = [v for d in manifest["documents"] for v in d["versions"]]
    texts = {v["file"]: ingest((CORPUS / v["file"]).read_bytes(), v["file"]).text for v in versions}
    exact = containers_ok = round_trips = 0
    for v in versions:
        doc = parse(texts[v["file"]])
        exact += len(doc.measures) == v["articles"]
        source = (CORPUS / v["file"]).read_text(encoding="utf-8")
        containers_ok += len(re.findall(r"^#{2,}\s", source, re.MULTILINE)) == len(doc.containers)
        round_trips += from_markdown(to_markdown(doc)) == doc
    print("| figure | value | of |")
    print("|---|---|---|")
    print(f"| measures == manifest articles | {exact} | {len(versions)} |")
    print(f"| containers == upstream headings | {containers_ok} | {len(versions)} |")
    print(f"| mdbody exact round trip | {round_trips} | {len(versions)} |")
    chars = sum(len(t) for t in texts.values())

    def best(fn) -> float:
        times = []
        for _ in range(3):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
        return min(times)

    docs = [parse(t) for t in texts.values()]
    bodies = [to_markdown(d) for d in docs]
    print()
    print(f"| step ({len(texts)} texts, {chars} chars) | seconds |")
    print("|---|---|")
    print(f"| structure.parse | {best(lambda: [parse(t) for t in texts.values()]):.3f} |")
    print(f"| mdbody.to_markdown | {best(lambda: [to_markdown(d) for d in docs]):.3f} |")
    print(f"| mdbody.from_markdown | {best(lambda: [from_markdown(b) for b in bodies]):.3f} |")


if __name__ == "__main__":
    main()
