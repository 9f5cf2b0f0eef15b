"""Every corpus version parses with as many measures as its manifest `articles` field.

`articles` counts lines that start with 第X条 followed by a space, in the upstream file.
Where the parser rightly disagrees, the version is listed in corpus_parse_mismatches.txt
(tab-separated: file, manifest count, parsed count, explanation). The test compares with
that file both ways: a new mismatch fails (a regression), and so does a listed mismatch
that went away (update the file)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from policydiff.model import BlockKind
from policydiff.structure import parse

from .conftest import CORPUS
from ._cleantext import clean_file

MISMATCHES_FILE = Path(__file__).with_name("corpus_parse_mismatches.txt")


def known_mismatches() -> dict[str, tuple[int, int, str]]:
    known = {}
    for line in MISMATCHES_FILE.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        file, expected, got, why = line.split("\t")
        assert why.strip(), f"{file}: every listed mismatch needs an explanation"
        known[file] = (int(expected), int(got), why)
    return known


@pytest.fixture(scope="module")
def parsed(manifest):
    return {
        version["file"]: (version, parse(clean_file(CORPUS / version["file"])))
        for document in manifest["documents"]
        for version in document["versions"]
    }


def test_measure_counts_match_manifest(parsed):
    assert len(parsed) == 155
    mismatches = {
        file: (version["articles"], len(doc.measures))
        for file, (version, doc) in parsed.items()
        if len(doc.measures) != version["articles"]
    }
    known = {file: (e, g) for file, (e, g, _) in known_mismatches().items()}
    assert mismatches == known
    exact = len(parsed) - len(mismatches)
    assert exact >= 154


def test_measures_are_articles_numbered_in_order(parsed):
    for file, (_, doc) in parsed.items():
        assert "".join(b.raw for b in doc.blocks) == doc.text, file
        previous = (0, None)
        for measure in doc.measures:
            assert measure.level == "article", file
            key = (measure.number, measure.sub_number)
            assert key > previous, f"{file}: {measure.label} after {previous}"
            previous = key


def test_containers_match_upstream_headings(parsed):
    """Upstream marks 编/章/节 with ## / ### / ####: each such heading is one container,
    nested as the marks say, and no container comes from anywhere else."""
    for file, (_, doc) in parsed.items():
        source = (CORPUS / file).read_text(encoding="utf-8").split("\n")
        headings = [(len(m.group(1)), re.sub(r"\s", "", m.group(2))) for line in source
                    if (m := re.match(r"^(#{2,})\s+(.*)$", line))]
        # A bare heading (no label) is a container of its own: upstream lost a label
        # there (law-6ef90776 2012: 「农业技术推广体系」 is chapter 2's heading without
        # its 「## 第二章」 line). It is a short heading line directly above an article.
        for c in doc.containers:
            if c.level == "heading":
                assert not c.label and len(c.heading) <= 12 and doc.blocks[c.index + 1].level == "article", file
        got = [(len(doc.ancestors(c)), re.sub(r"\s", "", c.raw)) for c in doc.containers if c.level != "heading"]
        assert len(got) == len(headings), file
        # A container's raw may go on past the heading line (a heading broken upstream).
        for (_, container_raw), (_, heading) in zip(got, headings):
            assert container_raw.startswith(heading), (file, heading)
        # Nesting follows the grammar (upstream marks are not always consistent:
        # sh-df39002d/2021-05-21 marks 章 with ### and 节 with ##).
        order = ["part", "subpart", "heading", "chapter", "section", "cn-section", "article"]
        for block in doc.blocks:
            if block.kind is not BlockKind.TEXT and block.parent is not None:
                assert order.index(doc.blocks[block.parent].level) < order.index(block.level), file


def test_corpus_text_blocks_are_top_level(parsed):
    for file, (_, doc) in parsed.items():
        for block in doc.blocks:
            if block.kind is BlockKind.TEXT:
                assert block.parent is None, file
        assert doc.blocks[0].level == "title", file
