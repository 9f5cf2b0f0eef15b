"""The revision check and the archive-wide impact of citations (issue 13): parts 2 and 3
of `citations` (see its docstring), apart from the grammar so that a diff, which reads
citations through the grammar only, does not create this module's record classes (issue
14: ~3.5 ms of a small diff's start-up).

Functional core: no I/O, no clock.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

from .citations import (_COUNTRY, Citation, _joined_offsets, align_units, find_citations, map_offset,
                        measure_label, paragraphs_of, unit_suffix)
from .lazyre import LazyPattern
from .model import Block, BlockKind, Change, ChangeKind, Comparison, Document, Segment


# --------------------------------------------------------------------------- revision check

STATUSES = ("updated", "unchanged", "stale", "retargeted", "target_removed", "target_split", "dropped",
            "unresolved", "new_citation")
# updated      the new text cites the target's new number (it moved, and the text followed)
# unchanged    the target kept its number and the new text still cites it
# stale        the target moved but the new text still cites the old number (or a 前款
#              that now points at another paragraph): a likely drafting error
# retargeted   the new text cites something else than the target's successor (the drafters
#              changed what is cited, or the alignment is wrong: check by hand)
# target_removed  the cited article has no successor
# target_split the cited article became several; `target_new` lists the candidates
# dropped      the citing sentence (or this citation in it) is gone from the new text
# unresolved   the old text cites an article it does not have
# new_citation a citation of the new text that no old citation accounts for

# Why a check has its status, as a stable code and its parameters (`reason_code`,
# `reason_args` of InternalCheck and ExternalCheck): the renderers word it from the labels
# catalogue (render.labels, key "creason.<code>") in the report's language. The English
# `reason` beside it is the JSON contract's sentence, kept word for word.
# Rejected: translating the English sentence in the renderer (a sentence is not a key: a
# new wording would silently fall back to English), and Chinese sentences in the core (the
# core does not know the report's language).
REASON_CODES = (
    # internal: what the citation points at in its own version (unresolved, new_citation)
    "no_such_article",          # {cited}: the version has no such article (「本条例第四十条」)
    "previous_of_first",        # {relative}: 前条 in the first article
    "before_first_paragraph",   # {relative}: 前款/前两款 with too few paragraphs before it
    # internal: the revision check
    "citing_measure_removed",   # the citing article has no successor (dropped)
    "no_longer_cited_here",     # the successor no longer cites at this place (dropped)
    "no_successor",             # {article}: the cited article was removed (target_removed)
    "split_written",            # {written, candidate}: the new text cites one part of a split
    "inside_written_range",     # {first, last}: the successor lies inside 「第X条至第Y条」
    "points_at_no_article",     # the written citation points at no article of the new text
    "predicted",                # {predicted, merged_into, rewritten}: the alignment predicts another number
    "target_is_new",            # a new citation of an article that is new
    # external: which numbering a citing document uses, and how it was followed
    "citing_date_unknown",      # the citing document's date is unknown
    "old_date_unknown",         # {ref}: the old version's date is unknown
    "before_earliest_version",  # {issued, ref, ref_date}: older than every archived version
    "basis_without_text",       # {issued, basis, missing}: a version on the way has no text
    "before_old_not_compared",  # {issued, ref, ref_date}: older than the old version, no history compared
    "no_such_article_in",       # {basis}: the numbering it cites has no such article
    "cites_numbering_of",       # {issued, basis}: issued after the new version: its numbering
    "followed_through",         # {basis, via: [[label, ref], ...]}: followed through earlier revisions
)


def _why(code: str, text: str, **args: Any) -> dict[str, Any]:
    """The reason fields of a check: the stable code, its parameters (sorted by name;
    values are str, bool, None or tuples of them) and the English sentence."""
    if code not in REASON_CODES:  # a programming error: every code needs its labels
        raise ValueError(f"unknown citation reason code {code!r}")
    return {"reason_code": code, "reason_args": tuple(sorted(args.items())), "reason": text}


@dataclass(frozen=True)
class TargetRef:
    """An article (and 款/项) of one version: its measure ordinal and the label to write."""

    ordinal: int | None
    label: str  # 「第三十七条」, 「第三十七条第二款」
    article_label: str = ""  # 「第三十七条」
    paragraphs: tuple[int, ...] = ()
    items: tuple[int, ...] = ()


@dataclass(frozen=True)
class InternalCheck:
    side: str  # "old" | "new"
    citation: Citation
    target: TargetRef | None  # in the citation's own version
    target_new: tuple[TargetRef, ...] = ()  # old side: the target's successors in the new version
    written: Citation | None = None  # old side: the citation at the same place in the new text
    written_target: TargetRef | None = None  # what `written` points at in the new version
    status: str = "unresolved"
    target_change: str | None = None  # kind of the change that holds the target
    reason: str = ""  # English sentence (JSON `reason`); renderers word reason_code instead
    target_in_old: tuple[TargetRef, ...] = ()  # new side: the target's origins in the old version
    reason_code: str = ""  # one of REASON_CODES, "" when there is nothing to say
    reason_args: tuple[tuple[str, Any], ...] = ()  # its parameters, (name, value) sorted by name


@dataclass(frozen=True)
class CorrespondenceRow:
    old: tuple[int, ...]
    new: tuple[int, ...]
    old_labels: tuple[str, ...]
    new_labels: tuple[str, ...]
    kind: str
    similarity: float
    renumbered: bool
    moved: bool


@dataclass(frozen=True)
class ExternalCheck:
    """A citation of the revised work written in another document."""

    ref: str  # the citing version's ref
    title: str | None
    citation: Citation
    status: str  # current | renumbered | modified | removed | split | unknown
    target: TargetRef | None = None  # in the version the citation is read against
    suggested: tuple[str, ...] = ()  # labels to write now
    suggested_text: str = ""  # 「民事诉讼法第一百一十九条 → 第一百二十二条」
    basis: str = ""  # ref of the revised work's version the citation is read against
    text_changed: bool = False  # the target's text changed in the revision
    reason: str = ""  # English sentence (JSON `reason`); renderers word reason_code instead
    citing_date: str | None = None
    reason_code: str = ""  # one of REASON_CODES, "" when there is nothing to say
    reason_args: tuple[tuple[str, Any], ...] = ()  # its parameters, (name, value) sorted by name
    # removed/split: the archived version before the revision's old one in which that
    # happened ("" when it happened in the revision itself); `suggested_text` says it in English
    changed_in: str = ""


@dataclass(frozen=True)
class CitationReport:
    comparison: Comparison
    correspondence: tuple[CorrespondenceRow, ...]
    internal: tuple[InternalCheck, ...]
    external: tuple[ExternalCheck, ...] = ()
    external_scope: str | None = None  # None: not asked; "latest" | "all" versions
    external_notes: tuple[str, ...] = ()  # English (JSON); renderers word `unarchived` instead
    # cited names that resolve to no archived work (or to several), with how often each is
    # cited: most cited first, then by name
    unarchived: tuple[tuple[str, int], ...] = ()

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in STATUSES}
        for check in self.internal:
            out[check.status] = out.get(check.status, 0) + 1
        return out

    def external_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for check in self.external:
            out[check.status] = out.get(check.status, 0) + 1
        return out


class _Version:
    """One side's measures, indexes and citations, computed once."""

    def __init__(self, doc: Document):
        self.doc = doc
        self.measures = doc.measures
        self.by_article: dict[tuple[int, int | None], int] = {}
        for m in self.measures:
            if m.level == "article" and m.number is not None and m.ordinal is not None:
                self.by_article.setdefault((m.number, m.sub_number), m.ordinal)
        self.citations = {m.ordinal: find_citations(m.text, m.ordinal) for m in self.measures}
        self._paragraphs: dict[int, list[str]] = {}

    def block(self, ordinal: int) -> Block:
        return self.measures[ordinal - 1]

    def paragraphs(self, ordinal: int) -> list[str]:
        if ordinal not in self._paragraphs:
            self._paragraphs[ordinal] = paragraphs_of(self.block(ordinal).text)
        return self._paragraphs[ordinal]

    def ref(self, ordinal: int | None, paragraphs: Sequence[int] = (), items: Sequence[int] = ()) -> TargetRef:
        article = measure_label(self.block(ordinal)) if ordinal else ""
        return TargetRef(ordinal=ordinal, label=article + unit_suffix(paragraphs, items),
                         article_label=article, paragraphs=tuple(paragraphs), items=tuple(items))

    def target_of(self, c: Citation) -> tuple[int | None, tuple[int, ...], tuple[int, ...], dict[str, Any]]:
        """(article ordinal, paragraphs, items, reason) a self-citation points at in this
        version; ordinal None with the reason (the fields of `_why`) when it points at
        nothing, else an empty reason."""
        items = (c.item,) if c.item is not None else ()
        if c.scope == "internal":
            key = c.article_key
            ordinal = self.by_article.get(key) if key else None
            if ordinal is None:
                cited = c.text.removeprefix('本法')
                return None, (), (), _why("no_such_article", f"the text has no {cited}", cited=cited)
            return ordinal, ((c.paragraph,) if c.paragraph else ()), items, {}
        # relative: this article (前条: the one before)
        if c.relative == "前条":
            block = self.block(c.ordinal)
            ordinal = self.by_article.get((block.number - 1, None)) if block.number else None
            if ordinal is None:
                return None, (), (), _why("previous_of_first", "前条 of the first article", relative=c.relative)
            return ordinal, (), (), {}
        if c.relative and c.relative.startswith("前") and c.relative.endswith("款"):
            first = c.citing_paragraph - c.relative_count
            if first < 1:
                return None, (), (), _why("before_first_paragraph", f"{c.relative} in the first paragraph",
                                          relative=c.relative)
            return c.ordinal, tuple(range(first, c.citing_paragraph)), items, {}
        if c.paragraph is not None:
            return c.ordinal, (c.paragraph,), items, {}
        if c.relative == "前项" or c.relative == "项":
            return c.ordinal, (c.citing_paragraph,), items, {}
        return c.ordinal, (), items, {}


