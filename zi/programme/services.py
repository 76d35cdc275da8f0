"""Writes on the building-work records. Keyword-only ``<entity>_<verb>`` functions, one transaction each.

Every function checks permission through :mod:`zi.organisations.access`, validates (Indonesian messages in
``ValidationError``), writes, and records an audit event with before/after snapshots in the same transaction.

Who may do what:

- the unit's ZI team (``assessment.answer`` on the unit) records everything of its unit;
- integrity handlers (``integrity.handle``) handle whistle-blowing reports and may decide gratification reports;
- the public (no login) may only submit a complaint or a whistle-blowing report and track it by its code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from zi.assessments.models import Assessment, AssessmentStatus, Evidence, EvidenceKind, EvidenceRevision, Period
from zi.core import audit, events
from zi.core.links import absolute_url
from zi.lke.models import LkeQuestion
from zi.organisations.access import Action, may
from zi.organisations.models import Unit
from zi.organisations.timezones import format_local_date
from zi.programme import notifications, tracking
from zi.programme.models import (
    OPEN_COMPLAINT_STATUSES,
    Activity,
    ActivityKind,
    ActivityPhoto,
    AttachedEvidence,
    Attendance,
    ChangeAgent,
    ChangeArea,
    Complaint,
    ComplaintCategory,
    ComplaintChannel,
    ComplaintPhoto,
    ComplaintStatus,
    ConcreteChange,
    ConflictOfInterest,
    ConflictStatus,
    FollowUpAction,
    GratificationDecision,
    GratificationReport,
    Innovation,
    PlanItem,
    PlanItemKind,
    PlanItemStatus,
    PublicService,
    Simplification,
    WhistleReport,
    WhistleStatus,
    WorkPlan,
)

INTEGRITY_HANDLE = Action.INTEGRITY_HANDLE

# Days to settle a complaint, per category (calendar days from receipt). Override per deployment with
# settings.ZI_COMPLAINT_SLA_DAYS = {"pungli": 5, ...}; categories not listed use DEFAULT_SLA_DAYS.
DEFAULT_SLA_DAYS = 14
SLA_DAYS = {
    ComplaintCategory.PUNGLI: 7,
    ComplaintCategory.PETUGAS: 10,
    ComplaintCategory.INFORMASI: 7,
}

TEXT_MAX = 10_000
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}
IMAGE_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp"}

COMPLAINT_FIELDS = (
    "unit",
    "channel",
    "channel_reference",
    "category",
    "subject",
    "description",
    "complainant_name",
    "complainant_contact",
    "received_at",
    "sla_due_at",
    "status",
    "resolved_at",
    "handling_notes",
    "public_response",
)
# Never put the whistle-blower's identity in the audit trail (agency admins and auditors read it).
WHISTLE_FIELDS = ("unit", "received_at", "subject", "status", "handling_notes", "public_response")


# --- permission helpers ---------------------------------------------------------------------------------------


def may_manage(user: Any, unit: Unit) -> bool:
    """The unit's ZI team records the unit's building work."""
    return may(user, Action.ASSESSMENT_ANSWER, unit)


def may_read(user: Any, unit: Unit) -> bool:
    return may(user, Action.ASSESSMENT_VIEW_SUBMITTED, unit) or may_manage(user, unit)


def may_handle_integrity(user: Any, unit: Unit) -> bool:
    return may(user, INTEGRITY_HANDLE, unit)


def may_write_register(user: Any, unit: Unit) -> bool:
    """Gratification and conflict-of-interest registers: the unit's ZI team or an integrity handler."""
    return may_manage(user, unit) or may_handle_integrity(user, unit)


def may_see_whistle_identity(user: Any, report: WhistleReport) -> bool:
    """Only integrity handlers who are not themselves staff of the reported unit see the reporter's identity."""
    if not may_handle_integrity(user, report.unit):
        return False
    return getattr(user, "unit_id", None) != report.unit_id


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


MANAGE_DENIED = gettext_noop("Anda tidak berwenang mencatat kegiatan pembangunan ZI unit ini.")


def _require_manage(actor: Any, unit: Unit) -> None:
    _require(may_manage(actor, unit), _(MANAGE_DENIED))


def _actor_or_none(actor: Any) -> Any:
    """The person to store as author: a logged-in user, else None (the public, or a seeding actor without a row)."""
    return actor if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None) else None


def _anyone(actor: Any, unit: Unit) -> bool:
    """The public side: anyone may submit (the view rate-limits; the service checks the unit takes submissions)."""
    return True


def _scope_unit(record: Any) -> Unit:
    getter = getattr(record, "scope_unit", None)
    return getter() if callable(getter) else record.unit


# --- the one way records are created and changed --------------------------------------------------------------
# Every write of this app has the same shape: a permission check on the record's unit, validation that is the
# same for a new record and for a correction, the write, and one audit event with before/after in the same
# transaction. These two helpers are that shape; the services only say what differs (fields, checks, extra rows).

Snapshot = tuple[str, ...] | Callable[[Any], dict[str, Any]]


def _take(snapshot: Snapshot, record: Any) -> dict[str, Any]:
    return snapshot(record) if callable(snapshot) else audit.snapshot(record, snapshot)


def _record_create(
    *,
    actor: Any,
    record: Any,
    snapshot: Snapshot,
    clean: Callable[[Any], None],
    then: Callable[[Any], dict[str, Any] | None] | None = None,
    allowed: Callable[[Any, Unit], bool] = may_manage,
    denied: str = "",
    audit_actor: Any = None,
) -> Any:
    """Create ``record`` (unsaved): permission on its unit, ``clean(record)`` validates and normalises it (the
    same function the update uses), save, ``then(record)`` writes dependent rows and returns extra audit values,
    one ``create`` event. ``audit_actor`` overrides who the trail names (``"public"`` for the web forms)."""
    _require(allowed(actor, _scope_unit(record)), denied or _(MANAGE_DENIED))
    clean(record)
    record.save()
    extra = then(record) if then is not None else None
    audit.record(audit_actor or actor, "create", record, after={**_take(snapshot, record), **(extra or {})})
    return record


def _record_update(
    *,
    actor: Any,
    record: Any,
    snapshot: Snapshot,
    apply: Callable[[Any], dict[str, tuple[Any, Any]] | None],
    related: tuple[str, ...] = ("unit",),
    allowed: Callable[[Any, Unit], bool] = may_manage,
    denied: str = "",
    skip_unchanged: bool = False,
    update_fields: list[str] | None = None,
) -> Any:
    """Change a record under a row lock: permission on its unit, ``apply(record)`` sets and validates the new
    values (it may write dependent rows and return ``{key: (old, new)}`` for the audit), save, one ``update``
    event with before/after. With ``skip_unchanged`` nothing is written or audited when nothing changed."""
    record = type(record).objects.select_for_update(of=("self",)).select_related(*related).get(pk=record.pk)
    _require(allowed(actor, _scope_unit(record)), denied or _(MANAGE_DENIED))
    before = _take(snapshot, record)
    extra = apply(record) or {}
    after = _take(snapshot, record)
    for key, (old, new) in extra.items():
        if old != new:
            before[key], after[key] = old, new
    if skip_unchanged and after == before:
        return record
    if update_fields:
        record.save(update_fields=update_fields)
    else:
        record.save()
    audit.record(actor, "update", record, before=before, after=after)
    return record


