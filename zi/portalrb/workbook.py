"""Export and import the official Lampiran III workbook (``data/lke-workbook-lampiran-iii.xlsx``).

Export starts from a copy of the blank official file, types the unit's answers into column K of ``LKE ZI``
(choices, the numeric input rows, IPAK/IPKP) and notes into column O, keeps every formula (so Excel or
LibreOffice recalculates the official score), adds PortalRB's ``Jawaban`` sheet laid out by the master
list's cell map, and a ``Catatan`` sheet explaining where the workbook's formulas differ from the regulation.
Import reads column K back, validates every cell first and writes all answers in one transaction or none.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import openpyxl
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils.exceptions import InvalidFileException

from zi.assessments.answer_import import ImportReport, answers_import
from zi.assessments.models import Answer, Assessment, Lane
from zi.assessments.services import may_answer
from zi.assessments.suggestions import survey_check_lines
from zi.core.actors import Actor
from zi.core.numbers import FILE_LANGUAGE, NumberError, parse_number
from zi.core.tabular import formula_safe
from zi.lke.formulas import AnswerError, normalize_answer, zero_denominator, zero_denominator_text
from zi.lke.services import template_spec
from zi.portalrb.models import SoalMapping
from zi.portalrb.selectors import number_text
from zi.portalrb.soalmap import WORKBOOK_PATH, WORKBOOK_SHEET, read_map

JAWABAN_SHEET = "Jawaban"
NOTES_SHEET = "Catatan"
NOTE_COLUMN = "O"
TOTAL_CELL = "L208"  # NILAI EVALUASI ZONA INTEGRITAS
MAX_UPLOAD_BYTES = 10 * 1024 * 1024

CATATAN = [
    gettext_lazy("Catatan tentang workbook resmi (Lampiran III PermenPAN-RB 90/2021) dan nilai aplikasi ZI"),
    "",
    gettext_lazy(
        "Berkas ini dibuat dari salinan workbook resmi; rumus-rumusnya tidak diubah. Jawaban unit ada di kolom K "
        "sheet 'LKE ZI', catatan di kolom O. Sheet 'Jawaban' memakai tata letak PortalRB (master soal 2026)."
    ),
    "",
    gettext_lazy("Perbedaan rumus workbook dengan peraturan (nilai aplikasi mengikuti peraturan):"),
    gettext_lazy(
        "1. Pertanyaan yang belum dijawab berisi teks 'Blm Diisi' yang diabaikan oleh AVERAGE: workbook hanya "
        "merata-ratakan pertanyaan yang sudah dijawab, sehingga nilai indikator yang belum lengkap bisa lebih tinggi. "
        "Aplikasi menghitung jawaban kosong sebagai 0. Nilai keduanya sama bila semua pertanyaan dijawab."
    ),
    gettext_lazy(
        "2. Indikator Penyampaian Laporan Harta Kekayaan (bobot 2) di workbook hanya merata-ratakan baris LHKPN; "
        "sub-indikator LHKASN dihitung tetapi tidak ikut dijumlahkan. Peraturan memberi bobot LHKPN 1,00 + LHKASN "
        "1,00. Nilai keduanya sama hanya bila persentase LHKPN = persentase LHKASN."
    ),
    gettext_lazy(
        "3. Penurunan pelanggaran disiplin: tahun lalu 0 dan tahun ini 0 → 100 %; tahun lalu 0 dan tahun ini > 0 → "
        "workbook menghasilkan galat pembagian, aplikasi memberi 0."
    ),
    gettext_lazy(
        "4. Persentase penanganan pengaduan = selesai ÷ harus ditindaklanjuti, dibatasi 100 % (sama di keduanya)."
    ),
    gettext_lazy(
        "5. Baris 'Jumlah yang harus melaporkan' LHKASN (K185) diisi aplikasi dengan jumlah eselon III + eselon IV + "
        "fungsional/pelaksana."
    ),
]


def _mappings(assessment: Assessment) -> list[SoalMapping]:
    rows = list(
        SoalMapping.objects.filter(template_id=assessment.period.template_id)
        .select_related("question")
        .order_by("soal_id")
    )
    if not rows:
        raise ValidationError(_("Peta soal PortalRB belum dimuat (jalankan `zi portalrb load-map`)."))
    return rows


def _cell_value(mapping: SoalMapping, answer: Answer | None) -> Any:
    if answer is None:
        return None
    if mapping.question.answer_type in ("ya_tidak", "abc", "abcd", "abcde"):
        return answer.choice or None
    inputs = answer.inputs or {}
    key = mapping.input_key or next(iter(inputs), "")
    value = inputs.get(key)
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def export_official_xlsx(assessment: Assessment, lane: str = Lane.SELF, lanes: Any = None) -> bytes:
    """The unit's answers in the official workbook (bytes); formulas untouched, recalculated on open.

    ``lanes``: the lanes the recipient may see (:func:`zi.workflow.lanes.visible_lanes`); the Jawaban sheet's TPI
    columns stay empty unless the TPI lane is in it. Default: only ``lane`` itself."""
    lanes = frozenset(lanes if lanes is not None else (lane,))
    if lane not in lanes:
        raise ValueError(f"lane {lane!r} is not among the visible lanes")
    mappings = _mappings(assessment)
    answers = {
        a.question_id: a for a in Answer.objects.filter(assessment=assessment, lane=lane).select_related("question")
    }
    tpi = (
        {a.question_id: a for a in Answer.objects.filter(assessment=assessment, lane=Lane.TPI)}
        if Lane.TPI in lanes
        else {}
    )
    wb = openpyxl.load_workbook(WORKBOOK_PATH)
    ws = wb[WORKBOOK_SHEET]
    values: dict[str, Any] = {}
    noted: set[int] = set()
    for m in mappings:
        value = _cell_value(m, answers.get(m.question_id))
        ws[m.workbook_cell] = value
        values[m.workbook_cell] = value
        answer = answers.get(m.question_id)
        if m.question_id not in noted and answer is not None and answer.note:
            ws[f"{NOTE_COLUMN}{m.workbook_cell[1:]}"] = formula_safe(answer.note)
        noted.add(m.question_id)
    for cell, parts in read_map()["workbook"]["derived"].items():
        part_values = [values.get(p) for p in parts]
        ws[cell] = sum(part_values) if all(v is not None for v in part_values) else None  # type: ignore[arg-type]  # all parts are numbers here
    ws["B2"].value = ws["B2"].value  # header untouched
    _jawaban_sheet(wb, mappings, answers, tpi)
    notes = wb.create_sheet(NOTES_SHEET)
    notes.append(
        [
            _("Unit: %(name)s") % {"name": assessment.unit.name},
            _("Periode: %(name)s") % {"name": assessment.period.name},
            _("Lajur: %(name)s") % {"name": Lane(lane).label},
        ]
    )
    for line in CATATAN:
        notes.append([str(line)])
    for line in zero_denominator_lines(assessment, answers):
        notes.append([line])
    survey_lines = survey_check_lines(assessment, lane)
    if survey_lines:
        notes.append([""])
        notes.append([_("IPAK/IPKP: nilai LKE dan nilai survei/eksternal unit")])
        for line in survey_lines:
            notes.append([formula_safe(line)])
    notes.column_dimensions["A"].width = 120
    wb.calculation.fullCalcOnLoad = True  # Excel/LibreOffice recompute every formula when opening
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def zero_denominator_lines(assessment: Assessment, answers: dict[int, Answer]) -> list[str]:
    """The ``Catatan`` lines about zero denominators: the template's rule for every computed item, then each
    answer of this lane whose value the rule decided (with the points at stake). The official workbook shows
    #DIV/0! for these; the app's value comes from the rule, which the regulation does not give."""
    spec = template_spec(assessment.period.template)
    settings = spec.settings
    lines = [
        "",
        _("Aturan penyebut 0 (template %(code)s %(version)s; tidak diatur peraturan, dapat diubah per versi template):")
        % {"code": spec.code, "version": spec.version},
    ]
    for question in sorted(spec.questions.values(), key=lambda q: q.order):
        if question.answer_type == "computed_percentage":
            lines.append(
                _("- %(code)s: aturan %(rule)s")
                % {"code": question.code, "rule": settings.zero_denominator_rule(question.code)}
            )
    by_code = {a.question.code: a for a in answers.values()}
    applied = []
    for question in sorted(spec.questions.values(), key=lambda q: q.order):
        answer = by_code.get(question.code)
        zero = zero_denominator(question, answer.inputs if answer is not None else None, settings)
        if zero is not None:
            applied.append(f"- {question.code}: {zero_denominator_text(zero)}")
    lines.append(_("Aturan penyebut 0 yang diterapkan pada jawaban lajur ini:"))
    lines.extend(applied or [_("- tidak ada")])
    return lines


