"""How the one-stop service's setup operations run (declared in ``operations.py``), in one candidate's
tenant: the desk, citizens walking in, online dossiers, and dossiers further along, each step taken
by simulated colleagues through the same operations the candidate uses and logged as ``system``.
Only the sandbox loads this."""

from __future__ import annotations

from dataclasses import asdict, replace
from datetime import UTC, datetime, time, timedelta
from typing import Any

from fpdf import FPDF
from fpdf.enums import Align, XPos, YPos

from mock_services.core.acting import Acting, emit
from mock_services.core.events import EventContext
from mock_services.core.pdf_fonts import FAMILY, add_fonts, close_fonts
from mock_services.core.setup_ops import SetupContext, SetupError, implements
from mock_services.core.workdays import add_working_days, due_date
from mock_services.onestop import desk as desks
from mock_services.onestop import intake, processing, store
from mock_services.onestop.desk import Colleague, Desk
from mock_services.onestop.domain import Applicant, Channel, OnestopError, Status
from mock_services.onestop.events import DossierSubmitted, VisitArrived
from mock_services.onestop.operations import (
    AttachmentArgs,
    ColleagueArgs,
    DeskArgs,
    DossierArgs,
    OnlineArgs,
    WalkInArgs,
)

_CREATED = datetime(2020, 1, 1, tzinfo=UTC)


def _acting(ctx: SetupContext) -> Acting:
    return Acting(
        now=ctx.now,
        blobs=ctx.blobs,
        tz=ctx.tz,
        mail_domains=ctx.mail_domains,
        context=EventContext(task_id=ctx.task_id),
    ).as_system()


def _desk(ctx: SetupContext) -> Desk:
    return desks.desk_of(ctx.conn, ctx.candidate, _acting(ctx), ctx.onestop_unit_id)


def _local(ctx: SetupContext, moment: datetime | None) -> datetime:
    if moment is None:
        return ctx.now
    return (moment.replace(tzinfo=ctx.tz) if moment.tzinfo is None else moment).astimezone(UTC)


def _run(name: str, step: Any) -> Any:
    try:
        return step()
    except OnestopError as exc:
        raise SetupError(f"{name}: {exc}") from None


def _merged(people: tuple[Colleague, ...], changes: list[ColleagueArgs]) -> tuple[Colleague, ...]:
    by_key = {c.key: c for c in people}
    for change in changes:
        by_key[change.key] = Colleague(change.key, change.name, change.title, tuple(change.fields))
    return tuple(by_key.values())


@implements("onestop.desk")
def prepare_desk(ctx: SetupContext, args: DeskArgs) -> int:
    found = store.get_desk(ctx.conn, ctx.candidate.id)
    desk = Desk.from_state(found) if found else desks.default_desk(ctx.candidate, ctx.onestop_unit_id)
    named = {key: value for key in ("unit_id", "unit", "parent", "place") if (value := getattr(args, key))}
    desk = replace(
        desk,
        **named,
        handlers=_merged(desk.handlers, args.handlers),
        leaders=_merged(desk.leaders, args.leaders),
    )
    desks.prepare(ctx.conn, ctx.candidate, desk, _acting(ctx))
    return ctx.candidate.id


@implements("onestop.walk_in")
def walk_in(ctx: SetupContext, args: WalkInArgs) -> int:
    _desk(ctx)
    visit = store.add_visit(
        ctx.conn,
        candidate_id=ctx.candidate.id,
        ticket=store.next_ticket(ctx.conn, ctx.candidate.id),
        arrived_at=_local(ctx, args.arrives),
        applicant=args.applicant.model_dump(),
        request=args.request,
        papers=[paper.model_dump() for paper in args.papers],
    )
    emit(ctx.conn, ctx.candidate, _acting(ctx), VisitArrived(after=visit.state()), str(visit.id))
    return visit.id