def _set_fields(record: Any, changes: dict[str, Any], allowed: Iterable[str], foreign: Iterable[str] = ()) -> None:
    """Copy ``changes`` onto ``record``; unknown fields are refused, foreign keys take an object or an id."""
    allowed, foreign = set(allowed), set(foreign)
    for field, value in changes.items():
        if field not in allowed:
            raise ValidationError(_("Isian tidak dapat diubah: %(field)s") % {"field": field})
        if field in foreign:
            setattr(record, f"{field}_id", getattr(value, "pk", value))
        else:
            setattr(record, field, value)


# --- validation helpers ---------------------------------------------------------------------------------------


def _text(
    value: Any, label: str, *, required: bool = False, max_length: int = TEXT_MAX, single_line: bool = False
) -> str:
    text = str(value or "").strip()
    if single_line:
        text = " ".join(text.split())
    if required and not text:
        raise ValidationError(_("%(label)s wajib diisi.") % {"label": label})
    if len(text) > max_length:
        raise ValidationError(
            _("%(label)s terlalu panjang (maksimal %(n)s karakter).") % {"label": label, "n": max_length}
        )
    return text


def _choice(value: Any, choices: type[models.Choices], label: str) -> Any:
    if value not in choices.values:
        raise ValidationError(_("%(label)s tidak dikenal.") % {"label": label})
    return value


def _date(value: Any, label: str) -> dt.date:
    if isinstance(value, dt.datetime):
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("%(label)s bukan tanggal yang valid.") % {"label": label}) from exc


def _in_period(day: dt.date, period: Period, label: str) -> dt.date:
    if not (period.starts_on <= day <= period.ends_on):
        raise ValidationError(
            _("%(label)s harus berada di dalam periode %(period)s (%(start)s s.d. %(end)s).")
            % {"label": label, "period": period.name, "start": period.starts_on, "end": period.ends_on}
        )
    return day


def _staff_of(unit: Unit, person: Any, label: str) -> Any:
    User = get_user_model()
    person_id = getattr(person, "pk", person)
    found = User.objects.filter(pk=person_id, unit=unit, is_active=True).first() if person_id else None
    if found is None:
        raise ValidationError(
            _("%(label)s harus pegawai aktif yang terdaftar pada %(unit)s.") % {"label": label, "unit": unit.name}
        )
    return found


def _decimal(value: Any, label: str, *, required: bool = False) -> Decimal | None:
    if value in (None, ""):
        if required:
            raise ValidationError(_("%(label)s wajib diisi.") % {"label": label})
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(_("%(label)s harus berupa angka.") % {"label": label}) from exc
    if not number.is_finite() or number < 0 or number >= Decimal("1e12"):
        raise ValidationError(_("%(label)s harus angka positif yang wajar.") % {"label": label})
    return number


def _lke_codes(codes: Iterable[str] | str, period: Period) -> list[str]:
    if isinstance(codes, str):
        codes = codes.replace(",", " ").split()
    wanted = sorted({str(code).strip() for code in codes if str(code).strip()})
    if not wanted:
        return []
    known = set(
        LkeQuestion.objects.filter(template_id=period.template_id, code__in=wanted).values_list("code", flat=True)
    )
    unknown = [code for code in wanted if code not in known]
    if unknown:
        raise ValidationError(
            _("Kode pertanyaan LKE tidak dikenal pada template periode ini: %(codes)s") % {"codes": ", ".join(unknown)}
        )
    return wanted


# --- work plan ------------------------------------------------------------------------------------------------

PLAN_ITEM_FIELDS = (
    "work_plan",
    "area_key",
    "kind",
    "title",
    "description",
    "owner",
    "due_on",
    "status",
    "progress",
    "lke_codes",
)


@transaction.atomic
def workplan_create(*, actor: Any, unit: Unit, period: Period, title: str = "", notes: str = "") -> WorkPlan:
    _require_manage(actor, unit)
    if WorkPlan.objects.filter(unit=unit, period=period).exists():
        raise ValidationError(_("Rencana kerja unit ini untuk periode tersebut sudah ada."))
    title = _text(title, _("Judul"), max_length=255, single_line=True) or _("Rencana Kerja Pembangunan ZI %(year)s") % {
        "year": period.year
    }
    plan = WorkPlan.objects.create(unit=unit, period=period, title=title, notes=_text(notes, _("Catatan")))
    audit.record(actor, "create", plan, after=audit.snapshot(plan))
    return plan


@transaction.atomic
def workplan_update(*, actor: Any, plan: WorkPlan, title: str | None = None, notes: str | None = None) -> WorkPlan:
    plan = WorkPlan.objects.select_for_update().select_related("unit").get(pk=plan.pk)
    _require_manage(actor, plan.unit)
    before = audit.snapshot(plan)
    if title is not None:
        plan.title = _text(title, _("Judul"), required=True, max_length=255, single_line=True)
    if notes is not None:
        plan.notes = _text(notes, _("Catatan"))
    plan.save()
    audit.record(actor, "update", plan, before=before, after=audit.snapshot(plan))
    return plan


def _clean_plan_item(item: PlanItem, period: Period) -> None:
    unit = item.work_plan.unit
    item.area_key = int(_choice(int(item.area_key or 0), ChangeArea, _("Area perubahan")))
    _choice(item.kind, PlanItemKind, _("Jenis butir"))
    _choice(item.status, PlanItemStatus, _("Status"))
    item.title = _text(item.title, _("Judul"), required=True, max_length=255, single_line=True)
    item.description = _text(item.description, _("Uraian"))
    item.owner = _staff_of(unit, item.owner_id if item.owner_id else None, _("Penanggung jawab"))
    item.due_on = _in_period(_date(item.due_on, _("Tenggat")), period, _("Tenggat"))
    try:
        item.progress = int(item.progress)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Kemajuan harus berupa angka 0–100.")) from exc
    if not 0 <= item.progress <= 100:
        raise ValidationError(_("Kemajuan harus berupa angka 0–100."))
    if item.status == PlanItemStatus.DONE:
        item.progress = 100
    item.lke_codes = _lke_codes(item.lke_codes or [], period)


@transaction.atomic
def plan_item_create(
    *,
    actor: Any,
    work_plan: WorkPlan,
    area_key: int,
    title: str,
    owner: Any,
    due_on: dt.date,
    kind: str = PlanItemKind.ACTIVITY,
    description: str = "",
    status: str = PlanItemStatus.PLANNED,
    progress: int = 0,
    lke_codes: Iterable[str] | str = (),
) -> PlanItem:
    _require_manage(actor, work_plan.unit)
    item = PlanItem(
        work_plan=work_plan,
        area_key=area_key,
        kind=kind,
        title=title,
        description=description,
        owner_id=getattr(owner, "pk", owner),
        due_on=due_on,
        status=status,
        progress=progress,
        lke_codes=lke_codes,
    )
    _clean_plan_item(item, work_plan.period)
    item.save()
    audit.record(actor, "create", item, after=audit.snapshot(item, PLAN_ITEM_FIELDS))
    return item


