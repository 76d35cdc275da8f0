"""Numbers typed by people: one parser for every form, lane and imported file, and the display format.

Why not :func:`django.utils.formats.sanitize_separators` alone: it strips the thousands separator only when
``USE_THOUSAND_SEPARATOR`` is on (it stays off: templates put raw integers into links and inputs), and it reads an
ambiguous "1.5" silently as 1,5 (Django ticket #22171). This module uses the same locale formats
(``get_format("DECIMAL_SEPARATOR")``/``"THOUSAND_SEPARATOR"``: "," and "." for ``id``) but is strict:

- "1.000" is one thousand, "1.234.567,5" is what it says, "2,5" is two and a half (Indonesian);
- a thousands separator that does not group by three ("1.5", "12.34") is ambiguous and refused with a message
  that says how to write a fraction, never guessed;
- a whole number (a count of people or documents) refuses a fraction; "1,000" there is refused as ambiguous
  (it would be 1 in Indonesian, 1000 in English habit);
- every message names the input's human label.

Forms parse with the active language (the UI default is ``id``; the English UI reads "1,000.5" like its own
display). Imported files (CSV/XLSX) are Indonesian documents and parse with ``id`` whatever the UI language.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

FILE_LANGUAGE = "id"  # imported workbooks and CSV files are read the Indonesian way
_SPACES = re.compile(r"[\s\u00a0\u202f]+")


class NumberError(ValueError):
    """A typed number could not be read; the message is for people (it names the input's label)."""


def _separators(lang: str | None) -> tuple[str, str]:
    lang = lang or get_language() or FILE_LANGUAGE
    try:
        decimal = str(formats.get_format("DECIMAL_SEPARATOR", lang))
        thousand = str(formats.get_format("THOUSAND_SEPARATOR", lang))
    except Exception:  # pragma: no cover - Django not configured (pure engine use): Indonesian
        decimal, thousand = ",", "."
    return decimal or ",", thousand or "."


def parse_number(
    text: Any, *, label: str, whole: bool = False, below_thousand: bool = False, lang: str | None = None
) -> Decimal:
    """``text`` typed by a person (or read from a text cell) as an exact :class:`~decimal.Decimal`.

    ``below_thousand``: the input is never 1000 or more (an index 0–4), so a lone thousands separator cannot be
    one and is read as the decimal point ("3.71" = 3,71): nothing is ambiguous there.

    Numbers already numbers (``int``/``float``/``Decimal`` from a spreadsheet cell or JSON) are taken as they are.
    Raises :class:`NumberError` with a message naming ``label``."""
    if isinstance(text, bool):
        raise NumberError(_("“%(label)s” harus berupa angka.") % {"label": label})
    if isinstance(text, int | float | Decimal):
        try:
            number = Decimal(str(text))
        except InvalidOperation as exc:  # pragma: no cover - str(float) is always a decimal
            raise NumberError(_("“%(label)s” harus berupa angka.") % {"label": label}) from exc
        if not number.is_finite():
            raise NumberError(_("“%(label)s” harus berupa angka.") % {"label": label})
        return _whole(number, label, whole, str(text))
    if not isinstance(text, str):
        raise NumberError(_("“%(label)s” harus berupa angka.") % {"label": label})
    raw = text
    body = _SPACES.sub("", text)
    sign = ""
    if body[:1] in ("-", "+", "−"):
        sign, body = ("-" if body[0] in "-−" else ""), body[1:]
    decimal, thousand = _separators(lang)
    if below_thousand and body.count(thousand) == 1 and decimal not in body:
        body = body.replace(thousand, decimal)
    d, t = re.escape(decimal), re.escape(thousand)
    match = re.fullmatch(rf"(\d+|\d{{1,3}}(?:{t}\d{{3}})+)(?:{d}(\d+))?", body)
    examples = {
        "label": label,
        "value": raw.strip(),
        "one_thousand": f"1{thousand}000",
        "fraction": f"2{decimal}5",
    }
    if match is None:
        parts = body.split(thousand)
        if decimal not in body and len(parts) >= 2 and all(p.isdigit() for p in parts):
            raise NumberError(
                _(
                    "“%(label)s”: “%(value)s” membingungkan: %(one_thousand)s berarti seribu; "
                    "untuk pecahan tulis %(fraction)s."
                )
                % examples
            )
        raise NumberError(
            _("“%(label)s” harus berupa angka, bukan “%(value)s” (mis. %(one_thousand)s atau %(fraction)s).") % examples
        )
    integer, fraction = match.group(1).replace(thousand, ""), match.group(2)
    if whole and fraction is not None and len(fraction) == 3 and thousand not in match.group(1):
        raise NumberError(
            _(
                "“%(label)s”: “%(value)s” membingungkan untuk bilangan bulat; "
                "untuk seribu tulis %(one_thousand)s atau 1000."
            )
            % examples
        )
    number = Decimal(f"{sign}{integer}.{fraction}" if fraction is not None else f"{sign}{integer}")
    return _whole(number, label, whole, raw.strip())


def _whole(number: Decimal, label: str, whole: bool, shown: str) -> Decimal:
    if whole and number != number.to_integral_value():
        raise NumberError(
            _("“%(label)s” harus bilangan bulat (jumlah), bukan %(value)s.") % {"label": label, "value": shown}
        )
    return number


def number_input_value(value: Any) -> str:
    """A stored number as it goes back into a text input: grouped and localised ("1.000", "2,5"), so what the
    person sees is what is stored and typing it again reads the same value."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if number == number.to_integral_value():
        return formats.number_format(int(number), 0, use_l10n=True, force_grouping=True)
    text = format(number.normalize(), "f")
    places = len(text.split(".", 1)[1]) if "." in text else 0
    return formats.number_format(number, places, use_l10n=True, force_grouping=True)


class NumberField(forms.DecimalField):
    """A form field for a number typed by a person: :func:`parse_number` with the field's label, so "1.000" is
    one thousand and "1.5" is refused as ambiguous. ``whole=True`` for counts; ``below_thousand=True`` for a
    percentage or an index (a lone dot is then the decimal point). Rendered as a text input with a
    decimal keypad (a ``type=number`` input would reject "1.000" in the browser before it reaches us)."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {"invalid": gettext_lazy("Masukkan angka.")}

    def __init__(self, *args: Any, whole: bool = False, below_thousand: bool = False, **kwargs: Any) -> None:
        self.whole, self.below_thousand = whole, below_thousand
        kwargs.setdefault("localize", True)
        super().__init__(*args, **kwargs)

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]  # DecimalField's stub says int
        if value in self.empty_values or (isinstance(value, str) and not value.strip()):
            return None
        try:
            number = parse_number(
                value, label=str(self.label or ""), whole=self.whole, below_thousand=self.below_thousand
            )
        except NumberError as exc:
            raise ValidationError(str(exc), code="invalid") from exc
        return number

    def clean(self, value: Any) -> Decimal | int | None:
        number = super().clean(value)
        return int(number) if self.whole and number is not None else number

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return number_input_value(value)
        return value

    def widget_attrs(self, widget: Any) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.pop("min", None)
        attrs.pop("max", None)
        return attrs
