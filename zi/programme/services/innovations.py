"""Service innovations, the services they improve and the survey that shows the need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.core import audit
from zi.core.actors import Actor
from zi.organisations.models import Unit
from zi.organisations.records import actor_or_none, clean_choice, clean_date, clean_decimal, clean_text
from zi.programme.models import Complaint, Innovation, PublicService, Simplification
from zi.programme.services.common import _record_create, _require_manage
from zi.surveys.models import Campaign, InstrumentItem, ItemRollup

INNOVATION_FIELDS = (
    "unit",
    "title",
    "description",
    "complaint",
    "survey_finding",
    "survey_reference",
    "survey_campaign",
    "survey_item",
    "problem_statement",
    "beneficiaries",
    "started_on",
    "measure_unit",
    "value_before",
    "value_after",
    "effect_note",
    "simplifications",
)
NEED_REQUIRED_MESSAGE = gettext_noop(
    "Inovasi harus menjawab kebutuhan yang terdokumentasi: pilih pengaduan yang dijawab, tuliskan temuan survei "
    "beserta rujukannya, atau rumuskan masalah pelayanannya. Inovasi yang dibuat hanya untuk memenuhi penilaian, "
    "tanpa kebutuhan pemangku kepentingan atau masalah pelayanan, tidak berdampak."
)


def _clean_survey_link(innovation: Innovation) -> None:
    """A survey finding read from the surveys app: a campaign of the same unit and one of its scored items."""
    if not (innovation.survey_campaign_id or innovation.survey_item_id):
        return
    if not (innovation.survey_campaign_id and innovation.survey_item_id):
        raise ValidationError(_("Temuan survei harus menyebut kampanye survei dan unsur/aspeknya."))
    campaign = Campaign.objects.filter(pk=innovation.survey_campaign_id).only("unit_id", "title").first()
    if campaign is None or campaign.unit_id != innovation.unit_id:
        raise ValidationError(_("Kampanye survei harus milik unit ini."))
    item = (
        InstrumentItem.objects.filter(pk=innovation.survey_item_id, instrument__campaigns=campaign)
        .select_related("instrument")
        .first()
    )
    if item is None or not item.counts_in_index:
        raise ValidationError(_("Unsur/aspek survei tidak ada pada kampanye tersebut."))
    if not innovation.survey_reference:
        innovation.survey_reference = f"{campaign.title}, {item.code} {item.aspect}"[:255]
    if not innovation.survey_finding:
        # written out too, so readers of the text (reports, the early-warning rules) see the need
        totals = ItemRollup.objects.filter(campaign=campaign, item=item).aggregate(n=Sum("n"), s=Sum("s"))
        values = {"code": item.code, "aspect": item.aspect, "campaign": campaign.title, "text": item.text}
        if totals["n"]:
            values.update(mean=f"{totals['s'] / totals['n']:.2f}", n=totals["n"])
            finding = _(
                "Unsur %(code)s %(aspect)s pada %(campaign)s: rata-rata %(mean)s dari skala 1–4 (%(n)s jawaban)."
            )
        else:
            finding = _("Unsur %(code)s %(aspect)s pada %(campaign)s.")
        innovation.survey_finding = f"{finding % values} {item.text}"


def _clean_innovation(innovation: Innovation) -> None:
    innovation.title = clean_text(innovation.title, _("Nama inovasi"), required=True, max_length=255, single_line=True)
    innovation.description = clean_text(innovation.description, _("Uraian"))
    innovation.survey_finding = clean_text(innovation.survey_finding, _("Temuan survei"))
    innovation.survey_reference = clean_text(
        innovation.survey_reference, _("Rujukan survei"), max_length=255, single_line=True
    )
    innovation.problem_statement = clean_text(innovation.problem_statement, _("Rumusan masalah"))
    if innovation.complaint_id:
        complaint = Complaint.objects.filter(pk=innovation.complaint_id).only("unit_id").first()
        if complaint is None or complaint.unit_id != innovation.unit_id:
            raise ValidationError(_("Pengaduan yang dijawab harus pengaduan kepada unit ini."))
    _clean_survey_link(innovation)
    if innovation.survey_finding and not innovation.survey_reference:
        raise ValidationError(_("Sebutkan rujukan survei (mis. SKM semester I, butir 4) untuk temuan survei."))
    need = innovation.complaint_id or innovation.survey_item_id or innovation.survey_finding
    if not (need or innovation.problem_statement):
        raise ValidationError(_(NEED_REQUIRED_MESSAGE), code="need_required")
    innovation.beneficiaries = clean_text(
        innovation.beneficiaries, _("Penerima manfaat"), required=True, max_length=255
    )
    innovation.started_on = clean_date(innovation.started_on, _("Tanggal mulai"))
    innovation.measure_unit = clean_text(innovation.measure_unit, _("Satuan ukuran"), max_length=100, single_line=True)
    innovation.value_before = clean_decimal(innovation.value_before, _("Nilai sebelum"))
    innovation.value_after = clean_decimal(innovation.value_after, _("Nilai sesudah"))
    if (innovation.value_before is not None or innovation.value_after is not None) and not innovation.measure_unit:
        raise ValidationError(_("Sebutkan satuan ukuran dampak (mis. menit waktu tunggu, jumlah pengaduan)."))
    innovation.effect_note = clean_text(innovation.effect_note, _("Catatan dampak"))
    ways = innovation.simplifications or []
    if isinstance(ways, str):
        ways = [ways]
    for way in ways:
        clean_choice(way, Simplification, _("Cara mempermudah"))
    innovation.simplifications = [value for value in Simplification.values if value in set(ways)]


def _innovation_services(innovation: Innovation, services: Iterable[Any]) -> list[PublicService]:
    ids = set()
    for service in services:
        raw = getattr(service, "pk", service)
        try:
            ids.add(int(raw))
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Layanan tidak dikenal: %(value)s") % {"value": raw}) from exc
    found = list(PublicService.objects.filter(pk__in=ids, unit_id=innovation.unit_id)) if ids else []
    if len(found) != len(ids):
        raise ValidationError(_("Layanan yang dipermudah harus layanan yang terdaftar pada unit ini."))
    if found and not innovation.simplifications:
        raise ValidationError(
            _("Sebutkan bagaimana layanan dipermudah (waktu lebih cepat, terpadu, alur lebih pendek, aplikasi).")
        )
    if innovation.simplifications and not found:
        raise ValidationError(_("Pilih layanan yang dipermudah oleh inovasi ini."))
    return found


def _innovation_snapshot(innovation: Innovation, services: Iterable[PublicService]) -> dict[str, Any]:
    return audit.snapshot_with(innovation, INNOVATION_FIELDS, services=services)


@transaction.atomic
def innovation_create(
    *,
    actor: Actor,
    unit: Unit,
    title: str,
    beneficiaries: str,
    started_on: dt.date,
    description: str = "",
    complaint: Complaint | None = None,
    survey_finding: str = "",
    survey_reference: str = "",
    survey_campaign: Any = None,
    survey_item: Any = None,
    problem_statement: str = "",
    measure_unit: str = "",
    value_before: Any = None,
    value_after: Any = None,
    effect_note: str = "",
    services: Iterable[Any] = (),
    simplifications: Iterable[str] = (),
) -> Innovation:
    innovation = Innovation(
        unit=unit,
        title=title,
        description=description,
        complaint_id=getattr(complaint, "pk", complaint),
        survey_finding=survey_finding,
        survey_reference=survey_reference,
        survey_campaign_id=getattr(survey_campaign, "pk", survey_campaign),
        survey_item_id=getattr(survey_item, "pk", survey_item),
        problem_statement=problem_statement,
        beneficiaries=beneficiaries,
        started_on=started_on,
        measure_unit=measure_unit,
        value_before=value_before,
        value_after=value_after,
        effect_note=effect_note,
        simplifications=list(simplifications),
        created_by=actor_or_none(actor),
    )
    chosen: list[PublicService] = []

    def clean(record: Innovation) -> None:
        _clean_innovation(record)
        chosen.extend(_innovation_services(record, services))

    def then(record: Innovation) -> dict[str, Any]:
        record.services.set(chosen)
        return {"services": sorted(service.pk for service in chosen)}

    return _record_create(actor=actor, record=innovation, snapshot=INNOVATION_FIELDS, clean=clean, then=then)


@transaction.atomic
def innovation_update(*, actor: Actor, innovation: Innovation, **changes: Any) -> Innovation:
    innovation = Innovation.objects.select_for_update().select_related("unit").get(pk=innovation.pk)
    _require_manage(actor, innovation.unit)
    current = list(innovation.services.all())
    before = _innovation_snapshot(innovation, current)
    chosen_raw = changes.pop("services", None)
    for field, value in changes.items():
        if field not in set(INNOVATION_FIELDS) - {"unit"}:
            raise ValidationError(_("Isian tidak dapat diubah: %(field)s") % {"field": field})
        if field in ("complaint", "survey_campaign", "survey_item"):
            setattr(innovation, f"{field}_id", getattr(value, "pk", value))
        else:
            setattr(innovation, field, value)
    _clean_innovation(innovation)
    chosen = _innovation_services(innovation, current if chosen_raw is None else chosen_raw)
    innovation.save()
    innovation.services.set(chosen)
    audit.record(actor, "update", innovation, before=before, after=_innovation_snapshot(innovation, chosen))
    return innovation
