"""Pages of the PortalRB integration: tokens and fetch log, "what PortalRB will see", the official workbook,
and the signed evidence index PortalRB reviewers open from ``bukti_dukung_unit``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zi.assessments.models import Assessment, Evidence, EvidenceRevision, Lane
from zi.assessments.selectors import assessment_get
from zi.core import downloads
from zi.core.links import absolute_url, site_url
from zi.organisations.access import Action, may
from zi.organisations.models import Agency
from zi.organisations.scoped import get_scoped_or_404
from zi.portalrb import selectors, services, workbook
from zi.portalrb.models import ApiToken, FetchSnapshot
from zi.workflow.lanes import visible_lanes


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not may(request.user, Action.PORTALRB_MANAGE):
        raise PermissionDenied
    agencies = [a for a in Agency.objects.all() if may(request.user, Action.PORTALRB_MANAGE, a)]
    if len(agencies) == 1:
        return redirect("portalrb_ui:tokens", agencies[0].pk)
    return render(request, "portalrb/index.html", {"agencies": agencies})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = get_scoped_or_404(
        Agency, request.user, page=Action.PORTALRB_MANAGE, see=Action.PORTALRB_MANAGE, pk=agency_pk
    )
    secret = None
    if request.method == "POST":
        try:
            _token, secret = services.token_create(actor=request.user, agency=agency, name=request.POST.get("name", ""))
        except ValidationError as exc:
            messages.error(request, "; ".join(exc.messages))
    context = {
        "agency": agency,
        "tokens": ApiToken.objects.filter(agency=agency),
        "secret": secret,
        "snapshots": FetchSnapshot.objects.filter(agency=agency).select_related("unit", "token")[:50],
        "base_url": absolute_url("/api/portalrb/"),
    }
    return render(request, "portalrb/tokens.html", context)


@login_required
@require_POST
def token_revoke(request: HttpRequest, agency_pk: int, token_pk: int) -> HttpResponse:
    agency = get_scoped_or_404(
        Agency, request.user, page=Action.PORTALRB_MANAGE, see=Action.PORTALRB_MANAGE, pk=agency_pk
    )
    token = get_object_or_404(ApiToken, pk=token_pk, agency=agency)
    services.token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token dicabut."))
    return redirect("portalrb_ui:tokens", agency.pk)


@login_required
def snapshot_detail(request: HttpRequest, agency_pk: int, snapshot_pk: int) -> HttpResponse:
    agency = get_scoped_or_404(
        Agency, request.user, page=Action.PORTALRB_MANAGE, see=Action.PORTALRB_MANAGE, pk=agency_pk
    )
    snap = get_object_or_404(FetchSnapshot, pk=snapshot_pk, agency=agency)
    return downloads.attachment(snap.body.encode(), f"portalrb-{snap.endpoint}-{snap.pk}-{snap.sha256[:12]}.json")


@login_required
def preview(request: HttpRequest, agency_pk: int) -> HttpResponse:
    agency = get_scoped_or_404(
        Agency, request.user, page=Action.PORTALRB_MANAGE, see=Action.PORTALRB_MANAGE, pk=agency_pk
    )
    period, units, notes = selectors.preview(agency=agency, evidence_base_url=site_url())
    return render(
        request, "portalrb/preview.html", {"agency": agency, "period": period, "units": units, "notes": notes}
    )


@login_required
def workbook_export(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(user=request.user, pk=pk)
    if assessment is None:
        raise Http404
    lane = request.GET.get("lajur", Lane.SELF)
    lanes = visible_lanes(request.user, assessment)
    if lane not in (Lane.SELF, Lane.TPI) or lane not in lanes:  # a lane not released to this person: none
        raise Http404
    try:
        content = workbook.export_official_xlsx(assessment, lane=lane, lanes=lanes)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("assessments:worksheet", assessment.pk)
    return downloads.attachment(content, f"lke-lampiran-iii-{assessment.unit.code}-{assessment.period.year}.xlsx")


@login_required
@require_http_methods(["GET", "POST"])
def workbook_import(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get(user=request.user, pk=pk)
    if assessment is None:
        raise Http404
    report = None
    lane = request.POST.get("lajur", Lane.SELF)
    sheet = request.POST.get("sheet", "lke")
    if request.method == "POST":
        uploaded = request.FILES.get("file")
        if lane not in (Lane.SELF, Lane.TPI) or sheet not in ("lke", "jawaban"):
            messages.error(request, _("Pilihan lajur atau sheet tidak dikenal."))
        elif uploaded is None:
            messages.error(request, _("Pilih berkas .xlsx."))
        else:
            try:
                if sheet == "jawaban" or lane == Lane.TPI:  # the TPI's answers are only on the Jawaban sheet
                    report = workbook.import_jawaban_xlsx(
                        actor=request.user, assessment=assessment, uploaded_file=uploaded, lane=lane
                    )
                else:
                    report = workbook.import_official_xlsx(
                        actor=request.user, assessment=assessment, uploaded_file=uploaded
                    )
            except ValidationError as exc:
                messages.error(request, "; ".join(exc.messages))
            except PermissionDenied:
                raise
    return render(
        request,
        "portalrb/workbook_import.html",
        {
            "a": assessment,
            "report": report,
            "lane": lane,
            "sheet": sheet,
            "may_export_tpi": Lane.TPI in visible_lanes(request.user, assessment),
        },
    )


def evidence_index(request: HttpRequest, signed: str) -> HttpResponse:
    """Opened by PortalRB reviewers without an account: the signed, expiring link is the credential."""
    assessment_pk = selectors.unsign_evidence(signed)
    if assessment_pk is None:
        return render(request, "portalrb/evidence_expired.html", status=404)
    assessment = get_object_or_404(Assessment.objects.select_related("unit", "period"), pk=assessment_pk)
    items = (
        Evidence.objects.filter(assessment=assessment, is_withdrawn=False)
        .select_related("question")
        .prefetch_related("revisions")
        .order_by("question__order", "created_at")
    )
    groups: dict[str, dict] = {}
    for item in items:
        latest = max(item.revisions.all(), key=lambda r: r.number, default=None)
        group = groups.setdefault(item.question.code, {"question": item.question, "items": []})
        group["items"].append({"evidence": item, "revision": latest})
    response = render(
        request,
        "portalrb/evidence_index.html",
        {"assessment": assessment, "groups": list(groups.values()), "signed": signed},
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def evidence_file(request: HttpRequest, signed: str, revision_pk: int) -> HttpResponseBase:
    assessment_pk = selectors.unsign_evidence(signed)
    if assessment_pk is None:
        raise Http404
    revision = get_object_or_404(
        EvidenceRevision.objects.select_related("evidence"),
        pk=revision_pk,
        evidence__assessment_id=assessment_pk,
        evidence__is_withdrawn=False,
    )
    if not revision.file:
        raise Http404
    response = FileResponse(revision.file.open("rb"), as_attachment=True, filename=revision.original_name or "bukti")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
