"""Task params: each candidate's variant drawn from its own seeded stream, the same every time,
independent of the other params, within its bounds, and shown as a Vietnamese document shows it."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import orjson
import pytest

from graderd.spec.docnumbers import UNITS
from graderd.spec.names import GENDERS, GIVEN_NAMES, MIDDLE_NAMES, SURNAMES, TRADITIONAL_MIDDLE_NAME, Gender
from graderd.spec.params import Param, draw_params, parse_params, seeded_random
from graderd.spec.problems import Mark, Problems
from graderd.spec.source import load_text
from graderd.spec.templates import VnDate, compile_template
from mock_services.core.workdays import add_working_days, is_working_day

NAME = "tasks/mail/x.yaml"
FRIDAY = dt.date(2026, 11, 27)
CANDIDATES = [f"TS{number:03d}" for number in range(1, 201)]


def params_of(text: str) -> dict[str, Param]:
    problems = Problems()
    node = load_text(text, NAME, problems)
    assert node is not None
    params = parse_params(node, problems)
    assert not problems, problems.found
    return params


def problems_of(text: str) -> list[str]:
    problems = Problems()
    node = load_text(text, NAME, problems)
    assert node is not None
    params = parse_params(node, problems)
    assert params == {}
    return [str(problem) for problem in problems.found]


def draw(params: dict[str, Param], candidate: str = "TS001", *, seed: int = 7, day: dt.date = FRIDAY) -> dict[str, Any]:
    return draw_params(params, exam_seed=seed, candidate=candidate, task_id="mail.send-report", exam_day=day)


def draws(text: str, name: str, *, day: dt.date = FRIDAY) -> list[Any]:
    params = params_of(text)
    return [draw(params, candidate, day=day)[name] for candidate in CANDIDATES]


# --- Determinism and independence


MIXED = """\
unit: {choice: [Phòng Kinh tế, Phòng Văn hóa - Xã hội, Văn phòng HĐND-UBND, Phòng Nội vụ]}
count: {integer: [1, 1000]}
due: {workdays_from_start: [1, 10]}
signer: {person_name: any}
number: {document_number: {kind: QĐ}}
"""


def test_the_same_seed_candidate_and_task_draw_the_same_values() -> None:
    assert draw(params_of(MIXED)) == draw(params_of(MIXED))


def test_the_stream_depends_on_each_of_seed_candidate_task_and_name() -> None:
    def first(seed: int, candidate: str, task: str, name: str) -> float:
        return seeded_random(seed, candidate, task, name).random()

    base = first(1, "TS001", "mail.send-report", "due")
    assert first(1, "TS001", "mail.send-report", "due") == base
    assert first(2, "TS001", "mail.send-report", "due") != base
    assert first(1, "TS002", "mail.send-report", "due") != base
    assert first(1, "TS001", "mail.reply", "due") != base
    assert first(1, "TS001", "mail.send-report", "unit") != base


def test_the_parts_of_the_seed_cannot_run_into_each_other() -> None:
    assert seeded_random(1, "TS0011", "mail.x", "a").random() != seeded_random(1, "TS001", "1mail.x", "a").random()


def test_candidates_get_different_variants() -> None:
    values = draws(MIXED, "count")
    assert len(set(values)) > 150


def test_another_exam_seed_gives_another_draw() -> None:
    params = params_of(MIXED)
    assert draw(params, seed=1) != draw(params, seed=2)


def test_adding_a_param_does_not_change_the_others() -> None:
    before = {candidate: draw(params_of(MIXED), candidate) for candidate in CANDIDATES[:50]}
    grown = "extra: {integer: [1, 9]}\n" + MIXED + "another: {choice: [a, b]}\n"
    after = {candidate: draw(params_of(grown), candidate) for candidate in CANDIDATES[:50]}
    for candidate in before:
        assert {name: after[candidate][name] for name in before[candidate]} == before[candidate]


def test_the_order_params_are_written_in_does_not_matter() -> None:
    reordered = "\n".join(reversed(MIXED.splitlines())) + "\n"
    assert draw(params_of(reordered)) == draw(params_of(MIXED))


# --- Each kind within its bounds


def test_a_choice_is_always_one_of_its_values_and_every_value_comes_up() -> None:
    values = draws(MIXED, "unit")
    listed = ["Phòng Kinh tế", "Phòng Văn hóa - Xã hội", "Văn phòng HĐND-UBND", "Phòng Nội vụ"]
    assert set(values) == set(listed)


def test_a_choice_of_mappings_draws_whole_mappings() -> None:
    values = draws(
        "leader: {choice: [{name: Phạm Văn Thành, email: thanh.pv@egov.test}, {name: Võ Thị Kim Ngân}]}\n", "leader"
    )
    assert {orjson.dumps(value) for value in values} == {
        orjson.dumps({"name": "Phạm Văn Thành", "email": "thanh.pv@egov.test"}),
        orjson.dumps({"name": "Võ Thị Kim Ngân"}),
    }


def test_an_integer_stays_within_its_bounds_both_included() -> None:
    values = draws("n: {integer: [3, 7]}\n", "n")
    assert set(values) == {3, 4, 5, 6, 7}


def test_a_single_integer_is_fixed() -> None:
    assert set(draws("n: {integer: 5}\n", "n")) == {5}


def test_a_value_is_the_same_for_everyone() -> None:
    assert set(draws("unit: {value: Phòng Nội vụ}\n", "unit")) == {"Phòng Nội vụ"}


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("n: {integer: [7, 3]}\n", "1:14: integer of param 'n': low 7 is above high 3"),
        ("n: {integer: [1, 2, 3]}\n", "1:14: integer of param 'n' must be a whole number or [low, high]"),
        ("n: {integer: [1, ba]}\n", "1:18: integer of param 'n' must be a whole number, not the text 'ba'"),
        ("n: {integer: 2.5}\n", "1:14: integer of param 'n' must be a whole number, not 2.5"),
        ("unit: {choice: []}\n", "1:16: choice of param 'unit' needs at least one value"),
        ("unit: {choice: Phòng Nội vụ}\n", "1:16: choice of param 'unit' must be a list, not the text 'Phòng Nội vụ'"),
        ("due: {workdays_from_start: [-2, 3]}\n", "1:28: workdays_from_start of param 'due' must not be negative"),
        ("who: {person_name: ba}\n", "1:20: person_name of param 'who' must be any, nam or nu, not the text 'ba'"),
        (
            "candidate: {value: x}\n",
            "1:1: param name 'candidate' must be a name like 'lead_unit' (and not 'candidate')",
        ),
        ("lead-unit: {value: x}\n", "1:1: param name 'lead-unit' must be a name like 'lead_unit'"),
        ("unit: Phòng Nội vụ\n", "1:7: param 'unit' must be one mapping {kind: arguments}; kinds: value, choice"),
        ("unit: {choice: [a], value: b}\n", "1:7: param 'unit' must be one mapping {kind: arguments}"),
    ],
)
def test_a_param_that_cannot_be_drawn_is_refused_at_its_place(text: str, said: str) -> None:
    problems = problems_of(text)
    assert len(problems) == 1, problems
    assert problems[0].startswith(f"{NAME}:{said}")


def test_an_unknown_param_kind_suggests_the_near_miss() -> None:
    [problem] = problems_of("due: {workday_from_start: 3}\n")
    assert problem.startswith(
        f"{NAME}:1:7: unknown param kind 'workday_from_start' (did you mean 'workdays_from_start'?); kinds: "
    )
    for kind in ("value", "choice", "integer", "workdays_from_start", "person_name", "document_number"):
        assert kind in problem


# --- Working days


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days there are after ``start`` up to ``end`` included."""
    count, day = 0, start
    while day < end:
        day += dt.timedelta(days=1)
        count += is_working_day(day)
    return count


