"""Exports of a score table: CSV (UTF-8 with a BOM, so Excel shows Vietnamese), XLSX and JSON.

The score sheet reads as a grading sheet: Số báo danh, Họ và tên, Chức vụ, Đơn vị, one column
per task (its points, empty when there is no trustworthy score), the practical total, and a note
saying why a score is missing.

The detail (Chi tiết chấm) has a row per rubric item of every candidate's paper: its outcome,
points, the seqs of the log events it rests on and graderd's explanation, so that an appeal is
read from the export alone. XLSX carries it as a second sheet, JSON inside each task, and
``items.csv`` alone. Text that a spreadsheet would take for a formula is kept as text.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from typing import Any

import orjson
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from graderd.results import Outcome, outcome_said, tidy
from graderd.scores import Cell, ScoreTable

HEADER = ["Số báo danh", "Họ và tên", "Chức vụ", "Đơn vị"]
ITEM_HEADER = [
    "Số báo danh",
    "Họ và tên",
    "Câu",
    "Mã câu",
    "Tiêu chí",
    "Mã tiêu chí",
    "Kết quả",
    "Điểm",
    "Điểm tối đa",
    "Căn cứ (seq nhật ký)",
    "Giải thích",
]
FORMATS = ("csv", "xlsx", "json", "items.csv")
Value = str | int | Decimal | None


def _header(table: ScoreTable) -> list[str]:
    return [*HEADER, *table.column_titles(), "Tổng điểm thực hành", "Điểm tối đa", "Ghi chú"]


def _rows(table: ScoreTable) -> list[list[Value]]:
    columns = [task_id for task_id, _ in table.task_columns]
    rows: list[list[Value]] = []
    for row in table.rows:
        by_task = {cell.task_id: cell for cell in row.cells}
        c = row.candidate
        points = [by_task[t].points if t in by_task else None for t in columns]
        rows.append([c.so_bao_danh, c.ho_ten, c.chuc_vu, c.don_vi, *points, row.total, row.max_points, row.note])
    return rows


def _item_rows(table: ScoreTable) -> list[list[Value]]:
    """Per task a line with its score (capped at 0 and its points, as the score sheet has it) and
    what it was graded against, then a line per rubric item and per part of an ``all_of``."""
    rows: list[list[Value]] = []
    for row in table.rows:
        if not row.cells:
            nothing: list[Value] = [row.candidate.so_bao_danh, row.candidate.ho_ten, None, "", "", "", "Chưa có đề"]
            rows.append([*nothing, None, None, "", ""])
        for cell in row.cells:
            task: list[Value] = [row.candidate.so_bao_danh, row.candidate.ho_ten, cell.position, cell.task_id]
            rows.append([*task, f"Cả câu: {cell.title}", "", *_task_line(cell)])
            if cell.result is None:
                continue
            for item in cell.result.result["items"]:
                rows.append([*task, _title(item), item["id"], *_item_line(item)])
                for part in item.get("parts", []):
                    line = _item_line(part)
                    line[1:3] = [None, None]  # the parent carries the points
                    rows.append([*task, f"  – {part['title']}", f"{item['id']}/{part['id']}", *line])
    return rows


def _task_line(cell: Cell) -> list[Value]:
    """Kết quả, Điểm, Điểm tối đa, Căn cứ, Giải thích of a whole task."""
    stored = cell.result
    if stored is None:
        return ["Chưa chấm", None, cell.max_points, "", ""]
    if not stored.gradable:
        return [Outcome.not_gradable.vietnamese, None, cell.max_points, "", stored.result.get("reason", "")]
    pinned = (
        f"Chấm theo đề {stored.spec_sha256[:12]}…, graderd {stored.grader_version}, "
        f"nhật ký đến seq {stored.log_head_seq}."
    )
    return ["Đã chấm", cell.points, cell.max_points, "", pinned]


def _title(item: dict[str, Any]) -> str:
    return f"{item['title']} (lỗi bị trừ điểm)" if item["penalty"] else str(item["title"])


def _item_line(item: dict[str, Any]) -> list[Value]:
    """Kết quả, Điểm, Điểm tối đa, Căn cứ, Giải thích of an item. A penalty's outcome says whether
    the fault was made; an item not gradable has no points, never a 0."""
    outcome = Outcome(item["outcome"])
    earned = None if outcome is Outcome.not_gradable else tidy(Decimal(item["points"]))
    evidence = ", ".join(str(seq) for seq in item["evidence"])
    return [outcome_said(item), earned, tidy(Decimal(item["max_points"])), evidence, item["explanation"]]


# Text a spreadsheet would run as a formula (OWASP's CSV injection list): candidates' names and
# graderd's explanations quoting what they typed reach the export.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _as_text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_START) else value


def _csv(header: list[str], rows: list[list[Value]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(
            ["" if value is None else _as_text(value) if isinstance(value, str) else value for value in row]
        )
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


def to_csv(table: ScoreTable) -> bytes:
    return _csv(_header(table), _rows(table))


def to_items_csv(table: ScoreTable) -> bytes:
    return _csv(ITEM_HEADER, _item_rows(table))


def _sheet(sheet: Worksheet, header: list[str], rows: list[list[Value]], widths: dict[str, int]) -> None:
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in rows:
        sheet.append([float(value) if isinstance(value, Decimal) else value for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # text stays text, even "=…": openpyxl would store it as a formula
    sheet.freeze_panes = "C2"
    for column, width in widths.items():
        sheet.column_dimensions[column].width = width


def to_xlsx(table: ScoreTable) -> bytes:
    book = Workbook()
    scores = book.active
    assert scores is not None
    scores.title = "Điểm thực hành"
    _sheet(scores, _header(table), _rows(table), {"A": 14, "B": 28, "C": 26, "D": 30})
    detail = book.create_sheet("Chi tiết chấm")
    _sheet(detail, ITEM_HEADER, _item_rows(table), {"A": 14, "B": 28, "D": 30, "E": 48, "J": 18, "K": 80})
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_json(table: ScoreTable) -> bytes:
    return orjson.dumps(table.as_json(items=True), option=orjson.OPT_INDENT_2)


def export(table: ScoreTable, fmt: str) -> bytes:
    return {"csv": to_csv, "xlsx": to_xlsx, "json": to_json, "items.csv": to_items_csv}[fmt](table)


def filename(exam_id: int, fmt: str) -> str:
    if fmt == "items.csv":
        return f"chi-tiet-cham-ky-thi-{exam_id}.csv"
    return f"diem-thuc-hanh-ky-thi-{exam_id}.{fmt}"


MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
    "items.csv": "text/csv; charset=utf-8",
}
