"""`policydiff build [OUT]`: the whole archive as a static site (imperative shell).

    build_site(store, out, options, progress=...) -> BuildSummary

What the site holds (default OUT: reports/ at the top of the work tree)::

    index.html                        every work with its status as of the build day
    index.json                        the same, for scripts (`policydiff.site/1`); it is also the
                                      build's manifest: which files it wrote, under which keys
    <work>/index.html                 the work: timeline, what repealed what, its reports
    <work>/<old>__<new>.html|json|…   the report of every consecutive pair of versions, and
                                      of consecutive versions *with text* across a version
                                      recorded without one (what lineages are traced through)
    <work>/lineage/<version>__<n>.html  one page per measure that changed: its lineage

Incremental. Each pair has a content key (`pair_key`): both archived files' bytes (text
and metadata; the text hash is in them), both commits (the report names them), the
alignment and redline settings, the language, the formats, SOURCE_DATE_EPOCH and the
tool's fingerprint (version + a hash of the package's own files, so that editing the code
never serves a stale report). Outputs are kept in a content-addressed cache
(`<cache>/<k[:2]>/<k>.zz`, zlib JSON); a pair whose key is unchanged and whose files are
in OUT as the previous build recorded them is not even read again. Lineage pages are
traced from the pairs' compact alignments; a work whose pair keys did not change keeps its
lineage pages. A work's page has a key too (`page_key`: a hash of everything its template
receives, recorded in index.json): a page whose key is unchanged is neither rendered nor
written. Versions are read from the archive's index (front matter and text facts): a body
is parsed only for a pair that is computed or a work whose lineages are traced again. Files a previous build wrote and this one does not
(a version removed) are deleted; nothing else in OUT is touched. Every file is written
only when its bytes change, atomically: an incremental build gives the same bytes as a
clean one (a test checks it).

Parallel. The parent reads the archive and git (one `git log` for every commit) and
parses each version it needs once; workers only get texts (`sitejobs.PairTask`), in chunks.
`--jobs 1` runs in-process (no pool to start); `--jobs N` uses the standard library's
ProcessPoolExecutor; `--engine dask` hands the same chunks to a Dask distributed cluster
(`--scheduler ADDR`, else a LocalCluster of N worker processes). Rejected: a home-made
scheduler, and threads (the alignment and the redline are Python code that holds the GIL).

One bad version never stops the build: a version file that does not read, and every pair
that needs it, is reported as failed with one line; the rest is built.
"""

from __future__ import annotations

import base64
import concurrent.futures
import dataclasses
import enum
import hashlib
import json
import math
import os
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence, TextIO

from . import TOOL_NAME, __version__
from .errors import BadInputError, PolicyDiffError
from .files import atomic_write, safe_name, write_output
from .report_files import EXTENSIONS
from .model import Change, ChangeKind, Comparison, Document, Version
from .sitejobs import PairResult, PairTask, run_chunk

SITE_FORMAT = "policydiff.site/1"  # bumps: /1 initial
# Cache entries are keyed with this too: bump it when their layout changes.
CACHE_LAYOUT = "policydiff.build-cache/1"
PAGE_LAYOUT = "policydiff.site-page/1"  # bump when page_key hashes a different image
DEFAULT_FORMATS = ("html", "json")  # every pair gets these; --format adds others
ENGINES = ("local", "dask")
CACHE_DIR_NAME = ".policydiff-cache"
INDEX_JSON = "index.json"
INDEX_HTML = "index.html"

# Chunking (unit: pairs per task sent to a worker; range 1..MAX_CHUNK): about four chunks
# per worker balance a skewed mix (one 600-article law next to many small notices) while
# paying the per-call cost (pickling two parsed documents, scheduling) once per chunk.
CHUNKS_PER_WORKER = 4
MAX_CHUNK = 16


@dataclass(frozen=True)
class BuildOptions:
    jobs: int = 1
    engine: str = "local"
    scheduler: str | None = None
    formats: tuple[str, ...] = DEFAULT_FORMATS
    lang: str = "zh"
    cache_dir: Path | None = None  # None: no cache (every pair computed)
    as_of: str = "9999-12-31"  # the day statuses answer for (the shell passes today)
    generated: str | None = None  # ISO time from SOURCE_DATE_EPOCH
    tool_commit: str | None = None  # the tool's own git commit (checkout.tool_commit), None unknown


