"""The archived version file: YAML front matter + structured Markdown body (DESIGN §3).

Functional core (no I/O): `archive` reads and writes the files, `render.document` shows
them. Kept apart from `archive` so that rendering never imports git.

File layout, byte for byte::

    ---\\n
    <YAML mapping, keys in FRONT_MATTER_KEYS order>
    ---\\n
    \\n
    <body exactly as mdbody.to_markdown returned it>

`split` drops exactly one blank line after the closing ``---``, so any body (even one that
starts with blank lines) comes back unchanged. YAML is dumped deterministically: keys in a
fixed order, ``allow_unicode``, no line folding, and dates kept as quoted strings (the
loader below never turns ``2024-10-09`` into a date object, so a hand edit that drops the
quotes still reads back as the same string).
"""

from __future__ import annotations

import functools
import hashlib
import unicodedata
from typing import Any

from .model import DocumentMeta, Repeal, Source

# The contract's keys (DESIGN §3) plus `published` and `effective_clause`, in file order.
FRONT_MATTER_KEYS = (
    "work", "version", "title", "doc_no", "issuers", "issued", "effective", "published",
    "effective_clause", "source", "text_sha256", "has_text", "repeals", "notes",
)
REQUIRED_KEYS = (
    "work", "version", "title", "doc_no", "issuers", "issued", "effective", "source",
    "text_sha256", "has_text", "repeals", "notes",
)
SOURCE_KEYS = ("file", "url", "retrieved", "sha256")
REPEAL_KEYS = ("title", "doc_no", "clause", "verb")
WORK_KEYS = ("title", "aliases", "notes")

DELIMITER = "---\n"


@functools.cache
def _yaml() -> tuple[Any, type, type]:
    """(the yaml module, the loader, the dumper), made at first use: PyYAML costs a diff of
    two plain files, which never reads or writes front matter, 20-30 ms of start-up
    (issue 14).

    The loader: libyaml's C loader when PyYAML was built with it (reading a 155-version
    archive spent most of its time in the pure-Python scanner), same safe constructors
    either way, without the timestamp resolver: dates stay ISO strings.
    The dumper: SafeDumper that double-quotes (with escapes) any string holding a
    character that YAML would otherwise fold or normalise: control characters such as \r
    and \t, and the line breaks NEL, LS and PS (U+0085, U+2028, U+2029), all of which
    turn up in web pages. Other strings keep PyYAML's default (readable) style."""
    import yaml

    class StringDateLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
        pass

    StringDateLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    class Dumper(yaml.SafeDumper):
        pass

    def represent_str(dumper: Any, value: str) -> Any:
        if _needs_escapes(value):
            return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
        return dumper.represent_str(value)

    Dumper.add_representer(str, represent_str)
    return yaml, StringDateLoader, Dumper


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_text(text: str) -> str:
    """text_sha256: the sha256 of the clean text, UTF-8."""
    return sha256_bytes(text.encode("utf-8"))


