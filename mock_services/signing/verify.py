"""Verify the signatures in a PDF: a pure function, the one the verification page shows and the
one graderd's file predicates use.

For each signature, in the order they were made: is it intact (the signed bytes hash to what was
signed, and the signature over that hash is valid), trusted (a chain to the mock root), made with a
key meant for signing documents (non-repudiation), revoked or not, expired or not, made with strong
algorithms; when it was made (the RFC 3161 time stamp if there is one); who made it; where it
shows on the page; and what changed after it (pyHanko's difference analysis: adding a signature or
filling a form is fine, changing a page is not, even when the earlier revision's bytes are intact).

The certificate chain is judged at the time the signature was made: the trusted time stamp's time,
else the time the signer reported. A certificate revoked after a signature was made does not undo
that signature, as the PAdES rules have it. Nothing is fetched: the trust anchors and the CRLs are
given.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.policy_decl import CertRevTrustPolicy, RevocationCheckingPolicy, RevocationCheckingRule

from mock_services.signing.pki import HOLDER_NAMES, Holder, common_name, holder_of, serial_text

WEAK_HASHES = frozenset({"md5", "sha1"})
MIN_RSA_BITS = 2048
_QUIET_LOGGERS = ("pyhanko", "pyhanko_certvalidator", "fontTools")


class Verdict(StrEnum):
    """One signature's verdict, worst problem first when there are several."""

    hop_le = "hop_le"
    bi_sua_doi = "bi_sua_doi"
    khong_tin_cay = "khong_tin_cay"
    da_thu_hoi = "da_thu_hoi"
    het_han = "het_han"
    sai_muc_dich = "sai_muc_dich"
    thuat_toan_yeu = "thuat_toan_yeu"
    loi_chu_ky = "loi_chu_ky"


VERDICT_NAMES: dict[Verdict, str] = {
    Verdict.hop_le: "Hợp lệ",
    Verdict.bi_sua_doi: "Văn bản đã bị sửa đổi sau khi ký",
    Verdict.khong_tin_cay: "Chứng thư số không thuộc tổ chức chứng thực tin cậy",
    Verdict.da_thu_hoi: "Chứng thư số đã bị thu hồi",
    Verdict.het_han: "Chứng thư số hết hạn (hoặc chưa có hiệu lực) khi ký",
    Verdict.sai_muc_dich: "Chứng thư số không dùng để ký văn bản (thiếu chống chối bỏ)",
    Verdict.thuat_toan_yeu: "Thuật toán hoặc khóa yếu (SHA-1, RSA dưới 2048 bit)",
    Verdict.loi_chu_ky: "Chữ ký không đọc được",
}


class DocumentVerdict(StrEnum):
    """The whole file: what a clerk decides on."""

    hop_le = "hop_le"
    khong_hop_le = "khong_hop_le"
    chua_ky = "chua_ky"
    khong_doc_duoc = "khong_doc_duoc"


DOCUMENT_VERDICT_NAMES: dict[DocumentVerdict, str] = {
    DocumentVerdict.hop_le: "Tất cả chữ ký hợp lệ",
    DocumentVerdict.khong_hop_le: "Có chữ ký không hợp lệ",
    DocumentVerdict.chua_ky: "Tệp chưa được ký số",
    DocumentVerdict.khong_doc_duoc: "Không đọc được tệp PDF",
}


