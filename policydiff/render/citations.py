"""`policydiff citations` output: the `policydiff.citations/1` JSON (DESIGN §5), terminal
text and CSV, all rendered from one `citations.CitationReport`.

Deterministic: fixed key order, similarity rounded, rows in document order; no clock, no
path of an output file. Functional core: no I/O.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from ..citations import CitationReport, CorrespondenceRow, ExternalCheck, InternalCheck, TargetRef
from .json import SIMILARITY_PLACES, version_header

FORMAT = "policydiff.citations/1"
# FORMAT_LOG (bump the number when a key is renamed or removed; adding keys is free):
#   policydiff.citations/1  first version: format, old, new, correspondence, internal,
#                           external (DESIGN §5); also summary, external_scope,
#                           external_notes, settings (the alignment's and the check's
#                           tunables), tool and, per entry, the keys built below.


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
        "settings": _settings(c),
        "tool": {"name": c.tool[0], "version": c.tool[1]},
    }
    return out


def _settings(c) -> dict[str, Any]:
    """The alignment's settings and the citation check's own tunables (provenance)."""
    from .. import citations as core
    from .json import _plain

    out = _plain(dict(c.settings))
    out.update({"citation_context_chars": core.CONTEXT_CHARS, "citation_context_min": core.CONTEXT_MIN,
                "citation_paragraph_match_min": core.PARAGRAPH_MATCH_MIN})
    return {k: out[k] for k in sorted(out)}


def citations_json(report: CitationReport) -> str:
    return json.dumps(citations_dict(report), ensure_ascii=False, indent=2) + "\n"


CSV_COLUMNS = ("record", "side_or_ref", "ordinal", "citing_label", "text", "start", "end", "target_label",
               "target_ordinal", "new_labels", "new_ordinals", "written_text", "written_label", "status",
               "kind", "similarity", "reason")


def citations_csv(report: CitationReport) -> str:
    """One CSV: `record` says what a row is — `correspondence` (the 条文序号对照表: old
    label(s) in target_label, new labels, kind, similarity), `internal` (one citation of
    the revision) or `external` (a citation in another archived document)."""
    data = citations_dict(report)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in data["correspondence"]:
        writer.writerow(["correspondence", "", " ".join(map(str, row["old"])), "", "", "", "",
                         " ".join(row["old_labels"]), "", " ".join(row["new_labels"]),
                         " ".join(map(str, row["new"])), "", "", "", row["kind"],
                         f"{row['similarity']:.4f}", ""])
    for item in data["internal"]:
        target = item["target"] or {}
        written = item["written_in_new"] or {}
        writer.writerow(["internal", item["side"], item["ordinal"], item["citing_label"], item["text"],
                         item["start"], item["end"], target.get("label", ""), target.get("ordinal") or "",
                         " ".join(t["label"] for t in item["target_new"]),
                         " ".join(str(t["ordinal"]) for t in item["target_new"]),
                         written.get("text", ""), written.get("label") or "", item["status"],
                         item["target_change"] or "", "", item["reason"]])
    for item in data["external"]:
        target = item["target"]
        writer.writerow(["external", item["ref"], item["ordinal"], "", item["text"], item["start"], item["end"],
                         target["label"] or "", target["ordinal"] or "", " ".join(item["suggested"]), "",
                         "", "", item["status"], "", "", item["reason"]])
    return buffer.getvalue()


def citations_text(report: CitationReport) -> str:
    c = report.comparison
    old_labels, new_labels = _labels(report, "old"), _labels(report, "new")
    lines = [f"citations: {c.old.ref} -> {c.new.ref}"]
    counts = report.counts()
    old_n = sum(1 for ch in report.internal if ch.side == "old")
    parts = ", ".join(f"{k} {v}" for k, v in counts.items() if v and k != "new_citation")
    lines.append(f"internal citations of the old version: {old_n}" + (f" ({parts})" if parts else ""))
    lines.append(f"new citations in the new version: {counts.get('new_citation', 0)}")
    attention = [ch for ch in report.internal if ch.side == "old" and ch.status not in ("unchanged", "updated")]
    lines.append("")
    lines.append("internal citations (old -> new):")
    for ch in report.internal:
        lines.append("  " + _internal_line(ch, old_labels if ch.side == "old" else new_labels))
    if report.external_scope is not None:
        lines.append("")
        ext = ", ".join(f"{k} {v}" for k, v in sorted(report.external_counts().items()))
        lines.append(f"citations in other archived documents ({report.external_scope} versions): "
                     f"{len(report.external)}" + (f" ({ext})" if ext else ""))
        for note in report.external_notes:
            lines.append(f"  note: {note}")
        for ex in report.external:
            lines.append("  " + _external_line(ex))
    lines.append("")
    renumbered = sum(1 for r in report.correspondence if r.renumbered)
    lines.append(f"correspondence (条文序号对照表): {len(report.correspondence)} rows, {renumbered} renumbered")
    for row in report.correspondence:
        old = "、".join(row.old_labels) or "—"
        new = "、".join(row.new_labels) or "—"
        lines.append(f"  {old} -> {new}  {row.kind} {row.similarity:.2f}")
    if attention:
        lines.insert(3, f"needs attention: {len(attention)}")
    return "\n".join(lines) + "\n"


def _internal_line(ch: InternalCheck, labels: dict[int, str]) -> str:
    c = ch.citation
    where = labels.get(c.ordinal, f"#{c.ordinal}")
    if ch.side == "new":
        target = ch.target.label if ch.target else "?"
        origin = "、".join(t.label for t in ch.target_in_old) or "new"
        return f"[new_citation] {where} 「{c.text}」 -> {target} (in the old version: {origin})"
    target = ch.target.label if ch.target else "?"
    predicted = "、".join(t.label for t in ch.target_new) or "—"
    written = f"; written 「{ch.written.text}」" if ch.written is not None else ""
    if ch.written_target is not None and ch.written is not None:
        written += f" = {ch.written_target.label}"
    reason = f" ({ch.reason})" if ch.reason else ""
    return f"[{ch.status}] {where} 「{c.text}」 {target} -> {predicted}{written}{reason}"


def _external_line(ex: ExternalCheck) -> str:
    suggestion = f" {ex.suggested_text}" if ex.suggested_text else ""
    reason = f" ({ex.reason})" if ex.reason else ""
    return f"[{ex.status}] {ex.ref} 「{ex.citation.text}」{suggestion}{reason}"


__all__ = ["FORMAT", "citations_dict", "citations_json", "citations_csv", "citations_text"]


# --------------------------------------------------------------------------- HTML report sections

# UI strings of the two report sections (条文序号对照表, 引用影响), kept beside their view so
# that the shared label table is not edited for them; every key exists in both languages
# (tests/test_citations.py checks it).
CITATION_LABELS: dict[str, dict[str, str]] = {
    "zh": {
        "corr.heading": "条文序号对照表",
        "corr.intro": "每一条旧条文在新版中的对应条文（由对齐得出）。共 {rows} 行，其中序号变化 {renumbered} 行。",
        "corr.old": "旧版条文",
        "corr.new": "新版条文",
        "corr.kind": "对应关系",
        "corr.similarity": "相似度",
        "corr.none": "—",
        "impact.heading": "引用影响",
        "impact.internal": "本文件内部的引用",
        "impact.internal_counts": "旧版中的引用 {old} 处：{parts}；新版新增引用 {new} 处。",
        "impact.attention": "需要核对的引用",
        "impact.attention_none": "没有需要核对的内部引用：新版写出的条文序号都与对齐结果一致。",
        "impact.updated": "新版已随序号变化更新的引用（{n} 处）",
        "impact.col_where": "所在条文",
        "impact.col_citation": "引用原文",
        "impact.col_target": "被引条文",
        "impact.col_predicted": "对齐得出的新序号",
        "impact.col_written": "新版写作",
        "impact.col_status": "状态",
        "impact.col_reason": "说明",
        "impact.external": "其他档案文件中的引用",
        "impact.external_none": "档案中没有其他文件引用本文件的条文。",
        "impact.external_absent": "本报告未检查其他文件对本文件条文的引用（两个版本都在档案中时，policydiff report 和 policydiff citations --archive-wide 会检查）。",
        "impact.col_ref": "引用文件",
        "impact.col_suggested": "建议改为",
        "status.updated": "已更新",
        "status.unchanged": "未变",
        "status.stale": "疑似未更新",
        "status.retargeted": "改引他条",
        "status.target_removed": "被引条文已删除",
        "status.target_split": "被引条文已拆分",
        "status.dropped": "引用已删去",
        "status.unresolved": "无法解析",
        "status.new_citation": "新增引用",
        "status.current": "仍然有效",
        "status.renumbered": "序号已变",
        "status.modified": "内容已改",
        "status.removed": "已删除",
        "status.split": "已拆分",
        "status.unknown": "无法判断",
    },
    "en": {
        "corr.heading": "Article number correspondence (条文序号对照表)",
        "corr.intro": "Each old article and its counterpart in the new version (from the alignment). {rows} rows, {renumbered} renumbered.",
        "corr.old": "Old article",
        "corr.new": "New article",
        "corr.kind": "Correspondence",
        "corr.similarity": "Similarity",
        "corr.none": "—",
        "impact.heading": "Citation impact (引用影响)",
        "impact.internal": "Citations inside the document",
        "impact.internal_counts": "{old} citations in the old version: {parts}; {new} new citations in the new version.",
        "impact.attention": "Citations to check",
        "impact.attention_none": "No internal citation to check: every article number the new text writes agrees with the alignment.",
        "impact.updated": "Citations the new text updated to the new numbering ({n})",
        "impact.col_where": "In article",
        "impact.col_citation": "Citation as written",
        "impact.col_target": "Cited article",
        "impact.col_predicted": "New number from the alignment",
        "impact.col_written": "New text writes",
        "impact.col_status": "Status",
        "impact.col_reason": "Note",
        "impact.external": "Citations in other archived documents",
        "impact.external_none": "No other archived document cites this document's articles.",
        "impact.external_absent": "Citations of this document in other documents were not checked for this report (policydiff report and policydiff citations --archive-wide check them when both versions are archived).",
        "impact.col_ref": "Citing document",
        "impact.col_suggested": "Suggested",
        "status.updated": "updated",
        "status.unchanged": "unchanged",
        "status.stale": "stale",
        "status.retargeted": "retargeted",
        "status.target_removed": "target removed",
        "status.target_split": "target split",
        "status.dropped": "dropped",
        "status.unresolved": "unresolved",
        "status.new_citation": "new citation",
        "status.current": "current",
        "status.renumbered": "renumbered",
        "status.modified": "modified",
        "status.removed": "removed",
        "status.split": "split",
        "status.unknown": "unknown",
    },
}

ATTENTION = ("stale", "retargeted", "target_removed", "target_split", "unresolved")


def citation_label(key: str, lang: str = "zh", **fields: object) -> str:
    text = CITATION_LABELS[lang].get(key, key)
    return text.format(**fields) if fields else text


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
            "reason": ch.reason,
        }

    olds = [ch for ch in report.internal if ch.side == "old"]
    counts = report.counts()
    parts = "，".join(f"{t('status.' + k)} {v}" for k, v in counts.items() if v and k != "new_citation") \
        if lang == "zh" else ", ".join(f"{t('status.' + k)} {v}" for k, v in counts.items() if v and k != "new_citation")
    external = [{
        "ref": e.ref, "title": e.title or "", "citation": e.citation.text, "status": e.status,
        "status_label": t("status." + e.status), "suggested": e.suggested_text or "、".join(e.suggested),
        "reason": e.reason,
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
        "external_notes": list(report.external_notes),
    }
