"""``zi api token create --user USERNAME [--name N] [--days D]``, ``zi api token list|revoke``,
``zi api idempotency purge`` (forget Idempotency-Key results older than ``ZI_IDEMPOTENCY_KEY_HOURS``)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from zi.api import idempotency, services
from zi.api.models import ApiToken


class Command(BaseCommand):
    help = "Personal API tokens: create (prints the secret once), list, revoke; purge expired idempotency keys."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        token = sub.add_parser("token")
        actions = token.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="cli")
        create.add_argument("--days", type=int, default=None, help="expiry in days (default: none)")
        listing = actions.add_parser("list")
        listing.add_argument("--user", required=True)
        revoke = actions.add_parser("revoke")
        revoke.add_argument("id", type=int)
        keys = sub.add_parser("idempotency")
        keys.add_subparsers(dest="action", required=True).add_parser("purge")

    def handle(self, *args, **options) -> None:
        action = options["action"]
        if options["what"] == "idempotency":
            self.stdout.write(f"purged {idempotency.purge_expired()}")
            return
        if action == "revoke":
            token = ApiToken.objects.filter(pk=options["id"]).first()
            if token is None:
                raise CommandError("No such token.")
            services.token_revoke(actor=None, token=token)
            self.stdout.write(f"revoked {token.pk}")
            return
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        if action == "list":
            for token in ApiToken.objects.filter(user=user).order_by("pk"):
                state = "active" if token.is_active else "inactive"
                self.stdout.write(f"{token.pk}\t{token.prefix}…\t{token.name}\t{state}\t{token.expires_at or '-'}")
            return
        days = options["days"]
        if days is not None and days < 1:
            raise CommandError("--days must be at least 1.")
        expires_at = timezone.now() + dt.timedelta(days=days) if days else None
        try:
            _token, raw = services.token_create(actor=None, user=user, name=options["name"], expires_at=expires_at)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(raw)
