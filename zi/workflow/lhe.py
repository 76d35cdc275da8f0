"""The LHE (laporan hasil evaluasi) of the TPI: its content, its draft preview and its issued versions.

The document is ``workflow/documents/lhe.html`` (extends ``documents/base.html``) rendered by
:func:`zi.core.pdf.render_pdf`; docs/documents.md lists what it holds. Every figure comes from the functions that
own it, never recomputed here: the TPI lane's stored score (:func:`zi.lke.scoring.expand_breakdown`), the threshold
checks as the scorer decided them (:func:`zi.lke.scoring.eligibility_checks`), the survey indices and their sources
(:func:`zi.assessments.suggestions.survey_checks`), the preconditions (:func:`zi.workflow.services.precondition_checks`,
:func:`zi.workflow.services.sptjm_check`), the local time (:mod:`zi.organisations.timezones`), the letterhead
(:func:`zi.organisations.letterhead.letterhead_for`).

Versions: issuing renders the LHE once, in Indonesian (the official text), stores the PDF with its SHA-256 (also in
the audit trail) as :class:`~zi.workflow.models.IssuedLhe` numbered 1, 2, …; a download returns exactly those bytes.
Who may do what (also in docs/security.md): the assigned TPI team (members, leader, controller; no conflict of
interest) writes the notes and previews the draft while the TPI lane is theirs; the leader or the controller
issues; whoever may see the TPI lane (:mod:`zi.workflow.lanes`) downloads the issued versions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zi.accounts.actors import actor_user
from zi.accounts.models import User
from zi.assessments.models import Answer, Lane, LaneScore
from zi.assessments.suggestions import survey_checks, survey_kind
from zi.core import audit
from zi.core.actors import Actor
from zi.core.labels import actor_name
from zi.core.pdf import render_pdf
from zi.lke.content_names import content_name
from zi.lke.scoring.breakdown import eligibility_checks, expand_breakdown
from zi.lke.services import template_spec, with_template
from zi.organisations.letterhead import letterhead_for
from zi.organisations.timezones import abbreviation, format_local, format_local_date, unit_timezone
from zi.workflow import services
from zi.workflow.lanes import lane_visible, scores_lane
from zi.workflow.machine import coi_reasons, team_reasons
from zi.workflow.models import IssuedLhe, Journey, LheDraft, LheNote, Predicate, State

DATA = Path(__file__).resolve().parent / "data" / "lhe.yaml"
TEMPLATE = "workflow/documents/lhe.html"
# The team works on the LHE while the TPI lane is theirs (evaluation) and after its conclusion; an LHE issued during
# the evaluation is the one for fixes (LHE 1), one issued after the conclusion is the final one.
WORK_STATES = frozenset({State.TPI_EVALUATION, State.TPI_MEETS, State.TPI_NOT_MEETS})
NOTE_MAX = 5000


@lru_cache(maxsize=1)
def facts() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


# --- who may ---------------------------------------------------------------------------------------------------


def may_work(user: Actor, journey: Journey) -> bool:
    """Write the notes and header, preview the draft: the assigned TPI team while the TPI lane is theirs."""
    if journey.state not in WORK_STATES or journey.tpi_team_id is None:
        return False
    if not lane_visible(user, journey.assessment, Lane.TPI):
        return False
    return scores_lane(user, journey.assessment, journey, Lane.TPI) and not coi_reasons(user, journey)


def may_issue(user: Actor, journey: Journey) -> bool:
    """Issue: the team's leader or technical controller (they sign it), without a conflict of interest; during the
    evaluation only in the first round (LHE 1 for fixes: the second round ends with a conclusion, then the LHE)."""
    if journey.state == State.TPI_EVALUATION and journey.tpi_stage >= 2:
        return False
    return may_work(user, journey) and not team_reasons(user, journey, lead=True)


def may_download(user: Actor, journey: Journey) -> bool:
    """An issued LHE: whoever may see the TPI lane now (the TPI team; everyone who sees the assessment once the
    lane is released: LHE 1 returned or concluded)."""
    return lane_visible(user, journey.assessment, Lane.TPI)


def issued_versions(journey: Journey) -> list[IssuedLhe]:
    return list(IssuedLhe.objects.filter(journey=journey).order_by("stage"))


# --- content ---------------------------------------------------------------------------------------------------


def _n(value: Any, places: int = 2) -> str:
    return "–" if value is None else number_format(value, decimal_pos=places)


def _name(person: User | None) -> str:
    return (person.get_full_name() or person.username) if person is not None else "–"


@dataclass
class Row:
    """One printed row: what, the figure, the requirement, met or not (None: not a check)."""

    label: str
    value: str = ""
    need: str = ""
    ok: bool | None = None
    note: str = ""


def _team(journey: Journey) -> list[dict[str, str]]:
    team = journey.tpi_team
    if team is None:
        return []
    rows = [
        {"role": _("Ketua tim"), "name": _name(team.leader), "nip": team.leader.nip or "–"},
        {"role": _("Pengendali teknis"), "name": _name(team.controller), "nip": team.controller.nip or "–"},
    ]
    for member in team.members.exclude(pk__in=[team.leader_id, team.controller_id]).order_by("full_name", "username"):
        rows.append({"role": _("Anggota tim"), "name": _name(member), "nip": member.nip or "–"})
    return rows


# The eligibility checks' printed names: fixed words, or words around the survey index and its minimum.
_CHECK_LABELS = {
    "total": gettext_lazy("Nilai total (pengungkit + hasil)"),
    "pengungkit": gettext_lazy("Nilai komponen pengungkit"),
    "bersih": gettext_lazy("Hasil: birokrasi yang bersih dan akuntabel"),
    "kinerja": gettext_lazy("Hasil: capaian kinerja lebih baik"),
}
_INDEX_CHECK_LABELS = {
    "ipak": gettext_lazy("Hasil: survei persepsi antikorupsi (IPAK %(index)s; minimal %(minimum)s)"),
    "pelayanan": gettext_lazy("Hasil: pelayanan publik yang prima (IPKP %(index)s; minimal %(minimum)s)"),
}


def _check_label(check: Any, predicate: str, fraction: float) -> str:
    if check.key in _CHECK_LABELS:
        return str(_CHECK_LABELS[check.key])
    if check.key in _INDEX_CHECK_LABELS:
        return str(_INDEX_CHECK_LABELS[check.key]) % {"index": _n(check.index), "minimum": _n(check.index_limit)}
    if check.key == "area":
        params = {"area": _(check.area), "percent": _n(fraction * 100, 0), "weight": _n(check.weight)}
        if check.aspect:
            params["aspect"] = _(check.aspect.capitalize())
            return _("Area %(area)s (%(aspect)s): minimal %(percent)s%% dari bobot %(weight)s") % params
        return _("Area %(area)s: minimal %(percent)s%% dari bobot %(weight)s") % params
    return _("Telah memiliki predikat %(predicate)s") % {"predicate": check.required}


def _status(ok: bool | None) -> str:
    if ok is None:
        return "–"
    return _("Memenuhi") if ok else _("Belum memenuhi")


def _hasil_rows(journey: Journey, spec: Any, expanded: dict[str, Any]) -> list[Row]:
    """Komponen hasil: each item's index or choice, its score of its weight, and where the value comes from."""
    items = expanded.get("hasil_items") or {}
    answers = {
        a.question.code: a
        for a in Answer.objects.filter(assessment_id=journey.assessment_id, lane=Lane.TPI).select_related("question")
    }
    checks = {c.code: c for c in survey_checks(journey.assessment, Lane.TPI, answers)}
    rows = []
    for area in spec.result:
        for indicator in area.indicators:
            for question in indicator.questions:
                answer = answers.get(question.code)
                check = checks.get(question.code)
                kind = survey_kind(question) or "kinerja"  # 90/2021: B.I.a IPAK, B.II.a IPKP, B.I.b kinerja
                item = items.get(kind) or {}
                if kind in ("ipak", "ipkp"):
                    shown = _("indeks %(index)s (skala 0–4)") % {"index": _n(item.get("index"))}
                elif answer is not None and answer.choice:
                    option = next((o for o in question.options if o.key == answer.choice), None)
                    shown = _("pilihan %(choice)s") % {"choice": answer.choice}
                    if option is not None and option.criteria:
                        shown += f": {option.criteria}"
                else:
                    shown = _("belum diisi") if answer is None or answer.value is None else _n(answer.value)
                sources = []
                if check is not None and check.text:
                    sources.append(check.text)
                if answer is not None and answer.source:
                    sources.append(_("Sumber nilai dicatat TPI: %(source)s") % {"source": answer.source})
                if not sources:
                    sources.append(
                        _("Penilaian TPI atas data dukung LKE")
                        if answer is not None and answer.value is not None
                        else _("Belum ada nilai maupun data survei")
                    )
                rows.append(
                    Row(
                        label=f"{question.code} {content_name(indicator.name)}",
                        value=shown,
                        need=_("%(score)s dari %(weight)s")
                        % {"score": _n(item.get("score")), "weight": _n(float(indicator.weight))},
                        note=" · ".join(sources),
                    )
                )
    return rows