@transaction.atomic
def plan_item_update(*, actor: Any, item: PlanItem, **changes: Any) -> PlanItem:
    def apply(record: PlanItem) -> None:
        _set_fields(record, changes, PLAN_ITEM_FIELDS[1:], foreign=("owner",))
        _clean_plan_item(record, record.work_plan.period)

    return _record_update(
        actor=actor,
        record=item,
        snapshot=PLAN_ITEM_FIELDS,
        apply=apply,
        related=("work_plan__unit", "work_plan__period"),
    )


# --- activities -----------------------------------------------------------------------------------------------

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
    _choice(activity.kind, ActivityKind, _("Jenis kegiatan"))
    if activity.area_key in ("", None):
        activity.area_key = None
    else:
        activity.area_key = int(_choice(int(activity.area_key), ChangeArea, _("Area perubahan")))
    activity.title = _text(activity.title, _("Judul"), required=True, max_length=255, single_line=True)
    activity.held_on = _in_period(
        _date(activity.held_on, _("Tanggal kegiatan")), activity.period, _("Tanggal kegiatan")
    )
    activity.place = _text(activity.place, _("Tempat"), max_length=255, single_line=True)
    activity.description = _text(activity.description, _("Uraian"))
    activity.minutes = _text(activity.minutes, _("Notulen"), max_length=50_000)
    if activity.plan_item_id:
        plan_item = PlanItem.objects.select_related("work_plan").get(pk=activity.plan_item_id)
        if plan_item.work_plan.unit_id != activity.unit_id or plan_item.work_plan.period_id != activity.period_id:
            raise ValidationError(_("Butir rencana kerja harus milik unit dan periode yang sama."))
        if activity.area_key is None:
            activity.area_key = plan_item.area_key


