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


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, input: str | None = None):
    """Run the real console entry point in a subprocess: exit code, stdout, stderr."""
    full_env = dict(os.environ)
    full_env.pop("POLICYDIFF_ARCHIVE", None)
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "policydiff", *args], cwd=cwd or REPO, env=full_env,
        capture_output=True, text=True, input=input,
    )
