"""How a record is named on generic surfaces: the audit trail, exports, notifications, any list of mixed objects.

Why one place: a record's ``str()`` is written for the people who handle it. Integrity reports (whistle-blowing,
gratification, conflict of interest) carry a subject or a description that can name the accused or the reporter;
holders of ``audit.view`` (agency admins, national viewers) must not read it, though they see that the record
exists and changed. So every generic surface asks :func:`zi.organisations.labels.label` (a live object) or
:func:`zi.organisations.labels.describe_events` (audit rows), never ``str(obj)`` or ``AuditEvent.object_repr``.
This module (the lowest layer, used by the audit trail itself) holds the table and the neutral names; the
viewer-dependent half is :mod:`zi.organisations.labels`:

- a confidential record is named neutrally ("Laporan WBS #12") unless the viewer is an integrity handler of its
  unit (``integrity.handle``, decided by :mod:`zi.organisations.access`);
- the audit trail stores that neutral name for new events of these types (:func:`stored_label`). Older events
  keep the subject they were written with — the rows are hash-chained and never rewritten — so the display
  ignores the stored text of these types and, for non-handlers, keeps only the snapshot fields in
  ``Confidential.public_fields``.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _

HIDDEN = _("(dirahasiakan)")


@dataclass(frozen=True)
class Confidential:
    """A record type that is never named outside its handlers."""

    noun: Any  # lazy text: "Laporan WBS"
    public_fields: frozenset[str]  # snapshot keys (attnames) that anyone allowed to see the event may read


CONFIDENTIAL: dict[str, Confidential] = {
    "integrity.whistlereport": Confidential(
        _("Laporan WBS"), frozenset({"unit_id", "received_at", "status", "identity_given"})
    ),
    "integrity.gratificationreport": Confidential(
        _("Laporan gratifikasi"), frozenset({"unit_id", "offered_on", "refused", "decision"})
    ),
    "integrity.conflictofinterest": Confidential(
        _("Catatan benturan kepentingan"), frozenset({"unit_id", "declared_on", "status"})
    ),
}


# Record types whose model moved to another app: audit events written before the move keep the name they were
# written with (the trail is hash-chained and never rewritten), and every reader maps it to today's name.
FORMER_TYPES: dict[str, str] = {
    "programme.whistlereport": "integrity.whistlereport",
    "programme.gratificationreport": "integrity.gratificationreport",
    "programme.conflictofinterest": "integrity.conflictofinterest",
}


def current_type(object_type: str) -> str:
    """An audit event's ``object_type`` as today's ``app_label.model`` (see :data:`FORMER_TYPES`)."""
    return FORMER_TYPES.get(object_type, object_type)


def type_of(obj: models.Model) -> str:
    return obj._meta.label_lower


def is_confidential(object_type: str) -> bool:
    return current_type(object_type) in CONFIDENTIAL


def neutral_label(object_type: str, object_id: Any) -> str:
    """ "Laporan WBS #12": the name every generic surface shows for a confidential record (active language)."""
    return f"{CONFIDENTIAL[current_type(object_type)].noun} #{object_id}"


def stored_label_for(object_type: str, object_id: Any) -> str:
    """What the audit trail stores as ``object_repr`` of a confidential record: its neutral name in the source
    language (the stored text must not depend on who made the change)."""
    with translation.override(settings.LANGUAGE_CODE):
        return neutral_label(object_type, object_id)


def stored_label(obj: models.Model) -> str:
    """What the audit trail stores as ``object_repr`` at write time: the neutral name for confidential types,
    ``str(obj)`` else."""
    object_type = type_of(obj)
    return stored_label_for(object_type, obj.pk) if is_confidential(object_type) else str(obj)


def mask_snapshot(object_type: str, data: Any) -> Any:
    """A snapshot with every field a non-handler may not read replaced by "(dirahasiakan)"."""
    if not is_confidential(object_type) or not isinstance(data, dict):
        return data
    public = CONFIDENTIAL[current_type(object_type)].public_fields
    return {key: (value if key in public else str(HIDDEN)) for key, value in data.items()}


def display_value(value: Any) -> str:
    """A snapshot value as short text for the change list."""
    if value is None:
        return "–"
    if isinstance(value, dict):
        text = ", ".join(f"{k}: {v}" for k, v in value.items())
    elif isinstance(value, list):
        text = ", ".join(map(str, value))
    else:
        text = str(value)
    return text if len(text) <= 200 else text[:199] + "…"


# --- the audit trail's words: actions, actors, field names -------------------------------------------------------

ACTIONS: dict[str, Any] = {
    "create": _("dibuat"),
    "update": _("diubah"),
    "delete": _("dihapus"),
    "answer": _("dijawab"),
    "rescore": _("dinilai ulang"),
    "attach_evidence": _("data dukung dilampirkan"),
    "transition": _("pindah tahap"),
    "status": _("status diubah"),
    "copy_lane": _("jawaban disalin ke lajur penilai"),
    "assign": _("ditugaskan"),
    "note": _("catatan ditulis"),
    "return_flag": _("ditandai untuk perbaikan"),
    "return_addressed": _("perbaikan ditanggapi"),
    "revoke": _("dicabut"),
    "reinstate": _("dipulihkan"),
    "sptjm": _("SPTJM diunggah"),
    "issue_lhe": _("LHE diterbitkan"),
    "refresh": _("diperbarui"),
    "portalrb.load_map": _("peta soal PortalRB dimuat"),
    "carry_over": _("jawaban tahun lalu dibawa"),
    "carry_confirm": _("jawaban bawaan dikonfirmasi"),
    "change_confirm": _("perubahan dikonfirmasi"),
    "sign": _("ditandatangani"),
    "submit": _("dikirim"),
    "withdraw": _("ditarik"),
    "reopen": _("dibuka kembali"),
    "close": _("ditutup"),
    "import": _("diimpor"),
    "export": _("diekspor"),
    "append": _("ditambahkan"),
    "exclude": _("dikecualikan"),
    "revise": _("direvisi"),
    "rescan": _("dipindai ulang"),
    "members": _("anggota diubah"),
    "attendance": _("kehadiran dicatat"),
    "add_photo": _("foto ditambahkan"),
    "withdraw_photo": _("foto ditarik"),
    "codes_generate": _("kode sekali pakai dibuat"),
    "tpi_override": _("keputusan TPI atas syarat"),
    "second_factor_enabled": _("verifikasi dua langkah diaktifkan"),
    "erase_notify_email": _("surel pemberitahuan dihapus"),
    "public": _("diterbitkan"),
}

# Stored actor names that are no person: the demo seeds and background work (the stored text stays: it is hashed).
SYSTEM_ACTORS: dict[str, Any] = {
    "seed_demo": _("Sistem (data demo)"),
    "zi seed_demo": _("Sistem (data demo)"),
    "system": _("Sistem"),
    "importer": _("Sistem (impor)"),
}

# Snapshot keys whose model field has no verbose name of its own (most models name only their form fields).
FIELD_NAMES: dict[str, Any] = {
    "id": _("nomor"),
    "created_at": _("dibuat pada"),
    "updated_at": _("diubah pada"),
    "status": _("status"),
    "state": _("tahap"),
    "name": _("nama"),
    "full_name": _("nama lengkap"),
    "username": _("nama pengguna"),
    "email": _("surel"),
    "nip": _("NIP"),
    "code": _("kode"),
    "title": _("judul"),
    "subtitle": _("subjudul"),
    "description": _("uraian"),
    "summary": _("ringkasan"),
    "note": _("catatan"),
    "notes": _("catatan"),
    "reason": _("alasan"),
    "kind": _("jenis"),
    "category": _("kategori"),
    "channel": _("saluran"),
    "unit": _("unit"),
    "unit_id": _("unit"),
    "unit_type_id": _("jenis unit"),
    "agency_id": _("instansi"),
    "parent_id": _("unit induk"),
    "period_id": _("periode"),
    "assessment_id": _("penilaian"),
    "question_id": _("pertanyaan"),
    "template_id": _("templat LKE"),
    "journey": _("keikutsertaan"),
    "journey_id": _("keikutsertaan"),
    "award_id": _("predikat"),
    "user_id": _("pengguna"),
    "person_id": _("orang"),
    "owner_id": _("penanggung jawab"),
    "leader_id": _("ketua"),
    "controller_id": _("pengendali teknis"),
    "created_by_id": _("dibuat oleh"),
    "recorded_by_id": _("dicatat oleh"),
    "addressed_by_id": _("ditanggapi oleh"),
    "reporter_id": _("pelapor"),
    "agent_id": _("agen perubahan"),
    "complaint_id": _("pengaduan"),
    "plan_item_id": _("butir rencana kerja"),
    "work_plan_id": _("rencana kerja"),
    "tpi_team_id": _("tim TPI"),
    "survey_campaign_id": _("survei"),
    "survey_item_id": _("butir survei"),
    "supersedes_id": _("menggantikan"),
    "lane_return_id": _("pengembalian"),
    "lane": _("lajur"),
    "value": _("nilai"),
    "value_text": _("jawaban (teks)"),
    "value_number": _("jawaban (angka)"),
    "value_before": _("nilai sebelum"),
    "value_after": _("nilai sesudah"),
    "value_estimate": _("perkiraan nilai"),
    "choice": _("pilihan"),
    "inputs": _("isian perhitungan"),
    "total": _("nilai total"),
    "eligible_wbk": _("memenuhi syarat WBK"),
    "eligible_wbbm": _("memenuhi syarat WBBM"),
    "file": _("berkas"),
    "file_name": _("nama berkas"),
    "content_type": _("jenis berkas"),
    "size": _("ukuran"),
    "sha256": _("sidik SHA-256"),
    "content_hash": _("sidik isi"),
    "hash": _("sidik"),
    "logo_sha256": _("sidik logo"),
    "sptjm_sha256": _("sidik SPTJM"),
    "revision": _("revisi"),
    "source": _("sumber"),
    "path": _("letak di pohon"),
    "year": _("tahun"),
    "date": _("tanggal"),
    "number": _("nomor"),
    "place": _("tempat"),
    "version": _("versi"),
    "is_active": _("aktif"),
    "is_open": _("terbuka"),
    "is_withdrawn": _("ditarik"),
    "result": _("hasil"),
    "recommendation": _("rekomendasi"),
    "recommendations": _("rekomendasi"),
    "findings": _("temuan"),
    "report_date": _("tanggal laporan"),
    "decision": _("keputusan"),
    "decision_note": _("catatan keputusan"),
    "predicate": _("predikat"),
    "target_predicate": _("predikat tujuan"),
    "awarded_predicate": _("predikat diraih"),
    "current_predicate": _("predikat dipegang"),
    "decree_number": _("nomor keputusan"),
    "decree_date": _("tanggal keputusan"),
    "decree_ref": _("rujukan keputusan"),
    "revoked_on": _("dicabut pada"),
    "revocation_reason": _("alasan pencabutan"),
    "ban_until": _("larangan sampai"),
    "starts_on": _("mulai"),
    "ends_on": _("selesai"),
    "opens_at": _("dibuka"),
    "closes_at": _("ditutup"),
    "due_on": _("tenggat"),
    "done_on": _("selesai pada"),
    "held_on": _("dilaksanakan pada"),
    "declared_on": _("dicanangkan pada"),
    "received_at": _("diterima pada"),
    "resolved_at": _("diselesaikan pada"),
    "submitted_at": _("dikirim pada"),
    "proposed_at": _("diusulkan pada"),
    "closed_at": _("ditutup pada"),
    "closed_reason": _("alasan penutupan"),
    "sla_due_at": _("batas waktu layanan"),
    "attendees": _("peserta"),
    "members": _("anggota"),
    "signatories": _("penanda tangan"),
    "instruments": _("instrumen"),
    "respondent_groups": _("kelompok responden"),
    "service_types": _("jenis layanan"),
    "services": _("layanan"),
    "lke_codes": _("pertanyaan LKE"),
    "role": _("peran"),
    "position": _("jabatan"),
    "employment_type": _("status kepegawaian"),
    "province": _("provinsi"),
    "time_zone": _("zona waktu"),
    "address": _("alamat"),
    "serves_public": _("melayani publik langsung"),
    "builds_zi": _("membangun ZI"),
    "progress": _("kemajuan"),
    "subject": _("perihal"),
    "public_response": _("tanggapan untuk pelapor"),
    "complainant_name": _("nama pengadu"),
    "complainant_contact": _("kontak pengadu"),
    "identity_given": _("identitas diberikan"),
    "tpi_override_checks": _("syarat yang diputuskan TPI"),
    "tpi_override_reason": _("alasan keputusan TPI"),
    "tpi_stage": _("tahap TPI"),
    "tpi_due": _("tenggat TPI"),
    "area_key": _("area"),
    "tlhp_percent": _("tindak lanjut LHP (%)"),
    "lhkpn_percent": _("LHKPN (%)"),
    "sakip": _("SAKIP"),
    "sakip_internal": _("SAKIP internal"),
    "indeks_rb": _("indeks RB"),
    "bpk_opinion": _("opini BPK"),
    "spip_level": _("level SPIP"),
    "proposal_deadline": _("batas pengusulan"),
    "review_deadline": _("batas reviu"),
    "tpi_deadline": _("batas evaluasi TPI"),
    "self_assessment_deadline": _("batas penilaian mandiri"),
    "require_second_factor": _("wajib verifikasi dua langkah"),
    "respondents": _("responden"),
    "population_size": _("jumlah populasi"),
    "answers": _("jawaban"),
    "questions": _("pertanyaan"),
    "skipped": _("dilewati"),
    "evidence": _("data dukung"),
    "created": _("dibuat"),
    "updated": _("diubah"),
    "removed": _("dihapus"),
    "refreshed": _("diperbarui"),
    "from": _("dari"),
    "to": _("ke"),
    "from_year": _("dari tahun"),
    "from_assessment": _("dari penilaian"),
    "missing_only": _("hanya yang belum ada"),
    "all_units": _("semua unit"),
    "rollup_rows": _("baris rekap"),
    "lhe": _("LHE"),
    "token": _("token"),
    "logo": _("logo"),
    "logo_content_type": _("jenis berkas logo"),
    "measure_unit": _("satuan"),
    "minutes": _("notulen"),
    "effect_note": _("catatan dampak"),
    "situation": _("situasi"),
    "mitigation": _("mitigasi"),
    "problem_statement": _("masalah"),
    "beneficiaries": _("penerima manfaat"),
    "simplifications": _("penyederhanaan"),
    "survey_finding": _("temuan survei"),
    "survey_reference": _("rujukan survei"),
    "related_party": _("pihak terkait"),
    "gift_description": _("uraian pemberian"),
    "giver_description": _("uraian pemberi"),
    "offered_on": _("ditawarkan pada"),
    "refused": _("ditolak"),
    "handling_notes": _("catatan penanganan"),
    "made_on": _("dibuat pada"),
    "appointed_on": _("ditunjuk pada"),
    "check_date": _("tanggal pemeriksaan"),
    "capacity": _("kapasitas"),
    "integrated": _("terintegrasi"),
    "integration_how": _("cara integrasi"),
    "standard_reference": _("rujukan standar"),
    "index_mapping": _("pemetaan indeks"),
    "remind_days": _("pengingat (hari)"),
    "require_code": _("wajib kode"),
    "kiosk_enabled": _("kios aktif"),
    "started_on": _("dimulai pada"),
    "addressed_at": _("ditanggapi pada"),
    "addressed_note": _("tanggapan"),
    "declaration": _("pencanangan"),
    "questions_set": _("set pertanyaan"),
    "unit_networks": _("jaringan unit"),
    "channel_reference": _("rujukan saluran"),
    "afirmasi": _("afirmasi"),
}


def actor_name(stored: str) -> str:
    """Who made a change, for a person: a user's name as stored, "Sistem (data demo)" for the demo seeds."""
    known = SYSTEM_ACTORS.get(stored or "system")
    return str(known) if known is not None else stored


