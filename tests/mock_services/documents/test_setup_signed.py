"""documents.incoming with ``signed`` and documents.draft with ``ky_so``, run as a task's setup runs
them, their PDFs checked with the verifier against the room's trust: a letter signed by the
sender's leader and sealed by its organisation, both from the room's CA and logged as issued in the
candidate's tenant; the same changed after signing; the same from a look-alike CA nobody trusts,
whose certificates are neither stored nor logged; invisible signatures on a given PDF; and a draft
the signer signed digitally before it reaches the văn thư."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from mock_services import catalog
from mock_services.core.db import Database
from mock_services.core.events import EventRecord
from mock_services.core.settings import RoomSettings
from mock_services.core.setup_ops import SetupError
from mock_services.documents import signatures
from mock_services.documents.operations import DraftArgs
from mock_services.signing import authority
from mock_services.signing import store as signing_store
from mock_services.signing.pki import ISSUING_NAME, Holder
from mock_services.signing.received import PERSONAL_FIELD, SEAL_FIELD, sender_owner
from mock_services.signing.verify import DocumentVerdict, Report, SignatureCheck, Verdict, verify_pdf
from tests.mock_services.documents.office import TASK, Office
from tests.support.room import SECRET

FIXTURES = Path(__file__).resolve().parents[3] / "tasks" / "signing" / "fixtures"
FIXTURE_PDF = "PhuLuc_DanhSachDuThi.pdf"

CITY = "UBND thành phố Cần Thơ"
DEPARTMENT = "Sở Nội vụ thành phố Cần Thơ"
GOOD_SIGNER = "Lâm Quốc Trung"
ALTERED_SIGNER = "Huỳnh Minh Khoa"
UNTRUSTED_SIGNER = "Trần Văn Phúc"
FILE_SENDER = "Sở Khoa học và Công nghệ thành phố Cần Thơ"
FILE_SIGNER = "Phạm Thị Thu"
SEAL_SENDER = "Ban Chỉ huy Quân sự thành phố Cần Thơ"


def _incoming(sender: str, number: str, signer: str, signed: str | None, **more: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "from": sender,
        "number": number,
        "date": "2026-11-19",
        "summary": "phân bổ kinh phí hỗ trợ chuyển đổi số cấp phường năm 2026",
        "body": "Ủy ban nhân dân thành phố phân bổ kinh phí hỗ trợ chuyển đổi số năm 2026.\n\nTrân trọng.",
        "signer": signer,
        "signer_title": "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH",
        "kinh_gui": ["Ủy ban nhân dân các phường, xã"],
        **more,
    }
    if signed is not None:
        arguments["signed"] = signed
    return arguments


DRAFT: dict[str, Any] = {
    "summary": "báo cáo kết quả tổ chức Ngày hội Đại đoàn kết",
    "body": "UBND phường báo cáo như sau.",
    "kinh_gui": ["Ủy ban nhân dân thành phố Cần Thơ"],
    "signer": "pct1",
    "step": "cho_phat_hanh",
}


@dataclass(frozen=True)
class Made:
    """One setup step: the id it returned and the events it logged."""

    id: int
    events: list[EventRecord]

    def verbs(self) -> list[str]:
        return [e.verb for e in self.events]

    def issued(self) -> list[EventRecord]:
        return [e for e in self.events if e.verb == "signing.certificate_issued"]


@dataclass(frozen=True)
class Room:
    office: Office
    hop_le: Made
    bi_sua_doi: Made
    khong_tin_cay: Made
    from_file: Made
    altered_file: Made
    seal_only: Made
    unsigned: Made
    ky_so: Made
    phe_duyet: Made

    def incoming_pdf(self, made: Made) -> bytes:
        doc = self.office.incoming(self.office.a, made.id)
        [file] = doc.files
        return self.office.blob(file["sha256"])

    def report(self, data: bytes) -> Report:
        with self.office.db.read() as conn:
            trust = authority.trust(conn, self.office.now)
        return verify_pdf(data, trust)


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    """One exam whose candidate A received every kind of signed document (signing is slow: the
    setups run once for the module; the tests only read)."""
    path = tmp_path_factory.mktemp("signed")
    url = f"sqlite:///{path / 'room.db'}"
    db = Database(url)
    catalog.prepare_schema(db)
    settings = RoomSettings(data_dir=path, database_url=url, secret_key=SECRET.decode())
    office = Office.open(db, settings)

    def made(operation: str, arguments: dict[str, Any], fixtures: Path | None = None) -> Made:
        mark = office.head()
        new_id = office.setup(office.a, operation, arguments, fixtures=fixtures)
        return Made(int(new_id), office.since(mark))

    office.setup(office.a, "documents.agency", {})  # the agency first, so each step logs only its own
    try:
        yield Room(
            office=office,
            hop_le=made("documents.incoming", _incoming(CITY, "315/UBND-VP", GOOD_SIGNER, "hop_le")),
            bi_sua_doi=made("documents.incoming", _incoming(CITY, "316/UBND-VP", ALTERED_SIGNER, "bi_sua_doi")),
            khong_tin_cay=made(
                "documents.incoming",
                _incoming(
                    DEPARTMENT, "88/SNV-CCVC", UNTRUSTED_SIGNER, "khong_tin_cay", parent="UBND thành phố Cần Thơ"
                ),
            ),
            from_file=made(
                "documents.incoming",
                _incoming(FILE_SENDER, "41/SKHCN-VP", FILE_SIGNER, "hop_le", file=FIXTURE_PDF),
                fixtures=FIXTURES,
            ),
            altered_file=made(
                "documents.incoming",
                _incoming(FILE_SENDER, "42/SKHCN-VP", FILE_SIGNER, "bi_sua_doi", file=FIXTURE_PDF),
                fixtures=FIXTURES,
            ),
            seal_only=made("documents.incoming", _incoming(SEAL_SENDER, "12/TB-BCH", "", "hop_le")),
            unsigned=made("documents.incoming", _incoming(CITY, "317/UBND-VP", GOOD_SIGNER, None)),
            ky_so=made("documents.draft", {**DRAFT, "ky_so": True}),
            phe_duyet=made("documents.draft", DRAFT),
        )
    finally:
        db.dispose()


def _certificate_states(room: Room) -> list[dict[str, Any]]:
    """``after`` of every signing.certificate_issued in candidate A's log."""
    return [e.data["after"] for e in room.office.events(room.office.a) if e.verb == "signing.certificate_issued"]