def render_scan(title: str, text: str) -> bytes:
    """A citizen's scanned paper, as plain as a scan: its title and its text."""
    pdf = FPDF(unit="mm", format="A4")
    try:
        pdf.set_creation_date(_CREATED)
        pdf.set_margins(25, 20, 20)
        add_fonts(pdf, ("", "B"))
        pdf.add_page()
        pdf.set_font(FAMILY, "B", 14)
        pdf.multi_cell(0, 8, title.upper(), align=Align.C, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(4)
        pdf.set_font(FAMILY, "", 12)
        pdf.multi_cell(0, 6.5, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        return bytes(pdf.output())
    finally:
        close_fonts(pdf)


def _attachment(ctx: SetupContext, item: AttachmentArgs) -> dict[str, Any]:
    data = ctx.fixture(item.file) if item.file else render_scan(item.title or item.name, item.text)
    ref = ctx.blobs.put(ctx.conn, data, now=ctx.now)
    return intake.file_entry(intake.ATTACHMENT_KIND, item.name, ref.sha256, ref.size)


@implements("onestop.online")
def online(ctx: SetupContext, args: OnlineArgs) -> int:
    desk = _desk(ctx)
    found = intake.procedure_of(args.procedure)
    submitted = _local(ctx, args.submitted)
    local = submitted.astimezone(ctx.tz)
    code = intake.next_code(ctx.conn, ctx.candidate.id, desk, local)
    by_name = {c.name: c for c in found.components}
    applicant = Applicant(**args.applicant.model_dump())
    dossier = store.add_dossier(
        ctx.conn,
        candidate_id=ctx.candidate.id,
        code=code,
        procedure_code=found.code,
        procedure_name=found.name,
        channel=Channel.truc_tuyen,
        status=Status.moi_dang_ky,
        applicant=asdict(applicant),
        components=[{**by_name[name].model_dump(), "quantity": qty} for name, qty in args.papers.items()],
        sets=1,
        received_at=submitted,
        due_date=due_date(local, found.deadline.working_days),
        received_by="",
        handler="",
        files=[_attachment(ctx, item) for item in args.attachments],
        note="",
        submitted_at=submitted,
        form=dict(args.form),
    )
    event = DossierSubmitted(by=applicant.name, after=dossier.state())
    emit(ctx.conn, ctx.candidate, _acting(ctx), event, str(dossier.id))
    return dossier.id


def _days_ago(ctx: SetupContext, working_days: int) -> datetime:
    """09:00 on the working day ``working_days`` before today (room time)."""
    day = add_working_days(ctx.now.astimezone(ctx.tz).date(), -working_days)
    return datetime.combine(day, time(9, 0), tzinfo=ctx.tz).astimezone(UTC)


@implements("onestop.dossier")
def dossier_along(ctx: SetupContext, args: DossierArgs) -> int:
    desk = _desk(ctx)
    acting = _acting(ctx)
    papers = intake.Intake(
        args.procedure,
        Applicant(**args.applicant.model_dump()),
        dict(args.papers),
        received_at=_local(ctx, args.received) if args.received else _days_ago(ctx, 2),
        due=args.due,
    )
    name = "onestop.dossier"
    dossier = _run(name, lambda: intake.receive(ctx.conn, ctx.candidate, papers, desk, acting))
    if args.step == "da_tiep_nhan":
        return int(dossier.id)
    if desk.colleague(args.handler) is None:
        raise SetupError(f"{name}: no handling official {args.handler!r} at the desk")
    takes = timedelta(seconds=ctx.onestop_processing_seconds)
    dossier = _run(
        name, lambda: processing.transfer(ctx.conn, ctx.candidate, dossier, args.handler, "", desk, acting, takes)
    )
    if args.delay:
        dossier = processing.report_delay(ctx.conn, ctx.candidate, dossier, args.delay, None, desk, acting)
    if args.step == "da_xu_ly_xong":
        if args.delay:
            raise SetupError(f"{name}: a dossier whose handler reports a delay has no result yet (step dang_xu_ly)")
        dossier = processing.bring_result(ctx.conn, ctx.candidate, dossier, desk, acting)
    return int(dossier.id)
