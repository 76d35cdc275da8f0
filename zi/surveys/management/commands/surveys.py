"""``zi surveys``: survey tools.

- ``zi surveys load [FILE …]``: load the shipped instruments (or the given files); idempotent.
- ``zi surveys ikm RESPONSES.csv``: IKM per PermenPAN-RB 14/2017 from a CSV with columns U1..U9 (one row per
  respondent, answers 1–4, blanks allowed; sample: docs/samples/skm-responses.csv). Prints JSON: ``ikm`` (25–100,
  2 decimals, half-up), ``grade`` (A–D), ``performance``, ``nrr`` (per element, 3 decimals), ``ikm_unit`` (1–4,
  4 decimals), ``respondents``, ``respondents_per_element``, ``weight`` ("1/9"). Bad input: message on stderr,
  exit status 1.
- ``zi surveys rebuild-rollups [CAMPAIGN_ID …]``: recompute rollups from raw answers.
- ``zi surveys rescan CAMPAIGN_ID … [--near-flag-at N] [--near-max-diff N] [--pattern-flag-at N]
  [--straightline-flag-at N] [--window S] [--min-items N]``: re-run the stuffing checks over the stored responses
  with these thresholds (default: the settings). Flag-only: adds flags, never removes, excludes or deletes; audited.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.core.commands import ZiCommand
from zi.surveys.csvinput import CsvError, read_skm_csv
from zi.surveys.indices import ikm_from_rows
from zi.surveys.models import Campaign
from zi.surveys.services.errors import SurveyError
from zi.surveys.services.instruments import instrument_load, instruments_load_all
from zi.surveys.services.moderation import responses_rescan, rollups_rebuild


class Command(ZiCommand):
    help_text = gettext_noop(
        "Survei: muat instrumen, hitung IKM dari CSV, bangun ulang rekap, periksa ulang jawaban titipan (stuffing)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.subcommands(parser)
        load = sub.add_parser("load", help=_("muat berkas instrumen bawaan (atau berkas yang disebut); aman diulang"))
        load.add_argument("files", nargs="*", help=_("berkas instrumen (bawaan: semua instrumen bawaan)"))
        ikm = sub.add_parser("ikm", help=_("IKM (PermenPAN-RB 14/2017) dari CSV berkolom U1..U9"))
        ikm.add_argument("csv_file", help=_("path CSV, atau - untuk stdin (contoh: docs/samples/skm-responses.csv)"))
        rebuild = sub.add_parser("rebuild-rollups", help=_("hitung ulang rekap dari jawaban mentah"))
        rebuild.add_argument("campaigns", nargs="*", type=int, help=_("id kampanye (bawaan: semua)"))
        rescan = sub.add_parser(
            "rescan", help=_("jalankan ulang pemeriksaan jawaban titipan atas respons tersimpan (hanya menandai)")
        )
        rescan.add_argument("campaigns", nargs="+", type=int, help=_("id kampanye"))
        for name in ("window", "pattern-flag-at", "straightline-flag-at", "near-flag-at", "near-max-diff", "min-items"):
            rescan.add_argument(f"--{name}", type=int, default=None, help=_("ambang (bawaan: pengaturan ZI_SURVEY_*)"))

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if action == "load":
            try:
                results = [instrument_load(p) for p in options["files"]] if options["files"] else instruments_load_all()
            except (SurveyError, OSError, ValueError) as exc:
                raise CommandError(str(exc)) from exc
            for result in results:
                self.stdout.write(
                    f"{result.instrument.code} {result.instrument.version}: {result.items} items ({result.state})"
                )
        elif action == "ikm":
            path = options["csv_file"]
            try:
                if path == "-":
                    data = sys.stdin.buffer.read()
                else:
                    with open(path, "rb") as handle:
                        data = handle.read()
                rows = read_skm_csv(data)
            except OSError as exc:
                raise CommandError(
                    _("%(path)s: berkas tidak dapat dibaca (%(error)s)") % {"path": path, "error": exc.strerror or exc}
                ) from exc
            except CsvError as exc:
                raise CommandError(f"{path}: {exc}") from exc
            ikm_result = ikm_from_rows(rows)
            if ikm_result.ikm is None:
                raise CommandError(
                    _("%(path)s: tidak ada jawaban untuk unsur %(elements)s; IKM memerlukan kesembilan unsur")
                    % {"path": path, "elements": ", ".join(ikm_result.missing_elements)}
                )
            self.stdout.write(json.dumps(ikm_result.as_json(), ensure_ascii=False, indent=2))
        elif action == "rebuild-rollups":
            campaigns = Campaign.objects.all()
            if options["campaigns"]:
                campaigns = campaigns.filter(pk__in=options["campaigns"])
            for campaign in campaigns:
                rollups_rebuild(campaign)
                self.stdout.write(
                    _("%(id)s %(campaign)s: rekap dibangun ulang") % {"id": campaign.pk, "campaign": campaign}
                )
        elif action == "rescan":
            thresholds = {
                key: options[key]
                for key in (
                    "window",
                    "pattern_flag_at",
                    "straightline_flag_at",
                    "near_flag_at",
                    "near_max_diff",
                    "min_items",
                )
            }
            chosen = list(Campaign.objects.filter(pk__in=options["campaigns"]).order_by("pk"))
            missing = set(options["campaigns"]) - {c.pk for c in chosen}
            if missing:
                raise CommandError(_("kampanye tidak dikenal: %(ids)s") % {"ids": sorted(missing)})
            for campaign in chosen:
                try:
                    counts = responses_rescan(actor=None, campaign=campaign, **thresholds)
                except SurveyError as exc:
                    raise CommandError(str(exc)) from exc
                self.stdout.write(json.dumps({"campaign": campaign.pk, "newly_flagged": counts}))
