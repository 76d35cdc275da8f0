"""The evaluator workspace (unit answer and evidence beside each lane question) and the daily reminder task."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.workflow.conftest import fill_lane, go, journey_at, pdf, team
from zi.assessments import services as assessment_services
from zi.assessments.models import Evidence, EvidenceKind, EvidenceRevision, Lane
from zi.workflow import reminders, services
from zi.workflow.models import ReminderLog, State
from zi.workflow.tasks import workflow_send_reminders


def _to_tpi_evaluation(jw, with_evidence=True):
    journey = journey_at(jw, State.BUILDING)
    code = jw["codes"]["abc"]
    if with_evidence:
        assessment_services.evidence_add_file(
            actor=jw["member"],
            assessment=jw["assessment"],
            question_code=code,
            title="SK Tim Kerja ZI",
            uploaded_file=pdf("sk-tim.pdf"),
        )
    fill_lane(jw)
    for to_state, actor in ((State.SELF_SUBMITTED, "leader"), (State.IN_REVIEW, "reviewer")):
        journey = go(jw, journey, to_state, actor)
    return journey, code


def test_review_and_tpi_sheets_show_unit_answer_and_evidence(client, jw):
    journey, code = _to_tpi_evaluation(jw)
    self_answer = jw["assessment"].answers.get(lane=Lane.SELF, question__code=code)
    evidence = Evidence.objects.get(assessment=jw["assessment"], title="SK Tim Kerja ZI")
    revision = evidence.revisions.get()
    client.force_login(jw["reviewer"])
    html = client.get(reverse("workflow:lane_sheet", args=[journey.pk, "review"])).content.decode()
    preview = reverse("assessments:evidence_preview", args=[evidence.pk, 1])
    download = reverse("assessments:evidence_file", args=[evidence.pk, 1])
    assert "SK Tim Kerja ZI" in html and revision.sha256 in html and "revisi r1" in html
    assert f'href="{preview}"' in html and f'href="{download}"' in html
    anchor = "q-" + code.replace(".", "-")
    article = html[html.index(f'id="{anchor}"') :]
    article = article[: article.index("</article>")]
    assert "Penilaian mandiri" in article and f"<strong>{self_answer.choice}</strong>" in article
    # every option a real label with its criterion text (no JS needed)
    assert f'<label for="c-{anchor}-1">' in article and f'id="c-{anchor}-1"' in article
    for option in jw["spec"].questions[code].options:
        assert f'<strong>{option.key}</strong> — <span class="lane-criteria">{option.criteria}</span>' in article
    assert article.index("SK Tim Kerja ZI") < article.index('name="choice"')  # evidence comes before the inputs
    # the reviewer scores with a note; the TPI then sees self and review answers and the same evidence
    client.post(reverse("workflow:lane_answer", args=[journey.pk, "review", code]), {"choice": "B", "note": "Cek SK"})
    journey = go(jw, journey, State.REVIEWED, "reviewer")
    services.tpi_assign(actor=jw["admin"], journey=journey, team=team(jw), due=dt.date(2026, 5, 20))
    journey = go(jw, journey, State.TPI_EVALUATION, "tpi1")
    client.force_login(jw["tpi3"])
    html = client.get(reverse("workflow:lane_sheet", args=[journey.pk, "tpi"])).content.decode()
    article = html[html.index(f'id="{anchor}"') :]
    article = article[: article.index("</article>")]
    assert "Reviu Kanwil/Eselon I" in article and "<strong>B</strong>" in article and "Cek SK" in article
    assert f'href="{preview}"' in article
    assert client.get(preview).status_code == 200  # the link goes through the permission-checked view
    assert client.get(download).status_code == 200


def _add_evidence(jw, codes, count, prefix):
    questions = {q.code: q for q in jw["period"].template.questions.filter(code__in=codes)}
    ordered = [questions[c] for c in codes]
    for index in range(count):
        item = Evidence.objects.create(
            assessment=jw["assessment"],
            question=ordered[index % len(ordered)],
            title=f"{prefix} {index}",
            kind=EvidenceKind.LINK,
        )
        for number in (1, 2):
            EvidenceRevision.objects.create(
                evidence=item,
                number=number,
                url=f"https://example.go.id/{prefix}/{index}/{number}",
                sha256=f"{index:064x}",
            )


def test_lane_sheet_queries_do_not_grow_with_evidence_or_other_tabs(client, jw, django_assert_max_num_queries):
    """One tab per page: its queries stay the same whatever this tab's evidence holds, and whatever answers and
    evidence the other tabs hold (only the shown tab's rows are loaded)."""
    from zi.assessments.selectors import section_key

    journey, code = _to_tpi_evaluation(jw)
    spec = jw["spec"]
    tab_one = [c for c in spec.questions if section_key(spec, c) == "1"][:20]
    elsewhere = [c for c in spec.questions if section_key(spec, c) != "1"]
    client.force_login(jw["reviewer"])
    url = reverse("workflow:lane_sheet", args=[journey.pk, "review"]) + "?bagian=1"
    client.get(url)
    reset_queries()  # the world's set-up filled the query log (a bounded deque): count from empty
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    fixed = len(few)  # before the next reset: the context reads the log lazily
    assert 10 < fixed < 40
    _add_evidence(jw, tab_one, 60, "Bukti")
    _add_evidence(jw, elsewhere, 200, "Lain")
    for other in elsewhere[:40]:  # the reviewer's own answers on other tabs
        client.post(reverse("workflow:lane_answer", args=[journey.pk, "review", other]), {"choice": "Ya"})
    reset_queries()
    with django_assert_max_num_queries(fixed):
        html = client.get(url).content.decode()
    assert "Bukti 59" in html and "https://example.go.id/Bukti/59/2" in html
    assert "Lain 1" not in html and "example.go.id/Lain/" not in html  # another tab's evidence is not loaded


def test_daily_reminder_task_sends_once(jw):
    journey = journey_at(jw, State.BUILDING)
    jw["leader"].email = "ketua@example.go.id"
    jw["leader"].save()
    period = jw["period"]
    period.self_assessment_deadline = timezone.localdate() + dt.timedelta(days=3)
    period.save()
    assert workflow_send_reminders.call_local() == 1
    assert workflow_send_reminders.call_local() == 0  # a retry or second run the same day sends nothing
    assert len(mail.outbox) == 1 and "ketua@example.go.id" in mail.outbox[0].to
    assert "penilaian mandiri" in mail.outbox[0].subject
    log = ReminderLog.objects.get(journey=journey, kind="self")
    assert log.day == timezone.localdate() and log.deadline == period.self_assessment_deadline
    # the next days of the window: same deadline, nothing new (the command shares the log with the task)
    call_command("workflow", "remind", "--date", str(timezone.localdate() + dt.timedelta(days=1)), stdout=io.StringIO())
    assert len(mail.outbox) == 1
    # a moved deadline is a new deadline: reminded once more
    period.self_assessment_deadline = timezone.localdate() + dt.timedelta(days=5)
    period.save()
    assert workflow_send_reminders.call_local() == 1
    assert workflow_send_reminders.call_local() == 0
    assert len(mail.outbox) == 2 and ReminderLog.objects.filter(journey=journey).count() == 2


def test_failed_send_leaves_no_log_so_the_next_run_retries(jw, monkeypatch):
    journey = journey_at(jw, State.BUILDING)
    jw["leader"].email = "ketua@example.go.id"
    jw["leader"].save()
    jw["period"].self_assessment_deadline = timezone.localdate() + dt.timedelta(days=3)
    jw["period"].save()

    def broken(*args, **kwargs):
        raise OSError("SMTP down")

    monkeypatch.setattr(reminders, "send_mail", broken)
    with pytest.raises(OSError):
        workflow_send_reminders.call_local()
    assert not ReminderLog.objects.filter(journey=journey).exists()
    monkeypatch.undo()
    assert workflow_send_reminders.call_local() == 1 and len(mail.outbox) == 1


def test_daily_reminder_task_is_scheduled_daily():
    from huey.contrib.djhuey import HUEY

    def due_at(hour, minute):  # huey compares naive UTC datetimes (``utc=True``)
        moment = dt.datetime(2026, 6, 1, hour, minute, tzinfo=dt.UTC).replace(tzinfo=None)
        return {task.name for task in HUEY.read_periodic(moment)}

    name = workflow_send_reminders.task_class.__name__
    assert name in due_at(0, 0)
    assert name not in due_at(0, 1) and name not in due_at(12, 0)


def test_lane_sheet_shows_zero_denominator_rule_for_unit_and_own_lane(client, jw):
    """Issue #16 item 6: a 0/0 computed item shows the rule applied and the points at stake on every lane."""
    journey, _code = _to_tpi_evaluation(jw, with_evidence=False)
    zero = {"pengaduan_harus_ditindaklanjuti": 0, "pengaduan_sedang_diproses": 0, "pengaduan_selesai": 0}
    client.force_login(jw["reviewer"])
    url = reverse("workflow:lane_answer", args=[journey.pk, "review", "A.II.5.ii.a"])
    client.post(url, {"in_" + k: "0" for k in zero})
    assert jw["assessment"].answers.get(lane=Lane.REVIEW, question__code="A.II.5.ii.a").value == 0.0
    html = client.get(reverse("workflow:lane_sheet", args=[journey.pk, "review"]) + "?bagian=5").content.decode()
    article = html[html.index('id="q-A-II-5-ii-a"') :]
    article = article[: article.index("</article>")]
    note = "0/0 — dinilai 0 % menurut aturan template (zero); nilai yang dipertaruhkan 3,00"
    assert article.count(note) == 1  # the reviewer's own 0/0 (the unit answered otherwise)
    # the unit's own answer 0/0: shown beside it too
    from zi.assessments.models import Answer

    Answer.objects.filter(assessment=jw["assessment"], lane=Lane.SELF, question__code="A.II.5.ii.a").update(
        inputs=zero, value=0.0
    )
    html = client.get(reverse("workflow:lane_sheet", args=[journey.pk, "review"]) + "?bagian=5").content.decode()
    article = html[html.index('id="q-A-II-5-ii-a"') :]
    assert article[: article.index("</article>")].count(note) == 2
    # the comparison page shows it for both lanes the reviewer sees
    compare = client.get(reverse("workflow:compare", args=[journey.pk])).content.decode()
    row = compare[compare.index('id="q-aii5iia"') :]
    row = row[: row.index("</tr>")]
    assert (
        row.count(note) == 2
        and "<strong>Penilaian mandiri</strong>" in row
        and "<strong>Reviu Kanwil/Eselon I</strong>" in row
    )
    # a count typed with a fraction is refused on the lane too, naming the label
    response = client.post(url, {"in_" + k: "2,5" for k in zero}, follow=True)
    assert "“Jumlah pengaduan masyarakat yang harus ditindaklanjuti” harus bilangan bulat" in response.content.decode()
