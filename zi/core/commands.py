"""What every ``zi`` command shares: its ``--help`` in the person's language, and the subcommand parsers."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _


class ZiCommand(BaseCommand):
    """A ``zi`` command. ``help_text`` is the Indonesian msgid (marked with ``gettext_noop``), translated when asked:
    argparse needs a str, and when the command module is imported no language is active yet."""

    help_text = ""

    @property
    def help(self) -> str:  # type: ignore[override]  # a property where Django has a class attribute
        return _(self.help_text)

    def subcommands(self, parser: CommandParser) -> Any:
        """The subcommands' parsers (``sub.add_parser(...)``); the one given is ``options["action"]``."""
        return parser.add_subparsers(dest="action", required=True)

    def read_file(self, path: Path) -> bytes:
        """The bytes of a file named on the command line; unreadable: ``CommandError``."""
        try:
            return path.read_bytes()
        except OSError as exc:
            raise CommandError(_("Berkas tidak dapat dibaca: %(error)s") % {"error": exc}) from exc

    def import_checked(self, result: Any, error_lines: Iterable[str]) -> bool:
        """An all-or-nothing import's outcome (``result.ok``, ``errors``, ``dry_run``, ``rows``): its errors on stderr
        and ``CommandError`` when it failed; a check run (nothing stored) said so. True when rows were stored."""
        if not result.ok:
            for line in error_lines:
                self.stderr.write(line)
            raise CommandError(_("%(count)d kesalahan; tidak ada data yang disimpan.") % {"count": len(result.errors)})
        if result.dry_run:
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(rows)d baris diperiksa, tidak ada kesalahan (uji saja).") % {"rows": result.rows}
                )
            )
        return not result.dry_run
