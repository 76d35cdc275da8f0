"""``{{ reason|lke_reason }}``: a stored LKE eligibility reason in the active language (see :mod:`zi.lke.reasons`)."""

from __future__ import annotations

from django import template

from zi.lke.reasons import translate_reason

register = template.Library()


@register.filter
def lke_reason(reason: str) -> str:
    return translate_reason(reason)