def _conclusion(journey: Journey, failing: list[str]) -> dict[str, Any]:
    predicate = Predicate(journey.target_predicate).label
    if journey.state == State.TPI_MEETS and failing:
        head = _(
            "MEMENUHI nilai minimal predikat %(predicate)s, namun syarat pengusulan di bawah ini belum seluruhnya "
            "terpenuhi: unit belum dapat diusulkan ke TPN sebelum syarat tersebut dipenuhi."
        ) % {"predicate": predicate}
    elif journey.state == State.TPI_MEETS:
        head = _("MEMENUHI nilai minimal predikat %(predicate)s dan direkomendasikan untuk diusulkan ke TPN.") % {
            "predicate": predicate
        }
    elif journey.state == State.TPI_NOT_MEETS:
        head = _("BELUM MEMENUHI syarat untuk diusulkan ke TPN sebagai unit kerja %(predicate)s.") % {
            "predicate": predicate
        }
    else:
        head = _(
            "Hasil evaluasi tahap %(stage)s: LKE dan data dukung unit perlu diperbaiki sesuai catatan dan rekomendasi "
            "di atas; evaluasi dilanjutkan setelah perbaikan diterima."
        ) % {"stage": journey.tpi_stage}
    return {
        "head": head,
        "text": journey.tpi_conclusion if journey.state in (State.TPI_MEETS, State.TPI_NOT_MEETS) else "",
        "unmet": failing,
        "override_reason": journey.tpi_override_reason,
        "override_checks": journey.tpi_override_checks,
    }


