"""Staff pages (scoped), exclusion by evaluators (audited, never deleted), exports, poster, LKE feed, loader."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

from tests import factories
from tests.pdf_checks import page_count, pdf_text
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.surveys import services
from zi.surveys.models import Instrument, InstrumentItem, Response

pytestmark = pytest.mark.django_db


def _submit(campaign, value=4, group="pengguna_layanan", n=1, **kw):
    items = services.campaign_items(campaign)
    out = []
    for i in range(n):
        answers = {item.pk: (value if item.scale == "likert4" else 0) for item in items}
        sub = services.Submission(
            group=group,
            answers=answers,
            form_nonce=f"{group}-{value}-{i}-{kw.get('tag', '')}",
            device_hash=f"dev-{group}-{value}-{i}-{kw.get('tag', '')}",
            flags=kw.get("flags", {}),
        )
        out.append(services.response_submit(campaign, sub).response)
    return out


def test_campaign_list_is_scoped(client, make_campaign, tree):
    mine = make_campaign(title="Survei Lapas")
    other = make_campaign(title="Survei Rutan", unit=tree["rutan"])
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    client.force_login(member)
    page = client.get(reverse("surveys:campaign_list")).content.decode()
    assert mine.title in page and other.title not in page
    assert client.get(reverse("surveys:campaign_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("surveys:campaign_detail", args=[mine.pk])).status_code == 200


def test_campaign_create_only_for_own_unit(client, tree, period, instruments):
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    client.force_login(member)
    data = {
        "unit": tree["lapas"].pk,
        "period": period.pk,
        "title": "SKM Triwulan I",
        "instruments": [instruments["skm"].pk, instruments["ipak"].pk],
        "opens_at": "2026-01-01T08:00",
        "closes_at": "2026-12-31T17:00",
        "respondent_groups": ["pengguna_layanan", "wbp"],
        "service_types": "Kunjungan\nTitipan barang",
        "population_size": "1000",
        "unit_networks": "10.0.0.0/8",
    }
    response = client.post(reverse("surveys:campaign_create"), data)
    assert response.status_code == 302
    campaign = tree["lapas"].survey_campaigns.get()
    assert campaign.service_types == ["Kunjungan", "Titipan barang"] and campaign.population_size == 1000
    assert AuditEvent.objects.filter(object_type="surveys.campaign", action="create").exists()
    bad = client.post(reverse("surveys:campaign_create"), {**data, "unit": tree["rutan"].pk})
    assert bad.status_code == 200 and not tree["rutan"].survey_campaigns.exists()  # not a valid choice
    bad = client.post(reverse("surveys:campaign_create"), {**data, "unit_networks": "10.0.0.300/8"})
    assert "CIDR tidak valid" in bad.content.decode()
    reviewer = factories.make_user_with_role(Role.REVIEWER, unit=tree["sumsel"])
    client.force_login(reviewer)
    assert client.get(reverse("surveys:campaign_create")).status_code == 403


def test_results_page_shows_ikm_grade_ci_groups_quarters_and_svg(client, make_campaign, tree):
    campaign = make_campaign(kinds=("skm", "ipak"), population_size=100)
    _submit(campaign, value=4, n=20)
    _submit(campaign, value=3, n=15, group="wbp")
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    client.force_login(member)
    html = client.get(reverse("surveys:campaign_detail", args=[campaign.pk])).content.decode()
    # SKM: NRR per element = (20×4 + 15×3)/35 = 125/35 = 3.571 → IKM = 89.29 (A)
    assert "IKM 89,29" in html and "Sangat baik" in html
    assert "<svg" in html and 'width="267.8"' in html and "<script" not in html.split("</main>")[0].split("<main")[1]
    assert "dari minimal 80" in html and "sampel belum cukup" in html  # Krejcie–Morgan for N=100
    assert "Selang kepercayaan 95" in html and "Warga binaan (WBP)" in html and "Tren per triwulan" in html
    assert "(wbp)" not in html and "Triwulan " in html  # the group and quarter by name, not by stored value


def test_exclusion_by_tpi_is_audited_and_changes_the_index(client, make_campaign, tree):
    campaign = make_campaign(kinds=("ipkp",))
    good = _submit(campaign, value=4, n=3)
    bad = _submit(campaign, value=1, n=1, flags={"ip_burst": 9}, tag="x")[0]
    assert services.survey_index_for(tree["lapas"], campaign.period, "ipkp").value == 3.25
    member = factories.make_user_with_role(Role.UNIT_TEAM_LEADER, unit=tree["lapas"])
    client.force_login(member)
    url = reverse("surveys:response_exclude", args=[campaign.pk, bad.pk])
    assert client.post(url, {"reason": "Tidak suka hasilnya"}).status_code == 403  # unit cannot drop answers
    tpi = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=tree["lapas"].agency)
    client.force_login(tpi)
    page = client.get(reverse("surveys:campaign_detail", args=[campaign.pk])).content.decode()
    assert "ip_burst" in page and "Kecualikan" in page
    client.post(url, {"reason": "x"})  # too short: refused
    assert not Response.objects.get(pk=bad.pk).excluded
    client.post(url, {"reason": "Lonjakan dari satu alamat dalam 2 menit"})
    bad.refresh_from_db()
    assert bad.excluded and bad.excluded_by == tpi and bad.exclusion_reason.startswith("Lonjakan")
    assert Response.objects.filter(campaign=campaign).count() == 4  # never deleted
    assert services.survey_index_for(tree["lapas"], campaign.period, "ipkp").value == 4.0
    event = AuditEvent.objects.get(action="exclude")
    assert event.after["excluded"] is True and event.scope_path == tree["lapas"].path
    client.post(url, {"reason": "Diverifikasi: pengunjung rombongan", "reinstate": "1"})
    assert services.survey_index_for(tree["lapas"], campaign.period, "ipkp").value == 3.25
    assert verify().ok
    assert len(good) == 3


def test_exports_csv_xlsx_and_poster(client, make_campaign, tree):
    campaign = make_campaign(kinds=("skm",))
    _submit(campaign, value=3, n=3)
    point = services.service_point_create(actor=None, campaign=campaign, name="Loket Kunjungan")
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    client.force_login(member)
    response = client.get(reverse("surveys:export_csv", args=[campaign.pk]))
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # every CSV starts with the BOM (zi.core.tabular)
    lines = text.strip().splitlines()
    assert len(lines) == 4 and lines[0].startswith("id,waktu") and "skm-14-2017:U9" in lines[0]
    assert lines[1].endswith(",3,3,3,3,3,3,3,3,3")
    assert "ip_hash" not in lines[0] and "device" not in lines[0]
    response = client.get(reverse("surveys:export_xlsx", args=[campaign.pk]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook["Respons"].max_row == 4
    pdf = client.get(reverse("surveys:poster_pdf", args=[campaign.pk, point.pk]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    text = pdf_text(pdf.content)
    assert "Loket Kunjungan" in text and campaign.unit.name in text and page_count(pdf.content) == 1
    assert pdf_text(client.get(reverse("surveys:report_pdf", args=[campaign.pk])).content).count("IKM") >= 1
    other = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan"])
    client.force_login(other)
    assert client.get(reverse("surveys:export_csv", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("surveys:report_pdf", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("surveys:poster_pdf", args=[campaign.pk, point.pk])).status_code == 404


def test_codes_download_once(client, make_campaign, tree):
    campaign = make_campaign(require_code=True)
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    client.force_login(member)
    response = client.post(reverse("surveys:codes_generate", args=[campaign.pk]), {"count": "5"})
    assert response.status_code == 200 and len(response.content.decode().split()) == 6
    assert AuditEvent.objects.filter(action="codes_generate").exists()


def test_survey_index_for_lke(make_campaign, tree, period):
    assert services.survey_index_for(tree["lapas"], period, "ipak") is None
    campaign = make_campaign(kinds=("ipak", "skm"), title="IPAK 2026")
    _submit(campaign, value=4, n=20)
    _submit(campaign, value=3, n=10, group="pengunjung")
    _submit(campaign, value=1, n=10, group="wbp")  # inmates: not part of IPAK per 90/2021
    result = services.survey_index_for(tree["lapas"], period, "ipak")
    # external respondents: (20×4 + 10×3)/30 = 3.667 → 3.67
    assert result.value == 3.67 and result.respondents == 30 and result.sample_ok
    assert result.campaigns[0]["title"] == "IPAK 2026" and result.campaigns[0]["respondents"] == 30
    assert result.ci95[0] < 3.67 < result.ci95[1]
    assert "IPAK 2026" in result.source and "30 responden" in result.source
    with pytest.raises(ValueError):
        services.survey_index_for(tree["lapas"], period, "skm")


def test_instrument_load_is_idempotent_and_protects_answered_versions(instruments, make_campaign, tmp_path):
    count = InstrumentItem.objects.count()
    results = services.instruments_load_all()
    assert {r.state for r in results} == {"unchanged"} and InstrumentItem.objects.count() == count
    skm = instruments["skm"]
    assert [i.code for i in skm.items.all()] == [f"U{i}" for i in range(1, 10)]
    assert {i.aspect for i in instruments["ipak"].items.all()} == {
        "diskriminasi",
        "kecurangan",
        "gratifikasi",
        "pungli",
        "percaloan",
    }
    campaign = make_campaign(kinds=("skm",))
    _submit(campaign)
    changed = tmp_path / "skm.yaml"
    source = (services.INSTRUMENTS_DIR / "skm-14-2017.yaml").read_text(encoding="utf-8")
    changed.write_text(source.replace("Sangat sesuai", "Amat sesuai", 1), encoding="utf-8")
    with pytest.raises(services.SurveyError, match="new version"):
        services.instrument_load(changed)
    broken = tmp_path / "broken.yaml"
    broken.write_text(source.replace("code: U9", "code: U10"), encoding="utf-8")
    with pytest.raises(services.SurveyError, match="U1..U9"):
        services.instrument_load(broken)
    assert Instrument.objects.count() == 4
