"""Repeal and in-force status: the succession graph, dates as intervals, measure successors.

Functional core: no I/O, no clock. `as_of` is always passed in (api supplies today's date)
and the alignment is injected as a `compare(old, new) -> Comparison` callable, so every
function here can be tested with Versions built by hand.

What the texts say, and nothing else, decides an answer:

- **repeal clauses** (`Version.meta.repeals`): 「原《…》(文号)同时废止」 ends the named document on
  the day the repealing document takes effect (「同时」: at the same time);
- **施行 clauses** (`meta.effective`, `meta.effective_clause`): when a version starts;
- **有效期至… / 有效期…年** (scanned here in the text): when a version lapses by itself;
- **此前…与本…不一致的，以本…为准** (scanned here): the new text prevails where they differ.
  It overrides, it does not repeal, so it never ends another document; it is kept as
  evidence;
- **the order of versions within a work**: a new version of a work replaces the previous one
  when it takes effect.

Dates are intervals, never guesses. Each boundary of a version's life (its start, its end)
is a `Bound`: the earliest and the latest day it can be, each with the evidence that
fixes it. A version with no issue date but a 文号 is bounded by the 文号 year (DESIGN §3).
As of a day inside an unsettled interval the status is `unknown`, with the reason.

One assumption is made, and said wherever it is used: a version that states no 施行 date
takes effect when it is issued (Chinese policy documents that take effect later say so).
It is what dates the 2022 Zhongguancun measures, known only by their 文号.

Rejected approach: a single "date" per version (issued or effective, whichever is known).
It cannot tell "in force since some day in 2022" from "in force since 1 January 2022", and
so turns an unknown into a confident wrong answer for every day of that year.
"""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field, replace
from typing import Callable, Iterable, Sequence

from .errors import AmbiguousRefError, BadInputError, MissingTextError, UnknownRefError
from .model import ChangeKind, Comparison, Repeal, Version
from .lexicon import (CN_NUMERAL_CHARS, SELF_REFERENCE_RE, add_text_command, add_text_hint, cn_to_int,
                      doc_no_year, normalize_doc_no, parse_cn_date, parse_measure_label)
from .refs import version_sort_key

STATUS_FORMAT = "policydiff.status/1"  # bumps: /1 initial (DESIGN §5)

IN_FORCE = "in_force"
REPEALED = "repealed"
NOT_YET_EFFECTIVE = "not_yet_effective"
UNKNOWN = "unknown"
STATUSES = (IN_FORCE, REPEALED, NOT_YET_EFFECTIVE, UNKNOWN)

# Measure-level outcomes besides the four above: the measure's version was replaced and
# the measure lives on in the successor (listed in `successors`).
CARRIED_OVER = "carried_over"

Compare = Callable[[Version, Version], Comparison]


# ---------------------------------------------------------------------------------------
# Evidence, bounds, nodes and edges


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


@dataclass
class Graph:
    nodes: dict[str, Node] = field(default_factory=dict)  # key -> node, insertion-ordered
    edges: list[Edge] = field(default_factory=list)
    works: dict[str, list[str]] = field(default_factory=dict)  # work -> node keys in order
    clauses: dict[str, tuple["Clause", ...]] = field(default_factory=dict)  # key -> validity clauses

    def node(self, key: str) -> Node:
        return self.nodes[key]

    def edges_to(self, key: str) -> list[Edge]:
        return [e for e in self.edges if e.old == key]

    def edges_from(self, key: str) -> list[Edge]:
        return [e for e in self.edges if e.new == key]


# ---------------------------------------------------------------------------------------
# Text scanning: dates and validity clauses

@dataclass(frozen=True)
class Clause:
    """A validity clause found in a text: kind "expiry" (有效期至 DATE), "term" (有效期 N 年),
    "prevail" (此前…不一致的，以本…为准) or "effective" (自…起施行)."""

    kind: str
    text: str  # the sentence, verbatim
    offset: int  # of `text` in the document text
    date: str | None = None  # expiry: the last day in force; effective: the first day
    years: int | None = None  # term: its length in years
    on_issue: bool = False  # effective: 自印发/发布/公布之日起


