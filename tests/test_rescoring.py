"""Stored scores: one lane after a save and whole periods set-based give the same numbers."""

from __future__ import annotations

import datetime as dt
import json
import math
import random

import pytest
from django.core.management import call_command

from tests import factories
from zi.assessments.models import Answer, LaneScore, Period
from zi.assessments.scoring import lane_rescore, lane_values, period_parts, rescore_period
from zi.core.audit import verify
from zi.core.models import AuditEvent
from zi.lke import scoring
from zi.lke.models import LkeQuestion, LkeTemplate
from zi.lke.services import template_spec

pytestmark = pytest.mark.django_db

CHOICE_VALUES = {
    "ya_tidak": [0.0, 1.0],
    "abc": [0, 0.5, 1],
    "abcd": [0, 0.33, 0.67, 1],
    "abcde": [0, 0.25, 0.5, 0.75, 1],
}


def assert_breakdown(spec, breakdown, expected):
    """A stored breakdown holds the reason codes and expands to exactly what ``zi lke score`` prints."""
    assert breakdown == expected.to_stored()
    assert scoring.expand_breakdown(spec, breakdown) == expected.to_dict()


def make_assessments(period, n, rng, lane="self", predicate=""):
    agency = factories.AgencyFactory()
    questions = list(LkeQuestion.objects.filter(template=period.template))
    assessments = []
    for i in range(n):
        unit = factories.make_unit(agency=agency, name=f"Satker {i}")
        assessments.append(
            factories.make_assessment(unit=unit, period=period, current_predicate=rng.choice(["", "WBK", predicate]))
        )
    answers = []
    for a in assessments:
        for q in questions:
            if rng.random() < 0.1:
                continue  # some unanswered
            if q.answer_type in CHOICE_VALUES:
                value = float(rng.choice(CHOICE_VALUES[q.answer_type]))
            else:
                value = rng.randrange(0, 1_000_001) / 1_000_000
            answers.append(Answer(assessment=a, lane=lane, question=q, value=None if rng.random() < 0.05 else value))
    Answer.objects.bulk_create(answers)
    return assessments


def test_lane_values_and_rescore_match_the_engine(period):
    rng = random.Random(7)
    (assessment,) = make_assessments(period, 1, rng)
    spec = template_spec(period.template)
    values = lane_values(assessment, "self")
    expected = scoring.score(spec, values, assessment.current_predicate or None)
    score = lane_rescore(assessment=assessment, lane="self")
    stored = LaneScore.objects.get(assessment=assessment, lane="self")
    assert_breakdown(spec, stored.breakdown, expected)
    assert stored.total == expected.total / 100 == score.total
    assert stored.eligible_wbk is expected.eligible_wbk


def test_lane_rescore_audits_only_changes_and_is_cheap(period, django_assert_max_num_queries):
    rng = random.Random(3)
    (assessment,) = make_assessments(period, 1, rng)
    lane_rescore(assessment=assessment, lane="self")  # warms the spec cache, first score → audited
    assert AuditEvent.objects.filter(action="rescore").count() == 1
    with django_assert_max_num_queries(6):  # savepoint pair + template id/hash + answers + previous + upsert
        lane_rescore(assessment=assessment, lane="self")
    assert AuditEvent.objects.filter(action="rescore").count() == 1  # nothing changed, no event
    answer = Answer.objects.filter(assessment=assessment, lane="self", question__code="A.II.3.iii.a").first()
    if answer is None:
        question = LkeQuestion.objects.get(template=period.template, code="A.II.3.iii.a")
        answer = Answer.objects.create(assessment=assessment, lane="self", question=question, value=0.0)
    answer.value = 0.0 if answer.value else 1.0
    answer.save()
    lane_rescore(assessment=assessment, lane="self")
    event = AuditEvent.objects.filter(action="rescore").last()
    assert AuditEvent.objects.filter(action="rescore").count() == 2
    assert event.before["total"] != event.after["total"]
    assert verify().ok


