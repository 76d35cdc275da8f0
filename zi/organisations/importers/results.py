"""What an import reports: row errors, file problems, the table read and the result."""

from __future__ import annotations

from dataclasses import dataclass, field


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
