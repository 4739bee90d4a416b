"""The proctor's page of one candidate: their certificates (chứng thư số), and unlocking one the
candidate locked with three wrong PINs. Certificates are issued and locked through the signing
service's own operations, as the signing pages do."""

from __future__ import annotations

import re

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from mock_services.core import log
from mock_services.core.accounts import Candidate
from mock_services.core.acting import Acting
from mock_services.core.db import Database
from mock_services.core.verify import verify_log
from mock_services.core.web import RoomRuntime, csrf_token_for
from mock_services.signing import certificates, store
from mock_services.signing.certificates import AGENCY, CANDIDATE, Holding, Refused
from mock_services.signing.domain import CertificateStatus
from mock_services.signing.pki import Holder
from mock_services.signing.store import Certificate
from sandbox import closing
from tests.sandbox.test_proctor import candidate_login, events_of, operator_login, row_of
from tests.support.room import FakeClock, SeededExam, csrf_from

LOCKED_NAME = "Bị khóa (nhập sai mã PIN 3 lần)"
UNLOCKED = "signing.certificate_unlocked"


@pytest.fixture
def logged_in(proctor: TestClient, operator_password: str) -> TestClient:
    assert operator_login(proctor, operator_password).status_code == 303
    return proctor


class Tokens:
    """The candidates' certificates, issued and used through the signing service's operations."""

    def __init__(self, app: FastAPI, db: Database, clock: FakeClock) -> None:
        self.room: RoomRuntime = app.state.room
        self.db = db
        self.clock = clock

    def acting(self) -> Acting:
        return Acting(now=self.clock(), blobs=self.room.blobs, tz=self.room.tz)

    def issue(self, candidate: Candidate, *, owner: str = CANDIDATE, holds: bool = True) -> Certificate:
        holder = Holder.to_chuc if owner == AGENCY else Holder.ca_nhan
        name = candidate.don_vi if owner == AGENCY else candidate.ho_ten
        holding = Holding(owner, holder, name, organization=candidate.don_vi, candidate_holds=holds)
        with self.db.write() as conn:
            return certificates.ensure(conn, candidate, self.acting(), holding)

    def pin(self, candidate: Candidate, cert: Certificate, pin: str) -> Certificate | Refused:
        """One PIN typed at a signing page, in its own transaction (a refusal is recorded too)."""
        self.clock.advance(seconds=5)
        with self.db.write() as conn:
            return certificates.check_pin(conn, candidate, self.acting(), cert, pin)

    def lock(self, candidate: Candidate, cert: Certificate) -> Certificate:
        wrong = "000000" if cert.pin != "000000" else "111111"
        answers = [self.pin(candidate, self.get(cert), wrong) for _ in range(3)]
        assert all(isinstance(answer, Refused) for answer in answers)
        locked = self.get(cert)
        assert locked.status is CertificateStatus.bi_khoa
        assert locked.failed_pins == 3
        return locked

    def get(self, cert: Certificate) -> Certificate:
        with self.db.read() as conn:
            found = store.certificate(conn, cert.candidate_id, cert.id)
        assert found is not None
        return found


@pytest.fixture
def tokens(app: FastAPI, sqlite_db: Database, clock: FakeClock) -> Tokens:
    return Tokens(app, sqlite_db, clock)


def page_of(browser: TestClient, candidate: Candidate) -> str:
    response = browser.get(f"/giam-thi/thi-sinh/{candidate.id}")
    assert response.status_code == 200, response.text
    return response.text


def cert_row(page: str, cert: Certificate) -> str:
    match = re.search(rf'<tr data-cert="{cert.id}"[^>]*>(.*?)</tr>', page, re.DOTALL)
    assert match, f"no row for certificate {cert.id}"
    return match.group(0)


def unlock_url(candidate: Candidate, cert: Certificate) -> str:
    return f"/giam-thi/thi-sinh/{candidate.id}/chung-thu-so/{cert.id}/mo-khoa"


