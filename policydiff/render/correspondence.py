"""The 条文序号对照表 as CSV (`policydiff diff --format csv`): one row per change, in the
Comparison's order (new document order, a removed measure where it stood), with the old
label, the new label(s), the change kind, its flags and the similarity: the table that
practitioners otherwise rebuild by hand after every revision.

    comparison_csv(comparison) -> str

Columns (stable; add columns at the end, never rename):
    old_label, new_labels, kind, flags, similarity, old_ordinals, new_ordinals
Several labels on one side (a split's new side, a merge's old side) are joined by 「、」;
flags (renumbered and moved first, then substance flags) by ";"; ordinals by " ". An
empty cell is a side with no measure (added / removed). Similarity has 4 decimals, like
the JSON. RFC 4180 quoting, "\\r\\n" line ends (what spreadsheet programs expect), UTF-8
without a byte-order mark (the text goes to stdout; `report --format xlsx` is the file for
spreadsheets).

Functional core: returns a string.
"""

from __future__ import annotations

import csv
import io

from ..model import Comparison
from .view import MeasureIndex, change_flags

COLUMNS = ("old_label", "new_labels", "kind", "flags", "similarity", "old_ordinals", "new_ordinals")
LABEL_SEPARATOR = "、"
FLAG_SEPARATOR = ";"


def correspondence_rows(c: Comparison) -> list[tuple[str, ...]]:
    old, new = MeasureIndex(c.old), MeasureIndex(c.new)
    rows = []
    for change in c.changes:
        rows.append((
            LABEL_SEPARATOR.join(old.label(o) for o in change.old),
            LABEL_SEPARATOR.join(new.label(n) for n in change.new),
            change.kind.value,
            FLAG_SEPARATOR.join(change_flags(change)),
            f"{change.similarity:.4f}",
            " ".join(str(o) for o in change.old),
            " ".join(str(n) for n in change.new),
        ))
    return rows


def comparison_csv(c: Comparison) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(correspondence_rows(c))
    return buffer.getvalue()


__all__ = ["COLUMNS", "comparison_csv", "correspondence_rows"]
