"""The git-backed archive (DESIGN §3) on a real git repository in a temp folder.

Documents here are fictional and say so in their title. Text versions are built with
DocBuilder and stored through mdbody (the real one when it is there; until it lands, a
one-block stand-in, so that these tests exercise the archive itself).
"""

from __future__ import annotations

import json
import shutil
import os
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

from policydiff import archive as archive_mod
from policydiff import api, frontmatter, intake
from policydiff.archive import Archive, NewVersion, version_sort_key
from policydiff.docbuild import DocBuilder
from policydiff.errors import ArchiveError, DuplicateVersionError, UnknownRefError
from policydiff.model import Block, BlockKind, Document, DocumentMeta, Repeal, Version

from .conftest import REPO

FICTIONAL_TITLE = "示例市促进创新若干措施(测试用虚构文本)"


@pytest.fixture()
def mdbody(monkeypatch):
    """The real policydiff.mdbody, or a lossless stand-in while it is not written yet."""
    try:
        from policydiff import mdbody as real

        return real
    except ImportError:
        stub = types.ModuleType("policydiff.mdbody")

        def to_markdown(doc: Document) -> str:
            return doc.text

        def from_markdown(body: str, meta: DocumentMeta) -> Document:
            block = Block(index=0, kind=BlockKind.TEXT, level="paragraph", label="", number=None,
                          sub_number=None, heading="", text=body, raw=body, start=0, parent=None)
            return Document(text=body, blocks=(block,) if body else (), meta=meta)

        stub.to_markdown, stub.from_markdown = to_markdown, from_markdown
        monkeypatch.setitem(sys.modules, "policydiff.mdbody", stub)
        import policydiff

        monkeypatch.setattr(policydiff, "mdbody", stub, raising=False)
        return stub


def fictional_doc(variant: str = "") -> Document:
    b = DocBuilder(meta=DocumentMeta(title=FICTIONAL_TITLE, issuers=("示例市科学技术局",), issued="2024-03-01"))
    b.text(FICTIONAL_TITLE, level="title")
    with b.container("一、", 1, "主要举措", level="cn-top"):
        b.measure("1.", 1, f"支持示例企业发展{variant}\n支持示例企业开展虚构的技术创新。")
        b.measure("2.", 2, "支持示例园区建设\n支持示例园区建设虚构的公共服务设施。")
    return b.build()


def text_version(mdbody, work="demo", version="2024", variant="", **extra) -> NewVersion:
    doc = fictional_doc(variant)
    # the body is what `add` derives from these bytes (verify re-derives it from the source)
    data = (doc.text + "\n").encode("utf-8")
    meta, document, _ = intake.parse_file(data, "source.txt", None, doc.meta)
    fields = dict(
        work=work, version=version, meta=meta, has_text=True, body=mdbody.to_markdown(document),
        text_sha256=frontmatter.sha256_text(document.text), source_bytes=data, source_ext="txt",
    )
    fields.update(extra)
    return NewVersion(**fields)


def no_text_version(work="demo", version="2022", **meta) -> NewVersion:
    meta.setdefault("title", FICTIONAL_TITLE)
    return NewVersion(work=work, version=version, meta=DocumentMeta(**meta), has_text=False,
                      notes=("text not available",))


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def commit_count(repo: Path) -> int:
    try:
        return int(git(repo, "rev-list", "--count", "HEAD").strip())
    except subprocess.CalledProcessError:
        return 0


@pytest.fixture()
def store(git_tmp) -> Archive:
    return Archive(archive_mod.init(git_tmp / "versions"))


def archive_files(store: Archive) -> list[str]:
    return sorted(p.relative_to(store.root).as_posix() for p in store.root.rglob("*")
                  if p.is_file() and p.name != archive_mod.LOCK_NAME)


# ---------------------------------------------------------------- locate / init


def test_init_outside_a_work_tree_runs_git_init(tmp_path):
    root = archive_mod.init(tmp_path / "store")
    assert (tmp_path / "store" / ".git").is_dir()
    assert ".policydiff.lock" in (root / ".gitignore").read_text(encoding="utf-8")
    Archive(root)  # opens


