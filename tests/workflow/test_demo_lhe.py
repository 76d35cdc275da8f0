"""The demo's issued LHE (issue #19): demo-tpi downloads, for a unit the TPI concluded, an LHE its team could sign
as it is — the Itjen letterhead, the number, the signatories with their NIP, IPAK and IPKP with their source, the
notes per area, local times, nothing outside the page — issued by the team leader through the real services.

Reads the shared demo (``demo_db``). ``ZI_LHE_PNG=/some/dir`` also renders page 1 and the signature page to PNG,
to look at them."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pdfplumber
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.pdf_checks import pdf_text, words_outside_page
from zi.core.models import AuditEvent
from zi.demo.workflow import CONTROLLER, LETTERHEADS, LHE_NOTES, LHE_PLACE
from zi.workflow.models import IssuedLhe, Journey, State

pytestmark = pytest.mark.django_db
User = get_user_model()


def test_demo_tpi_downloads_a_signable_lhe_of_each_concluded_demo_unit(demo_db, client):
    tpi = User.objects.get(username="demo-tpi")
    concluded = Journey.objects.filter(
        unit__agency__code="KEMENKUMHAM", assessment__state__in=[State.TPI_MEETS, State.PROPOSED, State.AWARDED]
    )
    assert concluded.count() == 2
    client.force_login(tpi)
    name, subtitle = LETTERHEADS["KEMENKUMHAM"][1:3]
    for journey in concluded.select_related("unit"):
        issued = IssuedLhe.objects.get(journey=journey)  # exactly one, issued by the team leader himself
        assert issued.issued_by == tpi and issued.state == State.TPI_MEETS
        event = AuditEvent.objects.get(action="issue_lhe", object_id=str(issued.pk))
        assert event.actor_label == "demo-tpi" and event.after["sha256"] == issued.sha256

        page = client.get(reverse("workflow:lhe_page", args=[journey.pk]))
        assert page.status_code == 200 and issued.number in page.content.decode()
        response = client.get(reverse("workflow:lhe_download", args=[journey.pk, issued.stage]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        data = response.content
        text = pdf_text(data)
        flat = " ".join(text.split())
        for needle in (
            name.upper() if name.upper() in flat else name,
            subtitle,
            f"Nomor: {issued.number}",
            "LAPORAN HASIL EVALUASI (LHE 1)",
            journey.unit.name,
            "Ketua Tim",
            "Pengendali Teknis",
            tpi.get_full_name(),
            f"NIP {tpi.nip}",
            CONTROLLER[1],
            f"NIP {CONTROLLER[2]}",
            f"{LHE_PLACE}, {issued.date:%d-%m-%Y}",
            "(IPAK)",
            "(IPKP)",
            "Sumber nilai: IPAK",
            "Sumber nilai: IPKP",
            "responden",
            LHE_NOTES[1][1][:40],
            "MEMENUHI nilai minimal",
            "WIB",
        ):
            assert needle in flat, needle
        assert "DRAF" not in flat and "demo-tpi" in flat.split("Riwayat tahapan")[1]  # the TPI's steps are his
        assert "100,00 %" in flat  # the preconditions' percentages in the Indonesian number format, like every figure
        assert not words_outside_page(data)

        target = os.environ.get("ZI_LHE_PNG")
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                for number in (1, len(pdf.pages)):
                    pdf.pages[number - 1].to_image(resolution=100).save(
                        Path(target) / f"lhe-{journey.unit.code}-p{number}.png"
                    )
