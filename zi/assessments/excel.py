"""A unit's LKE as an Excel workbook (openpyxl): export in the familiar worksheet layout, import answers back.

Layout of sheet ``LKE`` (one row per component, area, indicator and question, as in the Lampiran III
worksheet): A ``Kode`` · B ``Uraian`` · C ``Jenis jawaban`` · D ``Penjelasan`` (criteria per option) ·
E ``Jawaban`` · F ``Nilai`` (0–1) · G ``Bobot`` · H ``Skor`` · I ``Catatan`` · J ``Data dukung``.
Computed items get one extra row per numeric input, coded ``<question code>:<input key>``, whose E cell
holds the number. Scores are formulas (indicator = bobot × Σ nilai ÷ jumlah pertanyaan; sums upwards),
so the workbook recalculates in Excel/LibreOffice to the platform's score.

Import reads columns A, E and I only; every row is validated first and nothing is stored unless the
whole file is valid (errors are reported per row).
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils.exceptions import InvalidFileException

from zi.assessments.answer_import import ImportReport, answers_import
from zi.assessments.models import Answer, Assessment, Evidence, Lane
from zi.assessments.suggestions import survey_checks
from zi.core.actors import Actor
from zi.core.feedback import refusal
from zi.core.tabular import formula_safe
from zi.lke.formulas import AnswerError, normalize_answer
from zi.lke.services import template_spec
from zi.lke.spec import CHOICE_TYPES, Template

SHEET = "LKE"
HEADERS = [
    "Kode",
    "Uraian",
    "Jenis jawaban",
    "Penjelasan",
    "Jawaban",
    "Nilai",
    "Bobot",
    "Skor",
    "Catatan",
    "Data dukung",
]
TYPE_LABELS = {
    "ya_tidak": "Ya/Tidak",
    "abc": "A/B/C",
    "abcd": "A/B/C/D",
    "abcde": "A/B/C/D/E",
    "computed_percentage": "%",
    "index_0_4": "Nilai (0-4)",
}
MAX_IMPORT_ROWS = 2000
BOLD = Font(bold=True)
FILL_AREA = PatternFill("solid", fgColor="DDEBF7")
FILL_INDICATOR = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")


def _criteria(question) -> str:
    return "\n".join(f"{o.key}. {o.criteria}" if o.criteria else o.key for o in question.options)


def export_assessment_xlsx(assessment: Assessment, lane: str = Lane.SELF) -> bytes:
    """The assessment's answers in one lane as an .xlsx file (bytes)."""
    spec = template_spec(assessment.period.template)
    answers = {
        a.question.code: a for a in Answer.objects.filter(assessment=assessment, lane=lane).select_related("question")
    }
    evidence_counts: dict[int, list[str]] = {}
    for question_id, title in Evidence.objects.filter(assessment=assessment, is_withdrawn=False).values_list(
        "question_id", "title"
    ):
        evidence_counts.setdefault(question_id, []).append(title)
    question_ids = dict(assessment.period.template.questions.values_list("code", "pk"))

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    ws.append([f"LKE {spec.title}"])
    ws.append(
        [
            f"Unit: {assessment.unit.name}",
            None,
            None,
            None,
            f"Periode: {assessment.period.name}",
            None,
            None,
            None,
            f"Lajur: {Lane(lane).label}",
        ]
    )
    ws.append(HEADERS)
    for cell in ws[3]:
        cell.font = BOLD
    for column, width in zip("ABCDEFGHIJ", (16, 60, 12, 60, 12, 9, 9, 9, 40, 30), strict=True):
        ws.column_dimensions[column].width = width

    total_cells: dict[str, list[str]] = {"pemenuhan": [], "reform": [], "hasil": []}

    def add_row(values: list[Any], fill: PatternFill | None = None, bold: bool = False) -> int:
        ws.append([formula_safe(v) for v in values])
        row = ws.max_row
        for cell in ws[row]:
            cell.alignment = WRAP
            if fill is not None:
                cell.fill = fill
            if bold:
                cell.font = BOLD
        return row

    for area in (*spec.lever, *spec.result):
        aspect_label = {"pemenuhan": "Pemenuhan", "reform": "Reform", "hasil": "Hasil"}[area.aspect]
        area_row = add_row(
            [area.code, f"{aspect_label} — {area.name}", None, None, None, None, float(area.weight)],
            FILL_AREA,
            bold=True,
        )
        indicator_rows = []
        for indicator in area.indicators:
            ind_row = add_row(
                [indicator.code, indicator.name, None, None, None, None, float(indicator.weight)],
                FILL_INDICATOR,
                bold=True,
            )
            value_cells = []
            for question in indicator.questions:
                answer = answers.get(question.code)
                shown_answer: Any = None
                if answer is not None:
                    if question.answer_type in CHOICE_TYPES:
                        shown_answer = answer.choice or None
                    elif question.answer_type == "index_0_4" and answer.inputs:
                        shown_answer = next(iter(answer.inputs.values()), None)
                titles = evidence_counts.get(question_ids.get(question.code, 0), [])
                q_row = add_row(
                    [
                        question.code if question.code != indicator.code else f"{question.code}",
                        question.text,
                        TYPE_LABELS[question.answer_type],
                        _criteria(question),
                        shown_answer,
                        answer.value if answer is not None and answer.value is not None else None,
                        float(question.weight),
                        None,
                        answer.note if answer is not None else None,
                        f"{len(titles)}: " + "; ".join(titles) if titles else None,
                    ]
                )
                value_cells.append(f"F{q_row}")
                if question.answer_type == "computed_percentage":
                    stored = (answer.inputs or {}) if answer is not None else {}
                    for item in question.inputs:
                        add_row([f"{question.code}:{item.key}", item.label, "Jumlah", None, stored.get(item.key)])
            n = len(indicator.questions)
            ws[f"H{ind_row}"] = f"=G{ind_row}*SUM({','.join(value_cells)})/{n}"
            indicator_rows.append(ind_row)
        ws[f"H{area_row}"] = "=" + "+".join(f"H{r}" for r in indicator_rows)
        total_cells[area.aspect].append(f"H{area_row}")

    add_row([])
    summary = {}
    for label, key in (("Pemenuhan", "pemenuhan"), ("Reform", "reform"), ("Hasil", "hasil")):
        row = add_row([None, f"Total {label}", None, None, None, None, None, None], bold=True)
        ws[f"H{row}"] = "=" + "+".join(total_cells[key])
        summary[key] = row
    row = add_row([None, "NILAI PENGUNGKIT"], bold=True)
    ws[f"H{row}"] = f"=H{summary['pemenuhan']}+H{summary['reform']}"
    pengungkit_row = row
    row = add_row([None, "NILAI EVALUASI ZONA INTEGRITAS"], bold=True)
    ws[f"H{row}"] = f"=H{pengungkit_row}+H{summary['hasil']}"
    ws.freeze_panes = "C4"
    _survey_sheet(wb, assessment, lane, answers)

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


