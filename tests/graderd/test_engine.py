"""The grading engine: each kind of check passes and fails when it should, points add up as the
rubric says (penalties, groups, never below 0 nor above the maximum), and every miss says what
was nearest and what did not match; a missing file or param is NOT_GRADABLE, never a silent zero."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from graderd.engine import grade
from graderd.results import ItemResult, Outcome, TaskResult
from graderd.spec.model import EXAMPLE_CANDIDATE, TaskSpec
from graderd.trace import Event
from tests.graderd.builders import OFFICE, event, flagged, opened, received, searched, sent, spec_of

REPO = Path(__file__).resolve().parents[2]
REPORT_PDF = (REPO / "tasks" / "mail" / "fixtures" / "BaoCao_CDS_2026.pdf").read_bytes()
REPORT_SHA = hashlib.sha256(REPORT_PDF).hexdigest()
UNKNOWN_SHA = "0" * 64


def run(
    spec: TaskSpec, events: Iterable[Event], *, params: Mapping[str, Any] | None = None, blobs: Mapping[str, bytes] = {}
) -> TaskResult:
    drawn = spec.example_params() if params is None else params
    return grade(spec, drawn, list(events), dict(blobs), candidate=EXAMPLE_CANDIDATE)


def item(result: TaskResult, item_id: str) -> ItemResult:
    [found] = [each for each in result.items if each.id == item_id]
    return found


def outcomes(result: TaskResult) -> dict[str, Outcome]:
    return {each.id: each.outcome for each in result.items}


# --- Event checks


SENT_REPORT = """
- id: sent
  points: 1
  event: mail.message_sent
  where:
    data.after.to: {contains: bantochuc@egov.test}
    data.after.subject: {contains: Báo cáo tháng 11}
"""


def test_an_event_check_passes_on_a_matching_event_with_it_as_evidence(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, SENT_REPORT, points="1")
    result = run(spec, [searched(1), sent(2, minute=5, subject="Báo cáo tháng 11 năm 2026")])
    sent_item = item(result, "sent")
    assert sent_item.outcome is Outcome.passed
    assert sent_item.points == Decimal(1)
    assert sent_item.evidence == (2,)
    assert sent_item.explanation.startswith("mail.message_sent (seq 2, 08:05:00 23/11/2026): data.after.to: ")
    assert "data.after.subject: “Báo cáo tháng 11 năm 2026” chứa “Báo cáo tháng 11”" in sent_item.explanation
    assert result.points == Decimal(1)
    assert result.gradable


def test_a_miss_names_the_nearest_attempt_the_field_that_failed_and_the_value_found(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, SENT_REPORT, points="1")
    events = [sent(1, to=["khac@egov.test"], subject="bao cao"), sent(2, minute=5, subject="bao cao")]
    sent_item = item(run(spec, events), "sent")
    assert sent_item.outcome is Outcome.failed
    assert sent_item.points == Decimal(0)
    assert sent_item.evidence == (2,)
    assert sent_item.explanation == (
        "Gần nhất: mail.message_sent (seq 2, 08:05:00 23/11/2026); đúng: data.after.to; "
        "chưa đúng: data.after.subject: “bao cao” không chứa “Báo cáo tháng 11”."
    )


def test_the_nearest_attempt_is_the_one_meeting_most_conditions_the_latest_on_a_tie(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, SENT_REPORT, points="1")
    closest = [sent(1, subject="bao cao"), sent(2, to=["x@egov.test"], subject="Báo cáo tháng 11"), sent(3)]
    assert closest[2].data["after"]["subject"] == "Báo cáo tháng 11"
    assert item(run(spec, closest), "sent").outcome is Outcome.passed
    tie = [sent(1, subject="bao cao"), sent(2, to=["x@egov.test"], subject="Báo cáo tháng 11"), searched(3)]
    missed = item(run(spec, tie), "sent")
    assert missed.evidence == (2,)
    assert "chưa đúng: data.after.to: [“x@egov.test”] không chứa “bantochuc@egov.test”" in missed.explanation
    best = [sent(1, to=["x@egov.test"], subject="x"), sent(2, subject="bao cao"), sent(3, to=["y@egov.test"])]
    assert item(run(spec, best), "sent").evidence == (3,)  # to wrong, subject right: one condition, the latest


def test_no_event_of_the_verb_at_all_is_said_plainly(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, SENT_REPORT, points="1")
    sent_item = item(run(spec, [searched(1), opened(2, "1")]), "sent")
    assert sent_item.outcome is Outcome.failed
    assert sent_item.evidence == ()
    assert sent_item.explanation == "Không có sự kiện mail.message_sent nào của thí sinh."


def test_system_events_do_not_count_for_the_candidate_by_default(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, SENT_REPORT, points="1")
    by_system = [sent(1, actor="system"), sent(2, actor="proctor")]
    result = run(spec, by_system)
    assert item(result, "sent").outcome is Outcome.failed
    assert item(result, "sent").explanation == "Không có sự kiện mail.message_sent nào của thí sinh."


@pytest.mark.parametrize(("actor", "counted"), [("any", {"candidate", "system", "proctor"}), ("system", {"system"})])
def test_an_item_can_ask_for_another_actor(tmp_path: Path, actor: str, counted: set[str]) -> None:
    spec = spec_of(tmp_path, SENT_REPORT.replace("  where:", f"  actor: {actor}\n  where:"), points="1")
    for who in ("candidate", "system", "proctor"):
        assert (item(run(spec, [sent(1, actor=who)]), "sent").outcome is Outcome.passed) is (who in counted), who


# --- Count and absence


COUNTED = """
- id: twice
  points: 1
  event: mail.message_sent
  where:
    data.after.to: {contains: bantochuc@egov.test}
  count: {gte: 2}
