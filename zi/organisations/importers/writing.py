"""Writing: one transaction that re-reads the context, re-checks and writes everything with its audit events, or
nothing."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zi.core import audit
from zi.core.actors import Actor
from zi.organisations.importers.columns import PEOPLE, UNITS, USER_AUDIT_FIELDS
from zi.organisations.importers.people import PeopleContext, PersonPlan, check_people, load_people_context
from zi.organisations.importers.reading import read_table
from zi.organisations.importers.results import FileProblem, ImportResult, RowError, Table
from zi.organisations.importers.units import UnitContext, UnitPlan, check_units, load_unit_context
from zi.organisations.models import Agency, RoleAssignment, Unit
from zi.organisations.services import UNIT_FIELDS


class _Rollback(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("import rolled back")
        self.errors = errors


def _write_units(actor: Actor, agency: Agency, plans: list[UnitPlan], context: UnitContext, batch: str) -> list[Unit]:
    created: dict[str, Unit] = {}
    for level in sorted({plan.level for plan in plans}):
        level_units = []
        for plan in (p for p in plans if p.level == level):
            parent_key = plan.parent_code.upper()
            parent = created.get(parent_key)
            existing = context.existing.get(parent_key) if parent is None and parent_key else None
            parent_province = parent.province if parent else (existing.province if existing else agency.province)
            unit = Unit(
                agency=agency,
                parent_id=parent.pk if parent else (existing.pk if existing else None),
                code=plan.code,
                name=plan.name,
                unit_type_id=plan.unit_type_id,
                serves_public=plan.serves_public,
                province=plan.province or parent_province,
                path="pending/",
            )
            unit._parent_path, unit._parent_depth = (  # type: ignore[attr-defined]
                (parent.path, parent.depth) if parent else ((existing.path, existing.depth) if existing else ("", -1))
            )
            level_units.append(unit)
            created[plan.code.upper()] = unit
        Unit.objects.bulk_create(level_units, batch_size=1000)
        for unit in level_units:
            unit.path = f"{unit._parent_path}{unit.pk}/"  # type: ignore[attr-defined]
            unit.depth = unit._parent_depth + 1  # type: ignore[attr-defined]
            if len(unit.path) > 255:
                raise _Rollback([RowError(0, "parent_code", _("Pohon unit terlalu dalam untuk disimpan."))])
        Unit.objects.bulk_update(level_units, ["path", "depth"], batch_size=1000)
    units = list(created.values())
    rows = {plan.code.upper(): plan.row for plan in plans}
    audit.record_many(
        actor,
        [
            audit.Change(
                "create",
                obj=unit,
                after=audit.snapshot(unit, UNIT_FIELDS),
                extra={"import": batch, "row": rows[unit.code.upper()]},
            )
            for unit in units
        ],
    )
    return units


def _write_people(actor: Actor, agency: Agency, plans: list[PersonPlan], context: PeopleContext, batch: str) -> int:
    User = get_user_model()
    users = []
    for plan in plans:
        unit = context.units.get(plan.unit_code.upper()) if plan.unit_code else None
        users.append(
            User(
                username=plan.username,
                full_name=plan.full_name,
                nip=plan.nip,
                email=plan.email,
                unit=unit,
                position=plan.position,
                employment_type=plan.employment_type,
                password=make_password(None),
            )
        )
    User.objects.bulk_create(users, batch_size=1000)
    assignments = [
        RoleAssignment(
            user=user,
            role=plan.role,
            unit=user.unit,
            agency=None if user.unit else agency,
        )
        for plan, user in zip(plans, users, strict=True)
        if plan.role
    ]
    RoleAssignment.objects.bulk_create(assignments, batch_size=1000)
    changes = [
        audit.Change(
            "create", obj=user, after=audit.snapshot(user, USER_AUDIT_FIELDS), extra={"import": batch, "row": plan.row}
        )
        for plan, user in zip(plans, users, strict=True)
    ]
    changes += [
        audit.Change("create", obj=assignment, after=audit.snapshot(assignment), extra={"import": batch})
        for assignment in assignments
    ]
    audit.record_many(actor, changes)
    return len(users)


def _summary(actor: Actor, agency: Agency, kind: str, count: int, batch: str, filename: str) -> None:
    audit.record(
        actor,
        "import",
        agency,
        extra={"import": batch, "kind": kind, "created": count, "filename": filename[:200]},
    )


@dataclass(frozen=True)
class _Steps:
    """What differs between a units and a people import: the context read inside the transaction, the checks of
    the rows against it, and the write (how many rows it created)."""

    load: Callable[[Agency, Table], Any]
    check: Callable[[Table, Any], tuple[list[Any], list[RowError]]]
    write: Callable[[Actor, Agency, list[Any], Any, str], int]


_STEPS = {
    UNITS: _Steps(
        load=lambda agency, table: load_unit_context(agency),
        check=check_units,
        write=lambda actor, agency, plans, context, batch: len(_write_units(actor, agency, plans, context, batch)),
    ),
    PEOPLE: _Steps(load=load_people_context, check=check_people, write=_write_people),
}


def run_import(
    kind: str,
    *,
    actor: Actor,
    agency: Agency,
    data: bytes,
    filename: str = "",
    dry_run: bool = False,
    encoding: str = "utf-8",
) -> ImportResult:
    """Read and check a units (``kind`` UNITS) or people file and, unless ``dry_run`` or any row is wrong, create all
    its rows in one transaction, with the import's summary event."""
    kind = UNITS if kind == UNITS else PEOPLE
    steps = _STEPS[kind]
    result = ImportResult(kind=kind, dry_run=dry_run)
    try:
        table = read_table(data, filename, encoding)
        result.rows = len(table.rows)
        with transaction.atomic():
            context = steps.load(agency, table)
            plans, errors = steps.check(table, context)
            if errors:
                raise _Rollback(errors)
            if dry_run:
                return result
            batch = uuid.uuid4().hex
            result.created = steps.write(actor, agency, plans, context, batch)
            _summary(actor, agency, kind, result.created, batch, filename)
    except FileProblem as problem:
        result.errors = [problem.error]
        result.created = 0
    except _Rollback as rollback:
        result.errors = rollback.errors
        result.created = 0
    except IntegrityError:
        result.errors = [RowError(0, "", _("Data berubah selama impor (kode atau nama pengguna bentrok). Coba lagi."))]
        result.created = 0
    return result


def import_units(
    *, actor: Actor, agency: Agency, data: bytes, filename: str = "", dry_run: bool = False, encoding: str = "utf-8"
) -> ImportResult:
    """Check a units file and, unless ``dry_run`` or any row is wrong, create all its units in one transaction."""
    return run_import(
        UNITS, actor=actor, agency=agency, data=data, filename=filename, dry_run=dry_run, encoding=encoding
    )


def import_people(
    *, actor: Actor, agency: Agency, data: bytes, filename: str = "", dry_run: bool = False, encoding: str = "utf-8"
) -> ImportResult:
    """Check a people file and, unless ``dry_run`` or any row is wrong, create all its people in one transaction."""
    return run_import(
        PEOPLE, actor=actor, agency=agency, data=data, filename=filename, dry_run=dry_run, encoding=encoding
    )
