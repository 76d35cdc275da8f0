"""``zi portalrb generate-map | load-map | check-map | token create --agency CODE | token revoke --prefix P``."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.core.commands import ZiCommand
from zi.organisations.models import Agency
from zi.portalrb import services, soalmap
from zi.portalrb.models import ApiToken


class Command(ZiCommand):
    help_text = gettext_noop("Integrasi PortalRB: peta soal dan token API.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = self.subcommands(parser)
        gen = sub.add_parser("generate-map", help=_("buat (ulang) berkas peta soal dari daftar induk"))
        gen.add_argument("--master", default=str(soalmap.MASTER_PATH), help=_("daftar induk soal PortalRB"))
        gen.add_argument("--output", default=str(soalmap.MAP_PATH), help=_("berkas peta soal yang ditulis"))
        sub.add_parser("load-map", help=_("muat berkas peta soal ke basis data (aman diulang)"))
        sub.add_parser("check-map", help=_("soal induk tanpa pasangan dan pertanyaan kita tanpa soal"))
        token = sub.add_parser("token", help=_("buat, daftar atau cabut token API PortalRB"))
        token.add_argument("token_action", choices=["create", "revoke", "list"], help=_("create, revoke atau list"))
        token.add_argument("--agency", help=_("kode instansi"))
        token.add_argument("--name", default="PortalRB", help=_("nama token (bawaan: PortalRB)"))
        token.add_argument("--prefix", help=_("awalan token (terlihat di list) yang dicabut"))

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "generate-map":
            data = soalmap.generate_map(master_path=options["master"])
            soalmap.write_map(data, options["output"])
            low = [r for r in data["soals"] if r["similarity"] < soalmap.MIN_SIMILARITY]
            self.stdout.write(
                _("%(count)d soal ditulis ke %(path)s; %(low)d dengan kemiripan teks rendah")
                % {"count": len(data["soals"]), "path": options["output"], "low": len(low)}
            )
        elif action == "load-map":
            try:
                result = soalmap.load_map()
            except Exception as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(
                _(
                    "%(template)s: %(created)d dibuat, %(updated)d diperbarui, %(unchanged)d tidak berubah, "
                    "%(questions)d pertanyaan diubah"
                )
                % {
                    "template": result.template,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                    "questions": result.questions_set,
                }
            )
        elif action == "check-map":
            report = soalmap.check_map()
            for title, rows in (
                (_("Soal induk tanpa pasangan"), report.master_without_match),
                (_("Pertanyaan/isian kita tanpa soal"), report.ours_without_soal),
                (_("Tidak cocok"), report.mismatches),
                (_("Kemiripan teks rendah (periksa manual)"), report.low_similarity),
            ):
                self.stdout.write(f"{title}: {len(rows)}")
                for row in rows:
                    self.stdout.write(f"  {row}")
            if not report.ok:
                raise CommandError(_("peta soal belum mencakup kedua sisi"))
            self.stdout.write(self.style.SUCCESS(_("OK: setiap soal induk dan setiap pertanyaan/isian berpasangan")))
        else:
            self._token(options)

    def _token(self, options: dict[str, Any]) -> None:
        verb = options["token_action"]
        if verb == "revoke":
            if not options.get("prefix"):
                raise CommandError(_("--prefix wajib diisi"))
            tokens = ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True)
            if options.get("agency"):
                tokens = tokens.filter(agency__code=options["agency"])
            if tokens.count() != 1:
                raise CommandError(_("%(count)d token aktif cocok; sebutkan juga --agency") % {"count": tokens.count()})
            services.token_revoke(actor="cli", token=tokens.get())
            self.stdout.write(_("Token dicabut."))
            return
        agency = Agency.objects.filter(code=options.get("agency") or "").first()
        if agency is None:
            raise CommandError(_("instansi tidak dikenal: sebutkan --agency KODE"))
        if verb == "list":
            for t in ApiToken.objects.filter(agency=agency):
                self.stdout.write(
                    f"{t.prefix}  {t.name}  {_('aktif') if t.is_active else _('dicabut')}  {t.created_at:%Y-%m-%d}"
                )
            return
        _token, secret = services.token_create(actor="cli", agency=agency, name=options["name"])
        self.stdout.write(secret)
        self.stderr.write(_("Simpan sekarang: rahasia ini hanya ditampilkan sekali."))
