"""Attempts at the one-stop tasks (tasks/onestop/): what a candidate does at the Bộ phận Một cửa's
pages (gọi số, tiếp nhận trực tiếp, the online queue, chuyển xử lý, trả kết quả, phiếu xin lỗi),
step by step, through the service's own domain functions as the pages call them."""

from __future__ import annotations

from datetime import timedelta

from mock_services.core.acting import Acting, emit
from mock_services.core.workdays import add_working_days
from mock_services.onestop import apology, intake, processing, store
from mock_services.onestop.desk import Desk, desk_of
from mock_services.onestop.domain import ReturnMethod, check_applicant
from mock_services.onestop.events import FileOpened, Searched
from mock_services.onestop.intake import Intake
from mock_services.onestop.pages import Filters
from mock_services.onestop.procedures import procedure
from mock_services.onestop.store import Dossier, Visit
from sandbox.recording import RECORDER, Attempt

SAO_Y = "2.000815"
KHAI_SINH = "1.001193"
KET_HON = "1.000894"
KHAI_TU = "1.000656"
ORIGINAL = "Bản chính giấy tờ, văn bản làm cơ sở để chứng thực bản sao"
COPY = "Bản sao cần chứng thực"

# --- Helpers: what the pages do around the domain functions


def acting(attempt: Attempt) -> Acting:
    """The next action at the desk: the clock moves first, as a candidate's does between clicks."""
    return attempt.documents_acting()


def desk(attempt: Attempt) -> Desk:
    """The desk, and the results the handlers have brought back by now (every page does this first)."""
    now = acting(attempt)
    found = desk_of(attempt.conn, attempt.candidate, now, attempt.settings.onestop_unit_id)
    processing.settle(attempt.conn, attempt.candidate, found, now)
    return found


def the_visit(attempt: Attempt) -> Visit:
    [visit] = store.visits_of(attempt.conn, attempt.candidate.id)
    return visit


def call(attempt: Attempt) -> Visit:
    """Công dân chờ › Gọi số."""
    return intake.call_visit(attempt.conn, attempt.candidate, the_visit(attempt), acting(attempt))


def from_visit(visit: Visit | None, code: str, handed: dict[str, int], applicant: dict[str, str]) -> Intake:
    """The intake form as the candidate submits it: the căn cước read in, the papers counted."""
    a = applicant
    person = check_applicant(a["name"], a["id_number"], a["phone"], a["address"], a.get("email", ""))
    return Intake(code, person, handed, visit=visit)


def receive(attempt: Attempt, papers: Intake) -> Dossier:
    return intake.receive(attempt.conn, attempt.candidate, papers, desk(attempt), acting(attempt))


def open_file(attempt: Attempt, dossier: Dossier, kind: str) -> None:
    """Opens (prints) one of the dossier's files, as its link on the dossier's page does."""
    [wanted] = dossier.files_of(kind)[-1:]
    event = FileOpened(kind=kind, name=wanted["name"], sha256=wanted["sha256"])
    emit(attempt.conn, attempt.candidate, acting(attempt), event, str(dossier.id))


def dossier_of(attempt: Attempt, code: str) -> Dossier:
    """The dossier of procedure ``code``, as the lists show it."""
    for found in store.dossiers_of(attempt.conn, attempt.candidate.id):
        if found.procedure_code == code:
            return found
    raise LookupError(f"no dossier of procedure {code}")


def required(code: str) -> dict[str, int]:
    return {c.name: 1 for c in procedure(code).components if not c.optional}


# --- onestop.receive-friday


def _copies(copies: int) -> dict[str, int]:
    return {ORIGINAL: 1, COPY: copies}


@RECORDER.attempt("onestop.receive-friday", "full.jsonl")
def receive_friday_in_full(attempt: Attempt) -> None:
    """Calls the number, receives as of 15:20 on Friday, prints the receipt."""
    visit = call(attempt)
    papers = from_visit(visit, SAO_Y, _copies(attempt.params["ban_sao"]), visit.applicant)
    open_file(attempt, receive(attempt, papers), "giay_tiep_nhan")


@RECORDER.attempt("onestop.receive-friday", "typed-without-calling.jsonl")
def receive_friday_typed(attempt: Attempt) -> None:
    """Types the citizen in on Tiếp nhận trực tiếp without calling the number: received as of now."""
    visit = the_visit(attempt)
    papers = from_visit(None, SAO_Y, _copies(attempt.params["ban_sao"]), visit.applicant)
    open_file(attempt, receive(attempt, papers), "giay_tiep_nhan")


