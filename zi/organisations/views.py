from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from zi.core import downloads
from zi.core.actors import Actor
from zi.core.feedback import attempt
from zi.organisations import selectors, services, tree
from zi.organisations.access import Action, may, may_place_unit, visible_units
from zi.organisations.forms import LetterheadForm, UnitForm, UnitMoveForm
from zi.organisations.importers import template_xlsx  # openpyxl loads only when a template is asked for
from zi.organisations.letterhead import letterhead_of, logo_data_uri
from zi.organisations.models import Agency, Role, RoleAssignment, Unit
from zi.organisations.scoped import get_scoped_or_404


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    """The unit tree, one level at a time (``?induk=`` opens a node without JavaScript); a search lists matches."""
    query = request.GET.get("q", "").strip()[:100]
    partial = request.htmx  # type: ignore[attr-defined]  # django-htmx middleware
    context: dict = {"q": query}
    if query:
        units = selectors.unit_list(user=request.user, query=query)
        context["page"] = Paginator(units, 100).get_page(request.GET.get("page"))
        template = "organisations/partials/unit_rows.html" if partial else "organisations/unit_list.html"
    else:
        context.update(_tree_context(request))
        template = "organisations/partials/unit_tree.html" if partial else "organisations/unit_list.html"
    agencies = (
        []
        if partial
        else list(Agency.objects.filter(pk__in=visible_units(request.user).values("agency_id")).order_by("name"))
    )
    context["top_agencies"] = [agency for agency in agencies if may_place_unit(request.user, None, agency)]
    context["letterhead_agencies"] = [agency for agency in agencies if may(request.user, Action.UNIT_MANAGE, agency)]
    return render(request, template, context)


def _visible_unit(request: HttpRequest, pk: int) -> Unit:
    return get_scoped_or_404(
        Unit.objects.select_related("agency", "parent", "unit_type"), request.user, see=Action.UNIT_VIEW, pk=pk
    )


def _tree_context(request: HttpRequest) -> dict:
    node_pk = request.GET.get("induk", "")
    if node_pk.isdigit():
        node = _visible_unit(request, int(node_pk))
        return {
            "node": node,
            "trail": tree.ancestors(request.user, node),
            "node_info": tree.tree_nodes([node])[0],
            "nodes": tree.tree_nodes(tree.tree_children(request.user, node)),
        }
    page = Paginator(tree.tree_roots(request.user), tree.ROOTS_SHOWN).get_page(request.GET.get("page"))
    return {"page": page, "nodes": tree.tree_nodes(page.object_list)}


@login_required
def unit_children(request: HttpRequest, pk: int) -> HttpResponse:
    """The children of a node (htmx fills an opened node with them; one level, its counts in fixed queries)."""
    node = _visible_unit(request, pk)
    nodes = tree.tree_nodes(tree.tree_children(request.user, node))
    return render(request, "organisations/partials/unit_nodes.html", {"nodes": nodes})


def _agency_in_scope(user: Actor, agency: Agency) -> bool:
    """An agency exists for a person who sees one of its units (else 404)."""
    return visible_units(user).filter(agency=agency).exists()


@login_required
def letterhead(request: HttpRequest, agency_pk: int) -> HttpResponse:
    """The agency's letterhead for its official documents (the LHE, reports): agency admins."""
    agency = get_scoped_or_404(Agency, request.user, Action.UNIT_MANAGE, see=_agency_in_scope, pk=agency_pk)
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
    unit = get_scoped_or_404(
        Unit.objects.select_related("unit_type", "agency", "parent"), request.user, see=Action.UNIT_VIEW, pk=pk
    )
    ancestors = visible_units(request.user).filter(pk__in=unit.ancestor_ids).order_by("depth")
    context = {
        "unit": unit,
        "ancestors": ancestors,
        "children": selectors.unit_children(user=request.user, unit=unit),
        "assignments": RoleAssignment.objects.filter(unit=unit).select_related("user"),
        "staff_count": unit.staff.count(),
        "can_manage": may(request.user, Action.UNIT_MANAGE, unit),
        "can_restructure": may_place_unit(request.user, unit.parent, unit.agency),
        "can_manage_people": may(request.user, Action.PEOPLE_MANAGE, unit),
        "can_view_programme": may(request.user, Action.PROGRAMME_READ, unit),
        "role_form": RoleAssignForm(),
    }
    if context["can_manage_people"]:
        search = request.GET.get("cari", "").strip()[:100]
        people = selectors.people_for_roles(user=request.user, unit=unit, query=search)
        context.update(search=search, people=people[: selectors.PEOPLE_SHOWN] if search else [])
    return render(request, "organisations/unit_detail.html", context)


