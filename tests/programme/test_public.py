"""The public side: the complaint form without login, tracking (a complaint's or a whistle-blowing report's
code), brute-force protection. The whistle-blowing form itself: tests/integrity/test_pages.py."""

from __future__ import annotations

from django.urls import reverse

from tests.programme.conftest import code_in
from zi.programme import services
from zi.programme.models import Complaint

CONTACT = "rahasia.pelapor@example.com"


def submit_complaint(client, unit, **extra):
    data = {"category": "pelayanan", "subject": "Antrean panjang", "description": "Dua jam menunggu", **extra}
    return client.post(reverse("programme:complaint_public", args=[unit.pk]), data, follow=True)


def test_public_complaint_and_tracking(client, lapas, team):
    page = client.get(reverse("programme:complaint_public", args=[lapas.pk]))
    assert page.status_code == 200 and "<script" not in page.content.decode().split("<main")[1]
    response = submit_complaint(client, lapas, complainant_contact="0812")
    code = code_in(response)
    complaint = Complaint.objects.get()
    assert complaint.channel == "web" and complaint.unit == lapas
    assert code.replace("-", "") not in str(Complaint.objects.values().get())
    # the code is shown once
    assert "<code>" not in client.get(reverse("programme:public_sent")).content.decode()
    services.complaint_update(actor=team, complaint=complaint, status="resolved", public_response="Loket ditambah")
    result = client.post(reverse("programme:track"), {"code": code.lower()})
    html = result.content.decode()
    assert "Selesai ditindaklanjuti" in html and "Loket ditambah" in html
    assert "0812" not in html


def test_honeypot_pretends_success_and_stores_nothing(client, lapas):
    response = submit_complaint(client, lapas, website="http://spam.example")
    assert response.status_code == 200 and "Terima kasih" in response.content.decode()
    assert "<code>" not in response.content.decode()
    assert not Complaint.objects.exists()


def test_submissions_rate_limited(client, lapas, settings):
    settings.ZI_PROGRAMME_RATE_LIMITS = {"submit": (3, 3600)}
    for _ in range(3):
        submit_complaint(client, lapas)
    response = submit_complaint(client, lapas)
    assert response.status_code == 429 and "Terlalu banyak" in response.content.decode()
    assert Complaint.objects.count() == 3
    other_address = client.post(
        reverse("programme:complaint_public", args=[lapas.pk]),
        {"category": "pelayanan", "subject": "s", "description": "d"},
        REMOTE_ADDR="10.9.8.7",
    )
    assert other_address.status_code == 302


def test_tracking_is_generic_and_rate_limited(client, lapas, settings):
    settings.ZI_PROGRAMME_RATE_LIMITS = {"track": (5, 900)}
    submit_complaint(client, lapas)
    url = reverse("programme:track")
    answers = set()
    for guess in ("ABCD-EFGH-JKMN", "0000", "' OR 1=1 --", "ZZZZ-ZZZZ-ZZZZ", ""):
        response = client.post(url, {"code": guess})
        assert response.status_code == 200
        html = response.content.decode()
        answers.add("Kode tidak ditemukan" in html)
        assert guess not in html or guess == ""
    assert answers == {True}
    response = client.post(url, {"code": "ABCD-EFGH-JKMP"})
    assert response.status_code == 429 and "Terlalu banyak percobaan" in response.content.decode()
    assert "Kode tidak ditemukan" not in response.content.decode()


def test_unknown_or_inactive_unit_404(client, lapas):
    assert client.get(reverse("programme:complaint_public", args=[999999])).status_code == 404
    lapas.is_active = False
    lapas.save()
    assert client.get(reverse("integrity:whistle_public", args=[lapas.pk])).status_code == 404
