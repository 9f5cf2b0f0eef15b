"""The succession graph and each document's lifetime (no I/O, no clock).

Nodes are archived versions and the documents their repeal clauses name; edges say which
ends which: "repeal" (a clause: 废止/停止执行/失效), "supersede" (the next version of the same
work, 修订/修正) and "prevail" (此前…不一致的，以本…为准, which ends nothing). A lifetime is a
start and an end `Bound`, each with its evidence; which ending came first decides whether
a document was repealed, superseded or lapsed (expiry).
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from ..lexicon import ISSUE_DAY_RE, doc_no_year, effective_clauses, normalize_doc_no
from ..model import Repeal, Version
from ..refs import version_sort_key
from .clauses import Clause, scan_clauses

@dataclass(frozen=True)
class Evidence:
    """One fact an answer rests on: a clause quoted verbatim, or a recorded field.

    kind: "effective_clause", "effective_date", "issued_date", "doc_no_year",
    "effective_on_issue" (the assumption above), "repeal_clause", "expiry_clause",
    "term_clause", "prevail_clause", "version_order", "no_end_found".
    """

    kind: str
    text: str  # the clause verbatim, or a one-line statement of a recorded fact
    source: str | None = None  # ref (or node key) of the version the fact comes from
    offset: int | None = None  # character offset of `text` in that version's Document.text
    date: str | None = None  # the ISO date this fact fixes, if any

    def to_json(self) -> dict:
        return {"kind": self.kind, "text": self.text, "source": self.source,
                "offset": self.offset, "date": self.date}


@dataclass(frozen=True)
class Bound:
    """A day known to lie in [lo, hi] (ISO dates, both inclusive); None = unbounded."""

    lo: str | None
    hi: str | None
    evidence: tuple[Evidence, ...] = ()

    @property
    def settled(self) -> bool:
        return self.lo is not None and self.lo == self.hi

    @property
    def known(self) -> bool:
        return self.lo is not None or self.hi is not None


UNBOUNDED = Bound(None, None)


@dataclass(frozen=True)
class Node:
    """A document in the succession graph: an archived version, or a document that a repeal
    clause names but the archive does not hold (keyed by its 文号, else 《title》)."""

    key: str
    title: str | None
    doc_no: str | None
    version: Version | None = None

    @property
    def archived(self) -> bool:
        return self.version is not None

    @property
    def ref(self) -> str | None:
        return self.version.ref if self.version is not None else None


@dataclass(frozen=True)
class Edge:
    """old -> new: `new` ends (repeal, supersede) or overrides (prevail) `old`.

    kind: "repeal" (a repeal clause), "supersede" (the next version of the same work),
    "prevail" (此前…不一致的，以本…为准; `old` is None: it names no document).
    """

    kind: str
    old: str | None  # node key
    new: str  # node key (always an archived version: only texts make claims)
    evidence: Evidence
    verb: str | None = None


@dataclass(frozen=True)
class Lifetime:
    """When a node was in force: start and end bounds (the end is the first day it is not)."""

    start: Bound
    end: Bound | None  # None: nothing in the archive ends it
    end_edge: Edge | None = None  # the edge that fixes `end` (the earliest ending)
    end_kind: str | None = None  # "repeal" | "supersede" | "expiry"


@dataclass(frozen=True)
class TextFacts:
    """What the succession graph reads from a version's text, and nothing else: its
    validity clauses and the offsets of the clauses its front matter quotes (施行 and
    repeal clauses). `text_facts` derives them from the Document; the archive keeps them
    in its index so that `list` and `status` need not parse every version's body."""

    clauses: tuple["Clause", ...] = ()
    offsets: tuple[tuple[str, int], ...] = ()  # (clause text, its offset in Document.text)

    def offset(self, clause: str | None) -> int | None:
        return dict(self.offsets).get(clause) if clause else None

    def as_json(self) -> dict:
        return {"clauses": [[c.kind, c.text, c.offset, c.date, c.years, c.on_issue] for c in self.clauses],
                "offsets": [list(pair) for pair in self.offsets]}

    @classmethod
    def from_json(cls, data: dict) -> "TextFacts":
        return cls(tuple(Clause(kind, text, offset, date, years, on_issue)
                         for kind, text, offset, date, years, on_issue in data["clauses"]),
                   tuple((text, offset) for text, offset in data["offsets"]))


