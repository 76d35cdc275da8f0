"""Read serializers (explicit field lists: nothing private leaks by a new model field) and write inputs.

Writes never go through a ModelSerializer's ``save()``: input serializers only shape the request, the views
pass the values to the domain services.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from zi.accounts.models import User
from zi.assessments.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    Evidence,
    EvidenceRevision,
    Lane,
    LaneScore,
    Period,
    Predicate,
)
from zi.organisations.models import Unit
from zi.programme.models import Complaint
from zi.surveys.models import Campaign
from zi.surveys.unit_indices import KINDS, survey_indices_many
from zi.workflow.models import Journey, JourneyEvent, State

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def answer_version(answer: Answer) -> int:
    """The answer's optimistic-concurrency version: its last change time in whole microseconds (exact, no float)."""
    return (answer.updated_at - EPOCH) // dt.timedelta(microseconds=1)


class PredicateOrNullField(serializers.ChoiceField):
    """A predicate (WBK/WBBM) or ``null`` when none is set: a stored ``""`` is never served (not in the enum)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(choices=Predicate.choices, allow_null=True, read_only=True, **kwargs)

    def to_representation(self, value: str) -> str | None:  # type: ignore[override]  # null for an empty value
        return value or None


class UnitSerializer(serializers.ModelSerializer):
    agency_code = serializers.CharField(source="agency.code", read_only=True)
    unit_type = serializers.CharField(source="unit_type.code", read_only=True)

    class Meta:
        model = Unit
        fields = [
            "id",
            "code",
            "name",
            "agency",
            "agency_code",
            "parent",
            "unit_type",
            "serves_public",
            "province",
            "is_active",
            "path",
            "depth",
        ]
        read_only_fields = fields


class PersonSerializer(serializers.ModelSerializer):
    """Staff directory entry: no username, e-mail, NIP or login data."""

    class Meta:
        model = User
        fields = ["id", "full_name", "position", "unit", "employment_type"]
        read_only_fields = fields


class PeriodSerializer(serializers.ModelSerializer):
    template = serializers.CharField(source="template.version", read_only=True)

    class Meta:
        model = Period
        fields = ["id", "year", "name", "template", "starts_on", "ends_on", "self_assessment_deadline", "is_open"]
        read_only_fields = fields


class LaneScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = LaneScore
        fields = ["lane", *LaneScore.FIGURES, "computed_at"]
        read_only_fields = fields


class AssessmentSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="period.year", read_only=True)
    status = serializers.ChoiceField(
        choices=AssessmentStatus.choices, read_only=True, help_text="`draft` or `submitted`, from the journey's state."
    )
    current_predicate = serializers.ChoiceField(choices=Predicate.choices, allow_blank=True, read_only=True)
    scores = LaneScoreSerializer(many=True, read_only=True)
    survey_indices = serializers.SerializerMethodField(
        help_text=(
            "The unit's IPAK, IPKP and IKM in the period: an external value recorded by an evaluator (with its "
            "source) first, else the unit's own survey campaigns — the values the LKE, dashboards and dossier show."
        )
    )

    class Meta:
        model = Assessment
        fields = [
            "id",
            "unit",
            "period",
            "year",
            "status",
            "target_predicate",
            "current_predicate",
            "submitted_at",
            "scores",
            "survey_indices",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_survey_indices(self, assessment: Assessment) -> dict:
        """Computed for the whole page at once (one set-based call per period, never one per assessment)."""
        cache = self.context.setdefault("_survey_indices", {})  # type: ignore[attr-defined]  # DRF's context is a dict
        key = (assessment.unit_id, assessment.period_id)
        if key not in cache:
            parent = self.parent
            page = list(parent.instance) if isinstance(parent, serializers.ListSerializer) else [assessment]  # type: ignore[arg-type]  # a list serializer holds the page
            by_period: dict = {}
            for item in page:
                by_period.setdefault(item.period_id, (item.period, []))[1].append(item.unit_id)
            for period_id, (period, unit_ids) in by_period.items():
                for uid, found in survey_indices_many(unit_ids, period).items():
                    cache[(uid, period_id)] = found
        found = cache[key]
        return {kind: (index.as_json() if (index := found.get(kind)) is not None else None) for kind in KINDS}


class AnswerSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question.code", read_only=True)
    version = serializers.SerializerMethodField(
        help_text="Send it back as `version` when saving to refuse overwriting someone else's change (409)."
    )

    class Meta:
        model = Answer
        fields = [
            "id",
            "assessment",
            "lane",
            "question",
            "choice",
            "inputs",
            "value",
            "note",
            "source",
            "updated_at",
            "version",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.INT64)
    def get_version(self, answer: Answer) -> int:
        return answer_version(answer)


class AnswerInputSerializer(serializers.Serializer):
    question = serializers.CharField(max_length=32, trim_whitespace=False, help_text="Kode pertanyaan LKE, mis. 1.a.1")
    lane = serializers.ChoiceField(choices=Lane.choices, default=Lane.SELF)
    choice = serializers.CharField(
        max_length=8,
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Kunci pilihan (pertanyaan pilihan).",
    )
    inputs = serializers.DictField(
        child=serializers.FloatField(allow_null=True), required=False, help_text="Isian angka (pertanyaan numerik)."
    )
    index = serializers.FloatField(required=False, allow_null=True, help_text="Indeks 0–4.")
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, trim_whitespace=False)
    source = serializers.CharField(  # type: ignore[assignment]  # a field named "source"
        max_length=255,
        required=False,
        allow_blank=True,
        help_text="Sumber nilai IPAK/IPKP yang berbeda dari survei unit atau nilai eksternal (mis. BPS, laporan …).",
    )
    version = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=0,
        max_value=2**62,
        help_text=(
            "Optimistic concurrency: the `version` of the answer as last read (`null` when it did not exist yet). "
            "Left out, the save overwrites like the worksheet's autosave; given and stale, the API answers 409 "
            "with the current answer and stores nothing."
        ),
    )

    def raw(self) -> object:
        data = self.validated_data
        if "inputs" in data:
            return data["inputs"]
        if "index" in data:
            return data["index"]
        return data.get("choice", "")


class EvidenceRevisionSerializer(serializers.ModelSerializer):
    url = serializers.CharField(read_only=True, help_text="The link of a link revision; empty for files.")
    download = serializers.SerializerMethodField()

    class Meta:
        model = EvidenceRevision
        fields = ["number", "original_name", "content_type", "size", "sha256", "url", "uploaded_at", "download"]
        read_only_fields = fields

    @extend_schema_field({"type": "string", "nullable": True, "description": "Download path; null for a link."})
    def get_download(self, revision: EvidenceRevision) -> str | None:
        """Only the permission-checked download view, never a storage URL; ``null`` for a link revision."""
        if not revision.file:
            return None
        return reverse("assessments:evidence_file", args=[revision.evidence_id, revision.number])


class EvidenceSerializer(serializers.ModelSerializer):
    question = serializers.CharField(source="question.code", read_only=True)
    revisions = EvidenceRevisionSerializer(many=True, read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "assessment", "question", "title", "kind", "is_withdrawn", "created_at", "revisions"]
        read_only_fields = fields


class EvidenceInputSerializer(serializers.Serializer):
    """Exactly one of ``file`` or ``url`` (the schema says so with ``oneOf``, zi/api/schema.py)."""

    question = serializers.CharField(max_length=32, trim_whitespace=False)
    title = serializers.CharField(max_length=255, trim_whitespace=False)
    file = serializers.FileField(required=False, help_text="Berkas (PDF, gambar, dokumen Office).")
    url = serializers.CharField(
        max_length=1000, required=False, trim_whitespace=False, help_text="Tautan http(s) sebagai ganti berkas."
    )

    def validate(self, attrs: dict) -> dict:
        if bool(attrs.get("file")) == bool(attrs.get("url")):
            raise serializers.ValidationError(_("Isi tepat satu dari 'file' atau 'url'."))
        return attrs


class CampaignSerializer(serializers.ModelSerializer):
    instruments = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)  # type: ignore[var-annotated]

    class Meta:
        model = Campaign
        fields = [
            "id",
            "unit",
            "period",
            "title",
            "instruments",
            "opens_at",
            "closes_at",
            "respondent_groups",
            "population_size",
        ]
        read_only_fields = fields


class InstrumentIndexSerializer(serializers.Serializer):
    instrument = serializers.CharField()
    kind = serializers.CharField()
    index = serializers.DictField()
    ikm = serializers.DictField(allow_null=True)


class CampaignIndicesSerializer(serializers.Serializer):
    campaign = serializers.IntegerField()
    responses = serializers.IntegerField()
    excluded = serializers.IntegerField()
    flagged = serializers.IntegerField()
    instruments = InstrumentIndexSerializer(many=True)


class ComplaintSerializer(serializers.ModelSerializer):
    """No complainant identity, no internal handling notes, no tracking hash."""

    class Meta:
        model = Complaint
        fields = [
            "id",
            "unit",
            "channel",
            "category",
            "subject",
            "description",
            "received_at",
            "sla_due_at",
            "status",
            "resolved_at",
            "public_response",
        ]
        read_only_fields = fields


class DashboardSerializer(serializers.Serializer):
    unit = serializers.IntegerField(allow_null=True)
    units = serializers.IntegerField()
    assessments = serializers.DictField(child=serializers.IntegerField())
    complaints_open = serializers.IntegerField()
    complaints_overdue = serializers.IntegerField()
    survey_campaigns = serializers.IntegerField()


class JourneySerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    year = serializers.IntegerField(source="period.year", read_only=True)
    state = serializers.ChoiceField(choices=State.choices, read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    target_predicate = PredicateOrNullField(help_text="`null` while no predicate is chosen yet.")
    awarded_predicate = PredicateOrNullField(help_text="`null` until a predicate is awarded.")

    class Meta:
        model = Journey
        fields = [
            "id",
            "unit",
            "unit_name",
            "period",
            "year",
            "assessment",
            "state",
            "state_label",
            "version",
            "target_predicate",
            "afirmasi",
            "tpi_stage",
            "tpi_due",
            "proposed_at",
            "awarded_predicate",
            "decree_number",
            "decree_date",
            "revoked_on",
            "updated_at",
        ]
        read_only_fields = fields


class TransitionOptionSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=State.choices, help_text="Target state: send it as `transition`.")
    label = serializers.CharField()  # type: ignore[assignment]  # a field named "label"
    needs_note = serializers.BooleanField()


class JourneyEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = JourneyEvent
        fields = ["version", "at", "from_state", "to_state", "actor_label", "note"]
        read_only_fields = fields


class JourneyDetailSerializer(JourneySerializer):
    transitions = TransitionOptionSerializer(
        many=True,
        read_only=True,
        help_text="Moves the caller's roles allow from the current state; guards may still refuse one (400).",
    )
    events = JourneyEventSerializer(many=True, read_only=True)

    class Meta(JourneySerializer.Meta):
        fields = [*JourneySerializer.Meta.fields, "transitions", "events"]
        read_only_fields = fields


class TransitionInputSerializer(serializers.Serializer):
    transition = serializers.ChoiceField(choices=State.choices, help_text="Target state, e.g. `self_submitted`.")
    version = serializers.IntegerField(
        min_value=0, max_value=2**31 - 1, help_text="The journey's `version` as last read (stale → 409)."
    )
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    decree_number = serializers.CharField(
        max_length=120, required=False, trim_whitespace=False, help_text="Awarding: decree number."
    )
    decree_date = serializers.DateField(required=False, help_text="Awarding: decree date.")
    override_reason = serializers.CharField(
        max_length=2000,
        required=False,
        help_text="TPI concluding `tpi_meets` while proposal preconditions are unmet: the reason (audited).",
    )

    def data_for_service(self) -> dict:
        values = self.validated_data
        return {key: values[key] for key in ("decree_number", "decree_date", "override_reason") if key in values}


class ConflictSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="`stale`, or `refused` (then `errors` lists the service's reasons)")
    current = serializers.DictField(
        allow_null=True,
        required=False,
        help_text="The stored object as it is now (null: none yet); absent for `idempotency_key_in_progress`.",
    )


class TokenSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField()
    created_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField(allow_null=True)
    last_used_at = serializers.DateTimeField(allow_null=True)
