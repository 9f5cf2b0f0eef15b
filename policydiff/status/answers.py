"""Answers: a document's status as of a day, a work's, and what a query names (no I/O,
no clock: `as_of` is always passed in)."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..errors import AmbiguousRefError, BadInputError, UnknownRefError
from ..lexicon import normalize_doc_no
from .succession import Bound, Edge, Evidence, Graph, Lifetime, Node, lifetime, node_start, normalize_title

if TYPE_CHECKING:
    from .measures import MeasureAnswer

STATUS_FORMAT = "policydiff.status/1"  # bumps: /1 initial (DESIGN §5)

IN_FORCE = "in_force"
REPEALED = "repealed"  # ended by a clause (废止/停止执行/失效) or by expiry (有效期)
SUPERSEDED = "superseded"  # replaced by a later version of the same work (修订/修正)
NOT_YET_EFFECTIVE = "not_yet_effective"
UNKNOWN = "unknown"
STATUSES = (IN_FORCE, REPEALED, SUPERSEDED, NOT_YET_EFFECTIVE, UNKNOWN)
ENDED = (REPEALED, SUPERSEDED)  # no longer in force, whatever ended it

# Measure-level outcomes besides the four above: the measure's version was replaced and
# the measure lives on in the successor (listed in `successors`).
CARRIED_OVER = "carried_over"


@dataclass(frozen=True)
class StatusAnswer:
    query: str
    key: str  # the node answered for
    node: Node
    as_of: str
    status: str
    reason: str
    lifetime: Lifetime
    evidence: tuple[Evidence, ...]
    repealed_by: Node | None = None
    repeal_edge: Edge | None = None
    repeal_date: str | None = None
    notes: tuple[str, ...] = ()
    measure: "MeasureAnswer | None" = None


def status_of(graph: Graph, key: str, as_of: str, query: str | None = None) -> StatusAnswer:
    """Status of one node as of a day (ISO): interval reasoning over its lifetime."""
    _check_date(as_of)
    node = graph.node(key)
    life = lifetime(graph, key)
    start, end = life.start, life.end
    evidence = list(start.evidence) + (list(end.evidence) if end else [])
    repealed_by = graph.node(life.end_edge.new) if life.end_edge is not None else None
    name = display(node)
    end_phrase = ""
    if end is not None:
        if life.end_kind == "expiry":
            end_phrase = f"its term of validity runs out (「{end.evidence[0].text}」)"
        elif repealed_by is not None and life.end_kind == "repeal":
            end_phrase = (f"{display(repealed_by)} repeals it: 「{life.end_edge.evidence.text}」, "  # type: ignore[union-attr]
                          f"taking effect {_phrase_day(node_start(graph, repealed_by))}")
        elif repealed_by is not None:
            end_phrase = (f"the next version {display(repealed_by)} replaces it, taking effect "
                          f"{_phrase_day(node_start(graph, repealed_by))}")
    if end is not None and end.hi is not None and as_of >= end.hi:
        # A clause wins over the order of versions: `lifetime` ranks a repeal before a
        # supersession that ends it on the same day.
        status = SUPERSEDED if life.end_kind == "supersede" else REPEALED
        when = end.hi if end.settled else f"no later than {end.hi}"
        if life.end_kind == "expiry":
            reason = f"{name} lapsed: {end_phrase}; not in force from {when}"
        else:
            reason = f"{name} is no longer in force from {when}: {end_phrase}"
    elif not start.known:
        status, reason = UNKNOWN, f"no issue date, 施行 date or 文号 year shows when {name} took effect"
    elif start.lo is not None and as_of < start.lo:
        if node.archived:
            status = NOT_YET_EFFECTIVE
            reason = f"{name} takes effect on {start.lo}" if start.settled else \
                f"{name} takes effect no earlier than {start.lo}"
        else:
            status = UNKNOWN
            reason = f"{name} is not in the archive and nothing shows it existed on {as_of}"
    elif start.hi is None or as_of < start.hi:
        status = UNKNOWN
        reason = (f"{as_of} lies inside the unsettled interval of {name}'s start "
                  f"({start.lo or '?'} .. {start.hi or '?'}): it may or may not have been in force")
    elif end is not None and (end.lo is None or as_of >= end.lo):
        status = UNKNOWN
        reason = (f"{as_of} lies inside the unsettled interval of {name}'s end "
                  f"({end.lo or '?'} .. {end.hi or '?'}): {end_phrase}, on a day the texts do not fix")
    else:
        status = IN_FORCE
        since = _phrase_day(start)
        if end is None:
            reason = (f"{name} took effect {since}; nothing in the archive repeals it, "
                      f"supersedes it or ends its validity")
        else:
            until = end.lo if end.settled else f"at least {end.lo}"
            reason = f"{name} took effect {since} and stays in force until {until}, when {end_phrase}"
    if end is None:
        evidence.append(Evidence("no_end_found",
                                 "no repeal clause, later version or term of validity in the archive ends it",
                                 None, None, None))
    notes = tuple(
        f"{display(graph.node(e.new))} says 「{e.evidence.text}」: it prevails where they differ"
        for e in _prevail_edges_of_work(graph, node.version.work if node.version else None)
        if e.new != key and _shares_work(graph, e.new, key) and _is_after(graph, e.new, key)
    )
    return StatusAnswer(
        query=query if query is not None else key, key=key, node=node, as_of=as_of, status=status,
        reason=reason, lifetime=life, evidence=tuple(evidence), repealed_by=repealed_by,
        repeal_edge=life.end_edge,
        repeal_date=(end.hi if end is not None and end.settled and life.end_kind != "expiry" else None),
        notes=notes,
    )


def _phrase_day(bound: Bound) -> str:
    """"on 2024-10-09", or "no later than 2022-12-31 (its 文号 year)" for an unsettled bound."""
    if bound.settled:
        return f"on {bound.lo}"
    why = " (its 文号 year)" if any(e.kind == "doc_no_year" for e in bound.evidence) else ""
    if bound.lo and bound.hi:
        return f"between {bound.lo} and {bound.hi}, so no later than {bound.hi}{why}"
    return f"no later than {bound.hi}{why}" if bound.hi else "on a day the texts do not fix"


def _prevail_edges_of_work(graph: Graph, work: str | None) -> list:
    """The 以本…为准 edges stated by versions of `work` (memoised on the graph: every
    version's answer asks, and scanning all of them each time was quadratic in `list`)."""
    if work is None:
        return []
    by_work = graph.derived.get("prevail_by_work")
    if by_work is None:
        by_work = {}
        for edge in graph.edges_of_kind("prevail"):
            version = graph.node(edge.new).version
            if version is not None:
                by_work.setdefault(version.work, []).append(edge)
        graph.derived["prevail_by_work"] = by_work
    return by_work.get(work, [])


def _shares_work(graph: Graph, a: str, b: str) -> bool:
    na, nb = graph.node(a), graph.node(b)
    return bool(na.version and nb.version and na.version.work == nb.version.work)


def _is_after(graph: Graph, later: str, earlier: str) -> bool:
    for keys in graph.works.values():
        if later in keys and earlier in keys:
            return keys.index(later) > keys.index(earlier)
    return False


def display(node: Node) -> str:
    if node.version is not None:
        return node.ref or node.key
    if node.doc_no and node.title:
        return f"《{normalize_title(node.title)}》({node.doc_no})"
    return node.key


def _check_date(text: str) -> None:
    # Dates are compared as YYYY-MM-DD strings, so the other forms fromisoformat takes
    # (20240101, 2024-W01-1) must be refused, not misordered.
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError(text)
        _dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise BadInputError(f"invalid date {text!r}: give --as-of as YYYY-MM-DD, e.g. 2023-06-01") from None


def work_status(graph: Graph, work: str, as_of: str, query: str | None = None) -> StatusAnswer:
    """The version of `work` in force on `as_of` (the JSON's `ref` says which).

    In force beats everything; then a version whose start or end is unsettled on that day
    (unknown); a day before every version's earliest start is unknown for the work (an
    earlier version not in the archive may have been in force), unless its first version
    was already issued and waits for its 施行 date (not_yet_effective)."""
    answers = [status_of(graph, k, as_of, query) for k in graph.works[work]]
    in_force = [a for a in answers if a.status == IN_FORCE]
    if in_force:
        chosen = in_force[-1]
        pending = tuple(f"a later version, {a.key}, is not yet in force: {a.reason}" for a in answers
                        if a.status == NOT_YET_EFFECTIVE and _is_after(graph, a.key, chosen.key))
        return replace(chosen, notes=chosen.notes + pending) if pending else chosen
    started = [a for a in answers if a.lifetime.start.lo is not None and as_of >= a.lifetime.start.lo]
    if started:
        unsettled = [a for a in started if a.status == UNKNOWN]
        return unsettled[-1] if unsettled else started[-1]
    first = answers[0]
    issued = first.node.version.meta.issued if first.node.version is not None else None
    if first.status == NOT_YET_EFFECTIVE and issued and issued <= as_of:
        return first  # issued, waiting for its 施行 date
    earliest = first.lifetime.start
    if earliest.lo is None:
        return answers[-1]  # nothing dated: answer (unknown) for the latest version
    reason = (f"nothing in the archive shows that work {work} existed on {as_of}: its earliest "
              f"version {first.key} took effect no earlier than {earliest.lo}; an earlier version "
              f"not in the archive may have been in force then")
    return StatusAnswer(query=first.query, key=first.key, node=first.node, as_of=as_of,
                        status=UNKNOWN, reason=reason, lifetime=first.lifetime,
                        evidence=first.evidence, notes=first.notes)


# ---------------------------------------------------------------------------------------
# Query resolution


@dataclass(frozen=True)
class Resolved:
    """What a query names: one node, or a whole work (answered as of a date)."""

    key: str | None = None
    work: str | None = None


def resolve(graph: Graph, query: str) -> Resolved:
    """A ref (WORK@VERSION, WORK), a 文号, or a title (exact, else a unique fragment)."""
    query = query.strip()
    if not query:
        raise BadInputError("empty query: give WORK@VERSION, WORK, a 文号 or a title")
    if "@" in query:
        if query in graph.nodes:
            return Resolved(key=query)
        work = query.partition("@")[0]
        if work in graph.works:
            versions = ", ".join(graph.works[work])
            raise UnknownRefError(f"no version {query} in the archive: {work} has {versions}")
    if query in graph.works:
        return Resolved(work=query)
    wanted_no = normalize_doc_no(query)
    by_no = [n for n in graph.nodes.values() if n.doc_no and normalize_doc_no(n.doc_no) == wanted_no]
    if by_no:
        return _one(graph, query, by_no)
    wanted = normalize_title(query)
    exact = [n for n in graph.nodes.values() if n.title and normalize_title(n.title) == wanted]
    if exact:
        return _one(graph, query, exact)
    fragment = [n for n in graph.nodes.values() if n.title and wanted in normalize_title(n.title)]
    if fragment:
        return _one(graph, query, fragment)
    raise UnknownRefError(
        f"{query!r} matches no work, version, 文号 or title in the archive: "
        f"try `policydiff list` to see what it holds")


def _one(graph: Graph, query: str, nodes: list[Node]) -> Resolved:
    """One answer: a single node, or the work when every hit is a version of that work."""
    groups: dict[str, list[Node]] = {}
    for node in nodes:
        group = f"work:{node.version.work}" if node.version is not None and node.version.work else node.key
        groups.setdefault(group, []).append(node)
    if len(groups) == 1:
        (group, members), = groups.items()
        if len(members) == 1:
            return Resolved(key=members[0].key)
        return Resolved(work=members[0].version.work)  # type: ignore[union-attr]
    candidates = []
    for group, members in groups.items():
        head = members[-1]
        name = head.version.work if head.version is not None else head.key
        title = normalize_title(head.title) if head.title else ""
        candidates.append(f"{name} 《{title}》" if title else name)
    raise AmbiguousRefError(
        f"{query!r} matches {len(candidates)} documents: " + "; ".join(candidates)
        + " — give one of these (a work id, WORK@VERSION or 文号) instead")


def answer(graph: Graph, query: str, as_of: str) -> StatusAnswer:
    """Status for a query as of a day."""
    _check_date(as_of)
    resolved = resolve(graph, query)
    if resolved.work is not None:
        return work_status(graph, resolved.work, as_of, query)
    return status_of(graph, resolved.key, as_of, query)  # type: ignore[arg-type]


