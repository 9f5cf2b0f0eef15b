"""The Word report with real tracked changes (`policydiff report --format docx`).

    comparison_docx(comparison, lang="zh", generated=None) -> bytes

The body is the new version's text in which every difference from the old version is a
Word revision (w:ins / w:del, author 「policydiff」, w:date only from SOURCE_DATE_EPOCH),
so that Accept All gives exactly the new text and Reject All exactly the old one (the
revision stream is render/revisions.py; paragraph marks inside a deletion or insertion are
tracked too, so blocks come and go whole). Chapters and sections are Word headings (with
outline levels: the navigation pane lists them); the title uses Word's Title style.
Moves, splits and merges carry a Word comment naming the old and new measures. After the
body, on a page of its own, an appendix that is no part of either text: the verdict and
counts, chapter and document-level changes, and the provenance (sources, hashes, commits,
tool version, settings).

A side recorded without text has no text to revise: the file then holds the notice that
the report gives (what is missing, the command to add it) and the appendix.

Functional core: bytes out, no I/O, no clock (see ooxml.py for the determinism rules).
"""

from __future__ import annotations

from ..model import BlockKind, ChangeKind, Comparison
from . import ooxml
from .labels import check_lang, labeller
from .ooxml import el
from .revisions import Piece, revision_pieces
from .view import MeasureIndex, build_view, carried_sentences, comparable, container_name, label_span


def _style(c: Comparison, piece: Piece) -> str:
    doc, blocks = (c.new.document, piece.new_blocks) if piece.new_blocks else (c.old.document, piece.old_blocks)
    block = doc.blocks[blocks[0]]
    if block.kind is BlockKind.CONTAINER:
        depth = len(doc.ancestors(block)) + 1
        return f"Heading{min(depth, ooxml.HEADING_LEVELS)}"
    if block.kind is BlockKind.TEXT and block.level == "title":
        return "Title"
    return "Normal"


def _comment_text(piece: Piece, old: MeasureIndex, new: MeasureIndex, t, c: Comparison | None = None) -> str | None:
    change = piece.change
    if piece.note in ("container_moved_old", "container_moved_new") and c is not None:
        # a container that moved as a whole: said once, here (its measures carry no note)
        moves = {cc.old if piece.note == "container_moved_old" else cc.new: cc for cc in c.container_changes if cc.moved}
        cc = moves.get((piece.old_blocks or piece.new_blocks)[0])
        if cc is not None:
            return t("docx.note_" + piece.note, old=container_name(cc.old_label, cc.old_heading),
                     new=container_name(cc.new_label, cc.new_heading))
    if piece.note == "container_carried_new" and c is not None:
        # an added container that took runs of old measures: said once, on its heading
        cc = next((cc for cc in c.container_changes if cc.carried_in and cc.new == piece.new_blocks[0]), None)
        if cc is not None:
            name = container_name(cc.new_label, cc.new_heading)
            return t("docx.note_container_carried_new", new=name,
                     carried=t("list_sep").join(carried_sentences(cc, t)))
    if piece.note == "carried_old" and c is not None and change is not None and change.old:
        for cc in c.container_changes:
            for run in cc.carried_in:
                if run.old[0] == change.old[0]:
                    name = container_name(cc.new_label, cc.new_heading)
                    if cc.old is not None:
                        # into a container both versions have (crossing_runs): it is not
                        # "new", and its heading gets no note, so the old one is named
                        old_name = container_name(run.old_label, run.old_heading)
                        return t("docx.note_carried_across_old", old=old_name, new=name,
                                 old_labels=label_span(run.old, run.old_labels, t))
                    return t("docx.note_carried_old", new=name, old_labels=label_span(run.old, run.old_labels, t))
    if piece.note == "carried_across_new" and c is not None and change is not None and change.new:
        for cc in c.container_changes:
            for run in cc.carried_in:
                if cc.old is not None and run.new[0] == change.new[0]:
                    old_name = container_name(run.old_label, run.old_heading)
                    return t("docx.note_carried_across_new", old=old_name,
                             new_labels=label_span(run.new, run.new_labels, t))
    if piece.note == "container_carried_old" and c is not None:
        cc = next((cc for cc in c.container_changes if cc.carried_out and cc.old == piece.old_blocks[0]), None)
        if cc is not None:
            name = container_name(cc.old_label, cc.old_heading)
            return t("docx.note_container_carried_old", old=name,
                     carried=t("list_sep").join(carried_sentences(cc, t)))
    if piece.note == "carried_new" and c is not None and change is not None and change.new:
        for cc in c.container_changes:
            for run in cc.carried_out:
                if run.new[0] == change.new[0]:
                    name = container_name(cc.old_label, cc.old_heading)
                    return t("docx.note_carried_new", old=name, new_labels=label_span(run.new, run.new_labels, t))
    if change is None:
        return None
    sep = t("list_sep")
    old_labels = sep.join(old.label(o) for o in change.old) or "—"
    new_labels = sep.join(new.label(n) for n in change.new) or "—"
    words = []
    if change.kind in (ChangeKind.SPLIT, ChangeKind.MERGED):
        words.append(t("docx.note_" + change.kind.value, old=old_labels, new=new_labels,
                       similarity=f"{change.similarity:.2f}"))
    if piece.note == "moved_old":
        words.append(t("docx.note_moved_old", old=old_labels, new=new_labels))
    elif piece.note == "moved_new":
        words.append(t("docx.note_moved_new", old=old_labels, new=new_labels))
    elif change.moved and piece.old_blocks and piece.new_blocks:
        words.append(t("docx.note_moved_inline", old=old_labels, new=new_labels))
    elif piece.note == "carried_across_inline" and c is not None:
        for cc in c.container_changes:
            for run in cc.carried_in:
                if cc.old is not None and run.old[0] == change.old[0] and run.new[0] == change.new[0]:
                    words.append(t("docx.note_carried_across_inline",
                                   old=container_name(run.old_label, run.old_heading),
                                   new=container_name(cc.new_label, cc.new_heading),
                                   old_labels=label_span(run.old, run.old_labels, t),
                                   new_labels=label_span(run.new, run.new_labels, t)))
    return " ".join(words) or None