def _signer_of(check: SignatureCheck) -> tuple[str, Holder | None, str | None]:
    assert check.signer is not None
    return check.signer.name, check.signer.holder, check.signer.organization


# --- hop_le


def test_a_good_letter_is_signed_by_the_leader_then_sealed_by_the_sender(room: Room) -> None:
    report = room.report(room.incoming_pdf(room.hop_le))
    assert report.verdict is DocumentVerdict.hop_le
    assert [s.verdict for s in report.signatures] == [Verdict.hop_le, Verdict.hop_le]
    leader, seal = report.signatures
    assert (leader.index, leader.field, seal.index, seal.field) == (1, PERSONAL_FIELD, 2, SEAL_FIELD)
    assert _signer_of(leader) == (GOOD_SIGNER, Holder.ca_nhan, CITY)
    assert _signer_of(seal) == (CITY, Holder.to_chuc, CITY)
    for check in (leader, seal):
        assert check.signer is not None
        assert check.signer.issuer == ISSUING_NAME
        assert (check.trusted, check.intact, check.timestamped, check.has_image) == (True, True, True, True)
        assert check.signing_time == room.office.now
    assert seal.covers_whole_file
    assert not leader.covers_whole_file  # the seal was added after it
    assert leader.rect is not None
    assert seal.rect is not None
    assert leader.rect.page == seal.rect.page == 1
    [overlap] = seal.overlaps
    assert (overlap.index, overlap.field, overlap.side) == (1, PERSONAL_FIELD, "left")
    assert leader.signer is not None
    assert overlap.serial == leader.signer.serial
    assert 0.2 <= overlap.width_fraction <= 0.45
    assert leader.overlaps == ()


def test_the_boxes_are_where_the_rendered_letter_puts_the_signature_and_seal(room: Room) -> None:
    report = room.report(room.incoming_pdf(room.hop_le))
    leader, seal = report.signatures
    assert leader.rect is not None
    assert seal.rect is not None
    assert (seal.rect.x1 - seal.rect.x0) == pytest.approx(signatures.SEAL_POINTS, abs=0.01)
    # The seal's right edge a third into the leader's signature, centred on its height.
    assert seal.rect.x1 == pytest.approx(leader.rect.x0 + leader.rect.width / 3, abs=0.01)
    assert (seal.rect.y0 + seal.rect.y1) / 2 == pytest.approx((leader.rect.y0 + leader.rect.y1) / 2, abs=0.01)


