"""A corpus of signed PDFs for the verifier: legitimate files that must come back hợp lệ, and
tampered or badly signed ones that must not, each with the verdict it must get.

Everything is made in memory from one mock PKI per process (``world()``): a root, the issuing CA,
the time-stamp authority, a leader's personal certificate, the agency's certificate, a few
certificates that are wrong on purpose (revoked, expired, weak…) and the CRL. The signed files
start from a letter rendered as the document service renders it.

The changes an editor makes after signing (``replace_page_content``, ``add_page``,
``replace_media_box``, ``overlay_text``) live in mock_services.signing.tampering, where setup seeds
"altered" incoming documents with them; the byte-level damage (``flip``, ``truncate``, ``resave``,
``forge_time_stamp`` and the ``break_*`` ones) is here, for the tests only.

Cases are built lazily, one by one (``legit_case(name)``, ``tamper_case(name)``), and kept for
the life of the process: a parametrised test collects the names without signing anything.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

import pypdf
from asn1crypto import cms
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from PIL import Image, ImageDraw
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper

from mock_services.documents.render import Letter, render_letter, signature_box
from mock_services.signing import pades, pki
from mock_services.signing.pades import Box, Look
from mock_services.signing.pki import Holder, Issued, Subject
from mock_services.signing.tampering import add_page, overlay_text, replace_media_box, replace_page_content
from mock_services.signing.verify import DocumentVerdict, Trust, Verdict

AGENCY = "ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU"
LEADER = "Trần Thị Bích Ngữ"
LEADER_UID = "092186000123"  # a synthetic CCCD
UNIT = "Văn phòng HĐND và UBND phường"
NUMBER_TEXT = "Số: 05/UBND-VP"
DATE_TEXT = "Ngày 23/11/2026 10:15:00"

LEADER_FIELD = "ChuKy_LanhDao"
NUMBER_FIELD = "ChuKy_VanThu_So"
DATE_FIELD = "ChuKy_VanThu_Ngay"
SEAL_FIELD = "ChuKy_VanThu_Dau"

PARAGRAPH = (
    "Thực hiện Kế hoạch số 12/KH-UBND ngày 05 tháng 01 năm 2026 của Ủy ban nhân dân thành phố về việc tổ chức "
    "thi đánh giá năng lực sử dụng công nghệ thông tin của công chức, viên chức; đề nghị các đơn vị khẩn trương "
    "triển khai, bảo đảm đúng tiến độ."
)

LETTER = Letter(
    issuer_parent="UBND THÀNH PHỐ CẦN THƠ",
    issuer="ỦY BAN NHÂN DÂN\nPHƯỜNG NINH KIỀU",
    number_line="Số: 05/UBND-VP",
    place_date="Ninh Kiều, ngày 23 tháng 11 năm 2026",
    type_name="",
    summary="V/v tổ chức thi đánh giá năng lực sử dụng công nghệ thông tin năm 2026",
    kinh_gui=("Phòng Văn hóa - Xã hội", "Trung tâm Phục vụ hành chính công phường"),
    body="Mở đầu: kỹ năng số là yêu cầu bắt buộc.\n\n" + PARAGRAPH + "\n\nĐoạn kết: trân trọng cảm ơn./.",
    signer_lines=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    signer_name=LEADER,
    recipients=("- Như trên;", "- UBND thành phố (để b/c);", "- Lưu: VT, VP."),
)
# Long enough that the signer's block lands on the second page.
LONG_LETTER = replace(LETTER, body="\n\n".join(f"Đoạn {i + 1}. {PARAGRAPH}" for i in range(13)))

Expected = Verdict | DocumentVerdict


# --- the PKI --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pki:
    """The mock PKI the corpus signs with, and what the verifier is told to trust."""

    now: dt.datetime
    root: Issued
    ca: Issued
    tsa: Issued
    leader: Issued  # cá nhân: the leader who signs the letter
    agency: Issued  # tổ chức: the agency's certificate, the văn thư's to use
    revoked_before: Issued  # revoked a day before it signs anything
    revoked_after: Issued  # revoked two days after its (time-stamped) signature
    revoked_at: dt.datetime
    weak_key: rsa.RSAPrivateKey  # RSA-1024, made once
    crl: bytes

    @property
    def chain(self) -> tuple[x509.Certificate, ...]:
        return (self.ca.cert, self.root.cert)

    @property
    def trust(self) -> Trust:
        return Trust(roots=(self.root.cert_der(),), intermediates=(self.ca.cert_der(),), crls=(self.crl,))

    def stamper(self, at: dt.datetime | None = None) -> DummyTimeStamper:
        """The TSA, stamping the current time, or ``at`` (a signature made earlier)."""
        stamper = pades.timestamper(self.tsa, self.chain)
        stamper.fixed_dt = at
        return stamper

    def person(
        self,
        name: str,
        *,
        ca: Issued | None = None,
        not_before: dt.datetime | None = None,
        not_after: dt.datetime | None = None,
        key: pki.PrivateKey | None = None,
        non_repudiation: bool = True,
    ) -> Issued:
        """A personal certificate from ``ca`` (ours by default), valid a month back and a year ahead."""
        return pki.issue(
            ca or self.ca,
            Subject(Holder.ca_nhan, name, organization=AGENCY, unit=UNIT, uid=LEADER_UID),
            not_before=not_before or self.now - dt.timedelta(days=30),
            not_after=not_after or self.now + dt.timedelta(days=365),
            key=key,
            non_repudiation=non_repudiation,
        )


def make_pki(now: dt.datetime | None = None) -> Pki:
    """A fresh PKI. Its certificates are valid around ``now`` (the real time by default: the
    time-stamp authority stamps the real time)."""
    now = now or dt.datetime.now(dt.UTC)
    root = pki.make_root(now - dt.timedelta(days=400))
    ca = pki.make_issuing_ca(root, now - dt.timedelta(days=400))
    start, end = now - dt.timedelta(days=30), now + dt.timedelta(days=365)

    def issue(subject: Subject, key: pki.PrivateKey | None = None) -> Issued:
        return pki.issue(ca, subject, not_before=start, not_after=end, key=key)

    personal = Subject(Holder.ca_nhan, LEADER, organization=AGENCY, unit=UNIT, uid=LEADER_UID)
    tsa = issue(Subject(Holder.tsa, pki.TSA_NAME), key=pki.new_rsa_key())
    leader = issue(personal)
    agency = issue(Subject(Holder.to_chuc, AGENCY))
    revoked_before = issue(replace(personal, name="Lê Văn Thu Hồi"))
    revoked_after = issue(replace(personal, name="Phạm Thị Ký Trước"))
    revoked_at = now - dt.timedelta(days=1)
    weak_key = pki.new_rsa_key(1024)
    revoked = [(revoked_before.cert.serial_number, revoked_at), (revoked_after.cert.serial_number, revoked_at)]
    crl = pki.make_crl(ca, revoked, now=now, next_update=dt.timedelta(days=7))
    return Pki(now, root, ca, tsa, leader, agency, revoked_before, revoked_after, revoked_at, weak_key, crl)


@functools.cache
def world() -> Pki:
    """The PKI every case of this process is signed with."""
    return make_pki()


def self_signed(name: str, now: dt.datetime) -> Issued:
    """A personal certificate that names itself as its issuer: right usages, no CA behind it."""
    key = pki.new_key()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, AGENCY),
            x509.NameAttribute(NameOID.COMMON_NAME, name),
        ]
    )
    usage = x509.KeyUsage(
        digital_signature=True,
        content_commitment=True,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )
    policy = x509.PolicyInformation(pki.HOLDER_POLICIES[Holder.ca_nhan], None)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=30))
        .not_valid_after(now + dt.timedelta(days=365))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(usage, critical=True)
        .add_extension(x509.CertificatePolicies([policy]), critical=False)
        .sign(key, hashes.SHA256())
    )
    return Issued(cert, key)


# --- appearances and places -----------------------------------------------------------------------


@functools.cache
def signature_image() -> Image.Image:
    """A handwritten-looking signature: blue strokes on a transparent background."""
    image = Image.new("RGBA", (360, 140), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.line([(20, 110), (70, 30), (110, 100), (160, 40), (200, 95), (260, 35), (340, 80)], (20, 40, 170, 255), 7)
    draw.line([(60, 120), (300, 112)], (20, 40, 170, 255), 4)
    return image


@functools.cache
def seal_image() -> Image.Image:
    """A round red seal on a transparent background."""
    image = Image.new("RGBA", (300, 300), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (200, 20, 20, 230)
    draw.ellipse([6, 6, 294, 294], outline=red, width=10)
    draw.ellipse([40, 40, 260, 260], outline=red, width=4)
    draw.regular_polygon((150, 150, 45), 5, fill=red)
    return image


@functools.cache
def rendered(letter: Letter) -> bytes:
    """The letter as the document service renders it (deterministic, so made once)."""
    return render_letter(letter)


@functools.cache
def leader_box(letter: Letter) -> Box:
    """The space the letter leaves for the leader's signature."""
    return Box(*signature_box(letter))