# Sentences end at 。；; or a line break; a clause is the sentence holding its keyword.
_SENTENCE_RE = re.compile(r"[^。；;\n]*[。；;]?")
_EXPIRY_RE = re.compile(r"有效期(?:至|到|截至|截止(?:到|至)?)")
_TERM_RE = re.compile(rf"有效期(?:为|是)?\s*(?P<n>[0-9０-９]{{1,2}}|[{CN_NUMERAL_CHARS}]{{1,3}})\s*年")
_PREVAIL_RE = re.compile(r"(?:此前|以前|之前|过去)[^。；]*?与本[^。；]*?不一致的?[，,、]?\s*以本[^。；]*?为准")
_EFFECTIVE_RE = re.compile(r"自(?P<when>[^。；，,]{1,30}?)起(?:施行|实施|执行|生效)")
_ON_ISSUE_RE = re.compile(r"(?:印发|发布|公布|签发|下发|颁布)之日")
# A validity clause speaks of the document itself (「本办法有效期至…」); 「许可证有效期为5年」
# inside an article is about something else and must not end the document.
_SELF_RE = SELF_REFERENCE_RE


def _sentences(text: str) -> Iterable[tuple[int, str]]:
    for match in _SENTENCE_RE.finditer(text):
        sentence = match.group()
        if sentence.strip():
            lead = len(sentence) - len(sentence.lstrip())
            yield match.start() + lead, sentence.strip()


def _term_years(text: str) -> int | None:
    try:
        return cn_to_int(text) or None
    except ValueError:
        return None


def scan_clauses(text: str) -> tuple[Clause, ...]:
    """Validity clauses of a text, in text order, each quoted verbatim with its offset.

    >>> [(c.kind, c.date, c.years) for c in scan_clauses(
    ...     "本办法自2020年1月1日起施行，有效期至2022年12月31日。本规定有效期3年。")]
    [('effective', '2020-01-01', None), ('expiry', '2022-12-31', None), ('term', None, 3)]
    """
    found: list[Clause] = []
    for offset, sentence in _sentences(text):
        is_effective = False
        for match in _EFFECTIVE_RE.finditer(sentence):
            when = match["when"]
            on_issue = bool(_ON_ISSUE_RE.search(when))
            date = parse_cn_date(when)
            if (on_issue or date) and _SELF_RE.search(sentence[: match.start()]):
                found.append(Clause("effective", sentence, offset, date=date, on_issue=on_issue))
                is_effective = True
                break
        if not (is_effective or _SELF_RE.search(sentence)):
            continue
        expiry = _EXPIRY_RE.search(sentence)
        if expiry and (date := parse_cn_date(sentence[expiry.end():])):
            found.append(Clause("expiry", sentence, offset, date=date))
        elif (term := _TERM_RE.search(sentence)) and (years := _term_years(term["n"])):
            found.append(Clause("term", sentence, offset, years=years))
        if _PREVAIL_RE.search(sentence):
            found.append(Clause("prevail", sentence, offset))
    return tuple(found)


# ---------------------------------------------------------------------------------------
# Normalising names


_TITLE_FOLD = str.maketrans({"（": "(", "）": ")", "《": "", "》": "", "〈": "", "〉": "",
                             "\u3000": "", " ": "", "\t": "", "\n": ""})


def normalize_title(text: str | None) -> str:
    """Titles compared without 《》, spaces, and with parentheses folded to one width."""
    return (text or "").translate(_TITLE_FOLD)


def _title_of(version: Version) -> str | None:
    return version.meta.title


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


def _clause_offset(version: Version, clause: str | None) -> int | None:
    if not clause or version.document is None:
        return None
    offset = version.document.text.find(clause)
    return offset if offset >= 0 else None


def start_bound(version: Version, clauses: Sequence[Clause] = ()) -> Bound:
    """The first day a version is in force, as a bound with its evidence."""
    meta, ref = version.meta, version.ref
    issued = meta.issued
    effective_clause = meta.effective_clause
    # the last one: the closing article, not a date quoted earlier in the text
    scanned = next((c for c in reversed(clauses) if c.kind == "effective"), None)
    if effective_clause is None and scanned is not None:
        effective_clause = scanned.text
    clause_offset = _clause_offset(version, effective_clause)
    on_issue = bool(effective_clause and _EFFECTIVE_RE.search(effective_clause)
                    and _ON_ISSUE_RE.search(effective_clause))
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


