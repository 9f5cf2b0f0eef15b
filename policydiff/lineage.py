"""A measure's lineage: one measure followed through every version of its work.

Functional core: no I/O. The alignment is injected (`compare(old, new) -> Comparison`), so
tests can pass a stub and the api passes `compare.compare`.

From the version where the user names the measure, the trace goes forward (each next
version: where did it go?) and backward (each earlier version: where did it come from?),
one hop per consecutive pair of versions that have text:

- a 1:1 change (unchanged / modified, possibly renumbered or moved) continues the line;
- a split continues along every branch;
- a merge continues with the merged measure, and names the other measures merged into it;
- removed (forward) ends the line: the measure was dropped; added (backward) starts it.

A version without text cannot be looked through: the trace records a gap there and
compares across it (the hop says which version was skipped), rather than stopping or
inventing what the missing text held.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

from .errors import MissingTextError, UnknownRefError
from . import status
from .lexicon import add_text_hint
from .model import Change, Version

LINEAGE_FORMAT = "policydiff.lineage/1"  # bumps: /1 initial
LOG_FORMAT = "policydiff.log/1"  # bumps: /1 initial

Compare = status.Compare  # compare(old, new) -> Comparison, injected


@dataclass(frozen=True)
class MeasureRef:
    ref: str
    ordinal: int
    label: str
    heading: str

    def to_json(self) -> dict:
        return {"ref": self.ref, "ordinal": self.ordinal, "label": self.label, "heading": self.heading}


@dataclass(frozen=True)
class Hop:
    """One step between two versions: old measures -> new measures, and how."""

    old_ref: str
    new_ref: str
    kind: str  # a ChangeKind value
    old: tuple[MeasureRef, ...]
    new: tuple[MeasureRef, ...]
    similarity: float
    renumbered: bool = False
    moved: bool = False
    partners: tuple[MeasureRef, ...] = ()  # merge: the other old measures; split: n/a
    skipped: tuple[str, ...] = ()  # versions without text between old and new

    def to_json(self) -> dict:
        return {"old_ref": self.old_ref, "new_ref": self.new_ref, "kind": self.kind,
                "old": [m.to_json() for m in self.old], "new": [m.to_json() for m in self.new],
                "similarity": round(self.similarity, 4), "renumbered": self.renumbered,
                "moved": self.moved, "partners": [m.to_json() for m in self.partners],
                "skipped": list(self.skipped)}


@dataclass(frozen=True)
class Lineage:
    work: str
    query_label: str
    start: MeasureRef
    versions: tuple[str, ...]  # every version of the work, in order
    hops: tuple[Hop, ...]  # in chronological order
    notes: tuple[str, ...] = ()
    renumbering: tuple["status.Renumbering", ...] = ()  # the same number, another measure elsewhere



def _mref(version: Version, ordinal: int) -> MeasureRef:
    block = version.document.measure(ordinal)  # type: ignore[union-attr]
    return MeasureRef(version.ref, ordinal, block.label, block.heading)


def trace(versions: Sequence[Version], start: Version, ordinal: int, compare: Compare,
          query_label: str | None = None) -> Lineage:
    """Follow measure `ordinal` of `start` through `versions` (one work, in order)."""
    refs = [v.ref for v in versions]
    if start.ref not in refs:
        raise UnknownRefError(f"{start.ref} is not a version of this work")
    if start.document is None:
        raise MissingTextError(f"{start.ref} has no text, so its measures cannot be traced")
    index = refs.index(start.ref)
    notes: list[str] = []
    with_text = [i for i, v in enumerate(versions) if v.has_text and v.document is not None]
    for i, version in enumerate(versions):
        if i not in with_text:
            notes.append(f"{version.ref} has no text in the archive: the lineage cannot see into it "
                         f"({add_text_hint(version.work, version.version)})")

    hops: list[Hop] = []
    # Forward: where did it go?
    tracked = {ordinal}
    later = [i for i in with_text if i > index]
    previous = index
    for i in later:
        if not tracked:
            break
        old, new = versions[previous], versions[i]
        skipped = tuple(versions[j].ref for j in range(previous + 1, i))
        fates = dict(compare(old, new).iter_old_fates())
        next_tracked: set[int] = set()
        seen: set[int] = set()
        for o in sorted(tracked):
            change = fates.get(o)
            if change is None or id(change) in seen:
                continue
            seen.add(id(change))
            hops.append(_hop(old, new, change, tracked, skipped, forward=True))
            next_tracked.update(change.new)
        tracked, previous = next_tracked, i

    # Backward: where did it come from?
    tracked = {ordinal}
    earlier = [i for i in with_text if i < index]
    following = index
    backward: list[Hop] = []
    for i in reversed(earlier):
        if not tracked:
            break
        old, new = versions[i], versions[following]
        skipped = tuple(versions[j].ref for j in range(i + 1, following))
        origins = dict(compare(old, new).iter_new_origins())
        next_tracked = set()
        seen = set()
        for n in sorted(tracked):
            change = origins.get(n)
            if change is None or id(change) in seen:
                continue
            seen.add(id(change))
            backward.append(_hop(old, new, change, set(change.old), skipped, forward=False))
            next_tracked.update(change.old)
        tracked, following = next_tracked, i
    backward.reverse()
    return Lineage(
        work=start.work or "", query_label=query_label or _mref(start, ordinal).label,
        start=_mref(start, ordinal), versions=tuple(refs), hops=tuple(backward + hops),
        notes=tuple(notes),
    )


def _hop(old: Version, new: Version, change: Change, tracked: set[int], skipped: tuple[str, ...],
         forward: bool) -> Hop:
    followed = tuple(o for o in change.old if o in tracked) if forward else change.old
    partners = tuple(o for o in change.old if o not in followed)
    return Hop(
        old_ref=old.ref, new_ref=new.ref, kind=change.kind.value,
        old=tuple(_mref(old, o) for o in followed), new=tuple(_mref(new, n) for n in change.new),
        similarity=change.similarity, renumbered=change.renumbered, moved=change.moved,
        partners=tuple(_mref(old, o) for o in partners), skipped=skipped,
    )


# ---------------------------------------------------------------------------------------
# The version timeline of a work (`policydiff log WORK`)


@dataclass(frozen=True)
class TimelineEntry:
    ref: str
    version: str
    title: str | None
    doc_no: str | None
    issued: str | None
    effective: str | None
    has_text: bool
    start: "status.Bound"
    end: "status.Bound | None"
    end_kind: str | None  # repeal | supersede | expiry | None
    ended_by: str | None  # key of the node that ends it
    repeals: tuple["status.Edge", ...]  # repeal edges from this version, with their clauses
    repealed_by: tuple["status.Edge", ...]  # repeal edges that name this version
    clauses: tuple["status.Clause", ...]  # validity clauses found in its text


def timeline(graph: "status.Graph", work: str) -> tuple[TimelineEntry, ...]:
    """Each version of `work` in order, with its dates, what it repealed and what ended it."""
    if work not in graph.works:
        raise UnknownRefError(f"no work {work!r} in the archive: try `policydiff list`")
    entries = []
    for key in graph.works[work]:
        node = graph.node(key)
        version = node.version
        life = status.lifetime(graph, key)
        entries.append(TimelineEntry(
            ref=key, version=version.version or "", title=node.title, doc_no=node.doc_no,
            issued=version.meta.issued, effective=version.meta.effective, has_text=version.has_text,
            start=life.start, end=life.end, end_kind=life.end_kind,
            ended_by=life.end_edge.new if life.end_edge is not None else None,
            repeals=tuple(e for e in graph.edges_from(key) if e.kind == "repeal"),
            repealed_by=tuple(e for e in graph.edges_to(key) if e.kind == "repeal"),
            clauses=graph.clauses.get(key, ()),
        ))
    return tuple(entries)


def trace_label(versions: Sequence[Version], label: str, compare: Compare,
                version_id: str | None = None) -> Lineage:
    """Trace the measure a user names by label, read in version `version_id` if given, else
    in the latest version (status.label_version: the rule `status --measure` follows), and
    say where the same number labels another measure."""
    compare = status.memo(compare)
    start = status.label_version(versions, version_id)
    if start.document is None:
        raise MissingTextError(f"{start.ref} has no text, so its measure {label} cannot be read; "
                               f"{add_text_hint(start.work, start.version)}, or name a version with text "
                               f"({start.work}@VERSION)")
    ordinal = status.find_measure_in(versions, start, label)
    traced = trace(versions, start, ordinal, compare, label)
    return replace(traced, renumbering=status.renumbering(versions, start, ordinal, label, compare))