"""


def test_a_count_counts_the_matching_events_only(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, COUNTED, points="1")
    once = run(spec, [sent(1), sent(2, to=["x@egov.test"]), sent(3, actor="system")])
    assert item(once, "twice").outcome is Outcome.failed
    assert item(once, "twice").explanation == "mail.message_sent khớp 1 lần: 1 nhỏ hơn 2."
    twice = run(spec, [sent(1), sent(2, to=["x@egov.test"]), sent(5, minute=3)])
    assert item(twice, "twice").outcome is Outcome.passed
    assert item(twice, "twice").evidence == (1, 5)


def test_a_bare_count_is_an_exact_number(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, COUNTED.replace("{gte: 2}", "1"), points="1")
    assert item(run(spec, [sent(1)]), "twice").outcome is Outcome.passed
    assert item(run(spec, [sent(1), sent(2)]), "twice").outcome is Outcome.failed
    assert item(run(spec, []), "twice").outcome is Outcome.failed


ABSENT = """
- id: no_gmail
  points: 1
  event: mail.message_sent
  where:
    data.after.to: {any: {endswith: '@gmail.com'}}
  absent: true
"""


def test_absent_passes_when_no_event_matches_and_fails_naming_the_ones_that_do(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, ABSENT, points="1")
    clean = run(spec, [sent(1), sent(2, actor="system", to=["a@gmail.com"])])
    assert item(clean, "no_gmail").outcome is Outcome.passed
    assert item(clean, "no_gmail").explanation == "Không có mail.message_sent nào khớp điều kiện."
    leaked = run(spec, [sent(1), sent(2, to=["a@gmail.com"]), sent(4, to=[OFFICE, "b@gmail.com"])])
    assert item(leaked, "no_gmail").outcome is Outcome.failed
    assert item(leaked, "no_gmail").evidence == (2, 4)
    assert item(leaked, "no_gmail").explanation == "Có mail.message_sent khớp điều kiện (seq 2, 4), không được có."


# --- Penalties


PENALISED = """
- id: sent
  points: 2
  event: mail.message_sent
  where:
    data.after.to: {contains: bantochuc@egov.test}
- id: outside
  penalty: 1
  event: mail.message_sent
  where:
    data.after.to: {any: {endswith: '@gmail.com'}}