def _node_start(graph: Graph, node: Node) -> Bound:
    if node.version is not None:
        return start_bound(node.version, graph.clauses.get(node.key, ()))
    return _doc_no_year_start(node.doc_no, node.key, "not in the archive", "known")


# ---------------------------------------------------------------------------------------
# Building the graph


def order_versions(versions: Iterable[Version]) -> list[Version]:
    return sorted(versions, key=version_sort_key)


def build_graph(versions: Iterable[Version]) -> Graph:
    """The succession graph of every archived version (and the documents they repeal)."""
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
            text = version.document.text if version.document is not None else ""
            graph.clauses[node.key] = scan_clauses(text) if text else ()

    # Versions of one work: each next version supersedes the previous one.
    for work, keys in graph.works.items():
        for old_key, new_key in zip(keys, keys[1:]):
            graph.edges.append(Edge("supersede", old_key, new_key, Evidence(
                "version_order", f"{new_key} is the next version of work {work} after {old_key}",
                new_key, None, None)))

    # Repeal clauses and 以本…为准 clauses.
    for key in list(graph.nodes):
        node = graph.nodes[key]
        if node.version is None:
            continue
        for repeal in node.version.meta.repeals:
            offset = _clause_offset(node.version, repeal.clause)
            for target in _repeal_targets(graph, node, repeal):
                graph.edges.append(Edge("repeal", target, key, Evidence(
                    "repeal_clause", repeal.clause, key, offset, None), verb=repeal.verb))
        for clause in graph.clauses.get(key, ()):
            if clause.kind == "prevail":
                graph.edges.append(Edge("prevail", None, key, Evidence(
                    "prevail_clause", clause.text, key, clause.offset, None)))
    return graph


def _repeal_targets(graph: Graph, repealer: Node, repeal: Repeal) -> list[str]:
    """Node keys a repeal clause names: archived versions by 文号, else by title (the latest
    version of that title before the repealer), else a node of its own."""
    archived = [n for n in graph.nodes.values() if n.archived and n.key != repealer.key]
    wanted_no = normalize_doc_no(repeal.doc_no)
    if wanted_no:
        hits = [n.key for n in archived if normalize_doc_no(n.doc_no) == wanted_no]
        if hits:
            return hits
    elif repeal.title:
        wanted = normalize_title(repeal.title)
        per_work: dict[str, str] = {}
        for work, keys in graph.works.items():
            before = keys[: keys.index(repealer.key)] if repealer.key in keys else keys
            for key in before:
                if graph.nodes[key].archived and normalize_title(graph.nodes[key].title) == wanted:
                    per_work[work] = key  # the latest such version of that work
        if per_work:
            return [per_work[w] for w in sorted(per_work)]
    # Not in the archive: a node of its own, so that the answer does not depend on it.
    if wanted_no:
        key = wanted_no
    else:
        title_key = f"《{normalize_title(repeal.title)}》"
        # the same document named elsewhere with its 文号: one node
        same = [n.key for n in graph.nodes.values() if not n.archived and n.title
                and normalize_title(n.title) == normalize_title(repeal.title)]
        key = same[0] if same else title_key
    if key not in graph.nodes:
        graph.nodes[key] = Node(key, repeal.title, repeal.doc_no, None)
    elif graph.nodes[key].title is None and repeal.title:
        existing = graph.nodes[key]
        graph.nodes[key] = Node(key, repeal.title, existing.doc_no, None)
    return [key]


# ---------------------------------------------------------------------------------------
# Lifetimes and status


