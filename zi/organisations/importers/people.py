"""Checking people: rows plus what the database already holds to a plan and row errors (duplicates, roles)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from zi.accounts.models import EmploymentType
from zi.organisations.importers.columns import AGENCY_LEVEL_ROLES, EMPLOYMENT_ALIASES, PEOPLE
from zi.organisations.importers.reading import check_columns
from zi.organisations.importers.results import RowError, Table
from zi.organisations.importers.units import _required, _too_long
from zi.organisations.models import Agency, Role, Unit


@dataclass
class PeopleContext:
    agency_id: int
    units: dict[str, Unit]  # code (upper-cased) → unit of the agency
    usernames: set[str]  # lower-cased, all users
    nips: set[str]


@dataclass
class PersonPlan:
    row: int
    username: str
    full_name: str
    nip: str | None
    email: str
    unit_code: str
    position: str
    employment_type: str
    role: str


def load_people_context(agency: Agency, table: Table) -> PeopleContext:
    usernames = [record.get("username", "") for _, record in table.rows if record.get("username")]
    nips = [record.get("nip", "") for _, record in table.rows if record.get("nip")]
    User = get_user_model()
    taken_usernames: set[str] = set()
    for chunk in _chunks(sorted({name.lower() for name in usernames}), 500):
        query = User.objects.annotate(username_lower=Lower("username")).filter(username_lower__in=chunk)
        taken_usernames.update(query.values_list("username_lower", flat=True))
    taken_nips: set[str] = set()
    for chunk in _chunks(sorted(set(nips)), 500):
        taken_nips.update(User.objects.filter(nip__in=chunk).values_list("nip", flat=True))  # type: ignore[arg-type]  # nip is never null in a filter on it
    units = {unit.code.upper(): unit for unit in Unit.objects.filter(agency=agency).only("pk", "code", "path")}
    return PeopleContext(agency_id=agency.pk, units=units, usernames=taken_usernames, nips=taken_nips)


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_username_validator = UnicodeUsernameValidator()


def _person_row_errors(number: int, record: dict[str, str], context: PeopleContext) -> list[RowError]:
    username = record.get("username", "")
    errors = [
        _required(number, "username", username),
        _required(number, "full_name", record.get("full_name", "")),
        _too_long(number, "username", username, 150),
        _too_long(number, "full_name", record.get("full_name", ""), 255),
        _too_long(number, "email", record.get("email", ""), 254),
        _too_long(number, "position", record.get("position", ""), 255),
    ]
    if username:
        try:
            _username_validator(username)
        except ValidationError:
            errors.append(RowError(number, "username", _("Hanya huruf, angka dan @ . + - _ yang boleh dipakai.")))
    nip = record.get("nip", "")
    if nip and not (nip.isdigit() and len(nip) == 18):
        errors.append(RowError(number, "nip", _("NIP harus 18 angka.")))
    if record.get("email"):
        try:
            validate_email(record["email"])
        except ValidationError:
            errors.append(RowError(number, "email", _("Alamat surel tidak sah.")))
    if record.get("employment_type") and record["employment_type"].lower() not in EMPLOYMENT_ALIASES:
        errors.append(RowError(number, "employment_type", _("Isi dengan pns, pppk atau non_asn.")))
    errors.extend(_role_errors(number, record, context))
    return [error for error in errors if error is not None]


def _role_errors(number: int, record: dict[str, str], context: PeopleContext) -> list[RowError]:
    role = record.get("role", "").lower()
    unit_code = record.get("unit_code", "")
    errors = []
    if role and role not in Role.values:
        errors.append(
            RowError(
                number,
                "role",
                _("Peran tidak dikenal: %(role)s. Pilihan: %(known)s.")
                % {"role": record["role"], "known": ", ".join(Role.values)},
            )
        )
    elif role == Role.NATIONAL_VIEWER:
        errors.append(RowError(number, "role", _("Peran pemantau nasional tidak dapat diberikan lewat impor.")))
    if unit_code and unit_code.upper() not in context.units:
        errors.append(
            RowError(number, "unit_code", _("Unit %(code)s tidak ada di instansi ini.") % {"code": unit_code})
        )
    elif not unit_code and role not in AGENCY_LEVEL_ROLES:
        errors.append(
            RowError(number, "unit_code", _("Wajib diisi, kecuali untuk peran tingkat instansi (mis. agency_admin)."))
        )
    return errors


def check_people(table: Table, context: PeopleContext) -> tuple[list[PersonPlan], list[RowError]]:
    """Check a people table against ``context``; returns the plans and every row error."""
    errors = list(table.errors) + check_columns(table, PEOPLE)
    if any(error.row == 1 for error in errors):
        return [], errors
    plans: list[PersonPlan] = []
    seen_usernames: dict[str, int] = {}
    seen_nips: dict[str, int] = {}
    for number, record in table.rows:
        row_errors = _person_row_errors(number, record, context)
        username, nip = record.get("username", ""), record.get("nip", "")
        row_errors.extend(
            _duplicate_errors(number, "username", username.lower(), username, seen_usernames, context.usernames)
        )
        row_errors.extend(_duplicate_errors(number, "nip", nip, nip, seen_nips, context.nips))
        errors.extend(row_errors)
        if row_errors:
            continue
        plans.append(
            PersonPlan(
                row=number,
                username=username,
                full_name=record["full_name"],
                nip=nip or None,
                email=record.get("email", ""),
                unit_code=record.get("unit_code", ""),
                position=record.get("position", ""),
                employment_type=EMPLOYMENT_ALIASES.get(record.get("employment_type", "").lower(), EmploymentType.PNS),
                role=record.get("role", "").lower(),
            )
        )
    return (plans if not errors else []), errors


def _duplicate_errors(
    number: int, column: str, key: str, shown: str, seen: dict[str, int], taken: set[str]
) -> list[RowError]:
    if not key:
        return []
    if key in seen:
        return [
            RowError(
                number, column, _("%(value)s sudah dipakai di baris %(row)d.") % {"value": shown, "row": seen[key]}
            )
        ]
    seen[key] = number
    if key in taken:
        return [RowError(number, column, _("%(value)s sudah terdaftar.") % {"value": shown})]
    return []
