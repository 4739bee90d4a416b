"""The grading engine: ``grade(spec, params, events, blobs) → TaskResult``.

A pure function: no clock, no database, no randomness. It rebuilds the final state of every
object from the events' ``after`` (the last one per object, DESIGN.md §2), evaluates the
rubric in order (so that an item can compare with what an earlier one matched), and returns
per item its outcome, points, the seqs of the events that justify it and, for a miss, the
nearest attempt and what did not match, in Vietnamese.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from graderd.files import FileReadError, text_of
from graderd.results import ItemResult, Outcome, TaskResult, tidy
from graderd.signatures import CERTIFICATE_STATES, log_trust
from graderd.spec.model import TaskSpec
from graderd.spec.modifiers import Ungradable, Where, show
from graderd.spec.rubric import EventCheck, EventMatch, Item, SequenceCheck, StateCheck, TimeRef
from graderd.spec.templates import Template
from graderd.trace import Event
from mock_services.signing.verify import Trust, verify_pdf

ROOM_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
MAX_COMBINATIONS = 256  # bindings tried per item; beyond this the item reports the first ones
MAX_EVIDENCE = 20


class BlobSource(Protocol):
    def get(self, sha256: str, /) -> bytes | None: ...


@dataclass(frozen=True, slots=True)
class Bound:
    """What an item matched, for later items: an event's or an object's fields, with its place in time."""

    root: Any
    seq: int
    at: Any


@dataclass(slots=True)
class Finding:
    """One evaluation of a check: does it hold, on what evidence, and how to say it."""

    holds: bool
    evidence: list[int]
    explanation: str
    matches: list[Bound] = field(default_factory=list)
    closeness: int = 0  # how many conditions the nearest attempt met, to pick the best miss
    step_binds: dict[str, list[Bound]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EventIndex:
    """A candidate's events by verb, and the final state of every object: built once per
    candidate, shared by the grading of every task on their paper."""

    by_verb: Mapping[str, list[Event]]
    states: Mapping[str, Mapping[str, Bound]]

    @classmethod
    def of(cls, events: Iterable[Event]) -> EventIndex:
        by_verb: dict[str, list[Event]] = {}
        states: dict[str, dict[str, Bound]] = {}
        for event in sorted(events, key=lambda event: event.seq):
            by_verb.setdefault(event.verb, []).append(event)
            key = event.state_key
            if key is not None:
                states.setdefault(key[0], {})[key[1]] = Bound(event.data["after"], event.seq, event.at)
        return cls(by_verb, states)


def grade(
    spec: TaskSpec,
    params: Mapping[str, Any],
    events: Iterable[Event] | EventIndex,
    blobs: BlobSource,
    *,
    candidate: Mapping[str, Any] | None = None,
    tz: ZoneInfo = ROOM_TZ,
) -> TaskResult:
    """Grade one candidate's attempt at one task from their events (any order; seq orders them)."""
    missing = sorted(name for name in spec.params if name not in params)
    if missing:
        return not_gradable(spec, f"thiếu giá trị tham số {', '.join(missing)} của thí sinh")
    index = events if isinstance(events, EventIndex) else EventIndex.of(events)
    run = _Run(spec, params, index, blobs, candidate or {}, tz)
    items = tuple(run.item(item) for item in spec.rubric)
    total = tidy(sum((item.points for item in items), Decimal(0)))
    reasons = [f"{item.id}: {item.explanation}" for item in items if item.outcome is Outcome.not_gradable]
    return TaskResult(spec.id, min(max(total, Decimal(0)), spec.points), spec.points, items, "; ".join(reasons))


def not_gradable(spec: TaskSpec, reason: str) -> TaskResult:
    """Every item NOT_GRADABLE for one reason (a broken log, missing params): never a silent zero."""
    items = tuple(
        ItemResult(
            item.id,
            item.title,
            Outcome.not_gradable,
            Decimal(0),
            Decimal(0) if item.penalty else item.points,
            item.penalty,
            (),
            reason,
        )
        for item in spec.rubric
    )
    return TaskResult(spec.id, Decimal(0), spec.points, items, reason)


