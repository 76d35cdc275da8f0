"""``zi seed_demo``: idempotent, realistic trees, one working login per role, scoped views."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command

from zi.core import audit
from zi.core.models import AuditEvent
from zi.demo import organisations as demo
from zi.organisations.access import Action, may, visible_units
from zi.organisations.models import Agency, Unit

User = get_user_model()
pytestmark = pytest.mark.django_db


@pytest.fixture
def built(demo_db):
    """The demo, seeded once per worker (``demo_db`` in tests/conftest.py); its ``demo_counts()``."""
    return demo_db


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def test_second_run_changes_nothing(built):
    events = AuditEvent.objects.count()
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert demo.demo_counts() == built
    assert AuditEvent.objects.count() == events
    text = out.getvalue()
    assert f"Akun demo (kata sandi: {demo.DEMO_PASSWORD})" in text
    assert all(login.username in text for login in demo.DEMO_LOGINS)
    assert built["units"] > 250 and built["agencies"] == 2 and built["demo_logins"] == len(demo.DEMO_LOGINS)


def test_trees_match_the_articles(built):
    assert unit("KANWIL-SUMSEL").children.count() == 29
    assert unit("KANWIL-KEPRI").children.count() == 21
    assert 15 <= unit("KANWIL-JATENG").children.count() <= 20
    assert 10 <= unit("KANWIL-BANTEN").children.count() <= 12
    lapas = unit("LAPAS-KELAS-I-PALEMBANG")
    assert lapas.parent.code == "KANWIL-SUMSEL" and lapas.province == "Sumatera Selatan"
    assert lapas.path == f"{unit('KANWIL-SUMSEL').pk}/{lapas.pk}/" and lapas.depth == 1
    assert unit("DITJENPAS").depth == 0 and not unit("DITJENPAS").unit_type.builds_zi
    assert unit("RUDENIM-PUSAT-TANJUNGPINANG").unit_type.code == "rudenim"
    kalsel = Agency.objects.get(code="PEMPROV-KALSEL")
    schools = Unit.objects.filter(agency=kalsel, unit_type__code__in=["sma", "smk"])
    assert schools.count() >= 40 and not schools.exclude(parent__code="DISDIKBUD").exists()
    assert Unit.objects.filter(agency=kalsel, serves_public=True).count() >= 228
    assert unit("UPT-SAMSAT-BANJARMASIN-I").parent.code == "BAPENDA"
    assert all(u.path.startswith(u.parent.path) for u in Unit.objects.exclude(parent=None).select_related("parent"))


def test_staff_are_deterministic_and_cannot_log_in(built):
    staff = User.objects.filter(unit__code="LAPAS-KELAS-I-PALEMBANG", username__startswith="lapas-plg.")
    assert staff.count() == 40
    assert not any(person.has_usable_password() for person in staff)
    honorer = staff.filter(employment_type="non_asn")
    assert honorer.exists() and not honorer.exclude(nip=None).exists()
    nips = list(User.objects.exclude(nip=None).values_list("nip", flat=True))
    assert len(nips) == len(set(nips)) and all(len(nip) == 18 and nip.isdigit() for nip in nips)
    assert User.objects.filter(unit__code="KANIM-KELAS-I-TPI-PALEMBANG").count() == 25
    assert User.objects.filter(unit__code="RUTAN-KELAS-I-TANJUNGPINANG").count() == 25
    first = User.objects.get(username="lapas-plg.001")  # the Lapas is headed by demo-kepala: no second head
    assert first.position == demo.DEPUTY_POSITION and first.employment_type == "pns"
    assert User.objects.get(username="kanim-plg.001").position == "Kepala Kantor Imigrasi"
    rng = demo.random.Random(2026)
    again = demo.staff_people(demo.STAFF[0], "lapas", rng, 0)
    assert again[0].full_name == first.full_name  # same seed, same people


def test_every_demo_login_can_log_in(built, client):
    for login in demo.DEMO_LOGINS:
        user = User.objects.get(username=login.username)
        validate_password(demo.DEMO_PASSWORD, user)
        response = client.post("/akun/masuk/", {"username": login.username, "password": demo.DEMO_PASSWORD})
        assert response.status_code == 302, login.username
        client.logout()


def test_logins_see_only_their_subtree(built):
    def sees(username: str) -> set[str]:
        return set(visible_units(User.objects.get(username=username)).values_list("code", flat=True))

    lapas = {"LAPAS-KELAS-I-PALEMBANG"}
    assert sees("demo-tim") == lapas and sees("demo-ketua") == lapas and sees("demo-kepala") == lapas
    sumsel = set(Unit.objects.filter(path__startswith=unit("KANWIL-SUMSEL").path).values_list("code", flat=True))
    assert len(sumsel) == 30 and sees("demo-reviewer") == sumsel and sees("demo-pimpinan") == sumsel
    assert "RUTAN-KELAS-I-TANJUNGPINANG" not in sees("demo-reviewer")
    kemenkumham = set(Unit.objects.filter(agency__code="KEMENKUMHAM").values_list("code", flat=True))
    assert sees("demo-admin") == kemenkumham and sees("demo-tpi") == kemenkumham
    assert sees("demo-kalsel-admin") == set(
        Unit.objects.filter(agency__code="PEMPROV-KALSEL").values_list("code", flat=True)
    )
    assert len(sees("demo-nasional")) == Unit.objects.count()
    admin = User.objects.get(username="demo-admin")
    assert may(admin, Action.UNIT_MANAGE, Agency.objects.get(code="KEMENKUMHAM"))
    assert not may(admin, Action.UNIT_MANAGE, Agency.objects.get(code="PEMPROV-KALSEL"))


def test_audit_trail_records_the_demo_and_verifies(built):
    assert AuditEvent.objects.filter(object_type="organisations.unit", action="create").count() == built["units"]
    assert AuditEvent.objects.filter(object_type="accounts.user", action="create").count() >= built["people"]
    # one role per demo login, and the Itjen TPI team's pengendali teknis (no login; zi.demo.workflow.CONTROLLER)
    roles = AuditEvent.objects.filter(object_type="organisations.roleassignment").count()
    assert roles == len(demo.DEMO_LOGINS) + 1
    assert audit.verify().ok


def test_demo_includes_a_period_assessments_scores_and_programme_records(built):
    from zi.assessments.models import Assessment, LaneScore, Period
    from zi.assessments.stages import DRAFT_STATES, SUBMITTED_STATES
    from zi.programme.models import Complaint

    period = Period.objects.get(year=2026)
    assessments = Assessment.objects.filter(period=period)
    assert assessments.count() >= 6
    assert assessments.filter(state__in=SUBMITTED_STATES).exists()
    assert assessments.filter(state__in=DRAFT_STATES, unit__name="Lapas Kelas I Palembang").exists()
    assert LaneScore.objects.filter(assessment__period=period, lane="self").count() == assessments.count()
    assert Complaint.objects.filter(unit__name="Lapas Kelas I Palembang").exists()


def test_demo_evidence_is_dated_along_the_year_except_the_paperwork_example(built):
    """The demo's early warnings come from its story, not from every upload having the seeding time: the team's
    unit shows no "paperwork only" warning, the paperwork example does (uploads in the last days)."""
    from zi.assessments.models import Assessment, Period
    from zi.demo.assessments import PAPERWORK_EXAMPLE
    from zi.insights.facts import warning_facts_many
    from zi.insights.rules import evaluate

    period = Period.objects.get(year=2026)
    names = dict(Assessment.objects.filter(period=period).values_list("unit_id", "unit__name"))
    facts = warning_facts_many(list(names), period)
    warnings = {names[uid]: {w.code: w for w in evaluate(f)} for uid, f in facts.items()}
    for name in ("Lapas Kelas I Palembang", "Kanim Kelas I TPI Palembang", "Bapas Kelas I Palembang"):
        assert "paperwork" not in warnings[name], name  # units that record their activities
    assert "paperwork" in warnings["Lapas Kelas IIB Muara Enim"]  # answers, but no activity recorded at all
    assert warnings[PAPERWORK_EXAMPLE]["paperwork"].details["burst_share"] == 1.0
    bursts = {name: f.evidence_in_burst for uid, f in facts.items() if (name := names[uid]) != PAPERWORK_EXAMPLE}
    assert set(bursts.values()) == {0}, bursts
    from zi.insights.models import UnitPeriodRollup

    rollups = dict(UnitPeriodRollup.objects.filter(period=period).values_list("unit__name", "warnings"))
    assert "paperwork" not in rollups["Lapas Kelas I Palembang"] and "paperwork" in rollups[PAPERWORK_EXAMPLE]
    call_command("seed_demo", stdout=io.StringIO())  # a second run moves nothing back
    assert warning_facts_many(list(names), period) == facts
