"""What a human-readable report says, computed once from a Comparison for HTML and Markdown.

Plain data only (strings, ints, tuples of dicts): no markup here, so the HTML and the
Markdown reports cannot disagree about counts, fates or labels. Functional core: no I/O.

The reconciliation is recomputed from the Comparison against the two Documents rather than
trusted: a measure that appears in no change, or in several, is reported as such in the
report itself (an auditor must see a broken alignment, not a tidy table hiding it).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from ..lexicon import add_text_command
from ..model import Change, ChangeKind, Comparison, Version
from ..substance import format_only
from ..status import pair_relation
from .labels import labeller

KIND_ORDER = tuple(k.value for k in ChangeKind)
# Kinds that account for old measures / new measures in the reconciliation totals.
OLD_SIDE_KINDS = ("unchanged", "modified", "split", "merged", "removed")
NEW_SIDE_KINDS = ("unchanged", "modified", "split", "merged", "added")
# Flags shown first, in this order; flags a later comparison adds follow alphabetically.
KNOWN_FLAG_ORDER = ("renumbered", "moved", "money", "percent", "date", "deadline", "count", "penalty", "modal",
                    "editorial")

def change_flags(change: Change) -> tuple[str, ...]:
    """renumbered/moved first, then the substance flags, without duplicates."""
    flags = []
    if change.renumbered:
        flags.append("renumbered")
    if change.moved:
        flags.append("moved")
    for flag in change.flags:
        if flag not in flags:
            flags.append(flag)
    return tuple(flags)


def label_span(ordinals: tuple[int, ...], labels: tuple[str, ...], t: Callable[..., str]) -> str:
    """Measure labels with consecutive ordinals written as ranges: 「第三百三十六条至第三百
    四十三条」, 「第四条、第七条至第九条」 (a pair stays two labels)."""
    groups: list[list[int]] = []
    for k, ordinal in enumerate(ordinals):
        if groups and ordinals[groups[-1][-1]] + 1 == ordinal:
            groups[-1].append(k)
        else:
            groups.append([k])
    parts: list[str] = []
    for group in groups:
        if len(group) >= 3:
            parts.append(t("containers.range", first=labels[group[0]], last=labels[group[-1]]))
        else:
            parts.extend(labels[k] for k in group)
    return t("list_sep").join(parts) or "—"


def container_name(label: str, heading: str) -> str:
    """A container as a reader names it: its label and heading (「第三章 法律责任」), the
    one present, or 「—」 when it has neither (the top level). Every format says it so."""
    return " ".join(x for x in (label, heading) if x) or "—"


def carried_sentences(cc, t: Callable[..., str]) -> tuple[str, ...]:
    """One sentence per run of measures carried together into an added container, or out
    of a removed one."""
    return tuple(
        t("containers.carried", old=container_name(run.old_label, run.old_heading),
          old_labels=label_span(run.old, run.old_labels, t), count=len(run.old),
          new_labels=label_span(run.new, run.new_labels, t))
        for run in cc.carried_in) + tuple(
        t("containers.carried_out", new=container_name(run.new_label, run.new_heading),
          old_labels=label_span(run.old, run.old_labels, t), count=len(run.old),
          new_labels=label_span(run.new, run.new_labels, t))
        for run in cc.carried_out)


def carried_from_removed(cc, t: Callable[..., str]) -> tuple[tuple[int | None, str], ...]:
    """(new container the run joined, sentence) per run that left a removed container:
    the 对照表 says it on the heading row of the container the articles now stand in."""
    return tuple(
        (run.new_container,
         t("containers.carried_from_removed", old=container_name(run.old_label, run.old_heading),
           old_labels=label_span(run.old, run.old_labels, t), count=len(run.old),
           new_labels=label_span(run.new, run.new_labels, t)))
        for run in cc.carried_out)


def flag_sort_key(flag: str) -> tuple[int, str]:
    return (KNOWN_FLAG_ORDER.index(flag) if flag in KNOWN_FLAG_ORDER else len(KNOWN_FLAG_ORDER), flag)


def comparable(c: Comparison) -> bool:
    return c.comparable


class MeasureIndex:
    """Labels, paths and texts of one version's measures by ordinal, computed once.

    Document.measures is a property that scans every block, so asking it per ordinal makes
    a 650-article report quadratic (seconds); this index makes it linear.
    """

    def __init__(self, version: Version):
        doc = version.document
        self.measures = doc.measures if doc is not None else ()
        self._doc = doc
        self._paths: dict[int, str] = {}

    @property
    def count(self) -> int | None:
        return len(self.measures) if self._doc is not None else None

    def _block(self, ordinal: int):
        return self.measures[ordinal - 1] if 1 <= ordinal <= len(self.measures) else None

    def label(self, ordinal: int) -> str:
        """The label as printed (「第五条」, 「5.」); 「#N」 when the ordinal is out of range."""
        block = self._block(ordinal)
        if block is None:
            return f"#{ordinal}"
        label = block.label.strip()
        if block.sub_number and "之" not in label:
            label = f"{label}之{block.sub_number}"
        return label or f"#{ordinal}"

    def path(self, ordinal: int) -> str:
        if ordinal not in self._paths:
            block = self._block(ordinal)
            self._paths[ordinal] = " ".join(self._doc.path(block)) if block is not None else ""
        return self._paths[ordinal]

    def text(self, ordinal: int) -> str:
        block = self._block(ordinal)
        return block.text if block is not None else ""