def correspondence(c: Comparison) -> tuple[CorrespondenceRow, ...]:
    """The 条文序号对照表: one row per change, old labels -> new labels, in the Comparison's
    order (new document order, a removed measure where it stood) — the order of
    `diff --format csv` (render.correspondence), so the two tables read alike."""
    old_measures = c.old.document.measures if c.old.document is not None else ()
    new_measures = c.new.document.measures if c.new.document is not None else ()
    return tuple(CorrespondenceRow(
        old=tuple(ch.old), new=tuple(ch.new),
        old_labels=tuple(measure_label(old_measures[o - 1]) for o in ch.old),
        new_labels=tuple(measure_label(new_measures[n - 1]) for n in ch.new),
        kind=ch.kind.value, similarity=float(ch.similarity), renumbered=ch.renumbered, moved=ch.moved,
    ) for ch in c.changes)


def _segments_of(change: Change, old_texts: Sequence[str], new_texts: Sequence[str]) -> tuple[Segment, ...]:
    if change.segments:
        return tuple(change.segments)
    from . import textdiff

    return textdiff.redline_many(old_texts, new_texts)


def check_revision(c: Comparison) -> CitationReport:
    """Every internal and relative citation of `c.old` mapped through the alignment and
    compared with what the new text writes (see STATUSES), plus the new citations."""
    if c.old.document is None or c.new.document is None:
        from .errors import MissingTextError

        raise MissingTextError("both versions need their text to check citations")
    old, new = _Version(c.old.document), _Version(c.new.document)
    fate = {o: ch for ch in c.changes for o in ch.old}
    origin = {n: ch for ch in c.changes for n in ch.new}
    checks: list[InternalCheck] = []
    matched_new: set[tuple[int, int, int]] = set()
    for ordinal in sorted(old.citations):
        cites = [x for x in old.citations[ordinal] if x.scope in ("internal", "relative")]
        if not cites:
            continue
        change = fate.get(ordinal)
        placed = _place_in_new(change, ordinal, cites, old, new, fate) if change is not None else {}
        for cite in cites:
            written, covering, rewritten = placed.get((cite.start, cite.end), (None, None, False))
            if written is not None:
                matched_new.add((written.ordinal, written.start, written.end))
            if covering is not None:
                matched_new.add((covering.ordinal, covering.start, covering.end))
            checks.append(_check_old(cite, written, covering, old, new, fate, rewritten))
    for ordinal in sorted(new.citations):
        for cite in new.citations[ordinal]:
            if cite.scope not in ("internal", "relative") or (ordinal, cite.start, cite.end) in matched_new:
                continue
            t_ord, paragraphs, items, reason = new.target_of(cite)
            target = new.ref(t_ord, paragraphs, items) if t_ord else None
            origins: tuple[TargetRef, ...] = ()
            if t_ord is not None and t_ord in origin:
                origins = tuple(old.ref(o) for o in origin[t_ord].old)
            if not reason and t_ord and not origins:
                reason = _why("target_is_new", "the target is new")
            checks.append(InternalCheck(
                side="new", citation=cite, target=target, status="new_citation", target_in_old=origins,
                target_change=origin[t_ord].kind.value if t_ord in origin else None, **reason,
            ))
    return CitationReport(comparison=c, correspondence=correspondence(c), internal=tuple(checks))


