"""`policydiff build` (the static site) and `policydiff import` (bulk add).

One small archive of real corpus texts is imported once per session (three works, one of
them with three versions and a version recorded without text in between) and copied for
the tests that change it. Builds run in-process through `api`; a few checks go through the
real CLI (exit code, summary lines, progress lines when piped).
"""

from __future__ import annotations

import filecmp
import json
import shutil
import subprocess
from pathlib import Path

import pytest

from policydiff import api, bulkimport
from policydiff.intake import AddRequest
from policydiff.archive import open_archive

from .conftest import CORPUS, REPO, run_cli

WORKS = ("reg-bc9b3387", "ji-e3c3581d", "reg-e4838bf8")  # two small pairs and the 3-version chain
AS_OF = "2025-01-01"
NO_TEXT_TITLE = "中华人民共和国道路运输条例(测试用虚构版本记录，无正文)"


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], check=True, capture_output=True, text=True).stdout


def _new_repo(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    _git(path, "init", "-q")
    _git(path, "config", "user.email", "test@example.invalid")
    _git(path, "config", "user.name", "policydiff test")
    return path


def _source_folder(target: Path) -> Path:
    for work in WORKS:
        (target / work).mkdir(parents=True)
        for version in sorted((CORPUS / work).glob("20*.md")):
            shutil.copyfile(version, target / work / version.name)
    return target


@pytest.fixture(scope="session")
def built_archive(tmp_path_factory) -> Path:
    """A work tree with versions/ imported from the corpus, plus a no-text version."""
    top = _new_repo(tmp_path_factory.mktemp("site") / "repo")
    api.init_archive(top / "versions")
    summary = api.import_folder(top / "versions", str(_source_folder(top.parent / "src")), jobs=2)
    assert not summary.failed and len(summary.added) == 7
    api.add_version(top / "versions", AddRequest(work="reg-e4838bf8", version="2021", no_text=True,
                                                 title=NO_TEXT_TITLE, issued="2021-06-01"))
    return top


@pytest.fixture()
def work_tree(built_archive, tmp_path) -> Path:
    copy = tmp_path / "repo"
    shutil.copytree(built_archive, copy, symlinks=True)
    return copy


def build(top: Path, out: Path, **options):
    options.setdefault("jobs", 1)
    options.setdefault("as_of", AS_OF)
    options.setdefault("cache", str(top / "cache"))
    return api.build(top / "versions", str(out), progress_stream=open("/dev/null", "w"), **options)


def same_tree(a: Path, b: Path) -> None:
    files_a = sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file())
    files_b = sorted(p.relative_to(b).as_posix() for p in b.rglob("*") if p.is_file())
    assert files_a == files_b
    _match, mismatch, errors = filecmp.cmpfiles(a, b, files_a, shallow=False)
    assert not mismatch and not errors, mismatch + errors


