"""The registers' tests stand on the programme tests' people and places (the same Lapas, team and TPI)."""

from tests.programme.conftest import _clear_cache, integrity_handle, lapas, team, tpi  # noqa: F401
