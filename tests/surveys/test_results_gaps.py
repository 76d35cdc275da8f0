"""What the results page, the LKE feed and the exports promise, one test per promise: per-element and per-group
(respondent group, service type) breakdowns, trends per quarter with a chart, minimum-sample indication, an external
IPAK/IPKP value that replaces the unit's own survey in the LKE (with its source), and raw exports for analysts."""

from __future__ import annotations

import datetime as dt
import io
from types import SimpleNamespace

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.surveys import services
from zi.surveys.models import ExternalIndex

pytestmark = pytest.mark.django_db


def _submit(campaign, value, n, group="pengguna_layanan", service_type="", now=None, tag="", reason_flags=None):
    items = services.campaign_items(campaign)
    out = []
    for i in range(n):
        sub = services.Submission(
            group=group,
            service_type=service_type,
            answers={item.pk: (value if item.scale == "likert4" else 0) for item in items},
            form_nonce=f"{tag}{group[:4]}{len(service_type)}{value}-{i}",  # ≤ 32 characters (the column)
            device_hash=f"d{tag}{group}{service_type}{value}-{i}",
            flags=reason_flags or {},
        )
        out.append(services.response_submit(campaign, sub, now=now).response)
    return out


def _page(client, campaign, user):
    client.force_login(user)
    return client.get(reverse("surveys:campaign_detail", args=[campaign.pk])).content.decode()