@RECORDER.attempt("onestop.receive-friday", "wrong-quantity.jsonl")
def receive_friday_one_copy(attempt: Attempt) -> None:
    """Counts one copy instead of all of them, and forgets to print the receipt."""
    visit = call(attempt)
    receive(attempt, from_visit(visit, SAO_Y, _copies(1), visit.applicant))


@RECORDER.attempt("onestop.receive-friday", "nothing.jsonl")
def receive_friday_nothing(attempt: Attempt) -> None:
    """Looks at the queue and does nothing."""
    desk(attempt)


# --- onestop.request-missing

MISSING_REASON = "Hồ sơ đăng ký khai sinh còn thiếu Giấy chứng sinh do cơ sở y tế nơi trẻ sinh ra cấp."


def _birth_papers() -> dict[str, int]:
    return {"Tờ khai đăng ký khai sinh (theo mẫu)": 1, "Giấy tờ tùy thân của người đi đăng ký (CCCD/hộ chiếu)": 1}


@RECORDER.attempt("onestop.request-missing", "full.jsonl")
def request_missing_in_full(attempt: Attempt) -> None:
    """Names the giấy chứng sinh on the Phiếu yêu cầu bổ sung and prints it."""
    visit = call(attempt)
    papers = from_visit(visit, KHAI_SINH, _birth_papers(), visit.applicant)
    dossier = intake.request_supplement(
        attempt.conn, attempt.candidate, papers, ["Giấy chứng sinh"], MISSING_REASON, desk(attempt), acting(attempt)
    )
    open_file(attempt, dossier, "phieu_bo_sung")


@RECORDER.attempt("onestop.request-missing", "asked-for-everything.jsonl")
def request_missing_everything(attempt: Attempt) -> None:
    """Ticks every paper as missing, those the citizen brought too."""
    visit = call(attempt)
    papers = from_visit(visit, KHAI_SINH, _birth_papers(), visit.applicant)
    every = [c.name for c in procedure(KHAI_SINH).components if not c.optional]
    intake.request_supplement(
        attempt.conn, attempt.candidate, papers, every, MISSING_REASON, desk(attempt), acting(attempt)
    )


@RECORDER.attempt("onestop.request-missing", "received-anyway.jsonl")
def request_missing_received(attempt: Attempt) -> None:
    """Counts the căn cước as the birth certificate and receives the short dossier."""
    visit = call(attempt)
    handed = {**_birth_papers(), "Giấy chứng sinh": 1}
    receive(attempt, from_visit(visit, KHAI_SINH, handed, visit.applicant))


@RECORDER.attempt("onestop.request-missing", "nothing.jsonl")
def request_missing_nothing(attempt: Attempt) -> None:
    call(attempt)


# --- onestop.refuse-secret

STAMPED_REASON = (
    "Bản chính có đóng dấu chỉ độ mật “MẬT”, thuộc trường hợp không được chứng thực bản sao "
    "(Điều 22 Nghị định 23/2015/NĐ-CP)."
)


@RECORDER.attempt("onestop.refuse-secret", "full.jsonl")
def refuse_secret_in_full(attempt: Attempt) -> None:
    visit = call(attempt)
    papers = from_visit(visit, SAO_Y, {ORIGINAL: 1, COPY: 2}, visit.applicant)
    dossier = intake.refuse(attempt.conn, attempt.candidate, papers, STAMPED_REASON, desk(attempt), acting(attempt))
    open_file(attempt, dossier, "phieu_tu_choi")


@RECORDER.attempt("onestop.refuse-secret", "vague-reason.jsonl")
def refuse_secret_vaguely(attempt: Attempt) -> None:
    """Refuses, but the reason does not say why the paper cannot be certified."""
    visit = call(attempt)
    papers = from_visit(visit, SAO_Y, {ORIGINAL: 1, COPY: 2}, visit.applicant)
    reason = "Giấy tờ không đủ điều kiện chứng thực theo quy định."
    intake.refuse(attempt.conn, attempt.candidate, papers, reason, desk(attempt), acting(attempt))


@RECORDER.attempt("onestop.refuse-secret", "certified-it.jsonl")
def refuse_secret_certified(attempt: Attempt) -> None:
    """Misses the stamp and receives the dossier."""
    visit = call(attempt)
    receive(attempt, from_visit(visit, SAO_Y, {ORIGINAL: 1, COPY: 2}, visit.applicant))


@RECORDER.attempt("onestop.refuse-secret", "nothing.jsonl")
def refuse_secret_nothing(attempt: Attempt) -> None:
    desk(attempt)


# --- onestop.marriage


def _marriage_received(attempt: Attempt) -> Dossier:
    visit = call(attempt)
    handed = {"Tờ khai đăng ký kết hôn (theo mẫu)": 1, "Giấy tờ tùy thân của hai bên nam, nữ (CCCD/hộ chiếu)": 2}
    return receive(attempt, from_visit(visit, KET_HON, handed, visit.applicant))


