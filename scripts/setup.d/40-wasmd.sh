#!/usr/bin/env bash
# Build (once, cached under .cache/wasmd) the wasmd node the chain tests run against (issue 6).
# Idempotent: build_wasmd.sh returns at once when the cached binary matches its inputs.
# Set ZKVCT_SKIP_WASMD=1 to skip on a machine that will never run the chain tests.
set -euo pipefail
cd "$(dirname "$0")/../.."
if [ "${ZKVCT_SKIP_WASMD:-0}" = "1" ]; then
    echo "[setup] ZKVCT_SKIP_WASMD=1: not building wasmd (chain tests will be skipped)"
    exit 0
fi
bash scripts/build_wasmd.sh >/dev/null
