"""compare(old, new) -> Comparison: the alignment of two versions, with a redline and
substance flags for every change, container changes and document-level changes.

Functional core: no I/O, no clock. Deterministic: the same two versions and settings
give an equal Comparison (the alignment is deterministic, the redline has no timeout).

Speed: the redline is the expensive part (diff-match-patch is pure Python), so it runs
only where texts differ: an unchanged measure gets its one "=" segment without a diff,
and substance flags are skipped for it too. On the largest corpus pair (650 articles)
this keeps the redline to the articles that changed; see benchmarks/speed.py.
"""

from __future__ import annotations

from typing import Sequence

from . import TOOL_NAME, __version__, textdiff
from .errors import MissingTextError
from .lexicon import add_text_hint
from .mapper import Mapper
from .model import (
    Block,
    BlockKind,
    Change,
    ChangeKind,
    Comparison,
    ContainerChange,
    Document,
    FieldChange,
    Segment,
    Version,
    new_change,
)
from .substance import editorial_fold, substance_flags

# TEXT block roles compared as document-level fields (structure.parse sets Block.level).
# "paragraph" (stray unnumbered lines) is reported as "other_text".
_TEXT_FIELDS = (("notice", "notice"), ("preamble", "preamble"), ("closing", "closing"),
                ("paragraph", "other_text"), ("note", "editor_notes"))  # note: an editor's footnote


def _require_text(version: Version, side: str) -> Document:
    if not version.has_text or version.document is None:
        ref = version.ref or side
        raise MissingTextError(f"{ref} ({side}) has no text in the archive; "
                               f"{add_text_hint(version.work, version.version)}")
    return version.document


def _segments(olds: Sequence[str], news: Sequence[str]) -> tuple[Segment, ...]:
    if len(olds) == 1 and len(news) == 1:
        return textdiff.redline(olds[0], news[0])
    return textdiff.redline_many(olds, news)


def measure_change(old_measures: Sequence[Block], new_measures: Sequence[Block], match) -> Change:
    """One Change from one align.MeasureMatch (measures: Document.measures, computed once
    by the caller: it is a scan of every block)."""
    old_ordinals, new_ordinals = match.old, match.new
    if len(old_ordinals) == 1 and len(new_ordinals) == 1:
        # Fast path (issue 14, tail2): a 1:1 match of the very same text, most measures
        # of a revision, gets its one "=" segment without the lists and the joins below
        # (the same Change: "\n".join of one text is that text; tests/test_tail2_fast.py)
        old_text = old_measures[old_ordinals[0] - 1].text
        if old_text == new_measures[new_ordinals[0] - 1].text:
            return new_change(match.kind, tuple(old_ordinals), tuple(new_ordinals), float(match.similarity),
                              (("=", old_text),) if old_text else (), bool(match.renumbered), bool(match.moved), ())
    olds = [old_measures[o - 1].text for o in match.old]
    news = [new_measures[n - 1].text for n in match.new]
    old_text, new_text = "\n".join(olds), "\n".join(news)
    if old_text == new_text:
        segments: tuple[Segment, ...] = (("=", old_text),) if old_text else ()
        flags: tuple[str, ...] = ()
    else:
        segments = _segments(olds, news)
        # unchanged with different text = white space only (align decides the kind):
        # the redline still shows it, losslessly, but it is no substance change
        flags = () if match.kind is ChangeKind.UNCHANGED else substance_flags(old_text, new_text, segments)
    return new_change(
        kind=match.kind, old=tuple(match.old), new=tuple(match.new), similarity=float(match.similarity),
        segments=segments, renumbered=bool(match.renumbered), moved=bool(match.moved), flags=flags,
    )


