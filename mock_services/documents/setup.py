"""How the document service's setup operations run (declared in ``operations.py``), in one
candidate's tenant. Later steps of a document's handling are taken by simulated colleagues through
the same operations the candidate uses, each logged as ``system``. Only the sandbox loads this."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from sqlalchemy.engine import Connection

from mock_services.core.accounts import Candidate
from mock_services.core.events import EventContext
from mock_services.core.setup_ops import SetupContext, SetupError, implements
from mock_services.documents import agency as agency_ops
from mock_services.documents import incoming, outgoing, signatures, store
from mock_services.documents.acting import Acting
from mock_services.documents.domain import DocumentError, Routing
from mock_services.documents.letters import incoming_letter
from mock_services.documents.operations import AgencyArgs, DraftArgs, IncomingArgs, PersonArgs, UnitArgs
from mock_services.documents.render import Letter, render_letter
from mock_services.documents.store import Outgoing
from mock_services.signing import certificates, received
from mock_services.signing.certificates import Refused
from mock_services.signing.domain import Method, SignatureKind
from mock_services.signing.pades import PdfSigningError

# The simulated văn thư who registers and presents what a setup puts further down the line.
CLERK = "vt2"


def _acting(ctx: SetupContext) -> Acting:
    return Acting(
        now=ctx.now,
        blobs=ctx.blobs,
        tz=ctx.tz,
        mail_domains=ctx.mail_domains,
        context=EventContext(task_id=ctx.task_id),
    ).as_system()


def _run(name: str, step: Any) -> Any:
    try:
        return step()
    except DocumentError as exc:
        raise SetupError(f"{name}: {exc}") from None


@implements("documents.agency")
def prepare_agency(ctx: SetupContext, args: AgencyArgs) -> int:
    acting = _acting(ctx)
    values = agency_ops.default_values(ctx.candidate)
    existing = store.get_agency(ctx.conn, ctx.candidate.id)
    if existing is not None:
        values.update(existing.state())
        values.pop("acting_role")
    if args.place:
        ward = agency_ops.default_values(replace(ctx.candidate, don_vi=f"UBND {args.level} {args.place}"))
        for key in ("name", "issuer", "place", "email"):
            values[key] = ward[key]
        values["agencies"] = [a for a in values["agencies"] if args.place not in a["name"]]
    _refuse_renaming_what_documents_name(ctx, existing, args)
    values["units"] = _merged(values["units"], [u.model_dump() for u in args.units])
    people = [{**p.model_dump(), "role": str(p.role), "candidate": False} for p in args.people]
    values["people"] = _merged(values["people"], people)
    values["agencies"] = _merged(values["agencies"], [a.model_dump() for a in args.agencies], key="name")
    if args.numbering:
        values["numbering"] = args.numbering
    if args.start_role:
        own = [p for p in values["people"] if p["candidate"] and p["role"] == args.start_role]
        values["acting_as"] = own[0]["key"]
    agency_ops.prepare(ctx.conn, ctx.candidate, values, acting)
    return ctx.candidate.id


def _refuse_renaming_what_documents_name(ctx: SetupContext, existing: store.Agency | None, args: AgencyArgs) -> None:
    """Documents keep the names of the units and people they name in their logged state, so the
    agency is shaped before documents arrive, never renamed under them."""
    documents = store.incoming_of(ctx.conn, ctx.candidate.id) or store.outgoing_of(ctx.conn, ctx.candidate.id)
    if existing is None or not documents:
        return
    changes: list[UnitArgs | PersonArgs] = [*args.units, *args.people]
    for changed in changes:
        before = existing.unit(changed.key) or existing.person(changed.key)
        if before is not None and before.name != changed.name:
            raise SetupError(
                f"documents.agency: {changed.key!r} is already named by documents; put documents.agency "
                "before the steps that add documents"
            )


def _merged(existing: list[dict[str, Any]], added: list[dict[str, Any]], key: str = "key") -> list[dict[str, Any]]:
    by_key = {item[key]: item for item in existing}
    for item in added:
        if item[key] in by_key and by_key[item[key]].get("candidate"):
            raise SetupError(f"documents.agency: {item[key]!r} is one of the candidate's own positions")
        by_key[item[key]] = {**by_key.get(item[key], {}), **item}
    return list(by_key.values())


@implements("documents.incoming")
def add_incoming(ctx: SetupContext, args: IncomingArgs) -> int:
    acting = _acting(ctx)
    if args.file:
        data = ctx.fixture(args.file)
        if not data.startswith(b"%PDF-"):
            raise SetupError(f"documents.incoming: {args.file!r} is not a PDF")
        name = args.file.rsplit("/", 1)[-1]
    else:
        lines = [line.strip() for line in args.signer_title.split("/") if line.strip()]
        letter = incoming_letter(
            organ_name=args.sender,
            parent=args.parent,
            number=args.number,
            issued=args.date,
            place=args.place,
            kind=args.type,
            subject=args.summary,
            kinh_gui=args.kinh_gui,
            body=args.body,
            signer=args.signer,
            signer_lines=lines,
            urgency=str(args.urgency),
            secrecy=str(args.secrecy),
        )
        data = render_letter(letter)
        name = f"{args.number.replace('/', '_')}.pdf"
    if args.signed is not None:
        state = received.Arrival(args.signed)
        data = _signed_by_sender(ctx, acting, args, data, None if args.file else letter, state)
    ref = ctx.blobs.put(ctx.conn, data, now=ctx.now)
    arrival = incoming.Arrival(
        number=args.number,
        issued_date=args.date,
        organ_name=args.sender,
        type=args.type,
        subject=args.summary,
        signer=args.signer,
        addressed_to=args.addressed_to,
        sender_email=args.sender_email,
        urgency=args.urgency,
        secrecy=args.secrecy,
        due_date=args.due,
        files=({"name": name, "sha256": ref.sha256, "size": ref.size},),
    )
    conn, candidate = ctx.conn, ctx.candidate
    doc = _run("documents.incoming", lambda: incoming.receive(conn, candidate, arrival, acting, channel=args.channel))
    order = ["cho_vao_so", "cho_trinh", "cho_but_phe", "dang_xu_ly"]
    reached = order.index(args.step)
    if reached >= 1:
        entry = incoming.Registration(
            number=doc.number,
            issued_date=doc.issued_date,
            organ_name=doc.organ_name,
            type=doc.type,
            subject=doc.subject,
            signer=doc.signer,
            urgency=args.urgency,
            secrecy=args.secrecy,
            due_date=args.due,
        )
        clerk = acting.as_colleague(CLERK)
        doc = _run("documents.incoming", lambda: incoming.register(conn, candidate, doc, entry, clerk))
    if reached >= 2:
        doc = _run("documents.incoming", lambda: incoming.present(conn, candidate, doc, args.presented_to, clerk))
    if reached >= 3:
        routing = Routing(
            lead=args.lead, cooperate=tuple(args.cooperate), for_info=(), due=args.due, direction=args.direction
        )
        leader = acting.as_colleague(args.presented_to)
        doc = _run("documents.incoming", lambda: incoming.route(conn, candidate, doc, routing, leader))
    return int(doc.id)


def _signed_by_sender(
    ctx: SetupContext, acting: Acting, args: IncomingArgs, data: bytes, letter: Letter | None, arrival: received.Arrival
) -> bytes:
    boxes = signatures.letter_signature_boxes(letter) if letter is not None else (None, None)
    sender = received.Sender(
        organization=args.sender,
        signer=args.signer,
        parent=args.parent.upper() or None,
        signature_box=boxes[0],
        seal_box=boxes[1],
    )
    try:
        return received.sign_as_sender(ctx.conn, ctx.candidate, acting, data, sender, arrival)
    except PdfSigningError as error:
        raise SetupError(f"documents.incoming: cannot sign {args.file or 'the letter'}: {error}") from None


@implements("documents.draft")
def add_draft(ctx: SetupContext, args: DraftArgs) -> int:
    acting = _acting(ctx)
    conn, candidate = ctx.conn, ctx.candidate
    related = None
    if args.related:
        matches = [d for d in store.incoming_of(conn, candidate.id) if d.number == args.related]
        if not matches:
            raise SetupError(f"documents.draft: no incoming document numbered {args.related!r} (add it first)")
        related = matches[0].id
    attachments = []
    for file in args.attachments:
        ref = ctx.blobs.put(conn, ctx.fixture(file), now=ctx.now)
        attachments.append({"name": file.rsplit("/", 1)[-1], "sha256": ref.sha256, "size": ref.size})
    draft = outgoing.Draft(
        type=args.type,
        subject=args.summary,
        body=args.body,
        kinh_gui=tuple(args.kinh_gui),
        recipients=tuple(args.recipients),
        signer=args.signer,
        urgency=args.urgency,
        secrecy=args.secrecy,
        related_incoming=related,
        signer_lines=tuple(args.signer_lines),
        layout=dict(args.layout),
        attachments=tuple(attachments),
    )
    drafter = acting.as_colleague(args.drafter)
    name = "documents.draft"
    doc = _run(name, lambda: outgoing.create_draft(conn, candidate, draft, drafter))
    if args.consult:
        doc = _run(
            name, lambda: outgoing.consult(conn, candidate, doc, args.consult, None, "Đề nghị cho ý kiến.", drafter)
        )
    order = ["du_thao", "cho_duyet", "cho_ky", "cho_phat_hanh"]
    reached = order.index(args.step)
    if reached >= 1:
        doc = _run(name, lambda: outgoing.submit(conn, candidate, doc, args.approver, "", drafter))
    if reached >= 2:
        approver = acting.as_colleague(args.approver)
        doc = _run(name, lambda: outgoing.approve(conn, candidate, doc, "", approver))
    if reached >= 3:
        signer = acting.as_colleague(args.signer)
        if args.ky_so:
            doc = _run(name, lambda: _sign_digitally(conn, candidate, doc, args.signer, signer))
        else:
            doc = _run(name, lambda: outgoing.sign(conn, candidate, doc, signer))
        doc = _run(name, lambda: outgoing.to_clerk(conn, candidate, doc, signer))
    return int(doc.id)


def _sign_digitally(conn: Connection, candidate: Candidate, doc: Outgoing, key: str, acting: Acting) -> Outgoing:
    """The signer's ký số where the signature space is, confirmed with their own PIN."""
    agency = store.get_agency(conn, candidate.id)
    person = agency.person(key) if agency else None
    if agency is None or person is None:
        raise SetupError(f"documents.draft: no person {key!r} in the agency to sign")
    if person.candidate:
        raise SetupError(
            f"documents.draft: {key!r} is one of the candidate's own positions; with ky_so a colleague "
            "(such as pct1) signs, or put the draft at step cho_ky for the candidate to sign"
        )
    cert = certificates.ensure(conn, candidate, acting, signatures.holding_of(agency, person))
    box = signatures.default_boxes(doc, agency)[SignatureKind.ca_nhan]
    signed = signatures.sign_as_leader(conn, candidate, doc, box, signatures.Confirmation(Method.pin, cert.pin), acting)
    if isinstance(signed, Refused):
        raise SetupError(f"documents.draft: {key} could not sign: {signed.message}")
    return signed
