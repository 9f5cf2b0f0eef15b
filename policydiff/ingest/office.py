"""LibreOffice headless conversion of DOC / WPS / ODT / RTF to DOCX (the edge of ingest: bytes in, bytes out, through a program in a temp folder).

`add` hands `convert_to_docx` to ingest (the core never runs programs); ingest reads the
DOCX that comes back with its own reader (ingest.docx), so Word's automatic numbering
survives the conversion (LibreOffice writes it to numbering.xml; a .txt export would
print it too, but loses the table cells' order and the tracked-change state).

Each conversion runs `soffice --headless --convert-to docx` in a fresh temporary folder
with a private profile (-env:UserInstallation=...): a user's running LibreOffice, or a
second conversion running at the same time, would otherwise share the profile's lock and
make soffice hand the job to the other instance or exit at once without output.
"""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path

from policydiff.errors import BadInputError

# Longest a conversion may take before it is stopped. Unit: seconds; range 20..600.
# A cold start with a fresh profile takes 3-10 s on a loaded 2-core machine; a 200-page
# DOC converts in under 20 s.
SOFFICE_TIMEOUT = 180

INSTALL_HINT = "apt-get install libreoffice-writer"

_INPUT_EXT = {"doc": "doc", "odt": "odt", "rtf": "rtf", "wordml": "xml"}


def soffice_path() -> str | None:
    """The LibreOffice program, or None when it is not installed."""
    import shutil  # here, as tempfile below: every read imports this module, few convert

    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_to_docx(data: bytes, kind: str, subject: str) -> bytes:
    """DOCX bytes of a DOC/WPS/ODT/RTF file; BadInputError (one line, with what to do)
    when LibreOffice is missing, fails or takes too long."""
    return convert(data, _INPUT_EXT.get(kind, "doc"), "docx:MS Word 2007 XML", subject)


def convert(data: bytes, input_ext: str, target: str, subject: str) -> bytes:
    """The bytes of `data` (a file with extension input_ext) converted by LibreOffice to
    `target` (a --convert-to argument: "docx:MS Word 2007 XML", "pdf", "doc:MS Word 97")."""
    program = soffice_path()
    if program is None:
        raise BadInputError(f"{subject} needs LibreOffice to read, which is not installed: "
                            f"{INSTALL_HINT} (or save the file as .docx)")
    target_ext = target.split(":", 1)[0]
    import tempfile

    with tempfile.TemporaryDirectory(prefix="policydiff-soffice-") as folder:
        work = Path(folder)
        source = work / f"input.{input_ext}"
        source.write_bytes(data)
        out = work / "out"
        out.mkdir()
        command = [
            program, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless",
            "--invisible", "--nologo", "--norestore", "--nodefault", "--nolockcheck",
            "--convert-to", target, "--outdir", str(out), str(source),
        ]
        env = dict(os.environ, HOME=str(work))  # nothing written to the user's home
        try:
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       env=env, cwd=work, start_new_session=True)
        except OSError as error:
            raise BadInputError(f"cannot run LibreOffice ({program}: {error.strerror}) to read {subject}: "
                                f"reinstall it ({INSTALL_HINT}) or save the file as .docx") from None
        try:
            _, stderr = process.communicate(timeout=SOFFICE_TIMEOUT)
        except subprocess.TimeoutExpired:
            # soffice starts helper processes in its session: stop them all
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.communicate()
            raise BadInputError(f"LibreOffice took longer than {SOFFICE_TIMEOUT} s to convert {subject}: "
                                "open it in Word/WPS, save it as .docx and add that") from None
        finally:
            if process.poll() is None:  # interrupted (Ctrl-C): leave no soffice behind
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        converted = out / f"input.{target_ext}"
        if process.returncode != 0 or not converted.is_file() or converted.stat().st_size == 0:
            said = " ".join(stderr.decode("utf-8", "replace").split())[-200:]
            raise BadInputError(f"LibreOffice could not convert {subject}"
                                f"{f' ({said})' if said else ''}: the file may be damaged; open it in "
                                "Word/WPS and save it as .docx")
        return converted.read_bytes()
