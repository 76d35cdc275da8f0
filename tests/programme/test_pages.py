"""The pages: scoping in and out of the subtree, forms that work without JS, escaping, uploads."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zi.organisations.models import Role
from zi.programme import services
from zi.programme.models import Activity, ActivityPhoto, Complaint, Innovation

PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
    b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7\x35\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)
XSS = '<script>alert("x")</script>'


def overview(unit):
    return reverse("programme:unit_overview", args=[unit.pk]) + "?periode=2026"


@pytest.fixture
def records(team, lapas, period, staff):
    plan = services.workplan_create(actor=team, unit=lapas, period=period)
    services.plan_item_create(
        actor=team,
        work_plan=plan,
        area_key=6,
        title="Perbaiki ruang tunggu",
        owner=staff[0],
        due_on=dt.date(2026, 6, 1),
    )
    services.activity_create(
        actor=team,
        unit=lapas,
        period=period,
        kind="banner",
        title="Pemasangan banner ZI",
        held_on=dt.date(2026, 1, 5),
        attendees=staff[:3],
    )
    old, _ = services.complaint_create(
        actor=team,
        unit=lapas,
        channel="counter",
        category="pelayanan",
        subject="Antrean kunjungan lama",
        description="x",
        received_at=timezone.now() - dt.timedelta(days=30),
    )
    services.innovation_create(
        actor=team,
        unit=lapas,
        title="Antrean daring",
        beneficiaries="Pengunjung",
        started_on=dt.date(2026, 3, 1),
        complaint=old,
    )
    return {"plan": plan, "complaint": old}


def test_overview_for_team_and_readers_in_subtree(client, team, head, reviewer, lapas, records):
    for user in (team, head, reviewer):
        client.force_login(user)
        page = client.get(overview(lapas))
        assert page.status_code == 200
        html = page.content.decode()
        assert "Perbaiki ruang tunggu" in html and "Pemasangan banner ZI" in html
        assert "Lewat batas waktu" in html  # overdue complaint highlighted
        assert "Antrean daring" in html and "Antrean kunjungan lama" in html
        assert "Jumlah Agen Perubahan" in html and "jumlah_agen_perubahan" not in html  # the LKE input by its label
        can_add = reverse("programme:activity_create", args=[lapas.pk]) in html
        assert can_add == (user == team)


def test_overview_out_of_subtree_is_404(client, reviewer_kepri, lapas, records, tree):
    client.force_login(reviewer_kepri)
    assert client.get(overview(lapas)).status_code == 404
    complaint = records["complaint"]
    assert client.get(reverse("programme:complaint_detail", args=[complaint.pk])).status_code == 404
    innovation = Innovation.objects.get()
    assert client.get(reverse("programme:innovation_detail", args=[innovation.pk])).status_code == 404
    other_team = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    client.force_login(other_team)
    assert client.get(overview(lapas)).status_code == 404
    assert client.get(reverse("programme:activity_create", args=[lapas.pk]) + "?periode=2026").status_code == 404


def test_readers_cannot_write(client, reviewer, head, lapas, records):
    for user in (reviewer, head):
        client.force_login(user)
        assert client.get(reverse("programme:activity_create", args=[lapas.pk])).status_code == 403
        response = client.post(
            reverse("programme:complaint_detail", args=[records["complaint"].pk]),
            {"status": "resolved", "public_response": "ok"},
        )
        assert response.status_code == 403
    assert Complaint.objects.get().status == "received"


def test_complaint_contact_only_for_unit_team(client, team, reviewer, lapas):
    complaint, _ = services.complaint_create(
        actor=team,
        unit=lapas,
        channel="phone",
        category="petugas",
        subject="Petugas",
        description="x",
        complainant_name="Budi",
        complainant_contact="0812-555-0101",
    )
    client.force_login(team)
    assert b"0812-555-0101" in client.get(complaint.get_absolute_url()).content
    client.force_login(reviewer)
    assert b"0812-555-0101" not in client.get(complaint.get_absolute_url()).content


def test_activity_form_without_js_refuses_outsider(client, team, lapas, period, staff, outsider):
    client.force_login(team)
    url = reverse("programme:activity_create", args=[lapas.pk]) + "?periode=2026"
    page = client.get(url)
    assert staff[0].full_name in page.content.decode() and outsider.full_name not in page.content.decode()
    data = {
        "kind": "sosialisasi",
        "title": "Sosialisasi",
        "held_on": "2026-02-10",
        "attendees": [staff[0].pk, outsider.pk],
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Bukan pegawai unit ini: Pegawai Rutan Luar" in response.content.decode()
    assert not Activity.objects.exists()
    response = client.post(url, {**data, "held_on": "2027-02-10", "attendees": [staff[0].pk]})
    assert "di dalam periode" in response.content.decode()
    response = client.post(url, {**data, "attendees": [staff[0].pk, staff[1].pk]})
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"] == activity.get_absolute_url()
    assert activity.attendance.count() == 2


def test_script_injection_is_escaped(client, team, lapas, period, staff):
    activity = services.activity_create(
        actor=team,
        unit=lapas,
        period=period,
        kind="other",
        title=XSS,
        held_on=dt.date(2026, 2, 1),
        minutes=XSS,
        description=XSS,
    )
    complaint, _ = services.complaint_submit_public(unit=lapas, category="lainnya", subject=XSS, description=XSS)
    client.force_login(team)
    for url in (activity.get_absolute_url(), complaint.get_absolute_url(), overview(lapas)):
        html = client.get(url).content.decode()
        assert XSS not in html
        assert "&lt;script&gt;" in html


def test_photo_upload_checks_content_and_size(client, team, lapas, period, settings):
    activity = services.activity_create(
        actor=team, unit=lapas, period=period, kind="banner", title="Banner", held_on=dt.date(2026, 2, 1)
    )
    client.force_login(team)
    url = reverse("programme:activity_photo_add", args=[activity.pk])
    fake = SimpleUploadedFile("foto.png", b"<html><script>alert(1)</script></html>", content_type="image/png")
    response = client.post(url, {"photo": fake}, follow=True)
    assert "Foto harus berupa gambar" in response.content.decode()
    settings.ZI_EVIDENCE_MAX_BYTES = 50
    big = SimpleUploadedFile("besar.png", PNG_1PX + b"\x00" * 100, content_type="image/png")
    response = client.post(url, {"photo": big}, follow=True)
    assert "terlalu besar" in response.content.decode()
    settings.ZI_EVIDENCE_MAX_BYTES = 1024 * 1024
    good = SimpleUploadedFile("kegiatan.jpg", PNG_1PX, content_type="image/jpeg")
    client.post(url, {"photo": good, "caption": "Banner di lobi"})
    photo = ActivityPhoto.objects.get()
    assert photo.content_type == "image/png" and photo.file.name.endswith(".png")
    response = client.get(reverse("programme:activity_photo", args=[photo.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == PNG_1PX
    outsider = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=factories.make_unit(name="Lain"))
    client.force_login(outsider)
    assert client.get(reverse("programme:activity_photo", args=[photo.pk])).status_code == 404


def test_innovation_form_explains_need(client, team, lapas):
    client.force_login(team)
    url = reverse("programme:innovation_create", args=[lapas.pk])
    page = client.get(url).content.decode()
    assert "tidak berdampak" in page  # the form says why a need is required
    response = client.post(url, {"title": "Aplikasi", "beneficiaries": "Publik", "started_on": "2026-03-01"})
    assert response.status_code == 200 and "kebutuhan yang terdokumentasi" in response.content.decode()
    assert not Innovation.objects.exists()
    response = client.post(
        url,
        {"title": "Aplikasi", "beneficiaries": "Publik", "started_on": "2026-03-01", "problem_statement": "Antrean"},
    )
    assert response.status_code == 302


def test_staff_entered_complaint_shows_code_once(client, team, lapas):
    client.force_login(team)
    response = client.post(
        reverse("programme:complaint_create", args=[lapas.pk]),
        {
            "channel": "lapor",
            "channel_reference": "LAPOR-2026-0042",
            "category": "pelayanan",
            "subject": "Lambat",
            "description": "Berkas lambat",
        },
        follow=True,
    )
    html = response.content.decode()
    assert "Kode lacak untuk pengadu" in html
    assert "Kode lacak untuk pengadu" not in client.get(Complaint.objects.get().get_absolute_url()).content.decode()


def test_plan_agents_changes_and_complaint_handling_through_pages(client, team, lapas, period, staff):
    client.force_login(team)
    response = client.post(reverse("programme:workplan_create", args=[lapas.pk]) + "?periode=2026", {"title": ""})
    assert response.status_code == 302
    plan = lapas.work_plans.get()
    url = reverse("programme:plan_item_create", args=[plan.pk])
    data = {
        "area_key": 5,
        "kind": "activity",
        "title": "Kampanye anti pungli",
        "owner": staff[0].pk,
        "due_on": "2026-04-30",
        "status": "planned",
        "progress": 0,
        "lke_codes": "A.I.5.i.a",
    }
    assert client.post(url, data).status_code == 302
    item = plan.items.get()
    response = client.post(reverse("programme:plan_item_edit", args=[item.pk]), {**data, "status": "done"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.progress == 100

    response = client.post(
        reverse("programme:agent_create", args=[lapas.pk]) + "?periode=2026",
        {"person": staff[1].pk, "appointed_on": "2026-01-15", "decree_ref": "W6-123"},
    )
    assert response.status_code == 302
    agent = lapas.change_agents.get()
    response = client.post(
        reverse("programme:change_create", args=[agent.pk]),
        {"title": "Loket lansia", "made_on": "2026-02-01", "integrated": "on", "integration_how": ""},
    )
    assert "diintegrasikan" in response.content.decode()
    client.post(
        reverse("programme:change_create", args=[agent.pk]),
        {"title": "Loket lansia", "made_on": "2026-02-01", "integrated": "on", "integration_how": "SOP 3/2026"},
    )
    html = client.get(overview(lapas)).content.decode()
    assert "Loket lansia" in html and "terintegrasi" in html

    complaint, _ = services.complaint_create(
        actor=team, unit=lapas, channel="counter", category="pelayanan", subject="Antrean", description="lama"
    )
    detail = reverse("programme:complaint_detail", args=[complaint.pk])
    client.post(detail, {"done_on": timezone.localdate().isoformat(), "description": "Menambah petugas loket"})
    complaint.refresh_from_db()
    assert complaint.status == "in_progress"
    response = client.post(detail, {"status": "resolved", "handling_notes": "", "public_response": ""})
    assert "tanggapan" in response.content.decode()
    client.post(detail, {"status": "resolved", "handling_notes": "ok", "public_response": "Loket ditambah"})
    complaint.refresh_from_db()
    assert complaint.status == "resolved"

    fragment = client.get(overview(lapas) + "&fragment=complaints&status=resolved", HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith("<tbody") and "Antrean" in fragment.content.decode()
    fragment = client.get(overview(lapas) + "&fragment=complaints&status=open", HTTP_HX_REQUEST="true")
    assert "Antrean" not in fragment.content.decode()
