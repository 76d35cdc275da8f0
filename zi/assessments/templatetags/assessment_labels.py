"""Labels a person reads for stored values of the assessments app (``{% load assessment_labels %}``)."""

from __future__ import annotations

from django import template

from zi.assessments.models import lane_label as _lane_label

register = template.Library()


@register.filter
def lane_label(value: str) -> str:
    """``{{ lane|lane_label }}``: "review" → "Reviu Kanwil/Eselon I"."""
    return _lane_label(value)