def _area_notes(journey: Journey, names: tuple[str, ...]) -> list[dict[str, Any]]:
    stored = {n.area: n for n in LheNote.objects.filter(journey=journey)}
    rows: list[dict[str, Any]] = []
    for key, name in [*enumerate(names, start=1), (LheNote.HASIL, _("Komponen hasil"))]:
        note = stored.get(key)
        rows.append(
            {
                "area": key,
                "name": _(name),
                "notes": note.notes if note else "",
                "recommendations": note.recommendations if note else "",
            }
        )
    return rows


def draft_of(journey: Journey) -> LheDraft:
    return LheDraft.objects.filter(journey=journey).first() or LheDraft(journey=journey)


def context(journey: Journey, *, ordinal: int, draft: bool, now: dt.datetime) -> dict[str, Any]:
    """Everything ``workflow/documents/lhe.html`` prints, in the active language."""
    spec = template_spec(journey.period.template)
    unit = journey.unit
    score = LaneScore.objects.filter(assessment_id=journey.assessment_id, lane=Lane.TPI).first()
    stored = score.breakdown if score is not None and score.breakdown else {}
    expanded = expand_breakdown(spec, stored) if stored else {}
    predicate = journey.target_predicate
    threshold = spec.thresholds.get(predicate)
    fraction = float(threshold.per_area_min_fraction) if threshold else 0.0
    checks = eligibility_checks(spec, stored, predicate) if stored else []
    floors = {c.area: c for c in checks if c.key == "area" and not c.aspect}
    aspect_floors = {(c.area, c.aspect): c for c in checks if c.key == "area" and c.aspect}
    areas = []
    for index, name in enumerate(spec.area_names):
        data = (expanded.get("areas") or {}).get(name) or {}
        weight = float(spec.area_weights[index])
        value = data.get("score")
        floor = floors.get(name)
        aspect_ok = [c.passed for (area, _a), c in aspect_floors.items() if area == name]
        ok = floor.passed if floor else (all(aspect_ok) if aspect_ok and None not in aspect_ok else None)
        limit = floor.limit if floor else round(weight * fraction, 2)
        areas.append(
            {
                "name": _(name),
                "weight": _n(weight),
                "pemenuhan": _n(data.get("pemenuhan")),
                "reform": _n(data.get("reform")),
                "score": _n(value),
                "percent": _n(100 * value / weight, 1) if value is not None and weight else "–",
                "floor": _n(limit),
                "status": _status(ok),
                "ok": ok,
            }
        )
    eligibility = [
        Row(
            _check_label(c, predicate, fraction),
            _n(c.value) if c.key != "rank" else "",
            f"≥ {_n(c.limit)}" if c.limit is not None else "",
            c.passed,
        )
        for c in checks
    ]
    today = timezone.localdate()
    preconditions = [*services.precondition_checks(journey, today=today), services.sptjm_check(journey)]
    failing = list(dict.fromkeys(c.reason for c in preconditions if not c.ok))
    header = draft_of(journey)
    zone = unit_timezone(unit)
    tpi_started = journey.events.filter(to_state=State.TPI_EVALUATION).order_by("version").first()
    team = journey.tpi_team
    return {
        "j": journey,
        "unit": unit,
        "agency": unit.agency,
        "period": journey.period,
        "predicate_label": Predicate(predicate).label,
        "category": journey.category,
        "ordinal": ordinal,
        "draft": draft,
        "number": header.number,
        "place": header.place,
        "date": f"{header.date:%d-%m-%Y}" if header.date else "",
        "printed_at": format_local(now, unit),
        "zone": f"{zone.key} ({abbreviation(zone)})",
        "letterhead": letterhead_for(team.agency if team is not None else unit.agency),
        "legal_basis": facts()["legal_basis"],
        "scope": facts()["scope"],
        "lke_title": f"{spec.title} ({spec.code} {spec.version})",
        "regulation": journey.period.template.regulation,
        "tpi_started": format_local(tpi_started.at, unit) if tpi_started else "–",
        "team_name": team.name if team is not None else "–",
        "team": _team(journey),
        "leader": _name(team.leader) if team is not None else "",
        "leader_nip": (team.leader.nip or "–") if team is not None else "",
        "controller": _name(team.controller) if team is not None else "",
        "controller_nip": (team.controller.nip or "–") if team is not None else "",
        "scored": bool(expanded),
        "areas": areas,
        "pengungkit": _n(expanded.get("pengungkit")),
        "pemenuhan": _n(expanded.get("pemenuhan")),
        "reform": _n(expanded.get("reform")),
        "hasil_rows": _hasil_rows(journey, spec, expanded) if expanded else [],
        "bersih": _n((expanded.get("hasil_items") or {}).get("bersih_akuntabel")),
        "prima": _n((expanded.get("hasil_items") or {}).get("pelayanan_prima")),
        "hasil": _n(expanded.get("hasil")),
        "total": _n(expanded.get("total")),
        "floor_percent": _n(fraction * 100, 0),
        "per_aspect": spec.settings.per_area_minimum == "aspect",
        "eligibility": eligibility,
        "eligible": bool(checks) and all(c.passed for c in checks),
        "preconditions": [Row(c.label, c.value, c.need, c.ok) for c in preconditions],
        "area_notes": _area_notes(journey, spec.area_names),
        "question_notes": list(
            Answer.objects.filter(assessment_id=journey.assessment_id, lane=Lane.TPI)
            .exclude(note="")
            .order_by("question__order", "question__code")
            .values_list("question__code", "note")
        ),
        "conclusion": _conclusion(journey, failing),
        "events": [
            {
                "at": format_local(e.at, unit),
                "actor": actor_name(e.actor_label),
                "from": State(e.from_state).label,
                "to": State(e.to_state).label,
                "note": e.note,
            }
            for e in journey.events.order_by("version")
        ],
        "issue_date": format_local_date(now, unit),
    }


