"""Loading whole task files strictly: every problem of every file at once, each at the place an
author has to look (``path:line:col``), with a suggestion where a near miss was meant."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from graderd.spec.load import load_bank, load_task
from graderd.spec.problems import SpecError
from graderd.spec.rubric import EventCheck, StateCheck
from tests.graderd.builders import INSTRUCTIONS, RUBRIC, TRACES, exemplars_for, place, task_text, write_task

NAME = "task.yaml"


def problems_of(tmp_path: Path, text: str, **files: str | bytes) -> list[str]:
    """Every problem loading ``text`` as a task reports, as ``task.yaml:line:col: message``."""
    path = write_task(tmp_path, text, files=dict(files))
    with pytest.raises(SpecError) as raised:
        load_task(path, shown_from=tmp_path)
    return [str(problem) for problem in raised.value.problems]


def only_problem(tmp_path: Path, text: str, **files: str | bytes) -> str:
    problems = problems_of(tmp_path, text, **files)
    assert len(problems) == 1, problems
    return problems[0]


def rubric_with(item: str) -> str:
    """The default rubric with one more item (worth 0 points, so the points still add up)."""
    return RUBRIC + item


# --- A good task


def test_a_well_formed_task_loads_with_its_rubric_parsed(tmp_path: Path) -> None:
    state_item = "  - id: filed\n    points: 1\n    state: mail.message\n    expect: {folder: sent}\n"
    text = task_text(rubric_with(state_item), points="4")
    task = load_task(write_task(tmp_path, text), shown_from=tmp_path)
    assert task.id == "mail.sample-task"
    assert task.service == "mail"
    assert task.points == Decimal(4)
    assert [item.id for item in task.rubric] == ["sent", "subject", "filed"]
    assert [item.points for item in task.rubric] == [Decimal(2), Decimal(1), Decimal(1)]
    assert isinstance(task.rubric[0].check, EventCheck)
    assert task.rubric[0].check.match.verb == "mail.message_sent"
    assert task.rubric[0].check.match.actor == "candidate"
    assert isinstance(task.rubric[2].check, StateCheck)
    assert [exemplar.expect_points for exemplar in task.exemplars] == [Decimal(4), Decimal(2), Decimal(0), Decimal(0)]
    assert [exemplar.kind for exemplar in task.exemplars] == ["full", "partial", "wrong", "empty"]
    assert (task.difficulty, task.minutes) == ("de", 3)
    assert [exemplar.trace for exemplar in task.exemplars] == [tmp_path / trace for trace in TRACES]
    assert len(task.sha256) == 64


def test_the_file_name_is_shown_relative_to_the_bank(tmp_path: Path) -> None:
    text = task_text(extra="titel: x\n")
    path = write_task(tmp_path / "mail", text, name="send.yaml")
    with pytest.raises(SpecError) as raised:
        load_task(path, shown_from=tmp_path)
    assert str(raised.value).startswith(f"mail/send.yaml:{place(text, 'titel')}: ")


# --- The task's own keys


def test_an_unknown_top_level_key_is_placed_and_a_near_miss_suggested(tmp_path: Path) -> None:
    text = task_text(extra="titel: Gửi thư\n")
    problem = only_problem(tmp_path, text)
    assert problem.startswith(f"{NAME}:5:1: unknown key 'titel' in a task (did you mean 'title'?); known: ")
    assert "difficulty, exemplars, id, instructions, minutes, params, points, rubric, service, setup, title" in problem


def test_missing_keys_are_each_reported_at_the_top_of_the_file(tmp_path: Path) -> None:
    text = task_text().replace("title: Gửi thư báo cáo\n", "").replace(INSTRUCTIONS, "")
    assert problems_of(tmp_path, text) == [
        f"{NAME}:1:1: a task needs the key 'instructions'",
        f"{NAME}:1:1: a task needs the key 'title'",
    ]


@pytest.mark.parametrize(
    ("task_id", "said"),
    [
        ("Mail.Send_Report", "task id 'Mail.Send_Report' must read service.name-in-lowercase"),
        ("mail", "task id 'mail' must read service.name-in-lowercase"),
        ("mail.send--report", "task id 'mail.send--report' must read service.name-in-lowercase"),
        ("documents.send-report", "task id 'documents.send-report' must start with its service, mail."),
    ],
)
def test_a_bad_task_id_is_placed_on_the_id(tmp_path: Path, task_id: str, said: str) -> None:
    problem = only_problem(tmp_path, task_text(task_id=task_id))
    assert problem.startswith(f"{NAME}:1:5: {said}")


def test_an_unknown_service_is_placed_on_it_with_a_suggestion_and_the_list(tmp_path: Path) -> None:
    problem = only_problem(tmp_path, task_text(service="mial"))
    assert problem == (
        f"{NAME}:3:10: unknown service 'mial' (did you mean 'mail'?); "
        "services: mail, documents, signing, onestop, cross"
    )


def test_points_that_do_not_add_up_are_placed_on_the_task_points(tmp_path: Path) -> None:
    text = task_text(points="4", exemplars=exemplars_for("4"))
    assert only_problem(tmp_path, text) == (
        f"{NAME}:4:9: points is 4, but the rubric's items (penalties aside) add up to 3"
    )


def test_penalties_do_not_count_towards_the_points(tmp_path: Path) -> None:
    fault = "  - id: extra\n    penalty: 5\n    event: mail.message_sent\n    count: {gt: 1}\n"
    task = load_task(write_task(tmp_path, task_text(rubric_with(fault))), shown_from=tmp_path)
    assert [(item.id, item.points, item.penalty) for item in task.rubric][-1] == ("extra", Decimal(5), True)


# --- Rubric items


def test_a_duplicate_item_id_is_placed_on_the_second_naming_the_first(tmp_path: Path) -> None:
    text = task_text(RUBRIC.replace("id: subject", "id: sent"))
    assert place(text, "- id: sent", nth=2) == "13:3"
    assert only_problem(tmp_path, text) == f"{NAME}:13:9: item id 'sent' is used twice (first at line 8)"


def test_an_item_needs_exactly_one_check(tmp_path: Path) -> None:
    item = "  - id: both\n    points: 0\n    event: mail.message_sent\n    state: mail.message\n"
    text = task_text(rubric_with(item))
    problem = only_problem(tmp_path, text)
    assert problem.startswith(f"{NAME}:{place(text, 'id: both')}: item 'both' needs exactly one of event, sequence")
    assert problem.endswith("found event, state")


def test_an_unknown_verb_is_placed_on_it_with_a_suggestion(tmp_path: Path) -> None:
    text = task_text(RUBRIC.replace("event: mail.message_sent", "event: mail.mesage_sent", 1))
    assert only_problem(tmp_path, text) == (
        f"{NAME}:10:12: unknown event verb 'mail.mesage_sent' (did you mean 'mail.message_sent'?); see docs/events.md"
    )


def test_a_data_field_the_verb_does_not_have_is_placed_on_the_path(tmp_path: Path) -> None:
    item = "  - id: via\n    points: 0\n    event: mail.message_sent\n    where:\n      data.chanel: webmail\n"
    text = task_text(rubric_with(item))
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'data.chanel')}: mail.message_sent has no field 'chanel' in data "
        "(did you mean 'channel'?); its fields: after, bounced, channel, delivered, kind, original"
    )


def test_a_path_of_an_event_starts_with_a_field_of_the_record(tmp_path: Path) -> None:
    item = "  - id: via\n    points: 0\n    event: mail.message_sent\n    where:\n      dta.after.to: x\n"
    text = task_text(rubric_with(item))
    problem = only_problem(tmp_path, text)
    assert problem.startswith(f"{NAME}:{place(text, 'dta.after')}: a path here starts with one of ")
    assert problem.endswith("not 'dta' (did you mean 'data'?)")


def test_an_unknown_kind_of_state_is_placed_on_it_with_a_suggestion(tmp_path: Path) -> None:
    item = "  - id: filed\n    points: 0\n    state: mail.mesage\n    expect: {folder: sent}\n"
    text = task_text(rubric_with(item))
    problem = only_problem(tmp_path, text)
    assert problem.startswith(
        f"{NAME}:{place(text, 'mail.mesage')}: unknown kind of object 'mail.mesage' (did you mean 'mail.message'?)"
    )
    assert "mail.contact" in problem


def test_an_unknown_modifier_is_placed_on_it_with_a_suggestion(tmp_path: Path) -> None:
    text = task_text(RUBRIC.replace("{contains: Báo cáo}", "{contain: Báo cáo}"))
    problem = only_problem(tmp_path, text)
    assert problem.startswith(
        f"{NAME}:{place(text, 'contain:')}: unknown modifier 'contain' (did you mean 'contains'?)"
    )


def test_a_regex_that_does_not_compile_is_placed_on_the_pattern(tmp_path: Path) -> None:
    text = task_text(RUBRIC.replace("{contains: Báo cáo}", "{regex: 'Báo cáo (tháng'}"))
    pattern_at = place(text, "'Báo cáo (tháng'")
    problem = only_problem(tmp_path, text)
    assert problem.startswith(f"{NAME}:{pattern_at}: regex 'Báo cáo (tháng' does not compile: ")


@pytest.mark.parametrize("similarity", ["1.5", "0", "-0.2", "cao"])
def test_a_similarity_outside_0_to_1_is_placed_on_the_value(tmp_path: Path, similarity: str) -> None:
    text = task_text(RUBRIC.replace("{contains: Báo cáo}", f"{{equals: Báo cáo, similarity: {similarity}}}"))
    line, col = place(text, f"similarity: {similarity}").split(":")
    value_at = f"{line}:{int(col) + len('similarity: ')}"
    problem = only_problem(tmp_path, text)
    assert problem.startswith(f"{NAME}:{value_at}: similarity must be a number above 0 and at most 1, not ")


def test_similarity_goes_only_with_equals(tmp_path: Path) -> None:
    text = task_text(RUBRIC.replace("{contains: Báo cáo}", "{contains: Báo cáo, similarity: 0.8}"))
    assert only_problem(tmp_path, text) == f"{NAME}:{place(text, 'similarity')}: similarity goes with equals"


# --- Params and templates


def test_an_unknown_param_kind_is_placed_on_it_with_a_suggestion(tmp_path: Path) -> None:
    params = "params:\n  due: {workday_from_start: [3, 5]}\n"
    text = task_text(params=params)
    problem = only_problem(tmp_path, text)
    assert problem.startswith(
        f"{NAME}:{place(text, 'workday_from')}: unknown param kind 'workday_from_start' "
        "(did you mean 'workdays_from_start'?); kinds: "
    )


def test_a_template_naming_an_undefined_param_is_placed_on_its_value(tmp_path: Path) -> None:
    params = "params:\n  leader: {choice: [Phạm Văn Thành, Võ Thị Kim Ngân]}\n"
    text = task_text(params=params, instructions='instructions: "Gửi đồng chí {{ leder }}"\n')
    value_at = place(text, '"Gửi')
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{value_at}: the template uses 'leder', which is not defined; params: leader"
    )


def test_a_template_in_a_rubric_value_is_checked_too(tmp_path: Path) -> None:
    text = task_text(RUBRIC.replace("{contains: Báo cáo}", '{contains: "Báo cáo {{ thang }}"}'))
    value_at = place(text, '"Báo cáo {{')
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{value_at}: the template uses 'thang', which is not defined; this task has no params"
    )


@pytest.mark.parametrize("line_in_block", [1, 2, 3])
def test_an_undefined_name_in_a_block_is_placed_on_the_line_it_is_written_on(
    tmp_path: Path, line_in_block: int
) -> None:
    lines = ["Kính gửi đồng chí,", "hãy gửi báo cáo,", "trân trọng."]
    lines[line_in_block - 1] += " {{ leder }}"
    instructions = "instructions: |\n" + "".join(f"  {line}\n" for line in lines)
    text = task_text(instructions=instructions)
    problem = only_problem(tmp_path, text)
    assert "the template uses 'leder', which is not defined" in problem
    assert problem.startswith(f"{NAME}:{place(text, '{{ leder').split(':')[0]}:")


def test_a_template_syntax_error_is_reported(tmp_path: Path) -> None:
    text = task_text(instructions='instructions: "Gửi {{ candidate.ho_ten "\n')
    problem = only_problem(tmp_path, text)
    assert problem.startswith(f"{NAME}:5:15: template error: ")


# --- Setup


def test_an_unknown_setup_operation_is_placed_on_its_name_with_a_suggestion(tmp_path: Path) -> None:
    setup = "setup:\n  - mail.delivr: {from: vanphong@egov.test, subject: Báo cáo}\n"
    text = task_text(setup=setup)
    problem = only_problem(tmp_path, text)
    assert problem.startswith(
        f"{NAME}:{place(text, 'mail.delivr')}: unknown setup operation 'mail.delivr' (did you mean 'mail.deliver'?); "
        "operations: "
    )
    assert "mail.add_contact" in problem


def test_a_setup_argument_that_fails_validation_is_placed_on_its_key(tmp_path: Path) -> None:
    setup = "setup:\n  - mail.add_contact:\n      name: Ban Tổ chức\n      email: ban to chuc\n"
    text = task_text(setup=setup)
    problem = only_problem(tmp_path, text)
    assert problem.startswith(f"{NAME}:{place(text, 'email: ban')}: mail.add_contact: email: ")
    assert "'ban to chuc' is not a valid e-mail address" in problem


def test_an_unknown_setup_argument_is_placed_on_its_key(tmp_path: Path) -> None:
    setup = "setup:\n  - mail.deliver:\n      from: vanphong@egov.test\n      subject: Báo cáo\n      subjct: x\n"
    text = task_text(setup=setup)
    assert only_problem(tmp_path, text) == f"{NAME}:{place(text, 'subjct')}: mail.deliver: unknown argument 'subjct'"


def test_a_missing_setup_argument_is_placed_on_the_operation(tmp_path: Path) -> None:
    setup = "setup:\n  - mail.deliver:\n      from: vanphong@egov.test\n"
    text = task_text(setup=setup)
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'from: vanphong')}: mail.deliver: the argument 'subject' is required"
    )


def test_a_setup_argument_of_the_wrong_type_is_placed_on_its_key(tmp_path: Path) -> None:
    setup = "setup:\n  - mail.deliver:\n      from: vanphong@egov.test\n      subject: Báo cáo\n      seen: có lẽ\n"
    text = task_text(setup=setup)
    problem = only_problem(tmp_path, text)
    assert problem.startswith(f"{NAME}:{place(text, 'seen:')}: mail.deliver: seen: ")


def test_a_setup_argument_rendered_from_a_param_is_validated_with_the_example_draw(tmp_path: Path) -> None:
    params = "params:\n  unit: {choice: [{name: Phòng Kinh tế, email: khong-phai-dia-chi}]}\n"
    setup = "setup:\n  - mail.add_contact:\n      name: '{{ unit.name }}'\n      email: '{{ unit.email }}'\n"
    text = task_text(params=params, setup=setup)
    key_at = place(text, "email: '{{")
    problem = only_problem(tmp_path, text)
    assert problem.startswith(f"{NAME}:{key_at}: mail.add_contact: email: ")
    assert "'khong-phai-dia-chi' is not a valid e-mail address" in problem


# --- Exemplars


def test_a_missing_exemplar_trace_is_placed_on_its_name(tmp_path: Path) -> None:
    text = task_text(exemplars=exemplars_for("3").replace("exemplars/partial.jsonl", "exemplars/partial-2.jsonl"))
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'exemplars/partial-2')}: no trace file 'exemplars/partial-2.jsonl' next to the task"
    )


def test_a_bad_line_of_an_exemplar_trace_is_placed_in_the_trace(tmp_path: Path) -> None:
    good = (
        '{"seq": 1, "at": "2026-11-23T01:00:00Z", "actor": "candidate", "verb": "mail.searched",'
        ' "object": {"kind": "mailbox", "id": "1"}, "data": {"query": {}, "results": 0}}\n'
    )
    problems = problems_of(tmp_path, task_text(), **{"exemplars/full.jsonl": good + "{not json\n"})
    assert len(problems) == 1
    assert problems[0].startswith("exemplars/full.jsonl:2:2: not JSON")


MISSING = "the exemplars need one of each kind; missing: "


@pytest.mark.parametrize(
    ("exemplars", "said"),
    [
        ((("full", "3"), ("wrong", "1"), ("empty", "0")), MISSING + "partial (part of the task done right)"),
        ((("partial", "1.5"), ("wrong", "0"), ("empty", "0")), MISSING + "full (full marks)"),
        (
            (("full", "3"),),
            MISSING
            + "partial (part of the task done right), wrong (a wrong but plausible attempt), empty (nothing done)",
        ),
    ],
)
def test_exemplars_must_show_each_kind(tmp_path: Path, exemplars: tuple[tuple[str, str], ...], said: str) -> None:
    listed = "exemplars:\n" + "".join(
        f"  - {{trace: {trace}, kind: {kind}, expect_points: {value}}}\n"
        for trace, (kind, value) in zip(TRACES, exemplars, strict=False)
    )
    text = task_text(exemplars=listed)
    assert only_problem(tmp_path, text) == f"{NAME}:{place(text, '- {trace')}: {said}"


@pytest.mark.parametrize(
    ("kind", "value", "said"),
    [
        ("full", "2", "a full exemplar expects the task's 3 points, not 2"),
        ("empty", "1", "an empty exemplar earns 0 points, not 1: nothing done earns nothing"),
        ("partial", "3", "a partial exemplar earns more than 0 and less than 3"),
        ("partial", "0", "a partial exemplar earns more than 0 and less than 3"),
        ("wrong", "3", "a wrong exemplar earns less than the task's 3 points"),
    ],
)
def test_an_exemplar_earns_what_its_kind_says(tmp_path: Path, kind: str, value: str, said: str) -> None:
    extra = f"  - {{trace: exemplars/full.jsonl, kind: {kind}, expect_points: {value}}}\n"
    text = task_text(exemplars=exemplars_for("3") + extra)
    line = place(text, extra.strip()).split(":")[0]
    column = extra.index(f"expect_points: {value}") + len("expect_points: ") + 1
    assert only_problem(tmp_path, text) == f"{NAME}:{line}:{column}: {said}"


def test_an_unknown_kind_of_exemplar_is_placed_with_a_suggestion(tmp_path: Path) -> None:
    text = task_text(exemplars=exemplars_for("3").replace("kind: wrong", "kind: wrogn"))
    assert only_problem(tmp_path, text).startswith(
        f"{NAME}:{place(text, 'wrogn')}: unknown kind of exemplar 'wrogn' (did you mean 'wrong'?); full (full marks);"
    )


def test_a_task_states_its_difficulty_and_minutes(tmp_path: Path) -> None:
    text = task_text().replace("difficulty: de\nminutes: 3", "difficulty: medium\nminutes: 90")
    problems = problems_of(tmp_path, text)
    assert problems == [
        f"{NAME}:{place(text, 'medium')}: unknown difficulty 'medium'; de (Dễ), trung_binh (Trung bình), kho (Khó)",
        f"{NAME}:{place(text, '90')}: minutes is the time the task takes, 1 to 60, not 90",
    ]


def test_a_task_without_exemplars_is_refused(tmp_path: Path) -> None:
    text = task_text(exemplars="exemplars: []\n")
    problem = only_problem(tmp_path, text)
    assert (
        problem == f"{NAME}:{place(text, '[]')}: a task needs exemplars, one of each kind: full, partial, wrong, empty"
    )


def test_an_exemplar_cannot_expect_more_than_the_task_is_worth(tmp_path: Path) -> None:
    extra = "  - {trace: exemplars/full.jsonl, kind: partial, expect_points: 4}\n"
    text = task_text(exemplars=exemplars_for("3") + extra)
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, extra.strip()[2:])}: an exemplar expects 4 points, more than the task's 3"
    )


def test_an_exemplar_expecting_an_unknown_item_is_placed_on_it_with_a_suggestion(tmp_path: Path) -> None:
    exemplars = exemplars_for("3").replace("expect_points: 1.5}", "expect_points: 1.5, expect: {sujbect: failed}}")
    text = task_text(exemplars=exemplars)
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'sujbect')}: 'sujbect' is not an item of the rubric (did you mean 'subject'?)"
    )


def test_an_exemplar_expecting_an_unknown_outcome_is_placed_on_the_item(tmp_path: Path) -> None:
    exemplars = exemplars_for("3").replace("expect_points: 1.5}", "expect_points: 1.5, expect: {subject: fail}}")
    text = task_text(exemplars=exemplars)
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'subject: fail')}: an item is expected passed, failed, not_gradable, not 'fail'"
    )


def test_an_exemplar_setting_an_unknown_param_is_placed_on_it(tmp_path: Path) -> None:
    params = "params:\n  leader: {choice: [Phạm Văn Thành]}\n"
    exemplars = exemplars_for("3").replace(
        "kind: empty, expect_points: 0}", "kind: empty, expect_points: 0, params: {leaderr: X}}"
    )
    text = task_text(params=params, exemplars=exemplars)
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'leaderr')}: the exemplar sets 'leaderr', which is not a param (did you mean 'leader'?)"
    )


# --- Bindings and time


def test_after_naming_a_later_item_is_placed_on_the_name(tmp_path: Path) -> None:
    rubric = RUBRIC.replace("    where:\n      data.after.to", "    after: subject\n    where:\n      data.after.to")
    text = task_text(rubric)
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'subject', nth=1)}: after: 'subject' is not an earlier item (earlier: none yet)"
    )


def test_before_naming_an_unknown_item_is_placed_on_the_name_with_a_suggestion(tmp_path: Path) -> None:
    item = "  - id: late\n    points: 0\n    event: mail.message_sent\n    before: {item: sentt, within: 10m}\n"
    text = task_text(rubric_with(item))
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, 'sentt')}: before: 'sentt' is not an earlier item (did you mean 'sent'?) "
        "(earlier: sent, subject)"
    )


@pytest.mark.parametrize("within", ["10 phút", "0s", "ten"])
def test_a_bad_duration_is_placed_on_it(tmp_path: Path, within: str) -> None:
    item = f"  - id: late\n    points: 0\n    event: mail.message_sent\n    after: {{item: sent, within: {within}}}\n"
    text = task_text(rubric_with(item))
    problem = only_problem(tmp_path, text)
    assert problem.startswith(f"{NAME}:{place(text, within + '}')}: a duration is written like 30s, 10m, 2h or 1h30m")


def test_a_field_reference_to_an_unknown_binding_is_placed_on_the_path(tmp_path: Path) -> None:
    item = (
        "  - id: reply\n    points: 0\n    event: mail.message_sent\n    where:\n"
        "      data.after.in_reply_to: {equals: {field: request.data.after.message_id}}\n"
    )
    text = task_text(rubric_with(item))
    problem = only_problem(tmp_path, text)
    assert problem.startswith(
        f"{NAME}:{place(text, 'request.data')}: 'request.data.after.message_id' starts with neither a field of this "
        "record"
    )
    assert problem.endswith("nor an earlier item's binding (bound so far: sent, subject)")


def test_a_field_reference_to_an_earlier_item_or_to_the_record_itself_loads(tmp_path: Path) -> None:
    item = (
        "  - id: reply\n    points: 0\n    event: mail.message_sent\n    where:\n"
        "      data.after.in_reply_to: {equals: {field: sent.data.after.message_id}}\n"
        "      data.after.from: {not: {equals: {field: data.after.to}}}\n"
    )
    task = load_task(write_task(tmp_path, task_text(rubric_with(item))), shown_from=tmp_path)
    assert task.rubric[-1].references == frozenset({"sent"})


def test_a_sequence_step_binding_can_be_used_by_later_items_but_not_by_earlier_ones(tmp_path: Path) -> None:
    item = (
        "  - id: flow\n    points: 0\n    sequence:\n"
        "      - {event: mail.message_opened, bind: read}\n"
        "      - {event: mail.message_sent, within: 30m}\n"
        "  - id: same\n    points: 0\n    event: mail.message_sent\n    after: read\n"
    )
    task = load_task(write_task(tmp_path, task_text(rubric_with(item))), shown_from=tmp_path)
    assert task.rubric[-1].references == frozenset({"read"})
    too_early = RUBRIC.replace("    where:\n      data.after.to", "    after: read\n    where:\n      data.after.to")
    text = task_text(too_early + item)
    problems = problems_of(tmp_path / "second", text)
    assert problems == [f"{NAME}:{place(text, 'read')}: after: 'read' is not an earlier item (earlier: none yet)"]


# --- Many problems, many files


def test_every_problem_of_a_file_is_reported_in_one_run(tmp_path: Path) -> None:
    text = task_text(RUBRIC.replace("{contains: Báo cáo}", "{contain: Báo cáo}"), service="mial", extra="titel: x\n")
    problems = problems_of(tmp_path, text)
    assert [problem.split(": ")[0] for problem in problems] == [
        f"{NAME}:{place(text, 'mial')}",
        f"{NAME}:{place(text, 'titel')}",
        f"{NAME}:{place(text, 'contain:')}",
    ]


def test_a_bank_reports_the_problems_of_all_its_files_at_once(tmp_path: Path) -> None:
    first = task_text(task_id="mail.first", service="mial")
    second = task_text(RUBRIC.replace("mail.message_sent", "mail.message_snet"), task_id="mail.second")
    write_task(tmp_path / "mail", first, name="first.yaml")
    write_task(tmp_path / "other", second, name="second.yaml")
    write_task(tmp_path / "other", task_text(task_id="mail.third"), name="third.yaml")
    with pytest.raises(SpecError) as raised:
        load_bank(tmp_path, shown_from=tmp_path)
    shown = [f"{problem.mark.path}:{problem.mark.line}" for problem in raised.value.problems]
    assert shown == ["mail/first.yaml:3", "other/second.yaml:10", "other/second.yaml:15"]


def test_a_bank_of_good_files_loads_sorted_by_path(tmp_path: Path) -> None:
    write_task(tmp_path / "b", task_text(task_id="mail.beta"), name="beta.yaml")
    write_task(tmp_path / "a", task_text(task_id="mail.alpha"), name="alpha.yaml")
    assert [task.id for task in load_bank(tmp_path, shown_from=tmp_path)] == ["mail.alpha", "mail.beta"]


def test_a_bank_refuses_a_task_id_used_by_two_files(tmp_path: Path) -> None:
    write_task(tmp_path / "a", task_text(task_id="mail.same"), name="one.yaml")
    write_task(tmp_path / "b", task_text(task_id="mail.same"), name="two.yaml")
    with pytest.raises(SpecError) as raised:
        load_bank(tmp_path, shown_from=tmp_path)
    assert [str(problem) for problem in raised.value.problems] == [
        "b/two.yaml:1:5: task id 'mail.same' is already used by a/one.yaml:1:5"
    ]


def test_an_exemplar_date_param_without_quotes_is_refused_with_the_quoted_form(tmp_path: Path) -> None:
    params = "params:\n  han: {workdays_from_start: [1, 3]}\n"
    exemplars = exemplars_for("3").replace(
        "kind: empty, expect_points: 0}", "kind: empty, expect_points: 0, params: {han: 2026-11-24}}"
    )
    text = task_text(params=params, exemplars=exemplars)
    assert only_problem(tmp_path, text) == (
        f"{NAME}:{place(text, '2026-11-24')}: write the date of 'han' in quotes, as it is stored: \"2026-11-24\""
    )


def test_a_regex_cannot_be_a_template(tmp_path: Path) -> None:
    params = "params:\n  gio: {choice: ['07 giờ 30', '14 giờ']}\n"
    pattern = "'{{ gio }}'"
    item = (
        "  - id: time\n    points: 0\n    event: mail.message_sent\n    where:\n"
        f"      data.after.text: {{regex: {pattern}}}\n"
    )
    text = task_text(rubric_with(item), params=params)
    assert only_problem(tmp_path, text).startswith(
        f"{NAME}:{place(text, pattern)}: regex is a pattern written out, not a template"
    )
