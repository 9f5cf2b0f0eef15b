"""The ref grammar (DESIGN §2): how a user names a version.

A ref is one of, tried in this order:

- ``WORK@VERSION``   one archived version, e.g. ``zgc-world-leading-park@2024``;
- ``WORK``           the latest version of a work, e.g. ``zgc-world-leading-park``;
- a 文号             e.g. ``京科发〔2022〕4号`` (found through the archive's front matter);
- a file path        anything else, e.g. ``old.txt`` or ``../drafts/2024 measures.html``.

Functional core: no I/O. Whether a WORK ref names an archived work or a file in the
current folder is decided by `api.load_side` (archive first, then the file system);
`parse` only classifies the text.

Identifier rules (decided here, enforced by `check_work_id` / `check_version_id`):

- a **work id** is a slug ``[a-z0-9][a-z0-9-]*`` of at most 100 characters. Lowercase only
  because the id becomes a folder name and case-insensitive file systems (macOS, Windows)
  would merge ``ZGC`` and ``zgc``; no ``/``, ``..``, ``@``, ``.`` or spaces so that the id
  can never escape the archive folder or be mistaken for a path or a version.
- a **version id** is ``[a-z0-9][a-z0-9_-]*`` of at most 64 characters, e.g. ``2022``,
  ``2024-10-09``, ``2024a``. No dots: ``<version>.md`` and ``<version>.source.<ext>`` live side
  by side, and a version ``2024.source`` would collide with the source file of ``2024``.

Round trip: for every string ``s`` that `Ref.parse` accepts, ``str(Ref.parse(s)) == s``.

>>> Ref.parse("zgc-world-leading-park@2024")
Ref(kind='version', work='zgc-world-leading-park', version='2024', doc_no=None, path=None)
>>> str(Ref.parse("zgc-world-leading-park"))
'zgc-world-leading-park'
>>> Ref.parse("京科发〔2022〕4号").kind
'doc_no'
>>> Ref.parse("drafts/new.txt").kind
'path'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import BadInputError
from .lexicon import DOC_NO_RE, doc_no_year

WORK_ID_MAX = 100  # characters
VERSION_ID_MAX = 64  # characters

WORK_ID_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
VERSION_ID_RE = re.compile(r"[a-z0-9][a-z0-9_-]*")

# The 文号 grammar lives in lexicon (one home for every spelling of the brackets and 第).
KINDS = ("version", "work", "doc_no", "path")


@dataclass(frozen=True)
class Ref:
    """A parsed ref. Exactly the fields of its kind are set; the others are None."""

    kind: str  # one of KINDS
    work: str | None = None
    version: str | None = None
    doc_no: str | None = None
    path: str | None = None

    @classmethod
    def parse(cls, text: str) -> "Ref":
        """Classify `text`; raise BadInputError for an empty ref.

        A string with ``@`` whose two halves are a valid work id and version id is a version
        ref; any other string that is not a work id or a 文号 is kept verbatim as a path (a
        file called ``notes@home.txt`` stays reachable)."""
        if not isinstance(text, str) or not text.strip():
            raise BadInputError("empty ref: give WORK@VERSION, WORK, a 文号 or a file path")
        if "@" in text:
            work, _, version = text.partition("@")
            if is_work_id(work) and is_version_id(version):
                return cls("version", work=work, version=version)
            return cls("path", path=text)
        if is_work_id(text):
            return cls("work", work=text)
        if DOC_NO_RE.fullmatch(text):
            return cls("doc_no", doc_no=text)
        return cls("path", path=text)

    def __str__(self) -> str:
        if self.kind == "version":
            return f"{self.work}@{self.version}"
        if self.kind == "work":
            return str(self.work)
        if self.kind == "doc_no":
            return str(self.doc_no)
        return str(self.path)


def is_work_id(text: str) -> bool:
    return len(text) <= WORK_ID_MAX and WORK_ID_RE.fullmatch(text) is not None


def is_version_id(text: str) -> bool:
    return len(text) <= VERSION_ID_MAX and VERSION_ID_RE.fullmatch(text) is not None


def check_work_id(text: str | None) -> str:
    """Return `text` if it is a valid work id, else raise BadInputError saying why."""
    if not text:
        raise BadInputError("missing work id: give --work, a slug such as zgc-world-leading-park")
    if is_work_id(text):
        return text
    if "/" in text or "\\" in text or ".." in text:
        why = "must not contain '/', '\\' or '..' (it becomes a folder name inside the archive)"
    elif text.lower() != text and is_work_id(text.lower()):
        why = f"must be lowercase (try {text.lower()!r})"
    elif len(text) > WORK_ID_MAX:
        why = f"is longer than {WORK_ID_MAX} characters"
    else:
        why = "must be a slug of lowercase letters, digits and '-', starting with a letter or digit"
    raise BadInputError(f"invalid work id {text!r}: it {why}, e.g. zgc-world-leading-park")


def check_version_id(text: str | None) -> str:
    """Return `text` if it is a valid version id, else raise BadInputError saying why."""
    if not text:
        raise BadInputError("missing version id: give --version, e.g. 2024 or 2024-10-09")
    if is_version_id(text):
        return text
    if "/" in text or "\\" in text or ".." in text or "@" in text:
        why = "must not contain '/', '\\', '..' or '@'"
    elif text.lower() != text and is_version_id(text.lower()):
        why = f"must be lowercase (try {text.lower()!r})"
    elif len(text) > VERSION_ID_MAX:
        why = f"is longer than {VERSION_ID_MAX} characters"
    else:
        why = "must be lowercase letters, digits, '-' or '_' (no dots), starting with a letter or digit"
    raise BadInputError(f"invalid version id {text!r}: it {why}, e.g. 2024, 2024-10-09 or 2024a")


# --------------------------------------------------------------------------- version order
# One definition of "versions of a work in time order", shared by the archive (listing)
# and the status core (succession): two copies had started to drift.


def _iso_date(value: str) -> bool:
    import datetime

    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10


def date_bounds(version) -> tuple[str, str] | None:
    """Earliest and latest possible issue date (ISO strings) of a model.Version: the
    issued date; else the year of its 文号 (DESIGN §3: issued within that calendar year);
    else a date or year at the start of the version id (``2024-10-09``, ``2022``,
    ``2024a``); else None.

    >>> from policydiff.model import DocumentMeta, Version
    >>> date_bounds(Version("w", "2022", DocumentMeta(doc_no="京科发〔2022〕4号"), has_text=False))
    ('2022-01-01', '2022-12-31')
    """
    if version.meta.issued:
        return version.meta.issued, version.meta.issued
    year = doc_no_year(version.meta.doc_no)
    if year is not None:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    vid = version.version or ""
    if _iso_date(vid[:10]) and not vid[10:11].isdigit():
        return vid[:10], vid[:10]
    match = re.match(r"(\d{4})(?!\d)", vid)
    if match:
        return f"{match[1]}-01-01", f"{match[1]}-12-31"
    return None


def version_sort_key(version) -> tuple:
    """Versions of a work in time order: by issue date bounds, then version id. Versions
    with no date at all sort after the dated ones (by id): placing them first would make a
    forgotten date silently turn the newest text into the oldest."""
    bounds = date_bounds(version)
    if bounds is None:
        return (1, "", "", version.version or "")
    return (0, bounds[0], bounds[1], version.version or "")