def seal_box(leader: Box) -> Box:
    """The seal as Nghị định 30 places it: a 36 mm disc over the left third of the leader's signature."""
    side = 36 * 72 / 25.4
    x0 = leader.x0 - 0.05 * leader.width
    middle = (leader.y0 + leader.y1) / 2
    return Box(leader.page, x0, middle - side / 2, x0 + side, middle + side / 2)


def text_box(pdf: bytes, starts: str, *, width: float = 150, height: float = 14, below: float = 16) -> Box:
    """A box for a line of text just under the first line of ``pdf`` that starts with ``starts``."""
    found: list[tuple[int, float, float]] = []
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    for index, page in enumerate(reader.pages):

        def visit(text: str, cm: list[float], tm: list[float], *_: object, index: int = index) -> None:
            if text.strip().startswith(starts):
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                found.append((index, x, y))

        page.extract_text(visitor_text=visit)
    if not found:
        raise LookupError(f"no line starts with {starts!r}")
    page_index, x, y = found[0]
    return Box(page_index, x, y - below - height, x + width, y - below)


# --- signing --------------------------------------------------------------------------------------


def sign(
    pdf: bytes,
    signer: Issued,
    *,
    world: Pki,
    field: str = LEADER_FIELD,
    box: Box | None = None,
    look: Look | None = None,
    stamped_at: dt.datetime | None = None,
    chain: tuple[x509.Certificate, ...] | None = None,
    md_algorithm: str = "sha256",
) -> bytes:
    """``pdf`` signed by ``signer``, time-stamped by the world's TSA."""
    return pades.sign_pdf(
        pdf,
        signer,
        world.chain if chain is None else chain,
        field=field,
        box=box,
        look=look,
        tsa=world.stamper(stamped_at),
        md_algorithm=md_algorithm,
    )


