"""An English page never mixes languages in the LKE's names (issue #22): areas, result sections and indicators
come from data in Indonesian and are shown through the English catalogue (:mod:`zi.lke.content_names`); the
bundled survey instruments' titles likewise. Question texts stay Indonesian (docs/lke.md)."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import translation

from tests.test_page_words import MARKUP_ONCE
from zi.assessments.models import Assessment
from zi.lke.content_names import NAMES, content_name, template_names
from zi.lke.models import LkeTemplate
from zi.lke.spec import available_templates, load_template_file
from zi.surveys.models import Campaign

TAGS = re.compile(r"(?s)<(script|style)\b[^>]*>.*?</\1>|<[^>]+>")
INDONESIAN = (
    "Manajemen Perubahan",
    "Penataan Tatalaksana",
    "Penguatan Pengawasan",
    "Peningkatan Kualitas Pelayanan Publik",
    "Penyusunan Tim Kerja",
    "Survei Persepsi Anti Korupsi (IPAK)",
)


@pytest.mark.parametrize("code", sorted(available_templates()))
def test_every_content_name_of_every_template_is_translatable(code):
    names = template_names(load_template_file(available_templates()[code]))
    assert names - set(NAMES) == set(), "add them to zi/lke/content_names.py and translate them"
    with translation.override("en"):
        untranslated = sorted(n for n in names if content_name(n) == n and n != "Whistle-Blowing System")
    assert not untranslated


def test_content_name_follows_the_interface_language():
    with translation.override("en"):
        assert content_name("Manajemen Perubahan") == "Change Management"
        assert content_name("Penyusunan Tim Kerja") == "Forming the Working Team"
        assert content_name("Rencana kerja unit X") == "Rencana kerja unit X"  # not a content name: unchanged
    with translation.override("id"):
        assert content_name("Manajemen Perubahan") == "Manajemen Perubahan"


def _words(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return html.unescape(TAGS.sub("\n", response.content.decode()))


@MARKUP_ONCE
def test_english_worksheet_survey_and_dashboard_name_the_lke_in_english(demo_db):
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo-tim"))
    client.cookies["django_language"] = "en"
    assessment = Assessment.objects.filter(unit__name="Lapas Kelas I Palembang", period__year=2026).get()
    campaign = Campaign.objects.filter(unit=assessment.unit).order_by("pk").first()
    pages = {
        "worksheet": f"/penilaian/{assessment.pk}/",
        "worksheet, result section": f"/penilaian/{assessment.pk}/?bagian=hasil",
        "survey results": f"/survei/{campaign.pk}/",
        "LKE catalogue": f"/lke/{LkeTemplate.objects.get(code='permenpanrb-90-2021').pk}/",
    }
    words = {what: _words(client, url) for what, url in pages.items()}
    for what, text in words.items():
        mixed = [name for name in INDONESIAN if name in text]
        assert not mixed, f"{what}: {mixed}"
    assert "1. Change Management" in words["worksheet"] and "Forming the Working Team" in words["worksheet"]
    assert "Anti-Corruption Perception Survey (IPAK)" in words["survey results"]
