#!/usr/bin/env bash
# Install what the tests need (once; re-runs skip what is already there) and run the whole test suite,
# spread over the machine's CPUs (pytest-xdist; each worker gets its own test database).
#
#   bash scripts/test.sh                   # everything, on the embedded defaults (SQLite)
#   bash scripts/test.sh -k audit -x       # extra arguments go to pytest
#   bash scripts/test.sh -m "not browser"  # skip the Playwright journeys
#   ZI_TEST_WORKERS=0 bash scripts/test.sh tests/test_tree.py   # one process (quicker for a few tests)
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_dev bash scripts/test.sh   # on PostgreSQL (test_zi_dev_gw*)
#
# ZI_SETUP_ONLY=1 installs and exits without running pytest (used by .ci/run).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/_setup.sh"
zi_setup chromium

if [ "${ZI_SETUP_ONLY:-0}" = "1" ]; then
    exit 0
fi
workers="${ZI_TEST_WORKERS:-auto}"
if [ "$workers" = "0" ]; then
    exec "$VENV/bin/pytest" "$@"
fi
exec "$VENV/bin/pytest" -n "$workers" "$@"