def change_segments(change: Change, old: MeasureIndex, new: MeasureIndex) -> tuple[tuple[str, str], ...]:
    """The change's segments; for a change that carries none (e.g. built by hand), the old
    texts as deletions and the new texts as insertions, which keeps the lossless rule."""
    if change.segments:
        return tuple(change.segments)
    old_text = "\n".join(old.text(o) for o in change.old)
    new_text = "\n".join(new.text(n) for n in change.new)
    segments = []
    if old_text:
        segments.append(("-", old_text))
    if new_text:
        segments.append(("+", new_text))
    return tuple(segments)


def split_side(segments, side: str, texts: list[str]) -> tuple[tuple[tuple[str, str], ...], ...] | None:
    r"""One side of a redline cut into one segment list per measure (for the side-by-side
    panes of a split or merge): the side's text is its measures' texts joined by "\n", so
    the cut points are known. None when the segments do not rebuild `texts` exactly (the
    caller then shows the side as one pane rather than a wrong cut).

    >>> split_side((("=", "a"), ("-", "b\nc"), ("+", "x")), "old", ["ab", "c"])
    ((('=', 'a'), ('-', 'b')), (('-', 'c'),))
    """
    own = "-" if side == "old" else "+"
    panes: list[list[tuple[str, str]]] = [[] for _ in texts]
    ends, position = [], 0
    for text in texts:
        position += len(text)
        ends.append(position)
        position += 1  # the "\n" joiner
    index, position = 0, 0
    for op, chunk in segments:
        if op != "=" and op != own:
            continue
        while chunk:
            if index >= len(texts):
                return None
            if position == ends[index]:  # at a joiner: it belongs to no measure
                if chunk[0] != "\n" or index == len(texts) - 1:
                    return None
                chunk, position, index = chunk[1:], position + 1, index + 1
                continue
            take = min(len(chunk), ends[index] - position)
            panes[index].append((op, chunk[:take]))
            chunk, position = chunk[take:], position + take
    rebuilt = ["".join(text for _, text in pane) for pane in panes]
    return tuple(tuple(pane) for pane in panes) if rebuilt == texts else None


def side_header(version: Version, index: MeasureIndex, t: Callable[..., str]) -> dict:
    meta = version.meta
    source = version.source
    return {
        "ref": version.ref,
        "title": meta.title,
        "doc_no": meta.doc_no,
        "issuers": t("list_sep").join(meta.issuers) if meta.issuers else None,
        "issued": meta.issued,
        "effective": meta.effective,
        "published": meta.published,
        "has_text": bool(version.has_text),
        "source_file": source.file,
        "source_url": source.url,
        "retrieved": source.retrieved,
        "source_sha256": source.sha256,
        "text_sha256": version.text_sha256,
        "commit": version.commit,
        "notes": tuple(version.notes),
        "measures": index.count,
        "work": version.work,
        "version": version.version,
    }


@dataclass(frozen=True)
class ReconRow:
    ordinal: int
    label: str
    path: str
    kind: str | None  # None: in no change (a broken alignment)
    counterparts: tuple[tuple[int, str], ...]  # (ordinal, label) on the other side
    change_id: str | None
    duplicate: bool = False  # in more than one change