def text_facts(version: Version) -> TextFacts | None:
    """The TextFacts of a version read with its Document; None without one."""
    if version.document is None:
        return None
    text = version.document.text
    clauses = scan_clauses(text)
    quoted = [version.meta.effective_clause, *(r.clause for r in version.meta.repeals),
              *(c.text for c in clauses if c.kind == "effective")]
    offsets = {}
    for clause in quoted:
        if clause and clause not in offsets:
            found = text.find(clause)
            if found >= 0:
                offsets[clause] = found
    return TextFacts(clauses, tuple(sorted(offsets.items(), key=lambda item: (item[1], item[0]))))


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)  # key -> node, insertion-ordered
    edges: list[Edge] = field(default_factory=list)
    works: dict[str, list[str]] = field(default_factory=dict)  # work -> node keys in order
    clauses: dict[str, tuple["Clause", ...]] = field(default_factory=dict)  # key -> validity clauses
    facts: dict[str, TextFacts] = field(default_factory=dict)  # key -> what its text says
    derived: dict = field(default_factory=dict, repr=False)  # lookups built on first use (answers.py)
    # edges by endpoint, rebuilt when edges were appended (a list scan per question was
    # quadratic over a whole archive: `list` asks for every node)
    _edge_index: tuple[int, dict, dict, dict] = field(default=(-1, {}, {}, {}), repr=False)

    def node(self, key: str) -> Node:
        return self.nodes[key]

    def _indexed(self) -> tuple[dict, dict, dict]:
        count, to, from_, kinds = self._edge_index
        if count != len(self.edges):
            to, from_, kinds = {}, {}, {}
            for edge in self.edges:
                to.setdefault(edge.old, []).append(edge)
                from_.setdefault(edge.new, []).append(edge)
                kinds.setdefault(edge.kind, []).append(edge)
            self._edge_index = (len(self.edges), to, from_, kinds)
        return to, from_, kinds

    def edges_to(self, key: str) -> list[Edge]:
        return list(self._indexed()[0].get(key, ()))

    def edges_from(self, key: str) -> list[Edge]:
        return list(self._indexed()[1].get(key, ()))

    def edges_of_kind(self, kind: str) -> list[Edge]:
        """Every edge of one kind, in the order they were added."""
        return list(self._indexed()[2].get(kind, ()))


# ---------------------------------------------------------------------------------------
# Normalising names


_TITLE_FOLD = str.maketrans({"（": "(", "）": ")", "《": "", "》": "", "〈": "", "〉": "",
                             "\u3000": "", " ": "", "\t": "", "\n": ""})


def normalize_title(text: str | None) -> str:
    """Titles compared without 《》, spaces, and with parentheses folded to one width."""
    return (text or "").translate(_TITLE_FOLD)



# ---------------------------------------------------------------------------------------
# Dates as bounds


def _day(iso: str) -> _dt.date:
    return _dt.date.fromisoformat(iso)


def _plus_days(iso: str, days: int) -> str:
    return (_day(iso) + _dt.timedelta(days=days)).isoformat()


def _plus_years(iso: str, years: int) -> str:
    day = _day(iso)
    try:
        return day.replace(year=day.year + years).isoformat()
    except ValueError:  # 29 February -> 1 March of a common year
        return (day.replace(month=3, day=1, year=day.year + years)).isoformat()


def _min_opt(values: Iterable[str | None]) -> str | None:
    """The earliest date, where None means "unbounded above" (so it loses to any date)."""
    dates = [v for v in values if v is not None]
    return min(dates) if dates else None


