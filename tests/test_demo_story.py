"""The demo tells the seeds' story (issue #21) with plausible figures: the invariants of ``zi seed_demo``.

Seeded once per worker through ``demo_db`` (tests/conftest.py); every test here only reads it.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from django.urls import reverse
from django.utils import timezone

from zi.assessments.models import Answer, Assessment, Period
from zi.assessments.suggestions import survey_kind
from zi.demo import organisations as demo
from zi.demo import story
from zi.demo.predicates import KANWIL_SUMSEL, WBBM_HOLDER
from zi.insights.facts import warning_facts_many
from zi.insights.models import UnitPeriodRollup
from zi.insights.rules import ORDER, TITLES, evaluate
from zi.insights.selectors.aggregates import summary
from zi.lke.services import template_spec
from zi.organisations.models import Role, RoleAssignment, Unit
from zi.predicates.selectors import held_awards, holder_summary
from zi.programme.models import Complaint, ComplaintStatus
from zi.surveys.unit_indices import survey_indices_many
from zi.workflow.models import Declaration

pytestmark = pytest.mark.django_db
User = get_user_model()

# Fields that name a day still ahead by nature (deadlines, closing and due dates, the end of a ban or a period);
# every other date or datetime of the demo lies in the past.
FORWARD_WORDS = ("deadline", "due", "ends_on", "closes_at", "until", "expires", "valid_to")

SUMSEL_HOLDERS = {
    KANWIL_SUMSEL: ("WBK", 2021),
    "Lapas Kelas I Palembang": ("WBK", 2020),
    "Bapas Kelas I Palembang": ("WBK", 2021),
    "Kanim Kelas I TPI Palembang": ("WBK", 2026),  # WBK 2019, revoked 2023, WBK again through the 2026 journey
    WBBM_HOLDER: ("WBBM", 2021),  # decree of January 2022, after WBK 2020
}


@pytest.fixture
def world(demo_db):
    return demo_db


def _period() -> Period:
    return Period.objects.get(year=2026)


def _sumsel() -> Unit:
    return Unit.objects.get(code="KANWIL-SUMSEL")


def test_no_demo_date_lies_in_the_future(world):
    now, today = timezone.now() + dt.timedelta(minutes=5), timezone.localdate()
    checked, found = 0, []
    for model in apps.get_models():
        if not model.__module__.startswith("zi."):
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.DateField) or any(w in field.name for w in FORWARD_WORDS):
                continue
            limit = now if isinstance(field, models.DateTimeField) else today
            late = list(model._default_manager.filter(**{f"{field.name}__gt": limit}).values_list("pk", field.name)[:3])
            checked += 1
            if late:
                found.append((model._meta.label, field.name, late))
    assert checked > 50 and not found, found
    from zi.predicates.models import Award

    assert not Award.objects.filter(decree_date__gt=today).exists()


def test_counts_add_up(world):
    """Every LKE count item keeps its parts within their whole (complaints in process + done ≤ to follow up; one
    head of satker for the LHKPN), complaints and dashboard totals add up."""
    period = _period()
    spec = template_spec(period.template)
    counted = {code: q for code, q in spec.questions.items() if any(i.at_most for i in q.inputs)}
    answers = Answer.objects.filter(question__code__in=list(counted), inputs__isnull=False)
    assert answers.count() > 20
    for answer in answers.select_related("question"):
        inputs = answer.inputs or {}
        for item in counted[answer.question.code].inputs:
            if item.at_most and item.key in inputs:
                assert inputs[item.key] <= sum(inputs.get(k, 0) for k in item.at_most), (answer.question.code, inputs)
        if answer.question.code == "A.II.5.ii.a":
            assert (
                inputs["pengaduan_sedang_diproses"] + inputs["pengaduan_selesai"]
                <= (inputs["pengaduan_harus_ditindaklanjuti"])
            )
        if answer.question.code == "A.II.5.iii.a":
            assert inputs["wajib_lhkpn_kepala_satker"] == 1, inputs
    by_status = Counter(Complaint.objects.values_list("status", flat=True))
    assert sum(by_status.values()) == Complaint.objects.count() > 0
    assert by_status[ComplaintStatus.RESOLVED] <= Complaint.objects.count()
    for row in UnitPeriodRollup.objects.filter(period=period):
        assert row.complaints_resolved <= row.complaints and row.complaints_overdue <= row.complaints
    whole = summary(UnitPeriodRollup.objects.filter(period=period))
    assert whole["building"] + whole["not_building"] == whole["units"]


def test_one_head_per_unit_and_pencanangan_signed_by_head_and_staff(world):
    heads: Counter[int] = Counter()
    for unit_id, position in User.objects.exclude(unit=None).values_list("unit_id", "position"):
        if position in demo.HEAD_TITLES or position == "Kepala":
            heads[unit_id] += 1
    for unit_id in RoleAssignment.objects.filter(role=Role.UNIT_HEAD).values_list("unit_id", flat=True):
        heads[unit_id] += 1
    assert heads and max(heads.values()) == 1, [u for u, n in heads.items() if n > 1]
    declarations = Declaration.objects.select_related("unit")
    assert declarations.count() >= 8
    for declaration in declarations:
        staff = set(User.objects.filter(unit=declaration.unit, is_active=True).values_list("pk", flat=True))
        signed = set(declaration.signatories.values_list("pk", flat=True))
        assert len(signed) > 1 and signed == staff, declaration.unit.name
    lpka = Declaration.objects.get(unit__name="LPKA Kelas I Palembang")
    assert lpka.signatories.filter(position="Kepala LPKA").count() == 1 and lpka.signatories.count() == 16


def test_lke_survey_values_equal_the_campaigns_indices(world):
    checked = 0
    for period in Period.objects.all():
        spec = template_spec(period.template)
        kinds = {code: kind for code, q in spec.questions.items() if (kind := survey_kind(q))}
        assessments = list(Assessment.objects.filter(period=period))
        found = survey_indices_many([a.unit_id for a in assessments], period)
        rows = Answer.objects.filter(assessment__in=assessments, question__code__in=list(kinds)).select_related(
            "question", "assessment"
        )
        for answer in rows:
            kind = kinds[answer.question.code]
            index = found[answer.assessment.unit_id].get(kind)
            if index is None or index.value is None:
                continue  # no survey of that unit in that period
            assert answer.inputs[kind] == pytest.approx(index.value), (answer.assessment.unit_id, period.year, kind)
            checked += 1
    assert checked >= 14  # seven 2026 units with surveys, both items; the reward-chasing example's 2025 too


def test_kanwil_sumsel_has_29_satker_4_wbk_and_1_wbbm(world):
    sumsel = _sumsel()
    assert sumsel.name == KANWIL_SUMSEL and sumsel.children.count() == 29
    units = Unit.objects.filter(path__startswith=sumsel.path)
    held = held_awards(units)
    found = {a.unit.name: (a.predicate, a.year) for a in held.values()}
    assert found == SUMSEL_HOLDERS
    summary_ = holder_summary(units)
    assert summary_["counts"] == {"WBK": 4, "WBBM": 1}
    muara_enim = Unit.objects.get(name=WBBM_HOLDER)
    assert held[muara_enim.pk].decree_date == dt.date(2022, 1, 10)
    assert list(muara_enim.predicate_awards.order_by("decree_date").values_list("predicate", "year")) == [
        ("WBK", 2020),
        ("WBBM", 2021),
    ]
    proposed_this_year = Assessment.objects.filter(period=_period(), unit__in=units).exclude(submitted_at=None)
    assert proposed_this_year.count() >= 4


def test_kalsel_25_building_228_not(world):
    rows = UnitPeriodRollup.objects.filter(period=_period(), agency__code=story.KALSEL)
    data = summary(rows)
    assert (data["building"], data["not_building"]) == (25, 228)
    building = set(rows.filter(builds_zi=True, participates=True).values_list("unit__name", flat=True))
    assert building == set(story.KALSEL_BUILDING)


def test_each_early_warning_fires_on_its_named_unit(world):
    period = _period()
    names = dict(Assessment.objects.filter(period=period).values_list("unit_id", "unit__name"))
    facts = warning_facts_many(list(names), period)
    fired = {names[uid]: {w.code: w for w in evaluate(f)} for uid, f in facts.items()}
    rollups = dict(UnitPeriodRollup.objects.filter(period=period).values_list("unit__name", "warnings"))
    assert set(story.WARNING_EXAMPLES) == set(ORDER)
    for code, name in story.WARNING_EXAMPLES.items():
        assert code in fired[name], (code, name, list(fired[name]))
        assert fired[name][code].explanation, (code, name)
        assert code in rollups[name], (code, name)
    assert fired[story.RUSHED]["rushed"].details["first_work_on"] == "2026-06-08"
    assert fired[story.FEW_PEOPLE]["few_people"].details["staff"] == 16


def test_leaders_first_page_answers_the_seeds_questions(world, client):
    client.force_login(User.objects.get(username="demo-pimpinan"))
    response = client.get(reverse("insights:overview"), follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Pemegang predikat hari ini: 4 WBK, 1 WBBM" in html
    for name, (predicate, year) in SUMSEL_HOLDERS.items():
        assert f"{name} · {predicate} {year}" in html, name
    assert "SK B/12/M.RB.06/2022, 10-01-2022" in html  # Kanim Muara Enim's WBBM, January 2022
    risks = html.split('id="risks"')[1].split("</article>")[0]
    for code, name in story.WARNING_EXAMPLES.items():
        line = next(li for li in risks.split("<li>")[1:] if name in li)
        assert str(TITLES[code]) in line, (name, code)  # who, and why
    warnings_page = client.get(reverse("insights:warning_list") + f"?periode=2026&unit={_sumsel().pk}")
    assert "Juni perencanaan, Agustus diajukan" in warnings_page.content.decode()  # the reason, in full

    client.force_login(User.objects.get(username="demo-kalsel-admin"))
    html = client.get(reverse("insights:overview") + "?periode=2026", follow=True).content.decode()
    coverage = html.split('id="coverage"')[1].split("</article>")[0]
    assert "25 membangun ZI" in coverage and "228 belum" in coverage
