"""The 新旧对照表 as an Excel workbook (`policydiff report --format xlsx`), with openpyxl.

    table_xlsx(comparison, lang="zh", generated=None, changed_only=False) -> bytes

Sheet 「对照表」: the rows of render/table.py, columns 修改前 / 修改后 / 说明 (then the old and
new article numbers in two narrow columns, so the sheet can be sorted and filtered);
deletions struck through and insertions underlined and bold inside the cells (rich text);
chapter rows bold on a grey fill; header row frozen. Sheet 「条文序号对照表」: the rows of
`diff --format csv`. Sheet 「来源」: the provenance (sources, hashes, commits, tool, settings).

Deterministic: openpyxl stamps the clock into docProps/core.xml and every ZIP member; the
properties are set from `generated` (SOURCE_DATE_EPOCH) or to the ZIP epoch, and the
package is rewritten with fixed member timestamps (ooxml.normalise_zip).

openpyxl (MIT, pure Python) was chosen over XlsxWriter for reading back in the tests with
the same library; rich text in cells needs openpyxl >= 3.1.

Functional core: bytes out, no I/O (openpyxl writes into a BytesIO).
"""

from __future__ import annotations

import datetime
import io
import re

from ..model import Comparison
from . import ooxml
from .labels import check_lang, labeller
from .table import item_label, table_rows
from .view import build_view, comparable

COLUMN_WIDTHS = (60, 60, 22, 14, 14)  # characters: 修改前, 修改后, 说明, 旧条号, 新条号
EPOCH = datetime.datetime(1980, 1, 1)  # the ZIP epoch, when SOURCE_DATE_EPOCH is not set


def _moment(generated: str | None) -> datetime.datetime:
    if generated:
        return datetime.datetime.strptime(generated, "%Y-%m-%dT%H:%M:%SZ")
    return EPOCH


def _rich(items, own: str, same_text: str | None = None):
    """A cell's rich text: bold article numbers, struck deletions, underlined bold insertions."""
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont

    bold = InlineFont(b=True)
    struck = InlineFont(strike=True, color="FF8C1010")
    inserted = InlineFont(b=True, u="single", color="FF0A5320")
    parts: list = []
    for k, (ordinals, labels, segments) in enumerate(items):
        if k:
            parts.append("\n")
        parts.append(TextBlock(bold, item_label(labels) + " "))
        if same_text is not None:
            parts.append(same_text)
            continue
        for op, chunk in segments:
            if not chunk:
                continue
            if op == "=":
                parts.append(chunk)
            elif op == own:
                parts.append(TextBlock(struck if own == "-" else inserted, chunk))
    return CellRichText(*parts) if parts else None


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what openpyxl refuses in a cell


def _safe(value):
    return _ILLEGAL.sub("\ufffd", value) if isinstance(value, str) else value


def table_xlsx(c: Comparison, lang: str = "zh", generated: str | None = None, changed_only: bool = False) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    check_lang(lang)
    t = labeller(lang)
    view = build_view(c, lang=lang, generated=generated)
    book = Workbook()
    sheet = book.active
    sheet.title = t("xlsx.sheet_table")
    wrap = Alignment(wrap_text=True, vertical="top")
    grey = PatternFill("solid", fgColor="FFEEF1F4")
    bold = Font(b=True)
    headers = (t("table.old"), t("table.new"), t("table.note"), t("xlsx.old_numbers"), t("xlsx.new_numbers"))
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = grey
        cell.alignment = Alignment(horizontal="center", vertical="center")
    for index, width in enumerate(COLUMN_WIDTHS):
        sheet.column_dimensions["ABCDE"[index]].width = width
    sheet.freeze_panes = "A2"
    if comparable(c):
        for row in table_rows(c, lang=lang, changed_only=changed_only, view=view):
            if row["kind"] == "container":
                sheet.append([_safe(row["old"] or "—"), _safe(row["new"] or "—"), _safe(row["note"]) or None,
                              None, None])
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
                    cell.fill = grey
                continue
            old_numbers = "、".join(label for _, label in row["old_labels"])
            new_numbers = "、".join(label for _, label in row["new_labels"])
            if row["kind"] in ("collapsed", "omitted"):
                sheet.append([_safe(row["text"]), None, None, old_numbers, new_numbers])
                sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=3)
                sheet.cell(sheet.max_row, 1).alignment = Alignment(horizontal="center", wrap_text=True)
                continue
            old_cell = _rich(_clean(row["old_items"]), "-")
            new_cell = _rich(_clean(row["new_items"]), "+", same_text=t("table.same") if row["same"] else None)
            sheet.append([old_cell, new_cell, row["note"], old_numbers, new_numbers])
            for cell in sheet[sheet.max_row]:
                cell.alignment = wrap
    else:
        sheet.append([view["verdict"]])
    if comparable(c):
        _correspondence_sheet(book.create_sheet(t("xlsx.sheet_correspondence")), c)
    _provenance_sheet(book.create_sheet(t("xlsx.sheet_provenance")), view, t)
    moment = _moment(generated)
    book.properties.creator = ooxml.AUTHOR
    book.properties.title = t("table.title", title=view["new"]["title"] or view["old"]["title"] or view["new"]["ref"])
    book.properties.created = moment
    book.properties.modified = moment
    buffer = io.BytesIO()
    book.save(buffer)
    return ooxml.normalise_zip(buffer.getvalue(), rewrite=lambda name, data: _fix_core(name, data, moment))


def _clean(items):
    return tuple((ordinals, labels, tuple((op, _safe(s)) for op, s in segments)) for ordinals, labels, segments in items)


def _fix_core(name: str, data: bytes, moment: datetime.datetime) -> bytes:
    """openpyxl writes `modified` as the time of saving, whatever the property says."""
    if name != "docProps/core.xml":
        return data
    stamp = moment.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    return re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)", rb"\g<1>" + stamp + rb"\g<2>", data)


def _correspondence_sheet(sheet, c: Comparison) -> None:
    """The 条文序号对照表: the CSV of `diff --format csv`, row for row."""
    from openpyxl.styles import Font

    from .correspondence import COLUMNS, correspondence_rows

    sheet.append(list(COLUMNS))
    for cell in sheet[1]:
        cell.font = Font(b=True)
    for row in correspondence_rows(c):
        sheet.append([_safe(value) for value in row])
    for index, width in enumerate((16, 24, 11, 24, 11, 14, 14)):
        sheet.column_dimensions["ABCDEFG"[index]].width = width
    sheet.freeze_panes = "A2"


def _provenance_sheet(sheet, view: dict, t) -> None:
    from openpyxl.styles import Font

    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 70
    sheet.column_dimensions["C"].width = 70
    sheet.append([t("provenance.heading")])
    sheet["A1"].font = Font(b=True)
    sheet.append([t("summary.heading"), _safe(view["verdict"])])
    sheet.append(["", t("side.old"), t("side.new")])
    for key in ("ref", "title", "doc_no", "issued", "effective", "source_file", "source_url", "retrieved",
                "source_sha256", "text_sha256", "commit"):
        sheet.append([t("field." + key), _safe(view["old"][key] or ""), _safe(view["new"][key] or "")])
    sheet.append([t("provenance.tool"), f"{view['tool'][0]} {view['tool'][1]}"])
    if view["generated"]:
        sheet.append([t("provenance.generated"), view["generated"]])
    for key, value in view["settings"]:
        sheet.append([key, _safe(value)])


__all__ = ["table_xlsx"]
