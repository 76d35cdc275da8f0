"""The REST API: read-only viewsets scoped with ``access.restrict`` in ``get_queryset`` and explicit action
endpoints that call the domain services for every write.

Out-of-scope objects are simply not in the queryset (404); a write the person may not do answers 403 (the
service raises ``PermissionDenied``); a refused value answers 400 with the service's message.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from zi.accounts.models import User
from zi.api import filters, idempotency, serializers
from zi.assessments import selectors as assessment_selectors
from zi.assessments import services as assessment_services
from zi.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
    EvidenceRevision,
    LaneScore,
    Period,
)
from zi.assessments.stages import status_for
from zi.core.feedback import refusal
from zi.lke.services import with_template
from zi.organisations.access import Action, may, restrict, scope_filter
from zi.organisations.models import Unit
from zi.programme import selectors as programme_selectors
from zi.programme.models import OPEN_COMPLAINT_STATUSES, Complaint
from zi.surveys import services as survey_services
from zi.surveys.models import Campaign
from zi.workflow import selectors as workflow_selectors
from zi.workflow import services as workflow_services
from zi.workflow.lanes import lane_filter

ID_REGEX = r"[0-9]{1,18}"
STALE_ANSWER = gettext_lazy(
    "Jawaban sudah diubah orang lain sejak Anda membacanya; muat ulang lalu ulangi perubahan Anda."
)
CONFLICT_RESPONSE = OpenApiResponse(
    response=serializers.ConflictSerializer,
    description=(
        "`stale`: someone changed it since the caller read it (`current` holds it now); `refused`: the service "
        "refuses the request in the current state (`errors` says why). Nothing was stored."
    ),
)


class ScopedReadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """List and detail only; subclasses return an already scoped queryset from ``scoped_queryset``."""

    lookup_value_regex = ID_REGEX
    filter_backends = [DjangoFilterBackend, OrderingFilter]
    ordering_fields: list[str] = ["id"]

    def scoped_queryset(self) -> QuerySet:  # pragma: no cover - abstract
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        return self.scoped_queryset()


class UnitViewSet(ScopedReadViewSet):
    """Units of the tree the person may see (their roles' subtrees)."""

    serializer_class = serializers.UnitSerializer
    filterset_class = filters.UnitFilter
    ordering_fields = ["id", "path", "name", "code", "depth"]
    ordering = ["path"]

    def scoped_queryset(self) -> QuerySet:
        units = restrict(Unit.objects.all(), self.request.user, Action.UNIT_VIEW)
        return units.select_related("agency", "unit_type").order_by("path")


class PersonViewSet(ScopedReadViewSet):
    """Staff of the units the person may see (name, position, unit only)."""

    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilter
    ordering_fields = ["id", "full_name"]

    def scoped_queryset(self) -> QuerySet:
        people = User.objects.filter(unit__isnull=False, is_active=True)
        return restrict(people, self.request.user, Action.UNIT_VIEW).order_by("full_name", "pk")


class PeriodViewSet(ScopedReadViewSet):
    """Evaluation periods (national, visible to every signed-in person)."""

    serializer_class = serializers.PeriodSerializer
    filterset_class = filters.PeriodFilter
    ordering_fields = ["id", "year"]

    def scoped_queryset(self) -> QuerySet:
        return with_template(Period.objects.all()).order_by("-year")


class AssessmentViewSet(ScopedReadViewSet):
    """Assessments: drafts only to the unit's own team and head; submitted ones to everyone in scope."""

    serializer_class = serializers.AssessmentSerializer
    filterset_class = filters.AssessmentFilter
    ordering_fields = ["id", "submitted_at"]

    def scoped_queryset(self) -> QuerySet:
        return (
            assessment_selectors.visible_assessments(self.request.user)
            .select_related("unit", "period")
            .prefetch_related(
                Prefetch("scores", queryset=LaneScore.objects.filter(lane_filter(self.request.user)).order_by("lane"))
            )
            .order_by("-period__year", "unit__path", "pk")
        )

    def get_parsers(self):
        if getattr(self, "action", None) == "evidence":
            return [MultiPartParser(), FormParser(), JSONParser()]
        return super().get_parsers()

    @extend_schema(
        # JSON is the contract: a form body cannot carry the `null` that `index` and `version` take
        request={"application/json": serializers.AnswerInputSerializer},
        parameters=[idempotency.PARAMETER],
        responses={200: serializers.AnswerSerializer, 409: CONFLICT_RESPONSE, **idempotency.RESPONSES},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def answers(self, request: Request, pk: str | None = None) -> Response:
        """Save one answer through the same service and rules as the worksheet (validation, rescoring, audit).
        With ``Idempotency-Key`` a retry returns the first result instead of saving again."""
        assessment = self.get_object()
        data = serializers.AnswerInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        print_ = idempotency.fingerprint(f"answers:{assessment.pk}", dict(data.validated_data))
        return idempotency.run(request, f"answers:{assessment.pk}", print_, lambda: self._save_answer(assessment, data))

    def _save_answer(self, assessment: Assessment, data: serializers.AnswerInputSerializer) -> Response:
        request = self.request
        values = data.validated_data
        with transaction.atomic():
            if "version" in values:
                current = _answer_for_update(assessment, values["lane"], values["question"])
                current_version = serializers.answer_version(current) if current is not None else None
                if current_version != values["version"]:
                    if not assessment_services.may_answer(request.user, assessment, values["lane"]):
                        raise PermissionDenied(_("Anda tidak berwenang mengisi jawaban penilaian ini."))
                    body = {
                        "detail": str(STALE_ANSWER),
                        "code": "stale",
                        "current": serializers.AnswerSerializer(current).data if current is not None else None,
                    }
                    return Response(body, status=status.HTTP_409_CONFLICT)
            answer = assessment_services.answer_save(
                actor=request.user,
                assessment=assessment,
                question_code=values["question"],
                raw=data.raw(),
                note=values.get("note"),
                lane=values["lane"],
                source=values.get("source"),
            )
        answer = Answer.objects.select_related("question").get(pk=answer.pk)
        return Response(serializers.AnswerSerializer(answer).data)

    @extend_schema(request=None, responses={200: serializers.AssessmentSerializer})
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def submit(self, request: Request, pk: str | None = None) -> Response:
        assessment = self.get_object()
        assessment_services.assessment_submit(actor=request.user, assessment=assessment)
        return Response(serializers.AssessmentSerializer(self.get_queryset().get(pk=assessment.pk)).data)

    @extend_schema(
        request={"multipart/form-data": serializers.EvidenceInputSerializer},
        parameters=[idempotency.PARAMETER],
        responses={201: serializers.EvidenceSerializer, 409: idempotency.IN_PROGRESS, **idempotency.RESPONSES},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def evidence(self, request: Request, pk: str | None = None) -> Response:
        """Add evidence: a file (checked by content like the worksheet upload) or a link. With
        ``Idempotency-Key`` a retry returns the first result (same id) and stores nothing new."""
        assessment = self.get_object()
        if not may(request.user, Action.EVIDENCE_UPLOAD, assessment.unit):
            raise PermissionDenied(_("Anda tidak berwenang mengunggah data dukung untuk unit ini."))
        data = serializers.EvidenceInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        fields = {name: values.get(name) for name in ("question", "title", "url")}
        print_ = idempotency.fingerprint(f"evidence:{assessment.pk}", fields, [values.get("file")])
        return idempotency.run(
            request, f"evidence:{assessment.pk}", print_, lambda: self._add_evidence(assessment, values)
        )

    def _add_evidence(self, assessment: Assessment, values: dict) -> Response:
        about = {
            "actor": self.request.user,
            "assessment": assessment,
            "question_code": values["question"],
            "title": values["title"],
        }
        if values.get("file"):
            item = assessment_services.evidence_add_file(**about, uploaded_file=values["file"])
        else:
            item = assessment_services.evidence_add_link(**about, url=values["url"])
        item = _evidence_queryset(Evidence.objects.filter(pk=item.pk)).get()
        return Response(serializers.EvidenceSerializer(item).data, status=status.HTTP_201_CREATED)


def _answer_for_update(assessment: Assessment, lane: str, question_code: str) -> Answer | None:
    """Lock the assessment, then the answer (the order ``answer_save`` locks them in), so the version compared
    here is still the stored one when the save runs in the same transaction."""
    Assessment.objects.select_for_update().filter(pk=assessment.pk).values_list("pk", flat=True).get()
    return (
        Answer.objects.select_for_update(of=("self",))
        .select_related("question")
        .filter(
            assessment=assessment,
            lane=lane,
            question__code=question_code,
            question__template_id=assessment.period.template_id,
        )
        .first()
    )


def any_of(*filters: Q) -> Q:
    """OR of scope filters. ``Q()`` means "everything" here, but ``Q(pk__in=[]) | Q()`` drops the empty Q and
    matches nothing, so an unrestricted filter must win explicitly."""
    if any(not f for f in filters):
        return Q()
    result = filters[0]
    for f in filters[1:]:
        result |= f
    return result


class AnswerViewSet(ScopedReadViewSet):
    """Answers (read). Write with ``POST /api/assessments/{id}/answers/``."""

    serializer_class = serializers.AnswerSerializer
    filterset_class = filters.AnswerFilter
    ordering_fields = ["id", "updated_at"]

    def scoped_queryset(self) -> QuerySet:
        return (
            Answer.objects.filter(lane_filter(self.request.user))
            .select_related("question")
            .order_by("assessment_id", "lane", "question__order", "pk")
        )


def _evidence_queryset(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("question").prefetch_related(
        Prefetch("revisions", queryset=EvidenceRevision.objects.order_by("number"))
    )


class EvidenceViewSet(ScopedReadViewSet):
    """Evidence metadata; the bytes only through the permission-checked download link of each revision."""

    serializer_class = serializers.EvidenceSerializer
    filterset_class = filters.EvidenceFilter
    ordering_fields = ["id", "created_at"]

    def scoped_queryset(self) -> QuerySet:
        visible = Evidence.objects.filter(assessment_selectors.visibility_filter(self.request.user, "assessment__"))
        return _evidence_queryset(visible).order_by("assessment_id", "created_at", "pk")


class CampaignViewSet(ScopedReadViewSet):
    """Survey campaigns of the units where the person sees assessments."""

    serializer_class = serializers.CampaignSerializer
    filterset_class = filters.CampaignFilter
    ordering_fields = ["id", "opens_at"]

    def scoped_queryset(self) -> QuerySet:
        # Same rule as zi.surveys.selectors.visible_campaigns, with the national (unrestricted) grant kept.
        user = self.request.user
        scope = any_of(
            scope_filter(user, Action.ASSESSMENT_VIEW_DRAFT), scope_filter(user, Action.ASSESSMENT_VIEW_SUBMITTED)
        )
        return Campaign.objects.filter(scope).prefetch_related("instruments").order_by("-opens_at", "pk")

    @extend_schema(responses={200: serializers.CampaignIndicesSerializer})
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def indices(self, request: Request, pk: str | None = None) -> Response:
        """IPAK / IPKP / IKM of the campaign from its rollups (excluded responses not counted)."""
        campaign = self.get_object()
        results = survey_services.campaign_results(campaign)
        data = {
            "campaign": campaign.pk,
            "responses": results.responses,
            "excluded": results.excluded,
            "flagged": results.flagged,
            "instruments": [
                {
                    "instrument": summary.instrument.code,
                    "kind": summary.instrument.kind,
                    "index": summary.index.as_json(),
                    "ikm": summary.ikm.as_json() if summary.ikm is not None else None,
                }
                for summary in results.overall
            ],
        }
        return Response(serializers.CampaignIndicesSerializer(data).data)


class ComplaintViewSet(ScopedReadViewSet):
    """Public complaints of readable units, without the complainant's identity. Whistle-blowing reports are
    never served by the API."""

    serializer_class = serializers.ComplaintSerializer
    filterset_class = filters.ComplaintFilter
    ordering_fields = ["id", "received_at", "sla_due_at"]

    def scoped_queryset(self) -> QuerySet:
        return programme_selectors.readable(Complaint.objects.all(), self.request.user).order_by("-received_at", "-pk")


class DashboardView(APIView):
    """Simple counts for a subtree (``?unit=ID``) or for everything the person may watch."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "unit", filters.int_schema(1, filters.MAX_ID), description="Id unit akar subtree (opsional)"
            )
        ],
        responses={200: serializers.DashboardSerializer},
    )
    def get(self, request: Request) -> Response:
        user = request.user
        if not may(user, Action.DASHBOARD_VIEW):
            raise PermissionDenied(_("Anda tidak berwenang melihat dasbor."))
        units = restrict(Unit.objects.all(), user, Action.DASHBOARD_VIEW)
        root = None
        given = request.query_params.getlist("unit")
        if given:
            raw = given[0]
            if len(given) > 1 or not filters.INTEGER.match(raw) or not 1 <= int(raw) <= filters.MAX_ID:
                return Response({"unit": [_("Id unit tidak valid.")]}, status=status.HTTP_400_BAD_REQUEST)
            root = get_object_or_404(restrict(Unit.objects.all(), user, Action.UNIT_VIEW), pk=int(raw))
            if not may(user, Action.DASHBOARD_VIEW, root):
                raise PermissionDenied(_("Anda tidak berwenang melihat dasbor unit ini."))
            units = units.filter(path__startswith=root.path)
        unit_ids = units.values("pk")
        by_status: dict[str, int] = {}
        for state, n in (
            Assessment.objects.filter(unit__in=unit_ids)
            .values_list("state")
            .annotate(n=Count("pk"))
            .values_list("state", "n")
        ):
            by_status[status_for(state)] = by_status.get(status_for(state), 0) + n
        complaints = Complaint.objects.filter(unit__in=unit_ids, status__in=OPEN_COMPLAINT_STATUSES)
        data = {
            "unit": root.pk if root else None,
            "units": units.count(),
            "assessments": {key: by_status.get(key, 0) for key in AssessmentStatus.values},
            "complaints_open": complaints.count(),
            "complaints_overdue": complaints.filter(sla_due_at__lt=timezone.now()).count(),
            "survey_campaigns": Campaign.objects.filter(unit__in=unit_ids).count(),
        }
        return Response(serializers.DashboardSerializer(data).data)


class JourneyViewSet(ScopedReadViewSet):
    """Yearly journeys (workflow) of the units the person may see; the detail lists the moves the caller's roles
    allow. Move with ``POST /api/journeys/{id}/transitions/`` (the same service and rules as the pages)."""

    filterset_class = filters.JourneyFilter
    ordering_fields = ["id", "state", "updated_at"]

    def get_serializer_class(self):
        if getattr(self, "action", None) in ("retrieve", "transitions"):
            return serializers.JourneyDetailSerializer
        return serializers.JourneySerializer

    def scoped_queryset(self) -> QuerySet:
        # ?ordering=state sorts by the state, kept on the assessment (an alias: the stubs take the name for a field)
        journeys = workflow_selectors.journeys_visible(self.request.user).alias(
            state=F("assessment__state")  # type: ignore[no-redef]
        )
        return journeys.select_related("unit", "period", "assessment").order_by("-period__year", "unit__path", "pk")

    def _detail(self, journey) -> dict:
        journey = (
            workflow_selectors.journeys_visible(self.request.user)
            .select_related("unit", "period", "assessment")
            .prefetch_related("events")
            .get(pk=journey.pk)
        )
        journey.transitions = [
            {"transition": d.to_state, "label": d.label, "needs_note": d.needs_note}
            for d in workflow_selectors.decisions_for(self.request.user, journey)
        ]
        return serializers.JourneyDetailSerializer(journey).data

    def retrieve(self, request: Request, *args, **kwargs) -> Response:
        return Response(self._detail(self.get_object()))

    @extend_schema(
        request=serializers.TransitionInputSerializer,
        responses={200: serializers.JourneyDetailSerializer, 409: CONFLICT_RESPONSE},
    )
    @action(detail=True, methods=["post"], filter_backends=[], pagination_class=None)
    def transitions(self, request: Request, pk: str | None = None) -> Response:
        """Move the journey: 409 when ``version`` is stale, 403 when the caller's roles do not allow this move,
        400 when the move is not in the table or a guard refuses it (every reason listed)."""
        journey = self.get_object()
        data = serializers.TransitionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        try:
            journey = workflow_services.transition(
                actor=request.user,
                journey=journey,
                to_state=values["transition"],
                note=values["note"],
                expected_version=values["version"],
                data=data.data_for_service(),
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "stale":
                body = {"detail": refusal(exc), "code": "stale", "current": self._detail(journey)}
                return Response(body, status=status.HTTP_409_CONFLICT)
            raise
        return Response(self._detail(journey))
