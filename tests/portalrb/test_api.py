"""Contract tests written from *Panduan Teknis API Integrasi ZI* v1.0 (§3 endpoints, §5 status codes, §6 errors)."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.test import Client
from django.utils import timezone

from tests import factories
from zi.assessments.models import Answer, Lane
from zi.assessments.services import evidence_add_link
from zi.core.models import AuditEvent
from zi.lke.formulas import normalize_answer
from zi.lke.models import LkeQuestion
from zi.lke.services import template_spec
from zi.portalrb import services
from zi.portalrb.models import FetchSnapshot

pytestmark = pytest.mark.django_db


def get(client, path, secret=None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"} if secret else {}
    return client.get(f"/api/portalrb/{path}", **headers, **extra)


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["error"] is True
    assert body["code"] == code
    assert isinstance(body["message"], str) and body["message"]
    assert set(body) == {"error", "code", "message"}


def answer(assessment, code, raw, lane=Lane.SELF, note=""):
    spec = template_spec(assessment.period.template)
    n = normalize_answer(spec.questions[code], raw, spec.settings)
    return Answer.objects.create(
        assessment=assessment,
        lane=lane,
        question=LkeQuestion.objects.get(template=assessment.period.template, code=code),
        choice=n.choice,
        inputs=n.inputs,
        value=n.value,
        note=note,
    )


def test_unit_wbk_shape(client, tree, period, proposals, token):
    proposals[tree["lapas"]] = ("WBK", False)
    proposals[tree["rutan"]] = ("WBK-AFIRMASI", True)
    proposals[tree["rutan_tpi"]] = ("WBBM", False)
    response = get(client, "pengusulan/unit-wbk", token[1])
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body == {
        "tahun": period.year,
        "units": [
            {"id": str(tree["lapas"].pk), "nama": "Lapas Kelas I Palembang", "kategori": "WBK", "afirmasi": False},
            {
                "id": str(tree["rutan"].pk),
                "nama": "Rutan Kelas IIB Prabumulih",
                "kategori": "WBK-AFIRMASI",
                "afirmasi": True,
            },
        ],
    }
    assert isinstance(body["tahun"], int)
    wbbm = get(client, "pengusulan/unit-wbbm", token[1]).json()
    assert wbbm["units"] == [
        {"id": str(tree["rutan_tpi"].pk), "nama": "Rutan Kelas I Tanjungpinang", "kategori": "WBBM", "afirmasi": False}
    ]


def test_empty_list_inside_the_period(client, tree, period, proposals, token):
    body = get(client, "pengusulan/unit-wbbm", token[1]).json()
    assert body == {"tahun": period.year, "units": []}


def test_jawaban_unit_fields_types_and_nulls(client, tree, period, proposals, token, assessment, settings):
    settings.ZI_SITE_URL = "https://zi.example.go.id"  # links are built on the configured address, not the request
    proposals[tree["lapas"]] = ("WBK", False)
    answer(assessment, "A.I.1.i.a", "Ya", note="Tim dibentuk dengan SK")
    answer(assessment, "A.I.1.i.a", "Tidak", lane=Lane.TPI, note="SK belum ditandatangani")
    answer(assessment, "A.I.1.i.b", "B")
    answer(assessment, "A.II.1.i.a", {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 7}, note="catatan agen")
    answer(assessment, "B.I.a", 3.71)
    team = factories.make_user_with_role("unit_team_member", unit=tree["lapas"])
    evidence_add_link(
        actor=team, assessment=assessment, question_code="A.I.1.i.a", title="SK Tim", url="https://example.go.id/sk.pdf"
    )
    response = get(client, f"lke/jawaban-unit/{tree['lapas'].pk}", token[1])
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"unit_id", "nama_unit", "tahun", "answers"}
    assert body["unit_id"] == str(tree["lapas"].pk)
    assert body["nama_unit"] == "Lapas Kelas I Palembang"
    assert body["tahun"] == period.year
    answers = {a["soal_id"]: a for a in body["answers"]}
    assert len(answers) == 127
    for row in body["answers"]:
        assert set(row) == {
            "soal_id",
            "jawaban_unit",
            "jawaban_tpi",
            "catatan_unit",
            "bukti_dukung_unit",
            "catatan_tpi",
        }
        assert isinstance(row["soal_id"], int)
        for key in ("jawaban_unit", "jawaban_tpi", "catatan_unit", "bukti_dukung_unit", "catatan_tpi"):
            assert row[key] is None or isinstance(row[key], str)
    first = answers[1]
    assert first["jawaban_unit"] == "Ya"
    assert first["jawaban_tpi"] == "Tidak"
    assert first["catatan_unit"] == "Tim dibentuk dengan SK"
    assert first["catatan_tpi"] == "SK belum ditandatangani"
    assert first["bukti_dukung_unit"].startswith("https://zi.example.go.id/api/portalrb/bukti/")
    assert first["bukti_dukung_unit"].endswith("#q-A.I.1.i.a")
    assert answers[2] == {
        "soal_id": 2,
        "jawaban_unit": "B",
        "jawaban_tpi": None,
        "catatan_unit": None,
        "bukti_dukung_unit": None,
        "catatan_tpi": None,
    }
    assert answers[88]["jawaban_unit"] == "10" and answers[88]["catatan_unit"] == "catatan agen"
    assert answers[89]["jawaban_unit"] == "7" and answers[89]["catatan_unit"] is None
    assert answers[90]["jawaban_unit"] is None
    assert answers[125]["jawaban_unit"] == "3.71"
    assert answers[3]["jawaban_unit"] is None


def test_evidence_link_opens_and_expires(client, tree, period, proposals, token, assessment, settings):
    proposals[tree["lapas"]] = ("WBK", False)
    answer(assessment, "A.I.1.i.a", "Ya")
    team = factories.make_user_with_role("unit_team_member", unit=tree["lapas"])
    evidence_add_link(
        actor=team, assessment=assessment, question_code="A.I.1.i.a", title="SK Tim", url="https://example.go.id/sk.pdf"
    )
    link = get(client, f"lke/jawaban-unit/{tree['lapas'].pk}", token[1]).json()["answers"][0]["bukti_dukung_unit"]
    path = link.removeprefix(settings.ZI_SITE_URL).split("#")[0]
    page = client.get(path)
    assert page.status_code == 200
    assert b"SK Tim" in page.content and b"https://example.go.id/sk.pdf" in page.content
    assert client.get(path.replace("/bukti/", "/bukti/x")).status_code == 404
    settings.PORTALRB_EVIDENCE_LINK_MAX_AGE = -1
    assert client.get(path).status_code == 404


def test_401_without_or_with_bad_token(client, tree, period, token):
    assert_error(get(client, "pengusulan/unit-wbk"), 401, "UNAUTHORIZED")
    assert_error(get(client, "pengusulan/unit-wbk", "zirb_wrong"), 401, "UNAUTHORIZED")
    response = client.get("/api/portalrb/pengusulan/unit-wbk", HTTP_AUTHORIZATION=f"Token {token[1]}")
    assert_error(response, 401, "UNAUTHORIZED")
    assert "Bearer" in response["WWW-Authenticate"]


def test_revoked_token_is_401(client, tree, period, token):
    services.token_revoke(actor=None, token=token[0])
    assert_error(get(client, "pengusulan/unit-wbk", token[1]), 401, "UNAUTHORIZED")


def test_token_of_another_agency_is_403_for_our_unit(client, tree, period, proposals):
    proposals[tree["lapas"]] = ("WBK", False)
    other = factories.AgencyFactory(code="PEMKOT-X")
    _t, secret = services.token_create(actor=None, agency=other, name="x")
    assert_error(get(client, f"lke/jawaban-unit/{tree['lapas'].pk}", secret), 403, "FORBIDDEN")
    assert get(client, "pengusulan/unit-wbk", secret).json()["units"] == []


def test_unknown_and_not_proposed_units_are_404(client, tree, period, proposals, token):
    proposals[tree["lapas"]] = ("WBK", False)
    assert_error(get(client, "lke/jawaban-unit/987654321", token[1]), 404, "DATA_NOT_FOUND")
    assert_error(get(client, f"lke/jawaban-unit/{tree['rutan'].pk}", token[1]), 404, "DATA_NOT_FOUND")


@pytest.mark.parametrize(
    "unit_id",
    ["abc", "0", "-1", "1.5", "9" * 19, "99999999999999999999999999999999", "%27%20OR%201=1", "1%00", "x" * 3000],
)
def test_odd_unit_ids_are_422(client, tree, period, proposals, token, unit_id):
    assert_error(get(client, f"lke/jawaban-unit/{unit_id}", token[1]), 422, "VALIDATION_ERROR")


@pytest.mark.parametrize("unit_id", ["11%0A", "11%0D%0A", "%0A11", "%C2%84", "%D9%A1%D9%A1", "9223372036854775808"])
def test_trailing_newline_non_ascii_and_huge_unit_ids_are_422(client, tree, period, proposals, token, unit_id):
    """``$`` let ``11\\n`` through as unit 11 (200); the id is anchored with ``\\Z`` and ASCII digits only."""
    proposals[tree["lapas"]] = ("WBK", False)
    unit_id = unit_id.replace("11", str(tree["lapas"].pk))
    assert_error(get(client, f"lke/jawaban-unit/{unit_id}", token[1]), 422, "VALIDATION_ERROR")
    assert get(client, f"lke/jawaban-unit/{tree['lapas'].pk}", token[1]).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["pengusulan/unit-wbk", "pengusulan/unit-wbbm", "lke/jawaban-unit/1"])
def test_write_methods_answer_the_json_405_not_a_csrf_page(tree, period, token, method, path):
    client = Client(enforce_csrf_checks=True)  # as PortalRB calls: no CSRF token, only the bearer token
    response = getattr(client, method)(f"/api/portalrb/{path}", HTTP_AUTHORIZATION=f"Bearer {token[1]}")
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert response["Allow"] == "GET"


def test_unknown_paths_with_odd_bytes_are_the_json_404(client, tree, period, token):
    for path in ("lke/lain%0A", "pengusulan/unit-wbk%0A", "%C2%84", "lke/jawaban-unit/1/x"):
        assert_error(get(client, path, token[1]), 404, "DATA_NOT_FOUND")


def test_unknown_path_and_wrong_method(client, tree, period, token):
    assert_error(get(client, "lke/lain", token[1]), 404, "DATA_NOT_FOUND")
    response = client.post("/api/portalrb/pengusulan/unit-wbk", HTTP_AUTHORIZATION=f"Bearer {token[1]}")
    assert_error(response, 405, "METHOD_NOT_ALLOWED")
    assert_error(get(client, "pengusulan/unit-wbk?x=1", token[1]), 422, "VALIDATION_ERROR")


def test_outside_the_proposal_period(client, tree, period, proposals, token):
    proposals[tree["lapas"]] = ("WBK", False)
    period.ends_on = timezone.localdate() - timezone.timedelta(days=1)
    period.save()
    assert_error(get(client, "pengusulan/unit-wbk", token[1]), 404, "DATA_NOT_FOUND")
    assert_error(get(client, f"lke/jawaban-unit/{tree['lapas'].pk}", token[1]), 404, "DATA_NOT_FOUND")


def test_throttled_is_429(client, tree, period, token, settings):
    settings.PORTALRB_RATE_LIMIT = "3/60"
    for _ in range(3):
        assert get(client, "pengusulan/unit-wbk", token[1]).status_code == 200
    response = get(client, "pengusulan/unit-wbk", token[1])
    assert_error(response, 429, "RATE_LIMITED")
    assert int(response["Retry-After"]) >= 1


def test_bad_tokens_are_throttled_too(client, tree, period, settings):
    settings.PORTALRB_RATE_LIMIT = "2/60"
    codes = [get(client, "pengusulan/unit-wbk", f"zirb_guess{i}").status_code for i in range(4)]
    assert codes == [401, 401, 429, 429]


def test_500_has_the_error_body(client, tree, period, token, monkeypatch):
    from zi.portalrb import selectors

    def boom(**kwargs):
        raise RuntimeError("db down")

    monkeypatch.setattr(selectors, "unit_list_payload", boom)
    assert_error(get(client, "pengusulan/unit-wbk", token[1]), 500, "INTERNAL_ERROR")


def test_every_fetch_is_frozen_with_its_hash_and_audited(client, tree, period, proposals, token, assessment):
    proposals[tree["lapas"]] = ("WBK", False)
    answer(assessment, "A.I.1.i.a", "Ya")
    response = get(client, f"lke/jawaban-unit/{tree['lapas'].pk}", token[1])
    snap = FetchSnapshot.objects.get()
    assert snap.endpoint == "jawaban-unit" and snap.unit == tree["lapas"] and snap.token == token[0]
    assert response.content == snap.body.encode()
    assert snap.sha256 == hashlib.sha256(response.content).hexdigest() == response["X-ZI-Snapshot-SHA256"]
    assert snap.payload == json.loads(response.content)
    canonical = json.dumps(snap.payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert hashlib.sha256(canonical.encode()).hexdigest() == snap.sha256
    event = AuditEvent.objects.filter(action="portalrb.fetch").get()
    assert event.after["sha256"] == snap.sha256
    get(client, "pengusulan/unit-wbk", token[1])
    assert FetchSnapshot.objects.count() == 2
    # failed fetches are not snapshots
    get(client, "lke/jawaban-unit/abc", token[1])
    assert FetchSnapshot.objects.count() == 2


def test_token_secret_is_only_stored_hashed(agency):
    token, secret = services.token_create(actor=None, agency=agency, name="x")
    assert secret.startswith("zirb_") and len(secret) > 40
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(type(token).objects.values()), default=str)