class _Writer:
    """Paragraphs of the body from the revision stream."""

    def __init__(self, body, date: str | None):
        self.body = body
        self.date = date
        self.ids = ooxml.RevisionIds()
        self.comments: list[tuple[str, str]] = []  # (id, text)

    def paragraphs(self, c: Comparison, pieces, t) -> None:
        old, new = MeasureIndex(c.old), MeasureIndex(c.new)
        items: list[tuple[str, str]] = []
        comment_id: str | None = None
        for piece in pieces:
            style = _style(c, piece)
            note = _comment_text(piece, old, new, t, c)
            if note is not None and not items:
                comment_id = self.ids.take()
                self.comments.append((comment_id, note))
            for op, text in piece.segments:
                lines = text.split("\n")
                for k, line in enumerate(lines):
                    if line:
                        items.append((op, line))
                    if k < len(lines) - 1:  # a paragraph mark, with this segment's op
                        self.paragraph(style, items, op, comment_id)
                        items, comment_id = [], None
        if items:  # cannot happen: revision_pieces ends every side with "\n"
            self.paragraph("Normal", items, "=", comment_id)

    def paragraph(self, style: str, items, mark: str, comment_id: str | None) -> None:
        p = el(self.body, "p")
        ppr = el(p, "pPr")
        if style != "Normal":
            el(ppr, "pStyle", {"val": style})
        if mark != "=":
            el(el(ppr, "rPr"), "ins" if mark == "+" else "del", ooxml.revision_attrs(self.ids, self.date))
        if comment_id is not None:
            el(p, "commentRangeStart", {"id": comment_id})
        for op, text in items:
            if op == "=":
                ooxml.add_text_runs(p, text)
            else:
                wrapper = el(p, "ins" if op == "+" else "del", ooxml.revision_attrs(self.ids, self.date))
                ooxml.add_text_runs(wrapper, text, deleted=op == "-")
        if comment_id is not None:
            el(p, "commentRangeEnd", {"id": comment_id})
            run = el(p, "r")
            el(el(run, "rPr"), "rStyle", {"val": "CommentReference"})
            el(run, "commentReference", {"id": comment_id})

    def comments_xml(self) -> bytes | None:
        if not self.comments:
            return None
        root = el(None, "comments")
        for comment_id, text in self.comments:
            attrs = {"id": comment_id, "author": ooxml.AUTHOR, "initials": "pd"}
            if self.date:
                attrs["date"] = self.date
            comment = el(root, "comment", attrs)
            ooxml.add_text_runs(el(comment, "p"), text)
        return ooxml.xml_bytes(root)


def plain_paragraph(body, text: str, style: str = "Normal", page_break: bool = False, bold: bool = False) -> None:
    """An ordinary paragraph; "\\n" in `text` become further paragraphs of the same style."""
    for i, line in enumerate(text.split("\n")):
        p = el(body, "p")
        ppr = el(p, "pPr")
        if style != "Normal":
            el(ppr, "pStyle", {"val": style})
        if page_break and i == 0:
            el(ppr, "pageBreakBefore")
        ooxml.add_text_runs(p, line, rpr=(lambda run: el(el(run, "rPr"), "b")) if bold else None)


