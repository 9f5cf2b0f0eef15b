"""The archive store: making an archive, reading versions, and the verbs that write
(`add`), each one transaction (transaction.py) and checked by verify.py. Finding which
archive a command means (--archive, $POLICYDIFF_ARCHIVE, the folder it runs in) is the
shell's (api.locate_archive)."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, replace as dc_replace
from pathlib import Path
from typing import Any

from .lazy import git

from .. import frontmatter, interrupts
from ..errors import ArchiveError, DuplicateVersionError, PolicyDiffError, UnknownRefError
from ..model import Document, DocumentMeta, Source, Version
from ..lexicon import normalize_doc_no
from ..refs import (check_version_id, check_work_id, is_version_id, is_work_id,
                    version_sort_key)
from .layout import GITIGNORE_LINES, TXN_NAME, WORK_FILE
from . import messages
from .transaction import TransactionMixin, _blob_sha
from .verify import VerifyMixin

_SOURCE_EXT_RE = re.compile(r"[a-z0-9]{1,10}")


# --------------------------------------------------------------------------- locating


def _git_top(start: Path) -> Path | None:
    try:
        repo = git.Repo(start, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        return None
    if repo.bare or repo.working_tree_dir is None:
        return None
    return Path(repo.working_tree_dir)


def init(directory: str | os.PathLike) -> Path:
    """Make an archive folder; `git init` it when it lies in no git work tree. Writes the
    archive's .gitignore (committed by the first `add`); makes no commit itself. Running it
    on an existing archive is harmless."""
    path = Path(directory).absolute()
    if path.exists() and not path.is_dir():
        raise ArchiveError(f"{path} exists and is not a folder: choose another archive folder")
    for folder in path.parents:  # the nearest existing ancestor must be a folder
        if folder.exists():
            if not folder.is_dir():
                raise ArchiveError(f"cannot make the archive folder {path}: {folder} is a file, "
                                   "not a folder; choose another archive folder")
            break
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ArchiveError(f"cannot make the archive folder {path} ({exc.strerror or exc}): "
                           "choose a folder you can write to") from None
    if _git_top(path) is None:
        git.Repo.init(path)
    gitignore = path / ".gitignore"
    wanted = _gitignore_content(gitignore.read_text(encoding="utf-8") if gitignore.exists() else None)
    if wanted is not None:
        gitignore.write_text(wanted, encoding="utf-8")
    return path


def _gitignore_content(existing: str | None) -> str | None:
    """The archive .gitignore with our entries, or None when `existing` already has them."""
    lines = existing.splitlines() if existing else []
    missing = [line for line in GITIGNORE_LINES if line not in lines]
    if not missing:
        return None
    text = existing or "# policydiff: lock file and in-progress transactions, never committed\n"
    if not text.endswith("\n"):
        text += "\n"
    return text + "".join(line + "\n" for line in missing)


# --------------------------------------------------------------------------- ordering


# date_bounds and version_sort_key live in refs.py (shared with the status core).


# --------------------------------------------------------------------------- the archive


@dataclass(frozen=True)
class NewVersion:
    """What `add` writes: built by api.add_version (ingest + structure + mdbody)."""

    work: str
    version: str
    meta: DocumentMeta
    has_text: bool
    body: str = ""  # mdbody.to_markdown(document); "" without text
    text_sha256: str | None = None
    source_bytes: bytes | None = None
    source_ext: str = "txt"
    source_url: str | None = None
    retrieved: str | None = None
    notes: tuple[str, ...] = ()
    work_title: str | None = None  # title for a new work.yaml (default: meta.title)
    # what the archive index would derive from the written file's text (TextFacts.as_json of
    # the body as it reads back), when the caller worked it out already: bulk import's
    # workers do, so that the first `list` after an import parses no body (index.add_entries)
    facts: dict | None = None



LAST_COMMITS_FORMAT = "policydiff.last-commits/1"  # the kept answer of Archive.last_commits



def version_from_matter(work: str, version: str, matter: dict, *, document: Document | None = None,
                        commit: str | None = None) -> Version:
    """The Version a version file's front matter describes (with its Document, if parsed):
    the one reading of front matter, for `Archive.read` and the archive index."""
    return Version(
        work=work,
        version=version,
        meta=frontmatter.meta_from(matter),
        has_text=matter.get("has_text") is True,
        document=document,
        source=frontmatter.source_from(matter),
        text_sha256=frontmatter._opt_str(matter.get("text_sha256")),
        notes=frontmatter.notes_from(matter),
        commit=commit,
    )

_BARE_OR_WORKTREE_RE = re.compile(r"^\s*(bare\s*=\s*true|worktree\s*=)", re.IGNORECASE | re.MULTILINE)
_GIT_ENVIRONMENT = ("GIT_DIR", "GIT_WORK_TREE", "GIT_COMMON_DIR", "GIT_OBJECT_DIRECTORY")


def _plain_work_tree(start: Path) -> tuple[Path, Path] | None:
    """(work tree top, git directory) of the work tree holding `start`, found the way
    GitPython's `Repo(start, search_parent_directories=True)` finds them, for the plain
    cases only: the nearest `.git` folder (whose config sets neither core.bare nor
    core.worktree) or `.git` file (`gitdir: …`, a linked worktree or a submodule). None for
    anything else (git variables in the environment, a bare repository, no git at all):
    the caller then asks GitPython. Why: importing GitPython is 30-65 ms, and reading
    needs only these two paths."""
    if any(name in os.environ for name in _GIT_ENVIRONMENT):
        return None
    current = start
    while True:
        dotgit = current / ".git"
        if dotgit.is_dir():
            if not ((dotgit / "HEAD").is_file() and (dotgit / "objects").is_dir() and (dotgit / "refs").is_dir()):
                return None
            try:
                config = (dotgit / "config").read_text(encoding="utf-8", errors="replace")
            except OSError:
                return None
            return None if _BARE_OR_WORKTREE_RE.search(config) else (current, dotgit)
        if dotgit.exists():
            try:
                line = dotgit.read_text(encoding="utf-8").strip()
            except (OSError, UnicodeDecodeError):
                return None
            if not line.startswith("gitdir:"):
                return None
            git_dir = Path(os.path.normpath(current / line[len("gitdir:"):].strip()))
            return (current, git_dir) if (git_dir / "HEAD").is_file() else None
        if (current / "HEAD").is_file() and (current / "objects").is_dir():
            return None  # inside a git directory itself (bare, or .git): GitPython decides
        if current.parent == current:
            return None
        current = current.parent


def _source_ext(ext: str) -> str:
    """The extension a version's kept source file gets (`bin` for anything odd)."""
    ext = ext.lower().lstrip(".")
    return ext if _SOURCE_EXT_RE.fullmatch(ext) else "bin"


