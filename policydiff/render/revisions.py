"""The whole document as one stream of revisions: what a word processor's tracked changes
need (render/docx.py), computed from a Comparison and its two Documents.

    revision_pieces(c) -> tuple[Piece, ...]

Every block of both versions (title, notice, chapters, measures, closing text) lands in
exactly one piece, in an order that is the old document's order on the old side and the
new document's order on the new side. Each piece carries segments ("=", "-", "+") over the
blocks' raw text (label and line ends included), so that

    "".join(s for op, s in all segments if op != "+") == old Document.text
    "".join(s for op, s in all segments if op != "-") == new Document.text

(each side with a final "\\n" added when its text lacks one): Reject All gives the old
text, Accept All the new, exactly. A "\\n" ends a paragraph; inside a "-" or "+" segment it
is a deleted or inserted paragraph mark.

How the blocks are paired (no new diff of policy text is computed here: the measure
redlines are the Comparison's own segments):
- measures: by the Comparison's changes; a 1:1, split or merged change becomes one inline
  piece when its old measures are consecutive blocks and its new ones too; the label and
  line ends around each measure are added to the change's segments at the joins;
- chapters/sections: by `container_changes` (renames redlined with their segments);
- unnumbered text (title, notice, preamble, closing): same role and same text, or the
  document-level change of that role when it is exactly those two blocks;
- a pairing that would run against the order of the other pairs (a measure that moved)
  cannot be an inline revision: its old blocks are deleted where they were and its new
  blocks inserted where they are, with a note saying so. Which pairs stay inline is the
  longest chain increasing on both sides (ties: earlier old block first).

Rejected: recomputing a diff of the whole texts (it would not be the Comparison the other
formats show, and would pair moved text by accident); Word's moveFrom/moveTo (LibreOffice
reads them unevenly, and a moved-and-edited measure needs ins/del inside the move anyway).

Functional core: no I/O.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass

from ..model import Block, BlockKind, Change, ChangeKind, Comparison, Segment

# document_changes field of each unnumbered-text role (compare._TEXT_FIELDS), and title
_ROLE_FIELD = {"notice": "notice", "preamble": "preamble", "closing": "closing", "paragraph": "other_text",
               "title": "title", "note": "editor_notes"}


@dataclass(frozen=True)
class Piece:
    """Consecutive blocks of one or both versions, with their revision segments."""

    old_blocks: tuple[int, ...]  # block indexes in the old Document
    new_blocks: tuple[int, ...]  # block indexes in the new Document
    segments: tuple[Segment, ...]
    change: Change | None = None  # the measure change, when the blocks are measures
    # "moved_old" / "moved_new" (a pairing not kept inline); "container_moved_old" /
    # "container_moved_new" on the heading of a container that moved as a whole (its
    # measures that moved with it carry no note of their own: the move is said once);
    # "container_carried_new" on the heading of an added container that took a run of
    # old measures, "carried_old" on that run's first old measure (its others: none);
    # "container_carried_old" / "carried_new", the same for a removed container whose run
    # of measures joined another one; a run into a container both versions have (whose
    # heading is kept, no note): "carried_old" at its old place, "carried_across_new" on
    # its first measure at its new place, or "carried_across_inline" on that first
    # measure's pairing when it is kept in place (neither deleted nor inserted)
    note: str | None = None


def raw_parts(block: Block) -> tuple[str, str, str]:
    """(prefix, text, suffix) with prefix + text + suffix == block.raw: the label and
    spacing before the text, the line end(s) after it.

    >>> from policydiff.model import Block, BlockKind
    >>> raw_parts(Block(0, BlockKind.MEASURE, "article", "第一条", 1, None, "", "甲。", "第一条 甲。\\n", 0, None))
    ('第一条 ', '甲。', '\\n')
    """
    at = block.raw.find(block.text) if block.text else -1
    if at < 0:  # no text (an empty measure) or a text not found verbatim: all prefix
        return block.raw, "", ""
    return block.raw[:at], block.text, block.raw[at + len(block.text):]


def pair_ops(old: str, new: str) -> list[Segment]:
    """Segments of two short strings (labels, line ends): common prefix, then the rest of
    each, then common suffix. Enough for 「第五条 」→「第六条 」; policy text is never
    diffed here.

    >>> pair_ops("第五条 ", "第六条 ")
    [('=', '第'), ('-', '五'), ('+', '六'), ('=', '条 ')]
    """
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[len(old) - 1 - end] == new[len(new) - 1 - end]:
        end += 1
    out = [("=", old[:start]), ("-", old[start:len(old) - end]), ("+", new[start:len(new) - end]),
           ("=", old[len(old) - end:])]
    return [(op, s) for op, s in out if s]


def join_ops(segments) -> tuple[Segment, ...]:
    """Drop empty segments and merge neighbours with the same op."""
    out: list[list[str]] = []
    for op, text in segments:
        if not text:
            continue
        if out and out[-1][0] == op:
            out[-1][1] += text
        else:
            out.append([op, text])
    return tuple((op, text) for op, text in out)


def rebuild(segments, side: str) -> str:
    drop = "+" if side == "old" else "-"
    return "".join(text for op, text in segments if op != drop)


def _boundaries(texts: list[str]) -> list[int]:
    """Offsets of the "\\n" joiners in "\\n".join(texts)."""
    out, position = [], 0
    for text in texts[:-1]:
        position += len(text)
        out.append(position)
        position += 1
    return out


def group_segments(segments, old_parts: list[tuple[str, str, str]],
                   new_parts: list[tuple[str, str, str]]) -> tuple[Segment, ...] | None:
    """A change's segments (over texts joined by "\\n") widened to the blocks' raw text:
    each side's first prefix before, last suffix after, and every joiner "\\n" replaced by
    that side's suffix + next prefix. None when the result does not rebuild both sides'
    raw texts exactly (the caller then deletes and inserts the blocks whole)."""
    old_joins = _boundaries([t for _, t, _ in old_parts])
    new_joins = _boundaries([t for _, t, _ in new_parts])
    out: list[Segment] = list(pair_ops(old_parts[0][0], new_parts[0][0]))
    pos_old = pos_new = 0
    oi = ni = 0  # joiners passed on each side
    for op, chunk in segments:
        if op not in ("=", "-", "+"):
            return None
        on_old, on_new = op in ("=", "-"), op in ("=", "+")
        while chunk:
            limits = [len(chunk)]
            if on_old and oi < len(old_joins):
                limits.append(old_joins[oi] - pos_old)
            if on_new and ni < len(new_joins):
                limits.append(new_joins[ni] - pos_new)
            take = min(limits)
            if take < 0:
                return None
            if take > 0:
                out.append((op, chunk[:take]))
                chunk = chunk[take:]
                pos_old += take if on_old else 0
                pos_new += take if on_new else 0
                continue
            if chunk[0] != "\n":
                return None
            old_at = on_old and oi < len(old_joins) and pos_old == old_joins[oi]
            new_at = on_new and ni < len(new_joins) and pos_new == new_joins[ni]
            old_text = (old_parts[oi][2] + old_parts[oi + 1][0]) if old_at else ("\n" if on_old else "")
            new_text = (new_parts[ni][2] + new_parts[ni + 1][0]) if new_at else ("\n" if on_new else "")
            out.extend(pair_ops(old_text, new_text))
            chunk = chunk[1:]
            pos_old += 1 if on_old else 0
            pos_new += 1 if on_new else 0
            oi += old_at
            ni += new_at
    out.extend(pair_ops(old_parts[-1][2], new_parts[-1][2]))
    result = join_ops(out)
    if rebuild(result, "old") != "".join(p + t + s for p, t, s in old_parts):
        return None
    if rebuild(result, "new") != "".join(p + t + s for p, t, s in new_parts):
        return None
    return result


@dataclass(frozen=True)
class _Pairing:
    old: tuple[int, ...]  # consecutive block indexes
    new: tuple[int, ...]
    segments: tuple[Segment, ...]
    change: Change | None = None


def _consecutive(indexes: list[int]) -> bool:
    return all(b == a + 1 for a, b in zip(indexes, indexes[1:]))


def _pairings(c: Comparison) -> tuple[list[_Pairing], dict[int, Change], dict[int, Change]]:
    """Candidate inline pairings, plus the change of every measure block on each side."""
    old_doc, new_doc = c.old.document, c.new.document
    old_measures, new_measures = old_doc.measures, new_doc.measures
    pairings: list[_Pairing] = []
    old_change: dict[int, Change] = {}
    new_change: dict[int, Change] = {}
    for change in c.changes:
        old_idx = [old_measures[o - 1].index for o in change.old if 1 <= o <= len(old_measures)]
        new_idx = [new_measures[n - 1].index for n in change.new if 1 <= n <= len(new_measures)]
        for i in old_idx:
            old_change.setdefault(i, change)
        for i in new_idx:
            new_change.setdefault(i, change)
        if not old_idx or not new_idx or len(old_idx) != len(change.old) or len(new_idx) != len(change.new):
            continue
        if not (_consecutive(old_idx) and _consecutive(new_idx)):
            continue
        segments = change.segments
        if not segments:  # a change built without segments: its texts whole
            old_text = "\n".join(old_doc.blocks[i].text for i in old_idx)
            new_text = "\n".join(new_doc.blocks[i].text for i in new_idx)
            segments = tuple(s for s in (("-", old_text), ("+", new_text)) if s[1]) if old_text != new_text \
                else ((("=", old_text),) if old_text else ())
        widened = group_segments(segments, [raw_parts(old_doc.blocks[i]) for i in old_idx],
                                 [raw_parts(new_doc.blocks[i]) for i in new_idx])
        if widened is not None:
            pairings.append(_Pairing(tuple(old_idx), tuple(new_idx), widened, change))
    for cc in c.container_changes:
        if cc.old is None or cc.new is None:
            continue
        old_block, new_block = old_doc.blocks[cc.old], new_doc.blocks[cc.new]
        segments = cc.segments if cc.segments else (
            (("=", old_block.heading),) if old_block.heading == new_block.heading
            else tuple(s for s in (("-", old_block.heading), ("+", new_block.heading)) if s[1]))
        old_p, new_p = raw_parts(old_block), raw_parts(new_block)
        widened = None
        if old_p[1] == old_block.heading and new_p[1] == new_block.heading:
            widened = group_segments(segments, [old_p], [new_p])
        if widened is None:
            widened = join_ops([*pair_ops(old_p[0], new_p[0]), ("-", old_p[1]), ("+", new_p[1]),
                                *pair_ops(old_p[2], new_p[2])]) if old_p[1] != new_p[1] else \
                join_ops([*pair_ops(old_p[0], new_p[0]), ("=", old_p[1]), *pair_ops(old_p[2], new_p[2])])
        pairings.append(_Pairing((cc.old,), (cc.new,), widened))
    pairings.extend(_text_pairings(c))
    return pairings, old_change, new_change


def _text_pairings(c: Comparison) -> list[_Pairing]:
    """Unnumbered blocks of the same role: equal texts pair in order; otherwise, when each
    side has exactly one block of the role and the Comparison's document-level change of
    that role is exactly those two texts, its segments."""
    old_doc, new_doc = c.old.document, c.new.document
    fields = {fc.field: fc for fc in c.document_changes}
    out = []
    roles = sorted({b.level for b in (*old_doc.blocks, *new_doc.blocks) if b.kind is BlockKind.TEXT})
    for role in roles:
        olds = [b for b in old_doc.blocks if b.kind is BlockKind.TEXT and b.level == role]
        news = [b for b in new_doc.blocks if b.kind is BlockKind.TEXT and b.level == role]
        used_new: set[int] = set()
        unpaired_old = []
        for ob in olds:
            match = next((nb for nb in news if nb.index not in used_new and nb.raw == ob.raw), None)
            if match is None:
                unpaired_old.append(ob)
                continue
            used_new.add(match.index)
            out.append(_Pairing((ob.index,), (match.index,), (("=", ob.raw),)))
        unpaired_new = [nb for nb in news if nb.index not in used_new]
        field = fields.get(_ROLE_FIELD.get(role, ""))
        if len(unpaired_old) == 1 and len(unpaired_new) == 1 and field is not None and field.segments:
            ob, nb = unpaired_old[0], unpaired_new[0]
            if field.old == ob.text and field.new == nb.text:
                widened = group_segments(field.segments, [raw_parts(ob)], [raw_parts(nb)])
                if widened is not None:
                    out.append(_Pairing((ob.index,), (nb.index,), widened))
    return out


def _longest_chain(pairings: list[_Pairing]) -> list[_Pairing]:
    """The longest subsequence increasing in both old and new position (patience LIS),
    deterministic: pairings sorted by old position, ties impossible (blocks are disjoint)."""
    ordered = sorted(pairings, key=lambda p: (p.old[0], p.new[0]))
    tails: list[int] = []  # new position at the end of the best chain of each length
    tail_index: list[int] = []
    previous: list[int] = [-1] * len(ordered)
    for i, pairing in enumerate(ordered):
        k = bisect.bisect_left(tails, pairing.new[0])
        if k == len(tails):
            tails.append(pairing.new[0])
            tail_index.append(i)
        else:
            tails[k] = pairing.new[0]
            tail_index[k] = i
        previous[i] = tail_index[k - 1] if k > 0 else -1
    chain = []
    i = tail_index[-1] if tail_index else -1
    while i >= 0:
        chain.append(ordered[i])
        i = previous[i]
    return list(reversed(chain))


def _whole(block: Block, op: str) -> tuple[Segment, ...]:
    return ((op, block.raw),) if block.raw else ()


def revision_pieces(c: Comparison) -> tuple[Piece, ...]:
    """See the module docstring. Both versions must have text."""
    old_doc, new_doc = c.old.document, c.new.document
    if old_doc is None or new_doc is None:
        raise ValueError("revision_pieces needs both texts")
    pairings, old_change, new_change = _pairings(c)
    chain = _longest_chain(pairings)
    pieces: list[Piece] = []
    moved_boxes = {(cc.old, cc.new) for cc in c.container_changes if cc.moved}
    moved_old_boxes = {o for o, _ in moved_boxes}
    moved_new_boxes = {n for _, n in moved_boxes}

    # runs carried together into an added container: (old ordinals, new ordinals); the
    # added container's heading says so once, and the run's first old article once at
    # its old place
    # and, the mirror, runs that left a removed container together: its heading says so
    # once, and the run's first new article once at its new place
    carried = [(set(run.old), set(run.new)) for cc in c.container_changes
               for run in (*cc.carried_in, *cc.carried_out)]
    # (an added container's heading: a matched one's, when not kept in place, is no
    # "new" container and its runs are noted on their measures)
    carried_heads = {cc.new for cc in c.container_changes if cc.carried_in and cc.old is None}
    carried_first_old = {old_doc.measures[run.old[0] - 1].index
                         for cc in c.container_changes for run in cc.carried_in}
    carried_out_heads = {cc.old for cc in c.container_changes if cc.carried_out}
    carried_first_new = {new_doc.measures[run.new[0] - 1].index
                         for cc in c.container_changes for run in cc.carried_out}
    across_first_new = {new_doc.measures[run.new[0] - 1].index for cc in c.container_changes
                        if cc.old is not None and cc.new is not None for run in cc.carried_in}
    across_first_pairs = {(run.old[0], run.new[0]) for cc in c.container_changes
                          if cc.old is not None and cc.new is not None for run in cc.carried_in}

    def went_along(change: Change | None) -> bool:
        """A measure change that moved only with its container (not `moved` itself, and
        under a moved container on the old side and under that container's match on
        the new side, or in a run carried into an added container): its deletion and
        insertion get no note; the container's do."""
        if change is None or change.moved or not change.old or not change.new:
            return False
        if any(change.old[0] in olds and change.new[0] in news for olds, news in carried):
            return True
        old_chain = {b.index for b in old_doc.ancestors(old_doc.measures[change.old[0] - 1])}
        new_chain = {b.index for b in new_doc.ancestors(new_doc.measures[change.new[0] - 1])}
        return any(o in old_chain and n in new_chain for o, n in moved_boxes)

    def old_only(i: int) -> None:
        change = old_change.get(i)
        if i in moved_old_boxes:
            note = "container_moved_old"
        elif i in carried_first_old:
            note = "carried_old"
        elif i in carried_out_heads:
            note = "container_carried_old"
        else:
            note = "moved_old" if change is not None and change.new and not went_along(change) else None
        pieces.append(Piece((i,), (), _whole(old_doc.blocks[i], "-"), change, note))

    def new_only(j: int) -> None:
        change = new_change.get(j)
        if j in moved_new_boxes:
            note = "container_moved_new"
        elif j in carried_heads:
            note = "container_carried_new"
        elif j in carried_first_new:
            note = "carried_new"
        elif j in across_first_new:
            note = "carried_across_new"
        else:
            note = "moved_new" if change is not None and change.old and not went_along(change) else None
        pieces.append(Piece((), (j,), _whole(new_doc.blocks[j], "+"), change, note))

    i = j = 0
    for pairing in chain:
        while i < pairing.old[0]:
            old_only(i)
            i += 1
        while j < pairing.new[0]:
            new_only(j)
            j += 1
        change = pairing.change
        # a run into a matched container whose first measure is kept in place here: no
        # deletion or insertion of it carries the note, so this pairing does
        note = "carried_across_inline" if change is not None and change.new and change.old \
            and (change.old[0], change.new[0]) in across_first_pairs else None
        pieces.append(Piece(pairing.old, pairing.new, pairing.segments, change, note))
        i, j = pairing.old[-1] + 1, pairing.new[-1] + 1
    while i < len(old_doc.blocks):
        old_only(i)
        i += 1
    while j < len(new_doc.blocks):
        new_only(j)
        j += 1
    return _slide_kept_marks(_end_with_newline(tuple(pieces)))