"""


def test_a_penalty_that_applies_costs_its_points(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, PENALISED, points="2")
    result = run(spec, [sent(1), sent(2, to=["a@gmail.com"])])
    fault = item(result, "outside")
    assert fault.outcome is Outcome.failed
    assert fault.points == Decimal(-1)
    assert fault.max_points == Decimal(0)
    assert fault.penalty
    assert fault.evidence == (2,)
    assert result.points == Decimal(1)


def test_a_penalty_that_does_not_apply_costs_nothing_and_passes(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, PENALISED, points="2")
    result = run(spec, [sent(1)])
    fault = item(result, "outside")
    assert fault.outcome is Outcome.passed
    assert fault.points == Decimal(0)
    assert fault.explanation.startswith("Không mắc lỗi này. ")
    assert result.points == Decimal(2)


def test_penalties_never_take_a_task_below_zero(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, PENALISED.replace("penalty: 1", "penalty: 5"), points="2")
    result = run(spec, [sent(1, to=["a@gmail.com"])])
    assert item(result, "sent").points == Decimal(0)
    assert item(result, "outside").points == Decimal(-5)
    assert result.points == Decimal(0)
    assert run(spec, [sent(1), sent(2, to=["a@gmail.com"])]).points == Decimal(0)


# --- Groups


GROUP = """
- id: proper
  points: 2
  all_of:
    - id: to_office
      event: mail.message_sent
      where:
        data.after.to: {contains: bantochuc@egov.test}
    - id: titled
      event: mail.message_sent
      where:
        data.after.subject: {startswith: Báo cáo}
- id: extra
  points: 1
  event: mail.message_sent
  where:
    data.after.cc: {len: 1}
"""


def test_a_group_earns_its_points_only_when_every_part_passes(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, GROUP, points="3")
    both = run(spec, [sent(1, subject="Báo cáo tháng 11")])
    group = item(both, "proper")
    assert group.outcome is Outcome.passed
    assert group.points == Decimal(2)
    assert group.explanation == "Đạt cả 2 phần."
    assert [(part.id, part.outcome, part.points) for part in group.parts] == [
        ("to_office", Outcome.passed, Decimal(0)),
        ("titled", Outcome.passed, Decimal(0)),
    ]
    assert both.points == Decimal(2)


def test_a_group_with_a_failing_part_earns_nothing_and_reports_every_part(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, GROUP, points="3")
    result = run(spec, [sent(1, subject="Gửi báo cáo", cc=["x@egov.test"])])
    group = item(result, "proper")
    assert group.outcome is Outcome.failed
    assert group.points == Decimal(0)
    assert group.max_points == Decimal(2)
    assert [(part.id, part.outcome) for part in group.parts] == [
        ("to_office", Outcome.passed),
        ("titled", Outcome.failed),
    ]
    assert group.explanation.startswith("Chưa đạt đủ các phần (1/2). titled: Gần nhất: mail.message_sent (seq 1")
    assert "“Gửi báo cáo” không bắt đầu bằng “Báo cáo”" in group.explanation
    assert result.points == Decimal(1)


# --- Bindings


REPLY = """
- id: request
  points: 1
  event: mail.message_received
  actor: system
  where:
    data.after.subject: {startswith: Đề nghị}
- id: reply
  points: 2
  event: mail.message_sent
  where:
    data.after.in_reply_to: {equals: {field: request.data.after.message_id}}
    data.after.subject: {contains: {field: request.data.after.subject}}
