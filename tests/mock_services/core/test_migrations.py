"""The schema's version: created once, found current, upgraded step by step, and a foreign one refused."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import MetaData, Table, insert, inspect, text, update
from sqlalchemy.engine import Connection

from mock_services import catalog
from mock_services.core import exams, migrations
from mock_services.core.db import Database, metadata
from mock_services.core.migrations import SCHEMA_VERSION, SchemaError, schema_info, stored_version
from mock_services.onestop import store as onestop


@pytest.fixture
def empty(backend_url: str) -> Iterator[Database]:
    db = Database(backend_url)
    yield db
    db.dispose()


NEXT = SCHEMA_VERSION + 1


def set_version(db: Database, version: int) -> None:
    with db.write() as conn:
        conn.execute(update(schema_info).where(schema_info.c.key == "version").values(value=str(version)))


def stored_version_in(conn: Connection) -> int:
    return int(conn.execute(text("SELECT value FROM schema_info WHERE key = 'version'")).scalar_one())


def test_a_new_database_is_created_then_current(empty: Database) -> None:
    assert catalog.prepare_schema(empty) == "created"
    assert catalog.prepare_schema(empty) == "current"

    catalog.check_schema(empty)
    assert stored_version(empty) == SCHEMA_VERSION
    tables = set(inspect(empty.engine).get_table_names())
    assert {"schema_info", "exams", "candidates", "operators", "events", "chain_heads", "blobs"} <= tables


def test_check_schema_on_an_empty_database_says_to_run_init_db(empty: Database) -> None:
    with pytest.raises(SchemaError, match="init-db"):
        catalog.check_schema(empty)

    assert inspect(empty.engine).get_table_names() == []


@pytest.mark.parametrize("check", [catalog.prepare_schema, catalog.check_schema])
def test_a_database_from_a_newer_sathach_is_refused_naming_both_versions(
    empty: Database, check: Callable[[Database], object]
) -> None:
    catalog.prepare_schema(empty)
    set_version(empty, SCHEMA_VERSION + 96)

    with pytest.raises(SchemaError) as caught:
        check(empty)

    message = str(caught.value).replace(empty.display_url, "")
    assert re.search(rf"\b{SCHEMA_VERSION + 96}\b", message), message
    assert re.search(rf"\b{SCHEMA_VERSION}\b", message), message
    assert stored_version(empty) == SCHEMA_VERSION + 96


def test_a_database_holding_other_tables_is_refused_and_left_alone(empty: Database) -> None:
    with empty.write() as conn:
        conn.execute(text("CREATE TABLE payroll (id INTEGER PRIMARY KEY, amount INTEGER)"))

    with pytest.raises(SchemaError, match="payroll"):
        catalog.prepare_schema(empty)
    with pytest.raises(SchemaError, match="payroll"):
        catalog.check_schema(empty)

    assert inspect(empty.engine).get_table_names() == ["payroll"]


def test_an_older_database_is_upgraded_by_its_migration_steps(empty: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    catalog.prepare_schema(empty)
    ran: list[int] = []

    def step(conn: Connection) -> None:
        ran.append(stored_version_in(conn))
        conn.execute(text("CREATE TABLE added_by_the_step (id INTEGER PRIMARY KEY)"))

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", NEXT)
    monkeypatch.setitem(migrations.MIGRATIONS, NEXT, step)
    with pytest.raises(SchemaError, match="init-db"):
        catalog.check_schema(empty)

    assert catalog.prepare_schema(empty) == "upgraded"

    assert ran == [SCHEMA_VERSION]
    assert stored_version(empty) == NEXT
    assert "added_by_the_step" in inspect(empty.engine).get_table_names()
    catalog.check_schema(empty)
    assert catalog.prepare_schema(empty) == "current"
    assert ran == [SCHEMA_VERSION]


def test_a_failing_migration_step_leaves_the_database_at_its_version(
    empty: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog.prepare_schema(empty)

    def broken_step(conn: Connection) -> None:
        conn.execute(text("CREATE TABLE half_done (id INTEGER PRIMARY KEY)"))
        raise RuntimeError("the step failed")

    monkeypatch.setattr(migrations, "SCHEMA_VERSION", NEXT)
    monkeypatch.setitem(migrations.MIGRATIONS, NEXT, broken_step)

    with pytest.raises(RuntimeError, match="the step failed"):
        catalog.prepare_schema(empty)

    assert stored_version(empty) == SCHEMA_VERSION
    assert "half_done" not in inspect(empty.engine).get_table_names()


def test_a_version_1_database_gains_the_mail_tables_and_keeps_its_data(empty: Database) -> None:
    """A room made before the mail service (schema 1) is upgraded in place by `init-db` or `run`."""
    mail_tables = {name for name in metadata.tables if name.startswith("mail_")}
    assert mail_tables  # the mail service's tables exist in the code
    with empty.write() as conn:
        metadata.create_all(conn, tables=[t for n, t in metadata.tables.items() if n not in mail_tables])
        conn.execute(insert(schema_info).values(key="version", value="1"))
        conn.execute(
            text(
                "INSERT INTO operators (username, ho_ten, password_hash, created_at) "
                "VALUES ('giamthi', 'Giám thị', 'x', '2026-11-01 00:00:00')"
            )
        )
    assert stored_version(empty) == 1

    assert catalog.prepare_schema(empty) == "upgraded"

    assert stored_version(empty) == SCHEMA_VERSION
    assert mail_tables <= set(inspect(empty.engine).get_table_names())
    with empty.read() as conn:
        assert conn.execute(text("SELECT username FROM operators")).scalar_one() == "giamthi"
    catalog.check_schema(empty)


def test_a_version_5_database_keeps_its_dossiers_and_gains_the_one_stop_flows(empty: Database) -> None:
    """Schema 6 added columns to os_dossiers (and three tables): a schema-5 room's dossier survives."""

    new_tables = {"os_desks", "os_visits", "os_notices"}
    with empty.write() as conn:
        metadata.create_all(
            conn, tables=[t for n, t in metadata.tables.items() if n not in new_tables | {"os_dossiers"}]
        )
        old = Table(
            "os_dossiers",
            MetaData(),
            *(c._copy() for c in onestop.dossiers.columns if c.name not in onestop.ADDED_IN_6),
        )
        old.create(conn)
        conn.execute(insert(schema_info).values(key="version", value="5"))
        conn.execute(
            text(
                "INSERT INTO exams (id, name, starts_at, duration_minutes, seed, is_demo, created_at) "
                "VALUES (1, 'Kỳ cũ', '2026-11-01 01:00:00', 60, 1, false, '2026-11-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO candidates (id, exam_id, so_bao_danh, ho_ten, chuc_vu, don_vi, email, password_hash, "
                "created_at) VALUES (1, 1, 'TS001', 'Lê An', 'Công chức', 'UBND phường An Hòa', 'a@egov.test', 'x', "
                "'2026-11-01 00:00:00')"
            )
        )
        conn.execute(
            insert(old).values(
                candidate_id=1,
                code="000.00.13.H13-261101-0001",
                procedure_code="2.000815",
                procedure_name="Chứng thực bản sao từ bản chính",
                channel="truc_tiep",
                status="da_tiep_nhan",
                applicant={"name": "Trần Bích"},
                components=[],
                sets=1,
                received_at=datetime(2026, 11, 1, 2, tzinfo=UTC),
                due_date=date(2026, 11, 2),
                received_by="Lê An",
                handler="",
                files=[],
                note="",
            )
        )
    assert "submitted_at" not in {c["name"] for c in inspect(empty.engine).get_columns("os_dossiers")}

    assert catalog.prepare_schema(empty) == "upgraded"

    assert stored_version(empty) == SCHEMA_VERSION
    columns = {c["name"] for c in inspect(empty.engine).get_columns("os_dossiers")}
    assert set(onestop.ADDED_IN_6) <= columns
    assert new_tables <= set(inspect(empty.engine).get_table_names())
    catalog.check_schema(empty)
    with empty.read() as conn:
        kept = onestop.dossier(conn, 1, 1)
    assert kept is not None
    assert kept.code == "000.00.13.H13-261101-0001"
    assert kept.steps == []
    assert kept.result is None


