"""PortalRB ``soal_id`` ↔ our LKE question codes and input keys, and the official workbook's answer cells.

PortalRB numbers its 127 soals (master list, ``data/portalrb-master-soal-2026.json``): one per choice
question, one per numeric input ("Jumlah") of a computed item, and the IPAK/IPKP indices. Our template
(PermenPAN-RB 90/2021) has 113 questions; its computed questions carry named inputs. The mapping is *data*
(``zi/lke/templates_data/portalrb-2026-soal-map.json``), generated once by :func:`generate_map` (tree position,
checked by answer type and text similarity) and loaded by :func:`load_map` into :class:`SoalMapping` rows and
``LkeQuestion.soal_id``. :func:`check_map` compares master list, map file and template both ways.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection, transaction

from zi.core import audit
from zi.core.actors import Actor
from zi.lke.models import LkeQuestion, LkeTemplate
from zi.lke.spec import TEMPLATES_DIR, Template, load_template_file
from zi.portalrb.models import SoalMapping

DATA_DIR = Path(__file__).resolve().parent / "data"
MASTER_PATH = DATA_DIR / "portalrb-master-soal-2026.json"
WORKBOOK_PATH = DATA_DIR / "lke-workbook-lampiran-iii.xlsx"
MAP_PATH = TEMPLATES_DIR / "portalrb-2026-soal-map.json"
WORKBOOK_SHEET = "LKE ZI"

# master ``jenis_jawaban`` → our answer type (for a soal that is a whole question) or "input"
JENIS_TO_TYPE = {
    "YA_TIDAK": "ya_tidak",
    "ABC": "abc",
    "ABCD": "abcd",
    "ABCDE": "abcde",
    "0-4": "index_0_4",
    "JUMLAH": "input",
}
# the workbook's "Pilihan Jawaban" (column J) → our answer type
WORKBOOK_TYPES = {
    "Ya/Tidak": "ya_tidak",
    "A/B/C": "abc",
    "A/B/C/D": "abcd",
    "A/B/C/D/E": "abcde",
    "%": "computed_percentage",
    "Nilai\n(0-4)": "index_0_4",
}
MIN_SIMILARITY = 0.6


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^0-9a-z]+", " ", (text or "").casefold())).strip()


def similarity(a: str, b: str) -> float:
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return 0.0
    if a in b or b in a:
        return 1.0
    ta, tb = set(a.split()), set(b.split())
    overlap = len(ta & tb) / min(len(ta), len(tb))  # word order differs between the sources
    return round(max(overlap, difflib.SequenceMatcher(None, a, b).ratio()), 3)


def load_master(path: Path | str = MASTER_PATH) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def master_soals(master: dict[str, Any]) -> list[dict[str, Any]]:
    """Every soal in tree order (a node's own soals before its children's), with its ancestors' names."""
    found: list[dict[str, Any]] = []

    def walk(node: dict[str, Any], trail: tuple[str, ...]) -> None:
        here = (*trail, str(node.get("nama", "")))
        for soal in node.get("soals") or ():
            found.append({**soal, "_trail": here})
        for child in node.get("children") or ():
            walk(child, here)

    for root in master.get("data") or ():
        walk(root, ())
    return found


@dataclass(frozen=True)
class Slot:
    """One thing PortalRB gives a soal to: a whole question (``input`` empty) or one input of a computed one."""

    question: str
    input: str
    kind: str  # our answer type, or "input"
    text: str


def template_slots(spec: Template) -> list[Slot]:
    slots: list[Slot] = []
    for code, q in spec.questions.items():
        if q.answer_type == "computed_percentage":
            slots.extend(Slot(code, i.key, "input", i.label) for i in q.inputs)
        else:
            slots.append(Slot(code, "", q.answer_type, q.text))
    return slots


