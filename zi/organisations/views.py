from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zi.organisations import selectors, services
from zi.organisations.access import Action, may, visible_units
from zi.organisations.forms import LetterheadForm
from zi.organisations.letterhead import letterhead_of, logo_data_uri
from zi.organisations.models import Agency, Role, RoleAssignment, Unit


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    units = selectors.unit_list(user=request.user, query=query)
    page = Paginator(units, 100).get_page(request.GET.get("page"))
    partial = request.htmx  # type: ignore[attr-defined]  # django-htmx middleware
    template = "organisations/partials/unit_rows.html" if partial else "organisations/unit_list.html"
    letterheads = [] if partial else [a for a in Agency.objects.order_by("name") if _may_letterhead(request, a)]
    return render(request, template, {"page": page, "q": query, "letterhead_agencies": letterheads})


def _may_letterhead(request: HttpRequest, agency: Agency) -> bool:
    return may(request.user, Action.UNIT_MANAGE, agency)


@login_required
def letterhead(request: HttpRequest, agency_pk: int) -> HttpResponse:
    """The agency's letterhead for its official documents (the LHE, reports): agency admins."""
    agency = Agency.objects.filter(pk=agency_pk).first()
    if agency is None or not visible_units(request.user).filter(agency=agency).exists():
        raise Http404
    if not _may_letterhead(request, agency):
        raise PermissionDenied
    current = letterhead_of(agency)
    initial = {"name": agency.name}
    if current is not None:
        initial = {"name": current.name, "subtitle": current.subtitle, "address": current.address}
    form = LetterheadForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.letterhead_save(
                actor=request.user,
                agency=agency,
                name=data["name"],
                subtitle=data["subtitle"],
                address=data["address"],
                logo=data["logo"] or None,
                remove_logo=data["remove_logo"],
            )
        except ValidationError as exc:
            form.add_error("logo" if data["logo"] else None, exc)
        else:
            messages.success(request, _("Kop surat tersimpan."))
            return redirect("organisations:letterhead", agency_pk=agency.pk)
    context = {
        "agency": agency,
        "form": form,
        "current": current,
        "logo_uri": logo_data_uri(current) if current is not None else "",
    }
    return render(request, "organisations/letterhead.html", context, status=400 if form.errors else 200)


@login_required
def unit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    unit = visible_units(request.user).select_related("unit_type", "agency", "parent").filter(pk=pk).first()
    if unit is None:
        raise Http404
    ancestors = visible_units(request.user).filter(pk__in=unit.ancestor_ids).order_by("depth")
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "children": selectors.unit_children(user=request.user, unit=unit),
        "assignments": RoleAssignment.objects.filter(unit=unit).select_related("user"),
        "staff_count": unit.staff.count(),
        "can_manage": may(request.user, Action.UNIT_MANAGE, unit),
        "can_manage_people": may(request.user, Action.PEOPLE_MANAGE, unit),
        "can_view_programme": may(request.user, Action.ASSESSMENT_ANSWER, unit)
        or may(request.user, Action.ASSESSMENT_VIEW_SUBMITTED, unit),
        "role_form": RoleAssignForm(),
    }
    return render(request, "organisations/unit_detail.html", context)


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Action.UNIT_MANAGE):
        raise PermissionDenied
    from zi.organisations.importers import handle_import_request

    return handle_import_request(request)


class RoleAssignForm(forms.Form):
    username = forms.CharField(label=_("Nama pengguna atau NIP"), max_length=150)
    role = forms.ChoiceField(
        label=_("Peran"), choices=[(value, label) for value, label in Role.choices if value != Role.NATIONAL_VIEWER]
    )


def _managed_unit(request: HttpRequest, pk: int) -> Unit:
    unit = visible_units(request.user).filter(pk=pk).first()
    if unit is None:
        raise Http404
    if not may(request.user, Action.PEOPLE_MANAGE, unit):
        raise PermissionDenied
    return unit


@login_required
@require_POST
def unit_role_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    form = RoleAssignForm(request.POST)
    if form.is_valid():
        key = form.cleaned_data["username"].strip()
        User = get_user_model()
        person = User.objects.filter(Q(username=key) | Q(nip=key)).select_related("unit").first()
        if person is None or (person.unit is not None and person.unit.agency_id != unit.agency_id):
            messages.error(request, _("Orang dengan nama pengguna/NIP itu tidak ditemukan di instansi ini."))
        else:
            try:
                services.role_assign(actor=request.user, user=person, role=form.cleaned_data["role"], unit=unit)
                messages.success(request, _("Peran diberikan."))
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Periksa isian formulir peran."))
    return redirect("organisations:unit_detail", pk=unit.pk)


@login_required
@require_POST
def unit_role_revoke(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    assignment = get_object_or_404(RoleAssignment, pk=assignment_pk, unit=unit)
    services.role_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("Peran dicabut."))
    return redirect("organisations:unit_detail", pk=unit.pk)
