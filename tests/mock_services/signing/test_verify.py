"""The verifier against the corpus: every legitimate file hợp lệ with each signature reported as it
was made, every tampered or badly signed file refused with the verdict it deserves, and files
that are not signed PDFs reported, never raised."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import pypdf
import pytest
from cryptography import x509

from mock_services.signing import pades, pki
from mock_services.signing.verify import (
    VERDICT_NAMES,
    DocumentVerdict,
    Report,
    Trust,
    Verdict,
    verify_pdf,
)
from tests.mock_services.signing import corpus
from tests.mock_services.signing.corpus import LegitCase, Pki, TamperCase

# Each damaged part of a signature, reported as a check, never raised.
BREAKS_RAISED = ("time_stamp_content_type", "time_stamp_digest", "appearance")


def _params(names: tuple[str, ...]) -> list[object]:
    return list(names)


@pytest.fixture(scope="module")
def world() -> Pki:
    return corpus.world()


@pytest.fixture(scope="module")
def trust(world: Pki) -> Trust:
    return world.trust


# --- legitimate files -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", _params(corpus.LEGIT_NAMES))
def test_legit_case_is_valid(name: str, trust: Trust) -> None:
    case = corpus.legit_case(name)
    report = verify_pdf(case.pdf, trust)
    assert report.verdict is DocumentVerdict.hop_le, [(s.field, s.problems) for s in report.signatures]
    assert report.problem is None
    assert len(report.signatures) == len(case.signatures)
    for check in report.signatures:
        assert check.valid
        assert check.problems == ()
        assert check.intact
        assert check.trusted
        assert not check.revoked
        assert not check.expired
        assert not check.weak
        assert check.key_usage_ok


@pytest.mark.parametrize("name", corpus.LEGIT_NAMES)
def test_legit_case_reports_each_signature_as_made(name: str, world: Pki) -> None:
    """Who signed, what kind of holder, when (time-stamped), where on which page, with what look,
    over which earlier signature: independent of whether the chain is judged trusted."""
    case = corpus.legit_case(name)
    report = verify_pdf(case.pdf, world.trust)
    assert [check.index for check in report.signatures] == list(range(1, len(case.signatures) + 1))
    for check, placed in zip(report.signatures, case.signatures, strict=True):
        assert check.field == placed.field
        assert check.signer is not None
        assert check.signer.name == placed.signer
        assert check.signer.holder is placed.holder
        assert check.signer.issuer == pki.ISSUING_NAME
        assert check.timestamped is True
        assert check.signing_time is not None
        assert check.has_image is placed.image
        if placed.box is None:
            assert check.rect is None
        else:
            assert check.rect is not None
            assert check.rect.page == placed.box.page + 1
            got = (check.rect.x0, check.rect.y0, check.rect.x1, check.rect.y1)
            assert got == pytest.approx((placed.box.x0, placed.box.y0, placed.box.x1, placed.box.y1), abs=0.01)
        assert [overlap.index for overlap in check.overlaps] == list(placed.covers)
        for overlap in check.overlaps:
            assert 0.2 <= overlap.width_fraction <= 0.45
            assert overlap.side == "left"
            earlier = report.signatures[overlap.index - 1]
            assert earlier.signer is not None
            assert overlap.field == earlier.field
            assert overlap.serial == earlier.signer.serial
    # Only the last signature covers the whole file; the earlier ones saw signatures added after them.
    *earlier_checks, last = report.signatures
    assert last.covers_whole_file
    assert last.modified_after == "none"
    assert all(not check.covers_whole_file and check.modified_after == "form_filling" for check in earlier_checks)


def test_leader_signature_names_the_person(world: Pki) -> None:
    (check,) = verify_pdf(corpus.legit_case("personal").pdf, world.trust).signatures
    assert check.signer is not None
    assert check.signer.serial == world.leader.serial
    assert check.signer.uid == corpus.LEADER_UID
    assert check.signer.organization == corpus.AGENCY
    assert check.signer.holder_name == "Cá nhân"
    assert check.signing_time is not None
    assert abs(check.signing_time - world.now) < dt.timedelta(hours=1)


def test_two_signature_practice_agency_signatures_are_the_agency(world: Pki) -> None:
    report = verify_pdf(corpus.legit_case("personal_then_agency").pdf, world.trust)
    leader, number, date, seal = report.signatures
    assert leader.signer is not None
    assert leader.signer.holder is pki.Holder.ca_nhan
    for check in (number, date, seal):
        assert check.signer is not None
        assert check.signer.serial == world.agency.serial
        assert check.signer.holder_name == "Tổ chức"
        assert check.signer.uid is None
    assert number.overlaps == ()
    assert date.overlaps == ()
    assert seal.rect is not None
    assert leader.rect is not None
    assert seal.rect.x0 < leader.rect.x0 < seal.rect.x1  # the seal sticks out to the left


@pytest.mark.parametrize("name", _params(("revoked_after_signing",)))
def test_revoked_after_the_time_stamp_is_still_valid(name: str, world: Pki) -> None:
    """The certificate is in the CRL, but its revocation came after the time-stamped signature."""
    serial = world.revoked_after.cert.serial_number
    entry = x509.load_der_x509_crl(world.crl).get_revoked_certificate_by_serial_number(serial)
    assert entry is not None
    (check,) = verify_pdf(corpus.legit_case(name).pdf, world.trust).signatures
    assert check.signing_time is not None
    assert check.signing_time < entry.revocation_date_utc
    assert check.timestamped
    assert check.verdict is Verdict.hop_le


def test_the_check_can_fail_another_root_is_not_trusted(world: Pki) -> None:
    other = pki.make_root(world.now)
    for case in corpus.legit_cases():
        report = verify_pdf(case.pdf, Trust(roots=(other.cert_der(),)))
        assert report.verdict is DocumentVerdict.khong_hop_le, case.name
        assert {check.verdict for check in report.signatures} == {Verdict.khong_tin_cay}, case.name
        assert all(check.intact and not check.trusted for check in report.signatures)


def test_revocation_is_judged_from_the_crls_given(world: Pki) -> None:
    """Without a CRL the verifier cannot know; with ours, the revoked signer is refused."""
    pdf = corpus.tamper_case("revoked").pdf
    unchecked = Trust(roots=(world.root.cert_der(),), intermediates=(world.ca.cert_der(),))
    assert verify_pdf(pdf, unchecked).verdict is DocumentVerdict.hop_le
    assert verify_pdf(pdf, world.trust).signatures[0].verdict is Verdict.da_thu_hoi


# --- tampered and badly signed files --------------------------------------------------------------


def test_a_forged_time_stamp_does_not_back_date_the_check(world: Pki) -> None:
    """An expired certificate's signature, its time stamp edited back into the certificate's
    validity, checked against a CRL published a week earlier (so that it speaks for that time)."""
    crl = pki.make_crl(world.ca, [], now=world.now - dt.timedelta(days=7), next_update=dt.timedelta(days=14))
    trust = Trust(roots=(world.root.cert_der(),), intermediates=(world.ca.cert_der(),), crls=(crl,))
    signed = corpus.signed_by(corpus.expired_signer(world), world=world)
    assert verify_pdf(signed, trust).signatures[0].verdict is Verdict.het_han
    report = verify_pdf(corpus.forge_time_stamp(signed, world.now - dt.timedelta(days=3)), trust)
    (check,) = report.signatures
    assert not check.timestamped  # the TSA's signature no longer matches the edited time
    assert report.verdict is DocumentVerdict.khong_hop_le


def test_a_time_stamp_from_an_untrusted_tsa_does_not_back_date_the_check(world: Pki) -> None:
    """The same back-dating with a well-formed token from a TSA of the signer's own making."""
    root = pki.make_root(world.now - dt.timedelta(days=400))
    ca = pki.make_issuing_ca(root, world.now - dt.timedelta(days=400))
    start, end = world.now - dt.timedelta(days=30), world.now + dt.timedelta(days=30)
    own_tsa = pki.issue(
        ca, pki.Subject(pki.Holder.tsa, pki.TSA_NAME), not_before=start, not_after=end, key=world.weak_key
    )
    stamper = pades.timestamper(own_tsa, (ca.cert, root.cert))
    stamper.fixed_dt = world.now - dt.timedelta(days=3)
    signed = pades.sign_pdf(
        corpus.rendered(corpus.LETTER), corpus.expired_signer(world), world.chain, field="A", tsa=stamper
    )
    crl = pki.make_crl(world.ca, [], now=world.now - dt.timedelta(days=7), next_update=dt.timedelta(days=14))
    trust = Trust(roots=(world.root.cert_der(),), intermediates=(world.ca.cert_der(),), crls=(crl,))
    (check,) = verify_pdf(signed, trust).signatures
    assert check.verdict is not Verdict.hop_le


