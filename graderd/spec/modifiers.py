"""Field modifiers, the vocabulary of ``where`` and ``expect`` (in the manner of Sigma's).

    data.after.subject: {contains: "Báo cáo tháng {{ month }}"}
    data.after.to: {contains: "{{ unit.email }}"}
    data.after.attachments: {any: {name: {endswith: .pdf}, sha256: {file: {is_pdf: true}}}}
    data.after.in_reply_to: {equals: {field: request.data.after.message_id}}

A bare value means ``equals``, a bare list ``in``. Several modifiers in one mapping must all
hold. Every outcome carries a sentence in Vietnamese saying what was found against what was
asked, which is what a grader reads and a candidate's appeal cites.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from graderd.files import is_pdf
from graderd.spec.compare import (
    DEFAULT_TEXT,
    TextOptions,
    as_text,
    comparable,
    prepare,
    values_equal,
)
from graderd.spec.fields import MISSING, Path, lookup, parse_path, show_path
from graderd.spec.problems import Mark, Problems, did_you_mean
from graderd.spec.shape import describe
from graderd.spec.source import Node
from graderd.spec.templates import Template, compile_template, is_template


class Ungradable(Exception):
    """The evidence a check needs is missing or unreadable (a blob, a file's text)."""


class Scope(Protocol):
    """What evaluating a check may consult besides the value itself."""

    tz: ZoneInfo
    memo: dict[tuple[int, int], bool]  # (condition key, id of the record) → holds, within one grading

    def render(self, template: Template) -> Any: ...

    def bound(self, name: str) -> Any: ...

    def file_bytes(self, sha256: str) -> bytes: ...

    def file_text(self, sha256: str, name: str | None = None, content_type: str | None = None) -> str: ...

    def signatures(self, sha256: str) -> dict[str, Any]:
        """The signature report of a PDF (verify_pdf's ``as_dict``), judged with the trust the log names."""
        ...


@dataclass(frozen=True, slots=True)
class Verdict:
    ok: bool
    why: str


# --- Values a modifier compares against


class Value(ABC):
    @abstractmethod
    def resolve(self, scope: Scope, root: Any) -> Any: ...


@dataclass(frozen=True, slots=True)
class Const(Value):
    value: Any

    def resolve(self, scope: Scope, root: Any) -> Any:
        return self.value


@dataclass(frozen=True, slots=True)
class Rendered(Value):
    template: Template

    def resolve(self, scope: Scope, root: Any) -> Any:
        return scope.render(self.template)


@dataclass(frozen=True, slots=True)
class FieldRef(Value):
    """``{field: path}``: another field of the same record, or of a bound record (``reply.data…``)."""

    binding: str | None
    path: Path

    def resolve(self, scope: Scope, root: Any) -> Any:
        return lookup(scope.bound(self.binding) if self.binding else root, self.path)


# --- How values are shown in Vietnamese sentences


def show(value: Any) -> str:
    if value is MISSING:
        return "(không có)"
    if value is None:
        return "(trống)"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, str):
        flat = " ".join(value.split()) if "\n" in value else value
        text = flat if len(flat) <= 80 else flat[:77] + "…"
        return f"“{text}”"
    if isinstance(value, dt.datetime):
        return value.strftime("%H:%M:%S %d/%m/%Y")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, list):
        shown = ", ".join(show(item) for item in value[:5])
        return f"[{shown}{', …' if len(value) > 5 else ''}]"
    if isinstance(value, dict):
        return "{…}"
    return str(value)


# --- Matchers


class Matcher(ABC):
    """A check on one value. ``holds`` answers fast (grading); ``test`` also says why (evidence)."""

    @abstractmethod
    def test(self, actual: Any, scope: Scope, root: Any) -> Verdict: ...

    def holds(self, actual: Any, scope: Scope, root: Any) -> bool:
        return self.test(actual, scope, root).ok


_TEXT_VERBS = {
    "equals": ("bằng", "khác"),
    "contains": ("chứa", "không chứa"),
    "startswith": ("bắt đầu bằng", "không bắt đầu bằng"),
    "endswith": ("kết thúc bằng", "không kết thúc bằng"),
    "in": ("thuộc", "không thuộc"),
}


