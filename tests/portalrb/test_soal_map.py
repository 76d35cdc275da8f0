"""The soal map: every PortalRB soal placed on one of our questions/inputs and back, loaded idempotently."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from zi.lke.models import LkeQuestion
from zi.lke.services import templates_load_all
from zi.portalrb import soalmap
from zi.portalrb.models import SoalMapping


def test_map_file_covers_master_and_template_both_ways():
    report = soalmap.check_map()
    assert report.ok, (report.master_without_match, report.ours_without_soal, report.mismatches)
    data = soalmap.read_map()
    assert len(data["soals"]) == 127
    assert len({r["soal_id"] for r in data["soals"]}) == 127
    assert len({r["workbook_cell"] for r in data["soals"]}) == 127


def test_map_file_is_what_the_generator_makes():
    assert soalmap.generate_map()["soals"] == soalmap.read_map()["soals"]


def test_known_pairs():
    rows = {r["soal_id"]: r for r in soalmap.read_map()["soals"]}
    assert (rows[1]["question"], rows[1]["input"], rows[1]["workbook_cell"]) == ("A.I.1.i.a", "", "K8")
    assert (rows[89]["question"], rows[89]["input"]) == ("A.II.1.i.a", "jumlah_perubahan_dibuat")
    assert (rows[90]["question"], rows[90]["input"]) == ("A.II.1.i.b", "jumlah_perubahan_dibuat")
    assert (rows[116]["question"], rows[116]["input"]) == ("A.II.5.iii.a", "lhkpn_sudah_melaporkan")
    assert (rows[125]["question"], rows[125]["input"], rows[125]["workbook_cell"]) == ("B.I.a", "ipak", "K202")
    assert rows[127]["question"] == "B.II.a"
    assert rows[1]["excel"] == {
        "sheet": "Jawaban",
        "row": 6,
        "jawaban_unit": "K",
        "jawaban_tpi": "N",
        "catatan_unit": "L",
        "bukti_dukung_unit": "M",
        "catatan_tpi": "Q",
    }


def test_check_reports_both_ways(tmp_path):
    data = soalmap.read_map()
    data["soals"] = [r for r in data["soals"] if r["soal_id"] != 5]
    path = tmp_path / "map.json"
    soalmap.write_map(data, path)
    report = soalmap.check_map(path=path)
    assert any(line.startswith("soal 5:") for line in report.master_without_match)
    assert any(line.startswith("A.I.1.ii.c") for line in report.ours_without_soal)
    assert not report.ok


@pytest.mark.django_db
def test_load_map_is_idempotent_and_sets_soal_id(capsys):
    templates_load_all()
    call_command("portalrb", "load-map")
    assert SoalMapping.objects.count() == 127
    assert LkeQuestion.objects.get(code="A.I.1.i.a").soal_id == 1
    assert LkeQuestion.objects.get(code="B.II.a").soal_id == 127
    assert LkeQuestion.objects.get(code="A.II.1.i.a").soal_id is None  # its inputs carry soals 88 and 89
    first = soalmap.load_map()
    assert (first.created, first.updated, first.questions_set) == (0, 0, 0)
    assert first.unchanged == 127
    call_command("portalrb", "check-map")
    assert "OK" in capsys.readouterr().out


@pytest.mark.django_db
def test_lke_load_loads_the_soal_map_with_its_template():
    """A fresh install (`zi lke load`, as scripts/demo.sh runs it) serves every soal without `portalrb load-map`."""
    call_command("lke", "load")
    assert SoalMapping.objects.count() == 127
    call_command("lke", "load")  # again: nothing changes
    assert SoalMapping.objects.count() == 127


def test_the_demo_serves_all_127_soals_for_a_unit_with_an_lke(demo_db):
    from zi.assessments.models import Assessment
    from zi.portalrb import selectors

    assessment = Assessment.objects.select_related("unit", "period").order_by("pk").first()
    result = selectors.unit_answers_payload(unit=assessment.unit, period=assessment.period)
    assert len(result.payload["answers"]) == 127
    assert any(row["jawaban_unit"] not in (None, "") for row in result.payload["answers"])
