"""Labels a person reads for stored values of the surveys app (``{% load survey_labels %}``)."""

from __future__ import annotations

from django import template

from zi.surveys.models import quarter_label as _quarter_label

register = template.Library()


@register.filter
def quarter_label(value: int) -> str:
    """``{{ quarter|quarter_label }}``: 20261 → "Triwulan I 2026"."""
    return _quarter_label(value)