def _recon_rows(c: Comparison, side: str, change_ids: dict[int, str], version: MeasureIndex,
                other: MeasureIndex) -> tuple[tuple[ReconRow, ...], dict]:
    total = version.count or 0
    seen: dict[int, list[int]] = {}
    for position, change in enumerate(c.changes):
        for ordinal in (change.old if side == "old" else change.new):
            seen.setdefault(ordinal, []).append(position)
    ordinals = sorted(set(range(1, total + 1)) | set(seen))
    rows = []
    counts = {k: 0 for k in (OLD_SIDE_KINDS if side == "old" else NEW_SIDE_KINDS)}
    missing = duplicate = 0
    for ordinal in ordinals:
        positions = seen.get(ordinal, [])
        if not positions:
            missing += 1
            rows.append(ReconRow(ordinal, version.label(ordinal), version.path(ordinal), None, (), None))
            continue
        change = c.changes[positions[0]]
        if len(positions) > 1:
            duplicate += 1
        counts[change.kind.value] = counts.get(change.kind.value, 0) + 1
        others = change.new if side == "old" else change.old
        rows.append(ReconRow(
            ordinal, version.label(ordinal), version.path(ordinal), change.kind.value,
            tuple((o, other.label(o)) for o in others), change_ids[positions[0]],
            duplicate=len(positions) > 1,
        ))
    consistent = missing == 0 and duplicate == 0 and sum(counts.values()) == total
    return tuple(rows), {"total": total, "counts": counts, "missing": missing,
                         "duplicate": duplicate, "consistent": consistent}


