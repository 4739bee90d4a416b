"""Field modifiers: each holds exactly when it should, compares Vietnamese text, dates and numbers
the way a grader reads them, and says in Vietnamese what it found against what it was asked."""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from graderd.spec.fields import MISSING
from graderd.spec.modifiers import MODIFIERS, Compiler, Matcher, Ungradable, Verdict, compile_matcher, compile_where
from graderd.spec.problems import Problems
from graderd.spec.source import Node, load_text
from graderd.spec.templates import Template, VnDate

NAME = "tasks/mail/x.yaml"
ROOM = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class FakeScope:
    """What a check may consult: params for templates, earlier matches, files by sha256."""

    context: Mapping[str, Any] = field(default_factory=dict)
    bindings: Mapping[str, Any] = field(default_factory=dict)
    files: Mapping[str, bytes] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    reports: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    tz: ZoneInfo = ROOM
    memo: dict[tuple[int, int], bool] = field(default_factory=dict)

    def render(self, template: Template) -> Any:
        return template.render(self.context)

    def bound(self, name: str) -> Any:
        return self.bindings[name]

    def file_bytes(self, sha256: str) -> bytes:
        if sha256 not in self.files:
            raise Ungradable(f"không có tệp {sha256[:12]}…")
        return self.files[sha256]

    def file_text(self, sha256: str, name: str | None = None, content_type: str | None = None) -> str:
        if sha256 not in self.texts:
            raise Ungradable(f"không đọc được {sha256[:12]}…")
        return self.texts[sha256]

    def signatures(self, sha256: str) -> dict[str, Any]:
        if sha256 not in self.reports:
            raise Ungradable(f"không kiểm tra được chữ ký {sha256[:12]}…")
        return self.reports[sha256]


def node_of(text: str) -> Node:
    problems = Problems()
    node = load_text(f"check: {text}\n", NAME, problems)
    assert node is not None
    assert not problems
    value: Node = node.value["check"]
    return value


def matcher(text: str, *, params: frozenset[str] = frozenset(), bindings: frozenset[str] = frozenset()) -> Matcher:
    """The matcher a check written as ``text`` (YAML flow) compiles to; it must compile cleanly."""
    problems = Problems()
    compiled = compile_matcher(node_of(text), Compiler(problems, params, bindings))
    assert not problems, [str(problem) for problem in problems.found]
    return compiled


def check(text: str, actual: Any, *, root: Any = None, scope: FakeScope | None = None, **names: Any) -> Verdict:
    compiled = matcher(text, params=frozenset(names), bindings=frozenset(scope.bindings) if scope else frozenset())
    return compiled.test(actual, scope or FakeScope(context=names), root)


def holds(text: str, actual: Any, **names: Any) -> bool:
    return check(text, actual, **names).ok


def compile_problems(text: str) -> list[str]:
    problems = Problems()
    compile_matcher(node_of(text), Compiler(problems, frozenset()))
    return [problem.message for problem in problems.found]


# --- Vietnamese text


SUBJECT = "Báo cáo kết quả chuyển đổi số năm 2026"


@pytest.mark.parametrize(
    "written",
    [
        SUBJECT,
        unicodedata.normalize("NFD", SUBJECT),
        SUBJECT.upper(),
        "  báo cáo   kết quả\tchuyển đổi số năm 2026 ",
    ],
)
def test_equals_ignores_unicode_form_case_and_spacing(written: str) -> None:
    verdict = check(f'"{SUBJECT}"', written)
    assert verdict.ok
    assert verdict.why == f"“{written}” bằng “{SUBJECT}”"


@pytest.mark.parametrize(("old_style", "new_style"), [("hoà", "hòa"), ("Thuỷ", "Thủy"), ("khoẻ", "khỏe")])
def test_equals_accepts_either_placement_of_the_tone_mark(old_style: str, new_style: str) -> None:
    assert holds(f"Phường {new_style} Bình", f"phường {old_style} bình")
    assert holds(f"Phường {old_style} Bình", f"phường {new_style} bình")


