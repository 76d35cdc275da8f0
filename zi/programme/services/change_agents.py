"""Change agents and the concrete changes they make."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zi.assessments.models import Period
from zi.core import audit
from zi.core.actors import Actor
from zi.organisations.models import Unit
from zi.organisations.records import clean_date, clean_staff_of, clean_text, set_fields
from zi.programme.models import ChangeAgent, ConcreteChange
from zi.programme.services.common import _in_period, _record_create, _record_update, _require_manage


@transaction.atomic
def change_agent_appoint(
    *, actor: Actor, unit: Unit, period: Period, person: Any, appointed_on: dt.date, decree_ref: str = ""
) -> ChangeAgent:
    _require_manage(actor, unit)
    person = clean_staff_of(unit, person, _("Agen perubahan"))
    appointed_on = clean_date(appointed_on, _("Tanggal penetapan"))
    if appointed_on > period.ends_on:
        raise ValidationError(_("Tanggal penetapan tidak boleh sesudah akhir periode."))
    if ChangeAgent.objects.filter(unit=unit, period=period, person=person).exists():
        raise ValidationError(
            _("%(name)s sudah ditetapkan sebagai agen perubahan pada periode ini.") % {"name": person}
        )
    agent = ChangeAgent.objects.create(
        unit=unit,
        period=period,
        person=person,
        appointed_on=appointed_on,
        decree_ref=clean_text(decree_ref, _("Nomor SK"), max_length=255, single_line=True),
    )
    audit.record(actor, "create", agent, after=audit.snapshot(agent))
    return agent


@transaction.atomic
def change_agent_update(
    *, actor: Actor, agent: ChangeAgent, appointed_on: dt.date | None = None, decree_ref: str | None = None
) -> ChangeAgent:
    agent = ChangeAgent.objects.select_for_update().select_related("unit", "period").get(pk=agent.pk)
    _require_manage(actor, agent.unit)
    before = audit.snapshot(agent)
    if appointed_on is not None:
        agent.appointed_on = clean_date(appointed_on, _("Tanggal penetapan"))
        if agent.appointed_on > agent.period.ends_on:
            raise ValidationError(_("Tanggal penetapan tidak boleh sesudah akhir periode."))
    if decree_ref is not None:
        agent.decree_ref = clean_text(decree_ref, _("Nomor SK"), max_length=255, single_line=True)
    agent.save()
    audit.record(actor, "update", agent, before=before, after=audit.snapshot(agent))
    return agent


CHANGE_FIELDS = ("agent", "title", "description", "made_on", "integrated", "integration_how")


def _clean_change(change: ConcreteChange) -> None:
    change.title = clean_text(change.title, _("Judul perubahan"), required=True, max_length=255, single_line=True)
    change.description = clean_text(change.description, _("Uraian"))
    change.made_on = _in_period(
        clean_date(change.made_on, _("Tanggal perubahan")), change.agent.period, _("Tanggal perubahan")
    )
    change.integrated = bool(change.integrated)
    change.integration_how = clean_text(change.integration_how, _("Cara integrasi"))
    if change.integrated and not change.integration_how:
        raise ValidationError(
            _("Jelaskan bagaimana perubahan diintegrasikan ke sistem manajemen (mis. SOP, SK, sistem informasi).")
        )


@transaction.atomic
def change_create(
    *,
    actor: Actor,
    agent: ChangeAgent,
    title: str,
    made_on: dt.date,
    description: str = "",
    integrated: bool = False,
    integration_how: str = "",
) -> ConcreteChange:
    change = ConcreteChange(
        agent=agent,
        title=title,
        description=description,
        made_on=made_on,
        integrated=integrated,
        integration_how=integration_how,
    )
    return _record_create(actor=actor, record=change, snapshot=CHANGE_FIELDS, clean=_clean_change)


@transaction.atomic
def change_update(*, actor: Actor, change: ConcreteChange, **changes: Any) -> ConcreteChange:
    def apply(record: ConcreteChange) -> None:
        set_fields(record, changes, CHANGE_FIELDS[1:])
        _clean_change(record)

    return _record_update(
        actor=actor, record=change, snapshot=CHANGE_FIELDS, apply=apply, related=("agent__unit", "agent__period")
    )