SURVEY_SHEET = "Survei IPAK-IPKP"
SURVEY_HEADERS = ("Kode", "Indeks", "Nilai LKE", "Sumber nilai LKE", "Nilai survei/eksternal", "Sumber", "Peringatan")


def _survey_sheet(wb: Workbook, assessment: Assessment, lane: str, answers: dict[str, Answer]) -> None:
    """The IPAK/IPKP items beside the unit's index (external value first, else its survey); the import reads only
    the LKE sheet, so this one never changes an answer."""
    checks = survey_checks(assessment, lane, answers)
    if not checks:
        return
    sheet = wb.create_sheet(SURVEY_SHEET)
    sheet.append(list(SURVEY_HEADERS))
    for cell in sheet[1]:
        cell.font = BOLD
    for check in checks:
        sheet.append(
            [
                check.code,
                check.label,
                check.lke_value,
                formula_safe(check.answer_source) or None,
                check.index_value,
                formula_safe(check.index.source) if check.index is not None else None,
                formula_safe(check.warning) or None,
            ]
        )
    for column, width in zip("ABCDEFG", (10, 8, 10, 30, 12, 60, 60), strict=True):
        sheet.column_dimensions[column].width = width


def _read_rows(uploaded_file) -> list[tuple[int, str, Any, Any]]:
    try:
        wb = load_workbook(uploaded_file, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, EOFError) as exc:
        raise ValidationError(_("Berkas bukan workbook Excel (.xlsx) yang valid.")) from exc
    if SHEET not in wb.sheetnames:
        raise ValidationError(
            _("Sheet '%(sheet)s' tidak ditemukan. Gunakan berkas hasil ekspor LKE.") % {"sheet": SHEET}
        )
    rows = []
    for index, row in enumerate(wb[SHEET].iter_rows(min_row=4, max_col=9, values_only=True), start=4):
        if index > MAX_IMPORT_ROWS:
            raise ValidationError(_("Terlalu banyak baris (lebih dari %(limit)s).") % {"limit": MAX_IMPORT_ROWS})
        code = row[0]
        if code is None or str(code).strip() == "":
            continue
        rows.append((index, str(code).strip(), row[4], row[8]))
    wb.close()
    return rows


