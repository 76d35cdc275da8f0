"""``zi lke``: LKE template tools.

- ``zi lke load [FILE …]``: load the shipped templates (or the given files) into the database; idempotent.
- ``zi lke list``: the templates in the database with their question counts.
- ``zi lke score ANSWERS.json`` (``-`` = stdin) [``--template-file PATH``]: score an answer document and print
  the breakdown as JSON. The template comes from the database when loaded there, else from the shipped files,
  so it works without a database. Input and output format: docs/lke.md.
- ``zi lke rescore YEAR [--lane self|review|tpi|tpn|all] [--queue]``: rescore every assessment of the period
  (set-based, ``zi.assessments.scoring.rescore_period``), for example after changing a template's settings or to
  rewrite scores stored in an older format; ``--queue`` hands it to the task queue instead.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from zi.lke.formulas import AnswerError
from zi.lke.models import LkeTemplate
from zi.lke.scoring import score_document
from zi.lke.services import template_load, template_spec, templates_load_all
from zi.lke.spec import Template, TemplateError, available_templates, load_template_file


def load_template_by_code(code: str) -> Template:
    """The newest stored version of ``code`` if the database has it, else the shipped file."""
    try:
        stored = LkeTemplate.objects.filter(code=code).order_by("-created_at").first()
    except DatabaseError:  # no database or not migrated: the shipped files still work
        stored = None
    if stored is not None:
        return template_spec(stored)
    path = available_templates().get(code)
    if path is None:
        raise KeyError(code)
    return load_template_file(path)


class Command(BaseCommand):
    help = "LKE templates: load, list, score; rescore a period."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("load", help="load shipped template files (or the given ones); idempotent")
        load.add_argument("files", nargs="*")
        sub.add_parser("list", help="list stored templates")
        score = sub.add_parser("score", help="score an answer document (JSON file or - for stdin)")
        score.add_argument("answers", help="path of the JSON answer document, or - for stdin")
        score.add_argument("--template-file", dest="template_file", default=None, help="use this template file")
        rescore = sub.add_parser("rescore", help="rescore every assessment of a period (set-based)")
        rescore.add_argument("year", type=int, help="the period's year")
        rescore.add_argument("--lane", default="self", help="self, review, tpi, tpn or all (default: self)")
        rescore.add_argument("--queue", action="store_true", help="run it in the task queue instead of here")

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
                self.stdout.write(
                    f"{template.code}\t{template.version}\t{template.questions.count()}\t{template.title}"
                )
        elif action == "score":
            self._score(options["answers"], options.get("template_file"))
        elif action == "rescore":
            self._rescore(options["year"], options["lane"], queue=options["queue"])

    def _rescore(self, year: int, lane_option: str, *, queue: bool) -> None:
        from zi.assessments import tasks
        from zi.assessments.models import Lane, Period
        from zi.assessments.scoring import rescore_period

        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(f"Periode {year} tidak ada")
        lanes = list(Lane.values) if lane_option == "all" else [lane_option]
        if any(lane not in Lane.values for lane in lanes):
            raise CommandError(f"Jalur '{lane_option}' tidak dikenal (pilihan: {', '.join(Lane.values)}, all)")
        for lane in lanes:
            if queue:
                tasks.rescore_period(period.pk, lane)
                self.stdout.write(f"{period}: rescoring of lane {lane} queued")
                continue
            started = time.perf_counter()
            count = rescore_period(period=period, lane=lane)
            self.stdout.write(
                f"{period}: {count} assessments rescored (lane {lane}) in {time.perf_counter() - started:.1f} s"
            )

    def _score(self, source: str, template_file: str | None) -> None:
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Berkas jawaban tidak dapat dibaca: {exc}") from exc
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"JSON tidak valid: {exc.msg} (baris {exc.lineno}, kolom {exc.colno})") from exc
        loader = load_template_by_code
        if template_file:
            try:
                file_template = load_template_file(template_file)
            except (TemplateError, OSError, ValueError) as exc:
                raise CommandError(f"Berkas template tidak valid: {exc}") from exc

            def loader(code: str) -> Template:
                if code != file_template.code:
                    raise KeyError(code)
                return file_template

        try:
            result = score_document(doc, loader)
        except AnswerError as exc:
            raise CommandError(f"Jawaban tidak valid:\n{exc}") from exc
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