BREAKS = {
    "time_stamp_content_type": corpus.break_time_stamp_content_type,
    "time_stamp_digest": corpus.break_time_stamp_digest,
    "appearance": corpus.break_appearance,
}


@pytest.mark.parametrize("name", BREAKS_RAISED)
def test_a_damaged_signature_part_is_reported_not_raised(name: str, world: Pki) -> None:
    base = corpus.leader_signed(world)
    damaged = BREAKS[name](base)
    assert len(damaged) == len(base)
    report = verify_pdf(damaged, world.trust)
    assert report.verdict is DocumentVerdict.khong_hop_le
    assert [check.verdict for check in report.signatures] in ([Verdict.loi_chu_ky], [Verdict.bi_sua_doi])


def test_the_tamper_corpus_is_large_and_distinct() -> None:
    cases = corpus.tamper_cases()
    assert len(cases) >= 15
    assert len({case.name for case in cases}) == len(cases)
    assert len({case.pdf for case in cases}) == len(cases)
    assert {case.pdf for case in cases}.isdisjoint(case.pdf for case in corpus.legit_cases())


@pytest.mark.parametrize("name", corpus.TAMPER_NAMES)
def test_tamper_case_is_not_valid(name: str, trust: Trust) -> None:
    case = corpus.tamper_case(name)
    report = verify_pdf(case.pdf, trust)
    assert report.verdict is not DocumentVerdict.hop_le
    assert not any(check.valid for check in report.signatures)


