"""The public survey in parts ("Bagian 2 dari 5"): whole aspects per page, answers carried in the form (no
JavaScript, no session), each page checked on "Lanjut", everything checked again on "Kirim jawaban", and the
one-response-per-device and form-stamp protections unchanged."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.urls import reverse

from tests.surveys.conftest import stamp_from
from zi.surveys import paging, services
from zi.surveys.models import Response

pytestmark = pytest.mark.django_db


def _item(pk: int, instrument: int, aspect: str) -> SimpleNamespace:
    return SimpleNamespace(pk=pk, instrument_id=instrument, aspect=aspect)


def test_pages_keep_aspects_whole_and_instruments_apart():
    items = [
        *(_item(n, 1, a) for n, a in enumerate("AABBCCDDEEF", start=1)),  # 11 questions, aspects of two
        *(_item(20 + n, 2, a) for n, a in enumerate("GHIJKLMNO")),  # 9 questions, one per aspect
    ]
    result = [[item.pk for item in page] for page in paging.pages(items)]
    assert result == [[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11], list(range(20, 29))]
    assert paging.page_of("q26", paging.pages(items)) == 2 and paging.page_of("kelompok", paging.pages(items)) == 0
    assert paging.minutes_left(paging.pages(items), 0) == 4  # 20 questions × 10 s
    assert paging.minutes_left(paging.pages(items), 2) == 2
    long = [_item(n, 3, str(n // 3)) for n in range(25)]  # 25 questions in aspects of three: three parts
    assert [len(page) for page in paging.pages(long)] == [9, 9, 7]
    assert paging.pages([]) == [[]]
    assert len(paging.pages([_item(n, 1, str(n)) for n in range(10)])) == 1  # ten questions: one page


def _form(html: str) -> tuple[dict[str, str], list[str]]:
    """The hidden fields of the page and the question names asked on it."""
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html))
    hidden.pop("csrfmiddlewaretoken", None)
    asked = list(dict.fromkeys(re.findall(r'type="radio" id="q\d+_\d" name="(q\d+)"', html)))
    return hidden, asked


def _answer(campaign, names: list[str], value: int = 4) -> dict[str, str]:
    scales = {f"q{item.pk}": item.scale for item in services.campaign_items(campaign)}
    return {name: str(value if scales[name] == "likert4" else 0) for name in names}


def test_walk_through_the_parts_and_send(client, make_campaign):
    campaign = make_campaign(kinds=("skm", "ipak"))
    url = reverse("surveys:public", args=[campaign.token])
    html = client.get(url).content.decode()
    total = len(paging.pages(services.campaign_items(campaign)))
    assert total > 1 and f"Bagian 1 dari {total}" in html and "menit lagi" in html
    stamp = stamp_from(html)

    # "Lanjut" without the respondent's group and answers: the same part again, with the mistakes
    hidden, asked = _form(html)
    refused = client.post(url, {**hidden, "arah": "lanjut"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert "Pilih kelompok responden." in text and "Wajib dijawab." in text and f"Bagian 1 dari {total}" in text

    data = {**hidden, "kelompok": "pengguna_layanan", **_answer(campaign, asked), "arah": "lanjut"}
    html = client.post(url, data).content.decode()
    assert f"Bagian 2 dari {total}" in html and "Kembali" in html
    hidden, asked_second = _form(html)
    assert hidden["ts"] == stamp and hidden["kelompok"] == "pengguna_layanan"
    assert all(hidden[name] == "4" for name in asked)  # the first part's answers ride along

    # "Kembali" shows the first part with its answers, unchecked for what is still empty
    back = client.post(url, {**hidden, "arah": "kembali"}).content.decode()
    assert f"Bagian 1 dari {total}" in back and back.count("checked") >= len(asked) + 1

    page = 2
    html_page = html
    while "Kirim jawaban" not in html_page:
        hidden, asked_here = _form(html_page)
        html_page = client.post(url, {**hidden, **_answer(campaign, asked_here), "arah": "lanjut"}).content.decode()
        page += 1
        assert f"Bagian {page} dari {total}" in html_page
    assert page == total and not Response.objects.exists()  # nothing stored before the last part is sent

    hidden, asked_last = _form(html_page)
    sent = client.post(url, {**hidden, **_answer(campaign, asked_last), "arah": "kirim"})
    assert sent.status_code == 200 and "Terima kasih" in sent.content.decode()
    stored = Response.objects.get(campaign=campaign)
    assert stored.items.count() == len(services.campaign_items(campaign))

    # one response per device still holds at the end of the parts
    again = client.post(url, {**hidden, **_answer(campaign, asked_last), "arah": "kirim"})
    assert Response.objects.count() == 1 and again.status_code in (200, 409)


def test_the_final_send_checks_every_part(client, make_campaign):
    campaign = make_campaign(kinds=("skm", "ipak"))
    url = reverse("surveys:public", args=[campaign.token])
    items = services.campaign_items(campaign)
    page_list = paging.pages(items)
    first_question = f"q{page_list[0][0].pk}"
    data = {
        "ts": stamp_from(client.get(url).content.decode()),
        "kelompok": "pengguna_layanan",
        **_answer(campaign, [f"q{item.pk}" for item in items if f"q{item.pk}" != first_question]),
        "halaman": str(len(page_list) - 1),
        "arah": "kirim",
    }
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400 and "Wajib dijawab." in html
    assert f"Bagian 1 dari {len(page_list)}" in html  # the part with the unanswered question is shown
    assert not Response.objects.exists()


def test_the_bot_trap_works_on_every_part(client, make_campaign):
    campaign = make_campaign(kinds=("skm", "ipak"))
    url = reverse("surveys:public", args=[campaign.token])
    hidden, _asked = _form(client.get(url).content.decode())
    response = client.post(url, {**hidden, "website": "http://spam.example", "arah": "lanjut"})
    assert response.status_code == 400 and not Response.objects.exists()
