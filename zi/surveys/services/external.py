"""External IPAK/IPKP values (measured outside the platform), recorded and removed with an audit event."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from zi.accounts.actors import actor_user
from zi.core import audit
from zi.core.actors import Actor
from zi.surveys.models import ExternalIndex, InstrumentKind
from zi.surveys.services.errors import SurveyError


@transaction.atomic
def external_index_record(
    *,
    actor: Actor,
    unit: Any,
    period: Any,
    kind: str,
    value: Any,
    source: str,
    respondents: int | None = None,
    note: str = "",
) -> ExternalIndex:
    """Record (or replace) the external IPAK/IPKP of a unit and period, e.g. from the BPS/TPN survey or an
    independent survey; the LKE feed then uses it instead of the unit's own campaigns. Audited before/after."""
    if kind not in (InstrumentKind.IPAK, InstrumentKind.IPKP):
        raise SurveyError(_("Indeks eksternal hanya untuk IPAK atau IPKP."))
    try:
        number = Decimal(str(value).replace(",", ".")).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError) as exc:
        raise SurveyError(_("Nilai harus berupa angka 0–4.")) from exc
    if not Decimal(0) <= number <= Decimal(4):
        raise SurveyError(_("Nilai harus berupa angka 0–4."))
    source = source.strip()[:255]
    if len(source) < 3:
        raise SurveyError(_("Sumber nilai wajib diisi (mis. survei BPS 2026)."))
    row = ExternalIndex.objects.select_for_update().filter(unit=unit, period=period, kind=kind).first()
    before = audit.snapshot(row) if row is not None else None
    if row is None:
        row = ExternalIndex(unit=unit, period=period, kind=kind)
    row.value, row.source, row.respondents, row.note = number, source, respondents, note.strip()
    row.recorded_by = actor_user(actor)
    row.full_clean(exclude=["recorded_by"])
    row.save()
    audit.record(actor, "update" if before else "create", row, before=before, after=audit.snapshot(row))
    return row


@transaction.atomic
def external_index_remove(*, actor: Actor, external: ExternalIndex) -> None:
    """Withdraw an external value (audited): the LKE feed goes back to the unit's own campaigns."""
    before = audit.snapshot(external)
    audit.record(actor, "delete", external, before=before)
    external.delete()
