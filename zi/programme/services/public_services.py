"""The unit's register of public services (LKE A.II.6.i.b)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zi.core.actors import Actor
from zi.organisations.models import Unit
from zi.organisations.records import actor_or_none, clean_text, set_fields
from zi.programme.models import PublicService
from zi.programme.services.common import _record_create, _record_update

SERVICE_FIELDS = ("unit", "name", "description", "standard_reference", "is_active")


def _clean_service(service: PublicService) -> None:
    service.name = clean_text(service.name, _("Nama layanan"), required=True, max_length=255, single_line=True)
    service.description = clean_text(service.description, _("Uraian"))
    service.standard_reference = clean_text(
        service.standard_reference, _("Rujukan standar pelayanan"), max_length=255, single_line=True
    )
    service.is_active = bool(service.is_active)
    clash = PublicService.objects.filter(unit_id=service.unit_id, name__iexact=service.name).exclude(pk=service.pk)
    if clash.exists():
        raise ValidationError(_("Layanan %(name)s sudah terdaftar pada unit ini.") % {"name": service.name})


@transaction.atomic
def service_create(
    *, actor: Actor, unit: Unit, name: str, description: str = "", standard_reference: str = "", is_active: bool = True
) -> PublicService:
    """Register a service the unit provides (the denominator of LKE A.II.6.i.b)."""
    service = PublicService(
        unit=unit,
        name=name,
        description=description,
        standard_reference=standard_reference,
        is_active=is_active,
        created_by=actor_or_none(actor),
    )
    return _record_create(actor=actor, record=service, snapshot=SERVICE_FIELDS, clean=_clean_service)


@transaction.atomic
def service_update(*, actor: Actor, service: PublicService, **changes: Any) -> PublicService:
    def apply(record: PublicService) -> None:
        set_fields(record, changes, SERVICE_FIELDS[1:])
        _clean_service(record)

    return _record_update(actor=actor, record=service, snapshot=SERVICE_FIELDS, apply=apply)
