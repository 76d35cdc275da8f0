"""django-filter allow-lists: only these query parameters filter; nothing else reaches the ORM."""

from __future__ import annotations

import django_filters as df
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from zi.accounts.models import User
from zi.assessments.models import Answer, Assessment, AssessmentStatus, Evidence, Lane, Period
from zi.organisations.models import Unit
from zi.programme.models import Complaint, ComplaintCategory, ComplaintStatus
from zi.surveys.models import Campaign
from zi.workflow.models import Journey, State


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


class UnitFilter(df.FilterSet):
    parent = df.NumberFilter(field_name="parent_id")
    root = df.BooleanFilter(field_name="parent", lookup_expr="isnull", label=_("Hanya unit akar"))
    agency = df.NumberFilter(field_name="agency_id")
    subtree = df.NumberFilter(method=_subtree(""), label=_("Id unit: unit itu dan semua turunannya"))
    code = df.CharFilter(field_name="code", lookup_expr="iexact")
    type = df.CharFilter(field_name="unit_type__code", lookup_expr="iexact")
    q = df.CharFilter(method="search", label=_("Cari nama atau kode"))
    depth = df.NumberFilter(field_name="depth")

    class Meta:
        model = Unit
        fields: list[str] = []

    def search(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(Q(name__icontains=value) | Q(code__icontains=value))


class PersonFilter(df.FilterSet):
    unit = df.NumberFilter(field_name="unit_id")
    subtree = df.NumberFilter(method=_subtree("unit"))
    q = df.CharFilter(field_name="full_name", lookup_expr="icontains")

    class Meta:
        model = User
        fields: list[str] = []


class PeriodFilter(df.FilterSet):
    year = df.NumberFilter(field_name="year")
    is_open = df.BooleanFilter(field_name="is_open")

    class Meta:
        model = Period
        fields: list[str] = []


class AssessmentFilter(df.FilterSet):
    unit = df.NumberFilter(field_name="unit_id")
    subtree = df.NumberFilter(method=_subtree("unit"))
    period = df.NumberFilter(field_name="period_id")
    year = df.NumberFilter(field_name="period__year")
    status = df.ChoiceFilter(choices=AssessmentStatus.choices)

    class Meta:
        model = Assessment
        fields: list[str] = []


class AnswerFilter(df.FilterSet):
    assessment = df.NumberFilter(field_name="assessment_id")
    lane = df.ChoiceFilter(choices=Lane.choices)
    question = df.CharFilter(field_name="question__code")

    class Meta:
        model = Answer
        fields: list[str] = []


class EvidenceFilter(df.FilterSet):
    assessment = df.NumberFilter(field_name="assessment_id")
    question = df.CharFilter(field_name="question__code")
    withdrawn = df.BooleanFilter(field_name="is_withdrawn")

    class Meta:
        model = Evidence
        fields: list[str] = []


class CampaignFilter(df.FilterSet):
    unit = df.NumberFilter(field_name="unit_id")
    subtree = df.NumberFilter(method=_subtree("unit"))
    period = df.NumberFilter(field_name="period_id")

    class Meta:
        model = Campaign
        fields: list[str] = []


class ComplaintFilter(df.FilterSet):
    unit = df.NumberFilter(field_name="unit_id")
    subtree = df.NumberFilter(method=_subtree("unit"))
    status = df.ChoiceFilter(choices=ComplaintStatus.choices)
    category = df.ChoiceFilter(choices=ComplaintCategory.choices)
    received_after = df.IsoDateTimeFilter(field_name="received_at", lookup_expr="gte")
    received_before = df.IsoDateTimeFilter(field_name="received_at", lookup_expr="lt")

    class Meta:
        model = Complaint
        fields: list[str] = []


class JourneyFilter(df.FilterSet):
    unit = df.NumberFilter(field_name="unit_id")
    subtree = df.NumberFilter(method=_subtree("unit"))
    period = df.NumberFilter(field_name="period_id")
    year = df.NumberFilter(field_name="period__year")
    state = df.ChoiceFilter(choices=State.choices)

    class Meta:
        model = Journey
        fields: list[str] = []
