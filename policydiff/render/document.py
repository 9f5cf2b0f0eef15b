"""Renderings of one version (`policydiff show`) and of the archive's contents
(`policydiff list`): JSON (DESIGN §5), readable text, and Markdown.

Functional core: these functions take model objects and plain values and return strings.

Format versions (bump on any incompatible change; adding keys is compatible):
  policydiff.document/1  first version: DESIGN §5 keys, plus published, effective_clause,
                         source, commit, notes, add_text_command (null when the text is there)
  policydiff.list/1      first version: DESIGN §5 keys, plus per version doc_no, repealed_by
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Sequence

from .. import lexicon
from ..model import Block, BlockKind, Document, Version

DOCUMENT_FORMAT = "policydiff.document/1"
LIST_FORMAT = "policydiff.list/1"

NO_TEXT_MARK = "无文本/no text"


def to_json(data: Any) -> str:
    """Deterministic JSON: keys in the order built, UTF-8 characters kept, 2-space indent."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def add_text_command(version: Version) -> str | None:
    """The exact command that adds the missing text of an archived version (None when the
    version has its text, or is a plain file)."""
    if version.has_text or not (version.work and version.version):
        return None
    return lexicon.add_text_command(version.work, version.version)


def missing_text_message(version: Version) -> str:
    return (f"the text of {version.ref} is not in the archive (recorded without text); "
            f"to add it: {add_text_command(version)}")


def _block_path(doc: Document, block: Block) -> list[str]:
    return list(doc.path(block))


def outline(doc: Document) -> list[dict[str, Any]]:
    """Containers and measures in document order (unnumbered text is not part of it)."""
    return [
        {"kind": b.kind.value, "label": b.label, "heading": b.heading, "path": _block_path(doc, b)}
        for b in doc.blocks if b.kind in (BlockKind.CONTAINER, BlockKind.MEASURE)
    ]


def measures(doc: Document) -> list[dict[str, Any]]:
    return [
        {"ordinal": b.ordinal, "label": b.label, "number": b.number, "heading": b.heading,
         "text": b.text, "path": _block_path(doc, b)}
        for b in doc.measures
    ]


def document_dict(version: Version) -> dict[str, Any]:
    """policydiff.document/1 (DESIGN §5)."""
    meta = version.meta
    doc = version.document
    source = version.source
    notes = list(version.notes)
    if doc is not None:
        notes.extend(n for n in doc.notes if n not in notes)
    return {
        "format": DOCUMENT_FORMAT,
        "ref": version.ref,
        "work": version.work,
        "version": version.version,
        "title": meta.title,
        "doc_no": meta.doc_no,
        "issuers": list(meta.issuers),
        "issued": meta.issued,
        "effective": meta.effective,
        "has_text": version.has_text,
        "text_sha256": version.text_sha256,
        "repeals": [{"title": r.title, "doc_no": r.doc_no, "clause": r.clause, "verb": r.verb}
                    for r in meta.repeals],
        "outline": outline(doc) if doc is not None else [],
        "measures": measures(doc) if doc is not None else [],
        "published": meta.published,
        "effective_clause": meta.effective_clause,
        "source": {"file": source.file, "url": source.url, "retrieved": source.retrieved,
                   "sha256": source.sha256},
        "commit": version.commit,
        "notes": notes,
        "add_text_command": add_text_command(version),
    }