def workbook_cells(spec: Template, path: Path | str = WORKBOOK_PATH) -> dict[str, Any]:
    """Our question/input → the workbook's answer cell in column K (``"A.I.1.i.a"`` / ``"A.II.1.i.a:key"``).

    Question rows are found in order by their "Pilihan Jawaban"; inputs of a computed item are the plain-number
    rows below it matched by label. Rows that are sums of inputs in the workbook but not inputs here (the LHKASN
    total) are returned under ``"derived"`` as cell → list of input cells.
    """
    # lazy: openpyxl loads only when a map file is read
    import openpyxl

    ws = openpyxl.load_workbook(path)[WORKBOOK_SHEET]
    question_rows: list[tuple[int, str, str]] = []
    blocks: dict[int, list[tuple[int, str]]] = {}
    current = None
    for row in range(1, ws.max_row + 1):
        jtext = str(ws[f"J{row}"].value or "").strip(" ")
        kind = WORKBOOK_TYPES.get(jtext)
        is_item = bool(ws[f"G{row}"].value) or bool(ws[f"D{row}"].value and ws[f"E{row}"].value)
        if kind and is_item:
            label = str(ws[f"G{row}"].value or ws[f"E{row}"].value)
            question_rows.append((row, kind, label))
            current = row
            blocks[row] = []
        elif jtext == "Jumlah" and current is not None:
            k = ws[f"K{row}"].value
            if not (isinstance(k, str) and k.startswith("=")):
                blocks[current].append((row, str(ws[f"G{row}"].value or "")))
    questions = list(spec.questions.values())
    if len(question_rows) != len(questions):
        raise ValueError(f"workbook has {len(question_rows)} question rows, template {len(questions)}")
    cells: dict[str, Any] = {}
    derived: dict[str, list[str]] = {}
    problems: list[str] = []
    for (row, kind, _label), q in zip(question_rows, questions, strict=True):
        if kind != q.answer_type:
            problems.append(f"K{row} {kind} ≠ {q.code} {q.answer_type}")
        if q.answer_type != "computed_percentage":
            cells[q.code] = f"K{row}"
            continue
        rows = list(blocks[row])
        for inp in q.inputs:
            best = max(rows, key=lambda r: similarity(inp.label.split(" - ")[-1], r[1]))
            cells[f"{q.code}:{inp.key}"] = f"K{best[0]}"
            rows.remove(best)
        if rows:  # workbook-only rows: totals typed by hand there, sums of our inputs
            for extra_row, _label in rows:
                derived[f"K{extra_row}"] = [cells[f"{q.code}:{i.key}"] for i in q.inputs if i.key.startswith("wajib_")]
    if problems:
        raise ValueError("; ".join(problems))
    return {"cells": cells, "derived": derived}


def generate_map(*, template_path: Path | str | None = None, master_path: Path | str = MASTER_PATH) -> dict[str, Any]:
    """Align the master list with our template by tree position; check answer type and text on every pair."""
    template_path = template_path or TEMPLATES_DIR / "permenpanrb-90-2021.yaml"
    spec = load_template_file(template_path)
    master = load_master(master_path)
    soals = master_soals(master)
    slots = template_slots(spec)
    if len(soals) != len(slots):
        raise ValueError(f"master has {len(soals)} soals, template {len(slots)} answer slots")
    wb = workbook_cells(spec)
    rows = []
    for soal, slot in zip(soals, slots, strict=True):
        jenis = str(soal["jenis_jawaban"]).upper()
        expected = JENIS_TO_TYPE.get(jenis)
        if expected != slot.kind:
            raise ValueError(f"soal {soal['id']} ({jenis}) does not fit {slot.question} {slot.input} ({slot.kind})")
        score = similarity(slot.text, soal["teks_pertanyaan"])
        if score < MIN_SIMILARITY:
            # an input's label may sit in the item's criteria instead
            score = max(score, similarity(slot.text, soal.get("kriteria_nilai") or ""))
        key = f"{slot.question}:{slot.input}" if slot.input else slot.question
        if slot.kind == "index_0_4":
            key = slot.question
        rows.append(
            {
                "soal_id": int(soal["id"]),
                "question": slot.question,
                "input": slot.input
                or (spec.questions[slot.question].inputs[0].key if slot.kind == "index_0_4" else ""),
                "jenis_jawaban": soal["jenis_jawaban"],
                "teks": soal["teks_pertanyaan"],
                "similarity": score,
                "workbook_cell": wb["cells"][key],
                "excel": {
                    "sheet": soal["excel_sheet"],
                    "row": int(soal["excel_baris"]),
                    "jawaban_unit": soal["excel_kolom_jawaban_unit"],
                    "jawaban_tpi": soal["excel_kolom_jawaban_tpi"],
                    "catatan_unit": soal["excel_kolom_catatan_unit"],
                    "bukti_dukung_unit": soal["excel_kolom_bukti_dukung_unit"],
                    "catatan_tpi": soal["excel_kolom_catatan_tpi"],
                },
            }
        )
    return {
        "source": (
            "Generated by `zi portalrb generate-map` from zi/portalrb/data/portalrb-master-soal-2026.json "
            "(PortalRB master soal, tahun 2026) and zi/portalrb/data/lke-workbook-lampiran-iii.xlsx; aligned by "
            "tree position, each pair checked by answer type and text similarity (kept in `similarity`)."
        ),
        "template": {"code": spec.code, "version": spec.version},
        "master": {"tahun": master.get("tahun"), "generated_at": master.get("generated_at"), "total_soal": len(soals)},
        "workbook": {"sheet": WORKBOOK_SHEET, "derived": wb["derived"]},
        "soals": rows,
    }


def write_map(data: dict[str, Any], path: Path | str = MAP_PATH) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, indent=1)
        handle.write("\n")


def read_map(path: Path | str = MAP_PATH) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


