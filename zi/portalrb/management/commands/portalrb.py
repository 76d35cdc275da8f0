"""``zi portalrb generate-map | load-map | check-map | token create --agency CODE | token revoke --prefix P``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zi.organisations.models import Agency
from zi.portalrb import services, soalmap
from zi.portalrb.models import ApiToken


class Command(BaseCommand):
    help = "PortalRB integration: soal map and API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        gen = sub.add_parser("generate-map", help="(re)generate the soal map file from the master list")
        gen.add_argument("--master", default=str(soalmap.MASTER_PATH))
        gen.add_argument("--output", default=str(soalmap.MAP_PATH))
        sub.add_parser("load-map", help="load the soal map file into the database (idempotent)")
        sub.add_parser("check-map", help="master soals without a match and our questions without a soal")
        token = sub.add_parser("token", help="create or revoke an API token")
        token.add_argument("token_action", choices=["create", "revoke", "list"])
        token.add_argument("--agency", help="agency code")
        token.add_argument("--name", default="PortalRB")
        token.add_argument("--prefix", help="token prefix (shown in the list) to revoke")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate-map":
            data = soalmap.generate_map(master_path=options["master"])
            soalmap.write_map(data, options["output"])
            low = [r for r in data["soals"] if r["similarity"] < soalmap.MIN_SIMILARITY]
            self.stdout.write(
                f"{len(data['soals'])} soals written to {options['output']}; {len(low)} with low similarity"
            )
        elif action == "load-map":
            try:
                result = soalmap.load_map()
            except Exception as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                f"{result.template}: {result.created} created, {result.updated} updated, "
                f"{result.unchanged} unchanged, {result.questions_set} questions changed"
            )
        elif action == "check-map":
            report = soalmap.check_map()
            for title, rows in (
                ("Master soals without a match", report.master_without_match),
                ("Our questions/inputs without a soal", report.ours_without_soal),
                ("Mismatches", report.mismatches),
                ("Low text similarity (check by hand)", report.low_similarity),
            ):
                self.stdout.write(f"{title}: {len(rows)}")
                for row in rows:
                    self.stdout.write(f"  {row}")
            if not report.ok:
                raise CommandError("the soal map does not cover both sides")
            self.stdout.write(self.style.SUCCESS("OK: every master soal and every question/input is matched"))
        else:
            self._token(options)

    def _token(self, options: dict[str, Any]) -> None:
        verb = options["token_action"]
        if verb == "revoke":
            if not options.get("prefix"):
                raise CommandError("--prefix is required")
            tokens = ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True)
            if options.get("agency"):
                tokens = tokens.filter(agency__code=options["agency"])
            if tokens.count() != 1:
                raise CommandError(f"{tokens.count()} active tokens match; give --agency as well")
            services.token_revoke(actor="cli", token=tokens.get())
            self.stdout.write("revoked")
            return
        agency = Agency.objects.filter(code=options.get("agency") or "").first()
        if agency is None:
            raise CommandError("unknown agency: give --agency CODE")
        if verb == "list":
            for t in ApiToken.objects.filter(agency=agency):
                self.stdout.write(
                    f"{t.prefix}  {t.name}  {'active' if t.is_active else 'revoked'}  {t.created_at:%Y-%m-%d}"
                )
            return
        _token, secret = services.token_create(actor="cli", agency=agency, name=options["name"])
        self.stdout.write(secret)
        self.stderr.write("Store it now: it is shown only once.")
