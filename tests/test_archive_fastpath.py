"""The archive's read fast paths (issue 14): the index's stat signatures (a file whose
size, mtime, ctime and inode are what they were when it was hashed is not read again),
work.yaml kept in the index, one directory scan for the listing, and a work tree found
without GitPython. Every answer must stay what the files say: an edit of the same size
with its mtime put back, a replaced file, an edit right after the index was written.
Every text is fictional (tests/test_status_core.py's mixed archive)."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from policydiff import archive
from policydiff.api import all_versions
from policydiff.archive import index as archive_index
from policydiff.archive.index import index_path, read_index
from tests.conftest import run_cli
from tests.test_archive_index import answers
from tests.test_status_core import mixed_archive  # noqa: F401  (the fixture)

# a body edit of the same size in UTF-8 (39 bytes each) that ends the version's validity
EXPIRY_EDIT = ("本条例自2023年1月1日起施行。", "本条例有效期至2024年1月1日。")


def _entries(store) -> dict:
    return json.loads(index_path(store).read_text(encoding="utf-8"))["files"]


def _same_size_edit(path: Path, old: str, new: str) -> None:
    """Replace `old` by `new` (same length in UTF-8) in place, then put the mtime back."""
    before = path.stat()
    data = path.read_bytes()
    assert len(old.encode("utf-8")) == len(new.encode("utf-8")) and old.encode("utf-8") in data
    with open(path, "r+b") as handle:  # in place: the inode stays
        handle.write(data.replace(old.encode("utf-8"), new.encode("utf-8")))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


@pytest.fixture()
def no_margin(monkeypatch):
    """Signatures recorded for files of any age (the tests cannot wait 3 s); the tests
    sleep past the kernel's timestamp tick before an edit instead."""
    monkeypatch.setattr(archive_index, "RACY_MARGIN_NS", 0)
    monkeypatch.delenv("POLICYDIFF_INDEX_HASH_ALL", raising=False)


def test_an_unchanged_signature_stands_in_for_the_hash(mixed_archive, no_margin):  # noqa: F811
    store = archive.Archive(mixed_archive)
    read_index(store)
    entries = _entries(store)
    assert all(len(e["stat"]) == 4 for e in entries.values())  # old enough: signatures recorded
    real = read_index(store).digests["demo-service@2023"]
    # a forged hash beside an unchanged signature is believed: proof the file was not read
    entries["demo-service/2023"]["sha256"] = "0" * 64
    data = json.loads(index_path(store).read_text(encoding="utf-8"))
    index_path(store).write_text(json.dumps({**data, "files": entries}), encoding="utf-8")
    assert read_index(store).digests["demo-service@2023"] == "0" * 64
    # ... and hashing every file (what `verify`-grade reading and POLICYDIFF_INDEX_HASH_ALL do) finds the truth
    assert read_index(store, trust_stat=False).digests["demo-service@2023"] == real
    assert _entries(store)["demo-service/2023"]["sha256"] == real  # and mends the index


def test_a_same_size_edit_with_its_mtime_put_back_is_seen(mixed_archive, no_margin):  # noqa: F811
    store = archive.Archive(mixed_archive)
    before = answers(*archive_index.indexed_versions(store))
    assert before["demo-service@2023"][0] == "in_force"
    time.sleep(0.05)  # past the kernel's timestamp tick: the edit gets a later ctime
    _same_size_edit(mixed_archive / "demo-service" / "2023.md", *EXPIRY_EDIT)
    indexed = read_index(store)
    after = answers(indexed.versions, indexed.facts)
    assert after == answers(all_versions(store))
    assert after["demo-service@2023"][0] == "repealed"  # expired, read from the edited text