def test_the_senders_certificates_are_issued_in_the_candidates_tenant_and_logged_by_system(room: Room) -> None:
    report = room.report(room.incoming_pdf(room.hop_le))
    serials = [s.signer.serial for s in report.signatures if s.signer]
    issued = room.hop_le.issued()
    assert [(e.actor, e.candidate_id, e.context) for e in issued] == [
        ("system", room.office.a.id, {"task_id": TASK})
    ] * 2
    described = [(e.data["after"]["serial"], e.data["after"]["holder"], e.data["after"]["owner"]) for e in issued]
    assert described == [
        (serials[0], "ca_nhan", sender_owner(CITY, GOOD_SIGNER)),
        (serials[1], "to_chuc", sender_owner(CITY)),
    ]
    assert [e.object_id for e in issued] == [str(e.data["after"]["id"]) for e in issued]
    with room.office.db.read() as conn:
        stored = {c.serial: c for c in signing_store.certificates_of(conn, room.office.a.id)}
        others = signing_store.certificates_of(conn, room.office.b.id)
    assert stored[serials[0]].owner == sender_owner(CITY, GOOD_SIGNER)
    assert stored[serials[1]].owner == sender_owner(CITY)
    assert not stored[serials[0]].candidate_holds
    assert not stored[serials[1]].candidate_holds
    assert others == []  # candidate B's tenant is untouched


def test_the_incoming_document_is_logged_as_received_after_its_certificates(room: Room) -> None:
    verbs = room.hop_le.verbs()
    assert verbs == ["signing.certificate_issued", "signing.certificate_issued", "documents.incoming_received"]
    received = room.hop_le.events[-1]
    assert (received.actor, received.object_id) == ("system", str(room.hop_le.id))
    [file] = room.office.incoming(room.office.a, room.hop_le.id).files
    assert file["name"] == "315_UBND-VP.pdf"
    assert file["size"] == len(room.incoming_pdf(room.hop_le))


# --- bi_sua_doi


def test_an_altered_letter_is_not_valid_its_signatures_changed_after_signing(room: Room) -> None:
    report = room.report(room.incoming_pdf(room.bi_sua_doi))
    assert report.verdict is DocumentVerdict.khong_hop_le
    assert [s.verdict for s in report.signatures] == [Verdict.bi_sua_doi, Verdict.bi_sua_doi]
    for check in report.signatures:
        assert check.problems == ("Văn bản đã bị sửa đổi sau khi ký",)
        # The signed bytes are intact and the certificates the room's: only the change is wrong.
        assert (check.intact, check.trusted, check.modified_after, check.covers_whole_file) == (
            True,
            True,
            "other",
            False,
        )
    assert _signer_of(report.signatures[0]) == (ALTERED_SIGNER, Holder.ca_nhan, CITY)
    assert _signer_of(report.signatures[1]) == (CITY, Holder.to_chuc, CITY)


def test_the_altered_letter_was_valid_before_the_editors_update(room: Room) -> None:
    data = room.incoming_pdf(room.bi_sua_doi)
    before = data[: data.rindex(b"%%EOF\n", 0, data.rindex(b"%%EOF")) + len(b"%%EOF\n")]
    assert b"DIEU CHINH" in data[len(before) :]
    report = room.report(before)
    assert report.verdict is DocumentVerdict.hop_le
    assert [s.verdict for s in report.signatures] == [Verdict.hop_le, Verdict.hop_le]


def test_the_altered_letter_reuses_the_senders_seal_certificate(room: Room) -> None:
    issued = room.bi_sua_doi.issued()
    assert [e.data["after"]["owner"] for e in issued] == [sender_owner(CITY, ALTERED_SIGNER)]
    report = room.report(room.incoming_pdf(room.bi_sua_doi))
    good = room.report(room.incoming_pdf(room.hop_le))
    assert report.signatures[1].signer is not None
    assert good.signatures[1].signer is not None
    assert report.signatures[1].signer.serial == good.signatures[1].signer.serial


# --- khong_tin_cay


def test_a_look_alike_cas_letter_is_not_trusted(room: Room) -> None:
    report = room.report(room.incoming_pdf(room.khong_tin_cay))
    assert report.verdict is DocumentVerdict.khong_hop_le
    assert [s.verdict for s in report.signatures] == [Verdict.khong_tin_cay, Verdict.khong_tin_cay]
    leader, seal = report.signatures
    assert _signer_of(leader) == (UNTRUSTED_SIGNER, Holder.ca_nhan, DEPARTMENT)
    assert _signer_of(seal) == (DEPARTMENT, Holder.to_chuc, DEPARTMENT)
    for check in report.signatures:
        assert check.signer is not None
        assert check.signer.issuer == ISSUING_NAME  # the same names as the room's CA
        assert (check.trusted, check.intact) == (False, True)
        assert check.problems == ("Chứng thư số không thuộc tổ chức chứng thực tin cậy",)
    assert leader.has_image
    assert seal.has_image