@dataclass
class BuildSummary:
    out: Path
    pairs: int = 0
    built: int = 0
    reused: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (what, one-line error)
    pages_written: int = 0
    pages_kept: int = 0
    removed: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        lines = [f"build: {self.pairs} pair(s): {self.built} built, {self.reused} reused from cache, "
                 f"{len(self.failed)} failed; {self.pages_written} file(s) written, {self.pages_kept} "
                 f"unchanged, {self.removed} removed; {self.seconds:.1f} s"]
        lines += [f"failed: {what}: {error}" for what, error in self.failed]
        return lines


# --------------------------------------------------------------------------- progress


class Progress:
    """A bar on a terminal (tqdm), one plain line per finished pair otherwise (a log a
    script or CI can read). tqdm, not rich: one small pure-Python dependency that already
    knows when it writes to a terminal; the site needs a bar, not a console toolkit."""

    def __init__(self, total: int, stream: TextIO | None = None, bar: bool | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.total = total
        self.done = 0
        use_bar = bar if bar is not None else (hasattr(self.stream, "isatty") and self.stream.isatty())
        self._bar = None
        if use_bar and total:
            try:
                from tqdm import tqdm
            except ImportError:  # the bar is a nicety: plain lines still say everything
                tqdm = None
            if tqdm is not None:
                self._bar = tqdm(total=total, file=self.stream, unit="pair", dynamic_ncols=True)

    def step(self, what: str, outcome: str) -> None:
        self.done += 1
        if self._bar is not None:
            self._bar.set_postfix_str(what[-40:], refresh=False)
            self._bar.update(1)
        else:
            print(f"[{self.done}/{self.total}] {outcome} {what}", file=self.stream, flush=True)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


# --------------------------------------------------------------------------- keys, cache


def tool_fingerprint() -> str:
    """The tool's version plus a hash of every file of the package (code, templates,
    static files): a report depends on all of them, and a development checkout keeps one
    version number across many edits."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{TOOL_NAME} {__version__}\n".encode())
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def compare_settings() -> dict[str, object]:
    """The alignment and redline settings every report records (compare() uses these)."""
    from . import align, textdiff

    settings: dict[str, object] = dict(align.AlignSettings().as_dict())
    settings.update(textdiff.settings())
    return settings


def pair_key(old: "ReadVersion", new: "ReadVersion", context: str) -> str:
    """The content key of one pair's outputs (module doc)."""
    parts = [CACHE_LAYOUT, context, old.version.ref, old.file_sha256, old.version.commit or "",
             old.version.uncommitted or "", new.version.ref, new.file_sha256, new.version.commit or "",
             new.version.uncommitted or ""]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


class Cache:
    """Content-addressed store of pair outputs: `<dir>/<key[:2]>/<key>.zz`."""

    def __init__(self, directory: Path | None):
        self.directory = directory

    def _path(self, key: str) -> Path:
        assert self.directory is not None
        return self.directory / key[:2] / f"{key}.zz"

    def get(self, key: str) -> PairResult | None:
        if self.directory is None:
            return None
        try:
            data = json.loads(zlib.decompress(self._path(key).read_bytes()).decode("utf-8"))
            outputs = {fmt: base64.b64decode(value["b64"]) if isinstance(value, dict) else value
                       for fmt, value in data["outputs"].items()}
            return PairResult(key, outputs=outputs, changes=data["changes"])
        except (OSError, ValueError, KeyError, TypeError, zlib.error):
            return None  # missing or damaged: compute it again

    def put(self, result: PairResult) -> None:
        if self.directory is None or result.error is not None:
            return  # failures are never cached: the next build tries again
        outputs = {fmt: {"b64": base64.b64encode(value).decode("ascii")} if isinstance(value, bytes) else value
                   for fmt, value in result.outputs.items()}  # DOCX/XLSX/PDF reports are bytes
        data = json.dumps({"outputs": outputs, "changes": result.changes}, ensure_ascii=False)
        try:
            atomic_write(self._path(result.key), zlib.compress(data.encode("utf-8"), 6))
        except OSError:
            pass  # a cache that cannot be written costs time on the next build, not this one


# --------------------------------------------------------------------------- reading


@dataclass(frozen=True)
class ReadVersion:
    version: Version  # with its commit; its Document only when read_archive parsed it (DocumentLoader)
    file_sha256: str  # of the archived <version>.md as stored


@dataclass
class WorkPlan:
    work: str
    title: str | None
    versions: list[ReadVersion]
    failed_versions: list[tuple[str, str]]  # (ref, one-line error)
    pairs: list["PairPlan"] = field(default_factory=list)


@dataclass
class PairPlan:
    work: str
    old: ReadVersion
    new: ReadVersion
    key: str
    across: tuple[str, ...]  # refs of versions without text between old and new ("" if none)
    files: dict[str, str]  # format -> path relative to OUT


def read_archive(store: Any) -> tuple[list[WorkPlan], dict[str, Any] | None]:
    """Every work and version, with commits from one `git log`, and the TextFacts of the
    versions with text by ref (what the succession graph reads of a text).

    Front matter, text facts and each work's work.yaml come from the archive's index
    (archive.index): no body is parsed here; `DocumentLoader` parses a version's body only
    when a pair that needs it is computed or its work's lineage pages are traced again. (Parsing every body was 15 s of a
    45 s rebuild of 2,000 versions that recomputed no pair.) When the index cannot read the
    archive (a version file that does not read), every version is read and parsed one by
    one instead, so that the bad one fails alone; facts is then None (the graph reads the
    Documents)."""
    from dataclasses import replace

    from .archive.index import read_index
    from .refs import version_sort_key

    commits = store.last_commits()
    uncommitted = store.uncommitted_versions()  # cited commits that do not hold the file as read
    try:
        indexed = read_index(store)
    except (PolicyDiffError, OSError, UnicodeDecodeError):
        return _read_archive_parsed(store, commits, uncommitted), None
    digests, facts = indexed.digests, indexed.facts
    by_work: dict[str, list[Version]] = {}
    for version in indexed.versions:
        by_work.setdefault(version.work or "", []).append(version)
    plans = []
    # the works and their work.yaml info as the index keeps them (the works of
    # store.works(), in its order: one directory scan, and no work.yaml parsed again
    # while unchanged; it was 0.05 s of YAML and a glob per work on 2,000 versions)
    for work, info in indexed.works.items():
        read: list[ReadVersion] = []
        for version in by_work.get(work, []):
            path = store.md_path(work, version.version)
            # the file's hash as the index read it (one read and hash per file, not two)
            read.append(ReadVersion(replace(version, commit=commits.get(store.rel(path)),
                                            uncommitted=uncommitted.get(version.ref)),
                                    digests[version.ref]))
        read.sort(key=lambda r: version_sort_key(r.version))
        plans.append(WorkPlan(work, info.get("title"), read, []))
    return plans, facts


def _read_archive_parsed(store: Any, commits: dict[str, str], uncommitted: dict[str, str]) -> list[WorkPlan]:
    """Every version read and parsed one at a time: a file that does not read fails alone."""
    from dataclasses import replace

    from .refs import version_sort_key

    plans = []
    for work in store.works():
        read: list[ReadVersion] = []
        failed: list[tuple[str, str]] = []
        for version_id in store.version_ids(work):
            ref = f"{work}@{version_id}"
            try:
                raw = store.md_path(work, version_id).read_bytes()
                version = store.read(work, version_id, document=True, commit=False)
            except (PolicyDiffError, OSError, UnicodeDecodeError) as exc:
                failed.append((ref, " ".join(str(exc).split())))
                continue
            commit = commits.get(store.rel(store.md_path(work, version_id)))
            read.append(ReadVersion(replace(version, commit=commit, uncommitted=uncommitted.get(ref)),
                                    hashlib.sha256(raw).hexdigest()))
        read.sort(key=lambda r: version_sort_key(r.version))
        plans.append(WorkPlan(work, store.work_info(work).get("title"), read, failed))
    return plans


class DocumentLoader:
    """A version with its parsed Document, parsed at most once per build (the versions
    read_archive gives come without one unless the index could not be used)."""

    def __init__(self, store: Any):
        self.store = store
        self._loaded: dict[str, Version] = {}

    def __call__(self, version: Version) -> Version:
        if version.document is not None or not version.has_text:
            return version
        loaded = self._loaded.get(version.ref)
        if loaded is None:
            from dataclasses import replace

            parsed = self.store.read(version.work, version.version, document=True, commit=False)
            loaded = self._loaded[version.ref] = replace(version, document=parsed.document)
        return loaded


def build_context(options: BuildOptions) -> str:
    """What every output of a build depends on besides the archive: the tool, the
    settings, the language, the formats, SOURCE_DATE_EPOCH and the tool's commit."""
    return json.dumps([tool_fingerprint(), compare_settings(), options.lang, sorted(options.formats),
                       options.generated, options.tool_commit], ensure_ascii=False, sort_keys=True)


def plan_pairs(plans: list[WorkPlan], options: BuildOptions, context: str | None = None) -> None:
    """Fill each work's pairs: consecutive versions, plus consecutive versions with text
    across versions without text (lineages are traced through those)."""
    if context is None:
        context = build_context(options)
    for plan in plans:
        versions = plan.versions
        wanted: list[tuple[int, int]] = [(i, i + 1) for i in range(len(versions) - 1)]
        with_text = [i for i, r in enumerate(versions) if r.version.has_text]
        wanted += [(a, b) for a, b in zip(with_text, with_text[1:]) if b > a + 1]
        for a, b in sorted(set(wanted)):
            old, new = versions[a], versions[b]
            stem = f"{safe_name(old.version.version or '')}__{safe_name(new.version.version or '')}"
            files = {fmt: f"{safe_name(plan.work)}/{stem}.{EXTENSIONS[fmt]}" for fmt in options.formats}
            across = tuple(versions[j].version.ref for j in range(a + 1, b))
            plan.pairs.append(PairPlan(plan.work, old, new, pair_key(old, new, context), across, files))


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}  # dataclass -> its field names but "document" (_page_input)