def test_breakdowns_per_element_group_and_service_type(client, make_campaign, tree):
    campaign = make_campaign(kinds=("skm",), service_types=["Kunjungan", "Titipan barang"])
    _submit(campaign, 4, 4, service_type="Kunjungan")
    _submit(campaign, 2, 2, service_type="Titipan barang", group="pengunjung")
    results = services.campaign_results(campaign)
    # per element: NRR of U1 = (4×4 + 2×2)/6 = 3.333
    assert str(results.overall[0].items[0]["mean"]) == "3.333"
    assert set(results.by_group) == {"pengguna_layanan", "pengunjung"}
    assert (
        results.by_service_type["Kunjungan"][0].ikm.ikm == 100
        and results.by_service_type["Kunjungan"][0].ikm.grade == "A"
    )
    assert (
        results.by_service_type["Titipan barang"][0].ikm.ikm == 50
        and results.by_service_type["Titipan barang"][0].ikm.grade == "D"
    )
    html = _page(client, campaign, factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"]))
    assert 'id="per-layanan"' in html and "Titipan barang" in html and "Pengunjung" in html
    assert "<td>U1</td>" in html


def test_trend_per_quarter_table_and_svg_chart(client, make_campaign, tree):
    now = timezone.now()
    campaign = make_campaign(kinds=("ipkp",), opens_at=now - dt.timedelta(days=200))
    earlier = now - dt.timedelta(days=120)
    _submit(campaign, 2, 3, now=earlier, tag="q1")
    _submit(campaign, 4, 3, tag="q2")
    results = services.campaign_results(campaign)
    quarters = list(results.by_quarter)
    assert len(quarters) == 2 and quarters[0] == services.quarter_of(earlier)
    assert [results.by_quarter[q][0].index.value for q in quarters] == [2, 4]
    html = _page(client, campaign, factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"]))
    trend = html.split("Tren per triwulan")[1]
    assert 'class="trend"' in trend and trend.count("<rect") == 2 and ">2.00<" in trend and ">4.00<" in trend
    assert "cdn" not in html.lower() and "<script" not in html.split("<main")[1].split("</main>")[0]


def test_minimum_sample_indication(make_campaign):
    small = make_campaign(kinds=("ipak",))
    _submit(small, 4, 29)
    index = services.campaign_results(small).overall[0].index
    assert index.required == 30 and not index.sample_ok
    _submit(small, 4, 1, tag="more")
    assert services.campaign_results(small).overall[0].index.sample_ok
    skm = make_campaign(kinds=("skm",), population_size=1000)  # Krejcie–Morgan: 278
    _submit(skm, 3, 30, tag="skm")
    index = services.campaign_results(skm).overall[0].index
    assert index.required == 278 and not index.sample_ok


def test_external_value_replaces_the_own_survey_in_the_lke_with_its_source(client, make_campaign, tree, period):
    from zi.assessments.suggestions import suggestions_for

    campaign = make_campaign(kinds=("ipak",), title="IPAK Lapas 2026")
    _submit(campaign, 3, 30)
    period.refresh_from_db()  # dates as dates (the fixture passes strings)
    assessment = SimpleNamespace(unit=tree["lapas"], period=period)
    assert suggestions_for(assessment)["B.I.a"].inputs == {"ipak": 3.0}
    url = reverse("surveys:external_index", args=[tree["lapas"].pk, period.pk])
    team = factories.make_user_with_role(Role.UNIT_TEAM_LEADER, unit=tree["lapas"])
    client.force_login(team)
    assert client.get(url).status_code == 403  # the unit cannot replace its own result
    tpi = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=tree["lapas"].agency)
    client.force_login(tpi)
    assert "IPAK Lapas 2026" in client.get(url).content.decode()
    refused = client.post(url, {"kind": "ipak", "value": "4.5", "source": "Survei BPS 2026"})
    assert refused.status_code == 200 and not ExternalIndex.objects.exists()
    response = client.post(url, {"kind": "ipak", "value": "3.41", "source": "Survei BPS 2026", "respondents": "120"})
    assert response.status_code == 302
    suggestion = suggestions_for(assessment)["B.I.a"]
    assert suggestion.inputs == {"ipak": 3.41} and "Survei BPS 2026" in suggestion.source
    assert "3,00" in suggestion.warning and "IPAK Lapas 2026" in suggestion.warning  # the own survey beside it
    assert "B.II.a" not in suggestions_for(assessment)  # IPKP: neither a campaign nor an external value
    event = AuditEvent.objects.get(object_type="surveys.externalindex", action="create")
    assert event.after["source"] == "Survei BPS 2026" and event.scope_path == tree["lapas"].path
    assert "Survei BPS 2026" in client.get(url).content.decode()
    client.post(url, {"remove": "ipak"})
    assert suggestions_for(assessment)["B.I.a"].inputs == {"ipak": 3.0}
    assert AuditEvent.objects.filter(object_type="surveys.externalindex", action="delete").exists()
    other = factories.make_user_with_role(Role.TPI_EVALUATOR, unit=tree["kepri"])
    client.force_login(other)
    assert client.get(url).status_code == 404  # out of scope


def test_raw_export_escapes_formulas_shows_flags_and_exclusions_and_is_scoped(client, make_campaign, tree):
    campaign = make_campaign(kinds=("skm",), service_types=['=HYPERLINK("http://x")', "Kunjungan"])
    _submit(campaign, 3, 2, service_type='=HYPERLINK("http://x")')
    flagged = _submit(campaign, 1, 1, service_type="Kunjungan", tag="f", reason_flags={"ip_burst": 7})[0]
    services.response_exclude(actor=None, response=flagged, reason="@SUM(A1:A9) lonjakan")
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    client.force_login(member)
    text = b"".join(client.get(reverse("surveys:export_csv", args=[campaign.pk])).streaming_content).decode()
    header, *rows = text.strip().splitlines()
    assert "ditandai" in header and "tanda" in header and "dikecualikan" in header and "alasan" in header
    assert all("'=HYPERLINK" in row for row in rows[:2]) and ",=HYPERLINK" not in text
    assert "ip_burst" in rows[2] and ",1,ip_burst,1,'@SUM(A1:A9) lonjakan," in rows[2]
    workbook = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(reverse("surveys:export_xlsx", args=[campaign.pk])).streaming_content))
    )
    cells = [cell.value for row in workbook["Respons"].iter_rows() for cell in row]
    assert '\'=HYPERLINK("http://x")' in cells and not any(isinstance(c, str) and c.startswith("=") for c in cells)
    outsider = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    client.force_login(outsider)
    assert client.get(reverse("surveys:export_xlsx", args=[campaign.pk])).status_code == 404