def _jawaban_sheet(wb: Any, mappings: list[SoalMapping], answers: dict, tpi: dict) -> None:
    """PortalRB's ``Jawaban`` layout: one row per soal at ``excel_baris``, columns from the master list."""
    ws = wb.create_sheet(JAWABAN_SHEET)
    ws["A1"] = "Jawaban LKE ZI — tata letak PortalRB (master soal 2026)"
    header_row = 4
    first = mappings[0].excel
    ws[f"A{header_row}"] = "soal_id"
    ws[f"G{header_row}"] = "Pertanyaan"
    for key, title in (
        ("jawaban_unit", "Jawaban unit"),
        ("catatan_unit", "Catatan unit"),
        ("bukti_dukung_unit", "Bukti dukung unit"),
        ("jawaban_tpi", "Jawaban TPI"),
        ("catatan_tpi", "Catatan TPI"),
    ):
        ws[f"{first[key]}{header_row}"] = title
    noted: set[int] = set()
    for m in mappings:
        row, cols = m.excel_row, m.excel
        own, theirs = answers.get(m.question_id), tpi.get(m.question_id)
        ws[f"A{row}"] = m.soal_id
        ws[f"G{row}"] = m.text
        ws[f"{cols['jawaban_unit']}{row}"] = _cell_value(m, own)
        ws[f"{cols['jawaban_tpi']}{row}"] = _cell_value(m, theirs)
        if m.question_id not in noted:
            if own is not None and own.note:
                ws[f"{cols['catatan_unit']}{row}"] = formula_safe(own.note)
            if theirs is not None and theirs.note:
                ws[f"{cols['catatan_tpi']}{row}"] = formula_safe(theirs.note)
        noted.add(m.question_id)


