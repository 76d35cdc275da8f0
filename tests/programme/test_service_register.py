"""The register of services and LKE A.II.6.i.b (services simplified ÷ services registered) from the records."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests import factories
from zi.assessments.suggestions import suggestions_for
from zi.core.models import AuditEvent
from zi.lke.formulas import evaluate
from zi.lke.services import template_spec
from zi.organisations.models import Role
from zi.programme import selectors, services
from zi.programme.models import PublicService, Simplification

D = dt.date
CODE = "A.II.6.i.b"


def innovate(team, unit, title, started_on, chosen, ways=(Simplification.FASTER,)):
    return services.innovation_create(
        actor=team,
        unit=unit,
        title=title,
        beneficiaries="Keluarga WBP",
        started_on=started_on,
        problem_statement="Antrean panjang",
        services=chosen,
        simplifications=ways,
    )


@pytest.fixture
def register(team, lapas):
    names = ["Kunjungan tatap muka", "Kunjungan video call", "Penitipan barang", "Informasi dan pengaduan"]
    found = {name: services.service_create(actor=team, unit=lapas, name=name) for name in names}
    found["Remisi manual"] = services.service_create(actor=team, unit=lapas, name="Remisi manual", is_active=False)
    return found


def test_a_ii_6_i_b_counts_registered_and_simplified_services(team, lapas, period, register, assessment):
    s = register
    innovate(team, lapas, "e-Kunjungan", D(2026, 3, 1), [s["Kunjungan tatap muka"], s["Kunjungan video call"]])
    # the same service simplified twice still counts once
    innovate(team, lapas, "Antrean SMS", D(2026, 4, 1), [s["Kunjungan tatap muka"]], [Simplification.APPLICATION])
    # started after the period: not (yet) a simplification of this period
    innovate(team, lapas, "Titip daring", D(2027, 2, 1), [s["Penitipan barang"]])
    # a service no longer provided is neither registered nor simplified
    innovate(team, lapas, "Remisi daring", D(2026, 5, 1), [s["Remisi manual"]], [Simplification.SHORTER])

    item = selectors.lke_inputs_for(lapas, period)[CODE]
    assert item["inputs"] == {"jumlah_layanan_terdaftar": 4, "jumlah_layanan_dipermudah": 2}
    assert lapas.name in item["source"] and "4 layanan terdaftar" in item["source"]
    question = template_spec(period.template).questions[CODE]
    assert {i.key for i in question.inputs} == set(item["inputs"])
    assert evaluate(question.formula, item["inputs"], code=CODE) == 0.5

    suggestion = suggestions_for(assessment)[CODE]  # what the worksheet offers
    assert suggestion.inputs == item["inputs"]
    assert ("in_jumlah_layanan_dipermudah", 2) in suggestion.post_fields


def test_other_units_records_do_not_count(team, lapas, period, register, tree):
    rutan_team = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    other = services.service_create(actor=rutan_team, unit=tree["rutan"], name="Kunjungan tatap muka")
    innovate(rutan_team, tree["rutan"], "e-Kunjungan Rutan", D(2026, 3, 1), [other])
    assert selectors.lke_inputs_for(lapas, period)[CODE]["inputs"] == {
        "jumlah_layanan_terdaftar": 4,
        "jumlah_layanan_dipermudah": 0,
    }
    with pytest.raises(ValidationError, match="terdaftar pada unit ini"):
        innovate(team, lapas, "Curang", D(2026, 3, 1), [other])


def test_simplification_needs_services_and_ways(team, lapas, register):
    service = register["Kunjungan tatap muka"]
    with pytest.raises(ValidationError, match="bagaimana layanan dipermudah"):
        innovate(team, lapas, "Tanpa cara", D(2026, 3, 1), [service], ways=[])
    with pytest.raises(ValidationError, match="Pilih layanan"):
        innovate(team, lapas, "Tanpa layanan", D(2026, 3, 1), [], ways=[Simplification.FASTER])
    with pytest.raises(ValidationError, match="Cara mempermudah"):
        innovate(team, lapas, "Cara aneh", D(2026, 3, 1), [service], ways=["ajaib"])
    innovation = innovate(
        team, lapas, "Lengkap", D(2026, 3, 1), [service], ways=[Simplification.APPLICATION, Simplification.FASTER]
    )
    assert innovation.simplifications == ["faster", "application"]  # in the LKE's order
    event = AuditEvent.objects.get(object_type="programme.innovation", object_id=str(innovation.pk))
    assert event.after["services"] == [service.pk] and event.after["simplifications"] == ["faster", "application"]
    services.innovation_update(actor=team, innovation=innovation, services=[], simplifications=[])
    assert not innovation.services.exists()


def test_service_register_pages(client, team, head, lapas, period, register):
    with pytest.raises(ValidationError, match="sudah terdaftar"):
        services.service_create(actor=team, unit=lapas, name="kunjungan TATAP muka")
    with pytest.raises(PermissionDenied):
        services.service_create(actor=head, unit=lapas, name="Layanan baru")
    url = reverse("programme:service_list", args=[lapas.pk])
    client.force_login(head)
    page = client.get(url).content.decode()
    assert "Kunjungan video call" in page and 'name="name"' not in page
    assert client.post(url, {"name": "Baru"}).status_code == 403
    client.force_login(team)
    assert client.post(url, {"name": "Layanan kesehatan WBP", "is_active": "on"}).status_code == 302
    service = PublicService.objects.get(name="Layanan kesehatan WBP")
    edit = reverse("programme:service_edit", args=[service.pk])
    assert client.post(edit, {"name": "Layanan kesehatan", "standard_reference": "SK 1/2026"}).status_code == 302
    service.refresh_from_db()
    assert service.name == "Layanan kesehatan" and not service.is_active  # unticked: no longer provided
    innovate(team, lapas, "e-Kunjungan", D(2026, 3, 1), [register["Kunjungan tatap muka"]])
    page = client.get(url).content.decode()
    assert "1 dari 4 layanan terdaftar telah dipermudah" in page

    url = reverse("programme:innovation_create", args=[lapas.pk])
    page = client.get(url).content.decode()
    assert "Kunjungan video call" in page and "Remisi manual" not in page  # active services only
    response = client.post(
        url,
        {
            "title": "Video call terjadwal",
            "beneficiaries": "Keluarga WBP",
            "started_on": "2026-06-01",
            "problem_statement": "Sering terputus",
            "services": [register["Kunjungan video call"].pk],
            "simplifications": ["application"],
        },
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Kunjungan video call" in detail and "Terintegrasi dengan aplikasi" in detail
    assert selectors.lke_inputs_for(lapas, period)[CODE]["inputs"]["jumlah_layanan_dipermudah"] == 2
