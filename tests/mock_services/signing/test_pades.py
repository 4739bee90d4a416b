"""Signing a PDF: an incremental update that leaves what was there intact, a field of the name
asked for, a box where it was asked, Vietnamese text in the appearance, and clear errors for a
file that cannot be signed."""

from __future__ import annotations

import gc
import io
import warnings
from typing import Any

import pypdf
import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from mock_services.signing import pades
from mock_services.signing.pades import Box, Look, PdfSigningError
from mock_services.signing.verify import DocumentVerdict, Verdict, verify_pdf
from tests.mock_services.signing import corpus
from tests.mock_services.signing.corpus import Pki

LETTER_BOX = Box(0, 300.5, 120.25, 450.75, 134.5)  # an empty stretch at the bottom of the letter


@pytest.fixture(scope="module")
def world() -> Pki:
    return corpus.world()


@pytest.fixture(scope="module")
def letter() -> bytes:
    return corpus.rendered(corpus.LETTER)


def embedded(pdf: bytes) -> list[Any]:
    return list(PdfFileReader(io.BytesIO(pdf), strict=False).embedded_signatures)


def encrypted(pdf: bytes, user: str) -> bytes:
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user, "chu-so-huu", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the update -----------------------------------------------------------------------------------


def test_signing_appends_an_incremental_update(world: Pki, letter: bytes) -> None:
    signed = corpus.sign(letter, world.leader, world=world, field="ChuKy")
    assert signed.startswith(letter)
    assert len(signed) > len(letter)
    assert signed.rstrip().endswith(b"%%EOF")
    assert signed.count(b"%%EOF") == letter.count(b"%%EOF") + 1


def test_field_name_is_the_one_asked_for(world: Pki, letter: bytes) -> None:
    signed = corpus.sign(letter, world.leader, world=world, field="ChuKy_PhoChuTich", box=LETTER_BOX)
    assert [sig.field_name for sig in embedded(signed)] == ["ChuKy_PhoChuTich"]
    fields = pypdf.PdfReader(io.BytesIO(signed)).get_fields()
    assert fields is not None
    assert "ChuKy_PhoChuTich" in fields


def test_signature_is_pades_with_the_digest_asked_for(world: Pki, letter: bytes) -> None:
    default = corpus.sign(letter, world.leader, world=world, field="A")
    sha1 = corpus.sign(letter, world.leader, world=world, field="B", md_algorithm="sha1")
    (first,), (second,) = embedded(default), embedded(sha1)
    assert first.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert first.md_algorithm == "sha256"
    assert second.md_algorithm == "sha1"


def test_signer_and_chain_are_embedded(world: Pki, letter: bytes) -> None:
    (sig,) = embedded(corpus.sign(letter, world.leader, world=world, field="A"))
    assert sig.signer_cert.dump() == world.leader.cert_der()
    carried = {cert.dump() for cert in sig.other_embedded_certs}
    assert {world.ca.cert_der(), world.root.cert_der()} <= carried


def test_reason_and_location_are_written(world: Pki, letter: bytes) -> None:
    signed = pades.sign_pdf(
        letter, world.leader, world.chain, field="A", reason="Ký ban hành văn bản", location="Ninh Kiều, Cần Thơ"
    )
    (sig,) = embedded(signed)
    assert sig.sig_object["/Reason"] == "Ký ban hành văn bản"
    assert sig.sig_object["/Location"] == "Ninh Kiều, Cần Thơ"


def test_a_second_signature_keeps_the_first_intact(world: Pki, letter: bytes) -> None:
    once = corpus.sign(letter, world.leader, world=world, field="LanhDao", box=corpus.leader_box(corpus.LETTER))
    twice = corpus.sign(once, world.agency, world=world, field="VanThu", box=LETTER_BOX)
    assert twice.startswith(once)
    assert corpus.byte_ranges(twice) == [*corpus.byte_ranges(once), corpus.last_byte_range(twice)[1:]]
    report = verify_pdf(twice, world.trust)
    assert report.verdict is DocumentVerdict.hop_le
    first, second = report.signatures
    assert first.intact
    assert first.modified_after == "form_filling"
    assert not first.covers_whole_file
    assert second.covers_whole_file
    assert first.signer is not None
    assert first.signer.serial == world.leader.serial
    assert second.signer is not None
    assert second.signer.serial == world.agency.serial


def test_time_stamp_is_optional(world: Pki, letter: bytes) -> None:
    stamped = corpus.sign(letter, world.leader, world=world, field="A")
    bare = pades.sign_pdf(letter, world.leader, world.chain, field="A")
    (with_token,) = verify_pdf(stamped, world.trust).signatures
    (without,) = verify_pdf(bare, world.trust).signatures
    assert with_token.timestamped
    assert not without.timestamped
    assert without.verdict is Verdict.hop_le
    assert without.signing_time is not None


# --- the box and its look -------------------------------------------------------------------------


def test_box_is_placed_exactly(world: Pki, letter: bytes) -> None:
    signed = corpus.sign(letter, world.leader, world=world, field="A", box=LETTER_BOX, look=Look(text="Đã ký"))
    (sig,) = embedded(signed)
    assert [float(v) for v in sig.sig_field["/Rect"]] == [300.5, 120.25, 450.75, 134.5]
    (check,) = verify_pdf(signed, world.trust).signatures
    assert check.rect is not None
    assert (check.rect.page, check.rect.x0, check.rect.y1) == (1, 300.5, 134.5)