def _transfer(attempt: Attempt, dossier: Dossier, handler: str) -> Dossier:
    note = "Hai bên có mặt, đủ giấy tờ; đề nghị giải quyết trong ngày."
    return processing.transfer(attempt.conn, attempt.candidate, dossier, handler, note, desk(attempt), acting(attempt))


def _return_to_groom(attempt: Attempt, dossier: Dossier) -> None:
    attempt.wait(processing.PROCESSING_TIME.total_seconds() + 60)  # the result comes back to the desk
    desk(attempt)
    done = dossier_of(attempt, KET_HON)
    processing.return_result(
        attempt.conn,
        attempt.candidate,
        done,
        to=attempt.params["chong"],
        id_number=attempt.params["cccd_chong"],
        method=ReturnMethod.tai_bo_phan_mot_cua,
        originals_taken=False,
        desk=desk(attempt),
        acting=acting(attempt),
    )


@RECORDER.attempt("onestop.marriage", "full.jsonl")
def marriage_in_full(attempt: Attempt) -> None:
    dossier = _marriage_received(attempt)
    open_file(attempt, dossier, "giay_tiep_nhan")
    _return_to_groom(attempt, _transfer(attempt, dossier, "tp_ht"))


@RECORDER.attempt("onestop.marriage", "not-returned.jsonl")
def marriage_not_returned(attempt: Attempt) -> None:
    """Receives and transfers, then leaves the result waiting at the desk."""
    _transfer(attempt, _marriage_received(attempt), "tp_ht")
    attempt.wait(timedelta(minutes=10).total_seconds())
    desk(attempt)


@RECORDER.attempt("onestop.marriage", "wrong-handler.jsonl")
def marriage_wrong_handler(attempt: Attempt) -> None:
    """Sends the dossier to the Văn phòng - Thống kê official, who still brings the result back."""
    _return_to_groom(attempt, _transfer(attempt, _marriage_received(attempt), "vp_tk"))


@RECORDER.attempt("onestop.marriage", "nothing.jsonl")
def marriage_nothing(attempt: Attempt) -> None:
    call(attempt)


# --- onestop.apologise


def _apologise(attempt: Attempt, reason: str, leader: str) -> None:
    found = desk(attempt)
    late = next(d for d in store.dossiers_of(attempt.conn, attempt.candidate.id) if d.delay)
    new_due = add_working_days(late.due_date, 3)
    apology.apologise(
        attempt.conn,
        attempt.candidate,
        late,
        reason=reason,
        new_due=new_due,
        leader_key=leader,
        desk=found,
        acting=acting(attempt),
    )


@RECORDER.attempt("onestop.apologise", "full.jsonl")
def apologise_in_full(attempt: Attempt) -> None:
    reason = f"Đang chờ kết quả xác minh tình trạng hôn nhân tại UBND xã {attempt.params['xa']}"
    _apologise(attempt, reason, "ct")


@RECORDER.attempt("onestop.apologise", "vague-reason-vice-chair.jsonl")
def apologise_vaguely(attempt: Attempt) -> None:
    """Writes a reason that says nothing, and sends it to the Phó Chủ tịch."""
    _apologise(attempt, "Hồ sơ chưa giải quyết kịp, mong công dân thông cảm.", "pct")


@RECORDER.attempt("onestop.apologise", "vice-chair.jsonl")
def apologise_to_vice_chair(attempt: Attempt) -> None:
    """Writes the right reason and a later date, but sends the phiếu to the Phó Chủ tịch to clear."""
    reason = f"Đang chờ kết quả xác minh tình trạng hôn nhân tại UBND xã {attempt.params['xa']}"
    _apologise(attempt, reason, "pct")


@RECORDER.attempt("onestop.apologise", "nothing.jsonl")
def apologise_nothing(attempt: Attempt) -> None:
    desk(attempt)


# --- onestop.online-queue

BIRTH_REASON = "Hồ sơ chưa đính kèm bản chụp Giấy chứng sinh của cháu do bệnh viện cấp."


def _accept_death(attempt: Attempt) -> None:
    dead = dossier_of(attempt, KHAI_TU)
    intake.accept_online(attempt.conn, attempt.candidate, dead, desk(attempt), acting(attempt))


def _return_birth(attempt: Attempt) -> None:
    birth = dossier_of(attempt, KHAI_SINH)
    intake.request_supplement(
        attempt.conn, attempt.candidate, birth, ["Giấy chứng sinh"], BIRTH_REASON, desk(attempt), acting(attempt)
    )


