"""Shared test fixtures.

The real data lives beside the project in ../shared (used by path, never copied):
seeds/ and corpus/. POLICYDIFF_SHARED overrides where that folder is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _shared_dir() -> Path:
    for candidate in (os.environ.get("POLICYDIFF_SHARED"), REPO.parent / "shared", "/work/shared"):
        if candidate and (Path(candidate) / "corpus" / "manifest.json").is_file():
            return Path(candidate)
    raise RuntimeError("../shared (seeds and corpus) not found; set POLICYDIFF_SHARED")


SHARED = _shared_dir()
CORPUS = SHARED / "corpus"
SEED = SHARED / "seeds" / "zgc-measures-2024-page.txt"
SHIPPED_ARCHIVE = REPO / "versions"


def numbered_doc(title: str, texts: list[str]):
    """A fictional document for aligner tests: `title`, then 第n条 holding each text (n from 1)."""
    from policydiff.docbuild import DocBuilder

    builder = DocBuilder(title=title)
    for n, text in enumerate(texts, 1):
        builder.measure(f"第{n}条", n, text)
    return builder.build()


def docx_comment_texts(docx: bytes) -> list[str]:
    """The text of each comment of a DOCX (word/comments.xml), in document order."""
    import io
    import zipfile

    from lxml import etree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        comments = etree.fromstring(archive.read("word/comments.xml"))
    return ["".join(t.text for t in x.iter(w + "t")) for x in comments.iter(w + "comment")]


@pytest.fixture(scope="session")
def manifest() -> dict:
    return json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture()
def git_tmp(tmp_path: Path) -> Path:
    """An empty git work tree in a temp folder (with an identity, for commits)."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "config", "user.email", "test@example.invalid"], check=True)
    subprocess.run(["git", "-C", str(tmp_path), "config", "user.name", "policydiff test"], check=True)
    return tmp_path


class CliResult:
    """What a CLI run gave: the shape of subprocess.CompletedProcess (returncode, stdout, stderr)."""

    def __init__(self, returncode: int, stdout: str, stderr: str):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr

    def __repr__(self) -> str:
        return f"CliResult({self.returncode!r}, {self.stdout[:200]!r}, {self.stderr[:400]!r})"


# Environment variables a run must not inherit from the developer's shell.
_SCRUBBED_ENV = ("POLICYDIFF_ARCHIVE",)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, input: str | None = None,
            real_process: bool = False):
    """Run the CLI entry point (`policydiff.cli.main`, the same path as the console script):
    exit code, stdout, stderr.

    In-process by default (click's CliRunner isolation: its own stdin/stdout/stderr and
    environment; the working folder changed for the call) — a subprocess costs ~0.3 s of
    interpreter start-up and imports, and 100-odd CLI tests paid it each time. Pass
    `real_process=True` where the test is about what only a real process shows: the exact
    bytes on a pipe, the terminal encoding (PYTHONIOENCODING, LANG), signals, exit codes
    set by the interpreter, or file descriptors. An exception escaping `main` in-process is
    rendered as a traceback on stderr, so "no traceback" checks hold either way."""
    if real_process:
        full_env = dict(os.environ)
        for name in _SCRUBBED_ENV:
            full_env.pop(name, None)
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "policydiff", *args], cwd=cwd or REPO, env=full_env,
            capture_output=True, text=True, input=input,
        )
    import traceback

    from click.testing import CliRunner

    from policydiff import cli

    runner = CliRunner()
    run_env = {name: None for name in _SCRUBBED_ENV}
    run_env.update(env or {})
    previous_cwd = os.getcwd()
    code = 0
    with runner.isolation(input=input, env=run_env) as streams:
        stdout_stream, stderr_stream = streams[0], streams[1]
        try:
            os.chdir(cwd or REPO)
            cli.main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if isinstance(exc.code, str):
                sys.stderr.write(exc.code + "\n")
        except Exception:  # a bug: show it as the console script would
            sys.stderr.write(traceback.format_exc())
            code = 1
        finally:
            os.chdir(previous_cwd)
            sys.stdout.flush()
            sys.stderr.flush()
        out = stdout_stream.getvalue().decode("utf-8", "replace")
        err = stderr_stream.getvalue().decode("utf-8", "replace")
    return CliResult(code, out, err)
