"""Benchmark: PAdES signing and verification against the bare signature primitive underneath.

Ours: ``mock_services.signing.pades.sign_pdf`` of a rendered letter (about 45 KB, one page) with a
visible appearance (a handwritten-signature image in the letter's signature space) and an
RFC 3161 time stamp from the in-process TSA (RSA-2048): parse the PDF, lay out the field and its
appearance, hash the signed ranges, build the CMS, get the time-stamp token, write the update.
And ``mock_services.signing.verify.verify_pdf`` of that letter with one signature, and with three
(the leader, then the agency's number and seal), against a trust list with the CRL: integrity,
chain, revocation, time stamp, difference analysis between revisions, boxes and overlaps.

Floor: the primitive all of it rests on, ``cryptography``'s ECDSA P-256 over SHA-256 of the same
PDF bytes: sign, and verify. The two alternate operation by operation (each of ours followed by
``BARE_PER_OP`` of the primitive), so drift hits both alike. The figure is ours ÷ floor in time:
what the PDF and PKI machinery costs on top of the mathematics.
"""

from __future__ import annotations

import datetime as dt
import logging
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from PIL import Image, ImageDraw

from bench.measure import Result, Side
from mock_services.documents.render import Letter, render_letter, signature_box
from mock_services.signing import pades, pki
from mock_services.signing.pades import Box, Look
from mock_services.signing.verify import DocumentVerdict, Trust, verify_pdf

ROUNDS = 4
SIGNS = 12  # per round
VERIFIES = 20  # per round, for each document
BARE_PER_OP = 10
ALGORITHM = ec.ECDSA(hashes.SHA256())

LETTER = Letter(
    issuer_parent="UBND THÀNH PHỐ CẦN THƠ",
    issuer="ỦY BAN NHÂN DÂN\nPHƯỜNG NINH KIỀU",
    number_line="Số: 05/UBND-VP",
    place_date="Ninh Kiều, ngày 23 tháng 11 năm 2026",
    type_name="",
    summary="V/v tổ chức thi đánh giá năng lực sử dụng công nghệ thông tin năm 2026",
    kinh_gui=("Phòng Văn hóa - Xã hội", "Trung tâm Phục vụ hành chính công phường"),
    body=(
        "Thực hiện Kế hoạch số 12/KH-UBND ngày 05 tháng 01 năm 2026 của Ủy ban nhân dân thành phố về việc "
        "tổ chức thi đánh giá năng lực sử dụng công nghệ thông tin của công chức, viên chức; đề nghị các đơn vị "
        "khẩn trương triển khai, bảo đảm đúng tiến độ.\n\nTrân trọng./."
    ),
    signer_lines=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
    signer_name="Trần Thị Bích Ngữ",
    recipients=("- Như trên;", "- Lưu: VT, VP."),
)


@dataclass(frozen=True)
class SigningResult:
    sign: Result
    verify_one: Result
    verify_three: Result
    pdf_bytes: int

    def report(self) -> str:
        results = (self.sign, self.verify_one, self.verify_three)
        width = max(len(side.name) for result in results for side in (result.ours, result.bare)) + 2
        lines = [f"{'':{width}}{'per second':>12}{'p50 ms':>10}{'p99 ms':>10}"]
        for result in results:
            for side in (result.ours, result.bare):
                p50, p99 = side.percentile(50) * 1e3, side.percentile(99) * 1e3
                lines.append(f"{side.name:{width}}{side.per_second:12.0f}{p50:10.3f}{p99:10.3f}")
            lines.append(
                f"  ratio ({result.ratio_label}): {result.ratio:.5f}   ({1 / result.ratio:,.0f}x the primitive's time)"
            )
        lines.append(f"   (letter of {self.pdf_bytes / 1024:.0f} KB; no target: the primitive is a floor, not a rival)")
        return "\n".join(lines)


@dataclass(frozen=True)
class _World:
    signer: pki.Issued
    agency: pki.Issued
    tsa: pki.Issued
    chain: tuple[x509.Certificate, ...]
    trust: Trust


def _world() -> _World:
    now = dt.datetime.now(dt.UTC)
    root = pki.make_root(now - dt.timedelta(days=30))
    ca = pki.make_issuing_ca(root, now - dt.timedelta(days=30))
    start, end = now - dt.timedelta(days=1), now + dt.timedelta(days=30)
    person = pki.Subject(pki.Holder.ca_nhan, LETTER.signer_name, organization="UBND phường Ninh Kiều")
    signer = pki.issue(ca, person, not_before=start, not_after=end)
    agency = pki.issue(
        ca, pki.Subject(pki.Holder.to_chuc, "ỦY BAN NHÂN DÂN PHƯỜNG NINH KIỀU"), not_before=start, not_after=end
    )
    tsa = pki.issue(
        ca, pki.Subject(pki.Holder.tsa, pki.TSA_NAME), not_before=start, not_after=end, key=pki.new_rsa_key()
    )
    crl = pki.make_crl(ca, [], now=now, next_update=dt.timedelta(days=1))
    trust = Trust(roots=(root.cert_der(),), intermediates=(ca.cert_der(),), crls=(crl,))
    return _World(signer, agency, tsa, (ca.cert, root.cert), trust)


