"""A candidate in a real browser (Debian's Chromium through Playwright) against a real room server."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from mock_services.core.clock import utcnow
from sandbox import roster
from tests.conftest import LiveRoom
from tests.support.room import SeededExam, seed_exam

pytestmark = [pytest.mark.browser, pytest.mark.live]


@pytest.fixture
def exam_in_progress(live_room: LiveRoom) -> SeededExam:
    now = utcnow()
    return seed_exam(live_room.db, now=now, starts_at=now - timedelta(minutes=5), duration=60)


def clock_seconds(text: str) -> int:
    hours, minutes, seconds = (int(part) for part in text.split(":"))
    return hours * 3600 + minutes * 60 + seconds


def test_a_candidate_logs_in_sees_the_paper_and_the_countdown_then_logs_out(
    page: Page, live_room: LiveRoom, exam_in_progress: SeededExam
) -> None:
    page.goto(live_room.url("/"))
    expect(page).to_have_url(re.compile(r"/dang-nhap\?ly_do=chua_dang_nhap"))
    expect(page.get_by_role("status")).to_have_text("Vui lòng đăng nhập để vào bài thi.")

    page.get_by_label("Số báo danh").fill("CT002")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("alert")).to_have_text("Số báo danh hoặc mật khẩu không đúng.")

    page.get_by_label("Mật khẩu").fill(exam_in_progress.passwords["CT002"])
    page.get_by_role("button", name="Đăng nhập").click()

    expect(page).to_have_url(re.compile(r"/bai-thi$"))
    expect(page.get_by_role("heading", name="Bài thi của tôi")).to_be_visible()
    expect(page.locator(".account-name")).to_have_text("Trần Thị Bích Hòa")
    expect(page.get_by_role("heading", name="Câu 1. Câu thử số 1")).to_be_visible()
    expect(page.get_by_text("Hướng dẫn câu 2 cho Trần Thị Bích Hòa.")).to_be_visible()

    countdown = page.locator("[data-countdown-value]")
    expect(countdown).to_have_text(re.compile(r"^00:5\d:\d\d$"))
    first = clock_seconds(countdown.inner_text())
    assert 54 * 60 <= first <= 55 * 60
    page.wait_for_timeout(2200)
    later = clock_seconds(countdown.inner_text())
    assert 1 <= first - later <= 4, (first, later)

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page).to_have_url(re.compile(r"/dang-nhap\?ly_do=da_dang_xuat"))
    expect(page.get_by_role("status")).to_have_text("Bạn đã đăng xuất.")
    page.goto(live_room.url("/bai-thi"))
    expect(page).to_have_url(re.compile(r"/dang-nhap"))


def test_the_proctor_sees_who_is_logged_in(page: Page, live_room: LiveRoom, exam_in_progress: SeededExam) -> None:
    password = roster.add_operator(live_room.db, "giamthi", "Phạm Văn Giám", now=utcnow())
    candidate = page.context.browser.new_context().new_page() if page.context.browser else page
    candidate.goto(live_room.url("/dang-nhap"))
    candidate.get_by_label("Số báo danh").fill("CT003")
    candidate.get_by_label("Mật khẩu").fill(exam_in_progress.passwords["CT003"])
    candidate.get_by_role("button", name="Đăng nhập").click()
    expect(candidate).to_have_url(re.compile(r"/bai-thi$"))

    page.goto(live_room.url("/giam-thi/"))
    expect(page).to_have_url(re.compile(r"/giam-thi/dang-nhap"))
    page.get_by_label("Tên đăng nhập").fill("giamthi")
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("heading", name="Hội thi ứng dụng CNTT năm 2026")).to_be_visible()
    expect(page.locator('tr[data-sbd="CT003"]')).to_contain_text("Đang đăng nhập")
    expect(page.locator('tr[data-sbd="CT001"]')).to_contain_text("Chưa đăng nhập")

    page.locator('tr[data-sbd="CT003"]').get_by_role("button", name="Kết thúc phiên").click()
    expect(page.locator('tr[data-sbd="CT003"]')).to_contain_text("Đã đăng xuất")
    candidate.reload()
    expect(candidate.get_by_role("status")).to_contain_text("Giám thị đã kết thúc phiên làm việc của bạn")
