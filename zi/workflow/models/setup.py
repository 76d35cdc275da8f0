"""What the year is set up with: the agency's profile and preconditions, TPI teams, the period calendar, and the
reminders sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi.assessments.models import Period
from zi.core.models import BaseModel
from zi.organisations.models import Agency
from zi.workflow.models.journey import Journey


class AgencyProfile(BaseModel):
    """The agency-level preconditions of one year (P90 Lampiran II Tabel 5), with where each came from."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="zi_profiles")
    year = models.PositiveSmallIntegerField(_("tahun"))
    bpk_opinion = models.CharField(_("opini BPK"), max_length=4, blank=True, default="")
    sakip = models.CharField(_("predikat SAKIP"), max_length=3, blank=True, default="")
    indeks_rb = models.CharField(_("indeks RB"), max_length=3, blank=True, default="")
    spip_level = models.PositiveSmallIntegerField(_("maturitas SPIP"), null=True, blank=True)
    source = models.CharField(_("sumber data"), max_length=255, blank=True, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agency", "year"], name="agency_profile_year")]

    def __str__(self) -> str:
        return f"{self.agency} {self.year}"

    def audit_scope_path(self) -> str:
        return f"a{self.agency_id}/"


class TpiTeam(BaseModel):
    """A TPI evaluation team of an agency in one period: members, a leader and a technical controller."""

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="tpi_teams")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="tpi_teams")
    name = models.CharField(_("nama tim"), max_length=120)
    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    controller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="tpi_teams")
    capacity = models.PositiveSmallIntegerField(_("kapasitas (unit)"), null=True, blank=True)

    class Meta:
        ordering = ["agency", "name"]
        constraints = [models.UniqueConstraint(fields=["agency", "period", "name"], name="tpi_team_name")]

    def __str__(self) -> str:
        return self.name

    def audit_scope_path(self) -> str:
        return f"a{self.agency_id}/"

    def effective_capacity(self) -> int:
        return self.capacity or int(getattr(settings, "ZI_TPI_TEAM_CAPACITY", 14))

    def member_ids(self) -> set[int]:
        return {self.leader_id, self.controller_id, *self.members.values_list("pk", flat=True)}


class PeriodCalendar(BaseModel):
    """Deadlines of one period (P90/P5: proposals by 31 May, or the date TPN announces)."""

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="calendar")
    review_deadline = models.DateField(_("batas reviu"), null=True, blank=True)
    tpi_deadline = models.DateField(_("batas evaluasi TPI"), null=True, blank=True)
    proposal_deadline = models.DateField(_("batas pengusulan ke TPN"))
    remind_days = models.PositiveSmallIntegerField(_("pengingat (hari sebelum)"), default=14)

    def __str__(self) -> str:
        return f"{self.period}"


class ReminderLog(models.Model):
    """One reminder sent: unique per journey, kind and deadline, so the daily task (or the command run again)
    never repeats it; a moved deadline is a new deadline and is reminded once more. ``day`` is when it was sent."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="reminders")
    kind = models.CharField(max_length=32)
    deadline = models.DateField(null=True)
    day = models.DateField()
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["journey", "kind", "deadline"], name="reminder_once_per_deadline")
        ]

    def __str__(self) -> str:
        return f"{self.journey_id} {self.kind} {self.day}"
