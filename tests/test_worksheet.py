"""The LKE worksheet over HTTP: rendering, htmx autosave of every answer type, permissions, constant queries."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories
from tests.shared_worlds import shared_world
from tests.test_answer_services import build_shared_world
from zi.assessments import services
from zi.assessments.models import Answer, AssessmentStatus
from zi.core.audit import verify
from zi.organisations.models import Role

HX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


# The shared assessment world (tests/test_answer_services.py, tests/shared_worlds.py).
world = shared_world("assessment", build_shared_world)


def _save_url(world, code):
    return reverse("assessments:answer_save", args=[world["assessment"].pk, code])


def _ws_url(world):
    return reverse("assessments:worksheet", args=[world["assessment"].pk])


def _answer(world, code):
    return Answer.objects.filter(assessment=world["assessment"], question__code=code).first()


def test_worksheet_renders_every_section(client, world):
    client.force_login(world["member"])
    for section in ("1", "2", "3", "4", "5", "6", "hasil"):
        response = client.get(_ws_url(world), {"bagian": section})
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="score-panel"' in html and 'id="area-tabs"' in html
        assert "<progress" in html
    html = client.get(_ws_url(world)).content.decode()
    first = world["spec"].lever[0].indicators[0].questions[0]
    assert first.code in html and first.text in html
    assert first.options[0].criteria in html
    assert 'hx-post="' + _save_url(world, first.code) in html
    assert "zi/worksheet.css" in html and "zi/worksheet.js" in html
    assert "<script>" not in html and "style=" not in html  # CSP: no inline script or style


def test_team_member_answers_every_type_with_htmx(client, world):
    client.force_login(world["member"])
    codes, spec = world["codes"], world["spec"]
    for answer_type, raw in (("ya_tidak", "Ya"), ("abc", "A"), ("abcd", "B"), ("abcde", "C")):
        response = client.post(_save_url(world, codes[answer_type]), {"choice": raw, "note": "ok"}, **HX)
        assert response.status_code == 200
        html = response.content.decode()
        assert 'hx-swap-oob="true"' in html and 'id="score-panel"' in html and 'id="area-tabs"' in html
        assert "<html" not in html  # a partial, not the page
        assert _answer(world, codes[answer_type]).choice == raw
    computed = spec.questions[codes["computed_percentage"]]
    keys = [i.key for i in computed.inputs]
    data = {f"in_{keys[0]}": "4", f"in_{keys[1]}": "2"}
    response = client.post(_save_url(world, computed.code), data, **HX)
    assert response.status_code == 200
    answer = _answer(world, computed.code)
    assert answer.inputs == {keys[0]: 4.0, keys[1]: 2.0}
    assert f"{answer.value * 100:.2f}".replace(".", ",") in response.content.decode()  # live computed value
    response = client.post(_save_url(world, codes["index_0_4"]), {"in_ipak": "3,6"}, **HX)
    assert response.status_code == 200
    assert _answer(world, codes["index_0_4"]).value == pytest.approx(0.9)
    assert verify().ok


def test_plain_post_redirects_to_question_anchor(client, world):
    client.force_login(world["member"])
    code = world["codes"]["abc"]
    response = client.post(_save_url(world, code), {"choice": "B"})
    assert response.status_code == 302
    assert response["Location"].endswith("#q-" + code.replace(".", "-"))
    assert "bagian=" in response["Location"]
    assert _answer(world, code).choice == "B"
    response = client.post(_save_url(world, code), {"choice": "Q"})  # invalid: message + redirect, nothing stored
    assert response.status_code == 302
    assert _answer(world, code).choice == "B"
    page = client.get(response["Location"]).content.decode()
    assert "Pilihan" in page and "Q" in page


def test_invalid_answers_return_error_and_store_nothing(client, world):
    client.force_login(world["member"])
    codes, spec = world["codes"], world["spec"]
    response = client.post(_save_url(world, codes["abcd"]), {"choice": "Z"}, **HX)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    computed = spec.questions[codes["computed_percentage"]]
    keys = [i.key for i in computed.inputs]
    response = client.post(_save_url(world, computed.code), {f"in_{keys[0]}": "-3", f"in_{keys[1]}": "2"}, **HX)
    assert "negatif" in response.content.decode()
    response = client.post(_save_url(world, computed.code), {f"in_{keys[0]}": "abc", f"in_{keys[1]}": "2"}, **HX)
    assert "angka" in response.content.decode()
    response = client.post(_save_url(world, computed.code), {f"in_{keys[0]}": "3"}, **HX)
    assert "Lengkapi" in response.content.decode()
    response = client.post(_save_url(world, codes["index_0_4"]), {"in_ipak": "7"}, **HX)
    assert "antara 0 dan 4" in response.content.decode()
    assert not Answer.objects.exists()


def test_evaluators_cannot_save_answers(client, world):
    a, code = world["assessment"], world["codes"]["abc"]
    client.force_login(world["reviewer"])
    assert client.post(_save_url(world, code), {"choice": "A"}, **HX).status_code == 404  # draft not visible
    factories.answer_rest(a)
    before = list(Answer.objects.values_list("pk", "choice", "value"))
    services.assessment_submit(actor=world["leader"], assessment=a)
    assert client.get(_ws_url(world)).status_code == 200  # submitted: visible, read-only
    html = client.get(_ws_url(world)).content.decode()
    assert "hx-post" not in html and "disabled" in html
    assert client.post(_save_url(world, code), {"choice": "A"}, **HX).status_code == 403
    tpi = factories.make_user_with_role(Role.TPI_EVALUATOR, agency=world["lapas"].agency, username="tpi2")
    client.force_login(tpi)
    assert client.post(_save_url(world, code), {"choice": "A"}).status_code == 403
    client.force_login(world["member"])  # after submission the team is read-only too
    assert client.post(_save_url(world, code), {"choice": "A"}, **HX).status_code == 403
    assert list(Answer.objects.values_list("pk", "choice", "value")) == before  # nothing written


def test_other_unit_team_gets_404(client, world):
    client.force_login(world["other"])
    a = world["assessment"]
    code = world["codes"]["abc"]
    assert client.get(_ws_url(world)).status_code == 404
    assert client.post(_save_url(world, code), {"choice": "A"}).status_code == 404
    upload = SimpleUploadedFile("a.pdf", PDF, content_type="application/pdf")
    url = reverse("assessments:evidence_add", args=[a.pk, code])
    assert client.post(url, {"kind": "file", "title": "x", "file": upload}).status_code == 404
    assert not a.evidence.exists()


def test_drafts_invisible_to_reviewers_until_submitted(client, world):
    client.force_login(world["reviewer"])
    list_url = reverse("assessments:assessment_list")
    assert world["lapas"].name not in client.get(list_url).content.decode()
    assert client.get(_ws_url(world)).status_code == 404
    factories.answer_rest(world["assessment"])
    services.assessment_submit(actor=world["leader"], assessment=world["assessment"])
    assert world["lapas"].name in client.get(list_url).content.decode()
    assert client.get(_ws_url(world)).status_code == 200


def test_list_and_start_form(client, world):
    client.force_login(world["other"])
    html = client.get(reverse("assessments:assessment_list")).content.decode()
    assert "Mulai penilaian mandiri" in html
    assert world["lapas"].name not in html
    response = client.post(
        reverse("assessments:assessment_start"),
        {"unit": world["rutan"].pk, "period": world["period"].pk, "target_predicate": "WBK", "current_predicate": ""},
    )
    assert response.status_code == 302
    response = client.post(  # not their unit: the form refuses the choice
        reverse("assessments:assessment_start"),
        {"unit": world["lapas"].pk, "period": world["period"].pk, "target_predicate": "WBK"},
    )
    assert response.status_code == 400
    client.force_login(world["reviewer"])
    assert "Mulai penilaian mandiri" not in client.get(reverse("assessments:assessment_list")).content.decode()


def test_submit_page_lists_incomplete_items(client, world):
    a = world["assessment"]
    code = world["codes"]["abc"]
    services.answer_save(actor=world["member"], assessment=a, question_code=code, raw="A")
    client.force_login(world["member"])
    # a team member reads what is incomplete (the score panel links here) but may not submit
    listing = client.get(reverse("assessments:submit", args=[a.pk]))
    assert listing.status_code == 200 and "Kelengkapan LKE" in listing.content.decode()
    assert code in listing.content.decode() and 'method="post"' not in listing.content.decode().split("<main")[-1]
    assert client.post(reverse("assessments:submit", args=[a.pk])).status_code == 403
    a.refresh_from_db()
    assert a.status != AssessmentStatus.SUBMITTED
    client.force_login(world["leader"])
    html = client.get(reverse("assessments:submit", args=[a.pk])).content.decode()
    assert "Belum dijawab" in html and "tanpa data dukung" in html and code in html
    # unanswered questions block: no submit button, and a post is refused by the same check
    assert "Kirim walaupun belum lengkap" not in html and 'id="kirim"' not in html
    response = client.post(reverse("assessments:submit", args=[a.pk]), follow=True)
    assert "pertanyaan belum dijawab" in response.content.decode()
    a.refresh_from_db()
    assert a.status == AssessmentStatus.DRAFT
    # answers without evidence are a warning only: listed apart, the button is there
    factories.answer_rest(a)
    html = client.get(reverse("assessments:submit", args=[a.pk])).content.decode()
    assert "tidak menghalangi pengiriman" in html and "tanpa data dukung" in html and 'id="kirim"' in html
    response = client.post(reverse("assessments:submit", args=[a.pk]))
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED


def _populate(world, n_evidence):
    a, member = world["assessment"], world["member"]
    codes = list(world["spec"].questions)
    for code in codes[:n_evidence]:
        question = world["spec"].questions[code]
        if question.options:
            services.answer_save(actor=member, assessment=a, question_code=code, raw=question.options[0].key)
        services.evidence_add_link(
            actor=member, assessment=a, question_code=code, title="Tautan", url="https://example.go.id/sk"
        )
        evidence = services.evidence_add_file(
            actor=member,
            assessment=a,
            question_code=code,
            title="SK",
            uploaded_file=SimpleUploadedFile("sk.pdf", PDF + code.encode()),
        )
        services.evidence_revise(
            actor=member, evidence=evidence, uploaded_file=SimpleUploadedFile("sk2.pdf", PDF + b"r2" + code.encode())
        )


def test_worksheet_queries_do_not_grow_with_data(client, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["member"])
    client.get(_ws_url(world))  # warm caches (template spec)
    with CaptureQueriesContext(connection) as empty:
        assert client.get(_ws_url(world), {"bagian": "1"}).status_code == 200
    _populate(world, 30)  # 30 answers, 60 evidence items, 90 revisions
    with django_assert_num_queries(len(empty.captured_queries)):  # exactly the same number
        response = client.get(_ws_url(world), {"bagian": "1"})
    assert response.status_code == 200
    assert response.content.decode().count("r2 ·") >= 5
    # 12 for the worksheet + the suggestions (programme aggregates; per IPAK/IPKP: external value, campaigns)
    assert len(empty.captured_queries) <= 22
    with CaptureQueriesContext(connection) as save:
        client.post(_save_url(world, world["codes"]["abc"]), {"choice": "B"}, **HX)
    assert len(save.captured_queries) < 45


def test_excel_export_and_import_routes(client, world):
    a = world["assessment"]
    services.answer_save(actor=world["member"], assessment=a, question_code=world["codes"]["abc"], raw="B")
    client.force_login(world["member"])
    response = client.get(reverse("assessments:export_xlsx", args=[a.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    content = response.content
    assert content[:2] == b"PK"
    import_url = reverse("assessments:import_xlsx", args=[a.pk])
    assert client.get(import_url).status_code == 200
    response = client.post(import_url, {"file": SimpleUploadedFile("lke.xlsx", content)})
    assert response.status_code == 200
    assert "jawaban tersimpan" in response.content.decode()
    response = client.post(import_url, {"file": SimpleUploadedFile("lke.xlsx", b"bukan excel")})
    assert response.status_code == 400
    assert "Impor gagal" in response.content.decode()
    client.force_login(world["other"])
    assert client.get(reverse("assessments:export_xlsx", args=[a.pk])).status_code == 404
    client.force_login(world["leader"])
    factories.answer_rest(a)
    services.assessment_submit(actor=world["leader"], assessment=a)
    assert client.get(import_url).status_code == 403
    client.force_login(world["reviewer"])
    assert client.get(reverse("assessments:export_xlsx", args=[a.pk])).status_code == 200
    assert client.get(import_url).status_code == 403


def test_lke_template_browser(client, world):
    client.force_login(world["reviewer"])
    html = client.get(reverse("lke:template_list")).content.decode()
    assert world["template"].code in html
    html = client.get(reverse("lke:template_detail", args=[world["template"].pk])).content.decode()
    question = world["spec"].lever[0].indicators[0].questions[0]
    assert question.code in html and question.text in html


def test_worksheet_page_loads_only_the_shown_sections_evidence(client, world, django_assert_max_num_queries):
    """Evidence in other tabs costs the unit's worksheet page no query and no rows; their flags stay exact."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from zi.assessments import selectors

    a, member, spec = world["assessment"], world["member"], world["spec"]
    client.force_login(member)
    client.get(_ws_url(world), {"bagian": "1"})  # warm caches (template spec)
    with CaptureQueriesContext(connection) as empty:
        assert client.get(_ws_url(world), {"bagian": "1"}).status_code == 200
    in_two = [code for code in spec.questions if selectors.section_key(spec, code) == "2"]
    for code in in_two[:6]:
        question = spec.questions[code]
        if question.options:
            services.answer_save(actor=member, assessment=a, question_code=code, raw=question.options[0].key)
        evidence = services.evidence_add_file(
            actor=member,
            assessment=a,
            question_code=code,
            title="SK bagian dua",
            uploaded_file=SimpleUploadedFile("sk.pdf", PDF + code.encode()),
        )
        services.evidence_revise(
            actor=member, evidence=evidence, uploaded_file=SimpleUploadedFile("sk2.pdf", PDF + b"r2" + code.encode())
        )
    bare = next(code for code in in_two[6:] if spec.questions[code].options)  # answered, no evidence
    services.answer_save(actor=member, assessment=a, question_code=bare, raw=spec.questions[bare].options[0].key)
    with django_assert_max_num_queries(len(empty.captured_queries)):
        response = client.get(_ws_url(world), {"bagian": "1"})
    assert response.status_code == 200
    assert "SK bagian dua" not in response.content.decode()
    partial = selectors.worksheet(user=member, assessment=a, evidence_section="1")
    whole = selectors.worksheet(user=member, assessment=a)
    assert partial.shown == "1"
    assert all(not row.evidence for row in partial.rows.values())  # section 2's items were not loaded
    assert [r.code for r in partial.missing_evidence] == [r.code for r in whole.missing_evidence]
    assert bare in [r.code for r in partial.missing_evidence]
    assert [s.answered for s in partial.sections] == [s.answered for s in whole.sections]
    on_two = client.get(_ws_url(world), {"bagian": "2"}).content.decode()
    assert on_two.count("SK bagian dua") >= 6  # the shown tab still lists its evidence
