"""The OpenAPI schema builds without warnings and the API keeps to it under generated input (Schemathesis)."""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.core.management import call_command
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode

from zi.api import services as api_services
from zi.assessments.services import evidence_add_link
from zi.config.wsgi import application
from zi.organisations.models import Role
from zi.workflow.models import Journey

EXAMPLES = 15  # per operation, role and mode: 4 × 25 operations × 15 ≈ 1,500 requests, about a minute in-process


def test_schema_builds_without_warnings(db, tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))
    assert "/api/assessments/{id}/answers/" in (tmp_path / "schema.yaml").read_text()


def test_schema_and_docs_need_login(world, client, api_client_for):
    assert api_client_for(None).get("/api/schema/").status_code == 401
    assert client.get("/api/docs/").status_code == 302
    client.force_login(world["member"])
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn" not in html.lower() and "/api/docs/assets/swagger-ui-bundle.js" in html
    assert "<script>" not in html  # the split view loads its init script from the same origin (CSP 'self')
    assert client.get("/api/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert client.get("/api/docs/assets/../settings.py").status_code == 404
    assert api_client_for(world["member"]).get("/api/schema/").status_code == 200


@pytest.fixture
def wsgi_keeps_test_connection():
    """Call the WSGI app in-process without Django closing the test's connection after each request.

    ``WSGIHandler`` fires ``request_started``/``request_finished``, whose ``close_old_connections`` closes a
    connection whose autocommit differs from the settings, which is what the test's open transaction looks like
    (it did so on PostgreSQL once a transactional test had run before). Django's own test client disconnects it
    for the same reason.
    """
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def _headers(world, who: str) -> dict[str, str]:
    if who == "anonymous":
        return {}
    _token, raw = api_services.token_create(actor=None, user=world["users"][(Role.UNIT_TEAM_MEMBER, True)], name="st")
    return {"Authorization": f"Bearer {raw}"}


@pytest.mark.slow
# In CI on PostgreSQL only (about 40 s of CPU a case): the production database is where generated input meets its
# limits (a 20-digit id overflows bigint there, not in SQLite) and where the connection handling above differs;
# locally it runs on whatever database the run uses.
@pytest.mark.once_in("postgresql")
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda mode: mode.value)
@pytest.mark.parametrize("who", ["narrow-role", "anonymous"])
def test_api_conforms_to_schema(world, journey, wsgi_keeps_test_connection, who, mode):
    """Every Schemathesis check (status codes, content types, bodies, headers, positive data accepted, negative
    data rejected, auth not ignored, no 5xx), for generated input to every operation, with a unit team member's
    token (a narrow role: the draft and the submitted assessment of their unit are in scope) and anonymously.
    Nothing is excluded: a failure here is a bug in the API or in what its schema promises.

    Besides the world's rows: a journey (workflow), a link evidence (``download`` is null) and a journey whose
    target predicate is still empty (served as null), so those responses are checked against the schema too."""
    evidence_add_link(
        actor=world["member"],
        assessment=world["draft"],
        question_code=world["choice_code"],
        title="Tautan SK",
        url="https://example.org/sk",
    )
    Journey.objects.filter(pk=journey.pk).update(target_predicate="")
    schema_headers = {"Authorization": f"Bearer {world['superuser_token']}"}
    api = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=schema_headers)
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) >= 15
    headers = _headers(world, who)
    failures = []

    def run(operation) -> None:
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case):
            response = case.call(headers=headers)
            case.validate_response(response, headers=headers)

        check()

    for operation in operations:
        try:
            run(operation)
        except BaseException as exc:  # noqa: BLE001 - collect every operation's failures (a FailureGroup is one)
            if isinstance(exc, KeyboardInterrupt):
                raise
            failures.append(f"{operation.label}: {str(exc)[:1500]}")
    assert not failures, "\n\n".join(failures)
