"""LKE eligibility reasons in the reader's language, at display time.

The scorer (:mod:`zi.lke.scoring`) gives each failed eligibility check as one Indonesian sentence with Indonesian
number formatting (``"IPAK 3,41 < 3,60 (nilai 2,10 < 2,50)"``): the ``zi lke score`` output, and what
``expand_breakdown`` rebuilds from the reason codes stored in a lane score (rows of the earlier format hold the
sentences themselves). This module parses the shapes the scorer builds and rebuilds them with ``gettext`` and the
active locale's number format. A string of any other shape (an older or newer scorer, a hand-written note) is
returned unchanged, so a translation can never lose a reason.

Shapes (``N`` = ``-?digits[,digits]``), see ``zi.lke.scoring.engine._layout``:

- ``Nilai total N < N``, ``Nilai pengungkit N < N``, ``Birokrasi bersih dan akuntabel N < N``,
  ``Capaian kinerja lebih baik N < N``
- ``Area <name> N < N (P% dari N)`` and ``Area <name> (Pemenuhan|Reform) N < N (P% dari N)``
- ``IPAK N|belum diisi < N (nilai N < N)``
- ``IPKP N|belum diisi < N (pelayanan publik prima N < N)``
- ``Belum memiliki predikat <name>``
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

_N = r"-?\d+(?:,\d+)?"
_NOT_FILLED = "belum diisi"


def _number(text: str) -> str:
    """An Indonesian-formatted number ("3,41", "-2", "37,5") in the active locale, with the same decimals."""
    places = len(text.split(",", 1)[1]) if "," in text else 0
    return number_format(Decimal(text.replace(",", ".")), decimal_pos=places)


def _values(match: re.Match[str]) -> dict[str, str]:
    return {"value": _number(match["value"]), "limit": _number(match["limit"])}


def _plain(msgid_builder: Callable[[], str]) -> Callable[[re.Match[str]], str]:
    return lambda m: msgid_builder() % _values(m)


def _area(m: re.Match[str]) -> str:
    params = {
        **_values(m),
        "area": _(m["area"]),  # the six area names are in the catalogue (LKE template data)
        "percent": _number(m["percent"]) + "%",
        "weight": _number(m["weight"]),
    }
    if m["aspect"]:
        params["aspect"] = _(m["aspect"])
        return _("Area %(area)s (%(aspect)s) %(value)s < %(limit)s (%(percent)s dari %(weight)s)") % params
    return _("Area %(area)s %(value)s < %(limit)s (%(percent)s dari %(weight)s)") % params


def _index_params(m: re.Match[str]) -> dict[str, str]:
    index = _("belum diisi") if m["index"] == _NOT_FILLED else _number(m["index"])
    return {**_values(m), "index": index, "minimum": _number(m["minimum"])}


def _ipak(m: re.Match[str]) -> str:
    return _("IPAK %(index)s < %(minimum)s (nilai %(value)s < %(limit)s)") % _index_params(m)


def _ipkp(m: re.Match[str]) -> str:
    return _("IPKP %(index)s < %(minimum)s (pelayanan publik prima %(value)s < %(limit)s)") % _index_params(m)


def _predicate(m: re.Match[str]) -> str:
    return _("Belum memiliki predikat %(predicate)s") % {"predicate": _(m["predicate"])}


_CHECK = rf"(?P<value>{_N}) < (?P<limit>{_N})"
_INDEX = rf"(?P<index>{_N}|{_NOT_FILLED}) < (?P<minimum>{_N})"
_SHAPES: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(rf"Nilai total {_CHECK}"), _plain(lambda: _("Nilai total %(value)s < %(limit)s"))),
    (re.compile(rf"Nilai pengungkit {_CHECK}"), _plain(lambda: _("Nilai pengungkit %(value)s < %(limit)s"))),
    (
        re.compile(rf"Birokrasi bersih dan akuntabel {_CHECK}"),
        _plain(lambda: _("Birokrasi bersih dan akuntabel %(value)s < %(limit)s")),
    ),
    (
        re.compile(rf"Capaian kinerja lebih baik {_CHECK}"),
        _plain(lambda: _("Capaian kinerja lebih baik %(value)s < %(limit)s")),
    ),
    (
        re.compile(
            rf"Area (?P<area>.+?) (?:\((?P<aspect>Pemenuhan|Reform)\) )?{_CHECK} "
            rf"\((?P<percent>\d+(?:,\d+)?)% dari (?P<weight>{_N})\)"
        ),
        _area,
    ),
    (re.compile(rf"IPAK {_INDEX} \(nilai {_CHECK}\)"), _ipak),
    (re.compile(rf"IPKP {_INDEX} \(pelayanan publik prima {_CHECK}\)"), _ipkp),
    (re.compile(r"Belum memiliki predikat (?P<predicate>.+)"), _predicate),
)


def translate_reason(reason: str) -> str:
    """One stored reason in the active language; a string of an unknown shape comes back unchanged."""
    if not isinstance(reason, str):
        return reason
    for pattern, build in _SHAPES:
        match = pattern.fullmatch(reason)
        if match:
            return build(match)
    return reason


def translate_reasons(reasons: Iterable[str]) -> list[str]:
    return [translate_reason(r) for r in reasons]
