"""Downloads of the complaint list and the registers (CSV, or XLSX with ``?format=xlsx``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.text import slugify

from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.organisations.scoped import get_scoped_or_404
from zi.programme import exports


@login_required
def export(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    """CSV (default) or XLSX (``?format=xlsx``) of the complaint list or a register, as the person may see it."""
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    if kind == "wbs":
        unit = Unit.objects.filter(pk=pk).first()
        if unit is None or not may(request.user, Action.INTEGRITY_HANDLE, unit):
            raise Http404
        sheet = exports.whistle_sheet(user=request.user, unit=unit)
    else:
        unit = get_scoped_or_404(
            Unit.objects.select_related("agency", "unit_type"), request.user, see=Action.PROGRAMME_READ, pk=pk
        )
        builders = {
            "pengaduan": lambda: exports.complaints_sheet(
                user=request.user, unit=unit, status=request.GET.get("status", "")
            ),
            "gratifikasi": lambda: exports.gratification_sheet(user=request.user, unit=unit),
            "benturan-kepentingan": lambda: exports.conflict_sheet(user=request.user, unit=unit),
        }
        if kind not in builders:
            raise Http404
        sheet = builders[kind]()
    filename = f"{kind}-{slugify(unit.code) or unit.pk}-{timezone.localdate():%Y%m%d}"
    return exports.response(sheet, filename, fmt)
