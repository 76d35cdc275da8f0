"""The one path converter for database ids: ``<id:pk>`` in every ``urls.py`` (registered in ``CoreConfig.ready``).

Our primary keys are 64-bit integers. Django's ``<int:…>`` accepts any number of digits, so a 20-digit id
reached the database and SQLite raised ``OverflowError`` (a 500). This converter matches 1–18 digits only (every
value fits a signed 64-bit integer), so anything longer, signed, or non-ASCII is the resolver's 404.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:  # pragma: no cover - 18 digits always fit; kept so a wider regex stays safe
            raise ValueError(value)
        return number

    def to_url(self, value: int | str) -> str:
        return str(value)
