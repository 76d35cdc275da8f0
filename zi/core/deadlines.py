"""Days left or overdue for a deadline: the one place that says "terlambat N hari" / "N hari lagi".

Every page that shows a deadline (unit page, journey page, TPI queue, journey list, calendar, team page) renders it
through the ``{% deadline %}`` tag (``zi_tags``), which calls :func:`deadline_status`, so a date six months past
never looks like any other date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import overload

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class DeadlineStatus:
    day: dt.date
    days_left: int  # negative: overdue by that many days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left)

    @property
    def text(self) -> str:
        if self.days_left < 0:
            return ngettext("terlambat %(n)s hari", "terlambat %(n)s hari", -self.days_left) % {"n": -self.days_left}
        if self.days_left == 0:
            return _("hari ini")
        if self.days_left == 1:
            return _("besok")
        return _("%(n)s hari lagi") % {"n": self.days_left}


@overload
def deadline_status(day: dt.date | dt.datetime, today: dt.date | None = None) -> DeadlineStatus: ...
@overload
def deadline_status(day: None, today: dt.date | None = None) -> None: ...
@overload
def deadline_status(day: dt.date | dt.datetime | None, today: dt.date | None = None) -> DeadlineStatus | None: ...
def deadline_status(day: dt.date | dt.datetime | None, today: dt.date | None = None) -> DeadlineStatus | None:
    """Days from ``today`` (the local date by default) to ``day``; None without a deadline."""
    if day is None:
        return None
    if isinstance(day, dt.datetime):
        day = timezone.localdate(day) if timezone.is_aware(day) else day.date()
    today = today or timezone.localdate()
    return DeadlineStatus(day, (day - today).days)
