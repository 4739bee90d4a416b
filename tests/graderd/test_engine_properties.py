"""Properties of the grading engine over generated attempts: the same input gives the same result
byte for byte; events the rubric does not look at, and the order events are handed over in,
change nothing; and where a rubric does not order events, neither does the log's order."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graderd.engine import BlobSource, grade
from graderd.exemplars import FolderBlobs
from graderd.results import TaskResult
from graderd.spec.load import load_task
from graderd.spec.model import EXAMPLE_CANDIDATE, TaskSpec
from graderd.spec.problems import Problems
from graderd.trace import Event, read_trace
from tests.graderd.builders import OFFICE, event, flagged, opened, received, searched, sent, spec_of

REPO = Path(__file__).resolve().parents[2]
SEND_REPORT = REPO / "tasks" / "mail" / "send-report.yaml"
NO_BLOBS: dict[str, bytes] = {}
RUNS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# A rubric with every kind of check, order-dependent ones included.
ORDERED = """
- id: request
  points: 1
  event: mail.message_received
  actor: system
  where:
    data.after.subject: {startswith: Đề nghị}
- id: reply
  points: 2
  event: mail.message_sent
  after: {item: request, within: 30m}
  where:
    data.after.in_reply_to: {equals: {field: request.data.after.message_id}}
- id: flow
  points: 1
  sequence:
    - {event: mail.message_opened}
    - {event: mail.flags_changed, within: 10m}
    - {event: mail.message_sent, within: 20m}
- id: flagged
  points: 1
  state: mail.message
  where: {folder: inbox}
  expect: {flagged: true}
- id: twice
  points: 1
  event: mail.message_sent
  count: {gte: 2}
- id: outside
  penalty: 1
  event: mail.message_sent
  where:
    data.after.to: {any: {endswith: '@gmail.com'}}
- id: group
  points: 1
  all_of:
    - id: g_to
      event: mail.message_sent
      where: {data.after.to: {contains: bantochuc@egov.test}}
    - id: g_subject
      event: mail.message_sent
      where: {data.after.subject: {contains: Báo cáo}}
"""

# A rubric that puts no order on events: no sequence, after, before, count or state.
UNORDERED = """
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
- id: cc
  points: 1
  event: mail.message_sent
  where:
    data.after.to: {equals: [bantochuc@egov.test]}
    data.after.cc: {len: 1}
- id: no_outside
  points: 1
  event: mail.message_sent
  where:
    data.after.to: {any: {endswith: '@gmail.com'}}
  absent: true
- id: outside_cc
  penalty: 1
  event: mail.message_sent
  where:
    data.after.cc: {any: {endswith: '@gmail.com'}}
- id: group
  points: 1
  all_of:
    - id: g_to
      event: mail.message_sent
      where: {data.after.to: {contains: bantochuc@egov.test}}
    - id: g_subject
      event: mail.message_sent
      where: {data.after.subject: {contains: Báo cáo}}