@pytest.fixture(scope="session")
def clean_site(built_archive, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("clean") / "site"
    summary = api.build(built_archive / "versions", str(out), jobs=1, as_of=AS_OF, use_cache=False,
                        progress_stream=open("/dev/null", "w"))
    assert not summary.failed, summary.failed
    return out


def test_site_holds_index_works_pairs_and_lineages(built_archive, clean_site):
    index = json.loads((clean_site / "index.json").read_text(encoding="utf-8"))
    assert index["format"] == "policydiff.site/1" and index["as_of"] == AS_OF
    # written entry by entry (render.site.site_json): the bytes of one indented json.dumps
    assert (clean_site / "index.json").read_text(encoding="utf-8") == json.dumps(index, ensure_ascii=False, indent=1) + "\n"
    assert [w["work"] for w in index["works"]] == sorted(WORKS)
    chain = next(w for w in index["works"] if w["work"] == "reg-e4838bf8")
    pairs = [(p["old"], p["new"], tuple(p["across"])) for p in chain["pairs"]]
    # consecutive pairs, plus the two texts on either side of the version without text
    assert pairs == [
        ("reg-e4838bf8@2019-03-02", "reg-e4838bf8@2021", ()),
        ("reg-e4838bf8@2019-03-02", "reg-e4838bf8@2022-03-29", ("reg-e4838bf8@2021",)),
        ("reg-e4838bf8@2021", "reg-e4838bf8@2022-03-29", ()),
        ("reg-e4838bf8@2022-03-29", "reg-e4838bf8@2023-07-20", ()),
    ]
    assert [p["comparable"] for p in chain["pairs"]] == [False, True, False, True]
    for pair in chain["pairs"]:
        for path in pair["files"].values():
            assert (clean_site / path).is_file(), path
    # every report is the very file `policydiff report` writes for that pair
    pair = chain["pairs"][3]
    for fmt in ("html", "json"):
        alone = api.report(str(built_archive / "versions"), pair["old"], pair["new"],
                           output=str(clean_site.parent / f"alone.{fmt}"), fmt=fmt)
        assert Path(alone).read_bytes() == (clean_site / pair["files"][fmt]).read_bytes()
    # one lineage page per changed line, none for a measure kept word for word
    pages = chain["lineage"]["pages"]
    assert pages and all((clean_site / p["path"]).is_file() for p in pages)
    starts = {(p["start"], p["ordinal"]) for p in pages}
    assert len(starts) == len(pages)
    summary = chain["pairs"][3]["summary"]
    assert summary["modified"] + summary["removed"] + summary["added"] > 0
    # the index page: works with their status as of the build day, the report's CSP
    html = (clean_site / "index.html").read_text(encoding="utf-8")
    assert 'data-as-of="2025-01-01"' in html and "unsafe-inline" not in html
    assert html.count('class="work"') == 3 and 'href="reg-e4838bf8/index.html"' in html
    work_page = (clean_site / "reg-e4838bf8" / "index.html").read_text(encoding="utf-8")
    assert 'href="2022-03-29__2023-07-20.html"' in work_page and 'href="../index.html"' in work_page
    assert NO_TEXT_TITLE in work_page


def test_incremental_rebuild_redoes_only_what_a_new_version_touches(work_tree, tmp_path):
    out = work_tree / "reports"
    first = build(work_tree, out)
    assert first.built == first.pairs == 6 and not first.failed
    again = build(work_tree, out)
    assert again.built == 0 and again.reused == 6 and again.pages_written == 0
    api.add_version(work_tree / "versions", AddRequest(source=str(CORPUS / "reg-e4838bf8" / "2023-07-20.md"),
                                                       work="ji-e3c3581d", version="2024"))  # a third version (unrelated text: test data)
    third = build(work_tree, out)
    assert third.built == 1 and third.reused == 6, third.lines()
    clean = tmp_path / "clean"
    api.build(work_tree / "versions", str(clean), jobs=1, as_of=AS_OF, use_cache=False,
              progress_stream=open("/dev/null", "w"))
    same_tree(out, clean)  # incremental == clean, byte for byte
    # a fresh folder with a warm cache: nothing computed, same bytes
    warm = build(work_tree, tmp_path / "warm")
    assert warm.built == 0 and warm.reused == 7
    same_tree(tmp_path / "warm", clean)


def test_rebuild_parses_and_renders_only_the_touched_work(work_tree, tmp_path, monkeypatch):
    """Front matter and text facts come from the archive index: a rebuild parses the bodies
    of the versions whose pairs (and lineages) it recomputes, and renders the pages of the
    works whose inputs changed, nothing else."""
    from policydiff import mdbody
    from policydiff.archive.store import Archive
    from policydiff.render import site as site_render

    out = work_tree / "reports"
    build(work_tree, out)
    parsed: list[str] = []
    rendered: list[str] = []
    real_read, real_from_markdown, real_work_html = Archive.read, mdbody.from_markdown, site_render.work_html

    def read(self, work, version, *, document=True, commit=True):
        if document:
            parsed.append(f"{work}@{version}")
        return real_read(self, work, version, document=document, commit=commit)

    calls = []
    monkeypatch.setattr(Archive, "read", read)
    monkeypatch.setattr(mdbody, "from_markdown", lambda *a, **k: calls.append(1) or real_from_markdown(*a, **k))
    monkeypatch.setattr(site_render, "work_html", lambda site, work: rendered.append(work.work) or real_work_html(site, work))

    unchanged = build(work_tree, out)
    assert unchanged.built == 0 and unchanged.pages_written == 0
    assert parsed == [] and calls == [] and rendered == []

    api.add_version(work_tree / "versions", AddRequest(source=str(CORPUS / "reg-e4838bf8" / "2023-07-20.md"),
                                                       work="ji-e3c3581d", version="2024"))  # test data
    parsed.clear(), calls.clear()
    third = build(work_tree, out)
    assert third.built == 1 and not third.failed
    # the new version's pair, and the work's lineages: that work's three versions (the new
    # one is parsed once more by the index, which derives its text facts)
    assert set(parsed) == {"ji-e3c3581d@2017-12-11", "ji-e3c3581d@2020-12-29", "ji-e3c3581d@2024"}, parsed
    assert len(calls) <= 4
    assert rendered == ["ji-e3c3581d"]
    clean = tmp_path / "clean"
    monkeypatch.undo()
    api.build(work_tree / "versions", str(clean), jobs=1, as_of=AS_OF, use_cache=False,
              progress_stream=open("/dev/null", "w"))
    same_tree(out, clean)  # what was kept is what a clean build writes


def test_rebuild_reads_work_yaml_from_the_index(work_tree, tmp_path, monkeypatch):
    """Each work's work.yaml (its title) comes from the archive index, as for list and
    status: a rebuild parses none while they are unchanged, and an edited one is read
    again (the index sees the file change), once."""
    from policydiff import sitebuild
    from policydiff.archive import index as index_module
    from policydiff.archive import store as store_module

    out = work_tree / "reports"
    build(work_tree, out)
    parsed: list[bytes | None] = []
    for module in (index_module, store_module):
        real = module.work_info_from_bytes
        monkeypatch.setattr(module, "work_info_from_bytes",
                            lambda raw, real=real: parsed.append(raw) or real(raw))
    unchanged = build(work_tree, out)
    assert unchanged.built == 0 and parsed == []
    work_yaml = work_tree / "versions" / "ji-e3c3581d" / "work.yaml"
    assert work_yaml.is_file()
    text = work_yaml.read_text(encoding="utf-8")
    title = "示例作品的新标题(测试用虚构文本)"
    work_yaml.write_text("\n".join(f"title: {title}" if line.startswith("title:") else line
                                   for line in text.splitlines()) + "\n", encoding="utf-8")
    build(work_tree, out)
    assert len(parsed) == 1 and title.encode("utf-8") in parsed[0]  # the edited one, once
    plans, _facts = sitebuild.read_archive(open_archive(work_tree / "versions"))
    assert {p.work: p.title for p in plans}["ji-e3c3581d"] == title
    assert len(parsed) == 1
    monkeypatch.undo()
    clean = tmp_path / "clean"
    api.build(work_tree / "versions", str(clean), jobs=1, as_of=AS_OF, use_cache=False,
              progress_stream=open("/dev/null", "w"))
    same_tree(out, clean)


def test_removed_version_removes_its_pages(work_tree, tmp_path):
    out = work_tree / "reports"
    build(work_tree, out)
    stale = out / "reg-e4838bf8" / "2022-03-29__2023-07-20.html"
    assert stale.is_file()
    _git(work_tree, "rm", "-q", "versions/reg-e4838bf8/2023-07-20.md", "versions/reg-e4838bf8/2023-07-20.source.md")
    _git(work_tree, "commit", "-q", "-m", "remove a version (test)")
    (out / "mine.txt").write_text("not the build's", encoding="utf-8")
    summary = build(work_tree, out)
    assert summary.removed > 0 and not stale.exists()
    assert (out / "mine.txt").is_file()  # files the build did not write are left alone
    (out / "mine.txt").unlink()
    clean = tmp_path / "clean"
    api.build(work_tree / "versions", str(clean), jobs=1, as_of=AS_OF, use_cache=False,
              progress_stream=open("/dev/null", "w"))
    same_tree(out, clean)


def test_process_pool_gives_the_same_site(built_archive, clean_site, tmp_path):
    summary = build(built_archive, tmp_path / "p", jobs=2, use_cache=False, cache=None)
    assert summary.built == 6 and not summary.failed
    same_tree(tmp_path / "p", clean_site)


def test_dask_local_cluster_gives_the_same_site(built_archive, clean_site, tmp_path):
    summary = build(built_archive, tmp_path / "d", jobs=2, engine="dask", use_cache=False, cache=None)
    assert summary.built == 6 and not summary.failed
    same_tree(tmp_path / "d", clean_site)


def test_bad_version_fails_alone_and_cli_reports_it(work_tree):
    md = work_tree / "versions" / "reg-bc9b3387" / "2024-11-10.md"
    md.write_text("---\nwork: [unclosed\n---\n\n正文\n", encoding="utf-8")  # a broken hand edit
    result = run_cli("build", "--jobs", "1", "--as-of", AS_OF, cwd=work_tree)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    failed = [line for line in result.stderr.splitlines() if line.startswith("failed: ")]
    assert failed and failed[0].startswith("failed: reg-bc9b3387@2024-11-10: ")
    assert result.stdout.strip().endswith("reports/index.html")
    # piped: one plain progress line per pair, then the summary
    assert "[1/" in result.stderr and "built reg-e4838bf8@" in result.stderr
    index = json.loads((work_tree / "reports" / "index.json").read_text(encoding="utf-8"))
    assert {w["work"] for w in index["works"]} == set(WORKS)
    assert (work_tree / "reports" / "ji-e3c3581d" / "2017-12-11__2020-12-29.html").is_file()


def test_build_bad_usage_is_one_line(work_tree):
    result = run_cli("build", "--scheduler", "tcp://127.0.0.1:1", cwd=work_tree)
    assert result.returncode == 2 and result.stderr.count("\n") == 1 and "--engine dask" in result.stderr
    (work_tree / "afile").write_text("x", encoding="utf-8")
    result = run_cli("build", "afile", cwd=work_tree)
    assert result.returncode == 2 and result.stderr.startswith("Error: ")


def test_shipped_site_is_current(tmp_path):
    """reports/ is what `policydiff build` (make run) gives for the shipped archive, as of
    the day it was built (recorded in reports/index.json); if this fails, run `make run`
    and commit reports/."""
    shipped = REPO / "reports"
    recorded = json.loads((shipped / "index.json").read_text(encoding="utf-8"))
    out = tmp_path / "reports"
    # the tool commit the shipped reports name is the one they were built from (committing
    # them makes a newer commit): everything else must be current
    summary = api.build(REPO / "versions", str(out), jobs=1, as_of=recorded["as_of"], use_cache=False,
                        progress_stream=open("/dev/null", "w"), tool_commit=recorded["tool"].get("commit"))
    assert not summary.failed
    # The cache keys in index.json hash the tool's own code (so a build after any edit redoes
    # the work): they change with every commit while the published pages do not. Compared
    # without them; every other byte of every file must match.
    def without_keys(value):
        if isinstance(value, dict):
            return {k: without_keys(v) for k, v in value.items() if k not in ("key", "page_key")}
        if isinstance(value, list):
            return [without_keys(v) for v in value]
        return value
    built, kept = (json.loads((root / "index.json").read_text(encoding="utf-8")) for root in (out, shipped))
    assert without_keys(built) == without_keys(kept), "reports/index.json is stale: run `make run`"
    (out / "index.json").write_bytes((shipped / "index.json").read_bytes())
    same_tree(out, shipped)


# --------------------------------------------------------------------------- import


def test_import_pattern_manifest_and_resume(tmp_path):
    top = _new_repo(tmp_path / "repo")
    api.init_archive(top / "versions")
    src = _source_folder(tmp_path / "src")
    (src / "reg-bc9b3387" / "notes.txt").write_text("not a version", encoding="utf-8")
    entries, ignored = bulkimport.entries_from_pattern(src, "{work}/{version}.md")
    assert ignored == 1 and [e.ref for e in entries][:2] == ["ji-e3c3581d@2017-12-11", "ji-e3c3581d@2020-12-29"]
    store = open_archive(top / "versions")

    # A kill after two versions landed: what landed stays, the rerun adds the rest.
    landed: list[str] = []

    def interrupt(ref: str, outcome: str) -> None:
        landed.append(ref)
        if len(landed) == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bulkimport.import_entries(store, entries, jobs=1, report=interrupt)
    assert len(store.version_ids("ji-e3c3581d")) == 2
    summary = api.import_folder(top / "versions", str(src), pattern="{work}/{version}.md", jobs=2)
    assert len(summary.skipped) == 2 and len(summary.added) == 5 and not summary.failed
    commits = _git(top, "log", "--format=%s").splitlines()
    assert len(commits) == 7 and all(c.startswith("policydiff add ") for c in commits)
    assert api.verify(top / "versions") == []

    # Different bytes under an archived ref are never overwritten; one bad file stops nothing.
    manifest = tmp_path / "m.yaml"
    (src / "empty.txt").write_text("  \n", encoding="utf-8")
    manifest.write_text(
        "- {file: reg-bc9b3387/2024-11-10.md, work: reg-bc9b3387, version: 2013-12-11}\n"
        "- {file: empty.txt, work: example-empty, version: '1'}\n"
        "- {file: ji-e3c3581d/2020-12-29.md, work: example-copy, version: '2020', title: 示例(测试用虚构标题)}\n",
        encoding="utf-8")
    summary = api.import_folder(top / "versions", str(src), manifest=str(manifest))
    assert summary.added == ["example-copy@2020"]
    errors = dict(summary.failed)
    assert "--replace" in errors["reg-bc9b3387@2013-12-11"] and "example-empty@1" in errors
    assert open_archive(top / "versions").read("example-copy", "2020").meta.title == "示例(测试用虚构标题)"


def test_import_cli_bad_input(tmp_path):
    top = _new_repo(tmp_path / "repo")
    api.init_archive(top / "versions")
    result = run_cli("import", "nowhere", cwd=top)
    assert result.returncode == 2 and result.stderr.startswith("Error: ")
    (top / "src").mkdir()
    result = run_cli("import", "src", "--pattern", "{work}.txt", cwd=top)
    assert result.returncode == 2 and "{version}" in result.stderr
    (top / "m.json").write_text("{\"versions\": [{\"file\": 3}]}", encoding="utf-8")
    result = run_cli("import", "src", "--manifest", "m.json", cwd=top)
    assert result.returncode == 2 and "entry 1" in result.stderr


def test_last_commits_kept_for_head_and_extended_along_added_commits(work_tree, monkeypatch):
    """Archive.last_commits keeps its answer in the git directory: after an `add` (one
    commit) it reads only the new commit, after a reset the whole history; the answer is
    always what one full `git log` gives."""
    from policydiff.archive.store import Archive

    def full_log(store):
        return store._log_commits("HEAD", store.rel(store.root))

    store = open_archive(work_tree / "versions")
    assert store.last_commits() == full_log(store) and store._last_commits_path().is_file()
    first_head = _git(work_tree, "rev-parse", "HEAD").strip()
    api.add_version(work_tree / "versions", AddRequest(source=str(CORPUS / "reg-e4838bf8" / "2023-07-20.md"),
                                                       work="ji-e3c3581d", version="2024"))  # test data
    logged = []
    real_log = Archive._log_commits
    monkeypatch.setattr(Archive, "_log_commits", lambda self, revs, spec: logged.append(revs) or real_log(self, revs, spec))
    store = open_archive(work_tree / "versions")
    commits = store.last_commits()
    head = _git(work_tree, "rev-parse", "HEAD").strip()
    assert logged == [f"{first_head}..{head}"]
    assert commits["versions/ji-e3c3581d/2024.md"] == head
    monkeypatch.undo()
    assert commits == full_log(store)
    _git(work_tree, "reset", "-q", "--hard", "HEAD~1")  # history rewritten: read it whole
    store = open_archive(work_tree / "versions")
    assert store.last_commits() == full_log(store) and "versions/ji-e3c3581d/2024.md" not in store.last_commits()
