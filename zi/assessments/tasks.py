"""Assessment tasks (Huey): rescoring a period and rendering an assessment's workbook, run inline in the
embedded default and on a worker in production (see :mod:`zi.core.tasks`)."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from zi.assessments.excel import export_assessment_xlsx
from zi.assessments.models import Assessment, Period
from zi.assessments.scoring import rescore_period as _rescore
from zi.core.tasks import db_task_retried


@db_task_retried()
def rescore_period(period_id: int, lane: str = "self", actor_id: int | None = None, force: bool = False) -> int:
    """Rescore every assessment of a period for a lane (``zi.assessments.scoring.rescore_period``)."""
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    return _rescore(period=Period.objects.get(pk=period_id), lane=lane, actor=actor, force=force)


@db_task_retried()
def generate_assessment_report(assessment_id: int, lane: str = "self") -> str:
    """Render one assessment's LKE workbook and keep it in the default storage; returns the stored name."""
    assessment = Assessment.objects.select_related("unit", "period").get(pk=assessment_id)
    data = export_assessment_xlsx(assessment, lane)
    name = f"reports/assessment-{assessment_id}-{lane}.xlsx"
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))
