"""Carry-over: last period's self-lane answers and evidence references as this period's draft, each to confirm."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import factories
from tests.workflow.conftest import fill_lane, go, journey_at, pdf
from zi.assessments import services as assessment_services
from zi.assessments.models import Answer, Evidence, Lane
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.workflow import carryover
from zi.workflow.models import CarriedQuestion, Journey, State


def _previous_year(jw):
    """The Lapas's 2025 assessment: two answers, a link, a file and a withdrawn link."""
    period = assessment_services.period_create(
        actor=None,
        year=2025,
        name="Periode 2025",
        template=jw["template"],
        starts_on=dt.date(2025, 1, 1),
        ends_on=dt.date(2025, 12, 31),
    )
    old = assessment_services.assessment_start(actor=jw["member"], unit=jw["lapas"], period=period)
    abc, yes_no = jw["codes"]["abc"], jw["codes"]["ya_tidak"]
    member = jw["member"]
    assessment_services.answer_save(actor=member, assessment=old, question_code=abc, raw="A", note="SK tim 2025")
    assessment_services.answer_save(actor=member, assessment=old, question_code=yes_no, raw="Ya")
    assessment_services.evidence_add_link(
        actor=member, assessment=old, question_code=abc, title="SK tim (tautan)", url="https://example.go.id/sk"
    )
    old_file = assessment_services.evidence_add_file(
        actor=member, assessment=old, question_code=abc, title="SK tim (PDF)", uploaded_file=pdf("sk.pdf")
    )
    stale = assessment_services.evidence_add_link(
        actor=member, assessment=old, question_code=abc, title="Lama", url="https://example.go.id/lama"
    )
    assessment_services.evidence_withdraw(actor=member, evidence=stale, reason="salah unggah")
    return old, old_file


def test_carry_over_answers_and_evidence_references_then_confirm(client, jw):
    old, old_file = _previous_year(jw)
    journey = journey_at(jw, State.BUILDING)
    abc, yes_no = jw["codes"]["abc"], jw["codes"]["ya_tidak"]
    new = jw["assessment"]
    # the unit already answered one question this year: carry-over leaves it alone
    assessment_services.answer_save(actor=jw["member"], assessment=new, question_code=yes_no, raw="Tidak")
    url = reverse("workflow:carried", args=[journey.pk])
    client.force_login(jw["member"])
    assert "Salin jawaban 2025" in client.get(url).content.decode()
    response = client.post(reverse("workflow:carry_over", args=[journey.pk]), follow=True)
    html = response.content.decode()
    assert "1 jawaban dan 2 data dukung dari 2025 disalin" in html
    assert "jawaban bawaan — konfirmasi" in html
    answer = Answer.objects.get(assessment=new, lane=Lane.SELF, question__code=abc)
    assert (answer.choice, answer.note) == ("A", "SK tim 2025")
    assert Answer.objects.get(assessment=new, lane=Lane.SELF, question__code=yes_no).choice == "Tidak"
    carried_evidence = Evidence.objects.filter(assessment=new).order_by("pk")
    assert [e.title for e in carried_evidence] == ["SK tim (tautan)", "SK tim (PDF)"]  # not the withdrawn one
    new_rev = carried_evidence[1].revisions.get()
    old_rev = old_file.revisions.get()
    assert new_rev.file.name == old_rev.file.name and new_rev.sha256 == old_rev.sha256  # a reference, no copy
    assert carried_evidence[0].revisions.get().url == "https://example.go.id/sk"
    row = CarriedQuestion.objects.get(journey=journey)
    assert (row.question.code, row.answer_carried, row.evidence_carried, row.confirmed_at) == (abc, True, 2, None)
    event = AuditEvent.objects.filter(action="carry_over", object_type__endswith="journey").get()
    assert event.after["from_year"] == 2025 and event.after["answers"] == 1 and yes_no in event.after["skipped"]
    # the journey page marks it; the worksheet submission is refused until confirmed
    detail = client.get(reverse("workflow:journey_detail", args=[journey.pk])).content.decode()
    assert "1 jawaban bawaan belum dikonfirmasi" in detail
    with pytest.raises(ValidationError, match="belum dikonfirmasi"):
        go(jw, journey, State.SELF_SUBMITTED, "leader")
    client.force_login(jw["leader"])
    response = client.post(reverse("assessments:submit", args=[new.pk]), follow=True)
    assert "belum dikonfirmasi" in response.content.decode()
    assert Journey.objects.get(pk=journey.pk).state == State.BUILDING
    # a second carry-over is refused, nothing doubles
    response = client.post(reverse("workflow:carry_over", args=[journey.pk]), follow=True)
    assert "sudah pernah disalin" in response.content.decode()
    assert Evidence.objects.filter(assessment=new).count() == 2
    # confirm, then the submission goes through
    client.force_login(jw["member"])
    response = client.post(reverse("workflow:carry_confirm", args=[journey.pk]), {"code": [abc]}, follow=True)
    assert "1 jawaban bawaan dikonfirmasi" in response.content.decode()
    row.refresh_from_db()
    assert row.confirmed_at is not None and row.confirmed_by == jw["member"]
    fill_lane(jw)  # the other questions: unanswered ones block the submission too
    assert go(jw, journey, State.SELF_SUBMITTED, "leader").state == State.SELF_SUBMITTED
    assert verify().ok


def test_carry_over_refusals(client, jw, tree):
    journey = journey_at(jw, State.BUILDING)
    with pytest.raises(ValidationError, match="periode sebelumnya"):
        carryover.carry_over(actor=jw["member"], journey=journey)
    _previous_year(jw)
    client.force_login(jw["reviewer"])  # may see the journey, may not write the self lane
    assert client.post(reverse("workflow:carry_over", args=[journey.pk])).status_code == 403
    outsider = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan_tpi"], username="luar")
    client.force_login(outsider)
    assert client.post(reverse("workflow:carry_over", args=[journey.pk])).status_code == 404
    assert client.get(reverse("workflow:carried", args=[journey.pk])).status_code == 404
    assert not CarriedQuestion.objects.exists()
    # once submitted the self lane is closed: no carry-over either
    fill_lane(jw)
    go(jw, journey, State.SELF_SUBMITTED, "leader")
    client.force_login(jw["member"])
    assert client.post(reverse("workflow:carry_over", args=[journey.pk])).status_code == 403
    response = client.post(reverse("workflow:carry_confirm", args=[journey.pk]), {"code": ["x"]})
    assert response.status_code == 403
