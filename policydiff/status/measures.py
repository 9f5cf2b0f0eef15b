"""A measure's status: its version's, or, once that version is replaced, what became of
the measure in the version that replaced it (the alignment is injected as `compare`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ..errors import AmbiguousRefError, BadInputError, MissingTextError, UnknownRefError
from ..lexicon import add_text_command, add_text_hint, parse_measure_label
from ..model import ChangeKind, Comparison, Version
from .answers import (CARRIED_OVER, ENDED, IN_FORCE, NOT_YET_EFFECTIVE, REPEALED, UNKNOWN, StatusAnswer, display,
                      status_of)
from .succession import Edge, Graph, lifetime

Compare = Callable[[Version, Version], Comparison]

@dataclass(frozen=True)
class Successor:
    ref: str
    ordinal: int
    label: str
    kind: str
    similarity: float

    def to_json(self) -> dict:
        return {"ref": self.ref, "ordinal": self.ordinal, "label": self.label, "kind": self.kind,
                "similarity": round(self.similarity, 4)}


@dataclass(frozen=True)
class MeasureAnswer:
    label: str  # as printed in its version ("5.", "第五条"), else as the user gave it
    status: str  # in_force | repealed | not_yet_effective | unknown | carried_over
    reason: str
    ordinal: int | None = None
    successors: tuple[Successor, ...] = ()
    command: str | None = None  # what to run to settle an unknown (add the missing text)


def measure_number(label: str) -> tuple[int, int | None]:
    """`5`, `5.`, `第5条`, `第五条` -> (5, None); `第十条之一` -> (10, 1)."""
    parsed = parse_measure_label(label)
    if parsed is None:
        raise BadInputError(f"cannot read measure label {label!r}: give a number such as 5, 5., 第5条 or 第五条")
    return parsed


def find_measure(version: Version, label: str) -> int:
    """The ordinal of the measure a user names in `version` (raises when absent)."""
    number, sub = measure_number(label)
    if version.document is None:
        raise MissingTextError(f"{version.ref} has no text: its measures are unknown; {add_text_hint(version.work, version.version)}")
    hits = [m for m in version.document.measures if m.number == number and m.sub_number == sub]
    if not hits:
        labels = [m.label for m in version.document.measures]
        span = f"{labels[0]} … {labels[-1]}" if labels else "none"
        raise UnknownRefError(f"no measure {label!r} in {version.ref} (its measures: {span}); "
                              f"give a label that exists in that version")
    if len(hits) > 1:
        where = ", ".join("/".join(version.document.path(m) + (m.label,)) for m in hits)
        raise AmbiguousRefError(f"measure {label!r} occurs {len(hits)} times in {version.ref} ({where}); "
                                f"name it by ordinal instead")
    return hits[0].ordinal  # type: ignore[return-value]


def _label(version: Version, ordinal: int) -> str:
    return version.document.measure(ordinal).label if version.document is not None else str(ordinal)


def _successor_key(graph: Graph, key: str) -> tuple[str | None, Edge | None]:
    life = lifetime(graph, key)
    if life.end_edge is not None and life.end_edge.kind in ("repeal", "supersede"):
        return life.end_edge.new, life.end_edge
    return None, None


def measure_status(graph: Graph, doc: StatusAnswer, label: str, as_of: str,
                   compare: Compare) -> MeasureAnswer:
    """A measure's own status: its version's, or (once replaced) what became of it."""
    node = doc.node
    version = node.version
    if version is None or not version.has_text or version.document is None:
        what = f"{display(node)} has no text in the archive"
        if version is not None:
            command = add_text_command(version.work, version.version)
            return MeasureAnswer(label, UNKNOWN, f"{what}, so its measure {label} cannot be read or "
                                 f"followed into its successor; add the text with `{command}`",
                                 command=command)
        command = add_text_command(None, None, node.doc_no or "…")
        return MeasureAnswer(label, UNKNOWN, f"{what} (it is only named by a repeal clause), so its "
                             f"measure {label} cannot be read; import it with `{command}`", command=command)
    ordinal = find_measure(version, label)
    printed = _label(version, ordinal)
    if doc.status in (IN_FORCE, NOT_YET_EFFECTIVE, UNKNOWN):
        reason = f"{printed} of {version.ref}: {doc.status.replace('_', ' ')} as its version is ({doc.reason})"
        return MeasureAnswer(printed, doc.status, reason, ordinal)
    # Its version was ended: follow the measure into the version that replaced it, and on,
    # while that one is itself ended as of the day asked.
    tracked: list[tuple[int, str, float]] = [(ordinal, "start", 1.0)]
    current, hops = doc.key, []
    visited = {current}
    while True:
        successor_key, edge = _successor_key(graph, current)
        if successor_key in visited:  # a cycle of repeal clauses (a mis-extraction): stop there
            successor_key = None
        if successor_key is None:
            if current == doc.key:  # ended by expiry: nothing carries it over
                return MeasureAnswer(printed, REPEALED, f"{printed} of {version.ref} lapsed with its "
                                     f"version ({doc.reason})", ordinal)
            break
        successor = graph.node(successor_key)
        old_version = graph.node(current).version
        if successor.version is None or successor.version.document is None:
            command = add_text_command(successor.version.work, successor.version.version) if successor.version else None
            return MeasureAnswer(printed, UNKNOWN, f"{display(successor)} replaced "
                                 f"{display(graph.node(current))} but has no text in the archive, so "
                                 f"what became of {printed} cannot be told"
                                 + (f"; add the text with `{command}`" if command else ""),
                                 ordinal, command=command)
        comparison = compare(old_version, successor.version)  # type: ignore[arg-type]
        fates = dict(comparison.iter_old_fates())
        next_tracked: list[tuple[int, str, float]] = []
        for old_ordinal, _, _ in tracked:
            change = fates.get(old_ordinal)
            if change is None or change.kind is ChangeKind.REMOVED or not change.new:
                continue
            for new_ordinal in change.new:
                if all(n != new_ordinal for n, _, _ in next_tracked):
                    next_tracked.append((new_ordinal, change.kind.value, change.similarity))
        how = "repealed and replaced" if edge is not None and edge.kind == "repeal" else "replaced"
        hops.append(f"{display(graph.node(current))} was {how} by {display(successor)}")
        if not next_tracked:
            return MeasureAnswer(printed, REPEALED,
                                 f"{printed} of {version.ref} was dropped: " + "; ".join(hops)
                                 + ", which has no counterpart of it", ordinal)
        tracked, current = next_tracked, successor_key
        visited.add(current)
        successor_answer = status_of(graph, current, as_of)
        if successor_answer.status not in ENDED:
            break
    successors = tuple(
        Successor(current, n, _label(graph.node(current).version, n), kind, sim)  # type: ignore[arg-type]
        for n, kind, sim in sorted(tracked))
    listing = ", ".join(f"{s.label} ({s.kind}, similarity {s.similarity:.2f})" for s in successors)
    return MeasureAnswer(printed, CARRIED_OVER,
                         f"{printed} of {version.ref} is no longer in force as such: " + "; ".join(hops)
                         + f"; it lives on in {current} as {listing}", ordinal, successors)