def _clause_offset(version: Version, clause: str | None, facts: TextFacts | None = None) -> int | None:
    if not clause:
        return None
    if facts is not None:
        return facts.offset(clause)
    if version.document is None:
        return None
    offset = version.document.text.find(clause)
    return offset if offset >= 0 else None


def start_bound(version: Version, clauses: Sequence[Clause] = (), facts: TextFacts | None = None) -> Bound:
    """The first day a version is in force, as a bound with its evidence."""
    meta, ref = version.meta, version.ref
    issued = meta.issued
    effective_clause = meta.effective_clause
    # the last one: the closing article, not a date quoted earlier in the text
    scanned = next((c for c in reversed(clauses) if c.kind == "effective"), None)
    if effective_clause is None and scanned is not None:
        effective_clause = scanned.text
    clause_offset = _clause_offset(version, effective_clause, facts)
    on_issue = bool(effective_clause) and any(ISSUE_DAY_RE.search(c.when)
                                              for c in effective_clauses(effective_clause or ""))
    effective = meta.effective
    if effective is None and scanned is not None and scanned.date:
        effective = scanned.date

    if issued and on_issue:
        return Bound(issued, issued, (
            Evidence("effective_clause", effective_clause or "", ref, clause_offset, issued),
            Evidence("issued_date", f"issued {issued}", ref, None, issued),
        ))
    if effective and (issued is None or effective >= issued):
        text = effective_clause or f"施行日期 {effective} (recorded in the archive)"
        kind = "effective_clause" if effective_clause else "effective_date"
        return Bound(effective, effective, (Evidence(kind, text, ref, clause_offset, effective),))
    if issued:
        evidence = [Evidence("issued_date", f"issued {issued}", ref, None, issued)]
        if effective:  # a 施行 date before this version's issue dates the original enactment
            evidence.append(Evidence(
                "effective_clause", effective_clause or f"施行日期 {effective}", ref, clause_offset,
                effective))
            note = (f"its 施行 date {effective} precedes this version's issue, so it dates the "
                    f"original enactment; this version is taken as in force from its issue")
        else:
            note = "no 施行 date stated: taken as in force from its issue"
        evidence.append(Evidence("effective_on_issue", note, ref, None, issued))
        return Bound(issued, issued, tuple(evidence))
    return _doc_no_year_start(meta.doc_no, ref, "no issue date recorded", "stated")


def _doc_no_year_start(doc_no: str | None, source: str, why: str, known: str) -> Bound:
    """DESIGN §3: a version with a 文号 but no issue date was issued within its 文号 year;
    without a 施行 date it is taken as in force from its issue. UNBOUNDED without a 文号."""
    year = doc_no_year(doc_no)
    if not year:
        return UNBOUNDED
    lo, hi = f"{year:04d}-01-01", f"{year:04d}-12-31"
    return Bound(lo, hi, (
        Evidence("doc_no_year",
                 f"{why}; its 文号 {doc_no} dates it to {year}: issued no "
                 f"earlier than {lo} and no later than {hi}", source, None, None),
        Evidence("effective_on_issue", f"no 施行 date {known}: taken as in force from its issue",
                 source, None, None),
    ))


def node_start(graph: Graph, node: Node) -> Bound:
    """The node's start bound, worked out once per node (`list` asks for every node's
    lifetime, and each supersede edge asks for its successor's start again)."""
    starts = graph.derived.setdefault("starts", {})
    kept = starts.get(node.key)
    if kept is not None and kept[0] is node:  # the very node: a node replaced since is worked out again
        return kept[1]
    if node.version is not None:
        start = start_bound(node.version, graph.clauses.get(node.key, ()), graph.facts.get(node.key))
    else:
        start = _doc_no_year_start(node.doc_no, node.key, "not in the archive", "known")
    starts[node.key] = (node, start)
    return start


# ---------------------------------------------------------------------------------------
# Building the graph


def order_versions(versions: Iterable[Version]) -> list[Version]:
    return sorted(versions, key=version_sort_key)


