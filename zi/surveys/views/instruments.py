"""Instrument pages: list, one version, a new version, an agency's own internal survey, the periods of a version.

Plain forms that work without JavaScript: the questions are a Django formset with a few empty rows for new
questions and a "hapus" box per row; "Tambah baris" re-renders the form with three more empty rows, keeping what
was typed and saving nothing (with htmx only the question rows are swapped). Writes go through
:mod:`zi.surveys.services` (structure checks, audit); permission is ``survey.instrument`` via
:mod:`zi.surveys.selectors`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi.surveys import services
from zi.surveys.forms import (
    MAX_ITEMS,
    InternalForm,
    ItemFormSet,
    PeriodsForm,
    VersionForm,
)
from zi.surveys.models import Instrument
from zi.surveys.selectors import instrument_agencies, may_manage_instrument, visible_instruments


def _instrument(request: HttpRequest, pk: int) -> Instrument:
    instrument = visible_instruments(request.user).filter(pk=pk).select_related("agency", "supersedes").first()
    if instrument is None:
        raise Http404
    return instrument


def _item_initial(instrument: Instrument) -> list[dict[str, Any]]:
    return [
        {
            "code": item.code,
            "aspect": item.aspect,
            "text": item.text,
            "scale": item.scale,
            "labels": " | ".join(item.labels),
            "required": item.required,
        }
        for item in instrument.items.all()
    ]


def _specs(formset) -> list[services.ItemSpec]:
    return [
        spec
        for form in formset.forms
        if not (form.cleaned_data or {}).get("DELETE") and (spec := form.spec()) is not None
    ]


@login_required
def instrument_list(request: HttpRequest) -> HttpResponse:
    instruments = (
        visible_instruments(request.user)
        .select_related("agency", "supersedes")
        .prefetch_related("periods")
        .annotate(campaign_count=Count("campaigns", distinct=True))
        .order_by("kind", "code", "-pk")
    )
    rows = [{"instrument": i, "can_manage": may_manage_instrument(request.user, i)} for i in instruments]
    return render(
        request,
        "surveys/instrument_list.html",
        {"rows": rows, "can_create": bool(instrument_agencies(request.user))},
    )


@login_required
def instrument_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = _instrument(request, pk)
    can_manage = may_manage_instrument(request.user, instrument)
    return render(
        request,
        "surveys/instrument_detail.html",
        {
            "instrument": instrument,
            "items": instrument.items.all(),
            "periods": instrument.periods.order_by("-year"),
            "versions": Instrument.objects.filter(code=instrument.code, agency_id=instrument.agency_id).order_by("-pk"),  # type: ignore[misc]  # None: IS NULL
            "campaign_count": instrument.campaigns.count(),
            "can_manage": can_manage,
            "periods_form": PeriodsForm(initial={"periods": list(instrument.periods.all())}) if can_manage else None,
        },
    )


@login_required
def instrument_version_new(request: HttpRequest, pk: int) -> HttpResponse:
    base = _instrument(request, pk)
    if not may_manage_instrument(request.user, base):
        raise PermissionDenied
    form = VersionForm(
        request.POST or None, initial={"title": base.title, "description": base.description, "version": ""}
    )
    # Bound formsets get no ``initial``: Django would treat a row equal to its initial value as an empty extra row.
    if request.method == "POST":
        formset = ItemFormSet(request.POST, prefix="butir")
    else:
        formset = ItemFormSet(initial=_item_initial(base), prefix="butir")
    return _save_instrument(
        request,
        form,
        formset,
        base,
        save=lambda data, items: services.instrument_new_version(actor=request.user, base=base, items=items, **data),
        done=_("Versi baru instrumen disimpan. Kampanye lama tetap memakai versinya."),
    )


@login_required
def instrument_internal_new(request: HttpRequest) -> HttpResponse:
    agencies = instrument_agencies(request.user)
    if not agencies:
        raise PermissionDenied
    form = InternalForm(request.POST or None, agencies=agencies)
    formset = ItemFormSet(request.POST or None, prefix="butir")
    return _save_instrument(
        request,
        form,
        formset,
        None,
        save=lambda data, items: services.instrument_create_internal(actor=request.user, items=items, **data),
        done=_("Survei internal dibuat."),
    )


def _save_instrument(
    request: HttpRequest,
    form: forms.Form,
    formset: Any,
    base: Instrument | None,
    *,
    save: Callable[[dict[str, Any], list], Instrument],
    done: str,
) -> HttpResponse:
    """The instrument form page: on a valid POST ``save(cleaned form data, item specs)``; a refusal is shown on the
    form, success goes to the new instrument. A POST with ``add_rows`` saves nothing: the same page comes back with
    what was typed and :data:`ADD_ROWS` more empty question rows (no error shown yet)."""
    if request.method == "POST" and "add_rows" in request.POST:
        # unbound copies holding the typed values: nothing is validated yet, the new rows get their defaults
        formset = ItemFormSet(initial=[_typed(row) for row in formset.forms][:MAX_ITEMS], prefix=formset.prefix)
        form.initial = _typed(form)
        form.is_bound = False
    elif request.method == "POST" and form.is_valid() and formset.is_valid():
        data = {**form.cleaned_data, "periods": list(form.cleaned_data["periods"])}
        try:
            instrument = save(data, _specs(formset))
        except services.SurveyError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, done)
            return redirect("surveys:instrument_detail", pk=instrument.pk)
    can_add = formset.total_form_count() < MAX_ITEMS
    return render(
        request,
        "surveys/instrument_form.html",
        {"form": form, "formset": formset, "base": base, "can_add_rows": can_add, "max_items": MAX_ITEMS},
    )


def _typed(form: forms.Form) -> dict[str, Any]:
    """A bound form's submitted values as ``initial`` data, without validating them."""
    return {
        name: field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        for name, field in form.fields.items()
    }


@login_required
@require_POST
def instrument_periods(request: HttpRequest, pk: int) -> HttpResponse:
    instrument = _instrument(request, pk)
    if not may_manage_instrument(request.user, instrument):
        raise PermissionDenied
    form = PeriodsForm(request.POST)
    if form.is_valid():
        services.instrument_set_periods(
            actor=request.user, instrument=instrument, periods=list(form.cleaned_data["periods"])
        )
        messages.success(request, _("Periode berlaku instrumen diperbarui."))
    else:
        messages.error(request, _("Periode tidak valid."))
    return redirect("surveys:instrument_detail", pk=instrument.pk)
