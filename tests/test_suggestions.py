"""The worksheet offers values the platform already counted (programme records, surveys) with their source."""

import pytest
from django.contrib.auth import get_user_model

from zi.assessments.models import Answer, Assessment, Period
from zi.programme.selectors import lke_inputs_for

User = get_user_model()


@pytest.fixture
def demo_world(demo_db):
    period = Period.objects.get(year=2026)
    assessment = Assessment.objects.get(period=period, unit__name="Lapas Kelas I Palembang")
    return assessment


def test_change_agent_counts_are_offered_and_can_be_used(client, demo_world):
    assessment = demo_world
    expected = lke_inputs_for(assessment.unit, assessment.period)["A.II.1.i.a"]["inputs"]
    client.force_login(User.objects.get(username="demo-tim"))
    page = client.get(f"/penilaian/{assessment.pk}/?bagian=1")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dari catatan di platform" in html
    assert "Register agen perubahan" in html
    fields = {f"in_{key}": value for key, value in expected.items()}
    response = client.post(f"/penilaian/{assessment.pk}/jawab/A.II.1.i.a/", fields)
    assert response.status_code == 302
    answer = Answer.objects.get(assessment=assessment, lane="self", question__code="A.II.1.i.a")
    assert {k: float(v) for k, v in answer.inputs.items()} == {k: float(v) for k, v in expected.items()}


def test_reviewer_sees_no_use_button_on_a_draft(client, demo_world):
    client.force_login(User.objects.get(username="demo-reviewer"))
    assert client.get(f"/penilaian/{demo_world.pk}/?bagian=1").status_code == 404