@login_required
def import_view(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Action.UNIT_MANAGE):
        raise PermissionDenied
    from zi.organisations.importers import (
        handle_import_request,  # lazy: openpyxl loads only when an import file is read
    )

    return handle_import_request(request)


TEMPLATE_KINDS = {"unit": "units", "pegawai": "people"}


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The XLSX to fill in for an import: its columns and one example row."""
    if not may(request.user, Action.UNIT_MANAGE):
        raise PermissionDenied
    if kind not in TEMPLATE_KINDS:
        raise Http404

    return downloads.attachment(template_xlsx(TEMPLATE_KINDS[kind]), f"templat-impor-{kind}.xlsx")


class RoleAssignForm(forms.Form):
    username = forms.CharField(label=_("Orang"), max_length=150, error_messages={"required": _("Pilih orangnya dulu.")})
    role = forms.ChoiceField(
        label=_("Peran"), choices=[(value, label) for value, label in Role.choices if value != Role.NATIONAL_VIEWER]
    )


@login_required
@require_POST
def unit_role_add(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_scoped_or_404(Unit, request.user, Action.PEOPLE_MANAGE, see=Action.UNIT_VIEW, pk=pk)
    form = RoleAssignForm(request.POST)
    if form.is_valid():
        key = form.cleaned_data["username"].strip()
        people = selectors.people_for_roles(user=request.user, unit=unit)
        person = people.filter(Q(username=key) | Q(nip=key)).first()
        if person is None:
            messages.error(request, _("Orang itu tidak ditemukan di antara pegawai dalam cakupan Anda."))
        else:
            role = form.cleaned_data["role"]
            attempt(
                request,
                lambda: services.role_assign(actor=request.user, user=person, role=role, unit=unit),
                _("Peran diberikan."),
            )
    else:
        messages.error(request, _("Periksa isian formulir peran."))
    return redirect("organisations:unit_detail", pk=unit.pk)


@login_required
@require_POST
def unit_role_revoke(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    unit = get_scoped_or_404(Unit, request.user, Action.PEOPLE_MANAGE, see=Action.UNIT_VIEW, pk=pk)
    assignment = get_scoped_or_404(RoleAssignment, request.user, pk=assignment_pk, unit=unit)
    services.role_revoke(actor=request.user, assignment=assignment)
    messages.success(request, _("Peran dicabut."))
    return redirect("organisations:unit_detail", pk=unit.pk)


# ------------------------------------------------------------------------------------ the tree: add, edit, move, close

CANDIDATES_SHOWN = 20


def _form_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """A service's refusal shown on the form: beside the field it names, otherwise above the form."""
    if hasattr(exc, "error_dict") and set(exc.error_dict) <= set(form.fields):
        form.add_error(None, exc)
    else:
        form.add_error(None, exc.messages)


