"""The Word report with tracked changes (`report --format docx`, issue 12):

- Accept All gives exactly the new text and Reject All exactly the old one, checked two
  ways: by our own reading of the revisions in word/document.xml (fictional pair and
  corpus pairs, the largest included) and by real LibreOffice (accept / reject through its
  own dispatcher, then its text export);
- revisions are authored 「policydiff」, dated only from SOURCE_DATE_EPOCH; chapters are
  Word headings; splits, merges and moves carry comments; the provenance is on a last page;
- byte-identical across runs (fixed ZIP timestamps and order);
- the CLI writes it (default path .docx), and a side without text gives the notice.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from policydiff import api
from policydiff.compare import compare
from policydiff.render.docx import comparison_docx
from policydiff.render.revisions import rebuild, revision_pieces, side_text

from . import report_fixtures as fx
from .conftest import CORPUS, run_cli
from .office_tools import W, LibreOffice, document_xml, resolve_docx

APPENDIX_ZH = "附：变更摘要与来源"
GENERATED = "2024-01-01T00:00:00Z"
CORPUS_PAIRS = [  # (old, new): moves, splits, merges, added chapters; the last is the largest
    ("bj-69d0b35a/2021-11-26.md", "bj-69d0b35a/2024-09-27.md"),
    ("bj-85cb5ddd", None),
    ("bj-ade52603", None),
    ("ji-4b866a7b", None),
    ("ji-84954159/2012-12-20.md", "ji-84954159/2021-01-26.md"),
]


def corpus_comparison(old: str, new: str | None):
    if new is None:  # a slug: its first two versions
        files = sorted(p.name for p in (CORPUS / old).glob("[0-9]*.md"))
        old, new = f"{old}/{files[0]}", f"{old}/{files[1]}"
    return compare(api.load_side(None, str(CORPUS / old)), api.load_side(None, str(CORPUS / new)))


def split_body(text: str, marker: str = APPENDIX_ZH) -> tuple[str, str]:
    at = text.index(marker)
    return text[:at], text[at:]


def assert_resolves(c, data: bytes) -> None:
    accepted, accepted_tail = split_body(resolve_docx(data, "accept"))
    rejected, rejected_tail = split_body(resolve_docx(data, "reject"))
    assert accepted == side_text(c.new.document.text)
    assert rejected == side_text(c.old.document.text)
    assert accepted_tail == rejected_tail  # the appendix is no revision


def test_revision_stream_is_lossless_on_the_fictional_pair():
    c = fx.comparison()
    segments = [s for piece in revision_pieces(c) for s in piece.segments]
    assert rebuild(segments, "old") == side_text(c.old.document.text)
    assert rebuild(segments, "new") == side_text(c.new.document.text)


def test_accept_and_reject_all_give_new_and_old_text_fictional():
    c = fx.comparison()
    assert_resolves(c, comparison_docx(c))


@pytest.mark.parametrize("old,new", CORPUS_PAIRS, ids=[p[0].split("/")[0] for p in CORPUS_PAIRS])
def test_accept_and_reject_all_on_corpus_pairs(old, new):
    c = corpus_comparison(old, new)
    data = comparison_docx(c)
    assert_resolves(c, data)
    root = document_xml(data)
    assert root.find(f".//{W}ins") is not None and root.find(f".//{W}del") is not None


def test_revision_marks_author_date_and_ids():
    c = fx.comparison()
    undated = document_xml(comparison_docx(c))
    dated = document_xml(comparison_docx(c, generated=GENERATED))
    marks = list(dated.iter(W + "ins", W + "del"))
    assert len(marks) > 10
    assert {m.get(W + "author") for m in marks} == {"policydiff"}
    assert {m.get(W + "date") for m in marks} == {GENERATED}
    assert all(m.get(W + "date") is None for m in undated.iter(W + "ins", W + "del"))
    ids = [m.get(W + "id") for m in marks]
    assert len(ids) == len(set(ids))


def test_headings_title_and_appendix_on_its_own_page():
    root = document_xml(comparison_docx(fx.comparison()))
    paragraphs = list(root.iter(W + "p"))

    def text(p):
        return "".join(t.text or "" for t in p.iter(W + "t", W + "delText"))

    styles = {text(p): (p.find(f"{W}pPr/{W}pStyle").get(W + "val") if p.find(f"{W}pPr/{W}pStyle") is not None
                        else "Normal") for p in paragraphs}
    assert styles["第一章 总则"] == "Heading1"
    assert styles["第三章 附则"] == "Heading1"
    assert styles["第二章 支扶持措施"] == "Heading1"  # the rename: 支 deleted, 扶 inserted
    assert paragraphs[0].find(f"{W}pPr/{W}pStyle").get(W + "val") == "Title"
    assert styles["第二条 本措施适用于示例市行政区域内的企业和科研机构。"] == "Normal"
    appendix = next(p for p in paragraphs if text(p).startswith(APPENDIX_ZH))
    assert appendix.find(f"{W}pPr/{W}pageBreakBefore") is not None
    tail = "".join(text(p) for p in paragraphs[paragraphs.index(appendix):])
    for needle in ("1" * 40, "2" * 40, fx.comparison().new.text_sha256, "similarity_cutoff"):
        assert needle in tail


def test_splits_merges_and_moves_are_commented():
    data = comparison_docx(fx.comparison())
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        from lxml import etree

        comments = etree.fromstring(archive.read("word/comments.xml"))
    texts = ["".join(t.text for t in c.iter(W + "t")) for c in comments.iter(W + "comment")]
    assert any(t.startswith("拆分：旧版第四条 → 新版第四条、第五条") for t in texts), texts
    assert any(t.startswith("合并：旧版第五条、第六条 → 新版第六条") for t in texts), texts
    assert any("移动" in t and "第七条" in t for t in texts), texts  # old 7 -> new 8, under 第三章
    root = document_xml(data)
    assert len(list(root.iter(W + "commentReference"))) == len(texts)


def test_moved_out_of_order_is_deleted_and_inserted_with_notes():
    c = corpus_comparison("bj-69d0b35a/2021-11-26.md", "bj-69d0b35a/2024-09-27.md")
    notes = [p.note for p in revision_pieces(c) if p.note]
    assert "moved_old" in notes and "moved_new" in notes


def test_deterministic_bytes_and_zip_members():
    c = fx.comparison()
    first, second = comparison_docx(c, generated=GENERATED), comparison_docx(fx.comparison(), generated=GENERATED)
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        infos = archive.infolist()
        assert infos[0].filename == "[Content_Types].xml"
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert archive.testzip() is None
        core = archive.read("docProps/core.xml").decode()
        assert GENERATED in core
    with zipfile.ZipFile(io.BytesIO(comparison_docx(c))) as archive:
        assert "created" not in archive.read("docProps/core.xml").decode()  # no clock without the epoch


def test_no_text_side_gives_the_notice():
    data = comparison_docx(fx.no_text_comparison())
    text = resolve_docx(data, "accept")
    assert "无法进行措施级比较" in text and "policydiff add FILE --work example-innovation --version 2021" in text
    assert document_xml(data).find(f".//{W}ins") is None


def test_english_labels():
    text = resolve_docx(comparison_docx(fx.comparison(), lang="en"), "accept")
    assert "Appendix: summary of changes and provenance" in text


def test_cli_report_docx_default_path(tmp_path):
    old = tmp_path / "old.txt"
    new = tmp_path / "new.txt"
    old.write_text(fx.old_document().text, encoding="utf-8")
    new.write_text(fx.new_document().text, encoding="utf-8")
    result = run_cli("report", str(old), str(new), "--format", "docx", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    path = tmp_path / result.stdout.strip()
    assert path.suffix == ".docx"
    data = path.read_bytes()
    c = compare(api.load_side(None, str(old)), api.load_side(None, str(new)))
    assert_resolves(c, data)
    bad = run_cli("report", str(old), str(new), "--format", "docx", "--changed-only", cwd=tmp_path)
    assert bad.returncode == 2 and bad.stderr.startswith("Error: --changed-only") and len(bad.stderr.splitlines()) == 1


@pytest.fixture(scope="module")
def libreoffice(tmp_path_factory):
    return LibreOffice(tmp_path_factory.mktemp("soffice"))


def test_libreoffice_accept_all_gives_new_text_reject_all_old(libreoffice, tmp_path):
    """Real LibreOffice reads our revisions as we mean them (fictional pair, and a corpus
    pair with moves, merges and a new chapter)."""
    for name, c in (("small", fx.comparison()),
                    ("corpus", corpus_comparison("bj-69d0b35a/2021-11-26.md", "bj-69d0b35a/2024-09-27.md"))):
        path = tmp_path / f"{name}.docx"
        path.write_bytes(comparison_docx(c, generated=GENERATED))
        accepted, _ = split_body(libreoffice.resolved_text(path, "accept"))
        rejected, _ = split_body(libreoffice.resolved_text(path, "reject"))
        assert accepted == side_text(c.new.document.text), name
        assert rejected == side_text(c.old.document.text), name


def test_libreoffice_renders_both_word_files_to_pdf_screenshots(libreoffice, tmp_path):
    """LibreOffice opens the redline document and the 对照表 and prints them to PDF; the
    first page of each is saved as a PNG in artifacts/screenshots/ (gitignored)."""
    import pypdfium2 as pdfium

    from policydiff.render.table import table_docx

    from .conftest import REPO
    from .office_tools import pdf_page_png

    screenshots = REPO / "artifacts" / "screenshots"
    screenshots.mkdir(parents=True, exist_ok=True)
    for name, data in (("docx-redline", comparison_docx(fx.comparison())),
                       ("docx-table", table_docx(fx.comparison()))):
        path = tmp_path / f"{name}.docx"
        path.write_bytes(data)
        pdf = libreoffice.convert(path, "pdf")
        document = pdfium.PdfDocument(str(pdf))
        try:
            pages = len(document)
            first_page = document[0].get_textpage().get_text_range()
        finally:
            document.close()
        assert pages >= 2, name  # the text (or table), then the appendix on its own page
        assert "第一章" in first_page and "第三条" in first_page, name
        png = pdf_page_png(pdf, screenshots / f"{name}.png")
        assert png.stat().st_size > 10_000


@pytest.mark.slow
def test_accept_and_reject_all_on_every_corpus_pair(manifest):
    """Our own Accept All / Reject All of the DOCX gives the new / old text exactly on
    every consecutive version pair of the corpus."""
    checked = 0
    for document in manifest["documents"]:
        versions = sorted(document["versions"], key=lambda v: v["date"])
        for a, b in zip(versions, versions[1:]):
            c = compare(api.load_side(None, str(CORPUS / a["file"])), api.load_side(None, str(CORPUS / b["file"])))
            assert_resolves(c, comparison_docx(c))
            checked += 1
    assert checked >= 78
