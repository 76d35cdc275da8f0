# Shared set-up for scripts/demo.sh and scripts/test.sh (sourced, not run). Installs only what is missing:
# Debian packages (when root or password-less sudo), the virtualenv, and the package with its dev extras
# (re-installed only when pyproject.toml or the Python version changed).
#
#   source scripts/_setup.sh; zi_setup [chromium]     # "chromium" adds the browser the Playwright journeys drive

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
    if [ "${1:-}" = "chromium" ]; then
        command -v chromium >/dev/null 2>&1 || missing+=(chromium)
    fi
    command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui)
    # WeasyPrint (PDF reports) needs Pango from Debian.
    ldconfig -p 2>/dev/null | grep -q "libpangoft2-1.0.so.0" || missing+=(libpango-1.0-0 libpangoft2-1.0-0)
    # The documents' font (zi/templates/documents/base.html): DejaVu covers Indonesian text.
    [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing+=(fonts-dejavu-core)
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

# --- nginx for the deploy-config test (`nginx -t`): Debian's binary unpacked into the venv, never installed as a
# service (installing the package would start a server on port 80). Best effort: without it that one test skips.
ensure_test_nginx() {
    local target="$VENV/opt/nginx"
    command -v nginx >/dev/null 2>&1 && return 0
    [ -x "$target/usr/sbin/nginx" ] && return 0
    command -v apt-get >/dev/null 2>&1 && command -v dpkg >/dev/null 2>&1 || return 0
    local tmp
    tmp="$(mktemp -d)"
    log "unpacking Debian's nginx into $target (for tests/production/test_deploy_files.py)"
    if (cd "$tmp" && apt-get download -qq nginx >/dev/null 2>&1) && mkdir -p "$target" && dpkg -x "$tmp"/nginx_*.deb "$target"; then
        :
    else
        log "could not fetch nginx; the nginx -t test will skip"
    fi
    rm -rf "$tmp"
    return 0
}

zi_setup() {
    install_system_packages "${1:-}"
    ensure_venv
    if [ "${1:-}" = "chromium" ]; then  # the test set-up
        ensure_test_nginx
    fi
}