def build_graph(versions: Iterable[Version], facts: Mapping[str, TextFacts] | None = None) -> Graph:
    """The succession graph of every archived version (and the documents they repeal).

    `facts` (by ref) stands in for the text of versions read without their Document (the
    archive's index); a version read with its Document needs none."""
    graph = Graph()
    by_work: dict[str, list[Version]] = {}
    for version in sorted(versions, key=lambda v: (v.work or "", version_sort_key(v))):
        by_work.setdefault(version.work or version.ref, []).append(version)
    for work in sorted(by_work):
        ordered = order_versions(by_work[work])
        graph.works[work] = []
        for version in ordered:
            node = Node(version.ref, version.meta.title, version.meta.doc_no, version)
            graph.nodes[node.key] = node
            graph.works[work].append(node.key)
            known = (facts or {}).get(version.ref) or text_facts(version)
            if known is not None:
                graph.facts[node.key] = known
            graph.clauses[node.key] = known.clauses if known is not None else ()

    # Versions of one work: each next version supersedes the previous one.
    for work, keys in graph.works.items():
        for old_key, new_key in zip(keys, keys[1:]):
            graph.edges.append(Edge("supersede", old_key, new_key, Evidence(
                "version_order", f"{new_key} is the next version of work {work} after {old_key}",
                new_key, None, None)))

    # Repeal clauses and 以本…为准 clauses.
    names = _NameIndex.of(graph)
    for key in list(graph.nodes):
        node = graph.nodes[key]
        if node.version is None:
            continue
        for repeal in node.version.meta.repeals:
            offset = _clause_offset(node.version, repeal.clause, graph.facts.get(key))
            for target in _repeal_targets(graph, node, repeal, names):
                graph.edges.append(Edge("repeal", target, key, Evidence(
                    "repeal_clause", repeal.clause, key, offset, None), verb=repeal.verb))
        for clause in graph.clauses.get(key, ()):
            if clause.kind == "prevail":
                graph.edges.append(Edge("prevail", None, key, Evidence(
                    "prevail_clause", clause.text, key, clause.offset, None)))
    return graph


def repeal_names(repeal: Repeal, version: Version) -> bool:
    """Does a repeal clause name this version? By 文号 when the clause gives one (in any
    spelling: lexicon.normalize_doc_no), else by title (without 《》, spaces, bracket width)."""
    wanted_no = normalize_doc_no(repeal.doc_no)
    if wanted_no:
        return normalize_doc_no(version.meta.doc_no) == wanted_no
    return bool(repeal.title) and normalize_title(repeal.title) == normalize_title(version.meta.title)


def repeals_naming(old: Version, new: Version) -> tuple[Repeal, ...]:
    """The repeal clauses of `new` that name `old` (the rule `build_graph` applies)."""
    return tuple(repeal for repeal in new.meta.repeals if repeal_names(repeal, old))


@dataclass
class _NameIndex:
    """Archived nodes by normalised 文号 and by normalised title, and the nodes of absent
    documents by title: what `_repeal_targets` looks up for every repeal clause. Scanning
    every node per clause (with a title normalisation each) was quadratic over an archive
    (2,000 versions: 12 s of `list`)."""

    by_doc_no: dict[str, list[str]] = field(default_factory=dict)
    by_title: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # title -> [(work, key)]
    absent_by_title: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, graph: Graph) -> "_NameIndex":
        index = cls()
        work_of = {key: work for work, keys in graph.works.items() for key in keys}
        for node in graph.nodes.values():
            if node.archived:
                number = normalize_doc_no(node.version.meta.doc_no)  # type: ignore[union-attr]
                if number:
                    index.by_doc_no.setdefault(number, []).append(node.key)
                title = normalize_title(node.version.meta.title)  # type: ignore[union-attr]
                index.by_title.setdefault(title, []).append((work_of[node.key], node.key))
            elif node.title:
                index.absent_by_title.setdefault(normalize_title(node.title), node.key)
        return index


