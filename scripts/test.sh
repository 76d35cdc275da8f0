#!/usr/bin/env bash
# Install what the tests need (once; re-runs skip what is already there) and run the whole test suite.
#
#   bash scripts/test.sh                   # everything, on the embedded defaults (SQLite)
#   bash scripts/test.sh -k audit -x       # extra arguments go to pytest
#   bash scripts/test.sh -m "not browser"  # skip the Playwright journeys
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_dev bash scripts/test.sh   # on PostgreSQL (test_zi_dev)
#
# ZI_SETUP_ONLY=1 installs and exits without running pytest (used by .ci/run).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="$ROOT/.venv"
STAMP="$VENV/.zi-install-stamp"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# --- system packages (Debian 12): only when something is missing -------------------------------------------
install_system_packages() {
    local missing=()
    command -v python3.11 >/dev/null 2>&1 || missing+=(python3)
    python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
    command -v msgfmt >/dev/null 2>&1 || missing+=(gettext)
    command -v chromium >/dev/null 2>&1 || missing+=(chromium)
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

install_system_packages
ensure_venv

if [ "${ZI_SETUP_ONLY:-0}" = "1" ]; then
    exit 0
fi
exec "$VENV/bin/pytest" "$@"
