"""Records become LKE evidence: a link Evidence with revision 1 pointing at the record page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests import factories
from zi.assessments.models import Evidence, EvidenceKind
from zi.assessments.stages import State
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.programme import services
from zi.programme.models import AttachedEvidence


@pytest.fixture
def activity(team, lapas, period, staff):
    return services.activity_create(
        actor=team,
        unit=lapas,
        period=period,
        kind="sosialisasi",
        title="Sosialisasi ZI",
        held_on=dt.date(2026, 2, 3),
        attendees=staff[:2],
    )


def test_attach_activity_as_evidence(team, activity, assessment, settings):
    settings.ZI_SITE_URL = "https://zi.example.go.id"
    evidence = services.record_attach_as_evidence(
        actor=team, record=activity, assessment=assessment, question_code="A.I.1.ii.c"
    )
    assert evidence.kind == EvidenceKind.LINK and evidence.question.code == "A.I.1.ii.c"
    revision = evidence.revisions.get()
    assert revision.number == 1
    assert revision.url == f"https://zi.example.go.id{reverse('programme:activity_detail', args=[activity.pk])}"
    assert AttachedEvidence.objects.get(evidence=evidence).record_id == activity.pk
    assert AuditEvent.objects.filter(object_type="assessments.evidence", object_id=str(evidence.pk)).exists()
    assert AuditEvent.objects.filter(
        object_type="programme.activity", object_id=str(activity.pk), action="attach_evidence"
    ).exists()
    with pytest.raises(ValidationError, match="sudah menjadi data dukung"):
        services.record_attach_as_evidence(
            actor=team, record=activity, assessment=assessment, question_code="A.I.1.ii.c"
        )
    with pytest.raises(ValidationError, match="tidak ada"):
        services.record_attach_as_evidence(actor=team, record=activity, assessment=assessment, question_code="Z.9")


def test_attach_refused_for_other_unit_reader_or_submitted(team, activity, assessment, reviewer, tree, period):
    with pytest.raises(PermissionDenied):
        services.record_attach_as_evidence(
            actor=reviewer, record=activity, assessment=assessment, question_code="A.I.1.ii.c"
        )

    other = factories.make_assessment(unit=tree["rutan"], period=period)
    with pytest.raises(ValidationError, match="unitnya sendiri"):
        services.record_attach_as_evidence(actor=team, record=activity, assessment=other, question_code="A.I.1.ii.c")
    assessment.state = State.SUBMITTED
    assessment.save()
    with pytest.raises(PermissionDenied):
        services.record_attach_as_evidence(
            actor=team, record=activity, assessment=assessment, question_code="A.I.1.ii.c"
        )


def test_attach_complaint_through_the_page(client, team, lapas, assessment, settings):
    settings.ZI_SITE_URL = "https://zi.example.go.id/"  # a trailing slash is fine
    complaint, _ = services.complaint_create(
        actor=team, unit=lapas, channel="counter", category="pelayanan", subject="Antrean", description="lama"
    )
    client.force_login(team)
    page = client.get(reverse("programme:complaint_detail", args=[complaint.pk]))
    assert b"A.I.5.iii.b" in page.content  # suggested first
    response = client.post(
        reverse("programme:attach_evidence", args=["complaint", complaint.pk]), {"question_code": "A.I.5.iii.b"}
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(assessment=assessment)
    # the configured address, not the Host of the request that attached it
    assert evidence.revisions.get().url == f"https://zi.example.go.id/program/pengaduan/{complaint.pk}/"
    reader = factories.make_user_with_role(Role.REVIEWER, unit=lapas)
    client.force_login(reader)
    response = client.post(
        reverse("programme:attach_evidence", args=["complaint", complaint.pk]), {"question_code": "A.I.5.iii.a"}
    )
    assert response.status_code == 403
    assert Evidence.objects.count() == 1
