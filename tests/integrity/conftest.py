"""The registers' tests stand on the programme tests' people and places (the same Lapas, team and TPI)."""

from tests.programme.conftest import (  # noqa: F401  # fixtures, shared by name
    _clear_cache,
    head,
    integrity_handle,
    lapas,
    outsider,
    outsider_team,
    reviewer,
    staff,
    team,
    tpi,
)