def _page_input(value: Any) -> Any:
    """`default` of the JSON encoder for a page's input: a dataclass is its class name and
    its fields (a version's Document left out: it is parsed in one build and not in the
    next, and pages show front matter, statuses and the pairs' keys, which hash the text),
    a set is sorted, an enum is its value; anything else unknown is its repr, which at
    worst changes the key (the page is rendered again, never kept stale). Lists, dicts and
    plain values stay in the C encoder: walking them in Python cost 1.9 s of a 2,000-version
    rebuild under profile."""
    if isinstance(value, Document):
        return "document"
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        kind = type(value)
        names = _FIELD_NAMES.get(kind)
        if names is None:
            names = _FIELD_NAMES[kind] = tuple(f.name for f in dataclasses.fields(value) if f.name != "document")
        return [kind.__name__, *(getattr(value, name) for name in names)]
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=lambda item: json.dumps(item, ensure_ascii=False, default=_page_input))
    if isinstance(value, enum.Enum):
        return value.value
    return repr(value)


def page_key(context: str, site: Any, work: Any) -> str | None:
    """The key of a work's page: everything its template receives (the work, the site's
    day, tool and language; the build context names the tool's code and templates). None
    when that input does not encode (a dict keyed by something else than text): the page
    is then always rendered."""
    image = [PAGE_LAYOUT, context, site.as_of, list(site.tool), site.lang, site.tool_commit,
             dataclasses.replace(work, page_key=None)]
    try:
        text = json.dumps(image, ensure_ascii=False, default=_page_input)
    except (TypeError, ValueError):
        return None
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --------------------------------------------------------------------------- running