def test_a_version_6_database_keeps_its_exams_and_papers_and_gains_the_draw(empty: Database) -> None:
    """Schema 7 gave exams their blueprint and assignments their pool and variant: a schema-6 room's
    exam and fixed papers survive, read back as not drawn."""
    added = {"exams": {"blueprint"}, "assignments": {"pool", "variant"}}
    with empty.write() as conn:

        def old(name: str) -> Table:
            kept = (c._copy() for c in metadata.tables[name].columns if c.name not in added[name])
            return Table(name, MetaData(), *kept)

        old("exams").create(conn)  # in the order their foreign keys need
        metadata.create_all(conn, tables=[t for n, t in metadata.tables.items() if n not in added])
        old("assignments").create(conn)
        conn.execute(insert(schema_info).values(key="version", value="6"))
        conn.execute(
            text(
                "INSERT INTO exams (id, name, starts_at, duration_minutes, seed, is_demo, created_at) "
                "VALUES (1, 'Kỳ cũ', '2026-11-01 01:00:00', 60, 1, false, '2026-11-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO candidates (id, exam_id, so_bao_danh, ho_ten, chuc_vu, don_vi, email, password_hash, "
                "created_at) VALUES (1, 1, 'TS001', 'Lê An', 'Công chức', 'UBND phường An Hòa', 'a@egov.test', 'x', "
                "'2026-11-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO assignments (exam_id, candidate_id, position, task_id, title, service, points, "
                "instructions, params) VALUES (1, 1, 1, 'mail.send-report', 'Gửi báo cáo', 'mail', 5, 'Hãy gửi.', '{}')"
            )
        )

    assert catalog.prepare_schema(empty) == "upgraded"

    assert stored_version(empty) == SCHEMA_VERSION
    for name, columns in added.items():
        assert columns <= {c["name"] for c in inspect(empty.engine).get_columns(name)}
    with empty.read() as conn:
        exam = exams.get_exam(conn, 1)
        [kept] = exams.assignments_for(conn, 1)
    assert exam.drawn_from is None
    assert (kept.task_id, kept.pool, kept.variant) == ("mail.send-report", None, 0)
    assert "pool" not in kept.state()  # a fixed paper's event is as before