@dataclass
class LoadResult:
    template: LkeTemplate
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    questions_set: int = 0


@transaction.atomic
def load_map(*, actor: Actor = None, path: Path | str = MAP_PATH) -> LoadResult:
    """Store the map file in :class:`SoalMapping` rows and ``LkeQuestion.soal_id``; running it again changes nothing."""
    data = read_map(path)
    template = LkeTemplate.objects.get(code=data["template"]["code"], version=data["template"]["version"])
    result = LoadResult(template)
    questions = {q.code: q for q in LkeQuestion.objects.filter(template=template)}
    existing = {m.soal_id: m for m in SoalMapping.objects.filter(template=template).select_related("question")}
    wanted_ids = set()
    direct: dict[str, int] = {}
    new_rows: list[SoalMapping] = []
    for row in data["soals"]:
        question = questions.get(row["question"])
        if question is None:
            raise ValueError(f"soal {row['soal_id']}: question {row['question']} is not in {template}")
        wanted_ids.add(row["soal_id"])
        values = {
            "question": question,
            "input_key": row["input"] if question.answer_type == "computed_percentage" else "",
            "jenis_jawaban": row["jenis_jawaban"],
            "text": row["teks"],
            "workbook_cell": row["workbook_cell"],
            "excel_row": row["excel"]["row"],
            "excel": row["excel"],
        }
        if question.answer_type != "computed_percentage":
            direct[question.code] = row["soal_id"]
        mapping = existing.get(row["soal_id"])
        if mapping is None:
            new_rows.append(SoalMapping(template=template, soal_id=row["soal_id"], **values))
            result.created += 1
        elif any(getattr(mapping, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(mapping, k, v)
            mapping.save()
            result.updated += 1
        else:
            result.unchanged += 1
    SoalMapping.objects.bulk_create(new_rows)
    stale = [pk for soal_id, pk in ((m.soal_id, m.pk) for m in existing.values()) if soal_id not in wanted_ids]
    SoalMapping.objects.filter(pk__in=stale).delete()
    changed = []
    for code, question in questions.items():
        soal_id = direct.get(code)
        if question.soal_id != soal_id:
            question.soal_id = soal_id
            changed.append(question)
    if changed:  # one statement run for every row (bulk_update's CASE expression costs more than it saves here)
        table = connection.ops.quote_name(LkeQuestion._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET soal_id = %s WHERE id = %s",  # noqa: S608 - the model's own table name
                [(question.soal_id, question.pk) for question in changed],
            )
    result.questions_set = len(changed)
    if result.created or result.updated or result.questions_set or stale:
        audit.record(
            actor,
            "portalrb.load_map",
            template,
            after={
                "created": result.created,
                "updated": result.updated,
                "removed": len(stale),
                "questions_set": result.questions_set,
            },
        )
    return result


@dataclass
class CheckReport:
    master_without_match: list[str] = field(default_factory=list)
    ours_without_soal: list[str] = field(default_factory=list)
    mismatches: list[str] = field(default_factory=list)
    low_similarity: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.master_without_match or self.ours_without_soal or self.mismatches)


def check_map(
    *, path: Path | str = MAP_PATH, master_path: Path | str = MASTER_PATH, spec: Template | None = None
) -> CheckReport:
    """Both ways: master soals the map does not place, and our questions/inputs no soal points to."""
    data = read_map(path)
    spec = spec or load_template_file(TEMPLATES_DIR / "permenpanrb-90-2021.yaml")
    report = CheckReport()
    by_id = {row["soal_id"]: row for row in data["soals"]}
    for soal in master_soals(load_master(master_path)):
        row = by_id.get(int(soal["id"]))
        if row is None:
            report.master_without_match.append(f"soal {soal['id']}: {soal['teks_pertanyaan'][:80]}")
            continue
        question = spec.questions.get(row["question"])
        if question is None:
            report.mismatches.append(f"soal {soal['id']} → {row['question']}: question not in the template")
            continue
        if (
            row["input"]
            and question.answer_type != "index_0_4"
            and row["input"] not in question.option_keys + tuple(i.key for i in question.inputs)
        ):
            report.mismatches.append(f"soal {soal['id']} → {row['question']}:{row['input']}: unknown input")
        if row.get("similarity", 1) < MIN_SIMILARITY:
            report.low_similarity.append(f"soal {soal['id']} → {row['question']} ({row['similarity']})")
    placed = {(row["question"], row["input"] or "") for row in data["soals"]}
    for slot in template_slots(spec):
        key = (
            slot.question,
            slot.input or (spec.questions[slot.question].inputs[0].key if slot.kind == "index_0_4" else ""),
        )
        if key not in placed:
            report.ours_without_soal.append(
                f"{slot.question}{':' + slot.input if slot.input else ''}: {slot.text[:80]}"
            )
    return report
