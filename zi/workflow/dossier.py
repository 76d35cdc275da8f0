"""The proposal dossier (berkas usulan): one zip per proposed unit for the agency's proposal to TPN.

Contents: a summary PDF for TPN (``ringkasan-usulan.pdf``: the unit, the TPI conclusion, the declaration with the
signatories' share, the survey indices with their sources, complaints, and every member's SHA-256), the LKE export
(self and TPI lanes, the existing Excel export), the LHE PDF, the declaration's stored documents, the SPTJM, the
evidence index (question, title, revision, SHA-256, link) and the survey results of the period (CSV).
``SHA256SUMS`` lists the hash of every member so the package can be checked after it travels.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zi.assessments.excel import export_assessment_xlsx
from zi.assessments.models import Answer, EvidenceRevision, Lane
from zi.core import audit
from zi.core.actors import Actor
from zi.core.pdf import render_pdf
from zi.core.tabular import csv_bytes
from zi.organisations.access import Action, may
from zi.organisations.letterhead import document_context
from zi.organisations.timezones import format_local, local
from zi.programme.selectors import complaint_counts_many
from zi.surveys.unit_indices import survey_index_dicts
from zi.workflow import lhe
from zi.workflow.lanes import visible_lanes
from zi.workflow.models import Declaration, Journey, State
from zi.workflow.selectors import declaration_share

# The package exists once TPI concluded "meets": prepared before proposing, downloadable afterwards.
DOSSIER_STATES = frozenset(
    {State.TPI_MEETS, State.PROPOSED, State.AWARDED, State.NOT_AWARDED, State.MONITORED, State.REVOKED}
)


def may_download(user: Actor, journey: Journey) -> bool:
    return journey.state in DOSSIER_STATES and may(user, Action.PROPOSAL_SUBMIT, journey.unit)


def _lhe(journey: Journey, base: str) -> list[tuple[str, bytes]]:
    """Every issued LHE exactly as issued (LHE 1, LHE 2, …); without one, the draft as it stands, marked DRAF, in
    the official Indonesian text (the package goes to TPN)."""
    issued = lhe.issued_versions(journey)
    if issued:
        return [(f"LHE-{v.stage}-{base}.pdf", lhe.issued_content(v)) for v in issued]
    with translation.override(settings.LANGUAGE_CODE):
        return [(f"LHE-draf-{base}.pdf", lhe.render(journey, draft=True))]


def _declaration(journey: Journey) -> tuple[dict[str, Any] | None, list[tuple[str, Any]]]:
    """The latest declaration (pencanangan) as the summary shows it, and its stored documents (zip name, file)."""
    declaration = Declaration.objects.filter(unit=journey.unit).order_by("-declared_on").first()
    if declaration is None:
        return None, []
    signed, staff, percent = declaration_share(declaration)
    files = [
        (f"pencanangan/{document.kind}-{document.pk}-{document.original_name or 'dokumen'}", document.file)
        for document in declaration.documents.order_by("pk")
    ]  # listed with their SHA-256 among the summary's members
    return {
        "declaration": declaration,
        "signed": signed,
        "staff": staff,
        "percent": percent,
        "signatories": [
            f"{u.get_full_name() or u.username} ({u.get_employment_type_display()})"
            for u in declaration.signatories.order_by("username")
        ],
    }, files


def _summary_pdf(
    journey: Journey, declaration: dict[str, Any] | None, members: list[tuple[str, bytes]], tpi_visible: bool
) -> bytes:
    """The package's first page for TPN (``ringkasan-usulan.pdf``): the unit and its proposal, the TPI conclusion,
    the declaration and its signatories' share, the survey indices with their sources, complaints, and every other
    member with its SHA-256 — times in the unit's zone with its abbreviation."""
    uid = journey.unit_id
    context = {
        **document_context(journey.unit.agency),
        "journey": journey,
        "unit": journey.unit,
        "tpi_visible": tpi_visible,
        "d": declaration,
        "indices": survey_index_dicts([uid], journey.period)[uid],
        "complaints": complaint_counts_many([uid], journey.period)[uid],
        "members": [(name, hashlib.sha256(data).hexdigest()) for name, data in members],
        "proposed_at": format_local(journey.proposed_at, journey.unit),
        "generated_at": format_local(timezone.now(), journey.unit),
    }
    with translation.override(settings.LANGUAGE_CODE):  # the package goes to TPN: the official Indonesian text
        return render_pdf("workflow/documents/dossier_summary.html", context)