def test_the_look_alike_certificates_are_neither_stored_nor_logged(room: Room) -> None:
    report = room.report(room.incoming_pdf(room.khong_tin_cay))
    serials = {s.signer.serial for s in report.signatures if s.signer}
    assert len(serials) == 2
    assert room.khong_tin_cay.verbs() == ["documents.incoming_received"]
    with room.office.db.read() as conn:
        stored = signing_store.certificates_of(conn, room.office.a.id)
    assert serials.isdisjoint({c.serial for c in stored})
    assert not [c for c in stored if DEPARTMENT in (c.name, c.organization)]
    logged = {state["serial"] for state in _certificate_states(room)}
    assert serials.isdisjoint(logged)
    good = room.report(room.incoming_pdf(room.hop_le))
    assert {s.signer.serial for s in good.signatures if s.signer} <= logged


# --- file


def test_a_given_pdf_is_signed_invisibly_and_valid(room: Room) -> None:
    original = (FIXTURES / FIXTURE_PDF).read_bytes()
    data = room.incoming_pdf(room.from_file)
    assert data.startswith(original)  # incremental updates: the fixture's bytes are kept
    report = room.report(data)
    assert report.verdict is DocumentVerdict.hop_le
    assert [s.verdict for s in report.signatures] == [Verdict.hop_le, Verdict.hop_le]
    assert [(s.rect, s.has_image, s.overlaps) for s in report.signatures] == [(None, False, ())] * 2
    assert _signer_of(report.signatures[0]) == (FILE_SIGNER, Holder.ca_nhan, FILE_SENDER)
    assert _signer_of(report.signatures[1]) == (FILE_SENDER, Holder.to_chuc, FILE_SENDER)
    [file] = room.office.incoming(room.office.a, room.from_file.id).files
    assert file["name"] == FIXTURE_PDF
    assert [e.data["after"]["owner"] for e in room.from_file.issued()] == [
        sender_owner(FILE_SENDER, FILE_SIGNER),
        sender_owner(FILE_SENDER),
    ]


def test_a_given_pdf_changed_after_signing_is_not_valid(room: Room) -> None:
    report = room.report(room.incoming_pdf(room.altered_file))
    assert report.verdict is DocumentVerdict.khong_hop_le
    assert [s.verdict for s in report.signatures] == [Verdict.bi_sua_doi, Verdict.bi_sua_doi]
    assert [s.rect for s in report.signatures] == [None, None]
    assert room.altered_file.issued() == []  # the same sender's certificates as the valid one's


def test_without_a_signer_only_the_senders_seal_signs(room: Room) -> None:
    report = room.report(room.incoming_pdf(room.seal_only))
    assert report.verdict is DocumentVerdict.hop_le
    [seal] = report.signatures
    assert (seal.verdict, seal.field, seal.has_image, seal.overlaps) == (Verdict.hop_le, SEAL_FIELD, True, ())
    assert _signer_of(seal) == (SEAL_SENDER, Holder.to_chuc, SEAL_SENDER)
    assert seal.rect is not None
    assert [e.data["after"]["owner"] for e in room.seal_only.issued()] == [sender_owner(SEAL_SENDER)]


def test_without_signed_the_letter_arrives_unsigned(room: Room) -> None:
    report = room.report(room.incoming_pdf(room.unsigned))
    assert (report.verdict, report.signatures) == (DocumentVerdict.chua_ky, ())
    assert room.unsigned.verbs() == ["documents.incoming_received"]


def test_a_given_file_that_is_not_a_pdf_is_refused(tmp_path: Path, office: Office) -> None:
    (tmp_path / "note.pdf").write_bytes(b"not a pdf")
    arguments = _incoming(CITY, "318/UBND-VP", GOOD_SIGNER, "hop_le", file="note.pdf")
    mark = office.head()
    with pytest.raises(SetupError, match="is not a PDF"):
        office.setup(office.a, "documents.incoming", arguments, fixtures=tmp_path)
    assert office.since(mark) == []


# --- documents.draft ky_so


