"""The archive's index (archive/index.py): `list`, `status` and `log` read front matter and
text facts from it instead of parsing every body, and their answers stay exactly those of
the full reading — also after a hand edit, a damaged index, or a removed version.
Every text is fictional (tests/test_status_core.py's mixed archive)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from policydiff import archive
from policydiff import status as st
from policydiff.archive.index import INDEX_FORMAT, index_path, indexed_versions
from policydiff.api import all_versions
from tests.conftest import run_cli
from tests.test_status_core import AS_OF, mixed_archive  # noqa: F401  (the fixture)


def answers(versions, facts=None) -> dict:
    return {ref: (a.status, a.repealed_by.key if a.repealed_by else None, a.reason, a.repeal_date,
                  tuple((e.kind, e.text, e.offset) for e in a.evidence))
            for ref, a in st.archive_statuses(versions, AS_OF, facts).items()}


def test_index_answers_equal_the_full_reading(mixed_archive):  # noqa: F811
    store = archive.Archive(mixed_archive)
    full = all_versions(store)
    versions, facts = indexed_versions(store)
    assert [v.ref for v in versions] == [v.ref for v in full]
    assert all(v.document is None for v in versions)
    assert {v.ref: v.meta for v in versions} == {v.ref: v.meta for v in full}
    assert answers(versions, facts) == answers(full)
    # the clause offsets the evidence quotes come from the index, and point into the text
    texts = {v.ref: v.document.text for v in full if v.document is not None}
    for ref, fact in facts.items():
        for clause, offset in fact.offsets:
            assert texts[ref][offset:offset + len(clause)] == clause


def test_index_lives_in_the_git_directory_and_is_reused(mixed_archive):  # noqa: F811
    store = archive.Archive(mixed_archive)
    first = run_cli("--archive", str(mixed_archive), "list", "--format", "json")
    path = index_path(store)
    assert path.is_file() and ".git" in path.parts
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["format"] == INDEX_FORMAT and len(data["files"]) == 6
    top = store.top
    assert subprocess.run(["git", "-C", str(top), "status", "--porcelain", "--untracked-files=all", "--",
                           str(mixed_archive)], capture_output=True, text=True).stdout == ""
    stamp = path.stat().st_mtime_ns
    second = run_cli("--archive", str(mixed_archive), "list", "--format", "json")
    assert second.stdout == first.stdout
    assert path.stat().st_mtime_ns == stamp  # nothing changed: not rewritten
    assert run_cli("--archive", str(mixed_archive), "verify").returncode == 0


def test_a_hand_edit_is_seen_at_once(mixed_archive):  # noqa: F811
    before = json.loads(run_cli("--archive", str(mixed_archive), "list", "--format", "json").stdout)
    rows = {v["ref"]: v for w in before["works"] for v in w["versions"]}
    assert rows["demo-service@2023"]["status"] == "in_force"
    md = mixed_archive / "demo-service" / "2023.md"
    text = md.read_text(encoding="utf-8")
    edited = text.replace("本条例自2023年1月1日起施行。", "本条例自2023年1月1日起施行，有效期至2024年12月31日。")
    assert edited != text
    md.write_text(edited, encoding="utf-8")
    after = json.loads(run_cli("--archive", str(mixed_archive), "list", "--format", "json").stdout)
    rows = {v["ref"]: v for w in after["works"] for v in w["versions"]}
    assert rows["demo-service@2023"]["status"] == "repealed"  # expired 2024-12-31, read from the edit
    status = json.loads(run_cli("--archive", str(mixed_archive), "status", "demo-service@2023",
                                "--format", "json").stdout)
    assert status["status"] == "repealed"


def test_a_damaged_or_foreign_index_is_rebuilt(mixed_archive):  # noqa: F811
    store = archive.Archive(mixed_archive)
    expected = answers(*indexed_versions(store))
    path = index_path(store)
    for damage in ("not json", json.dumps({"format": "other/9", "files": {}}),
                   json.dumps({"format": INDEX_FORMAT, "files": {"demo-service/2023": {"sha256": 3}}}),
                   json.dumps({"format": INDEX_FORMAT, "files": {
                       k: {**v, "matter": None} for k, v in json.loads(path.read_text())["files"].items()}})):
        path.write_text(damage, encoding="utf-8")
        assert answers(*indexed_versions(store)) == expected
        assert json.loads(path.read_text(encoding="utf-8"))["format"] == INDEX_FORMAT


def test_a_removed_version_leaves_the_index(mixed_archive):  # noqa: F811
    store = archive.Archive(mixed_archive)
    indexed_versions(store)
    (mixed_archive / "demo-subsidy" / "2020.md").unlink()
    versions, facts = indexed_versions(store)
    assert "demo-subsidy@2020" not in {v.ref for v in versions} and "demo-subsidy@2020" not in facts
    files = json.loads(index_path(store).read_text(encoding="utf-8"))["files"]
    assert "demo-subsidy/2020" not in files


def test_facts_written_under_other_reading_rules_are_derived_again(mixed_archive):  # noqa: F811
    """An index entry is keyed by its file's hash *and* the rules that read texts (lexicon,
    the clause scanner ...): facts an older tool derived are not served to a newer one."""
    from policydiff.archive.index import rules_fingerprint

    store = archive.Archive(mixed_archive)
    expected = answers(*indexed_versions(store))
    path = index_path(store)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["rules"] == rules_fingerprint()
    # what an older reader would have stored: no clause found in any text
    stale = {key: {**entry, "facts": None} for key, entry in data["files"].items()}
    path.write_text(json.dumps({**data, "files": stale}), encoding="utf-8")
    assert answers(*indexed_versions(store)) != expected  # same rules: the entries are trusted
    path.write_text(json.dumps({**data, "rules": "an-older-tool", "files": stale}), encoding="utf-8")
    assert answers(*indexed_versions(store)) == expected  # other rules: every entry derived again
    assert json.loads(path.read_text(encoding="utf-8"))["rules"] == rules_fingerprint()


def test_digests_are_the_files_hashes(mixed_archive):  # noqa: F811
    import hashlib

    store = archive.Archive(mixed_archive)
    digests: dict[str, str] = {}
    versions, _ = indexed_versions(store, digests)
    assert set(digests) == {v.ref for v in versions}
    for v in versions:
        data = store.md_path(v.work, v.version).read_bytes()
        assert digests[v.ref] == hashlib.sha256(data).hexdigest()
