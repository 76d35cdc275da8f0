"""Password rule beyond Django's built-ins: mix of character classes."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """Require at least three of: lower case, upper case, digit, symbol."""

    def validate(self, password: str, user: object = None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _("Kata sandi harus memuat minimal tiga dari: huruf kecil, huruf besar, angka, simbol."),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("Minimal tiga dari: huruf kecil, huruf besar, angka, simbol.")
