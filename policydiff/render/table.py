"""The 新旧对照表 (`policydiff report --layout table`): the two-column table that Chinese
legislative and legal staff read a revision in, as plain rows (for HTML, DOCX and XLSX).

    table_rows(comparison, lang="zh", changed_only=False) -> tuple[dict, ...]
    table_html(comparison, ...) -> str        table_docx(comparison, ...) -> bytes

Columns 修改前 / 修改后 / 说明 (the change kind, its flags, the similarity). One row per
change, in the Comparison's order (the new document's order, a removed article where it
stood); each cell starts with that side's own article number, so renumbering reads off
the table. Rows of kind:

- "container": a chapter/section heading, on both sides (old heading | new heading),
  whenever the chapter path changes, so every article sits under its chapter; its note
  says 「整体移动」 when the container moved as a whole (said once, there);
- "collapsed": a chapter in which nothing changed (same heading, every article unchanged,
  same articles on both sides) is one row 「第二章 管辖（本章未修改）」;
- "change": the article(s); deletions struck through on the old side, insertions
  underlined and bold on the new side (not colour alone); an unchanged article shows its
  text on the old side and 「同左」 on the new; an added article faces an empty cell, a
  removed one too;
- "omitted": with `changed_only`, unchanged articles are left out and one row per run of
  them names their numbers, so that nothing disappears silently.

Every old and new measure appears in exactly one row (collapsed and omitted rows list
theirs), which the HTML uses for the #old-N / #new-N anchors.

Functional core: no I/O.
"""

from __future__ import annotations

import functools

from markupsafe import Markup, escape

from ..model import BlockKind, ChangeKind, Comparison
from . import ooxml
from .labels import check_lang, labeller
from .ooxml import el
from .view import build_view, carried_from_removed, carried_sentences, comparable


def _container_chain(doc, block) -> tuple[int, ...]:
    return tuple(b.index for b in doc.ancestors(block))


def _quiet(change) -> bool:
    """Unchanged text, same place, same number."""
    return change.kind is ChangeKind.UNCHANGED and not change.moved and not change.renumbered


def _collapsible(c: Comparison) -> dict[int, int]:
    """New container block index -> old container block index, for chapters/sections in
    which nothing changed (see module docstring)."""
    old_doc, new_doc = c.old.document, c.new.document
    old_measures, new_measures = old_doc.measures, new_doc.measures
    under_old: dict[int, set[int]] = {}
    under_new: dict[int, set[int]] = {}
    for position, change in enumerate(c.changes):
        for o in change.old:
            for container in _container_chain(old_doc, old_measures[o - 1]):
                under_old.setdefault(container, set()).add(position)
        for n in change.new:
            for container in _container_chain(new_doc, new_measures[n - 1]):
                under_new.setdefault(container, set()).add(position)
    out = {}
    for cc in c.container_changes:
        if cc.kind != "unchanged" or cc.moved or cc.old is None or cc.new is None:
            continue  # a chapter that moved keeps its heading row, which says so
        positions = under_new.get(cc.new, set())
        if not positions or positions != under_old.get(cc.old, set()):
            continue
        if all(_quiet(c.changes[p]) for p in positions):
            out[cc.new] = cc.old
    return out


# 「本章/本节/本编/本部分未修改」 by the container's level
_LEVEL_WORD = {"chapter": "chapter", "section": "section", "part": "book"}


def _heading(block) -> str:
    return " ".join(x for x in (block.label.strip(), block.heading.strip()) if x)


