"""``zi lke``: LKE template tools.

- ``zi lke load [FILE …]``: load the shipped templates (or the given files) into the database; idempotent.
- ``zi lke list``: the templates in the database with their question counts.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zi.lke.models import LkeTemplate
from zi.lke.services import template_load, templates_load_all
from zi.lke.spec import TemplateError


class Command(BaseCommand):
    help = "LKE templates: load, list."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load shipped template files (or the given ones); idempotent")
        load.add_argument("files", nargs="*")
        sub.add_parser("list", help="list stored templates")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "load":
            try:
                if options["files"]:
                    results = [template_load(path=path) for path in options["files"]]
                else:
                    results = templates_load_all()
            except (TemplateError, OSError) as exc:
                raise CommandError(str(exc)) from exc
            for result in results:
                state = "loaded" if result.created else "unchanged or updated"
                self.stdout.write(f"{result.template}: {result.questions} questions ({state})")
        elif action == "list":
            for template in LkeTemplate.objects.all():
                self.stdout.write(f"{template.code}\t{template.version}\t{template.questions.count()}\t{template.title}")
