"""E-mails when an LKE changes hands, so the next person learns it without watching the site:

- returned by the reviewer or by TPI (LHE 1) → the unit's team (who answer) and those who submit (leader, head),
  with the returning note;
- forwarded to TPI (by the reviewer, or the unit's fixes after LHE 1) → the members of the unit's TPI team; without a
  team, :func:`zi.workflow.reminders.notify_without_team` already tells those who assign teams;
- concluded by TPI ("memenuhi" / "belum memenuhi") → the unit's team and head, and who proposes to TPN (agency
  admins), with the conclusion.

Each message names the unit, the period and the new stage and links to the recipient's inbox (the home page) and to
the journey, on the configured site address (:func:`zi.core.links.absolute_url`). Recipients are found through
:func:`zi.workflow.reminders.recipients` (``access.may`` on the unit), never by role names. Written in the site's
language (the actor's language is theirs, not the recipients'); sent through the task queue after the transaction
commits (:func:`zi.core.tasks.send_email`), so a refused or rolled-back move sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from zi.core import tasks
from zi.core.links import absolute_url
from zi.organisations.access import Action
from zi.workflow.models import Journey, State
from zi.workflow.reminders import recipients, team_emails


@dataclass(frozen=True)
class Message:
    subject: str
    body: str
    to: list[str]


def _unit_people(journey: Journey) -> set[str]:
    return set(recipients(journey, Action.ASSESSMENT_ANSWER)) | set(recipients(journey, Action.ASSESSMENT_SUBMIT))


def _body(journey: Journey, lead: str, note_label: str, note: str) -> str:
    lines = [lead]
    if note:
        lines += ["", f"{note_label}:", note]
    lines += [
        "",
        _("Lihat yang menunggu Anda: %(url)s") % {"url": absolute_url(reverse("core:home"))},
        _("Alur unit: %(url)s") % {"url": absolute_url(reverse("workflow:journey_detail", args=[journey.pk]))},
    ]
    return "\n".join(lines)


def message_for(journey: Journey, from_state: str, note: str = "") -> Message | None:
    """The message the move ``from_state`` → ``journey.state`` sends, or None (no hand-off worth an e-mail)."""
    to_state = journey.state
    names = {"unit": journey.unit.name, "period": journey.period.name, "state": journey.get_state_display()}
    if to_state in (State.RETURNED, State.TPI_RETURNED):
        by = _("TPI (LHE 1)") if to_state == State.TPI_RETURNED else _("reviewer")
        subject = _("[ZI] LKE %(unit)s dikembalikan untuk perbaikan") % names
        lead = _("LKE unit %(unit)s (%(period)s) dikembalikan oleh %(by)s untuk diperbaiki lalu dikirim ulang.") % {
            **names,
            "by": by,
        }
        return Message(subject, _body(journey, lead, _("Alasan"), note), sorted(_unit_people(journey)))
    forwarded = to_state == State.REVIEWED or (to_state == State.TPI_EVALUATION and from_state == State.TPI_RETURNED)
    if forwarded and journey.tpi_team_id is not None:
        subject = _("[ZI] LKE %(unit)s menunggu evaluasi TPI") % names
        if to_state == State.REVIEWED:
            lead = _("LKE unit %(unit)s (%(period)s) sudah direviu dan diteruskan ke TPI; tim Anda ditugaskan.") % names
        else:
            lead = _("Unit %(unit)s (%(period)s) mengirim perbaikan atas LHE 1; evaluasi TPI tahap kedua.") % names
        return Message(subject, _body(journey, lead, _("Catatan"), note), sorted(set(team_emails(journey.tpi_team))))
    if to_state in (State.TPI_MEETS, State.TPI_NOT_MEETS):
        subject = _("[ZI] Simpulan TPI untuk %(unit)s: %(state)s") % names
        lead = _("TPI menyimpulkan evaluasi unit %(unit)s (%(period)s): %(state)s.") % names
        to = _unit_people(journey) | set(recipients(journey, Action.PROPOSAL_SUBMIT))
        return Message(subject, _body(journey, lead, _("Simpulan TPI"), note), sorted(to))
    return None


def notify_transition(journey: Journey, from_state: str, note: str = "") -> int:
    """Queue the hand-off e-mail of the move just made (after the commit); returns the number of addressees."""
    with translation.override(settings.LANGUAGE_CODE):
        message = message_for(journey, from_state, note)
    if message is None or not message.to:
        return 0

    def send() -> None:
        tasks.send_email(message.subject, message.body, message.to)

    transaction.on_commit(send, robust=True)
    return len(message.to)