def build_view(c: Comparison, lang: str = "zh", generated: str | None = None) -> dict:
    """Everything a report shows, as plain data (see module docstring)."""
    t = labeller(lang)
    is_comparable = comparable(c)
    old_index, new_index = MeasureIndex(c.old), MeasureIndex(c.new)
    change_ids = {i: f"change-{i + 1}" for i in range(len(c.changes))}
    summary = c.summary()
    flags_present: dict[str, int] = {}
    changes = []
    anchored: set[tuple[str, int]] = set()  # ("old", 5): id="old-5" already placed

    def labels(side: str, index: MeasureIndex, ordinals: tuple[int, ...]) -> tuple[tuple, ...]:
        out = []
        for ordinal in ordinals:
            first = (side, ordinal) not in anchored  # ids stay unique even for a broken alignment
            anchored.add((side, ordinal))
            out.append((ordinal, index.label(ordinal), index.path(ordinal), first))
        return tuple(out)

    def panes(side: str, index: MeasureIndex, ordinals: tuple[int, ...], segments) -> tuple[tuple, ...]:
        """(ordinal, label, segments) per measure of one side; one pane for all when the
        segments cannot be cut (see split_side)."""
        cut = split_side(segments, side, [index.text(o) for o in ordinals]) if len(ordinals) > 1 else None
        if cut is None:
            own = "-" if side == "old" else "+"
            whole = tuple(seg for seg in segments if seg[0] in ("=", own))
            return ((ordinals, tuple(index.label(o) for o in ordinals), whole),)
        return tuple(((o,), (index.label(o),), pane) for o, pane in zip(ordinals, cut))

    for i, change in enumerate(c.changes):
        flags = change_flags(change)
        segments = change_segments(change, old_index, new_index)
        for flag in flags:
            flags_present[flag] = flags_present.get(flag, 0) + 1
        changes.append({
            "id": change_ids[i],
            "kind": change.kind.value,
            "old": tuple(change.old),
            "new": tuple(change.new),
            "old_labels": labels("old", old_index, change.old),
            "new_labels": labels("new", new_index, change.new),
            "has_sbs": change.kind.value in ("modified", "split", "merged") and bool(change.old and change.new),
            "flags": flags,
            # In the keyboard change list: anything but an unchanged measure that at most
            # got a new number (a renumbering cascade would flood the list).
            "listed": change.kind is not ChangeKind.UNCHANGED or any(f != "renumbered" for f in flags),
            "similarity": f"{change.similarity:.2f}",
            # 「仅标点/格式修改」: the editorial flag says "no substance"; this says how little
            "format_only": "editorial" in change.flags and format_only(
                "\n".join(old_index.text(o) for o in change.old), "\n".join(new_index.text(n) for n in change.new)),
            "segments": segments,
            "old_panes": panes("old", old_index, change.old, segments),
            "new_panes": panes("new", new_index, change.new, segments),
        })
    flag_counts = tuple((f, flags_present[f]) for f in sorted(flags_present, key=flag_sort_key))
    for flag in ("renumbered", "moved"):  # always listed, even at zero (contract keys)
        if flag not in flags_present:
            flag_counts = flag_counts + ((flag, summary.get(flag, 0)),)
    flag_counts = tuple(sorted(flag_counts, key=lambda fc: flag_sort_key(fc[0])))

    old_rows, old_totals = _recon_rows(c, "old", change_ids, old_index, new_index)
    new_rows, new_totals = _recon_rows(c, "new", change_ids, new_index, old_index)
    kind_counts = tuple((k, summary.get(k, 0)) for k in KIND_ORDER)
    verdict_parts = t("list_sep").join(f"{t('kind.' + k)} {n}" for k, n in kind_counts if n) or t("summary.none")

    no_text_sides = tuple(
        {"side": side, "ref": v.ref, "command": add_text_command(v.work, v.version)}
        for side, v in (("old", c.old), ("new", c.new)) if not (v.has_text and v.document is not None)
    )
    settings = tuple((str(k), json.dumps(c.settings[k], ensure_ascii=False, sort_keys=True, default=str))
                     for k in sorted(c.settings, key=str))
    document_changes = tuple(
        {"field": fc.field, "old": fc.old, "new": fc.new, "segments": tuple(fc.segments)}
        for fc in c.document_changes
    )
    container_changes = tuple(
        {"kind": cc.kind, "old": cc.old, "new": cc.new, "old_label": cc.old_label, "new_label": cc.new_label,
         "old_heading": cc.old_heading, "new_heading": cc.new_heading, "segments": tuple(cc.segments),
         "moved": cc.moved,
         # runs of old measures carried together into this container (an added one, or a
         # matched one from another matched container), said once here
         "carried": carried_sentences(cc, t)}
        for cc in c.container_changes if cc.kind != "unchanged" or cc.moved or cc.carried_in
    )
    # Without a comparison, the side that has text is still shown measure by measure, so
    # that every measure keeps its #old-N / #new-N anchor and the known text is visible.
    uncompared = ()
    if not is_comparable:
        uncompared = tuple(
            {"side": side, "measures": tuple((o, index.label(o), index.path(o), index.text(o))
                                             for o in range(1, (index.count or 0) + 1))}
            for side, index in (("old", old_index), ("new", new_index)) if index.count
        )
    return {
        "lang": lang,
        "comparable": is_comparable,
        "uncompared": uncompared,
        "old": side_header(c.old, old_index, t),
        "new": side_header(c.new, new_index, t),
        "no_text_sides": no_text_sides,
        "repeal": pair_relation(c.old, c.new),  # the status core decides; the report only shows it
        "kind_counts": kind_counts,
        "flag_counts": flag_counts,
        "verdict": (t("summary.verdict", old_total=old_totals["total"], new_total=new_totals["total"],
                      parts=verdict_parts) if is_comparable else
                    t("summary.verdict_notext", side=t("list_sep").join(t("side." + s["side"]) for s in no_text_sides))),
        "changes": tuple(changes),
        "old_rows": old_rows,
        "new_rows": new_rows,
        "old_totals": old_totals,
        "new_totals": new_totals,
        "container_changes": container_changes,
        "container_unchanged": sum(1 for cc in c.container_changes
                                   if cc.kind == "unchanged" and not cc.moved and not cc.carried_in),
        "container_moved": sum(1 for cc in c.container_changes if cc.moved),
        # added or removed containers with a run (containers.carried_note) ...
        "container_carried": sum(1 for cc in c.container_changes
                                 if (cc.carried_in or cc.carried_out) and (cc.old is None or cc.new is None)),
        # ... and containers both versions have that took a run from another one
        # (containers.carried_across_note): two notes, since the first says "added or removed"
        "container_carried_across": sum(1 for cc in c.container_changes
                                        if cc.carried_in and cc.old is not None and cc.new is not None),
        "document_changes": document_changes,
        "settings": settings,
        "tool": tuple(c.tool),
        "tool_commit": c.tool_commit,
        "generated": generated,
        # sides whose archived file is not what the cited commit holds (a banner says so)
        "uncommitted": tuple({"side": side, "ref": v.ref, "state": v.uncommitted, "commit": v.commit}
                             for side, v in (("old", c.old), ("new", c.new)) if v.uncommitted),
    }
