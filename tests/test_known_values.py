"""The values above ``assessments`` reach the LKE through providers registered at start-up (docs/architecture.md)."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from zi.assessments import known_values
from zi.programme.selectors import lke_inputs_for
from zi.surveys.unit_indices import survey_indices_for


def test_each_app_registers_its_provider_at_start_up():
    assert known_values._providers["record inputs"] is lke_inputs_for
    assert known_values._providers["survey indices"] is survey_indices_for


def test_a_second_provider_of_the_same_kind_is_refused(monkeypatch):
    monkeypatch.setattr(known_values, "_providers", dict(known_values._providers))
    known_values.register_survey_indices(survey_indices_for)  # the same function again: harmless (tests reload apps)
    with pytest.raises(ImproperlyConfigured):
        known_values.register_survey_indices(lambda unit, period: {})


def test_asking_before_any_registration_fails_loudly(monkeypatch):
    monkeypatch.setattr(known_values, "_providers", {})
    with pytest.raises(ImproperlyConfigured):
        known_values.record_inputs(None, None)