def _image(size: tuple[int, int], draw: Callable[[ImageDraw.ImageDraw], None]) -> Image.Image:
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    draw(ImageDraw.Draw(image))
    return image


def _signature_image() -> Image.Image:
    return _image((360, 140), lambda d: d.line([(20, 110), (90, 30), (160, 100), (240, 35), (340, 80)], "navy", 7))


def _seal_image() -> Image.Image:
    return _image((300, 300), lambda d: d.ellipse([6, 6, 294, 294], outline=(200, 20, 20, 230), width=10))


@contextmanager
def _quiet_fonts() -> Iterator[None]:
    """fontTools warns about every subset it writes ("FFTM NOT subset"): not news in a benchmark."""
    logger = logging.getLogger("fontTools")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def run(rounds: int = ROUNDS, signs: int = SIGNS, verifies: int = VERIFIES) -> SigningResult:
    with _quiet_fonts():
        return _run(rounds, signs, verifies)


def _run(rounds: int, signs: int, verifies: int) -> SigningResult:
    world = _world()
    letter = render_letter(LETTER)
    box = Box(*signature_box(LETTER))
    look = Look(image=_signature_image())

    def sign() -> bytes:
        tsa = pades.timestamper(world.tsa, world.chain)
        return pades.sign_pdf(letter, world.signer, world.chain, field="ChuKy", box=box, look=look, tsa=tsa)

    one = sign()
    tsa = pades.timestamper(world.tsa, world.chain)
    seal = Box(box.page, box.x0 - 14, box.y0 - 8, box.x0 + 88, box.y1 + 8)
    three = pades.sign_pdf(one, world.agency, world.chain, field="So", box=Box(box.page, 90, 700, 240, 714), tsa=tsa)
    three = pades.sign_pdf(three, world.agency, world.chain, field="Dau", box=seal, look=Look(_seal_image()), tsa=tsa)
    for document, count in ((one, 1), (three, 3)):
        report = verify_pdf(document, world.trust)
        if report.verdict is not DocumentVerdict.hop_le or len(report.signatures) != count:
            raise SystemExit(f"bench: the {count}-signature document does not verify: {report.as_dict()}")

    key = world.signer.key
    if not isinstance(key, ec.EllipticCurvePrivateKey):
        raise SystemExit("bench: the signer's key should be ECDSA P-256")
    public = key.public_key()
    signature = key.sign(letter, ALGORITHM)

    sides: dict[str, list[float]] = {name: [] for name in ("sign", "bare_sign", "v1", "v3", "bare_verify")}
    for _ in range(rounds):
        for _ in range(signs):
            sides["sign"].append(_timed(sign))
            sides["bare_sign"] += [_timed(lambda: key.sign(letter, ALGORITHM)) for _ in range(BARE_PER_OP)]
        for _ in range(verifies):
            sides["v1"].append(_timed(lambda: verify_pdf(one, world.trust)))
            sides["bare_verify"] += [
                _timed(lambda: public.verify(signature, letter, ALGORITHM)) for _ in range(BARE_PER_OP)
            ]
            sides["v3"].append(_timed(lambda: verify_pdf(three, world.trust)))
    bare_sign = Side("ECDSA P-256 sign (SHA-256)", sides["bare_sign"])
    bare_verify = Side("ECDSA P-256 verify (SHA-256)", sides["bare_verify"])
    return SigningResult(
        sign=Result(Side("PAdES sign (image + TSA)", sides["sign"]), bare_sign, "PAdES signs / ECDSA signs"),
        verify_one=Result(Side("verify_pdf, 1 signature", sides["v1"]), bare_verify, "verify 1 sig / ECDSA verifies"),
        verify_three=Result(
            Side("verify_pdf, 3 signatures", sides["v3"]), bare_verify, "verify 3 sigs / ECDSA verifies"
        ),
        pdf_bytes=len(letter),
    )


def summary(result: SigningResult) -> dict[str, float]:
    record: dict[str, float] = {}
    for name, part in (("sign", result.sign), ("verify_1", result.verify_one), ("verify_3", result.verify_three)):
        record[f"{name}_p50_ms"] = round(part.ours.percentile(50) * 1e3, 2)
        record[f"{name}_p99_ms"] = round(part.ours.percentile(99) * 1e3, 2)
        record[f"{name}_mean_ms"] = round(statistics.fmean(part.ours.latencies) * 1e3, 2)
        record[f"{name}_bare_p50_ms"] = round(part.bare.percentile(50) * 1e3, 4)
        record[f"{name}_bare_p99_ms"] = round(part.bare.percentile(99) * 1e3, 4)
        record[f"{name}_ratio"] = round(part.ratio, 6)
        record[f"{name}_time_over_primitive"] = round(1 / part.ratio, 1)
    return record


if __name__ == "__main__":
    print("Signing: PAdES sign / verify of a letter vs ECDSA P-256 over the same bytes")
    print(run().report())
