"""What every programme write shares: the programme's permission and its message, the one write shape of
:mod:`zi.organisations.records` with the programme's defaults, and the validation that needs the period or the LKE
template."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.assessments.models import Period
from zi.core.actors import Actor
from zi.lke.models import LkeQuestion
from zi.organisations import records
from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.organisations.records import require

_R = TypeVar("_R", bound=models.Model)

MANAGE_DENIED = gettext_noop("Anda tidak berwenang mencatat kegiatan pembangunan ZI unit ini.")


def _require_manage(actor: Actor, unit: Unit) -> None:
    require(may(actor, Action.PROGRAMME_MANAGE, unit), _(MANAGE_DENIED))


def _record_create(
    *, record: _R, allowed: Action | None = Action.PROGRAMME_MANAGE, denied: str = "", **write: Any
) -> _R:
    """:func:`zi.organisations.records.record_create` with the programme's permission and message by default."""
    return records.record_create(record=record, allowed=allowed, denied=denied or _(MANAGE_DENIED), **write)


def _record_update(
    *, record: _R, allowed: Action | None = Action.PROGRAMME_MANAGE, denied: str = "", **write: Any
) -> _R:
    """:func:`zi.organisations.records.record_update` with the programme's permission and message by default."""
    return records.record_update(record=record, allowed=allowed, denied=denied or _(MANAGE_DENIED), **write)


def _in_period(day: dt.date, period: Period, label: str) -> dt.date:
    if not (period.starts_on <= day <= period.ends_on):
        raise ValidationError(
            _("%(label)s harus berada di dalam periode %(period)s (%(start)s s.d. %(end)s).")
            % {"label": label, "period": period.name, "start": period.starts_on, "end": period.ends_on}
        )
    return day


def _lke_codes(codes: Iterable[str] | str, period: Period) -> list[str]:
    if isinstance(codes, str):
        codes = codes.replace(",", " ").split()
    wanted = sorted({str(code).strip() for code in codes if str(code).strip()})
    if not wanted:
        return []
    known = set(
        LkeQuestion.objects.filter(template_id=period.template_id, code__in=wanted).values_list("code", flat=True)
    )
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise ValidationError(
            _("Kode pertanyaan LKE tidak dikenal pada template periode ini: %(codes)s") % {"codes": ", ".join(unknown)}
        )
    return wanted
