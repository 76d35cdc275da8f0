"""Writing a whole lane from a workbook: the one all-or-nothing step behind every LKE answer import.

The platform's own export (``zi.assessments.excel``), the official Lampiran III workbook and PortalRB's ``Jawaban``
sheet (``zi.portalrb.workbook``) each parse their file into ``{question code: (raw answer, note)}`` plus errors;
this module writes the result. Any parse error means nothing is written and the report lists the errors. Otherwise
every answer goes through :func:`zi.assessments.services.answer_save` (validation, audit) in one transaction,
followed by one rescore of the lane; a value the service refuses rolls the whole import back and becomes the
report's one error. ``PermissionDenied`` propagates (the view answers 403).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zi.assessments.models import Answer, Assessment, Lane
from zi.assessments.scoring import lane_rescore
from zi.assessments.services import answer_save
from zi.core.actors import Actor
from zi.lke.formulas import AnswerError


@dataclass
class ImportReport:
    saved: int = 0
    # (where: the row number or the cell, question code, message); "where" and code are empty for a whole-file error
    errors: list[tuple[Any, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def answers_import(
    *,
    actor: Actor,
    assessment: Assessment,
    parsed: Mapping[str, tuple[Any, str | None]],
    errors: Iterable[tuple[Any, str, str]] = (),
    lane: str = Lane.SELF,
) -> ImportReport:
    """Write the parsed answers of one lane (or nothing, with the reasons); see the module's docstring."""
    report = ImportReport(errors=list(errors))
    if report.errors:
        return report
    existing = set(Answer.objects.filter(assessment=assessment, lane=lane).values_list("question__code", flat=True))
    try:
        with transaction.atomic():
            for code, (value, note) in sorted(parsed.items()):
                if value in (None, "") and code not in existing and not note:
                    continue  # a blank row of a question never answered: nothing to record
                answer_save(
                    actor=actor,
                    assessment=assessment,
                    question_code=code,
                    raw=value,
                    note=note or "",
                    lane=lane,
                    rescore=False,
                )
                report.saved += 1
            lane_rescore(assessment=assessment, lane=lane, actor=actor)
    except (AnswerError, ValidationError) as exc:
        report.saved = 0
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc)]
        report.errors.append(("", "", "; ".join(messages)))
    return report
