"""Repeal and in-force status: the succession graph, dates as intervals, measure successors.

Functional core: no I/O, no clock. `as_of` is always passed in (api supplies today's date)
and the alignment is injected as a `compare(old, new) -> Comparison` callable, so every
function here can be tested with Versions built by hand.

One job per module:

- `clauses`     validity clauses scanned in a version's text (施行, 有效期, 以本…为准);
- `succession`  the succession graph (repeal / supersede / prevail edges) and lifetimes;
- `answers`     status of a document or a work as of a day, and what a query names;
- `measures`    a measure's status, followed into the version that replaced its own;
- here          the entry points every caller uses: `status` (the `status` command),
                `archive_statuses` (`list`, the site index: one graph for the whole
                archive, so that they cannot disagree with `status`) and `pair_relation`
                (the report's "does the new version repeal the old?").

What the texts say, and nothing else, decides an answer:

- **repeal clauses** (`Version.meta.repeals`): 「原《…》(文号)同时废止」 ends the named document on
  the day the repealing document takes effect (「同时」: at the same time): `repealed`;
- **施行 clauses** (`meta.effective`, `meta.effective_clause`): when a version starts;
- **有效期至… / 有效期…年** (scanned in the text): when a version lapses by itself: `repealed`
  (ended by expiry);
- **此前…与本…不一致的，以本…为准** (scanned): the new text prevails where they differ.
  It overrides, it does not repeal, so it never ends another document; it is kept as
  evidence;
- **the order of versions within a work**: a new version of a work (修订/修正) replaces the
  previous one when it takes effect: `superseded`. A clause wins: a version that a clause
  repeals on the same day is `repealed` (DESIGN §5).

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

from dataclasses import replace
from typing import Mapping, Sequence

from ..model import Version
from ..refs import version_sort_key
from .answers import (CARRIED_OVER, ENDED, IN_FORCE, NOT_YET_EFFECTIVE, REPEALED, STATUS_FORMAT, STATUSES,
                      SUPERSEDED, UNKNOWN, Resolved, StatusAnswer, answer, display, resolve, status_of,
                      work_status)
from .clauses import Clause, scan_clauses
from .measures import (Compare, MeasureAnswer, Renumbering, Successor, find_measure, find_measure_in, follow,
                       label_version, measure_number, measure_status, memo, renumbering)
from .succession import (UNBOUNDED, Bound, Edge, Evidence, Graph, Lifetime, Node, TextFacts, build_graph,
                         lifetime, text_facts,
                         normalize_title, repeals_naming, start_bound)

__all__ = [
    "STATUS_FORMAT", "STATUSES", "IN_FORCE", "REPEALED", "SUPERSEDED", "NOT_YET_EFFECTIVE", "UNKNOWN",
    "CARRIED_OVER", "ENDED", "Clause", "scan_clauses", "Evidence", "Bound", "UNBOUNDED", "Node", "Edge",
    "Lifetime", "Graph", "TextFacts", "text_facts", "build_graph", "lifetime", "start_bound", "normalize_title", "StatusAnswer",
    "status_of", "work_status", "Resolved", "resolve", "answer", "display", "Successor", "MeasureAnswer",
    "measure_number", "find_measure", "find_measure_in", "measure_status", "label_version", "follow", "memo",
    "renumbering", "Renumbering", "Compare", "status", "archive_statuses",
    "pair_relation",
]


def status(versions: Sequence[Version], query: str, as_of: str, measure: str | None = None,
           compare: Compare | None = None, facts: Mapping[str, TextFacts] | None = None) -> StatusAnswer:
    """The whole answer of `policydiff status`: build the graph, resolve, date, measure.
    `facts`: what the texts say, for versions read without their Document (build_graph)."""
    graph = build_graph(versions, facts)
    doc = answer(graph, query, as_of)
    if measure is None:
        return doc
    if compare is None:
        raise ValueError("compare is required to answer for a measure")
    # The label is read in the version the query names, else in the work's latest version
    # (measures.label_version: the rule `log W --measure` follows too).
    resolved = resolve(graph, query)
    read_in = resolved.key if resolved.key is not None else graph.works[resolved.work][-1]  # type: ignore[index]
    return replace(doc, measure=measure_status(graph, doc, measure, as_of, compare, read_in=read_in))


def archive_statuses(versions: Sequence[Version], as_of: str,
                     facts: Mapping[str, TextFacts] | None = None) -> dict[str, StatusAnswer]:
    """The status of every one of `versions` (the whole archive, read with its texts) as
    of `as_of`, by ref, from one succession graph: what `list` and the site index show.

    One graph for all versions, not one per work: a version repealed by another work's
    clause is repealed in the listing too; and the texts are read, because an 有效期至
    clause is in the text, not in the front matter (or in `facts`, the archive index's
    reading of it: build_graph)."""
    graph = build_graph(versions, facts)
    return {version.ref: status_of(graph, version.ref, as_of) for version in versions}


def pair_relation(old: Version, new: Version) -> dict:
    """What the new version's own text says of the old one, for a report of the pair:
    the repeal clauses of `new` that name `old` (matched as the succession graph matches
    them: 文号 in any spelling, else title) and those that name other documents.

    >>> from policydiff.model import DocumentMeta, Repeal
    >>> old = Version("w", "2023", DocumentMeta(title="示例办法", doc_no="国发〔2023〕3号"), has_text=False)
    >>> clause = "原《示例办法》(国发〔2023〕第3号)同时废止。"
    >>> new = Version("w", "2024", DocumentMeta(title="示例办法", repeals=(
    ...     Repeal(title="示例办法", doc_no="国发〔2023〕第3号", clause=clause, verb="废止"),)), has_text=False)
    >>> [r["clause"] for r in pair_relation(old, new)["naming_old"]]
    ['原《示例办法》(国发〔2023〕第3号)同时废止。']
    """
    naming = repeals_naming(old, new)
    naming_old, others = [], []
    for repeal in new.meta.repeals:
        entry = {"title": repeal.title, "doc_no": repeal.doc_no, "clause": repeal.clause, "verb": repeal.verb}
        (naming_old if repeal in naming else others).append(entry)
    # No clause names it, but `new` is a later version of the same work: it replaced `old`
    # (修订/修正), which `status` answers as superseded — not "no relation".
    superseded = (not naming_old and old.work is not None and old.work == new.work
                  and version_sort_key(old) < version_sort_key(new))
    return {"naming_old": tuple(naming_old), "others": tuple(others), "superseded": superseded}
