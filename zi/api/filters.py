"""django-filter allow-lists: only these query parameters filter; nothing else reaches the ORM.

Every value is checked the way the OpenAPI schema states it, so what the schema accepts is accepted and what
it refuses answers 400 (never a 500 or a silently ignored filter): ids with :class:`IdFilter` (a 64-bit integer
from 1 to 2⁶³−1; ``1e20`` and 20-digit values overflowed SQLite before), whole numbers with
:class:`IntFilter`, booleans only as ``true``/``false``, and a parameter given twice or left empty (but free
text) is refused by :class:`StrictFilterSet`.
"""

from __future__ import annotations

import datetime as dt
import re

import django_filters as df
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from zi.accounts.models import User
from zi.assessments.models import Answer, Assessment, AssessmentStatus, Evidence, Lane, Period
from zi.assessments.stages import states_with_status
from zi.organisations.models import Unit
from zi.programme.models import Complaint, ComplaintCategory, ComplaintStatus
from zi.surveys.models import Campaign
from zi.workflow.models import Journey, State

MAX_ID = 2**63 - 1
INTEGER = re.compile(r"\A-?[0-9]{1,19}\Z")


class StrictIntegerField(forms.IntegerField):
    """Only plain decimal digits (an optional minus): no ``1e20``, ``5.0``, spaces or signs Django would strip."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, str) or not INTEGER.match(value):
            raise forms.ValidationError(_("Masukkan bilangan bulat."), code="invalid")
        return int(value)


def int_schema(minimum: int, maximum: int) -> dict:
    return {
        "type": "integer",
        "format": "int64" if maximum > 2**31 - 1 else "int32",
        "minimum": minimum,
        "maximum": maximum,
    }


class IntFilter(df.Filter):
    """A whole number between ``min_value`` and ``max_value`` (both stated in the schema)."""

    field_class = StrictIntegerField

    def __init__(self, *args, min_value: int = 0, max_value: int = 2**31 - 1, **kwargs) -> None:
        kwargs.setdefault("min_value", min_value)
        kwargs.setdefault("max_value", max_value)
        super().__init__(*args, **kwargs)
        self._spectacular_annotation = {"field": int_schema(min_value, max_value)}


@extend_schema_field(int_schema(1, MAX_ID))
class IdFilter(df.Filter):
    """A database id: an integer from 1 to 2⁶³−1 (the one filter type for ids)."""

    field_class = StrictIntegerField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class StrictBooleanField(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        if value not in ("true", "false"):
            raise forms.ValidationError(_("Gunakan true atau false."), code="invalid")
        return value == "true"


class BoolFilter(df.BooleanFilter):
    """``true`` or ``false`` only (the schema's boolean); ``1``, ``yes`` or ``-1`` answer 400."""

    field_class = StrictBooleanField


EARLIEST = dt.datetime.min.replace(tzinfo=dt.UTC)
LATEST = dt.datetime.max.replace(tzinfo=dt.UTC)


class UtcDateTimeFilter(df.IsoDateTimeFilter):
    """An ISO date-time compared in UTC. RFC 3339 allows offsets up to ±23:59, PostgreSQL only ±15:59 (an offset of
    +16:42 was a 500 there); a bound past the ends of Python's calendar once in UTC is clamped to that end."""

    def filter(self, qs: QuerySet, value: dt.datetime | None) -> QuerySet:
        if value is not None:
            try:
                value = value.astimezone(dt.UTC)
            except OverflowError:
                later = (value.utcoffset() or dt.timedelta(0)) < dt.timedelta(0)
                value = LATEST if later else EARLIEST
        return super().filter(qs, value)


class StrictFilterSet(df.FilterSet):
    """A parameter given twice, or given empty when it is not free text, is refused (400), not ignored.
    Only the declared filters filter: subclasses name their model in ``class Meta(StrictFilterSet.Meta)``."""

    class Meta:
        fields: list[str] = []

    def is_valid(self) -> bool:
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else [self.data.get(name)]
            if name not in self.data:
                continue
            if len(values) > 1:
                self.form.add_error(name, _("Parameter ini hanya boleh diberikan sekali."))
                valid = False
            elif values[0] == "" and not isinstance(filter_, df.CharFilter):
                self.form.add_error(name, _("Nilai kosong tidak diterima."))
                valid = False
        return valid


def _subtree(unit_field: str):
    """A filter method: rows whose unit lies in the subtree of unit ``value`` (an id).

    The root unit is looked up without scope; the caller's queryset is already restricted, so an out-of-scope
    id just yields no rows (nothing about it is revealed)."""

    def method(queryset: QuerySet, name: str, value: int) -> QuerySet:
        path = Unit.objects.filter(pk=value).values_list("path", flat=True).first()
        if path is None:
            return queryset.none()
        prefix = f"{unit_field}__" if unit_field else ""
        return queryset.filter(**{f"{prefix}path__startswith": path})

    return method


class UnitRowsFilter(StrictFilterSet):
    """Rows that belong to a unit: ``unit`` (that unit's) and ``subtree`` (that unit's and its descendants')."""

    unit = IdFilter(field_name="unit_id")
    subtree = IdFilter(method=_subtree("unit"))


class PeriodRowsFilter(UnitRowsFilter):
    """A unit's rows of an evaluation period: by the period's id or its year."""

    period = IdFilter(field_name="period_id")
    year = IntFilter(field_name="period__year", min_value=1, max_value=9999)


class UnitFilter(StrictFilterSet):
    parent = IdFilter(field_name="parent_id")
    root = BoolFilter(field_name="parent", lookup_expr="isnull", label=_("Hanya unit akar"))
    agency = IdFilter(field_name="agency_id")
    subtree = IdFilter(method=_subtree(""), label=_("Id unit: unit itu dan semua turunannya"))
    code = df.CharFilter(field_name="code", lookup_expr="iexact")
    type = df.CharFilter(field_name="unit_type__code", lookup_expr="iexact")
    q = df.CharFilter(method="search", label=_("Cari nama atau kode"))
    depth = IntFilter(field_name="depth", min_value=0, max_value=1000)

    class Meta(StrictFilterSet.Meta):
        model = Unit

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class PersonFilter(UnitRowsFilter):
    q = df.CharFilter(field_name="full_name", lookup_expr="icontains")

    class Meta(StrictFilterSet.Meta):
        model = User


class PeriodFilter(StrictFilterSet):
    year = IntFilter(field_name="year", min_value=1, max_value=9999)
    is_open = BoolFilter(field_name="is_open")

    class Meta(StrictFilterSet.Meta):
        model = Period


class AssessmentFilter(PeriodRowsFilter):
    status = df.ChoiceFilter(choices=AssessmentStatus.choices, method="filter_status")

    class Meta(StrictFilterSet.Meta):
        model = Assessment

    def filter_status(self, queryset: QuerySet[Assessment], name: str, value: str) -> QuerySet[Assessment]:
        """``status`` is derived from the state (zi.assessments.stages): the states shown as that word."""
        return queryset.filter(state__in=sorted(states_with_status(value)))


class AnswerFilter(StrictFilterSet):
    assessment = IdFilter(field_name="assessment_id")
    lane = df.ChoiceFilter(choices=Lane.choices)
    question = df.CharFilter(field_name="question__code")

    class Meta(StrictFilterSet.Meta):
        model = Answer


class EvidenceFilter(StrictFilterSet):
    assessment = IdFilter(field_name="assessment_id")
    question = df.CharFilter(field_name="question__code")
    withdrawn = BoolFilter(field_name="is_withdrawn")

    class Meta(StrictFilterSet.Meta):
        model = Evidence


class CampaignFilter(UnitRowsFilter):
    period = IdFilter(field_name="period_id")

    class Meta(StrictFilterSet.Meta):
        model = Campaign


class ComplaintFilter(UnitRowsFilter):
    status = df.ChoiceFilter(choices=ComplaintStatus.choices)
    category = df.ChoiceFilter(choices=ComplaintCategory.choices)
    received_after = UtcDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = UtcDateTimeFilter(field_name="received_at", lookup_expr="lt")

    class Meta(StrictFilterSet.Meta):
        model = Complaint


class JourneyFilter(PeriodRowsFilter):
    state = df.ChoiceFilter(choices=State.choices, field_name="assessment__state")

    class Meta(StrictFilterSet.Meta):
        model = Journey