def test_init_inside_a_work_tree_makes_no_nested_repo(git_tmp):
    root = archive_mod.init(git_tmp / "versions")
    assert not (root / ".git").exists()
    assert commit_count(git_tmp) == 0  # init commits nothing; the first add does


# ---------------------------------------------------------------- add


def test_each_add_is_one_commit_with_a_structured_message(store, git_tmp, mdbody):
    store.add(no_text_version(doc_no="示例发〔2022〕4号"))
    assert commit_count(git_tmp) == 1
    added = store.add(text_version(mdbody))
    assert commit_count(git_tmp) == 2
    message = git(git_tmp, "log", "-1", "--format=%B")
    assert message.startswith("policydiff add demo@2024\n\n")
    assert f"text-sha256: {added.text_sha256}" in message
    assert "source-sha256: " in message
    assert added.commit == git(git_tmp, "rev-parse", "HEAD").strip()
    assert git(git_tmp, "status", "--porcelain") == ""
    assert archive_files(store) == [".gitignore", "demo/2022.md", "demo/2024.md", "demo/2024.source.txt",
                                    "demo/work.yaml"]


def test_add_round_trips_metadata_and_text(store, mdbody):
    new = text_version(mdbody, notes=("a note",), source_url="https://example.invalid/demo", retrieved="2024-03-02")
    store.add(new)
    version = store.read("demo", "2024")
    assert version.meta == new.meta
    assert version.has_text and version.notes == ("a note",)
    assert version.document.text == fictional_doc().text.rstrip("\n")
    assert version.text_sha256 == frontmatter.sha256_text(version.document.text)
    assert version.source.file == "demo/2024.source.txt"
    assert version.source.sha256 == frontmatter.sha256_bytes(new.source_bytes)
    assert (store.root / "demo/2024.source.txt").read_bytes() == new.source_bytes
    assert (version.source.url, version.source.retrieved) == ("https://example.invalid/demo", "2024-03-02")
    matter, _ = frontmatter.split(store.file_text("demo", "2024"))
    assert tuple(matter) == frontmatter.FRONT_MATTER_KEYS


def test_front_matter_is_deterministic(git_tmp, tmp_path_factory, mdbody):
    outputs = []
    for name in ("one", "two"):
        repo = tmp_path_factory.mktemp(name)
        subprocess.run(["git", "init", "-q", str(repo)], check=True)
        git(repo, "config", "user.email", "t@example.invalid")
        git(repo, "config", "user.name", "t")
        s = Archive(archive_mod.init(repo / "versions"))
        s.add(text_version(mdbody))
        outputs.append((repo / "versions/demo/2024.md").read_bytes())
    assert outputs[0] == outputs[1]
    assert b"'2024-03-01'" in outputs[0]  # dates stay strings
    assert "示例市".encode() in outputs[0]  # allow_unicode


def test_duplicate_is_refused(store, git_tmp):
    store.add(no_text_version())
    before = commit_count(git_tmp)
    with pytest.raises(DuplicateVersionError, match=r"demo@2022 is already archived; use --replace"):
        store.add(no_text_version())
    assert commit_count(git_tmp) == before


def test_replace_makes_a_correction_commit(store, git_tmp, mdbody):
    first = store.add(no_text_version())
    corrected = store.add(text_version(mdbody, version="2022"), replace=True)
    assert commit_count(git_tmp) == 2
    message = git(git_tmp, "log", "-1", "--format=%B")
    assert message.startswith("policydiff replace demo@2022 (correction)")
    assert f"Corrects the version added in {first.commit}" in message
    assert corrected.has_text and corrected.commit != first.commit
    # and back to no text: the source file goes in the same commit
    store.add(no_text_version(), replace=True)
    assert not (store.root / "demo/2022.source.txt").exists()
    assert git(git_tmp, "status", "--porcelain") == ""
    assert store.verify() == []


def test_replace_of_nothing_and_identical_replace_are_refused(store, git_tmp):
    with pytest.raises(UnknownRefError, match="nothing to replace"):
        store.add(no_text_version(), replace=True)
    store.add(no_text_version())
    with pytest.raises(DuplicateVersionError, match="exactly this content"):
        store.add(no_text_version(), replace=True)
    assert commit_count(git_tmp) == 1


