#!/usr/bin/env bash
# One command from a fresh clone to a running demo on the embedded defaults (SQLite in var/, media on local
# disk, tasks in-process): installs, migrates, loads the LKE template, seeds demo data, prints the demo logins
# and serves on http://127.0.0.1:8000. Re-running is fast: nothing is reinstalled unless pyproject.toml changed.
#
#   bash scripts/demo.sh
#   ZI_DEMO_ADDR=0.0.0.0:8080 bash scripts/demo.sh                        # another address
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi bash scripts/demo.sh # on PostgreSQL
#   ZI_DEMO_NO_SERVE=1 bash scripts/demo.sh                               # set up only, do not serve
#   DJANGO_DEBUG=1 bash scripts/demo.sh                                   # Django's debug pages (developers only)
#
# The demo serves with DEBUG off, so a browser sees the site's own 403/404/500 pages, never Django's debug page
# (which lists every URL pattern and setting). `runserver --insecure` still serves the static files then.
set -euo pipefail
export DJANGO_DEBUG="${DJANGO_DEBUG:-0}"

source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
ADDR="${ZI_DEMO_ADDR:-127.0.0.1:8000}"
zi_setup
ZI="$VENV/bin/zi"

log "zi migrate"
"$ZI" migrate --noinput -v 0

log "zi lke load"
"$ZI" lke load

log "zi seed_demo (demo logins below)"
"$ZI" seed_demo

if [ "${ZI_DEMO_NO_SERVE:-0}" = "1" ]; then
    log "set up done (ZI_DEMO_NO_SERVE=1: not serving)"
    exit 0
fi

log "serving on http://$ADDR/  (log in at http://$ADDR/akun/masuk/; Ctrl+C stops)"
reload=()
[ "${CI:-}" = "true" ] && reload=(--noreload)
exec "$ZI" runserver --insecure "${reload[@]}" "$ADDR"