def _read(uploaded_file: Any, sheet: str = WORKBOOK_SHEET) -> Any:
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise ValidationError(_("Berkas terlalu besar (maksimal 10 MB)."))
    try:
        wb = openpyxl.load_workbook(uploaded_file, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError, EOFError) as exc:
        raise ValidationError(_("Berkas bukan workbook Excel (.xlsx) yang valid.")) from exc
    if sheet not in wb.sheetnames:
        raise ValidationError(f"Sheet '{sheet}' tidak ditemukan: gunakan workbook LKE resmi (Lampiran III).")
    return wb[sheet]


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _note(value: Any) -> str | None:
    """A note cell's text: None when blank, without the apostrophe Excel keeps in front of text typed as text."""
    return None if _blank(value) else str(value).lstrip("'")


def parse_official(assessment: Assessment, uploaded_file: Any) -> tuple[dict[str, tuple[Any, str | None]], list]:
    """Cells → {question code: (raw answer, note)} and errors; nothing is written."""
    spec = template_spec(assessment.period.template)
    ws = _read(uploaded_file)
    mappings = _mappings(assessment)
    errors: list[tuple[str, str, str]] = []
    raw: dict[str, Any] = {}
    notes: dict[str, str | None] = {}
    cells: dict[str, Any] = {}
    for m in mappings:
        code = m.question.code
        value = ws[m.workbook_cell].value
        cells[m.workbook_cell] = value
        if code not in notes:
            notes[code] = _note(ws[f"{NOTE_COLUMN}{m.workbook_cell[1:]}"].value)
        if m.question.answer_type == "computed_percentage":
            if not _blank(value) and not isinstance(value, int | float):
                errors.append(
                    (
                        m.workbook_cell,
                        code,
                        _("Isian %(key)s harus angka, bukan %(value)r") % {"key": m.input_key, "value": value},
                    )
                )
                continue
            raw.setdefault(code, {})[m.input_key] = None if _blank(value) else value
        elif m.question.answer_type == "index_0_4":
            raw[code] = None if _blank(value) else value
        else:
            raw[code] = None if _blank(value) else str(value).strip()
    for cell, parts in read_map()["workbook"]["derived"].items():
        value, part_values = ws[cell].value, [cells.get(p) for p in parts]
        if not _blank(value) and all(isinstance(v, int | float) for v in part_values):
            if isinstance(value, int | float) and abs(value - sum(part_values)) > 1e-9:  # type: ignore[arg-type,operator]
                errors.append(
                    (
                        cell,
                        "",
                        _("%(cell)s (%(value)s) ≠ jumlah %(parts)s (%(sum)s)")
                        % {"cell": cell, "value": value, "parts": "+".join(parts), "sum": sum(part_values)},  # type: ignore[arg-type]  # checked numbers above
                    )
                )
    cell_of: dict[str, str] = {}
    for m in mappings:
        cell_of.setdefault(m.question.code, m.workbook_cell)
    return _normalised(spec, raw, notes, cell_of, errors)  # the derived-cell errors above name no question