def _value(value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


def document_text(version: Version) -> str:
    """A readable outline: metadata, then containers and numbered measures with their text."""
    data = document_dict(version)
    lines = [version.ref or "(unnamed)", ""]
    fields = [
        ("标题 Title", data["title"]), ("文号 Doc no", data["doc_no"]),
        ("发文机关 Issuers", data["issuers"]), ("印发 Issued", data["issued"]),
        ("施行 Effective", data["effective"]), ("发布 Published", data["published"]),
        ("施行条款 Effective clause", data["effective_clause"]),
        ("正文 Text", f"sha256 {data['text_sha256']}" if version.has_text else NO_TEXT_MARK),
        ("来源 Source", data["source"]["file"] or data["source"]["url"]),
        ("来源 SHA-256", data["source"]["sha256"]),
        ("收录提交 Commit", data["commit"]),
    ]
    width = max(len(name) for name, _ in fields)
    lines += [f"{name.ljust(width)}  {_value(value)}" for name, value in fields]
    for repeal in version.meta.repeals:
        named = "".join(filter(None, [f"《{repeal.title}》" if repeal.title else "",
                                      f"({repeal.doc_no})" if repeal.doc_no else ""]))
        lines.append(f"{'废止 Repeals'.ljust(width)}  {named or '—'}: {repeal.clause}")
    for note in data["notes"]:
        lines.append(f"{'备注 Note'.ljust(width)}  {note}")
    lines.append("")
    doc = version.document
    if doc is None:
        lines.append(f"Text missing: {missing_text_message(version)}")
        return "\n".join(lines) + "\n"
    count = len(doc.measures)
    lines.append(f"Outline ({count} measure{'s' if count != 1 else ''}):")
    for block in doc.blocks:
        if block.kind is BlockKind.TEXT:
            continue
        indent = "  " * (len(doc.ancestors(block)) + 1)
        if block.kind is BlockKind.CONTAINER:
            lines.append(f"{indent}{block.label} {block.heading}".rstrip())
            continue
        lines.append(f"{indent}[{block.ordinal}] {block.label} {block.heading}".rstrip())
        for paragraph in block.text.split("\n")[1:]:
            if paragraph.strip():
                lines.append(f"{indent}    {paragraph}")
    return "\n".join(lines) + "\n"


def render_document(version: Version, fmt: str = "text", markdown: str | None = None) -> str:
    """`show` output. `markdown` is the archived .md file (front matter + body) for md."""
    if fmt == "json":
        return to_json(document_dict(version))
    if fmt == "md":
        if markdown is None:
            raise ValueError("md rendering needs the Markdown text")
        return markdown if markdown.endswith("\n") or not markdown else markdown + "\n"
    if fmt == "text":
        return document_text(version)
    raise ValueError(f"unknown format {fmt!r}")


@dataclass(frozen=True)
class ListedVersion:
    version: Version
    status: str  # in_force | repealed | superseded | unknown | not_yet_effective
    repealed_by: str | None = None  # ref (or key) of the document whose repeal clause names it
    superseded_by: str | None = None  # ref of the later version of the same work that replaced it


@dataclass(frozen=True)
class ListedWork:
    work: str
    title: str | None
    versions: Sequence[ListedVersion]


def list_dict(works: Sequence[ListedWork]) -> dict[str, Any]:
    """policydiff.list/1 (DESIGN §5)."""
    return {
        "format": LIST_FORMAT,
        "works": [
            {
                "work": w.work,
                "title": w.title,
                "versions": [
                    {"ref": lv.version.ref, "version": lv.version.version, "title": lv.version.meta.title,
                     "doc_no": lv.version.meta.doc_no, "issued": lv.version.meta.issued,
                     "has_text": lv.version.has_text, "status": lv.status, "repealed_by": lv.repealed_by,
                     "superseded_by": lv.superseded_by}
                    for lv in w.versions
                ],
            }
            for w in works
        ],
    }


def list_text(works: Sequence[ListedWork]) -> str:
    if not works:
        return "The archive is empty: add a version with `policydiff add FILE --work W --version V`.\n"
    lines: list[str] = []
    for w in works:
        lines.append(f"{w.work}  {w.title or ''}".rstrip())
        for lv in w.versions:
            v = lv.version
            cells = [
                v.ref,
                v.meta.doc_no or "—",
                v.meta.issued or "—",
                lv.status + (f" (by {lv.repealed_by or lv.superseded_by})"
                             if lv.repealed_by or lv.superseded_by else ""),
            ]
            if not v.has_text:
                cells.append(f"「{NO_TEXT_MARK}」")
            lines.append("  " + "  ".join(cells))
        lines.append("")
    return "\n".join(lines)


def render_list(works: Sequence[ListedWork], fmt: str = "text") -> str:
    if fmt == "json":
        return to_json(list_dict(works))
    if fmt == "text":
        return list_text(works)
    raise ValueError(f"unknown format {fmt!r}")