# Characters of text on each side of a citation expression compared to decide that a new
# citation stands at the same place as an old one (unit: characters, range 4..40).
CONTEXT_CHARS = 12
# Minimum similarity (rapidfuzz ratio, 0..1) of those contexts for a citation that does
# not cite the predicted article to count as written at the same place: below it the
# sentence was rewritten and the old citation is `dropped`, not `stale`/`retargeted`.
# A citation that does cite the predicted (or the old) article is matched on position
# alone. 0.5: a clause with its verb and object kept scores 0.7-1.0 on corpus pairs, a
# different clause that happens to sit at the same offset 0.1-0.4.
CONTEXT_MIN = 0.5


@dataclass(frozen=True)
class _Placed:
    start: int  # in the joined text of the change's new measures
    end: int
    citation: Citation
    target: int | None  # article ordinal in the new version


def _context(text: str, start: int, end: int) -> str:
    return text[max(0, start - CONTEXT_CHARS):start] + "|" + text[end:end + CONTEXT_CHARS]


def _place_in_new(change: Change, ordinal: int, cites: Sequence[Citation], old: _Version, new: _Version,
                  fate: Mapping[int, Change]) -> dict[tuple[int, int], tuple[Citation | None, Citation | None, bool]]:
    """For each citation of old measure `ordinal`: (the self-citation written at the same
    place in the successor measure(s), or None; the range end when the target's
    successor is not written but lies inside a written range 「第七十八条至第八十条」; True
    when the place was found by position alone, the words around it rewritten).

    The place is the old citation expression's span mapped through the change's redline.
    Inside the new expressions found there, the one that cites the predicted successor is
    taken first (lists get longer or shorter between versions, so positions inside a list
    move), then the one that keeps the old number, then the one at the same position if
    its context is the same sentence (CONTEXT_MIN)."""
    from rapidfuzz.fuzz import ratio

    if not change.new:
        return {}
    old_texts = [old.block(o).text for o in change.old]
    new_texts = [new.block(n).text for n in change.new]
    segments = _segments_of(change, old_texts, new_texts)
    base = _joined_offsets(old_texts)[list(change.old).index(ordinal)]
    joined_new = "\n".join(new_texts)
    placed: list[_Placed] = []
    groups: dict[tuple[int, int], list[_Placed]] = {}
    for n, start in zip(change.new, _joined_offsets(new_texts)):
        for cand in new.citations.get(n, ()):
            if cand.scope in ("internal", "relative"):
                t_ord = new.target_of(cand)[0]
                item = _Placed(start + cand.start, start + cand.end, cand, t_ord)
                placed.append(item)
                groups.setdefault((n, cand.group), []).append(item)
    old_text = old.block(ordinal).text
    old_groups: dict[int, list[Citation]] = {}
    for cite in old.citations[ordinal]:
        old_groups.setdefault(cite.group, []).append(cite)
    def same_place(p: _Placed, cite: Citation, group: list[Citation]) -> bool:
        old_ctx = _context(old_text, group[0].start, group[-1].end)
        p_group = groups[(p.citation.ordinal, p.citation.group)]
        offset = p.start - p.citation.start
        new_ctx = _context(joined_new, offset + p_group[0].citation.start, offset + p_group[-1].citation.end)
        return ratio(old_ctx, new_ctx) / 100.0 >= CONTEXT_MIN

    out: dict[tuple[int, int], tuple[Citation | None, Citation | None]] = {}
    rewritten: set[tuple[int, int]] = set()  # matched by position alone, in rewritten words
    for cite in cites:
        group = old_groups[cite.group]
        g_lo = map_offset(segments, base + group[0].start)
        g_hi = map_offset(segments, base + group[-1].end, right=True)
        near = [p for items in groups.values() if any(min(p.end, g_hi) - max(p.start, g_lo) > 0 for p in items)
                for p in items]
        lo = map_offset(segments, base + cite.start)
        hi = map_offset(segments, base + cite.end, right=True)

        def by_position(p: _Placed) -> tuple[int, int]:
            return (-(min(p.end, hi) - max(p.start, lo)), abs(p.start - lo))

        successors: tuple[int, ...] = ()
        t_ord = old.target_of(cite)[0]
        if t_ord is not None and t_ord in fate:
            successors = tuple(fate[t_ord].new)
        if cite.scope == "internal":
            hits = sorted((p for p in near if p.target in successors and p.citation.scope == "internal"),
                          key=by_position)
            if hits:
                out[(cite.start, cite.end)] = (hits[0].citation, None)
                continue
            same_number = sorted((p for p in near if p.citation.scope == "internal"
                                  and p.citation.article_key == cite.article_key), key=by_position)
            # the old number kept at the very place of the old citation (its span, mapped
            # through the redline, overlaps), or in the same words around it: evidence of
            # a stale citation as strong as a hit is of an updated one. Elsewhere in a
            # rewritten passage the same number may be a new article's (慈善法 2016 第一百零一条
            # 「本法第二十七条」 against 2023 「违反本法第二十七条规定的」 about another duty).
            same_number = [p for p in same_number
                           if min(p.end, hi) - max(p.start, lo) > 0 or same_place(p, cite, group)]
            if same_number:
                out[(cite.start, cite.end)] = (same_number[0].citation, None)
                if not same_place(same_number[0], cite, group):
                    rewritten.add((cite.start, cite.end))
                continue
            covering = _covering_range(near, successors, new)
            if covering is not None:
                out[(cite.start, cite.end)] = covering
                continue
        positional = sorted((p for p in placed if min(p.end, hi) - max(p.start, lo) > 0), key=by_position)
        if cite.scope == "relative":
            same_text = sorted((p for p in near if p.citation.text == cite.text), key=by_position)
            positional = same_text + positional
        for p in positional:
            if same_place(p, cite, group):
                out[(cite.start, cite.end)] = (p.citation, None)
                break
    return {key: (written, covering, key in rewritten) for key, (written, covering) in out.items()}


