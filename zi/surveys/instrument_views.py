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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from zi.assessments.models import Period
from zi.organisations.models import Agency
from zi.surveys import services
from zi.surveys.models import Instrument, ItemScale
from zi.surveys.selectors import instrument_agencies, may_manage_instrument, visible_instruments


class ItemForm(forms.Form):
    code = forms.CharField(label=gettext_lazy("Kode"), max_length=16, required=False)
    aspect = forms.CharField(label=gettext_lazy("Aspek/unsur"), max_length=64, required=False)
    text = forms.CharField(label=gettext_lazy("Pertanyaan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    scale = forms.ChoiceField(label=gettext_lazy("Skala"), choices=ItemScale.choices, initial=ItemScale.LIKERT4)
    labels = forms.CharField(
        label=gettext_lazy("Label jawaban (dipisah |, dari terendah)"), max_length=400, required=False
    )
    required = forms.BooleanField(label=gettext_lazy("Wajib"), required=False, initial=True)

    def spec(self) -> services.ItemSpec | None:
        """The question as a service input; None for an empty extra row."""
        data = self.cleaned_data
        if not data or not (data.get("code") or data.get("text")):
            return None
        labels = tuple(part.strip() for part in (data.get("labels") or "").split("|") if part.strip())
        return services.ItemSpec(
            code=data["code"].strip().upper(),
            aspect=data["aspect"].strip(),
            text=data["text"].strip(),
            scale=data["scale"],
            labels=labels,
            required=bool(data.get("required")),
        )


MAX_ITEMS = 60
ADD_ROWS = 3
ItemFormSet = forms.formset_factory(ItemForm, extra=ADD_ROWS, can_delete=True, max_num=MAX_ITEMS, validate_max=True)


class VersionForm(forms.Form):
    version = forms.CharField(label=gettext_lazy("Versi baru"), max_length=32)
    title = forms.CharField(label=gettext_lazy("Judul"), max_length=255)
    description = forms.CharField(
        label=gettext_lazy("Keterangan"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    periods: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        queryset=Period.objects.order_by("-year"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Berlaku untuk periode (kosong: semua periode)"),
    )


class InternalForm(VersionForm):
    agency: forms.ModelChoiceField[Any] = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Instansi pemilik"))
    code = forms.SlugField(label=gettext_lazy("Kode instrumen (huruf kecil, angka, tanda hubung)"), max_length=64)

    field_order = ["agency", "code", "version", "title", "description", "periods"]

    def __init__(self, *args: Any, agencies: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = _agency_queryset(agencies)  # type: ignore[attr-defined]  # a ModelChoiceField
        if len(agencies) == 1:  # the usual case: an agency admin of one agency needs no choice
            self.fields["agency"].initial = agencies[0].pk
            self.fields["agency"].empty_label = None  # type: ignore[attr-defined]  # a ModelChoiceField
        self.fields["version"].label = gettext_lazy("Versi")


class PeriodsForm(forms.Form):
    periods = VersionForm.base_fields["periods"]


def _agency_queryset(agencies: list):
    return Agency.objects.filter(pk__in=[a.pk for a in agencies]).order_by("name")


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
