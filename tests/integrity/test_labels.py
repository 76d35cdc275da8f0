"""Integrity reports are never named outside their handlers: one labelling rule (zi.core.labels) for the audit
trail and every generic surface; the hash chain is never rewritten."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests import factories
from zi.core import audit
from zi.core import labels as core_labels
from zi.core.models import AuditEvent
from zi.integrity import services as integrity_services
from zi.integrity.models import WhistleReport
from zi.organisations import labels
from zi.organisations.models import Role

User = get_user_model()
SUBJECT = "Kepala Lapas Budi Santoso minta setoran XQZ-77"
DESCRIPTION = "Uraian rinci yang menyebut nama saksi Wulan Pertiwi"
GIFT = "Jam tangan emas dari Toko Sinar Jaya"
SITUATION = "Petugas Ahmad Fauzi menilai kakak iparnya sendiri"


@pytest.fixture
def report(lapas):
    report, _code = integrity_services.whistle_submit_public(unit=lapas, subject=SUBJECT, description=DESCRIPTION)
    return report


@pytest.fixture
def legacy_event(report, monkeypatch):
    """An event written before this rule: the subject stored as object_repr (rows are never rewritten)."""
    with monkeypatch.context() as patch:
        patch.setattr(core_labels, "CONFIDENTIAL", {})
        return audit.record(
            "public",
            "update",
            report,
            before=audit.snapshot(report, integrity_services.WHISTLE_FIELDS),
            after=audit.snapshot(report, integrity_services.WHISTLE_FIELDS),
        )


@pytest.fixture
def admin(agency):
    return factories.make_user_with_role(Role.AGENCY_ADMIN, agency=agency)


@pytest.fixture
def national(db):
    return factories.make_user_with_role(Role.NATIONAL_VIEWER)


def test_new_events_store_the_neutral_label(report):
    event = AuditEvent.objects.get(object_type="integrity.whistlereport", object_id=str(report.pk))
    assert event.object_repr == f"Laporan WBS #{report.pk}"
    assert SUBJECT not in event.object_repr


@pytest.mark.parametrize("who", ["admin", "national"])
def test_audit_trail_hides_the_subject_from_auditors(client, request, report, legacy_event, tpi, who):
    assert legacy_event.object_repr == SUBJECT  # the old row still holds it …
    integrity_services.whistle_update(
        actor=tpi, report=report, status="investigating", handling_notes="Saksi: Wulan Pertiwi"
    )
    client.force_login(request.getfixturevalue(who))
    html = client.get(reverse("core:audit_list")).content.decode()
    assert f"Laporan WBS #{report.pk}" in html  # the record and its changes are still visible …
    assert "Sedang ditelaah" in html  # the status by its label
    for secret in (SUBJECT, DESCRIPTION, "Wulan Pertiwi", "Budi Santoso"):
        assert secret not in html, secret  # … never what it says
    assert audit.verify().ok  # nothing was rewritten


def test_handler_still_reads_the_subject(client, report, legacy_event, tpi):
    integrity_services.whistle_update(
        actor=tpi, report=report, status="investigating", handling_notes="Saksi dipanggil"
    )
    client.force_login(tpi)
    html = client.get(reverse("core:audit_list")).content.decode()
    assert SUBJECT in html and "Saksi dipanggil" in html


def test_label_of_each_integrity_type(lapas, staff, team, tpi, admin):
    whistle, _code = integrity_services.whistle_submit_public(unit=lapas, subject=SUBJECT, description=DESCRIPTION)
    gift = integrity_services.gratification_report_create(
        actor=team,
        unit=lapas,
        reporter=staff[0],
        offered_on=dt.date(2026, 3, 1),
        giver_description="Rekanan",
        gift_description=GIFT,
    )
    conflict = integrity_services.conflict_create(
        actor=team, unit=lapas, declared_on=dt.date(2026, 3, 2), situation=SITUATION
    )
    expected = {
        whistle: f"Laporan WBS #{whistle.pk}",
        gift: f"Laporan gratifikasi #{gift.pk}",
        conflict: f"Catatan benturan kepentingan #{conflict.pk}",
    }
    for obj, neutral in expected.items():
        assert labels.label(obj) == neutral
        assert labels.label(obj, admin) == neutral
        assert labels.label(obj, team) == neutral  # the unit's own team: no name on generic surfaces either
        assert labels.label(obj, tpi) == str(obj)
        event = AuditEvent.objects.filter(object_type=core_labels.type_of(obj), object_id=str(obj.pk)).get()
        assert event.object_repr == neutral
        (shown,) = labels.describe_events([event], admin)
        assert shown.label == neutral
        assert str(obj) not in repr(shown.after) and "Rekanan" not in repr(shown.after)
        assert shown.after["unit_id"] == lapas.pk  # what is not confidential stays readable
    # an ordinary record keeps its own name
    assert labels.label(lapas, admin) == lapas.name


def test_other_agencies_handler_does_not_read_it(client, report):
    other = factories.AgencyFactory(code="LAIN")
    stranger = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=other)
    assert labels.label(report, stranger) == f"Laporan WBS #{report.pk}"


def test_demo_trail_names_no_integrity_report(demo_db):
    subjects = list(WhistleReport.objects.values_list("subject", flat=True))
    assert subjects
    stored = AuditEvent.objects.filter(object_type__in=list(core_labels.CONFIDENTIAL)).values_list(
        "object_repr", flat=True
    )
    assert stored and not any(s in r for s in subjects for r in stored)
    events = AuditEvent.objects.filter(object_type__in=list(core_labels.CONFIDENTIAL))
    for username in ("demo-admin", "demo-nasional"):
        viewer = User.objects.get(username=username)
        shown = repr([(v.label, v.before, v.after, v.changes) for v in labels.describe_events(events, viewer)])
        assert not any(s in shown for s in subjects), username