class _Run:
    """One grading: the candidate's events indexed, final states rebuilt, bindings as items match."""

    def __init__(
        self,
        spec: TaskSpec,
        params: Mapping[str, Any],
        index: EventIndex,
        blobs: BlobSource,
        candidate: Mapping[str, Any],
        tz: ZoneInfo,
    ) -> None:
        self.tz = tz
        self.context = spec.context(params, candidate)
        self.blobs = blobs
        self.by_verb = index.by_verb
        self.states = index.states
        self.bindings: dict[str, list[Bound]] = {}
        self.current: dict[str, Bound] = {}
        self._rendered: dict[int, Any] = {}
        self.memo: dict[tuple[int, int], bool] = {}
        self._pools: dict[tuple[str, str], list[Event]] = {}
        self.ungradable: set[str] = set()  # bindings of items that could not be graded
        self._texts: dict[str, str] = {}
        self._reports: dict[str, dict[str, Any]] = {}
        self._trust: Trust | None = None

    # -- Scope: what checks consult

    def render(self, template: Template) -> Any:
        key = id(template)
        if key not in self._rendered:
            self._rendered[key] = template.render(self.context)
        return self._rendered[key]

    def bound(self, name: str) -> Any:
        return self.current[name].root

    def file_bytes(self, sha256: str) -> bytes:
        data = self.blobs.get(sha256)
        if data is None:
            raise Ungradable(f"không có tệp {sha256[:12]}… trong kho tệp")
        return data

    def file_text(self, sha256: str, name: str | None = None, content_type: str | None = None) -> str:
        if sha256 not in self._texts:
            try:
                self._texts[sha256] = text_of(self.file_bytes(sha256), name=name, content_type=content_type)
            except FileReadError as exc:
                raise Ungradable(f"không đọc được nội dung tệp {sha256[:12]}…: {exc}") from None
        return self._texts[sha256]

    def signatures(self, sha256: str) -> dict[str, Any]:
        if sha256 not in self._reports:
            if self._trust is None:
                certificates = (bound.root for bound in self.states.get(CERTIFICATE_STATES, {}).values())
                self._trust = log_trust(certificates, self.by_verb, self.file_bytes)
            self._reports[sha256] = verify_pdf(self.file_bytes(sha256), self._trust).as_dict()
        return self._reports[sha256]

    # -- items

    def item(self, item: Item) -> ItemResult:
        try:
            finding, parts = self._evaluate(item)
        except Ungradable as exc:
            self.ungradable.update(item.binds or (item.id,))
            return ItemResult(
                item.id, item.title, Outcome.not_gradable, Decimal(0), _max(item), item.penalty, (), str(exc)
            )
        self.bindings[item.id] = finding.matches
        self.bindings.update(finding.step_binds)
        evidence = tuple(sorted(set(finding.evidence)))[:MAX_EVIDENCE]
        if item.penalty:
            # A penalty's check describes the fault: when it holds, the points are lost.
            outcome = Outcome.failed if finding.holds else Outcome.passed
            points = -item.points if finding.holds else Decimal(0)
            explanation = finding.explanation if finding.holds else f"Không mắc lỗi này. {finding.explanation}"
        else:
            outcome = Outcome.passed if finding.holds else Outcome.failed
            points = item.points if finding.holds else Decimal(0)
            explanation = finding.explanation
        return ItemResult(item.id, item.title, outcome, points, _max(item), item.penalty, evidence, explanation, parts)

    def _evaluate(self, item: Item) -> tuple[Finding, tuple[ItemResult, ...]]:
        if item.parts:
            parts = tuple(self.item(part) for part in item.parts)
            for part in parts:
                if part.outcome is Outcome.not_gradable:
                    raise Ungradable(f"{part.id}: {part.explanation}")
            failed = [part for part in parts if part.outcome is not Outcome.passed]
            evidence = [seq for part in parts for seq in part.evidence]
            if failed:
                said = "; ".join(f"{part.id}: {part.explanation}" for part in failed)
                return Finding(
                    False, evidence, f"Chưa đạt đủ các phần ({len(parts) - len(failed)}/{len(parts)}). {said}"
                ), parts
            return Finding(True, evidence, f"Đạt cả {len(parts)} phần."), parts
        return self._with_bindings(item), ()

    def _with_bindings(self, item: Item) -> Finding:
        """Evaluate under every combination of the earlier matches the item compares with; the
        first that holds wins, else the nearest miss is reported."""
        names = sorted(item.references)
        for name in names:
            if name in self.ungradable:
                raise Ungradable(f"mục “{name}” mà mục này đối chiếu không chấm được")
            if not self.bindings.get(name):
                return Finding(False, [], f"Chưa có kết quả của mục “{name}” để đối chiếu (mục đó chưa đạt).")
        best: Finding | None = None
        combinations = itertools.product(*(self.bindings[name] for name in names))
        for combination in itertools.islice(combinations, MAX_COMBINATIONS):
            self.current = dict(zip(names, combination, strict=True))
            finding = self._check(item)
            if finding.holds:
                finding.evidence += [bound.seq for bound in combination]
                return finding
            if best is None or finding.closeness > best.closeness:
                best = finding
        assert best is not None
        return best

    def _check(self, item: Item) -> Finding:
        check = item.check
        if isinstance(check, EventCheck):
            return self._event_check(check)
        if isinstance(check, SequenceCheck):
            return self._sequence(check)
        assert isinstance(check, StateCheck)
        return self._state_check(check)

    # -- event checks

    def _pool(self, match: EventMatch) -> list[Event]:
        pool = self.by_verb.get(match.verb, [])
        if match.actor is None:
            return pool
        key = (match.verb, match.actor)
        if key not in self._pools:
            self._pools[key] = [event for event in pool if event.actor == match.actor]
        return self._pools[key]

    def _matches(self, event: Event, where: Where) -> bool:
        return where.matches(event.root, self)

    def _in_time(self, event: Event, after: TimeRef | None, before: TimeRef | None) -> str | None:
        """None when the event is where the check wants it in time, else why not."""
        if after is not None:
            anchor = self.current[after.item]
            if event.seq <= anchor.seq:
                return f"xảy ra trước “{after.item}” (seq {anchor.seq})"
            if after.within is not None and event.at - anchor.at > after.within:
                return f"quá {_duration(after.within)} sau “{after.item}”"
        if before is not None:
            anchor = self.current[before.item]
            if event.seq >= anchor.seq:
                return f"xảy ra sau “{before.item}” (seq {anchor.seq})"
            if before.within is not None and anchor.at - event.at > before.within:
                return f"sớm hơn “{before.item}” quá {_duration(before.within)}"
        return None

    def _event_check(self, check: EventCheck) -> Finding:
        match = check.match
        pool = self._pool(match)
        hits = [
            event
            for event in pool
            if self._matches(event, match.where) and self._in_time(event, check.after, check.before) is None
        ]
        bounds = [Bound(event.root, event.seq, event.at) for event in hits]
        seqs = [event.seq for event in hits]
        if check.count is not None:
            verdict = check.count.test(len(hits), self, None)
            return Finding(verdict.ok, seqs, f"{match.verb} khớp {len(hits)} lần: {verdict.why}.", bounds)
        if check.absent:
            if hits:
                listed = ", ".join(str(seq) for seq in seqs[:5])
                return Finding(False, seqs, f"Có {match.verb} khớp điều kiện (seq {listed}), không được có.", bounds)
            return Finding(True, [], f"Không có {match.verb} nào khớp điều kiện.", bounds)
        if hits:
            first = hits[0]
            return Finding(True, [first.seq], f"{self._label(first)}: {self._said(first, match.where)}.", bounds)
        return self._nearest_event(pool, match, check)

    def _nearest_event(self, pool: list[Event], match: EventMatch, check: EventCheck | None) -> Finding:
        if not pool:
            who = "" if match.actor is None else f" của {_ACTOR_NAMES.get(match.actor, match.actor)}"
            return Finding(False, [], f"Không có sự kiện {match.verb} nào{who}.")
        conditions = match.where.conditions
        best_event, best_score = pool[-1], -1
        for event in reversed(pool):  # the latest attempt wins a tie: it is what the candidate left
            score = sum(condition.holds(event.root, self) for condition in conditions)
            if score > best_score:
                best_event, best_score = event, score
        best_verdicts = [condition.test(best_event.root, self) for condition in conditions]
        misses = [
            f"{condition.shown}: {verdict.why}"
            for condition, verdict in zip(match.where.conditions, best_verdicts, strict=True)
            if not verdict.ok
        ]
        if not misses and check is not None:
            misses.append(self._in_time(best_event, check.after, check.before) or "")
        if not any(misses):
            misses = ["không theo đúng thứ tự hoặc thời hạn"]
        hits = [
            condition.shown
            for condition, verdict in zip(match.where.conditions, best_verdicts, strict=True)
            if verdict.ok
        ]
        found = f"; đúng: {', '.join(hits)}" if hits else ""
        return Finding(
            False,
            [best_event.seq],
            f"Gần nhất: {self._label(best_event)}{found}; chưa đúng: {'; '.join(misses)}.",
            closeness=best_score,
        )

    def _label(self, event: Event) -> str:
        return f"{event.verb} (seq {event.seq}, {show(event.at.astimezone(self.tz))})"

    def _said(self, event: Event, where: Where) -> str:
        if not where.conditions:
            return "có"
        return "; ".join(f"{c.shown}: {c.test(event.root, self).why}" for c in where.conditions)

    # -- sequences

    def _sequence(self, check: SequenceCheck) -> Finding:
        steps = check.steps
        pools = [[e for e in self._pool(step.match) if self._matches(e, step.match.where)] for step in steps]
        deepest: list[Event] = []

        def extend(path: list[Event]) -> list[Event] | None:
            nonlocal deepest
            if len(path) > len(deepest):
                deepest = list(path)
            if len(path) == len(steps):
                return path
            step, previous = steps[len(path)], path[-1] if path else None
            for event in pools[len(path)]:
                if previous is not None and event.seq <= previous.seq:
                    continue
                if previous is not None and step.within is not None and event.at - previous.at > step.within:
                    break  # later events are later still
                found = extend([*path, event])
                if found is not None:
                    return found
            return None

        found = extend([])
        if found is not None:
            binds = {
                step.bind: [Bound(event.root, event.seq, event.at)]
                for step, event in zip(steps, found, strict=True)
                if step.bind
            }
            last = found[-1]
            said = " → ".join(self._label(event) for event in found)
            return Finding(
                True,
                [e.seq for e in found],
                f"Đủ các bước theo thứ tự: {said}.",
                [Bound(last.root, last.seq, last.at)],
                step_binds=binds,
            )
        done = len(deepest)
        step = steps[done]
        reached = " → ".join(self._label(event) for event in deepest)
        prefix = f"Đã có {done}/{len(steps)} bước ({reached}). " if deepest else ""
        nearest = self._nearest_event(self._pool(step.match), step.match, None)
        window = f" trong vòng {_duration(step.within)} sau bước trước" if step.within and deepest else ""
        return Finding(
            False,
            [e.seq for e in deepest] + nearest.evidence,
            f"{prefix}Thiếu bước {done + 1} ({step.match.verb}{window}). {nearest.explanation}",
            closeness=done,
        )

    # -- state checks

    def _state_check(self, check: StateCheck) -> Finding:
        objects = list(self.states.get(check.kind, {}).items())
        selected = [(oid, bound) for oid, bound in objects if _holds(check.where, bound.root, self)]
        good = [(oid, bound) for oid, bound in selected if _holds(check.expect, bound.root, self)]
        bounds = [bound for _, bound in good]
        seqs = [bound.seq for bound in bounds]
        if check.count is not None:
            verdict = check.count.test(len(good), self, None)
            return Finding(verdict.ok, seqs, f"{len(good)} đối tượng {check.kind} đạt: {verdict.why}.", bounds)
        if check.absent:
            if good:
                listed = ", ".join(f"#{oid}" for oid, _ in good[:5])
                return Finding(False, seqs, f"Có {check.kind} {listed} khớp điều kiện, không được có.", bounds)
            return Finding(True, [], f"Không có {check.kind} nào khớp điều kiện.", bounds)
        if good:
            oid, bound = good[0]
            said = "; ".join(f"{c.shown}: {c.test(bound.root, self).why}" for c in check.expect.conditions) or "có"
            return Finding(
                True, [bound.seq], f"{check.kind} #{oid} (trạng thái cuối, seq {bound.seq}): {said}.", bounds
            )
        if not objects:
            return Finding(False, [], f"Không có đối tượng {check.kind} nào.")
        if not selected:
            return self._nearest_state(objects, check.where, check.kind, "không có đối tượng nào khớp where")
        return self._nearest_state(selected, check.expect, check.kind, "trạng thái cuối chưa đạt")

    def _nearest_state(self, objects: list[tuple[str, Bound]], where: Where, kind: str, lead: str) -> Finding:
        scored = []
        for oid, bound in reversed(objects):
            verdicts = where.verdicts(bound.root, self)
            scored.append((sum(v.ok for v in verdicts), oid, bound, verdicts))
        score, oid, bound, verdicts = max(scored, key=lambda entry: entry[0])
        misses = [
            f"{condition.shown}: {verdict.why}"
            for condition, verdict in zip(where.conditions, verdicts, strict=True)
            if not verdict.ok
        ]
        return Finding(
            False,
            [bound.seq],
            f"{kind}: {lead}. Gần nhất: #{oid} (seq {bound.seq}); chưa đúng: {'; '.join(misses)}.",
            closeness=score,
        )


_ACTOR_NAMES = {"candidate": "thí sinh", "system": "hệ thống", "proctor": "giám thị"}


def _holds(where: Where, root: Any, scope: _Run) -> bool:
    return where.matches(root, scope)


def _max(item: Item) -> Decimal:
    return Decimal(0) if item.penalty else item.points


def _duration(delta: Any) -> str:
    seconds = int(delta.total_seconds())
    if seconds % 3600 == 0:
        return f"{seconds // 3600} giờ"
    if seconds % 60 == 0:
        return f"{seconds // 60} phút"
    return f"{seconds} giây"
