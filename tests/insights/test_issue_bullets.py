"""What issue 6 promises, bullet by bullet, where no other test proves it: the unit page's deadlines (the workflow's
period calendar) and what to do next, every dashboard table as CSV and XLSX with the page's numbers, trends across
years, and each unit's latest public-service indices on the public page."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.core.cache import cache
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from zi.insights.models import UnitPeriodRollup
from zi.organisations.models import Role
from zi.workflow import services as workflow_services


def test_unit_page_shows_calendar_deadlines_and_what_to_do_next(nodes, client):
    period = nodes["periods"][1]
    workflow_services.calendar_save(
        actor=None,
        period=period,
        proposal_deadline=dt.date(2026, 6, 15),
        review_deadline=dt.date(2026, 4, 30),
        tpi_deadline=dt.date(2026, 5, 20),
    )
    client.force_login(factories.make_user_with_role(Role.UNIT_HEAD, unit=nodes["lapas"], username="kalapas"))
    page = client.get(reverse("insights:unit_page", args=[nodes["lapas"].pk]) + "?periode=2026")
    assert page.status_code == 200
    ov = page.context["ov"]
    labels = [(str(d["label"]), d["date"]) for d in ov.deadlines]
    assert labels == [
        ("Batas reviu", dt.date(2026, 4, 30)),
        ("Batas evaluasi TPI", dt.date(2026, 5, 20)),
        ("Batas pengusulan ke TPN", dt.date(2026, 6, 15)),
        ("Akhir periode", dt.date(2026, 12, 31)),
    ]
    html = page.content.decode()
    assert "Batas pengusulan ke TPN" in html and "Tenggat" in html
    # what to do next: an empty LKE, no survey yet
    assert ov.todo["unanswered"] > 0 and ov.todo["unanswered_codes"]
    assert ov.todo["missing_surveys"]
    assert "pertanyaan belum dijawab" in html and "Belum ada survei" in html


def test_unit_page_without_calendar_shows_the_default_proposal_date(nodes, client):
    client.force_login(factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn"))
    ov = client.get(reverse("insights:unit_page", args=[nodes["lapas"].pk]) + "?periode=2025").context["ov"]
    assert ("Batas pengusulan ke TPN", dt.date(2025, 5, 31)) in [(str(d["label"]), d["date"]) for d in ov.deadlines]


def test_every_dashboard_table_downloads_as_csv_and_xlsx(nodes, client):
    client.force_login(factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn"))
    query = f"?periode=2026&unit={nodes['ditjen'].pk}"
    dash = client.get(reverse("insights:node", args=[nodes["ditjen"].pk]) + query).context["dash"]
    keys = [t.key for t in dash.tables]
    assert {
        "cakupan",
        "tahapan",
        "peringkat_usulan",
        "peringkat_predikat",
        "area",
        "indeks",
        "peringatan",
        "tren",
    } <= set(keys)
    for table in dash.tables:
        text = b"".join(
            client.get(reverse("insights:download", args=[table.key, "csv"]) + query).streaming_content
        ).decode()
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
        assert rows[0] == [str(h) for h in table.headers], table.key
        assert len(rows) == len(table.rows) + 1, table.key
        assert rows[1:] == [["" if c.value is None else str(c.value) for c in r] for r in table.rows], table.key
        response = client.get(reverse("insights:download", args=[table.key, "xlsx"]) + query)
        sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert values[0] == [str(h) for h in table.headers], table.key
        assert values[1:] == [[c.value for c in r] for r in table.rows], table.key
    everything = client.get(reverse("insights:download", args=["semua", "xlsx"]) + query)
    assert load_workbook(io.BytesIO(b"".join(everything.streaming_content))).sheetnames == keys


def test_trend_across_years_and_predicate_counts(nodes, client):
    client.force_login(factories.make_user_with_role(Role.NATIONAL_VIEWER, username="tpn"))
    dash = client.get(reverse("insights:node", args=[nodes["ditjen"].pk]) + "?periode=2026").context["dash"]
    trend = {row[0].value: [c.value for c in row] for row in dash.table("tren").rows}
    assert sorted(trend) == [2025, 2026]
    assert trend[2025][-2:] == [1, 0] and trend[2026][-2:] == [1, 1]  # WBK held both years, WBBM in 2026
    assert dash.summary["pred_wbk"] == 1 and dash.summary["pred_wbbm"] == 1
    funnel = {row[0].value: row[1].value for row in dash.table("tahapan").rows}
    assert funnel["Predikat WBK"] == 1 and funnel["Predikat WBBM"] == 1


def test_public_page_shows_each_units_latest_indices(nodes, client):
    first, second = nodes["periods"]
    UnitPeriodRollup.objects.filter(unit=nodes["lapas"], period=first).update(ikm=70.25, ipkp=2.5, respondents=40)
    UnitPeriodRollup.objects.filter(unit=nodes["lapas"], period=second).update(ikm=86.75, ipkp=3.45, respondents=120)
    UnitPeriodRollup.objects.filter(unit=nodes["rutan"], period=first).update(ikm=77.5, ipkp=None, respondents=30)
    UnitPeriodRollup.objects.filter(unit=nodes["rutan"], period=second).update(ikm=None, ipkp=None)
    cache.clear()  # the public page is cached (cache_page): another test may have rendered it
    page = client.get(reverse("insights:public"))
    rows = {r["unit__name"]: r for r in page.context["page"].object_list}
    assert (rows["Lapas Kelas I Palembang"]["period__year"], rows["Lapas Kelas I Palembang"]["ikm"]) == (2026, 86.75)
    assert (rows["Rutan Kelas IIB Prabumulih"]["period__year"], rows["Rutan Kelas IIB Prabumulih"]["ikm"]) == (
        2025,
        77.5,
    )
    html = page.content.decode()
    assert "86,75" in html and "70,25" not in html