def action_name(action: str) -> str:
    """An audit action ("transition") as words ("pindah tahap"); an unknown one with its underscores as spaces."""
    known = ACTIONS.get(action)
    return str(known) if known is not None else action.replace("_", " ").replace(".", " ")


def _model(object_type: str) -> type[models.Model] | None:
    try:
        return apps.get_model(current_type(object_type))
    except (LookupError, ValueError):
        return None


# Models without a verbose name of their own (naming them in Meta would add migrations for no schema change).
OBJECT_TYPES: dict[str, Any] = {
    "lke.lkequestion": _("pertanyaan LKE"),
    "assessments.answer": _("jawaban"),
    "assessments.lanescore": _("nilai lajur"),
    "assessments.evidence": _("data dukung"),
    "assessments.evidencerevision": _("revisi data dukung"),
    "surveys.instrumentitem": _("butir instrumen"),
    "surveys.servicepoint": _("titik layanan"),
    "surveys.onetimecode": _("kode sekali pakai"),
    "surveys.response": _("tanggapan survei"),
    "surveys.responseitem": _("butir tanggapan"),
    "surveys.deviceresponse": _("tanggapan dari perangkat"),
    "programme.attendance": _("kehadiran"),
    "programme.activityphoto": _("foto kegiatan"),
    "programme.followupaction": _("tindak lanjut"),
    "programme.attachedevidence": _("lampiran data dukung"),
    "workflow.journeyevent": _("riwayat tahap"),
    "workflow.declarationdocument": _("dokumen pencanangan"),
    "workflow.performanceagreement": _("perjanjian kinerja"),
    "workflow.performancetarget": _("target kinerja"),
    "workflow.agencyprofile": _("profil instansi"),
    "workflow.tpiteam": _("tim TPI"),
    "workflow.periodcalendar": _("kalender periode"),
    "workflow.changeconfirmation": _("konfirmasi perubahan"),
    "workflow.lhedraft": _("draf LHE"),
    "portalrb.soalmapping": _("pemetaan soal PortalRB"),
}


