"""`policydiff add` for every kind of file: the kind comes from the bytes, the exact bytes
are kept as <version>.source.<ext> and hashed, stderr shows what was extracted, and
--dry-run writes nothing. Fictional files built in the test; real ones read by path."""

from __future__ import annotations

import hashlib
import subprocess

import yaml

from . import _docx_build as B
from .conftest import SHARED, run_cli as _run_cli


def run_cli(*args, **kwargs):
    done = _run_cli(*args, **kwargs)
    return done.returncode, done.stdout, done.stderr

TITLE = "示例市测试管理办法（测试用虚构文本）"


def fictional_docx() -> bytes:
    numbering = B.numbering({1: [B.level(0, "chineseCounting", "第%1条", suffix="space")]}, {1: 1})
    body = (B.para(TITLE, center=True) + B.para("为了测试，制定本办法。", num=(1, 0))
            + B.para("原《示例市测试暂行办法》（示测发〔2020〕1号）同时废止。", num=(1, 0))
            + B.para("本办法自2024年1月1日起施行。", num=(1, 0)))
    return B.docx_bytes(body, numbering_xml=numbering)


def archive_in(git_tmp):
    code, out, err = run_cli("init", "versions", cwd=git_tmp)
    assert code == 0, err
    return git_tmp / "versions"


def commits(folder) -> int:
    done = subprocess.run(["git", "-C", str(folder), "rev-list", "--count", "HEAD"], capture_output=True, text=True)
    return int(done.stdout.strip()) if done.returncode == 0 else 0


def test_add_docx_named_txt_keeps_the_bytes_as_docx_and_reports_what_it_read(git_tmp):
    archive = archive_in(git_tmp)
    data = fictional_docx()
    source = git_tmp / "downloaded.txt"  # a wrong extension: the bytes decide
    source.write_bytes(data)
    before = commits(git_tmp)
    code, out, err = run_cli("add", str(source), "--work", "test-rule", "--version", "2024", cwd=git_tmp)
    assert code == 0, err
    assert out.strip() == "test-rule@2024"
    kept = archive / "test-rule" / "2024.source.docx"
    assert kept.read_bytes() == data
    matter = yaml.safe_load((archive / "test-rule" / "2024.md").read_text(encoding="utf-8").split("---")[1])
    assert matter["source"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert matter["title"] == TITLE
    assert f"title:     {TITLE}" in err
    assert "measures:  3 (第一条 … 第三条)" in err
    assert "示测发〔2020〕1号" in err and "effective: 2024-01-01" in err
    assert commits(git_tmp) == before + 1
    code, out, err = run_cli("show", "test-rule@2024", cwd=git_tmp)
    assert "第三条" in out


def test_dry_run_prints_the_same_and_writes_nothing(git_tmp):
    archive = archive_in(git_tmp)
    source = git_tmp / "rule.docx"
    source.write_bytes(fictional_docx())
    before = commits(git_tmp)
    listing = sorted(p.name for p in archive.rglob("*"))
    code, out, err = run_cli("add", str(source), "--work", "test-rule", "--version", "2024", "--dry-run", cwd=git_tmp)
    assert code == 0, err
    assert out == ""
    assert "measures:  3" in err and f"title:     {TITLE}" in err and "not written" in err
    assert sorted(p.name for p in archive.rglob("*")) == listing
    assert commits(git_tmp) == before


def test_add_real_pdf_keeps_it_as_pdf(git_tmp):
    archive = archive_in(git_tmp)
    source = SHARED / "realdocs" / "huiz-yibao-tiaozheng" / "document.pdf"
    code, out, err = run_cli("add", str(source), "--work", "huiz", "--version", "2016", cwd=git_tmp)
    assert code == 0, err
    assert (archive / "huiz" / "2016.source.pdf").read_bytes() == source.read_bytes()
    assert "measures:  4" in err
    code, out, err = run_cli("verify", cwd=git_tmp)
    assert code == 0, out + err


def test_scanned_pdf_is_one_error_line_and_nothing_written(git_tmp):
    import io

    import pypdfium2 as pdfium

    archive = archive_in(git_tmp)
    document = pdfium.PdfDocument.new()
    document.new_page(595, 842)
    buffer = io.BytesIO()
    document.save(buffer)
    source = git_tmp / "scan.pdf"
    source.write_bytes(buffer.getvalue())
    before = commits(git_tmp)
    code, out, err = run_cli("add", str(source), "--work", "scan", "--version", "2024", cwd=git_tmp)
    assert code == 2
    assert err.startswith("Error: ") and err.count("\n") == 1 and "no text layer" in err
    assert not (archive / "scan").exists() and commits(git_tmp) == before