def table_rows(c: Comparison, lang: str = "zh", changed_only: bool = False, view: dict | None = None) -> tuple[dict, ...]:
    """The rows (see module docstring). Both versions must have text."""
    t = labeller(lang)
    view = view or build_view(c, lang=lang)
    old_doc, new_doc = c.old.document, c.new.document
    old_measures, new_measures = old_doc.measures, new_doc.measures
    new_of_old = {cc.old: cc.new for cc in c.container_changes if cc.old is not None and cc.new is not None}
    old_of_new = {v: k for k, v in new_of_old.items()}
    moved_new = {cc.new for cc in c.container_changes if cc.moved}
    # added containers that took a run of old articles: said once on their heading row
    carried_new = {cc.new: t("list_sep").join(carried_sentences(cc, t))
                   for cc in c.container_changes if cc.carried_in}
    # runs that left a removed container: said on the heading row of the container they
    # joined (where the table shows them)
    for cc in c.container_changes:
        for target, sentence in carried_from_removed(cc, t):
            if target is not None:
                carried_new[target] = t("list_sep").join(x for x in (carried_new.get(target), sentence) if x)
    collapsible = _collapsible(c)
    rows: list[dict] = []
    shown_path: tuple[int, ...] = ()  # new-side container chain of the last row (old ones as -1 - index)
    collapsed_done: dict[int, dict] = {}  # container -> its collapsed row
    pending_omitted: list[dict] = []

    def flush_omitted() -> None:
        if pending_omitted:
            rows.append({"kind": "omitted", "old": tuple(o for r in pending_omitted for o in r["old"]),
                         "new": tuple(n for r in pending_omitted for n in r["new"]),
                         "old_labels": tuple(x for r in pending_omitted for x in r["old_labels"]),
                         "new_labels": tuple(x for r in pending_omitted for x in r["new_labels"]),
                         "text": t("table.omitted", labels=t("list_sep").join(
                             label for r in pending_omitted for _, label in r["new_labels"]))})
            pending_omitted.clear()

    def path_of(change) -> tuple[int, ...]:
        """The chain of containers a change sits under, as new container indexes (an old
        container without a counterpart as -1 - its old index)."""
        if change.new:
            return _container_chain(new_doc, new_measures[change.new[0] - 1])
        chain = _container_chain(old_doc, old_measures[change.old[0] - 1])
        return tuple(new_of_old.get(i, -1 - i) for i in chain)

    def container_row(key: int, depth: int) -> dict:
        new_block = new_doc.blocks[key] if key >= 0 else None
        old_index = old_of_new.get(key) if key >= 0 else -1 - key
        old_block = old_doc.blocks[old_index] if old_index is not None else None
        return {"kind": "container", "depth": depth, "old": _heading(old_block) if old_block else "",
                "new": _heading(new_block) if new_block else "",
                "same": bool(old_block and new_block and _heading(old_block) == _heading(new_block)),
                # a container's move, said once on its heading row (its articles are
                # not each flagged moved)
                "note": t("list_sep").join(x for x in (t("containers.moved") if key in moved_new else "",
                                                       carried_new.get(key, "")) if x)}

    def enter(path: tuple[int, ...]) -> None:
        """Heading rows for the levels of `path` that differ from the last row's (a level
        that differs makes every deeper one new too)."""
        differs = False
        for depth, key in enumerate(path):
            differs = differs or depth >= len(shown_path) or shown_path[depth] != key
            if differs:
                rows.append(container_row(key, depth))

    for change, card in zip(c.changes, view["changes"]):
        path = path_of(change)
        collapsed_at = next((i for i, key in enumerate(path) if key in collapsible), None)
        if collapsed_at is not None:
            key = path[collapsed_at]
            if key in collapsed_done:  # its row lists every measure inside, wherever the change sits
                row = collapsed_done[key]
                row["old"] += tuple(change.old)
                row["new"] += tuple(change.new)
                row["old_labels"] += tuple((o, label) for o, label, _, _ in card["old_labels"])
                row["new_labels"] += tuple((n, label) for n, label, _, _ in card["new_labels"])
                continue
            flush_omitted()
            enter(path[:collapsed_at])
            shown_path = path[:collapsed_at + 1]
            rows.append({"kind": "collapsed", "depth": collapsed_at,
                         "text": t("table.collapsed_" + _LEVEL_WORD.get(new_doc.blocks[key].level, "part"),
                                   heading=_heading(new_doc.blocks[key])),
                         "old": tuple(change.old), "new": tuple(change.new),
                         "old_labels": tuple((o, label) for o, label, _, _ in card["old_labels"]),
                         "new_labels": tuple((n, label) for n, label, _, _ in card["new_labels"])})
            collapsed_done[key] = rows[-1]
            continue
        if path != shown_path:
            flush_omitted()
            enter(path)
            shown_path = path
        row = {
            "kind": "change", "change_kind": change.kind.value, "id": card["id"],
            "old": tuple(change.old), "new": tuple(change.new),
            "old_labels": tuple((o, label) for o, label, _, _ in card["old_labels"]),
            "new_labels": tuple((n, label) for n, label, _, _ in card["new_labels"]),
            "old_items": tuple((ordinals, labels, tuple(s for s in segs if s[0] in ("=", "-")))
                               for ordinals, labels, segs in card["old_panes"]) if change.old else (),
            "new_items": tuple((ordinals, labels, tuple(s for s in segs if s[0] in ("=", "+")))
                               for ordinals, labels, segs in card["new_panes"]) if change.new else (),
            "same": change.kind is ChangeKind.UNCHANGED,
            "note": _note(card, t),
        }
        if changed_only and _quiet(change):
            pending_omitted.append(row)
            continue
        flush_omitted()
        rows.append(row)
    flush_omitted()
    return tuple(rows)


