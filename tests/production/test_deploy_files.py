"""The deployment examples in ``deploy/``, checked offline as far as this machine allows.

There is no Docker engine (nor ``docker compose``) here and usually no nginx, so nothing is started. What can be
checked without them is: the compose file against the Compose Specification schema (vendored in
``deploy/schemas/``), the files, volumes and services it refers to, every environment variable the examples use
documented, every ``zi`` command they run accepted by that command's own argument parser, the gunicorn config
made of known, valid settings, ``systemd-analyze verify`` on the units (when the binary exists) and the nginx
config's structure plus ``nginx -t`` (the test set-up in ``scripts/_setup.sh`` unpacks Debian's nginx binary into
``.venv/opt/nginx`` without installing it as a service; with no nginx at all that one test skips).
"""

from __future__ import annotations

import json
import re
import runpy
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, get_commands, load_command_class

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SYSTEMD = DEPLOY / "systemd"
NGINX_CONF = DEPLOY / "nginx" / "zi.conf"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
# bind-mount sources the operator supplies (certificates); everything else the compose file mounts is shipped
OPERATOR_SUPPLIED = {"./tls"}
# variables of the project (the rest, e.g. PYTHONUNBUFFERED or the postgres image's POSTGRES_*, are not ours)
PROJECT_VARIABLE = re.compile(r"^(ZI_[A-Z0-9_]+|DJANGO_[A-Z0-9_]+|DATABASE_URL)$")


def compose() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))


