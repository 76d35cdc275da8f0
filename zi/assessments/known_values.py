"""Values the apps above ``assessments`` know for LKE items, registered by those apps at start-up.

``assessments`` sits below ``surveys`` and ``programme`` in the layer order (docs/architecture.md), so it cannot
import them; each registers its one function here from its ``AppConfig.ready``:

- :func:`register_record_inputs`: programme's counts for the computed items
  (:func:`zi.programme.selectors.lke_inputs_for`);
- :func:`register_survey_indices`: the unit's survey indices, external value first
  (:func:`zi.surveys.unit_indices.survey_indices_for`).

One provider per kind: a second registration of another function is refused, and asking before any registration
raises, so a missing app fails loudly instead of suggesting nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class IndexLike(Protocol):
    """What the LKE needs of a survey index (:class:`zi.surveys.unit_indices.SurveyIndex`)."""

    value: float | None
    source: str
    respondents: int
    required: int
    sample_ok: bool
    survey_value: float | None
    survey_source: str
    differs_from_survey: bool


class IndicesLike(Protocol):
    def get(self, kind: str) -> Any: ...


RecordInputs = Callable[[Any, Any], Mapping[str, Mapping[str, Any]]]
SurveyIndices = Callable[[Any, Any], IndicesLike]

_providers: dict[str, Callable[..., Any]] = {}


def _register(kind: str, provider: Callable[..., Any]) -> None:
    current = _providers.get(kind)
    if current is not None and current is not provider:
        raise ImproperlyConfigured(f"a provider of {kind} is already registered: {current!r}")
    _providers[kind] = provider


def _provider(kind: str) -> Callable[..., Any]:
    try:
        return _providers[kind]
    except KeyError:
        raise ImproperlyConfigured(f"no provider of {kind} is registered (is its app installed?)") from None


def register_record_inputs(provider: RecordInputs) -> RecordInputs:
    _register("record inputs", provider)
    return provider


def register_survey_indices(provider: SurveyIndices) -> SurveyIndices:
    _register("survey indices", provider)
    return provider


def record_inputs(unit: Any, period: Any) -> Mapping[str, Mapping[str, Any]]:
    """``{question_code: {"inputs": {input_key: value}, "source": str}}`` counted from the unit's records."""
    return _provider("record inputs")(unit, period)


def survey_indices(unit: Any, period: Any) -> IndicesLike:
    """The unit's IPAK/IPKP/IKM in the period (``.get(kind)`` → index or None); ``unit`` may be an id."""
    return _provider("survey indices")(unit, period)


def survey_index(unit: Any, period: Any, kind: str) -> Any:
    return survey_indices(unit, period).get(kind)
