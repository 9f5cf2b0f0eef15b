"""The terminal rendering of a Comparison (`policydiff diff --format text`).

One line per change: kind, labels 「第5条 → 第6条」, renumbered/moved, substance flags,
similarity; then, for every change that is not `unchanged`, its redline indented below,
with [-deleted-] and {+inserted+} markers (wdiff style, survives a pipe and a copy) or,
with color=True, ANSI red and green. Functional core: returns a string, prints nothing.

>>> print(redline_text((("=", "企业"), ("-", "应当"), ("+", "可以"), ("=", "申请。"))), end="")
企业[-应当-]{+可以+}申请。
"""

from __future__ import annotations

from typing import Sequence

from ..controls import escape_controls
from ..model import Block, Change, ChangeKind, Comparison

RED, GREEN, DIM, BOLD, RESET = "\x1b[31m", "\x1b[32m", "\x1b[2m", "\x1b[1m", "\x1b[0m"
INDENT = "    "
ARROW = " → "
KIND_WIDTH = 9  # len("unchanged")


def _span(ordinals: Sequence[int], labels: Sequence[str]) -> str:
    """Labels with runs of 3+ consecutive ordinals as 「第一条–第三条」 (render.view's
    label_span, in the text report's English separators, without importing the view)."""
    parts: list[str] = []
    k = 0
    while k < len(ordinals):
        end = k
        while end + 1 < len(ordinals) and ordinals[end + 1] == ordinals[end] + 1:
            end += 1
        parts.extend([f"{labels[k]}–{labels[end]}"] if end - k >= 2 else labels[k:end + 1])
        k = end + 1
    return ", ".join(parts) or "—"


def redline_text(segments, color: bool = False) -> str:
    """The redline as one string: markers, or ANSI colour (deletions red and struck
    through, insertions green)."""
    parts: list[str] = []
    for op, text in segments:
        text = escape_controls(text)  # the document's own ESC never reaches the terminal
        if op == "=":
            parts.append(text)
        elif color:
            style = "\x1b[9;31m" if op == "-" else GREEN
            # colour each line separately so that a pager never carries it over a newline
            parts.append("\n".join(f"{style}{line}{RESET}" if line else "" for line in text.split("\n")))
        else:
            parts.append(f"[-{text}-]" if op == "-" else f"{{+{text}+}}")
    return "".join(parts)


def _indent(text: str) -> str:
    return "\n".join(INDENT + line if line else "" for line in text.split("\n"))


def _labels(measures: Sequence[Block], ordinals: tuple[int, ...]) -> str:
    if not ordinals:
        return "—"
    return "+".join(escape_controls(measures[o - 1].label) or f"#{o}" for o in ordinals)


def change_line(change: Change, old_measures: Sequence[Block], new_measures: Sequence[Block],
                color: bool = False) -> str:
    """「modified   第5条 → 第6条  renumbered  [money, modal]  0.8731」"""
    kind = change.kind.value.ljust(KIND_WIDTH)
    if color:
        kind = {ChangeKind.ADDED: GREEN, ChangeKind.REMOVED: RED}.get(change.kind, BOLD) + kind + RESET
    words = [kind, _labels(old_measures, change.old) + ARROW + _labels(new_measures, change.new)]
    structural = [name for name, on in (("renumbered", change.renumbered), ("moved", change.moved)) if on]
    if structural:
        words.append(" ".join(structural))
    if change.flags:
        words.append("[" + ", ".join(change.flags) + "]")
    if change.kind not in (ChangeKind.ADDED, ChangeKind.REMOVED):
        words.append(f"{change.similarity:.4f}")
    return "  ".join(words)


def _side(c: Comparison, side: str) -> str:
    version = c.old if side == "old" else c.new
    meta = version.meta
    bits = [f"{side}: {version.ref or '(unnamed)'}"]
    if meta.title:
        bits.append(meta.title)
    if meta.doc_no:
        bits.append(meta.doc_no)
    if version.text_sha256:
        bits.append(f"text sha256 {version.text_sha256[:12]}")
    if version.commit:
        bits.append(f"commit {version.commit[:12]}")
    return escape_controls("  ".join(bits))


def is_unchanged(change: Change) -> bool:
    """Left out by --changed-only: same text, and at most a new number (a renumbering
    cascade would flood the listing); a measure that moved stays in."""
    return change.kind is ChangeKind.UNCHANGED and not change.moved


def comparison_text(c: Comparison, color: bool = False, changed_only: bool = False) -> str:
    """`changed_only`: leave out unchanged measures (see is_unchanged), with one line
    saying how many were left out, so that the listing never looks complete when it is not."""
    old_measures = c.old.document.measures if c.old.document is not None else ()
    new_measures = c.new.document.measures if c.new.document is not None else ()
    lines = [_side(c, "old"), _side(c, "new")]
    for side, version in (("old", c.old), ("new", c.new)):
        notes = tuple(version.notes) + (tuple(version.document.notes) if version.document is not None else ())
        for note in dict.fromkeys(notes):  # unique, in order
            lines.append(escape_controls(f"note ({side}): {note}"))
    summary = c.summary()
    lines.append("summary: " + ", ".join(f"{key} {value}" for key, value in summary.items()))
    for field in c.document_changes:
        lines.append(f"document {field.field}:")
        if field.segments:
            lines.append(_indent(redline_text(field.segments, color)))
        else:
            lines.append(_indent(escape_controls(f"{field.old or '—'}{ARROW}{field.new or '—'}")))
    for container in c.container_changes:
        if container.kind == "unchanged" and not container.moved and not container.carried_in:
            continue
        old_name = f"{container.old_label} {container.old_heading}".strip() or "—"
        new_name = f"{container.new_label} {container.new_heading}".strip() or "—"
        # a container's move is said once, here; its measures are not each `moved`
        moved = ", moved" if container.moved else ""
        lines.append(escape_controls(f"container {container.kind}{moved}: {old_name}{ARROW}{new_name}"))
        # runs of measures carried together into an added container (or into a matched
        # one from another matched container), or out of a removed one: said once, here
        for run in container.carried_in:
            from_name = f"{run.old_label} {run.old_heading}".strip() or "—"
            lines.append(escape_controls(
                f"  carried in together from {from_name}: {_span(run.old, run.old_labels)}"
                f" ({len(run.old)}){ARROW}{_span(run.new, run.new_labels)}"))
        for run in container.carried_out:
            to_name = f"{run.new_label} {run.new_heading}".strip() or "—"
            lines.append(escape_controls(
                f"  carried out together to {to_name}: {_span(run.old, run.old_labels)}"
                f" ({len(run.old)}){ARROW}{_span(run.new, run.new_labels)}"))
    lines.append("")
    if changed_only:
        left_out = sum(1 for change in c.changes if is_unchanged(change))
        lines.append(f"unchanged measures left out (--changed-only): {left_out}")
    for change in c.changes:
        if changed_only and is_unchanged(change):
            continue
        lines.append(change_line(change, old_measures, new_measures, color))
        if change.kind is not ChangeKind.UNCHANGED:
            lines.append(_indent(redline_text(change.segments, color)))
    return "\n".join(lines) + "\n"