def test_a_draft_signed_digitally_reaches_the_clerk_with_a_valid_signature(room: Room) -> None:
    doc = room.office.outgoing(room.office.a, room.ky_so.id)
    assert (doc.status, doc.signed_by) == ("cho_phat_hanh", "pct1")
    assert [f.get("kind") for f in doc.files][-1] == "ban_ky"
    assert doc.files[-1]["signature"] == "ca_nhan"
    [signed] = [e for e in room.ky_so.events if e.verb == "documents.draft_signed"]
    assert (signed.actor, signed.data["method"]) == ("system", "ky_so")
    assert signed.data["sha256"] == doc.files[-1]["sha256"]
    report = room.report(room.office.blob(doc.files[-1]["sha256"]))
    assert report.verdict is DocumentVerdict.hop_le
    [leader] = report.signatures
    assert leader.verdict is Verdict.hop_le
    pct1 = room.office.agency(room.office.a).person("pct1")
    assert pct1 is not None
    assert _signer_of(leader) == (pct1.name, Holder.ca_nhan, room.office.agency(room.office.a).name)
    assert leader.signer is not None
    assert signed.data["serial"] == leader.signer.serial
    assert leader.has_image
    assert leader.rect is not None
    assert room.ky_so.verbs() == [
        "documents.draft_created",
        "documents.draft_submitted",
        "documents.draft_approved",
        "documents.signature_requested",
        "signing.certificate_issued",
        "signing.pdf_signed",
        "documents.draft_signed",
        "documents.sent_to_clerk",
    ]
    assert {e.actor for e in room.ky_so.events} == {"system"}
    [issued] = room.ky_so.issued()
    assert (issued.data["after"]["owner"], issued.data["after"]["serial"]) == ("pct1", leader.signer.serial)
    assert not issued.data["after"]["candidate_holds"]
    [pdf_signed] = [e for e in room.ky_so.events if e.verb == "signing.pdf_signed"]
    assert (pdf_signed.actor, pdf_signed.data["kind"], pdf_signed.data["method"]) == ("system", "ca_nhan", "pin")
    assert (pdf_signed.data["by"], pdf_signed.data["sha256"]) == (pct1.name, doc.files[-1]["sha256"])
    assert pdf_signed.data["document"] == {"kind": "outgoing", "id": str(doc.id)}


def test_a_draft_signed_on_paper_has_no_signed_version(room: Room) -> None:
    doc = room.office.outgoing(room.office.a, room.phe_duyet.id)
    assert (doc.status, doc.signed_by) == ("cho_phat_hanh", "pct1")
    assert "ban_ky" not in [f.get("kind") for f in doc.files]
    [signed] = [e for e in room.phe_duyet.events if e.verb == "documents.draft_signed"]
    assert (signed.actor, signed.data["method"], signed.data["sha256"]) == ("system", "phe_duyet", "")
    assert room.phe_duyet.verbs() == [
        "documents.draft_created",
        "documents.draft_submitted",
        "documents.draft_approved",
        "documents.signature_requested",
        "documents.draft_signed",
        "documents.sent_to_clerk",
    ]
    report = room.report(room.office.blob(doc.files[-1]["sha256"]))
    assert report.verdict is DocumentVerdict.chua_ky


def test_ky_so_on_a_draft_that_is_not_yet_signed_is_refused_when_the_task_loads() -> None:
    with pytest.raises(ValidationError, match="ky_so goes with step cho_phat_hanh"):
        DraftArgs.model_validate({"summary": "x", "step": "cho_ky", "ky_so": True})


def test_a_sender_with_long_names_signs_on_either_database(db: Database, settings: RoomSettings) -> None:
    """Holder keys stay short whatever the names (PostgreSQL enforces the column's length)."""
    office = Office.open(db, settings)
    arguments = _incoming("Sở Nội vụ thành phố Cần Thơ", "215/SNV-TCCB", "Nguyễn Thị Phương Thảo Nguyên", "hop_le")
    doc_id = office.setup(office.a, "documents.incoming", arguments)
    [file] = office.incoming(office.a, doc_id).files
    with db.read() as conn:
        report = verify_pdf(office.blob(file["sha256"]), authority.trust(conn, office.now))
    assert report.verdict is DocumentVerdict.hop_le
    assert [check.signer.name for check in report.signatures if check.signer] == [
        "Nguyễn Thị Phương Thảo Nguyên",
        "Sở Nội vụ thành phố Cần Thơ",
    ]


def test_a_draft_signed_digitally_by_the_candidates_own_position_is_refused(
    sqlite_db: Database, settings: RoomSettings
) -> None:
    office = Office.open(sqlite_db, settings)
    with pytest.raises(SetupError, match="one of the candidate's own positions"):
        office.setup(office.a, "documents.draft", {**DRAFT, "signer": "ct", "ky_so": True})
