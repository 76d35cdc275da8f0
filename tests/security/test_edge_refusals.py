"""Oversized bodies and text that is not UTF-8, on both public forms alike (survey and complaint/whistle-blowing):
the site's own Indonesian page, 413 for a body above the limits and 400 for invalid text, and nothing stored.

Before: a 10 MB POST got Django's bare English "Bad Request (400)", and invalid UTF-8 in a complaint was stored
as replacement characters while the survey refused it as an invalid answer.
"""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from tests.programme.conftest import lapas  # noqa: F401 - fixture
from tests.surveys.conftest import answers_for, instruments, make_campaign, stamp_from  # noqa: F401
from zi.integrity.models import WhistleReport
from zi.programme.models import Complaint
from zi.surveys.models import Response

TEN_MB = 10 * 1024 * 1024
URLENCODED = "application/x-www-form-urlencoded"


@pytest.fixture(autouse=True)
def _fresh(settings):
    cache.clear()
    settings.ZI_SURVEY_MIN_FILL_SECONDS = 0
    yield
    cache.clear()


@pytest.fixture
def public_forms(lapas, make_campaign):  # noqa: F811
    campaign = make_campaign()
    return {
        "campaign": campaign,
        "survey": reverse("surveys:public", args=[campaign.token]),
        "complaint": reverse("programme:complaint_public", args=[lapas.pk]),
        "whistle": reverse("integrity:whistle_public", args=[lapas.pk]),
    }


def _nothing_stored() -> bool:
    return not (Response.objects.exists() or Complaint.objects.exists() or WhistleReport.objects.exists())


def _is_site_page(response, title: str) -> bool:
    html = response.content.decode()
    return (
        response["Content-Type"].startswith("text/html")
        and 'lang="id"' in html
        and title in html
        and "Tidak ada yang disimpan" in html
        and "Bad Request" not in html
    )


@pytest.mark.parametrize("form", ["survey", "complaint", "whistle"])
@pytest.mark.parametrize("encoding", ["urlencoded", "multipart"])
@pytest.mark.parametrize("csrf", [True, False], ids=["csrf-checked", "csrf-skipped"])
def test_ten_megabytes_get_the_sites_413_page(public_forms, form, encoding, csrf):
    """With CSRF checks on (production) the body is first read by the CSRF middleware, before the view
    (``handler400``); without them the view's guard reads it. Either way: 413 and our page."""
    client = Client(enforce_csrf_checks=csrf)
    url = public_forms[form]
    assert client.get(url).status_code == 200  # the CSRF cookie, as a browser has it
    big = "x" * TEN_MB
    if encoding == "urlencoded":
        response = client.post(url, f"kelompok=pengguna_layanan&description={big}", content_type=URLENCODED)
    else:
        response = client.post(url, {"kelompok": "pengguna_layanan", "description": big})
    assert response.status_code == 413
    assert _is_site_page(response, "Kiriman terlalu besar")
    assert _nothing_stored()


def test_any_other_page_too(db):
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("accounts:login"))
    response = client.post(reverse("accounts:login"), f"username={'x' * TEN_MB}", content_type=URLENCODED)
    assert response.status_code == 413 and _is_site_page(response, "Kiriman terlalu besar")


def test_invalid_utf8_in_a_complaint_is_refused_not_stored_mangled(client, public_forms):
    body = "category=pelayanan&subject=Antrean%FF%FEpanjang&description=Dua+jam"
    response = client.post(public_forms["complaint"], body, content_type=URLENCODED)
    assert response.status_code == 400 and _is_site_page(response, "Teks tidak dapat dibaca")
    whistle = client.post(
        public_forms["whistle"], b"subject=ok&descr\xc3\x28iption=x", content_type="application/x-www-form-urlencoded"
    )
    assert whistle.status_code == 400 and _is_site_page(whistle, "Teks tidak dapat dibaca")
    boundary = "BoUnDaRy"
    parts = [(b"category", b"pelayanan"), (b"subject", b"Antrean \xff\xfe"), (b"description", b"d")]
    multipart = (
        b"".join(
            b'--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary.encode(), name, value)
            for name, value in parts
        )
        + f"--{boundary}--\r\n".encode()
    )
    response = client.post(
        public_forms["complaint"], multipart, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400 and _is_site_page(response, "Teks tidak dapat dibaca")
    assert _nothing_stored()
    # the same form in valid UTF-8 (with non-ASCII letters) goes through
    good = "category=pelayanan&subject=Antrean+%C3%A9%E2%80%94panjang&description=Dua+jam"
    assert client.post(public_forms["complaint"], good, content_type=URLENCODED).status_code == 302
    assert Complaint.objects.get().subject == "Antrean é—panjang"


def test_invalid_utf8_in_a_survey_gets_the_same_page(client, public_forms):
    url = public_forms["survey"]
    page = client.get(url)
    campaign_answers = "&".join(f"{k}={v}" for k, v in answers_for(public_forms["campaign"]).items())
    body = f"ts={stamp_from(page.content.decode())}&kelompok=pengguna%FFlayanan&{campaign_answers}"
    response = client.post(url, body, content_type=URLENCODED)
    assert response.status_code == 400 and _is_site_page(response, "Teks tidak dapat dibaca")
    assert _nothing_stored()