@RECORDER.attempt("onestop.online-queue", "full.jsonl")
def online_queue_in_full(attempt: Attempt) -> None:
    for code in (KHAI_TU, KHAI_SINH):
        for attached in dossier_of(attempt, code).files_of("dinh_kem"):
            event = FileOpened(kind="dinh_kem", name=attached["name"], sha256=attached["sha256"])
            emit(attempt.conn, attempt.candidate, acting(attempt), event, str(dossier_of(attempt, code).id))
    _accept_death(attempt)
    _return_birth(attempt)


@RECORDER.attempt("onestop.online-queue", "accepted-both.jsonl")
def online_queue_accepted_both(attempt: Attempt) -> None:
    """Accepts both without looking at the attachments."""
    _accept_death(attempt)
    birth = dossier_of(attempt, KHAI_SINH)
    intake.accept_online(attempt.conn, attempt.candidate, birth, desk(attempt), acting(attempt))


@RECORDER.attempt("onestop.online-queue", "birth-left-waiting.jsonl")
def online_queue_birth_left(attempt: Attempt) -> None:
    """Accepts the complete death registration and leaves the birth registration waiting in the queue."""
    _accept_death(attempt)
    desk(attempt)


@RECORDER.attempt("onestop.online-queue", "returned-both.jsonl")
def online_queue_returned_both(attempt: Attempt) -> None:
    """Sends both back, the complete death registration too."""
    dead = dossier_of(attempt, KHAI_TU)
    intake.request_supplement(
        attempt.conn,
        attempt.candidate,
        dead,
        ["Giấy báo tử hoặc giấy tờ thay giấy báo tử"],
        "Đề nghị nộp bản chính giấy báo tử tại Bộ phận Một cửa.",
        desk(attempt),
        acting(attempt),
    )
    _return_birth(attempt)


@RECORDER.attempt("onestop.online-queue", "nothing.jsonl")
def online_queue_nothing(attempt: Attempt) -> None:
    desk(attempt)


# --- onestop.return-result


def _search(attempt: Attempt, query: str) -> list[Dossier]:
    """Tra cứu: the dossiers whose code, applicant's name, căn cước or phone has ``query``, newest first."""
    now = acting(attempt)
    wanted = Filters(text=" ".join(query.split()))
    found = [d for d in store.dossiers_of(attempt.conn, attempt.candidate.id) if wanted.keep(d, now.tz)]
    emit(
        attempt.conn, attempt.candidate, now, Searched(query=wanted.text, results=len(found)), str(attempt.candidate.id)
    )
    return found[::-1]


def _hand_over(attempt: Attempt, dossier: Dossier, id_number: str) -> None:
    """Trả kết quả at the desk to the citizen (his name as the form proposes it), with the căn cước typed."""
    processing.return_result(
        attempt.conn,
        attempt.candidate,
        dossier,
        to=dossier.applicant["name"],
        id_number=id_number,
        method=ReturnMethod.tai_bo_phan_mot_cua,
        originals_taken=False,
        desk=desk(attempt),
        acting=acting(attempt),
    )


def _return_found(attempt: Attempt, id_number: str) -> None:
    """Searches by the căn cước shown, opens the result found and returns it, typing ``id_number``."""
    [found] = _search(attempt, attempt.params["cccd"])
    open_file(attempt, found, "ket_qua")
    _hand_over(attempt, found, id_number)


@RECORDER.attempt("onestop.return-result", "full.jsonl")
def return_result_in_full(attempt: Attempt) -> None:
    _return_found(attempt, attempt.params["cccd"])


@RECORDER.attempt("onestop.return-result", "full-marital-status.jsonl")
def return_result_marital_status(attempt: Attempt) -> None:
    """The same, for the xác nhận tình trạng hôn nhân variant."""
    _return_found(attempt, attempt.params["cccd"])


@RECORDER.attempt("onestop.return-result", "typo-id-number.jsonl")
def return_result_typo(attempt: Attempt) -> None:
    """Finds the right dossier, but swaps two digits of the căn cước on the return form."""
    cccd = attempt.params["cccd"]
    _return_found(attempt, cccd[:-2] + cccd[-1] + cccd[-2])


@RECORDER.attempt("onestop.return-result", "namesake.jsonl")
def return_result_namesake(attempt: Attempt) -> None:
    """Searches by the name, takes the first dossier listed (his namesake's) without comparing the
    căn cước on it, and returns it to him with his own căn cước typed."""
    first = _search(attempt, attempt.params["cong_dan"])[0]
    _hand_over(attempt, first, attempt.params["cccd"])


@RECORDER.attempt("onestop.return-result", "nothing.jsonl")
def return_result_nothing(attempt: Attempt) -> None:
    desk(attempt)