@pytest.mark.parametrize(("expected", "written"), [("Hòa", "Hóa"), ("Báo cáo", "Bao cao"), ("Đồng", "Dồng")])
def test_equals_fails_on_a_different_letter_or_tone_and_says_so(expected: str, written: str) -> None:
    verdict = check(expected, written)
    assert not verdict.ok
    assert verdict.why == f"“{written}” khác “{expected}”"


def test_exact_compares_letter_by_letter_after_nfc_only() -> None:
    assert holds("{equals: Hòa Bình, exact: true}", unicodedata.normalize("NFD", "Hòa Bình"))
    assert not holds("{equals: Hòa Bình, exact: true}", "hòa bình")
    assert not holds("{equals: Hòa Bình, exact: true}", "Hoà Bình")
    assert not holds("{equals: Hòa Bình, exact: true}", "Hòa  Bình")


def test_ignore_accents_drops_every_diacritic_and_d_with_stroke() -> None:
    assert holds("{equals: Đồng Hòa Bình, ignore_accents: true}", "dong hoa binh")
    assert holds("{contains: Hòa Bình, ignore_accents: true}", "Phuong Hoa Binh, Can Tho")
    assert not holds("Đồng Hòa Bình", "dong hoa binh")


def test_similarity_accepts_a_text_close_enough_word_by_word() -> None:
    verdict = check(f"{{equals: {SUBJECT}, similarity: 0.8}}", "Báo cáo kết quả chuyển đổi số 2026")
    assert verdict.ok


def test_similarity_refuses_a_text_too_different_and_names_the_threshold() -> None:
    verdict = check(f"{{equals: {SUBJECT}, similarity: 0.8}}", "Báo cáo tháng 11")
    assert not verdict.ok
    assert verdict.why == f"“Báo cáo tháng 11” chưa đủ giống “{SUBJECT}” (cần ≥ 80%)"


@pytest.mark.parametrize(
    ("text", "actual", "ok", "why"),
    [
        ("{contains: tháng 11}", "Báo cáo THÁNG 11 năm 2026", True, "“Báo cáo THÁNG 11 năm 2026” chứa “tháng 11”"),
        ("{contains: tháng 12}", "Báo cáo tháng 11", False, "“Báo cáo tháng 11” không chứa “tháng 12”"),
        ("{startswith: báo cáo}", "Báo cáo tháng 11", True, "“Báo cáo tháng 11” bắt đầu bằng “báo cáo”"),
        ("{startswith: V/v}", "Báo cáo tháng 11", False, "“Báo cáo tháng 11” không bắt đầu bằng “V/v”"),
        ("{endswith: .PDF}", "BaoCao.pdf", True, "“BaoCao.pdf” kết thúc bằng “.PDF”"),
        ("{endswith: .pdf}", "BaoCao.docx", False, "“BaoCao.docx” không kết thúc bằng “.pdf”"),
        (
            "[Phòng Kinh tế, Phòng Nội vụ]",
            "phòng nội vụ",
            True,
            "“phòng nội vụ” thuộc [“Phòng Kinh tế”, “Phòng Nội vụ”]",
        ),
        ("{in: [Phòng Kinh tế]}", "Văn phòng", False, "“Văn phòng” không thuộc [“Phòng Kinh tế”]"),
    ],
)
def test_text_modifiers_hold_or_not_and_say_what_they_compared(text: str, actual: str, ok: bool, why: str) -> None:
    assert check(text, actual) == Verdict(ok, why)


def test_a_missing_field_never_matches_a_text_and_is_shown_as_absent() -> None:
    for text in ("x", "{contains: x}", "{startswith: x}", "{in: [x]}", "{not: {equals: x}}"):
        verdict = check(text, MISSING)
        assert verdict.ok is text.startswith("{not"), text
    assert check("{contains: x}", MISSING).why == "(không có) không chứa “x”"


def test_a_template_value_is_rendered_with_the_params() -> None:
    verdict = check('{contains: "Kính gửi {{ unit }}"}', "Kính gửi Phòng Nội vụ,", unit="Phòng Nội vụ")
    assert verdict == Verdict(True, "“Kính gửi Phòng Nội vụ,” chứa “Kính gửi Phòng Nội vụ”")


