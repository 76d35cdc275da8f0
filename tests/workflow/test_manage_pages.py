"""The journey data pages through the HTTP client: declaration, unit data, agency preconditions, TPI teams,
the period calendar and the workflow nav link — each with its permission (anonymous, out of scope, wrong role)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories
from tests.workflow.conftest import journey_at, pdf, team
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.workflow.models import AgencyProfile, Declaration, Journey, PeriodCalendar, State, TpiTeam


def _html(response) -> str:
    return response.content.decode()


def test_declaration_form_records_signatories_and_share(client, jw, tree):
    journey = journey_at(jw, State.DECLARED)
    url = reverse("workflow:declaration", args=[journey.pk])
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(jw["leader"])
    page = _html(client.get(url))
    assert str(jw["honorer"]) in page and 'id="declaration-form"' in page
    response = client.post(
        url,
        {
            "declared_on": "2025-02-03",
            "place": "  Aula   Kanwil ",
            "target_predicate": "WBK",
            "signatories": [jw["honorer"].pk, jw["pns"].pk],
        },
        follow=True,
    )
    assert "Pencanangan tercatat" in _html(response)
    declaration = Declaration.objects.filter(unit=jw["lapas"]).order_by("-pk").first()
    assert declaration.place == "Aula Kanwil" and declaration.signatories.count() == 2
    assert "2 / 5 (40.0 %)" in _html(response) or "2 / 5 (40,0 %)" in _html(response)
    # a later signature and the integrity pact document
    sign = reverse("workflow:declaration_sign", args=[journey.pk, declaration.pk])
    client.post(sign, {"users": [jw["head"].pk]})
    assert declaration.signatories.count() == 3
    doc = reverse("workflow:declaration_document", args=[journey.pk, declaration.pk])
    response = client.post(doc, {"kind": "pact", "file": pdf("pakta.pdf")}, follow=True)
    assert "Dokumen pencanangan tersimpan" in _html(response)
    assert declaration.documents.filter(kind="pact").count() == 1
    assert AuditEvent.objects.filter(action="sign", object_type__contains="declaration").exists()
    # a signatory from another unit is refused with a message, nothing stored
    outsider = factories.UserFactory(username="orang-rutan", unit=tree["rutan"])
    before = Declaration.objects.count()
    response = client.post(
        url,
        {"declared_on": "2025-02-03", "place": "X", "target_predicate": "WBK", "signatories": [outsider.pk]},
        follow=True,
    )
    assert Declaration.objects.count() == before
    # a member sees the page read-only and may not post (403)
    client.force_login(jw["member"])
    assert 'id="declaration-form"' not in _html(client.get(url))
    assert client.post(url, {"declared_on": "2025-02-03", "place": "X", "target_predicate": "WBK"}).status_code == 403
    assert client.post(doc, {"kind": "pact", "file": pdf()}).status_code == 403
    # out of scope: 404
    client.force_login(factories.make_user_with_role(Role.UNIT_TEAM_LEADER, unit=tree["rutan_tpi"], username="kt"))
    assert client.get(url).status_code == 404
    assert client.post(sign, {"users": [jw["head"].pk]}).status_code == 404


def test_unit_data_preconditions_sptjm_and_agreement(client, jw):
    journey = journey_at(jw, State.BUILDING)
    url = reverse("workflow:participation_data", args=[journey.pk])
    client.force_login(jw["head"])
    assert "Syarat pengusulan yang belum terpenuhi" in _html(client.get(url))
    response = client.post(
        reverse("workflow:preconditions_save", args=[journey.pk]),
        {"tlhp_percent": "100", "lhkpn_percent": "98.5", "sakip_internal": "BB"},
        follow=True,
    )
    assert "Syarat unit tersimpan" in _html(response)
    journey.refresh_from_db()
    assert (float(journey.tlhp_percent), float(journey.lhkpn_percent), journey.sakip_internal) == (100, 98.5, "BB")
    bad = client.post(reverse("workflow:preconditions_save", args=[journey.pk]), {"tlhp_percent": "140"}, follow=True)
    assert "100" in _html(bad)
    journey.refresh_from_db()
    assert float(journey.tlhp_percent) == 100
    sptjm = reverse("workflow:sptjm_upload", args=[journey.pk])
    not_pdf = client.post(sptjm, {"file": factories_png()}, follow=True)
    assert "PDF" in _html(not_pdf)
    assert client.post(sptjm, {"file": pdf("sptjm.pdf")}, follow=True).status_code == 200
    journey.refresh_from_db()
    assert journey.sptjm and len(journey.sptjm_sha256) == 64
    response = client.post(
        reverse("workflow:agreement_save", args=[journey.pk]),
        {"year": 2026, "signed_on": "2026-01-20", "targets": "IKM | 3,60\nPengaduan ditindaklanjuti | 100 %\n"},
        follow=True,
    )
    assert "Perjanjian kinerja tersimpan" in _html(response) and "Pengaduan ditindaklanjuti" in _html(response)
    client.force_login(jw["member"])
    assert client.get(url).status_code == 403
    assert client.post(sptjm, {"file": pdf()}).status_code == 403


def factories_png():
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (1, 1)).save(buffer, "PNG")
    png = buffer.getvalue()
    return SimpleUploadedFile("sptjm.png", png, content_type="image/png")


def test_agency_profile_page(client, jw):
    url = reverse("workflow:agency_profiles")
    client.force_login(jw["head"])
    assert client.get(url).status_code == 403
    save = reverse("workflow:agency_profile_save", args=[jw["agency"].pk])
    assert client.post(save, {"year": 2026, "bpk_opinion": "WTP"}).status_code == 404  # unit-level: out of scope
    client.force_login(jw["admin"])
    assert jw["agency"].name in _html(client.get(url))
    response = client.post(
        save,
        {"year": 2026, "bpk_opinion": "WTP", "sakip": "BB", "indeks_rb": "B", "spip_level": 3, "source": "LHP BPK"},
        follow=True,
    )
    assert "Syarat instansi tersimpan" in _html(response)
    profile = AgencyProfile.objects.get(agency=jw["agency"], year=2026)
    assert (profile.bpk_opinion, profile.spip_level) == ("WTP", 3)
    response = client.post(save, {"year": 2026, "bpk_opinion": "XYZ"}, follow=True)
    assert AgencyProfile.objects.get(agency=jw["agency"], year=2026).bpk_opinion == "WTP"
    other = factories.AgencyFactory(code="LAIN", name="Instansi Lain")
    assert client.post(reverse("workflow:agency_profile_save", args=[other.pk]), {"year": 2026}).status_code == 404


def test_team_pages_create_members_assign_and_conflict_of_interest(client, jw):
    journey = journey_at(jw, State.REVIEWED)
    client.force_login(jw["admin"])
    page = _html(client.get(reverse("workflow:teams")))
    assert "Buat tim TPI" in page and str(jw["tpi_home"]) in page
    create = reverse("workflow:team_create", args=[jw["agency"].pk])
    # leader and controller both work at the Lapas: the team may exist, but assigning the Lapas is refused
    response = client.post(
        create,
        {
            "period": jw["period"].pk,
            "name": "Tim Konflik",
            "leader": jw["tpi_home"].pk,
            "controller": jw["tpi_home"].pk,
            "members": [jw["tpi3"].pk],
        },
        follow=True,
    )
    conflicted = TpiTeam.objects.get(name="Tim Konflik")
    assert "Tim TPI dibuat" in _html(response)
    assert "Tidak boleh mengevaluasi" not in _html(response)
    response = client.post(reverse("workflow:team_assign", args=[conflicted.pk]), {"journey": journey.pk}, follow=True)
    html = _html(response)
    assert "tidak ada yang dapat menyimpulkan LHE" in html and str(jw["tpi_home"]) in html
    assert Journey.objects.get(pk=journey.pk).tpi_team_id is None
    # a sound team: assign within capacity, show the conflicted member next to the unit
    response = client.post(
        create,
        {
            "period": jw["period"].pk,
            "name": "Tim 2",
            "leader": jw["tpi1"].pk,
            "controller": jw["tpi2"].pk,
            "members": [jw["tpi3"].pk],
            "capacity": 1,
        },
    )
    sound = TpiTeam.objects.get(name="Tim 2")
    assert response.status_code == 302
    members = reverse("workflow:team_members", args=[sound.pk])
    client.post(members, {"members": [jw["tpi3"].pk, jw["tpi_home"].pk]})
    assert set(sound.members.values_list("username", flat=True)) == {"tpi3", "tpihome"}
    response = client.post(
        reverse("workflow:team_assign", args=[sound.pk]), {"journey": journey.pk, "due": "2026-05-20"}, follow=True
    )
    html = _html(response)
    assert "ditugaskan" in html and "Tidak boleh mengevaluasi unit ini" in html and "1 / 1" in html
    journey.refresh_from_db()
    assert journey.tpi_team_id == sound.pk and journey.tpi_due == dt.date(2026, 5, 20)
    # a non-evaluator cannot be made a member
    response = client.post(members, {"members": [jw["member"].pk]}, follow=True)
    assert set(sound.members.values_list("username", flat=True)) == {"tpi3", "tpihome"}
    assert AuditEvent.objects.filter(action="members").count() == 1
    # other roles: 403; another agency's admin: 404 for the team
    client.force_login(jw["tpi1"])
    assert client.get(reverse("workflow:team_detail", args=[sound.pk])).status_code == 403
    assert client.post(create, {"name": "x"}).status_code == 403
    other = factories.AgencyFactory(code="LAIN2", name="Instansi Lain")
    client.force_login(factories.make_user_with_role(Role.AGENCY_ADMIN, agency=other, username="admin-lain"))
    assert client.get(reverse("workflow:team_detail", args=[sound.pk])).status_code == 404


def test_full_team_is_refused(client, jw, settings):
    journey = journey_at(jw, State.REVIEWED)
    settings.ZI_TPI_TEAM_CAPACITY = 0
    t = team(jw)
    client.force_login(jw["admin"])
    response = client.post(reverse("workflow:team_assign", args=[t.pk]), {"journey": journey.pk}, follow=True)
    assert "sudah penuh" in _html(response)
    assert Journey.objects.get(pk=journey.pk).tpi_team_id is None


def test_calendar_page_superuser_only(client, jw):
    url = reverse("workflow:calendar")
    client.force_login(jw["admin"])
    assert client.get(url).status_code == 403
    root = factories.UserFactory(username="root", is_superuser=True, is_staff=True)
    client.force_login(root)
    assert "31-05-2026" in _html(client.get(url)) or "2026-05-31" in _html(client.get(url))
    response = client.post(
        url,
        {
            "period": jw["period"].pk,
            "proposal_deadline": "2026-06-15",
            "review_deadline": "2026-04-30",
            "tpi_deadline": "2026-05-31",
            "remind_days": 10,
        },
        follow=True,
    )
    assert "Kalender periode tersimpan" in _html(response)
    calendar = PeriodCalendar.objects.get(period=jw["period"])
    assert (calendar.proposal_deadline, calendar.remind_days) == (dt.date(2026, 6, 15), 10)
    journey = journey_at(jw, State.BUILDING)
    detail = _html(client.get(reverse("workflow:journey_detail", args=[journey.pk])))
    assert "Batas reviu: 30-04-2026" in detail and "Batas pengusulan ke TPN: 15-06-2026" in detail
    response = client.post(
        url,
        {
            "period": jw["period"].pk,
            "proposal_deadline": "2026-03-01",
            "review_deadline": "2026-04-30",
            "remind_days": 1,
        },
        follow=True,
    )
    assert "tidak boleh setelah" in _html(response)
    assert PeriodCalendar.objects.get(period=jw["period"]).proposal_deadline == dt.date(2026, 6, 15)


@pytest.mark.parametrize(
    ("role", "shown"),
    [
        (Role.UNIT_TEAM_MEMBER, True),
        (Role.REVIEWER, True),
        (Role.TPI_EVALUATOR, True),
        (Role.AGENCY_ADMIN, True),
        (Role.LEADER, True),
    ],
)
def test_nav_link_to_workflow(client, tree, agency, role, shown):
    kwargs = {"agency": agency} if role in (Role.AGENCY_ADMIN, Role.TPI_EVALUATOR) else {"unit": tree["lapas"]}
    client.force_login(factories.make_user_with_role(role, username=f"nav-{role}", **kwargs))
    html = _html(client.get(reverse("core:home")))
    assert ('href="/alur/"' in html) is shown


def test_nav_link_hidden_without_role(client, db):
    client.force_login(factories.UserFactory(username="tanpa-peran"))
    assert 'href="/alur/"' not in _html(client.get(reverse("core:home")))


def test_journey_list_links_by_permission(client, jw):
    client.force_login(jw["tpi1"])
    html = _html(client.get(reverse("workflow:journey_list")))
    assert reverse("workflow:queue") in html and reverse("workflow:teams") not in html
    client.force_login(jw["admin"])
    html = _html(client.get(reverse("workflow:journey_list")))
    assert reverse("workflow:teams") in html and reverse("workflow:agency_profiles") in html
    assert reverse("workflow:calendar") not in html
