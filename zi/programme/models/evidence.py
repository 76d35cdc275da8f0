"""Which programme record an LKE evidence item was made from."""

from __future__ import annotations

from django.db import models


class AttachedEvidence(models.Model):
    """Which programme record an LKE evidence item (a link to the record page) was made from."""

    evidence = models.OneToOneField("assessments.Evidence", on_delete=models.CASCADE, related_name="programme_source")
    record_type = models.CharField(max_length=32)
    record_id = models.PositiveBigIntegerField()

    class Meta:
        indexes = [models.Index(fields=["record_type", "record_id"], name="attached_evidence_record")]

    def __str__(self) -> str:
        return f"{self.record_type}:{self.record_id} → {self.evidence_id}"