def render(journey: Journey, *, draft: bool, now: dt.datetime | None = None, ordinal: int | None = None) -> bytes:
    """The LHE as PDF bytes in the active language (a draft is marked as such on every page)."""
    if ordinal is None:
        ordinal = IssuedLhe.objects.filter(journey=journey).count() + 1  # the next one
    return render_pdf(TEMPLATE, context(journey, ordinal=ordinal, draft=draft, now=now or timezone.now()))


# --- writes ----------------------------------------------------------------------------------------------------


def _locked(journey: Journey) -> Journey:
    locked = Journey.objects.select_for_update(of=("self",)).select_related(
        "unit", "unit__agency", "assessment", "tpi_team"
    )
    return with_template(locked, "period__template").get(pk=journey.pk)


@transaction.atomic
def notes_save(
    *,
    actor: Actor,
    journey: Journey,
    notes: dict[int, tuple[str, str]] | None = None,
    number: str = "",
    place: str = "",
    date: dt.date | None = None,
) -> Journey:
    """The team's notes and recommendations per area (``{area: (notes, recommendations)}``) and the next LHE's
    number, place and date. Changed rows only, each audited."""
    journey = _locked(journey)
    if not may_work(actor, journey):
        raise PermissionDenied(_("Anda tidak berwenang menyusun LHE unit ini sekarang."))
    areas = len(template_spec(journey.period.template).area_names)
    stored = {n.area: n for n in LheNote.objects.select_for_update().filter(journey=journey)}
    for area, (text, recommendation) in (notes or {}).items():
        if not 0 <= int(area) <= areas:
            raise ValidationError(_("Area tidak dikenal."))
        text, recommendation = (text or "").strip(), (recommendation or "").strip()
        if len(text) > NOTE_MAX or len(recommendation) > NOTE_MAX:
            raise ValidationError(_("Catatan terlalu panjang (maksimal %(n)s karakter).") % {"n": NOTE_MAX})
        note = stored.get(int(area))
        if note is None and not (text or recommendation):
            continue
        if note is not None and (note.notes, note.recommendations) == (text, recommendation):
            continue
        before = audit.snapshot(note, ("notes", "recommendations")) if note is not None else None
        note = note or LheNote(journey=journey, area=int(area))
        note.notes, note.recommendations = text, recommendation
        note.updated_by = actor_user(actor)
        note.full_clean()
        note.save()
        audit.record(
            actor,
            "update" if before else "create",
            note,
            before=before,
            after=audit.snapshot(note, ("notes", "recommendations")),
            extra={"journey": journey.pk, "area": note.area},
        )
    header = LheDraft.objects.select_for_update().filter(journey=journey).first()
    values = (" ".join((number or "").split()), " ".join((place or "").split()), date)
    if header is None or (header.number, header.place, header.date) != values:
        before = audit.snapshot(header, ("number", "place", "date")) if header is not None else None
        header = header or LheDraft(journey=journey)
        header.number, header.place, header.date = values
        audit.save_and_record(actor, header, before=before)
    return journey


