"""What an import file holds: the two kinds, their columns (with accepted aliases), accepted words for yes/no and
employment types, and the roles held at a whole agency."""

from __future__ import annotations

from zi.accounts.models import EmploymentType
from zi.organisations.models import Role

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