def _covering_range(near: Sequence[_Placed], successors: tuple[int, ...], new: _Version
                    ) -> tuple[Citation, Citation] | None:
    """(range start, range end) of a written range 「第X条至第Y条」 whose articles include
    the single successor, when it is not written on its own."""
    if len(successors) != 1:
        return None
    target = new.block(successors[0])
    for first, second in zip(near, near[1:]):
        if first.citation.role == "range_start" and second.citation.role == "range_end" \
                and first.citation.group == second.citation.group and first.target and second.target:
            if first.target <= successors[0] <= second.target and target.level == "article":
                return (first.citation, second.citation)
    return None


def _mapped_units(old: _Version, new: _Version, o_ord: int, n_ord: int,
                  paragraphs: tuple[int, ...]) -> tuple[int, ...] | None:
    """The old article's paragraphs as numbered in its new successor; None when one of
    them has no match (reworded beyond PARAGRAPH_MATCH_MIN, or removed)."""
    if not paragraphs:
        return ()
    mapping = align_units(old.paragraphs(o_ord), new.paragraphs(n_ord))
    mapped = tuple(mapping.get(p) for p in paragraphs)
    return None if any(p is None for p in mapped) else tuple(mapped)  # type: ignore[return-value]


def _check_old(cite: Citation, written: Citation | None, covering: Citation | None, old: _Version,
               new: _Version, fate: Mapping[int, Change], rewritten: bool = False) -> InternalCheck:
    t_ord, paragraphs, items, reason = old.target_of(cite)
    if t_ord is None:
        return InternalCheck(side="old", citation=cite, target=None, written=written, status="unresolved",
                             written_target=_written_target(written, new), **reason)
    target = old.ref(t_ord, paragraphs, items)
    change = fate.get(t_ord)
    kind = change.kind.value if change is not None else None
    successors = tuple(change.new) if change is not None else ()
    target_new: tuple[TargetRef, ...] = ()
    mapped_paragraphs: tuple[int, ...] | None = ()
    if len(successors) == 1:
        mapped_paragraphs = _mapped_units(old, new, t_ord, successors[0], paragraphs)
        target_new = (new.ref(successors[0], mapped_paragraphs if mapped_paragraphs is not None else paragraphs,
                              items),)
    else:
        target_new = tuple(new.ref(n) for n in successors)
    written_target = _written_target(written, new)
    common = dict(side="old", citation=cite, target=target, target_new=target_new, written=written,
                  written_target=written_target, target_change=kind)
    if written is None:
        if not fate.get(cite.ordinal) or not fate[cite.ordinal].new:
            gone = _why("citing_measure_removed", "the citing measure was removed")
        else:
            gone = _why("no_longer_cited_here", "the successor measure no longer cites at this place")
        return InternalCheck(status="dropped", **gone, **common)
    if not successors:
        return InternalCheck(status="target_removed", **common, **_why(
            "no_successor", f"{target.article_label} has no successor", article=target.article_label))
    if len(successors) > 1:
        if written_target is None:
            return InternalCheck(status="target_split", **common)
        candidate = written_target.ordinal in successors
        note = f"written: {written_target.label}" + (" (one of the candidates)" if candidate else "")
        return InternalCheck(status="target_split", **common, **_why(
            "split_written", note, written=written_target.label, candidate=candidate))
    predicted = target_new[0]
    if covering is not None and written_target is not None:
        # the successor lies inside a written range: the range was updated
        written_range = f"{written.text}至{covering.text}"
        status = "unchanged" if predicted.label == target.label else "updated"
        return InternalCheck(status=status, **common, **_why(
            "inside_written_range", f"inside the written range {written_range}",
            first=written.text, last=covering.text))
    if written_target is None:
        return InternalCheck(status="retargeted", **common, **_why(
            "points_at_no_article", "the written citation points at no article of the new text"))
    same_article = written_target.ordinal == predicted.ordinal
    if same_article and mapped_paragraphs is None:
        # the cited 款 could not be followed: judge the article only
        same_units = True
    else:
        same_units = written_target.paragraphs == predicted.paragraphs or not paragraphs or not written_target.paragraphs
    if same_article and same_units:
        if cite.scope == "relative" and written.text == cite.text or predicted.label == target.label:
            return InternalCheck(status="unchanged", **common)
        return InternalCheck(status="updated", **common)
    # not what the alignment predicts: the old number kept (stale) or something else
    written_old_number = (
        written.scope == cite.scope == "internal" and written.article_key == cite.article_key
        and written.paragraph == cite.paragraph
    ) or (cite.scope == "relative" and written.text == cite.text)
    if written_old_number:
        reason = f"predicted {predicted.label}"
        # a merge is where an alignment most often hides a split (part of the old article
        # went elsewhere): the old number may still be right
        merged_into = predicted.article_label if kind == "merged" else None
        if merged_into is not None:
            reason += f" (the target was merged into {merged_into}: check by hand)"
        if rewritten:
            # the old number stands where the old citation was, but the words around it
            # were rewritten: it may be a new article that happens to have that number
            reason += " (the sentence around it was rewritten: check by hand)"
        return InternalCheck(status="stale", **common, **_why(
            "predicted", reason, predicted=predicted.label, merged_into=merged_into, rewritten=rewritten))
    return InternalCheck(status="retargeted", **common, **_why(
        "predicted", f"predicted {predicted.label}", predicted=predicted.label, merged_into=None, rewritten=False))


