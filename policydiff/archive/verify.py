"""`policydiff verify`: every problem of an archive, one line each, naming the file."""

from __future__ import annotations

import contextlib
from pathlib import Path

from .lazy import git

from .. import frontmatter
from ..errors import ArchiveError
from ..refs import is_version_id, is_work_id
from . import messages
from .layout import LOCK_NAME, TXN_NAME, WORK_FILE


class VerifyMixin:
    """The checking half of `Archive` (store.py)."""

    def verify(self) -> list[str]:
        """Every problem found, one line each, naming the file (empty list: all is well)."""
        problems: list[str] = []
        # verify settles what it safely can (a transaction whose git is quiet) but never
        # removes a stale git lock: it names it, and the next writer clears it
        with contextlib.suppress(ArchiveError, OSError):  # busy, or a read-only archive
            with self._locked(timeout=5):
                self._recover(wait=5, clear_stale=False)
        for lock in self.stale_git_locks():
            problems.append(f"{lock}: a git lock left by a process that is no longer running (stale); "
                            "the next `policydiff add` or `rm` removes it, or delete it by hand")
        if self.txn_dir.exists():
            problems.append(f"{self.rel(self.txn_dir)}: an interrupted change is waiting for recovery "
                            "(the next `policydiff add` or `rm` finishes or undoes it)")
        for entry in sorted(self.root.iterdir()):
            name = entry.name
            if name in (".gitignore", LOCK_NAME, TXN_NAME) or (entry.is_file() and name.upper().startswith("README")):
                continue  # our own files, and a README that documents the archive
            if entry.is_dir() and is_work_id(name):
                problems.extend(self._verify_work(name))
            elif entry.is_dir() and name.startswith("."):
                continue
            else:
                problems.append(f"{self.rel(entry)}: unexpected {'folder' if entry.is_dir() else 'file'} "
                                "in the archive (work folders are lowercase slugs)")
        problems.extend(self._verify_git_status())
        problems.extend(self._verify_history())
        return problems

    def _verify_history(self) -> list[str]:
        """Commits that changed a version's files (its .md or kept source) without being
        made by policydiff: their messages do not parse as policydiff's (messages.py), or
        name another version than the files they changed. work.yaml, .gitignore and a
        README are the user's to edit."""
        try:
            out = self.repo.git.execute(["git", "-c", "core.quotepath=off", "log", "--no-renames",
                                         "--format=%x01%H%x02%B%x03", "--name-only", "--",
                                         self.rel(self.root) if self.root != self.top else "."])
        except git.GitCommandError:  # no commits yet
            return []
        prefix = "" if self.root == self.top else self.rel(self.root) + "/"
        problems = []
        for chunk in out.split("\x01")[1:]:
            sha, _, rest = chunk.partition("\x02")
            message, _, names = rest.partition("\x03")
            touched = [n[len(prefix):] for n in names.split("\n") if n.strip() and n.startswith(prefix)]
            version_files = [n for n in touched if _version_file(n)]
            if not version_files:
                continue
            parsed = messages.parse(message)
            refs = {f"{n.split('/')[0]}@{_version_of(n)}" for n in version_files}
            if parsed is None or refs != {parsed.ref}:
                subject = message.strip().split("\n")[0][:80]
                shown = ", ".join(f"{prefix}{n}" for n in version_files[:3]) + (" ..." if len(version_files) > 3 else "")
                problems.append(f"commit {sha[:12]} (\u201c{subject}\u201d) changed {shown} but was not made by "
                                "policydiff: add, replace, rm or edit versions with policydiff so that each "
                                "change says what it is")
        return problems

    def _verify_work(self, work: str) -> list[str]:
        problems: list[str] = []
        folder = self.root / work
        work_file = folder / WORK_FILE
        if not work_file.is_file():
            problems.append(f"{self.rel(work_file)}: missing (it holds the work's title)")
        else:
            try:
                info = frontmatter.load_yaml(work_file.read_text(encoding="utf-8"))
            except Exception as exc:
                info = None
                problems.append(f"{self.rel(work_file)}: not readable YAML ({' '.join(str(exc).split())[:200]})")
            if info is not None:
                if not isinstance(info, dict):
                    problems.append(f"{self.rel(work_file)}: should be a mapping with title, aliases, notes")
                else:
                    if not isinstance(info.get("title"), str) or not info.get("title"):
                        problems.append(f"{self.rel(work_file)}: 'title' should be a non-empty string")
                    for key in ("aliases", "notes"):
                        if not isinstance(info.get(key, []), list):
                            problems.append(f"{self.rel(work_file)}: '{key}' should be a list")
        claimed_sources: set[Path] = set()
        for path in sorted(folder.iterdir()):
            if path.name == WORK_FILE or ".source." in path.name:
                continue
            if path.suffix == ".md" and is_version_id(path.stem) and path.is_file():
                problems.extend(self._verify_version(work, path.stem, claimed_sources))
            else:
                what = "folder" if path.is_dir() else "file"
                problems.append(f"{self.rel(path)}: unexpected {what} (versions are <version>.md)")
        for path in sorted(folder.glob("*.source.*")):
            if path not in claimed_sources:
                problems.append(f"{self.rel(path)}: source file that no version's front matter names "
                                "(orphan; remove it or re-add its version)")
        return problems

    def _verify_version(self, work: str, version: str, claimed_sources: set[Path]) -> list[str]:
        path = self.md_path(work, version)
        where = self.rel(path)
        try:
            matter, body = frontmatter.split(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            return [f"{where}: {exc}"]
        problems = [f"{where}: {p}" for p in frontmatter.check(matter)]
        if str(matter.get("work")) != work:
            problems.append(f"{where}: front matter work {matter.get('work')!r} does not match its folder {work!r}")
        if str(matter.get("version")) != version:
            problems.append(f"{where}: front matter version {matter.get('version')!r} does not match its file name {version!r}")
        has_text = matter.get("has_text") is True
        if has_text:
            try:
                from ..mdbody import from_markdown

                text = from_markdown(body, frontmatter.meta_from(matter)).text
            except Exception as exc:  # a hand edit that the body parser rejects
                problems.append(f"{where}: body cannot be read back ({type(exc).__name__}: "
                                f"{' '.join(str(exc).split())[:200]})")
            else:
                actual = frontmatter.sha256_text(text)
                if actual != matter.get("text_sha256"):
                    problems.append(f"{where}: text hash mismatch: front matter says {matter.get('text_sha256')}, "
                                    f"the body's text hashes to {actual} (edited by hand?)")
        elif body.strip():
            problems.append(f"{where}: has_text is false but the file has a body")
        source = matter.get("source") if isinstance(matter.get("source"), dict) else {}
        source_file = source.get("file")
        if source_file:
            source_path = (self.root / str(source_file))
            expected_prefix = f"{work}/{version}.source."
            if not str(source_file).startswith(expected_prefix) or "/" in str(source_file)[len(work) + 1:]:
                problems.append(f"{where}: source.file {source_file!r} should be {expected_prefix}<ext>")
            elif not source_path.is_file():
                problems.append(f"{where}: source file {self.rel(source_path)} is missing")
            else:
                claimed_sources.add(source_path)
                actual = frontmatter.sha256_bytes(source_path.read_bytes())
                if actual != source.get("sha256"):
                    problems.append(f"{self.rel(source_path)}: source hash mismatch: front matter says "
                                    f"{source.get('sha256')}, the file hashes to {actual} (modified?)")
                elif has_text and not problems:
                    problems.extend(self._verify_derivation(path, source_path, matter, body))
        elif has_text:
            problems.append(f"{where}: has_text is true but no source file is kept (source.file is empty)")
        return problems

    def _verify_git_status(self) -> list[str]:
        try:
            out = self.repo.git.status("--porcelain=v1", "-z", "--untracked-files=all", "--no-renames",
                                       "--", self.rel(self.root))
        except git.GitCommandError as exc:
            return [f"{self.rel(self.root)}: git status failed ({' '.join(str(exc).split())[:200]})"]
        problems = []
        ignored = {self.rel(self.root / LOCK_NAME)}
        untracked_ok = {self.rel(self.root / ".gitignore")}  # written by init, committed by the first add
        for record in out.split("\0"):
            if len(record) < 4:
                continue
            code, rel = record[:2], record[3:]
            if rel in ignored or rel.startswith(self.rel(self.txn_dir) + "/"):
                continue
            if code == "??" and rel in untracked_ok:
                continue
            what = {"??": "not committed (untracked)", " M": "changed since it was committed",
                    " D": "deleted since it was committed"}.get(code, f"not committed as is (git status {code.strip()})")
            problems.append(f"{rel}: {what}")
        return problems

    def _verify_derivation(self, md: Path, source_path: Path, matter: dict, body: str) -> list[str]:
        """The body must be what ingesting the kept source gives (the same ingest as
        `add`), unless the last commit of the .md is an "edit" commit made by policydiff
        (`policydiff edit W@V --reason ...`), which says why it was corrected by hand."""
        from .derive import rederives

        try:
            meta = frontmatter.meta_from(matter)
        except Exception:  # reported by frontmatter.check
            return []
        if rederives(source_path.read_bytes(), source_path.name, meta, body):
            return []
        last = self._last_message(md)
        if last is not None and last.op == "edit":
            return []
        return [f"{self.rel(md)}: the body is not what its kept source {source_path.name} gives with this "
                "version of policydiff (a hand edit, or a changed parser): if the edit is meant, record it "
                "with `policydiff edit REF --reason ...`; otherwise re-add the source with --replace"]

    def _last_message(self, path: Path):
        try:
            message = self.repo.git.log("-1", "--format=%B", "--", self.rel(path))
        except git.GitCommandError:
            return None
        return messages.parse(message) if message else None


def _version_file(name: str) -> bool:
    """<work>/<version>.md or <work>/<version>.source.<ext> (relative to the archive)."""
    parts = name.split("/")
    return len(parts) == 2 and (parts[1].endswith(".md") or ".source." in parts[1])


def _version_of(name: str) -> str:
    file = name.split("/")[1]
    return file[:-3] if file.endswith(".md") and ".source." not in file else file.split(".source.")[0]