def app_services(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The services built from this repository (the ``x-app`` anchor), not the third-party images."""
    return {name: svc for name, svc in doc["services"].items() if "build" in svc}


def test_compose_file_is_valid_against_the_compose_spec():
    import jsonschema

    schema = json.loads((DEPLOY / "schemas" / "compose_spec.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft7Validator(schema)
    doc = compose()
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(doc)]
    assert not errors, errors
    broken = {**doc, "services": {**doc["services"], "nginx": {**doc["services"]["nginx"], "ports": "80:80"}}}
    assert list(validator.iter_errors(broken)), "the schema must catch a malformed service"


def test_compose_references_exist():
    doc = compose()
    services, volumes = doc["services"], set(doc.get("volumes") or {})
    assert {"postgres", "redis", "seaweedfs", "migrate", "worker", "nginx"} <= set(services)
    assert len([n for n in app_services(doc) if n.startswith("app")]) >= 2, "several app processes behind nginx"
    for name, svc in services.items():
        for dependency in svc.get("depends_on") or {}:
            assert dependency in services, f"{name} depends on unknown service {dependency}"
        for mount in svc.get("volumes") or []:
            source = mount.split(":", 1)[0]
            if source.startswith("."):
                assert source in OPERATOR_SUPPLIED or (DEPLOY / source).exists(), f"{name}: {source} missing"
            elif not source.startswith("/"):
                assert source in volumes, f"{name}: named volume {source} not declared"
        build = svc.get("build")
        if build:
            assert (DEPLOY / build["context"] / build["dockerfile"]).is_file()
            assert svc["env_file"] == ".env" and (DEPLOY / "env.example").is_file()  # .env = a copy of env.example
    upstream_hosts = set(re.findall(r"^\s*server\s+([a-z0-9_-]+):\d+", NGINX_CONF.read_text(), re.MULTILINE))
    assert upstream_hosts and upstream_hosts <= set(services), "nginx upstreams must be compose services"


def _referenced_variables() -> dict[str, set[str]]:
    """Project variables per file that sets or reads them."""
    found: dict[str, set[str]] = {}
    doc = compose()
    for name, svc in app_services(doc).items():
        found[f"compose.yaml:{name}"] = set(svc.get("environment") or {})
    env_example = (DEPLOY / "env.example").read_text(encoding="utf-8")
    found["env.example"] = set(re.findall(r"^([A-Z][A-Z0-9_]*)=", env_example, re.MULTILINE))
    found["gunicorn.conf.py"] = set(
        re.findall(r'environ(?:\.get\(|\[)"([A-Z][A-Z0-9_]+)"', GUNICORN_CONF.read_text(encoding="utf-8"))
    )
    dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    found["Dockerfile"] = {
        key for line in re.findall(r"^ENV (.+)$", dockerfile, re.MULTILINE) for key in re.findall(r"(\w+)=", line)
    }
    for unit in sorted(SYSTEMD.iterdir()):
        found[unit.name] = set(re.findall(r"^Environment=\"?([A-Z][A-Z0-9_]*)=", unit.read_text(), re.MULTILINE))
    return {where: {n for n in names if PROJECT_VARIABLE.match(n)} for where, names in found.items()}


def test_every_variable_the_examples_use_is_documented():
    operations = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
    referenced = _referenced_variables()
    assert "DATABASE_URL" in referenced["env.example"] and "ZI_BIND" in referenced["gunicorn.conf.py"]
    undocumented = sorted(
        {f"{n} ({where})" for where, names in referenced.items() for n in names if f"`{n}`" not in operations}
    )
    assert not undocumented, f"add to the table in docs/operations.md: {undocumented}"
    # ${VAR} interpolated by compose itself comes from deploy/.env, i.e. from env.example
    env_example = (DEPLOY / "env.example").read_text(encoding="utf-8")
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", (DEPLOY / "compose.yaml").read_text(encoding="utf-8")))
    assert interpolated, "the compose file interpolates the database password"
    missing = sorted(n for n in interpolated if not re.search(rf"^#? ?{n}=", env_example, re.MULTILINE))
    assert not missing, f"list these in deploy/env.example: {missing}"


def _commands() -> list[tuple[str, list[str]]]:
    """Every command line the examples run: (where, argv)."""
    found: list[tuple[str, list[str]]] = []
    for name, svc in app_services(compose()).items():  # third-party images run their own programs
        command = svc.get("command")
        if command is None:
            dockerfile = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
            command = json.loads(re.search(r"^CMD (\[.*\])$", dockerfile, re.MULTILINE).group(1))
        if isinstance(command, str):
            command = shlex.split(command)
        if command and command[:2] == ["sh", "-c"]:
            found += [(f"compose {name}", shlex.split(part)) for part in command[2].split("&&")]
        elif command:
            found.append((f"compose {name}", list(command)))
    for unit in sorted(SYSTEMD.glob("*.service")):
        for line in re.findall(r"^Exec(?:Start|Reload)=(.+)$", unit.read_text(), re.MULTILINE):
            found.append((unit.name, shlex.split(line)))
    return found


def test_every_command_the_examples_run_exists_and_parses():
    commands = get_commands()
    checked_zi, checked_gunicorn = set(), 0
    for where, argv in _commands():
        program = Path(argv[0]).name
        if program == "zi":
            name, args = argv[1], argv[2:]
            assert name in commands, f"{where}: no such zi command {name!r}"
            parser = load_command_class(commands[name], name).create_parser("zi", name)
            try:
                parser.parse_args(args)
            except (CommandError, SystemExit) as exc:
                pytest.fail(f"{where}: zi {' '.join(argv[1:])} is refused: {exc}")
            checked_zi.add(name)
        elif program == "gunicorn":
            config = Path(argv[argv.index("-c") + 1])
            local = ROOT / (config.relative_to("/srv/zi") if config.is_absolute() else config)
            assert local.resolve() == GUNICORN_CONF.resolve(), f"{where}: unexpected gunicorn config {config}"
            module, attribute = argv[-1].split(":")
            app = getattr(__import__(module, fromlist=[attribute]), attribute)
            assert callable(app)
            checked_gunicorn += 1
        else:
            assert program == "kill", f"{where}: unexpected program {argv[0]}"
    assert {"migrate", "lke", "collectstatic", "run_huey", "audit", "insights", "workflow"} <= checked_zi
    assert checked_gunicorn >= 2  # the image's CMD (app1/app2) and zi-web.service


def test_gunicorn_config_uses_only_known_valid_settings(monkeypatch):
    from gunicorn.config import Config

    for name in ("ZI_BIND", "ZI_WEB_WORKERS", "ZI_WEB_TIMEOUT", "ZI_FORWARDED_ALLOW_IPS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ZI_WEB_WORKERS", "3")
    values = {
        k: v
        for k, v in runpy.run_path(str(GUNICORN_CONF)).items()
        if not k.startswith("_") and not isinstance(v, type(json))  # modules imported by the file
    }
    config = Config()
    unknown = sorted(set(values) - set(config.settings))
    assert not unknown, f"not gunicorn settings (typos?): {unknown}"
    for name, value in values.items():
        config.set(name, value)  # gunicorn's own validators
    assert config.workers == 3 and config.bind == ["127.0.0.1:8000"] and config.worker_class_str == "sync"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_systemd_units_pass_systemd_analyze_verify(tmp_path):
    """The units with their install paths pointed at this checkout (the binaries must exist for verify)."""
    venv_bin = Path(sys.executable).parent
    replacements = {
        "/srv/zi/venv/bin/": f"{venv_bin}/",
        "/srv/zi/deploy/": f"{DEPLOY}/",
        "/srv/zi/var": str(tmp_path),
        "WorkingDirectory=/srv/zi": f"WorkingDirectory={ROOT}",
        "EnvironmentFile=/etc/zi/zi.env": f"EnvironmentFile={DEPLOY / 'env.example'}",
    }
    units = sorted(SYSTEMD.iterdir())
    assert {u.suffix for u in units} == {".service", ".timer"}
    for unit in units:
        text = unit.read_text(encoding="utf-8")
        for old, new in replacements.items():
            text = text.replace(old, new)
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
        if unit.suffix == ".timer":
            assert (SYSTEMD / f"{unit.stem}.service").is_file(), f"{unit.name} has no service"
    result = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", "--man=no", *(str(tmp_path / u.name) for u in units)],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # warnings (an unknown key, a missing unit) are failures too
    assert result.returncode == 0 and not result.stderr.strip() and not result.stdout.strip(), result.stderr


def _nginx_blocks_balanced(text: str) -> bool:
    depth = 0
    for char in re.sub(r"#.*", "", text):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def test_nginx_config_structure_and_upload_limit():
    text = NGINX_CONF.read_text(encoding="utf-8")
    assert _nginx_blocks_balanced(text)
    upstreams = set(re.findall(r"^\s*upstream\s+(\w+)\s*\{", text, re.MULTILINE))
    passes = set(re.findall(r"proxy_pass\s+https?://(\w+)", text))
    assert passes and passes <= upstreams, f"proxy_pass to undefined upstreams: {passes - upstreams}"
    size = re.search(r"client_max_body_size\s+(\d+)([kmg]?);", text)
    limit = int(size.group(1)) * {"": 1, "k": 2**10, "m": 2**20, "g": 2**30}[size.group(2)]
    assert limit > settings.ZI_EVIDENCE_MAX_BYTES, "nginx must let the app's largest evidence upload through"
    assert "X-Request-ID" in text and "X-Forwarded-Proto" in text  # the app's logs and HTTPS detection use them
    assert re.search(r"location /static/ \{[^}]*alias /srv/zi/static/;", text)  # = compose's static volume


def _nginx_version(binary: str) -> tuple[int, ...]:
    out = subprocess.run([binary, "-v"], capture_output=True, text=True, check=False).stderr  # noqa: S603
    match = re.search(r"nginx/(\d+)\.(\d+)\.(\d+)", out)
    return tuple(map(int, match.groups())) if match else (0,)


def test_nginx_accepts_the_config(tmp_path):
    """``nginx -t`` with a temporary prefix, upstream hosts pointed at 127.0.0.1, unprivileged ports and a
    throw-away certificate (the compose file runs nginx 1.27; before 1.25.1 HTTP/2 is a ``listen`` flag)."""
    unpacked = Path(sys.prefix) / "opt" / "nginx" / "usr" / "sbin" / "nginx"  # scripts/_setup.sh puts it there
    binary = shutil.which("nginx") or next((str(p) for p in (Path("/usr/sbin/nginx"), unpacked) if p.exists()), None)
    if binary is None:
        pytest.skip("nginx is not installed")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed for a throw-away certificate")
    tls = tmp_path / "tls"
    tls.mkdir()
    certificate = f"req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=zi.test -keyout {tls}/privkey.pem"
    subprocess.run(  # noqa: S603
        ["openssl", *certificate.split(), "-out", f"{tls}/fullchain.pem"],  # noqa: S607
        capture_output=True,
        check=True,
    )
    text = NGINX_CONF.read_text(encoding="utf-8").replace("/etc/nginx/tls/", f"{tls}/")
    text = re.sub(r"(server\s+)[a-z0-9_-]+(:\d+)", r"\g<1>127.0.0.1\2", text)
    text = re.sub(r"listen (\d+)", lambda m: f"listen {18000 + int(m.group(1))}", text)
    if _nginx_version(binary) < (1, 25, 1):  # e.g. Debian 12's 1.22: the older spelling of `http2 on;`
        assert "http2 on;" in text
        text = text.replace("    http2 on;\n", "").replace("listen 18443 ssl;", "listen 18443 ssl http2;")
    (tmp_path / "zi.conf").write_text(text, encoding="utf-8")
    (tmp_path / "logs").mkdir()
    main = tmp_path / "nginx.conf"
    # temporary files in the prefix too (the compiled-in /var/lib/nginx may not exist)
    temp_paths = " ".join(
        f"{kind}_temp_path {tmp_path}/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    main.write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/logs/error.log;\nevents {{}}\n"
        f"http {{ access_log off; {temp_paths} include {tmp_path}/zi.conf; }}\n",
        encoding="utf-8",
    )
    result = subprocess.run(  # noqa: S603
        [binary, "-t", "-p", str(tmp_path), "-c", str(main)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
