"""Indonesian is the working language whatever the browser says; English when the person picks it.

The English catalog (``zi/locale/en/LC_MESSAGES/django.po`` and its compiled ``.mo``) must stay complete: every
entry translated, nothing fuzzy, placeholders intact, the ``.mo`` compiled from the current ``.po``. The page test
walks key pages of each app in English and looks for labels that must not stay Indonesian.
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

import zi

CATALOG_DIR = Path(zi.__file__).parent / "locale" / "en" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z0-9_]+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    def __str__(self) -> str:
        return f"django.po:{self.line} {self.msgid!r}"


def _unquote(text: str) -> str:
    body = text.strip()
    assert body.startswith('"') and body.endswith('"'), f"not a quoted string: {text!r}"
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\", "r": "\r"}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], body[1:-1])


def parse_po(path: Path) -> list[Entry]:
    """The entries of a gettext-written .po file (obsolete ``#~`` entries left out); the header is not an entry."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.startswith("#~") and current is not None and not current.msgid:
            current = None  # the flags belonged to an obsolete entry
        if not line.strip() or line.startswith("#~"):
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                entries.append(current)
                current = None
            if line.startswith("#,"):
                current = current or Entry(line=number)
                current.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        keyword = re.match(r"(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])? ", line)
        if keyword:
            name, index = keyword.group(1), int(keyword.group(2) or 0)
            if name in ("msgctxt", "msgid") and current is not None and current.msgstr:
                entries.append(current)
                current = None
            current = current or Entry(line=number)
            target = (name, index)
            value = _unquote(line[keyword.end() :])
        else:
            value = _unquote(line)
        assert current is not None and target is not None, f"django.po:{number}: text outside an entry"
        name, index = target
        if name == "msgstr":
            current.msgstr[index] = current.msgstr.get(index, "") + value
        else:
            setattr(current, name, (getattr(current, name) or "") + value)
    if current is not None:
        entries.append(current)
    return [entry for entry in entries if entry.msgid]


@pytest.fixture(scope="module")
def catalog() -> list[Entry]:
    return parse_po(CATALOG_DIR / "django.po")


def test_catalog_parser_sees_the_whole_file(catalog):
    text = (CATALOG_DIR / "django.po").read_text(encoding="utf-8")
    live_msgids = len(re.findall(r"^msgid ", text, flags=re.M)) - 1  # minus the header
    assert len(catalog) == live_msgids > 500
    assert any(entry.msgid_plural for entry in catalog)


def test_every_entry_is_translated_and_none_is_fuzzy(catalog):
    """New strings must be translated before they are committed: run makemessages, translate, compilemessages."""
    problems = []
    for entry in catalog:
        forms = 2 if entry.msgid_plural is not None else 1
        if "fuzzy" in entry.flags:
            problems.append(f"{entry}: fuzzy")
        elif sorted(entry.msgstr) != list(range(forms)) or not all(entry.msgstr.values()):
            problems.append(f"{entry}: not translated")
    assert not problems, f"{len(problems)} untranslated or fuzzy entries:\n" + "\n".join(problems[:40])


def test_placeholders_are_kept(catalog):
    problems = []
    for entry in (entry for entry in catalog if "python-format" in entry.flags):
        if entry.msgid_plural is None:
            if sorted(PLACEHOLDER.findall(entry.msgstr.get(0, ""))) != sorted(PLACEHOLDER.findall(entry.msgid)):
                problems.append(str(entry))
            continue
        allowed = set(PLACEHOLDER.findall(entry.msgid)) | set(PLACEHOLDER.findall(entry.msgid_plural))
        plural_form = set(PLACEHOLDER.findall(entry.msgstr.get(1, "")))
        if not all(set(PLACEHOLDER.findall(text)) <= allowed for text in entry.msgstr.values()) or plural_form != set(
            PLACEHOLDER.findall(entry.msgid_plural)
        ):
            problems.append(str(entry))
    assert not problems, "placeholders differ from the source:\n" + "\n".join(problems)


def test_compiled_catalog_matches_the_po(catalog):
    """The .mo is committed (runtime needs no gettext): it must be compiled from the current .po."""
    with (CATALOG_DIR / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # noqa: SLF001 - the parsed table itself
    stale = []
    for entry in catalog:
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is None:
            if compiled.get(key) != entry.msgstr.get(0):
                stale.append(str(entry))
        elif any(compiled.get((key, index)) != text for index, text in entry.msgstr.items()):
            stale.append(str(entry))
    assert not stale, "django.mo is out of date; run `zi compilemessages -l en`:\n" + "\n".join(stale[:40])


@pytest.mark.django_db
def test_browser_language_does_not_switch_the_ui(client):
    page = client.get("/akun/masuk/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert page.headers["Content-Language"] == "id"
    assert "Kata sandi" in page.content.decode()


@pytest.mark.django_db
def test_the_header_switch_selects_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/akun/masuk/"})
    assert response.status_code == 302
    page = client.get("/akun/masuk/")
    assert page.headers["Content-Language"] == "en"
    html = page.content.decode()
    assert "Password" in html and '<html lang="en">' in html
    assert "Kata sandi" not in html


@pytest.mark.django_db
def test_unknown_language_cookie_falls_back_to_indonesian(client):
    client.cookies["django_language"] = "xx"
    assert client.get("/akun/masuk/").headers["Content-Language"] == "id"


def _survey_campaign(unit, period):
    from zi.surveys import services as survey_services
    from zi.surveys.models import Instrument

    survey_services.instruments_load_all()
    now = timezone.now()
    return survey_services.campaign_create(
        actor=None,
        unit=unit,
        period=period,
        instruments=[Instrument.objects.get(kind="skm")],
        title="Survei Layanan Kunjungan 2026",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=30),
        respondent_groups=["pengguna_layanan", "pengunjung"],
    )


def test_key_pages_of_every_app_render_in_english(demo_db, client):
    """One demo world, one pass over the pages: English labels present, their Indonesian sources absent."""
    from zi.assessments.models import Assessment
    from zi.organisations.models import Agency
    from zi.workflow.models import Journey

    assessment = Assessment.objects.select_related("unit", "period").get(
        period__year=2026, unit__code="LAPAS-KELAS-I-PALEMBANG"
    )
    lapas = assessment.unit
    agency = Agency.objects.get(code="KEMENKUMHAM")
    journey = Journey.objects.filter(unit__agency=agency).order_by("pk").first()
    campaign = _survey_campaign(lapas, assessment.period)
    users = get_user_model().objects

    # (login or None, url, English that must appear, Indonesian that must not)
    pages = [
        (None, "/akun/masuk/", ["Password", "Log in"], ["Kata sandi", "Nama pengguna"]),
        (None, "/wawasan/publik/", ["Official predicates"], ["Predikat resmi", "Cari unit atau instansi"]),
        (None, f"/program/pengaduan/{lapas.pk}/baru/", ["Send complaint"], ["Kirim pengaduan", "Sampaikan pengaduan"]),
        (None, f"/survei/s/{campaign.token}/", ["This survey is anonymous"], ["Survei ini anonim", "Anda mengisi"]),
        ("demo-tim", "/", ["Your roles", "Log out"], ["Peran Anda", "Beranda", "Keluar"]),
        (
            "demo-tim",
            f"/penilaian/{assessment.pk}/",
            ["Score summary", "Supporting evidence", ">Save<"],
            ["Ringkasan nilai", "Tambah data dukung", ">Simpan<", "Nilai per area"],
        ),
        (
            "demo-tim",
            f"/program/unit/{lapas.pk}/",
            ["Work plan per area of change"],
            ["Rencana kerja per area perubahan", "Pengaduan masyarakat"],
        ),
        (
            "demo-admin",
            "/unit/",
            ["Work units", "Search unit name or code"],
            ["Cari nama atau kode unit", "Unit kerja"],
        ),
        (
            "demo-admin",
            f"/portalrb/instansi/{agency.pk}/pratinjau/",
            ["What PortalRB will see"],
            ["Yang akan dilihat PortalRB", "Jawaban yang dikirim"],
        ),
        ("demo-admin", "/alur/", ["ZI building workflow"], ["Alur pembangunan ZI", "Belum ada keikutsertaan"]),
        ("demo-admin", f"/alur/{journey.pk}/", ["History"], ["Riwayat", "Syarat unit"]),
        (
            "demo-pimpinan",
            "/wawasan/",
            ["Summary", "Building ZI", "Average score"],
            ["Membangun ZI", "Rata-rata nilai", "Tampilkan"],
        ),
        ("demo-pimpinan", "/wawasan/peringatan/", ["Early warnings"], ["Peringatan dini", "Pola kegagalan"]),
    ]
    failures = []
    for username, url, english, indonesian in pages:
        client.logout()
        if username:
            client.force_login(users.get(username=username))
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        page = client.get(url, follow=True)
        html = page.content.decode()
        if page.status_code != 200 or page.headers.get("Content-Language") != "en":
            failures.append(f"{url} as {username}: {page.status_code} {page.headers.get('Content-Language')}")
            continue
        failures += [f"{url} as {username}: no {text!r}" for text in english if text not in html]
        failures += [f"{url} as {username}: still {text!r}" for text in indonesian if text in html]
    assert not failures, "\n".join(failures)


def test_every_translation_function_is_imported_under_a_name_makemessages_extracts():
    """``makemessages`` finds a string only in a call of ``_``, ``gettext``, ``gettext_lazy``, ``gettext_noop``,
    ``ngettext``, ``pgettext`` … under these names: a string marked with any other alias (``gettext_lazy as _lazy``
    once left 14 survey labels and flags out of the catalogue, shown in Indonesian on the English pages)."""
    extracted = {
        "_", "gettext", "gettext_lazy", "gettext_noop", "ngettext", "ngettext_lazy", "pgettext", "pgettext_lazy",
        "npgettext", "npgettext_lazy",
    }  # fmt: skip
    pattern = re.compile(r"from django\.utils\.translation import ([^\n(]+|\([^)]*\))")
    wrong = []
    for path in sorted(Path(zi.__file__).parent.rglob("*.py")):
        for names in pattern.findall(path.read_text(encoding="utf-8")):
            for name in names.strip("()").split(","):
                parts = name.split()
                if len(parts) == 3 and parts[1] == "as" and parts[0] in extracted and parts[2] not in extracted:
                    wrong.append(f"{path.relative_to(Path(zi.__file__).parent)}: {name.strip()}")
    assert not wrong, "import these under their own name or as _: " + "; ".join(wrong)