@dataclass(frozen=True)
class Trust:
    """What the verifier trusts: root certificates, intermediates it may use to build a chain,
    and CRLs (all DER)."""

    roots: tuple[bytes, ...]
    intermediates: tuple[bytes, ...] = ()
    crls: tuple[bytes, ...] = ()

    def context(self, moment: dt.datetime | None) -> ValidationContext:
        # With CRLs given, a signer's certificate must be covered by one (the issuing CA's); the
        # CAs themselves are trusted as configured. Without, revocation is not checked at all.
        signer_rule = RevocationCheckingRule.CRL_REQUIRED if self.crls else RevocationCheckingRule.NO_CHECK
        policy = CertRevTrustPolicy(
            RevocationCheckingPolicy(
                ee_certificate_rule=signer_rule, intermediate_ca_cert_rule=RevocationCheckingRule.NO_CHECK
            ),
            retroactive_revinfo=True,  # a CRL published after the signature still speaks for then
        )
        return ValidationContext(
            trust_roots=[asn1_x509.Certificate.load(der) for der in self.roots],
            other_certs=[asn1_x509.Certificate.load(der) for der in self.intermediates],
            crls=list(self.crls),
            moment=moment,
            allow_fetching=False,
            revinfo_policy=policy,
        )


@dataclass(frozen=True)
class Signer:
    name: str
    serial: str
    holder: Holder | None
    organization: str | None
    uid: str | None
    issuer: str
    not_before: dt.datetime
    not_after: dt.datetime

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "serial": self.serial,
            "holder": self.holder.value if self.holder else None,
            "organization": self.organization,
            "uid": self.uid,
            "issuer": self.issuer,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
        }

    @property
    def holder_name(self) -> str:
        return HOLDER_NAMES[self.holder] if self.holder else "Không rõ"


@dataclass(frozen=True)
class Rect:
    """A visible signature's place: page (1-based, as people count) and rectangle in PDF points."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def width(self) -> float:
        return self.x1 - self.x0

    def as_dict(self) -> dict[str, Any]:
        return {"page": self.page, "x0": self.x0, "y0": self.y0, "x1": self.x1, "y1": self.y1}


@dataclass(frozen=True)
class Overlap:
    """How much a later signature's box covers an earlier one's: the share of the earlier box's
    width under it, and on which third (the seal belongs on the left third of the leader's)."""

    index: int
    field: str
    serial: str
    width_fraction: float
    side: str  # left, middle, right

    def as_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "field": self.field,
            "serial": self.serial,
            "width_fraction": self.width_fraction,
            "side": self.side,
        }


@dataclass(frozen=True)
class SignatureCheck:
    index: int  # 1 for the first signature made
    field: str
    verdict: Verdict
    problems: tuple[str, ...]
    intact: bool
    trusted: bool
    revoked: bool
    expired: bool
    key_usage_ok: bool
    weak: bool
    modified_after: str  # none, lta_updates, form_filling, annotations, other
    covers_whole_file: bool
    signer: Signer | None
    signing_time: dt.datetime | None
    timestamped: bool
    rect: Rect | None
    has_image: bool
    overlaps: tuple[Overlap, ...] = ()

    @property
    def valid(self) -> bool:
        return self.verdict is Verdict.hop_le

    @property
    def verdict_name(self) -> str:
        return VERDICT_NAMES[self.verdict]

    def as_dict(self) -> dict[str, Any]:
        """The check as graderd's file predicates see it (``signatures: {any: {…}}``)."""
        return {
            "index": self.index,
            "field": self.field,
            "verdict": self.verdict.value,
            "valid": self.valid,
            "problems": list(self.problems),
            "intact": self.intact,
            "trusted": self.trusted,
            "revoked": self.revoked,
            "expired": self.expired,
            "key_usage_ok": self.key_usage_ok,
            "weak": self.weak,
            "modified_after": self.modified_after,
            "covers_whole_file": self.covers_whole_file,
            "signer": self.signer.as_dict() if self.signer else None,
            "signing_time": self.signing_time.isoformat() if self.signing_time else None,
            "timestamped": self.timestamped,
            "visible": self.rect is not None,
            "box": self.rect.as_dict() if self.rect else None,
            "has_image": self.has_image,
            "overlaps": [overlap.as_dict() for overlap in self.overlaps],
        }


