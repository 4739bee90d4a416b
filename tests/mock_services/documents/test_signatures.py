"""Ký số in the document flow, through the operations on a real database: the leader signs at trình
ký, the văn thư numbers, adds the number, the date and the seal; the PDF then verifies with four
valid signatures in that order, the seal over the left third of the leader's. Wrong PINs lock."""

from __future__ import annotations

import pytest

from mock_services.documents import outgoing, signatures
from mock_services.documents.store import Outgoing
from mock_services.signing import authority, store
from mock_services.signing.certificates import Refused
from mock_services.signing.domain import Method, SignatureKind
from mock_services.signing.pades import Box
from mock_services.signing.verify import DocumentVerdict, Report, verify_pdf
from tests.mock_services.documents.office import Office


def _pin(office: Office) -> str:
    with office.db.read() as conn:
        held = [c for c in store.certificates_of(conn, office.a.id) if c.candidate_holds]
    return held[0].pin


def _signed_by_leader(office: Office) -> Outgoing:
    doc = office.at_signer(office.a)
    agency = office.agency(office.a)
    box = signatures.default_boxes(doc, agency)[SignatureKind.ca_nhan]
    with office.db.write() as conn:  # the certificates exist once the signing page was opened
        signatures.certificates_for(conn, office.a, office.acting(), agency)
    confirm = signatures.Confirmation(Method.pin, _pin(office))
    signed = office.do(lambda c, a: signatures.sign_as_leader(c, office.a, doc, box, confirm, a))
    assert isinstance(signed, Outgoing)
    return signed


def _stamp(office: Office, doc: Outgoing, kind: SignatureKind) -> Outgoing:
    box = signatures.default_boxes(doc, office.agency(office.a))[kind]
    confirm = signatures.Confirmation(Method.pin, _pin(office))
    stamped = office.do(lambda c, a: signatures.stamp(c, office.a, doc, kind, box, confirm, a))
    assert isinstance(stamped, Outgoing)
    return stamped


def _report(office: Office, doc: Outgoing) -> Report:
    data = office.blob(signatures.main_file(doc)["sha256"])
    with office.db.write() as conn:
        trust = authority.trust(conn, office.acting().now)
    return verify_pdf(data, trust)


def test_the_leader_signs_and_the_clerk_adds_number_date_and_seal(office: Office) -> None:
    doc = _signed_by_leader(office)
    assert doc.status == "da_ky"
    assert doc.files[-1]["kind"] == "ban_ky"
    doc = office.do(lambda c, a: outgoing.to_clerk(c, office.a, doc, a))
    doc = office.number(office.a, doc)
    assert doc.files[-1]["signature"] == "ca_nhan"  # cấp số did not re-render the signed PDF
    for kind in (SignatureKind.so, SignatureKind.ngay, SignatureKind.dau):
        doc = _stamp(office, doc, kind)
    report = _report(office, doc)
    assert report.verdict is DocumentVerdict.hop_le
    holders = [s.signer.holder.value if s.signer and s.signer.holder else "" for s in report.signatures]
    assert holders == ["ca_nhan", "to_chuc", "to_chuc", "to_chuc"]
    leader, *_, seal = report.signatures
    assert leader.signer is not None
    assert leader.signer.name == office.agency(office.a).me.name
    [overlap] = [o for o in seal.overlaps if o.index == 1]
    assert overlap.side == "left"
    assert 0.2 <= overlap.width_fraction <= 0.45
    verbs = [e.verb for e in office.events(office.a)]
    assert verbs.count("signing.pdf_signed") == 4
    assert verbs.count("documents.outgoing_stamped") == 3
    issued = office.issue(office.a, doc)
    assert issued.status == "da_phat_hanh"


