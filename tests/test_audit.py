"""The audit trail: every service write is recorded with before/after, and the hash chain finds tampering."""

from __future__ import annotations

import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from tests import factories
from zi.core import audit
from zi.core.models import AuditEvent, AuditHead
from zi.organisations import services
from zi.organisations.models import Role


def last_event() -> AuditEvent:
    return AuditEvent.objects.order_by("-seq").first()


def seqs() -> list[int]:
    return list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))


def run_verify() -> tuple[bool, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


@pytest.fixture
def actor(db):
    return factories.UserFactory(username="admin-audit", full_name="Admin Audit")


@pytest.mark.django_db
def test_actor_labels_name_the_user_the_process_or_the_system(actor):
    class StandIn:  # zi.demo.workflow.SystemActor: signed in with a superuser's flags, no row
        pk = None
        is_authenticated = True
        is_active = True
        is_superuser = True
        username = "seed_demo"

    class Anonymous:
        pk = None
        is_authenticated = False
        username = ""

    labels = [
        (e.actor_id, e.actor_label)
        for e in audit.record_many(actor, [audit.Change("probe")])
        + audit.record_many(StandIn(), [audit.Change("probe")])
        + audit.record_many("zi insights refresh", [audit.Change("probe")])
        + audit.record_many(Anonymous(), [audit.Change("probe")])
        + audit.record_many(None, [audit.Change("probe")])
    ]
    assert labels == [
        (actor.pk, "admin-audit"),
        (None, "seed_demo"),
        (None, "zi insights refresh"),
        (None, "system"),
        (None, "system"),
    ]


# --- every write in zi/organisations/services.py is recorded -------------------------------------------------


@pytest.mark.django_db
def test_agency_create_is_recorded(actor):
    agency = services.agency_create(actor=actor, code="KEMENAG", name="Kementerian Agama", kind="kementerian")
    event = last_event()
    assert (event.action, event.object_type, event.object_id) == ("create", "organisations.agency", str(agency.pk))
    assert event.before is None
    assert event.after["code"] == "KEMENAG"
    assert event.actor_id == actor.pk
    assert event.actor_label == "admin-audit"
    assert event.scope_path == f"a{agency.pk}/"


@pytest.mark.django_db
def test_unit_create_is_recorded_with_its_path(actor, agency):
    unit = factories.make_unit(agency=agency, name="Biro Umum", code="BIRO-UMUM")
    event = last_event()
    assert (event.action, event.object_type, event.object_id) == ("create", "organisations.unit", str(unit.pk))
    assert event.before is None
    assert event.after["name"] == "Biro Umum"
    assert event.after["path"] == unit.path == f"{unit.pk}/"
    assert event.scope_path == unit.path
    assert event.actor_id is None
    assert event.actor_label == "system"


@pytest.mark.django_db
def test_unit_update_records_before_and_after(actor, tree):
    services.unit_update(actor=actor, unit=tree["lapas"], name="Lapas Kelas IIA Palembang")
    event = last_event()
    assert event.action == "update"
    assert event.before["name"] == "Lapas Kelas I Palembang"
    assert event.after["name"] == "Lapas Kelas IIA Palembang"


@pytest.mark.django_db
def test_unit_move_records_old_and_new_parent_and_path(actor, tree):
    lapas = tree["lapas"]
    services.unit_update(actor=actor, unit=lapas, parent=tree["kepri"])
    event = last_event()
    assert event.before["parent_id"] == tree["sumsel"].pk
    assert event.after["parent_id"] == tree["kepri"].pk
    assert event.before["path"] == f"{tree['sumsel'].path}{lapas.pk}/"
    assert event.after["path"] == f"{tree['kepri'].path}{lapas.pk}/"


@pytest.mark.django_db
def test_role_assign_and_revoke_are_recorded(actor, tree):
    user = factories.UserFactory(username="calon")
    assignment = services.role_assign(actor=actor, user=user, role=Role.REVIEWER, unit=tree["sumsel"])
    created = last_event()
    assert (created.action, created.object_type) == ("create", "organisations.roleassignment")
    assert created.before is None
    assert created.after["role"] == "reviewer"
    assert created.after["unit_id"] == tree["sumsel"].pk
    assert created.scope_path == tree["sumsel"].path

    count = AuditEvent.objects.count()
    services.role_assign(actor=actor, user=user, role=Role.REVIEWER, unit=tree["sumsel"])
    assert AuditEvent.objects.count() == count, "assigning an existing role again changes nothing"

    services.role_revoke(actor=actor, assignment=assignment)
    revoked = last_event()
    assert revoked.action == "delete"
    assert revoked.before["role"] == "reviewer"
    assert revoked.after is None
    assert revoked.object_id == created.object_id


@pytest.mark.django_db
def test_failed_write_leaves_no_event(actor, tree):
    from django.core.exceptions import ValidationError

    count, head = AuditEvent.objects.count(), AuditHead.objects.get().seq
    with pytest.raises(ValidationError):
        services.unit_update(actor=actor, unit=tree["sumsel"], parent=tree["lapas"])
    assert AuditEvent.objects.count() == count
    assert AuditHead.objects.get().seq == head


# --- zi audit verify ----------------------------------------------------------------------------------------------


@pytest.fixture
def chain(actor, tree):
    """A trail of a dozen or so events."""
    services.unit_update(actor=actor, unit=tree["rutan"], name="Rutan Kelas IIA Prabumulih")
    factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    assert len(seqs()) >= 8
    return seqs()


@pytest.mark.django_db
def test_verify_passes_on_an_intact_chain(chain):
    ok, output = run_verify()
    assert ok, output
    assert f"{len(chain)} peristiwa diperiksa" in output
    assert audit.verify().ok


@pytest.mark.django_db
def test_verify_passes_on_an_empty_trail():
    assert audit.verify() == audit.VerifyResult(True, 0)
    assert run_verify()[0]


@pytest.mark.django_db
def test_editing_one_row_is_found_and_named(chain):
    target = chain[len(chain) // 2]
    event = AuditEvent.objects.get(seq=target)
    AuditEvent.objects.filter(seq=target).update(after={**(event.after or {}), "name": "diubah diam-diam"})
    ok, output = run_verify()
    assert not ok
    assert f"#{target}" in output
    result = audit.verify()
    assert (result.ok, result.broken_seq) == (False, target)
    assert "edited" in result.reason


@pytest.mark.parametrize("field", ["actor_label", "action", "object_id", "scope_path", "created_at"])
@pytest.mark.django_db
def test_editing_any_field_is_found(chain, field):
    from datetime import timedelta

    target = chain[2]
    event = AuditEvent.objects.get(seq=target)
    value = event.created_at + timedelta(seconds=1) if field == "created_at" else "x" + str(getattr(event, field))
    AuditEvent.objects.filter(seq=target).update(**{field: value})
    assert audit.verify().broken_seq == target


@pytest.mark.django_db
def test_rehashing_an_edited_row_still_breaks_the_next_link(chain):
    target = chain[3]
    event = AuditEvent.objects.get(seq=target)
    event.actor_label = "orang lain"
    event.hash = audit.compute_hash(event)
    AuditEvent.objects.filter(seq=target).update(actor_label=event.actor_label, hash=event.hash)
    result = audit.verify()
    assert (result.ok, result.broken_seq) == (False, target + 1)


@pytest.mark.django_db
def test_deleting_a_middle_row_is_found(chain):
    target = chain[len(chain) // 2]
    AuditEvent.objects.filter(seq=target).delete()
    ok, output = run_verify()
    assert not ok
    assert f"#{target}" in output
    assert audit.verify().broken_seq == target


@pytest.mark.django_db
def test_deleting_the_last_row_is_found(chain):
    AuditEvent.objects.filter(seq=chain[-1]).delete()
    ok, output = run_verify()
    assert not ok
    assert f"#{chain[-1]}" in output
    checked = len(chain) - 1
    assert audit.verify() == audit.VerifyResult(False, checked, checked + 1, "events after the last one were removed")


@pytest.mark.django_db
def test_verify_json_output(chain):
    import json
    from io import StringIO

    out = StringIO()
    call_command("audit", "verify", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {"ok": True, "checked": len(chain), "broken_seq": None, "reason": ""}


# --- appends stay contiguous -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_interleaved_and_rolled_back_appends_keep_seq_contiguous(actor, tree):
    start = len(seqs())
    audit.record(actor, "note", tree["lapas"], extra={"i": 1})
    audit.record_many(actor, [audit.Change(action="note", obj=tree["rutan"], extra={"i": i}) for i in range(5)])
    try:
        with transaction.atomic():
            audit.record(actor, "note", tree["lapas"], extra={"i": "lost"})
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    with transaction.atomic():
        audit.record(actor, "note", tree["lapas"], extra={"i": "nested"})
        audit.record_many(actor, [])
    audit.record("importer", "note", tree["lapas"])
    assert seqs() == list(range(1, start + 8 + 1))
    assert AuditEvent.objects.get(seq=start + 8).actor_label == "importer"
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)
def test_concurrent_appends_from_threads_keep_the_chain():
    """Several writers at once (real connections): the head row lock serialises them."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's in-memory test database does not take concurrent writers; runs on PostgreSQL")
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            for i in range(10):
                audit.record(f"writer-{n}", "note", object_type="test", object_id=f"{n}-{i}")
        except BaseException as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert seqs() == list(range(1, 41))
    assert audit.verify().ok


@pytest.mark.django_db
def test_an_event_about_nothing_in_the_tree_has_empty_names_and_place(actor):
    """An event without an object (a login, a process's note) and one about a record outside the unit tree (an LKE
    template) store no invented id, name or place."""
    from django.core.management import call_command as run

    from zi.lke.models import LkeTemplate

    run("lke", "load")
    template = LkeTemplate.objects.get()
    about_nothing = audit.record(actor, "login", None)
    assert (about_nothing.object_type, about_nothing.object_id, about_nothing.object_repr) == ("", "", "")
    assert about_nothing.scope_path == ""
    about_template = audit.record(actor, "note", template)
    assert (about_template.object_id, about_template.object_repr) == (str(template.pk), str(template))
    assert about_template.scope_path == ""
    assert audit.verify().ok


@pytest.mark.django_db
def test_a_confidential_record_is_stored_under_its_neutral_name_only(actor):
    """The audit trail never stores an integrity report's own text as its name, whatever the caller passes."""
    from zi.core import labels

    event = audit.record(
        actor, "create", None, object_type="programme.whistlereport", object_id="12", object_repr="Terlapor: Budi"
    )
    assert event.object_repr == labels.stored_label_for("programme.whistlereport", "12") == "Laporan WBS #12"
    assert AuditEvent.objects.get(seq=event.seq).object_repr == "Laporan WBS #12"


@pytest.mark.django_db
def test_save_and_record_names_the_action_from_its_before_image(actor, tree):
    """``save_and_record`` validates, saves and records: "create" without a before image, "update" with one, the
    caller's own action when given, its ``extra`` kept; the after image is the saved row (or the named fields)."""
    unit = tree["lapas"]
    before = audit.snapshot(unit)
    unit.name = "Lapas Kelas IIA Palembang"
    updated = audit.save_and_record(actor, unit, before=before, extra={"alasan": "ejaan"})
    assert (updated.action, updated.extra, updated.before) == ("update", {"alasan": "ejaan"}, before)
    assert updated.after == audit.snapshot(unit)
    renamed = audit.save_and_record(actor, unit, ["name"], before=before, action="rename")
    assert (renamed.action, renamed.after, renamed.extra) == ("rename", {"name": "Lapas Kelas IIA Palembang"}, {})
    fresh = factories.make_unit(agency=unit.agency, name="Rutan Baru")
    fresh.name = "Rutan Kelas IIB Baru"
    created = audit.save_and_record(actor, fresh)
    assert (created.action, created.before, created.after["name"]) == ("create", None, "Rutan Kelas IIB Baru")


@pytest.mark.django_db
def test_snapshot_with_adds_the_sorted_ids_of_related_rows(actor, tree):
    """A record's many-to-many is part of its snapshot: ``snapshot_with`` puts the sorted ids under each name."""
    first, second = factories.UserFactory(), factories.UserFactory()
    unit = tree["lapas"]
    data = audit.snapshot_with(unit, ["name"], members=[second, first], guests=[])
    assert data == {"name": unit.name, "members": sorted([first.pk, second.pk]), "guests": []}
    assert audit.snapshot_with(unit) == audit.snapshot(unit)