"""


def test_a_later_item_compares_with_what_an_earlier_item_matched(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, REPLY, points="3")
    events = [
        received(1, "1", subject="Đề nghị báo cáo số liệu", message_id="<req@egov.test>"),
        sent(2, minute=4, subject="RE: Đề nghị báo cáo số liệu", in_reply_to="<req@egov.test>"),
    ]
    result = run(spec, events)
    assert outcomes(result) == {"request": Outcome.passed, "reply": Outcome.passed}
    assert item(result, "reply").evidence == (1, 2)
    assert result.points == Decimal(3)


def test_of_several_earlier_matches_the_one_that_works_is_found(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, REPLY, points="3")
    events = [
        received(1, "1", subject="Đề nghị họp giao ban", message_id="<a@egov.test>"),
        received(2, "2", subject="Đề nghị báo cáo số liệu", message_id="<b@egov.test>"),
        received(3, "3", subject="Đề nghị cử cán bộ", message_id="<c@egov.test>"),
        sent(4, minute=4, subject="Trả lời: Đề nghị báo cáo số liệu", in_reply_to="<b@egov.test>"),
    ]
    result = run(spec, events)
    assert item(result, "reply").outcome is Outcome.passed
    assert item(result, "reply").evidence == (2, 4)


def test_a_reply_to_a_message_no_earlier_item_matched_fails(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, REPLY, points="3")
    events = [
        received(1, "1", subject="Đề nghị họp giao ban", message_id="<a@egov.test>"),
        received(2, "2", subject="Thông báo lịch họp", message_id="<b@egov.test>"),
        sent(3, minute=4, subject="RE: Thông báo lịch họp", in_reply_to="<b@egov.test>"),
    ]
    result = run(spec, events)
    assert outcomes(result) == {"request": Outcome.passed, "reply": Outcome.failed}
    assert "data.after.in_reply_to: “<b@egov.test>” khác “<a@egov.test>”" in item(result, "reply").explanation
    assert result.points == Decimal(1)


def test_an_item_whose_earlier_item_matched_nothing_fails_saying_so(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, REPLY, points="3")
    result = run(spec, [sent(1, in_reply_to="<x@egov.test>")])
    assert item(result, "reply").outcome is Outcome.failed
    assert item(result, "reply").explanation == "Chưa có kết quả của mục “request” để đối chiếu (mục đó chưa đạt)."


# --- Time: after, before, within


AFTER = """
- id: read
  points: 1
  event: mail.message_opened
  where:
    object.id: '1'
- id: answered
  points: 1
  event: mail.message_sent
  after: {item: read, within: 10m}
"""


def test_after_within_passes_for_an_event_soon_after_the_earlier_match(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, AFTER, points="2")
    result = run(spec, [opened(1, "1", minute=0), sent(2, minute=9)])
    assert item(result, "answered").outcome is Outcome.passed
    assert item(result, "answered").evidence == (1, 2)


def test_after_within_fails_for_an_event_too_late_saying_so(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, AFTER, points="2")
    late = item(run(spec, [opened(1, "1", minute=0), sent(2, minute=11)]), "answered")
    assert late.outcome is Outcome.failed
    assert late.explanation.endswith("chưa đúng: quá 10 phút sau “read”.")


def test_after_fails_for_an_event_before_the_earlier_match(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, AFTER, points="2")
    early = item(run(spec, [sent(1, minute=0), opened(2, "1", minute=1)]), "answered")
    assert early.outcome is Outcome.failed
    assert early.explanation.endswith("chưa đúng: xảy ra trước “read” (seq 2).")


def test_after_tries_each_earlier_match(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, AFTER, points="2")
    events = [opened(1, "1", minute=0), opened(2, "1", minute=30), sent(3, minute=35)]
    assert item(run(spec, events), "answered").outcome is Outcome.passed


BEFORE = """
- id: deadline
  points: 1
  event: mail.message_received
  actor: system
  where:
    data.after.subject: {contains: Nhắc hạn}
- id: early
  points: 1
  event: mail.message_sent
  before: {item: deadline, within: 1h}
"""


def test_before_within_wants_the_event_earlier_but_not_too_much(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, BEFORE, points="2")
    reminder = received(5, "9", minute=90, subject="Nhắc hạn nộp báo cáo")
    assert item(run(spec, [sent(2, minute=40), reminder]), "early").outcome is Outcome.passed
    too_early = item(run(spec, [sent(2, minute=20), reminder]), "early")
    assert too_early.outcome is Outcome.failed
    assert too_early.explanation.endswith("chưa đúng: sớm hơn “deadline” quá 1 giờ.")
    after = item(run(spec, [reminder, sent(7, minute=91)]), "early")
    assert after.outcome is Outcome.failed
    assert after.explanation.endswith("chưa đúng: xảy ra sau “deadline” (seq 5).")


# --- Sequences


SEQUENCE = """
- id: flow
  points: 1
  sequence:
    - {event: mail.message_opened, bind: read}
    - {event: mail.message_sent, within: 10m}