@pytest.mark.parametrize("settings_change", [{}, {"missing_answer": "excluded", "lhkasn_counted": False}])
def test_rescore_period_equals_per_answer_engine(period, settings_change, django_assert_max_num_queries):
    if settings_change:
        template = period.template
        template.data = {**template.data, "settings": {**template.data["settings"], **settings_change}}
        template.content_hash = "changed-for-test"
        template.save()
    rng = random.Random(11)
    assessments = make_assessments(period, 25, rng, predicate="WBBM")
    # another lane's answers must not leak into "self"
    q = LkeQuestion.objects.get(template=period.template, code="B.I.a")
    Answer.objects.filter(assessment=assessments[0], question=q, lane="self").delete()
    Answer.objects.create(assessment=assessments[0], lane="tpi", question=q, value=1.0)

    spec = template_spec(LkeTemplate.objects.get(pk=period.template_id))
    assert spec.settings.missing_answer == settings_change.get("missing_answer", "zero")
    rescore_period(period=period, lane="self", batch_size=10)  # warm caches
    with django_assert_max_num_queries(25):  # a fixed number per batch of 10, not per assessment
        assert rescore_period(period=period, lane="self", batch_size=10) == 25
    for a in assessments:
        expected = scoring.score(spec, lane_values(a, "self"), a.current_predicate or None)
        stored = LaneScore.objects.get(assessment=a, lane="self")
        assert_breakdown(spec, stored.breakdown, expected), a.pk
        assert (stored.eligible_wbk, stored.eligible_wbbm) == (expected.eligible_wbk, expected.eligible_wbbm)
    assert not LaneScore.objects.filter(lane="tpi").exists()


def test_rescore_period_updates_in_place_and_scores_empty_assessments(period):
    rng = random.Random(5)
    (a,) = make_assessments(period, 1, rng)
    empty = factories.make_assessment(unit=factories.make_unit(name="Kosong"), period=period)
    assert rescore_period(period=period) == 2
    assert LaneScore.objects.get(assessment=empty).total == 0.0
    Answer.objects.filter(assessment=a).update(value=1.0)
    Answer.objects.filter(assessment=a, value__isnull=True).update(value=1.0)
    rescore_period(period=period)
    assert LaneScore.objects.count() == 2
    stored = LaneScore.objects.get(assessment=a)
    spec = template_spec(period.template)
    assert stored.total == scoring.score(spec, lane_values(a, "self")).total / 100


def make_varied_assessments(period, n, rng):
    """``n`` assessments whose answers range from empty to near full marks (so both eligible and failing
    predicates, reasons of every kind and unanswered hasil items occur), with random current predicates."""
    agency = factories.AgencyFactory()
    questions = list(LkeQuestion.objects.filter(template=period.template))
    assessments = [
        factories.make_assessment(
            unit=factories.make_unit(agency=agency, name=f"Acak {i}"),
            period=period,
            current_predicate=rng.choice(["", "WBK", "WBBM"]),
        )
        for i in range(n)
    ]
    answers = []
    for a in assessments:
        level = rng.choice([0.0, 0.3, 0.6, 0.8, 0.95, 1.0])
        skip = rng.choice([0.0, 0.0, 0.1, 0.5, 1.0])
        for q in questions:
            if rng.random() < skip:
                continue
            if q.answer_type in CHOICE_VALUES:
                options = [float(v) for v in CHOICE_VALUES[q.answer_type]]
                value = max(options, key=lambda v: -abs(v - level)) if rng.random() < 0.7 else rng.choice(options)
            else:
                value = min(1.0, max(0.0, round(level + rng.uniform(-0.1, 0.1), 6)))
            answers.append(Answer(assessment=a, lane="self", question=q, value=None if rng.random() < 0.03 else value))
    Answer.objects.bulk_create(answers, batch_size=5000)
    return assessments


