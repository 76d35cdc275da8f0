"""Tracking codes: drawn unique when the public submits a complaint or a whistle-blowing report, looked up by the
public (only the hash is stored)."""

from __future__ import annotations

from typing import Any

from zi.programme import tracking
from zi.programme.models import Complaint, WhistleReport


def _new_tracking(model: type[Complaint | WhistleReport]) -> tuple[str, str]:
    for _attempt in range(5):
        code = tracking.new_code()
        digest = tracking.hash_code(code)
        if not model.objects.filter(tracking_hash=digest).exists():
            return code, digest
    raise RuntimeError("could not draw a unique tracking code")  # pragma: no cover - 31^12 codes


def track(code: str) -> dict[str, Any] | None:
    """What the holder of a tracking code may see, or None (same answer for malformed and unknown codes)."""
    normalized = tracking.normalize_code(code)
    if not tracking.is_well_formed(normalized):
        tracking.hash_code(normalized)  # same work either way
        return None
    digest = tracking.hash_code(normalized)
    complaint = Complaint.objects.filter(tracking_hash=digest).select_related("unit").first()
    if complaint is not None:
        return {
            "kind": "complaint",
            "unit": complaint.unit.name,
            "subject": complaint.subject,
            "received_at": complaint.received_at,
            "sla_due_at": complaint.sla_due_at,
            "status": complaint.get_status_display(),
            "status_code": complaint.status,
            "public_response": complaint.public_response,
            "actions": [action.done_on for action in complaint.actions.all()],
        }
    report = WhistleReport.objects.filter(tracking_hash=digest).select_related("unit").first()
    if report is not None:
        return {
            "kind": "whistle",
            "unit": report.unit.name,
            "subject": "",
            "received_at": report.received_at,
            "sla_due_at": None,
            "status": report.get_status_display(),
            "status_code": report.status,
            "public_response": report.public_response,
            "actions": [],
        }
    return None