def test_users_other_staged_files_stay_out_of_the_commit(store, git_tmp):
    (git_tmp / "notes.txt").write_text("mine\n", encoding="utf-8")
    git(git_tmp, "add", "notes.txt")
    store.add(no_text_version())
    assert "notes.txt" not in git(git_tmp, "show", "--name-only", "--format=", "HEAD")
    assert git(git_tmp, "status", "--porcelain").splitlines() == ["A  notes.txt"]


# ---------------------------------------------------------------- all or nothing


def test_failure_after_files_are_written_leaves_nothing(store, git_tmp, mdbody, monkeypatch):
    store.add(no_text_version())
    before_files, before_commits = archive_files(store), commit_count(git_tmp)
    real_git = Archive._git

    def failing_git(self, *args):
        if args[0] == "commit":  # files are in place and staged by now
            assert (self.root / "demo/2024.md").exists()
            raise RuntimeError("injected failure")
        return real_git(self, *args)

    monkeypatch.setattr(Archive, "_git", failing_git)
    with pytest.raises(RuntimeError, match="injected"):
        store.add(text_version(mdbody))
    assert archive_files(store) == before_files
    assert commit_count(git_tmp) == before_commits
    assert git(git_tmp, "status", "--porcelain") == ""  # nothing left staged
    assert not store.txn_dir.exists()


def test_failure_during_replace_restores_the_old_files(store, git_tmp, mdbody, monkeypatch):
    store.add(text_version(mdbody))
    old_bytes = (store.root / "demo/2024.md").read_bytes()
    monkeypatch.setattr(Archive, "_commit", lambda self, planned, message: (_ for _ in ()).throw(OSError("disk full")))
    with pytest.raises(OSError):
        store.add(text_version(mdbody, variant="(更正)"), replace=True)
    assert (store.root / "demo/2024.md").read_bytes() == old_bytes
    assert git(git_tmp, "status", "--porcelain") == ""


def test_leftover_transaction_is_invisible_and_cleaned(store, git_tmp, mdbody):
    """A kill after the files were moved into place but before the commit."""
    store.add(no_text_version())
    planned = store._plan(text_version(mdbody))
    store._prepare(planned)
    store._apply()
    assert (store.root / "demo/2024.md").exists()  # the state a kill would leave
    fresh = Archive(store.root)
    assert fresh.version_ids("demo") == ["2022"]  # a reader recovers it first
    assert not (store.root / "demo/2024.md").exists()
    assert not fresh.txn_dir.exists()
    assert fresh.verify() == []
    fresh.add(text_version(mdbody))  # and the next add goes through
    assert commit_count(git_tmp) == 2


def test_transaction_killed_while_preparing_is_dropped(store, git_tmp):
    store.add(no_text_version())
    store.txn_dir.mkdir()
    (store.txn_dir / "new-0").write_bytes(b"half written")  # no journal yet
    assert store.verify() == []
    assert not store.txn_dir.exists()