@pytest.mark.parametrize(
    "settings_change",
    [{}, {"missing_answer": "excluded", "lhkasn_counted": False, "per_area_minimum": "aspect"}],
)
def test_rescore_period_equals_score_on_random_answer_sets(period, settings_change):
    """120 random answer sets per settings variant: every stored row equals ``score()`` on that assessment's
    answers (the pure engine's own property tests in tests/test_scoring.py cover far more answer sets; this one
    proves the database path, so it needs variety, not volume)."""
    if settings_change:
        template = period.template
        template.data = {**template.data, "settings": {**template.data["settings"], **settings_change}}
        template.content_hash = f"random-{sorted(settings_change)}"
        template.save()
    rng = random.Random(2026)
    assessments = make_varied_assessments(period, 120, rng)
    assert rescore_period(period=period, lane="self", batch_size=32) == 120
    spec = template_spec(LkeTemplate.objects.get(pk=period.template_id))
    values_by_assessment: dict[int, dict[str, float | None]] = {a.pk: {} for a in assessments}
    for assessment_id, code, value in Answer.objects.filter(lane="self").values_list(
        "assessment_id", "question__code", "value"
    ):
        values_by_assessment[assessment_id][code] = value
    stored = {s.assessment_id: s for s in LaneScore.objects.filter(lane="self")}
    eligible = set()
    for i, a in enumerate(assessments):
        expected = scoring.score(spec, values_by_assessment[a.pk], a.current_predicate or None)
        row = stored[a.pk]
        assert_breakdown(spec, row.breakdown, expected), a.pk
        assert (row.total, row.pengungkit, row.hasil, row.pemenuhan, row.reform) == (
            expected.total / 100,
            expected.pengungkit / 100,
            expected.hasil / 100,
            expected.pemenuhan / 100,
            expected.reform / 100,
        ), a.pk
        assert (row.eligible_wbk, row.eligible_wbbm) == (expected.eligible_wbk, expected.eligible_wbbm), a.pk
        eligible |= {p for p, e in expected.eligibility.items() if e.eligible}
        if i % 4 == 0:  # the per-assessment path stores the same row (it shares the engine: a sample suffices)
            lane_rescore(assessment=a, lane="self")
            again = LaneScore.objects.get(pk=row.pk)
            assert (again.breakdown, again.total, again.eligible_wbk) == (row.breakdown, row.total, row.eligible_wbk)
    assert eligible == {"WBK", "WBBM"}  # the sets reach both predicates, not only failures


# value × 10**6 exactly halfway between two integers (Python's round() goes to the even one, SQLite's ROUND away
# from zero), their floating-point neighbours, and values with more than six decimals
TRICKY_VALUES = [
    5e-07,
    2.5e-06,
    4.5e-06,
    0.9990005,
    0.9990025,
    math.nextafter(5e-07, 0.0),
    math.nextafter(5e-07, 1.0),
    math.nextafter(2.5e-06, 0.0),
    math.nextafter(0.9990025, 1.0),
    1 / 3,
    2 / 3,
    0.1234565,
    0.9999995,
    math.nextafter(1.0, 0.0),
    0.0,
    1.0,
]


@pytest.mark.parametrize("settings_change", [{}, {"missing_answer": "excluded"}])
def test_rescore_period_is_exact_on_rounding_edges(period, settings_change):
    """Every stored row equals ``score()`` when answers sit on the rounding edges of value-in-millionths, some
    questions are unanswered, a value is NULL, another lane and another period's assessment share the id range."""
    if settings_change:
        template = period.template
        template.data = {**template.data, "settings": {**template.data["settings"], **settings_change}}
        template.content_hash = "edges-excluded"
        template.save()
    assert all(round(v * 10**6) % 2 == 0 for v in TRICKY_VALUES[:5])  # the ties really are ties to an even neighbour
    rng = random.Random(90)
    agency = factories.AgencyFactory()
    questions = list(LkeQuestion.objects.filter(template=period.template).order_by("pk"))
    other_period = Period.objects.create(
        year=2027,
        name="ZI 2027",
        template=period.template,
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2027, 12, 31),
    )
    assessments = []
    for i in range(12):
        unit = factories.make_unit(agency=agency, name=f"Tepi {i}")
        assessments.append(factories.make_assessment(unit=unit, period=other_period if i == 5 else period))
    answers = []
    for i, a in enumerate(assessments):
        for j, q in enumerate(questions):
            if i % 3 == 1 and j % 4 == 0:
                continue  # unanswered
            value = TRICKY_VALUES[(i + j) % len(TRICKY_VALUES)] if i % 2 else rng.choice(TRICKY_VALUES)
            answers.append(Answer(assessment=a, lane="self", question=q, value=None if (i, j) == (2, 7) else value))
            answers.append(Answer(assessment=a, lane="tpi", question=q, value=1.0))
    Answer.objects.bulk_create(answers)
    assert rescore_period(period=period, lane="self", batch_size=4) == 11
    spec = template_spec(LkeTemplate.objects.get(pk=period.template_id))
    parts = period_parts(period=period, lane="self", batch_size=4)
    assert len(parts) == 11
    for a in assessments:
        if a.period_id == other_period.pk:
            assert not LaneScore.objects.filter(assessment=a).exists()
            continue
        # the exact integers (a one-millionth difference in one answer would show here, not in the hundredths)
        assert parts[a.pk] == scoring.parts_from_values(spec, lane_values(a, "self")), a.pk
        expected = scoring.score(spec, lane_values(a, "self"), a.current_predicate or None)
        stored = LaneScore.objects.get(assessment=a, lane="self")
        assert_breakdown(spec, stored.breakdown, expected), a.pk
        assert stored.total == expected.total / 100


