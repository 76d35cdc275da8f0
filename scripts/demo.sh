#!/usr/bin/env bash
# One command from a fresh clone to a running demo on the embedded defaults (SQLite in var/, media on local
# disk, tasks in-process): installs, migrates, loads the LKE template, seeds demo data, prints the demo logins
# and serves on http://127.0.0.1:8000. Re-running is fast: nothing is reinstalled unless pyproject.toml changed.
#
#   bash scripts/demo.sh
#   ZI_DEMO_ADDR=0.0.0.0:8080 bash scripts/demo.sh                        # another address
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi bash scripts/demo.sh # on PostgreSQL
#   ZI_DEMO_NO_SERVE=1 bash scripts/demo.sh                               # set up only, do not serve
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
STAMP="$VENV/.zi-install-stamp"
ADDR="${ZI_DEMO_ADDR:-127.0.0.1:8000}"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- system packages (Debian 12): only when something is missing -------------------------------------------
install_system_packages() {
    local missing=()
    command -v python3.11 >/dev/null 2>&1 || missing+=(python3)
    python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
    command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
    command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
    # WeasyPrint (PDF reports) needs Pango from Debian.
    ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
    [ ${#missing[@]} -eq 0 ] && return 0
    local sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
            sudo="sudo"
        else
            log "missing system packages: ${missing[*]} (run as root or install them: apt-get install -y ${missing[*]})"
            return 1
        fi
    fi
    log "apt-get install -y ${missing[*]}"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}

# --- the virtualenv: created once, pip install only when pyproject.toml changed --------------------------
ensure_venv() {
    if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null; then
        local py="${PYTHON:-$(command -v python3.11 || command -v python3)}"
        log "creating $VENV with $py"
        rm -rf "$VENV"
        "$py" -m venv "$VENV"
    fi
    local want
    want="$(cat pyproject.toml <("$VENV/bin/python" -V 2>&1) | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ] || [ ! -x "$VENV/bin/zi" ]; then
        log "pip install -e '.[dev]'"
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e '.[dev]'
        echo "$want" >"$STAMP"
    fi
}

has_command() { "$VENV/bin/zi" help "$1" >/dev/null 2>&1; }

install_system_packages
ensure_venv
ZI="$VENV/bin/zi"

log "zi migrate"
"$ZI" migrate --noinput -v 0

if has_command lke; then
    log "zi lke load"
    "$ZI" lke load
else
    log "skipping LKE template: 'zi lke' is not available yet"
fi

if has_command seed_demo; then
    log "zi seed_demo (demo logins below)"
    "$ZI" seed_demo
else
    log "no demo data: 'zi seed_demo' is not available yet; create a login with: .venv/bin/zi createsuperuser"
fi

if [ "${ZI_DEMO_NO_SERVE:-0}" = "1" ]; then
    log "set up done (ZI_DEMO_NO_SERVE=1: not serving)"
    exit 0
fi

log "serving on http://$ADDR/  (log in at http://$ADDR/akun/masuk/; Ctrl+C stops)"
reload=()
[ "${CI:-}" = "true" ] && reload=(--noreload)
exec "$ZI" runserver "${reload[@]}" "$ADDR"