def import_official_xlsx(
    *, actor: Actor, assessment: Assessment, uploaded_file: Any, lane: str = Lane.SELF
) -> ImportReport:
    """Validate every cell, then save all answers in one transaction with one rescore, or nothing
    (:func:`zi.assessments.answer_import.answers_import`)."""
    parsed, errors = parse_official(assessment, uploaded_file)
    return answers_import(actor=actor, assessment=assessment, parsed=parsed, errors=errors, lane=lane)


# Jawaban sheet columns per lane (keys of the master list's ``excel`` cell map)
JAWABAN_COLUMNS = {Lane.SELF: ("jawaban_unit", "catatan_unit"), Lane.TPI: ("jawaban_tpi", "catatan_tpi")}


def _jawaban_number(value: Any, label: str, below_thousand: bool = False) -> Any:
    """A numeric cell of the ``Jawaban`` sheet: a number, or a number typed as text read the Indonesian way by the
    shared parser ("1.000" = 1000, "3,71" = 3.71; "1.5" is ambiguous). Raises ``NumberError`` naming ``label``."""
    if isinstance(value, str):
        number = parse_number(value, label=label, below_thousand=below_thousand, lang=FILE_LANGUAGE)
        return int(number) if number == number.to_integral_value() else float(number)
    return value


