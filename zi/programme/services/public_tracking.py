"""A tracking code looked up by the public: a complaint's, or a whistle-blowing report's (same page, same answer
for malformed and unknown codes; only the hash is stored, :mod:`zi.core.tracking`)."""

from __future__ import annotations

from typing import Any

from zi.core import tracking
from zi.integrity.services import whistle_tracked
from zi.programme.models import Complaint


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
    return whistle_tracked(digest)
