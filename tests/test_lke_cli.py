"""``zi lke score``: the CLI agrees with a hand computation and rejects bad input with a clear message."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

ROOT = Path(__file__).resolve().parent.parent
ZI = [sys.executable, "-c", "from zi.cli import main; main()"]

EXAMPLE = {
    "template": "permenpanrb-90-2021",
    "answers": {
        "A.I.1.i.a": "Ya",
        "A.I.1.i.b": "B",
        "A.II.1.i.a": {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 7},
        "B.I.a": 3.71,
        "B.I.b": "B",
        "B.II.a": 3.45,
    },
    "current_predicate": None,
}


def run(args, stdin=None, tmp_path=None):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}", "DJANGO_SETTINGS_MODULE": ""}
    env.pop("DJANGO_SETTINGS_MODULE")
    return subprocess.run(  # noqa: S603
        [*ZI, "lke", "score", *args], input=stdin, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120
    )


def test_score_file_without_database_matches_hand_computation(tmp_path):
    """A.I.1.i (weight 0.5, 2 questions): Ya = 1, B = 0.5 → 0.5 × 0.75 = 0.375 (Pemenuhan 0.38).
    A.II.1.i (weight 2, 2 questions): 7 / 10 = 0.7 and the other unanswered (0) → 2 × 0.35 = 0.7.
    Pengungkit 1.075 → 1.08. IPAK 17.5 × 3.71 / 4 = 16.23125; kinerja B 5 × 0.75 = 3.75;
    IPKP 17.5 × 3.45 / 4 = 15.09375; hasil 35.075 → 35.08. Total 36.15."""
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    proc = run([str(answers)], tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["total"], out["pengungkit"], out["hasil"], out["pemenuhan"], out["reform"]) == (
        36.15,
        1.08,
        35.08,
        0.38,
        0.7,
    )
    assert out["areas"]["Manajemen Perubahan"] == {"score": 1.08, "weight": 8.0, "pemenuhan": 0.38, "reform": 0.7}
    assert out["hasil_items"]["ipak"] == {"index": 3.71, "score": 16.23}
    assert out["eligibility"]["WBK"]["eligible"] is False
    assert "Nilai total 36,15 < 75,00" in out["eligibility"]["WBK"]["reasons"]
    assert "Belum memiliki predikat Menuju WBK" in out["eligibility"]["WBBM"]["reasons"]
    assert (out["answered"], out["unanswered"]) == (6, 107)


def test_score_stdin_and_template_file(tmp_path):
    from zi.lke.spec import TEMPLATES_DIR

    template = TEMPLATES_DIR / "permenpanrb-90-2021.yaml"
    proc = run(["-", "--template-file", str(template)], stdin=json.dumps(EXAMPLE), tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["total"] == 36.15


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("{not json", "JSON tidak valid"),
        (json.dumps({"template": "tidak-ada", "answers": {}}), "Template 'tidak-ada' tidak dikenal"),
        (json.dumps({**EXAMPLE, "answers": {"A.9.z": "Ya"}}), "Kode pertanyaan tidak dikenal: A.9.z"),
        (json.dumps({**EXAMPLE, "answers": {"A.I.1.i.b": "F"}}), "Pilihan 'F' tidak ada untuk A.I.1.i.b"),
        (
            json.dumps(
                {**EXAMPLE, "answers": {"A.II.1.i.a": {"jumlah_agen_perubahan": -1, "jumlah_perubahan_dibuat": 1}}}
            ),
            "tidak boleh negatif",
        ),
        (
            json.dumps(
                {**EXAMPLE, "answers": {"A.II.1.i.a": {"jumlah_agen_perubahan": "x", "jumlah_perubahan_dibuat": 1}}}
            ),
            "harus berupa angka",
        ),
    ],
)
def test_bad_input_exits_non_zero(tmp_path, stdin, message):
    proc = run(["-"], stdin=stdin, tmp_path=tmp_path)
    assert proc.returncode != 0
    assert message in proc.stderr
    assert proc.stdout == ""


def test_every_problem_is_reported(tmp_path):
    doc = {**EXAMPLE, "answers": {"A.9": "Ya", "A.I.1.i.b": "F", "B.I.a": 7}}
    proc = run(["-"], stdin=json.dumps(doc), tmp_path=tmp_path)
    assert proc.returncode != 0
    for part in ("A.9", "Pilihan 'F'", "antara 0 dan 4"):
        assert part in proc.stderr


@pytest.mark.django_db
def test_call_command_uses_the_stored_template(tmp_path, capsys):
    call_command("lke", "load")
    capsys.readouterr()
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps(EXAMPLE), encoding="utf-8")
    call_command("lke", "score", str(answers))
    assert json.loads(capsys.readouterr().out)["total"] == 36.15
    with pytest.raises(CommandError, match="tidak dapat dibaca"):
        call_command("lke", "score", str(tmp_path / "missing.json"))