def _written_target(written: Citation | None, new: _Version) -> TargetRef | None:
    if written is None:
        return None
    t_ord, paragraphs, items, _ = new.target_of(written)
    return new.ref(t_ord, paragraphs, items) if t_ord else None


# --------------------------------------------------------------------------- across the archive

_TITLE_QUALIFIERS_RE = LazyPattern(r"[（(](?:试行|草案|暂行|修正|修订|\d{4}年?修[正订]?)[)）]$")


def normalise_work_name(name: str) -> str:
    """A cited name or archived title compared loosely: no spaces or 《》, 〈〉 as 《》,
    NFKC (full-width brackets), no trailing 「（试行）」.

    >>> normalise_work_name("《中华人民共和国 民事诉讼法》"), normalise_work_name("示例条例（试行）")
    ('中华人民共和国民事诉讼法', '示例条例')
    """
    text = unicodedata.normalize("NFKC", name).replace("〈", "《").replace("〉", "》")
    text = re.sub(r"\s+", "", text)
    if text.startswith("《") and text.endswith("》"):
        text = text[1:-1]
    return _TITLE_QUALIFIERS_RE.sub("", text)


def name_index(works: Mapping[str, Sequence[str]]) -> dict[str, frozenset[str]]:
    """{normalised name: works} from each work's titles and aliases; a title starting with
    中华人民共和国 is also known without it (laws are cited as 「民事诉讼法」)."""
    index: dict[str, set[str]] = {}
    for work, titles in works.items():
        for title in titles:
            name = normalise_work_name(title)
            forms = {name}
            if name.startswith(_COUNTRY) and len(name) > len(_COUNTRY) + 1:
                forms.add(name[len(_COUNTRY):])
            for form in forms:
                if len(form) >= 2:
                    index.setdefault(form, set()).add(work)
    return {k: frozenset(v) for k, v in index.items()}


