#!/usr/bin/env bash
# Idempotent setup for a fresh machine: Python venv + the native core (maturin, release build),
# the npm test peers (snarkjs, circom2, circomlib, circomlibjs, pinned by package-lock.json).
# Re-running is cheap: each step is skipped when its inputs have not changed.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
PY=${PYTHON:-python3}

if [ ! -x .venv/bin/python ]; then
    echo "[setup] creating .venv"
    "$PY" -m venv .venv
    .venv/bin/pip install --quiet --upgrade pip
fi

# Rebuild the package (and the Rust core) only when its sources changed.
stamp=.venv/.zkvct-install-stamp
digest=$(cat pyproject.toml native/Cargo.toml native/Cargo.lock 2>/dev/null; find native/src -type f -name '*.rs' -print0 | sort -z | xargs -0 cat)
digest=$(printf '%s' "$digest" | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$digest" ]; then
    echo "[setup] installing zkvct (builds the Rust core with maturin; a few minutes the first time)"
    .venv/bin/pip install --quiet "maturin>=1.7,<2"
    .venv/bin/pip install --quiet -e ".[dev]"
    echo "$digest" > "$stamp"
fi

# Byte-compile the project once here, so the demo's ~40 short-lived processes do not race to
# compile the same modules on a fresh checkout (cheap when nothing changed).
.venv/bin/python -m compileall -q -j 2 zkvct ceremony circuits > /dev/null

if [ ! -d tests/peers/node_modules/snarkjs ] || [ tests/peers/package-lock.json -nt tests/peers/node_modules/.package-lock.json ]; then
    echo "[setup] installing npm test peers (snarkjs, circom2, circomlib, circomlibjs)"
    (cd tests/peers && npm ci --no-audit --no-fund --loglevel=error)
fi

for extra in scripts/setup.d/*.sh; do
    [ -e "$extra" ] || continue
    echo "[setup] $extra"
    bash "$extra"
done
echo "[setup] ready"