def work_info_from_bytes(raw: bytes | None) -> dict[str, Any]:
    """A work's info (title, aliases, notes) from its work.yaml's bytes (None: no file);
    a broken work.yaml reads as the defaults (verify reports it; reading goes on)."""
    info: dict[str, Any] = {"title": None, "aliases": [], "notes": []}
    if raw is not None:
        try:
            loaded = frontmatter.load_yaml(raw.decode("utf-8"))
        except Exception:  # noqa: BLE001 - yaml raises its own types
            loaded = None
        if isinstance(loaded, dict):
            info.update(loaded)
    return info


class Archive(TransactionMixin, VerifyMixin):
    """One archive folder inside a git work tree. Reading lives here; writing in
    TransactionMixin (transaction.py), checking in VerifyMixin (verify.py): one object for
    callers, one module per job."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root).absolute()
        if not self.root.is_dir():
            raise ArchiveError(f"no archive at {self.root}: run `policydiff init {self.root}` to make one")
        self._repo = None
        found = _plain_work_tree(self.root)
        if found is None:  # anything unusual: GitPython's own discovery decides (and its errors)
            repo = self.repo
            self.top = Path(repo.working_tree_dir).resolve()
            self.git_dir = Path(repo.git_dir)
        else:
            top, self.git_dir = found
            self.top = top.resolve()
        self.root = self.root.resolve()
        self.txn_dir = self.root / TXN_NAME

    @property
    def repo(self):
        """The GitPython Repo, opened at first use: a reader (`list`, `status`, `log`) that
        finds its work tree and git directory by `_plain_work_tree` never imports GitPython
        (30-65 ms of a 0.5 s target, issue 14)."""
        if self._repo is None:
            try:
                repo = git.Repo(self.root, search_parent_directories=True)
            except (git.InvalidGitRepositoryError, git.NoSuchPathError):
                raise ArchiveError(
                    f"the archive {self.root} is not inside a git work tree: run `policydiff init {self.root}`"
                ) from None
            if repo.bare or repo.working_tree_dir is None:
                raise ArchiveError(f"the archive {self.root} is in a bare git repository: use a work tree")
            self._repo = repo
        return self._repo

    # ---------------------------------------------------------------- paths

    def rel(self, path: Path) -> str:
        """Path relative to the git work tree, POSIX style (what git and messages use)."""
        return Path(os.path.relpath(path, self.top)).as_posix()

    def arel(self, path: Path) -> str:
        """Path relative to the archive folder (what front matter `source.file` uses)."""
        return Path(os.path.relpath(path, self.root)).as_posix()

    def md_path(self, work: str, version: str) -> Path:
        return self.root / work / f"{version}.md"

    def source_paths(self, work: str, version: str) -> list[Path]:
        folder = self.root / work
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob(f"{version}.source.*") if p.is_file())

    # ---------------------------------------------------------------- reading

    def works(self) -> list[str]:
        self._settle_for_reading()
        hidden = self._pending_new_paths()
        return sorted(
            p.name for p in self.root.iterdir()
            if p.is_dir() and is_work_id(p.name)
            and any(f not in hidden for f in [p / WORK_FILE, *p.glob("*.md")] if f.is_file())
        )

    def listing(self) -> dict[str, list[str]]:
        """{work: its version ids} for every work, exactly what `works()` and
        `version_ids(work)` answer (same order, same files hidden while an add is in
        progress), from one directory scan per work folder: `list` reads 2,000 versions,
        and the pathlib globs and stats of those two took 0.05 s of it."""
        self._settle_for_reading()
        hidden = self._pending_new_paths()
        found: dict[str, list[str]] = {}
        with os.scandir(self.root) as entries:
            folders = [e for e in entries if is_work_id(e.name) and e.is_dir()]
        for folder in sorted(folders, key=lambda e: e.name):
            versions, shows = [], False
            with os.scandir(folder.path) as entries:
                for entry in entries:
                    name = entry.name
                    if name == WORK_FILE or name.endswith(".md"):
                        if not entry.is_file() or (hidden and self.root / folder.name / name in hidden):
                            continue
                        shows = True
                        if name != WORK_FILE and is_version_id(name[:-3]):
                            versions.append(name[:-3])
            if shows:
                found[folder.name] = sorted(versions)
        return found

    def work_info(self, work: str) -> dict[str, Any]:
        path = self.root / work / WORK_FILE
        if path.is_file():
            try:
                return work_info_from_bytes(path.read_bytes())
            except OSError:
                pass
        return work_info_from_bytes(None)

    def version_ids(self, work: str) -> list[str]:
        folder = self.root / work
        if not is_work_id(work) or not folder.is_dir():
            return []
        self._settle_for_reading()
        hidden = self._pending_new_paths()
        return sorted(
            p.name[:-3] for p in folder.glob("*.md")
            if is_version_id(p.name[:-3]) and p.is_file() and p not in hidden
        )

    def read(self, work: str, version: str, *, document: bool = True, commit: bool = True) -> Version:
        """One archived version. `document` parses the body (mdbody.from_markdown);
        `commit` looks up the commit that added it (last commit touching its .md)."""
        path = self.md_path(work, version)
        if not path.is_file():
            raise UnknownRefError(f"{work}@{version} is not in the archive {self.root}")
        try:
            matter, body = frontmatter.split(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ArchiveError(f"{self.rel(path)}: {exc}; fix the file by hand (see `policydiff verify`)") from None
        doc: Document | None = None
        if document and matter.get("has_text") is True:
            from ..mdbody import from_markdown

            try:
                doc = from_markdown(body, frontmatter.meta_from(matter))
            except (ValueError, PolicyDiffError) as exc:
                message = " ".join(str(exc).split())
                raise ArchiveError(f"{self.rel(path)}: {message} (see `policydiff verify`)") from None
        return version_from_matter(work, version, matter, document=doc,
                                   commit=self.commit_of(path) if commit else None)

    def body(self, work: str, version: str) -> str:
        return frontmatter.split(self.md_path(work, version).read_text(encoding="utf-8"))[1]

    def file_text(self, work: str, version: str) -> str:
        """The archived .md file exactly as stored."""
        return self.md_path(work, version).read_text(encoding="utf-8")

    def versions(self, work: str, *, document: bool = False, commit: bool = False) -> list[Version]:
        """Every version of `work` in time order (`version_sort_key`)."""
        found = [self.read(work, v, document=document, commit=commit) for v in self.version_ids(work)]
        return sorted(found, key=version_sort_key)

    def find_doc_no(self, doc_no: str) -> list[Version]:
        wanted = normalize_doc_no(doc_no)
        return [
            v for work in self.works() for v in self.versions(work)
            if v.meta.doc_no and normalize_doc_no(v.meta.doc_no) == wanted
        ]

    def commit_of(self, path: Path) -> str | None:
        try:
            sha = self.repo.git.log("-1", "--format=%H", "--", self.rel(path)).strip()
        except git.GitCommandError:  # no commits yet
            return None
        return sha or None

    def uncommitted_versions(self) -> dict[str, str]:
        """{ref: "modified" | "not committed"} of every version whose <version>.md in the
        work tree is not what HEAD holds, from one `git status`: a report citing the
        version's commit would otherwise quote a text that commit does not hold. (The last
        commit touching a tracked file holds what HEAD holds, so HEAD is the right yardstick.)"""
        out = self._git_read(["-c", "core.quotepath=off", "status", "--porcelain=v1", "-z",
                              "--untracked-files=all", "--no-renames", "--", self.rel(self.root)])
        if out is None:
            return {}
        found: dict[str, str] = {}
        for record in out.split("\0"):
            if len(record) < 4 or not record.endswith(".md"):
                continue
            path = self.top / record[3:]
            if path.parent.parent != self.root or not path.is_file():
                continue
            ref = f"{path.parent.name}@{path.stem}"
            found[ref] = "not committed" if record[:2] in ("??", "A ") else "modified"
        return found

    def _git_read(self, args: list[str], stdin: bytes | None = None) -> str | None:
        """The output of a git command that only reads (`status`, `log`), run in the work
        tree; None when git fails. A plain child process, as GitPython's `execute` runs it
        (LC_ALL=C, LANGUAGE=C), without importing GitPython: `status` and `build` read,
        and GitPython's import was 30-65 ms of a 0.5 s `status` (issue 14)."""
        import subprocess

        env = {**os.environ, "LC_ALL": "C", "LANGUAGE": "C"}
        try:
            done = subprocess.run(["git", *args], cwd=self.top, env=env, capture_output=True,
                                  **({"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}))
        except OSError:
            return None
        return done.stdout.decode("utf-8", "replace") if done.returncode == 0 else None

    def last_commits(self) -> dict[str, str]:
        """{path relative to the work tree: the last commit that touched it} for every file
        of the archive, from one `git log` (what `commit_of` answers per file, without a
        git process per version: `build` reads thousands).

        The answer for HEAD is kept in the git directory (derived, never committed, like
        the archive index). When HEAD moved from the kept commit by a chain of commits with
        one parent each (what `add` makes), only those are read (`git log KEPT..HEAD`) and
        override the kept answer: git walks a one-parent chain newest first before anything
        older, so that is exactly the full log's first-seen commit per path. Anything else
        (a merge, a reset, a kept commit that is gone) reads the whole history again. Why:
        the full log over 2,000 commits was a second of every `build`."""
        pathspec = self.rel(self.root) if self.root != self.top else "."
        head = (self._git_read(["rev-parse", "--verify", "-q", "HEAD"]) or "").strip()
        if not head:  # no commits yet
            return {}
        kept_path = self._last_commits_path()
        kept = self._read_kept_commits(kept_path, pathspec)
        if kept is not None and kept[0] == head:
            return kept[1]
        found: dict[str, str] | None = None
        if kept is not None and self._one_parent_chain(kept[0], head):
            newer = self._log_commits(f"{kept[0]}..{head}", pathspec)
            if newer is not None:
                found = {**kept[1], **newer}
        if found is None:
            found = self._log_commits(head, pathspec)
            if found is None:
                return {}
        self._write_kept_commits(kept_path, pathspec, head, found)
        return found

    def _log_commits(self, revisions: str, pathspec: str) -> dict[str, str] | None:
        # core.quotepath=off: paths as they are, not C-quoted octal escapes
        out = self._git_read(["-c", "core.quotepath=off", "log", "--format=%x00%H",
                              "--name-only", "--no-renames", revisions, "--", pathspec])
        if out is None:
            return None
        found: dict[str, str] = {}
        commit = None
        for line in out.splitlines():
            if line.startswith("\0"):
                commit = line[1:].strip()
            elif line and commit and line not in found:
                found[line] = commit
        return found

    def _one_parent_chain(self, older: str, newer: str) -> bool:
        """True when `newer` descends from `older` through commits of one parent each."""
        out = self._git_read(["rev-list", "--parents", f"{older}..{newer}"])
        if out is None:  # `older` is gone (gc after a reset)
            return False
        expected = newer
        for line in out.splitlines():
            hashes = line.split()
            if len(hashes) != 2 or hashes[0] != expected:
                return False
            expected = hashes[1]
        return expected == older

    def _last_commits_path(self) -> Path:
        import hashlib

        tag = hashlib.sha256(os.path.relpath(self.root, self.top).encode("utf-8")).hexdigest()[:12]
        return self.git_dir / "policydiff" / f"last-commits-{tag}.json"

    @staticmethod
    def _read_kept_commits(path: Path, pathspec: str) -> tuple[str, dict[str, str]] | None:
        import json

        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if (data.get("format") == LAST_COMMITS_FORMAT and data.get("pathspec") == pathspec
                    and isinstance(data.get("head"), str) and isinstance(data.get("commits"), dict)):
                return data["head"], data["commits"]
        except (OSError, ValueError, AttributeError):
            pass
        return None

    @staticmethod
    def _write_kept_commits(path: Path, pathspec: str, head: str, commits: dict[str, str]) -> None:
        """Atomic (temp file + rename); one that cannot be written is only a lost speed-up."""
        import json
        import tempfile

        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".last-commits-", suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:  # dumps: json.dump is the pure-Python encoder
                out.write(json.dumps({"format": LAST_COMMITS_FORMAT, "pathspec": pathspec, "head": head,
                                      "commits": commits}, ensure_ascii=False))
            os.replace(temp, path)
        except OSError:
            pass

    # ---------------------------------------------------------------- writing

    def add(self, new: NewVersion, replace: bool = False, allow_duplicate_text: bool = False,
            read_back: bool = True, on_committed=None) -> Version | None:
        """Write one version and make exactly one commit; all or nothing (transaction.py).
        The same text as another version of the work is refused unless `allow_duplicate_text`.
        Returns the version as archived (its front matter and commit), or None when not
        `read_back` (bulk import, which only counts: one git process and a YAML parse less)."""
        check_work_id(new.work)
        check_version_id(new.version)
        ref = f"{new.work}@{new.version}"
        with interrupts.told_if_done(f"{ref} was added (one commit) before the interrupt took effect") as done, \
                self._locked(), interrupts.deferred():
            self._recover()
            md = self.md_path(new.work, new.version)
            previous_commit = None
            if md.exists() and not replace:
                raise DuplicateVersionError(f"{ref} is already archived; use --replace to correct it")
            if replace:
                if not md.exists():
                    raise UnknownRefError(f"{ref} is not archived, so there is nothing to replace: drop --replace to add it")
                previous_commit = self.commit_of(md)
            if new.has_text and new.text_sha256 and not allow_duplicate_text:
                holder = self.text_holder(new.text_sha256, new.work, besides=new.version)
                if holder is not None:
                    raise DuplicateVersionError(
                        f"{holder} already holds exactly this text: a version is one issued text, so "
                        f"{ref} would be a copy of it; add --allow-duplicate-text if two versions really "
                        "were issued with the same words")
            # HEAD and the blobs of every path the add may write, in one git process
            folder = self.root / new.work
            head, in_head = self._head_state([
                self.root / ".gitignore", folder / WORK_FILE, md, *self.source_paths(new.work, new.version),
                folder / f"{new.version}.source.{_source_ext(new.source_ext)}"])
            planned = self._plan(new, in_head)
            unchanged = all((in_head[path] if path in in_head else self._head_blob(path))
                            == (_blob_sha(data) if data is not None else None) for path, data in planned.items())
            if unchanged:
                raise DuplicateVersionError(f"{ref} is already archived with exactly this content: nothing to replace")
            done.append(self._transact(planned, lambda txn: self._message(new, previous_commit, txn), base=head))
            if on_committed is not None:  # (the .md path, its committed bytes)
                on_committed(md, planned[md])
        return self.read(new.work, new.version, document=False, commit=True) if read_back else None

    def text_holder(self, text_sha256: str, work: str, besides: str | None = None) -> str | None:
        """The ref of a version of `work` (other than `besides`) whose text hashes to
        `text_sha256`, or None. Reads front matter only. Within one work: two versions of a
        work with one text are one issued text added twice (and `list` would show it
        superseded by its own copy); two *works* with the same words do occur in real
        collections (the corpus holds a regulation filed under two ids) and stay allowed."""
        for version in self.version_ids(work):
            if version == besides:
                continue
            try:
                matter, _ = frontmatter.split(self.md_path(work, version).read_text(encoding="utf-8"))
            except (OSError, ValueError, UnicodeDecodeError):
                continue  # verify reports it
            if matter.get("has_text") is True and matter.get("text_sha256") == text_sha256:
                return f"{work}@{version}"
        return None

    def remove(self, work: str, version: str, *, force: bool = False, dependents: tuple[str, ...] = ()) -> str:
        """Remove one version (its .md and source; the work's work.yaml too when it was the
        last version) in one commit; all or nothing. `dependents` (found by the caller from
        the status core) are named in the commit when `force` removed it anyway. Returns
        the commit."""
        check_work_id(work)
        check_version_id(version)
        ref = f"{work}@{version}"
        with interrupts.told_if_done(f"{ref} was removed (one commit) before the interrupt took effect") as done, \
                self._locked(), interrupts.deferred():
            self._recover()
            md = self.md_path(work, version)
            if not md.is_file():
                raise UnknownRefError(f"{ref} is not in the archive {self.root}: see `policydiff list`")
            added_in = self.commit_of(md)
            planned: dict[Path, bytes | None] = {md: None}
            for source in self.source_paths(work, version):
                planned[source] = None
            if self.version_ids(work) == [version]:
                planned[self.root / work / WORK_FILE] = None
            fields = [("removes", added_in), ("force", "true" if force else "false")]
            if dependents:
                fields.append(("dependents", ", ".join(dependents)))
            done.append(self._transact(planned, lambda txn: messages.compose("rm", ref, [*fields, ("policydiff-txn", txn)])))
        return self._head() or ""

    def record_edit(self, work: str, version: str, reason: str) -> Version:
        """Commit a hand edit of <version>.md (a corrected mis-parse, say) as an "edit"
        commit that says why: the body must still read back; its text hash is brought up to
        date. `verify` accepts a body that differs from its source only after such a commit."""
        from ..mdbody import from_markdown

        ref = f"{work}@{version}"
        with self._locked(), interrupts.deferred():
            self._recover()
            md = self.md_path(work, version)
            if not md.is_file():
                raise UnknownRefError(f"{ref} is not in the archive {self.root}: see `policydiff list`")
            try:
                matter, body = frontmatter.split(md.read_text(encoding="utf-8"))
                text = from_markdown(body, frontmatter.meta_from(matter)).text if matter.get("has_text") is True else ""
            except (ValueError, UnicodeDecodeError, PolicyDiffError) as exc:
                raise ArchiveError(f"{self.rel(md)} cannot be read back ({' '.join(str(exc).split())[:200]}): "
                                   "fix the edit first") from None
            if matter.get("has_text") is True:
                matter["text_sha256"] = frontmatter.sha256_text(text)
            data = frontmatter.compose(matter, body).encode("utf-8")
            if self._head_blob(md) == _blob_sha(data):
                raise DuplicateVersionError(f"{ref} has no uncommitted edit: edit {self.rel(md)} first")
            fields = [("edit", reason), ("text-sha256", matter.get("text_sha256"))]
            self._transact({md: data}, lambda txn: messages.compose("edit", ref, [*fields, ("policydiff-txn", txn)]))
        return self.read(work, version, document=False, commit=True)

    def _plan(self, new: NewVersion, in_head: dict[Path, str | None] | None = None) -> dict[Path, bytes | None]:
        """Every path this add writes (bytes) or removes (None), archive files only.
        `in_head`: blobs in HEAD already looked up (`_head_state`)."""
        in_head = in_head or {}
        planned: dict[Path, bytes | None] = {}
        gitignore = self.root / ".gitignore"
        existing = gitignore.read_text(encoding="utf-8") if gitignore.exists() else None
        wanted = _gitignore_content(existing)
        if wanted is not None:
            planned[gitignore] = wanted.encode("utf-8")
        elif (in_head[gitignore] if gitignore in in_head else self._head_blob(gitignore)) is None:
            # written by init, not committed yet
            planned[gitignore] = gitignore.read_bytes()
        work_file = self.root / new.work / WORK_FILE
        if not work_file.exists():
            info = {"title": new.work_title or new.meta.title, "aliases": [], "notes": []}
            planned[work_file] = frontmatter.dump_yaml(info).encode("utf-8")
        source = Source(url=new.source_url, retrieved=new.retrieved)
        if new.source_bytes is not None:
            ext = _source_ext(new.source_ext)
            source_path = self.root / new.work / f"{new.version}.source.{ext}"
            planned[source_path] = new.source_bytes
            source = dc_replace(source, file=self.arel(source_path),
                                sha256=frontmatter.sha256_bytes(new.source_bytes))
        for old_source in self.source_paths(new.work, new.version):
            planned.setdefault(old_source, None)  # --replace with another extension, or no text
        matter = frontmatter.front_matter(
            new.work, new.version, new.meta, has_text=new.has_text, source=source,
            text_sha256=new.text_sha256, notes=new.notes,
        )
        body = new.body if new.has_text else ""
        planned[self.md_path(new.work, new.version)] = frontmatter.compose(matter, body).encode("utf-8")
        return planned

    def _message(self, new: NewVersion, previous_commit: str | None, txn: str | None = None) -> str:
        fields = [
            ("title", new.meta.title or ""), ("doc-no", new.meta.doc_no or None),
            ("has-text", "true" if new.has_text else "false"),
            ("source-sha256", frontmatter.sha256_bytes(new.source_bytes) if new.source_bytes is not None else None),
            ("text-sha256", new.text_sha256 or None), ("policydiff-txn", txn),
        ]
        return messages.compose("replace" if previous_commit else "add", f"{new.work}@{new.version}", fields,
                                corrects=previous_commit)


def open_archive(root: str | os.PathLike) -> Archive:
    return Archive(root)

