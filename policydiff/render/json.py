"""The `policydiff.diff/1` JSON of a Comparison (DESIGN §5): stable keys, in contract order.

Deterministic: keys in a fixed order (not sorted: the contract order reads better),
similarity rounded to 4 places, `ensure_ascii=False`, two-space indent, one trailing
newline. No clock, no path of the output file.

>>> from policydiff.model import Version, DocumentMeta
>>> header = version_header(Version("demo", "2024", DocumentMeta(title="示例市措施(测试用虚构文本)"), False))
>>> list(header)[:4], header["has_text"]
(['ref', 'work', 'version', 'title'], False)
"""

from __future__ import annotations

import json
from typing import Any

from ..model import Change, Comparison, ContainerChange, FieldChange, Version

FORMAT = "policydiff.diff/1"
# FORMAT_LOG (bump the number when a key is renamed or removed; adding keys is free):
#   policydiff.diff/1  first version: format, old, new, summary, changes, settings, tool;
#                      also changes[].old_labels/new_labels, container_changes,
#                      document_changes; `comparable` (false: a side has no text, so
#                      `changes` is empty for that reason); `generated` when a report
#                      is stamped from SOURCE_DATE_EPOCH; old/new `uncommitted`;
#                      tool.commit when the tool runs from a git checkout.

SIMILARITY_PLACES = 4  # decimal places of `similarity` in the JSON (range 0..1)
SUMMARY_KEYS = ("unchanged", "modified", "split", "merged", "added", "removed", "renumbered", "moved")


def version_header(v: Version) -> dict[str, Any]:
    """One side of a comparison: identity, metadata, provenance (hashes, git commit)."""
    meta = v.meta
    return {
        "ref": v.ref,
        "work": v.work,
        "version": v.version,
        "title": meta.title,
        "doc_no": meta.doc_no,
        "issuers": list(meta.issuers),
        "issued": meta.issued,
        "effective": meta.effective,
        "has_text": v.has_text,
        "text_sha256": v.text_sha256,
        "commit": v.commit,
        # null, or "modified" / "not committed": the archived file is not what `commit`
        # holds (an uncommitted edit), so this output does not match that commit
        "uncommitted": v.uncommitted,
        "source": {
            "file": v.source.file,
            "url": v.source.url,
            "retrieved": v.source.retrieved,
            "sha256": v.source.sha256,
        },
    }


def _segments(segments) -> list[list[str]]:
    return [[op, text] for op, text in segments]


def change_dict(change: Change, old_measures=None, new_measures=None) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "kind": change.kind.value,
        "old": list(change.old),
        "new": list(change.new),
        "renumbered": change.renumbered,
        "moved": change.moved,
        "similarity": round(change.similarity, SIMILARITY_PLACES),
        "segments": _segments(change.segments),
        "flags": list(change.flags),
    }
    if old_measures is not None:
        entry["old_labels"] = [old_measures[o - 1].label for o in change.old]
    if new_measures is not None:
        entry["new_labels"] = [new_measures[n - 1].label for n in change.new]
    return entry


def container_dict(change: ContainerChange) -> dict[str, Any]:
    return {
        "kind": change.kind,
        "old": change.old,  # block index in the old document, null when added
        "new": change.new,
        "old_label": change.old_label,
        "new_label": change.new_label,
        "old_heading": change.old_heading,
        "new_heading": change.new_heading,
        "segments": _segments(change.segments),
    }


def field_dict(change: FieldChange) -> dict[str, Any]:
    return {"field": change.field, "old": change.old, "new": change.new,
            "segments": _segments(change.segments)}


def comparison_dict(c: Comparison, generated: str | None = None) -> dict[str, Any]:
    summary = c.summary()
    old_measures = c.old.document.measures if c.old.document is not None else None
    new_measures = c.new.document.measures if c.new.document is not None else None
    return {
        "format": FORMAT,
        "old": version_header(c.old),
        "new": version_header(c.new),
        "summary": {key: summary.get(key, 0) for key in SUMMARY_KEYS},
        "changes": [change_dict(ch, old_measures, new_measures) for ch in c.changes],
        "container_changes": [container_dict(ch) for ch in c.container_changes],
        "document_changes": [field_dict(ch) for ch in c.document_changes],
        "settings": _plain(dict(c.settings)),
        "tool": {"name": c.tool[0], "version": c.tool[1],
                 **({"commit": c.tool_commit} if c.tool_commit else {})},
        # a reader must not take an empty `changes` for "no differences" when a side
        # simply has no text
        "comparable": c.comparable,
        **({"generated": generated} if generated else {}),
    }


def _plain(value: Any) -> Any:
    """Settings as JSON values; mappings with keys in sorted order (deterministic even if
    a settings dict was built from a set or in another order)."""
    if isinstance(value, dict):
        return {str(k): _plain(value[k]) for k in sorted(value, key=str)}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def comparison_json(c: Comparison, generated: str | None = None) -> str:
    """The JSON of `c`, built once (`generated`: the SOURCE_DATE_EPOCH time of a report)."""
    return json.dumps(comparison_dict(c, generated), ensure_ascii=False, indent=2) + "\n"