"""


def test_a_sequence_passes_with_its_steps_in_order_within_their_windows(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, SEQUENCE, points="1")
    flow = item(run(spec, [opened(1, "1", minute=0), sent(2, minute=10)]), "flow")
    assert flow.outcome is Outcome.passed
    assert flow.evidence == (1, 2)
    assert flow.explanation.startswith("Đủ các bước theo thứ tự: mail.message_opened (seq 1")


def test_a_step_that_comes_but_too_late_fails_the_sequence(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, SEQUENCE, points="1")
    flow = item(run(spec, [opened(1, "1", minute=0), sent(2, minute=10.5)]), "flow")
    assert flow.outcome is Outcome.failed
    assert flow.explanation.startswith(
        "Đã có 1/2 bước (mail.message_opened (seq 1, 08:00:00 23/11/2026)). "
        "Thiếu bước 2 (mail.message_sent trong vòng 10 phút sau bước trước)."
    )


def test_steps_out_of_order_fail_the_sequence(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, SEQUENCE, points="1")
    assert item(run(spec, [sent(1, minute=0), opened(2, "1", minute=1)]), "flow").outcome is Outcome.failed


def test_a_sequence_backtracks_to_a_later_start_that_works(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, SEQUENCE, points="1")
    events = [opened(1, "1", minute=0), opened(2, "1", minute=30), sent(3, minute=35)]
    flow = item(run(spec, events), "flow")
    assert flow.outcome is Outcome.passed
    assert flow.evidence == (2, 3)


THREE_STEPS = """
- id: flow
  points: 1
  sequence:
    - {event: mail.message_opened}
    - {event: mail.flags_changed, within: 10m}
    - {event: mail.message_sent, within: 10m, bind: answer}
- id: same_answer
  points: 1
  event: mail.message_sent
  where:
    object.id: {field: answer.object.id}
"""


def test_a_sequence_backtracks_through_a_middle_step_and_binds_the_path_found(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, THREE_STEPS, points="2")
    events = [
        opened(1, "1", minute=0),
        flagged(2, "1", True, minute=5),  # 1 → 2 fits, but nothing is sent within 10 minutes of it
        opened(3, "2", minute=20),
        flagged(4, "2", True, minute=25),
        sent(5, minute=32, object_id="s-late"),
        sent(6, minute=50, object_id="s-other"),
    ]
    result = run(spec, events)
    assert item(result, "flow").outcome is Outcome.passed
    assert item(result, "flow").evidence == (3, 4, 5)
    assert item(result, "same_answer").outcome is Outcome.passed
    assert item(result, "same_answer").evidence == (5,)


# --- State


STATE = """
- id: flagged
  points: 1
  state: mail.message
  where:
    folder: inbox
    subject: {contains: Giấy mời}
  expect:
    flagged: true
"""


def test_a_state_check_reads_the_final_state_of_an_object_changed_twice(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, STATE, points="1")
    invite: dict[str, Any] = {"subject": "Giấy mời họp giao ban"}
    flagged_then_not = [
        received(1, "1", **invite),
        flagged(2, "1", True, minute=1, **invite),
        flagged(3, "1", False, minute=2, **invite),
    ]
    missed = item(run(spec, flagged_then_not), "flagged")
    assert missed.outcome is Outcome.failed
    assert missed.evidence == (3,)
    assert missed.explanation == (
        "mail.message: trạng thái cuối chưa đạt. Gần nhất: #1 (seq 3); chưa đúng: flagged: không khác có."
    )
    not_then_flagged = [received(1, "1", **invite), flagged(2, "1", False, **invite), flagged(3, "1", True, **invite)]
    passed = item(run(spec, not_then_flagged), "flagged")
    assert passed.outcome is Outcome.passed
    assert passed.evidence == (3,)
    assert passed.explanation == "mail.message #1 (trạng thái cuối, seq 3): flagged: có bằng có."


def test_the_final_state_follows_seq_not_the_order_events_are_given_in(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, STATE, points="1")
    invite: dict[str, Any] = {"subject": "Giấy mời họp giao ban"}
    events = [flagged(3, "1", True, **invite), received(1, "1", **invite), flagged(2, "1", False, **invite)]
    assert item(run(spec, events), "flagged").outcome is Outcome.passed


def test_a_state_check_with_no_object_matching_where_says_so(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, STATE, points="1")
    other = item(run(spec, [received(1, "1", subject="Thông báo")]), "flagged")
    assert other.outcome is Outcome.failed
    assert other.explanation.startswith("mail.message: không có đối tượng nào khớp where. Gần nhất: #1 (seq 1)")
    assert item(run(spec, [searched(1)]), "flagged").explanation == "Không có đối tượng mail.message nào."


STATE_COUNT = """
- id: two_sent
  points: 1
  state: mail.message
  where:
    folder: sent
  count: {gte: 2}
