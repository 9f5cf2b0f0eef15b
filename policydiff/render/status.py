"""Render status answers (text, JSON) and work logs / measure lineages (text, JSON, HTML).

Functional core: strings in, strings out. JSON keys are built in a fixed order and dumped
with ensure_ascii=False; HTML pages render through jinja2 templates (log.html.j2,
lineage.html.j2) and the labels catalogue, with the site's stylesheet allowed by its hash
(pages.py): no script, no 'unsafe-inline', `<html lang="zh-CN">`. Same input, same bytes.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

from ..lineage import LINEAGE_FORMAT, LOG_FORMAT, Lineage, TimelineEntry
from ..status import ENDED, STATUS_FORMAT, STATUSES, SUPERSEDED, Bound, Evidence, StatusAnswer, normalize_title
from .labels import labeller


def _status_words(status: str) -> str:
    """「in force (有效)」: the labels catalogue's words, English for the terminal, Chinese
    beside them for the reader of the policy."""
    return f"{labeller('en')('status.' + status)} ({labeller('zh')('status.' + status)})"


STATUS_WORDS = {status: _status_words(status) for status in (*STATUSES, "carried_over")}


# How a version ended (lifetime.end_kind) as the status it leaves it in (DESIGN §5).
END_STATUS = {"repeal": "repealed", "expiry": "repealed", "supersede": "superseded"}


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def _bound_json(bound: Bound | None) -> dict | None:
    if bound is None:
        return None
    return {"lo": bound.lo, "hi": bound.hi, "settled": bound.settled,
            "evidence": [e.to_json() for e in bound.evidence]}


# ---------------------------------------------------------------------------------------
# status


def status_dict(answer: StatusAnswer) -> dict[str, Any]:
    """policydiff.status/1 (DESIGN §5), plus evidence, reason and bounds."""
    node = answer.node
    ended_by = None  # the document that ended it: repealed_by (a clause) or superseded_by
    if answer.status in ENDED and answer.repealed_by is not None and answer.repeal_edge is not None:
        by = answer.repealed_by
        ended_by = {
            "ref": by.ref or by.key, "doc_no": by.doc_no, "title": by.title,
            "date": answer.repeal_date if answer.repeal_date else (
                answer.lifetime.end.hi if answer.lifetime.end is not None else None),
            # a repeal names its clause verbatim; a supersession by the next version of the
            # same work rests on the order of versions, which no clause states: null, and
            # `basis` says what it rests on
            "clause": answer.repeal_edge.evidence.text if answer.repeal_edge.kind == "repeal" else None,
            "kind": answer.repeal_edge.kind,  # repeal (a clause) | supersede (next version)
            "basis": answer.repeal_edge.evidence.text,
            "date_settled": answer.repeal_date is not None,
        }
    superseded = answer.status == SUPERSEDED
    measure = None
    if answer.measure is not None:
        m = answer.measure
        dropped = m.dropped_on
        measure = {"label": m.label, "status": m.status,
                   "successors": [s.to_json() for s in m.successors], "reason": m.reason,
                   "ordinal": m.ordinal, "command": m.command,
                   "version": m.version,  # the version the label was read in
                   "dropped_in": {"ref": m.dropped_in, "date": dropped.lo if dropped.settled else None,
                                  "lo": dropped.lo, "hi": dropped.hi, "settled": dropped.settled}
                   if m.dropped_in is not None and dropped is not None else None,
                   "renumbering": [r.to_json() for r in m.renumbering]}
    life = answer.lifetime
    return {
        "format": STATUS_FORMAT,
        "query": answer.query,
        "ref": node.ref or node.key,
        "doc_no": node.doc_no,
        "title": node.title,
        "as_of": answer.as_of,
        "status": answer.status,
        "repealed_by": None if superseded else ended_by,
        "measure": measure,
        "superseded_by": ended_by if superseded else None,
        "reason": answer.reason,
        "archived": node.archived,
        "has_text": bool(node.version is not None and node.version.has_text),
        "ended_by": life.end_kind,
        "bounds": {"start": _bound_json(life.start), "end": _bound_json(life.end)},
        "evidence": [e.to_json() for e in answer.evidence],
        "notes": list(answer.notes),
    }


def _evidence_line(e: Evidence) -> str:
    where = f" [{e.source}" + (f", offset {e.offset}" if e.offset is not None else "") + "]" if e.source else ""
    quoted = f"「{e.text}」" if e.kind.endswith("_clause") else e.text
    return f"{e.kind}: {quoted}{where}"


def _bound_text(name: str, bound: Bound | None) -> list[str]:
    if bound is None:
        return [f"  {name}: none in the archive"]
    if bound.settled:
        head = f"  {name}: {bound.lo}"
    else:
        head = f"  {name}: between {bound.lo or '?'} and {bound.hi or '?'} (unsettled)"
    return [head] + [f"    - {_evidence_line(e)}" for e in bound.evidence]


def status_text(answer: StatusAnswer) -> str:
    node = answer.node
    lines = [f"{answer.query}: {STATUS_WORDS[answer.status]} as of {answer.as_of}"]
    lines.append(f"  answered for: {node.ref or node.key}"
                 + ("" if node.archived else " (not in the archive: named by a repeal clause)"))
    if node.title:
        lines.append(f"  title: 《{normalize_title(node.title)}》")
    if node.doc_no:
        lines.append(f"  文号: {node.doc_no}")
    lines.append(f"  reason: {answer.reason}")
    if answer.status in ENDED and answer.repeal_edge is not None and answer.repealed_by is not None:
        by = answer.repealed_by
        when = answer.repeal_date or "a date the texts do not fix"
        if answer.repeal_edge.kind == "repeal":
            lines.append(f"  repealed by: {by.ref or by.key} on {when}")
            lines.append(f"  clause: 「{answer.repeal_edge.evidence.text}」")
        else:
            lines.append(f"  superseded by: {by.ref or by.key} on {when} ({answer.repeal_edge.evidence.text})")
    lines.append("  bounds:")
    lines += ["  " + line for line in _bound_text("in force from", answer.lifetime.start)]
    lines += ["  " + line for line in _bound_text("ends", answer.lifetime.end)]
    for note in answer.notes:
        lines.append(f"  note: {note}")
    if answer.measure is not None:
        m = answer.measure
        lines.append(f"measure {m.label}" + (f" of {m.version}" if m.version else "")
                     + f": {STATUS_WORDS.get(m.status, m.status)}")
        lines.append(f"  reason: {m.reason}")
        if m.dropped_in is not None and m.dropped_on is not None:
            on = m.dropped_on
            when = on.lo if on.settled else f"between {on.lo or '?'} and {on.hi or '?'}"
            lines.append(f"  dropped in: {m.dropped_in}, in force from {when}")
        for r in m.renumbering:
            lines.append(f"  {r.line}")
        for s in m.successors:
            lines.append(f"  successor: {s.ref} measure {s.label} (ordinal {s.ordinal}), "
                         f"{s.kind}, similarity {s.similarity:.2f}")
        if m.command:
            lines.append(f"  to settle it: {m.command}")
    return "\n".join(lines) + "\n"


def render_status(answer: StatusAnswer, fmt: str = "text") -> str:
    if fmt == "json":
        return _dump(status_dict(answer))
    return status_text(answer)


# ---------------------------------------------------------------------------------------
# log (version timeline)


def _entry_dict(entry: TimelineEntry) -> dict[str, Any]:
    return {
        "ref": entry.ref, "version": entry.version, "title": entry.title, "doc_no": entry.doc_no,
        "issued": entry.issued, "effective": entry.effective, "has_text": entry.has_text,
        "in_force_from": _bound_json(entry.start), "ends": _bound_json(entry.end),
        "ended_by": {"kind": entry.end_kind, "ref": entry.ended_by, "status": END_STATUS[entry.end_kind]}
        if entry.end_kind else None,
        "repeals": [{"target": e.old, "verb": e.verb, "clause": e.evidence.text,
                     "offset": e.evidence.offset} for e in entry.repeals],
        "repealed_by": [{"ref": e.new, "clause": e.evidence.text, "offset": e.evidence.offset}
                        for e in entry.repealed_by],
        "clauses": [{"kind": c.kind, "text": c.text, "offset": c.offset, "date": c.date,
                     "years": c.years} for c in entry.clauses],
    }


def log_dict(work: str, entries: Sequence[TimelineEntry]) -> dict[str, Any]:
    return {"format": LOG_FORMAT, "work": work, "versions": [_entry_dict(e) for e in entries]}


def _when(bound: Bound | None) -> str:
    if bound is None:
        return "—"
    if bound.settled:
        return bound.lo or "?"
    return f"{bound.lo or '?'} .. {bound.hi or '?'}"


def log_text(work: str, entries: Sequence[TimelineEntry]) -> str:
    lines = [f"{work}: {len(entries)} version(s)"]
    for e in entries:
        lines.append("")
        lines.append(f"{e.ref}" + ("" if e.has_text else "  [no text]"))
        if e.title:
            lines.append(f"  title: 《{normalize_title(e.title)}》")
        lines.append(f"  文号: {e.doc_no or '无'}")
        lines.append(f"  issued: {e.issued or '—'}   effective: {e.effective or '—'}")
        lines.append(f"  in force from: {_when(e.start)}")
        if e.end is not None:
            lines.append(f"  ends: {_when(e.end)}, {STATUS_WORDS[END_STATUS[e.end_kind]]} ({e.end_kind}"  # type: ignore[index]
                         + (f" by {e.ended_by}" if e.ended_by else "") + ")")
        for r in e.repeals:
            lines.append(f"  repeals {r.old}: 「{r.evidence.text}」")
        for r in e.repealed_by:
            lines.append(f"  repealed by {r.new}: 「{r.evidence.text}」")
        for c in e.clauses:
            lines.append(f"  {c.kind} clause (offset {c.offset}): 「{c.text}」")
    return "\n".join(lines) + "\n"


def log_html(work: str, entries: Sequence[TimelineEntry], lang: str = "zh") -> str:
    """The timeline page (templates/log.html.j2): one card per version."""
    from .pages import render_page

    return render_page("log.html.j2", lang, work=work, entries=list(entries), end_status=END_STATUS)


def render_log(work: str, entries: Sequence[TimelineEntry], fmt: str = "text", lang: str = "zh") -> str:
    if fmt == "json":
        return _dump(log_dict(work, entries))
    if fmt == "html":
        return log_html(work, entries, lang)
    return log_text(work, entries)


# ---------------------------------------------------------------------------------------
# lineage (one measure through a work)


def lineage_dict(lineage: Lineage) -> dict[str, Any]:
    return {"format": LINEAGE_FORMAT, "work": lineage.work, "measure": lineage.query_label,
            "start": lineage.start.to_json(), "versions": list(lineage.versions),
            "hops": [h.to_json() for h in lineage.hops], "notes": list(lineage.notes),
            "renumbering": [r.to_json() for r in lineage.renumbering]}


def _labels(measures) -> str:
    return " + ".join(m.label for m in measures) or "—"


def lineage_text(lineage: Lineage) -> str:
    start = lineage.start
    lines = [f"{lineage.work}: lineage of measure {start.label} of {start.ref} (ordinal {start.ordinal})",
             f"  versions: {' -> '.join(lineage.versions)}"]
    lines += [f"  {r.line}" for r in lineage.renumbering]
    for hop in lineage.hops:
        flags = [f for f, on in (("renumbered", hop.renumbered), ("moved", hop.moved)) if on]
        extra = f" [{', '.join(flags)}]" if flags else ""
        partners = f" (merged with {_labels(hop.partners)})" if hop.partners else ""
        skipped = f" (across {', '.join(hop.skipped)}: no text)" if hop.skipped else ""
        lines.append(f"  {hop.old_ref} {_labels(hop.old)} -> {hop.new_ref} {_labels(hop.new)}: "
                     f"{hop.kind}{extra}, similarity {hop.similarity:.2f}{partners}{skipped}")
    if not lineage.hops:
        lines.append("  no other version with text to follow it into")
    for note in lineage.notes:
        lines.append(f"  note: {note}")
    return "\n".join(lines) + "\n"


def _line_in(lineage: Lineage, ref: str):
    """The measures of the traced line present in version `ref`, in ordinal order."""
    found = {}
    if lineage.start.ref == ref:
        found[lineage.start.ordinal] = lineage.start
    for hop in lineage.hops:
        if hop.old_ref == ref:
            for m in hop.old + hop.partners:
                found[m.ordinal] = m
        if hop.new_ref == ref:
            for m in hop.new:
                found[m.ordinal] = m
    return [found[k] for k in sorted(found)]


def lineage_html(lineage: Lineage, lang: str = "zh") -> str:
    """One card per version, oldest first (templates/lineage.html.j2): the line's measures
    in it, and the hop(s) that led there from the version before."""
    from .pages import render_page

    cards = [{"ref": ref, "measures": _line_in(lineage, ref), "hops": [h for h in lineage.hops if h.new_ref == ref]}
             for ref in lineage.versions]
    return render_page("lineage.html.j2", lang, lineage=lineage, cards=cards)


def render_lineage(lineage: Lineage, fmt: str = "text", lang: str = "zh") -> str:
    if fmt == "json":
        return _dump(lineage_dict(lineage))
    if fmt == "html":
        return lineage_html(lineage, lang)
    return lineage_text(lineage)