@dataclass(frozen=True, slots=True)
class TextCompare(Matcher):
    op: str
    value: Value
    options: TextOptions = DEFAULT_TEXT

    def test(self, actual: Any, scope: Scope, root: Any) -> Verdict:
        expected = self.value.resolve(scope, root)
        ok = self._holds(actual, expected, scope.tz)
        yes, no = _TEXT_VERBS[self.op]
        if not ok and self.op == "equals" and self.options.similarity is not None:
            return Verdict(
                False, f"{show(actual)} chưa đủ giống {show(expected)} (cần ≥ {self.options.similarity:.0%})"
            )
        return Verdict(ok, f"{show(actual)} {yes if ok else no} {show(expected)}")

    def holds(self, actual: Any, scope: Scope, root: Any) -> bool:
        return self._holds(actual, self.value.resolve(scope, root), scope.tz)

    def _holds(self, actual: Any, expected: Any, tz: ZoneInfo) -> bool:
        if actual is MISSING:
            return False
        if self.op == "equals":
            return values_equal(actual, expected, self.options, tz)
        if self.op == "in":
            choices = expected if isinstance(expected, list) else [expected]
            return any(values_equal(actual, choice, self.options, tz) for choice in choices)
        if self.op == "contains" and isinstance(actual, list):
            return any(values_equal(item, expected, self.options, tz) for item in actual)
        a_text, e_text = as_text(actual), as_text(expected)
        if a_text is None or e_text is None:
            return False
        a, e = prepare(a_text, self.options), prepare(e_text, self.options)
        if self.op == "contains":
            return e in a
        if self.op == "startswith":
            return a.startswith(e)
        return a.endswith(e)


@dataclass(frozen=True, slots=True)
class Regex(Matcher):
    pattern: re.Pattern[str]

    def test(self, actual: Any, scope: Scope, root: Any) -> Verdict:
        text = as_text(actual)
        ok = text is not None and self.pattern.search(unicodedata.normalize("NFC", text)) is not None
        return Verdict(ok, f"{show(actual)} {'khớp' if ok else 'không khớp'} mẫu /{self.pattern.pattern}/")


@dataclass(frozen=True, slots=True)
class Exists(Matcher):
    wanted: bool

    def test(self, actual: Any, scope: Scope, root: Any) -> Verdict:
        present = actual is not MISSING and actual is not None and actual != "" and actual != []
        if present:
            return Verdict(self.wanted, f"có giá trị {show(actual)}")
        return Verdict(not self.wanted, "không có giá trị")


_ORDER: dict[str, tuple[Callable[[Any, Any], bool], str, str]] = {
    "gt": (lambda a, b: a > b, "lớn hơn", "không lớn hơn"),
    "gte": (lambda a, b: a >= b, "không nhỏ hơn", "nhỏ hơn"),
    "lt": (lambda a, b: a < b, "nhỏ hơn", "không nhỏ hơn"),
    "lte": (lambda a, b: a <= b, "không lớn hơn", "lớn hơn"),
}


@dataclass(frozen=True, slots=True)
class Order(Matcher):
    op: str
    value: Value

    def test(self, actual: Any, scope: Scope, root: Any) -> Verdict:
        expected = self.value.resolve(scope, root)
        pair = comparable(actual, expected, scope.tz)
        if pair is None:
            return Verdict(False, f"{show(actual)} không so sánh được với {show(expected)}")
        holds: Callable[[Any, Any], bool] = _ORDER[self.op][0]
        ok = holds(*pair)
        return Verdict(ok, f"{show(actual)} {_ORDER[self.op][1] if ok else _ORDER[self.op][2]} {show(expected)}")


@dataclass(frozen=True, slots=True)
class Length(Matcher):
    inner: Matcher

    def test(self, actual: Any, scope: Scope, root: Any) -> Verdict:
        if not isinstance(actual, list | str):
            return Verdict(False, f"{show(actual)} không phải danh sách")
        verdict = self.inner.test(len(actual), scope, root)
        return Verdict(verdict.ok, f"số phần tử: {verdict.why}")