def resolve_work(citation: Citation, index: Mapping[str, frozenset[str]]) -> tuple[str | None, str]:
    """(work, reason) for an external citation: the one archived work whose title or alias
    is the cited name; None with the reason when none or several match (never a guess).
    A name written without 书名号 may carry words before it (「有刑事诉讼法」): its
    suffixes are tried, longest first, down to two characters."""
    if citation.work_name is None:
        return None, "no name"
    name = normalise_work_name(citation.work_name)
    candidates = [name]
    if name.startswith(_COUNTRY) and len(name) > len(_COUNTRY) + 1:
        candidates.append(name[len(_COUNTRY):])  # an archived title may lack it
    if not citation.bracketed:
        candidates += [name[i:] for i in range(1, len(name) - 1)]
    for candidate in candidates:
        found = index.get(candidate)
        if not found:
            continue
        if len(found) > 1:
            return None, f"「{candidate}」 names several archived works: {', '.join(sorted(found))}"
        return next(iter(found)), ""
    return None, f"no archived work is called 「{citation.work_name}」"


def version_date(v) -> str | None:
    """The date a version's numbering starts to be cited from: issued, else effective,
    else a version id that is an ISO date."""
    for value in (v.meta.issued, v.meta.effective, v.version):
        if value and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return value
    return None