def object_type_name(object_type: str) -> str:
    """``workflow.journey`` as the model's verbose name, capitalised ("Keikutsertaan")."""
    model = _model(object_type)
    if object_type in OBJECT_TYPES:
        name = str(OBJECT_TYPES[object_type])
        return name[:1].upper() + name[1:]
    if model is None:
        return object_type.rsplit(".", 1)[-1].replace("_", " ").capitalize()
    name = str(model._meta.verbose_name)
    return name[:1].upper() + name[1:]


@functools.cache
def model_field(object_type: str, key: str) -> models.Field | None:
    """The field a snapshot key (an attname such as ``unit_id`` or a name) stands for, None if not a field
    (cached: models do not change while the process runs)."""
    model = _model(object_type)
    if model is None:
        return None
    for field in model._meta.concrete_fields:
        if key in (field.attname, field.name):
            return field
    return None


def field_name(object_type: str, key: str) -> str:
    """The one rule naming a snapshot key for people: the field's own verbose name when the model gives one, the
    shared table of :data:`FIELD_NAMES` else, the key with spaces for underscores as the last resort."""
    field = model_field(object_type, key)
    if field is not None and str(field.verbose_name) != field.name.replace("_", " "):
        return str(field.verbose_name)
    known = FIELD_NAMES.get(key)
    if known is not None:
        return str(known)
    return key.removesuffix("_id").replace("_", " ")