@dataclass(frozen=True, slots=True)
class Each(Matcher):
    """``any`` / ``all`` over a list's elements; the inner check is a modifier or a ``where`` on each element."""

    quantifier: str
    inner: Matcher

    def holds(self, actual: Any, scope: Scope, root: Any) -> bool:
        if not isinstance(actual, list):
            return False
        check = any if self.quantifier == "any" else all
        return check(self.inner.holds(item, scope, root) for item in actual)

    def test(self, actual: Any, scope: Scope, root: Any) -> Verdict:
        if not isinstance(actual, list):
            return Verdict(False, f"{show(actual)} không phải danh sách")
        verdicts = [self.inner.test(item, scope, root) for item in actual]
        if self.quantifier == "any":
            hits = [index for index, verdict in enumerate(verdicts) if verdict.ok]
            if hits:
                return Verdict(True, f"phần tử thứ {hits[0] + 1}: {verdicts[hits[0]].why}")
            if not verdicts:
                return Verdict(False, "danh sách trống")
            return Verdict(False, f"không phần tử nào đạt ({verdicts[0].why}{'; …' if len(verdicts) > 1 else ''})")
        misses = [index for index, verdict in enumerate(verdicts) if not verdict.ok]
        if misses:
            return Verdict(False, f"phần tử thứ {misses[0] + 1}: {verdicts[misses[0]].why}")
        return Verdict(True, f"cả {len(verdicts)} phần tử đều đạt")


@dataclass(frozen=True, slots=True)
class Not(Matcher):
    inner: Matcher

    def holds(self, actual: Any, scope: Scope, root: Any) -> bool:
        return not self.inner.holds(actual, scope, root)

    def test(self, actual: Any, scope: Scope, root: Any) -> Verdict:
        verdict = self.inner.test(actual, scope, root)
        return Verdict(not verdict.ok, f"không được: {verdict.why}" if verdict.ok else verdict.why)


@dataclass(frozen=True, slots=True)
class FileCheck(Matcher):
    """A blob, named by its sha256 (or an attachment carrying one): is it a PDF, what does it say,
    who signed it."""

    is_pdf: bool | None
    text_contains: Value | None
    options: TextOptions = DEFAULT_TEXT
    same_as: tuple[str, str] | None = None  # (fixture name, its sha256)
    verdict: Matcher | None = None  # on the document's verdict: hop_le, khong_hop_le, chua_ky …
    signatures: Matcher | None = None  # on the list of its signatures, as verify_pdf reports them

    def test(self, actual: Any, scope: Scope, root: Any) -> Verdict:
        sha256 = actual.get("sha256") if isinstance(actual, dict) else actual
        if not isinstance(sha256, str):
            return Verdict(False, f"{show(actual)} không phải tệp")
        if self.same_as is not None and sha256 != self.same_as[1]:
            return Verdict(False, f"tệp {sha256[:12]}… không phải tệp {self.same_as[0]}")
        whys = []
        if self.is_pdf is not None:
            pdf = is_pdf(scope.file_bytes(sha256))
            if pdf != self.is_pdf:
                return Verdict(False, "tệp không phải PDF" if self.is_pdf else "tệp là PDF")
            whys.append("tệp là PDF" if self.is_pdf else "tệp không phải PDF")
        if self.text_contains is not None:
            expected = self.text_contains.resolve(scope, root)
            wanted = as_text(expected) or ""
            if prepare(wanted, self.options) not in prepare(scope.file_text(sha256), self.options):
                return Verdict(False, f"nội dung tệp không chứa {show(expected)}")
            whys.append(f"nội dung tệp chứa {show(expected)}")
        for key, matcher, said in (
            ("verdict", self.verdict, "kết quả kiểm tra chữ ký"),
            ("signatures", self.signatures, "chữ ký số trong tệp"),
        ):
            if matcher is None:
                continue
            report = scope.signatures(sha256)
            verdict = matcher.test(report[key], scope, root)
            if not verdict.ok:
                return Verdict(False, f"{said}: {verdict.why}{_signature_problems(report)}")
            whys.append(f"{said}: {verdict.why}")
        if self.same_as is not None:
            whys.insert(0, f"đúng tệp {self.same_as[0]}")
        return Verdict(True, "; ".join(whys) or "tệp đạt")