def external_impact(report: CitationReport, others: Sequence, *, scope: str,
                    works: Mapping[str, Sequence[str]], earlier: Sequence = (),
                    compare_versions=None) -> CitationReport:
    """The citations of the revised work (report.comparison's) in `others` (archived
    versions of other works), each with its status against the revision.

    Which numbering a citation uses is decided by dates: a document issued on or after the
    new version's date cites the new numbering (`current` when that article exists); one
    issued between the old and the new version cites the old numbering and is mapped
    through the alignment (`current` / `renumbered` / `modified` / `removed` / `split`).
    One issued before the old version cites the numbering of the version in force then:
    when `earlier` (the revised work's archived versions before the old one, in order)
    holds it with its text, the citation is followed through every revision from that
    version to the new one (`compare_versions(old, new) -> Comparison` aligns each step);
    otherwise, or without a date, it is `unknown`, with the reason — never mapped as if it
    cited the old numbering."""
    c = report.comparison
    revised = c.new.work or c.old.work
    index = name_index(works)
    chain = _Chain(c, tuple(earlier), compare_versions)
    checks: list[ExternalCheck] = []
    unresolved: dict[str, int] = {}
    for v in others:
        if v.document is None:
            continue
        citing_date = version_date(v)
        # measures, and the unnumbered text too (a notice cites laws in its paragraphs)
        blocks = [b for b in v.document.blocks if b.kind is not BlockKind.CONTAINER]
        for m in blocks:
            for cite in find_citations(m.text, m.ordinal or 0):
                if cite.scope != "external":
                    continue
                work, why = resolve_work(cite, index)
                if work is None:
                    unresolved[cite.work_name or "?"] = unresolved.get(cite.work_name or "?", 0) + 1
                    continue
                if work != revised:
                    continue
                checks.append(_external_check(v, cite, citing_date, chain))
    notes = []
    unarchived = tuple(sorted(unresolved.items(), key=lambda kv: (-kv[1], kv[0])))
    if unresolved:
        listed = "、".join(f"{name} ×{n}" if n > 1 else name
                           for name, n in sorted(unresolved.items(), key=lambda kv: (-kv[1], kv[0]))[:12])
        notes.append(f"{sum(unresolved.values())} external citation(s) name works that are not archived "
                     f"(or not uniquely): {listed}")
    return replace(report, external=tuple(checks), external_scope=scope, external_notes=tuple(notes),
                   unarchived=unarchived)


class _Chain:
    """The revised work's versions up to the new one and the comparisons between
    consecutive ones, computed when a citation needs them (an older numbering)."""

    def __init__(self, c: Comparison, earlier: tuple, compare_versions):
        self.c = c
        self.versions = earlier + (c.old, c.new)
        self.dates = [version_date(v) for v in self.versions]
        self._compare = compare_versions
        self._parsed: dict[int, _Version] = {}
        self._steps: dict[int, Comparison] = {len(self.versions) - 2: c}

    def parsed(self, i: int) -> _Version:
        if i not in self._parsed:
            self._parsed[i] = _Version(self.versions[i].document)
        return self._parsed[i]

    def step(self, i: int) -> Comparison:
        """The comparison of versions[i] -> versions[i + 1]."""
        if i not in self._steps:
            self._steps[i] = self._compare(self.versions[i], self.versions[i + 1])
        return self._steps[i]

    def basis(self, citing_date: str) -> tuple[int | None, dict[str, Any]]:
        """Index of the version whose numbering a document of `citing_date` cites: the
        latest one dated on or before it; None with the reason (the fields of `_why`) when
        there is none to read."""
        old_i = len(self.versions) - 2
        old_ref = self.c.old.ref
        if self.dates[old_i] is None:
            return None, _why("old_date_unknown",
                              f"the date of {old_ref} is unknown: cannot tell which numbering it cites", ref=old_ref)
        candidates = [i for i, d in enumerate(self.dates) if d is not None and d <= citing_date]
        if not candidates:
            first = self.versions[0]
            return None, _why("before_earliest_version",
                              f"issued {citing_date}, before {first.ref} ({self.dates[0]}), the earliest archived "
                              "version: it may cite an earlier numbering that is not archived",
                              issued=citing_date, ref=first.ref, ref_date=self.dates[0])
        i = max(candidates)
        for j in range(i, old_i + 1):
            v = self.versions[j]
            if not v.has_text or v.document is None:
                return None, _why("basis_without_text",
                                  f"issued {citing_date}: it cites the numbering of {self.versions[i].ref}, but "
                                  f"{v.ref} has no text in the archive, so the article cannot be followed",
                                  issued=citing_date, basis=self.versions[i].ref, missing=v.ref)
        if i < old_i and self._compare is None:
            return None, _why("before_old_not_compared",
                              f"issued {citing_date}, before {old_ref} ({self.dates[old_i]}): it may cite an "
                              "earlier numbering that is not compared here",
                              issued=citing_date, ref=old_ref, ref_date=self.dates[old_i])
        return i, {}