def unlock(browser: TestClient, candidate: Candidate, cert: Certificate) -> str | int:
    """Press "Mở khóa" on the candidate's page; the redirect's target, or the refusal's status."""
    token = csrf_from(page_of(browser, candidate))
    response = browser.post(unlock_url(candidate, cert), data={"csrf_token": token})
    return response.headers["location"] if response.status_code == 303 else response.status_code


def head(db: Database) -> int:
    with db.read() as conn:
        return log.head_seq(conn)


# --- Seeing the certificates


def test_the_candidate_page_lists_their_certificates_and_offers_unlock_for_the_locked_one(
    logged_in: TestClient, room: SeededExam, tokens: Tokens
) -> None:
    an = room.candidates[0]
    personal = tokens.lock(an, tokens.issue(an))
    agency = tokens.issue(an, owner=AGENCY)
    colleague = tokens.issue(an, owner="pct1", holds=False)  # a simulated colleague's: not the candidate's token

    page = page_of(logged_in, an)
    assert "<h2>Chứng thư số</h2>" in page
    assert f"<h1>{an.ho_ten}</h1>" in page
    assert f"<dd>{an.so_bao_danh}</dd>" in page

    locked_row = cert_row(page, personal)
    assert an.ho_ten in locked_row
    assert "Cá nhân" in locked_row
    assert personal.serial in locked_row
    assert LOCKED_NAME in locked_row
    assert f'action="{unlock_url(an, personal)}"' in locked_row
    assert "Mở khóa</button>" in locked_row

    active_row = cert_row(page, agency)
    assert "Tổ chức" in active_row
    assert agency.serial in active_row
    assert "Đang hoạt động" in active_row
    assert "Mở khóa" not in active_row

    assert f'data-cert="{colleague.id}"' not in page
    assert f">{personal.pin}<" not in page, "the proctor's page never shows the candidate's PIN"


def test_a_candidate_without_certificates_gets_a_plain_sentence(logged_in: TestClient, room: SeededExam) -> None:
    page = page_of(logged_in, room.candidates[1])
    assert "Thí sinh chưa có chứng thư số" in page
    assert "data-cert=" not in page


def test_the_room_page_marks_a_candidate_with_a_locked_certificate(
    logged_in: TestClient, room: SeededExam, tokens: Tokens
) -> None:
    an, hoa, _ = room.candidates
    tokens.lock(an, tokens.issue(an))
    tokens.issue(hoa)  # active: no marker
    page = logged_in.get("/giam-thi/").text
    marked = row_of(page, an.so_bao_danh)
    assert "Chứng thư số bị khóa" in marked
    assert f'href="/giam-thi/thi-sinh/{an.id}#chung-thu-so"' in marked
    for number in ("CT002", "CT003"):
        assert "Chứng thư số bị khóa" not in row_of(page, number)


# --- Unlocking


def test_unlock_restores_the_certificate_logs_the_proctor_and_confirms_in_vietnamese(
    logged_in: TestClient, room: SeededExam, tokens: Tokens, sqlite_db: Database, clock: FakeClock
) -> None:
    an = room.candidates[0]
    cert = tokens.lock(an, tokens.issue(an))
    clock.advance(minutes=2)

    target = unlock(logged_in, an, cert)
    assert target == f"/giam-thi/thi-sinh/{an.id}?da_mo_khoa={cert.id}"

    after = tokens.get(cert)
    assert after.status is CertificateStatus.hoat_dong
    assert after.failed_pins == 0
    (event,) = events_of(sqlite_db, UNLOCKED)
    assert event.candidate_id == an.id
    assert event.actor == "proctor"
    assert event.object_kind == "certificate"
    assert event.object_id == str(cert.id)
    assert event.at == clock()  # server time
    assert event.context == {"operator": "giamthi"}
    assert event.data["after"]["status"] == "hoat_dong"
    assert event.data["after"]["failed_pins"] == 0
    assert event.data["after"]["serial"] == cert.serial
    with sqlite_db.read() as conn:
        assert verify_log(conn, candidate_id=an.id).ok

    assert isinstance(target, str)
    page = logged_in.get(target).text
    assert f"Đã mở khóa chứng thư số “{an.ho_ten}” (số hiệu {cert.serial})." in page
    row = cert_row(page, cert)
    assert "Đang hoạt động" in row
    assert "Mở khóa" not in row
    assert "Chứng thư số bị khóa" not in row_of(logged_in.get("/giam-thi/").text, an.so_bao_danh)

    # The candidate signs again with their PIN.
    assert tokens.pin(an, after, after.pin) == after


