"""``zi api token create --user USERNAME [--name N] [--days D]``, ``zi api token list|revoke``,
``zi api idempotency purge`` (forget Idempotency-Key results older than ``ZI_IDEMPOTENCY_KEY_HOURS``)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.api import idempotency, services
from zi.api.models import ApiToken
from zi.core.commands import ZiCommand
from zi.core.feedback import refusal


class Command(ZiCommand):
    help_text = gettext_noop(
        "Token API pribadi: buat (rahasianya dicetak sekali), daftar, cabut; hapus kunci idempotensi kedaluwarsa."
    )

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        token = sub.add_parser("token", help=_("token API pribadi: create, list, revoke"))
        actions = token.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help=_("buat token; rahasianya dicetak sekali"))
        create.add_argument("--user", required=True, help=_("nama pengguna pemilik token"))
        create.add_argument("--name", default="cli", help=_("nama token (bawaan: cli)"))
        create.add_argument("--days", type=int, default=None, help=_("masa berlaku dalam hari (bawaan: tanpa batas)"))
        listing = actions.add_parser("list", help=_("daftar token seorang pengguna"))
        listing.add_argument("--user", required=True, help=_("nama pengguna"))
        revoke = actions.add_parser("revoke", help=_("cabut satu token"))
        revoke.add_argument("id", type=int, help=_("nomor token (lihat list)"))
        keys = sub.add_parser("idempotency", help=_("kunci Idempotency-Key: purge"))
        keys.add_subparsers(dest="action", required=True).add_parser(
            "purge", help=_("hapus hasil Idempotency-Key yang kedaluwarsa")
        )

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if options["what"] == "idempotency":
            self.stdout.write(
                _("%(count)d kunci idempotensi kedaluwarsa dihapus") % {"count": idempotency.purge_expired()}
            )
            return
        if action == "revoke":
            token = ApiToken.objects.filter(pk=options["id"]).first()
            if token is None:
                raise CommandError(_("Token %(id)s tidak ada.") % {"id": options["id"]})
            services.token_revoke(actor=None, token=token)
            self.stdout.write(_("Token %(id)s dicabut.") % {"id": token.pk})
            return
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(_("Pengguna %(username)s tidak ada.") % {"username": options["user"]})
        if action == "list":
            for token in ApiToken.objects.filter(user=user).order_by("pk"):
                state = _("aktif") if token.is_active else _("nonaktif")
                self.stdout.write(f"{token.pk}\t{token.prefix}…\t{token.name}\t{state}\t{token.expires_at or '-'}")
            return
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError(_("--days paling sedikit 1."))
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            _token, raw = services.token_create(actor=None, user=user, name=options["name"], expires_at=expires_at)
        except ValidationError as exc:
            raise CommandError(refusal(exc)) from exc
        self.stdout.write(raw)
