"""A measure's status: its version's, or, once that version is replaced, what became of
the measure in the version that replaced it (the alignment is injected as `compare`).

Which version a label is read in — one rule for `status W --measure X` and `log W
--measure X`: the version the user names (W@V, a 文号, a title), else the latest version of
the work (`label_version`). Numbers move between versions (a revision inserts an article
and every later one is renumbered), so when the same number labels a different measure in
another version, the answer says so in one line (`Renumbering`): 「第二百七十四条 of
@2021-12-24 is a different measure: now 第二百七十二条」.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from ..errors import AmbiguousRefError, BadInputError, MissingTextError, UnknownRefError
from ..lexicon import add_text_command, add_text_hint, parse_measure_label
from ..model import ChangeKind, Comparison, Version
from .answers import (CARRIED_OVER, ENDED, IN_FORCE, NOT_YET_EFFECTIVE, REPEALED, UNKNOWN, StatusAnswer, display,
                      status_of)
from .succession import Bound, Edge, Graph, lifetime, node_start

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
class Renumbering:
    """In version `ref`, the number the user gave labels another measure than the one
    answered for: that measure is `now` in the version the label was read in (`now` empty:
    it has no counterpart there)."""

    ref: str
    version: str
    label: str  # as printed in `ref`
    ordinal: int
    read_in: str  # the version the user's label was read in
    now: tuple[str, ...]  # labels of its counterparts in `read_in`
    later: bool  # `ref` comes after `read_in`

    @property
    def line(self) -> str:
        if self.later:
            origin = " + ".join(self.now)
            was = f"it was {origin} in {self.read_in}" if self.now else f"it is not in {self.read_in}"
            return f"{self.label} of @{self.version} is a different measure: {was}"
        now = " + ".join(self.now) if self.now else f"dropped before {self.read_in}"
        return f"{self.label} of @{self.version} is a different measure: now {now}"

    def to_json(self) -> dict:
        return {"ref": self.ref, "label": self.label, "ordinal": self.ordinal, "read_in": self.read_in,
                "now": list(self.now), "text": self.line}


@dataclass(frozen=True)
class MeasureAnswer:
    label: str  # as printed in its version ("5.", "第五条"), else as the user gave it
    status: str  # in_force | repealed | superseded | not_yet_effective | unknown | carried_over
    reason: str
    ordinal: int | None = None
    successors: tuple[Successor, ...] = ()
    command: str | None = None  # what to run to settle an unknown (add the missing text)
    version: str | None = None  # ref of the version the label was read in
    renumbering: tuple[Renumbering, ...] = ()
    dropped_in: str | None = None  # ref of the version that has no counterpart of it
    dropped_on: Bound | None = None  # when that version took effect


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


# ---------------------------------------------------------------------------------------
# Which version a label is read in, and where its number points elsewhere


def label_version(versions: Sequence[Version], version_id: str | None = None) -> Version:
    """The rule of `status W --measure` and `log W --measure`: the version the user names
    (`version_id`), else the latest version of the work. `versions`: one work, in order."""
    if not versions:
        raise UnknownRefError("no version to read the measure in")
    if version_id is None:
        return versions[-1]
    for version in versions:
        if version.version == version_id:
            return version
    raise UnknownRefError(f"no version {versions[0].work}@{version_id} in the archive: its versions are "
                          + ", ".join(v.ref for v in versions))


def find_measure_in(versions: Sequence[Version], version: Version, label: str) -> int:
    """`find_measure`, and when the label is not in `version` but is in another version of
    the work, the error says which: the user may have meant that one."""
    try:
        return find_measure(version, label)
    except UnknownRefError as exc:
        number = measure_number(label)
        elsewhere = [v.ref for v in versions if v.document is not None and v.ref != version.ref
                     and any((m.number, m.sub_number) == number for m in v.document.measures)]
        if not elsewhere:
            raise
        raise UnknownRefError(f"{exc}; {label} is in {', '.join(elsewhere)}: name that version "
                              f"(e.g. {elsewhere[-1]})") from None


def memo(compare: Compare) -> Compare:
    """`compare` answering each (old, new) pair once per question."""
    done: dict[tuple[str, str], Comparison] = {}

    def remembered(old: Version, new: Version) -> Comparison:
        key = (old.ref, new.ref)
        if key not in done:
            done[key] = compare(old, new)
        return done[key]

    return remembered


def follow(versions: Sequence[Version], source: Version, target: Version, ordinals: set[int],
           compare: Compare) -> set[int]:
    """The ordinals of `target` that measures `ordinals` of `source` became (or came from),
    hop by hop through the versions of the work that have text, forward or backward.
    Versions without text are compared across (nothing can be seen inside them)."""
    refs = [v.ref for v in versions]
    i, j = refs.index(source.ref), refs.index(target.ref)
    if i == j:
        return set(ordinals)
    step = 1 if j > i else -1
    path = [versions[k] for k in range(i, j + step, step)
            if k in (i, j) or (versions[k].has_text and versions[k].document is not None)]
    tracked = set(ordinals)
    for here, there in zip(path, path[1:]):
        if step > 0:
            moves = dict(compare(here, there).iter_old_fates())
            tracked = {n for o in tracked if o in moves for n in moves[o].new}
        else:
            moves = dict(compare(there, here).iter_new_origins())
            tracked = {o for n in tracked if n in moves for o in moves[n].old}
        if not tracked:
            break
    return tracked


def renumbering(versions: Sequence[Version], read_in: Version, ordinal: int, label: str,
                compare: Compare) -> tuple[Renumbering, ...]:
    """Every other version with text in which the user's number labels another measure
    than `ordinal` of `read_in` (its counterpart there, if any, keeps the number)."""
    number = measure_number(label)
    found = []
    position = {v.ref: k for k, v in enumerate(versions)}
    for other in versions:
        if other.ref == read_in.ref or other.document is None or read_in.document is None:
            continue
        for block in other.document.measures:
            if (block.number, block.sub_number) != number:
                continue
            counterparts = follow(versions, other, read_in, {block.ordinal}, compare)  # type: ignore[arg-type]
            if ordinal in counterparts:
                continue  # the same measure, under the same number
            found.append(Renumbering(
                other.ref, other.version or other.ref, block.label, block.ordinal, read_in.ref,  # type: ignore[arg-type]
                tuple(_label(read_in, n) for n in sorted(counterparts)),
                later=position[other.ref] > position[read_in.ref]))
    return tuple(found)


def _successor_key(graph: Graph, key: str) -> tuple[str | None, Edge | None]:
    life = lifetime(graph, key)
    if life.end_edge is not None and life.end_edge.kind in ("repeal", "supersede"):
        return life.end_edge.new, life.end_edge
    return None, None


def _phrase_bound(bound: Bound) -> str:
    if bound.settled:
        return f"on {bound.lo}"
    if bound.lo or bound.hi:
        return f"between {bound.lo or '?'} and {bound.hi or '?'}"
    return "on a day the texts do not fix"


def _no_text(node, label: str) -> MeasureAnswer:
    version = node.version
    what = f"{display(node)} has no text in the archive"
    if version is not None:
        command = add_text_command(version.work, version.version)
        return MeasureAnswer(label, UNKNOWN, f"{what}, so its measure {label} cannot be read or "
                             f"followed into its successor; add the text with `{command}`",
                             command=command, version=version.ref)
    command = add_text_command(None, None, node.doc_no or "…")
    return MeasureAnswer(label, UNKNOWN, f"{what} (it is only named by a repeal clause), so its "
                         f"measure {label} cannot be read; import it with `{command}`", command=command)


def measure_status(graph: Graph, doc: StatusAnswer, label: str, as_of: str, compare: Compare,
                   read_in: str | None = None) -> MeasureAnswer:
    """A measure's own status: its version's, or (once replaced) what became of it.

    `doc` is the document answer (the version in force as of the day, for a work); the
    label is read in `read_in` (a node key; default: the version `doc` answers for). When
    they differ, the measure is followed from `read_in` into `doc`'s version first."""
    compare = memo(compare)
    node = doc.node
    label_node = graph.node(read_in) if read_in is not None else node
    label_source = label_node.version
    if label_source is None or label_source.document is None:
        return _no_text(label_node, label)
    work_versions = ([graph.node(k).version for k in graph.works.get(label_source.work or "", ())]
                     or [label_source])
    label_ordinal = find_measure_in(work_versions, label_source, label)  # type: ignore[arg-type]
    printed = _label(label_source, label_ordinal)
    notes = renumbering(work_versions, label_source, label_ordinal, label, compare)  # type: ignore[arg-type]

    def answer(status: str, reason: str, ordinal: int | None, **more) -> MeasureAnswer:
        return MeasureAnswer(printed, status, reason, ordinal, version=label_source.ref, renumbering=notes, **more)

    version = node.version
    if label_node.key != node.key:
        # The label was read in the latest version; as of the day asked another version of
        # the work was the one in force (or not yet, or unknown): find the measure there.
        if version is None or version.document is None:
            gap = _no_text(node, label)
            return answer(UNKNOWN, f"{display(node)}, the version answered for on {as_of}, has no text, so "
                          f"whether {printed} of {label_source.ref} had a counterpart in it cannot be told"
                          + (f"; add the text with `{gap.command}`" if gap.command else ""), None,
                          command=gap.command)
        counterparts = follow(work_versions, label_source, version, {label_ordinal}, compare)  # type: ignore[arg-type]
        if not counterparts:
            return answer(NOT_YET_EFFECTIVE if doc.status in (IN_FORCE, UNKNOWN, NOT_YET_EFFECTIVE) else doc.status,
                          f"{printed} of {label_source.ref} has no counterpart in {version.ref}, the version "
                          f"answered for on {as_of} ({doc.status.replace('_', ' ')}: {doc.reason})", None)
        where = " + ".join(_label(version, n) for n in sorted(counterparts))
        lead = f"{printed} of {label_source.ref} is {where} of {version.ref}"
        start = sorted(counterparts)
    else:
        lead = f"{printed} of {version.ref}"  # type: ignore[union-attr]
        start = [label_ordinal]
    if doc.status in (IN_FORCE, NOT_YET_EFFECTIVE, UNKNOWN):
        return answer(doc.status, f"{lead}: {doc.status.replace('_', ' ')} as its version is ({doc.reason})",
                      label_ordinal)
    # Its version was ended: follow the measure into the version that replaced it, and on,
    # while that one is itself ended as of the day asked.
    tracked: list[tuple[int, str, float]] = [(o, "start", 1.0) for o in start]
    current, hops = doc.key, []
    visited = {current}
    while True:
        successor_key, edge = _successor_key(graph, current)
        if successor_key in visited:  # a cycle of repeal clauses (a mis-extraction): stop there
            successor_key = None
        if successor_key is None:
            if current == doc.key:  # ended by expiry: nothing carries it over
                return answer(REPEALED, f"{lead} lapsed with its version ({doc.reason})", label_ordinal)
            break
        successor = graph.node(successor_key)
        old_version = graph.node(current).version
        if successor.version is None or successor.version.document is None:
            command = add_text_command(successor.version.work, successor.version.version) if successor.version else None
            return answer(UNKNOWN, f"{display(successor)} replaced {display(graph.node(current))} but has no "
                          f"text in the archive, so what became of {printed} cannot be told"
                          + (f"; add the text with `{command}`" if command else ""), label_ordinal, command=command)
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
            took_effect = node_start(graph, successor)
            return answer(REPEALED, f"{lead} was dropped in {display(successor)}, which took effect "
                          f"{_phrase_bound(took_effect)}: " + "; ".join(hops) + ", which has no counterpart of it",
                          label_ordinal, dropped_in=successor.ref or successor.key, dropped_on=took_effect)
        tracked, current = next_tracked, successor_key
        visited.add(current)
        successor_answer = status_of(graph, current, as_of)
        if successor_answer.status not in ENDED:
            break
    successors = tuple(
        Successor(current, n, _label(graph.node(current).version, n), kind, sim)  # type: ignore[arg-type]
        for n, kind, sim in sorted(tracked))
    listing = ", ".join(f"{s.label} ({s.kind}, similarity {s.similarity:.2f})" for s in successors)
    return answer(CARRIED_OVER, f"{lead} is no longer in force as such: " + "; ".join(hops)
                  + f"; it lives on in {current} as {listing}", label_ordinal, successors=successors)
