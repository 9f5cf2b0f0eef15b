"""`policydiff citations` output: the `policydiff.citations/1` JSON (DESIGN §5), terminal
text and CSV, all rendered from one `citations_check.CitationReport`, and the report's
条文序号对照表 and 引用影响 sections (`citations_view`).

Every word a reader sees comes from the labels catalogue (render.labels, keys "cite.*",
and "creason.<code>" for the reason of a check) in the output's language: the core gives
each check a reason code with its parameters (`reason_code`, `reason_args`), never a
sentence to show. JSON keeps the English `reason` sentence of the contract beside the code.

Deterministic: fixed key order, similarity rounded, rows in document order; no clock, no
path of an output file. Functional core: no I/O.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..citations_check import CitationReport, CorrespondenceRow, ExternalCheck, InternalCheck, TargetRef
from .json import SIMILARITY_PLACES, version_header
from .labels import check_lang, label

FORMAT = "policydiff.citations/1"
# FORMAT_LOG (bump the number when a key is renamed or removed; adding keys is free):
#   policydiff.citations/1  first version: format, old, new, correspondence, internal,
#                           external (DESIGN §5); also summary, external_scope,
#                           external_notes, settings (the alignment's and the check's
#                           tunables), tool and, per entry, the keys built below.
#                           Later additions (no bump): reason_code and reason_args on
#                           internal and external entries, changed_in on external ones,
#                           unarchived_works at the top; CSV columns reason_code,
#                           reason_args, reason_text (the reason in the output's language).


def _plain_arg(value: Any) -> Any:
    """A reason parameter as JSON: tuples become lists."""
    if isinstance(value, tuple):
        return [_plain_arg(v) for v in value]
    return value


def reason_args_dict(args) -> dict[str, Any]:
    return {k: _plain_arg(v) for k, v in args}


def reason_text(code: str, args, lang: str = "zh") -> str:
    """The reason `code` with its parameters (a mapping or (name, value) pairs), worded in
    `lang` from the catalogue; "" for no code. The parts a code may carry (predicted: a
    merge, a rewritten sentence; split_written: one of the candidates; followed_through:
    the steps) have their own keys, so each language orders its own sentence.

    >>> reason_text("predicted", {"predicted": "第六条", "merged_into": None, "rewritten": True})
    '预测为第六条（所在句子已改写：请人工核对）'
    >>> reason_text("no_successor", {"article": "第十条"}, "en")
    '第十条 has no successor'
    """
    if not code:
        return ""
    check_lang(lang)
    values = dict(args)
    key = "creason." + code
    if code == "predicted":
        text = label(key, lang, predicted=values["predicted"])
        if values.get("merged_into"):
            text += label(key + ".merged", lang, merged_into=values["merged_into"])
        if values.get("rewritten"):
            text += label(key + ".rewritten", lang)
        return text
    if code == "split_written":
        text = label(key, lang, written=values["written"])
        return text + (label(key + ".candidate", lang) if values.get("candidate") else "")
    if code == "followed_through":
        steps = label("list_sep", lang).join(label(key + ".step", lang, label=step_label, ref=ref)
                                             for step_label, ref in values["via"])
        return label(key, lang, basis=values["basis"], steps=steps)
    return label(key, lang, **values) if values else label(key, lang)


def check_reason(check: InternalCheck | ExternalCheck, lang: str = "zh") -> str:
    """A check's reason in `lang` (the catalogue's wording of its reason code)."""
    return reason_text(check.reason_code, check.reason_args, lang)


def suggestion_text(check: ExternalCheck, lang: str = "zh") -> str:
    """What to write now for an external citation, in `lang`: 「X第三条 → 第四条」, 「… →
    （已删除）」; the labels alone when there is no rewrite to show (current, modified)."""
    text = check.citation.text
    labels = label("cite.suggest.alternatives", lang).join(check.suggested)
    where = {"ref": check.changed_in} if check.changed_in else {}
    suffix = "_in" if check.changed_in else ""
    if check.status == "removed":
        return label("cite.suggest.removed" + suffix, lang, text=text, **where)
    if check.status == "split":
        return label("cite.suggest.split" + suffix, lang, text=text, labels=labels, **where)
    if check.status == "renumbered" and check.suggested:
        return label("cite.suggest.renumbered", lang, text=text, labels=labels)
    return label("list_sep", "zh").join(check.suggested)  # labels are Chinese: 、 in every language


# Names of works not in the archive listed in the note about them (the rest are counted).
UNARCHIVED_LISTED = 12


def external_notes_text(report: CitationReport, lang: str = "zh") -> list[str]:
    """The notes below the external citations, in `lang`: how many citations name works
    that are not archived (or not uniquely), the most cited first."""
    if not report.unarchived:
        return []
    listed = label("list_sep", "zh").join(
        label("cite.impact.unarchived_item", lang, name=name, n=n) if n > 1 else name
        for name, n in report.unarchived[:UNARCHIVED_LISTED])
    return [label("cite.impact.unarchived", lang, total=sum(n for _, n in report.unarchived), listed=listed)]


def _target(ref: TargetRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {"label": ref.label, "ordinal": ref.ordinal, "article_label": ref.article_label,
            "paragraphs": list(ref.paragraphs), "items": list(ref.items)}


def correspondence_dict(row: CorrespondenceRow) -> dict[str, Any]:
    return {
        "old": list(row.old), "new": list(row.new),
        "old_labels": list(row.old_labels), "new_labels": list(row.new_labels),
        "kind": row.kind, "similarity": round(row.similarity, SIMILARITY_PLACES),
        "renumbered": row.renumbered, "moved": row.moved,
    }


def internal_dict(check: InternalCheck, citing_label: str) -> dict[str, Any]:
    c = check.citation
    written = None
    if check.written is not None:
        w = check.written
        written = {
            "ordinal": w.ordinal, "text": w.text,
            "label": check.written_target.label if check.written_target is not None else None,
            "start": w.start, "end": w.end,
            "target_ordinal": check.written_target.ordinal if check.written_target is not None else None,
        }
    return {
        "side": check.side, "ordinal": c.ordinal, "citing_label": citing_label,
        "text": c.text, "start": c.start, "end": c.end, "scope": c.scope,
        "target": _target(check.target),
        "target_new": [_target(t) for t in check.target_new],
        "written_in_new": written,
        "status": check.status,
        "target_change": check.target_change,
        "target_in_old": [_target(t) for t in check.target_in_old],
        "role": c.role,
        "reason": check.reason,
        "reason_code": check.reason_code or None,
        "reason_args": reason_args_dict(check.reason_args),
    }


def external_dict(check: ExternalCheck) -> dict[str, Any]:
    c = check.citation
    return {
        "ref": check.ref, "title": check.title, "ordinal": c.ordinal or None,  # None: unnumbered text
        "text": c.text,
        "start": c.start, "end": c.end, "work_name": c.work_name,
        "target": {"ref": check.basis or None, "label": check.target.label if check.target else None,
                   "ordinal": check.target.ordinal if check.target else None},
        "status": check.status, "suggested": list(check.suggested),
        "suggested_text": check.suggested_text, "text_changed": check.text_changed,
        "citing_date": check.citing_date, "reason": check.reason,
        "reason_code": check.reason_code or None, "reason_args": reason_args_dict(check.reason_args),
        "changed_in": check.changed_in or None,
    }


def _labels(report: CitationReport, side: str) -> dict[int, str]:
    from ..citations import measure_label

    version = report.comparison.old if side == "old" else report.comparison.new
    doc = version.document
    return {m.ordinal: measure_label(m) for m in doc.measures} if doc is not None else {}


def citations_dict(report: CitationReport) -> dict[str, Any]:
    c = report.comparison
    labels = {"old": _labels(report, "old"), "new": _labels(report, "new")}
    out: dict[str, Any] = {
        "format": FORMAT,
        "old": version_header(c.old),
        "new": version_header(c.new),
        "summary": {"internal": report.counts(), "external": report.external_counts()},
        "correspondence": [correspondence_dict(r) for r in report.correspondence],
        "internal": [internal_dict(ch, labels[ch.side].get(ch.citation.ordinal, "")) for ch in report.internal],
        "external": [external_dict(ch) for ch in report.external],
        "external_scope": report.external_scope,
        "external_notes": list(report.external_notes),
        "unarchived_works": [{"name": name, "citations": n} for name, n in report.unarchived],
        "settings": _settings(c),
        "tool": {"name": c.tool[0], "version": c.tool[1]},
    }
    return out


def _settings(c) -> dict[str, Any]:
    """The alignment's settings and the citation check's own tunables (provenance)."""
    from .. import citations as core, citations_check as check
    from .json import _plain

    out = _plain(dict(c.settings))
    out.update({"citation_context_chars": check.CONTEXT_CHARS, "citation_context_min": check.CONTEXT_MIN,
                "citation_paragraph_match_min": core.PARAGRAPH_MATCH_MIN})
    return {k: out[k] for k in sorted(out)}


def citations_json(report: CitationReport) -> str:
    return json.dumps(citations_dict(report), ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ("record", "side_or_ref", "ordinal", "citing_label", "text", "start", "end", "target_label",
               "target_ordinal", "new_labels", "new_ordinals", "written_text", "written_label", "status",
               "kind", "similarity", "reason", "reason_code", "reason_args", "reason_text")


def citations_csv(report: CitationReport, lang: str = "zh") -> str:
    """One CSV: `record` says what a row is — `correspondence` (the 条文序号对照表: old
    label(s) in target_label, new labels, kind, similarity), `internal` (one citation of
    the revision) or `external` (a citation in another archived document). `reason` is the
    JSON's English sentence, `reason_code`/`reason_args` (JSON) its code, `reason_text`
    the reason in `lang`."""
    check_lang(lang)
    data = citations_dict(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)

    def reason_columns(item: dict[str, Any], check) -> list[str]:
        args = json.dumps(item["reason_args"], ensure_ascii=False, sort_keys=True) if item["reason_code"] else ""
        return [item["reason"], item["reason_code"] or "", args, check_reason(check, lang)]

    for row in data["correspondence"]:
        writer.writerow(["correspondence", "", " ".join(map(str, row["old"])), "", "", "", "",
                         " ".join(row["old_labels"]), "", " ".join(row["new_labels"]),
                         " ".join(map(str, row["new"])), "", "", "", row["kind"],
                         f"{row['similarity']:.4f}", "", "", "", ""])
    for item, check in zip(data["internal"], report.internal):
        target = item["target"] or {}
        written = item["written_in_new"] or {}
        writer.writerow(["internal", item["side"], item["ordinal"], item["citing_label"], item["text"],
                         item["start"], item["end"], target.get("label", ""), target.get("ordinal") or "",
                         " ".join(t["label"] for t in item["target_new"]),
                         " ".join(str(t["ordinal"]) for t in item["target_new"]),
                         written.get("text", ""), written.get("label") or "", item["status"],
                         item["target_change"] or "", "", *reason_columns(item, check)])
    for item, check in zip(data["external"], report.external):
        target = item["target"]
        writer.writerow(["external", item["ref"], item["ordinal"], "", item["text"], item["start"], item["end"],
                         target["label"] or "", target["ordinal"] or "", " ".join(item["suggested"]), "",
                         "", "", item["status"], "", "", *reason_columns(item, check)])
    return buffer.getvalue()


def citations_text(report: CitationReport, lang: str = "zh") -> str:
    """The terminal summary: counts, every internal citation (`[status]` is the JSON code,
    kept in every language so that it can be grepped), the external ones with their
    suggestions, and the 条文序号对照表; words from the catalogue in `lang`."""
    check_lang(lang)

    def t(key: str, **fields: object) -> str:
        return label("cite." + key, lang, **fields)

    sep = t("parts_sep")
    c = report.comparison
    old_labels, new_labels = _labels(report, "old"), _labels(report, "new")
    lines = [t("text.title", old=c.old.ref, new=c.new.ref)]
    counts = report.counts()
    old_n = sum(1 for ch in report.internal if ch.side == "old")
    parts = sep.join(f"{t('status.' + k)} {v}" for k, v in counts.items() if v and k != "new_citation")
    lines.append(t("text.internal", n=old_n, parts=t("text.parts", parts=parts) if parts else ""))
    lines.append(t("text.new", n=counts.get("new_citation", 0)))
    attention = [ch for ch in report.internal if ch.side == "old" and ch.status not in ("unchanged", "updated")]
    lines.append("")
    lines.append(t("text.internal_heading"))
    for ch in report.internal:
        lines.append("  " + _internal_line(ch, old_labels if ch.side == "old" else new_labels, lang))
    if report.external_scope is not None:
        lines.append("")
        ext = sep.join(f"{t('status.' + k)} {v}" for k, v in sorted(report.external_counts().items()))
        scope = t("text.scope_all") if report.external_scope == "all" else t("text.scope_latest")
        lines.append(t("text.external", scope=scope, n=len(report.external),
                       parts=t("text.parts", parts=ext) if ext else ""))
        for note in external_notes_text(report, lang):
            lines.append("  " + t("text.note", note=note))
        for ex in report.external:
            lines.append("  " + _external_line(ex, lang))
    lines.append("")
    renumbered = sum(1 for r in report.correspondence if r.renumbered)
    lines.append(t("text.correspondence", rows=len(report.correspondence), renumbered=renumbered))
    for row in report.correspondence:
        old = "、".join(row.old_labels) or "—"
        new = "、".join(row.new_labels) or "—"
        lines.append("  " + t("text.row", old=old, new=new, kind=label("kind." + row.kind, lang),
                              similarity=f"{row.similarity:.2f}"))
    if attention:
        lines.insert(3, t("text.attention", n=len(attention)))
    return "\n".join(lines) + "\n"


def _internal_line(ch: InternalCheck, labels: dict[int, str], lang: str) -> str:
    def t(key: str, **fields: object) -> str:
        return label("cite." + key, lang, **fields)

    c = ch.citation
    where = labels.get(c.ordinal, f"#{c.ordinal}")
    target = ch.target.label if ch.target else "?"
    if ch.side == "new":
        origin = "、".join(x.label for x in ch.target_in_old) or t("text.origin_new")
        return f"[{ch.status}] " + t("text.new_citation", where=where, text=c.text, target=target, origin=origin)
    predicted = "、".join(x.label for x in ch.target_new) or "—"
    written = t("text.written", text=ch.written.text) if ch.written is not None else ""
    if ch.written_target is not None and ch.written is not None:
        written += t("text.written_target", label=ch.written_target.label)
    reason = check_reason(ch, lang)
    return f"[{ch.status}] " + t("text.check", where=where, text=c.text, target=target, predicted=predicted,
                                 written=written, reason=t("text.reason", reason=reason) if reason else "")


def _external_line(ex: ExternalCheck, lang: str) -> str:
    suggestion = suggestion_text(ex, lang) if ex.status in ("renumbered", "removed", "split") else ""
    reason = check_reason(ex, lang)
    return (f"[{ex.status}] {ex.ref} 「{ex.citation.text}」" + (f" {suggestion}" if suggestion else "")
            + (label("cite.text.reason", lang, reason=reason) if reason else ""))


__all__ = ["FORMAT", "citations_dict", "citations_json", "citations_csv", "citations_text", "reason_text",
           "check_reason", "suggestion_text", "external_notes_text"]


# --------------------------------------------------------------------------- HTML report sections

ATTENTION = ("stale", "retargeted", "target_removed", "target_split", "unresolved")


def citation_label(key: str, lang: str = "zh", **fields: object) -> str:
    """A UI string of the citation sections: the catalogue's "cite." + key."""
    return label("cite." + key, lang, **fields)


