"""Download of the complaint list (CSV, or XLSX with ``?format=xlsx``); the registers' are in
:mod:`zi.integrity.views`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from zi.organisations.sheets import unit_sheet_response
from zi.programme import exports
from zi.programme.views.common import _readable_unit


@login_required
def complaints_export(request: HttpRequest, pk: int) -> HttpResponseBase:
    """CSV (default) or XLSX (``?format=xlsx``) of the complaint list, as the person may see it."""
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    unit = _readable_unit(request, pk)
    sheet = exports.complaints_sheet(user=request.user, unit=unit, status=request.GET.get("status", ""))
    return unit_sheet_response(sheet, "pengaduan", unit, fmt)