@pytest.mark.parametrize("name", _params(corpus.TAMPER_NAMES))
def test_tamper_case_gets_its_verdict(name: str, trust: Trust) -> None:
    case = corpus.tamper_case(name)
    report = verify_pdf(case.pdf, trust)
    if isinstance(case.expected, DocumentVerdict):
        assert report.verdict is case.expected
        assert report.signatures == ()
        assert report.problem
    else:
        assert report.verdict is DocumentVerdict.khong_hop_le
        assert [check.verdict for check in report.signatures] == [case.expected]
        assert report.signatures[0].problems[0] == VERDICT_NAMES[case.expected]


def _differences(a: bytes, b: bytes) -> list[int]:
    assert len(a) == len(b)
    return [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]


@pytest.mark.parametrize(
    ("name", "signed"),
    [("flip_page_content", True), ("flip_signature_value", False), ("flip_byte_range", True), ("flip_xref", True)],
)
def test_a_flip_changes_one_byte_where_it_says(name: str, signed: bool, world: Pki) -> None:
    base = corpus.leader_signed(world)
    (offset,) = _differences(base, corpus.tamper_case(name).pdf)
    _, a, b, c, d = corpus.last_byte_range(base)
    in_signed_range = a <= offset < a + b or c <= offset < c + d
    assert in_signed_range is signed


def test_flips_land_in_the_structures_they_name(world: Pki) -> None:
    base = corpus.leader_signed(world)
    at, *_ = corpus.last_byte_range(base)
    assert at < corpus.byte_range_offset(base) < base.index(b"]", at)
    xref = corpus.xref_offset(base)
    assert base.rfind(b"xref", 0, xref) == base.find(b"xref")  # in the first table
    entry = base[xref - 9 : xref + 11]  # the 20-byte entry whose offset's last digit it is
    assert re.fullmatch(rb"\d{10} 00000 n\s\s", entry), entry


@pytest.mark.parametrize("name", ["update_page_content", "update_add_page", "update_media_box", "update_overlay_text"])
def test_an_update_after_signing_keeps_the_signed_bytes_but_changes_the_document(name: str, world: Pki) -> None:
    base = corpus.leader_signed(world)
    case = corpus.tamper_case(name)
    assert case.pdf.startswith(base)  # an incremental update: the signed revision is untouched
    (check,) = verify_pdf(case.pdf, world.trust).signatures
    assert check.intact
    assert check.trusted
    assert check.modified_after == "other"
    assert not check.covers_whole_file


