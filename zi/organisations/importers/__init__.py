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

The package holds one module per layer (reading, units, people, writing) plus columns, results, templates and
web; it re-exports every public name, so ``from zi.organisations import importers`` keeps working."""

from zi.organisations.importers.columns import (
    AGENCY_LEVEL_ROLES,
    COLUMN_ALIASES,
    COLUMNS,
    EMPLOYMENT_ALIASES,
    FALSE_WORDS,
    KINDS,
    PEOPLE,
    PEOPLE_COLUMNS,
    PEOPLE_REQUIRED,
    REQUIRED,
    TRUE_WORDS,
    UNIT_COLUMNS,
    UNIT_REQUIRED,
    UNITS,
    USER_AUDIT_FIELDS,
)
from zi.organisations.importers.people import PeopleContext, PersonPlan, check_people, load_people_context
from zi.organisations.importers.reading import (
    DEFAULT_MAX_ROWS,
    ENCODINGS,
    MAX_TREE_DEPTH,
    XLSX_MAX_EXPANSION,
    check_columns,
    max_bytes,
    max_rows,
    normalise_column,
    read_table,
)
from zi.organisations.importers.results import FileProblem, ImportResult, RowError, Table
from zi.organisations.importers.templates import COLUMN_HELP, EXAMPLE_ROWS, template_xlsx
from zi.organisations.importers.units import (
    ExistingUnit,
    UnitContext,
    UnitPlan,
    check_units,
    load_unit_context,
    parse_bool,
)
from zi.organisations.importers.web import (
    KEEP_PURPOSE,
    MAX_ERRORS_SHOWN,
    format_errors,
    handle_import_request,
    manageable_agencies,
)
from zi.organisations.importers.writing import import_people, import_units, run_import

__all__ = [
    "AGENCY_LEVEL_ROLES",
    "COLUMNS",
    "COLUMN_ALIASES",
    "COLUMN_HELP",
    "DEFAULT_MAX_ROWS",
    "EMPLOYMENT_ALIASES",
    "ENCODINGS",
    "EXAMPLE_ROWS",
    "ExistingUnit",
    "FALSE_WORDS",
    "FileProblem",
    "ImportResult",
    "KEEP_PURPOSE",
    "KINDS",
    "MAX_ERRORS_SHOWN",
    "MAX_TREE_DEPTH",
    "PEOPLE",
    "PEOPLE_COLUMNS",
    "PEOPLE_REQUIRED",
    "PeopleContext",
    "PersonPlan",
    "REQUIRED",
    "RowError",
    "TRUE_WORDS",
    "Table",
    "UNITS",
    "UNIT_COLUMNS",
    "UNIT_REQUIRED",
    "USER_AUDIT_FIELDS",
    "UnitContext",
    "UnitPlan",
    "XLSX_MAX_EXPANSION",
    "check_columns",
    "check_people",
    "check_units",
    "format_errors",
    "handle_import_request",
    "import_people",
    "import_units",
    "load_people_context",
    "load_unit_context",
    "manageable_agencies",
    "max_bytes",
    "max_rows",
    "normalise_column",
    "parse_bool",
    "read_table",
    "run_import",
    "template_xlsx",
]