def signed_by(signer: Issued, *, world: Pki, letter: Letter = LETTER, **options: Any) -> bytes:
    """The letter signed by ``signer`` in the leader's box, with a handwritten signature image."""
    return sign(
        rendered(letter),
        signer,
        world=world,
        box=leader_box(letter),
        look=Look(image=signature_image()),
        **options,
    )


@functools.cache
def leader_signed(w: Pki) -> bytes:
    """The letter signed by ``w``'s leader: what most tampering starts from."""
    return signed_by(w.leader, world=w)


# --- tampering ------------------------------------------------------------------------------------

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_DIGITS = b"0123456789"
_HEX = b"0123456789ABCDEFabcdef"


def flip(pdf: bytes, offset: int) -> bytes:
    """``pdf`` with the byte at ``offset`` changed: a digit to another digit, a hex digit to another
    hex digit (so numbers and hex strings still parse), anything else to another byte."""
    old = pdf[offset]
    if old in _DIGITS:
        new = _DIGITS[(_DIGITS.index(old) + 1) % 10]
    elif old in _HEX:
        new = old - 5 if old in b"Ff" else old + 1  # f -> a
    else:
        new = old ^ 0x55
    return pdf[:offset] + bytes([new]) + pdf[offset + 1 :]


def byte_ranges(pdf: bytes) -> list[tuple[int, int, int, int]]:
    """Every signature's /ByteRange, in the order they appear in the file."""
    return [(int(a), int(b), int(c), int(d)) for a, b, c, d in (m.groups() for m in _BYTE_RANGE.finditer(pdf))]


def last_byte_range(pdf: bytes) -> tuple[int, int, int, int, int]:
    """Where the last signature's /ByteRange is written, and its four numbers (start, length, start,
    length: the signed bytes on either side of the /Contents hex string)."""
    match = list(_BYTE_RANGE.finditer(pdf))[-1]
    a, b, c, d = (int(group) for group in match.groups())
    return match.start(), a, b, c, d


