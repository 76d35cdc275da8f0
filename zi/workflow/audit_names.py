"""How the audit trail names the journey's records whose ``str()`` is a key ("8/review/3"): by unit, lane and
question, one query per type and page (registered with :func:`zi.core.labels.register_live_names`)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from zi.assessments.models import lane_label
from zi.workflow.models import CarriedQuestion, ChangeConfirmation, IssuedLhe, LaneReturn, LheNote, ReturnNote


def lane_returns(ids: list[str]) -> dict[int, str]:
    rows = LaneReturn.objects.filter(pk__in=ids).select_related("journey__unit")
    return {r.pk: f"{r.journey.unit.name} · {lane_label(r.lane)} · {_('versi')} {r.version}" for r in rows}


def return_notes(ids: list[str]) -> dict[int, str]:
    rows = ReturnNote.objects.filter(pk__in=ids).select_related("journey__unit", "question")
    return {r.pk: f"{r.journey.unit.name} · {lane_label(r.lane)} · {r.question.code}" for r in rows}


def carried_questions(ids: list[str]) -> dict[int, str]:
    rows = CarriedQuestion.objects.filter(pk__in=ids).select_related("journey__unit", "question")
    return {r.pk: f"{r.journey.unit.name} · {r.question.code}" for r in rows}


def change_confirmations(ids: list[str]) -> dict[int, str]:
    rows = ChangeConfirmation.objects.filter(pk__in=ids).select_related("lane_return__journey__unit", "question")
    return {r.pk: f"{r.lane_return.journey.unit.name} · {r.question.code}" for r in rows}


def lhe_notes(ids: list[str]) -> dict[int, str]:
    rows = LheNote.objects.filter(pk__in=ids).select_related("journey__unit")
    return {
        r.pk: f"{r.journey.unit.name} · "
        + (_("Komponen hasil") if r.area == LheNote.HASIL else f"{_('area')} {r.area}")
        for r in rows
    }


def issued_lhes(ids: list[str]) -> dict[int, str]:
    rows = IssuedLhe.objects.filter(pk__in=ids).select_related("journey__unit")
    return {r.pk: f"{r.journey.unit.name} · {r.number}" for r in rows}


NAMERS = {
    "workflow.lanereturn": lane_returns,
    "workflow.returnnote": return_notes,
    "workflow.carriedquestion": carried_questions,
    "workflow.changeconfirmation": change_confirmations,
    "workflow.lhenote": lhe_notes,
    "workflow.issuedlhe": issued_lhes,
}
