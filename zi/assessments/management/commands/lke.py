"""``zi lke``: LKE template tools.

- ``zi lke load [FILE …]``: load the shipped templates (or the given files) into the database; idempotent.
- ``zi lke list``: the templates in the database with their question counts.
- ``zi lke score ANSWERS.json`` (``-`` = stdin) [``--template-file PATH``]: score an answer document and print
  the breakdown as JSON. The template comes from the database when loaded there, else from the shipped files,
  so it works without a database. Input and output format: docs/lke.md.
- ``zi lke rescore YEAR [--lane self|review|tpi|tpn|all] [--queue]``: rescore every assessment of the period
  (set-based, ``zi.assessments.scoring.rescore_period``), for example after changing a template's settings or to
  rewrite scores stored in an older format; ``--queue`` hands it to the task queue instead. The embedded
  default has no worker (Huey in immediate mode), so a "queued" task runs here at once; the command says which
  of the two happened.

Output and help are in Bahasa Indonesia (``ZI_LANGUAGE=en`` for English); the JSON of ``score`` is data.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.core.management.base import CommandError, CommandParser
from django.db import DatabaseError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.assessments import tasks
from zi.assessments.models import Lane, Period
from zi.assessments.scoring import rescore_period
from zi.core.commands import ZiCommand
from zi.lke.formulas import AnswerError
from zi.lke.models import LkeTemplate
from zi.lke.scoring.documents import score_document
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


class Command(ZiCommand):
    help_text = gettext_noop("Template LKE: muat, daftar, hitung skor; nilai ulang satu periode.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.subcommands(parser)
        load = sub.add_parser("load", help=_("muat berkas template bawaan (atau berkas yang disebut); aman diulang"))
        load.add_argument("files", nargs="*", help=_("berkas YAML template (bawaan: semua template bawaan)"))
        sub.add_parser("list", help=_("daftar template yang tersimpan"))
        score = sub.add_parser("score", help=_("hitung skor dokumen jawaban (berkas JSON, atau - untuk stdin)"))
        score.add_argument(
            "answers", help=_("dokumen jawaban JSON, atau - untuk stdin (contoh: docs/samples/lke-answers.json)")
        )
        score.add_argument("--template-file", dest="template_file", default=None, help=_("pakai berkas template ini"))
        rescore = sub.add_parser("rescore", help=_("nilai ulang setiap penilaian satu periode (sekaligus)"))
        rescore.add_argument("year", type=int, help=_("tahun periode"))
        rescore.add_argument("--lane", default="self", help=_("self, review, tpi, tpn atau all (bawaan: self)"))
        rescore.add_argument(
            "--queue",
            action="store_true",
            help=_("serahkan ke antrean tugas (tanpa pekerja antrean tugas tetap dijalankan langsung di sini)"),
        )
        rescore.add_argument(
            "--force",
            action="store_true",
            help=_(
                "hitung ulang setiap penilaian walau masukannya tidak berubah, dan perbaiki skor tersimpan yang "
                "berbeda (misalnya diubah langsung di basis data)"
            ),
        )

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
                state = _("dimuat") if result.created else _("tidak berubah atau diperbarui")
                self.stdout.write(
                    _("%(template)s: %(questions)d pertanyaan (%(state)s)")
                    % {"template": result.template, "questions": result.questions, "state": state}
                )
        elif action == "list":
            for template in LkeTemplate.objects.all():
                self.stdout.write(
                    f"{template.code}\t{template.version}\t{template.questions.count()}\t{template.title}"
                )
        elif action == "score":
            self._score(options["answers"], options.get("template_file"))
        elif action == "rescore":
            self._rescore(options["year"], options["lane"], queue=options["queue"], force=options["force"])

    def _rescore(self, year: int, lane_option: str, *, queue: bool, force: bool) -> None:
        # lazy: the task queue's instance, only when --queue is asked
        from huey.contrib.djhuey import HUEY

        period = Period.objects.filter(year=year).first()
        if period is None:
            raise CommandError(_("Periode %(year)s tidak ada") % {"year": year})
        lanes = list(Lane.values) if lane_option == "all" else [lane_option]
        if any(lane not in Lane.values for lane in lanes):
            raise CommandError(
                _("Jalur '%(lane)s' tidak dikenal (pilihan: %(choices)s, all)")
                % {"lane": lane_option, "choices": ", ".join(Lane.values)}
            )
        for lane in lanes:
            started = time.perf_counter()
            if queue and not HUEY.immediate:
                tasks.rescore_period(period.pk, lane, force=force)
                self.stdout.write(
                    _("%(period)s: penilaian ulang jalur %(lane)s masuk antrean untuk pekerja (`zi run_huey`).")
                    % {"period": period, "lane": lane}
                )
                continue
            if queue:  # immediate mode (no ZI_TASKS_REDIS_URL): the task ran here, now
                count = tasks.rescore_period(period.pk, lane, force=force)(blocking=True)
            else:
                count = rescore_period(period=period, lane=lane, force=force)
            message = _("%(period)s: %(count)d penilaian dinilai ulang (jalur %(lane)s) dalam %(seconds)s detik")
            values = {"period": period, "count": count, "lane": lane, "seconds": f"{time.perf_counter() - started:.1f}"}
            if queue:
                message = _(
                    "%(period)s: tidak ada pekerja antrean (ZI_TASKS_REDIS_URL kosong), jadi dijalankan langsung di "
                    "sini: %(count)d penilaian dinilai ulang (jalur %(lane)s) dalam %(seconds)s detik"
                )
            self.stdout.write(message % values)

    def _score(self, source: str, template_file: str | None) -> None:
        try:
            text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(_("Berkas jawaban tidak dapat dibaca: %(error)s") % {"error": exc}) from exc
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(
                _("JSON tidak valid: %(error)s (baris %(line)d, kolom %(column)d)")
                % {"error": exc.msg, "line": exc.lineno, "column": exc.colno}
            ) from exc
        loader = load_template_by_code
        if template_file:
            try:
                file_template = load_template_file(template_file)
            except (TemplateError, OSError, ValueError) as exc:
                raise CommandError(_("Berkas template tidak valid: %(error)s") % {"error": exc}) from exc

            def loader(code: str) -> Template:
                if code != file_template.code:
                    raise KeyError(code)
                return file_template

        try:
            result = score_document(doc, loader)
        except AnswerError as exc:
            raise CommandError(_("Jawaban tidak valid:") + f"\n{exc}") from exc
        self.stdout.write(json.dumps(result, indent=2, ensure_ascii=False))
