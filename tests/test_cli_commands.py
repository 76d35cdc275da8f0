"""The project's ``zi`` commands: listed in the README, one language with help for every argument, import order,
``zi create_admin``, what ``zi lke rescore --queue`` says, the sample files, the seed summary."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command, get_commands, load_command_class
from django.utils import translation

from zi.core.models import AuditEvent
from zi.organisations.models import Role, RoleAssignment, UnitType

ROOT = Path(__file__).resolve().parent.parent
ZI = str(Path(sys.executable).parent / "zi")
SAMPLES = ROOT / "docs" / "samples"
DJANGO_OPTIONS = {"help", "version", "verbosity", "settings", "pythonpath", "traceback", "no_color", "force_color"}
DJANGO_OPTIONS |= {"skip_checks"}
PASSWORD = "Rahasia-Kuat-2026!"


def project_commands() -> dict[str, str]:
    """``zi`` commands defined by this project's apps (name → app), not Django's or third parties'."""
    return {name: app for name, app in get_commands().items() if app.startswith("zi.")}


def zi(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZI_")) and k != "DATABASE_URL"}
    clean.update({"HOME": str(cwd), **env})
    return subprocess.run(  # noqa: S603 - fixed arguments
        [ZI, *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=180, check=False
    )


def test_every_zi_command_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("## The `zi` command") : readme.index("## Documentation")]
    commands = project_commands()
    assert {"lke", "surveys", "import_org", "create_admin", "seed_demo", "audit"} <= set(commands)
    missing = sorted(name for name in commands if f"`zi {name}" not in table)
    assert not missing, f"add these commands to README.md's table: {missing}"


def _undocumented(parser: argparse.ArgumentParser, path: str) -> list[str]:
    """Arguments (and sub-commands) of the command itself without a help text, walking sub-parsers."""
    gaps = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helped = {choice.dest for choice in action._choices_actions if choice.help}
            for name, sub in action.choices.items():
                if name not in helped:
                    gaps.append(f"{path} {name}")
                gaps.extend(_undocumented(sub, f"{path} {name}"))
        elif action.dest not in DJANGO_OPTIONS and not action.help:
            gaps.append(f"{path} {action.dest}")
    return gaps


def _help(name: str, app: str, language: str) -> tuple[str, list[str]]:
    with translation.override(language):
        parser = load_command_class(app, name).create_parser("zi", name)
        return parser.format_help(), _undocumented(parser, f"zi {name}")


@pytest.mark.parametrize("name", sorted(project_commands()))
def test_every_command_helps_in_indonesian_and_in_english(name):
    """The description and every argument have a help text, written in Indonesian and translated (gettext)."""
    app = project_commands()[name]
    indonesian, gaps = _help(name, app, "id")
    english, _gaps = _help(name, app, "en")
    assert not gaps, f"arguments without help: {gaps}"
    description = indonesian.split("\n\n")[1]
    assert description.strip() and description != english.split("\n\n")[1], "the description is not translated"


def test_import_org_says_units_come_before_people(agency, tmp_path):
    helped = io.StringIO()
    parser = load_command_class("zi.organisations", "import_org").create_parser("zi", "import_org")
    parser.print_help(helped)
    text = " ".join(helped.getvalue().split())
    assert "Impor unit lebih dulu, lalu pegawai" in text
    assert "unit_code" in text and "docs/samples/units.csv" in text
    with pytest.raises(CommandError, match="belum punya unit kerja: impor unit lebih dulu") as refused:
        call_command("import_org", "people", str(SAMPLES / "people.csv"), "--agency", agency.code)
    assert f"zi import_org units BERKAS --agency {agency.code}" in str(refused.value)
    for code in ("kanwil", "lapas", "lpka", "rutan", "bapas", "kanim"):  # the unit types the sample uses
        UnitType.objects.get_or_create(code=code, defaults={"name": code.title()})
    call_command("import_org", "units", str(SAMPLES / "units.csv"), "--agency", agency.code, stdout=io.StringIO())
    out = io.StringIO()
    call_command("import_org", "people", str(SAMPLES / "people.csv"), "--agency", agency.code, stdout=out)
    assert "7 data diimpor" in out.getvalue()


def test_create_admin_makes_a_login_with_a_role_through_the_audited_services(agency, client, monkeypatch):
    monkeypatch.setenv("ZI_ADMIN_PASSWORD", PASSWORD)
    out = io.StringIO()
    call_command("create_admin", "admin.baru", "--agency", agency.code, "--full-name", "Admin Baru", stdout=out)
    assert "Pengguna admin.baru dibuat." in out.getvalue()
    assert f"Peran Admin instansi diberikan di {agency.name}." in out.getvalue()
    assignment = RoleAssignment.objects.get(user__username="admin.baru")
    assert (assignment.role, assignment.agency, assignment.unit) == (Role.AGENCY_ADMIN, agency, None)
    events = AuditEvent.objects.filter(actor_label="zi create_admin").order_by("seq")
    assert [(e.action, e.object_type) for e in events] == [
        ("create", "accounts.user"),
        ("create", "organisations.roleassignment"),
    ]
    assert "password" not in json.dumps(events[0].after)
    logged_in = client.post("/akun/masuk/", {"username": "admin.baru", "password": PASSWORD})
    assert logged_in.status_code == 302, "the new admin cannot log in"
    home = client.get("/").content.decode()
    assert "Belum ada peran" not in home and "Admin instansi" in home

    monkeypatch.setenv("ZI_ADMIN_PASSWORD", "Lain-Sandi-2026!x")  # a second run only adds a role, keeps the password
    again = io.StringIO()
    call_command("create_admin", "admin.baru", "--agency", agency.code, "--role", "tpi_evaluator", stdout=again)
    assert "sudah ada; kata sandinya tidak diubah" in again.getvalue()
    client.logout()
    assert client.post("/akun/masuk/", {"username": "admin.baru", "password": PASSWORD}).status_code == 302
    assert set(RoleAssignment.objects.filter(user__username="admin.baru").values_list("role", flat=True)) == {
        Role.AGENCY_ADMIN,
        Role.TPI_EVALUATOR,
    }


def test_create_admin_refuses_what_it_cannot_do(agency, tree, monkeypatch):
    monkeypatch.delenv("ZI_ADMIN_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="ZI_ADMIN_PASSWORD"):
        call_command("create_admin", "x.admin", "--agency", agency.code, "--noinput")
    monkeypatch.setenv("ZI_ADMIN_PASSWORD", "pendek")
    with pytest.raises(CommandError, match="terlalu pendek"):  # the password rules apply
        call_command("create_admin", "x.admin", "--agency", agency.code)
    monkeypatch.setenv("ZI_ADMIN_PASSWORD", PASSWORD)
    with pytest.raises(CommandError, match="sebutkan --unit"):
        call_command("create_admin", "x.admin", "--agency", agency.code, "--role", "unit_team_leader")
    with pytest.raises(CommandError, match="Instansi tidak ditemukan: NOPE"):
        call_command("create_admin", "x.admin", "--agency", "NOPE")
    assert not AuditEvent.objects.filter(actor_label="zi create_admin").exists()
    call_command(
        "create_admin", "x.ketua", "--agency", agency.code, "--role", "unit_team_leader", "--unit", "lapas-plg",
        stdout=io.StringIO(),
    )  # fmt: skip
    assert RoleAssignment.objects.get(user__username="x.ketua").unit == tree["lapas"]


def test_lke_rescore_queue_says_whether_it_ran_here_or_waits_for_a_worker(demo_db, monkeypatch, capsys):
    from huey.contrib.djhuey import HUEY

    call_command("lke", "rescore", "2026", "--queue")  # the embedded default: no worker, runs at once
    said = capsys.readouterr().out
    assert "tidak ada pekerja antrean (ZI_TASKS_REDIS_URL kosong), jadi dijalankan langsung di sini" in said
    assert re.search(r"\d+ penilaian dinilai ulang \(jalur self\)", said)
    monkeypatch.setattr(HUEY, "immediate", False)  # as with ZI_TASKS_REDIS_URL: a worker would run it
    try:
        call_command("lke", "rescore", "2026", "--queue")
        said = capsys.readouterr().out
        assert "penilaian ulang jalur self masuk antrean untuk pekerja (`zi run_huey`)" in said
        assert "dinilai ulang" not in said
        assert HUEY.pending_count() == 1
    finally:
        HUEY.flush()


def test_the_sample_answers_score_from_any_directory(tmp_path):
    """docs/samples/lke-answers.json with ``zi lke score``, run elsewhere, on a database nobody set up (the shipped
    template is used): the figures docs/lke.md quotes."""
    result = zi(["lke", "score", str(SAMPLES / "lke-answers.json")], tmp_path, ZI_VAR_DIR=str(tmp_path / "state"))
    assert result.returncode == 0, result.stderr
    scored = json.loads(result.stdout)
    assert (scored["total"], scored["pengungkit"], scored["hasil"]) == (89.84, 53.51, 36.33)
    assert (scored["answered"], scored["unanswered"]) == (113, 0)
    assert scored["eligibility"]["WBK"] == {"eligible": True, "reasons": []}
    assert scored["eligibility"]["WBBM"]["reasons"] == [
        "IPKP 3,45 < 3,60 (pelayanan publik prima 15,09 < 15,75)",
        "Belum memiliki predikat Menuju WBK",
    ]
    lke_doc = (ROOT / "docs" / "lke.md").read_text(encoding="utf-8")
    assert "docs/samples/lke-answers.json" in lke_doc and "total 89,84" in lke_doc
    ikm = zi(["surveys", "ikm", str(SAMPLES / "skm-responses.csv")], tmp_path, ZI_VAR_DIR=str(tmp_path / "state"))
    assert ikm.returncode == 0, ikm.stderr
    assert (json.loads(ikm.stdout)["ikm"], json.loads(ikm.stdout)["grade"]) == (83.37, "B")


def test_the_seed_summary_states_one_people_count_and_says_what_it_counts(demo_db):
    from django.contrib.auth import get_user_model

    from zi.demo import organisations as demo
    from zi.demo import workflow as demo_workflow

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    text = out.getvalue()
    summary = next(line for line in text.splitlines() if line.startswith("Data demo siap"))
    people = int(re.search(r"(\d+) orang dengan unit kerja di instansi demo", summary).group(1))
    assert people == demo_db["people"]
    assert "pegawai satker, akun demo, dan orang yang ditambahkan untuk menandatangani pakta integritas" in summary
    # the one fact, broken down: staff of the organisation step + demo logins with a unit + pact-signing heads and
    # staff of units without a staff list + the TPI team's technical controller (no login)
    users = get_user_model().objects.filter(unit__agency__code__in=["KEMENKUMHAM", "PEMPROV-KALSEL"])
    logins = users.filter(username__in=[login.username for login in demo.DEMO_LOGINS]).count()
    heads = users.filter(username__regex=r"^(kepala|staf[0-9]+)\.").count()
    heads += users.filter(username=demo_workflow.CONTROLLER[0]).count()
    assert people == sum(spec.count for spec in demo.STAFF) + logins + heads
    created = next(line for line in text.splitlines() if line.startswith("Dibuat (struktur organisasi)"))
    assert "0 pegawai satker, 0 akun demo" in created  # a re-run creates nothing, and says so per kind
    assert f"Akun demo (kata sandi: {demo.DEMO_PASSWORD})" in text