def parse_import(spec: Template, uploaded_file) -> tuple[dict[str, tuple[object, str | None]], list]:
    """Rows → {question code: (raw answer, note)} and row errors; nothing is written here."""
    errors: list[tuple[int, str, str]] = []
    raw: dict[str, Any] = {}
    notes: dict[str, str | None] = {}
    input_rows: dict[str, dict[str, tuple[int, Any]]] = {}
    code_rows: dict[str, int] = {}
    structural = {a.code for a in (*spec.lever, *spec.result)} | {
        i.code for a in (*spec.lever, *spec.result) for i in a.indicators
    }
    for row, code, answer, note in _read_rows(uploaded_file):
        if ":" in code:
            q_code, key = code.split(":", 1)
            question = spec.questions.get(q_code)
            if question is None or key not in {i.key for i in question.inputs}:
                errors.append((row, code, _("Kode input tidak dikenal.")))
                continue
            input_rows.setdefault(q_code, {})[key] = (row, answer)
            code_rows.setdefault(q_code, row)
            continue
        question = spec.questions.get(code)
        if question is None:
            if code not in structural:
                errors.append((row, code, _("Kode pertanyaan tidak dikenal pada template ini.")))
            continue
        notes[code] = None if note is None else str(note)
        code_rows[code] = row
        if question.answer_type == "computed_percentage":
            continue
        raw[code] = answer.strip() if isinstance(answer, str) else answer
    for q_code, values in input_rows.items():
        if all(v in (None, "") for _, v in values.values()):
            raw[q_code] = None
        else:
            raw[q_code] = {key: value for key, (_, value) in values.items()}
    for code, value in raw.items():
        try:
            normalize_answer(spec.questions[code], value, spec.settings)
        except AnswerError as exc:
            errors.append((code_rows.get(code, 0), code, str(exc)))
    return {code: (raw.get(code), notes.get(code)) for code in set(raw) | set(notes)}, errors


def import_assessment_xlsx(*, actor: Actor, assessment: Assessment, uploaded_file) -> ImportReport:
    """Validate the whole workbook, then save every answer of the self lane in one transaction (or none), with one
    rescore (:func:`zi.assessments.answer_import.answers_import`)."""
    spec = template_spec(assessment.period.template)
    try:
        items, errors = parse_import(spec, uploaded_file)
    except ValidationError as exc:
        return ImportReport(errors=[(0, "", refusal(exc))])
    return answers_import(actor=actor, assessment=assessment, parsed=items, errors=sorted(errors), lane=Lane.SELF)