- id: none_in_junk
  points: 1
  state: mail.message
  where:
    folder: junk
  absent: true
"""


def test_state_count_and_absence_count_objects_in_their_final_state(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, STATE_COUNT, points="2")
    moved = event(4, "mail.message_moved", object_id="s2", data={"after": {"id": "s2", "folder": "junk"}})
    result = run(spec, [sent(1, object_id="s1"), sent(2, object_id="s2"), received(3, "9"), moved])
    assert outcomes(result) == {"two_sent": Outcome.failed, "none_in_junk": Outcome.failed}
    assert item(result, "two_sent").explanation == "1 đối tượng mail.message đạt: 1 nhỏ hơn 2."
    assert item(result, "none_in_junk").explanation == "Có mail.message #s2 khớp điều kiện, không được có."
    fine = run(spec, [sent(1, object_id="s1"), sent(2, object_id="s2"), received(3, "9")])
    assert outcomes(fine) == {"two_sent": Outcome.passed, "none_in_junk": Outcome.passed}
    assert item(fine, "two_sent").evidence == (1, 2)


# --- Not gradable


ATTACHED = """
- id: sent
  points: 1
  event: mail.message_sent
  where:
    data.after.to: {contains: bantochuc@egov.test}
- id: pdf
  points: 2
  event: mail.message_sent
  where:
    data.after.attachments: {any: {file: {is_pdf: true}}}
