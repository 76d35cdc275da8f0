"""``zi backup`` / ``zi restore``: an instance round-trips exactly (every row, every file's bytes, the audit chain),
a tampered or foreign archive is refused before anything is written, and only an empty database is restored into.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.api.world import build
from zi.assessments.models import Evidence, EvidenceRevision
from zi.core import backup
from zi.core.models import AuditEvent

ROOT = Path(__file__).resolve().parent.parent


def _everything() -> dict[str, list[dict]]:
    """Every row of every backed-up model, with full-precision values (python serializer: datetimes stay objects)."""
    rows = {}
    for model in backup._models():
        queryset = model._base_manager.order_by(model._meta.pk.name)
        rows[model._meta.label_lower] = serializers.serialize("python", queryset)
    return rows


def _files() -> dict[str, str]:
    hashes = {}
    for name in backup._referenced_files():
        with default_storage.open(name, "rb") as handle:
            hashes[name] = hashlib.sha256(handle.read()).hexdigest()
    return hashes


def _rewrite(source: Path, target: Path, change) -> None:
    """Copy the archive member by member; ``change(name, data)`` returns new bytes, or None to drop the member."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for info in old:
            data = old.extractfile(info).read()
            data = change(info.name, data)
            if data is None:
                continue
            info.size = len(data)
            new.addfile(info, io.BytesIO(data))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media-source")
    return settings


@pytest.fixture
def instance(media, tree):
    world = build(tree)
    TOTPDevice.objects.create(user=world["member"], name="authenticator", confirmed=True)
    return world


