"""Return with reasons per question and what changed since the last review (issue #17): the scorer's values are never
overwritten by the unit's edits, a changed unit answer is flagged "jawaban unit berubah" until the scorer keeps or
changes their value, notes reach the unit's worksheet and the unit marks them addressed, the lane page shows what
changed. Every write is permission-checked and audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests import factories
from tests.workflow.conftest import fill_lane, go, journey_at, pdf, team
from zi.assessments import services as assessment_services
from zi.assessments.models import Answer, Evidence, Lane
from zi.assessments.selectors import section_for
from zi.core.models import AuditEvent
from zi.organisations.models import Role
from zi.workflow import returns, services
from zi.workflow.models import LaneReturn, ReturnNote, State


def _answer(jw, lane, code):
    return Answer.objects.get(assessment=jw["assessment"], lane=lane, question__code=code)


def _self(jw, code, raw):
    assessment_services.answer_save(actor=jw["member"], assessment=jw["assessment"], question_code=code, raw=raw)


def _in_review(jw):
    """A submitted LKE in review whose self lane says "Ya" and "A" on the two questions the tests use."""
    journey = journey_at(jw, State.BUILDING)
    fill_lane(jw)
    _self(jw, jw["codes"]["ya_tidak"], "Ya")
    _self(jw, jw["codes"]["abc"], "A")
    journey = go(jw, journey, State.SELF_SUBMITTED, "leader")
    return go(jw, journey, State.IN_REVIEW, "reviewer")


def _review(jw, code, raw, note=None):
    assessment_services.answer_save(
        actor=jw["reviewer"], assessment=jw["assessment"], question_code=code, raw=raw, note=note, lane=Lane.REVIEW
    )


def test_the_reviewers_value_stays_after_the_unit_edits_and_resubmits(jw):
    yt, abc = jw["codes"]["ya_tidak"], jw["codes"]["abc"]
    journey = _in_review(jw)
    _review(jw, yt, "Tidak", note="SK belum ditandatangani")
    _review(jw, abc, "C")
    journey = go(jw, journey, State.RETURNED, "reviewer", note="Perbaiki SK", data={"flags": [(yt, "Unggah SK")]})
    _self(jw, yt, "Ya")  # unchanged
    _self(jw, abc, "B")  # the unit changes its answer
    assessment_services.assessment_submit(actor=jw["leader"], assessment=jw["assessment"])
    journey = go(jw, journey, State.IN_REVIEW, "reviewer")
    review = _answer(jw, Lane.REVIEW, yt)
    assert (review.choice, review.note) == ("Tidak", "SK belum ditandatangani")  # not silently "Ya"
    assert _answer(jw, Lane.REVIEW, abc).choice == "C"
    handoff = returns.handoff(journey, Lane.REVIEW)
    item = handoff.items[abc]
    assert item.answer_changed and item.before["choice"] == "A" and item.after["choice"] == "B"
    assert item.awaiting_scorer and [i.code for i in handoff.awaiting] == [abc]
    assert yt in handoff.items and not handoff.items[yt].answer_changed  # only its note
    assert [n.note for n in handoff.items[yt].notes] == ["Unggah SK"]
    # "tetap": the reviewer keeps C, the flag clears, audited
    returns.change_confirm(actor=jw["reviewer"], journey=journey, lane=Lane.REVIEW, question_code=abc)
    item = returns.handoff(journey, Lane.REVIEW).items[abc]
    assert not item.awaiting_scorer and item.confirmed and item.answer_changed
    event = AuditEvent.objects.filter(action="change_confirm").get()
    assert event.after["code"] == abc and event.actor_id == jw["reviewer"].pk
    with pytest.raises(ValidationError, match="tidak menunggu"):
        returns.change_confirm(actor=jw["reviewer"], journey=journey, lane=Lane.REVIEW, question_code=abc)


def test_the_flag_clears_when_the_scorer_changes_their_value(jw):
    abc = jw["codes"]["abc"]
    journey = _in_review(jw)
    _review(jw, abc, "C")
    journey = go(jw, journey, State.RETURNED, "reviewer", note="Perbaiki")
    _self(jw, abc, "B")
    assessment_services.assessment_submit(actor=jw["leader"], assessment=jw["assessment"])
    journey = go(jw, journey, State.IN_REVIEW, "reviewer")
    assert returns.handoff(journey, Lane.REVIEW).items[abc].awaiting_scorer
    _review(jw, abc, "A")
    assert not returns.handoff(journey, Lane.REVIEW).items[abc].awaiting_scorer
    # the unit's new answer equal to the scorer's value is no conflict: nothing to decide
    assert returns.handoff(journey, Lane.REVIEW).awaiting == []


def test_tpi_stage_two_keeps_the_tpi_value_and_flags_the_change(jw):
    abc = jw["codes"]["abc"]
    journey = _in_review(jw)
    journey = go(jw, journey, State.REVIEWED, "reviewer")
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw))
    journey = go(jw, journey, State.TPI_EVALUATION, "tpi1")
    assessment_services.answer_save(
        actor=jw["tpi3"], assessment=jw["assessment"], question_code=abc, raw="C", note="Bukti kurang", lane=Lane.TPI
    )
    returns.note_flag(actor=jw["tpi3"], journey=journey, lane=Lane.TPI, question_code=abc, note="Lengkapi bukti")
    journey = go(jw, journey, State.TPI_RETURNED, "tpi3", note="LHE 1: lengkapi")
    assert [n.question.code for n in returns.return_notes(journey)] == [abc]
    _self(jw, abc, "B")
    assessment_services.assessment_submit(actor=jw["leader"], assessment=jw["assessment"])
    journey.refresh_from_db()
    assert (journey.state, journey.tpi_stage) == (State.TPI_EVALUATION, 2)
    tpi = _answer(jw, Lane.TPI, abc)
    assert (tpi.choice, tpi.note) == ("C", "Bukti kurang")
    with pytest.raises(PermissionDenied):  # LHE 2 cannot return again: no flags to collect
        returns.note_flag(actor=jw["tpi3"], journey=journey, lane=Lane.TPI, question_code=abc, note="lagi")
    item = returns.handoff(journey, Lane.TPI).items[abc]
    assert item.awaiting_scorer and item.unaddressed
    assessment_services.answer_save(
        actor=jw["tpi3"], assessment=jw["assessment"], question_code=abc, raw="A", lane=Lane.TPI
    )
    assert not returns.handoff(journey, Lane.TPI).items[abc].awaiting_scorer


def test_notes_on_the_worksheet_addressed_marks_and_the_lane_page(client, jw):
    yt, abc = jw["codes"]["ya_tidak"], jw["codes"]["abc"]
    journey = _in_review(jw)
    client.force_login(jw["reviewer"])
    lane_url = reverse("workflow:lane_sheet", args=[journey.pk, "review"])
    flag = reverse("workflow:return_flag", args=[journey.pk, "review", yt])
    assert "Tandai untuk diperbaiki" in client.get(lane_url).content.decode()
    client.post(flag, {"note": "SK tim belum ditandatangani"})
    assert ReturnNote.objects.get(question__code=yt).lane_return is None  # pending until the return
    page = client.get(reverse("workflow:journey_detail", args=[journey.pk])).content.decode()
    assert "SK tim belum ditandatangani" in page and 'name="flags"' in page  # the return form lists the flag
    client.post(
        reverse("workflow:transition", args=[journey.pk]),
        {"version": journey.version + 0, "to_state": "returned", "note": "Perbaiki dua hal", "flags": f"{abc} | Foto"},
    )
    journey.refresh_from_db()
    assert journey.state == State.RETURNED
    lane_return = LaneReturn.objects.get(journey=journey)
    assert lane_return.reason == "Perbaiki dua hal"
    assert sorted(lane_return.notes.values_list("question__code", flat=True)) == sorted([yt, abc])

    # the unit's worksheet: the reason on top, a marker with the note on each flagged question
    client.force_login(jw["leader"])
    page = client.get(reverse("workflow:journey_detail", args=[journey.pk])).content.decode()
    block = page[page.index('id="return-notes"') : page.index("</article>", page.index('id="return-notes"'))]
    assert "Perbaiki dua hal" in block and "SK tim belum ditandatangani" in block and "belum diperbaiki" in block
    assert f'?bagian={section_for(yt)}#q-{yt.replace(".", "-")}"' in block
    ws_url = reverse("assessments:worksheet", args=[jw["assessment"].pk])
    html = client.get(ws_url, {"bagian": section_for(yt)}).content.decode()
    assert 'id="return-banner"' in html and "Perbaiki dua hal" in html
    yt_note = ReturnNote.objects.get(question__code=yt)
    marker = html[html.index(f'id="catatan-{yt_note.pk}"') :]
    assert marker.index("SK tim belum ditandatangani") < marker.index("</aside>")
    assert "Tandai sudah diperbaiki" in marker[: marker.index("</aside>")]
    client.force_login(jw["reviewer"])  # a draft again: not the reviewer's to see
    assert client.get(ws_url, {"bagian": section_for(yt)}).status_code == 404
    client.force_login(jw["leader"])
    # the unit fixes one, marks it addressed with a reply; the other stays open
    _self(jw, abc, "B")
    assessment_services.evidence_add_file(
        actor=jw["member"], assessment=jw["assessment"], question_code=abc, title="Foto kegiatan", uploaded_file=pdf()
    )
    abc_note = ReturnNote.objects.get(question__code=abc)
    response = client.post(
        reverse("workflow:return_addressed", args=[journey.pk, abc_note.pk]), {"reply": "Foto diunggah"}
    )
    assert response.status_code == 302 and f"#q-{abc.replace('.', '-')}" in response["Location"]
    abc_note.refresh_from_db()
    assert abc_note.addressed and abc_note.addressed_note == "Foto diunggah" and abc_note.addressed_by == jw["leader"]
    assert AuditEvent.objects.filter(action="return_addressed", object_id=str(abc_note.pk)).exists()
    # the pre-submit page shows which note is still open; submitting with it open is allowed
    presubmit = client.get(reverse("assessments:submit", args=[jw["assessment"].pk])).content.decode()
    assert "1 belum ditandai sudah diperbaiki" in presubmit and "belum diperbaiki" in presubmit
    client.post(reverse("assessments:submit", args=[jw["assessment"].pk]))
    journey.refresh_from_db()
    assert journey.state == State.SELF_SUBMITTED
    journey = go(jw, journey, State.IN_REVIEW, "reviewer")

    # the reviewer sees what changed, which note is addressed (with the reply) and which is not
    client.force_login(jw["reviewer"])
    html = client.get(lane_url).content.decode()
    assert "Perubahan sejak reviu terakhir" in html
    summary = html[html.index('id="perubahan"') : html.index("</section>", html.index('id="perubahan"'))]
    assert f"#q-{abc.replace('.', '-')}" in summary and "1 data dukung baru" in summary
    assert "catatan sudah diperbaiki" in summary and "catatan belum diperbaiki" in summary
    article = html[html.index(f'id="q-{abc.replace(".", "-")}"') :]
    article = article[: article.index("</article>")]
    assert "Foto kegiatan" in article and "Foto diunggah" in article and "sudah diperbaiki" in article
    # the reviewer's A (copied from the unit's first answer) is still theirs: the unit's B awaits a decision
    assert "<strong>A</strong> → <strong>B</strong>" in article and "jawaban unit berubah" in article
    article = html[html.index(f'id="q-{yt.replace(".", "-")}"') :]
    article = article[: article.index("</article>")]
    assert "SK tim belum ditandatangani" in article and "belum diperbaiki" in article


def test_the_lane_page_confirm_button_and_flag_removal(client, jw):
    abc = jw["codes"]["abc"]
    journey = _in_review(jw)
    _review(jw, abc, "C")
    journey = go(jw, journey, State.RETURNED, "reviewer", note="Perbaiki")
    _self(jw, abc, "B")
    assessment_services.assessment_submit(actor=jw["leader"], assessment=jw["assessment"])
    journey = go(jw, journey, State.IN_REVIEW, "reviewer")
    client.force_login(jw["reviewer"])
    lane_url = reverse("workflow:lane_sheet", args=[journey.pk, "review"])
    html = client.get(lane_url).content.decode()
    confirm = reverse("workflow:change_confirm", args=[journey.pk, "review", abc])
    assert "jawaban unit berubah" in html and f'action="{confirm}"' in html
    assert client.post(confirm).status_code == 302
    html = client.get(lane_url).content.decode()
    assert f'action="{confirm}"' not in html and "nilai Anda ditetapkan" in html
    # a pending flag can be changed and removed again (both audited)
    flag = reverse("workflow:return_flag", args=[journey.pk, "review", abc])
    client.post(flag, {"note": "Cek lagi"})
    client.post(flag, {"note": "Cek foto"})
    assert ReturnNote.objects.get(lane_return__isnull=True).note == "Cek foto"
    client.post(flag, {"hapus": "1"})
    assert not ReturnNote.objects.filter(lane_return__isnull=True).exists()
    actions = list(AuditEvent.objects.filter(object_type__icontains="returnnote").values_list("action", flat=True))
    assert actions == ["return_flag", "update", "delete"]
    assert AuditEvent.objects.filter(action="create", object_type__icontains="lanereturn").count() == 1


def test_permissions(client, jw):
    yt = jw["codes"]["ya_tidak"]
    journey = _in_review(jw)
    flag = reverse("workflow:return_flag", args=[journey.pk, "review", yt])
    # the unit may not flag; another unit's team does not even see the journey; anonymous goes to the login
    client.force_login(jw["member"])
    assert client.post(flag, {"note": "x"}).status_code == 403
    client.force_login(jw["other"])
    assert client.post(flag, {"note": "x"}).status_code == 404
    client.logout()
    assert client.post(flag, {"note": "x"}).status_code == 302
    assert not ReturnNote.objects.exists()
    with pytest.raises(PermissionDenied):
        returns.note_flag(actor=jw["member"], journey=journey, lane=Lane.REVIEW, question_code=yt, note="x")
    with pytest.raises(PermissionDenied):  # the TPI lane is not open in review
        returns.note_flag(actor=jw["tpi1"], journey=journey, lane=Lane.TPI, question_code=yt, note="x")
    returns.note_flag(actor=jw["reviewer"], journey=journey, lane=Lane.REVIEW, question_code=yt, note="Perbaiki")
    journey = go(jw, journey, State.RETURNED, "reviewer", note="Perbaiki")
    note = ReturnNote.objects.get()
    addressed = reverse("workflow:return_addressed", args=[journey.pk, note.pk])
    # the reviewer may not mark the unit's note addressed, nor flag a returned lane; another unit sees nothing
    client.force_login(jw["reviewer"])
    assert client.post(addressed, {"reply": "x"}).status_code == 403
    assert client.post(flag, {"note": "x"}).status_code == 403
    client.force_login(jw["other"])
    assert client.post(addressed, {"reply": "x"}).status_code == 404
    outsider = factories.make_user_with_role(Role.UNIT_TEAM_LEADER, unit=jw["rutan"], username="ketua-rutan")
    with pytest.raises(PermissionDenied):
        returns.note_address(actor=outsider, note=note)
    note.refresh_from_db()
    assert not note.addressed
    # the unit's member may; once resubmitted nobody may (the LKE is no longer with the unit)
    client.force_login(jw["member"])
    assert client.post(addressed, {"reply": ""}).status_code == 302
    assessment_services.assessment_submit(actor=jw["leader"], assessment=jw["assessment"])
    with pytest.raises(PermissionDenied):
        returns.note_address(actor=jw["member"], note=note, reply="lagi")
    # the unit cannot score the review lane, the reviewer cannot edit the unit's answers
    journey = go(jw, journey, State.IN_REVIEW, "reviewer")
    with pytest.raises(PermissionDenied):
        assessment_services.answer_save(
            actor=jw["member"], assessment=jw["assessment"], question_code=yt, raw="Tidak", lane=Lane.REVIEW
        )
    with pytest.raises(PermissionDenied):
        assessment_services.answer_save(actor=jw["reviewer"], assessment=jw["assessment"], question_code=yt, raw="Ya")
    confirm = reverse("workflow:change_confirm", args=[journey.pk, "review", yt])
    client.force_login(jw["member"])
    assert client.post(confirm).status_code == 403


def test_withdrawn_and_revised_evidence_and_the_return_form_refuses_bad_lines(client, jw):
    abc = jw["codes"]["abc"]
    journey = journey_at(jw, State.BUILDING)
    fill_lane(jw)
    old = assessment_services.evidence_add_file(
        actor=jw["member"], assessment=jw["assessment"], question_code=abc, title="SK lama", uploaded_file=pdf()
    )
    kept = assessment_services.evidence_add_file(
        actor=jw["member"], assessment=jw["assessment"], question_code=abc, title="Laporan", uploaded_file=pdf()
    )
    journey = go(jw, journey, State.SELF_SUBMITTED, "leader")
    journey = go(jw, journey, State.IN_REVIEW, "reviewer")
    client.force_login(jw["reviewer"])
    response = client.post(
        reverse("workflow:transition", args=[journey.pk]),
        {"version": journey.version, "to_state": "returned", "note": "x", "flags": "tanpa pemisah"},
    )
    assert response.status_code == 302
    journey.refresh_from_db()
    assert journey.state == State.IN_REVIEW  # a bad line refuses the return, nothing changes
    client.post(
        reverse("workflow:transition", args=[journey.pk]),
        {"version": journey.version, "to_state": "returned", "note": "x", "flags": "Z.9.9 | tidak ada"},
    )
    journey.refresh_from_db()
    assert journey.state == State.IN_REVIEW and not LaneReturn.objects.exists()  # an unknown code too
    journey = go(jw, journey, State.RETURNED, "reviewer", note="Perbaiki data dukung")
    assessment_services.evidence_withdraw(actor=jw["member"], evidence=old, reason="salah unggah")
    assessment_services.evidence_revise(actor=jw["member"], evidence=kept, uploaded_file=pdf("laporan-2.pdf"))
    assessment_services.assessment_submit(actor=jw["leader"], assessment=jw["assessment"])
    journey = go(jw, journey, State.IN_REVIEW, "reviewer")
    item = returns.handoff(journey, Lane.REVIEW).items[abc]
    assert item.withdrawn_evidence == ["SK lama"] and item.revised_evidence == ["Laporan"] and not item.answer_changed
    assert Evidence.objects.filter(is_withdrawn=True).count() == 1


def test_handoff_reads_a_fixed_number_of_queries(jw, django_assert_max_num_queries):
    abc, yt = jw["codes"]["abc"], jw["codes"]["ya_tidak"]
    journey = _in_review(jw)
    returns.note_flag(actor=jw["reviewer"], journey=journey, lane=Lane.REVIEW, question_code=abc, note="a")
    journey = go(jw, journey, State.RETURNED, "reviewer", note="Perbaiki")
    returns.handoff(journey, Lane.REVIEW)  # warm the template cache
    with django_assert_max_num_queries(6):
        returns.handoff(journey, Lane.REVIEW)
    # more notes, evidence and changed answers: the same number of queries
    for code in list(jw["spec"].questions)[:8]:
        assessment_services.evidence_add_file(
            actor=jw["member"],
            assessment=jw["assessment"],
            question_code=code,
            title=f"Bukti {code}",
            uploaded_file=pdf(),
        )
    _self(jw, yt, "Tidak")
    _self(jw, abc, "C")
    with django_assert_max_num_queries(6):
        assert len(returns.handoff(journey, Lane.REVIEW).changed) >= 8
