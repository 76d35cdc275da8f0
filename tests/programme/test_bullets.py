"""Issue #5 bullets not covered elsewhere: what each work-plan item produced against its LKE questions, the
innovation list per unit and subtree with who benefits and the measured effect, the share of staff reached over
time on the overview, and attendance refused for people outside the unit on the attendance form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories
from zi.assessments import services as assessment_services
from zi.organisations.models import Role
from zi.programme import selectors, services
from zi.programme.models import Attendance

D = dt.date


@pytest.fixture
def plan_item(team, lapas, period, staff):
    plan = services.workplan_create(actor=team, unit=lapas, period=period)
    return services.plan_item_create(
        actor=team,
        work_plan=plan,
        area_key=1,
        title="Internalisasi nilai ZI",
        owner=staff[0],
        due_on=D(2026, 6, 30),
        lke_codes=["A.I.1.iv.d", "A.I.1.ii.c"],
    )


def _activity(team, lapas, period, staff, plan_item, title):
    return services.activity_create(
        actor=team,
        unit=lapas,
        period=period,
        kind="internalisasi",
        title=title,
        held_on=D(2026, 2, 10),
        plan_item=plan_item,
        attendees=staff[:2],
    )


def test_plan_item_shows_the_evidence_it_produced_per_lke_question(
    client, team, lapas, period, staff, plan_item, request
):
    first = _activity(team, lapas, period, staff, plan_item, "Internalisasi I")
    second = _activity(team, lapas, period, staff, plan_item, "Internalisasi II")
    produced = selectors.plan_item_evidence(plan_item.work_plan)[plan_item.pk]
    assert produced["activities"] == 2
    assert produced["codes"] == [  # no assessment yet: the codes, nothing produced, no worksheet link
        {"code": "A.I.1.ii.c", "evidence": 0, "url": ""},
        {"code": "A.I.1.iv.d", "evidence": 0, "url": ""},
    ]
    client.force_login(team)
    assert "A.I.1.iv.d (0 data dukung)" in client.get(reverse("programme:unit_overview", args=[lapas.pk])).text

    assessment = request.getfixturevalue("assessment")  # the unit's draft assessment of the period
    for activity in (first, second):
        services.record_attach_as_evidence(
            actor=team, record=activity, assessment=assessment, question_code="A.I.1.iv.d"
        )
    withdrawn = services.record_attach_as_evidence(
        actor=team, record=first, assessment=assessment, question_code="A.I.1.ii.c"
    )
    assessment_services.evidence_withdraw(actor=team, evidence=withdrawn, reason="salah pilih")
    services.record_attach_as_evidence(actor=team, record=second, assessment=assessment, question_code="A.I.1.iii.b")
    produced = selectors.plan_item_evidence(plan_item.work_plan)[plan_item.pk]
    by_code = {row["code"]: row for row in produced["codes"]}
    assert by_code["A.I.1.iv.d"]["evidence"] == 2 and by_code["A.I.1.ii.c"]["evidence"] == 0  # withdrawn not counted
    assert by_code["A.I.1.iv.d"]["url"] == (
        reverse("assessments:worksheet", args=[assessment.pk]) + "?bagian=1#q-A-I-1-iv-d"
    )
    assert produced["other"] == ["A.I.1.iii.b"]  # produced for a question the item does not name
    page = client.get(reverse("programme:unit_overview", args=[lapas.pk])).text
    assert by_code["A.I.1.iv.d"]["url"].replace("&", "&amp;") in page
    assert "A.I.1.iv.d</a> (2 data dukung)" in page and "2 kegiatan" in page
    worksheet = client.get(by_code["A.I.1.iv.d"]["url"].split("#")[0]).text
    assert 'id="q-A-I-1-iv-d"' in worksheet and "Internalisasi II" in worksheet


def test_innovation_list_per_unit_and_subtree_with_beneficiaries_and_effect(client, team, lapas, tree, reviewer):
    services.innovation_create(
        actor=team,
        unit=lapas,
        title="Antrean daring",
        beneficiaries="Keluarga WBP",
        started_on=D(2026, 2, 1),
        problem_statement="Antrean kunjungan lebih dari dua jam setiap hari Senin.",
        measure_unit="menit waktu tunggu",
        value_before="95",
        value_after="20",
    )
    rutan_team = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    services.innovation_create(
        actor=rutan_team,
        unit=tree["rutan"],
        title="Layanan titip barang terjadwal",
        beneficiaries="Pengunjung rutan",
        started_on=D(2026, 3, 1),
        problem_statement="Titipan barang menumpuk di pintu utama pada jam kunjungan.",
    )
    client.force_login(reviewer)
    own = client.get(reverse("programme:innovation_list", args=[lapas.pk])).text
    assert "Antrean daring" in own and "Layanan titip barang" not in own
    assert "Keluarga WBP" in own and "01-02-2026" in own and "95,00 → 20,00 menit waktu tunggu" in own
    subtree = client.get(reverse("programme:innovation_list", args=[tree["sumsel"].pk]) + "?subtree=1").text
    assert "Antrean daring" in subtree and "Layanan titip barang terjadwal" in subtree
    assert "Pengunjung rutan" in subtree and "Rutan Kelas IIB Prabumulih" in subtree
    client.force_login(team)  # the Lapas team does not see the Rutan's innovations, nor the Kanwil's list
    assert client.get(reverse("programme:innovation_list", args=[tree["sumsel"].pk]) + "?subtree=1").status_code == 404


def test_overview_shows_share_of_staff_reached_over_time(client, team, lapas, period, staff):
    for held_on, people in ((D(2026, 1, 10), staff[:2]), (D(2026, 3, 5), staff[1:4])):
        services.activity_create(
            actor=team, unit=lapas, period=period, kind="sosialisasi", title="S", held_on=held_on, attendees=people
        )
    rows = selectors.reach_by_month(unit=lapas, period=period)
    staff_count = len(staff) + 1  # the team member is staff of the Lapas too
    assert [row["reached"] for row in rows[:3]] == [2, 2, 4]
    assert rows[2]["share"] == round(100 * 4 / staff_count, 1)
    client.force_login(team)
    page = client.get(reverse("programme:unit_overview", args=[lapas.pk]) + "?periode=2026").text
    assert "Jangkauan pegawai dari waktu ke waktu" in page
    share = rows[2]["share"]
    assert f"4/{staff_count}" in page and f"{share}".replace(".", ",") in page  # shown in the Indonesian format
    assert f'<progress value="{share}" max="100">' in page  # the bar's value stays a number browsers read


def test_attendance_form_refuses_people_outside_the_unit(client, team, lapas, period, staff, outsider):
    activity = services.activity_create(
        actor=team,
        unit=lapas,
        period=period,
        kind="sosialisasi",
        title="S",
        held_on=D(2026, 1, 10),
        attendees=staff[:1],
    )
    client.force_login(team)
    url = reverse("programme:activity_attendance", args=[activity.pk])
    response = client.post(url, {"attendees": [staff[1].pk, outsider.pk]}, follow=True)
    assert "Daftar hadir hanya boleh berisi pegawai" in response.text and "Pegawai Rutan Luar" in response.text
    assert list(Attendance.objects.filter(activity=activity).values_list("person_id", flat=True)) == [staff[0].pk]
    client.post(url, {"attendees": [staff[1].pk, staff[2].pk]})
    assert sorted(Attendance.objects.filter(activity=activity).values_list("person_id", flat=True)) == sorted(
        [staff[1].pk, staff[2].pk]
    )
