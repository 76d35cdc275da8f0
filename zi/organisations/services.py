"""Writes to the organisation model: agencies, units (with their materialised path), role assignments.

Every write records an audit event in the same transaction.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import File
from django.db import transaction
from django.db.models import F, QuerySet, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from zi.accounts.models import User
from zi.core import audit
from zi.core.actors import Actor
from zi.organisations.access import Action, forget_grants, may
from zi.organisations.letterhead import check_logo
from zi.organisations.models import Agency, AgencyLetterhead, Role, RoleAssignment, Unit, UnitType

UNIT_FIELDS = [
    "agency",
    "parent",
    "code",
    "name",
    "unit_type",
    "serves_public",
    "province",
    "time_zone",
    "is_active",
    "path",
]


@transaction.atomic
def agency_create(
    *, actor: Actor, code: str, name: str, kind: str, province: str = "", require_second_factor: bool = False
) -> Agency:
    agency = Agency(
        code=code.strip(),
        name=name.strip(),
        kind=kind,
        province=province,
        require_second_factor=require_second_factor,
    )
    audit.save_and_record(actor, agency)
    return agency


def _check_code_free(unit: Unit) -> None:
    """A unit's code is unique within its agency (Django's own message for the constraint reads wrongly in
    Indonesian, so the rule is said here first)."""
    taken = Unit.objects.filter(agency_id=unit.agency_id, code=unit.code).exclude(pk=unit.pk).exists()
    if taken:
        raise ValidationError(
            {"code": _("Kode %(code)s sudah dipakai unit lain di instansi ini.") % {"code": unit.code}}
        )


def _path_for(parent: Unit | None, pk: int) -> tuple[str, int]:
    if parent is None:
        return f"{pk}/", 0
    return f"{parent.path}{pk}/", parent.depth + 1


@transaction.atomic
def unit_create(
    *,
    actor: Actor,
    agency: Agency,
    code: str,
    name: str,
    unit_type: UnitType,
    parent: Unit | None = None,
    serves_public: bool = True,
    province: str = "",
    time_zone: str = "",
) -> Unit:
    if parent is not None and parent.agency_id != agency.pk:
        raise ValidationError(_("Unit induk harus berada di instansi yang sama."))
    if parent is not None and not parent.is_active:
        raise ValidationError(_("Unit induk sudah ditutup."))
    unit = Unit(
        agency=agency,
        parent=parent,
        code=code.strip(),
        name=name.strip(),
        unit_type=unit_type,
        serves_public=serves_public,
        province=province or (parent.province if parent else agency.province),
        time_zone=time_zone,
    )
    unit.path = "pending/"
    _check_code_free(unit)
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path, unit.depth = _path_for(parent, unit.pk)
    unit.save(update_fields=["path", "depth"])
    audit.record(actor, "create", unit, after=audit.snapshot(unit, UNIT_FIELDS))
    return unit


@transaction.atomic
def unit_update(*, actor: Actor, unit: Unit, **changes: Any) -> Unit:
    """Change a unit's fields; a new ``parent`` moves its whole subtree (one UPDATE, cycle-checked)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = audit.snapshot(unit, UNIT_FIELDS)
    new_parent = changes.pop("parent", unit.parent)
    for field, value in changes.items():
        setattr(unit, field, value)
    moving = (new_parent.pk if new_parent else None) != unit.parent_id
    if moving:
        if new_parent is not None:
            if new_parent.agency_id != unit.agency_id:
                raise ValidationError(_("Unit induk harus berada di instansi yang sama."))
            if new_parent.path.startswith(unit.path):
                raise ValidationError(_("Unit tidak dapat dipindahkan ke bawah dirinya sendiri (siklus)."))
            if not new_parent.is_active:
                raise ValidationError(_("Unit induk sudah ditutup."))
        old_path, old_depth = unit.path, unit.depth
        unit.parent = new_parent
        unit.path, unit.depth = _path_for(new_parent, unit.pk)
        depth_shift = unit.depth - old_depth
        Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk).update(
            path=Concat(Value(unit.path), Substr("path", len(old_path) + 1)),
            depth=F("depth") + depth_shift,
        )
    _check_code_free(unit)
    audit.save_and_record(actor, unit, UNIT_FIELDS, before=before, action="update")
    return unit


