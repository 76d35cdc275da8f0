"""``zi surveys ikm RESPONSES.csv``: a stable command-line interface checked against a hand computation."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def _csv(rows, header="U1,U2,U3,U4,U5,U6,U7,U8,U9", sep=","):
    return header + "\n" + "\n".join(sep.join("" if v is None else str(v) for v in row) for row in rows) + "\n"


def _sikm_rows():
    """29 respondents: U1..U8 = 19 × 4 + 10 × 3 (Σ 106), U9 = 20 × 4 + 9 × 3 (Σ 107). See test_indices."""
    rows = []
    for r in range(29):
        row = [4 if r < 19 else 3 for _ in range(8)] + [4 if r < 20 else 3]
        rows.append(row)
    return rows


def _run(path, capsys):
    call_command("surveys", "ikm", str(path))
    return json.loads(capsys.readouterr().out)


def test_ikm_matches_hand_computation(tmp_path, capsys):
    path = tmp_path / "skm.csv"
    path.write_text(_csv(_sikm_rows()), encoding="utf-8")
    out = _run(path, capsys)
    # IKM = 955/261 × 25 = 91.4751 → 91.48 (A); NRR U1 = 106/29 = 3.655, U9 = 107/29 = 3.690
    assert out["ikm"] == 91.48 and out["grade"] == "A" and out["performance"] == "Sangat baik"
    assert out["nrr"]["U1"] == 3.655 and out["nrr"]["U9"] == 3.69
    assert out["respondents"] == 29 and out["weight"] == "1/9"
    assert set(out["nrr"]) == {f"U{i}" for i in range(1, 10)}


def test_ikm_blanks_semicolons_bom_and_extra_columns(tmp_path, capsys):
    # Respondent 1: all 4 except U4 blank; respondent 2: all 2; a fully blank row is not a respondent.
    text = "\ufeffNo;u1;U2;U3;U4;U5;U6;U7;U8;U9\n1;4;4;4;;4;4;4;4;4\n2;2;2;2;2;2;2;2;2;2\n3;;;;;;;;;\n"
    path = tmp_path / "skm.csv"
    path.write_bytes(text.encode("utf-8"))
    out = _run(path, capsys)
    # U4 NRR = 2, others 3 → (8×3 + 2)/9 × 25 = 72.22 (C)
    assert out["ikm"] == 72.22 and out["grade"] == "C" and out["respondents"] == 2
    assert out["respondents_per_element"]["U4"] == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_csv([[4, 4, 4, 5, 4, 4, 4, 4, 4]]), "row 2, column U4: '5' is not an answer 1–4"),
        (_csv([[4, 4, 4, 0, 4, 4, 4, 4, 4]]), "column U4"),
        (_csv([[4, 4, "x", 4, 4, 4, 4, 4, 4]]), "row 2, column U3: 'x'"),
        (_csv([[4, 4, 3.5, 4, 4, 4, 4, 4, 4]]), "column U3"),
        (_csv([[4] * 8], header="U1,U2,U3,U4,U5,U6,U7,U8"), "missing column(s): U9"),
        ("", "file is empty"),
        ("U1,U2,U3,U4,U5,U6,U7,U8,U9\n", "no respondents"),
        (_csv([[4, None, 4, 4, 4, 4, 4, 4, 4]]), "no answers for element(s) U2"),
    ],
)
def test_ikm_bad_input(tmp_path, content, message):
    """The messages in English (``ZI_LANGUAGE=en``); the Indonesian default is checked through ``zi`` below."""
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with translation.override("en"), pytest.raises(CommandError) as exc:
        call_command("surveys", "ikm", str(path))
    assert message in str(exc.value)


def test_ikm_wrong_encoding(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("Keterangan,U1,U2,U3,U4,U5,U6,U7,U8,U9\nsangat baik é,4,4,4,4,4,4,4,4,4\n".encode("utf-16"))
    with pytest.raises(CommandError, match="bukan teks UTF-8"):
        call_command("surveys", "ikm", str(path))


def test_ikm_missing_file(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("surveys", "ikm", str(tmp_path / "nope.csv"))


def test_ikm_cli_exit_status_and_stderr(tmp_path):
    """Through the real ``zi`` entry point: JSON on stdout and exit 0; errors on stderr and exit non-zero."""
    good = tmp_path / "good.csv"
    good.write_text(_csv(_sikm_rows()), encoding="utf-8")
    zi = [sys.executable, "-m", "zi.cli"]
    ok = subprocess.run([*zi, "surveys", "ikm", str(good)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["ikm"] == 91.48
    bad = tmp_path / "bad.csv"
    bad.write_text(_csv([[4, 4, 4, 9, 4, 4, 4, 4, 4]]), encoding="utf-8")
    fail = subprocess.run([*zi, "surveys", "ikm", str(bad)], capture_output=True, text=True, cwd=ROOT, check=False)
    assert fail.returncode != 0
    assert "baris 2, kolom U4: '9' bukan jawaban 1–4" in fail.stderr and fail.stdout == ""
