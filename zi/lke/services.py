"""Loading LKE templates into the database (idempotent) and getting their spec back."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from django.db import models, transaction
from django.db.models import QuerySet
from django.dispatch import Signal

from zi.core import audit
from zi.core.actors import Actor
from zi.lke.models import LkeQuestion, LkeTemplate
from zi.lke.spec import Template, TemplateError, available_templates, parse_template, read_template_file

_Row = TypeVar("_Row", bound=models.Model)

_SPEC_CACHE: dict[tuple[int, str], Template] = {}


@dataclass(frozen=True)
class LoadResult:
    template: LkeTemplate
    created: bool
    questions: int


def _content_hash(data: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


# Sent after every template load (new, updated or unchanged) with ``template`` and ``actor``: apps that keep data
# tied to a template version load it then (PortalRB's soal map, zi/portalrb/apps.py), so ``zi lke load`` and the
# demo set up everything a template needs.
template_loaded = Signal()


ENTRY_CHECK_KEYS = ("whole", "at_most")  # input annotations that check entry and never change a score


def _without_entry_checks(value: Any) -> Any:
    """``data`` without the entry-check annotations of computed inputs (:data:`ENTRY_CHECK_KEYS`): two template
    files equal under this compare score every answer the same way."""
    if isinstance(value, dict):
        return {
            k: [
                {kk: vv for kk, vv in item.items() if kk not in ENTRY_CHECK_KEYS} if isinstance(item, dict) else item
                for item in v
            ]
            if k == "inputs" and isinstance(v, list)
            else _without_entry_checks(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_without_entry_checks(v) for v in value]
    return value


@transaction.atomic
def template_load(*, path: Path | str, actor: Actor = None) -> LoadResult:
    result = _template_load(path=path, actor=actor)
    template_loaded.send(sender=LkeTemplate, template=result.template, actor=actor)
    return result


def _template_load(*, path: Path | str, actor: Actor = None) -> LoadResult:
    """Load one template file. Same content again: nothing changes. Changed content under an existing
    code+version is refused once any period uses it (publish a new version instead), unless only the entry checks
    of computed inputs changed (``whole``/``at_most``: they refuse new typing mistakes and change no score)."""
    data = read_template_file(path)
    spec = parse_template(data)
    digest = _content_hash(data)
    existing = LkeTemplate.objects.filter(code=spec.code, version=spec.version).first()
    if existing is not None:
        if existing.content_hash == digest:
            return LoadResult(existing, False, existing.questions.count())
        if existing.periods.exists() and _without_entry_checks(existing.data) != _without_entry_checks(data):
            raise TemplateError(
                f"{spec.code} {spec.version} is used by a period and its content changed: add a new version instead"
            )
        before = {"content_hash": existing.content_hash}
        existing.data, existing.content_hash = data, digest
        existing.title, existing.regulation = spec.title, spec.regulation
        existing.save()
        if existing.periods.exists():  # only entry checks changed: answers keep their question rows
            audit.record(actor, "update", existing, before=before, after={"content_hash": digest})
            return LoadResult(existing, False, existing.questions.count())
        existing.questions.all().delete()
        _create_questions(existing, spec)
        audit.record(actor, "update", existing, before=before, after={"content_hash": digest})
        return LoadResult(existing, False, len(spec.questions))
    template = LkeTemplate.objects.create(
        code=spec.code,
        version=spec.version,
        title=spec.title,
        regulation=spec.regulation,
        data=data,
        content_hash=digest,
    )
    _create_questions(template, spec)
    audit.record(actor, "create", template, after={"code": spec.code, "version": spec.version, "hash": digest})
    return LoadResult(template, True, len(spec.questions))


def _create_questions(template: LkeTemplate, spec: Template) -> None:
    rows = []
    for area in (*spec.lever, *spec.result):
        for indicator in area.indicators:
            for q in indicator.questions:
                rows.append(
                    LkeQuestion(
                        template=template,
                        code=q.code,
                        order=q.order,
                        aspect=area.aspect,
                        area_code=area.code,
                        area_key=area.key,
                        area_name=area.name,
                        indicator_code=indicator.code,
                        indicator_name=indicator.name,
                        text=q.text,
                        answer_type=q.answer_type,
                        weight=float(q.weight),
                        options=[{"key": o.key, "value": o.value, "criteria": o.criteria} for o in q.options],
                        inputs=[{"key": i.key, "label": i.label} for i in q.inputs],
                        evidence_examples=list(q.evidence_examples),
                    )
                )
    LkeQuestion.objects.bulk_create(rows)


def templates_load_all(*, actor: Actor = None) -> list[LoadResult]:
    return [template_load(path=path, actor=actor) for path in available_templates().values()]


def template_spec(template: LkeTemplate) -> Template:
    """The parsed spec of a stored template (cached per process by content hash). The only reader of the
    template's ``data``: a template loaded without it (:func:`with_template`) reads it here, once per process."""
    key = (template.pk, template.content_hash)
    spec = _SPEC_CACHE.get(key)
    if spec is None:
        if "data" in template.get_deferred_fields():
            data = LkeTemplate.objects.filter(pk=template.pk).values_list("data", flat=True).get()
        else:
            data = template.data
        spec = parse_template(data)
        _SPEC_CACHE[key] = spec
    return spec


def with_template(queryset: QuerySet[_Row], path: str = "template") -> QuerySet[_Row]:
    """``queryset`` with the LKE template at ``path`` (``"template"`` of a period, ``"period__template"`` of an
    assessment or journey) joined **without** its ``data``: the whole template as JSON (≈ 100 KB), which the
    database would send and Python decode for every row, while only :func:`template_spec` reads it, once per
    process and content hash. A dashboard listing ten periods spent half its time on it."""
    return queryset.select_related(path).defer(f"{path}__data")


def labelled_inputs(template: LkeTemplate, code: str, inputs: dict[str, Any]) -> list[tuple[str, Any]]:
    """``inputs`` of question ``code`` as (the label a person reads, value) pairs: "Jumlah Agen Perubahan", not
    ``jumlah_agen_perubahan`` (a key the template does not declare is shown as is)."""
    question = template_spec(template).questions.get(code)
    labels = {i.key: i.label for i in question.inputs} if question is not None else {}
    return [(labels.get(key, key), value) for key, value in inputs.items()]