def lifetime(graph: Graph, key: str) -> Lifetime:
    """Start and end bounds of a node, each with its evidence."""
    node = graph.node(key)
    start = _node_start(graph, node)
    endings: list[tuple[Bound, Edge | None, str]] = []
    for edge in graph.edges_to(key):
        if edge.kind not in ("repeal", "supersede"):
            continue
        successor_start = _node_start(graph, graph.node(edge.new))
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
    name = _display(node)
    end_phrase = ""
    if end is not None:
        if life.end_kind == "expiry":
            end_phrase = f"its term of validity runs out (「{end.evidence[0].text}」)"
        elif repealed_by is not None and life.end_kind == "repeal":
            end_phrase = (f"{_display(repealed_by)} repeals it: 「{life.end_edge.evidence.text}」, "  # type: ignore[union-attr]
                          f"taking effect {_phrase_day(_node_start(graph, repealed_by))}")
        elif repealed_by is not None:
            end_phrase = (f"the next version {_display(repealed_by)} replaces it, taking effect "
                          f"{_phrase_day(_node_start(graph, repealed_by))}")
    if end is not None and end.hi is not None and as_of >= end.hi:
        status = REPEALED
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
        f"{_display(graph.node(e.new))} says 「{e.evidence.text}」: it prevails where they differ"
        for e in graph.edges if e.kind == "prevail" and e.new != key
        and _shares_work(graph, e.new, key) and _is_after(graph, e.new, key)
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


def _shares_work(graph: Graph, a: str, b: str) -> bool:
    na, nb = graph.node(a), graph.node(b)
    return bool(na.version and nb.version and na.version.work == nb.version.work)


def _is_after(graph: Graph, later: str, earlier: str) -> bool:
    for keys in graph.works.values():
        if later in keys and earlier in keys:
            return keys.index(later) > keys.index(earlier)
    return False


def _display(node: Node) -> str:
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


# ---------------------------------------------------------------------------------------
# Measures


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
        what = f"{_display(node)} has no text in the archive"
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
            return MeasureAnswer(printed, UNKNOWN, f"{_display(successor)} replaced "
                                 f"{_display(graph.node(current))} but has no text in the archive, so "
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
        hops.append(f"{_display(graph.node(current))} was {how} by {_display(successor)}")
        if not next_tracked:
            return MeasureAnswer(printed, REPEALED,
                                 f"{printed} of {version.ref} was dropped: " + "; ".join(hops)
                                 + ", which has no counterpart of it", ordinal)
        tracked, current = next_tracked, successor_key
        visited.add(current)
        successor_answer = status_of(graph, current, as_of)
        if successor_answer.status != REPEALED:
            break
    successors = tuple(
        Successor(current, n, _label(graph.node(current).version, n), kind, sim)  # type: ignore[arg-type]
        for n, kind, sim in sorted(tracked))
    listing = ", ".join(f"{s.label} ({s.kind}, similarity {s.similarity:.2f})" for s in successors)
    return MeasureAnswer(printed, CARRIED_OVER,
                         f"{printed} of {version.ref} is no longer in force as such: " + "; ".join(hops)
                         + f"; it lives on in {current} as {listing}", ordinal, successors)


def status(versions: Sequence[Version], query: str, as_of: str, measure: str | None = None,
           compare: Compare | None = None) -> StatusAnswer:
    """The whole answer of `policydiff status`: build the graph, resolve, date, measure."""
    graph = build_graph(versions)
    doc = answer(graph, query, as_of)
    if measure is None:
        return doc
    if compare is None:
        raise ValueError("compare is required to answer for a measure")
    return replace(doc, measure=measure_status(graph, doc, measure, as_of, compare))


# The day after every date an archive can hold: "as of" it, every dated event in the texts
# has happened. Used when a caller (the archive's `list`) asks without a date; the core
# reads no clock, so `api` passes today's date wherever "today" is meant.
END_OF_TIME = "9999-12-31"


def version_statuses(versions: Sequence[Version], as_of: str | None = None) -> list[dict]:
    """For `policydiff list`: {"status", "repealed_by"} of each of `versions` (those of a
    work, or the whole archive), as of `as_of` (default END_OF_TIME: once every dated
    event in the texts has taken effect). One succession graph serves the whole listing."""
    graph = build_graph(versions)
    answers = []
    for version in versions:
        answer = status_of(graph, version.ref, as_of or END_OF_TIME)
        by = answer.repealed_by
        answers.append({"status": answer.status,
                        "repealed_by": (by.ref or by.key) if by is not None and answer.status == REPEALED else None})
    return answers