def appendix(body, view: dict, t, heading_key: str = "docx.appendix") -> None:
    """Summary, chapter and document-level changes, provenance: on a new page, after the
    text (never inside it: Accept/Reject All must give the versions' texts alone)."""
    plain_paragraph(body, t(heading_key), "Heading1", page_break=True)
    plain_paragraph(body, t("summary.heading"), "Heading2")
    plain_paragraph(body, f"{t('side.old')} {view['old']['ref']} → {t('side.new')} {view['new']['ref']}")
    plain_paragraph(body, view["verdict"])
    if view["comparable"]:
        plain_paragraph(body, t("summary.flags_note") + t("list_sep").join(
            f"{t('flag.' + flag)} {n}" for flag, n in view["flag_counts"]))
        plain_paragraph(body, t("docx.legend"))
    if view["container_changes"]:
        plain_paragraph(body, t("containers.heading"), "Heading2")
        for cc in view["container_changes"]:
            before = container_name(cc["old_label"], cc["old_heading"])
            after = container_name(cc["new_label"], cc["new_heading"])
            moved = t("containers.moved_suffix") if cc["moved"] else ""
            plain_paragraph(body, f"{t('ckind.' + cc['kind'])}{moved}：{before} → {after}")
            for sentence in cc["carried"]:
                plain_paragraph(body, f"　　{sentence}")
        if view["container_moved"]:
            plain_paragraph(body, t("containers.moved_note", count=view["container_moved"]))
        if view["container_carried"]:
            plain_paragraph(body, t("containers.carried_note", count=view["container_carried"]))
        if view["container_carried_across"]:
            plain_paragraph(body, t("containers.carried_across_note", count=view["container_carried_across"]))
    if view["document_changes"]:
        plain_paragraph(body, t("document.heading"), "Heading2")
        for fc in view["document_changes"]:
            plain_paragraph(body, f"{t('field.' + fc['field'])}：{fc['old'] or t('value.none')} → "
                                  f"{fc['new'] or t('value.none')}")
    plain_paragraph(body, t("provenance.heading"), "Heading2")
    plain_paragraph(body, f"{t('provenance.tool')}：{view['tool'][0]} {view['tool'][1]}")
    if view["generated"]:
        plain_paragraph(body, f"{t('provenance.generated')}：{view['generated']}")
    for side in ("old", "new"):
        s = view[side]
        plain_paragraph(body, f"{t('side.' + side)} {s['ref']}", "Heading3")
        for key in ("title", "doc_no", "issued", "effective", "source_file", "source_url", "retrieved",
                    "source_sha256", "text_sha256", "commit"):
            plain_paragraph(body, f"{t('field.' + key)}：{s[key] or t('value.unknown')}")
    plain_paragraph(body, t("provenance.settings"), "Heading3")
    if view["settings"]:
        for key, value in view["settings"]:
            plain_paragraph(body, f"{key} = {value}")
    else:
        plain_paragraph(body, t("provenance.no_settings"))
    plain_paragraph(body, t("provenance.reproduce"))


def _notice(body, view: dict, t) -> None:
    title = view["new"]["title"] or view["old"]["title"] or view["new"]["ref"]
    plain_paragraph(body, title, "Title")
    plain_paragraph(body, t("notext.heading"), "Heading1")
    for side in view["no_text_sides"]:
        plain_paragraph(body, t("notext.body", side=t("side." + side["side"]), ref=side["ref"]))
        plain_paragraph(body, t("notext.command"))
        plain_paragraph(body, side["command"])
    for repeal in view["repeal"]["naming_old"]:
        plain_paragraph(body, t("notext.known") + t("repeal.new_repeals_old"))
        plain_paragraph(body, repeal["clause"])


def comparison_docx(c: Comparison, lang: str = "zh", generated: str | None = None) -> bytes:
    """The .docx bytes (see module docstring). `generated`: ISO time from
    SOURCE_DATE_EPOCH, used as every revision's w:date; None leaves dates out."""
    check_lang(lang)
    t = labeller(lang)
    view = build_view(c, lang=lang, generated=generated)
    root, body = ooxml.document_root()
    writer = _Writer(body, generated)
    if comparable(c):
        writer.paragraphs(c, revision_pieces(c), t)
    else:
        _notice(body, view, t)
    appendix(body, view, t)
    ooxml.section_properties(body)
    title = t("report.title_full", old=view["old"]["ref"], new=view["new"]["ref"])
    return ooxml.docx_package(ooxml.xml_bytes(root), title, generated, comments=writer.comments_xml(),
                              track_revisions=True)


__all__ = ["comparison_docx", "appendix", "plain_paragraph"]