@login_required
def unit_create(request: HttpRequest) -> HttpResponse:
    """A new unit below ``?induk=<unit id>`` or at the top of ``?instansi=<agency id>``."""
    source = request.POST if request.method == "POST" else request.GET
    parent_id, agency_id = source.get("induk", ""), source.get("instansi", "")
    if parent_id.isdigit():
        found = get_scoped_or_404(
            Unit.objects.select_related("agency", "parent", "unit_type"),
            request.user,
            see=Action.UNIT_VIEW,
            pk=int(parent_id),
        )
        parent: Unit | None = found
        agency = found.agency
    elif agency_id.isdigit():
        parent = None
        # An agency is in scope when the user sees one of its units.
        agency = get_scoped_or_404(Agency, request.user, see=_agency_in_scope, pk=int(agency_id))
    else:
        raise Http404
    if not may_place_unit(request.user, parent, agency):
        raise PermissionDenied
    form = UnitForm(request.POST or None, instance=Unit(agency=agency, parent=parent))
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, agency=agency, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Unit %(name)s ditambahkan.") % {"name": unit.name})
            return redirect("organisations:unit_detail", pk=unit.pk)
    context = {"form": form, "parent": parent, "agency": agency}
    return render(request, "organisations/unit_form.html", context, status=400 if form.errors else 200)


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = get_scoped_or_404(
        Unit.objects.select_related("agency", "parent", "unit_type"), request.user, see=Action.UNIT_VIEW, pk=pk
    )
    if not may(request.user, Action.UNIT_MANAGE, unit):
        raise PermissionDenied
    form = UnitForm(request.POST or None, instance=Unit.objects.get(pk=unit.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Perubahan unit disimpan."))
            return redirect("organisations:unit_detail", pk=unit.pk)
    context = {"form": form, "unit": unit, "parent": unit.parent, "agency": unit.agency}
    return render(request, "organisations/unit_form.html", context, status=400 if form.errors else 200)


def _placeable_units(request: HttpRequest, unit: Unit, query: str):
    """Where ``unit`` may go: open units of its agency the person manages, outside its own subtree."""
    candidates = (
        visible_units(request.user, Action.UNIT_MANAGE)
        .filter(agency_id=unit.agency_id, is_active=True)
        .exclude(path__startswith=unit.path)
        .select_related("unit_type", "parent")
        .order_by("path")
    )
    if unit.parent_id:
        candidates = candidates.exclude(pk=unit.parent_id)
    if query:
        candidates = candidates.filter(Q(name__icontains=query) | Q(code__icontains=query))
    return candidates


@login_required
def unit_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Re-parent a unit within its agency; its subtree moves with it. The new parent is searched for by name or
    code (a GET search that htmx repeats while typing) and chosen from the results."""
    unit = get_scoped_or_404(
        Unit.objects.select_related("agency", "parent", "unit_type"), request.user, see=Action.UNIT_VIEW, pk=pk
    )
    if not may_place_unit(request.user, unit.parent, unit.agency):
        raise PermissionDenied
    query = request.GET.get("q", "").strip()[:100]
    form = UnitMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        choice = form.cleaned_data["parent"]
        if choice == UnitMoveForm.TOP:
            new_parent = None
            allowed = may_place_unit(request.user, None, unit.agency)
        else:
            new_parent = visible_units(request.user, Action.UNIT_MANAGE).filter(pk=int(choice)).first()
            allowed = new_parent is not None
        if not allowed:
            form.add_error("parent", _("Unit induk itu tidak ada dalam cakupan Anda."))
        else:
            try:
                services.unit_update(actor=request.user, unit=unit, parent=new_parent)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Unit %(name)s dipindahkan.") % {"name": unit.name})
                return redirect("organisations:unit_detail", pk=unit.pk)
    context = {
        "form": form,
        "unit": unit,
        "q": query,
        "candidates": _placeable_units(request, unit, query)[:CANDIDATES_SHOWN],
        "may_top": unit.parent_id is not None and may_place_unit(request.user, None, unit.agency),
    }
    return render(request, "organisations/unit_move.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def unit_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_open(request, pk, close=True)


@login_required
@require_POST
def unit_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_open(request, pk, close=False)


def _set_open(request: HttpRequest, pk: int, *, close: bool) -> HttpResponse:
    unit = get_scoped_or_404(
        Unit.objects.select_related("agency", "parent", "unit_type"), request.user, see=Action.UNIT_VIEW, pk=pk
    )
    if not may_place_unit(request.user, unit.parent, unit.agency):
        raise PermissionDenied
    if close:
        attempt(
            request,
            lambda: services.unit_close(actor=request.user, unit=unit),
            _("Unit ditutup. Riwayatnya tetap tersimpan."),
        )
    else:
        attempt(request, lambda: services.unit_reopen(actor=request.user, unit=unit), _("Unit dibuka kembali."))
    return redirect("organisations:unit_detail", pk=unit.pk)