def _needs_escapes(value: str) -> bool:
    return any((unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co") and c != "\n")
               or c == "\ufeff" for c in value)


def dump_yaml(data: dict[str, Any]) -> str:
    yaml, _, dumper = _yaml()
    return yaml.dump(
        data, Dumper=dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=10_000,
    )


def load_yaml(text: str) -> Any:
    yaml, loader, _ = _yaml()
    return yaml.load(text, Loader=loader)


def front_matter(work: str | None, version: str | None, meta: DocumentMeta, *, has_text: bool,
                 source: Source, text_sha256: str | None, notes: tuple[str, ...]) -> dict[str, Any]:
    """The front matter mapping of one version, keys in file order."""
    return {
        "work": work,
        "version": version,
        "title": meta.title,
        "doc_no": meta.doc_no,
        "issuers": list(meta.issuers),
        "issued": meta.issued,
        "effective": meta.effective,
        "published": meta.published,
        "effective_clause": meta.effective_clause,
        "source": {key: getattr(source, key) for key in SOURCE_KEYS},
        "text_sha256": text_sha256,
        "has_text": has_text,
        "repeals": [{key: getattr(r, key) for key in REPEAL_KEYS} for r in meta.repeals],
        "notes": list(notes),
    }


def compose(matter: dict[str, Any], body: str) -> str:
    """The whole .md file."""
    return DELIMITER + dump_yaml(matter) + DELIMITER + "\n" + body


def split(content: str) -> tuple[dict[str, Any], str]:
    """(front matter mapping, body) of a .md file; ValueError when it has no front matter."""
    if not content.startswith(DELIMITER):
        raise ValueError("does not start with a '---' front matter line")
    end = content.find("\n" + DELIMITER, len(DELIMITER) - 1)
    if end < 0:
        raise ValueError("front matter is not closed by a '---' line")
    yaml_text = content[len(DELIMITER):end + 1]
    body = content[end + 1 + len(DELIMITER):]
    if body.startswith("\n"):
        body = body[1:]
    try:
        matter = load_yaml(yaml_text)
    except _yaml()[0].YAMLError as exc:
        raise ValueError(f"front matter is not valid YAML: {' '.join(str(exc).split())}") from None
    if matter is None:
        matter = {}
    if not isinstance(matter, dict):
        raise ValueError("front matter is not a YAML mapping")
    return matter, body


def _opt_str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return str(value)


def meta_from(matter: dict[str, Any]) -> DocumentMeta:
    """DocumentMeta from a (possibly hand-edited) front matter mapping, leniently:
    `check` reports what is malformed; reading does its best."""
    issuers = matter.get("issuers") or ()
    if isinstance(issuers, str):
        issuers = (issuers,)
    elif not isinstance(issuers, list):
        issuers = ()
    repeals = []
    listed = matter.get("repeals")
    for item in listed if isinstance(listed, list) else ():
        if isinstance(item, dict):
            repeals.append(Repeal(
                title=_opt_str(item.get("title")), doc_no=_opt_str(item.get("doc_no")),
                clause=str(item.get("clause") or ""), verb=str(item.get("verb") or "废止"),
            ))
    return DocumentMeta(
        title=_opt_str(matter.get("title")),
        doc_no=_opt_str(matter.get("doc_no")),
        issuers=tuple(str(i) for i in issuers),
        issued=_opt_str(matter.get("issued")),
        effective=_opt_str(matter.get("effective")),
        published=_opt_str(matter.get("published")),
        effective_clause=_opt_str(matter.get("effective_clause")),
        repeals=tuple(repeals),
    )


def source_from(matter: dict[str, Any]) -> Source:
    source = matter.get("source") or {}
    if not isinstance(source, dict):
        return Source()
    return Source(**{key: _opt_str(source.get(key)) for key in SOURCE_KEYS})


def notes_from(matter: dict[str, Any]) -> tuple[str, ...]:
    notes = matter.get("notes") or ()
    if isinstance(notes, str):
        return (notes,)
    if not isinstance(notes, list):
        return ()
    return tuple(str(n) for n in notes)


_ISO_DATE_LEN = len("2024-10-09")


def is_iso_date(value: Any) -> bool:
    import datetime

    if not isinstance(value, str) or len(value) != _ISO_DATE_LEN:
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check(matter: dict[str, Any]) -> list[str]:
    """Problems with the keys and value types of a front matter mapping (empty when fine)."""
    problems: list[str] = []
    missing = [k for k in REQUIRED_KEYS if k not in matter]
    if missing:
        problems.append(f"missing front matter key(s): {', '.join(missing)}")
    unknown = sorted(k for k in matter if k not in FRONT_MATTER_KEYS)
    if unknown:
        problems.append(f"unknown front matter key(s): {', '.join(map(str, unknown))}")

    def expect(key: str, ok: bool, what: str) -> None:
        if key in matter and not ok:
            problems.append(f"front matter {key!r} should be {what}, found {matter[key]!r}")

    for key in ("work", "version", "title"):
        expect(key, isinstance(matter.get(key), str) and bool(matter.get(key)), "a non-empty string")
    for key in ("doc_no", "effective_clause"):
        expect(key, matter.get(key) is None or isinstance(matter.get(key), str), "a string or null")
    for key in ("issued", "effective", "published"):
        expect(key, matter.get(key) is None or is_iso_date(matter.get(key)), "a YYYY-MM-DD date or null")
    expect("issuers", isinstance(matter.get("issuers"), list)
           and all(isinstance(i, str) and i for i in matter.get("issuers") or ()), "a list of strings")
    expect("has_text", isinstance(matter.get("has_text"), bool), "true or false")
    sha = matter.get("text_sha256")
    expect("text_sha256", sha is None or (isinstance(sha, str) and len(sha) == 64), "a sha256 hex digest or null")
    source = matter.get("source")
    expect("source", isinstance(source, dict) and set(source) <= set(SOURCE_KEYS),
           f"a mapping with keys {', '.join(SOURCE_KEYS)}")
    repeals = matter.get("repeals")
    expect("repeals", isinstance(repeals, list) and all(
        isinstance(r, dict) and set(r) <= set(REPEAL_KEYS) and isinstance(r.get("clause"), str)
        for r in repeals or ()), "a list of {title, doc_no, clause} mappings")
    notes = matter.get("notes")
    expect("notes", isinstance(notes, list) and all(isinstance(n, str) for n in notes), "a list of strings")
    if matter.get("has_text") is True and not sha:
        problems.append("has_text is true but text_sha256 is empty")
    if matter.get("has_text") is False and sha:
        problems.append("has_text is false but text_sha256 is set")
    return problems
