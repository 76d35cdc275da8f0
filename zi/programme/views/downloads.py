"""Downloads of the complaint list and the registers (CSV, or XLSX with ``?format=xlsx``)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.text import slugify

from zi.programme import exports
from zi.programme.views.common import _readable_unit, _whistle_unit


@login_required
def export(request: HttpRequest, pk: int, kind: str) -> HttpResponseBase:
    """CSV (default) or XLSX (``?format=xlsx``) of the complaint list or a register, as the person may see it."""
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    if kind == "wbs":
        unit = _whistle_unit(request, pk)
        sheet = exports.whistle_sheet(user=request.user, unit=unit)
    else:
        unit = _readable_unit(request, pk)
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
