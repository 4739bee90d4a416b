"""``file: {verdict: …, signatures: …}``: graderd checks a file's digital signatures itself, with
verify_pdf and the trust named by the candidate's own log (the chain in certificate events, the
newest CRL), never the room's database. Real signatures from the signing corpus."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from pathlib import Path

import pytest

from graderd.engine import grade
from graderd.results import Outcome, TaskResult
from graderd.spec.model import EXAMPLE_CANDIDATE, TaskSpec
from graderd.spec.modifiers import DOCUMENT_VERDICTS
from graderd.trace import Event
from mock_services.signing import pki
from mock_services.signing.verify import DocumentVerdict
from tests.graderd.builders import event, spec_of
from tests.mock_services.signing.corpus import (
    LEADER,
    Pki,
    legit_case,
    revoked_before_crl,
    tamper_case,
    world,
)

ISSUED = """
- id: signed
  points: 2
  event: signing.pdf_signed
  where:
    data.sha256: {file: {verdict: hop_le, signatures: {len: 4}}}
- id: leader_first
  points: 1
  event: signing.pdf_signed
  where:
    data.sha256:
      file:
        signatures: {any: {index: 1, valid: true, signer.holder: ca_nhan, signer.name: "{{ leader }}"}}
- id: sealed_over_the_leader
  points: 1
  event: signing.pdf_signed
  where:
    data.sha256:
      file:
        signatures:
          any:
            field: {endswith: _Dau}
            signer.holder: to_chuc
            overlaps: {any: {index: 1, side: left, width_fraction: {gte: 0.2}}}
"""
PARAMS = f"params:\n  leader: {{value: {LEADER}}}\n"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def certificate_events(w: Pki, *, seq: int = 1, crl: bytes | None = None) -> tuple[list[Event], dict[str, bytes]]:
    """The leader's certificate issued in the candidate's tenant, naming the chain and the CRL."""
    ca, root, published = w.ca.cert_der(), w.root.cert_der(), w.crl if crl is None else crl
    after = {"id": "1", "serial": "01", "holder": "ca_nhan", "chain": [sha(ca), sha(root)]}
    issued = event(
        seq,
        "signing.certificate_issued",
        actor="system",
        object_kind="certificate",
        data={"after": after, "crl_sha256": sha(published)},
    )
    return [issued], {sha(ca): ca, sha(root): root, sha(published): published}


def signed(seq: int, pdf: bytes) -> Event:
    digest = sha(pdf)
    return event(seq, "signing.pdf_signed", minute=seq, object_kind="pdf", object_id=digest, data={"sha256": digest})


def run(spec: TaskSpec, events: list[Event], blobs: Mapping[str, bytes]) -> TaskResult:
    return grade(spec, spec.example_params(), events, dict(blobs), candidate=EXAMPLE_CANDIDATE)


@pytest.fixture
def issued_spec(tmp_path: Path) -> TaskSpec:
    return spec_of(tmp_path, ISSUED, points="4", params=PARAMS)


def outcomes(result: TaskResult) -> dict[str, Outcome]:
    return {item.id: item.outcome for item in result.items}


def test_a_letter_signed_by_the_leader_then_numbered_dated_and_sealed_earns_every_point(
    issued_spec: TaskSpec,
) -> None:
    pdf = legit_case("personal_then_agency").pdf
    events, blobs = certificate_events(world())
    result = run(issued_spec, [*events, signed(2, pdf)], {**blobs, sha(pdf): pdf})
    assert outcomes(result) == dict.fromkeys(("signed", "leader_first", "sealed_over_the_leader"), Outcome.passed)
    [signed_item] = [item for item in result.items if item.id == "signed"]
    assert "kết quả kiểm tra chữ ký: “hop_le” bằng “hop_le”" in signed_item.explanation
    assert "chữ ký số trong tệp: số phần tử: 4" in signed_item.explanation
    assert signed_item.evidence == (2,)
    [seal] = [item for item in result.items if item.id == "sealed_over_the_leader"]
    assert "phần tử thứ 4" in seal.explanation, seal.explanation


def test_a_letter_changed_after_signing_fails_with_the_reason(issued_spec: TaskSpec) -> None:
    pdf = tamper_case("update_overlay_text").pdf
    events, blobs = certificate_events(world())
    result = run(issued_spec, [*events, signed(2, pdf)], {**blobs, sha(pdf): pdf})
    assert outcomes(result)["signed"] is Outcome.failed
    assert outcomes(result)["leader_first"] is Outcome.failed  # its one signature is not valid any more
    [item] = [item for item in result.items if item.id == "signed"]
    assert "kết quả kiểm tra chữ ký: “khong_hop_le” khác “hop_le” (chữ ký 1 (" in item.explanation, item.explanation
    assert "Văn bản đã bị sửa đổi sau khi ký" in item.explanation, item.explanation


def test_trust_comes_from_the_log_so_a_log_without_certificates_trusts_nothing(issued_spec: TaskSpec) -> None:
    pdf = legit_case("personal_then_agency").pdf
    result = run(issued_spec, [signed(1, pdf)], {sha(pdf): pdf})
    assert outcomes(result) == {
        "signed": Outcome.failed,
        "leader_first": Outcome.failed,
        "sealed_over_the_leader": Outcome.passed,  # asks nothing of trust
    }


def test_the_newest_crl_in_the_log_is_the_one_that_counts(tmp_path: Path) -> None:
    w = world()
    spec = spec_of(
        tmp_path,
        """
        - id: valid
          points: 1
          event: signing.pdf_signed
          where:
            data.sha256: {file: {signatures: {all: {verdict: hop_le}}}}
        """,
        points="1",
    )
    pdf = revoked_before_crl(w)
    empty_crl = _crl_without_revocations(w)
    first, blobs = certificate_events(w, seq=1, crl=empty_crl)
    later, later_blobs = certificate_events(w, seq=2)
    blobs = {**blobs, **later_blobs, sha(pdf): pdf}
    assert outcomes(run(spec, [*first, signed(3, pdf)], blobs)) == {"valid": Outcome.passed}
    revoked = run(spec, [*first, *later, signed(3, pdf)], blobs)
    assert outcomes(revoked) == {"valid": Outcome.failed}
    assert "da_thu_hoi" in revoked.items[0].explanation


def test_a_blob_the_check_needs_that_is_missing_makes_the_item_not_gradable(issued_spec: TaskSpec) -> None:
    pdf = legit_case("personal").pdf
    events, blobs = certificate_events(world())
    without_root = {key: value for key, value in blobs.items() if value != world().root.cert_der()}
    result = run(issued_spec, [*events, signed(2, pdf)], {**without_root, sha(pdf): pdf})
    assert {item.outcome for item in result.items} == {Outcome.not_gradable}
    assert "không có tệp" in result.items[0].explanation


def test_a_file_that_is_not_a_pdf_is_reported_unreadable_not_raised(tmp_path: Path) -> None:
    spec = spec_of(
        tmp_path,
        """
        - id: unreadable
          points: 1
          event: signing.pdf_signed
          where:
            data.sha256: {file: {verdict: khong_doc_duoc}}
        """,
        points="1",
    )
    text = "không phải PDF".encode()
    assert outcomes(run(spec, [signed(1, text)], {sha(text): text})) == {"unreadable": Outcome.passed}


def _crl_without_revocations(w: Pki) -> bytes:
    return pki.make_crl(w.ca, [], now=w.now, next_update=dt.timedelta(days=7))


def test_the_verdicts_a_task_may_name_are_the_verifiers() -> None:
    assert tuple(verdict.value for verdict in DocumentVerdict) == DOCUMENT_VERDICTS
