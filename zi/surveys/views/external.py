"""Recording an external IPAK/IPKP value (e.g. BPS) for a unit and period."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zi.assessments.models import Period
from zi.organisations.access import Action, may, visible_units
from zi.surveys import services
from zi.surveys.forms import ExternalIndexForm
from zi.surveys.models import ExternalIndex, InstrumentKind
from zi.surveys.views.common import _form_attempt


@login_required
def external_index(request: HttpRequest, unit_id: int, period_id: int) -> HttpResponse:
    """An evaluator records an external IPAK/IPKP (e.g. BPS) for a unit and period; the LKE feed then uses it
    instead of the unit's own campaigns (with its source shown). Also lists what the feed gives now."""
    unit = visible_units(request.user).filter(pk=unit_id).first()
    period = Period.objects.filter(pk=period_id).first()
    if unit is None or period is None:
        raise Http404
    if not may(request.user, Action.SURVEY_EVALUATE, unit):
        raise PermissionDenied
    form = ExternalIndexForm(request.POST or None)
    if request.method == "POST" and request.POST.get("remove"):
        row = ExternalIndex.objects.filter(unit=unit, period=period, kind=request.POST.get("remove")).first()
        if row is not None:
            services.external_index_remove(actor=request.user, external=row)
            messages.success(request, _("Nilai eksternal dihapus; LKE kembali memakai survei unit."))
        return redirect("surveys:external_index", unit_id=unit.pk, period_id=period.pk)
    if request.method == "POST" and form.is_valid():
        if _form_attempt(
            request,
            form,
            lambda: services.external_index_record(actor=request.user, unit=unit, period=period, **form.cleaned_data),
            _("Nilai eksternal disimpan; LKE memakai nilai ini beserta sumbernya."),
        ):
            return redirect("surveys:external_index", unit_id=unit.pk, period_id=period.pk)
    feed = [services.survey_index_for(unit, period, kind) for kind in (InstrumentKind.IPAK, InstrumentKind.IPKP)]
    return render(
        request,
        "surveys/external_index.html",
        {
            "unit": unit,
            "period": period,
            "form": form,
            "rows": ExternalIndex.objects.filter(unit=unit, period=period).select_related("recorded_by"),
            "feed": [(kind, index) for kind, index in zip(("IPAK", "IPKP"), feed, strict=True)],
        },
    )