def container_change(old_doc: Document, new_doc: Document, match) -> ContainerChange:
    """One ContainerChange from one align.ContainerMatch (block indexes, either None).

    kind: "added" / "removed" when one side is missing; "renamed" when the heading text
    changed beyond editorial differences (substance.editorial_fold), whatever the label
    did; "renumbered" when only the label changed;
    "unchanged" otherwise. `moved` (a flag beside the kind) is align's container move.
    """
    old_block: Block | None = old_doc.blocks[match.old] if match.old is not None else None
    new_block: Block | None = new_doc.blocks[match.new] if match.new is not None else None
    old_heading = old_block.heading if old_block else ""
    new_heading = new_block.heading if new_block else ""
    if old_block is None:
        kind = "added"
    elif new_block is None:
        kind = "removed"
    elif editorial_fold(old_heading) != editorial_fold(new_heading):
        # 「管　辖」→「管辖」 (spacing, punctuation width) is not a rename; the segments
        # still show the difference
        kind = "renamed"
    elif old_block.label != new_block.label:
        kind = "renumbered"
    else:
        kind = "unchanged"
    return ContainerChange(
        kind=kind, old=match.old, new=match.new,
        old_label=old_block.label if old_block else "", new_label=new_block.label if new_block else "",
        old_heading=old_heading, new_heading=new_heading,
        segments=textdiff.redline(old_heading, new_heading),
        moved=bool(getattr(match, "moved", False)),
        carried_in=tuple(getattr(match, "carried", ())),
        carried_out=tuple(getattr(match, "carried_out", ())),
    )


def _texts_by_role(doc: Document) -> dict[str, str]:
    """The TEXT blocks of each role (Block.level) joined by "\n", in document order: one
    pass over the blocks (a compilation has 20 k), not one per role."""
    texts: dict[str, list[str]] = {}
    for b in doc.blocks:
        if b.kind is BlockKind.TEXT:
            texts.setdefault(b.level, []).append(b.text)
    return {level: "\n".join(parts) for level, parts in texts.items()}


def _field(name: str, old: str | None, new: str | None, redline: bool = False) -> FieldChange | None:
    if old == new:
        return None
    segments = textdiff.redline(old or "", new or "") if redline else ()
    return FieldChange(field=name, old=old, new=new, segments=segments)


def document_changes(old: Version, new: Version) -> tuple[FieldChange, ...]:
    """Differences of metadata (title, 文号, issuers, dates, repeal clauses) and of the
    unnumbered text around the measures (notice, preamble, closing text), in that order."""
    old_meta, new_meta = old.meta, new.meta
    old_doc, new_doc = old.document, new.document
    candidates = [
        _field("title", old_meta.title, new_meta.title, redline=True),
        _field("doc_no", old_meta.doc_no, new_meta.doc_no),
        _field("issuers", "、".join(old_meta.issuers) or None, "、".join(new_meta.issuers) or None),
        _field("issued", old_meta.issued, new_meta.issued),
        _field("effective", old_meta.effective, new_meta.effective),
        _field("repeals", "\n".join(r.clause for r in old_meta.repeals) or None,
               "\n".join(r.clause for r in new_meta.repeals) or None, redline=True),
    ]
    old_texts, new_texts = _texts_by_role(old_doc), _texts_by_role(new_doc)
    for level, name in _TEXT_FIELDS:
        candidates.append(_field(name, old_texts.get(level), new_texts.get(level), redline=True))
    return tuple(c for c in candidates if c is not None)


def compare(old: Version, new: Version, settings=None, mapper: Mapper | None = None) -> Comparison:
    """Align `old` and `new` measure by measure (policydiff.align) and redline each change.

    `mapper` (mapper.Mapper, default serial): what runs the aligner's chunked work (the
    shell gives a forking one for a large pair: forkmap); the Comparison is the same
    whichever runs it. The per-measure changes stay in this process: measured on the
    test compilation of issue 14, two processes took longer for them (0.09 s of work
    against ~0.05 s of copy-on-write page faults, 5-15 µs each on this VM, and pickling
    10 k Changes back) — README "Two cores for the aligner".

    Raises MissingTextError when either side was recorded without text.
    """
    from . import align as align_module  # late: align is the heavy half, and tests may stand it in

    old_doc = _require_text(old, "old")
    new_doc = _require_text(new, "new")
    if settings is None:
        settings = align_module.AlignSettings()
    alignment = align_module.align(old_doc, new_doc, settings, mapper=mapper)
    old_measures, new_measures = old_doc.measures, new_doc.measures
    changes = tuple(measure_change(old_measures, new_measures, m) for m in alignment.matches)
    containers = tuple(container_change(old_doc, new_doc, c) for c in alignment.containers)
    all_settings: dict[str, object] = dict(alignment.settings.as_dict())
    all_settings.update(textdiff.settings())
    return Comparison(
        old=old, new=new, changes=changes, container_changes=containers,
        document_changes=document_changes(old, new), settings=all_settings,
        tool=(TOOL_NAME, __version__),
    )


__all__ = ["compare", "measure_change", "container_change", "document_changes", "ChangeKind"]