@transaction.atomic
def unit_close(*, actor: Actor, unit: Unit) -> Unit:
    """Close a unit: it stays in the tree with all its history (assessments, surveys, roles, audit) but is marked
    inactive. A unit with open units below it is refused: close those first, or move them elsewhere."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active:
        raise ValidationError(_("Unit ini sudah ditutup."))
    if subtree(unit, include_self=False).filter(is_active=True).exists():
        raise ValidationError(
            _("Unit ini masih membawahi unit yang aktif. Tutup atau pindahkan unit di bawahnya lebih dulu.")
        )
    return _set_active(actor, unit, active=False, action="close")


@transaction.atomic
def unit_reopen(*, actor: Actor, unit: Unit) -> Unit:
    """Open a closed unit again (under an open parent only)."""
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if unit.is_active:
        raise ValidationError(_("Unit ini masih aktif."))
    if unit.parent is not None and not unit.parent.is_active:
        raise ValidationError(_("Unit induknya sudah ditutup. Buka kembali unit induk lebih dulu."))
    return _set_active(actor, unit, active=True, action="reopen")


def _set_active(actor: Actor, unit: Unit, *, active: bool, action: str) -> Unit:
    before = audit.snapshot(unit, UNIT_FIELDS)
    unit.is_active = active
    unit.save(update_fields=["is_active", "updated_at"])
    audit.record(actor, action, unit, before=before, after=audit.snapshot(unit, UNIT_FIELDS))
    return unit


def subtree(unit: Unit, include_self: bool = True) -> QuerySet[Unit]:
    queryset = Unit.objects.filter(path__startswith=unit.path)
    return queryset if include_self else queryset.exclude(pk=unit.pk)


@transaction.atomic
def role_assign(
    *, actor: Actor, user: User, role: str, unit: Unit | None = None, agency: Agency | None = None
) -> RoleAssignment:
    if role not in Role.values:
        raise ValidationError(_("Peran tidak dikenal: %(role)s") % {"role": role})
    if unit is not None and agency is not None:
        raise ValidationError(_("Peran diberikan pada satu simpul: unit atau instansi, bukan keduanya."))
    if unit is None and agency is None and role != Role.NATIONAL_VIEWER:
        raise ValidationError(_("Hanya pemantau nasional yang boleh tanpa unit/instansi."))
    assignment, created = RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit, agency=agency)
    if created:
        audit.record(actor, "create", assignment, after=audit.snapshot(assignment))
    forget_grants(user)
    return assignment


@transaction.atomic
def role_revoke(*, actor: Actor, assignment: RoleAssignment) -> None:
    before = audit.snapshot(assignment)
    audit.record(actor, "delete", assignment, before=before)
    user = assignment.user
    assignment.delete()
    forget_grants(user)


LETTERHEAD_FIELDS = ("name", "subtitle", "address", "logo", "logo_content_type", "logo_sha256")


@transaction.atomic
def letterhead_save(
    *,
    actor: Actor,
    agency: Agency,
    name: str,
    subtitle: str = "",
    address: str = "",
    logo: Any = None,
    remove_logo: bool = False,
) -> AgencyLetterhead:
    """The agency's letterhead (kop surat): name, second line, address and an optional logo (PNG/JPEG, checked by
    content like evidence: :func:`zi.organisations.letterhead.check_logo`). Agency admins only."""
    if not may(actor, Action.UNIT_MANAGE, agency):
        raise PermissionDenied(_("Anda tidak berwenang mengubah kop surat instansi ini."))
    letterhead = AgencyLetterhead.objects.select_for_update().filter(agency=agency).first()
    before = audit.snapshot(letterhead, LETTERHEAD_FIELDS) if letterhead else None
    letterhead = letterhead or AgencyLetterhead(agency=agency)
    letterhead.name = " ".join((name or "").split())
    letterhead.subtitle = " ".join((subtitle or "").split())
    letterhead.address = " ".join((address or "").split())
    if not letterhead.name:
        raise ValidationError(_("Nama instansi pada kop wajib diisi."))
    if logo is not None:
        checked = check_logo(logo)
        letterhead.logo_content_type, letterhead.logo_sha256 = checked.content_type, checked.sha256
        storage = letterhead.logo.storage
        target = letterhead.logo.field.generate_filename(letterhead, "logo")
        if storage.exists(target) and storage.size(target) == checked.size:
            letterhead.logo.name = target  # the same picture again: reuse the stored file
        else:
            if storage.exists(target):
                storage.delete(target)
            logo.seek(0)
            letterhead.logo.save("logo", File(logo), save=False)
    elif remove_logo:
        letterhead.logo, letterhead.logo_content_type, letterhead.logo_sha256 = "", "", ""
    audit.save_and_record(actor, letterhead, LETTERHEAD_FIELDS, before=before)
    return letterhead