def _chunks(tasks: Sequence[PairTask], workers: int) -> list[list[PairTask]]:
    if not tasks:
        return []
    size = max(1, min(MAX_CHUNK, math.ceil(len(tasks) / (max(1, workers) * CHUNKS_PER_WORKER))))
    return [list(tasks[i:i + size]) for i in range(0, len(tasks), size)]


def _failed_chunk(chunk: Sequence[PairTask], error: BaseException) -> list[PairResult]:
    line = " ".join(f"a worker failed: {type(error).__name__}: {error}".split())
    return [PairResult(task.key, error=line) for task in chunk]


def run_local(tasks: Sequence[PairTask], jobs: int, on_result: Callable[[PairResult], None]) -> None:
    if jobs <= 1 or len(tasks) <= 1:  # no pool to start: in-process is faster for one worker
        for task in tasks:
            for result in run_chunk([task]):
                on_result(result)
        return
    chunks = _chunks(tasks, jobs)
    from . import interrupts

    with concurrent.futures.ProcessPoolExecutor(max_workers=min(jobs, len(chunks)),
                                                initializer=interrupts.ignore_in_worker) as pool:
        futures = {pool.submit(run_chunk, chunk): chunk for chunk in chunks}
        try:
            for future in concurrent.futures.as_completed(futures):
                try:
                    results = future.result()
                except Exception as exc:  # noqa: BLE001 - a worker died (killed, out of memory)
                    results = _failed_chunk(futures[future], exc)
                for result in results:
                    on_result(result)
        except KeyboardInterrupt:  # Ctrl-C: drop the queue, the parent says "Interrupted." once
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def run_dask(tasks: Sequence[PairTask], jobs: int, scheduler: str | None,
             on_result: Callable[[PairResult], None]) -> None:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise BadInputError("--engine dask needs Dask distributed: pip install 'policydiff[dask]' "
                            "(or use --engine local)") from None
    chunks = _chunks(tasks, jobs)
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="20s")
        else:
            cluster = LocalCluster(n_workers=max(1, jobs), threads_per_worker=1, processes=True,
                                   dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError, ValueError) as exc:
        raise BadInputError(f"cannot reach the Dask scheduler {scheduler or '(local cluster)'}: "
                            f"{' '.join(str(exc).split())}; check --scheduler ADDR") from None
    try:
        futures = client.map(run_chunk, chunks, pure=False)
        by_future = dict(zip(futures, chunks))
        for future in as_completed(futures):
            try:
                results = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker died or was lost
                results = _failed_chunk(by_future[future], exc)
            for result in results:
                on_result(result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# --------------------------------------------------------------------------- writing


class SiteWriter:
    """Writes files under OUT only when their bytes change, and remembers what it wrote."""

    def __init__(self, out: Path):
        self.out = out
        self.files: set[str] = set()
        self.written = 0
        self.kept = 0

    def write(self, relative: str, text: str | bytes) -> None:
        data = text if isinstance(text, bytes) else text.encode("utf-8", "backslashreplace")
        path = self.out / relative
        self.files.add(relative)
        try:
            unchanged = path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
        except OSError:
            unchanged = False  # unreadable: write it (and say why when that fails too)
        if unchanged:
            self.kept += 1
            return
        write_output(path, data)
        self.written += 1

    def keep(self, relative: str) -> None:
        self.files.add(relative)
        self.kept += 1


def _previous_manifest(out: Path) -> tuple[dict[str, Any], str]:
    """The previous build's index.json, parsed and as text ({} and "" when there is none)."""
    try:
        text = (out / INDEX_JSON).read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, ValueError):
        return {}, ""
    return (data, text) if isinstance(data, dict) and data.get("format") == SITE_FORMAT else ({}, "")