def parse_jawaban(
    assessment: Assessment, uploaded_file: Any, lane: str = Lane.SELF
) -> tuple[dict[str, tuple[Any, str | None]], list[tuple[str, str, str]]]:
    """PortalRB's ``Jawaban`` sheet → {question code: (raw answer, note)} of one lane and errors by cell.

    The lane picks the columns of the master list's cell map: the unit's (``jawaban_unit``/``catatan_unit``) or
    the TPI's (``jawaban_tpi``/``catatan_tpi``). Nothing is written."""
    if lane not in JAWABAN_COLUMNS:
        raise ValidationError(_("Lajur tidak dikenal untuk sheet Jawaban."))
    answer_key, note_key = JAWABAN_COLUMNS[Lane(lane)]
    spec = template_spec(assessment.period.template)
    mappings = _mappings(assessment)
    ws = _read(uploaded_file, JAWABAN_SHEET)
    errors: list[tuple[str, str, str]] = []
    raw: dict[str, Any] = {}
    notes: dict[str, str | None] = {}
    cell_of: dict[str, str] = {}
    for m in mappings:
        code = m.question.code
        cell = f"{m.excel[answer_key]}{m.excel_row}"
        cell_of.setdefault(code, cell)
        value = ws[cell].value
        if code not in notes:
            notes[code] = _note(ws[f"{m.excel[note_key]}{m.excel_row}"].value)
        if m.question.answer_type in ("computed_percentage", "index_0_4"):
            labels = {i["key"]: i.get("label") or i["key"] for i in m.question.inputs or ()}
            label = labels.get(m.input_key) or next(iter(labels.values()), code)
            try:
                index = m.question.answer_type == "index_0_4"
                value = None if _blank(value) else _jawaban_number(value, label, below_thousand=index)
            except NumberError as exc:
                errors.append((cell, code, _("Soal %(soal)s: %(error)s") % {"soal": m.soal_id, "error": exc}))
                continue
            if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
                errors.append(
                    (
                        cell,
                        code,
                        _("Soal %(soal)s: isian harus angka, bukan %(value)r") % {"soal": m.soal_id, "value": value},
                    )
                )
                continue
            if m.question.answer_type == "computed_percentage":
                raw.setdefault(code, {})[m.input_key] = value
            else:
                raw[code] = value
        else:
            raw[code] = None if _blank(value) else str(value).strip()
    return _normalised(spec, raw, notes, cell_of, errors)


def _normalised(
    spec: Any,
    raw: dict[str, Any],
    notes: dict[str, str | None],
    cell_of: dict[str, str],
    errors: list[tuple[str, str, str]],
) -> tuple[dict[str, tuple[Any, str | None]], list[tuple[str, str, str]]]:
    """Check every collected answer with ``normalize_answer``; the errors name the answer's cell."""
    result: dict[str, tuple[Any, str | None]] = {}
    failed = {code for _cell, code, _message in errors}
    for code, value in raw.items():
        if code in failed:
            continue
        if isinstance(value, dict) and all(v is None for v in value.values()):
            value = None  # a computed item left blank is unanswered, not an error
        try:
            normalize_answer(spec.questions[code], value, spec.settings)
        except AnswerError as exc:
            errors.append((cell_of[code], code, str(exc)))
            continue
        result[code] = (value, notes.get(code))
    return result, errors


def import_jawaban_xlsx(
    *, actor: Actor, assessment: Assessment, uploaded_file: Any, lane: str = Lane.SELF
) -> ImportReport:
    """Import one lane from PortalRB's ``Jawaban`` sheet: every cell validated first, then all answers in one
    transaction or none. Only who may write that lane now may import it (``may_answer``: the unit team its own
    lane while in draft, TPI evaluators the TPI lane after submission); otherwise ``PermissionDenied``."""
    if not may_answer(actor, assessment, lane):
        raise PermissionDenied(_("Anda tidak berwenang mengisi jawaban lajur ini."))
    parsed, errors = parse_jawaban(assessment, uploaded_file, lane)
    return answers_import(actor=actor, assessment=assessment, parsed=parsed, errors=errors, lane=lane)


def recalculated_total(content: bytes) -> Any:
    """The workbook's own total (``LKE ZI``!L208) from a file saved by Excel/LibreOffice (cached values)."""
    wb = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    return wb[WORKBOOK_SHEET][TOTAL_CELL].value


def number(value: Any) -> str | None:
    return number_text(value)
