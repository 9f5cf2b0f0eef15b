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
from itertools import chain, repeat
from math import isnan
from operator import attrgetter
from typing import Any

from ..model import CarriedRun, Change, ChangeKind, Comparison, ContainerChange, FieldChange, Version

FORMAT = "policydiff.diff/1"
# FORMAT_LOG (bump the number when a key is renamed or removed; adding keys is free):
#   policydiff.diff/1  first version: format, old, new, summary, changes, settings, tool;
#                      also changes[].old_labels/new_labels, container_changes,
#                      document_changes; `comparable` (false: a side has no text, so
#                      `changes` is empty for that reason); `generated` when a report
#                      is stamped from SOURCE_DATE_EPOCH; old/new `uncommitted`;
#                      tool.commit when the tool runs from a git checkout;
#                      container_changes[].moved (a container's move, reported once);
#                      container_changes[].carried_in (runs of measures carried
#                      together into an added container, or into a matched one from
#                      another matched container, reported once there) and
#                      carried_out (runs that left a removed container together).

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
    # comparison_json writes this entry straight from the Change (_change_json): a key
    # added here goes there too (tests/test_json_encoding.py fails until it does)
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
        "moved": change.moved,  # the container moved as a whole (its measures are not each `moved`)
        # added containers, and matched ones that took a run from another matched
        # container: the runs of measures carried into it together from one old
        # container each (its measures are not each `moved`); [] otherwise
        "carried_in": [carried_dict(run) for run in change.carried_in],
        # removed containers: the runs of its measures that joined one new container
        # together (its measures are not each `moved`); [] otherwise
        "carried_out": [carried_dict(run, "new") for run in change.carried_out],
    }


def carried_dict(run: CarriedRun, side: str = "old") -> dict[str, Any]:
    """A run of measures said once: the container on `side` it came from ("old", for
    carried_in) or went to ("new", for carried_out), then both sides' ordinals and labels."""
    return {
        f"{side}_container": getattr(run, f"{side}_container"),  # block index on that side, null at top level
        f"{side}_label": getattr(run, f"{side}_label"),
        f"{side}_heading": getattr(run, f"{side}_heading"),
        "old": list(run.old),  # measure ordinals
        "new": list(run.new),
        "old_labels": list(run.old_labels),
        "new_labels": list(run.new_labels),
    }


def field_dict(change: FieldChange) -> dict[str, Any]:
    return {"field": change.field, "old": change.old, "new": change.new,
            "segments": _segments(change.segments)}