@transaction.atomic
def activity_create(
    *,
    actor: Any,
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
        created_by=_actor_or_none(actor),
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
def activity_update(*, actor: Any, activity: Activity, **changes: Any) -> Activity:
    """Change an activity; ``attendees`` (optional) replaces the attendance list in the same transaction."""
    attendees = changes.pop("attendees", None)

    def apply(record: Activity) -> dict[str, tuple[Any, Any]]:
        _set_fields(record, changes, ACTIVITY_EDITABLE, foreign=("plan_item",))
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
def activity_set_attendance(*, actor: Any, activity: Activity, attendees: Iterable[Any]) -> Activity:
    """Replace the attendance list with ``attendees`` (people or ids, all staff of the activity's unit)."""
    activity = Activity.objects.select_for_update().select_related("unit").get(pk=activity.pk)
    _require_manage(actor, activity.unit)
    before, after = _replace_attendance(activity, _attendees(activity.unit, attendees))
    if before == after:
        return activity
    audit.record(actor, "attendance", activity, before={"attendees": before}, after={"attendees": after})
    return activity


def check_image(uploaded_file: Any) -> tuple[str, int, str]:
    """Content type, size and SHA-256 of an uploaded photo; only real PNG/JPEG/GIF/WebP images under the limit."""
    import hashlib

    import filetype

    from zi.assessments.evidence import max_bytes

    limit = max_bytes()
    declared = getattr(uploaded_file, "size", None)
    if declared is not None and declared > limit:
        raise ValidationError(_("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": limit // (1024 * 1024)})
    digest = hashlib.sha256()
    size = 0
    uploaded_file.seek(0)
    head = b""
    for chunk in uploaded_file.chunks() if hasattr(uploaded_file, "chunks") else [uploaded_file.read()]:
        if not head:
            head = chunk[:8192]
        size += len(chunk)
        if size > limit:
            raise ValidationError(_("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": limit // (1024 * 1024)})
        digest.update(chunk)
    uploaded_file.seek(0)
    if size == 0:
        raise ValidationError(_("Berkas kosong."))
    content_type = filetype.guess_mime(head)
    if content_type not in IMAGE_TYPES:
        raise ValidationError(_("Foto harus berupa gambar PNG, JPEG, GIF atau WebP (diperiksa dari isi berkas)."))
    return content_type, size, digest.hexdigest()


IMAGE_FORMATS = {"image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WEBP"}
IMAGE_INFO_KEPT = ("transparency", "duration", "loop")  # how the image looks; everything else is metadata
MAX_IMAGE_PIXELS = 50_000_000  # a 50-megapixel photo is far beyond any phone's; bigger is a decompression bomb


def strip_metadata(data: bytes, content_type: str) -> bytes:
    """The image re-encoded without its metadata (EXIF with the camera's location, XMP, comments), turned upright
    first as its EXIF orientation said. Without Pillow the bytes are returned unchanged (the dependency is optional:
    ``docs/programme.md``)."""
    import io

    try:
        from PIL import Image, ImageOps, UnidentifiedImageError
    except ImportError:  # pragma: no cover - Pillow is installed wherever the tests run
        return data
    unreadable = _("Foto tidak dapat dibaca sebagai gambar.")
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise ValidationError(_("Resolusi foto terlalu besar."))
            animated = content_type == "image/gif" and getattr(image, "n_frames", 1) > 1
            if animated:
                frames, upright = image, image
            else:
                image.load()
                upright = ImageOps.exif_transpose(image)
            upright.info = {
                key: value for key, value in upright.info.items() if key in ("transparency", "duration", "loop")
            }
            buffer = io.BytesIO()
            options: dict[str, Any] = {"save_all": True} if animated else {}
            if content_type == "image/jpeg":
                options["quality"] = 90
            (frames if animated else upright).save(buffer, format=IMAGE_FORMATS[content_type], **options)
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(unreadable) from exc
    return buffer.getvalue()


@transaction.atomic
def activity_add_photo(*, actor: Any, activity: Activity, uploaded_file: Any, caption: str = "") -> ActivityPhoto:
    _require_manage(actor, activity.unit)
    content_type, size, sha256 = check_image(uploaded_file)
    caption = _text(caption, _("Keterangan"), max_length=255, single_line=True)
    photo = ActivityPhoto(
        activity=activity,
        caption=caption,
        content_type=content_type,
        size=size,
        sha256=sha256,
        uploaded_by=_actor_or_none(actor),
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
def activity_withdraw_photo(*, actor: Any, photo: ActivityPhoto) -> ActivityPhoto:
    """Withdraw a photo: hidden from the activity and no longer served; the row and the file stay for the audit."""
    photo = ActivityPhoto.objects.select_for_update().select_related("activity__unit").get(pk=photo.pk)
    _require_manage(actor, photo.activity.unit)
    if photo.withdrawn_at is not None:
        return photo
    photo.withdrawn_at = timezone.now()
    photo.withdrawn_by = _actor_or_none(actor)
    photo.save(update_fields=["withdrawn_at", "withdrawn_by"])
    audit.record(
        actor,
        "withdraw_photo",
        photo.activity,
        before={"photo": photo.pk, "sha256": photo.sha256, "caption": photo.caption, "withdrawn": False},
        after={"photo": photo.pk, "sha256": photo.sha256, "caption": photo.caption, "withdrawn": True},
    )
    return photo


# --- change agents --------------------------------------------------------------------------------------------


@transaction.atomic
def change_agent_appoint(
    *, actor: Any, unit: Unit, period: Period, person: Any, appointed_on: dt.date, decree_ref: str = ""
) -> ChangeAgent:
    _require_manage(actor, unit)
    person = _staff_of(unit, person, _("Agen perubahan"))
    appointed_on = _date(appointed_on, _("Tanggal penetapan"))
    if appointed_on > period.ends_on:
        raise ValidationError(_("Tanggal penetapan tidak boleh sesudah akhir periode."))
    if ChangeAgent.objects.filter(unit=unit, period=period, person=person).exists():
        raise ValidationError(
            _("%(name)s sudah ditetapkan sebagai agen perubahan pada periode ini.") % {"name": person}
        )
    agent = ChangeAgent.objects.create(
        unit=unit,
        period=period,
        person=person,
        appointed_on=appointed_on,
        decree_ref=_text(decree_ref, _("Nomor SK"), max_length=255, single_line=True),
    )
    audit.record(actor, "create", agent, after=audit.snapshot(agent))
    return agent


@transaction.atomic
def change_agent_update(
    *, actor: Any, agent: ChangeAgent, appointed_on: dt.date | None = None, decree_ref: str | None = None
) -> ChangeAgent:
    agent = ChangeAgent.objects.select_for_update().select_related("unit", "period").get(pk=agent.pk)
    _require_manage(actor, agent.unit)
    before = audit.snapshot(agent)
    if appointed_on is not None:
        agent.appointed_on = _date(appointed_on, _("Tanggal penetapan"))
        if agent.appointed_on > agent.period.ends_on:
            raise ValidationError(_("Tanggal penetapan tidak boleh sesudah akhir periode."))
    if decree_ref is not None:
        agent.decree_ref = _text(decree_ref, _("Nomor SK"), max_length=255, single_line=True)
    agent.save()
    audit.record(actor, "update", agent, before=before, after=audit.snapshot(agent))
    return agent


CHANGE_FIELDS = ("agent", "title", "description", "made_on", "integrated", "integration_how")


def _clean_change(change: ConcreteChange) -> None:
    change.title = _text(change.title, _("Judul perubahan"), required=True, max_length=255, single_line=True)
    change.description = _text(change.description, _("Uraian"))
    change.made_on = _in_period(
        _date(change.made_on, _("Tanggal perubahan")), change.agent.period, _("Tanggal perubahan")
    )
    change.integrated = bool(change.integrated)
    change.integration_how = _text(change.integration_how, _("Cara integrasi"))
    if change.integrated and not change.integration_how:
        raise ValidationError(
            _("Jelaskan bagaimana perubahan diintegrasikan ke sistem manajemen (mis. SOP, SK, sistem informasi).")
        )


@transaction.atomic
def change_create(
    *,
    actor: Any,
    agent: ChangeAgent,
    title: str,
    made_on: dt.date,
    description: str = "",
    integrated: bool = False,
    integration_how: str = "",
) -> ConcreteChange:
    _require_manage(actor, agent.unit)
    change = ConcreteChange(
        agent=agent,
        title=title,
        description=description,
        made_on=made_on,
        integrated=integrated,
        integration_how=integration_how,
    )
    _clean_change(change)
    change.save()
    audit.record(actor, "create", change, after=audit.snapshot(change, CHANGE_FIELDS))
    return change


@transaction.atomic
def change_update(*, actor: Any, change: ConcreteChange, **changes: Any) -> ConcreteChange:
    def apply(record: ConcreteChange) -> None:
        _set_fields(record, changes, CHANGE_FIELDS[1:])
        _clean_change(record)

    return _record_update(
        actor=actor, record=change, snapshot=CHANGE_FIELDS, apply=apply, related=("agent__unit", "agent__period")
    )


# --- complaints -----------------------------------------------------------------------------------------------


def sla_days(category: str) -> int:
    configured = getattr(settings, "ZI_COMPLAINT_SLA_DAYS", {}) or {}
    if category in configured:
        return int(configured[category])
    return int(SLA_DAYS.get(category, DEFAULT_SLA_DAYS))


def sla_due(received_at: dt.datetime, category: str) -> dt.datetime:
    return received_at + dt.timedelta(days=sla_days(category))


def _new_tracking(model: type[models.Model]) -> tuple[str, str]:
    for _attempt in range(5):
        code = tracking.new_code()
        digest = tracking.hash_code(code)
        if not model.objects.filter(tracking_hash=digest).exists():
            return code, digest
    raise RuntimeError("could not draw a unique tracking code")  # pragma: no cover - 31^12 codes


def _complaint_snapshot(complaint: Complaint) -> dict[str, Any]:
    # the e-mail address for notifications never enters the trail; only whether one was left
    return {**audit.snapshot(complaint, COMPLAINT_FIELDS), "notify_requested": bool(complaint.notify_email)}


def _new_complaint(
    *, actor: Any, allowed: Callable[[Any, Unit], bool] = may_manage, audit_actor: Any = None, **values: Any
) -> tuple[Complaint, str]:
    """A new complaint from any channel: validated by :func:`_clean_complaint` (as a correction is), the deadline
    taken at receipt, a fresh tracking code (only its hash and last four characters are stored)."""
    complaint = Complaint(**values)
    codes: list[str] = []

    def clean(record: Complaint) -> None:
        _clean_complaint(record)
        record.notify_email = _notify_email(record.notify_email)
        record.sla_due_at = sla_due(record.received_at, record.category)
        code, record.tracking_hash = _new_tracking(Complaint)
        record.tracking_hint = code[-4:]
        codes.append(code)

    _record_create(
        actor=actor,
        record=complaint,
        snapshot=_complaint_snapshot,
        clean=clean,
        allowed=allowed,
        audit_actor=audit_actor,
    )
    events.on_unit_changed(complaint.unit_id)  # the dashboards' complaint counts
    return complaint, codes[0]


def _notify_email(value: Any) -> str:
    from django.core.validators import validate_email

    address = _text(value, _("Surel untuk pemberitahuan"), max_length=254, single_line=True)
    if address:
        try:
            validate_email(address)
        except ValidationError as exc:
            raise ValidationError(_("Alamat surel untuk pemberitahuan tidak valid.")) from exc
    return address


def _clean_complaint(complaint: Complaint) -> None:
    """The same rules for a new complaint and for correcting one."""
    _choice(complaint.channel, ComplaintChannel, _("Kanal"))
    _choice(complaint.category, ComplaintCategory, _("Kategori"))
    if complaint.channel == ComplaintChannel.LAPOR and not str(complaint.channel_reference or "").strip():
        raise ValidationError(_("Pengaduan dari SP4N-LAPOR! wajib mencantumkan nomor tiketnya."))
    received_at = complaint.received_at
    if not isinstance(received_at, dt.datetime):
        raise ValidationError(_("Waktu diterima bukan waktu yang valid."))
    if timezone.is_naive(received_at):
        received_at = timezone.make_aware(received_at)
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("Waktu diterima tidak boleh di masa depan."))
    complaint.received_at = received_at
    complaint.channel_reference = _text(
        complaint.channel_reference, _("Nomor referensi"), max_length=100, single_line=True
    )
    complaint.subject = _text(complaint.subject, _("Pokok pengaduan"), required=True, max_length=255, single_line=True)
    complaint.description = _text(complaint.description, _("Isi pengaduan"), required=True)
    complaint.complainant_name = _text(complaint.complainant_name, _("Nama"), max_length=255, single_line=True)
    complaint.complainant_contact = _text(complaint.complainant_contact, _("Kontak"), max_length=255, single_line=True)


@transaction.atomic
def complaint_create(
    *,
    actor: Any,
    unit: Unit,
    channel: str,
    category: str,
    subject: str,
    description: str,
    received_at: dt.datetime | None = None,
    complainant_name: str = "",
    complainant_contact: str = "",
    channel_reference: str = "",
) -> tuple[Complaint, str]:
    """Record a complaint received by the unit (counter, phone, e-mail, SP4N-LAPOR!, social media).

    Returns the complaint and its tracking code (shown once, to hand to the complainant; only its hash is kept).
    """
    return _new_complaint(
        actor=actor,
        unit=unit,
        channel=channel,
        category=category,
        subject=subject,
        description=description,
        complainant_name=complainant_name,
        complainant_contact=complainant_contact,
        channel_reference=channel_reference,
        received_at=received_at or timezone.now(),
        created_by=_actor_or_none(actor),
    )


@transaction.atomic
def complaint_submit_public(
    *,
    unit: Unit,
    category: str,
    subject: str,
    description: str,
    complainant_name: str = "",
    complainant_contact: str = "",
    notify_email: str = "",
    photos: Iterable[Any] = (),
) -> tuple[Complaint, str]:
    """A complaint sent by anyone through the public web form (no login).

    ``photos`` (at most :data:`COMPLAINT_MAX_PHOTOS`) are checked like evidence photos (:func:`check_image`: the
    type read from the content, the size limit) and stored without their metadata (:func:`strip_metadata`); one bad
    photo refuses the whole complaint, so nothing is stored half.

    ``notify_email`` (optional) is where the complainant wants to hear about the handling: a receipt with the
    tracking code now, then a message at every status change or answer (:mod:`zi.programme.notifications`).
    """
    if not unit.is_active:
        raise ValidationError(_("Unit ini tidak menerima pengaduan melalui formulir ini."))
    photos = [photo for photo in photos if photo]
    if len(photos) > COMPLAINT_MAX_PHOTOS:
        raise ValidationError(_("Paling banyak %(n)d foto.") % {"n": COMPLAINT_MAX_PHOTOS})
    cleaned = []
    for photo in photos:
        content_type, _size, _digest = check_image(photo)
        photo.seek(0)
        cleaned.append((content_type, strip_metadata(photo.read(), content_type)))
    complaint, code = _new_complaint(
        actor=None,
        allowed=_anyone,
        audit_actor="public",
        unit=unit,
        channel=ComplaintChannel.WEB,
        category=category,
        subject=subject,
        description=description,
        complainant_name=complainant_name,
        complainant_contact=complainant_contact,
        notify_email=notify_email,
        notify_language=translation.get_language() or "",  # the form's language: the e-mails use it
        channel_reference="",
        received_at=timezone.now(),
        created_by=None,
    )
    for content_type, data in cleaned:
        _complaint_add_photo(complaint, content_type, data)
    notifications.complaint_received(complaint, code)
    return complaint, code


COMPLAINT_MAX_PHOTOS = 3


def _complaint_add_photo(complaint: Complaint, content_type: str, data: bytes) -> ComplaintPhoto:
    import hashlib

    photo = ComplaintPhoto(
        complaint=complaint, content_type=content_type, size=len(data), sha256=hashlib.sha256(data).hexdigest()
    )
    photo.file.save(f"foto.{IMAGE_EXTENSIONS[content_type]}", ContentFile(data), save=False)
    photo.save()
    after = {"photo": photo.pk, "sha256": photo.sha256, "size": photo.size, "content_type": content_type}
    audit.record("public", "add_photo", complaint, after=after)
    return photo


def complainant_emails_erase(*, now: Any = None, days: int | None = None) -> int:
    """Erase the complainant's notification address (and language) from every complaint closed (resolved or
    rejected) and unchanged for ``days`` (default ``settings.ZI_COMPLAINT_EMAIL_RETENTION_DAYS``): the address was
    given only to hear about the handling. Open complaints keep it, whatever their age. One audit event per
    complaint (``notify_requested`` true → false; never the address). Returns how many were erased.

    Run daily by the ``programme_erase_complainant_emails`` task, or ``zi programme erase-emails`` from cron."""
    days = settings.ZI_COMPLAINT_EMAIL_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    with transaction.atomic():
        closed = list(
            Complaint.objects.select_for_update()
            .filter(updated_at__lt=cutoff)
            .exclude(notify_email="")
            .exclude(status__in=OPEN_COMPLAINT_STATUSES)
            .select_related("unit")
            .only("pk", "subject", "status", "unit__path", "unit__name")
        )
        if not closed:
            return 0
        Complaint.objects.filter(pk__in=[c.pk for c in closed]).update(notify_email="", notify_language="")
        audit.record_many(
            "system",
            [
                audit.Change(
                    action="erase_notify_email",
                    object_type="programme.complaint",
                    object_id=str(c.pk),
                    object_repr=f"{c.unit.name}: {c.subject}"[:200],
                    scope_path=c.unit.path,
                    before={"notify_requested": True},
                    after={"notify_requested": False},
                    extra={"retention_days": days, "status": c.status},
                )
                for c in closed
            ],
        )
    return len(closed)


COMPLAINT_DETAIL_FIELDS = (
    "channel",
    "channel_reference",
    "category",
    "subject",
    "description",
    "complainant_name",
    "complainant_contact",
    "received_at",
)


@transaction.atomic
def complaint_update_details(*, actor: Any, complaint: Complaint, **changes: Any) -> Complaint:
    """Correct what was recorded about a complaint (channel, category, text, complainant, time received).

    Validated like a new complaint. A new category or receipt time moves the service-level deadline with it;
    otherwise the deadline stays as stored.
    """

    def apply(record: Complaint) -> None:
        old_key = (record.category, record.received_at)
        for field, value in changes.items():
            if field == "received_at" and (value is None or _same_minute(value, record.received_at)):
                continue  # the form shows minutes: an unchanged value must not shift the deadline by seconds
            _set_fields(record, {field: value}, COMPLAINT_DETAIL_FIELDS)
        _clean_complaint(record)
        if (record.category, record.received_at) != old_key:
            record.sla_due_at = sla_due(record.received_at, record.category)

    complaint = _record_update(
        actor=actor, record=complaint, snapshot=_complaint_snapshot, apply=apply, skip_unchanged=True
    )
    events.on_unit_changed(complaint.unit_id)
    return complaint


def _same_minute(value: Any, stored: dt.datetime) -> bool:
    if not isinstance(value, dt.datetime):
        return False
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value.replace(second=0, microsecond=0) == stored.replace(second=0, microsecond=0)


def _resolved_moment(value: Any, complaint: Complaint) -> dt.datetime:
    """The response date of a resolved complaint: a date (taken at the end of that day) or a moment."""
    if isinstance(value, dt.datetime):
        moment = value if timezone.is_aware(value) else timezone.make_aware(value)
    else:
        day = _date(value, _("Tanggal selesai"))
        moment = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59)))
        if day == timezone.localdate():
            moment = min(moment, timezone.now())
    if moment > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("Tanggal selesai tidak boleh di masa depan."))
    if moment < complaint.received_at:
        if timezone.localdate(moment) < timezone.localdate(complaint.received_at):
            raise ValidationError(_("Tanggal selesai tidak boleh sebelum pengaduan diterima."))
        moment = complaint.received_at
    return moment


@transaction.atomic
def complaint_update(
    *,
    actor: Any,
    complaint: Complaint,
    status: str | None = None,
    handling_notes: str | None = None,
    public_response: str | None = None,
    resolved_at: Any = None,
) -> Complaint:
    """Move a complaint through its handling (received → in progress → resolved, or rejected).

    ``resolved_at`` (a date or a moment) is the date the complainant got the answer; without it a complaint that
    becomes resolved is resolved now. Overdue/late highlighting follows from the status, the deadline and it.
    A complainant who left an e-mail address hears about a new status or answer (never about internal notes).
    """
    seen: dict[str, Any] = {}

    def apply(record: Complaint) -> None:
        seen.update(status=record.status, public_response=record.public_response)
        if status is not None:
            record.status = _choice(status, ComplaintStatus, _("Status"))
            if record.status == ComplaintStatus.RESOLVED and record.resolved_at is None:
                record.resolved_at = timezone.now()
            elif record.status != ComplaintStatus.RESOLVED:
                record.resolved_at = None
        if resolved_at is not None:
            if record.status != ComplaintStatus.RESOLVED:
                raise ValidationError(_("Tanggal selesai hanya diisi untuk pengaduan yang selesai ditindaklanjuti."))
            record.resolved_at = _resolved_moment(resolved_at, record)
        if handling_notes is not None:
            record.handling_notes = _text(handling_notes, _("Catatan penanganan"))
        if public_response is not None:
            record.public_response = _text(public_response, _("Tanggapan"))
        if record.status in (ComplaintStatus.RESOLVED, ComplaintStatus.REJECTED) and not record.public_response:
            raise ValidationError(_("Tuliskan tanggapan untuk pengadu sebelum menyelesaikan atau menolak pengaduan."))

    complaint = _record_update(
        actor=actor, record=complaint, snapshot=_complaint_snapshot, apply=apply, skip_unchanged=True
    )
    notifications.complaint_changed(complaint, old_status=seen["status"], old_response=seen["public_response"])
    events.on_unit_changed(complaint.unit_id)
    return complaint


ACTION_FIELDS = ("complaint", "done_on", "description")


def _clean_action(action: FollowUpAction) -> None:
    """The same checks when a follow-up action is added and when it is corrected."""
    action.done_on = _date(action.done_on, _("Tanggal tindak lanjut"))
    if action.done_on < timezone.localdate(action.complaint.received_at):
        raise ValidationError(_("Tanggal tindak lanjut tidak boleh sebelum pengaduan diterima."))
    action.description = _text(action.description, _("Tindak lanjut"), required=True)


@transaction.atomic
def complaint_add_action(*, actor: Any, complaint: Complaint, done_on: dt.date, description: str) -> FollowUpAction:
    """Record a step taken on a complaint; the first one moves a *received* complaint to *in progress*."""
    action = FollowUpAction(
        complaint=complaint, done_on=done_on, description=description, created_by=_actor_or_none(actor)
    )

    def then(record: FollowUpAction) -> None:
        if complaint.status == ComplaintStatus.RECEIVED:
            before = _complaint_snapshot(complaint)
            complaint.status = ComplaintStatus.IN_PROGRESS
            complaint.save(update_fields=["status", "updated_at"])
            audit.record(actor, "update", complaint, before=before, after=_complaint_snapshot(complaint))
            notifications.complaint_changed(
                complaint, old_status=ComplaintStatus.RECEIVED, old_response=complaint.public_response
            )

    return _record_create(actor=actor, record=action, snapshot=audit.snapshot, clean=_clean_action, then=then)


@transaction.atomic
def complaint_action_update(
    *, actor: Any, action: FollowUpAction, done_on: dt.date, description: str
) -> FollowUpAction:
    """Correct a follow-up action (same checks as when it was added); one audit event when something changed."""

    def apply(record: FollowUpAction) -> None:
        record.done_on, record.description = done_on, description
        _clean_action(record)

    return _record_update(
        actor=actor,
        record=action,
        snapshot=ACTION_FIELDS,
        apply=apply,
        related=("complaint__unit",),
        skip_unchanged=True,
        update_fields=["done_on", "description"],
    )


@transaction.atomic
def complaint_action_delete(*, actor: Any, action: FollowUpAction) -> None:
    """Remove a follow-up action recorded by mistake; the audit event keeps what it said. The status stays."""
    action = FollowUpAction.objects.select_for_update().select_related("complaint__unit").get(pk=action.pk)
    _require_manage(actor, action.complaint.unit)
    audit.record(actor, "delete", action, before=audit.snapshot(action, ACTION_FIELDS))
    action.delete()


# --- register of services (LKE A.II.6.i.b) ---------------------------------------------------------------------

SERVICE_FIELDS = ("unit", "name", "description", "standard_reference", "is_active")


def _clean_service(service: PublicService) -> None:
    service.name = _text(service.name, _("Nama layanan"), required=True, max_length=255, single_line=True)
    service.description = _text(service.description, _("Uraian"))
    service.standard_reference = _text(
        service.standard_reference, _("Rujukan standar pelayanan"), max_length=255, single_line=True
    )
    service.is_active = bool(service.is_active)
    clash = PublicService.objects.filter(unit_id=service.unit_id, name__iexact=service.name).exclude(pk=service.pk)
    if clash.exists():
        raise ValidationError(_("Layanan %(name)s sudah terdaftar pada unit ini.") % {"name": service.name})


@transaction.atomic
def service_create(
    *, actor: Any, unit: Unit, name: str, description: str = "", standard_reference: str = "", is_active: bool = True
) -> PublicService:
    """Register a service the unit provides (the denominator of LKE A.II.6.i.b)."""
    _require_manage(actor, unit)
    service = PublicService(
        unit=unit,
        name=name,
        description=description,
        standard_reference=standard_reference,
        is_active=is_active,
        created_by=_actor_or_none(actor),
    )
    _clean_service(service)
    service.save()
    audit.record(actor, "create", service, after=audit.snapshot(service, SERVICE_FIELDS))
    return service


@transaction.atomic
def service_update(*, actor: Any, service: PublicService, **changes: Any) -> PublicService:
    def apply(record: PublicService) -> None:
        _set_fields(record, changes, SERVICE_FIELDS[1:])
        _clean_service(record)

    return _record_update(actor=actor, record=service, snapshot=SERVICE_FIELDS, apply=apply)


# --- innovations ----------------------------------------------------------------------------------------------

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
    from zi.surveys.models import Campaign, InstrumentItem, ItemRollup

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
    innovation.title = _text(innovation.title, _("Nama inovasi"), required=True, max_length=255, single_line=True)
    innovation.description = _text(innovation.description, _("Uraian"))
    innovation.survey_finding = _text(innovation.survey_finding, _("Temuan survei"))
    innovation.survey_reference = _text(
        innovation.survey_reference, _("Rujukan survei"), max_length=255, single_line=True
    )
    innovation.problem_statement = _text(innovation.problem_statement, _("Rumusan masalah"))
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
    innovation.beneficiaries = _text(innovation.beneficiaries, _("Penerima manfaat"), required=True, max_length=255)
    innovation.started_on = _date(innovation.started_on, _("Tanggal mulai"))
    innovation.measure_unit = _text(innovation.measure_unit, _("Satuan ukuran"), max_length=100, single_line=True)
    innovation.value_before = _decimal(innovation.value_before, _("Nilai sebelum"))
    innovation.value_after = _decimal(innovation.value_after, _("Nilai sesudah"))
    if (innovation.value_before is not None or innovation.value_after is not None) and not innovation.measure_unit:
        raise ValidationError(_("Sebutkan satuan ukuran dampak (mis. menit waktu tunggu, jumlah pengaduan)."))
    innovation.effect_note = _text(innovation.effect_note, _("Catatan dampak"))
    ways = innovation.simplifications or []
    if isinstance(ways, str):
        ways = [ways]
    for way in ways:
        _choice(way, Simplification, _("Cara mempermudah"))
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
    return {**audit.snapshot(innovation, INNOVATION_FIELDS), "services": sorted(s.pk for s in services)}


@transaction.atomic
def innovation_create(
    *,
    actor: Any,
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
    _require_manage(actor, unit)
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
        created_by=_actor_or_none(actor),
    )
    _clean_innovation(innovation)
    chosen = _innovation_services(innovation, services)
    innovation.save()
    innovation.services.set(chosen)
    audit.record(actor, "create", innovation, after=_innovation_snapshot(innovation, chosen))
    return innovation


@transaction.atomic
def innovation_update(*, actor: Any, innovation: Innovation, **changes: Any) -> Innovation:
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


# --- gratification and conflict-of-interest registers ---------------------------------------------------------
# The integrity registers (gratification, conflict of interest, and the whistle-blowing handling below) share one
# shape: a permission check on the unit, validation, the write and its audit event in one transaction.


def _register_create(
    *, actor: Any, model: type[models.Model], unit: Unit, fields: tuple[str, ...], denied: str, build: Callable
) -> Any:
    """Create a register entry: permission first, then ``build()`` validates and returns the field values."""
    record = model(unit=unit, created_by=_actor_or_none(actor))

    def clean(entry: Any) -> None:
        for field, value in build().items():
            setattr(entry, field, value)

    return _record_create(
        actor=actor, record=record, snapshot=fields, clean=clean, allowed=may_write_register, denied=denied
    )


def _register_update(
    *,
    actor: Any,
    record: Any,
    fields: tuple[str, ...],
    denied: str,
    apply: Callable,
    allowed: Callable[[Any, Unit], bool] = may_write_register,
) -> Any:
    """Change a register entry under a row lock: permission, ``apply(record)`` validates and sets, save, audit."""
    return _record_update(actor=actor, record=record, snapshot=fields, apply=apply, allowed=allowed, denied=denied)


GRATIFICATION_FIELDS = (
    "unit",
    "reporter",
    "offered_on",
    "giver_description",
    "gift_description",
    "value_estimate",
    "refused",
    "decision",
    "decision_note",
)


@transaction.atomic
def gratification_report_create(
    *,
    actor: Any,
    unit: Unit,
    reporter: Any,
    offered_on: dt.date,
    giver_description: str,
    gift_description: str,
    value_estimate: Any = 0,
    refused: bool = False,
    decision: str = "",
    decision_note: str = "",
) -> GratificationReport:
    def build() -> dict[str, Any]:
        day = _date(offered_on, _("Tanggal pemberian"))
        if day > timezone.localdate():
            raise ValidationError(_("Tanggal pemberian tidak boleh di masa depan."))
        chosen = decision or (GratificationDecision.REFUSED if refused else GratificationDecision.PENDING)
        return {
            "reporter": _staff_of(unit, reporter, _("Pelapor")),
            "offered_on": day,
            "giver_description": _text(
                giver_description, _("Pemberi"), required=True, max_length=255, single_line=True
            ),
            "gift_description": _text(
                gift_description, _("Bentuk pemberian"), required=True, max_length=255, single_line=True
            ),
            "value_estimate": _decimal(value_estimate, _("Perkiraan nilai")) or 0,
            "refused": bool(refused),
            "decision": _choice(chosen, GratificationDecision, _("Keputusan")),
            "decision_note": _text(decision_note, _("Catatan keputusan")),
        }

    return _register_create(
        actor=actor,
        model=GratificationReport,
        unit=unit,
        fields=GRATIFICATION_FIELDS,
        denied=_("Anda tidak berwenang mencatat laporan gratifikasi unit ini."),
        build=build,
    )


@transaction.atomic
def gratification_decide(
    *, actor: Any, report: GratificationReport, decision: str, decision_note: str = ""
) -> GratificationReport:
    def apply(record: GratificationReport) -> None:
        record.decision = _choice(decision, GratificationDecision, _("Keputusan"))
        record.decision_note = _text(decision_note, _("Catatan keputusan"))

    return _register_update(
        actor=actor,
        record=report,
        fields=GRATIFICATION_FIELDS,
        denied=_("Anda tidak berwenang memutuskan laporan gratifikasi ini."),
        apply=apply,
    )


CONFLICT_FIELDS = ("unit", "person", "declared_on", "situation", "related_party", "mitigation", "status")


@transaction.atomic
def conflict_create(
    *,
    actor: Any,
    unit: Unit,
    declared_on: dt.date,
    situation: str,
    person: Any = None,
    related_party: str = "",
    mitigation: str = "",
    status: str = ConflictStatus.IDENTIFIED,
) -> ConflictOfInterest:
    def build() -> dict[str, Any]:
        return {
            "person": _staff_of(unit, person, _("Pegawai")) if person else None,
            "declared_on": _date(declared_on, _("Tanggal")),
            "situation": _text(situation, _("Situasi"), required=True),
            "related_party": _text(related_party, _("Pihak terkait"), max_length=255, single_line=True),
            "mitigation": _text(mitigation, _("Mitigasi")),
            "status": _choice(status, ConflictStatus, _("Status")),
        }

    return _register_create(
        actor=actor,
        model=ConflictOfInterest,
        unit=unit,
        fields=CONFLICT_FIELDS,
        denied=_("Anda tidak berwenang mencatat benturan kepentingan unit ini."),
        build=build,
    )


@transaction.atomic
def conflict_update(
    *, actor: Any, conflict: ConflictOfInterest, status: str, mitigation: str | None = None
) -> ConflictOfInterest:
    def apply(record: ConflictOfInterest) -> None:
        record.status = _choice(status, ConflictStatus, _("Status"))
        if mitigation is not None:
            record.mitigation = _text(mitigation, _("Mitigasi"))

    return _register_update(
        actor=actor,
        record=conflict,
        fields=CONFLICT_FIELDS,
        denied=_("Anda tidak berwenang mengubah catatan benturan kepentingan ini."),
        apply=apply,
    )


# --- whistle-blowing ------------------------------------------------------------------------------------------


@transaction.atomic
def whistle_submit_public(
    *, unit: Unit, subject: str, description: str, reporter_name: str = "", reporter_contact: str = ""
) -> tuple[WhistleReport, str]:
    """An anonymous (or named) whistle-blowing report; returns the report and its tracking code."""
    if not unit.is_active:
        raise ValidationError(_("Unit ini tidak menerima laporan melalui formulir ini."))
    code, digest = _new_tracking(WhistleReport)
    report = WhistleReport.objects.create(
        unit=unit,
        received_at=timezone.now(),
        subject=_text(subject, _("Pokok laporan"), required=True, max_length=255, single_line=True),
        description=_text(description, _("Uraian"), required=True),
        reporter_name=_text(reporter_name, _("Nama"), max_length=255, single_line=True),
        reporter_contact=_text(reporter_contact, _("Kontak"), max_length=255, single_line=True),
        tracking_hash=digest,
    )
    audit.record(
        "public",
        "create",
        report,
        after={
            **audit.snapshot(report, WHISTLE_FIELDS),
            "identity_given": bool(report.reporter_name or report.reporter_contact),
        },
    )
    return report, code


@transaction.atomic
def whistle_update(
    *,
    actor: Any,
    report: WhistleReport,
    status: str | None = None,
    handling_notes: str | None = None,
    public_response: str | None = None,
) -> WhistleReport:

    def apply(record: WhistleReport) -> None:
        if status is not None:
            record.status = _choice(status, WhistleStatus, _("Status"))
        if handling_notes is not None:
            record.handling_notes = _text(handling_notes, _("Catatan penanganan"))
        if public_response is not None:
            record.public_response = _text(public_response, _("Tanggapan"))

    return _register_update(
        actor=actor,
        record=report,
        fields=WHISTLE_FIELDS,
        denied=_("Anda tidak berwenang menangani laporan ini."),
        apply=apply,
        allowed=may_handle_integrity,
    )


# --- tracking -------------------------------------------------------------------------------------------------


def track(code: str) -> dict[str, Any] | None:
    """What the holder of a tracking code may see, or None (same answer for malformed and unknown codes)."""
    normalized = tracking.normalize_code(code)
    if not tracking.is_well_formed(normalized):
        tracking.hash_code(normalized)  # same work either way
        return None
    digest = tracking.hash_code(normalized)
    complaint = Complaint.objects.filter(tracking_hash=digest).select_related("unit").first()
    if complaint is not None:
        return {
            "kind": "complaint",
            "unit": complaint.unit.name,
            "subject": complaint.subject,
            "received_at": complaint.received_at,
            "sla_due_at": complaint.sla_due_at,
            "status": complaint.get_status_display(),
            "status_code": complaint.status,
            "public_response": complaint.public_response,
            "actions": [action.done_on for action in complaint.actions.all()],
        }
    report = WhistleReport.objects.filter(tracking_hash=digest).select_related("unit").first()
    if report is not None:
        return {
            "kind": "whistle",
            "unit": report.unit.name,
            "subject": "",
            "received_at": report.received_at,
            "sla_due_at": None,
            "status": report.get_status_display(),
            "status_code": report.status,
            "public_response": report.public_response,
            "actions": [],
        }
    return None


# --- evidence as a by-product ---------------------------------------------------------------------------------

ATTACHABLE = {"activity": Activity, "complaint": Complaint, "innovation": Innovation}


def record_type_of(record: Any) -> str:
    for name, model in ATTACHABLE.items():
        if isinstance(record, model):
            return name
    raise ValidationError(_("Catatan jenis ini tidak dapat dilampirkan sebagai data dukung."))


def _evidence_title(record: Any) -> str:
    if isinstance(record, Activity):
        return f"{_('Kegiatan')}: {record.title} ({record.held_on:%d-%m-%Y})"
    if isinstance(record, Complaint):
        return f"{_('Pengaduan')}: {record.subject} ({format_local_date(record.received_at, record.unit)})"
    return f"{_('Inovasi')}: {record.title}"


@transaction.atomic
def record_attach_as_evidence(*, actor: Any, record: Any, assessment: Assessment, question_code: str) -> Evidence:
    """Attach a record (activity, complaint, innovation) to an LKE question of its unit's assessment.

    Creates an ``Evidence`` of kind link with revision 1 pointing at the record's page (absolute URL built
    on the configured site address, :func:`zi.core.links.absolute_url`), so the evidence is a by-product of the work.
    """
    record_type = record_type_of(record)
    if record.unit_id != assessment.unit_id:
        raise ValidationError(_("Catatan hanya dapat dilampirkan pada penilaian unitnya sendiri."))
    _require(
        may(actor, Action.EVIDENCE_UPLOAD, assessment.unit), _("Anda tidak berwenang menambah data dukung unit ini.")
    )
    if assessment.status != AssessmentStatus.DRAFT:
        raise PermissionDenied(_("Penilaian sudah dikirim; data dukung tidak dapat diubah lagi."))
    question = LkeQuestion.objects.filter(template_id=assessment.period.template_id, code=question_code).first()
    if question is None:
        raise ValidationError(
            _("Pertanyaan %(code)s tidak ada pada template LKE periode ini.") % {"code": question_code}
        )
    already = AttachedEvidence.objects.filter(
        record_type=record_type,
        record_id=record.pk,
        evidence__question=question,
        evidence__assessment=assessment,
        evidence__is_withdrawn=False,
    ).exists()
    if already:
        raise ValidationError(_("Catatan ini sudah menjadi data dukung pertanyaan %(code)s.") % {"code": question_code})
    url = absolute_url(record.get_absolute_url())
    evidence = Evidence.objects.create(
        assessment=assessment,
        question=question,
        title=_evidence_title(record)[:255],
        kind=EvidenceKind.LINK,
        created_by=_actor_or_none(actor),
    )
    revision = EvidenceRevision.objects.create(evidence=evidence, number=1, url=url, uploaded_by=_actor_or_none(actor))
    try:
        with transaction.atomic():
            AttachedEvidence.objects.create(evidence=evidence, record_type=record_type, record_id=record.pk)
    except IntegrityError as exc:  # pragma: no cover - one-to-one on a fresh row
        raise ValidationError(_("Gagal melampirkan data dukung.")) from exc
    audit.record(
        actor,
        "create",
        evidence,
        after={
            **audit.snapshot(evidence, ("assessment", "question", "title", "kind", "is_withdrawn")),
            "revision": audit.snapshot(revision, ("evidence", "number", "url")),
            "source": {"type": record_type, "id": record.pk},
        },
    )
    audit.record(actor, "attach_evidence", record, extra={"evidence": evidence.pk, "question": question_code})
    return evidence