def test_unlocking_a_certificate_that_is_not_locked_says_so_and_changes_nothing(
    logged_in: TestClient, room: SeededExam, tokens: Tokens, sqlite_db: Database
) -> None:
    an = room.candidates[0]
    cert = tokens.lock(an, tokens.issue(an))
    assert isinstance(unlock(logged_in, an, cert), str)
    before, unlocked = head(sqlite_db), tokens.get(cert)

    token = csrf_from(page_of(logged_in, an))
    again = logged_in.post(unlock_url(an, cert), data={"csrf_token": token})
    assert again.status_code == 409
    assert f"Chứng thư số của {an.ho_ten} không bị khóa." in again.text
    assert 'role="alert"' in again.text
    assert head(sqlite_db) == before
    assert tokens.get(cert) == unlocked
    assert len(events_of(sqlite_db, UNLOCKED)) == 1


def test_one_wrong_pin_is_not_a_lock_and_cannot_be_unlocked(
    logged_in: TestClient, room: SeededExam, tokens: Tokens, sqlite_db: Database
) -> None:
    an = room.candidates[0]
    cert = tokens.issue(an)
    assert isinstance(tokens.pin(an, cert, "000000" if cert.pin != "000000" else "111111"), Refused)
    before = head(sqlite_db)
    assert unlock(logged_in, an, cert) == 409
    assert tokens.get(cert).failed_pins == 1  # the proctor's button does not reset a count below the lock
    assert head(sqlite_db) == before


# --- Who may unlock what


def test_a_candidate_session_cannot_unlock(
    seat: TestClient, room: SeededExam, tokens: Tokens, sqlite_db: Database
) -> None:
    an = room.candidates[0]
    cert = tokens.lock(an, tokens.issue(an))
    candidate_login(seat, an.so_bao_danh, room.passwords[an.so_bao_danh])
    token = csrf_from(seat.get("/bai-thi").text)
    before = head(sqlite_db)

    page = seat.get(f"/giam-thi/thi-sinh/{an.id}")
    assert page.status_code == 303
    assert page.headers["location"].startswith("/giam-thi/dang-nhap?ly_do=chua_dang_nhap")
    refused = seat.post(unlock_url(an, cert), data={"csrf_token": token})
    assert refused.status_code == 303
    assert refused.headers["location"].startswith("/giam-thi/dang-nhap?ly_do=chua_dang_nhap")
    api = seat.post(unlock_url(an, cert), data={"csrf_token": token}, headers={"Accept": "application/json"})
    assert api.status_code == 401
    assert api.json()["error"] == "not_authenticated"
    # Nor with their session token presented as the proctor's cookie, even with a form token that matches it.
    seat.cookies.set("sh_giamthi", seat.cookies["sh_session"])
    assert seat.post(unlock_url(an, cert), data={"csrf_token": token}).status_code == 403
    forged = csrf_token_for(tokens.room.secret, "operator:" + seat.cookies["sh_session"])
    posed = seat.post(unlock_url(an, cert), data={"csrf_token": forged})
    assert posed.status_code == 303
    assert posed.headers["location"].startswith("/giam-thi/dang-nhap?ly_do=chua_dang_nhap")

    assert tokens.get(cert).status is CertificateStatus.bi_khoa
    assert head(sqlite_db) == before
    assert events_of(sqlite_db, UNLOCKED) == []


