"""Regulation facts the register applies (data in ``data/rules.yaml``, source noted there)."""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path
from typing import Any

import yaml

DATA = Path(__file__).resolve().parent / "data" / "rules.yaml"


@cache
def rules() -> dict[str, Any]:
    return yaml.safe_load(DATA.read_text(encoding="utf-8"))


def revocation_ban_years() -> int:
    return int(rules()["revocation_ban_years"])


def ban_until(revoked_on: dt.date) -> dt.date:
    """The first day a unit may be proposed again after a revocation on ``revoked_on``."""
    years = revocation_ban_years()
    try:
        return revoked_on.replace(year=revoked_on.year + years)
    except ValueError:  # 29 February
        return revoked_on.replace(year=revoked_on.year + years, day=28)