def comparison_dict(c: Comparison, generated: str | None = None, changes: bool = True) -> dict[str, Any]:
    """The JSON document of `c` as plain values (`changes=False`: its "changes" left
    empty, for comparison_json, which writes them itself)."""
    summary = c.summary()
    old_measures = c.old.document.measures if c.old.document is not None and changes else None
    new_measures = c.new.document.measures if c.new.document is not None and changes else None
    return {
        "format": FORMAT,
        "old": version_header(c.old),
        "new": version_header(c.new),
        "summary": {key: summary.get(key, 0) for key in SUMMARY_KEYS},
        "changes": [change_dict(ch, old_measures, new_measures) for ch in c.changes] if changes else [],
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
    """The JSON of `c`, built once (`generated`: the SOURCE_DATE_EPOCH time of a report):
    `dumps_indented(comparison_dict(c, generated))`, with each change written straight
    from the Change (`_change_json`) instead of through its dict; from ORJSON_MIN_CHANGES
    changes, the whole text by orjson (`_comparison_orjson`), the same bytes."""
    text = comparison_json_encoded(c, generated)
    return text.decode("utf-8") if isinstance(text, bytes) else text


def comparison_json_encoded(c: Comparison, generated: str | None = None) -> bytes | str:
    """`comparison_json(c, generated)` as it was made: the UTF-8 bytes when orjson wrote it
    (from ORJSON_MIN_CHANGES changes), else the str. For a writer of bytes (the CLI's
    stdout, issue 14): the compilation's 8.8 MB JSON was decoded (~12 ms) only to be
    encoded again on the way out (~7 ms)."""
    value = comparison_dict(c, generated, changes=False)
    old_measures = c.old.document.measures if c.old.document is not None else None
    new_measures = c.new.document.measures if c.new.document is not None else None
    if len(c.changes) >= ORJSON_MIN_CHANGES:
        data = _comparison_orjson(value, c.changes, old_measures, new_measures)
        if data is not None:
            return data
    value["changes"] = _Encoded(_changes_json(c.changes, old_measures, new_measures))
    return dumps_indented(value) + "\n"


# --------------------------------------------------------------------------- encoding

# The bytes of `json.dumps(value, ensure_ascii=False, indent=2)`, made faster. Why: with
# an indent, the standard library encodes through its pure-Python iterator (its C encoder
# has no indent), one generator step per value; a diff of the 1.45 M-character test
# compilation of issue 14 (78 k lists, 120 k scalars, 5.7 MB) spent 0.16 s there.
# Here each string goes through the same C escaper (json.encoder.encode_basestring), and
# a list of scalars (the [op, text] pairs of `segments`, most of the output) is one join.
# Rejected: the C encoder without indent, then re-indenting its output (a scan of every
# structural character outside strings in Python: no faster, and one more grammar to get
# right); a different layout (the contract's bytes, DESIGN §5, stay as they are).
# tests/test_json_encoding.py checks the bytes against json.dumps on random values.
_escape = json.encoder.encode_basestring  # the C escaper when available, as json.dumps uses
_INDENT = 2  # spaces per level, as json.dumps(indent=2)


def _scalar(value: Any) -> str | None:
    """The JSON of a scalar exactly as json.dumps writes it, or None for a container (or an
    unknown type, which json.dumps would refuse)."""
    if isinstance(value, str):
        return _escape(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _float(value: float) -> str:
    # json.encoder's floatstr with allow_nan=True
    if value != value:
        return "NaN"
    if value == float("inf"):
        return "Infinity"
    if value == -float("inf"):
        return "-Infinity"
    return float.__repr__(value)


def _key(key: Any) -> str:
    """A mapping key as json.dumps writes it (skipkeys=False)."""
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return int.__repr__(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


_NEWLINES: list[str] = []  # "\n" and the indent of each level, made once


def _newline(level: int) -> str:
    while len(_NEWLINES) <= level:
        _NEWLINES.append("\n" + " " * (_INDENT * len(_NEWLINES)))
    return _NEWLINES[level]


def _null(_: Any) -> str:
    return "null"


def _boolean(value: bool) -> str:
    return "true" if value else "false"


# Exact scalar types to their encoding (a subclass, e.g. a str enum, takes _scalar's way).
_EXACT: dict[type, Any] = {str: _escape, int: int.__repr__, float: _float, bool: _boolean, type(None): _null}


def _items(value: list | tuple) -> list[str] | None:
    """The JSON of each item of a non-empty list of scalars, or None when an item is a
    container (or of a type json.dumps refuses)."""
    first = type(value[0])
    if first is dict or first is list:  # a container: no list of scalars (checked first, cheaply)
        return None
    if len(value) == 1 and first in _EXACT:  # 「"old": [12]」, 「"new_labels": ["第十二条"]」
        return [_EXACT[first](value[0])]
    if first is str:
        try:
            return _escape_all(value)
        except TypeError:  # an item is no str
            pass
    elif first is int and all(type(item) is int for item in value):
        return list(map(int.__repr__, value))
    flat = [_scalar(item) for item in value]
    return None if None in flat else flat


def _escape_all(value: list | tuple) -> list[str]:
    return list(map(_escape, value))


_NAMES: dict[str, str] = {}  # a str key -> its JSON and ": " (the contract's keys repeat)
_NAMES_MAX = 4096  # entries kept (keys of settings and such; range 100..100,000)


def _name(key: Any) -> str:
    name = _escape(key if type(key) is str else _key(key)) + ": "
    if type(key) is str and len(_NAMES) < _NAMES_MAX:
        _NAMES[key] = name
    return name


def _rows(value: list, level: int) -> list[str] | None:
    """Each item of `value` (lists of scalars, written at nesting `level`) as its JSON, or
    None when an item is anything else."""
    inner = _newline(level + 1)
    separator = "," + inner
    close = _newline(level) + "]"
    rows = []
    for item in value:
        if type(item) is not list:
            return None
        if len(item) == 2 and type(item[0]) is str and type(item[1]) is str:
            rows.append("[" + inner + _escape(item[0]) + separator + _escape(item[1]) + close)
            continue
        if not item:
            rows.append("[]")
            continue
        flat = _items(item)
        if flat is None:
            return None
        rows.append("[" + inner + separator.join(flat) + close)
    return rows


def _encode(value: Any, level: int, out: list[str]) -> None:
    """Append the JSON of a container (list, tuple or dict) at nesting `level` to `out`."""
    inner = _newline(level + 1)
    separator = "," + inner
    if isinstance(value, (list, tuple)):
        if not value:
            out.append("[]")
            return
        flat = _items(value)
        if flat is not None:  # scalars only: one join
            out.append("[" + inner + separator.join(flat) + _newline(level) + "]")
            return
        if type(value[0]) is list:  # a list of lists: the [op, text] pairs of `segments`
            rows = _rows(value, level + 1)
            if rows is not None:
                out.append("[" + inner + separator.join(rows) + _newline(level) + "]")
                return
        out.append("[")
        lead = inner
        for item in value:
            encode = _EXACT.get(type(item))
            text = encode(item) if encode is not None else _scalar(item)
            if text is not None:
                out.append(lead + text)
            else:
                out.append(lead)
                _encode(item, level + 1, out)
            lead = separator
        out.append(_newline(level) + "]")
        return
    if isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        out.append("{")
        lead = inner
        for key, item in value.items():
            name = _NAMES.get(key) if type(key) is str else None
            if name is None:
                name = _name(key)
            kind = type(item)
            encode = _EXACT.get(kind)
            if encode is not None:
                text: str | None = encode(item)
            elif kind is _Encoded:
                text = item.text
            elif kind is list and item:  # a list of scalars at once (old, new, flags, labels)
                flat = _items(item)
                deeper = _newline(level + 2)
                text = None if flat is None else "[" + deeper + ("," + deeper).join(flat) + inner + "]"
            else:
                text = _scalar(item)
            if text is not None:
                out.append(lead + name + text)
            else:
                out.append(lead + name)
                _encode(item, level + 1, out)
            lead = separator
        out.append(_newline(level) + "}")
        return
    raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")


# --------------------------------------------------------------------------- changes

class _Encoded:
    """JSON text already written for the place it stands in (a dict value at nesting
    level 1: the top-level "changes"); `_encode` copies it as it is."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text


# The changes are most of a diff's JSON (10 k of them, 5.7 MB, for the test compilation of
# issue 14): each goes straight from its Change to its text, with the layout that
# dumps_indented gives change_dict's value at its place (the list at level 1, each change a
# dict at level 2, its lists at level 3): one join per change instead of a dict, a generic
# walk over its keys and a call per value (0.10 s of the compilation's 0.15 s of JSON). A
# value of an unexpected type (not what compare makes) takes the generic way.
# tests/test_json_encoding.py checks both ways give the same bytes.
_L2, _L3, _L4, _L5 = (_newline(level) for level in (2, 3, 4, 5))
_KEY_SEP = "," + _L3  # between the keys of a change
_ITEM_SEP = "," + _L4  # between the items of a list that is a change's value
_PAIR_SEP = "," + _L5  # between op and text in a segment
_PAIR_CLOSE = _L4 + "]"


def _value_list(values, item_type: type) -> str | None:
    """A change's list value (old, new, flags, labels) as dumps_indented writes it at
    level 3, or None when an item is not of `item_type`."""
    if not values:
        return "[]"
    for value in values:
        if type(value) is not item_type:
            return None
    items = map(_escape, values) if item_type is str else map(int.__repr__, values)
    return "[" + _L4 + _ITEM_SEP.join(items) + _L3 + "]"


def _segments_json(segments) -> str | None:
    if not segments:
        return "[]"
    rows = []
    for segment in segments:
        if len(segment) != 2:
            return None
        op, text = segment
        if type(op) is not str or type(text) is not str:
            return None
        rows.append("[" + _L5 + _escape(op) + _PAIR_SEP + _escape(text) + _PAIR_CLOSE)
    return "[" + _L4 + _ITEM_SEP.join(rows) + _L3 + "]"


# the kinds' values (an enum member's .value is a Python-level descriptor call)
_KIND_VALUES = {kind: kind.value for kind in ChangeKind}


def _change_json(change: Change, old_measures, new_measures) -> str:
    """`change_dict(change, old_measures, new_measures)` as dumps_indented writes it as an
    item of the top-level "changes" list (nesting level 2)."""
    kind = _KIND_VALUES.get(change.kind) or change.kind.value
    similarity = round(change.similarity, SIMILARITY_PLACES)
    similarity_text = _float(similarity) if type(similarity) is float else None
    old = _value_list(change.old, int)
    new = _value_list(change.new, int)
    segments = _segments_json(change.segments)
    flags = _value_list(change.flags, str)
    old_labels = new_labels = ""
    if old_measures is not None:
        old_labels = _value_list([old_measures[o - 1].label for o in change.old], str)
    if new_measures is not None:
        new_labels = _value_list([new_measures[n - 1].label for n in change.new], str)
    if type(kind) is not str or type(change.renumbered) is not bool or type(change.moved) is not bool \
            or None in (similarity_text, old, new, segments, flags, old_labels, new_labels):
        out: list[str] = []
        _encode(change_dict(change, old_measures, new_measures), 2, out)
        return "".join(out)
    parts = ["{", _L3, '"kind": ', _escape(kind), _KEY_SEP, '"old": ', old, _KEY_SEP, '"new": ', new,
             _KEY_SEP, '"renumbered": ', "true" if change.renumbered else "false",
             _KEY_SEP, '"moved": ', "true" if change.moved else "false",
             _KEY_SEP, '"similarity": ', similarity_text, _KEY_SEP, '"segments": ', segments,
             _KEY_SEP, '"flags": ', flags]
    if old_measures is not None:
        parts += (_KEY_SEP, '"old_labels": ', old_labels)
    if new_measures is not None:
        parts += (_KEY_SEP, '"new_labels": ', new_labels)
    parts.append(_L2 + "}")
    return "".join(parts)


def _changes_json(changes, old_measures, new_measures) -> str:
    """The top-level "changes" list as dumps_indented writes it (its value at level 1)."""
    if not changes:
        return "[]"
    return "[" + _L2 + ("," + _L2).join(_change_json(change, old_measures, new_measures)
                                          for change in changes) + _newline(1) + "]"


# --------------------------------------------------------------------------- large outputs: orjson

# A large diff's JSON (the test compilation of issue 14: 10,462 changes, 8.8 MB) is written
# by orjson (Rust, Apache-2.0/MIT): Python only gathers each change's values into a dict,
# orjson writes them with its two-space indent, the layout of json.dumps(indent=2); every
# other top-level value (headers, summary, container changes, settings: 1/8 of the text) is
# written by dumps_indented's own writer at its place (level 1) and handed to orjson as a
# Fragment, which it copies as it is. One bytes object and one decode make the text: the
# pure-Python way makes the changes' text, the document's join and the "\n" concatenation,
# three copies of 10 MB, each on fresh pages of memory (page faults: system time).
# The compilation's comparison_json: 0.069 -> ~0.035 s CPU (README, issue 14 "The JSON writer").
# Same bytes, proven, not assumed: orjson and json.dumps(ensure_ascii=False) differ only on
#   floats (orjson: 0.00001, 1e-7, NaN -> null; json: 1e-05, 1e-07, NaN),
#   integers beyond 64 bits (orjson refuses), lone surrogates (orjson refuses),
#   types json refuses and orjson writes (dataclasses, enums, str/int subclasses, dates,
#   non-str keys with an option);
# so orjson is only given exact str, int, bool, tuple, list and dict values (checked over
# all changes at once, _plain_changes) and similarities rounded to 4 places in 0..1, whose
# every one of the 10,001 texts tests/test_json_encoding.py compares with repr; a refusal
# or anything else takes the pure-Python way. Escapes of strings (control characters,
# quotes, backslash; U+2028/U+2029 and DEL as they are) are json's: tested on random text.
# The other top-level values go to orjson as they are when _orjson_plain finds only such
# types in them (the container changes: 6 ms by dumps_indented's writer, ~2 ms so).
# Rejected: orjson for every value (the settings hold floats of any size), re-indenting orjson's
# level-0 text of the changes (a bytes.replace over all of it, 4 ms, and a copy).
# Small outputs keep the pure-Python writer, and never import orjson (2.5-10 ms): a first
# comparison_json in a fresh process, orjson's import included, vs the pure-Python writer,
# 2026-12-03: 公司法 2018->2023 (272 changes; its end-to-end target is 0.3 s) 3.8-4.5 vs
# 2.7 ms; slices of the test compilation: 646 changes 4.8-5.0 vs 5.6-5.7 ms, 896 changes
# 5.9 vs 7.4-7.6 ms, 2,500 changes 13-15 vs 23 ms (even at ~450 changes).
ORJSON_MIN_CHANGES = 1000  # changes from which orjson writes the JSON (range 0..10**9; 0: always)


def _comparison_orjson(value: dict[str, Any], changes, old_measures, new_measures) -> bytes | None:
    """The UTF-8 of `dumps_indented(value) + "\n"` with value["changes"] the changes' JSON, written by
    orjson; None when orjson is missing or refuses, or a change holds a value whose bytes
    orjson would not write as json.dumps does (then the caller's way)."""
    try:
        import orjson
    except ImportError:  # an environment set up before orjson was a dependency
        return None
    entries = _orjson_changes(changes, old_measures, new_measures)
    if entries is None:
        return None
    document = {}
    for key, item in value.items():
        if type(key) is not str:
            return None
        if key == "changes":
            document[key] = entries
            continue
        if _orjson_plain([item]):  # the container changes (1/20 of the text), the headers
            document[key] = item
            continue
        text = _scalar(item)  # e.g. the settings, which hold floats
        if text is None:
            out: list[str] = []
            _encode(item, 1, out)  # the value's text at its place: level 1
            text = "".join(out)
        document[key] = orjson.Fragment(text)
    try:
        return orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # JSONEncodeError (an int beyond 64 bits, a lone surrogate) or a Fragment's surrogate
        return None


def _orjson_changes(changes, old_measures, new_measures) -> list[dict[str, Any]] | None:
    """change_dict's value of each change for orjson (tuples as they are), or None when a
    value is not one whose bytes orjson writes exactly as json.dumps."""
    if not changes:
        return []
    old_labels = None if old_measures is None else [measure.label for measure in old_measures]
    new_labels = None if new_measures is None else [measure.label for measure in new_measures]
    # each change's fields in one C-level pass, then as columns (zip(*rows)) for the checks
    rows = list(map(_FIELDS, changes))
    similarities = list(map(round, map(_SIMILARITY, changes), repeat(SIMILARITY_PLACES)))
    if not _plain_changes(list(zip(*rows)), similarities, old_labels, new_labels):
        return None
    kinds = _KIND_VALUES
    # most changes have one measure a side: its labels' list made once per measure, not a
    # list comprehension per change (the compilation's entries 6.5 -> 4.5 ms)
    old_alone = None if old_labels is None else [[label] for label in old_labels]
    new_alone = None if new_labels is None else [[label] for label in new_labels]
    entries = []
    append = entries.append
    for (kind, old, new, renumbered, moved, segments, flags), similarity in zip(rows, similarities):
        entry = {"kind": kinds[kind], "old": old, "new": new, "renumbered": renumbered, "moved": moved,
                 "similarity": similarity, "segments": segments, "flags": flags}
        if old_alone is not None:
            entry["old_labels"] = old_alone[old[0] - 1] if len(old) == 1 else [old_labels[o - 1] for o in old]
        if new_alone is not None:
            entry["new_labels"] = new_alone[new[0] - 1] if len(new) == 1 else [new_labels[n - 1] for n in new]
        append(entry)
    return entries


_SEQUENCES = frozenset((tuple, list))
# Exact types whose bytes orjson writes as json.dumps does (an int beyond 64 bits: orjson
# refuses, the caller's way); float is not among them (0.00001 vs 1e-05).
_PLAIN_TYPES = frozenset((str, int, bool, type(None), tuple, list, dict))


def _orjson_plain(values: list) -> bool:
    """Whether every item of `values`, and everything in it, is of _PLAIN_TYPES with str
    keys: one level of all the values at a time (a list of dicts alike, such as the
    container changes, is a few passes of map and set in C, not a walk per value)."""
    while values:
        types = set(map(type, values))
        if not types <= _PLAIN_TYPES:
            return False
        inner: list = []
        if types & _SEQUENCES:
            inner.extend(chain.from_iterable(value for value in values if type(value) is list or type(value) is tuple))
        if dict in types:
            mappings = [value for value in values if type(value) is dict]
            if not set(map(type, chain.from_iterable(mappings))) <= {str}:
                return False
            inner.extend(chain.from_iterable(map(dict.values, mappings)))
        values = inner
    return True


_SIMILARITY = attrgetter("similarity")
_FIELDS = attrgetter("kind", "old", "new", "renumbered", "moved", "segments", "flags")  # the columns _plain_changes reads


def _plain_changes(columns: list[tuple], similarities: list, old_labels: list | None, new_labels: list | None) -> bool:
    """Whether every value that _orjson_changes hands to orjson is of a type (and, for the
    similarities, a range) whose bytes orjson writes as json.dumps does: `columns` are the
    changes' _FIELDS, one tuple per field; a few passes of map and set in C per field, not
    a check per value in Python."""
    flat = chain.from_iterable
    kinds, olds, news, renumbered, moved, segments, flags = columns
    if set(map(type, kinds)) != {ChangeKind} or not set(map(type, renumbered)) | set(map(type, moved)) <= {bool}:
        return False
    for sequences, item_type in ((olds, int), (news, int), (flags, str)):
        if not set(map(type, sequences)) <= _SEQUENCES or not set(map(type, flat(sequences))) <= {item_type}:
            return False
    if not set(map(type, segments)) <= _SEQUENCES:
        return False
    pairs = list(flat(segments))
    if not set(map(type, pairs)) <= _SEQUENCES or not set(map(len, pairs)) <= {2} \
            or not set(map(type, flat(pairs))) <= {str}:
        return False
    for labels in (old_labels, new_labels):
        if labels is not None and not set(map(type, labels)) <= {str}:
            return False
    # similarities: rounded floats in 0..1 (no NaN), the texts the tests compare with repr
    return set(map(type, similarities)) <= {float} and not any(map(isnan, similarities)) \
        and min(similarities) >= 0.0 and max(similarities) <= 1.0


def dumps_indented(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False, indent=2)`, the same string, faster."""
    scalar = _scalar(value)
    if scalar is not None:
        return scalar
    out: list[str] = []
    _encode(value, 0, out)
    return "".join(out)