def citations_view(report: CitationReport, lang: str = "zh", impact_checked: bool = False) -> dict[str, Any]:
    """Plain data for the report's 条文序号对照表 and 引用影响 sections."""
    def t(key: str, **fields: object) -> str:
        return citation_label(key, lang, **fields)

    old_labels, new_labels = _labels(report, "old"), _labels(report, "new")
    rows = [{"old": [(o, l) for o, l in zip(r.old, r.old_labels)], "new": [(n, l) for n, l in zip(r.new, r.new_labels)],
             "kind": r.kind, "similarity": f"{r.similarity:.2f}", "renumbered": r.renumbered}
            for r in report.correspondence]

    def internal_row(ch: InternalCheck) -> dict[str, Any]:
        return {
            "status": ch.status, "status_label": t("status." + ch.status),
            "where": (ch.citation.ordinal, old_labels.get(ch.citation.ordinal, "")),
            "citation": ch.citation.text,
            "target": ch.target.label if ch.target else "",
            "predicted": [(x.ordinal, x.label) for x in ch.target_new],
            "written": ch.written.text if ch.written is not None else "",
            "written_where": (ch.written.ordinal, new_labels.get(ch.written.ordinal, "")) if ch.written else None,
            "reason": check_reason(ch, lang), "reason_code": ch.reason_code,
        }

    olds = [ch for ch in report.internal if ch.side == "old"]
    counts = report.counts()
    parts = t("parts_sep").join(f"{t('status.' + k)} {v}" for k, v in counts.items() if v and k != "new_citation")
    external = [{
        "ref": e.ref, "title": e.title or "", "citation": e.citation.text, "status": e.status,
        "status_label": t("status." + e.status), "suggested": suggestion_text(e, lang),
        "reason": check_reason(e, lang), "reason_code": e.reason_code,
    } for e in report.external]
    return {
        "t": t,
        "rows": rows,
        "renumbered": sum(1 for r in report.correspondence if r.renumbered),
        "counts_line": t("impact.internal_counts", old=len(olds), parts=parts or "—",
                         new=counts.get("new_citation", 0)),
        "attention": [internal_row(ch) for ch in olds if ch.status in ATTENTION],
        "updated": [internal_row(ch) for ch in olds if ch.status == "updated"],
        "external": external,
        "external_checked": impact_checked or report.external_scope is not None,
        "external_notes": external_notes_text(report, lang),
    }
