"""Real documents as published: does `add` read the right values? (run by hand; prints
markdown tables).

    .venv/bin/python benchmarks/realdocs.py [--details] [--no-corpus] [--no-pdf20] [--no-printed]
                                            [--corpus-printed STEP]
                                            [--save-corpus FILE | --compare-corpus FILE]

1. ../shared/realdocs (DOCX, DOC, PDF, HTML with hand-checked values in manifest.json):
   each file goes through what `add` runs before it writes (intake.parse_file:
   format detection, DOCX/PDF reading or LibreOffice conversion, cleaning, metadata,
   structure). Per format and per field, right/total:
     measures  the number of measures equals `expected.measures`
     title     the title equals `expected.title` or one of `title_alt` (white space aside)
     文号      equals `expected.doc_no` (white space aside); null means none must be found
     issuers   the same set of issuers; [] means none must be found
     issued / effective   the same ISO date; null means none must be found
     repeals   every expected repeal found (by its 文号 when it has one, else by its title)
               and nothing else
     clean     (where `expected.clean`) the last measure holds no end matter: no 抄送/印发/
               附件 line, signature date or issuer line, page number, or site-footer line
   plus the import time per document (median and worst per format). The row "pdf printed
   from doc/docx" reads every DOCX/DOC file again after LibreOffice printed it to PDF: the
   same real texts in real word-processor layouts, scored against the same values
   (--no-printed skips it).
   --details prints one row per document with what was wrong.
2. The shared corpus (155 versions): measures against the manifest's article count (the
   one documented parser difference in tests/corpus_parse_mismatches.txt counts as right),
   title against the manifest title, and import time. --save-corpus FILE writes every
   version's extracted values (title, 文号, issuers, issued, effective, measures, repeals);
   --compare-corpus FILE lists the versions whose values changed since (the issue's target:
   corpus versions keep their figures). FILE lives outside the repository.
3. --corpus-printed STEP: every STEP-th corpus version set as a Word file (a paragraph per
   line, first-line indents, page numbers), printed to PDF by LibreOffice and read back:
   paragraphs identical (white space aside) and measure count, on real legal text.
4. A 20-page text PDF (a fictional rule printed by LibreOffice; needs soffice): pages, and
   the import time in-process (best of 3) and end to end (`policydiff add --dry-run` in a
   fresh process). Target: < 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from policydiff.intake import parse_file  # noqa: E402
from policydiff.errors import PolicyDiffError  # noqa: E402
from tests.conftest import CORPUS, SHARED  # noqa: E402

REALDOCS = SHARED / "realdocs"
FIELDS = ("measures", "title", "文号", "issuers", "issued", "effective", "repeals", "clean")

# End matter that must not be inside the last measure (see `clean` above).
_END_MATTER = re.compile(
    r"^\s*(?:抄\s*送|报\s*送|分\s*送|印\s*发|主\s*题\s*词|附\s*件\s*[:：\d１-９一二三四五六七八九]|附件\s*$)"
    r"|日\s*印发\s*$|(?:版权所有|ICP|备案号|打印本页|关闭窗口|分享到|【字号|此件公开发布|此件主动公开|全文结束)"
    r"|^\s*[-－—–]\s*\d+\s*[-－—–]\s*$"
    r"|^\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$"
    r"|^\s*[一二三四五六七八九〇○零Ｏ０O]{4}\s*年[一二三四五六七八九十]{1,2}月[一二三四五六七八九十]{1,3}日\s*$"
    r"|^\s*\S{2,20}(?:人民政府|委员会|办公厅|办公室|局|厅|部)\s*$",
    re.MULTILINE,
)


def squash(text: str | None) -> str | None:
    return re.sub(r"\s+", "", text) if text is not None else None


def _repeals_right(expected: list[dict], found) -> bool:
    if len(found) != len(expected):
        return False
    found_nos = {squash(r.doc_no) for r in found if r.doc_no}
    found_titles = {squash(r.title) for r in found if r.title}
    for item in expected:
        if item.get("doc_no"):
            if squash(item["doc_no"]) not in found_nos:
                return False
        elif squash(item.get("title")) not in found_titles:
            return False
    return True


def score(expected: dict, meta, document) -> dict[str, bool | None]:
    """Field -> right (True/False), or None when the field is not checked for this file."""
    measures = document.measures
    titles = {squash(expected["title"]), *(squash(t) for t in expected.get("title_alt") or [])}
    last = measures[-1].text if measures else ""
    # the measure's own first line holds its label and may hold anything; end matter
    # shows as lines of its own after it
    tail = last.split("\n", 1)[1] if "\n" in last.strip("\n") else ""
    return {
        "measures": len(measures) == expected["measures"],
        "title": squash(meta.title) in titles,
        "文号": squash(meta.doc_no) == squash(expected.get("doc_no")),
        "issuers": sorted(squash(i) for i in meta.issuers) == sorted(squash(i) for i in expected.get("issuers") or []),
        "issued": meta.issued == expected.get("issued"),
        "effective": meta.effective == expected.get("effective"),
        "repeals": _repeals_right(expected.get("repeals") or [], meta.repeals),
        "clean": (not _END_MATTER.search(tail)) if expected.get("clean") else None,
    }


def _got(field: str, expected: dict, meta, document) -> str:
    return {
        "measures": f"{len(document.measures)} (want {expected['measures']})",
        "title": f"{meta.title!r} (want {expected['title']!r})",
        "文号": f"{meta.doc_no!r} (want {expected.get('doc_no')!r})",
        "issuers": f"{list(meta.issuers)} (want {expected.get('issuers')})",
        "issued": f"{meta.issued} (want {expected.get('issued')})",
        "effective": f"{meta.effective} (want {expected.get('effective')})",
        "repeals": f"{[r.doc_no or r.title for r in meta.repeals]} (want "
                   f"{[r.get('doc_no') or r.get('title') for r in expected.get('repeals') or []]})",
        "clean": "last measure ends " + repr((document.measures[-1].text[-80:] if document.measures else "")),
    }[field]


def _printed(entry: dict) -> bytes:
    """The Word file of a realdocs entry printed to PDF by LibreOffice (a real text in a
    real word-processor layout: justified or ragged lines, indents, signatures, page breaks)."""
    from policydiff.ingest.office import convert, convert_to_docx

    data = (REALDOCS / entry["id"] / entry["file"]).read_bytes()
    if entry["format"] == "doc":
        data = convert_to_docx(data, "doc", entry["id"])
    return convert(data, "docx", "pdf", entry["id"])


def realdocs(details: bool, printed: bool) -> None:
    manifest = json.loads((REALDOCS / "manifest.json").read_text(encoding="utf-8"))
    rows: dict[str, dict[str, list[int]]] = {}
    times: dict[str, list[float]] = {}
    problems: list[str] = []
    jobs = [({"htm": "html"}.get(e["format"], e["format"]), e, None) for e in manifest["documents"]]
    if printed:
        from policydiff.ingest.office import soffice_path

        if soffice_path() is None:
            print("(printed rows skipped: soffice not installed)\n")
        else:
            jobs += [("pdf printed from doc/docx", e, _printed(e)) for e in manifest["documents"]
                     if e["format"] in ("doc", "docx")]
    for fmt, entry, printed_pdf in jobs:
        path = REALDOCS / entry["id"] / entry["file"]
        data = printed_pdf if printed_pdf is not None else path.read_bytes()
        start = time.perf_counter()
        try:
            meta, document, _notes = parse_file(data, path.name if printed_pdf is None else "printed.pdf")
        except PolicyDiffError as error:
            problems.append(f"| {entry['id']} | {fmt} | ERROR | {error} |")
            times.setdefault(fmt, [])
            for field in FIELDS:
                rows.setdefault(fmt, {}).setdefault(field, [0, 0])[1] += 1
            continue
        elapsed = time.perf_counter() - start
        times.setdefault(fmt, []).append(elapsed)
        result = score(entry["expected"], meta, document)
        wrong = []
        for field, right in result.items():
            if right is None:
                continue
            cell = rows.setdefault(fmt, {}).setdefault(field, [0, 0])
            cell[0] += bool(right)
            cell[1] += 1
            if not right:
                wrong.append(f"{field}: {_got(field, entry['expected'], meta, document)}")
        if details:
            problems.append(f"| {entry['id']} | {fmt} | {elapsed:.2f} s | {'; '.join(wrong) or 'all right'} |")
    formats = list(dict.fromkeys(fmt for fmt, _, _ in jobs))
    print(f"### realdocs ({sum(len(v) for v in times.values())} documents read)\n")
    print("| format | docs | " + " | ".join(FIELDS) + " | import time median / worst |")
    print("|---|---|" + "---|" * len(FIELDS) + "---|")
    total: dict[str, list[int]] = {}
    for fmt in formats:
        cells = []
        for field in FIELDS:
            right, of = rows[fmt].get(field, [0, 0])
            total.setdefault(field, [0, 0])
            total[field][0] += right
            total[field][1] += of
            cells.append(f"{right}/{of}" if of else "–")
        spent = times.get(fmt, [])
        timing = f"{statistics.median(spent):.2f} / {max(spent):.2f} s" if spent else "–"
        print(f"| {fmt} | {rows[fmt]['measures'][1]} | " + " | ".join(cells) + f" | {timing} |")
    cells = []
    for field in FIELDS:
        right, of = total.get(field, [0, 0])
        cells.append(f"**{right}/{of}** ({100 * right / of:.0f}%)" if of else "–")
    print(f"| all | {sum(rows[f]['measures'][1] for f in formats)} | " + " | ".join(cells) + " | |")
    if problems:
        print("\n| document | format | time | wrong |\n|---|---|---|---|")
        print("\n".join(problems))
    print()


def _corpus_values(meta, document) -> dict:
    return {"title": meta.title, "doc_no": meta.doc_no, "issuers": list(meta.issuers), "issued": meta.issued,
            "effective": meta.effective, "measures": len(document.measures),
            "repeals": [r.doc_no or r.title for r in meta.repeals]}


def corpus(save: str | None, compare: str | None) -> None:
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    known = {}
    mismatch_file = REPO / "tests" / "corpus_parse_mismatches.txt"
    for line in mismatch_file.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _manifest_count, parsed, *_ = line.split("\t")
            known[name] = int(parsed)
    right = {"measures": 0, "title": 0}
    total = 0
    spent: list[float] = []
    values: dict[str, dict] = {}
    for document_entry in manifest["documents"]:
        for version in document_entry["versions"]:
            path = CORPUS / version["file"]
            data = path.read_bytes()
            start = time.perf_counter()
            meta, document, _ = parse_file(data, path.name)
            spent.append(time.perf_counter() - start)
            total += 1
            want = known.get(version["file"], version["articles"])
            right["measures"] += len(document.measures) == want
            right["title"] += squash(meta.title) == squash(version["title"])
            values[version["file"]] = _corpus_values(meta, document)
    print(f"### corpus ({total} versions)\n")
    print("| field | right/total | import time median / worst |\n|---|---|---|")
    print(f"| measures (manifest count) | {right['measures']}/{total} | "
          f"{statistics.median(spent):.3f} / {max(spent):.3f} s |")
    print(f"| title (manifest title) | {right['title']}/{total} | |")
    if save:
        Path(save).write_text(json.dumps(values, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
        print(f"\n(saved every version's extracted values to {save})")
    if compare:
        before = json.loads(Path(compare).read_text(encoding="utf-8"))
        changed = [(name, field, before[name].get(field), now.get(field))
                   for name, now in sorted(values.items()) if name in before
                   for field in now if before[name].get(field) != now.get(field)]
        versions = len({name for name, *_ in changed})
        print(f"\n{versions} of {total} versions changed since {compare}")
        for name, field, old, new in changed:
            print(f"- {name} {field}: {old!r} -> {new!r}")
    print()


def corpus_printed(step: int) -> None:
    """Every `step`-th corpus version as a Word file (one paragraph per line of its clean
    text, first-line indents, a page-number footer) printed to PDF by LibreOffice in one
    run, then read back: paragraphs identical (white space aside) and measures right."""
    import difflib
    import shutil as _shutil

    from policydiff.ingest.office import soffice_path
    from tests import _docx_build as B

    program = soffice_path()
    if program is None:
        print("### corpus printed to PDF\n\nskipped: soffice not installed\n")
        return
    files = sorted(CORPUS.glob("*/*.md"))[::step]
    folder = Path(tempfile.mkdtemp(prefix="policydiff-corpus-pdf-"))
    try:
        wanted = {}
        for path in files:
            meta, document, _ = parse_file(path.read_bytes(), path.name)
            paragraphs = [line.strip() for line in document.text.split("\n") if line.strip()]
            body = "".join(B.para(p, indent=not re.match(r"^第.{1,5}[章节编]", p)) for p in paragraphs)
            name = f"{path.parent.name}_{path.stem}"
            (folder / f"{name}.docx").write_bytes(
                B.docx_bytes(body, footer_xml=B.header_footer("footer", B.page_number_footer())))
            wanted[name] = (paragraphs, len(document.measures))
        subprocess.run([program, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                        "--convert-to", "pdf", "--outdir", str(folder), *(str(folder / f"{n}.docx") for n in wanted)],
                       capture_output=True, check=False, timeout=3600)
        same = measures_right = 0
        spent: list[float] = []
        differing = []
        for name, (paragraphs, measures) in wanted.items():
            pdf = (folder / f"{name}.pdf").read_bytes()
            start = time.perf_counter()
            meta, document, _ = parse_file(pdf, "printed.pdf")
            spent.append(time.perf_counter() - start)
            got = [re.sub(r"\s", "", line) for line in document.text.split("\n") if line.strip()]
            want = [re.sub(r"\s", "", line) for line in paragraphs]
            same += got == want
            measures_right += len(document.measures) == measures
            if got != want:
                lines = [l for l in difflib.unified_diff(want, got, lineterm="", n=0) if l[:1] in "+-" and l[:3] not in ("---", "+++")]
                differing.append(f"- {name}: {len(lines)} line(s) differ, e.g. {lines[:2]}")
        print(f"### corpus printed to PDF ({len(wanted)} corpus files, every {step}. file)\n")
        print("| paragraphs identical | measures right | import time median / worst |\n|---|---|---|")
        print(f"| {same}/{len(wanted)} | {measures_right}/{len(wanted)} | "
              f"{statistics.median(spent):.3f} / {max(spent):.3f} s |\n")
        print("\n".join(differing))
    finally:
        _shutil.rmtree(folder, ignore_errors=True)


def pdf20() -> None:
    from policydiff.ingest.office import convert, soffice_path
    from tests._docx_build import fictional_rule_docx

    if soffice_path() is None:
        print("### 20-page text PDF\n\nskipped: soffice not installed (apt-get install libreoffice-writer)\n")
        return
    import pypdfium2 as pdfium

    articles = 320  # 20 A4 pages as LibreOffice prints them
    pdf = convert(fictional_rule_docx(articles), "docx", "pdf", "the fictional rule")
    pages = len(pdfium.PdfDocument(pdf))
    best = min(_timed(lambda: parse_file(pdf, "rule.pdf")) for _ in range(3))
    with tempfile.TemporaryDirectory(prefix="policydiff-bench-") as folder:
        source = Path(folder) / "rule.pdf"
        source.write_bytes(pdf)
        subprocess.run(["git", "init", "-q", folder], check=True)
        env = dict(os.environ, POLICYDIFF_ARCHIVE=str(Path(folder) / "versions"))
        policydiff = str(Path(sys.executable).with_name("policydiff"))
        subprocess.run([policydiff, "init", str(Path(folder) / "versions")], check=True, capture_output=True, env=env)
        end_to_end = float("inf")
        for attempt in range(3):  # best of 3: the machine is shared
            start = time.perf_counter()
            done = subprocess.run([policydiff, "add", str(source), "--work", f"rule{attempt}", "--version", "2024"],
                                  capture_output=True, text=True, env=env)
            end_to_end = min(end_to_end, time.perf_counter() - start)
        measures = re.search(r"measures:\s+(\d+)", done.stderr)
        # the fixed cost of any add (interpreter, imports, archive lock, git commit): a
        # one-article text file
        tiny = Path(folder) / "tiny.txt"
        tiny.write_text("示例办法（测试用虚构文本）\n第一条 测试。\n", encoding="utf-8")
        fixed = float("inf")
        for attempt in range(3):
            start = time.perf_counter()
            subprocess.run([policydiff, "add", str(tiny), "--work", f"tiny{attempt}", "--version", "2024"],
                           capture_output=True, text=True, env=env)
            fixed = min(fixed, time.perf_counter() - start)
    print("### 20-page text PDF (fictional rule printed by LibreOffice)\n")
    print("| pages | measures read | import in-process (best of 3) | `policydiff add` end to end, best of 3 (new process, one git commit) | the same for a one-line .txt (fixed cost) |")
    print("|---|---|---|---|---|")
    print(f"| {pages} | {measures.group(1) if measures else '?'} of {articles} | {best:.3f} s | {end_to_end:.2f} s "
          f"| {fixed:.2f} s |\n")


def _timed(job) -> float:
    start = time.perf_counter()
    job()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--details", action="store_true", help="one row per real document")
    parser.add_argument("--no-corpus", action="store_true")
    parser.add_argument("--no-pdf20", action="store_true")
    parser.add_argument("--corpus-printed", type=int, metavar="STEP", default=0,
                        help="also print every STEP-th corpus version to PDF and read it back (1: all, ~2 min)")
    parser.add_argument("--no-printed", action="store_true",
                        help="skip printing the DOCX/DOC files to PDF with LibreOffice (about a minute)")
    parser.add_argument("--save-corpus", metavar="FILE")
    parser.add_argument("--compare-corpus", metavar="FILE")
    args = parser.parse_args()
    realdocs(args.details, not args.no_printed)
    if not args.no_corpus:
        corpus(args.save_corpus, args.compare_corpus)
    if args.corpus_printed:
        corpus_printed(args.corpus_printed)
    if not args.no_pdf20:
        pdf20()


if __name__ == "__main__":
    main()
