"""Pages of the predicate register: the list (every unit the person may see) and the import of past decrees."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zi.organisations.access import Action, may
from zi.organisations.importers import format_errors
from zi.organisations.models import Agency
from zi.predicates import importer, selectors
from zi.predicates.forms import AwardImportForm
from zi.predicates.models import Predicate

KEEP_SALT = "zi.predicates.import-file"
KEEP_MAX_AGE = 3600  # a checked file waits an hour for its import


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
        "years": selectors.years_with_awards(),
        "predicates": Predicate.choices,
        "year": year,
        "predicate": predicate,
        "q": q,
        "may_import": may(request.user, Action.TPN_RESULT_RECORD),
        "filters": urlencode({"tahun": year or "", "predikat": predicate, "q": q}),
    }
    return render(request, "predicates/register.html", context)


def _agencies(user: Any) -> list[Agency]:
    return [agency for agency in Agency.objects.order_by("name") if may(user, Action.TPN_RESULT_RECORD, agency)]


def _keep(user: Any, agency: Agency, name: str, data: bytes) -> str:
    stored = default_storage.save(f"imports/predicates/{uuid.uuid4().hex}", ContentFile(data))
    return signing.dumps({"path": stored, "name": name[:200], "user": user.pk, "agency": agency.pk}, salt=KEEP_SALT)


def _kept(user: Any, agency: Agency, token: str) -> tuple[str, str, bytes] | None:
    try:
        kept = signing.loads(token, salt=KEEP_SALT, max_age=KEEP_MAX_AGE)
    except signing.BadSignature:
        return None
    if kept.get("user") != user.pk or kept.get("agency") != agency.pk or not default_storage.exists(kept["path"]):
        return None
    with default_storage.open(kept["path"], "rb") as handle:
        return kept["path"], kept["name"], handle.read()


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
        kept_path = ""
        if upload is not None:
            name, data = upload.name or "", upload.read()
        else:
            found = _kept(request.user, agency, form.cleaned_data["kept"])
            if found is None:
                form.add_error("file", _expired())
                return _render(request, form, None, "", "")
            kept_path, name, data = found
        dry_run = request.POST.get("action") != "import"
        result = importer.import_awards(actor=request.user, agency=agency, data=data, filename=name, dry_run=dry_run)
        if dry_run and result.ok:
            kept_token = form.cleaned_data["kept"] if kept_path else _keep(request.user, agency, name, data)
            kept_name = name
        elif kept_path and not dry_run and result.ok:
            default_storage.delete(kept_path)
    return _render(request, form, result, kept_token, kept_name)


def _expired() -> str:
    return _("Berkas yang sudah diperiksa tidak ditemukan lagi (lebih dari satu jam?). Pilih berkasnya lagi.")


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
    response = HttpResponse(importer.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="templat-riwayat-predikat.csv"'
    return response