def _slide_kept_marks(pieces: tuple[Piece, ...]) -> tuple[Piece, ...]:
    """`+A` `=¶` then a whole inserted block `+B¶` is written `+A¶B` `=¶` (the same texts
    on both sides), and likewise for deletions.

    Why: LibreOffice joins two insertions (or deletions) by the same author that touch
    across a paragraph mark into one revision, mark included, so that Reject All (Accept
    All) also removed the kept mark between them and ran two paragraphs together. Sliding
    the kept mark to the end of the run of whole inserted (deleted) blocks leaves no kept
    mark between two revisions of one kind. Word reads both forms the same way."""
    out = list(pieces)
    for k in range(len(out) - 1):
        head, tail = out[k], out[k + 1]
        if len(head.segments) < 2 or len(tail.segments) != 1:
            continue
        (op_a, text_a), (op_mark, mark) = head.segments[-2], head.segments[-1]
        op_b, text_b = tail.segments[0]
        if op_mark != "=" or not mark.endswith("\n") or op_a not in ("+", "-") or op_b != op_a \
                or not text_b.endswith("\n"):
            continue
        kept = mark[:-1]
        out[k] = Piece(head.old_blocks, head.new_blocks,
                       join_ops([*head.segments[:-2], (op_a, text_a), ("=", kept), (op_a, "\n")]),
                       head.change, head.note)
        out[k + 1] = Piece(tail.old_blocks, tail.new_blocks, join_ops([(op_b, text_b[:-1]), ("=", "\n")]),
                           tail.change, tail.note)
    return tuple(out)