# --- Lists


def test_equals_on_lists_ignores_order_and_compares_elements_as_text() -> None:
    assert holds("{equals: [a@egov.test, b@egov.test]}", ["B@egov.test", "a@egov.test"])
    assert holds("{equals: []}", [])


@pytest.mark.parametrize(
    "actual",
    [["a@egov.test"], ["a@egov.test", "b@egov.test", "c@egov.test"], ["a@egov.test", "a@egov.test"], "a@egov.test"],
)
def test_equals_on_lists_wants_the_same_elements_each_once(actual: Any) -> None:
    verdict = check("{equals: [a@egov.test, b@egov.test]}", actual)
    assert not verdict.ok
    assert "khác" in verdict.why


def test_contains_on_a_list_wants_an_element_equal_to_the_value() -> None:
    assert check("{contains: Ban@egov.test}", ["x@egov.test", "ban@egov.test"]) == Verdict(
        True, "[“x@egov.test”, “ban@egov.test”] chứa “Ban@egov.test”"
    )
    assert not holds("{contains: ban}", ["ban@egov.test"])  # an element, not a piece of one
    assert not holds("{contains: ban@egov.test}", [])


def test_any_with_a_where_on_elements() -> None:
    attachments = [{"name": "GiayMoi.docx", "size": 10}, {"name": "BaoCao.PDF", "size": 745}]
    verdict = check("{any: {name: {endswith: .pdf}, size: {gt: 100}}}", attachments)
    assert verdict.ok
    assert verdict.why.startswith("phần tử thứ 2: ")
    missed = check("{any: {name: {endswith: .pdf}, size: {gt: 1000}}}", attachments)
    assert not missed.ok
    assert missed.why.startswith("không phần tử nào đạt (name: “GiayMoi.docx” không kết thúc bằng “.pdf”")


def test_all_with_a_where_on_elements_names_the_first_that_fails() -> None:
    attachments = [{"name": "a.pdf"}, {"name": "b.docx"}, {"name": "c.pdf"}]
    verdict = check("{all: {name: {endswith: .pdf}}}", attachments)
    assert verdict == Verdict(False, "phần tử thứ 2: name: “b.docx” không kết thúc bằng “.pdf”")
    assert check("{all: {name: {endswith: .pdf}}}", attachments[::2]) == Verdict(True, "cả 2 phần tử đều đạt")


def test_any_and_all_take_a_modifier_for_lists_of_values() -> None:
    assert holds("{any: {endswith: '@egov.test'}}", ["a@gmail.com", "b@egov.test"])
    assert not holds("{all: {endswith: '@egov.test'}}", ["a@gmail.com", "b@egov.test"])


def test_any_on_an_empty_list_or_a_non_list_fails_saying_why() -> None:
    assert check("{any: {endswith: x}}", []) == Verdict(False, "danh sách trống")
    assert check("{any: {endswith: x}}", "x") == Verdict(False, "“x” không phải danh sách")
    assert check("{all: {endswith: x}}", MISSING) == Verdict(False, "(không có) không phải danh sách")


def test_len_counts_elements_or_letters() -> None:
    assert check("{len: 0}", []) == Verdict(True, "số phần tử: 0 bằng 0")
    assert check("{len: 0}", ["a@egov.test"]) == Verdict(False, "số phần tử: 1 khác 0")
    assert holds("{len: {gte: 2}}", ["a", "b"])
    assert check("{len: {gte: 2}}", ["a"]) == Verdict(False, "số phần tử: 1 nhỏ hơn 2")
    assert holds("{len: {lte: 5}}", "Hòa")
    assert check("{len: 0}", MISSING) == Verdict(False, "(không có) không phải danh sách")


# --- Dates


def test_a_date_equals_the_same_day_however_it_is_written() -> None:
    for written in ("27/11/2026", "2026-11-27", " 27/11/2026 ", dt.date(2026, 11, 27), VnDate(2026, 11, 27)):
        assert holds("2026-11-27", written), written
    assert not holds("2026-11-27", "28/11/2026")
    assert not holds("2026-11-27", "27/11")


