"""Pages of the predicate register: the list (every unit the person may see) and the import of past decrees."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from zi.core import downloads, kept_uploads
from zi.core.actors import Actor
from zi.organisations.access import Action, may
from zi.organisations.importers.web import format_errors
from zi.organisations.models import Agency
from zi.predicates import importer, selectors
from zi.predicates.forms import AwardImportForm
from zi.predicates.models import Predicate


@login_required
def register_list(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Action.UNIT_VIEW):
        raise PermissionDenied
    year_text = request.GET.get("tahun", "")
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    predicate = request.GET.get("predikat", "")
    q = request.GET.get("q", "")[:100]
    awards = selectors.register(request.user, year=year, predicate=predicate, q=q)
    page = Paginator(awards, 50).get_page(request.GET.get("hal"))
    context = {
        "page": page,
        "years": selectors.years_with_awards(request.user),
        "predicates": Predicate.choices,
        "year": year,
        "predicate": predicate,
        "q": q,
        "may_import": may(request.user, Action.TPN_RESULT_RECORD),
        "filters": urlencode({"tahun": year or "", "predikat": predicate, "q": q}),
    }
    return render(request, "predicates/register.html", context)


def _agencies(user: Actor) -> list[Agency]:
    return [agency for agency in Agency.objects.order_by("name") if may(user, Action.TPN_RESULT_RECORD, agency)]


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    agencies = _agencies(request.user)
    if not agencies:
        raise PermissionDenied
    result = None
    kept_token = ""
    kept_name = ""
    form = AwardImportForm(request.POST or None, request.FILES or None, agencies=agencies)
    if request.method == "POST" and form.is_valid():
        agency = form.cleaned_data["agency"]
        if agency not in agencies:
            raise PermissionDenied
        upload = form.cleaned_data.get("file")
        purpose = f"predicates.import.{agency.pk}"
        if upload is not None:
            name, data = upload.name or "", upload.read()
        else:
            kept_token = form.cleaned_data["kept"]
            found = kept_uploads.take(request, kept_token, purpose=purpose)
            if found is None:
                form.add_error("file", kept_uploads.GONE)
                return _render(request, form, None, "", "")
            name, data = found
        dry_run = request.POST.get("action") != "import"
        result = importer.import_awards(actor=request.user, agency=agency, data=data, filename=name, dry_run=dry_run)
        if dry_run and result.ok and not kept_token:
            kept_token = kept_uploads.keep(request, data, name, purpose=purpose)
        elif kept_token and not dry_run and result.ok:
            kept_uploads.drop(request, kept_token)
            kept_token = ""
        kept_name = name if kept_token else ""
    return _render(request, form, result, kept_token, kept_name)


def _render(request: HttpRequest, form: Any, result: Any, kept_token: str, kept_name: str) -> HttpResponse:
    context = {
        "form": form,
        "result": result,
        "errors": format_errors(result.errors[:500]) if result else [],
        "kept_token": kept_token,
        "kept_name": kept_name,
        "columns": importer.COLUMNS,
        "required": importer.REQUIRED,
    }
    return render(request, "predicates/import.html", context)


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    if not _agencies(request.user):
        raise PermissionDenied
    return downloads.attachment(importer.template_csv(), "templat-riwayat-predikat.csv")