def _manifest_files(manifest: dict[str, Any]) -> tuple[dict[str, str], dict[str, dict]]:
    """(path -> pair key of the previous build, work -> its lineage record)."""
    pair_files: dict[str, str] = {}
    lineages: dict[str, dict] = {}
    for work in manifest.get("works", []) if isinstance(manifest.get("works"), list) else []:
        try:
            for pair in work.get("pairs", []):
                for path in pair.get("files", {}).values():
                    pair_files[path] = pair["key"]
            lineages[work["work"]] = work.get("lineage") or {}
        except (AttributeError, KeyError, TypeError):
            continue
    return pair_files, lineages


def _previous_summaries(manifest: dict[str, Any]) -> dict[str, dict[str, dict | None]]:
    """work -> {pair key: the change counts the previous build recorded}. One table for the
    whole manifest: a scan of every work per work was quadratic (2.6 s of a 2,000-version
    rebuild under profile)."""
    recorded: dict[str, dict[str, dict | None]] = {}
    for entry in manifest.get("works", []):
        if isinstance(entry, dict) and isinstance(entry.get("pairs"), list):
            recorded[entry.get("work")] = {p.get("key"): p.get("summary") for p in entry["pairs"] if isinstance(p, dict)}
    return recorded


def _light_comparison(old: Version, new: Version, changes: list) -> Comparison:
    """A Comparison without redlines, from a pair's compact alignment (what lineages need)."""
    return Comparison(old=old, new=new, changes=tuple(
        Change(kind=ChangeKind(kind), old=tuple(o), new=tuple(n), similarity=float(sim), segments=(),
               renumbered=bool(renumbered), moved=bool(moved))
        for kind, o, n, sim, renumbered, moved in changes))


