"""Two candidates in one exam, each with an agency of their own: nothing candidate A does reads or
changes candidate B's agency or documents. Every query is scoped to one candidate in the store;
số đến and outgoing numbers run per candidate; an id of B's named by A is not found, and the
refusal writes nothing to either tenant or chain."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest
from sqlalchemy.engine import Connection

from mock_services.documents import incoming, outgoing, store
from mock_services.documents.acting import Acting
from mock_services.documents.domain import DocumentError
from mock_services.documents.store import Incoming, Outgoing
from tests.mock_services.documents.office import B_NAME, DRAFT, Office, registration_of, routing

B_SUBJECT = "hồ sơ nhân sự mật của phường Cái Khế"


class Tenants:
    """A with one document of each kind; B with an incoming and an outgoing document of its own."""

    def __init__(self, office: Office) -> None:
        self.office = office
        self.a_in = office.register(office.a, office.receive(office.a))
        self.a_out = office.draft(office.a)
        self.b_in = office.routed(office.b, routing("cv"), subject=B_SUBJECT, number="77/UBND-NC")
        self.b_out = office.issue(office.b, office.numbered(office.b, subject=f"V/v {B_SUBJECT}"))
        self.b_agency = office.agency(office.b)
        self.b_state = {
            "in": office.incoming_state(office.b, self.b_in.id),
            "out": office.outgoing_state(office.b, self.b_out.id),
        }
        self.b_events = office.events(office.b)

    def assert_b_untouched(self) -> None:
        office = self.office
        assert office.agency(office.b) == self.b_agency
        assert office.incoming_state(office.b, self.b_in.id) == self.b_state["in"]
        assert office.outgoing_state(office.b, self.b_out.id) == self.b_state["out"]
        assert office.events(office.b) == self.b_events


@pytest.fixture
def tenants(office: Office) -> Tenants:
    return Tenants(office)


def test_the_store_finds_a_document_only_in_its_owner_s_tenant(tenants: Tenants) -> None:
    office = tenants.office
    with office.db.read() as conn:
        assert store.get_incoming(conn, office.a.id, tenants.b_in.id) is None
        assert store.get_outgoing(conn, office.a.id, tenants.b_out.id) is None
        assert store.get_incoming(conn, office.b.id, tenants.a_in.id) is None
        assert store.get_outgoing(conn, office.b.id, tenants.a_out.id) is None
        assert store.get_incoming(conn, office.b.id, tenants.b_in.id) == office.incoming(office.b, tenants.b_in.id)
        assert [d.id for d in store.incoming_of(conn, office.a.id)] == [tenants.a_in.id]
        assert [d.id for d in store.outgoing_of(conn, office.a.id)] == [tenants.a_out.id]
        assert [d.id for d in store.incoming_of(conn, office.b.id)] == [tenants.b_in.id]
        assert store.search(conn, office.a.id, "nhân sự mật") == ([], [])
        assert store.search(conn, office.a.id, "77/UBND-NC") == ([], [])
        found_in, found_out = store.search(conn, office.b.id, "NHÂN SỰ MẬT")
        assert ([d.id for d in found_in], [d.id for d in found_out]) == ([tenants.b_in.id], [tenants.b_out.id])


def test_each_candidate_has_an_agency_of_their_own(tenants: Tenants) -> None:
    office = tenants.office
    a, b = office.agency(office.a), office.agency(office.b)
    assert (a.name, b.name) == ("Ủy ban nhân dân phường Ninh Kiều", "Ủy ban nhân dân phường Cái Khế")
    assert {p.name for p in b.my_positions} == {B_NAME}
    office.as_role(office.a, "ct")
    assert office.agency(office.b).acting_as == b.acting_as
    tenants.assert_b_untouched()


def test_arrival_and_outgoing_numbers_run_per_candidate(tenants: Tenants) -> None:
    office = tenants.office
    assert (tenants.a_in.arrival_number, tenants.b_in.arrival_number) == (1, 1)
    assert tenants.b_out.number == "01/UBND-VHXH"
    a_first = office.numbered(office.a)
    a_second = office.numbered(office.a)
    assert (a_first.number, a_second.number) == ("01/UBND-VHXH", "02/UBND-VHXH")  # B's 01 takes nothing from A
    assert office.register(office.b, office.receive(office.b)).arrival_number == 2
    assert office.register(office.a, office.receive(office.a)).arrival_number == 2
    assert office.numbered(office.b).number == "02/UBND-VHXH"


def test_a_number_b_gave_does_not_block_the_same_number_for_a(tenants: Tenants) -> None:
    office = tenants.office
    doc = office.number(office.a, office.with_clerk(office.a), written=tenants.b_out.number)
    assert doc.number == "01/UBND-VHXH"


def test_a_s_events_go_to_a_s_chain_only(tenants: Tenants) -> None:
    office = tenants.office
    mark = office.head()
    office.issue(office.a, office.numbered(office.a))
    found = office.since(mark)
    assert found
    assert {e.candidate_id for e in found} == {office.a.id}
    tenants.assert_b_untouched()


@pytest.mark.parametrize("reference", ["related_incoming", "reply"])
def test_an_id_of_b_s_named_by_a_is_not_found_and_changes_nothing(tenants: Tenants, reference: str) -> None:
    office = tenants.office
    if reference == "related_incoming":
        office.as_role(office.a, "cv")
        draft = replace(DRAFT, related_incoming=tenants.b_in.id)
        said = office.refused(lambda c, a: outgoing.create_draft(c, office.a, draft, a))
        assert said == "Không tìm thấy văn bản đến liên quan đã chọn."
    else:
        doc = office.routed(office.a, routing("cv"))
        office.as_role(office.a, "cv")
        said = office.refused(lambda c, a: incoming.complete(c, office.a, doc, "Xong.", tenants.b_out.id, a))
        assert said == "Không tìm thấy văn bản trả lời đã chọn."
    tenants.assert_b_untouched()


def test_a_s_units_and_people_are_the_only_ones_a_routes_or_issues_to(tenants: Tenants) -> None:
    office = tenants.office
    office.setup(
        office.b, "documents.agency", {"units": [{"key": "nc", "name": "Phòng Nội chính", "abbreviation": "NC"}]}
    )
    doc = office.presented(office.a)
    office.as_role(office.a, "ct")
    said = office.refused(lambda c, a: incoming.route(c, office.a, doc, routing("nc"), a))
    assert said == "Có đơn vị hoặc người nhận không thuộc cơ quan. Vui lòng chọn lại."
    numbered = office.numbered(office.a)
    to = outgoing.Distribution(internal=("nc",))
    assert (
        office.refused(lambda c, a: outgoing.issue(c, office.a, numbered, to, a))
        == "Có đơn vị nhận không thuộc cơ quan."
    )


def _register(office: Office, doc: Incoming) -> Callable[[Connection, Acting], object]:
    return lambda c, a: incoming.register(c, office.a, doc, registration_of(doc), a)


def _route(office: Office, doc: Incoming) -> Callable[[Connection, Acting], object]:
    return lambda c, a: incoming.route(c, office.a, doc, routing("cv"), a)


def _recall(office: Office, doc: Outgoing) -> Callable[[Connection, Acting], object]:
    return lambda c, a: outgoing.recall(c, office.a, doc, "Thu hồi văn bản của người khác.", a)


@pytest.mark.parametrize("action", ["register", "route", "recall"])
def test_an_operation_of_a_handed_a_document_of_b_s_refuses_it(office: Office, action: str) -> None:
    """Defence in depth: even a document object of B's, handed to an operation acting for A (a
    route that forgot to look it up through A's tenant), is refused, and nothing of either changes."""
    if action == "register":
        target: Callable[[Connection, Acting], object] = _register(office, office.receive(office.b))
        office.as_role(office.a, "vt")
    elif action == "route":
        target = _route(office, office.presented(office.b))
        office.as_role(office.a, "ct")
    else:
        target = _recall(office, office.issue(office.b, office.numbered(office.b)))
        office.as_role(office.a, "vt")
    before = office.snapshot()
    with office.db.write() as conn, pytest.raises(DocumentError):
        target(conn, office.acting())
    assert office.snapshot() == before