def _end_with_newline(pieces: tuple[Piece, ...]) -> tuple[Piece, ...]:
    """A text whose last block has no final line end gets one (the last paragraph's mark),
    on each side that lacks it, so that every paragraph ends in a "\\n"."""
    if not pieces:
        return pieces
    segments = [s for p in pieces for s in p.segments]
    old_ends = rebuild(segments, "old").endswith("\n") or not rebuild(segments, "old")
    new_ends = rebuild(segments, "new").endswith("\n") or not rebuild(segments, "new")
    if old_ends and new_ends:
        return pieces
    extra: list[Segment] = []
    if not old_ends and not new_ends:
        extra.append(("=", "\n"))
    elif not old_ends:
        extra.append(("-", "\n"))
    else:
        extra.append(("+", "\n"))
    last = pieces[-1]
    return pieces[:-1] + (Piece(last.old_blocks, last.new_blocks, join_ops([*last.segments, *extra]),
                                last.change, last.note),)


def side_text(text: str) -> str:
    """A Document.text as the revision stream rebuilds it (a final "\\n" added if missing)."""
    return text if not text or text.endswith("\n") else text + "\n"


def is_structural(change: Change | None) -> bool:
    return change is not None and change.kind in (ChangeKind.SPLIT, ChangeKind.MERGED)


__all__ = ["Piece", "revision_pieces", "raw_parts", "pair_ops", "group_segments", "rebuild", "side_text"]
