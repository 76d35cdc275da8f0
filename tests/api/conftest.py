from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from tests.api.world import build
from zi.api import services


@pytest.fixture
def world(tree):
    return build(tree)


@pytest.fixture
def api_client_for():
    """An API client authenticated with a fresh personal token of ``user`` (or anonymous for None)."""

    def make(user):
        client = APIClient()
        if user is not None:
            _token, raw = services.token_create(actor=None, user=user, name="test")
            client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
        return client

    return make
