"""The programme's item in the home inbox (:mod:`zi.core.home`): open complaints past their handling deadline, for
those who handle them (the unit's ZI team, ``programme.manage``), oldest deadline first."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from zi.core.actors import Actor
from zi.core.home import PROVIDER_LIMIT, InboxItem
from zi.organisations.access import Action, may, restrict
from zi.programme.models import OPEN_COMPLAINT_STATUSES, Complaint

HANDLE = Action.PROGRAMME_MANAGE  # who records the building work handles its complaints


def overdue_complaints(user: Actor) -> list[InboxItem]:
    if not may(user, HANDLE):
        return []
    rows = (
        restrict(Complaint.objects.all(), user, HANDLE)
        .filter(status__in=OPEN_COMPLAINT_STATUSES, sla_due_at__lt=timezone.now())
        .select_related("unit")
        .order_by("sla_due_at", "pk")[:PROVIDER_LIMIT]
    )
    return [
        InboxItem(
            kind="complaint",
            kind_label=_("Pengaduan"),
            title=_("Selesaikan pengaduan: %(subject)s") % {"subject": complaint.subject},
            unit=complaint.unit.name,
            url=complaint.get_absolute_url(),
            due=complaint.sla_due_at,
            reason=_("Status: %(status)s; melewati batas waktu penyelesaian.")
            % {"status": complaint.get_status_display()},
            key=f"complaint:{complaint.pk}",
        )
        for complaint in rows
    ]
