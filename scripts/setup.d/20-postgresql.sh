#!/usr/bin/env bash
# PostgreSQL server binaries for the tests that run the services against a real database
# (issuer, relying party and coordinator replicas). Debian's postgresql; installed only where
# missing. The test fixture (tests/pg.py) starts its own throw-away cluster on 127.0.0.1.
set -euo pipefail
if ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "[setup] PostgreSQL is missing and this is not root: install Debian's 'postgresql' package (its tests will be skipped)" >&2
    exit 0
fi
echo "[setup] installing Debian's postgresql (server binaries for the database tests)"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends postgresql >/dev/null 2>&1 || {
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
}
