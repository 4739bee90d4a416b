"""Exports of a score table: CSV (UTF-8 with a BOM, so Excel shows Vietnamese), XLSX and JSON.

The columns read as a grading sheet: Số báo danh, Họ và tên, Chức vụ, Đơn vị, one column per
task (its points, empty when there is no trustworthy score), the practical total, and a note
saying why a score is missing.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import orjson
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from graderd.scores import ScoreTable

HEADER = ["Số báo danh", "Họ và tên", "Chức vụ", "Đơn vị"]
FORMATS = ("csv", "xlsx", "json")


def _header(table: ScoreTable) -> list[str]:
    tasks = [f"Câu {index}: {title} ({task_id})" for index, (task_id, title) in enumerate(table.task_columns, 1)]
    return [*HEADER, *tasks, "Tổng điểm thực hành", "Điểm tối đa", "Ghi chú"]


def _rows(table: ScoreTable) -> list[list[str | Decimal | None]]:
    columns = [task_id for task_id, _ in table.task_columns]
    rows: list[list[str | Decimal | None]] = []
    for row in table.rows:
        by_task = {cell.task_id: cell for cell in row.cells}
        c = row.candidate
        points = [by_task[t].points if t in by_task else None for t in columns]
        rows.append([c.so_bao_danh, c.ho_ten, c.chuc_vu, c.don_vi, *points, row.total, row.max_points, row.note])
    return rows


def to_csv(table: ScoreTable) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(_header(table))
    for row in _rows(table):
        writer.writerow(["" if value is None else str(value) for value in row])
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def to_xlsx(table: ScoreTable) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Điểm thực hành"
    sheet.append(_header(table))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in _rows(table):
        sheet.append([float(value) if isinstance(value, Decimal) else value for value in row])
    sheet.freeze_panes = "C2"
    for column, width in zip("ABCD", (14, 28, 26, 30), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_json(table: ScoreTable) -> bytes:
    return orjson.dumps(table.as_json(), option=orjson.OPT_INDENT_2)


def export(table: ScoreTable, fmt: str) -> bytes:
    return {"csv": to_csv, "xlsx": to_xlsx, "json": to_json}[fmt](table)


MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
