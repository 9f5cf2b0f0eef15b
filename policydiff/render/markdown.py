"""The Markdown change report: the same Comparison, the same facts as the HTML report.

    comparison_markdown(comparison, lang="zh", generated=None) -> str

What it says comes from `view.build_view`, like the HTML report. Policy text is never
passed to a Markdown parser as markup: redlines sit in fenced code blocks (wdiff notation
`[-deleted-]{+inserted+}`), and text in tables or prose has Markdown's special characters
backslash-escaped, so `<script>` or `*` in a policy shows as written.

Functional core: no I/O.

>>> from policydiff.model import Comparison, DocumentMeta, Version
>>> old = Version(work="w", version="1", meta=DocumentMeta(title="甲(测试用虚构文本)"), has_text=False)
>>> new = Version(work="w", version="2", meta=DocumentMeta(title="乙(测试用虚构文本)"), has_text=False)
>>> print(comparison_markdown(Comparison(old, new, ()), lang="en").splitlines()[0])
# Change report: w@1 → w@2
"""

from __future__ import annotations

import re

from ..model import Comparison
from .labels import check_lang, labeller
from .view import build_view, container_name

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def md_escape(text: str | None) -> str:
    r"""Inline text safe for Markdown prose and table cells (one line).

    >>> md_escape("a|b <script> *x*")
    'a\\|b \\<script\\> \\*x\\*'
    >>> md_escape("5. 第五条"), md_escape("# x")
    ('5\\. 第五条', '\\# x')
    """
    if not text:
        return ""
    escaped = _MD_SPECIAL.sub(r"\\\1", " ".join(text.split("\n")))
    # A line that starts like a heading, quote, list item or list number stays text.
    return _MD_LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], escaped)


