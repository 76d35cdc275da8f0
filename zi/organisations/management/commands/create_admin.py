"""``zi create_admin USERNAME --agency CODE [--role agency_admin] [--unit CODE] [--full-name NAME] [--email E]
[--superuser] [--noinput]``: a login with a role, the way to make the first administrator of an instance.

``zi createsuperuser`` makes a Django superuser without a role: the application's pages are scoped by roles,
so that user's home says "Belum ada peran". This command creates the person (``zi.accounts.services``) and
assigns the role (``zi.organisations.services.role_assign``), both audited, in one transaction. The password
comes from ``ZI_ADMIN_PASSWORD`` or is asked for twice on a terminal; it is checked by the password validators.
An existing user keeps their password and only gains the role (re-running is harmless).
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.accounts.services import user_create
from zi.core.commands import ZiCommand
from zi.core.feedback import refusal
from zi.organisations.importers.columns import AGENCY_LEVEL_ROLES  # roles held at a whole agency (others need --unit)
from zi.organisations.models import Agency, Role, Unit
from zi.organisations.services import role_assign

ACTOR_LABEL = "zi create_admin"
PASSWORD_ENV = "ZI_ADMIN_PASSWORD"  # noqa: S105 - the name of the variable, not a password


class Command(ZiCommand):
    help_text = gettext_noop(
        "Buat akun yang bisa masuk dengan satu peran (mis. admin instansi), tercatat di jejak audit. Kata sandi "
        "dari variabel lingkungan %(env)s, atau ditanyakan di terminal."
    )

    @property
    def help(self) -> str:  # type: ignore[override]  # a property where Django has a class attribute
        return super().help % {"env": PASSWORD_ENV}

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help=_("nama pengguna untuk masuk"))
        parser.add_argument("--agency", help=_("kode instansi cakupan peran, mis. KEMENKUMHAM"))
        parser.add_argument(
            "--role",
            default=Role.AGENCY_ADMIN.value,
            choices=Role.values,
            help=_("peran yang diberikan (bawaan: agency_admin = Admin instansi)"),
        )
        parser.add_argument("--unit", help=_("kode unit cakupan peran (untuk peran tingkat unit); bawaan: instansinya"))
        parser.add_argument("--full-name", dest="full_name", default="", help=_("nama lengkap (bawaan: nama pengguna)"))
        parser.add_argument("--email", default="", help=_("alamat surel"))
        parser.add_argument(
            "--superuser", action="store_true", help=_("juga superuser Django (halaman /admin/); jarang diperlukan")
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            dest="interactive",
            action="store_false",
            help=_("jangan bertanya; kata sandi wajib ada di %(env)s") % {"env": PASSWORD_ENV},
        )

    def handle(self, *args: Any, **options: Any) -> None:
        role = options["role"]
        agency, unit = self._scope(role, options.get("agency"), options.get("unit"))
        username = options["username"].strip()
        existing = get_user_model().objects.filter(username=username).first()
        password = None if existing else self._password(options["interactive"])
        try:
            with transaction.atomic():
                if existing is None:
                    user = user_create(
                        actor=ACTOR_LABEL,
                        username=username,
                        full_name=options["full_name"] or username,
                        email=options["email"],
                        password=password,
                        position=str(Role(role).label),
                        is_staff=options["superuser"],
                        is_superuser=options["superuser"],
                    )
                else:
                    user = existing
                had_role = user.role_assignments.filter(role=role, agency=None if unit else agency, unit=unit).exists()
                role_assign(actor=ACTOR_LABEL, user=user, role=role, unit=unit, agency=None if unit else agency)
        except ValidationError as exc:
            raise CommandError(refusal(exc)) from exc
        if existing is None:
            self.stdout.write(self.style.SUCCESS(_("Pengguna %(username)s dibuat.") % {"username": username}))
        else:
            self.stdout.write(
                _("Pengguna %(username)s sudah ada; kata sandinya tidak diubah.") % {"username": username}
            )
        scope = unit.name if unit else (agency.name if agency else _("nasional"))
        values = {"role": Role(role).label, "scope": scope}
        if had_role:
            self.stdout.write(_("Peran %(role)s di %(scope)s sudah dimiliki.") % values)
        else:
            self.stdout.write(self.style.SUCCESS(_("Peran %(role)s diberikan di %(scope)s.") % values))
        self.stdout.write(_("Masuk di /akun/masuk/ sebagai %(username)s.") % {"username": username})

    def _scope(self, role: str, agency_code: str | None, unit_code: str | None) -> tuple[Agency | None, Unit | None]:
        if role == Role.NATIONAL_VIEWER:
            if agency_code or unit_code:
                raise CommandError(_("Pemantau nasional berlaku untuk semua instansi: jangan sebut --agency/--unit."))
            return None, None
        if not agency_code:
            raise CommandError(_("Sebutkan instansinya: --agency KODE."))
        agency = Agency.objects.filter(code=agency_code).first()
        if agency is None:
            raise CommandError(_("Instansi tidak ditemukan: %(code)s") % {"code": agency_code})
        if unit_code:
            unit = Unit.objects.filter(agency=agency, code__iexact=unit_code).first()
            if unit is None:
                raise CommandError(
                    _("Unit %(unit)s tidak ada di instansi %(code)s.") % {"unit": unit_code, "code": agency.code}
                )
            return agency, unit
        if role not in AGENCY_LEVEL_ROLES:
            raise CommandError(
                _("Peran %(role)s diberikan di satu unit: sebutkan --unit KODE.") % {"role": Role(role).label}
            )
        return agency, None

    def _password(self, interactive: bool) -> str:
        password = os.environ.get(PASSWORD_ENV, "")
        if password:
            return password
        if not interactive or not sys.stdin.isatty():
            raise CommandError(
                _("Kata sandi tidak ada: isi variabel lingkungan %(env)s atau jalankan di terminal tanpa --noinput.")
                % {"env": PASSWORD_ENV}
            )
        password = getpass.getpass(_("Kata sandi: "))
        if password != getpass.getpass(_("Kata sandi (ulangi): ")):
            raise CommandError(_("Kedua kata sandi tidak sama."))
        if not password:
            raise CommandError(_("Kata sandi kosong."))
        return password