def _external_check(v, cite: Citation, citing_date: str | None, chain: _Chain) -> ExternalCheck:
    c = chain.c
    key = cite.article_key
    paragraphs: tuple[int, ...] = (cite.paragraph,) if cite.paragraph else ()
    items = (cite.item,) if cite.item else ()
    common = dict(ref=v.ref, title=v.meta.title, citation=cite, citing_date=citing_date)
    if citing_date is None:
        return ExternalCheck(status="unknown", basis="", **common, **_why(
            "citing_date_unknown", "the citing document's date is unknown: cannot tell which numbering it cites"))
    basis_i, why = chain.basis(citing_date)
    if basis_i is None:
        return ExternalCheck(status="unknown", basis="", **why, **common)
    basis = chain.versions[basis_i]
    version = chain.parsed(basis_i)
    ordinal = version.by_article.get(key) if key else None
    if ordinal is None:
        return ExternalCheck(status="unknown", basis=basis.ref, **common, **_why(
            "no_such_article_in", f"{basis.ref} has no such article", basis=basis.ref))
    target = version.ref(ordinal, paragraphs, items)
    last = len(chain.versions) - 1
    if basis_i == last:
        return ExternalCheck(status="current", basis=basis.ref, target=target, suggested=(target.label,), **common,
                             **_why("cites_numbering_of", f"issued {citing_date}: cites the numbering of {basis.ref}",
                                    issued=citing_date, basis=basis.ref))
    text_changed = False
    via = []
    for i in range(basis_i, last):
        step = chain.step(i)
        fate = next((ch for ch in step.changes if ordinal in ch.old), None)
        successors = tuple(fate.new) if fate is not None else ()
        text_changed = text_changed or fate is None or fate.kind is not ChangeKind.UNCHANGED
        after = chain.parsed(i + 1)
        where = chain.versions[i + 1].ref
        changed_in = where if i + 1 < last else ""
        if not successors:
            note = f" (removed in {where})" if changed_in else ""
            return ExternalCheck(status="removed", basis=basis.ref, target=target, text_changed=True,
                                 suggested_text=f"{cite.text} → (removed{note})", changed_in=changed_in,
                                 **_via(basis, via), **common)
        if len(successors) > 1:
            labels = tuple(after.ref(n).label for n in successors)
            note = f" (split in {where}: check by hand)" if changed_in else ""
            return ExternalCheck(status="split", basis=basis.ref, target=target, suggested=labels, text_changed=True,
                                 suggested_text=f"{cite.text} → {' / '.join(labels)}{note}", changed_in=changed_in,
                                 **_via(basis, via), **common)
        mapped = _mapped_units(chain.parsed(i), after, ordinal, successors[0], paragraphs)
        paragraphs = mapped if mapped is not None else paragraphs
        ordinal = successors[0]
        if i + 1 < last:
            via.append((after.ref(ordinal).label, where))
    successor = chain.parsed(last).ref(ordinal, paragraphs, items)
    if successor.label != target.label:
        status, suggestion = "renumbered", f"{cite.text} → {successor.label}"
    else:
        status, suggestion = ("modified" if text_changed else "current"), ""
    return ExternalCheck(status=status, basis=basis.ref, target=target, suggested=(successor.label,),
                         suggested_text=suggestion, text_changed=text_changed, **_via(basis, via), **common)


def _via(basis, via: list[tuple[str, str]]) -> dict[str, Any]:
    """The reason of a citation followed through earlier revisions: via = (label, ref) of
    the article in each version on the way."""
    if not via:
        return {}
    steps = ", ".join(f"{label} in {ref}" for label, ref in via)
    return _why("followed_through", f"cites the numbering of {basis.ref}; followed through {steps}",
                basis=basis.ref, via=tuple(via))
