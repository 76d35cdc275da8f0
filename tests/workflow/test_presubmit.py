"""The one pre-submit check (issue #17): every blocker with a link to its question, warnings apart, the submit
button only without blockers, the guard reading the same function, the worksheet's markers and the bulk confirm of
carried-over answers (per tab and all; audited; the unit team only)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests import factories
from tests.workflow.conftest import fill_lane, go, journey_at
from zi.assessments import services as assessment_services
from zi.assessments.models import Answer, Lane
from zi.assessments.selectors import section_key
from zi.assessments.submission import submission_check
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.demo.workflow import seed_carry_over
from zi.organisations.models import Role
from zi.workflow.models import CarriedQuestion, Journey, State


def _carried_world(jw):
    """A building journey that carried over every question of last year (open, not confirmed)."""
    journey = journey_at(jw, State.BUILDING, fill=False)
    count = seed_carry_over(jw["period"], unit_name=jw["lapas"].name, username="ketua")
    assert count > 50
    return journey


def _submit_page(client, jw):
    return client.get(reverse("assessments:submit", args=[jw["assessment"].pk])).content.decode()


def test_pre_submit_lists_each_blocker_kind_with_working_links(client, jw):
    journey = _carried_world(jw)
    spec = jw["spec"]
    carried = list(CarriedQuestion.objects.filter(journey=journey).values_list("question__code", flat=True))
    unanswered = carried[-1]  # its answer cleared: unanswered (and still carried over)
    Answer.objects.filter(assessment=jw["assessment"], lane=Lane.SELF, question__code=unanswered).delete()
    client.force_login(jw["leader"])
    html = _submit_page(client, jw)
    assert 'id="blok-unanswered"' in html and 'id="blok-carried"' in html
    assert "Kirim walaupun belum lengkap" not in html and 'id="kirim"' not in html
    assert "Tombol kirim muncul setelah semua hal di atas diselesaikan." in html
    # warnings apart: the P90 preconditions the TPI checks later (the test agency recorded none)
    warnings = html[html.index('id="peringatan"') :]
    assert "Data syarat instansi" in warnings and "tidak menghalangi pengiriman" in warnings
    # every blocker's link opens its question on its worksheet tab
    for code, kind in ((unanswered, "unanswered"), (carried[0], "carried")):
        url = f"{reverse('assessments:worksheet', args=[jw['assessment'].pk])}?bagian={section_key(spec, code)}"
        anchor = "q-" + code.replace(".", "-")
        block = html[html.index(f'id="blok-{kind}"') :]
        assert f'href="{url}#{anchor}"' in block
        assert f'id="{anchor}"' in client.get(url).content.decode()
    # the worksheet shows the same label on the carried question, with its inline confirm
    sheet = client.get(reverse("assessments:worksheet", args=[jw["assessment"].pk]) + "?bagian=1").content.decode()
    code = next(c for c in carried if section_key(spec, c) == "1")
    article = sheet[sheet.index(f'id="q-{code.replace(".", "-")}"') :]
    article = article[: article.index("</article>")]
    assert "jawaban bawaan — konfirmasi" in article and 'name="code"' in article
    assert "Konfirmasi semua di area ini" in sheet


def test_required_evidence_missing_is_listed_with_a_link_and_a_journey_before_building_is_blocked(client, jw):
    from tests.workflow.conftest import declare
    from zi.workflow import services

    declare(jw)
    journey = services.participation_create(actor=jw["head"], assessment=jw["assessment"])
    client.force_login(jw["leader"])
    html = _submit_page(client, jw)
    blockers = html[html.index('id="blok-precondition"') :]
    assert "Pembangunan ZI belum dimulai" in blockers
    assert f'href="{reverse("workflow:journey_detail", args=[journey.pk])}"' in blockers
    go(jw, journey, State.BUILDING, "head")
    fill_lane(jw)
    html = _submit_page(client, jw)
    assert 'id="warn-evidence"' in html and "belum ada data dukung" in html  # answers without evidence: listed
    assert 'id="kirim"' in html  # ... but they do not block (the template requires no evidence)
    code = submission_check(jw["assessment"]).warnings[0].code
    assert f'#q-{code.replace(".", "-")}"' in html


@pytest.mark.parametrize("case", ["complete", "unanswered", "carried", "confirmed", "warnings_only"])
def test_guard_and_page_agree(client, jw, case):
    if case in ("carried", "confirmed"):
        journey = _carried_world(jw)
        fill_lane(jw)  # answers stay carried-over until confirmed
        if case == "confirmed":
            CarriedQuestion.objects.filter(journey=journey).update(confirmed_at="2026-01-05T00:00:00Z")
    else:
        journey = journey_at(jw, State.BUILDING)
        if case != "unanswered":
            fill_lane(jw)
    check = submission_check(jw["assessment"])
    expected_ok = case in ("complete", "confirmed", "warnings_only")
    assert check.ok is expected_ok
    client.force_login(jw["leader"])
    html = _submit_page(client, jw)
    assert ('id="kirim"' in html) is expected_ok
    if expected_ok:
        assert go(jw, journey, State.SELF_SUBMITTED, "leader").state == State.SELF_SUBMITTED
    else:
        with pytest.raises(ValidationError) as refused:
            go(jw, journey, State.SELF_SUBMITTED, "leader")
        assert refused.value.messages == check.reasons()
        assert Journey.objects.get(pk=journey.pk).state == State.BUILDING


def test_bulk_confirm_per_tab_then_all_audited_then_submission(client, jw, tree):
    journey = _carried_world(jw)
    spec = jw["spec"]
    url = reverse("workflow:carry_confirm", args=[journey.pk])
    open_rows = CarriedQuestion.objects.filter(journey=journey, confirmed_at__isnull=True)
    total = open_rows.count()
    tab_one = [c for c in open_rows.values_list("question__code", flat=True) if section_key(spec, c) == "1"]
    assert tab_one and len(tab_one) < total
    # refused: another unit's team (404); a reviewer and a TPI evaluator of the unit (no self-lane write)
    outsider = factories.make_user_with_role(Role.UNIT_TEAM_MEMBER, unit=tree["rutan_tpi"], username="luar2")
    client.force_login(outsider)
    assert client.post(url, {"bagian": "semua"}).status_code == 404
    for refused in ("reviewer", "tpi1"):
        client.force_login(jw[refused])
        assert client.post(url, {"bagian": "semua"}).status_code in (403, 404)
    assert open_rows.count() == total
    # the unit team: one tab, back to the page it came from
    client.force_login(jw["member"])
    back = reverse("assessments:submit", args=[jw["assessment"].pk])
    response = client.post(url, {"bagian": "1", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert open_rows.count() == total - len(tab_one)
    assert not open_rows.filter(question__code__in=tab_one).exists()
    event = AuditEvent.objects.filter(action="carry_confirm").latest("seq")
    assert event.after == {"questions": sorted(tab_one), "scope": "section:1"}
    # an outside address is never followed
    response = client.post(url, {"bagian": "2", "next": "https://evil.example/"})
    assert response["Location"] == reverse("workflow:carried", args=[journey.pk])
    # all the rest
    rest = sorted(open_rows.values_list("question__code", flat=True))
    response = client.post(url, {"bagian": "semua", "next": back}, follow=True)
    assert f"{len(rest)} jawaban bawaan dikonfirmasi" in response.content.decode()
    assert not open_rows.exists()
    event = AuditEvent.objects.filter(action="carry_confirm").latest("seq")
    assert event.after == {"questions": rest, "scope": "all"}
    # nothing left to confirm: the page offers the submission, and it goes through
    fill_lane(jw)  # a question last year's LKE did not answer, if any
    client.force_login(jw["leader"])
    assert 'id="kirim"' in _submit_page(client, jw)
    response = client.post(reverse("assessments:submit", args=[jw["assessment"].pk]), follow=True)
    assert "Penilaian telah dikirim." in response.content.decode()
    assert Journey.objects.get(pk=journey.pk).state == State.SELF_SUBMITTED
    assert verify().ok


def test_inline_confirm_on_the_worksheet_returns_to_the_question(client, jw):
    journey = _carried_world(jw)
    code = CarriedQuestion.objects.filter(journey=journey).values_list("question__code", flat=True).first()
    sheet = reverse("assessments:worksheet", args=[jw["assessment"].pk])
    back = f"{sheet}?bagian={section_key(jw['spec'], code)}#q-{code.replace('.', '-')}"
    client.force_login(jw["member"])
    response = client.post(reverse("workflow:carry_confirm", args=[journey.pk]), {"code": [code], "next": back})
    assert response["Location"] == back
    assert CarriedQuestion.objects.get(journey=journey, question__code=code).confirmed_at is not None


def test_submission_without_a_journey_uses_the_same_check(jw):
    a = jw["assessment"]
    with pytest.raises(ValidationError, match="belum dijawab"):
        assessment_services.assessment_submit(actor=jw["leader"], assessment=a)
    fill_lane(jw)
    assert assessment_services.assessment_submit(actor=jw["leader"], assessment=a).status == "submitted"
