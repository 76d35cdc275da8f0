from __future__ import annotations

from tests.api import world as api_world

# The API world's fixtures, defined once in tests/api/world.py.
world = api_world.world
api_client_for = api_world.api_client_for
