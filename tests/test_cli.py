"""The ``zi`` command from anywhere: the data directory comes from the settings (never the working directory), a
database without tables is answered with one line and exit status 1, and ``ZI_LANGUAGE`` switches the language.

Every ``zi`` here runs as a subprocess from a temporary directory with a clean environment (no ``DJANGO_*``/``ZI_*``,
``HOME`` elsewhere); where ``ZI_VAR_DIR`` is unset, ``DATABASE_URL`` and ``DJANGO_SECRET_KEY`` point elsewhere too,
so no test writes a ``var/`` into the checkout.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from zi.config.settings import default_var_dir

ROOT = Path(__file__).resolve().parent.parent
ZI = str(Path(sys.executable).parent / "zi")
NOT_READY = "Basis data belum disiapkan: jalankan `zi migrate`."


def zi(args: list[str], cwd: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "ZI_")) and k not in ("DATABASE_URL",)}
    clean["HOME"] = str(cwd / "home")
    clean.update(env)
    return subprocess.run(  # noqa: S603 - fixed arguments
        [ZI, *args], cwd=cwd, env=clean, capture_output=True, text=True, timeout=180, check=False
    )


@pytest.fixture
def elsewhere(tmp_path: Path) -> Path:
    """A working directory outside the checkout."""
    cwd = tmp_path / "somewhere"
    cwd.mkdir()
    return cwd


def test_an_unmigrated_database_is_one_clear_line_and_exit_1(elsewhere, tmp_path):
    result = zi(["lke", "list"], elsewhere, ZI_VAR_DIR=str(tmp_path / "state"))
    assert result.returncode == 1
    assert result.stderr.strip() == NOT_READY, result.stderr  # one line, no traceback
    assert result.stdout == ""
    assert not (elsewhere / "var").exists(), "zi created ./var in the working directory"
    english = zi(["seed_demo"], elsewhere, ZI_VAR_DIR=str(tmp_path / "state"), ZI_LANGUAGE="en")
    assert (english.returncode, english.stderr.strip()) == (1, "The database is not set up yet: run `zi migrate`.")


def test_a_partly_migrated_database_says_migrations_are_missing(elsewhere, tmp_path):
    """Also what scripts/demo.sh, scripts/test.sh and .ci/run rely on: ``ZI_VAR_DIR`` holds the database and key."""
    state = {"ZI_VAR_DIR": str(tmp_path / "state")}
    assert zi(["migrate", "contenttypes", "-v", "0"], elsewhere, **state).returncode == 0
    assert (tmp_path / "state" / "zi.sqlite3").is_file() and (tmp_path / "state" / "secret_key").is_file()
    assert not (elsewhere / "var").exists()
    result = zi(["audit", "verify"], elsewhere, **state)
    assert result.returncode == 1
    line = result.stderr.strip()
    assert line.startswith("Basis data belum mutakhir (") and line.endswith("jalankan `zi migrate`."), line
    assert "Traceback" not in result.stderr
    traced = zi(["audit", "verify", "--traceback"], elsewhere, **state)  # asked for: the traceback is still there
    assert traced.returncode != 0 and "Traceback" in traced.stderr


def test_without_zi_var_dir_the_data_directory_is_the_checkouts_not_the_working_directory(elsewhere, tmp_path):
    """The default (a development checkout): ``var/`` next to ``pyproject.toml``, whatever the working directory."""
    checkout_var = ROOT / "var"
    existed = checkout_var.exists()
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "DJANGO_SECRET_KEY": "x" * 64}
    shown = zi(["shell", "-c", "from django.conf import settings; print(settings.VAR_DIR)"], elsewhere, **env)
    assert shown.returncode == 0, shown.stderr
    assert Path(shown.stdout.strip().splitlines()[-1]) == checkout_var.resolve()
    result = zi(["lke", "list"], elsewhere, **env)
    assert (result.returncode, result.stderr.strip()) == (1, NOT_READY)
    assert not (elsewhere / "var").exists()
    assert checkout_var.exists() == existed, "the test must not create var/ in the checkout"


def test_an_installed_package_keeps_its_data_in_the_users_data_directory(tmp_path, monkeypatch):
    site = tmp_path / "site-packages" / "zi"  # no pyproject.toml next to the package: not a checkout
    site.mkdir(parents=True)
    assert default_var_dir(site, {"XDG_DATA_HOME": str(tmp_path / "data")}) == tmp_path / "data" / "zona-integritas"
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_var_dir(site, {}) == tmp_path / "home" / ".local" / "share" / "zona-integritas"
    assert default_var_dir(ROOT / "zi", {}) == ROOT / "var"  # this checkout


def test_the_licence_is_an_spdx_expression_with_its_file():
    """A licence table made setuptools warn three times per install; PEP 639 wants an SPDX string."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8")[:200]
