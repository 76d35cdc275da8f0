"""The one pre-submit check: every reason an LKE may not be submitted now (blockers) and what the unit should look
at but may submit with (warnings), each with the place to act.

The submit page, the worksheet's per-question markers and the submission guards (the journey's
``zi.workflow.machine`` and :func:`zi.assessments.services.assessment_submit` without a journey) all read
:func:`submission_check`, so the page and the guard cannot disagree. This app knows the questions (unanswered,
answers without evidence); apps above add their own items through :func:`register` (the workflow: carried-over
answers to confirm and the journey's preconditions), so the layers stay one-way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy

from zi.assessments.models import Assessment
from zi.assessments.selectors import Worksheet, worksheet

UNANSWERED = "unanswered"
CARRIED = "carried"
EVIDENCE = "evidence"
PRECONDITION = "precondition"

# The kinds in the order the page lists them, with their headings (the worksheet's own words).
KIND_TITLES = {
    UNANSWERED: gettext_lazy("Belum dijawab"),
    CARRIED: gettext_lazy("Jawaban bawaan — konfirmasi"),
    EVIDENCE: gettext_lazy("Jawaban tanpa data dukung"),
    PRECONDITION: gettext_lazy("Syarat keikutsertaan"),
}
# The worksheet shows these kinds on each question already (its status and evidence badges, same words).
SHOWN_BY_WORKSHEET = frozenset({UNANSWERED, EVIDENCE})
# Missing evidence is a warning: the LKE template lists example evidence, it marks none as required (P90 asks for
# data dukung, the evaluators judge it). Adding EVIDENCE here makes it a blocker on the page and in the guard at once.
BLOCKING_KINDS = frozenset({UNANSWERED, CARRIED, PRECONDITION})


@dataclass(frozen=True)
class Item:
    """One thing in the way of (or worth a look before) submission."""

    kind: str
    label: str  # the words shown on the question (the same on the worksheet) or the line on the page
    url: str  # where to act: the question on its worksheet tab, or the journey page
    code: str = ""  # the question, when the item is about one
    section: str = ""  # the question's worksheet tab
    text: str = ""  # the question's text
    blocking: bool = True
    action_url: str = ""  # a POST form that settles the item on the spot (confirm a carried-over answer)


@dataclass
class SubmissionCheck:
    items: list[Item] = field(default_factory=list)

    @property
    def blockers(self) -> list[Item]:
        return [item for item in self.items if item.blocking]

    @property
    def warnings(self) -> list[Item]:
        return [item for item in self.items if not item.blocking]

    @property
    def ok(self) -> bool:
        return not self.blockers

    def _groups(self, items: list[Item]) -> list[tuple[str, str, list[Item]]]:
        """Per kind (page order), its items tab by tab (LKE order within a tab)."""
        ordered = sorted(items, key=lambda item: _tab_order(item.section))  # stable: LKE order within a tab
        return [
            (kind, str(title), [item for item in ordered if item.kind == kind])
            for kind, title in KIND_TITLES.items()
            if any(item.kind == kind for item in items)
        ]

    @property
    def blocker_groups(self) -> list[tuple[str, str, list[Item]]]:
        return self._groups(self.blockers)

    @property
    def warning_groups(self) -> list[tuple[str, str, list[Item]]]:
        return self._groups(self.warnings)

    def count(self, kind: str, section: str | None = None) -> int:
        return sum(1 for item in self.items if item.kind == kind and (section is None or item.section == section))

    def action_url(self, kind: str) -> str:
        """The POST form that settles items of ``kind`` (the same for all of them), or ""."""
        return next((item.action_url for item in self.items if item.kind == kind and item.action_url), "")

    def bulk(self, kind: str, section: str) -> dict[str, object]:
        """What the "konfirmasi semua" forms need: the action, this tab's count and the total."""
        return {"url": self.action_url(kind), "here": self.count(kind, section), "all": self.count(kind)}

    def reasons(self) -> list[str]:
        """The blockers as the guard's refusal: one line per kind naming the questions, the preconditions each."""
        lines = []
        for kind, _title, items in self.blocker_groups:
            codes = [item.code for item in items if item.code]
            shown = ", ".join(codes[:10])
            if len(codes) > 10:
                shown = _("%(codes)s dan %(more)s lainnya") % {"codes": shown, "more": len(codes) - 10}
            if kind in _REASON_LINES:
                lines.append(_REASON_LINES[kind] % {"count": len(codes), "codes": shown})
            else:
                lines += [item.label for item in items]
        return lines


# The refusal's line for the question kinds: how many, and which ("count" picks the plural form).
_REASON_LINES = {
    UNANSWERED: ngettext_lazy(
        "%(count)s pertanyaan belum dijawab: %(codes)s.", "%(count)s pertanyaan belum dijawab: %(codes)s.", "count"
    ),
    CARRIED: ngettext_lazy(
        "%(count)s jawaban bawaan belum dikonfirmasi (“jawaban bawaan — konfirmasi”): %(codes)s.",
        "%(count)s jawaban bawaan belum dikonfirmasi (“jawaban bawaan — konfirmasi”): %(codes)s.",
        "count",
    ),
    EVIDENCE: gettext_lazy("%(count)s jawaban tanpa data dukung: %(codes)s."),
}


def _tab_order(section: str) -> int:
    """ "1".."6" first, in order, then "hasil", then items on no tab (preconditions)."""
    if section.isdigit():
        return int(section)
    return 1000 if section else 2000


Provider = Callable[[Assessment, Worksheet], list[Item]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    """Add the items an app above this one knows about (called once from its ``AppConfig.ready``)."""
    if provider not in _providers:
        _providers.append(provider)


def question_url(assessment: Assessment, section: str, code: str) -> str:
    """The question on its worksheet tab."""
    url = reverse("assessments:worksheet", args=[assessment.pk])
    return f"{url}?bagian={section}#q-{code.replace('.', '-')}"


def submission_check(assessment: Assessment, *, ws: Worksheet | None = None) -> SubmissionCheck:
    """Every blocker and warning of submitting ``assessment``'s self lane now. ``ws``: the self-lane worksheet when
    the caller has it already (the page); else it is loaded (a fixed number of queries)."""
    if ws is None:
        ws = worksheet(user=None, assessment=assessment)
    items: list[Item] = []
    for row in ws.rows.values():
        if not row.answered:
            kind, label = UNANSWERED, _("Belum dijawab")
        elif row.missing_evidence:
            kind, label = EVIDENCE, _("belum ada data dukung")
        else:
            continue
        items.append(
            Item(
                kind=kind,
                label=label,
                url=question_url(assessment, row.section_key, row.code),
                code=row.code,
                section=row.section_key,
                text=row.question.text,
                blocking=kind in BLOCKING_KINDS,
            )
        )
    for provider in _providers:
        items += provider(assessment, ws)
    return SubmissionCheck(items)


def attach_markers(ws: Worksheet, check: SubmissionCheck) -> None:
    """Put on each worksheet row the items the worksheet does not already show in the same words."""
    for item in check.items:
        row = ws.rows.get(item.code)
        if row is not None and item.kind not in SHOWN_BY_WORKSHEET:
            row.markers.append(item)


__all__ = [
    "CARRIED",
    "EVIDENCE",
    "PRECONDITION",
    "UNANSWERED",
    "Item",
    "SubmissionCheck",
    "attach_markers",
    "question_url",
    "register",
    "submission_check",
]