def test_three_wrong_pins_lock_the_certificate_and_each_is_recorded(office: Office) -> None:
    doc = office.at_signer(office.a)
    agency = office.agency(office.a)
    box = signatures.default_boxes(doc, agency)[SignatureKind.ca_nhan]
    wrong = "0000000" if _pin_after_setup(office) != "0000000" else "1111111"
    confirm = signatures.Confirmation(Method.pin, wrong)
    answers = [office.do(lambda c, a: signatures.sign_as_leader(c, office.a, doc, box, confirm, a)) for _ in range(3)]
    assert [type(a) for a in answers] == [Refused, Refused, Refused]
    assert isinstance(answers[0], Refused)
    assert "còn 2 lần" in answers[0].message
    right = signatures.Confirmation(Method.pin, _pin(office))
    said = office.refused(lambda c, a: signatures.sign_as_leader(c, office.a, doc, box, right, a))
    assert "bị khóa" in said
    assert office.outgoing(office.a, doc.id).status == "cho_ky"
    rejected = [e for e in office.events(office.a) if e.verb == "signing.pin_rejected"]
    assert [e.data["locked"] for e in rejected] == [False, False, True]


def _pin_after_setup(office: Office) -> str:
    with office.db.write() as conn:
        signatures.certificates_for(conn, office.a, office.acting(), office.agency(office.a))
    return _pin(office)


@pytest.mark.parametrize("kind", [SignatureKind.so, SignatureKind.dau])
def test_the_clerk_cannot_stamp_a_document_the_leader_has_not_signed_digitally(
    office: Office, kind: SignatureKind
) -> None:
    doc = office.numbered(office.a)  # ký duyệt on paper
    box = signatures.default_boxes(doc, office.agency(office.a))[kind]
    confirm = signatures.Confirmation(Method.pin, _pin_after_setup(office))
    said = office.refused(lambda c, a: signatures.stamp(c, office.a, doc, kind, box, confirm, a))
    assert "chưa được lãnh đạo ký số" in said


def test_a_box_outside_the_page_is_refused_and_nothing_changes(office: Office) -> None:
    doc = office.at_signer(office.a)
    confirm = signatures.Confirmation(Method.pin, _pin_after_setup(office))
    box = Box(0, 500, 800, 700, 900)
    said = office.refused(lambda c, a: signatures.sign_as_leader(c, office.a, doc, box, confirm, a))
    assert "ngoài trang" in said
    assert office.outgoing(office.a, doc.id).files == doc.files


def _draft_signed(office: Office) -> dict[str, object]:
    [event] = [e for e in office.events(office.a) if e.verb == "documents.draft_signed"]
    return event.data


def test_a_signature_where_the_page_puts_it_is_wholly_in_the_signature_space(office: Office) -> None:
    _signed_by_leader(office)
    assert _draft_signed(office)["method"] == "ky_so"
    assert _draft_signed(office)["in_signature_space"] == 1.0


def test_a_signature_dragged_to_the_left_margin_is_outside_the_signature_space(office: Office) -> None:
    doc = office.at_signer(office.a)
    agency = office.agency(office.a)
    space = signatures.default_boxes(doc, agency)[SignatureKind.ca_nhan]
    with office.db.write() as conn:
        signatures.certificates_for(conn, office.a, office.acting(), agency)
    left = Box(space.page, 60.0, space.y0, space.x0 - 20, space.y1)  # under the Nơi nhận, clear of the space
    confirm = signatures.Confirmation(Method.pin, _pin(office))
    assert isinstance(office.do(lambda c, a: signatures.sign_as_leader(c, office.a, doc, left, confirm, a)), Outgoing)
    assert _draft_signed(office)["in_signature_space"] == 0.0


@pytest.mark.parametrize(
    ("box", "share"),
    [
        (Box(0, 100, 100, 200, 150), 1.0),  # the space itself
        (Box(0, 150, 100, 250, 150), 0.5),  # half of it to the right of the space
        (Box(0, 120, 110, 180, 140), 1.0),  # smaller, inside
        (Box(0, 50, 100, 150, 200), 0.25),  # half as wide and half as high inside
        (Box(1, 100, 100, 200, 150), 0.0),  # another page
        (Box(0, 300, 100, 400, 150), 0.0),  # beside it
    ],
)
def test_the_share_of_a_box_inside_the_signature_space(box: Box, share: float) -> None:
    assert signatures.share_inside(box, Box(0, 100, 100, 200, 150)) == share