def test_answer_units_column_is_pythons_round_of_the_value(period):
    """``Answer.units`` (computed by the database) is ``round(value × 10**6)`` exactly, ties and their neighbours
    included, and NULL for an unanswered value; it follows updates of the value."""
    agency = factories.AgencyFactory()
    assessment = factories.make_assessment(unit=factories.make_unit(agency=agency, name="Satuan"), period=period)
    questions = list(LkeQuestion.objects.filter(template=period.template).order_by("pk"))
    rng = random.Random(5)
    values = [*TRICKY_VALUES, 0.0, 1.0, 0.5, *(rng.random() for _ in range(60)), None]
    values += [k / 10**6 + 5e-07 for k in range(3)] + [math.nextafter(k / 10**6 + 5e-07, 0.0) for k in range(3)]
    values = values[: len(questions)]
    Answer.objects.bulk_create(
        Answer(assessment=assessment, lane="self", question=q, value=v) for q, v in zip(questions, values, strict=False)
    )
    stored = list(Answer.objects.filter(assessment=assessment).order_by("question_id").values_list("value", "units"))
    assert stored == [(v, None if v is None else round(v * 10**6)) for v in values]
    answer = Answer.objects.filter(assessment=assessment, value__isnull=False).first()
    answer.value = 0.9990025
    answer.save()
    assert Answer.objects.values_list("units", flat=True).get(pk=answer.pk) == round(0.9990025 * 10**6) == 999002


def test_stored_reasons_are_codes_that_expand_to_the_sentences(period):
    """The stored breakdown keeps each failed check as a short code; the page, exports and API read the sentence
    (``expand_breakdown``) that ``zi lke score`` prints. Sentences stored by an earlier version pass through."""
    (assessment,) = make_assessments(period, 1, random.Random(3), predicate="")
    Answer.objects.filter(assessment=assessment, question__code="B.I.a").delete()  # IPAK not filled in
    lane_rescore(assessment=assessment, lane="self")
    spec = template_spec(period.template)
    stored = LaneScore.objects.get(assessment=assessment, lane="self").breakdown
    assert stored["v"] == 2 and len(json.dumps(stored, separators=(",", ":"))) < 600  # the full one: 2.4 KB
    codes = stored["reasons"]["WBBM"].split(" ")
    assert "rank" in codes and any(c.startswith("ipak::") for c in codes)
    assert all(" " not in c for c in codes)
    expanded = scoring.expand_breakdown(spec, stored)["eligibility"]["WBBM"]["reasons"]
    assert "Belum memiliki predikat Menuju WBK" in expanded
    assert any(r.startswith("IPAK belum diisi < 3,60 (nilai 0,00 < ") for r in expanded)
    assert scoring.reason_text(spec, "WBK", "total:6089") == "Nilai total 60,89 < 75,00"
    assert scoring.reason_text(spec, "WBK", "area1:262") == "Area Penataan Tatalaksana 2,62 < 4,20 (60% dari 7,00)"
    assert scoring.reason_text(spec, "WBK", "ipkp:185:811") == "IPKP 1,85 < 3,20 (pelayanan publik prima 8,11 < 14,00)"
    assert scoring.reason_text(spec, "WBK", "total:x") == "total:x"  # not a code: unchanged
    legacy = {"total": 60.89, "eligibility": {"WBK": {"eligible": False, "reasons": ["Nilai total 60,89 < 75,00"]}}}
    assert scoring.expand_breakdown(spec, legacy) == legacy  # rows stored by the earlier format pass through
    assert scoring.stored_area_scores(stored, spec.area_names) == [
        area["score"] for area in scoring.expand_breakdown(spec, stored)["areas"].values()
    ]