def test_a_date_param_equals_the_same_day_however_it_is_written() -> None:
    due = VnDate(2026, 11, 27)
    assert check('"{{ due }}"', "2026-11-27", due=due) == Verdict(True, "“2026-11-27” bằng 27/11/2026")
    assert holds('"{{ due }}"', "27/11/2026", due=due)
    assert not holds('"{{ due }}"', "26/11/2026", due=due)


@pytest.mark.parametrize(
    ("stamp", "ok"),
    [
        ("2026-11-26T17:00:00Z", True),  # 00:00 on 27/11 in the room
        ("2026-11-26T16:59:59Z", False),  # 23:59:59 on 26/11 in the room
        ("2026-11-27T16:59:59.999999Z", True),  # 23:59:59 on 27/11
        ("2026-11-27T17:00:00Z", False),  # already 28/11 in the room, still 27/11 in UTC
        ("2026-11-27T23:30:00+07:00", True),
        ("2026-11-27T08:00:00", True),  # no offset: room time
    ],
)
def test_a_timestamp_is_on_a_day_as_the_room_s_clock_reads_it(stamp: str, ok: bool) -> None:
    assert holds("2026-11-27", stamp) is ok
    moment = dt.datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    assert holds("2026-11-27", moment) is ok


def test_dates_order_whichever_way_they_are_written() -> None:
    assert check("{gt: 2026-11-27}", "28/11/2026") == Verdict(True, "“28/11/2026” lớn hơn 27/11/2026")
    assert check("{lte: 2026-11-27}", "2026-11-28") == Verdict(False, "“2026-11-28” lớn hơn 27/11/2026")
    assert holds("{lt: 2026-11-27}", "2026-11-26T23:59:00+07:00")
    assert holds("{gte: 2026-11-27}", "2026-11-26T17:00:00Z")  # 00:00 on 27/11 in the room
    assert not holds("{lte: 2026-11-27}", "2026-11-27T17:00:00Z")  # 00:00 on 28/11 in the room
    assert holds("{gte: 27/11/2026}", "2026-11-27")
    assert holds("{lte: 27/11/2026}", "2026-11-27")


def test_two_timestamps_compare_as_instants() -> None:
    assert holds("{lt: 2026-11-27T09:00:00+07:00}", "2026-11-27T01:59:59Z")
    assert not holds("{lt: 2026-11-27T09:00:00+07:00}", "2026-11-27T02:00:00Z")


def test_a_date_written_27_11_2026_by_the_author_equals_the_same_day_in_iso() -> None:
    assert holds("{gte: 27/11/2026}", "2026-11-27")
    assert holds("{lte: 27/11/2026}", "2026-11-27")
    assert holds("{equals: 27/11/2026}", "2026-11-27")


def test_a_text_that_is_no_date_does_not_compare_with_a_date() -> None:
    verdict = check("{gt: 2026-11-27}", "sau thứ Sáu")
    assert verdict == Verdict(False, "“sau thứ Sáu” không so sánh được với 27/11/2026")


# --- Numbers


@pytest.mark.parametrize(("text", "actual"), [("215", "215"), ("'215'", 215), ("2.5", 2.5), ("3", 3.0), ("0", "0")])
def test_a_number_equals_the_same_number_or_its_text(text: str, actual: Any) -> None:
    assert holds(text, actual)


@pytest.mark.parametrize(("text", "actual"), [("215", "216"), ("215", "215a"), ("0", False), ("1", True)])
def test_a_number_does_not_equal_another_or_a_boolean(text: str, actual: Any) -> None:
    assert not holds(text, actual)


def test_equals_reads_numeric_text_with_a_decimal_comma_as_gte_and_lte_do() -> None:
    assert holds("{gte: 2.5}", "2,5")
    assert holds("{lte: 2.5}", "2,5")
    assert holds("2.5", "2,5")