def test_a_replaced_file_is_seen_even_with_the_same_size_and_times(mixed_archive, no_margin):  # noqa: F811
    """git checkout, an editor's save-by-rename: a new inode."""
    store = archive.Archive(mixed_archive)
    read_index(store)
    md = mixed_archive / "demo-service" / "2023.md"
    stat = md.stat()
    data = md.read_bytes().replace(EXPIRY_EDIT[0].encode("utf-8"), EXPIRY_EDIT[1].encode("utf-8"))
    assert len(data) == stat.st_size
    replacement = md.with_name("2023.md.new")
    replacement.write_bytes(data)
    os.utime(replacement, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    os.replace(replacement, md)
    indexed = read_index(store)
    assert indexed.digests["demo-service@2023"] == hashlib.sha256(data).hexdigest()
    assert answers(indexed.versions, indexed.facts) == answers(all_versions(store))
    assert answers(indexed.versions, indexed.facts)["demo-service@2023"][0] == "repealed"


def test_a_file_changed_just_before_it_was_hashed_gets_no_signature(mixed_archive, monkeypatch):  # noqa: F811
    """The racy case: an edit within the same timestamp tick as the write that was hashed
    has the same size, mtime and ctime. A file younger than the margin is therefore
    hashed again next time, so even that edit is seen."""
    monkeypatch.delenv("POLICYDIFF_INDEX_HASH_ALL", raising=False)
    monkeypatch.setattr(archive_index, "RACY_MARGIN_NS", 3_600 * 10**9)  # every file is "just written"
    store = archive.Archive(mixed_archive)
    read_index(store)
    assert not any("stat" in e for e in _entries(store).values())
    md = mixed_archive / "demo-service" / "2023.md"
    _same_size_edit(md, *EXPIRY_EDIT)  # no sleep: maybe within the same timestamp tick
    indexed = read_index(store)
    assert answers(indexed.versions, indexed.facts) == answers(all_versions(store))
    assert answers(indexed.versions, indexed.facts)["demo-service@2023"][0] == "repealed"
    assert indexed.digests["demo-service@2023"] == hashlib.sha256(md.read_bytes()).hexdigest()


def test_answers_are_the_same_cold_warm_and_hashing_everything(mixed_archive, no_margin):  # noqa: F811
    store = archive.Archive(mixed_archive)
    outputs = []
    for setup in (lambda: index_path(store).unlink(missing_ok=True), lambda: None, lambda: None):
        setup()
        outputs.append((run_cli("--archive", str(mixed_archive), "list").stdout,
                        run_cli("--archive", str(mixed_archive), "list", "--format", "json").stdout,
                        run_cli("--archive", str(mixed_archive), "status", "demo-service", "--format", "json").stdout,
                        run_cli("--archive", str(mixed_archive), "log", "demo-service").stdout))
    outputs.append(tuple(run_cli("--archive", str(mixed_archive), *args, env={"POLICYDIFF_INDEX_HASH_ALL": "1"}).stdout
                         for args in (("list",), ("list", "--format", "json"),
                                      ("status", "demo-service", "--format", "json"), ("log", "demo-service"))))
    assert outputs[0] == outputs[1] == outputs[2] == outputs[3]
    first = index_path(store).read_bytes()
    read_index(store)
    assert index_path(store).read_bytes() == first  # nothing changed: the index is not rewritten


def test_a_work_title_edit_is_seen_by_list(mixed_archive, no_margin):  # noqa: F811
    store = archive.Archive(mixed_archive)
    read_index(store)
    assert json.loads(index_path(store).read_text(encoding="utf-8"))["works"]["demo-service"]["info"]["title"]
    time.sleep(0.05)
    work_yaml = mixed_archive / "demo-service" / "work.yaml"
    work_yaml.write_text("title: 示例市另一个标题(测试用虚构文本)\naliases: []\nnotes: []\n", encoding="utf-8")
    listing = json.loads(run_cli("--archive", str(mixed_archive), "list", "--format", "json").stdout)
    titles = {w["work"]: w["title"] for w in listing["works"]}
    assert titles["demo-service"] == "示例市另一个标题(测试用虚构文本)"
    assert read_index(store).works == {w: store.work_info(w) for w in store.works()}
    # a work.yaml whose YAML does not come back from JSON unchanged is read each time, not indexed
    work_yaml.write_text("title: 示例(测试用虚构文本)\n1: numbered key\n", encoding="utf-8")
    assert read_index(store).works["demo-service"] == store.work_info("demo-service")
    assert "demo-service" not in json.loads(index_path(store).read_text(encoding="utf-8"))["works"]


def test_the_listing_is_what_works_and_version_ids_say(mixed_archive):  # noqa: F811
    store = archive.Archive(mixed_archive)
    (mixed_archive / "only-a-work-file").mkdir()
    (mixed_archive / "only-a-work-file" / "work.yaml").write_text("title: 示例(测试用虚构文本)\n", encoding="utf-8")
    (mixed_archive / "demo-service" / "NOTES.txt").write_text("not a version", encoding="utf-8")
    (mixed_archive / "demo-service" / "Not A Version.md").write_text("x", encoding="utf-8")
    (mixed_archive / "demo-service" / "2030.md").mkdir()  # a folder named like a version file
    (mixed_archive / "empty-folder").mkdir()
    (mixed_archive / "Not_A_Work").mkdir()
    (mixed_archive / "Not_A_Work" / "2020.md").write_text("x", encoding="utf-8")
    expected = {work: store.version_ids(work) for work in store.works()}
    assert store.listing() == expected
    assert list(store.listing()) == store.works()
    assert expected["only-a-work-file"] == [] and "empty-folder" not in expected


def test_the_work_tree_is_found_as_gitpython_finds_it(tmp_path):
    import git

    from policydiff.archive.store import _plain_work_tree

    main = tmp_path / "main"
    subprocess.run(["git", "init", "-q", str(main)], check=True)
    archive.init(main / "versions")
    subprocess.run(["git", "-C", str(main), "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                    "commit", "-q", "--allow-empty", "-m", "first"], check=True)
    linked = tmp_path / "linked"
    subprocess.run(["git", "-C", str(main), "worktree", "add", "-q", str(linked)], check=True)
    (linked / "versions" / "deeper").mkdir(parents=True)
    for start in (main / "versions", linked / "versions", linked / "versions" / "deeper"):
        repo = git.Repo(start, search_parent_directories=True)
        top, git_dir = _plain_work_tree(start)
        assert (top.resolve(), git_dir) == (Path(repo.working_tree_dir).resolve(), Path(repo.git_dir)), start
        opened = archive.Archive(start)
        assert opened.git_dir == Path(repo.git_dir) and opened.top == Path(repo.working_tree_dir).resolve()


def test_unusual_git_setups_are_left_to_gitpython(tmp_path, monkeypatch):
    from policydiff.archive.store import _plain_work_tree
    from policydiff.errors import ArchiveError

    folder = tmp_path / "w"
    archive.init(folder)
    monkeypatch.setenv("GIT_DIR", str(folder / ".git"))
    assert _plain_work_tree(folder) is None
    monkeypatch.delenv("GIT_DIR")
    bare = tmp_path / "bare.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    assert _plain_work_tree(bare) is None
    with pytest.raises(ArchiveError, match="bare"):
        archive.Archive(bare)
    outside = tmp_path / "no-git-here"
    outside.mkdir()
    if _plain_work_tree(outside) is None:  # unless tmp_path itself lies in a work tree
        with pytest.raises(ArchiveError, match="not inside a git work tree"):
            archive.Archive(outside)


def test_list_status_and_log_do_not_import_gitpython(mixed_archive):  # noqa: F811
    # from an exit handler: the command may end its process without returning (__main__)
    probe = ("import atexit, sys, runpy\n"
             "atexit.register(lambda: sys.stderr.write('GITPYTHON=%s' % ('git' in sys.modules)))\n"
             "sys.argv = ['policydiff'] + sys.argv[1:]\n"
             "runpy.run_module('policydiff', run_name='__main__')\n")
    for args in (("list",), ("status", "demo-service"), ("log", "demo-service")):
        done = subprocess.run([sys.executable, "-c", probe, "--archive", str(mixed_archive), *args],
                              capture_output=True, text=True)
        assert done.stdout, done.stderr
        assert done.stderr.endswith("GITPYTHON=False"), (args, done.stderr[-500:])


def test_head_state_answers_what_head_and_head_blob_answer(mixed_archive, tmp_path_factory):  # noqa: F811
    """One `git cat-file --batch-check` per add stands in for five `git rev-parse`s."""
    store = archive.Archive(mixed_archive)
    paths = [mixed_archive / ".gitignore", mixed_archive / "demo-service" / "2023.md",
             mixed_archive / "demo-service" / "work.yaml", mixed_archive / "demo-service" / "2099.md",
             mixed_archive / "no-such-work" / "2020.md", mixed_archive / "demo-service"]
    head, blobs = store._head_state(paths)
    assert head == store._head() and head is not None
    assert blobs == {p: store._head_blob(p) for p in paths}
    assert blobs[paths[3]] is None and blobs[paths[1]] is not None
    empty = tmp_path_factory.mktemp("no-commit-yet") / "archive"
    subprocess.run(["git", "init", "-q", str(empty)], check=True)
    archive.init(empty)
    fresh = archive.Archive(empty)
    assert fresh._head_state([empty / ".gitignore"]) == (None, {empty / ".gitignore": None})


def test_an_add_without_read_back_commits_the_same(mixed_archive, tmp_path):  # noqa: F811
    from policydiff.intake import AddRequest, prepare_version

    store = archive.Archive(mixed_archive)
    source = tmp_path / "extra.txt"
    source.write_text("示例市测试补充办法(测试用虚构文本)\n第一条 为测试而制定。\n第二条 本办法自2025年1月1日起施行。\n",
                      encoding="utf-8")
    new = prepare_version(AddRequest(work="demo-extra", version="2025", source=str(source)))
    before = subprocess.run(["git", "-C", str(store.top), "rev-list", "--count", "HEAD"], capture_output=True,
                            text=True).stdout
    assert store.add(new, read_back=False) is None
    after = subprocess.run(["git", "-C", str(store.top), "rev-list", "--count", "HEAD"], capture_output=True,
                           text=True).stdout
    assert int(after) == int(before) + 1
    assert store.read("demo-extra", "2025", document=False).meta.title == new.meta.title
    assert subprocess.run(["git", "-C", str(store.top), "status", "--porcelain", "--", str(mixed_archive)],
                          capture_output=True, text=True).stdout == ""
    assert store.verify() == []


@pytest.mark.parametrize("jobs", [1, 2])
def test_import_indexes_what_it_added_as_the_index_would_derive_it(tmp_path, monkeypatch, jobs):
    """Bulk import writes the index entries of the versions it added from what its workers
    parsed: the first `list` after it parses no body, and every entry is exactly the one
    the index derives from the file (front matter, text facts, hash)."""
    from policydiff import api
    from tests.test_build import _new_repo, _source_folder

    top = _new_repo(tmp_path / "repo")
    api.init_archive(top / "versions")
    src = _source_folder(tmp_path / "src")  # corpus versions: real 施行 and repeal clauses
    (src / "demo-expiry").mkdir()
    (src / "demo-expiry" / "2020.txt").write_text(
        "示例市测试临时办法(测试用虚构文本)\n第一条 为测试而制定。\n第二条 本办法自2020年3月1日起施行，有效期至2022年12月31日。\n",
        encoding="utf-8")
    summary = api.import_folder(top / "versions", str(src), jobs=jobs)
    assert not summary.failed and len(summary.added) == 8
    store = archive.Archive(top / "versions")
    written = _entries(store)
    assert set(written) == {f"{v.work}/{v.version}" for v in all_versions(store)}

    def no_parsing(*args, **kwargs):
        raise AssertionError("a body was parsed although the import indexed it")

    monkeypatch.setattr(archive_index, "_entry", no_parsing)
    indexed = read_index(store)  # hashes each file once, parses nothing
    monkeypatch.undo()
    assert answers(indexed.versions, indexed.facts) == answers(all_versions(store))
    index_path(store).unlink()
    derived = read_index(store, trust_stat=False)
    assert {v.ref: v for v in derived.versions} == {v.ref: v for v in indexed.versions}
    assert derived.facts == indexed.facts
    rederived = _entries(store)
    strip = lambda entries: {k: {f: v for f, v in e.items() if f != "stat"} for k, e in entries.items()}  # noqa: E731
    assert strip(rederived) == strip(written)
    assert json.dumps(strip(rederived), sort_keys=True) == json.dumps(strip(written), sort_keys=True)


def test_an_entry_whose_front_matter_does_not_read_back_is_not_written():
    from policydiff.archive.index import entry_for_written
    from policydiff.model import DocumentMeta

    data = ("---\nwork: w\nversion: '2020'\ntitle: 示例(测试用虚构文本)\nhas_text: true\n---\n\n").encode("utf-8")
    other = DocumentMeta(title="另一个标题(测试用虚构文本)")
    assert entry_for_written("w", "2020", data, other, True, {"clauses": [], "offsets": []}) is None
    same = DocumentMeta(title="示例(测试用虚构文本)")
    assert entry_for_written("w", "2020", data, same, True, None) is None  # facts not worked out
    made = entry_for_written("w", "2020", data, same, True, {"clauses": [], "offsets": []})
    assert made is not None and made["sha256"] == hashlib.sha256(data).hexdigest()


def test_verify_hashes_every_file_and_mends_the_index(mixed_archive, no_margin):  # noqa: F811
    store = archive.Archive(mixed_archive)
    read_index(store)
    data = json.loads(index_path(store).read_text(encoding="utf-8"))
    real = data["files"]["demo-service/2023"]["sha256"]
    data["files"]["demo-service/2023"]["sha256"] = "0" * 64  # beside an unchanged stat signature
    index_path(store).write_text(json.dumps(data), encoding="utf-8")
    assert read_index(store).digests["demo-service@2023"] == "0" * 64  # the fast path believes it
    result = run_cli("--archive", str(mixed_archive), "verify")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _entries(store)["demo-service/2023"]["sha256"] == real  # verify read the file
    assert read_index(store).digests["demo-service@2023"] == real