def _summary_of(changes: list | None) -> dict[str, int] | None:
    if changes is None:
        return None
    counts = {k.value: 0 for k in ChangeKind}
    counts["renumbered"] = counts["moved"] = 0
    for kind, _o, _n, _sim, renumbered, moved in changes:
        counts[kind] += 1
        counts["renumbered"] += bool(renumbered)
        counts["moved"] += bool(moved)
    return counts


def lineage_starts(versions: Sequence[Version], comparisons: dict[tuple[str, str], Comparison]) -> list[tuple[Version, int]]:
    """Where to start one lineage page per measure that changed: walking the versions in
    order, the first measure (by ordinal) of each changed line not yet on a page. A
    measure changed when a change holding it is not a plain `unchanged` (any other kind,
    or renumbered, or moved)."""
    changed: dict[str, set[int]] = {}
    for comparison in comparisons.values():
        for change in comparison.changes:
            if change.kind is ChangeKind.UNCHANGED and not change.renumbered and not change.moved:
                continue
            changed.setdefault(comparison.old.ref, set()).update(change.old)
            changed.setdefault(comparison.new.ref, set()).update(change.new)
    return [(v, o) for v in versions for o in sorted(changed.get(v.ref, ()))]


def build_lineages(versions: Sequence[Version], comparisons: dict[tuple[str, str], Comparison]):
    """[(start version, ordinal, Lineage)]: one per changed line (see lineage_starts)."""
    from . import lineage

    def compare(old: Version, new: Version) -> Comparison:
        return comparisons[(old.ref, new.ref)]

    covered: set[tuple[str, int]] = set()
    found = []
    for start, ordinal in lineage_starts(versions, comparisons):
        if (start.ref, ordinal) in covered:
            continue
        traced = lineage.trace(versions, start, ordinal, compare)
        covered.add((start.ref, ordinal))
        for hop in traced.hops:
            covered.update((m.ref, m.ordinal) for m in (*hop.old, *hop.new, *hop.partners))
        found.append((start, ordinal, traced))
    return found