@pytest.mark.parametrize(
    ("text", "actual", "ok", "why"),
    [
        ("{gt: 9}", "10", True, "“10” lớn hơn 9"),
        ("{gt: 10}", 10, False, "10 không lớn hơn 10"),
        ("{gte: 10}", "10", True, "“10” không nhỏ hơn 10"),
        ("{lt: 10}", 9.5, True, "9.5 nhỏ hơn 10"),
        ("{lte: 10}", "10,5", False, "“10,5” lớn hơn 10"),
        ("{gt: 3}", "ba", False, "“ba” không so sánh được với 3"),
        ("{gt: 3}", MISSING, False, "(không có) không so sánh được với 3"),
    ],
)
def test_numbers_order_by_value_text_included(text: str, actual: Any, ok: bool, why: str) -> None:
    assert check(text, actual) == Verdict(ok, why)


# --- Regex, exists, not


def test_regex_searches_anywhere_case_insensitively_on_nfc_text() -> None:
    assert check(r"{regex: 'số \d+/UBND'}", "Công văn SỐ 215/UBND-VP") == Verdict(
        True, r"“Công văn SỐ 215/UBND-VP” khớp mẫu /số \d+/UBND/"
    )
    assert holds(r"{regex: 'Hòa'}", unicodedata.normalize("NFD", "phường Hòa Bình"))
    assert not holds(r"{regex: 'số \d+/UBND', exact: true}", "SỐ 215/UBND")
    assert check(r"{regex: '^\d+$'}", "12a") == Verdict(False, r"“12a” không khớp mẫu /^\d+$/")
    assert not holds(r"{regex: '.'}", MISSING)


@pytest.mark.parametrize(
    ("actual", "present"), [(MISSING, False), (None, False), ("", False), ([], False), ("x", True), (0, True)]
)
def test_exists_is_about_having_a_value(actual: Any, present: bool) -> None:
    assert holds("{exists: true}", actual) is present
    assert holds("{exists: false}", actual) is not present


def test_exists_says_what_it_found() -> None:
    assert check("{exists: true}", "Phòng Nội vụ") == Verdict(True, "có giá trị “Phòng Nội vụ”")
    assert check("{exists: true}", MISSING) == Verdict(False, "không có giá trị")
    assert check("{exists: false}", "") == Verdict(True, "không có giá trị")


def test_not_inverts_and_says_what_must_not_be() -> None:
    assert check("{not: {contains: gmail}}", "a@egov.test") == Verdict(True, "“a@egov.test” không chứa “gmail”")
    assert check("{not: {contains: gmail}}", "a@gmail.com") == Verdict(False, "không được: “a@gmail.com” chứa “gmail”")


def test_several_modifiers_in_one_mapping_must_all_hold_the_first_miss_is_said() -> None:
    assert holds("{startswith: Báo cáo, contains: '2026'}", "Báo cáo năm 2026")
    assert check("{startswith: Báo cáo, contains: '2025'}", "Báo cáo năm 2026") == Verdict(
        False, "“Báo cáo năm 2026” không chứa “2025”"
    )


# --- Field references


def test_a_field_reference_compares_with_another_field_of_the_same_record() -> None:
    record = {"data": {"after": {"from": "a@egov.test", "to": ["A@egov.test"], "reply_to": []}}}
    assert matcher("{field: data.after.from}").test("a@egov.test", FakeScope(), record).ok
    assert matcher("{contains: {field: data.after.from}}").test(["x", "A@EGOV.test"], FakeScope(), record).ok
    verdict = matcher("{equals: {field: data.after.missing}}").test("a@egov.test", FakeScope(), record)
    assert verdict == Verdict(False, "“a@egov.test” khác (không có)")


def test_a_field_reference_to_a_binding_compares_with_the_earlier_match() -> None:
    request = {"data": {"after": {"message_id": "<m1@egov.test>", "date": "2026-11-23T01:00:00Z"}}}
    scope = FakeScope(bindings={"request": request})
    compiled = matcher("{equals: {field: request.data.after.message_id}}", bindings=frozenset({"request"}))
    assert compiled.test("<m1@egov.test>", scope, {}) == Verdict(True, "“<m1@egov.test>” bằng “<m1@egov.test>”")
    assert not compiled.test("<m2@egov.test>", scope, {}).ok
    later = matcher("{gt: {field: request.data.after.date}}", bindings=frozenset({"request"}))
    assert later.test("2026-11-23T01:00:01Z", scope, {}).ok
    assert not later.test("2026-11-23T00:59:59Z", scope, {}).ok