def test_lke_rescore_command_rewrites_a_period_in_the_current_format(period, capsys):
    """``zi lke rescore YEAR`` rewrites every lane score of the period (here: rows in the earlier full format),
    ``--lane all`` covers every lane, ``--queue`` hands it to the task queue; a wrong year or lane is refused."""
    from django.core.management.base import CommandError

    assessments = make_assessments(period, 3, random.Random(11))
    spec = template_spec(period.template)
    for a in assessments:
        old = scoring.score(spec, lane_values(a, "self"), a.current_predicate or None)
        LaneScore.objects.create(
            assessment=a, lane="self", total=0, pengungkit=0, hasil=0, pemenuhan=0, reform=0,
            eligible_wbk=False, eligible_wbbm=False, breakdown=old.to_dict(), computed_at=a.created_at,
        )  # fmt: skip
    call_command("lke", "rescore", "2026")
    assert "3 penilaian dinilai ulang (jalur self)" in capsys.readouterr().out
    for a in assessments:
        expected = scoring.score(spec, lane_values(a, "self"), a.current_predicate or None)
        stored = LaneScore.objects.get(assessment=a, lane="self")
        assert_breakdown(spec, stored.breakdown, expected)
        assert stored.total == expected.total / 100
    tpi_question = LkeQuestion.objects.filter(template=period.template).first()
    Answer.objects.create(assessment=assessments[1], lane="tpi", question=tpi_question, value=1.0)
    call_command("lke", "rescore", "2026", "--lane", "all")
    # only the lanes the workflow opened: no empty review/TPN lane appears for units nobody reviewed
    assert list(LaneScore.objects.exclude(lane="self").values_list("assessment_id", "lane")) == [
        (assessments[1].pk, "tpi")
    ]
    assert "1 penilaian dinilai ulang (jalur tpi)" in capsys.readouterr().out
    LaneScore.objects.filter(lane="tpi").update(total=0)  # by hand in the database: the inputs did not change
    call_command("lke", "rescore", "2026", "--lane", "tpi")
    assert LaneScore.objects.get(lane="tpi").total == 0
    capsys.readouterr()
    call_command("lke", "rescore", "2026", "--lane", "tpi", "--queue", "--force")
    # the embedded default has no worker: the task ran here, and the command says so (not "queued")
    said = capsys.readouterr().out
    assert "dijalankan langsung di sini: 1 penilaian dinilai ulang (jalur tpi)" in said and "antrean untuk" not in said
    assert LaneScore.objects.get(lane="tpi").total > 0
    with pytest.raises(CommandError, match="Periode 1999"):
        call_command("lke", "rescore", "1999")
    with pytest.raises(CommandError, match="Jalur 'nope'"):
        call_command("lke", "rescore", "2026", "--lane", "nope")


def test_rescore_period_rewrites_only_scores_that_changed(period):
    """A second round with the same answers writes nothing (computed_at is when the score last changed); a changed
    answer rewrites exactly its own assessment's row."""
    rng = random.Random(11)
    changed, same = make_assessments(period, 2, rng)
    assert rescore_period(period=period) == 2
    first = dict(LaneScore.objects.values_list("assessment_id", "computed_at"))
    assert rescore_period(period=period) == 2
    assert dict(LaneScore.objects.values_list("assessment_id", "computed_at")) == first
    Answer.objects.filter(assessment=changed).update(value=1.0)
    rescore_period(period=period)
    after = dict(LaneScore.objects.values_list("assessment_id", "computed_at"))
    assert after[same.pk] == first[same.pk]
    assert after[changed.pk] > first[changed.pk]
    spec = template_spec(period.template)
    assert (
        LaneScore.objects.get(assessment=changed).total == scoring.score(spec, lane_values(changed, "self")).total / 100
    )


