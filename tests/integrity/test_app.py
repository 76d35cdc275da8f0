"""The integrity registers as their own app: what moving them out of the programme app had to keep — the tables,
the addresses and the audit trail written before the move."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.operations import SeparateDatabaseAndState
from django.urls import resolve, reverse

from tests import factories
from zi.core import audit
from zi.core.labels import object_type_name
from zi.integrity import services
from zi.integrity.models import ConflictOfInterest, GratificationReport, WhistleReport
from zi.organisations.models import Role

SUBJECT = "Kepala seksi minta setoran mingguan"


def test_tables_kept_their_first_names(db):
    tables = set(connection.introspection.table_names())
    for model in (GratificationReport, ConflictOfInterest, WhistleReport):
        assert model._meta.app_label == "integrity"
        assert model._meta.db_table == f"programme_{model._meta.model_name}" and model._meta.db_table in tables
    assert not any(name.startswith("integrity_") for name in tables)


@pytest.mark.parametrize(
    "app, name", [("integrity", "0001_initial"), ("programme", "0007_registers_moved_to_integrity")]
)
def test_the_move_changes_no_table(app, name):
    migration = MigrationLoader(None, ignore_no_migrations=True).get_migration(app, name)
    assert migration.operations
    for operation in migration.operations:  # Django's state only: the database is left as it is
        assert isinstance(operation, SeparateDatabaseAndState) and operation.database_operations == []
        assert operation.state_operations


@pytest.mark.parametrize(
    "name, args, path, app",
    [
        ("integrity:whistle_public", [7], "/program/wbs/7/baru/", "integrity"),
        ("integrity:gratification_list", [7], "/program/unit/7/gratifikasi/", "integrity"),
        ("integrity:conflict_edit", [7], "/program/benturan-kepentingan/7/ubah/", "integrity"),
        ("integrity:whistle_detail", [7], "/program/wbs/7/", "integrity"),
        ("integrity:export", [7, "wbs"], "/program/unit/7/unduh/wbs/", "integrity"),
        ("programme:complaints_export", [7], "/program/unit/7/unduh/pengaduan/", "programme"),
        ("programme:track", [], "/program/pengaduan/lacak/", "programme"),
    ],
)
def test_addresses_did_not_change(name, args, path, app):
    assert reverse(name, args=args) == path
    assert resolve(path).namespace == app  # the complaint list's download still reaches the programme's view


def test_an_event_written_before_the_move_is_still_read_as_a_register(client, lapas, tpi, agency):
    report, _code = services.whistle_submit_public(unit=lapas, subject=SUBJECT, description="Uraian")
    before_move = audit.record(
        "public",
        "update",
        object_type="programme.whistlereport",
        object_id=str(report.pk),
        scope_path=lapas.path,
        after={"subject": SUBJECT, "status": "received"},
    )
    assert before_move.object_type == "programme.whistlereport"
    assert before_move.object_repr == f"Laporan WBS #{report.pk}"  # named neutrally, as today's events are
    assert object_type_name("programme.whistlereport") == object_type_name("integrity.whistlereport")
    admin = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency)
    client.force_login(admin)
    html = client.get(reverse("core:audit_list")).content.decode()
    assert f"Laporan WBS #{report.pk}" in html and SUBJECT not in html  # masked for a non-handler
    client.force_login(tpi)
    assert SUBJECT in client.get(reverse("core:audit_list")).content.decode()  # a handler reads it
    assert audit.verify().ok