def _signature_problems(report: dict[str, Any]) -> str:
    """What the check found wrong with each signature, for the grader reading a miss."""
    found = [
        f"chữ ký {each['index']} ({(each.get('signer') or {}).get('name') or '?'}): {', '.join(each['problems'])}"
        for each in report.get("signatures", [])
        if each.get("problems")
    ]
    if report.get("problem"):
        found.insert(0, str(report["problem"]))
    return f" ({'; '.join(found)})" if found else ""


@dataclass(frozen=True, slots=True)
class AllOf(Matcher):
    parts: tuple[Matcher, ...]

    def holds(self, actual: Any, scope: Scope, root: Any) -> bool:
        return all(part.holds(actual, scope, root) for part in self.parts)

    def test(self, actual: Any, scope: Scope, root: Any) -> Verdict:
        whys = []
        for part in self.parts:
            verdict = part.test(actual, scope, root)
            if not verdict.ok:
                return verdict
            whys.append(verdict.why)
        return Verdict(True, "; ".join(whys))


@dataclass(frozen=True, slots=True)
class Condition:
    path: Path
    matcher: Matcher
    mark: Mark = field(compare=False)
    # The same condition written in several items (``data.after.to: {contains: …}``) shares one
    # key, so a grading evaluates it once per record; None when it compares with a binding.
    key: int | None = field(default=None, compare=False)

    @property
    def shown(self) -> str:
        return show_path(self.path)

    def test(self, root: Any, scope: Scope) -> Verdict:
        return self.matcher.test(lookup(root, self.path), scope, root)

    def holds(self, root: Any, scope: Scope) -> bool:
        return self.matcher.holds(lookup(root, self.path), scope, root)


@dataclass(frozen=True, slots=True)
class Where(Matcher):
    """A ``where`` mapping: path → modifier, every one of them must hold. As a matcher, it tests
    one element of a list (``any: {name: {endswith: .pdf}}``)."""

    conditions: tuple[Condition, ...]

    def verdicts(self, root: Any, scope: Scope) -> list[Verdict]:
        return [condition.test(root, scope) for condition in self.conditions]

    def matches(self, root: Any, scope: Scope) -> bool:
        memo = scope.memo
        for condition in self.conditions:
            if condition.key is None:
                if not condition.holds(root, scope):
                    return False
                continue
            slot = (condition.key, id(root))
            held = memo.get(slot)
            if held is None:
                held = memo[slot] = condition.holds(root, scope)
            if not held:
                return False
        return True

    def holds(self, actual: Any, scope: Scope, root: Any) -> bool:
        return self.matches(actual, scope)

    def test(self, actual: Any, scope: Scope, root: Any) -> Verdict:
        for condition in self.conditions:
            verdict = condition.test(actual, scope)
            if not verdict.ok:
                return Verdict(False, f"{condition.shown}: {verdict.why}")
        return Verdict(True, "; ".join(c.shown for c in self.conditions) + " đạt")


# --- Compiling YAML into matchers


@dataclass(frozen=True, slots=True)
class Compiler:
    """What compiling one ``where`` needs to know: the names a template may use, the bindings
    made by earlier items, and which first segments a path of this record may start with."""

    problems: Problems
    params: frozenset[str]
    bindings: frozenset[str] = frozenset()
    roots: frozenset[str] | None = None  # None: any (an object's state, a list element)
    check_path: Callable[[Path, Mark], None] | None = field(default=None, compare=False)
    refs: set[str] = field(default_factory=set, compare=False)  # bindings the compiled checks compare with
    folder: FilePath | None = None  # the task's folder, where same_as finds its fixture

    def element(self) -> Compiler:
        """For the element of a list: any path, no record-level checks."""
        return Compiler(self.problems, self.params, self.bindings, refs=self.refs, folder=self.folder)


