"""``{% load lke_names %}``: the LKE's content names in the active language."""

from __future__ import annotations

from typing import Any

from django import template

from zi.lke.content_names import content_name

register = template.Library()


@register.filter
def lke_name(name: Any) -> str:
    """``{{ area.name|lke_name }}``: an area, section or indicator name in the active language."""
    return content_name(name)