def fence(body: str) -> str:
    """A fenced block that no run of backticks inside `body` can close."""
    longest = max((len(run) for run in re.findall(r"`+", body)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}text\n{body}\n{ticks}"


def wdiff(segments) -> str:
    """Redline in wdiff notation: [-old-]{+new+}; "=" text as is."""
    out = []
    for op, text in segments:
        if not text:
            continue
        out.append(text if op == "=" else f"[-{text}-]" if op == "-" else f"{{+{text}+}}")
    return "".join(out)


def citation_sections(report, lang: str) -> list[str]:
    """The 条文序号对照表 and 引用影响 sections, as the HTML report has them (the same
    render.citations.citations_view, so the two formats say the same in the same words)."""
    from .citations import citations_view

    t = labeller(lang)
    cv = citations_view(report, lang=lang)
    ct = cv["t"]
    none = ct("corr.none")

    def labels(pairs) -> str:
        return "、".join(md_escape(label) for _, label in pairs) or none

    lines = [f"## {ct('corr.heading')}", "", ct("corr.intro", rows=len(cv["rows"]), renumbered=cv["renumbered"]), "",
             f"| {ct('corr.old')} | {ct('corr.new')} | {ct('corr.kind')} | {ct('corr.similarity')} |",
             "|---|---|---|---:|"]
    lines += [f"| {labels(r['old'])} | {labels(r['new'])} | {t('kind.' + r['kind'])} | {r['similarity']} |"
              for r in cv["rows"]]
    lines += ["", f"## {ct('impact.heading')}", "", f"### {ct('impact.internal')}", "", md_escape(cv["counts_line"]), ""]

    def internal_table(items) -> list[str]:
        out = [f"| {ct('impact.col_where')} | {ct('impact.col_citation')} | {ct('impact.col_target')} | "
               f"{ct('impact.col_predicted')} | {ct('impact.col_written')} | {ct('impact.col_status')} | "
               f"{ct('impact.col_reason')} |", "|---|---|---|---|---|---|---|"]
        for c in items:
            out.append(f"| {md_escape(c['where'][1])} | {md_escape(c['citation'])} | {md_escape(c['target']) or none} | "
                       f"{labels(c['predicted'])} | {md_escape(c['written']) or none} | {c['status_label']} | "
                       f"{md_escape(c['reason'])} |")
        return out + [""]

    lines += [f"#### {ct('impact.attention')}", ""]
    lines += internal_table(cv["attention"]) if cv["attention"] else [ct("impact.attention_none"), ""]
    if cv["updated"]:
        lines += [f"#### {ct('impact.updated', n=len(cv['updated']))}", ""] + internal_table(cv["updated"])
    lines += [f"### {ct('impact.external')}", ""]
    if not cv["external_checked"]:
        lines += [md_escape(ct("impact.external_absent")), ""]
    elif cv["external"]:
        lines += [f"| {ct('impact.col_ref')} | {ct('impact.col_citation')} | {ct('impact.col_status')} | "
                  f"{ct('impact.col_suggested')} | {ct('impact.col_reason')} |", "|---|---|---|---|---|"]
        lines += [f"| `{e['ref']}` {md_escape(e['title'])} | {md_escape(e['citation'])} | {e['status_label']} | "
                  f"{md_escape(e['suggested'])} | {md_escape(e['reason'])} |" for e in cv["external"]]
        lines.append("")
    else:
        lines += [ct("impact.external_none"), ""]
    lines += [x for note in cv["external_notes"] for x in (md_escape(note), "")]
    return lines


def comparison_markdown(c: Comparison, lang: str = "zh", generated: str | None = None, citations=None) -> str:
    """The Markdown report of `c`; `citations` (a citations_check.CitationReport of `c`,
    optional) adds the 条文序号对照表 and 引用影响 sections, as in the HTML report."""
    check_lang(lang)
    t = labeller(lang)
    v = build_view(c, lang=lang, generated=generated)
    none, unknown = t("value.none"), t("value.unknown")
    lines: list[str] = [f"# {t('report.title_full', old=v['old']['ref'], new=v['new']['ref'])}", ""]

    if v["uncommitted"]:
        lines += [f"> **{t('uncommitted.heading')}**", ">"]
        for side in v["uncommitted"]:
            body = t("uncommitted.body_" + side["state"].replace(" ", "_"), side=t("side." + side["side"]),
                     ref=side["ref"], commit=side["commit"] or t("value.none"))
            lines += [f"> {md_escape(body)}", ">"]
        lines += [f"> {t('uncommitted.what_to_do')}", ""]
    for side in v["no_text_sides"]:
        lines += [f"> **{t('notext.heading')}**", ">",
                  f"> {md_escape(t('notext.body', side=t('side.' + side['side']), ref=side['ref']))}", ">",
                  f"> {t('notext.command')}", ">", f"> `{side['command']}`"]
        if v["repeal"]["naming_old"]:
            lines += [">", f"> {t('notext.known')}{t('repeal.new_repeals_old')}"]
            lines += [f"> 「{md_escape(r['clause'])}」" for r in v["repeal"]["naming_old"]]
        lines.append("")

    old, new = v["old"], v["new"]
    lines += [f"## {t('header.heading')}", "", f"| | {t('side.old')} | {t('side.new')} |", "|---|---|---|"]

    def row(name: str, key: str, missing: str = unknown, code: bool = False) -> None:
        cells = []
        for s in (old, new):
            value = s[key]
            if value is None or value == "" or value == ():
                cells.append(missing)
            elif code:
                cells.append(f"`{value}`")
            else:
                cells.append(md_escape(str(value)))
        lines.append(f"| {name} | {cells[0]} | {cells[1]} |")

    row(t("field.ref"), "ref", code=True)
    row(t("field.title"), "title")
    row(t("field.doc_no"), "doc_no", missing=none)
    row(t("field.issuers"), "issuers")
    row(t("field.issued"), "issued")
    row(t("field.effective"), "effective")
    lines.append(f"| {t('field.has_text')} | " + " | ".join(
        t("value.has_text") if s["has_text"] else f"**{t('value.no_text')}**" for s in (old, new)) + " |")
    row(t("field.measures"), "measures", missing="—")
    row(t("field.source_file"), "source_file", code=True)
    row(t("field.source_url"), "source_url", code=True)
    row(t("field.retrieved"), "retrieved")
    row(t("field.source_sha256"), "source_sha256", code=True)
    row(t("field.text_sha256"), "text_sha256", code=True)
    row(t("field.commit"), "commit", code=True)
    if old["notes"] or new["notes"]:
        lines.append(f"| {t('field.notes')} | " + " | ".join(
            "<br>".join(md_escape(n) for n in s["notes"]) or "—" for s in (old, new)) + " |")
    lines.append("")

    lines += [f"### {t('repeal.heading')}", ""]
    if v["repeal"]["naming_old"]:
        lines.append(t("repeal.new_repeals_old"))
        lines.append("")
        lines += [f"> {md_escape(r['clause'])}" for r in v["repeal"]["naming_old"]]
    elif v["repeal"].get("superseded"):
        lines.append(t("repeal.superseded"))
    else:
        lines.append(t("repeal.none"))
    if v["repeal"]["others"]:
        lines += ["", t("repeal.other"), ""] + [f"> {md_escape(r['clause'])}" for r in v["repeal"]["others"]]
    lines.append("")

    lines += [f"## {t('summary.heading')}", "", f"**{md_escape(v['verdict'])}**", ""]
    if v["comparable"]:
        lines += [f"| {t('summary.kind')} | {t('summary.count')} |", "|---|---:|"]
        lines += [f"| {t('kind.' + k)} | {n} |" for k, n in v["kind_counts"]]
        lines += ["", t("summary.flags_note") + " " + t("list_sep").join(
            f"{t('flag.' + f)} {n}" for f, n in v["flag_counts"]), ""]

        lines += [f"## {t('recon.heading')}", "", t("recon.intro"), ""]
        for side, other, rows, heading in (("old", "new", v["old_rows"], "recon.old_heading"),
                                           ("new", "old", v["new_rows"], "recon.new_heading")):
            lines += [f"### {t(heading)}", "",
                      f"| {t('recon.ordinal')} | {t('recon.label')} | {t('recon.path')} | {t('recon.kind')} | "
                      f"{t('recon.target' if side == 'old' else 'recon.source')} |", "|---:|---|---|---|---|"]
            for r in rows:
                kind = t("kind." + r.kind) if r.kind else f"**{t('recon.unaccounted')}**"
                others = t("list_sep").join(md_escape(label) for _, label in r.counterparts) or "—"
                lines.append(f"| {r.ordinal} | {md_escape(r.label)} | {md_escape(r.path)} | {kind} | {others} |")
            lines.append("")
        lines += [f"### {t('recon.totals_heading')}", ""]
        for side in ("old", "new"):
            totals = v[side + "_totals"]
            parts = " + ".join(f"{t('kind.' + k)} {n}" for k, n in totals["counts"].items())
            verdict = t("recon.ok") if totals["consistent"] else t(
                "recon.mismatch", missing=totals["missing"], duplicate=totals["duplicate"])
            lines.append(f"- {t('side.' + side)} {totals['total']} = {parts}：{verdict}")
        lines.append("")

    lines += [f"## {t('changes.heading')}", ""]
    if v["changes"]:
        lines += [t("md.legend"), ""]
        for ch in v["changes"]:
            old_labels = t("list_sep").join(label for _, label, _, _ in ch["old_labels"]) or "—"
            new_labels = t("list_sep").join(label for _, label, _, _ in ch["new_labels"]) or "—"
            badges = [t("kind." + ch["kind"])] + [t("flag." + f) for f in ch["flags"]]
            heading = f"### {md_escape(old_labels)} → {md_escape(new_labels)}"
            lines += [heading, "",
                      f"{' · '.join(badges)}" + (f" · {t('changes.similarity')} {ch['similarity']}"
                                                  if ch["old"] and ch["new"] else "")
                      + (f" · {t('changes.format_only')}" if ch.get("format_only") else ""),
                      f"<!-- old: {' '.join(map(str, ch['old']))}; new: {' '.join(map(str, ch['new']))} -->",
                      "", fence(wdiff(ch["segments"])), ""]
    else:
        lines += [t("changes.none") if v["comparable"] else md_escape(v["verdict"]), ""]
    for group in v["uncompared"]:
        lines += [f"### {t('uncompared.heading', side=t('side.' + group['side']), count=len(group['measures']))}",
                  "", t("uncompared.intro"), ""]
        for ordinal, label, path, text in group["measures"]:
            lines += [f"#### {md_escape(label)}" + (f" ({md_escape(path)})" if path else ""), "", fence(text), ""]

    lines += [f"## {t('containers.heading')}", ""]
    if v["container_changes"]:
        for cc in v["container_changes"]:
            before = container_name(cc["old_label"], cc["old_heading"])
            after = container_name(cc["new_label"], cc["new_heading"])
            moved = t("containers.moved_suffix") if cc["moved"] else ""
            lines.append(f"- {t('ckind.' + cc['kind'])}{moved}：{md_escape(before)} → {md_escape(after)}")
            lines.extend(f"  - {md_escape(sentence)}" for sentence in cc["carried"])
        if v["container_moved"]:
            lines += ["", t("containers.moved_note", count=v["container_moved"])]
        if v["container_carried"]:
            lines += ["", t("containers.carried_note", count=v["container_carried"])]
        if v["container_carried_across"]:
            lines += ["", t("containers.carried_across_note", count=v["container_carried_across"])]
    else:
        lines.append(t("containers.none"))
    lines.append("")

    lines += [f"## {t('document.heading')}", ""]
    if v["document_changes"]:
        for fc in v["document_changes"]:
            lines.append(f"- **{t('field.' + fc['field'])}**：{md_escape(fc['old']) or none} → {md_escape(fc['new']) or none}")
    else:
        lines.append(t("document.none"))
    lines.append("")

    if citations is not None:
        lines += citation_sections(citations, lang)

    lines += [f"## {t('provenance.heading')}", "", f"- {t('provenance.tool')}: `{v['tool'][0]} {v['tool'][1]}`"]
    if v["tool_commit"]:
        lines.append(f"- {t('provenance.tool_commit')}: `{v['tool_commit']}`")
    if v["generated"]:
        lines.append(f"- {t('provenance.generated')}: {v['generated']}")
    if v["settings"]:
        lines += [f"- {t('provenance.settings')}:"] + [f"  - `{k}` = `{val}`" for k, val in v["settings"]]
    else:
        lines.append(f"- {t('provenance.settings')}: {t('provenance.no_settings')}")
    lines += ["", t("provenance.reproduce"), ""]
    return "\n".join(lines)
