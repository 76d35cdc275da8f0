"""Import of units and people from CSV or XLSX: every row checked first, then all written or nothing.

The work is split in three layers:

1. **Reading** (:func:`read_table`): bytes → header + rows of strings. CSV is read with the ``csv`` module
   (delimiter ``,`` or ``;``, sniffed from the header line); XLSX with openpyxl in read-only mode (first
   sheet, cached values of formulas). File-level problems (too large, too many rows, not decodable, broken
   XLSX, malformed quoting) raise :class:`FileProblem`.
2. **Checking** (:func:`check_units`, :func:`check_people`): pure functions from rows plus a snapshot of what
   the database already holds (:class:`UnitContext`, :class:`PeopleContext`) to a plan and a list of
   :class:`RowError` (row number as the spreadsheet shows it — the header is row 1 —, column, message in
   Bahasa Indonesia).
3. **Writing** (:func:`import_units`, :func:`import_people`): one transaction that re-reads the context,
   re-checks, and writes everything with ``bulk_create`` plus the audit events, or writes nothing.

Decisions:

- **Encoding.** CSV must be UTF-8 (a byte-order mark is allowed and removed). Bytes that are not UTF-8 are an
  error naming the row, with the advice to save as "CSV UTF-8". Windows-1252 is accepted only when asked for
  explicitly (``encoding="cp1252"``; the form and ``--encoding`` offer it): a silent fallback would turn
  text from other code pages into wrong letters without anyone noticing.
- **Unit types** must already exist (``UnitType.code``, case-insensitive); an unknown type is an error
  listing the known codes. Imports never create unit types.
- **Duplicates** with codes (units) or usernames/NIP (people) already in the database are errors: an import
  only creates, it never updates silently.
- **Parents** are named by ``parent_code``: a unit in the same file or one already in the agency. Cycles
  inside the file (A → B → A) are reported on every row of the cycle.
- **People** get an unusable password (they sign attendance and pacts; a login is set up separately); the
  file never sets passwords. A ``role`` is assigned at the person's unit, or at the agency when
  ``unit_code`` is empty (only for agency-level roles). The national viewer role cannot be imported.
- **Cell content** is stored as text exactly as given: values starting with ``= + - @`` are not evaluated,
  HTML is not interpreted (templates escape it).
"""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zi.accounts.models import EmploymentType
from zi.core import audit, kept_uploads
from zi.organisations.access import Action, may
from zi.organisations.models import Agency, Role, RoleAssignment, Unit, UnitType
from zi.organisations.services import UNIT_FIELDS

DEFAULT_MAX_ROWS = 200_000
MAX_TREE_DEPTH = 20
XLSX_MAX_EXPANSION = 30  # uncompressed XLSX content may be at most this many times the upload limit
ENCODINGS = {"utf-8": "utf-8", "utf-8-sig": "utf-8", "cp1252": "cp1252"}

UNITS = "units"
PEOPLE = "people"
KINDS = (UNITS, PEOPLE)

UNIT_COLUMNS = ("code", "name", "parent_code", "unit_type", "serves_public", "province")
UNIT_REQUIRED = ("code", "name", "unit_type")
PEOPLE_COLUMNS = ("username", "full_name", "nip", "email", "unit_code", "position", "employment_type", "role")
PEOPLE_REQUIRED = ("username", "full_name")
COLUMNS = {UNITS: UNIT_COLUMNS, PEOPLE: PEOPLE_COLUMNS}
REQUIRED = {UNITS: UNIT_REQUIRED, PEOPLE: PEOPLE_REQUIRED}

# Indonesian column names are accepted as well as the English ones.
COLUMN_ALIASES = {
    "kode": "code",
    "nama": "name",
    "nama_unit": "name",
    "kode_induk": "parent_code",
    "induk": "parent_code",
    "jenis_unit": "unit_type",
    "jenis": "unit_type",
    "melayani_publik": "serves_public",
    "layanan_publik": "serves_public",
    "provinsi": "province",
    "nama_pengguna": "username",
    "nama_lengkap": "full_name",
    "surel": "email",
    "kode_unit": "unit_code",
    "unit": "unit_code",
    "jabatan": "position",
    "status_kepegawaian": "employment_type",
    "peran": "role",
}