def _repeal_targets(graph: Graph, repealer: Node, repeal: Repeal, names: _NameIndex) -> list[str]:
    """Node keys a repeal clause names: archived versions by 文号, else by title (the latest
    version of that title before the repealer), else a node of its own (repeal_names is
    the rule; `names` finds the candidates it accepts without scanning every node)."""
    wanted_no = normalize_doc_no(repeal.doc_no)
    if wanted_no:
        hits = [key for key in names.by_doc_no.get(wanted_no, ()) if key != repealer.key]
        if hits:
            return hits
    elif repeal.title:
        per_work: dict[str, str] = {}
        for work, key in names.by_title.get(normalize_title(repeal.title), ()):
            if key == repealer.key:
                continue
            keys = graph.works[work]
            if repealer.key in keys and keys.index(key) >= keys.index(repealer.key):
                continue  # only versions before the repealer in its own work
            if work not in per_work or keys.index(key) > keys.index(per_work[work]):
                per_work[work] = key  # the latest such version of that work
        if per_work:
            return [per_work[w] for w in sorted(per_work)]
    # Not in the archive: a node of its own, so that the answer does not depend on it.
    if wanted_no:
        key = wanted_no
    else:
        # the same document named elsewhere with its 文号: one node
        key = names.absent_by_title.get(normalize_title(repeal.title), f"《{normalize_title(repeal.title)}》")
    if key not in graph.nodes:
        graph.nodes[key] = Node(key, repeal.title, repeal.doc_no, None)
    elif graph.nodes[key].title is None and repeal.title:
        existing = graph.nodes[key]
        graph.nodes[key] = Node(key, repeal.title, existing.doc_no, None)
    if graph.nodes[key].title:
        names.absent_by_title.setdefault(normalize_title(graph.nodes[key].title), key)
    return [key]


# ---------------------------------------------------------------------------------------
# Lifetimes and status


def lifetime(graph: Graph, key: str) -> Lifetime:
    """Start and end bounds of a node, each with its evidence."""
    node = graph.node(key)
    start = node_start(graph, node)
    endings: list[tuple[Bound, Edge | None, str]] = []
    for edge in graph.edges_to(key):
        if edge.kind not in ("repeal", "supersede"):
            continue
        successor_start = node_start(graph, graph.node(edge.new))
        evidence = (edge.evidence,) + successor_start.evidence
        lo = successor_start.lo
        endings.append((Bound(lo, successor_start.hi, evidence), edge, edge.kind))
    for clause in graph.clauses.get(key, ()):
        if clause.kind == "expiry" and clause.date:
            first_day_out = _plus_days(clause.date, 1)
            endings.append((Bound(first_day_out, first_day_out, (Evidence(
                "expiry_clause", clause.text, key, clause.offset, clause.date),)), None, "expiry"))
        elif clause.kind == "term" and clause.years and start.known:
            lo = _plus_years(start.lo, clause.years) if start.lo else None
            hi = _plus_years(start.hi, clause.years) if start.hi else None
            endings.append((Bound(lo, hi, (Evidence("term_clause", clause.text, key, clause.offset, None),)
                                  + start.evidence), None, "expiry"))
    if not endings:
        return Lifetime(start, None)
    # The document ends at the earliest of its endings: end = min(e_i), e_i in [lo_i, hi_i]
    # gives end in [min lo_i, min hi_i]. An explicit repeal outranks the order of versions
    # when both give the same day (it is the stronger evidence and names the clause).
    rank = {"repeal": 0, "expiry": 1, "supersede": 2}
    endings.sort(key=lambda e: (e[0].hi or "9999-12-31", e[0].lo or "0000-01-01", rank[e[2]]))
    lo = min((e[0].lo or "0000-01-01") for e in endings)
    lo = None if lo == "0000-01-01" else lo
    hi = _min_opt(e[0].hi for e in endings)
    first, edge, kind = endings[0]
    if lo is not None and start.lo is not None and lo < start.lo:
        lo = start.lo  # nothing ends before it starts
        if hi is not None and hi < lo:  # contradictory texts: keep the bound well-formed
            hi = lo
    return Lifetime(start, Bound(lo, hi, first.evidence), edge, kind)