def test_a_deadline_in_working_days_skips_the_weekend() -> None:
    [value] = set(draws("due: {workdays_from_start: 1}\n", "due", day=FRIDAY))
    assert value == "2026-11-30"  # Friday + 1 working day: Monday


def test_a_deadline_in_working_days_skips_the_holidays_of_30_april_and_1_may() -> None:
    [value] = set(draws("due: {workdays_from_start: 1}\n", "due", day=dt.date(2026, 4, 29)))
    assert value == "2026-05-04"  # Thu 30/4 and Fri 1/5 are holidays, then the weekend
    assert value == add_working_days(dt.date(2026, 4, 29), 1).isoformat()


def test_a_deadline_in_working_days_skips_tet() -> None:
    [value] = set(draws("due: {workdays_from_start: 3}\n", "due", day=dt.date(2026, 2, 12)))
    assert value == "2026-02-24"  # from Thu 12: Fri 13, [weekend, Tết Mon 16 – Fri 20, weekend], Mon 23, Tue 24


@pytest.mark.parametrize("exam_day", [dt.date(2026, 4, 24), dt.date(2026, 8, 28), dt.date(2026, 11, 23)])
def test_a_drawn_deadline_is_a_working_day_low_to_high_working_days_ahead(exam_day: dt.date) -> None:
    values = draws("due: {workdays_from_start: [3, 7]}\n", "due", day=exam_day)
    counts = set()
    for value in values:
        day = dt.date.fromisoformat(value)
        assert is_working_day(day)
        counts.add(working_days_between(exam_day, day))
    assert counts == {3, 4, 5, 6, 7}


