"""LKE eligibility reasons as sentences: one reason (a kind and its parameters, see
:func:`zi.lke.scoring.engine.reason_params`) rendered through ``gettext`` in the active language.

The scorer and the stored breakdown keep reasons as codes (``"total:6089"``); the sentence is built only here, from
the code's parameters, never parsed back from another sentence. The source strings are Indonesian (what ``zi lke
score`` prints), the English ones are in the catalogue. Numbers follow the active locale's format (Indonesian
``60,89`` outside Django, where the engine runs on its own).

Kinds: ``total``, ``pengungkit``, ``bersih``, ``kinerja`` (value, limit); ``area`` (area, value, limit, percent,
weight, and ``aspect`` under the per-aspect reading); ``ipak``, ``ipkp`` (index or None, minimum, value, limit);
``rank`` (predicate). Figures are :class:`~decimal.Decimal` and shown with their own number of decimals.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from zi.lke.formulas import _


def _django_ready() -> bool:
    try:
        # lazy: the engine also runs without Django configured
        from django.conf import settings
    except ImportError:  # pragma: no cover - Django is a dependency; the engine itself does not need it
        return False
    return bool(settings.configured)


def language() -> str:
    """The active language code ("id" outside Django): the key of memoised sentences."""
    if not _django_ready():
        return "id"
    # lazy: the engine also runs without Django configured
    from django.utils.translation import get_language

    return get_language() or "id"


def _number(value: Decimal) -> str:
    places = max(0, -int(value.as_tuple().exponent))
    if _django_ready():
        # lazy: the engine also runs without Django configured
        from django.utils.formats import number_format

        return number_format(value, decimal_pos=places)
    return f"{value:.{places}f}".replace(".", ",")


_PLAIN = {
    "total": lambda: _("Nilai total %(value)s < %(limit)s"),
    "pengungkit": lambda: _("Nilai pengungkit %(value)s < %(limit)s"),
    "bersih": lambda: _("Birokrasi bersih dan akuntabel %(value)s < %(limit)s"),
    "kinerja": lambda: _("Capaian kinerja lebih baik %(value)s < %(limit)s"),
}


def render_reason(kind: str, params: dict[str, Any]) -> str:
    """The sentence of one failed eligibility check in the active language."""
    if kind == "rank":
        return _("Belum memiliki predikat %(predicate)s") % {"predicate": _(params["predicate"])}
    values = {"value": _number(params["value"]), "limit": _number(params["limit"])}
    if kind in _PLAIN:
        return _PLAIN[kind]() % values
    if kind == "area":
        area = {
            **values,
            "area": _(params["area"]),  # the six area names are in the catalogue (LKE template data)
            "percent": _number(params["percent"]) + "%",
            "weight": _number(params["weight"]),
        }
        if params.get("aspect"):
            area["aspect"] = _(params["aspect"])
            return _("Area %(area)s (%(aspect)s) %(value)s < %(limit)s (%(percent)s dari %(weight)s)") % area
        return _("Area %(area)s %(value)s < %(limit)s (%(percent)s dari %(weight)s)") % area
    index = params["index"]
    survey = {
        **values,
        "index": _("belum diisi") if index is None else _number(index),
        "minimum": _number(params["minimum"]),
    }
    if kind == "ipak":
        return _("IPAK %(index)s < %(minimum)s (nilai %(value)s < %(limit)s)") % survey
    if kind == "ipkp":
        return _("IPKP %(index)s < %(minimum)s (pelayanan publik prima %(value)s < %(limit)s)") % survey
    raise ValueError(f"unknown LKE reason kind: {kind}")