def test_a_where_checks_every_path_and_names_the_one_that_failed() -> None:
    problems = Problems()
    node = load_text("data.after.subject: {contains: Báo cáo}\ndata.after.cc: {len: 1}\n", NAME, problems)
    assert node is not None
    where = compile_where(node, Compiler(problems, frozenset()), what="where")
    assert not problems
    record = {"data": {"after": {"subject": "Báo cáo", "cc": []}}}
    assert where.test(record, FakeScope(), record) == Verdict(False, "data.after.cc: số phần tử: 0 khác 1")
    record["data"]["after"]["cc"] = ["x@egov.test"]
    assert where.test(record, FakeScope(), record) == Verdict(True, "data.after.subject; data.after.cc đạt")


# --- Files


def test_file_checks_look_at_the_blob_and_are_ungradable_without_it() -> None:
    scope = FakeScope(files={"aa" * 32: b"%PDF-1.4 not really"}, texts={"aa" * 32: "Báo cáo năm 2026"})
    assert check("{file: {text_contains: BÁO CÁO}}", {"sha256": "aa" * 32}, scope=scope).ok
    assert check("{file: {text_contains: tháng 11}}", "aa" * 32, scope=scope) == Verdict(
        False, "nội dung tệp không chứa “tháng 11”"
    )
    assert check("{file: {is_pdf: true}}", 17, scope=scope) == Verdict(False, "17 không phải tệp")
    with pytest.raises(Ungradable):
        check("{file: {is_pdf: true}}", "bb" * 32, scope=scope)


# --- Compiling


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("{contain: x}", "unknown modifier 'contain' (did you mean 'contains'?); modifiers: equals, contains"),
        ("{regex: '(x'}", "regex '(x' does not compile: "),
        ("{equals: x, similarity: 0}", "similarity must be a number above 0 and at most 1, not 0"),
        ("{equals: x, similarity: 1.01}", "similarity must be a number above 0 and at most 1, not 1.01"),
        ("{contains: x, similarity: 0.9}", "similarity goes with equals"),
        ("{exact: true}", "a check needs a modifier besides its options"),
        ("{gt: 3, exact: true}", "exact, ignore_accents and similarity go with equals"),
        ("{in: x}", "in needs a list of values, not the text 'x'"),
        ("{exists: có}", "exists must be true or false, not the text 'có'"),
        ("{gt: [1, 2]}", "gt compares with a number or a date, not a list"),
        ("{file: {is_pdf: true, signed: true}}", "unknown file predicate 'signed'"),
        ("{file: {}}", "file needs is_pdf, text_contains, same_as, verdict or signatures"),
        ("{file: {verdict: hople}}", "verdict 'hople' is not one of hop_le"),
        ("{equals: {field: 'data..x'}}", "field needs a path such as data.after.from"),
    ],
)
def test_a_check_that_cannot_work_is_refused_when_it_loads(text: str, said: str) -> None:
    messages = compile_problems(text)
    assert any(message.startswith(said) for message in messages), messages


def test_every_modifier_is_documented_and_compiles() -> None:
    samples = {
        "equals": "x",
        "contains": "x",
        "startswith": "x",
        "endswith": "x",
        "regex": "x",
        "in": "[x]",
        "exists": "true",
        "gt": "1",
        "gte": "1",
        "lt": "1",
        "lte": "1",
        "len": "1",
        "any": "{equals: x}",
        "all": "{equals: x}",
        "not": "{equals: x}",
        "file": "{is_pdf: true}",
    }
    options = {"exact", "ignore_accents", "similarity"}
    assert set(MODIFIERS) == set(samples) | options
    for key, sample in samples.items():
        assert MODIFIERS[key].strip()
        assert compile_problems(f"{{{key}: {sample}}}") == [], key
