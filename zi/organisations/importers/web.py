"""The import page's request handling: the agencies a user may import into, the kept upload and the errors shown."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from zi.core import kept_uploads
from zi.core.actors import Actor
from zi.organisations.access import Action, may
from zi.organisations.forms import ImportForm
from zi.organisations.importers.columns import PEOPLE_COLUMNS, UNIT_COLUMNS
from zi.organisations.importers.results import ImportResult, RowError
from zi.organisations.importers.writing import run_import
from zi.organisations.models import Agency, Role

MAX_ERRORS_SHOWN = 500
KEEP_PURPOSE = "organisations.import"


def manageable_agencies(user: Actor) -> list[Agency]:
    return [agency for agency in Agency.objects.order_by("name") if may(user, Action.UNIT_MANAGE, agency)]


def handle_import_request(request: HttpRequest) -> HttpResponse:
    """The import page: upload form; on POST check (``action=check``) or import (``action=import``)."""
    agencies = manageable_agencies(request.user)
    result: ImportResult | None = None
    kept_token, kept_name = "", ""
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES, agencies=agencies)
        if form.is_valid():
            agency = form.cleaned_data["agency"]
            if not may(request.user, Action.UNIT_MANAGE, agency):
                raise PermissionDenied
            upload = form.cleaned_data["file"]
            if upload is not None:
                name, data = upload.name or "", upload.read()
            else:
                found = kept_uploads.take(request, form.cleaned_data["kept"], purpose=KEEP_PURPOSE)
                if found is None:
                    form.add_error("file", kept_uploads.GONE)
                name, data = found or ("", b"")
                kept_token = form.cleaned_data["kept"] if found else ""
            if not form.errors:
                dry_run = request.POST.get("action") != "import"
                result = run_import(
                    form.cleaned_data["kind"],
                    actor=request.user,
                    agency=agency,
                    data=data,
                    filename=name,
                    dry_run=dry_run,
                    encoding=form.cleaned_data["encoding"],
                )
                if result.ok and dry_run and not kept_token:
                    kept_token = kept_uploads.keep(request, data, name, purpose=KEEP_PURPOSE)
                elif result.ok and not dry_run and kept_token:
                    kept_uploads.drop(request, kept_token)
                    kept_token = ""
                kept_name = name if kept_token else ""
    else:
        form = ImportForm(agencies=agencies)
    context = {
        "form": form,
        "result": result,
        "kept_token": kept_token,
        "kept_name": kept_name,
        "errors_shown": result.errors[:MAX_ERRORS_SHOWN] if result else [],
        "errors_hidden": max(0, len(result.errors) - MAX_ERRORS_SHOWN) if result else 0,
        "unit_columns": UNIT_COLUMNS,
        "people_columns": PEOPLE_COLUMNS,
        "roles": Role.values,
    }
    return render(request, "organisations/import.html", context)


def format_errors(errors: Iterable[RowError]) -> list[str]:
    """Errors as lines for the command line: ``baris 3, kolom code: …``."""
    lines = []
    for error in errors:
        where = _("baris %(row)d") % {"row": error.row} if error.row else _("berkas")
        if error.column:
            where += ", " + _("kolom %(col)s") % {"col": error.column}
        lines.append(f"{where}: {error.message}")
    return lines
