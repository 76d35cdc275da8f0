"""The demo's carry-over unit: a building journey that started from last year's answers. Seeded on the small
journey world (not the whole demo) through the same function ``zi seed_demo`` calls."""

from __future__ import annotations

from django.urls import reverse

from tests.workflow.conftest import journey_at
from zi.assessments import services as assessment_services
from zi.assessments.models import Assessment, AssessmentStatus, Lane
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.demo.workflow import seed_carry_over
from zi.workflow.models import CarriedQuestion, State


def test_demo_unit_started_from_last_years_answers(client, jw):
    journey = journey_at(jw, State.BUILDING, fill=False)
    answered_now = jw["codes"]["abc"]
    assessment_services.answer_save(
        actor=jw["member"], assessment=jw["assessment"], question_code=answered_now, raw="B"
    )

    carried_count = seed_carry_over(jw["period"], unit_name=jw["lapas"].name, username="ketua")

    previous = Assessment.objects.get(unit=jw["lapas"], period__year=jw["period"].year - 1)
    assert previous.status == AssessmentStatus.SUBMITTED and not previous.period.is_open
    carried = CarriedQuestion.objects.filter(journey=journey)
    assert carried_count == carried.count() == len(jw["spec"].questions) - 1  # all but the one answered this year
    assert not carried.filter(question__code=answered_now).exists()
    assert not carried.exclude(confirmed_at=None).exists()
    assert carried.filter(evidence_carried__gt=0).count() == 6
    assert jw["assessment"].answers.get(lane=Lane.SELF, question__code=answered_now).choice == "B"
    assert AuditEvent.objects.filter(action="carry_over", object_id=str(journey.pk)).count() == 1
    assert verify().ok

    client.force_login(jw["leader"])
    page = client.get(reverse("workflow:journey_detail", args=[journey.pk])).content.decode()
    assert "jawaban bawaan — konfirmasi" in page
    assert "jawaban bawaan — konfirmasi" in client.get(reverse("workflow:carried", args=[journey.pk])).content.decode()
    # the unit's own page lists them under what to do next (for the unit head)
    client.force_login(jw["head"])
    unit_page = client.get(
        reverse("insights:unit_page", args=[jw["lapas"].pk]) + f"?periode={jw['period'].year}"
    ).content.decode()
    assert f"{carried_count} pertanyaan disalin dari tahun lalu belum dikonfirmasi" in unit_page

    assert seed_carry_over(jw["period"], unit_name=jw["lapas"].name, username="ketua") == 0  # idempotent
    assert Assessment.objects.filter(unit=jw["lapas"]).count() == 2
