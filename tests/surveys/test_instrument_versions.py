"""Instruments are editable through versions: a new version never changes answers already given to the old one,
a new campaign takes the version valid for its period, the SKM/IPAK keep their regulated structure, agencies make
their own internal surveys, and everything is audited and permission-checked (``survey.instrument``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories
from zi.assessments.models import Period
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.surveys import services
from zi.surveys.models import Instrument, ResponseItem

pytestmark = pytest.mark.django_db


def _item_post(instrument, changes=None, drop=(), extra=()):
    """The version form's POST data: every item of ``instrument`` (wording changed by ``changes``), some marked for
    deletion, plus new rows."""
    rows = [
        {
            "code": i.code,
            "aspect": i.aspect,
            "text": (changes or {}).get(i.code, i.text),
            "scale": i.scale,
            "labels": " | ".join(i.labels),
            "required": "on" if i.required else "",
            "DELETE": "on" if i.code in drop else "",
        }
        for i in instrument.items.all()
    ]
    rows += list(extra)
    data = {"butir-TOTAL_FORMS": str(len(rows)), "butir-INITIAL_FORMS": "0", "butir-MIN_NUM_FORMS": "0"}
    data["butir-MAX_NUM_FORMS"] = "1000"
    for n, row in enumerate(rows):
        for key, value in row.items():
            if value != "":
                data[f"butir-{n}-{key}"] = value
    return data


def _answer(campaign, n=1, tag="a"):
    items = services.campaign_items(campaign)
    for i in range(n):
        sub = services.Submission(
            group="pengguna_layanan",
            answers={it.pk: (3 if it.scale == "likert4" else 0) for it in items},
            form_nonce=f"{tag}{i}",
            device_hash=f"dev-{tag}{i}",
        )
        services.response_submit(campaign, sub)


def test_new_skm_version_keeps_old_answers_and_new_campaigns_take_the_version_of_their_period(
    client, make_campaign, instruments, period, tree, django_user_model
):
    old_campaign = make_campaign(kinds=("skm",))
    _answer(old_campaign, n=3)
    old_skm = instruments["skm"]
    old_text = old_skm.items.get(code="U1").text
    admin = django_user_model.objects.create_superuser("nasional", "n@example.org", "x-Secret-123")
    client.force_login(admin)
    next_period = Period.objects.create(
        year=2027, name="Evaluasi ZI 2027", template=period.template, starts_on="2027-01-01", ends_on="2027-12-31"
    )
    url = reverse("surveys:instrument_version_new", args=[old_skm.pk])
    assert client.get(url).status_code == 200
    data = {
        "version": "2027.1",
        "title": old_skm.title,
        "periods": [next_period.pk],
        **_item_post(old_skm, changes={"U1": "Persyaratan layanan mudah dipenuhi."}),
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode().split("<main")[-1][:3000]
    new_skm = Instrument.objects.get(code=old_skm.code, version="2027.1")
    assert new_skm.supersedes == old_skm and list(new_skm.periods.all()) == [next_period]
    assert new_skm.items.get(code="U1").text == "Persyaratan layanan mudah dipenuhi."
    # the old version, its campaign and its answers are untouched
    assert old_skm.items.get(code="U1").text == old_text
    assert list(old_campaign.instruments.all()) == [old_skm]
    assert ResponseItem.objects.filter(item__instrument=old_skm).count() == 27
    # a campaign in 2027 takes the 2027 version even when the old one is ticked; 2026 keeps the old one
    now = timezone.now()
    common = {
        "title": "SKM",
        "opens_at": now,
        "closes_at": now + dt.timedelta(days=9),
        "respondent_groups": ["pengguna_layanan"],
    }
    in_2027 = services.campaign_create(
        actor=admin, unit=tree["lapas"], period=next_period, instruments=[old_skm], **common
    )
    in_2026 = services.campaign_create(actor=admin, unit=tree["lapas"], period=period, instruments=[new_skm], **common)
    assert list(in_2027.instruments.all()) == [new_skm] and list(in_2026.instruments.all()) == [old_skm]
    event = AuditEvent.objects.get(action="create", object_type="surveys.instrument", object_id=str(new_skm.pk))
    assert event.extra["supersedes"] == old_skm.pk and event.after["periods"] == [next_period.pk]
    assert verify().ok


def test_standard_structure_is_kept_and_the_refusal_explained(client, instruments, django_user_model):
    admin = django_user_model.objects.create_superuser("nasional", "n@example.org", "x-Secret-123")
    client.force_login(admin)
    skm, ipak = instruments["skm"], instruments["ipak"]
    before = Instrument.objects.count()
    page = client.post(
        reverse("surveys:instrument_version_new", args=[skm.pk]),
        {"version": "2", "title": skm.title, **_item_post(skm, drop=("U9",))},
    )
    assert page.status_code == 200 and "sembilan unsur U1–U9" in page.content.decode()
    pungli = [i.code for i in ipak.items.all() if i.aspect == "pungli"]
    page = client.post(
        reverse("surveys:instrument_version_new", args=[ipak.pk]),
        {"version": "2", "title": ipak.title, **_item_post(ipak, drop=pungli)},
    )
    assert page.status_code == 200 and "aspek yang hilang: pungli" in page.content.decode()
    assert Instrument.objects.count() == before
    # removing an optional yes/no question and adding one is fine for IPAK
    extra = {"code": "AK12", "aspect": "pungli", "text": "Tidak ada biaya tambahan.", "scale": "likert4"}
    extra["required"] = "on"
    page = client.post(
        reverse("surveys:instrument_version_new", args=[ipak.pk]),
        {"version": "2", "title": ipak.title, **_item_post(ipak, drop=("AK11",), extra=[extra])},
    )
    assert page.status_code == 302
    codes = [i.code for i in Instrument.objects.get(code=ipak.code, version="2").items.all()]
    assert "AK11" not in codes and codes[-1] == "AK12"


def test_agency_admin_makes_internal_survey_but_not_national_versions(client, instruments, tree, period):
    admin = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=tree["lapas"].agency)
    member = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["lapas"])
    client.force_login(admin)
    assert client.get(reverse("surveys:instrument_version_new", args=[instruments["skm"].pk])).status_code == 403
    data = {
        "agency": tree["lapas"].agency.pk,
        "code": "persepsi-pegawai-zi",
        "version": "1",
        "title": "Persepsi pegawai tentang pembangunan ZI",
        **_item_post(instruments["internal"]),
    }
    response = client.post(reverse("surveys:instrument_internal_new"), data)
    assert response.status_code == 302, response.content.decode().split("<main")[-1][:3000]
    custom = Instrument.objects.get(code="persepsi-pegawai-zi")
    assert custom.kind == "internal" and custom.agency == tree["lapas"].agency and custom.items.count() == 5
    assert AuditEvent.objects.filter(object_type="surveys.instrument", object_id=str(custom.pk)).exists()
    listing = client.get(reverse("surveys:instrument_list")).content.decode()
    assert "Persepsi pegawai tentang pembangunan ZI" in listing and "Buat survei internal" in listing
    assert client.get(reverse("surveys:instrument_detail", args=[custom.pk])).status_code == 200
    assert (
        client.post(reverse("surveys:instrument_periods", args=[custom.pk]), {"periods": [period.pk]}).status_code
        == 302
    )
    assert list(custom.periods.all()) == [period]
    assert AuditEvent.objects.filter(object_id=str(custom.pk), action="update").get().after == {"periods": [period.pk]}
    # the admin may version it; a unit team member may not, but may use it in a campaign of that agency
    assert client.get(reverse("surveys:instrument_version_new", args=[custom.pk])).status_code == 200
    client.force_login(member)
    assert client.get(reverse("surveys:instrument_version_new", args=[custom.pk])).status_code == 403
    assert client.get(reverse("surveys:instrument_internal_new")).status_code == 403
    page = client.get(reverse("surveys:campaign_create")).content.decode()
    assert "Persepsi pegawai tentang pembangunan ZI" in page
    other_agency = factories.AgencyFactory(code="LAIN", name="Instansi lain")
    outsider = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=other_agency)
    client.force_login(outsider)
    assert client.get(reverse("surveys:instrument_detail", args=[custom.pk])).status_code == 404
    with pytest.raises(services.SurveyError, match="instansi lain"):
        services.campaign_create(
            actor=None,
            unit=factories.make_unit(agency=other_agency, name="Satker lain", code="SL"),
            period=period,
            instruments=[custom],
            title="x",
            opens_at=timezone.now(),
            closes_at=timezone.now() + dt.timedelta(days=1),
            respondent_groups=["pns"],
        )


def test_add_rows_keeps_what_was_typed_and_saves_nothing(client, instruments, tree):
    """ "Tambah baris pertanyaan" (without JavaScript: a plain submit) brings the form back with three more empty
    rows, every typed value kept and no error shown; nothing is saved; the button disappears at 60 rows."""
    admin = factories.make_user_with_role(Role.AGENCY_ADMIN, agency=tree["lapas"].agency)
    client.force_login(admin)
    url = reverse("surveys:instrument_internal_new")
    assert "Tambah baris pertanyaan" in client.get(url).content.decode()
    rows = [
        {"code": f"P{n}", "aspect": "budaya", "text": f"Pertanyaan nomor {n}", "scale": "likert4", "required": "on"}
        for n in (1, 2, 3)
    ]
    data = {"agency": tree["lapas"].agency.pk, "code": "", "title": "Survei budaya kerja", "add_rows": "1"}
    data |= {"butir-TOTAL_FORMS": "3", "butir-INITIAL_FORMS": "0"}
    data |= {f"butir-{n}-{key}": value for n, row in enumerate(rows) for key, value in row.items()}
    before = Instrument.objects.count()
    page = client.post(url, data).content.decode()
    assert Instrument.objects.count() == before
    assert page.count('class="survey-item"') == 6 and 'name="butir-TOTAL_FORMS" value="6"' in page
    assert 'value="Pertanyaan nomor 3"' not in page and "Pertanyaan nomor 3</textarea>" in page
    assert 'value="Survei budaya kerja"' in page
    assert "errorlist" not in page  # the empty code/version are not complained about yet
    # the page as it came back saves all three questions (the new empty rows are ignored)
    data |= {"code": "budaya-kerja", "version": "1", "butir-TOTAL_FORMS": "6", "butir-INITIAL_FORMS": "3"}
    data |= {f"butir-{n}-scale": "likert4" for n in (3, 4, 5)} | {f"butir-{n}-required": "on" for n in (3, 4, 5)}
    del data["add_rows"]
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.content.decode().split("<main")[-1][:3000]
    assert list(Instrument.objects.get(code="budaya-kerja").items.values_list("code", flat=True)) == ["P1", "P2", "P3"]
    data["add_rows"] = "1"
    data["butir-TOTAL_FORMS"] = "59"
    assert "Tambah baris pertanyaan" not in client.post(url, data).content.decode()  # capped at 60 rows