"""


@dataclass(frozen=True)
class Base:
    """A task with one attempt at it: what ``grade`` is given."""

    name: str
    spec: TaskSpec
    params: dict[str, Any]
    candidate: dict[str, str]
    blobs: BlobSource
    events: tuple[Event, ...]

    def grade(self, events: Sequence[Event]) -> TaskResult:
        return grade(self.spec, self.params, events, self.blobs, candidate=self.candidate)


def with_seq(original: Event, seq: int) -> Event:
    return Event.make(
        seq=seq,
        at=original.at,
        actor=original.actor,
        verb=original.verb,
        object_kind=original.object_kind,
        object_id=original.object_id,
        data=original.data,
        context=original.root["context"],
    )


def spread(events: Sequence[Event]) -> tuple[Event, ...]:
    """The events renumbered 10, 20, 30 … (order kept), leaving fresh seqs between them."""
    return tuple(with_seq(each, 10 * (index + 1)) for index, each in enumerate(sorted(events, key=lambda e: e.seq)))


def exemplar_bases() -> list[Base]:
    task = load_task(SEND_REPORT, shown_from=REPO)
    bases = []
    for exemplar in task.exemplars:
        problems = Problems()
        events = read_trace(exemplar.trace, problems)
        assert not problems, problems.found
        bases.append(
            Base(
                f"send-report/{exemplar.trace.name}",
                task,
                task.example_params(exemplar.params),
                dict(exemplar.candidate),
                FolderBlobs(task.folder),
                spread(events),
            )
        )
    return bases


@pytest.fixture(scope="module")
def send_report() -> list[Base]:
    return exemplar_bases()


@pytest.fixture(scope="module")
def ordered_spec(tmp_path_factory: pytest.TempPathFactory) -> TaskSpec:
    return spec_of(tmp_path_factory.mktemp("ordered"), ORDERED, points="7")


@pytest.fixture(scope="module")
def unordered_spec(tmp_path_factory: pytest.TempPathFactory) -> TaskSpec:
    return spec_of(tmp_path_factory.mktemp("unordered"), UNORDERED, points="6")


def synthetic(spec: TaskSpec, events: Sequence[Event]) -> Base:
    return Base("synthetic", spec, {}, dict(EXAMPLE_CANDIDATE), NO_BLOBS, spread(events))


# --- Generated attempts


SUBJECTS = ["Đề nghị báo cáo số liệu", "Đề nghị họp giao ban", "Thông báo lịch trực", "Báo cáo tháng 11", "bao cao"]
RECIPIENTS = [[OFFICE], [OFFICE, "a@gmail.com"], ["x@egov.test"], []]
CCS = [[], ["lanhdao@egov.test"], ["b@gmail.com"]]


@st.composite
def attempts(draw: st.DrawFn) -> list[Event]:
    """A candidate's session: messages arrive, are opened, flagged and answered, minutes apart."""
    events: list[Event] = []
    minute = 0.0
    inbox: list[str] = []

    def seq() -> int:
        return len(events) + 1

    def arrive() -> str:
        oid = f"r{seq()}"
        subject = draw(st.sampled_from(SUBJECTS))
        events.append(received(seq(), oid, minute=minute, subject=subject, message_id=f"<{oid}@egov.test>"))
        inbox.append(oid)
        return oid

    def answer() -> None:
        events.append(
            sent(
                seq(),
                minute=minute,
                to=draw(st.sampled_from(RECIPIENTS)),
                cc=draw(st.sampled_from(CCS)),
                subject=draw(st.sampled_from(SUBJECTS)),
                in_reply_to=draw(st.sampled_from(["", *[f"<{oid}@egov.test>" for oid in inbox]])),
            )
        )

    for _ in range(draw(st.integers(0, 8))):
        minute += draw(st.sampled_from([0.5, 1, 2, 5, 12, 40]))
        kind = draw(st.sampled_from(["received", "opened", "flagged", "sent", "sent", "handled"]))
        if kind == "received":
            arrive()
        elif kind in ("opened", "flagged"):
            oid = draw(st.sampled_from(inbox)) if inbox else arrive()
            if kind == "opened":
                events.append(opened(seq(), oid, minute=minute))
            else:
                events.append(flagged(seq(), oid, draw(st.booleans()), minute=minute))
        elif kind == "sent":
            answer()
        else:  # read, flag and answer a message, a few minutes apart
            oid = draw(st.sampled_from(inbox)) if inbox else arrive()
            events.append(opened(seq(), oid, minute=minute))
            minute += draw(st.sampled_from([1, 5, 15]))
            events.append(flagged(seq(), oid, True, minute=minute))
            minute += draw(st.sampled_from([1, 5, 25]))
            answer()
    return events


def unrelated(seq: int, kind: str, minute: float) -> Event:
    """An event of a verb (or an actor) the rubrics here never look at."""
    if kind == "searched":
        return searched(seq, minute=minute)
    if kind == "link":
        data = {"url": "http://phishing.example", "text": "Xem ngay", "link": 1}
        return event(seq, "mail.link_clicked", minute=minute, object_id="r1", data=data)
    if kind == "contact":
        data = {"after": {"id": "c1", "name": "Ban Tổ chức", "email": OFFICE, "title": "", "unit": ""}}
        return event(seq, "mail.contact_added", minute=minute, actor="system", object_kind="contact", data=data)
    if kind == "login":
        data = {"client": "10.0.0.21", "user_agent": "Firefox", "after": {"id": "s1", "kind": "candidate"}}
        return event(seq, "portal.login_succeeded", minute=minute, object_kind="session", object_id="s1", data=data)
    assert kind == "attachment"
    data = {"name": "BaoCao.pdf", "sha256": "0" * 64, "disposition": "view"}
    return event(seq, "mail.attachment_opened", minute=minute, object_id="r1", data=data)


NOISE_KINDS = ["searched", "link", "contact", "login", "attachment"]


@st.composite
def noise(draw: st.DrawFn, taken: frozenset[int], *, system_mail: bool = False) -> list[Event]:
    """Events at seqs not ``taken``; with ``system_mail``, also mail the system sent or delivered."""
    seqs = draw(st.lists(st.integers(1, 200).filter(lambda seq: seq not in taken), unique=True, max_size=8))
    kinds = NOISE_KINDS + (["system_sent", "received"] if system_mail else [])
    events = []
    for seq in seqs:
        kind = draw(st.sampled_from(kinds))
        minute = draw(st.floats(0, 240, allow_nan=False))
        if kind == "system_sent":
            events.append(sent(seq, minute=minute, actor="system", subject="Báo cáo", cc=["x@egov.test"]))
        elif kind == "received":
            events.append(received(seq, f"n{seq}", minute=minute, subject="Thư khác"))
        else:
            events.append(unrelated(seq, kind, minute))
    return events