# Values a snapshot key holds that no model field's choices name (JSON lists of codes, the extra keys of bulk
# events): each app registers its own words when it is ready (layers: this module knows no app above it).
KEY_VALUES: dict[str, dict[str, Any]] = {}
# Object types whose stored ``object_repr`` is a technical key ("12/self/106"): the app gives a function naming
# the live records of a page ({pk: name}, one query), used by the audit trail instead of the stored text.
LIVE_NAMES: dict[str, Any] = {}


def register_key_values(keys: Iterable[str], choices: Iterable[tuple[Any, Any]]) -> None:
    for key in keys:
        KEY_VALUES.setdefault(key, {}).update({str(value): label for value, label in choices})


# Keys whose values are ids of live records (e.g. a campaign's "instruments"): the app gives a function naming them
# ({str(id): name}, one query for the list), so the audit trail shows names where the snapshot kept ids.
KEY_NAMERS: dict[str, Any] = {}


def register_key_namer(key: str, namer: Any) -> None:
    KEY_NAMERS[key] = namer


def register_live_names(object_type: str, names: Any) -> None:
    LIVE_NAMES[object_type] = names


def key_value(key: str, value: Any) -> str | None:
    """A coded value by the words registered for its key (None: none registered for it)."""
    known = KEY_VALUES.get(key, {}).get(str(value))
    return str(known) if known is not None else None