TEXT_OPTIONS = ("exact", "ignore_accents", "similarity")
MODIFIERS: dict[str, str] = {
    "equals": "bằng (văn bản so sánh kiểu tiếng Việt; ngày so theo ngày; số theo giá trị)",
    "contains": "văn bản chứa đoạn này; danh sách có một phần tử bằng giá trị này",
    "startswith": "văn bản bắt đầu bằng",
    "endswith": "văn bản kết thúc bằng",
    "regex": "khớp biểu thức chính quy (Python, tìm ở bất kỳ vị trí nào)",
    "in": "bằng một trong các giá trị của danh sách",
    "exists": "true: trường có giá trị (không trống); false: không có",
    "gt": "lớn hơn (số, ngày, thời điểm)",
    "gte": "lớn hơn hoặc bằng",
    "lt": "nhỏ hơn",
    "lte": "nhỏ hơn hoặc bằng",
    "len": "số phần tử của danh sách (hoặc số ký tự) thỏa điều kiện số",
    "any": "ít nhất một phần tử của danh sách đạt (một modifier, hoặc một where trên phần tử)",
    "all": "mọi phần tử của danh sách đều đạt",
    "not": "điều kiện bên trong không được đạt",
    "file": "tệp (sha256 trong log, hoặc tệp đính kèm): is_pdf, text_contains, same_as (đúng tệp này của đề), "
    "verdict và signatures (chữ ký số trong tệp)",
    "exact": "tùy chọn: so sánh đúng từng ký tự (chỉ chuẩn hóa Unicode NFC)",
    "ignore_accents": "tùy chọn: bỏ qua dấu tiếng Việt (Hòa = hoa, Đức = duc)",
    "similarity": "tùy chọn của equals: chấp nhận văn bản giống ít nhất tỉ lệ này (0–1), theo từng từ",
}
_COMPARE = ("equals", "contains", "startswith", "endswith", "in")
# verify_pdf's verdicts on a whole file (mock_services.signing.verify.DocumentVerdict, tested equal)
DOCUMENT_VERDICTS = ("hop_le", "khong_hop_le", "chua_ky", "khong_doc_duoc")


def compile_where(node: Node, compiler: Compiler, *, what: str) -> Where:
    """``{path: modifier, …}``, every path checked, every modifier compiled."""
    problems = compiler.problems
    if not node.is_mapping:
        problems.add(node.mark, f"{what} must be a mapping of field paths to checks, not {describe(node)}")
        return Where(())
    assert node.keys is not None
    conditions = []
    for key, value in node.value.items():
        path = parse_path(key)
        mark = node.keys[key]
        if path is None:
            problems.add(mark, f"{key!r} is not a field path (dotted names, such as data.after.subject)")
            continue
        if compiler.roots is not None and path[0] not in compiler.roots:
            known = ", ".join(sorted(compiler.roots))
            problems.add(
                mark,
                f"a path here starts with one of {known}, not {path[0]!r}{did_you_mean(str(path[0]), compiler.roots)}",
            )
            continue
        if compiler.check_path is not None:
            compiler.check_path(path, mark)
        matcher = compile_matcher(value, compiler)
        conditions.append(Condition(path, matcher, mark, _condition_key(path, matcher)))
    return Where(tuple(conditions))


_CONDITION_KEYS: dict[str, int] = {}


def _condition_key(path: Path, matcher: Matcher) -> int | None:
    written = f"{path!r}:{matcher!r}"
    if "FieldRef(" in written:
        return None
    return _CONDITION_KEYS.setdefault(written, len(_CONDITION_KEYS))


def compile_matcher(node: Node, compiler: Compiler) -> Matcher:
    if node.is_sequence:
        return TextCompare("in", _value(node, compiler))
    if not node.is_mapping:
        return TextCompare("equals", _value(node, compiler))
    assert node.keys is not None
    if "field" in node.value and len(node.value) == 1:
        return TextCompare("equals", _value(node, compiler))
    problems = compiler.problems
    unknown = [key for key in node.value if key not in MODIFIERS]
    for key in unknown:
        known = ", ".join(MODIFIERS)
        problems.add(node.keys[key], f"unknown modifier {key!r}{did_you_mean(key, MODIFIERS)}; modifiers: {known}")
    options = _text_options(node, compiler)
    parts: list[Matcher] = []
    for key, arg in node.value.items():
        if key in TEXT_OPTIONS or key in unknown:
            continue
        parts.append(_modifier(key, arg, node.keys[key], options, compiler))
    if not parts and not unknown:
        problems.add(node.mark, "a check needs a modifier besides its options (equals, contains …)")
    if options != DEFAULT_TEXT and not any(key in node.value for key in (*_COMPARE, "regex", "file")):
        problems.add(
            node.mark, "exact, ignore_accents and similarity go with equals, contains, startswith, endswith or in"
        )
    if options.similarity is not None and "equals" not in node.value:
        problems.add(node.keys["similarity"], "similarity goes with equals")
    return parts[0] if len(parts) == 1 else AllOf(tuple(parts))