def test_update_cases_do_what_they_say(world: Pki) -> None:
    def pages(pdf: bytes) -> list[pypdf.PageObject]:
        return list(pypdf.PdfReader(io.BytesIO(pdf)).pages)

    base = pages(corpus.leader_signed(world))
    assert len(pages(corpus.tamper_case("update_add_page").pdf)) == len(base) + 1
    (cropped,) = pages(corpus.tamper_case("update_media_box").pdf)
    assert [float(v) for v in cropped.mediabox] != [float(v) for v in base[0].mediabox]
    (overlaid,) = pages(corpus.tamper_case("update_overlay_text").pdf)
    assert "DA DUYET" in overlaid.extract_text()
    (rewritten,) = pages(corpus.tamper_case("update_page_content").pdf)
    new_content, old_content = rewritten.get_contents(), base[0].get_contents()
    assert new_content is not None
    assert old_content is not None
    assert new_content.get_data() != old_content.get_data()


def test_resaved_file_is_no_longer_the_signed_bytes(world: Pki) -> None:
    base = corpus.leader_signed(world)
    resaved = corpus.tamper_case("resaved").pdf
    assert not resaved.startswith(base[:2000])
    assert resaved.count(b"/ByteRange") == 1  # the signature is still there, its range now wrong


# --- files that are not signed PDFs ---------------------------------------------------------------


def encrypted(pdf: bytes) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.encrypt("mat-khau-1", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [b"", b"not a pdf at all", b"PK\x03\x04" + b"\0" * 100, b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog", b"%PDF-"],
    ids=["empty", "text", "zip", "pdf-header-only-junk", "bare-header"],
)
def test_unreadable_input_is_reported_not_raised(data: bytes, trust: Trust) -> None:
    report = verify_pdf(data, trust)
    assert report.verdict is DocumentVerdict.khong_doc_duoc
    assert report.problem
    assert report.signatures == ()


def test_encrypted_pdf_is_reported(trust: Trust) -> None:
    report = verify_pdf(encrypted(corpus.rendered(corpus.LETTER)), trust)
    assert report.verdict is DocumentVerdict.khong_doc_duoc
    assert report.problem is not None
    assert "mã hóa" in report.problem


def test_encrypted_signed_pdf_is_reported(world: Pki) -> None:
    report = verify_pdf(encrypted(corpus.leader_signed(world)), world.trust)
    assert report.verdict is DocumentVerdict.khong_doc_duoc


def test_unsigned_pdf_is_chua_ky(trust: Trust) -> None:
    report = verify_pdf(corpus.rendered(corpus.LETTER), trust)
    assert report.verdict is DocumentVerdict.chua_ky
    assert report.problem is None
    assert report.signatures == ()
    assert report.verdict_name == "Tệp chưa được ký số"


# --- the report -----------------------------------------------------------------------------------


def _all_cases() -> list[LegitCase | TamperCase]:
    return [*corpus.legit_cases(), *corpus.tamper_cases()]


def test_as_dict_is_json(trust: Trust) -> None:
    for case in _all_cases():
        report = verify_pdf(case.pdf, trust)
        data = json.loads(json.dumps(report.as_dict(), ensure_ascii=False))
        assert data["verdict"] == report.verdict.value
        assert len(data["signatures"]) == len(report.signatures)
        for entry, check in zip(data["signatures"], report.signatures, strict=True):
            assert entry["verdict"] == check.verdict.value
            assert entry["valid"] is check.valid
            assert entry["visible"] is (check.rect is not None)
            assert entry["signer"]["name"] == (check.signer.name if check.signer else None)


def test_as_dict_of_the_two_signature_practice(trust: Trust) -> None:
    data = verify_pdf(corpus.legit_case("personal_then_agency").pdf, trust).as_dict()
    assert data["verdict"] == "hop_le"
    leader, *_, seal = data["signatures"]
    assert leader["signer"]["holder"] == "ca_nhan"
    assert seal["signer"]["holder"] == "to_chuc"
    assert leader["box"]["page"] == 1
    assert leader["has_image"] is True
    (overlap,) = seal["overlaps"]
    assert overlap["index"] == 1
    assert overlap["side"] == "left"
    assert dt.datetime.fromisoformat(seal["signing_time"]).tzinfo is not None


def test_verify_is_deterministic(trust: Trust) -> None:
    for case in _all_cases():
        first: Report = verify_pdf(case.pdf, trust)
        second = verify_pdf(case.pdf, trust)
        assert second == first, case.name
        assert second.as_dict() == first.as_dict(), case.name
