"""Evidence as a by-product: an activity, complaint or innovation attached to an assessment answer."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from zi.assessments.models import Assessment, AssessmentStatus, Evidence, EvidenceKind, EvidenceRevision
from zi.core import audit
from zi.core.actors import Actor
from zi.core.links import absolute_url
from zi.lke.models import LkeQuestion
from zi.organisations.access import Action, may
from zi.organisations.records import actor_or_none, require
from zi.organisations.timezones import format_local_date
from zi.programme.models import Activity, AttachedEvidence, Complaint, Innovation

ATTACHABLE = {"activity": Activity, "complaint": Complaint, "innovation": Innovation}


def record_type_of(record: Any) -> str:
    for name, model in ATTACHABLE.items():
        if isinstance(record, model):
            return name
    raise ValidationError(_("Catatan jenis ini tidak dapat dilampirkan sebagai data dukung."))


def _evidence_title(record: Any) -> str:
    if isinstance(record, Activity):
        return f"{_('Kegiatan')}: {record.title} ({record.held_on:%d-%m-%Y})"
    if isinstance(record, Complaint):
        return f"{_('Pengaduan')}: {record.subject} ({format_local_date(record.received_at, record.unit)})"
    return f"{_('Inovasi')}: {record.title}"


@transaction.atomic
def record_attach_as_evidence(*, actor: Actor, record: Any, assessment: Assessment, question_code: str) -> Evidence:
    """Attach a record (activity, complaint, innovation) to an LKE question of its unit's assessment.

    Creates an ``Evidence`` of kind link with revision 1 pointing at the record's page (absolute URL built
    on the configured site address, :func:`zi.core.links.absolute_url`), so the evidence is a by-product of the work.
    """
    record_type = record_type_of(record)
    if record.unit_id != assessment.unit_id:
        raise ValidationError(_("Catatan hanya dapat dilampirkan pada penilaian unitnya sendiri."))
    require(
        may(actor, Action.EVIDENCE_UPLOAD, assessment.unit), _("Anda tidak berwenang menambah data dukung unit ini.")
    )
    if assessment.status != AssessmentStatus.DRAFT:
        raise PermissionDenied(_("Penilaian sudah dikirim; data dukung tidak dapat diubah lagi."))
    question = LkeQuestion.objects.filter(template_id=assessment.period.template_id, code=question_code).first()
    if question is None:
        raise ValidationError(
            _("Pertanyaan %(code)s tidak ada pada template LKE periode ini.") % {"code": question_code}
        )
    already = AttachedEvidence.objects.filter(
        record_type=record_type,
        record_id=record.pk,
        evidence__question=question,
        evidence__assessment=assessment,
        evidence__is_withdrawn=False,
    ).exists()
    if already:
        raise ValidationError(_("Catatan ini sudah menjadi data dukung pertanyaan %(code)s.") % {"code": question_code})
    url = absolute_url(record.get_absolute_url())
    evidence = Evidence.objects.create(
        assessment=assessment,
        question=question,
        title=_evidence_title(record)[:255],
        kind=EvidenceKind.LINK,
        created_by=actor_or_none(actor),
    )
    revision = EvidenceRevision.objects.create(evidence=evidence, number=1, url=url, uploaded_by=actor_or_none(actor))
    try:
        with transaction.atomic():
            AttachedEvidence.objects.create(evidence=evidence, record_type=record_type, record_id=record.pk)
    except IntegrityError as exc:  # pragma: no cover - one-to-one on a fresh row
        raise ValidationError(_("Gagal melampirkan data dukung.")) from exc
    audit.record(
        actor,
        "create",
        evidence,
        after={
            **audit.snapshot(evidence, ("assessment", "question", "title", "kind", "is_withdrawn")),
            "revision": audit.snapshot(revision, ("evidence", "number", "url")),
            "source": {"type": record_type, "id": record.pk},
        },
    )
    audit.record(actor, "attach_evidence", record, extra={"evidence": evidence.pk, "question": question_code})
    return evidence