@dataclass(frozen=True)
class Report:
    verdict: DocumentVerdict
    problem: str | None  # why the file could not be read
    signatures: tuple[SignatureCheck, ...]

    @property
    def verdict_name(self) -> str:
        return DOCUMENT_VERDICT_NAMES[self.verdict]

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "problem": self.problem,
            "signatures": [signature.as_dict() for signature in self.signatures],
        }


@contextmanager
def _quiet() -> Iterator[None]:
    """pyHanko and fontTools log every oddity of a candidate's file; those are not news for the log."""
    loggers = [logging.getLogger(name) for name in _QUIET_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


def _page_refs(reader: PdfFileReader) -> list[generic.Reference]:
    refs: list[generic.Reference] = []

    def walk(node_ref: generic.Reference, depth: int) -> None:
        node: Any = node_ref.get_object()
        if node.get("/Type") == "/Pages" and depth < 32:
            for kid in node.get("/Kids", []):
                walk(kid.reference if hasattr(kid, "reference") else kid, depth + 1)
        else:
            refs.append(node_ref)

    walk(reader.root.raw_get("/Pages"), 0)
    return refs


def _rect(emb: EmbeddedPdfSignature, pages: Sequence[generic.Reference]) -> Rect | None:
    widget: Any = emb.sig_field
    if "/Rect" not in widget:
        kids = widget.get("/Kids")
        if not kids:
            return None
        widget = kids[0].get_object()
    x0, y0, x1, y1 = (float(value) for value in widget["/Rect"])
    if abs(x1 - x0) < 1 or abs(y1 - y0) < 1:
        return None  # an invisible signature has an empty rectangle
    page_ref = widget.raw_get("/P") if "/P" in widget else None
    page = next((i + 1 for i, ref in enumerate(pages) if ref == page_ref), 0)
    if page == 0:  # no /P: find the page whose annotations hold this widget
        for i, ref in enumerate(pages):
            page_object: Any = ref.get_object()
            annots = page_object.get("/Annots", [])
            if any(annot.get_object() is widget or annot.get_object() == widget for annot in annots):
                page = i + 1
                break
    return Rect(page, min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _has_image(emb: EmbeddedPdfSignature) -> bool:
    """Whether the signature's appearance draws an image (a signature or a seal), looking through
    the form XObjects pyHanko nests."""
    widget: Any = emb.sig_field
    try:
        appearance = widget["/AP"]["/N"]
    except (KeyError, TypeError):
        return False

    def look(stream: Any, depth: int) -> bool:
        if depth > 6:
            return False
        resources = stream.get("/Resources", {}) if hasattr(stream, "get") else {}
        xobjects = resources.get("/XObject", {}) if hasattr(resources, "get") else {}
        for ref in xobjects.values():
            xobject: Any = ref.get_object()
            if xobject.get("/Subtype") == "/Image" or look(xobject, depth + 1):
                return True
        return False

    return look(appearance.get_object(), 0)


def _safe_has_image(emb: EmbeddedPdfSignature) -> bool:
    try:
        return _has_image(emb)
    except Exception:  # a damaged appearance stream shows nothing a reader could trust
        return False


def _stamped_time(emb: EmbeddedPdfSignature) -> dt.datetime | None:
    """The time in the signature's RFC 3161 token, if it has one."""
    attrs = emb.signer_info["unsigned_attrs"]
    if not attrs:
        return None
    for attr in attrs:
        if attr["type"].native == "signature_time_stamp_token":
            token = attr["values"][0]
            info = token["content"]["encap_content_info"]["content"].parsed
            moment: dt.datetime = info["gen_time"].native
            return moment
    return None


def _signer(cert: asn1_x509.Certificate) -> tuple[Signer, x509.Certificate]:
    crypto = x509.load_der_x509_certificate(cert.dump())
    subject = crypto.subject
    organization = subject.get_attributes_for_oid(x509.NameOID.ORGANIZATION_NAME)
    uid = subject.get_attributes_for_oid(x509.NameOID.USER_ID)
    signer = Signer(
        name=common_name(subject),
        serial=serial_text(crypto.serial_number),
        holder=holder_of(crypto),
        organization=str(organization[0].value) if organization else None,
        uid=str(uid[0].value) if uid else None,
        issuer=common_name(crypto.issuer),
        not_before=crypto.not_valid_before_utc,
        not_after=crypto.not_valid_after_utc,
    )
    return signer, crypto


def _non_repudiation(cert: x509.Certificate) -> bool:
    try:
        usage = cert.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        return False
    return bool(usage.content_commitment)


def _weak(cert: x509.Certificate, md_algorithm: str) -> bool:
    key = cert.public_key()
    if isinstance(key, rsa.RSAPublicKey) and key.key_size < MIN_RSA_BITS:
        return True
    cert_hash = cert.signature_hash_algorithm
    return md_algorithm.lower() in WEAK_HASHES or (cert_hash is not None and cert_hash.name in WEAK_HASHES)


def _modification(status: PdfSignatureStatus) -> str:
    level = status.modification_level
    return level.name.lower() if level is not None else "other"


def _altered(status: PdfSignatureStatus) -> bool:
    if not status.intact or not status.valid:
        return True
    if status.coverage not in (SignatureCoverageLevel.ENTIRE_FILE, SignatureCoverageLevel.ENTIRE_REVISION):
        return True
    return status.docmdp_ok is False or status.modification_level in (None, ModificationLevel.OTHER)


def _unreadable(
    index: int,
    field_name: str,
    error: Exception | None,
    cert: x509.Certificate | None,
    signer: Signer | None,
    rect: Rect | None,
) -> SignatureCheck:
    """A signature that cannot be checked: its certificate unreadable, or its parts crafted so
    that validation fails outright."""
    name = VERDICT_NAMES[Verdict.loi_chu_ky]
    return SignatureCheck(
        index=index,
        field=field_name,
        verdict=Verdict.loi_chu_ky,
        problems=(f"{name}: {error}" if error else name,),
        intact=False,
        trusted=False,
        revoked=False,
        expired=False,
        key_usage_ok=_non_repudiation(cert) if cert else False,
        weak=False,
        modified_after="other",
        covers_whole_file=False,
        signer=signer,
        signing_time=None,
        timestamped=False,
        rect=rect,
        has_image=False,
    )


def _check(index: int, emb: EmbeddedPdfSignature, trust: Trust, pages: Sequence[generic.Reference]) -> SignatureCheck:
    field_name = str(emb.field_name)
    rect = _rect(emb, pages)
    try:
        signer, cert = _signer(emb.signer_cert)
    except Exception:  # a signature without a readable certificate
        return _unreadable(index, field_name, None, None, None, rect)
    try:
        stamped = _stamped_time(emb)
    except Exception:  # a time-stamp token that cannot even be read is a broken one
        stamped, token_readable = None, False
    else:
        token_readable = True
    claimed = emb.self_reported_timestamp
    moment = stamped or claimed
    try:
        status = validate_pdf_signature(emb, trust.context(moment))
    except Exception as error:  # pyHanko and its validator raise many kinds on a crafted signature
        return _unreadable(index, field_name, error, cert, signer, rect)
    # The token sits outside what the signer signed: its time counts only if the token itself is
    # intact, valid and from a trusted TSA. One whose hash does not match was tampered with; one
    # from an unknown TSA (or with weak algorithms) proves no time, so the chain is judged now.
    token = status.timestamp_validity
    timestamped = bool(token and token.intact and token.valid and token.trusted)
    token_broken = not token_readable or (stamped is not None and not (token and token.intact))
    if stamped is not None and not timestamped and not token_broken:
        moment = None
        try:
            status = validate_pdf_signature(emb, trust.context(None))
        except Exception as error:  # as above
            return _unreadable(index, field_name, error, cert, signer, rect)
    signing_time = moment or stamped or claimed
    key_usage_ok = _non_repudiation(cert)
    weak = _weak(cert, status.md_algorithm)
    judged_at = moment or status.validation_time
    expired = judged_at is not None and not (signer.not_before <= judged_at <= signer.not_after)
    findings: list[Verdict] = []
    if _altered(status) or token_broken:
        findings.append(Verdict.bi_sua_doi)
    if status.revoked:
        findings.append(Verdict.da_thu_hoi)
    if expired:
        findings.append(Verdict.het_han)
    if not key_usage_ok:
        findings.append(Verdict.sai_muc_dich)
    if weak:
        findings.append(Verdict.thuat_toan_yeu)
    # Untrusted when no chain reaches a trusted root; a chain refused only for one of the reasons
    # above (revoked, expired, weak, key usage) is already named by that reason.
    if not status.trusted and not findings:
        findings.append(Verdict.khong_tin_cay)
    verdict = findings[0] if findings else Verdict.hop_le
    return SignatureCheck(
        index=index,
        field=field_name,
        verdict=verdict,
        problems=tuple(VERDICT_NAMES[finding] for finding in findings),
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        revoked=bool(status.revoked),
        expired=expired,
        key_usage_ok=key_usage_ok,
        weak=weak,
        modified_after=_modification(status),
        covers_whole_file=status.coverage is SignatureCoverageLevel.ENTIRE_FILE,
        signer=signer,
        signing_time=signing_time,
        timestamped=timestamped,
        rect=rect,
        has_image=_safe_has_image(emb),
    )


def _side(covered_from: float, covered_to: float, box: Rect) -> str:
    centre = (covered_from + covered_to) / 2 - box.x0
    if centre < box.width / 3:
        return "left"
    return "right" if centre > 2 * box.width / 3 else "middle"


def _overlaps(checks: Sequence[SignatureCheck]) -> list[SignatureCheck]:
    """Each check with the earlier visible signatures its box covers."""
    result: list[SignatureCheck] = []
    for check in checks:
        found: list[Overlap] = []
        box = check.rect
        for earlier in checks[: check.index - 1]:
            other = earlier.rect
            if box is None or other is None or other.page != box.page or other.width <= 0:
                continue
            left, right = max(box.x0, other.x0), min(box.x1, other.x1)
            if right <= left or min(box.y1, other.y1) <= max(box.y0, other.y0):
                continue
            found.append(
                Overlap(
                    index=earlier.index,
                    field=earlier.field,
                    serial=earlier.signer.serial if earlier.signer else "",
                    width_fraction=round((right - left) / other.width, 3),
                    side=_side(left, right, other),
                )
            )
        result.append(replace(check, overlaps=tuple(found)))
    return result


def verify_pdf(data: bytes, trust: Trust) -> Report:
    """Every signature in ``data`` judged against ``trust``; a file that is not a readable PDF is
    reported as such, never raised."""
    if b"%PDF-" not in data[:1024]:
        return Report(DocumentVerdict.khong_doc_duoc, "Tệp không phải PDF.", ())
    with _quiet():
        try:
            reader = PdfFileReader(io.BytesIO(data), strict=False)
            if reader.encrypted:
                return Report(DocumentVerdict.khong_doc_duoc, "Tệp PDF được mã hóa bằng mật khẩu.", ())
            pages = _page_refs(reader)
            embedded = list(reader.embedded_regular_signatures)
        except Exception as error:  # pyHanko raises many kinds on a malformed file
            return Report(DocumentVerdict.khong_doc_duoc, f"Tệp PDF bị hỏng hoặc không đầy đủ ({error}).", ())
        checks = [_check(index, emb, trust, pages) for index, emb in enumerate(embedded, start=1)]
    checks = _overlaps(checks)
    if not checks:
        return Report(DocumentVerdict.chua_ky, None, ())
    verdict = DocumentVerdict.hop_le if all(check.valid for check in checks) else DocumentVerdict.khong_hop_le
    return Report(verdict, None, tuple(checks))
