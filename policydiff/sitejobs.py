"""The work a `policydiff build` worker does (functional core: no file, no git, no clock).

    run_chunk(tasks) -> [PairResult, ...]

The parent (`sitebuild`) reads the archive and git; a worker only ever gets texts: each
`PairTask` carries both versions already read (front matter, parsed body, commit), and the
worker compares them and renders every requested format. Kept in a module of its own, with
no import of git, click or the archive, so that a worker process (or a Dask worker on
another machine) starts fast and needs nothing but the package.

A task never raises: one bad pair (a parse error, a bug) becomes a `PairResult` with a
one-line `error`, so that one bad version never stops the build.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Sequence

from .model import Version


@dataclass(frozen=True)
class PairTask:
    key: str  # the cache key (sitebuild.pair_key): same key, same outputs
    old: Version
    new: Version
    formats: tuple[str, ...]
    lang: str
    generated: str | None  # ISO time from SOURCE_DATE_EPOCH, else None (no clock)
    tool_commit: str | None = None  # the tool's own git commit, named in each report's provenance


@dataclass(frozen=True)
class PairResult:
    key: str
    outputs: dict[str, str] = field(default_factory=dict)  # format -> file content
    # The alignment in compact form, what lineage pages need without the redlines:
    # [kind, [old ordinals], [new ordinals], similarity, renumbered, moved]; None when a
    # side has no text (nothing to align).
    changes: list | None = None
    error: str | None = None
    seconds: float = 0.0


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    from .errors import PolicyDiffError

    if isinstance(exc, PolicyDiffError):
        return text or type(exc).__name__
    # not a PolicyDiffError: a bug; name its type so that it can be reported
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def run_pair(task: PairTask) -> PairResult:
    from .report_files import build_comparison, render

    started = time.perf_counter()
    try:
        comparison = replace(build_comparison(task.old, task.new), tool_commit=task.tool_commit)
        outputs = {fmt: render(comparison, fmt, task.lang, task.generated) for fmt in task.formats}
        comparable = task.old.document is not None and task.new.document is not None
        changes = ([[c.kind.value, list(c.old), list(c.new), c.similarity, c.renumbered, c.moved]
                    for c in comparison.changes] if comparable else None)
    except Exception as exc:  # noqa: BLE001 - one bad pair must not stop the build (module doc)
        return PairResult(task.key, error=_one_line(exc), seconds=time.perf_counter() - started)
    return PairResult(task.key, outputs=outputs, changes=changes, seconds=time.perf_counter() - started)


def run_chunk(tasks: Sequence[PairTask]) -> list[PairResult]:
    """Several pairs in one call: a process pool or a Dask cluster pays its per-call
    overhead (pickling, scheduling) once per chunk rather than once per pair."""
    return [run_pair(task) for task in tasks]