TRUE_WORDS = {"1", "ya", "y", "true", "yes", "benar"}
FALSE_WORDS = {"0", "tidak", "n", "false", "no", "salah", "bukan"}
EMPLOYMENT_ALIASES = {
    "pns": EmploymentType.PNS,
    "pppk": EmploymentType.PPPK,
    "non_asn": EmploymentType.NON_ASN,
    "non-asn": EmploymentType.NON_ASN,
    "nonasn": EmploymentType.NON_ASN,
    "honorer": EmploymentType.NON_ASN,
    "ppnpn": EmploymentType.NON_ASN,
}
# Roles an import may hand out without a unit: they are held for the whole agency.
AGENCY_LEVEL_ROLES = {Role.AGENCY_ADMIN, Role.TPI_EVALUATOR, Role.LEADER, Role.REVIEWER}
USER_AUDIT_FIELDS = ["username", "full_name", "nip", "email", "unit", "position", "employment_type", "is_active"]


# --------------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class RowError:
    """One problem: ``row`` as the spreadsheet numbers it (header = 1; 0 = the file as a whole)."""

    row: int
    column: str
    message: str


class FileProblem(Exception):
    """The file cannot be read as a table at all."""

    def __init__(self, message: str, row: int = 0, column: str = "") -> None:
        super().__init__(message)
        self.error = RowError(row, column, message)


@dataclass
class Table:
    """What a file holds: normalised column names and the non-empty data rows with their row numbers."""

    columns: list[str]
    rows: list[tuple[int, dict[str, str]]]
    errors: list[RowError] = field(default_factory=list)


@dataclass
class ImportResult:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


# --------------------------------------------------------------------------------------------------- reading


def max_bytes() -> int:
    return int(settings.ZI_IMPORT_MAX_BYTES)


