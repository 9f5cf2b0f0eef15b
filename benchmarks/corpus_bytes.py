"""Byte-identity check for speed work: write `diff --format json` (its `tool` stamp left
out: it names the commit) and `diff --format text` of every consecutive corpus pair into
OUT, one file per pair and format. Run it on the code before a change and after, then
`diff -r`: a speed change must leave every file identical, an alignment change must
explain each difference (read both texts).

Usage:  .venv/bin/python benchmarks/corpus_bytes.py OUT      (78 pairs, ~5 s)
        PYTHONPATH=<other checkout> .venv/bin/python benchmarks/corpus_bytes.py OUT2
        diff -r OUT OUT2
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.append(str(REPO))  # last: PYTHONPATH=<another checkout> times/checks that checkout's code


def corpus_dir() -> Path:
    for candidate in (os.environ.get("POLICYDIFF_SHARED"), REPO.parent / "shared", "/work/shared"):
        if candidate and (Path(candidate) / "corpus" / "manifest.json").is_file():
            return Path(candidate) / "corpus"
    raise SystemExit("../shared/corpus not found; set POLICYDIFF_SHARED")


def main() -> None:
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    from policydiff import api

    corpus = corpus_dir()
    out = Path(sys.argv[1])
    out.mkdir(parents=True, exist_ok=True)
    manifest = json.loads((corpus / "manifest.json").read_text(encoding="utf-8"))
    pairs = 0
    for document in manifest["documents"]:
        versions = document["versions"]
        for old, new in zip(versions, versions[1:]):
            name = f"{document['slug']}_{old['date']}_{new['date']}"
            for fmt in ("json", "text"):
                text = api.diff(None, str(corpus / old["file"]), str(corpus / new["file"]), fmt=fmt)
                if fmt == "json":
                    value = json.loads(text)
                    value.pop("tool", None)
                    text = json.dumps(value, ensure_ascii=False, indent=1)
                (out / f"{name}.{fmt}").write_text(text, encoding="utf-8")
            pairs += 1
    print(pairs, "pairs written to", out)


if __name__ == "__main__":
    main()