@pytest.mark.django_db(transaction=True)
def test_round_trip_is_exact(instance, media, tmp_path):
    before_rows, before_files = _everything(), _files()
    assert before_files and AuditEvent.objects.count() > 10
    archive = tmp_path / "zi.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert "Cadangan ditulis" in out.getvalue()
    with pytest.raises(CommandError, match="sudah ada"):
        call_command("backup", str(archive))

    call_command("flush", interactive=False, verbosity=0)  # a new, empty, migrated database
    media.MEDIA_ROOT = str(tmp_path / "media-restored")  # and an empty storage
    assert not Evidence.objects.exists() and not _files()

    out = io.StringIO()
    call_command("restore", str(archive), stdout=out)
    assert "Rantai audit utuh" in out.getvalue()
    assert _everything() == before_rows
    assert _files() == before_files
    revision = EvidenceRevision.objects.exclude(file="").first()
    with default_storage.open(revision.file.name, "rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == revision.sha256
    verified = io.StringIO()
    call_command("audit", "verify", stdout=verified)
    assert "Rantai audit utuh" in verified.getvalue()

    with pytest.raises(CommandError, match="tidak kosong"):  # a second restore would mix two instances
        call_command("restore", str(archive))


@pytest.mark.django_db(transaction=True)
def test_tampered_archives_are_refused_before_anything_is_written(instance, media, tmp_path):
    archive = tmp_path / "zi.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    assert "Arsip utuh" in _run_check(archive)
    call_command("flush", interactive=False, verbosity=0)
    media.MEDIA_ROOT = str(tmp_path / "media-restored")
    evidence_member = next(
        n for n in json.loads(_member(archive, "manifest.json"))["members"] if n.startswith("files/")
    )

    cases = {
        "evidence-bytes": (lambda n, d: d + b"x" if n == evidence_member else d, "tidak cocok dengan SHA-256"),
        "database-row": (
            lambda n, d: d.replace(b"Antrean lama", b"Antrean baru") if n == "database.jsonl" else d,
            "tidak cocok dengan SHA-256",
        ),
        "member-removed": (lambda n, d: None if n == evidence_member else d, "hilang"),
        "no-manifest": (lambda n, d: None if n == "manifest.json" else d, "tidak memuat manifest.json"),
    }
    for label, (change, message) in cases.items():
        bad = tmp_path / f"{label}.tar.gz"
        _rewrite(archive, bad, change)
        with pytest.raises(CommandError, match=message):
            call_command("restore", str(bad))

    extra = tmp_path / "traversal.tar.gz"
    with tarfile.open(archive, "r:gz") as old, tarfile.open(extra, "w:gz") as new:
        for info in old:
            new.addfile(info, old.extractfile(info))
        evil = tarfile.TarInfo("files/../../etc/cron.d/zi")
        evil.size = 3
        new.addfile(evil, io.BytesIO(b"bad"))
    with pytest.raises(CommandError, match="tidak aman"):
        call_command("restore", str(extra))

    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    with pytest.raises(CommandError, match="tidak dapat dibaca"):
        call_command("restore", str(truncated))

    assert not Evidence.objects.exists() and not AuditEvent.objects.exists()
    assert not any(path.is_file() for path in Path(media.MEDIA_ROOT).rglob("*"))


def _member(archive: Path, name: str) -> bytes:
    with tarfile.open(archive, "r:gz") as tar:
        return tar.extractfile(name).read()


def _run_check(archive: Path) -> str:
    out = io.StringIO()
    call_command("restore", str(archive), "--check", stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_restore_refuses_another_schema(instance, media, tmp_path):
    archive = tmp_path / "zi.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    call_command("flush", interactive=False, verbosity=0)

    def other_schema(name, data):
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"]["assessments"].append("9999_from_the_future")
        return json.dumps(manifest).encode()

    forged = tmp_path / "forged.tar.gz"
    _rewrite(archive, forged, other_schema)
    with pytest.raises(CommandError, match="Skema basis data"):
        call_command("restore", str(forged))
    assert not AuditEvent.objects.exists()


def _zi(args: list[str], var: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")}
    env["ZI_VAR_DIR"] = str(var)
    return subprocess.run(
        [str(Path(sys.executable).parent / "zi"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )


@pytest.mark.slow
def test_demo_instance_round_trips_through_the_command_line(tmp_path):
    """The commands an operator runs: a demo instance → backup → a new instance → restore → audit verify."""
    if os.environ.get("DATABASE_URL"):
        pytest.skip("runs once, in the SQLite pass (it starts its own SQLite instances); PostgreSQL round-trips above")
    source, target = tmp_path / "source", tmp_path / "target"
    migrated = _zi(["migrate", "--noinput"], target)  # the new, empty instance …
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    source.mkdir()
    shutil.copy(target / "zi.sqlite3", source / "zi.sqlite3")  # … and a copy of it (one migrate is slow enough)
    for args in (["lke", "load"], ["seed_demo"]):  # seed_demo includes the workflow journeys
        result = _zi(args, source)
        assert result.returncode == 0, (args, result.stderr[-2000:])
    archive = tmp_path / "demo.tar.gz"
    made = _zi(["backup", str(archive)], source)
    assert made.returncode == 0, made.stderr[-2000:]
    restored = _zi(["restore", str(archive)], target)
    assert restored.returncode == 0, restored.stderr[-2000:]
    assert "Rantai audit utuh" in restored.stdout
    verified = _zi(["audit", "verify", "--json"], target)
    assert verified.returncode == 0 and json.loads(verified.stdout)["ok"] is True
    dumps = [_zi(["dumpdata", "--exclude=sessions", "--exclude=axes", "--indent=0"], var) for var in (source, target)]
    assert dumps[0].returncode == 0 and dumps[0].stdout == dumps[1].stdout
    source_files = sorted(p.relative_to(source / "media") for p in (source / "media").rglob("*") if p.is_file())
    target_files = sorted(p.relative_to(target / "media") for p in (target / "media").rglob("*") if p.is_file())
    assert target_files and set(source_files) >= set(target_files)
    for name in target_files:
        assert (source / "media" / name).read_bytes() == (target / "media" / name).read_bytes()