def scores(result: TaskResult) -> tuple[Any, ...]:
    """What a change of input must not change: the total and every item's outcome and points."""
    items = [(i.id, i.outcome, i.points, tuple((p.id, p.outcome) for p in i.parts)) for i in result.items]
    return result.points, tuple(items)


def as_bytes(result: TaskResult) -> bytes:
    return orjson.dumps(result.as_json())


# --- The same input, the same result


def test_each_send_report_exemplar_grades_the_same_twice_byte_for_byte(send_report: list[Base]) -> None:
    for base in send_report:
        first = base.grade(base.events)
        again = base.grade(copy.deepcopy(list(base.events)))
        assert as_bytes(first) == as_bytes(again), base.name
    assert [base.grade(base.events).points for base in send_report] == [5, 3, 0, 0]


@RUNS
@given(events=attempts())
def test_a_generated_attempt_grades_the_same_twice_byte_for_byte(ordered_spec: TaskSpec, events: list[Event]) -> None:
    base = synthetic(ordered_spec, events)
    first = base.grade(base.events)
    assert as_bytes(first) == as_bytes(base.grade(copy.deepcopy(list(base.events))))
    assert 0 <= first.points <= first.max_points


# --- Unrelated events change nothing


@RUNS
@given(data=st.data())
def test_unrelated_events_never_change_the_send_report_scores(send_report: list[Base], data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(send_report))
    extra = data.draw(noise(frozenset(e.seq for e in base.events), system_mail=True))
    assert scores(base.grade([*base.events, *extra])) == scores(base.grade(base.events))


@RUNS
@given(data=st.data(), events=attempts())
def test_unrelated_events_never_change_the_scores_of_any_kind_of_check(
    ordered_spec: TaskSpec, data: st.DataObject, events: list[Event]
) -> None:
    base = synthetic(ordered_spec, events)
    extra = data.draw(noise(frozenset(e.seq for e in base.events)))
    assert scores(base.grade([*base.events, *extra])) == scores(base.grade(base.events))


# --- The order events are handed over in changes nothing


@RUNS
@given(data=st.data())
def test_the_order_events_are_passed_in_changes_nothing_for_send_report(
    send_report: list[Base], data: st.DataObject
) -> None:
    base = data.draw(st.sampled_from(send_report))
    shuffled = data.draw(st.permutations(base.events))
    assert as_bytes(base.grade(shuffled)) == as_bytes(base.grade(base.events))


@RUNS
@given(data=st.data(), events=attempts())
def test_the_order_events_are_passed_in_changes_nothing(
    ordered_spec: TaskSpec, data: st.DataObject, events: list[Event]
) -> None:
    base = synthetic(ordered_spec, events)
    shuffled = data.draw(st.permutations(base.events))
    assert as_bytes(base.grade(shuffled)) == as_bytes(base.grade(base.events))


# --- Where the rubric orders nothing, the log's order changes no points


def permute_seqs(events: Sequence[Event], order: Sequence[int]) -> list[Event]:
    seqs = [each.seq for each in events]
    return [with_seq(each, seqs[index]) for each, index in zip(events, order, strict=True)]


@RUNS
@given(data=st.data())
def test_reordering_the_log_changes_no_send_report_points(send_report: list[Base], data: st.DataObject) -> None:
    base = data.draw(st.sampled_from(send_report))
    order = data.draw(st.permutations(range(len(base.events))))
    assert scores(base.grade(permute_seqs(base.events, order))) == scores(base.grade(base.events))


@RUNS
@given(data=st.data(), events=attempts())
def test_reordering_the_log_changes_no_points_of_an_unordered_rubric(
    unordered_spec: TaskSpec, data: st.DataObject, events: list[Event]
) -> None:
    base = synthetic(unordered_spec, events)
    order = data.draw(st.permutations(range(len(base.events))))
    assert scores(base.grade(permute_seqs(base.events, order))) == scores(base.grade(base.events))


def test_reordering_the_log_does_change_an_ordered_rubric(ordered_spec: TaskSpec) -> None:
    """The property above is not vacuous: with a sequence, the same events in another order score less."""
    events = [opened(1, "r1", minute=0), flagged(2, "r1", True, minute=1), sent(3, minute=2)]
    base = synthetic(ordered_spec, events)
    reversed_log = permute_seqs(base.events, [2, 1, 0])
    flow = {item.id: item.outcome.value for item in base.grade(base.events).items}["flow"]
    flow_reversed = {item.id: item.outcome.value for item in base.grade(reversed_log).items}["flow"]
    assert (flow, flow_reversed) == ("passed", "failed")
