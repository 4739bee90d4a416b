"""The bank report (`python -m graderd bank`): what the bank holds, per service and difficulty, each
task's points, minutes and exemplars (and whether they grade as promised), and the blueprints with
how many different papers each can draw."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from decimal import Decimal

from graderd.exemplars import ExemplarRun
from graderd.spec.blueprint import Blueprint
from graderd.spec.model import DIFFICULTIES, EXEMPLAR_KINDS, TaskSpec
from mock_services.core.services import SERVICE_TITLES


def bank_report(tasks: Sequence[TaskSpec], blueprints: Sequence[Blueprint], runs: Sequence[ExemplarRun]) -> str:
    lines = [*_by_service(tasks), "", *_tasks(tasks, runs), "", *_blueprints(blueprints, tasks)]
    failed = [run for run in runs if not run.ok]
    lines += ["", f"{len(runs)} exemplars: {len(runs) - len(failed)} ok, {len(failed)} failed"]
    lines += [str(run) for run in failed]
    return "\n".join(lines)


def _by_service(tasks: Sequence[TaskSpec]) -> list[str]:
    levels = list(DIFFICULTIES)
    header = f"{'service':<10} {'tasks':>5} " + " ".join(f"{level:>10}" for level in levels)
    header += f" {'points':>7} {'minutes':>7}"
    lines = [header]
    per: dict[str, list[TaskSpec]] = defaultdict(list)
    for task in tasks:
        per[task.service].append(task)
    for service in [*SERVICE_TITLES, ""]:
        group = list(tasks) if service == "" else per.get(service, [])
        if not group and service:
            continue
        count = Counter(task.difficulty for task in group)
        points = sum((task.points for task in group), Decimal(0))
        minutes = sum(task.minutes for task in group)
        name = service or "all"
        row = f"{name:<10} {len(group):>5} " + " ".join(f"{count[level]:>10}" for level in levels)
        lines.append(row + f" {points:>7} {minutes:>7}")
    return lines


def _tasks(tasks: Sequence[TaskSpec], runs: Sequence[ExemplarRun]) -> list[str]:
    width = max((len(task.id) for task in tasks), default=10)
    kinds = "/".join(EXEMPLAR_KINDS)
    lines = [f"{'task':<{width}} {'difficulty':<10} {'points':>6} {'min':>3}  exemplars ({kinds})  status"]
    for task in sorted(tasks, key=lambda t: (list(SERVICE_TITLES).index(t.service), t.id)):
        count = Counter(exemplar.kind for exemplar in task.exemplars)
        shown = "/".join(str(count[kind]) for kind in EXEMPLAR_KINDS)
        mine = [run for run in runs if run.task.id == task.id]
        bad = sum(not run.ok for run in mine)
        status = "not run" if not mine else ("ok" if not bad else f"{bad} FAILED")
        lines.append(
            f"{task.id:<{width}} {task.difficulty:<10} {task.points:>6} {task.minutes:>3}  {shown:<{len(kinds) + 12}}  "
            f"{status}"
        )
    return lines


def _blueprints(blueprints: Sequence[Blueprint], tasks: Sequence[TaskSpec]) -> list[str]:
    if not blueprints:
        return ["No blueprints in blueprints/."]
    lines = []
    for blueprint in blueprints:
        lines.append(
            f"Blueprint {blueprint.id}: {blueprint.tasks_per_paper} tasks, {blueprint.points} points, "
            f"{blueprint.minutes} minutes (longest paper {blueprint.longest_paper}); "
            f"{blueprint.papers} different papers: {blueprint.title}"
        )
        for pool in blueprint.pools:
            mix = ", ".join(f"{count} {level}" for level, count in pool.difficulty.items())
            worth = "" if pool.points is None else f", {pool.points} points"
            lines.append(
                f"  {pool.id:<14} draw {pool.draw} of {len(pool.task_ids):<2} ({mix}{worth}); "
                f"{len(pool.combinations)} combination{'' if len(pool.combinations) == 1 else 's'}"
            )
        never = sorted(task.id for task in tasks if task.id not in blueprint.drawable)
        if never:
            lines.append(f"  never drawn ({len(never)}): {', '.join(never)}")
    drawn_by_none = sorted(task.id for task in tasks if not any(task.id in b.drawable for b in blueprints))
    if drawn_by_none:
        lines.append(f"No blueprint draws ({len(drawn_by_none)}): {', '.join(drawn_by_none)}")
    else:
        lines.append("Every task is drawn by some blueprint.")
    return lines