def test_box_geometry() -> None:
    box = Box(1, 10.0, 20.0, 110.5, 60.25)
    assert box.width == 100.5
    assert box.height == 40.25
    assert box.as_dict() == {"page": 2, "x0": 10.0, "y0": 20.0, "x1": 110.5, "y1": 60.25}


def _unicode_maps(appearance: Any, depth: int = 0) -> bytes:
    """The ToUnicode maps of every font an appearance (and the forms it nests) uses."""
    if depth > 6:
        return b""
    found = b""
    resources = appearance.get("/Resources", {})
    for ref in resources.get("/Font", {}).values():
        font = ref.get_object()
        if "/ToUnicode" in font:
            found += font["/ToUnicode"].data
    for ref in resources.get("/XObject", {}).values():
        found += _unicode_maps(ref.get_object(), depth + 1)
    return found


@pytest.mark.parametrize("text", [corpus.NUMBER_TEXT, corpus.DATE_TEXT, "Trần Thị Bích Ngữ\nPHÓ CHỦ TỊCH"])
def test_vietnamese_text_appearance_signs(world: Pki, letter: bytes, text: str) -> None:
    signed = corpus.sign(letter, world.agency, world=world, field="VanThu", box=LETTER_BOX, look=Look(text=text))
    (check,) = verify_pdf(signed, world.trust).signatures
    assert check.verdict is Verdict.hop_le
    assert check.rect is not None
    assert check.has_image is False
    (sig,) = embedded(signed)
    maps = _unicode_maps(sig.sig_field["/AP"]["/N"].get_object()).lower()
    for char in {c for c in text if ord(c) > 127}:
        assert f"<{ord(char):04x}>".encode() in maps, char  # the glyph is there, mapped back to its letter


def test_percent_in_text_is_literal(world: Pki, letter: bytes) -> None:
    signed = corpus.sign(letter, world.agency, world=world, field="A", box=LETTER_BOX, look=Look(text="Đạt 100%"))
    assert verify_pdf(signed, world.trust).verdict is DocumentVerdict.hop_le


@pytest.mark.parametrize(
    ("look", "image"),
    [
        (Look(image=corpus.signature_image()), True),
        (Look(image=corpus.seal_image(), text="Ký bởi: ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU"), True),
        (Look(text="Ký số"), False),
    ],
    ids=["image", "image-and-text", "text"],
)
def test_image_appearance_is_seen(world: Pki, letter: bytes, look: Look, image: bool) -> None:
    signed = corpus.sign(letter, world.agency, world=world, field="A", box=LETTER_BOX, look=look)
    (check,) = verify_pdf(signed, world.trust).signatures
    assert check.has_image is image
    assert check.valid


def test_text_appearance_closes_its_font_file(world: Pki, letter: bytes) -> None:
    """pyHanko's own font factory opens the font file and never closes it: a ResourceWarning per
    text appearance (an error under this project's filterwarnings, in whatever test runs next)."""
    gc.collect()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        pades.sign_pdf(letter, world.agency, world.chain, field="A", box=LETTER_BOX, look=Look(text="Số: 05"))
        gc.collect()
    leaks = [str(warning.message) for warning in caught if issubclass(warning.category, ResourceWarning)]
    assert leaks == []


# --- what cannot be signed ------------------------------------------------------------------------


@pytest.mark.parametrize("page", [1, 5, -1])
def test_a_page_the_file_does_not_have_raises(world: Pki, letter: bytes, page: int) -> None:
    with pytest.raises(PdfSigningError, match="page"):
        pades.sign_pdf(letter, world.leader, world.chain, field="A", box=Box(page, 100, 100, 200, 150))


def test_the_last_page_of_a_long_letter_is_fine(world: Pki) -> None:
    long_letter = corpus.rendered(corpus.LONG_LETTER)
    pages = len(pypdf.PdfReader(io.BytesIO(long_letter)).pages)
    signed = pades.sign_pdf(long_letter, world.leader, world.chain, field="A", box=Box(pages - 1, 100, 100, 200, 150))
    (check,) = verify_pdf(signed, world.trust).signatures
    assert check.rect is not None
    assert check.rect.page == pages
    with pytest.raises(PdfSigningError):
        pades.sign_pdf(long_letter, world.leader, world.chain, field="A", box=Box(pages, 100, 100, 200, 150))


@pytest.mark.parametrize(
    "data",
    [b"", b"garbage, not a PDF", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n", b"\x89PNG\r\n\x1a\n" + bytes(64)],
    ids=["empty", "text", "pdf-header-no-body", "png"],
)
def test_garbage_raises(world: Pki, data: bytes) -> None:
    with pytest.raises(PdfSigningError, match="not a readable PDF"):
        pades.sign_pdf(data, world.leader, world.chain, field="A")


def test_a_truncated_pdf_raises(world: Pki, letter: bytes) -> None:
    with pytest.raises(PdfSigningError):
        pades.sign_pdf(letter[: len(letter) // 2], world.leader, world.chain, field="A")


@pytest.mark.parametrize("user_password", ["mat-khau", ""], ids=["with-password", "owner-only"])
def test_an_encrypted_pdf_raises(world: Pki, letter: bytes, user_password: str) -> None:
    with pytest.raises(PdfSigningError, match="encrypted"):
        pades.sign_pdf(encrypted(letter, user_password), world.leader, world.chain, field="A", box=LETTER_BOX)


def test_signing_errors_are_value_errors() -> None:
    assert issubclass(PdfSigningError, ValueError)