@transaction.atomic
def issue(*, actor: Actor, journey: Journey, now: dt.datetime | None = None) -> IssuedLhe:
    """Render the LHE in Indonesian, store the PDF with its SHA-256 as the next numbered version and record it in
    the audit trail. Refused without number, place and date, or before the TPI lane is scored."""
    journey = _locked(journey)
    if journey.state == State.TPI_EVALUATION and journey.tpi_stage >= 2:
        raise ValidationError(
            _("Tahap kedua: simpulkan evaluasi (memenuhi/belum memenuhi) dahulu, lalu terbitkan LHE.")
        )
    if not may_issue(actor, journey):
        raise PermissionDenied(_("Hanya ketua tim atau pengendali teknis TPI yang ditugaskan dapat menerbitkan LHE."))
    header = draft_of(journey)
    missing = [
        label
        for label, value in ((_("nomor"), header.number), (_("tempat"), header.place), (_("tanggal"), header.date))
        if not value
    ]
    if missing:
        raise ValidationError(_("Lengkapi %(fields)s LHE sebelum menerbitkan.") % {"fields": ", ".join(missing)})
    if not LaneScore.objects.filter(assessment_id=journey.assessment_id, lane=Lane.TPI).exists():
        raise ValidationError(_("Jalur TPI belum memiliki nilai; LHE belum dapat diterbitkan."))
    if IssuedLhe.objects.filter(journey=journey, number=header.number).exists():
        raise ValidationError(_("Nomor LHE %(number)s sudah dipakai untuk LHE sebelumnya.") % {"number": header.number})
    ordinal = IssuedLhe.objects.filter(journey=journey).count() + 1
    with translation.override(settings.LANGUAGE_CODE):  # the official text, whatever the issuer's interface
        content = render(journey, draft=False, now=now, ordinal=ordinal)
    digest = hashlib.sha256(content).hexdigest()
    issued = IssuedLhe(
        journey=journey,
        stage=ordinal,
        number=header.number,
        place=header.place,
        date=header.date,  # type: ignore[misc]  # checked among the missing fields above
        state=journey.state,
        sha256=digest,
        size=len(content),
        issued_by=actor_user(actor),
        issued_by_label=getattr(actor, "username", str(actor)),
    )
    issued.file.save(f"LHE-{ordinal}.pdf", ContentFile(content), save=False)
    issued.save()
    audit.record(
        actor,
        "issue_lhe",
        issued,
        after={
            "journey": journey.pk,
            "lhe": ordinal,
            "number": issued.number,
            "place": issued.place,
            "date": f"{issued.date:%Y-%m-%d}",
            "state": journey.state,
            "sha256": digest,
            "size": issued.size,
            "file": issued.file.name,
        },
    )
    return issued


def issued_content(issued: IssuedLhe) -> bytes:
    """The stored bytes of an issued LHE, checked against the SHA-256 recorded when it was issued."""
    with issued.file.open("rb") as handle:
        content = handle.read()
    if hashlib.sha256(content).hexdigest() != issued.sha256:
        raise ValidationError(_("Berkas LHE tersimpan tidak cocok dengan SHA-256 saat terbit."))
    return content


def may_view_any(user: Actor, journey: Journey) -> bool:
    """The LHE page: the team at work, or anyone who may download an issued version."""
    if may_work(user, journey):
        return True
    return may_download(user, journey) and IssuedLhe.objects.filter(journey=journey).exists()