def max_rows() -> int:
    return int(getattr(settings, "ZI_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def normalise_column(name: str) -> str:
    key = name.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_")
    return COLUMN_ALIASES.get(key, key)


def _decode(data: bytes, encoding: str) -> str:
    codec = ENCODINGS.get(encoding.lower())
    if codec is None:
        raise FileProblem(_("Pengodean tidak didukung: %(enc)s.") % {"enc": encoding})
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise FileProblem(
            _(
                "Baris %(row)d memuat karakter yang bukan %(enc)s (byte ke-%(pos)d). "
                "Simpan ulang berkas sebagai \u201cCSV UTF-8\u201d lalu unggah lagi."
            )
            % {"row": row, "enc": codec.upper(), "pos": exc.start + 1},
            row=row,
        ) from exc
    return text.removeprefix("\ufeff")


def _sniff_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _csv_rows(data: bytes, encoding: str) -> Iterator[tuple[int, list[str]]]:
    if b"\x00" in data:
        raise FileProblem(_("Berkas bukan teks CSV (memuat byte NUL). Unggah CSV atau XLSX."))
    text = _decode(data, encoding)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_delimiter(text), strict=True)
    number = 0
    try:
        for values in reader:
            number += 1
            yield number, values
    except csv.Error as exc:
        raise FileProblem(
            _("Format CSV rusak pada baris %(row)d: %(detail)s") % {"row": number + 1, "detail": exc},
            row=number + 1,
        ) from exc


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if abs(value) >= 1e15:
            raise ValueError(_("angka terlalu panjang untuk disimpan sebagai angka; format sel sebagai Teks"))
        return str(int(value)) if value.is_integer() else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _check_zip(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as exc:
        raise FileProblem(_("Berkas XLSX rusak atau bukan XLSX.")) from exc
    if expanded > max_bytes() * XLSX_MAX_EXPANSION:
        raise FileProblem(_("Isi berkas XLSX terlalu besar setelah diekstrak."))


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    import openpyxl

    _check_zip(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise FileProblem(_("Berkas XLSX tidak dapat dibaca: %(detail)s") % {"detail": type(exc).__name__}) from exc
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise FileProblem(_("Berkas XLSX tidak memiliki lembar kerja."))
        try:
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                texts: list[str] = []
                for position, value in enumerate(values):
                    try:
                        texts.append(_cell_text(value))
                    except ValueError as exc:
                        raise FileProblem(
                            _("Baris %(row)d, kolom ke-%(col)d: %(detail)s")
                            % {"row": number, "col": position + 1, "detail": exc},
                            row=number,
                        ) from exc
                yield number, texts
        except FileProblem:
            raise
        except Exception as exc:
            raise FileProblem(_("Berkas XLSX rusak: %(detail)s") % {"detail": type(exc).__name__}) from exc
    finally:
        workbook.close()


def _raw_rows(data: bytes, filename: str, encoding: str) -> Iterator[tuple[int, list[str]]]:
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        return _xlsx_rows(data)
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise FileProblem(_("Format .xls lama tidak didukung. Simpan sebagai .xlsx atau CSV UTF-8."))
    if name.endswith((".xlsx", ".xlsm")):
        raise FileProblem(_("Berkas XLSX rusak atau bukan XLSX."))
    return _csv_rows(data, encoding)


def read_table(data: bytes, filename: str = "", encoding: str = "utf-8") -> Table:
    """Read ``data`` (CSV or XLSX) into a :class:`Table`; raises :class:`FileProblem` if it cannot."""
    if not data:
        raise FileProblem(_("Berkas kosong."))
    if len(data) > max_bytes():
        raise FileProblem(
            _("Berkas terlalu besar (%(size)d byte; batas %(limit)d byte).") % {"size": len(data), "limit": max_bytes()}
        )
    limit = max_rows()
    rows = _raw_rows(data, filename, encoding)
    header: list[str] | None = None
    table = Table(columns=[], rows=[])
    for number, values in rows:
        if header is None:
            header = [normalise_column(value) for value in values]
            while header and not header[-1]:
                header.pop()
            table.columns = header
            continue
        if not any(value.strip() for value in values):
            continue
        if len(table.rows) >= limit:
            raise FileProblem(_("Terlalu banyak baris (batas %(limit)d baris data).") % {"limit": limit})
        extra = [value for value in values[len(header) :] if value.strip()]
        if extra:
            table.errors.append(RowError(number, "", _("Baris memiliki lebih banyak nilai daripada kolom judul.")))
        record = {column: (values[i].strip() if i < len(values) else "") for i, column in enumerate(header)}
        table.rows.append((number, record))
    if header is None:
        raise FileProblem(_("Berkas kosong."))
    return table


def check_columns(table: Table, kind: str) -> list[RowError]:
    """Header problems: missing required, unknown, empty or repeated column names."""
    errors: list[RowError] = []
    seen: set[str] = set()
    for column in table.columns:
        if not column:
            errors.append(RowError(1, "", _("Ada kolom judul yang kosong.")))
        elif column in seen:
            errors.append(RowError(1, column, _("Kolom %(col)s muncul lebih dari sekali.") % {"col": column}))
        elif column not in COLUMNS[kind]:
            errors.append(
                RowError(
                    1,
                    column,
                    _("Kolom tidak dikenal: %(col)s. Kolom yang dikenal: %(known)s.")
                    % {"col": column, "known": ", ".join(COLUMNS[kind])},
                )
            )
        seen.add(column)
    for column in REQUIRED[kind]:
        if column not in seen:
            errors.append(RowError(1, column, _("Kolom wajib tidak ada: %(col)s.") % {"col": column}))
    return errors


# ------------------------------------------------------------------------------------------ checking: units


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


# ----------------------------------------------------------------------------------------- checking: people


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


# --------------------------------------------------------------------------------------------------- writing


class _Rollback(Exception):
    def __init__(self, errors: list[RowError]) -> None:
        super().__init__("import rolled back")
        self.errors = errors


def _write_units(actor: Any, agency: Agency, plans: list[UnitPlan], context: UnitContext, batch: str) -> list[Unit]:
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


def _write_people(actor: Any, agency: Agency, plans: list[PersonPlan], context: PeopleContext, batch: str) -> int:
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


def _summary(actor: Any, agency: Agency, kind: str, count: int, batch: str, filename: str) -> None:
    audit.record(
        actor,
        "import",
        agency,
        extra={"import": batch, "kind": kind, "created": count, "filename": filename[:200]},
    )


def _run(kind: str, dry_run: bool, body: Any) -> ImportResult:
    result = ImportResult(kind=kind, dry_run=dry_run)
    try:
        body(result)
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
    *, actor: Any, agency: Agency, data: bytes, filename: str = "", dry_run: bool = False, encoding: str = "utf-8"
) -> ImportResult:
    """Check a units file and, unless ``dry_run`` or any row is wrong, create all its units in one transaction."""

    def body(result: ImportResult) -> None:
        table = read_table(data, filename, encoding)
        result.rows = len(table.rows)
        with transaction.atomic():
            context = load_unit_context(agency)
            plans, errors = check_units(table, context)
            if errors:
                raise _Rollback(errors)
            if dry_run:
                return
            batch = uuid.uuid4().hex
            units = _write_units(actor, agency, plans, context, batch)
            _summary(actor, agency, UNITS, len(units), batch, filename)
            result.created = len(units)

    return _run(UNITS, dry_run, body)


def import_people(
    *, actor: Any, agency: Agency, data: bytes, filename: str = "", dry_run: bool = False, encoding: str = "utf-8"
) -> ImportResult:
    """Check a people file and, unless ``dry_run`` or any row is wrong, create all its people in one transaction."""

    def body(result: ImportResult) -> None:
        table = read_table(data, filename, encoding)
        result.rows = len(table.rows)
        with transaction.atomic():
            context = load_people_context(agency, table)
            plans, errors = check_people(table, context)
            if errors:
                raise _Rollback(errors)
            if dry_run:
                return
            batch = uuid.uuid4().hex
            result.created = _write_people(actor, agency, plans, context, batch)
            _summary(actor, agency, PEOPLE, result.created, batch, filename)

    return _run(PEOPLE, dry_run, body)


def run_import(
    kind: str,
    *,
    actor: Any,
    agency: Agency,
    data: bytes,
    filename: str = "",
    dry_run: bool = False,
    encoding: str = "utf-8",
) -> ImportResult:
    importer = import_units if kind == UNITS else import_people
    return importer(actor=actor, agency=agency, data=data, filename=filename, dry_run=dry_run, encoding=encoding)


# ------------------------------------------------------------------------------------------------- templates

# One example row per kind, for the downloadable template (the same units as docs/samples/).
EXAMPLE_ROWS = {
    UNITS: ("LAPAS-BJM", "Lapas Kelas IIA Banjarmasin", "KANWIL-KALSEL", "lapas", "ya", "Kalimantan Selatan"),
    PEOPLE: (
        "kalsel.reviewer",
        "Siti Rahmawati",
        "198103222005012002",
        "siti.rahmawati@example.go.id",
        "KANWIL-KALSEL",
        "Analis Kebijakan",
        "pns",
        "reviewer",
    ),
}


def template_xlsx(kind: str) -> bytes:
    """An XLSX to fill in: the first sheet has the columns and one example row (replace it), the second explains
    the columns. The importer reads only the first sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from zi.core.tabular import safe_row

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Unit kerja") if kind == UNITS else _("Pegawai")
    sheet.append(list(COLUMNS[kind]))
    sheet.append(safe_row(EXAMPLE_ROWS[kind]))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for letter, column in zip("ABCDEFGH", COLUMNS[kind], strict=False):
        sheet.column_dimensions[letter].width = max(14, len(column) + 4)
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(_("Petunjuk"))
    notes.append([_("Kolom"), _("Wajib"), _("Keterangan")])
    for column in COLUMNS[kind]:
        notes.append([column, _("ya") if column in REQUIRED[kind] else _("tidak"), str(COLUMN_HELP[column])])
    notes.append([])
    notes.append([_("Ganti baris contoh di lembar pertama dengan data Anda. Impor unit lebih dulu, lalu pegawai.")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


COLUMN_HELP = {
    "code": _("Kode unit, unik di instansi."),
    "name": _("Nama unit."),
    "parent_code": _("Kode unit induk: di berkas yang sama atau yang sudah ada di instansi. Kosong: unit puncak."),
    "unit_type": _("Kode jenis unit yang sudah terdaftar (mis. kanwil, lapas, satker)."),
    "serves_public": _("Melayani publik langsung: ya atau tidak."),
    "province": _("Provinsi; kosong: mengikuti unit induk atau instansi."),
    "username": _("Nama pengguna untuk masuk; unik."),
    "full_name": _("Nama lengkap."),
    "nip": _("NIP (18 angka), jika ada; unik."),
    "email": _("Alamat surel."),
    "unit_code": _("Kode unit tempat pegawai bekerja (unit harus sudah ada)."),
    "position": _("Jabatan."),
    "employment_type": _("pns, pppk atau non_asn."),
    "role": _("Peran (opsional), diberikan di unit pegawai; tanpa unit_code hanya peran tingkat instansi."),
}


# ------------------------------------------------------------------------------------------------------ web

MAX_ERRORS_SHOWN = 500
KEEP_PURPOSE = "organisations.import"


def manageable_agencies(user: Any) -> list[Agency]:
    return [agency for agency in Agency.objects.order_by("name") if may(user, Action.UNIT_MANAGE, agency)]


def handle_import_request(request: HttpRequest) -> HttpResponse:
    """The import page: upload form; on POST check (``action=check``) or import (``action=import``)."""
    from zi.organisations.forms import ImportForm

    agencies = manageable_agencies(request.user)
    result: ImportResult | None = None
    kept_token, kept_name = "", ""
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, agencies=agencies)
        if form.is_valid():
            agency = form.cleaned_data["agency"]
            if not may(request.user, Action.UNIT_MANAGE, agency):
                raise PermissionDenied
            upload = form.cleaned_data["file"]
            if upload is not None:
                name, data = upload.name or "", upload.read()
            else:
                found = kept_uploads.take(request, form.cleaned_data["kept"], purpose=KEEP_PURPOSE)
                if found is None:
                    form.add_error("file", kept_uploads.GONE)
                name, data = found or ("", b"")
                kept_token = form.cleaned_data["kept"] if found else ""
            if not form.errors:
                dry_run = request.POST.get("action") != "import"
                result = run_import(
                    form.cleaned_data["kind"],
                    actor=request.user,
                    agency=agency,
                    data=data,
                    filename=name,
                    dry_run=dry_run,
                    encoding=form.cleaned_data["encoding"],
                )
                if result.ok and dry_run and not kept_token:
                    kept_token = kept_uploads.keep(request, data, name, purpose=KEEP_PURPOSE)
                elif result.ok and not dry_run and kept_token:
                    kept_uploads.drop(request, kept_token)
                    kept_token = ""
                kept_name = name if kept_token else ""
    else:
        form = ImportForm(agencies=agencies)
    context = {
        "form": form,
        "result": result,
        "kept_token": kept_token,
        "kept_name": kept_name,
        "errors_shown": result.errors[:MAX_ERRORS_SHOWN] if result else [],
        "errors_hidden": max(0, len(result.errors) - MAX_ERRORS_SHOWN) if result else 0,
        "unit_columns": UNIT_COLUMNS,
        "people_columns": PEOPLE_COLUMNS,
        "roles": Role.values,
    }
    return render(request, "organisations/import.html", context)


def format_errors(errors: Iterable[RowError]) -> list[str]:
    """Errors as lines for the command line: ``baris 3, kolom code: …``."""
    lines = []
    for error in errors:
        where = _("baris %(row)d") % {"row": error.row} if error.row else _("berkas")
        if error.column:
            where += ", " + _("kolom %(col)s") % {"col": error.column}
        lines.append(f"{where}: {error.message}")
    return lines