"""


def attachment(sha256: str) -> dict[str, Any]:
    return {"name": "BaoCao.pdf", "sha256": sha256, "size": 745, "content_type": "application/pdf"}


def test_a_file_check_on_a_blob_that_is_there_is_graded(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, ATTACHED, points="3")
    result = run(spec, [sent(1, attachments=[attachment(REPORT_SHA)])], blobs={REPORT_SHA: REPORT_PDF})
    assert outcomes(result) == {"sent": Outcome.passed, "pdf": Outcome.passed}
    not_pdf = run(spec, [sent(1, attachments=[attachment(REPORT_SHA)])], blobs={REPORT_SHA: b"GIF89a"})
    assert outcomes(not_pdf) == {"sent": Outcome.passed, "pdf": Outcome.failed}


def test_a_missing_blob_makes_the_item_not_gradable_never_a_silent_zero(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, ATTACHED, points="3")
    result = run(spec, [sent(1, attachments=[attachment(UNKNOWN_SHA)])], blobs={REPORT_SHA: REPORT_PDF})
    pdf = item(result, "pdf")
    assert pdf.outcome is Outcome.not_gradable
    assert pdf.points == Decimal(0)
    assert pdf.max_points == Decimal(2)
    assert "không có tệp 000000000000" in pdf.explanation
    assert item(result, "sent").outcome is Outcome.passed
    assert not result.gradable
    assert result.reason.startswith("pdf: không có tệp 000000000000")
    assert result.as_json()["gradable"] is False


def test_a_group_with_an_ungradable_part_is_not_gradable(tmp_path: Path) -> None:
    rubric = """
    - id: proper
      points: 1
      all_of:
        - id: to_office
          event: mail.message_sent
          where:
            data.after.to: {contains: bantochuc@egov.test}
        - id: pdf
          event: mail.message_sent
          where:
            data.after.attachments: {any: {file: {is_pdf: true}}}
    """
    spec = spec_of(tmp_path, rubric, points="1")
    result = run(spec, [sent(1, attachments=[attachment(UNKNOWN_SHA)])])
    assert item(result, "proper").outcome is Outcome.not_gradable
    assert not result.gradable


def test_an_item_that_compares_with_an_ungradable_item_is_not_gradable_either(tmp_path: Path) -> None:
    rubric = """
    - id: pdf
      points: 1
      event: mail.message_sent
      where:
        data.after.attachments: {any: {file: {is_pdf: true}}}
    - id: followed_up
      points: 1
      event: mail.message_sent
      after: pdf
    """
    spec = spec_of(tmp_path, rubric, points="2")
    result = run(spec, [sent(1, attachments=[attachment(UNKNOWN_SHA)]), sent(2, minute=3)])
    assert item(result, "pdf").outcome is Outcome.not_gradable
    assert item(result, "followed_up").outcome is Outcome.not_gradable


def test_missing_params_make_every_item_not_gradable(tmp_path: Path) -> None:
    params = "params:\n  unit: {choice: [Phòng Nội vụ, Phòng Kinh tế]}\n  n: {integer: [1, 3]}\n"
    rubric = (
        "- id: sent\n  points: 1\n  event: mail.message_sent\n  where:\n    data.after.text: {contains: '{{ unit }}'}\n"
    )
    spec = spec_of(tmp_path, rubric, points="1", params=params)
    result = run(spec, [sent(1, text="Phòng Nội vụ")], params={"unit": "Phòng Nội vụ"})
    assert result.points == Decimal(0)
    assert not result.gradable
    assert result.reason == "thiếu giá trị tham số n của thí sinh"
    assert [(each.id, each.outcome, each.max_points) for each in result.items] == [
        ("sent", Outcome.not_gradable, Decimal(1))
    ]
    assert run(spec, [sent(1, text="Phòng Nội vụ")], params={"unit": "Phòng Nội vụ", "n": 2}).points == Decimal(1)


def test_params_reach_the_checks(tmp_path: Path) -> None:
    params = "params:\n  unit: {choice: [Phòng Nội vụ, Phòng Kinh tế]}\n"
    rubric = (
        "- id: sent\n  points: 1\n  event: mail.message_sent\n  where:\n    data.after.text: {contains: '{{ unit }}'}\n"
    )
    spec = spec_of(tmp_path, rubric, points="1", params=params)
    assert run(spec, [sent(1, text="Gửi phòng kinh tế")], params={"unit": "Phòng Kinh tế"}).points == Decimal(1)
    assert run(spec, [sent(1, text="Gửi phòng kinh tế")], params={"unit": "Phòng Nội vụ"}).points == Decimal(0)


def test_candidate_fields_reach_the_checks(tmp_path: Path) -> None:
    rubric = (
        "- id: signed\n  points: 1\n  event: mail.message_sent\n  where:\n"
        "    data.after.text: {endswith: '{{ candidate.ho_ten }}'}\n"
    )
    spec = spec_of(tmp_path, rubric, points="1")
    assert run(spec, [sent(1, text="Trân trọng, Nguyễn Thị Minh Thư")]).points == Decimal(1)
    assert run(spec, [sent(1, text="Trân trọng, Trần Văn An")]).points == Decimal(0)


# --- Totals


def test_the_total_is_the_sum_of_the_items_and_never_above_the_maximum(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, PENALISED, points="2")
    result = run(spec, [sent(1)])
    assert result.points == result.max_points == Decimal(2)
    inflated = dataclasses.replace(spec, points=Decimal(1))  # a rubric worth more than its task
    capped = run(inflated, [sent(1)])
    assert item(capped, "sent").points == Decimal(2)
    assert capped.points == Decimal(1)
    assert capped.max_points == Decimal(1)


def test_the_result_as_json_is_plain_and_complete(tmp_path: Path) -> None:
    spec = spec_of(tmp_path, GROUP, points="3")
    data = run(spec, [sent(1, subject="Báo cáo", cc=["x@egov.test"])]).as_json()
    assert data["task_id"] == "mail.sample-task"
    assert (data["points"], data["max_points"], data["gradable"], data["reason"]) == ("3", "3", True, "")
    assert [each["id"] for each in data["items"]] == ["proper", "extra"]
    assert [part["outcome"] for part in data["items"][0]["parts"]] == ["passed", "passed"]
    assert data["items"][1]["evidence"] == [1]
