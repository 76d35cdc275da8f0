"""Innovations answering a survey finding read from the surveys app (a campaign + a low-scoring element)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zi.organisations.models import Role
from zi.programme import selectors, services
from zi.programme.models import Innovation
from zi.surveys import services as survey_services
from zi.surveys.models import Instrument, ItemRollup

D = dt.date


def make_campaign(unit, period, title="SKM Semester I 2026"):
    survey_services.instruments_load_all()
    now = timezone.now()
    return survey_services.campaign_create(
        actor=None,
        unit=unit,
        period=period,
        instruments=[Instrument.objects.get(kind="skm")],
        title=title,
        opens_at=now - dt.timedelta(days=30),
        closes_at=now + dt.timedelta(days=30),
        respondent_groups=["pengguna_layanan"],
    )


def scored(campaign, means_by_code):
    """Survey results as the surveys app keeps them: per item, n answers summing to n × mean (two quarters)."""
    items = {item.code: item for item in campaign.instruments.get().items.all()}
    for code, (n, total) in means_by_code.items():
        for quarter, share, part in ((20261, n // 2, total // 2), (20262, n - n // 2, total - total // 2)):
            ItemRollup.objects.create(
                campaign=campaign, item=items[code], group="pengguna_layanan", quarter=quarter, n=share, s=part, ss=0
            )
    return items


@pytest.fixture
def survey(lapas, period):
    campaign = make_campaign(lapas, period)
    items = scored(campaign, {"U3": (100, 245), "U7": (100, 362), "U1": (50, 160)})
    return campaign, items


def test_findings_lowest_first_with_means(lapas, survey, django_assert_num_queries):
    campaign, items = survey
    with django_assert_num_queries(1):  # one aggregate over the rollups, however many answers
        findings = selectors.survey_findings_for(lapas)
    assert [(f["code"], f["mean"], f["low"]) for f in findings] == [
        ("U3", 2.45, True),
        ("U1", 3.2, False),
        ("U7", 3.62, False),
    ]
    assert findings[0]["campaign"] == campaign.pk and findings[0]["aspect"] == "Waktu penyelesaian"
    assert findings[0]["n"] == 100


def test_innovation_links_a_low_scoring_element_and_shows_it(client, team, head, lapas, survey):
    campaign, items = survey
    client.force_login(team)
    url = reverse("programme:innovation_create", args=[lapas.pk])
    form = client.get(url).content.decode()
    assert f'value="{campaign.pk}:{items["U3"].pk}"' in form and "U3 Waktu penyelesaian — 2.45" in form
    response = client.post(
        url,
        {
            "title": "Notifikasi status layanan",
            "beneficiaries": "Keluarga WBP",
            "started_on": "2026-05-01",
            "survey_link": f"{campaign.pk}:{items['U3'].pk}",
        },
    )
    assert response.status_code == 302
    innovation = Innovation.objects.get()
    assert (innovation.survey_campaign_id, innovation.survey_item_id) == (campaign.pk, items["U3"].pk)
    assert innovation.survey_reference == "SKM Semester I 2026, U3 Waktu penyelesaian"
    # the finding is written out as well, so text readers (reports, early-warning rules) see the need
    assert innovation.survey_finding.startswith(
        "Unsur U3 Waktu penyelesaian pada SKM Semester I 2026: rata-rata 2.45 dari skala 1–4 (100 jawaban)."
    )
    assert "U3 Waktu penyelesaian" in innovation.need_summary

    for user in (team, head):
        client.force_login(user)
        html = client.get(innovation.get_absolute_url()).content.decode()
        assert 'id="temuan-survei"' in html and "SKM Semester I 2026" in html
        assert "U3 Waktu penyelesaian" in html and "rata-rata 2.45" in html.replace("2,45", "2.45")
        assert "bernilai rendah" in html

    client.force_login(team)
    edit = reverse("programme:innovation_edit", args=[innovation.pk])
    assert f'value="{campaign.pk}:{items["U3"].pk}" selected' in client.get(edit).content.decode()


def test_survey_link_must_be_the_units_own_result(client, team, lapas, period, survey, tree):
    campaign, items = survey
    base = {"actor": team, "unit": lapas, "title": "x", "beneficiaries": "y", "started_on": D(2026, 5, 1)}
    rutan_campaign = make_campaign(tree["rutan"], period, title="SKM Rutan")
    with pytest.raises(ValidationError, match="milik unit ini"):
        services.innovation_create(survey_campaign=rutan_campaign, survey_item=items["U3"], **base)
    survey_services.instruments_load_all()
    ipak_item = Instrument.objects.get(kind="ipak").items.first()
    with pytest.raises(ValidationError, match="tidak ada pada kampanye"):
        services.innovation_create(survey_campaign=campaign, survey_item=ipak_item, **base)
    with pytest.raises(ValidationError, match="kampanye survei dan unsur"):
        services.innovation_create(survey_campaign=campaign, **base)
    innovation = services.innovation_create(survey_campaign=campaign, survey_item=items["U7"], **base)
    assert selectors.survey_finding_of(innovation)["mean"] == 3.62
    # another unit's form never offers this unit's findings
    rutan_team = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    client.force_login(rutan_team)
    form = client.get(reverse("programme:innovation_create", args=[tree["rutan"].pk])).content.decode()
    assert "SKM Semester I 2026" not in form and f'value="{campaign.pk}:' not in form