def _text_options(node: Node, compiler: Compiler) -> TextOptions:
    problems = compiler.problems
    values: dict[str, Any] = {}
    for key in ("exact", "ignore_accents"):
        if key in node.value:
            value = node.value[key]
            if isinstance(value.value, bool):
                values[key] = value.value
            else:
                problems.add(value.mark, f"{key} must be true or false, not {describe(value)}")
    if "similarity" in node.value:
        value = node.value["similarity"]
        number = value.value
        if isinstance(number, int | float) and not isinstance(number, bool) and 0 < number <= 1:
            values["similarity"] = float(number)
        else:
            problems.add(value.mark, f"similarity must be a number above 0 and at most 1, not {describe(value)}")
    return TextOptions(**values)


def _modifier(key: str, arg: Node, mark: Mark, options: TextOptions, compiler: Compiler) -> Matcher:
    problems = compiler.problems
    if key in _COMPARE:
        if key == "in" and not arg.is_sequence and not _is_ref(arg):
            problems.add(arg.mark, f"in needs a list of values, not {describe(arg)}")
        return TextCompare(key, _value(arg, compiler), options)
    if key == "regex":
        return _regex(arg, options, compiler)
    if key == "exists":
        if not isinstance(arg.value, bool):
            problems.add(arg.mark, f"exists must be true or false, not {describe(arg)}")
        return Exists(bool(arg.value))
    if key in _ORDER:
        if (arg.is_mapping and not _is_ref(arg)) or arg.is_sequence:
            problems.add(arg.mark, f"{key} compares with a number or a date, not {describe(arg)}")
        return Order(key, _value(arg, compiler))
    if key == "len":
        if isinstance(arg.value, int) and not isinstance(arg.value, bool):
            return Length(TextCompare("equals", Const(arg.value)))
        inner = compile_matcher(arg, compiler)
        return Length(inner)
    if key in ("any", "all"):
        return Each(key, _element_check(arg, compiler))
    if key == "not":
        return Not(compile_matcher(arg, compiler))
    if key == "file":
        return _file(arg, compiler)
    raise AssertionError(key)  # pragma: no cover - MODIFIERS and this dispatch agree (tested)


def _element_check(node: Node, compiler: Compiler) -> Matcher:
    """The check of ``any`` / ``all``: a modifier mapping, or a ``where`` on each element."""
    if node.is_mapping and node.value and not set(node.value) & set(MODIFIERS):
        return compile_where(node, compiler.element(), what="the check of each element")
    return compile_matcher(node, compiler.element())


def _regex(arg: Node, options: TextOptions, compiler: Compiler) -> Matcher:
    if not isinstance(arg.value, str):
        compiler.problems.add(arg.mark, f"regex must be a text, not {describe(arg)}")
        return Regex(re.compile("(?!)"))
    if is_template(arg.value):  # a pattern is compiled once, as written: a {{ param }} would be matched literally
        compiler.problems.add(
            arg.mark,
            "regex is a pattern written out, not a template: to compare with a param use contains, "
            "equals or in with {{ … }}",
        )
        return Regex(re.compile("(?!)"))
    try:
        flags = 0 if options.exact else re.IGNORECASE
        return Regex(re.compile(unicodedata.normalize("NFC", arg.value), flags))
    except re.error as exc:
        compiler.problems.add(arg.mark, f"regex {arg.value!r} does not compile: {exc}")
        return Regex(re.compile("(?!)"))


FILE_PREDICATES = ("is_pdf", "text_contains", "same_as", "verdict", "signatures", *TEXT_OPTIONS[:2])


