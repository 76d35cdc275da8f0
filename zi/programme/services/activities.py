"""Activities (meetings, socialisation, ...): the record, its attendance and its photos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zi.assessments.models import Period
from zi.core import audit
from zi.core.actors import Actor
from zi.organisations.models import Unit
from zi.organisations.records import actor_or_none, clean_choice, clean_date, clean_text, set_fields
from zi.programme.models import Activity, ActivityKind, ActivityPhoto, Attendance, ChangeArea, PlanItem
from zi.programme.services.common import _in_period, _record_create, _record_update, _require_manage
from zi.programme.services.images import IMAGE_EXTENSIONS, check_image

ACTIVITY_FIELDS = (
    "unit",
    "period",
    "plan_item",
    "kind",
    "area_key",
    "title",
    "held_on",
    "place",
    "description",
    "minutes",
)


def _clean_activity(activity: Activity) -> None:
    clean_choice(activity.kind, ActivityKind, _("Jenis kegiatan"))
    if activity.area_key in ("", None):
        activity.area_key = None
    else:
        activity.area_key = int(clean_choice(int(activity.area_key), ChangeArea, _("Area perubahan")))
    activity.title = clean_text(activity.title, _("Judul"), required=True, max_length=255, single_line=True)
    activity.held_on = _in_period(
        clean_date(activity.held_on, _("Tanggal kegiatan")), activity.period, _("Tanggal kegiatan")
    )
    activity.place = clean_text(activity.place, _("Tempat"), max_length=255, single_line=True)
    activity.description = clean_text(activity.description, _("Uraian"))
    activity.minutes = clean_text(activity.minutes, _("Notulen"), max_length=50_000)
    if activity.plan_item_id:
        plan_item = PlanItem.objects.select_related("work_plan").get(pk=activity.plan_item_id)
        if plan_item.work_plan.unit_id != activity.unit_id or plan_item.work_plan.period_id != activity.period_id:
            raise ValidationError(_("Butir rencana kerja harus milik unit dan periode yang sama."))
        if activity.area_key is None:
            activity.area_key = plan_item.area_key


@transaction.atomic
def activity_create(
    *,
    actor: Actor,
    unit: Unit,
    period: Period,
    kind: str,
    title: str,
    held_on: dt.date,
    place: str = "",
    description: str = "",
    minutes: str = "",
    area_key: int | None = None,
    plan_item: PlanItem | None = None,
    attendees: Iterable[Any] = (),
) -> Activity:
    activity = Activity(
        unit=unit,
        period=period,
        kind=kind,
        title=title,
        held_on=held_on,
        place=place,
        description=description,
        minutes=minutes,
        area_key=area_key,
        plan_item_id=getattr(plan_item, "pk", plan_item),
        created_by=actor_or_none(actor),
    )
    people: list[Any] = []

    def clean(record: Activity) -> None:
        _clean_activity(record)
        people.extend(_attendees(unit, attendees))

    def then(record: Activity) -> dict[str, Any]:
        Attendance.objects.bulk_create([Attendance(activity=record, person=person) for person in people])
        return {"attendees": sorted(person.pk for person in people)}

    return _record_create(actor=actor, record=activity, snapshot=ACTIVITY_FIELDS, clean=clean, then=then)


ACTIVITY_EDITABLE = ("kind", "title", "held_on", "place", "description", "minutes", "area_key", "plan_item")


@transaction.atomic
def activity_update(*, actor: Actor, activity: Activity, **changes: Any) -> Activity:
    """Change an activity; ``attendees`` (optional) replaces the attendance list in the same transaction."""
    attendees = changes.pop("attendees", None)

    def apply(record: Activity) -> dict[str, tuple[Any, Any]]:
        set_fields(record, changes, ACTIVITY_EDITABLE, foreign=("plan_item",))
        _clean_activity(record)
        if attendees is None:
            return {}
        return {"attendees": _replace_attendance(record, _attendees(record.unit, attendees))}

    return _record_update(
        actor=actor,
        record=activity,
        snapshot=ACTIVITY_FIELDS,
        apply=apply,
        related=("unit", "period"),
        skip_unchanged=True,
    )


def _replace_attendance(activity: Activity, people: list[Any]) -> tuple[list[int], list[int]]:
    """Make the attendance list exactly ``people``; returns the person ids before and after."""
    old_ids = sorted(activity.attendance.values_list("person_id", flat=True))
    new_ids = sorted(person.pk for person in people)
    if old_ids != new_ids:
        activity.attendance.exclude(person_id__in=new_ids).delete()
        Attendance.objects.bulk_create(
            [Attendance(activity=activity, person_id=pk) for pk in sorted(set(new_ids) - set(old_ids))]
        )
    return old_ids, new_ids


def _attendees(unit: Unit, people: Iterable[Any]) -> list[Any]:
    """The people as staff of ``unit``; anyone else is refused with their names (or ids) in the message."""
    User = get_user_model()
    ids = set()
    for person in people:
        raw = getattr(person, "pk", person)
        try:
            ids.add(int(raw))
        except (TypeError, ValueError) as exc:
            raise ValidationError(_("Peserta tidak dikenal: %(value)s") % {"value": raw}) from exc
    if not ids:
        return []
    found = list(User.objects.filter(pk__in=ids, unit=unit))
    outside = ids - {person.pk for person in found}
    if outside:
        names = list(User.objects.filter(pk__in=outside).values_list("full_name", flat=True))
        unknown = len(outside) - len(names)
        label = ", ".join(sorted(names)) + (f" (+{unknown} {_('tidak dikenal')})" if unknown else "")
        raise ValidationError(
            _("Daftar hadir hanya boleh berisi pegawai %(unit)s. Bukan pegawai unit ini: %(names)s")
            % {"unit": unit.name, "names": label}
        )
    return found


@transaction.atomic
def activity_set_attendance(*, actor: Actor, activity: Activity, attendees: Iterable[Any]) -> Activity:
    """Replace the attendance list with ``attendees`` (people or ids, all staff of the activity's unit)."""
    activity = Activity.objects.select_for_update().select_related("unit").get(pk=activity.pk)
    _require_manage(actor, activity.unit)
    before, after = _replace_attendance(activity, _attendees(activity.unit, attendees))
    if before == after:
        return activity
    audit.record(actor, "attendance", activity, before={"attendees": before}, after={"attendees": after})
    return activity


@transaction.atomic
def activity_add_photo(*, actor: Actor, activity: Activity, uploaded_file: Any, caption: str = "") -> ActivityPhoto:
    _require_manage(actor, activity.unit)
    content_type, size, sha256 = check_image(uploaded_file)
    caption = clean_text(caption, _("Keterangan"), max_length=255, single_line=True)
    photo = ActivityPhoto(
        activity=activity,
        caption=caption,
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=actor_or_none(actor),
    )
    uploaded_file.seek(0)
    photo.file.save(f"foto.{IMAGE_EXTENSIONS[content_type]}", ContentFile(uploaded_file.read()), save=False)
    photo.save()
    audit.record(
        actor,
        "add_photo",
        activity,
        after={"photo": photo.pk, "sha256": sha256, "size": size, "content_type": content_type, "caption": caption},
    )
    return photo


@transaction.atomic
def activity_withdraw_photo(*, actor: Actor, photo: ActivityPhoto) -> ActivityPhoto:
    """Withdraw a photo: hidden from the activity and no longer served; the row and the file stay for the audit."""
    photo = ActivityPhoto.objects.select_for_update().select_related("activity__unit").get(pk=photo.pk)
    _require_manage(actor, photo.activity.unit)
    if photo.withdrawn_at is not None:
        return photo
    photo.withdrawn_at = timezone.now()
    photo.withdrawn_by = actor_or_none(actor)
    photo.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit.record(
        actor,
        "withdraw_photo",
        photo.activity,
        before={"photo": photo.pk, "sha256": photo.sha256, "caption": photo.caption, "withdrawn": False},
        after={"photo": photo.pk, "sha256": photo.sha256, "caption": photo.caption, "withdrawn": True},
    )
    return photo