def _evidence_index(journey: Journey, link_for: Callable[[int, int], str]) -> bytes:
    rows: list[list[Any]] = [
        ["kode", "judul", "jenis", "revisi", "sha256", "ukuran_byte", "nama_berkas", "tautan", "ditarik"]
    ]
    revisions = (
        EvidenceRevision.objects.filter(evidence__assessment_id=journey.assessment_id)
        .select_related("evidence__question")
        .order_by("evidence__question__order", "evidence_id", "number")
    )
    for r in revisions:
        link = r.url or link_for(r.evidence_id, r.number)
        rows.append(
            [
                r.evidence.question.code,
                r.evidence.title,
                r.evidence.kind,
                r.number,
                r.sha256,
                r.size,
                r.original_name,
                link,
                "ya" if r.evidence.is_withdrawn else "tidak",
            ]
        )
    return csv_bytes(rows)


def _surveys(journey: Journey) -> bytes:
    uid = journey.unit_id
    idx = survey_index_dicts([uid], journey.period)[uid]
    complaints = complaint_counts_many([uid], journey.period)[uid]
    rows = [
        ["indikator", "nilai", "sumber"],
        ["IKM (25-100)", idx["ikm"], idx["ikm_source"]],
        ["IPAK (0-4)", idx["ipak"], idx["ipak_source"]],
        ["IPKP (0-4)", idx["ipkp"], idx["ipkp_source"]],
        ["responden", idx["respondents"], ""],
        ["pengaduan diterima", complaints["total"], ""],
        ["pengaduan selesai", complaints["resolved"], ""],
        ["pengaduan selesai tepat waktu", complaints["on_time"], ""],
        ["pengaduan terbuka melewati SLA", complaints["overdue"], ""],
    ]
    return csv_bytes(rows)


def build_dossier(journey: Journey, *, link_for: Callable[[int, int], str], lanes: Any) -> tuple[bytes, dict[str, str]]:
    """The zip bytes and {member name: sha256}. ``link_for(evidence_pk, revision)`` gives a file's address;
    ``lanes`` are the lanes the recipient may see (:func:`zi.workflow.lanes.visible_lanes`): a lane outside it
    is neither exported nor in the LHE."""
    base = f"{journey.unit.code}-{journey.period.year}"
    members: list[tuple[str, bytes]] = [
        (f"LKE-mandiri-{base}.xlsx", export_assessment_xlsx(journey.assessment, lane=Lane.SELF)),
    ]
    tpi_visible = Lane.TPI in lanes
    if tpi_visible and Answer.objects.filter(assessment_id=journey.assessment_id, lane=Lane.TPI).exists():
        members.append((f"LKE-TPI-{base}.xlsx", export_assessment_xlsx(journey.assessment, lane=Lane.TPI)))
    if tpi_visible:
        members += _lhe(journey, base)
    declaration, files = _declaration(journey)
    for name, field in files:
        with field.open("rb") as handle:
            members.append((name, handle.read()))
    if journey.sptjm:
        with journey.sptjm.open("rb") as handle:
            members.append((f"SPTJM-{base}.pdf", handle.read()))
    members.append(("indeks-data-dukung.csv", _evidence_index(journey, link_for)))
    members.append(("hasil-survei.csv", _surveys(journey)))
    facts = {
        "unit": journey.unit.name,
        "unit_code": journey.unit.code,
        "period": journey.period.year,
        "category": journey.category,
        "state": journey.state,
        "proposed_at": local(journey.proposed_at, journey.unit).isoformat() if journey.proposed_at else None,
        "tpi_conclusion": journey.tpi_conclusion if tpi_visible else None,
        "sptjm_sha256": journey.sptjm_sha256 or None,
        "generated_at": local(timezone.now(), journey.unit).isoformat(),  # the unit's zone, with its offset
    }
    members.append(("usulan.json", json.dumps(facts, ensure_ascii=False, indent=2).encode("utf-8")))
    members.insert(0, ("ringkasan-usulan.pdf", _summary_pdf(journey, declaration, members, tpi_visible)))
    hashes = {name: hashlib.sha256(data).hexdigest() for name, data in members}
    sums = "".join(f"{digest}  {name}\n" for name, digest in hashes.items()).encode("utf-8")
    buffer = io.BytesIO()
    stamp = local(timezone.now(), journey.unit).timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in [*members, ("SHA256SUMS", sums)]:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue(), hashes


@transaction.atomic
def dossier_export(*, actor: Actor, journey: Journey, link_for: Callable[[int, int], str]) -> bytes:
    """Build the package for someone who may propose the unit, and audit who took which contents."""
    if not may_download(actor, journey):
        raise PermissionDenied(_("Anda tidak berwenang mengunduh berkas usulan unit ini."))

    content, hashes = build_dossier(journey, link_for=link_for, lanes=visible_lanes(actor, journey.assessment))
    audit.record(
        actor,
        "export",
        journey,
        after={"dossier": True, "sha256": hashlib.sha256(content).hexdigest(), "members": hashes},
    )
    return content