# --- Names and document numbers


@pytest.mark.parametrize("gender", GENDERS)
def test_a_person_name_is_a_vietnamese_full_name_of_the_asked_gender(gender: Gender) -> None:
    for value in draws(f"who: {{person_name: {gender}}}\n", "who"):
        assert value == unicodedata.normalize("NFC", value)
        words = value.split(" ")
        assert 3 <= len(words) <= 4
        assert words[0] in SURNAMES
        assert words[-1] in GIVEN_NAMES[gender]
        for middle in words[1:-1]:
            assert middle == TRADITIONAL_MIDDLE_NAME[gender] or middle in MIDDLE_NAMES[gender]
        assert all(word[0].isupper() and word[1:].islower() for word in words if len(word) > 1)


def test_person_name_any_draws_both_genders() -> None:
    given = {value.split(" ")[-1] for value in draws("who: {person_name: any}\n", "who")}
    assert given & set(GIVEN_NAMES["nam"])
    assert given & set(GIVEN_NAMES["nu"])


def test_a_document_number_of_a_kind_is_number_kind_issuer() -> None:
    values = draws("so: {document_number: {issuer: UBND, kind: QĐ, range: [1, 30]}}\n", "so")
    numbers = []
    for value in values:
        match = re.fullmatch(r"(\d{2})/QĐ-UBND", value)  # two digits: below 10 takes a leading 0
        assert match is not None, value
        numbers.append(int(match.group(1)))
    assert min(numbers) >= 1
    assert max(numbers) <= 30
    assert min(numbers) < 10


def test_a_cong_van_number_names_the_issuer_and_a_drafting_unit() -> None:
    for value in draws("so: {document_number: {issuer: UBND, kind: CV}}\n", "so"):
        number, symbol = value.split("/")
        assert number.isdigit()
        assert 1 <= int(number) <= 999
        issuer, unit = symbol.split("-")
        assert issuer == "UBND"
        assert unit in UNITS


def test_a_document_number_of_an_unknown_kind_is_refused_with_the_kinds() -> None:
    [problem] = problems_of("so: {document_number: {kind: QD}}\n")
    assert problem.startswith(f"{NAME}:1:30: unknown kind of document 'QD'; kinds: CV, NQ, QĐ, CT")


def test_a_document_number_refuses_unknown_keys() -> None:
    problems = Problems()
    node = load_text("so: {document_number: {isuer: UBND}}\n", NAME, problems)
    assert node is not None
    parse_params(node, problems)
    assert [str(problem) for problem in problems.found] == [
        f"{NAME}:1:24: unknown key 'isuer' in document_number of param 'so' (did you mean 'issuer'?); "
        "known: issuer, kind, range"
    ]


# --- Stored values and what templates see


def test_a_drawn_date_is_stored_as_iso_text_and_shown_as_a_vietnamese_date() -> None:
    params = params_of("due: {workdays_from_start: 0}\n")
    stored = draw(params, day=FRIDAY)
    assert stored == {"due": "2026-11-27"}
    assert orjson.loads(orjson.dumps(stored)) == stored
    shown = params["due"].context_value(stored["due"])
    assert isinstance(shown, VnDate)
    assert shown == dt.date(2026, 11, 27)
    assert str(shown) == "27/11/2026"


def render(source: str, context: dict[str, Any], known: frozenset[str]) -> Any:
    problems = Problems()
    template = compile_template(source, Mark(NAME, 1, 1), problems, known=known)
    assert template is not None
    assert not problems
    return template.render(context)


def test_templates_print_a_date_param_as_27_11_2026_and_keep_its_type_alone() -> None:
    params = params_of("due: {workdays_from_start: 0}\n")
    context = {"due": params["due"].context_value(draw(params)["due"])}
    known = frozenset(context)
    assert render("Hạn trả lời: {{ due }}.", context, known) == "Hạn trả lời: 27/11/2026."
    assert render("{{ due | iso }}", context, known) == "2026-11-27"
    assert render("{{ due | ngay }}", context, known) == "27/11/2026"
    alone = render("{{ due }}", context, known)
    assert isinstance(alone, dt.date)
    assert alone == dt.date(2026, 11, 27)


def test_other_kinds_are_stored_and_seen_as_drawn() -> None:
    params = params_of(MIXED)
    stored = draw(params)
    assert orjson.loads(orjson.dumps(stored)) == stored
    for name in ("unit", "count", "signer", "number"):
        assert params[name].context_value(stored[name]) == stored[name]