def _note(card: dict, t) -> str:
    words = [t("kind." + card["kind"])]
    words += [t("flag." + flag) for flag in card["flags"]]
    if card.get("format_only"):
        words.append(t("changes.format_only"))
    if card["old"] and card["new"] and card["kind"] != "unchanged":
        words.append(f"{t('changes.similarity')} {card['similarity']}")
    return t("list_sep").join(words)


def item_label(labels) -> str:
    return "、".join(labels)


# ---------------------------------------------------------------- HTML

def _cell_html(items, own: str) -> Markup:
    parts = []
    for ordinals, labels, segments in items:
        text = []
        for op, chunk in segments:
            if op == "=":
                text.append(str(escape(chunk)))
            elif op == own:
                tag = "del" if own == "-" else "ins"
                text.append(f"<{tag}>{escape(chunk)}</{tag}>")
        parts.append(f'<p class="article"><span class="num">{escape(item_label(labels))}</span>'
                     f'<span class="gap"> </span>{"".join(text)}</p>')
    return Markup("".join(parts))


@functools.lru_cache(maxsize=None)
def _environment():
    from .html import environment

    env = environment().overlay()
    env.filters["old_cell"] = lambda items: _cell_html(items, "-")
    env.filters["new_cell"] = lambda items: _cell_html(items, "+")
    return env


def table_html(c: Comparison, lang: str = "zh", generated: str | None = None, changed_only: bool = False) -> str:
    """The 对照表 as one self-contained HTML page (same CSP, stylesheet and script rules
    as the report; no 「删」「增」 cues inside the table: strike-through and underline+bold
    are the table's convention)."""
    from .html import content_security_policy, static_text
    from .labels import HTML_LANG

    check_lang(lang)
    css = static_text("report.css") + static_text("table.css")
    js = static_text("report.js")
    view = build_view(c, lang=lang, generated=generated)
    rows = table_rows(c, lang=lang, changed_only=changed_only, view=view) if comparable(c) else ()
    return _environment().get_template("report-table.html.j2").render(
        v=view, rows=rows, t=labeller(lang), html_lang=HTML_LANG[lang], changed_only=changed_only,
        css=Markup(css), js=Markup(js), csp=content_security_policy(css, js))


# ---------------------------------------------------------------- DOCX

TABLE_WIDTHS = (6300, 6300, 1400)  # twips of 修改前 / 修改后 / 说明 on a landscape A4 page (14000 usable)


def _run_props(op: str):
    def apply(run):
        rpr = el(run, "rPr")
        if op == "-":
            el(rpr, "strike")
        elif op == "+":
            el(rpr, "b")
            el(rpr, "u", {"val": "single"})
    return apply


