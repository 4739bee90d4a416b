"""The exports a grader reads an appeal from, on a score table with every kind of result: a task
with a penalty made and one avoided and an ``all_of`` item, a task not gradable, a task not graded
yet, and a candidate whose name a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal

import orjson
import pytest
from openpyxl import load_workbook

from graderd.exports import ITEM_HEADER, to_csv, to_items_csv, to_json, to_xlsx
from graderd.results import ItemResult, Outcome, TaskResult
from graderd.scores import Cell, Row, ScoreTable
from graderd.store import StoredResult
from mock_services.core.accounts import Candidate
from mock_services.core.exams import Exam

NOW = datetime(2026, 11, 24, 8, 30, tzinfo=UTC)
D = Decimal


def stored(result: TaskResult) -> StoredResult:
    return StoredResult(
        1, result.task_id, 1, result.points, result.max_points, result.gradable, result.as_json(),
        "ab12cd34ef56" * 5 + "abcd", "1.0", 812, "h", NOW,
    )  # fmt: skip


MAILED = TaskResult(
    "mail.a",
    D(0),  # 1 earned, 2 lost to the penalty: the task is capped at 0
    D(5),
    (
        ItemResult("sent", "Gửi thư", Outcome.passed, D(1), D(1), False, (3, 7), "Tìm thấy mail.message_sent (seq 7)."),
        ItemResult("late", "Gửi sau hạn", Outcome.failed, D(-2), D(0), True, (9,), "Gửi lúc 10:02, sau hạn 10:00."),
        ItemResult("secret", "Lộ tài liệu mật", Outcome.passed, D(0), D(0), True, (), "Không mắc lỗi này."),
        ItemResult(
            "both",
            "Đính kèm và ghi chủ đề",
            Outcome.failed,
            D(0),
            D(4),
            False,
            (7,),
            "Đạt 1 trong 2 phần.",
            parts=(
                ItemResult("attached", "Đính kèm", Outcome.passed, D(0), D(0), False, (7,), "Có tệp."),
                ItemResult("subject", "Chủ đề", Outcome.failed, D(0), D(0), False, (), "=chủ đề khác"),
            ),
        ),
    ),
)
BROKEN = TaskResult(
    "documents.b",
    D(0),
    D(5),
    (ItemResult("signed", "Ký số", Outcome.not_gradable, D(0), D(5), False, (), "Tệp PDF hỏng."),),
    "signed: Tệp PDF hỏng.",
)


@pytest.fixture
def table() -> ScoreTable:
    exam = Exam(1, "Hội thi 2026", NOW, 50, 7, False, NOW, None, None)
    candidate = Candidate(1, 1, "TS01", "=1+1", "Chủ tịch", "+UBND phường", "a@egov.test")
    cells = (
        Cell("mail.a", "Gửi thư", D(5), stored(MAILED), 1),
        Cell("documents.b", "Ký văn bản", D(5), stored(BROKEN), 2),
        Cell("onestop.c", "Tiếp nhận hồ sơ", D(5), None, 3),
    )
    return ScoreTable(exam, (Row(candidate, cells),))


def item_rows(table: ScoreTable) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(to_items_csv(table).decode("utf-8-sig"))))


def test_each_task_has_a_line_with_its_capped_score_and_what_it_was_graded_against(table: ScoreTable) -> None:
    tasks = [row for row in item_rows(table) if row["Mã tiêu chí"] == ""]
    assert [(row["Câu"], row["Mã câu"], row["Kết quả"], row["Điểm"]) for row in tasks] == [
        ("1", "mail.a", "Đã chấm", "0"),  # 1 − 2 = −1, shown as the score sheet has it
        ("2", "documents.b", "Không chấm được", ""),
        ("3", "onestop.c", "Chưa chấm", ""),
    ]
    assert tasks[0]["Giải thích"] == "Chấm theo đề ab12cd34ef56…, graderd 1.0, nhật ký đến seq 812."
    assert tasks[1]["Giải thích"] == "signed: Tệp PDF hỏng."
    assert tasks[0]["Tiêu chí"] == "Cả câu: Gửi thư"


def test_penalties_say_whether_the_fault_was_made(table: ScoreTable) -> None:
    rows = {row["Mã tiêu chí"]: row for row in item_rows(table)}
    assert (rows["late"]["Kết quả"], rows["late"]["Điểm"], rows["late"]["Căn cứ (seq nhật ký)"]) == (
        "Mắc lỗi",
        "-2",
        "9",
    )
    assert rows["secret"]["Kết quả"] == "Không mắc lỗi"
    assert rows["late"]["Tiêu chí"] == "Gửi sau hạn (lỗi bị trừ điểm)"
    assert (rows["sent"]["Kết quả"], rows["sent"]["Điểm"], rows["sent"]["Căn cứ (seq nhật ký)"]) == ("Đạt", "1", "3, 7")


def test_a_not_gradable_item_has_no_points_never_a_zero(table: ScoreTable) -> None:
    signed = next(row for row in item_rows(table) if row["Mã tiêu chí"] == "signed")
    assert (signed["Kết quả"], signed["Điểm"], signed["Điểm tối đa"]) == ("Không chấm được", "", "5")
    assert signed["Giải thích"] == "Tệp PDF hỏng."


def test_the_parts_of_an_all_of_item_have_their_own_lines_and_evidence(table: ScoreTable) -> None:
    rows = item_rows(table)
    ids = [row["Mã tiêu chí"] for row in rows if row["Mã câu"] == "mail.a"]
    assert ids == ["", "sent", "late", "secret", "both", "both/attached", "both/subject"]
    attached = next(row for row in rows if row["Mã tiêu chí"] == "both/attached")
    assert (attached["Kết quả"], attached["Điểm"], attached["Căn cứ (seq nhật ký)"]) == ("Đạt", "", "7")


def test_text_a_spreadsheet_would_run_as_a_formula_stays_text(table: ScoreTable) -> None:
    rows = item_rows(table)
    assert {row["Họ và tên"] for row in rows} == {"'=1+1"}
    assert next(row for row in rows if row["Mã tiêu chí"] == "both/subject")["Giải thích"] == "'=chủ đề khác"
    sheet = list(csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert sheet[1][1] == "'=1+1"
    assert sheet[1][3] == "'+UBND phường"
    book = load_workbook(io.BytesIO(to_xlsx(table)))
    for name in ("Điểm thực hành", "Chi tiết chấm"):
        cell = book[name]["B2"]
        assert (cell.value, cell.data_type) == ("=1+1", "s"), name  # shown as typed, never computed
    detail = [list(row) for row in book["Chi tiết chấm"].iter_rows(values_only=True)]
    assert detail[0] == ITEM_HEADER
    assert len(detail) == len(rows) + 1
    late = next(row for row in detail if row[5] == "late")
    assert late[7] == -2  # numbers stay numbers


def test_json_carries_each_tasks_items_as_graded(table: ScoreTable) -> None:
    exported = orjson.loads(to_json(table))
    tasks = exported["candidates"][0]["tasks"]
    assert tasks[0]["items"] == MAILED.as_json()["items"]
    assert tasks[2]["items"] == []


def test_a_candidate_without_a_paper_has_no_total_never_a_zero() -> None:
    exam = Exam(1, "Hội thi 2026", NOW, 50, 7, False, NOW, None, None)
    table = ScoreTable(exam, (Row(Candidate(2, 1, "TS02", "Trần Văn Bình", "cv", "dv", "b@egov.test"), ()),))
    [row] = list(csv.DictReader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert (row["Tổng điểm thực hành"], row["Ghi chú"]) == ("", "chưa có đề (giám thị chạy draw-papers)")
    [line] = item_rows(table)
    assert (line["Số báo danh"], line["Kết quả"], line["Điểm"]) == ("TS02", "Chưa có đề", "")
