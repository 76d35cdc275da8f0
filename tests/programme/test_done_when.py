"""Issue #5 "done when": a demo unit's activities, complaints and innovations fill the matching LKE questions'
evidence and computed items without re-typing, and the early-warning rules read them.

Seeds one unit with the demo seeding function (``demo.seed_unit``), not the whole national demo. Every expected
number is counted here straight from the records, not through the selector under test.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Q
from django.urls import reverse

from tests import factories
from zi.assessments.models import Answer, Evidence, Lane
from zi.assessments.suggestions import suggestions_for
from zi.demo import programme as demo
from zi.insights.facts import warning_facts
from zi.insights.rules import evaluate, rules
from zi.lke.services import template_spec
from zi.programme import selectors, services
from zi.programme.models import (
    Activity,
    AttachedEvidence,
    Attendance,
    ChangeAgent,
    Complaint,
    ComplaintStatus,
    ConcreteChange,
    Innovation,
    PublicService,
)


@pytest.fixture
def seeded(lapas, period, team):
    """Lapas Palembang with 30 staff, a draft assessment, and its demo records."""
    for i in range(30):
        factories.UserFactory(full_name=f"Pegawai Demo {i}", unit=lapas)
    assessment = factories.make_assessment(unit=lapas, period=period)
    counts = demo.seed_unit(lapas, period)
    assert counts["activities"] == 12 and counts["complaints"] == 20 and counts["innovations"] == 3
    return assessment


def _in_period(period):
    return Q(received_at__date__gte=period.starts_on, received_at__date__lte=period.ends_on)


def test_computed_items_are_the_record_counts_and_are_saved_without_retyping(client, team, lapas, period, seeded):
    assessment = seeded
    agents = ChangeAgent.objects.filter(unit=lapas, period=period)
    changes = ConcreteChange.objects.filter(agent__in=agents)
    complaints = Complaint.objects.filter(_in_period(period), unit=lapas)
    services_active = PublicService.objects.filter(unit=lapas, is_active=True)
    expected = {
        "A.II.1.i.a": {"jumlah_agen_perubahan": agents.count(), "jumlah_perubahan_dibuat": changes.count()},
        "A.II.1.i.b": {
            "jumlah_perubahan_dibuat": changes.count(),
            "jumlah_perubahan_terintegrasi": changes.filter(integrated=True).count(),
        },
        "A.II.5.ii.a": {
            "pengaduan_harus_ditindaklanjuti": complaints.exclude(status=ComplaintStatus.REJECTED).count(),
            "pengaduan_sedang_diproses": complaints.filter(
                status__in=[ComplaintStatus.RECEIVED, ComplaintStatus.IN_PROGRESS]
            ).count(),
            "pengaduan_selesai": complaints.filter(status=ComplaintStatus.RESOLVED).count(),
        },
        "A.II.6.i.b": {
            "jumlah_layanan_terdaftar": services_active.count(),
            "jumlah_layanan_dipermudah": services_active.filter(innovations__unit=lapas).distinct().count(),
        },
    }
    assert expected["A.II.1.i.a"] == {"jumlah_agen_perubahan": 5, "jumlah_perubahan_dibuat": 7}
    assert expected["A.II.6.i.b"] == {"jumlah_layanan_terdaftar": 6, "jumlah_layanan_dipermudah": 2}
    suggestions = suggestions_for(assessment)
    spec = template_spec(period.template)
    for code, inputs in expected.items():
        assert suggestions[code].inputs == inputs, code
        assert set(inputs) == {field.key for field in spec.questions[code].inputs}, code  # the template's keys

    client.force_login(team)
    page = client.get(reverse("assessments:worksheet", args=[assessment.pk]) + "?bagian=1")
    assert page.status_code == 200
    assert f"Jumlah Agen Perubahan: {agents.count()}".encode() in page.content  # the label, not the key
    for code in ("A.II.1.i.a", "A.II.5.ii.a", "A.II.6.i.b"):  # "Gunakan nilai ini": the hidden fields, posted
        response = client.post(
            reverse("assessments:answer_save", args=[assessment.pk, code]), dict(suggestions[code].post_fields)
        )
        assert response.status_code == 302
        answer = Answer.objects.get(assessment=assessment, lane=Lane.SELF, question__code=code)
        assert {key: float(value) for key, value in answer.inputs.items()} == {
            key: float(value) for key, value in expected[code].items()
        }
        assert answer.value is not None


def test_records_are_evidence_on_the_questions_they_support(client, team, lapas, period, seeded):
    assessment = seeded
    attached = {
        (row.record_type, row.record_id, row.evidence.question.code)
        for row in AttachedEvidence.objects.filter(evidence__assessment=assessment).select_related("evidence__question")
    }
    wanted = set()
    for activity in Activity.objects.filter(unit=lapas, plan_item__isnull=False).select_related("plan_item"):
        wanted |= {("activity", activity.pk, code) for code in activity.plan_item.lke_codes}
    for complaint in Complaint.objects.filter(unit=lapas, status=ComplaintStatus.RESOLVED):
        wanted.add(("complaint", complaint.pk, demo.RESOLVED_COMPLAINT_QUESTION))
    for innovation in Innovation.objects.filter(unit=lapas):
        wanted.add(("innovation", innovation.pk, demo.INNOVATION_QUESTION))
        if innovation.services.exists():
            wanted.add(("innovation", innovation.pk, demo.SIMPLIFIED_SERVICE_QUESTION))
    assert len(wanted) > 20 and attached == wanted
    # each one a link to the record's own page, shown on the worksheet under its question
    innovation = Innovation.objects.filter(unit=lapas, services__isnull=False).distinct().first()
    evidence = Evidence.objects.get(
        assessment=assessment,
        question__code=demo.SIMPLIFIED_SERVICE_QUESTION,
        programme_source__record_id=innovation.pk,
    )
    assert evidence.revisions.get().url.endswith(reverse("programme:innovation_detail", args=[innovation.pk]))
    client.force_login(team)
    sheet = client.get(reverse("assessments:worksheet", args=[assessment.pk]) + "?bagian=6")
    assert evidence.title.encode() in sheet.content
    # the work plan shows, per item, the evidence its activities produced, linked to the worksheet question
    monev = Activity.objects.filter(unit=lapas, title__startswith="Rapat monev").select_related("plan_item")
    item = monev[0].plan_item
    produced = selectors.plan_item_evidence(item.work_plan)[item.pk]
    assert produced["activities"] == Activity.objects.filter(plan_item=item).count() == 3
    assert {row["code"]: row["evidence"] for row in produced["codes"]} == {code: 3 for code in item.lke_codes}
    overview = client.get(reverse("programme:unit_overview", args=[lapas.pk]))
    link = selectors.worksheet_link(assessment, item.lke_codes[0])
    assert link.replace("&", "&amp;").encode() in overview.content
    assert client.get(link.split("#")[0]).status_code == 200


def test_early_warning_rules_read_attendance_complaints_and_innovation_needs(team, lapas, period, seeded, settings):
    facts = warning_facts(lapas.pk, period)
    attendees = set(Attendance.objects.filter(activity__unit=lapas).values_list("person_id", flat=True))
    assert facts.participants == len(attendees) > 0
    assert facts.staff == lapas.staff.filter(is_active=True).count()
    assert facts.complaints == Complaint.objects.filter(_in_period(period), unit=lapas).count() == 20
    assert sorted(i.title for i in facts.innovations) == sorted(
        Innovation.objects.filter(unit=lapas).values_list("title", flat=True)
    )
    fired = {w.code for w in evaluate(facts)}
    assert not fired & {"few_people", "no_stakeholders", "innovation_need"}  # the demo unit is a healthy one

    # thresholds come from settings.ZI_WARNING_RULES: the same records, judged stricter
    settings.ZI_WARNING_RULES = {
        "few_people": {"min_share": facts.participants / facts.staff + 0.01},
        "no_stakeholders": {"min_inputs": facts.complaints + 1},
    }
    warnings = {w.code: w for w in evaluate(facts, rules())}
    assert warnings["few_people"].details["participants"] == len(attendees)
    assert warnings["no_stakeholders"].details == {"survey_responses": 0, "complaints": 20, "consultations": 0}
    settings.ZI_WARNING_RULES = {}

    # a few people doing everything: the attendance lists shrink to one person
    one = lapas.staff.filter(is_active=True).order_by("pk").first()
    for activity in Activity.objects.filter(unit=lapas):
        services.activity_set_attendance(actor=team, activity=activity, attendees=[one])
    # an innovation whose need is a few words
    services.innovation_create(
        actor=team,
        unit=lapas,
        title="Aplikasi baru",
        beneficiaries="Pengunjung",
        started_on=dt.date(2026, 3, 1),
        problem_statement="Perlu aplikasi.",
    )
    facts = warning_facts(lapas.pk, period)
    warnings = {w.code: w for w in evaluate(facts)}
    assert warnings["few_people"].details["participants"] == 1
    assert "Aplikasi baru" in warnings["innovation_need"].explanation
    assert warnings["innovation_need"].details == {"innovations": 1}  # the demo's complaint-based ones pass