def test_unlocking_needs_the_proctor_csrf_token(
    logged_in: TestClient, room: SeededExam, tokens: Tokens, sqlite_db: Database
) -> None:
    an = room.candidates[0]
    cert = tokens.lock(an, tokens.issue(an))
    missing = logged_in.post(unlock_url(an, cert))
    forged = logged_in.post(unlock_url(an, cert), data={"csrf_token": "x" * 43})
    assert missing.status_code == forged.status_code == 403
    assert tokens.get(cert).status is CertificateStatus.bi_khoa
    assert events_of(sqlite_db, UNLOCKED) == []


def test_another_candidates_certificate_is_404_and_stays_locked(
    logged_in: TestClient, room: SeededExam, tokens: Tokens, sqlite_db: Database
) -> None:
    an, hoa, _ = room.candidates
    tokens.issue(an)
    theirs = tokens.lock(hoa, tokens.issue(hoa))
    assert f'data-cert="{theirs.id}"' not in page_of(logged_in, an)
    before = head(sqlite_db)

    token = csrf_from(page_of(logged_in, an))
    response = logged_in.post(unlock_url(an, theirs), data={"csrf_token": token})
    assert response.status_code == 404
    assert "Thí sinh này không có chứng thư số này." in response.text
    assert tokens.get(theirs).status is CertificateStatus.bi_khoa
    assert head(sqlite_db) == before
    assert events_of(sqlite_db, UNLOCKED) == []


def test_a_colleagues_certificate_in_the_tenant_is_404(
    logged_in: TestClient, room: SeededExam, tokens: Tokens, sqlite_db: Database
) -> None:
    """Only the tokens the candidate holds are theirs to have unlocked."""
    an = room.candidates[0]
    colleague = tokens.lock(an, tokens.issue(an, owner="pct1", holds=False))
    assert unlock(logged_in, an, colleague) == 404
    assert tokens.get(colleague).status is CertificateStatus.bi_khoa
    assert events_of(sqlite_db, UNLOCKED) == []


def test_an_unknown_candidate_or_certificate_is_404(logged_in: TestClient, room: SeededExam, tokens: Tokens) -> None:
    an = room.candidates[0]
    cert = tokens.issue(an)
    unknown = max(candidate.id for candidate in room.candidates) + 100
    page = logged_in.get(f"/giam-thi/thi-sinh/{unknown}")
    assert page.status_code == 404
    assert "Không có thí sinh này." in page.text
    token = csrf_from(page_of(logged_in, an))
    response = logged_in.post(
        f"/giam-thi/thi-sinh/{unknown}/chung-thu-so/{cert.id}/mo-khoa", data={"csrf_token": token}
    )
    assert response.status_code == 404
    response = logged_in.post(
        f"/giam-thi/thi-sinh/{an.id}/chung-thu-so/{cert.id + 100}/mo-khoa", data={"csrf_token": token}
    )
    assert response.status_code == 404
    huge = "9" * 20
    response = logged_in.post(f"/giam-thi/thi-sinh/{an.id}/chung-thu-so/{huge}/mo-khoa", data={"csrf_token": token})
    assert response.status_code == 422


def test_once_the_exam_is_closed_nothing_is_unlocked(
    logged_in: TestClient, room: SeededExam, tokens: Tokens, sqlite_db: Database, clock: FakeClock
) -> None:
    """A closed exam's log is final: the button is gone and the action is refused, nothing logged."""
    an = room.candidates[0]
    cert = tokens.lock(an, tokens.issue(an))
    token = csrf_from(page_of(logged_in, an))
    closing.close(sqlite_db, room.exam.id, now=clock())
    before = head(sqlite_db)

    page = page_of(logged_in, an)
    assert LOCKED_NAME in cert_row(page, cert)
    assert "Mở khóa</button>" not in page
    response = logged_in.post(unlock_url(an, cert), data={"csrf_token": token})
    assert response.status_code == 409
    assert "Kỳ thi đã đóng: không mở khóa chứng thư số được nữa." in response.text
    assert tokens.get(cert).status is CertificateStatus.bi_khoa
    assert head(sqlite_db) == before