def _file(arg: Node, compiler: Compiler) -> Matcher:
    problems = compiler.problems
    if not arg.is_mapping:
        problems.add(arg.mark, f"file needs a mapping such as {{is_pdf: true}}, not {describe(arg)}")
        return FileCheck(None, None)
    assert arg.keys is not None
    for key in arg.value:
        if key not in FILE_PREDICATES:
            problems.add(
                arg.keys[key],
                f"unknown file predicate {key!r}{did_you_mean(key, FILE_PREDICATES)}; "
                f"known: {', '.join(FILE_PREDICATES)}",
            )
    is_pdf = arg.value.get("is_pdf")
    if is_pdf is not None and not isinstance(is_pdf.value, bool):
        problems.add(is_pdf.mark, f"is_pdf must be true or false, not {describe(is_pdf)}")
    text = arg.value.get("text_contains")
    same = arg.value.get("same_as")
    verdict, signatures = arg.value.get("verdict"), arg.value.get("signatures")
    if all(node is None for node in (is_pdf, text, same, verdict, signatures)):
        problems.add(arg.mark, "file needs is_pdf, text_contains, same_as, verdict or signatures")
    if verdict is not None and isinstance(verdict.value, str) and verdict.value not in DOCUMENT_VERDICTS:
        problems.add(
            verdict.mark,
            f"verdict {verdict.value!r} is not one of {', '.join(DOCUMENT_VERDICTS)}"
            f"{did_you_mean(verdict.value, DOCUMENT_VERDICTS)}",
        )
    return FileCheck(
        None if is_pdf is None else bool(is_pdf.value),
        None if text is None else _value(text, compiler),
        _text_options(arg, compiler),
        None if same is None else _fixture_digest(same, compiler),
        None if verdict is None else compile_matcher(verdict, compiler.element()),
        None if signatures is None else compile_matcher(signatures, compiler.element()),
    )


def _fixture_digest(node: Node, compiler: Compiler) -> tuple[str, str] | None:
    """``same_as: BaoCao.pdf``: the sha256 of a file in the task's folder, taken when the task loads."""
    if not isinstance(node.value, str) or compiler.folder is None:
        compiler.problems.add(node.mark, f"same_as names a file in the task's folder, not {describe(node)}")
        return None
    path = (compiler.folder / node.value).resolve()
    if not path.is_relative_to(compiler.folder.resolve()) or not path.is_file():
        compiler.problems.add(node.mark, f"same_as: no file {node.value!r} in the task's folder")
        return None
    return node.value, hashlib.sha256(path.read_bytes()).hexdigest()


def _is_ref(node: Node) -> bool:
    return node.is_mapping and set(node.value) == {"field"}


def _value(node: Node, compiler: Compiler) -> Value:
    """A value to compare with: a constant, a template of params, or ``{field: path}``."""
    problems = compiler.problems
    if _is_ref(node):
        ref = node.value["field"]
        path = parse_path(ref.value) if isinstance(ref.value, str) else None
        if path is None:
            problems.add(ref.mark, f"field needs a path such as data.after.from, not {describe(ref)}")
            return Const(MISSING)
        if path[0] in compiler.bindings:
            if len(path) == 1:
                problems.add(ref.mark, f"name a field of {path[0]!r}, such as {path[0]}.data.after.message_id")
            compiler.refs.add(str(path[0]))
            return FieldRef(str(path[0]), path[1:])
        if compiler.roots is not None and path[0] not in compiler.roots:
            bound = ", ".join(sorted(compiler.bindings)) or "none yet"
            problems.add(
                ref.mark,
                f"{ref.value!r} starts with neither a field of this record ({', '.join(sorted(compiler.roots))}) "
                f"nor an earlier item's binding (bound so far: {bound})",
            )
            return Const(MISSING)
        return FieldRef(None, path)
    if node.is_mapping:
        problems.add(node.mark, f"a value to compare with must be a text, number, date or list, not {describe(node)}")
        return Const(MISSING)
    if node.is_sequence:
        return _list_value(node, compiler)
    if isinstance(node.value, str) and is_template(node.value):
        template = compile_template(node.value, node.mark, problems, known=compiler.params)
        return Rendered(template) if template is not None else Const(MISSING)
    return Const(node.value)


@dataclass(frozen=True, slots=True)
class _ListOf(Value):
    items: tuple[Value, ...]

    def resolve(self, scope: Scope, root: Any) -> Any:
        return [item.resolve(scope, root) for item in self.items]


def _list_value(node: Node, compiler: Compiler) -> Value:
    items = tuple(_value(item, compiler) for item in node.value)
    if all(isinstance(item, Const) for item in items):
        return Const([item.value for item in items if isinstance(item, Const)])
    return _ListOf(items)
