"""Services and selectors of the building-work records: validation, permissions, audit, computed figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests import factories
from zi.core import tracking
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.programme import selectors, services
from zi.programme.models import ComplaintCategory, ComplaintChannel, ComplaintStatus, PlanItemStatus

D = dt.date


def audit_actions(obj):
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).values_list(
            "action", flat=True
        )
    )


# --- work plan ------------------------------------------------------------------------------------------------


def test_work_plan_and_items_audited(team, lapas, period, staff):
    plan = services.workplan_create(actor=team, unit=lapas, period=period)
    assert "2026" in plan.title
    item = services.plan_item_create(
        actor=team,
        work_plan=plan,
        area_key=1,
        title="Sosialisasi ZI ke seluruh pegawai",
        owner=staff[0],
        due_on=D(2026, 3, 31),
        lke_codes="A.I.1.ii.c, A.I.1.iv.d",
    )
    assert item.lke_codes == ["A.I.1.ii.c", "A.I.1.iv.d"]
    assert audit_actions(plan) == ["create"]
    services.plan_item_update(actor=team, item=item, status=PlanItemStatus.DONE)
    item.refresh_from_db()
    assert item.progress == 100
    assert audit_actions(item) == ["create", "update"]
    event = AuditEvent.objects.filter(object_id=str(item.pk), action="update").get()
    assert event.before["status"] == "planned" and event.after["status"] == "done"
    assert event.scope_path == lapas.path


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"due_on": D(2027, 1, 5)}, "di dalam periode"),
        ({"area_key": 7}, "Area perubahan"),
        ({"lke_codes": ["A.I.9.z"]}, "A.I.9.z"),
        ({"progress": 140}, "0–100"),
    ],
)
def test_plan_item_bad_input(team, lapas, period, staff, changes, message):
    plan = services.workplan_create(actor=team, unit=lapas, period=period)
    data = {"area_key": 1, "title": "Butir", "owner": staff[0], "due_on": D(2026, 6, 1), **changes}
    with pytest.raises(ValidationError, match=message):
        services.plan_item_create(actor=team, work_plan=plan, **data)


def test_plan_item_owner_must_be_staff_of_unit(team, lapas, period, outsider):
    plan = services.workplan_create(actor=team, unit=lapas, period=period)
    with pytest.raises(ValidationError, match="pegawai aktif"):
        services.plan_item_create(
            actor=team, work_plan=plan, area_key=2, title="x", owner=outsider, due_on=D(2026, 5, 1)
        )


def test_only_unit_team_writes(lapas, period, head, reviewer, tree):
    other_team = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    for actor in (head, reviewer, other_team, None):
        with pytest.raises(PermissionDenied):
            services.workplan_create(actor=actor, unit=lapas, period=period)


# --- activities and reach -------------------------------------------------------------------------------------


def test_activity_with_attendance_and_reach(team, lapas, period, staff):
    a1 = services.activity_create(
        actor=team,
        unit=lapas,
        period=period,
        kind="sosialisasi",
        title="Sosialisasi ZI",
        held_on=D(2026, 1, 15),
        attendees=staff[:3],
    )
    services.activity_create(
        actor=team,
        unit=lapas,
        period=period,
        kind="internalisasi",
        title="Internalisasi",
        held_on=D(2026, 1, 28),
        attendees=[staff[2].pk, staff[3].pk],
    )
    services.activity_create(
        actor=team,
        unit=lapas,
        period=period,
        kind="rapat_monev",
        title="Monev",
        held_on=D(2026, 3, 2),
        attendees=[staff[0], staff[5]],
    )
    assert a1.attendance.count() == 3
    rows = selectors.reach_by_month(unit=lapas, period=period)
    jan, feb, mar = rows[0], rows[1], rows[2]
    # team member has a home unit too: 6 staff + 1 team member = 7
    assert jan["staff"] == 7
    assert (jan["attendees"], jan["reached"], jan["share"]) == (4, 4, round(400 / 7, 1))
    assert (feb["attendees"], feb["reached"]) == (0, 4)
    assert (mar["attendees"], mar["reached"], mar["share"]) == (2, 5, round(500 / 7, 1))
    activity = selectors.activities_for(user=team, unit=lapas, period=period).get(pk=a1.pk)
    assert selectors.activity_reach(activity, 7) == round(300 / 7, 1)


def test_attendance_outside_unit_refused_with_names(team, lapas, period, staff, outsider):
    with pytest.raises(ValidationError) as exc:
        services.activity_create(
            actor=team,
            unit=lapas,
            period=period,
            kind="sosialisasi",
            title="x",
            held_on=D(2026, 2, 1),
            attendees=[staff[0], outsider],
        )
    assert "Pegawai Rutan Luar" in str(exc.value)
    activity = services.activity_create(
        actor=team,
        unit=lapas,
        period=period,
        kind="sosialisasi",
        title="x",
        held_on=D(2026, 2, 1),
        attendees=[staff[0]],
    )
    with pytest.raises(ValidationError, match="Bukan pegawai unit ini"):
        services.activity_set_attendance(actor=team, activity=activity, attendees=[staff[1], outsider.pk, 999999])
    assert list(activity.attendance.values_list("person_id", flat=True)) == [staff[0].pk]
    services.activity_set_attendance(actor=team, activity=activity, attendees=[staff[1], staff[2]])
    assert sorted(activity.attendance.values_list("person_id", flat=True)) == [staff[1].pk, staff[2].pk]
    assert "attendance" in audit_actions(activity)


def test_activity_date_outside_period_refused(team, lapas, period):
    with pytest.raises(ValidationError, match="di dalam periode"):
        services.activity_create(
            actor=team, unit=lapas, period=period, kind="banner", title="Banner", held_on=D(2025, 12, 30)
        )
    with pytest.raises(ValidationError, match="Jenis kegiatan"):
        services.activity_create(actor=team, unit=lapas, period=period, kind="pesta", title="x", held_on=D(2026, 5, 1))


# --- change agents and LKE inputs ----------------------------------------------------------------------------


def _complaint(team, lapas, status, received_at, category=ComplaintCategory.PELAYANAN):
    complaint, _code = services.complaint_create(
        actor=team,
        unit=lapas,
        channel=ComplaintChannel.COUNTER,
        category=category,
        subject="Antrean lama",
        description="Menunggu dua jam.",
        received_at=received_at,
    )
    if status in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED):
        services.complaint_update(actor=team, complaint=complaint, status=status, public_response="Ditanggapi.")
    elif status != ComplaintStatus.RECEIVED:
        services.complaint_update(actor=team, complaint=complaint, status=status)
    return complaint


def test_lke_inputs_for_counts_records(team, lapas, period, staff):
    agents = [
        services.change_agent_appoint(actor=team, unit=lapas, period=period, person=p, appointed_on=D(2026, 1, 10))
        for p in staff[:4]
    ]
    services.change_create(
        actor=team,
        agent=agents[0],
        title="Loket prioritas lansia",
        made_on=D(2026, 2, 1),
        integrated=True,
        integration_how="SOP Layanan Kunjungan No. 3/2026",
    )
    services.change_create(actor=team, agent=agents[0], title="Papan informasi biaya nol rupiah", made_on=D(2026, 3, 1))
    services.change_create(
        actor=team,
        agent=agents[1],
        title="Daftar kunjungan daring",
        made_on=D(2026, 4, 1),
        integrated=True,
        integration_how="SK Kalapas",
    )
    with pytest.raises(ValidationError, match="di dalam periode"):
        services.change_create(actor=team, agent=agents[2], title="Terlalu awal", made_on=D(2025, 12, 1))
    with pytest.raises(ValidationError, match="diintegrasikan"):
        services.change_create(actor=team, agent=agents[2], title="Tanpa cara", made_on=D(2026, 5, 1), integrated=True)

    aware = lambda *args: dt.datetime(*args, tzinfo=timezone.get_current_timezone())  # noqa: E731
    for status in [ComplaintStatus.RESOLVED] * 5 + [ComplaintStatus.IN_PROGRESS] * 2 + [ComplaintStatus.RECEIVED]:
        _complaint(team, lapas, status, aware(2026, 3, 10, 9))
    _complaint(team, lapas, ComplaintStatus.REJECTED, aware(2026, 4, 1, 9))
    _complaint(team, lapas, ComplaintStatus.RESOLVED, aware(2025, 12, 20, 9))  # previous year: not counted

    result = selectors.lke_inputs_for(lapas, period)
    assert result["A.II.1.i.a"]["inputs"] == {"jumlah_agen_perubahan": 4, "jumlah_perubahan_dibuat": 3}
    assert result["A.II.1.i.b"]["inputs"] == {"jumlah_perubahan_dibuat": 3, "jumlah_perubahan_terintegrasi": 2}
    assert result["A.II.5.ii.a"]["inputs"] == {
        "pengaduan_harus_ditindaklanjuti": 8,
        "pengaduan_sedang_diproses": 3,
        "pengaduan_selesai": 5,
    }
    for code, data in result.items():
        assert lapas.name in data["source"], code
    # the keys are exactly the template's input keys, so the worksheet can store them as they are
    from zi.lke.services import template_spec

    spec = template_spec(period.template)
    for code, data in result.items():
        assert set(data["inputs"]) == {item.key for item in spec.questions[code].inputs}


def test_change_agent_must_be_staff_and_unique(team, lapas, period, staff, outsider):
    with pytest.raises(ValidationError, match="pegawai aktif"):
        services.change_agent_appoint(
            actor=team, unit=lapas, period=period, person=outsider, appointed_on=D(2026, 1, 2)
        )
    services.change_agent_appoint(actor=team, unit=lapas, period=period, person=staff[0], appointed_on=D(2026, 1, 2))
    with pytest.raises(ValidationError, match="sudah ditetapkan"):
        services.change_agent_appoint(
            actor=team, unit=lapas, period=period, person=staff[0], appointed_on=D(2026, 1, 3)
        )
    with pytest.raises(ValidationError, match="akhir periode"):
        services.change_agent_appoint(
            actor=team, unit=lapas, period=period, person=staff[1], appointed_on=D(2027, 1, 3)
        )


# --- complaints -----------------------------------------------------------------------------------------------


def test_complaint_sla_overdue_and_tracking_code(team, lapas, settings):
    received = timezone.now() - dt.timedelta(days=20)
    complaint, code = services.complaint_create(
        actor=team,
        unit=lapas,
        channel=ComplaintChannel.PHONE,
        category=ComplaintCategory.PELAYANAN,
        subject="Antrean",
        description="Lama",
        received_at=received,
    )
    assert complaint.sla_due_at == received + dt.timedelta(days=services.DEFAULT_SLA_DAYS)
    assert complaint.is_overdue
    assert len(code) >= 10 and all(ch in tracking.ALPHABET for ch in code)
    assert code not in complaint.tracking_hash and complaint.tracking_hash == tracking.hash_code(code)
    event = AuditEvent.objects.get(object_type="programme.complaint", object_id=str(complaint.pk))
    assert "tracking_hash" not in event.after

    settings.ZI_COMPLAINT_SLA_DAYS = {"pungli": 3}
    fresh, _ = services.complaint_create(
        actor=team,
        unit=lapas,
        channel=ComplaintChannel.EMAIL,
        category=ComplaintCategory.PUNGLI,
        subject="Pungli",
        description="x",
    )
    assert fresh.sla_due_at - fresh.received_at == dt.timedelta(days=3)
    assert not fresh.is_overdue

    summary = selectors.complaint_summary(unit=lapas)
    assert summary == {"total": 2, "open": 2, "overdue": 1, "resolved": 0}

    found = services.track(tracking.format_code(code).lower())
    assert found["kind"] == "complaint" and found["status_code"] == "received"
    assert services.track("ABCD-EFGH-JKMN") is None
    assert services.track("<script>") is None


def test_complaint_bad_input(team, lapas):
    base = {"actor": team, "unit": lapas, "category": "pelayanan", "subject": "s", "description": "d"}
    with pytest.raises(ValidationError, match="nomor tiket"):
        services.complaint_create(channel=ComplaintChannel.LAPOR, **base)
    with pytest.raises(ValidationError, match="masa depan"):
        services.complaint_create(
            channel=ComplaintChannel.COUNTER, received_at=timezone.now() + dt.timedelta(days=2), **base
        )
    complaint, _ = services.complaint_create(channel=ComplaintChannel.LAPOR, channel_reference="LAP-123", **base)
    with pytest.raises(ValidationError, match="tanggapan"):
        services.complaint_update(actor=team, complaint=complaint, status=ComplaintStatus.RESOLVED)
    action = services.complaint_add_action(
        actor=team, complaint=complaint, done_on=timezone.localdate(), description="Petugas menghubungi pengadu"
    )
    complaint.refresh_from_db()
    assert complaint.status == ComplaintStatus.IN_PROGRESS and action.pk
    services.complaint_update(actor=team, complaint=complaint, status="resolved", public_response="Sudah diperbaiki")
    complaint.refresh_from_db()
    assert complaint.resolved_at is not None and not complaint.is_overdue


def test_public_complaint_has_no_actor_and_web_channel(lapas):
    complaint, code = services.complaint_submit_public(
        unit=lapas, category="petugas", subject="Petugas kasar", description="Di loket 2"
    )
    assert complaint.channel == ComplaintChannel.WEB and complaint.created_by is None
    event = AuditEvent.objects.get(object_type="programme.complaint", object_id=str(complaint.pk))
    assert event.actor_label == "public"


# --- innovations ----------------------------------------------------------------------------------------------


def test_innovation_requires_a_need(team, lapas, tree):
    base = {
        "actor": team,
        "unit": lapas,
        "title": "Aplikasi antrean",
        "beneficiaries": "Pengunjung",
        "started_on": D(2026, 4, 1),
    }
    with pytest.raises(ValidationError) as exc:
        services.innovation_create(**base)
    assert exc.value.code == "need_required"
    assert "kebutuhan" in str(exc.value)
    with pytest.raises(ValidationError, match="rujukan survei"):
        services.innovation_create(survey_finding="Waktu tunggu dinilai buruk", **base)
    complaint, _ = services.complaint_create(
        actor=team, unit=lapas, channel="counter", category="pelayanan", subject="Antrean", description="lama"
    )
    other_team = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    foreign, _ = services.complaint_create(
        actor=other_team, unit=tree["rutan"], channel="counter", category="pelayanan", subject="x", description="y"
    )
    with pytest.raises(ValidationError, match="unit ini"):
        services.innovation_create(complaint=foreign, **base)
    with pytest.raises(ValidationError, match="satuan ukuran"):
        services.innovation_create(complaint=complaint, value_before=120, value_after=30, **base)
    innovation = services.innovation_create(
        complaint=complaint, value_before=120, value_after=30, measure_unit="menit waktu tunggu", **base
    )
    assert "Antrean" in innovation.need_summary
    services.innovation_create(problem_statement="Berkas kunjungan sering hilang", **{**base, "title": "Arsip digital"})
    services.innovation_create(
        survey_finding="IKM unsur waktu 2,8",
        survey_reference="SKM Semester I 2026",
        **{**base, "title": "SMS notifikasi"},
    )
    assert selectors.innovations_for(user=team, unit=lapas).count() == 3


def test_innovations_listed_per_subtree(team, lapas, tree, reviewer, reviewer_kepri):
    services.innovation_create(
        actor=team,
        unit=lapas,
        title="Inovasi Lapas",
        beneficiaries="WBP",
        started_on=D(2026, 2, 1),
        problem_statement="Masalah",
    )
    rutan_team = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    services.innovation_create(
        actor=rutan_team,
        unit=tree["rutan"],
        title="Inovasi Rutan",
        beneficiaries="Pengunjung",
        started_on=D(2026, 2, 1),
        problem_statement="Masalah",
    )
    titles = lambda qs: sorted(i.title for i in qs)  # noqa: E731
    assert titles(selectors.innovations_for(user=reviewer, unit=tree["sumsel"], subtree=True)) == [
        "Inovasi Lapas",
        "Inovasi Rutan",
    ]
    assert titles(selectors.innovations_for(user=reviewer, unit=tree["sumsel"])) == []
    assert titles(selectors.innovations_for(user=team, unit=tree["sumsel"], subtree=True)) == ["Inovasi Lapas"]
    assert titles(selectors.innovations_for(user=reviewer_kepri, unit=tree["sumsel"], subtree=True)) == []


# --- integrity ------------------------------------------------------------------------------------------------


def test_tracking_codes_are_unique_and_unambiguous():
    codes = {tracking.new_code() for _ in range(500)}
    assert len(codes) == 500
    assert not any(ch in code for code in codes for ch in "01OIL")
    assert tracking.normalize_code(" abcd-efgh-jkmn ") == "ABCDEFGHJKMN"
