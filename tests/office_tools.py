"""Readers for the Word and Excel files the reports write, used by the tests.

- `resolve_docx(data, "accept" | "reject")`: Word's Accept All / Reject All applied to
  word/document.xml by hand (an independent reader of the revisions we wrote): inserted
  runs and paragraph marks kept or dropped, deleted ones dropped or kept. Returns the body
  text, a "\\n" for every paragraph mark that survives.
- `LibreOffice`: real LibreOffice (soffice) headless in a private profile, with a small
  Basic macro that loads a document, runs .uno:AcceptAllTrackedChanges (or Reject...)
  and stores it as UTF-8 text. (A plain `--convert-to txt` keeps deleted text: LibreOffice
  exports tracked deletions as text, so the accept step is needed.) Also converts to PDF.

Missing soffice: skipped, or a failure when POLICYDIFF_REQUIRE_SOFFICE is set (CI sets it).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def document_xml(data: bytes):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return etree.fromstring(archive.read("word/document.xml"))


def resolve_docx(data: bytes, mode: str) -> str:
    assert mode in ("accept", "reject")
    drop, keep = (W + "del", W + "ins") if mode == "accept" else (W + "ins", W + "del")
    body = document_xml(data).find(W + "body")
    out = []
    for p in body.iter(W + "p"):
        parts = []
        for node in p.iter(W + "t", W + "delText", W + "tab", W + "br"):
            ancestors = {a.tag for a in node.iterancestors()}
            if drop in ancestors:
                continue
            if node.tag == W + "tab":
                parts.append("\t")
            elif node.tag == W + "br":
                parts.append("\n")
            else:
                parts.append(node.text or "")
        mark = p.find(f"{W}pPr/{W}rPr")
        mark_dropped = mark is not None and mark.find(drop) is not None
        out.append("".join(parts) + ("" if mark_dropped else "\n"))
    return "".join(out)


MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub Resolve(inUrl As String, outUrl As String, mode As String)
  Dim args(0) As New com.sun.star.beans.PropertyValue
  args(0).Name = &quot;Hidden&quot;
  args(0).Value = True
  doc = StarDesktop.loadComponentFromURL(inUrl, &quot;_blank&quot;, 0, args())
  dispatcher = createUnoService(&quot;com.sun.star.frame.DispatchHelper&quot;)
  frame = doc.getCurrentController().getFrame()
  If mode = &quot;accept&quot; Then
    dispatcher.executeDispatch(frame, &quot;.uno:AcceptAllTrackedChanges&quot;, &quot;&quot;, 0, Array())
  ElseIf mode = &quot;reject&quot; Then
    dispatcher.executeDispatch(frame, &quot;.uno:RejectAllTrackedChanges&quot;, &quot;&quot;, 0, Array())
  End If
  Dim out(1) As New com.sun.star.beans.PropertyValue
  out(0).Name = &quot;FilterName&quot;
  out(0).Value = &quot;Text (encoded)&quot;
  out(1).Name = &quot;FilterOptions&quot;
  out(1).Value = &quot;UTF8&quot;
  doc.storeToURL(outUrl, out())
  doc.close(True)
End Sub
</script:module>
"""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    found = soffice_path()
    if found is None:
        if os.environ.get("POLICYDIFF_REQUIRE_SOFFICE"):
            pytest.fail("POLICYDIFF_REQUIRE_SOFFICE is set but soffice is missing (apt-get install libreoffice-writer)")
        pytest.skip("LibreOffice not installed (apt-get install libreoffice-writer)")
    return found


class LibreOffice:
    TIMEOUT = 180  # seconds per call: a cold start on a busy 2-core machine

    def __init__(self, folder: Path):
        self.soffice = require_soffice()
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.profile = folder / "profile"
        self._run(["--convert-to", "txt:Text (encoded):UTF8", "--outdir", str(folder / "init"),
                   str(self._seed())])  # first start creates the profile
        module = self.profile / "user" / "basic" / "Standard" / "Module1.xba"
        assert module.is_file(), f"LibreOffice made no Basic library in {self.profile}"
        module.write_text(MACRO, encoding="utf-8")

    def _seed(self) -> Path:
        seed = self.folder / "seed.txt"
        seed.write_text("profile\n", encoding="utf-8")
        return seed

    def _run(self, args: list[str]) -> subprocess.CompletedProcess:
        result = subprocess.run([self.soffice, f"-env:UserInstallation={self.profile.as_uri()}", "--headless",
                                 "--norestore", *args], capture_output=True, text=True, timeout=self.TIMEOUT)
        assert result.returncode == 0, result.stderr
        return result

    def resolved_text(self, docx: Path, mode: str) -> str:
        """The document's text after Accept All (mode "accept") or Reject All ("reject")."""
        out = self.folder / f"{docx.stem}.{mode}.txt"
        if out.exists():
            out.unlink()
        self._run([f'macro:///Standard.Module1.Resolve("{docx.resolve().as_uri()}","{out.as_uri()}","{mode}")'])
        assert out.is_file(), f"LibreOffice wrote no {out}"
        return out.read_text(encoding="utf-8-sig")

    def convert(self, path: Path, target: str) -> Path:
        """`soffice --convert-to target` (e.g. "pdf"), into the helper's folder."""
        self._run(["--convert-to", target, "--outdir", str(self.folder), str(path)])
        out = self.folder / f"{path.stem}.{target.split(':')[0]}"
        assert out.is_file(), f"LibreOffice wrote no {out}"
        return out


def pdf_page_png(pdf: Path, png: Path, page: int = 0, scale: float = 1.5) -> Path:
    """Render one PDF page to PNG with pypdfium2 (a dependency already) and a minimal PNG
    writer (no imaging library needed): for the screenshots of the Word files."""
    import struct
    import zlib

    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(pdf))
    try:
        bitmap = document[page].render(scale=scale, rev_byteorder=True)  # RGB(A) byte order
        width, height, stride = bitmap.width, bitmap.height, bitmap.stride
        raw = bytes(bitmap.buffer)
        mode = bitmap.mode
    finally:
        document.close()
    channels = len(mode)
    color_type = {3: 2, 4: 6}[channels]
    rows = b"".join(b"\x00" + raw[y * stride: y * stride + width * channels] for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0))
                    + chunk(b"IDAT", zlib.compress(rows, 6)) + chunk(b"IEND", b""))
    return png