def build_site(store: Any, out: Path, options: BuildOptions,
               progress_stream: TextIO | None = None, progress_bar: bool | None = None) -> BuildSummary:
    from . import status as status_core
    from .render import site as site_render
    from .render.status import render_lineage

    started = time.perf_counter()
    if options.engine not in ENGINES:
        raise BadInputError(f"unknown engine {options.engine!r}: use local or dask")

    for fmt in options.formats:
        if fmt not in EXTENSIONS:  # whatever `report --format` knows, build knows
            raise BadInputError(f"unknown report format {fmt!r} for build: use {', '.join(EXTENSIONS)}")
    if out.exists() and not out.is_dir():
        raise BadInputError(f"{out} is a file: give build a folder for the site")
    plans, facts = read_archive(store)
    context = build_context(options)
    plan_pairs(plans, options, context)
    load = DocumentLoader(store)
    summary = BuildSummary(out=out)
    for plan in plans:
        summary.failed.extend(plan.failed_versions)

    previous, previous_text = _previous_manifest(out)
    previous_pair_files, previous_lineages = _manifest_files(previous)
    cache = Cache(options.cache_dir)
    all_pairs = [pair for plan in plans for pair in plan.pairs]
    summary.pairs = len(all_pairs)
    writer = SiteWriter(out)

    out_prefix = os.path.join(out, "")  # str paths: pathlib's joins cost 1.7 s for 60,000 files under profile

    def in_place(pair: PairPlan) -> bool:
        return all(previous_pair_files.get(rel) == pair.key and os.path.isfile(out_prefix + rel)
                   for rel in pair.files.values())

    # A work keeps its lineage pages when none of its pairs changed (same keys as the
    # previous build recorded) and the pages are still there; only then may its pairs be
    # skipped without reading their alignments back.
    lineage_keys = {plan.work: hashlib.sha256("\n".join([CACHE_LAYOUT, *(p.key for p in plan.pairs)]).encode()).hexdigest()
                    for plan in plans}
    keep_lineage = {}
    for plan in plans:
        record = previous_lineages.get(plan.work) or {}
        keep_lineage[plan.work] = (record.get("key") == lineage_keys[plan.work]
                                   and all(in_place(p) for p in plan.pairs)
                                   and all(isinstance(page, dict) and os.path.isfile(out_prefix + str(page.get("path")))
                                           for page in record.get("pages", [])))

    results: dict[str, PairResult | None] = {}  # key -> compact result (outputs not kept)
    progress = Progress(len(all_pairs), progress_stream, progress_bar)

    def what(pair: PairPlan) -> str:
        return f"{pair.old.version.ref} -> {pair.new.version.ref}"

    def finish(pair: PairPlan, result: PairResult, outcome: str) -> None:
        if result.error is not None:
            summary.failed.append((what(pair), result.error))
            results[pair.key] = result
            progress.step(what(pair), "FAILED")
            return
        for fmt, relative in pair.files.items():
            writer.write(relative, result.outputs[fmt])
        results[pair.key] = PairResult(pair.key, changes=result.changes)
        progress.step(what(pair), outcome)

    to_compute: list[PairTask] = []
    pending: dict[str, list[PairPlan]] = {}
    try:
        for pair in all_pairs:
            if pair.key in pending:  # two identical pairs cannot happen (refs are in the key); be safe
                pending[pair.key].append(pair)
                continue
            if keep_lineage[pair.work]:
                for relative in pair.files.values():
                    writer.keep(relative)
                results[pair.key] = None  # unchanged and in place: not even read
                summary.reused += 1
                progress.step(what(pair), "unchanged")
                continue
            cached = cache.get(pair.key)
            if cached is not None and set(pair.files) <= set(cached.outputs):
                summary.reused += 1
                finish(pair, cached, "reused")
                continue
            try:
                old, new = load(pair.old.version), load(pair.new.version)
            except (PolicyDiffError, OSError, UnicodeDecodeError) as exc:  # changed since the index read it
                finish(pair, PairResult(pair.key, error=" ".join(str(exc).split())), "FAILED")
                continue
            pending[pair.key] = [pair]
            to_compute.append(PairTask(pair.key, old, new, tuple(pair.files),
                                       options.lang, options.generated, options.tool_commit))

        def on_result(result: PairResult) -> None:
            cache.put(result)
            if result.error is None:
                summary.built += 1
            for pair in pending.get(result.key, []):
                finish(pair, result, "built")

        if options.engine == "dask":
            run_dask(to_compute, options.jobs, options.scheduler, on_result)
        else:
            run_local(to_compute, options.jobs, on_result)
    finally:
        progress.close()

    # ------------------------------------------------------------ status, pages, index
    everything = [r.version for plan in plans for r in plan.versions]
    graph = status_core.build_graph(everything, facts)
    statuses = {v.ref: status_core.status_of(graph, v.ref, options.as_of) for v in everything}
    from . import lineage as lineage_mod

    previous_summaries = _previous_summaries(previous)
    site_works = []
    for plan in plans:
        versions = [r.version for r in plan.versions]
        failed_here = [p for p in plan.pairs if results.get(p.key) is not None and results[p.key].error]
        lineage_pages: list[dict] = []
        if keep_lineage[plan.work]:
            lineage_pages = list(previous_lineages[plan.work].get("pages", []))
            for page in lineage_pages:
                writer.keep(page["path"])
            recorded = previous_summaries.get(plan.work, {})
            summaries = {p.key: recorded.get(p.key) for p in plan.pairs}
        else:
            summaries = {p.key: _summary_of(results[p.key].changes) if results.get(p.key) else None
                         for p in plan.pairs}
        if not failed_here and not keep_lineage[plan.work]:
            # tracing reads the measures' labels and headings: this work's Documents
            try:
                with_documents = [load(v) for v in versions]
            except (PolicyDiffError, OSError, UnicodeDecodeError) as exc:  # changed since the index read it
                summary.failed.append((f"lineages of {plan.work}", " ".join(str(exc).split())))
                failed_here = list(plan.pairs)
                with_documents = []
            loaded = {v.ref: v for v in with_documents}
            comparisons = {
                (p.old.version.ref, p.new.version.ref): _light_comparison(loaded[p.old.version.ref],
                                                                          loaded[p.new.version.ref],
                                                                          results[p.key].changes)
                for p in plan.pairs if not failed_here and results[p.key].changes is not None
            }
            for start, ordinal, traced in build_lineages(with_documents, comparisons):
                relative = f"{safe_name(plan.work)}/lineage/{safe_name(start.version or '')}__{ordinal}.html"
                writer.write(relative, render_lineage(traced, "html", options.lang))
                lineage_pages.append({"start": start.ref, "ordinal": ordinal, "label": traced.start.label,
                                      "heading": traced.start.heading, "path": relative,
                                      "kinds": sorted({h.kind for h in traced.hops})})
        timeline = lineage_mod.timeline(graph, plan.work) if versions else ()
        site_works.append(site_render.SiteWork(
            work=plan.work, title=plan.title, page=f"{safe_name(plan.work)}/index.html",
            versions=[site_render.SiteVersion(v, statuses[v.ref]) for v in versions],
            timeline=timeline,
            pairs=[site_render.SitePair(p.old.version.ref, p.new.version.ref, p.key, p.across, dict(p.files),
                                        summaries[p.key],
                                        p.old.version.has_text and p.new.version.has_text,
                                        p in failed_here)
                   for p in plan.pairs],
            lineage_key=None if failed_here else lineage_keys[plan.work],
            lineage_pages=lineage_pages,
        ))

    site = site_render.Site(as_of=options.as_of, tool=(TOOL_NAME, __version__), works=site_works,
                            lang=options.lang, tool_commit=options.tool_commit)
    previous_page_keys = {w.get("page"): w.get("page_key") for w in previous.get("works", [])
                          if isinstance(w, dict) and isinstance(w.get("page"), str)}
    for work in site_works:
        work.page_key = page_key(context, site, work)
        if work.page_key and previous_page_keys.get(work.page) == work.page_key and (out / work.page).is_file():
            writer.keep(work.page)  # what its template would receive is unchanged: not rendered
        else:
            writer.write(work.page, site_render.work_html(site, work))
    writer.write(INDEX_HTML, site_render.index_html(site))
    writer.files.add(INDEX_JSON)
    manifest = site_render.site_json(site, previous_text)
    # Delete what the previous build wrote and this one did not (a removed version).
    previous_files = set(previous_pair_files) | {page["path"] for record in previous_lineages.values()
                                                 for page in record.get("pages", []) if isinstance(page, dict)}
    previous_files |= {w.get("page") for w in previous.get("works", []) if isinstance(w, dict) and w.get("page")}
    for relative in sorted(previous_files - writer.files):
        path = out / relative
        try:
            if path.is_file() and path.resolve().is_relative_to(out.resolve()):
                path.unlink()
                summary.removed += 1
        except OSError:
            pass
    writer.write(INDEX_JSON, manifest)
    summary.pages_written = writer.written
    summary.pages_kept = writer.kept
    summary.seconds = time.perf_counter() - started
    return summary