def _contents_number(pdf: bytes, page: int) -> int:
    """The object number of the page's content stream."""
    contents = pypdf.PdfReader(io.BytesIO(pdf)).pages[page].raw_get("/Contents")
    if not isinstance(contents, pypdf.generic.IndirectObject):
        raise LookupError("the page's contents are not an indirect object")
    return int(contents.idnum)


def content_offset(pdf: bytes, page: int = 0) -> int:
    """An offset inside the page's content stream data, as first written (in the signed range)."""
    number = _contents_number(pdf, page)
    header = re.search(rb"(?<![0-9])%d 0 obj" % number, pdf)
    if header is None:
        raise LookupError(f"object {number} not found")
    start = pdf.index(b"stream", header.end()) + len(b"stream\n")
    return start + 24


def signature_value_offset(pdf: bytes) -> int:
    """An offset in the last signature's /Contents hex, in the middle of the signer's signature value."""
    _, _, b, c, _ = last_byte_range(pdf)
    hex_start = b + 1  # just after "<"
    der = bytes.fromhex(pdf[hex_start : c - 1].decode("ascii"))
    info = cms.ContentInfo.load(der)  # the zero padding after the DER is ignored (not strict)
    value = info["content"]["signer_infos"][0]["signature"].contents
    position = der.index(value)
    return hex_start + 2 * (position + len(value) // 2)


def byte_range_offset(pdf: bytes) -> int:
    """The last digit of the third /ByteRange number (where the signed bytes resume)."""
    at, _, _, c, _ = last_byte_range(pdf)
    text = pdf[at : pdf.index(b"]", at)]
    third = re.search(rb"\[\s*\d+\s+\d+\s+(%d)" % c, text)
    if third is None:
        raise LookupError("no /ByteRange")
    return at + third.end(1) - 1


def xref_offset(pdf: bytes, page: int = 0) -> int:
    """A digit of the first cross-reference table's entry for the page's content stream."""
    number = _contents_number(pdf, page)
    table = re.search(rb"xref\r?\n(\d+) (\d+)\r?\n", pdf)
    if table is None:
        raise LookupError("no cross-reference table (a cross-reference stream?)")
    first = int(table.group(1))
    entry = table.end() + 20 * (number - first)
    return entry + 9  # the last digit of the ten-digit offset


def _container(pdf: bytes) -> tuple[int, int, bytes]:
    """Where the last signature's /Contents hex starts and ends, and the DER it holds (with its
    zero padding)."""
    _, _, b, c, _ = last_byte_range(pdf)
    start, end = b + 1, c - 1  # inside "<" and ">"
    return start, end, bytes.fromhex(pdf[start:end].decode("ascii"))


def _time_stamp_token(der: bytes) -> bytes:
    """The DER of the RFC 3161 token in a signature container's unsigned attributes."""
    for attr in cms.ContentInfo.load(der)["content"]["signer_infos"][0]["unsigned_attrs"]:
        if attr["type"].native == "signature_time_stamp_token":
            token: bytes = attr["values"][0].dump()
            return token
    raise LookupError("the signature has no time-stamp token")


def _edit_time_stamp_token(pdf: bytes, edit: Callable[[bytes], bytes]) -> bytes:
    """``pdf`` with the last signature's time-stamp token changed by ``edit`` (same length: the
    /ByteRange stays right). The token sits in the unsigned attributes: the signer's own signature
    does not cover it, only the TSA's does."""
    start, end, der = _container(pdf)
    token = _time_stamp_token(der)
    edited = edit(token)
    if len(edited) != len(token):
        raise ValueError("an edit must keep the token's length")
    at = der.index(token)
    der = der[:at] + edited + der[at + len(token) :]
    return pdf[:start] + der.hex().upper().encode("ascii") + pdf[end:]


def forge_time_stamp(pdf: bytes, when: dt.datetime) -> bytes:
    """The last signature's time-stamp token claiming ``when`` instead (to the second; its TSA
    signature no longer matches): back-dating a signature made with an expired or revoked
    certificate into its good days."""

    def edit(token: bytes) -> bytes:
        info = cms.ContentInfo.load(token)["content"]["encap_content_info"]["content"].parsed
        old = info["gen_time"].contents  # b"YYYYMMDDHHMMSS[.ffffff]Z"
        new = when.astimezone(dt.UTC).strftime("%Y%m%d%H%M%S").encode("ascii") + old[14:]
        return token.replace(old, new, 1)

    return _edit_time_stamp_token(pdf, edit)


# DER of the OIDs the time-stamp token is built on.
_SHA256_OID = bytes.fromhex("0609608648016503040201")  # 2.16.840.1.101.3.4.2.1
_TST_INFO_OID = bytes.fromhex("060B2A864886F70D0109100104")  # 1.2.840.113549.1.9.16.1.4


def break_time_stamp_digest(pdf: bytes) -> bytes:
    """The time-stamp token's digest algorithms changed to an OID that is no hash
    (2.16.840.1.101.3.4.3.1, DSA with SHA-224)."""
    return _edit_time_stamp_token(pdf, lambda token: token.replace(_SHA256_OID, _SHA256_OID[:-2] + b"\x03\x01"))


def break_time_stamp_content_type(pdf: bytes) -> bytes:
    """The time-stamp token's content type changed, so that what it holds no longer reads as a TSTInfo."""
    return _edit_time_stamp_token(pdf, lambda token: token.replace(_TST_INFO_OID, _TST_INFO_OID[:-1] + b"\x05", 1))


def break_appearance(pdf: bytes) -> bytes:
    """A byte of the last signature's appearance stream dictionary changed (in the signed range): its
    /Resources key no longer a name."""
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    widget: Any = reader.embedded_signatures[-1].sig_field
    number = widget["/AP"].raw_get("/N").idnum
    revision = pdf.rfind(b"%%EOF", 0, last_byte_range(pdf)[0])  # the signature's revision starts after
    header = re.compile(rb"(?<![0-9])%d 0 obj" % number).search(pdf, revision)
    if header is None:
        raise LookupError("the appearance stream is not in the signature's revision")
    start = header.end()
    return flip(pdf, pdf.index(b"/Resources", start))


def truncate(pdf: bytes) -> bytes:
    """``pdf`` cut off in the middle of its last signed range: no trailer, no end."""
    _, _, _, c, d = last_byte_range(pdf)
    return pdf[: c + d // 2]


def resave(pdf: bytes) -> bytes:
    """The file rewritten whole by another program (pypdf): every revision flattened into one,
    objects renumbered and moved, the signature dictionaries copied as they were."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(pdf)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# --- the cases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """What one signature of a legitimate file must be reported as."""

    field: str
    signer: str  # the certificate's common name
    holder: Holder
    box: Box | None  # None: invisible
    image: bool
    covers: tuple[int, ...] = ()  # the earlier signatures (1-based) whose left third this one's box covers


@dataclass(frozen=True)
class LegitCase:
    name: str
    description: str
    pdf: bytes
    signatures: tuple[Placed, ...]


@dataclass(frozen=True)
class TamperCase:
    name: str
    description: str
    pdf: bytes
    expected: Expected  # every signature's verdict; or the document's when it cannot be read


def _leader_placed(letter: Letter = LETTER) -> Placed:
    return Placed(LEADER_FIELD, LEADER, Holder.ca_nhan, leader_box(letter), image=True)


def _personal(w: Pki) -> tuple[bytes, tuple[Placed, ...]]:
    return leader_signed(w), (_leader_placed(),)


def _personal_then_agency(w: Pki) -> tuple[bytes, tuple[Placed, ...]]:
    """The Vietnamese practice: the leader signs, then the văn thư signs with the agency's
    certificate three times: the number, the date, and the seal over the left third of the
    leader's signature."""
    pdf = leader_signed(w)
    number = text_box(pdf, "Số:")
    date = text_box(pdf, "Ninh Kiều, ngày")
    seal = seal_box(leader_box(LETTER))
    pdf = sign(pdf, w.agency, world=w, field=NUMBER_FIELD, box=number, look=Look(text=NUMBER_TEXT))
    pdf = sign(pdf, w.agency, world=w, field=DATE_FIELD, box=date, look=Look(text=DATE_TEXT))
    pdf = sign(pdf, w.agency, world=w, field=SEAL_FIELD, box=seal, look=Look(image=seal_image()))
    return pdf, (
        _leader_placed(),
        Placed(NUMBER_FIELD, AGENCY, Holder.to_chuc, number, image=False),
        Placed(DATE_FIELD, AGENCY, Holder.to_chuc, date, image=False),
        Placed(SEAL_FIELD, AGENCY, Holder.to_chuc, seal, image=True, covers=(1,)),
    )


def _invisible(w: Pki) -> tuple[bytes, tuple[Placed, ...]]:
    pdf = sign(rendered(LETTER), w.leader, world=w)
    return pdf, (Placed(LEADER_FIELD, LEADER, Holder.ca_nhan, None, image=False),)


def _second_page(w: Pki) -> tuple[bytes, tuple[Placed, ...]]:
    box = leader_box(LONG_LETTER)
    assert box.page == 1, "the long letter's signer block should be on page 2"
    return signed_by(w.leader, world=w, letter=LONG_LETTER), (_leader_placed(LONG_LETTER),)


def _revoked_after_signing(w: Pki) -> tuple[bytes, tuple[Placed, ...]]:
    stamped = w.revoked_at - dt.timedelta(days=2)
    pdf = signed_by(w.revoked_after, world=w, stamped_at=stamped)
    placed = Placed(LEADER_FIELD, "Phạm Thị Ký Trước", Holder.ca_nhan, leader_box(LETTER), image=True)
    return pdf, (placed,)


_LEGIT: dict[str, tuple[str, Callable[[Pki], tuple[bytes, tuple[Placed, ...]]]]] = {
    "personal": ("the leader's signature, with a handwritten image, in the letter's signature space", _personal),
    "personal_then_agency": (
        "the leader, then the agency three times: number (text), date (text), seal over the leader's left third",
        _personal_then_agency,
    ),
    "invisible": ("the leader's signature with no appearance on any page", _invisible),
    "second_page": ("a letter of two pages, the leader's signature on page 2", _second_page),
    "revoked_after_signing": (
        "signed and time-stamped two days before the certificate was revoked (still valid, as PAdES has it)",
        _revoked_after_signing,
    ),
}
LEGIT_NAMES = tuple(_LEGIT)


def _flipped(locate: Callable[[bytes], int]) -> Callable[[Pki], bytes]:
    def build(w: Pki) -> bytes:
        pdf = leader_signed(w)
        return flip(pdf, locate(pdf))

    return build


def _altered(change: Callable[[bytes], bytes]) -> Callable[[Pki], bytes]:
    def build(w: Pki) -> bytes:
        return change(leader_signed(w))

    return build


def _signed_by(make: Callable[[Pki], Issued], **options: Any) -> Callable[[Pki], bytes]:
    def build(w: Pki) -> bytes:
        return signed_by(make(w), world=w, **options)

    return build


def _foreign(w: Pki) -> bytes:
    """A look-alike CA: the same names as ours, other keys."""
    root = pki.make_root(w.now - dt.timedelta(days=400))
    ca = pki.make_issuing_ca(root, w.now - dt.timedelta(days=400))
    return signed_by(w.person(LEADER, ca=ca), world=w, chain=(ca.cert, root.cert))


def _self_signed(w: Pki) -> bytes:
    signer = self_signed(LEADER, w.now)
    return signed_by(signer, world=w, chain=())


def revoked_before_crl(w: Pki) -> bytes:
    return signed_by(w.revoked_before, world=w, stamped_at=w.revoked_at + dt.timedelta(hours=12))


def expired_signer(w: Pki) -> Issued:
    """A personal certificate that expired the day before."""
    return w.person(
        "Ngô Văn Hết Hạn", not_before=w.now - dt.timedelta(days=400), not_after=w.now - dt.timedelta(days=1)
    )


def _forged_time_stamp(w: Pki) -> bytes:
    return forge_time_stamp(signed_by(expired_signer(w), world=w), w.now - dt.timedelta(days=10))


def _weak_key(w: Pki) -> Issued:
    return w.person("Đỗ Văn Khóa Yếu", key=w.weak_key)


_TAMPER: dict[str, tuple[str, Expected, Callable[[Pki], bytes]]] = {
    "flip_page_content": (
        "a byte of the page's content stream changed, inside the signed range",
        Verdict.bi_sua_doi,
        _flipped(content_offset),
    ),
    "flip_signature_value": (
        "a hex digit of the signature value in the signature's /Contents changed",
        Verdict.bi_sua_doi,
        _flipped(signature_value_offset),
    ),
    "flip_byte_range": (
        "the /ByteRange's third number moved by one",
        Verdict.bi_sua_doi,
        _flipped(byte_range_offset),
    ),
    "flip_xref": (
        "a digit of the original cross-reference table changed",
        Verdict.bi_sua_doi,
        _flipped(xref_offset),
    ),
    "truncated": (
        "the file cut off halfway through its last signed range",
        DocumentVerdict.khong_doc_duoc,
        _altered(truncate),
    ),
    "update_page_content": (
        "an incremental update after signing that rewrites the page's content stream",
        Verdict.bi_sua_doi,
        _altered(replace_page_content),
    ),
    "update_add_page": (
        "an incremental update after signing that adds a page",
        Verdict.bi_sua_doi,
        _altered(add_page),
    ),
    "update_media_box": (
        "an incremental update after signing that replaces the page's /MediaBox",
        Verdict.bi_sua_doi,
        _altered(replace_media_box),
    ),
    "update_overlay_text": (
        "an incremental update after signing that draws text over the page in a new content stream",
        Verdict.bi_sua_doi,
        _altered(overlay_text),
    ),
    "resaved": (
        "signed, then rewritten whole by pypdf: revisions flattened, objects moved",
        Verdict.bi_sua_doi,
        _altered(resave),
    ),
    "foreign_ca": (
        "signed with a certificate from another CA that uses our CA's names",
        Verdict.khong_tin_cay,
        _foreign,
    ),
    "self_signed": (
        "signed with a self-signed certificate",
        Verdict.khong_tin_cay,
        _self_signed,
    ),
    "expired": (
        "signed with a certificate that expired the day before",
        Verdict.het_han,
        _signed_by(expired_signer),
    ),
    "forged_time_stamp": (
        "signed with a certificate that expired the day before, its time stamp edited to ten days earlier",
        Verdict.bi_sua_doi,
        _forged_time_stamp,
    ),
    "not_yet_valid": (
        "signed with a certificate valid only from the next day",
        Verdict.het_han,
        _signed_by(
            lambda w: w.person(
                "Vũ Thị Chưa Hiệu Lực",
                not_before=w.now + dt.timedelta(days=1),
                not_after=w.now + dt.timedelta(days=365),
            )
        ),
    ),
    "revoked": (
        "signed with a certificate revoked the day before (in the CRL)",
        Verdict.da_thu_hoi,
        _signed_by(lambda w: w.revoked_before),
    ),
    "revoked_before_crl": (
        "signed (time-stamped) half a day after its certificate was revoked, before the CRL saying so was published",
        Verdict.da_thu_hoi,
        revoked_before_crl,
    ),
    "weak_rsa_1024": (
        "signed with an RSA-1024 key",
        Verdict.thuat_toan_yeu,
        _signed_by(_weak_key),
    ),
    "sha1_digest": (
        "signed with SHA-1 as the message digest",
        Verdict.thuat_toan_yeu,
        _signed_by(lambda w: w.leader, md_algorithm="sha1"),
    ),
    "no_non_repudiation": (
        "signed with a certificate without the non-repudiation key usage",
        Verdict.sai_muc_dich,
        _signed_by(lambda w: w.person("Đinh Văn Sai Mục Đích", non_repudiation=False)),
    ),
}
TAMPER_NAMES = tuple(_TAMPER)


@functools.cache
def legit_case(name: str, w: Pki | None = None) -> LegitCase:
    w = w or world()
    description, build = _LEGIT[name]
    pdf, signatures = build(w)
    return LegitCase(name, description, pdf, signatures)


@functools.cache
def tamper_case(name: str, w: Pki | None = None) -> TamperCase:
    w = w or world()
    description, expected, build = _TAMPER[name]
    return TamperCase(name, description, build(w), expected)


def legit_cases(w: Pki | None = None) -> tuple[LegitCase, ...]:
    """Files that must verify as hợp lệ, every signature of them."""
    return tuple(legit_case(name, w) for name in LEGIT_NAMES)


def tamper_cases(w: Pki | None = None) -> tuple[TamperCase, ...]:
    """Files that must not verify as hợp lệ, each with the verdict it must get."""
    return tuple(tamper_case(name, w) for name in TAMPER_NAMES)