def test_transaction_that_committed_is_finished_not_undone(store, git_tmp, mdbody, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(shutil, "rmtree", lambda *a, **k: None)  # "killed" before cleanup
        store.add(text_version(mdbody))
    assert store.txn_dir.exists()
    assert Archive(store.root).version_ids("demo") == ["2024"]
    assert not store.txn_dir.exists()
    assert store.verify() == []


def test_someone_elses_commit_is_not_taken_for_ours(store, git_tmp, mdbody):
    """A shared work tree: another commit lands while our add is half done."""
    store.add(no_text_version())
    store._prepare(store._plan(text_version(mdbody)))
    store._apply()
    (git_tmp / "other.txt").write_text("a colleague's file\n", encoding="utf-8")
    git(git_tmp, "add", "other.txt")
    git(git_tmp, "commit", "-q", "-m", "unrelated", "--", "other.txt")
    assert Archive(store.root).version_ids("demo") == ["2022"]
    assert not (store.root / "demo/2024.md").exists()
    assert store.verify() == []


def test_landed_add_followed_by_a_user_commit_is_kept(store, git_tmp, mdbody, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(shutil, "rmtree", lambda *a, **k: None)  # "killed" before cleanup
        store.add(text_version(mdbody))
    work_yaml = store.root / "demo/work.yaml"
    work_yaml.write_text(work_yaml.read_text(encoding="utf-8").replace("aliases: []", "aliases:\n- demo-alias"),
                         encoding="utf-8")
    git(git_tmp, "commit", "-q", "-m", "user edits work.yaml", "--", "versions/demo/work.yaml")
    assert Archive(store.root).version_ids("demo") == ["2024"]
    assert "demo-alias" in work_yaml.read_text(encoding="utf-8")
    assert not store.txn_dir.exists()
    assert store.verify() == []


KILL_SCRIPT = textwrap.dedent("""
    import os, sys
    from policydiff import archive
    from policydiff.archive import Archive, NewVersion
    from policydiff.model import DocumentMeta

    def die(self, *args, **kwargs):
        os._exit(9)  # a kill: no cleanup, no exception handlers, lock released by the kernel

    Archive._commit = die
    store = Archive(sys.argv[1])
    store.add(NewVersion(work="demo", version="2023", has_text=False,
                         meta=DocumentMeta(title="示例市促进创新若干措施(测试用虚构文本)")))
""")


def test_real_kill_mid_add(store, git_tmp):
    store.add(no_text_version())
    proc = subprocess.run([sys.executable, "-c", KILL_SCRIPT, str(store.root)], cwd=REPO, capture_output=True)
    assert proc.returncode == 9
    assert store.txn_dir.exists()
    assert Archive(store.root).version_ids("demo") == ["2022"]
    assert archive_files(store) == [".gitignore", "demo/2022.md", "demo/work.yaml"]
    assert git(git_tmp, "status", "--porcelain") == ""
    assert commit_count(git_tmp) == 1


def test_two_concurrent_adds_both_land(store, git_tmp):
    """Two `policydiff add` processes started together on one archive."""
    env = {k: v for k, v in os.environ.items() if k != "POLICYDIFF_ARCHIVE"}
    import filelock
    import time

    # Hold the archive lock while both start, so that both are queued on it and then race
    # for it the moment it is released (without this they might simply run one after the other).
    with filelock.FileLock(str(store.root / archive_mod.LOCK_NAME)):
        procs = [subprocess.Popen([sys.executable, "-m", "policydiff", "--archive", str(store.root), "add",
                                   "--no-text", "--work", "demo", "--version", version, "--title", FICTIONAL_TITLE],
                                  cwd=git_tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
                 for version in ("2022", "2023")]
        time.sleep(1.5)
        assert [p.poll() for p in procs] == [None, None]  # both waiting for the lock
    results = [p.communicate(timeout=120) + (p.returncode,) for p in procs]
    assert [r[2] for r in results] == [0, 0], results
    assert commit_count(git_tmp) == 2
    subjects = sorted(git(git_tmp, "log", "--format=%s").splitlines())
    assert subjects == ["policydiff add demo@2022", "policydiff add demo@2023"]
    assert Archive(store.root).verify() == []


def test_lock_timeout_is_a_clear_error(store):
    import filelock

    with filelock.FileLock(str(store.root / archive_mod.LOCK_NAME)):
        with pytest.raises(ArchiveError, match="locked by another policydiff command"):
            with store._locked(timeout=0.1):
                pass


# ---------------------------------------------------------------- verify


def test_verify_catches_a_hand_edited_body(store, git_tmp, mdbody):
    store.add(text_version(mdbody))
    md = store.root / "demo/2024.md"
    md.write_text(md.read_text(encoding="utf-8").replace("公共服务设施", "公共设施"), encoding="utf-8")
    problems = store.verify()
    assert any(p.startswith("versions/demo/2024.md: text hash mismatch") for p in problems), problems
    assert "versions/demo/2024.md: changed since it was committed" in problems


def test_verify_catches_a_modified_source_and_bad_front_matter(store, git_tmp, mdbody):
    store.add(text_version(mdbody))
    store.add(no_text_version())
    (store.root / "demo/2024.source.txt").write_bytes(b"tampered")
    md = store.root / "demo/2022.md"
    md.write_text(md.read_text(encoding="utf-8").replace("has_text: false", "has_text: maybe")
                  .replace("issued: null", "issued: 2022/01/01"), encoding="utf-8")
    (store.root / "demo/stray.txt").write_text("x", encoding="utf-8")
    problems = store.verify()
    joined = "\n".join(problems)
    assert "versions/demo/2024.source.txt: source hash mismatch" in joined
    assert "versions/demo/2022.md: front matter 'has_text' should be true or false" in joined
    assert "versions/demo/2022.md: front matter 'issued' should be a YYYY-MM-DD date" in joined
    assert "versions/demo/stray.txt: unexpected file" in joined
    assert "versions/demo/stray.txt: not committed (untracked)" in joined
    assert all(p.startswith("versions/") for p in problems)  # each names its file


def test_verify_catches_a_missing_source_and_an_orphan(store, mdbody):
    store.add(text_version(mdbody))
    os.replace(store.root / "demo/2024.source.txt", store.root / "demo/2025.source.txt")
    joined = "\n".join(store.verify())
    assert "source file versions/demo/2024.source.txt is missing" in joined
    assert "versions/demo/2025.source.txt: source file that no version's front matter names" in joined


def test_verify_on_a_clean_archive(store, mdbody):
    store.add(no_text_version())
    store.add(text_version(mdbody))
    assert store.verify() == []


# ---------------------------------------------------------------- ordering, list, show


def _v(version, issued=None, doc_no=None):
    return Version(work="w", version=version, meta=DocumentMeta(issued=issued, doc_no=doc_no), has_text=False)


def test_version_order_by_date_then_id():
    versions = [
        _v("b", issued="2024-10-09"),
        _v("x-undated"),
        _v("a", doc_no="京科发〔2022〕4号"),  # bounded by its 文号 year
        _v("2023"),  # a year in the version id
        _v("c", issued="2022-05-01"),
    ]
    ordered = [v.version for v in sorted(versions, key=version_sort_key)]
    assert ordered == ["a", "c", "2023", "b", "x-undated"]


def test_list_marks_repealed_and_missing_text(store, mdbody):
    store.add(no_text_version(doc_no="示例发〔2022〕4号"))
    new = text_version(mdbody)
    meta = DocumentMeta(**{**new.meta.__dict__, "repeals": (
        Repeal(title=FICTIONAL_TITLE, doc_no="示例发〔2022〕4号", clause="原《示例》(示例发〔2022〕4号)同时废止。"),)})
    store.add(NewVersion(**{**new.__dict__, "meta": meta}))
    listing = json.loads(api.list_works(store.root, fmt="json"))
    assert listing["format"] == "policydiff.list/1"
    (work,) = listing["works"]
    assert work["work"] == "demo" and work["title"] == FICTIONAL_TITLE
    rows = [(v["ref"], v["has_text"], v["status"]) for v in work["versions"]]
    assert rows == [("demo@2022", False, "repealed"), ("demo@2024", True, "in_force")]
    assert set(work["versions"][0]) >= {"ref", "version", "title", "doc_no", "issued", "has_text", "status"}
    text = api.list_works(store.root)
    line_2022 = next(line for line in text.splitlines() if "demo@2022" in line)
    assert "「无文本/no text」" in line_2022 and "repealed" in line_2022


def test_show_json_contract(store, git_tmp, mdbody, monkeypatch):
    store.add(text_version(mdbody))
    monkeypatch.chdir(git_tmp)
    data = json.loads(api.show(store, "demo@2024", fmt="json"))
    for key in ("format", "ref", "work", "version", "title", "doc_no", "issuers", "issued", "effective",
                "has_text", "text_sha256", "repeals", "outline", "measures"):
        assert key in data
    assert data["format"] == "policydiff.document/1"
    assert (data["ref"], data["work"], data["version"]) == ("demo@2024", "demo", "2024")
    assert data["issuers"] == ["示例市科学技术局"] and data["issued"] == "2024-03-01"
    assert data == json.loads(api.show(store, "demo", fmt="json"))  # WORK = latest
    assert api.show(store, "demo@2024", fmt="md") == store.file_text("demo", "2024")


def test_show_of_a_version_without_text_says_how_to_add_it(store, git_tmp, monkeypatch):
    store.add(no_text_version(doc_no="示例发〔2022〕4号"))
    monkeypatch.chdir(git_tmp)
    text = api.show(store, "示例发[2022]4号")  # found by 文号, brackets folded
    assert "policydiff add FILE --work demo --version 2022 --replace" in text
    data = json.loads(api.show(store, "demo@2022", fmt="json"))
    assert data["has_text"] is False and data["measures"] == [] and data["text_sha256"] is None


def test_reader_hides_an_add_still_in_progress(store, mdbody):
    """While a writer holds the lock, a reader does not see the version it is adding."""
    import filelock

    store.add(no_text_version())
    store._prepare(store._plan(text_version(mdbody)))
    store._apply()
    with filelock.FileLock(str(store.root / archive_mod.LOCK_NAME)):  # the writer is alive
        reader = Archive(store.root)
        assert reader.version_ids("demo") == ["2022"]
        assert reader.works() == ["demo"]
        assert (store.root / "demo/2024.md").exists()  # left alone: not the reader's to undo
    assert Archive(store.root).version_ids("demo") == ["2022"]  # writer gone: rolled back
    assert not (store.root / "demo/2024.md").exists()


def test_list_answers_status_as_of_today(store):
    """`list` shows each version's status today, decided by the status core: a version
    whose 施行 date lies in the future is not yet effective, the one it repeals from then
    is still in force today, and an undated older version is unknown, never a guess."""
    store.add(no_text_version(version="2022", doc_no="示例发〔2022〕1号"))
    store.add(no_text_version(version="2990", issued="2990-01-01", effective="2990-01-01",
                              repeals=(Repeal(FICTIONAL_TITLE, "示例发〔2022〕1号", "原《…》(示例发〔2022〕1号)同时废止。"),)))
    listing = json.loads(api.list_works(store.root, fmt="json"))
    by_version = {v["version"]: v for v in listing["works"][0]["versions"]}
    assert by_version["2990"]["status"] == "not_yet_effective"
    assert by_version["2022"]["status"] == "in_force"
    assert by_version["2022"]["repealed_by"] is None


def test_real_corpus_versions_archive_and_read_back_exactly(git_tmp, manifest):
    """A sample of real corpus texts (every 10th version, by path, never copied into the
    repo): archived through the real pipeline, they read back block for block, and verify
    finds nothing wrong."""
    from policydiff.structure import parse  # noqa: F401  (skips nothing: the pipeline is required)

    from .conftest import CORPUS

    root = archive_mod.init(git_tmp / "versions")
    paths = [(d["slug"], v["date"], CORPUS / d["slug"] / f"{v['date']}.md")
             for d in manifest["documents"] for v in d["versions"]][::10]
    assert len(paths) >= 15
    for work, version, path in paths:
        api.add_version(root, intake.AddRequest(source=str(path), work=work, version=version))
    store = Archive(root)
    assert commit_count(git_tmp) == len(paths)
    for work, version, path in paths:
        archived = store.read(work, version)
        _, fresh, _ = intake.parse_file(path.read_bytes(), path.name)
        assert archived.document.blocks == fresh.blocks, f"{work}@{version}"
        assert archived.text_sha256 == frontmatter.sha256_text(fresh.text)
    assert store.verify() == []


def test_an_archived_md_named_by_path_is_that_version(store, git_tmp, mdbody, monkeypatch):
    store.add(text_version(mdbody))
    monkeypatch.chdir(git_tmp)
    by_path = json.loads(api.show(store, "versions/demo/2024.md", fmt="json"))
    assert by_path == json.loads(api.show(store, "demo@2024", fmt="json"))


def test_a_new_work_still_being_added_is_not_listed(store, mdbody):
    import filelock

    store._prepare(store._plan(text_version(mdbody, work="brand-new")))
    store._apply()
    with filelock.FileLock(str(store.root / archive_mod.LOCK_NAME)):
        assert Archive(store.root).works() == []
    assert Archive(store.root).works() == []  # rolled back once the writer is gone
    assert not (store.root / "brand-new").exists()