def _docx_cell(row_el, width: int, paragraphs, shade: bool = False, span: int = 1) -> None:
    """paragraphs: list of lists of (op, text) (op "=" plain, "-" struck, "+" underlined bold,
    "b" bold)."""
    cell = el(row_el, "tc")
    tcpr = el(cell, "tcPr")
    el(tcpr, "tcW", {"w": str(width), "type": "dxa"})
    if span > 1:
        el(tcpr, "gridSpan", {"val": str(span)})
    if shade:
        el(tcpr, "shd", {"val": "clear", "color": "auto", "fill": "EEF1F4"})
    if not paragraphs:
        paragraphs = [[]]
    for items in paragraphs:
        p = el(cell, "p")
        el(el(p, "pPr"), "spacing", {"after": "60", "line": "300", "lineRule": "auto"})
        for op, text in items:
            for k, line in enumerate(text.split("\n")):
                if k:
                    el(el(p, "r"), "br")
                ooxml.add_text_runs(p, line, rpr=_run_props(op) if op != "b" else
                                    (lambda run: el(el(run, "rPr"), "b")))


def _docx_items(items) -> list[list[tuple[str, str]]]:
    out = []
    for ordinals, labels, segments in items:
        out.append([("b", item_label(labels) + " "), *[(op, s) for op, s in segments]])
    return out


def table_docx(c: Comparison, lang: str = "zh", generated: str | None = None, changed_only: bool = False) -> bytes:
    """The 对照表 as a Word table (landscape A4, header row repeated on every page), then
    the same appendix as the redline document (summary and provenance)."""
    from .docx import appendix, plain_paragraph

    check_lang(lang)
    t = labeller(lang)
    view = build_view(c, lang=lang, generated=generated)
    root, body = ooxml.document_root()
    title = view["new"]["title"] or view["old"]["title"] or view["new"]["ref"]
    plain_paragraph(body, t("table.title", title=title), "Title")
    plain_paragraph(body, f"{t('side.old')} {view['old']['ref']} → {t('side.new')} {view['new']['ref']}")
    plain_paragraph(body, view["verdict"])
    if comparable(c):
        table = el(body, "tbl")
        tblpr = el(table, "tblPr")
        el(tblpr, "tblStyle", {"val": "TableGrid"})
        el(tblpr, "tblW", {"w": str(sum(TABLE_WIDTHS)), "type": "dxa"})
        el(tblpr, "tblLayout", {"type": "fixed"})
        grid = el(table, "tblGrid")
        for width in TABLE_WIDTHS:
            el(grid, "gridCol", {"w": str(width)})
        header = el(table, "tr")
        el(el(header, "trPr"), "tblHeader")
        for key, width in zip(("table.old", "table.new", "table.note"), TABLE_WIDTHS):
            _docx_cell(header, width, [[("b", t(key))]], shade=True)
        for row in table_rows(c, lang=lang, changed_only=changed_only, view=view):
            tr = el(table, "tr")
            el(el(tr, "trPr"), "cantSplit")
            if row["kind"] == "container":
                _docx_cell(tr, TABLE_WIDTHS[0], [[("b", row["old"] or "—")]], shade=True)
                _docx_cell(tr, TABLE_WIDTHS[1], [[("b", row["new"] or "—")]], shade=True)
                _docx_cell(tr, TABLE_WIDTHS[2], [[("b", row["note"])]] if row["note"] else [], shade=True)
            elif row["kind"] in ("collapsed", "omitted"):
                _docx_cell(tr, sum(TABLE_WIDTHS), [[("=", row["text"])]], span=3)
            else:
                new_cell = _docx_items(row["new_items"])
                if row["same"]:
                    new_cell = [[("b", item_label(labels) + " "), ("=", t("table.same"))]
                                for _, labels, _ in row["new_items"]]
                _docx_cell(tr, TABLE_WIDTHS[0], _docx_items(row["old_items"]))
                _docx_cell(tr, TABLE_WIDTHS[1], new_cell)
                _docx_cell(tr, TABLE_WIDTHS[2], [[("=", row["note"])]])
    appendix(body, view, t)
    ooxml.section_properties(body, landscape=True)
    return ooxml.docx_package(ooxml.xml_bytes(root), t("table.title", title=title), generated)


__all__ = ["table_rows", "table_html", "table_docx", "TABLE_WIDTHS"]