def _writes(queries) -> list[str]:
    """The statements of a rescore that write scores: the staging table (PostgreSQL) or the upsert (SQLite)."""
    writes = ("TEMPORARY TABLE", "INSERT INTO assessments_lanescore")
    return [q["sql"] for q in queries if any(w in q["sql"] for w in writes)]


def test_unchanged_scores_are_skipped_before_they_reach_the_database(period):
    """A rescore compares each new row with the stored figures and breakdown digest and sends only the rows that
    differ: a second round over the same answers sends no write at all; a changed answer sends its one row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    changed, same = make_assessments(period, 2, random.Random(5))
    with CaptureQueriesContext(connection) as first:
        rescore_period(period=period)
    assert _writes(first.captured_queries)
    with CaptureQueriesContext(connection) as second:
        assert rescore_period(period=period) == 2
    assert _writes(second.captured_queries) == []
    Answer.objects.filter(assessment=changed).update(value=1.0)
    stamps = dict(LaneScore.objects.values_list("assessment_id", "computed_at"))
    with CaptureQueriesContext(connection) as third:
        rescore_period(period=period)
    assert _writes(third.captured_queries)
    after = dict(LaneScore.objects.values_list("assessment_id", "computed_at"))
    assert after[same.pk] == stamps[same.pk] and after[changed.pk] > stamps[changed.pk]


def test_both_paths_store_the_same_digest_and_a_missing_one_is_filled_without_moving_computed_at(period):
    """``lane_rescore`` (after a save) and ``rescore_period`` write the same inputs digest; a row whose figures
    are right but whose digest is missing (stored before digests, or by hand) gets it, keeping ``computed_at``;
    figures edited by hand under an unchanged digest are repaired by ``force``."""
    a, b = make_assessments(period, 2, random.Random(6))
    lane_rescore(assessment=a, lane="self")
    lane_rescore(assessment=b, lane="self")
    by_save = dict(LaneScore.objects.values_list("assessment_id", "inputs_digest"))
    assert None not in by_save.values() and by_save[a.pk] != by_save[b.pk]
    LaneScore.objects.all().delete()
    rescore_period(period=period)
    assert dict(LaneScore.objects.values_list("assessment_id", "inputs_digest")) == by_save
    LaneScore.objects.filter(assessment=a).update(inputs_digest=None)
    LaneScore.objects.filter(assessment=b).update(total=0)
    stamps = dict(LaneScore.objects.values_list("assessment_id", "computed_at"))
    rescore_period(period=period)
    assert dict(LaneScore.objects.values_list("assessment_id", "inputs_digest")) == by_save
    stored = {s.assessment_id: s for s in LaneScore.objects.all()}
    assert stored[a.pk].computed_at == stamps[a.pk]
    assert stored[b.pk].total == 0  # the same inputs: not scored again
    rescore_period(period=period, force=True)
    stored = {s.assessment_id: s for s in LaneScore.objects.all()}
    assert stored[b.pk].total > 0 and stored[b.pk].computed_at > stamps[b.pk]
    assert stored[a.pk].computed_at == stamps[a.pk]


def test_a_new_template_or_scoring_code_scores_every_row_again(period, monkeypatch):
    """The digest covers the template (its content hash) and the scoring code (a fingerprint of its source): after
    either changes, the next rescore scores every assessment again instead of trusting rows of the earlier one."""
    from zi.assessments import scoring as stored_scoring

    make_assessments(period, 2, random.Random(8))
    rescore_period(period=period)
    first = dict(LaneScore.objects.values_list("assessment_id", "inputs_digest"))
    monkeypatch.setattr(stored_scoring, "_SPECS", {})  # restored after the test, like the fingerprint
    monkeypatch.setattr(stored_scoring, "_code_fingerprint", lambda: "other code")
    rescore_period(period=period)
    second = dict(LaneScore.objects.values_list("assessment_id", "inputs_digest"))
    assert second.keys() == first.keys() and not set(second.values()) & set(first.values())
    stored_scoring._SPECS.clear()
    LkeTemplate.objects.filter(pk=period.template_id).update(content_hash="another template")
    rescore_period(period=period)
    third = dict(LaneScore.objects.values_list("assessment_id", "inputs_digest"))
    assert not set(third.values()) & set(second.values())
