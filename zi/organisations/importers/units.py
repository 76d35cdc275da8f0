"""Checking units: rows plus what the agency already holds to a plan and row errors (parents, cycles, depth)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from zi.organisations.importers.columns import FALSE_WORDS, TRUE_WORDS, UNITS
from zi.organisations.importers.reading import MAX_TREE_DEPTH, check_columns
from zi.organisations.importers.results import RowError, Table
from zi.organisations.models import Agency, Unit, UnitType


@dataclass(frozen=True)
class ExistingUnit:
    pk: int
    path: str
    depth: int
    province: str


@dataclass
class UnitContext:
    """What the database holds that a units file is checked against."""

    agency_province: str
    existing: dict[str, ExistingUnit]  # code (upper-cased) → unit of the agency
    unit_types: dict[str, int]  # code (lower-cased) → pk


@dataclass
class UnitPlan:
    row: int
    code: str
    name: str
    parent_code: str
    unit_type_id: int
    serves_public: bool
    province: str
    level: int = 0  # distance from the nearest parent that already exists (or from the root)


def load_unit_context(agency: Agency) -> UnitContext:
    existing = {
        code.upper(): ExistingUnit(pk, path, depth, province)
        for pk, code, path, depth, province in Unit.objects.filter(agency=agency).values_list(
            "pk", "code", "path", "depth", "province"
        )
    }
    types = {code.lower(): pk for pk, code in UnitType.objects.values_list("pk", "code")}
    return UnitContext(agency_province=agency.province, existing=existing, unit_types=types)


def parse_bool(value: str) -> bool | None:
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def _too_long(row: int, column: str, value: str, limit: int) -> RowError | None:
    if len(value) > limit:
        return RowError(row, column, _("Terlalu panjang (maksimal %(n)d karakter).") % {"n": limit})
    return None


def _required(row: int, column: str, value: str) -> RowError | None:
    return None if value else RowError(row, column, _("Wajib diisi."))


def _unit_row_errors(number: int, record: dict[str, str], context: UnitContext) -> list[RowError]:
    errors = [
        _required(number, "code", record.get("code", "")),
        _required(number, "name", record.get("name", "")),
        _required(number, "unit_type", record.get("unit_type", "")),
        _too_long(number, "code", record.get("code", ""), 64),
        _too_long(number, "name", record.get("name", ""), 255),
        _too_long(number, "province", record.get("province", ""), 100),
    ]
    type_code = record.get("unit_type", "").lower()
    if type_code and type_code not in context.unit_types:
        known = ", ".join(sorted(context.unit_types)) or "-"
        errors.append(
            RowError(
                number,
                "unit_type",
                _("Jenis unit tidak dikenal: %(type)s. Jenis yang dikenal: %(known)s.")
                % {"type": record["unit_type"], "known": known},
            )
        )
    if record.get("serves_public", "") and parse_bool(record["serves_public"]) is None:
        errors.append(RowError(number, "serves_public", _("Isi dengan ya atau tidak.")))
    return [error for error in errors if error is not None]


def _find_cycles(parents: dict[str, str]) -> dict[str, list[str]]:
    """Codes that lie on a cycle of ``parents`` (code → parent code), each with the cycle it is on."""
    on_cycle: dict[str, list[str]] = {}
    state: dict[str, int] = {}  # 1 = on the current walk, 2 = done
    for start in parents:
        if state.get(start):
            continue
        walk: list[str] = []
        node: str | None = start
        while node is not None and node in parents and not state.get(node):
            state[node] = 1
            walk.append(node)
            node = parents[node] or None
        if node is not None and state.get(node) == 1:
            cycle = walk[walk.index(node) :]
            for member in cycle:
                on_cycle[member] = [*cycle, node]
        for member in walk:
            state[member] = 2
    return on_cycle


def _levels(plans: dict[str, UnitPlan]) -> None:
    """Set each plan's ``level``: 0 when its parent is not in the file (assumes no cycles)."""
    levels: dict[str, int] = {}
    for key in plans:
        chain: list[str] = []
        node: str | None = key
        while node is not None and node not in levels:
            chain.append(node)
            parent = plans[node].parent_code.upper()
            node = parent if parent in plans else None
        level = levels[node] if node is not None else -1
        for member in reversed(chain):
            level += 1
            levels[member] = level
    for key, plan in plans.items():
        plan.level = levels[key]


def check_units(table: Table, context: UnitContext) -> tuple[list[UnitPlan], list[RowError]]:
    """Check a units table against ``context``; returns the plans (in file order) and every row error."""
    errors = list(table.errors) + check_columns(table, UNITS)
    if any(error.row == 1 for error in errors):
        return [], errors
    plans: dict[str, UnitPlan] = {}
    first_row: dict[str, int] = {}
    for number, record in table.rows:
        row_errors = _unit_row_errors(number, record, context)
        code = record.get("code", "")
        key = code.upper()
        if code and key in first_row:
            row_errors.append(
                RowError(
                    number,
                    "code",
                    _("Kode %(code)s sudah dipakai di baris %(row)d.") % {"code": code, "row": first_row[key]},
                )
            )
        elif code and key in context.existing:
            row_errors.append(RowError(number, "code", _("Kode %(code)s sudah ada di instansi ini.") % {"code": code}))
        if code and key not in first_row:
            first_row[key] = number
        errors.extend(row_errors)
        if row_errors:
            continue
        serves_public = parse_bool(record.get("serves_public", "")) if record.get("serves_public") else True
        plans[key] = UnitPlan(
            row=number,
            code=code,
            name=record["name"],
            parent_code=record.get("parent_code", ""),
            unit_type_id=context.unit_types[record["unit_type"].lower()],
            serves_public=bool(serves_public),
            province=record.get("province", ""),
        )
    errors.extend(_check_parents(table, first_row, context))
    parents = {key: plan.parent_code.upper() for key, plan in plans.items() if plan.parent_code.upper() in plans}
    for key, cycle in _find_cycles(parents).items():
        codes = " \u2192 ".join(plans[member].code for member in cycle)
        errors.append(
            RowError(plans[key].row, "parent_code", _("Siklus pada pohon unit: %(cycle)s.") % {"cycle": codes})
        )
    if errors:
        return [], sorted(errors, key=lambda error: (error.row, error.column))
    _levels(plans)
    errors.extend(_check_depth(plans, context))
    return list(plans.values()), errors


def _check_parents(table: Table, in_file: dict[str, int], context: UnitContext) -> list[RowError]:
    errors = []
    for number, record in table.rows:
        parent = record.get("parent_code", "")
        if not parent:
            continue
        if parent.upper() == record.get("code", "").upper():
            errors.append(RowError(number, "parent_code", _("Unit tidak dapat menjadi induk dirinya sendiri.")))
        elif parent.upper() not in in_file and parent.upper() not in context.existing:
            errors.append(
                RowError(
                    number,
                    "parent_code",
                    _("Unit induk %(code)s tidak ada di berkas maupun di instansi ini.") % {"code": parent},
                )
            )
    return errors


def _check_depth(plans: dict[str, UnitPlan], context: UnitContext) -> list[RowError]:
    errors = []
    for plan in plans.values():
        top = plan
        while top.parent_code.upper() in plans:
            top = plans[top.parent_code.upper()]
        base = context.existing[top.parent_code.upper()].depth + 1 if top.parent_code else 0
        if base + plan.level >= MAX_TREE_DEPTH:
            errors.append(
                RowError(
                    plan.row,
                    "parent_code",
                    _("Pohon unit terlalu dalam (maksimal %(n)d tingkat).") % {"n": MAX_TREE_DEPTH},
                )
            )
    return errors
