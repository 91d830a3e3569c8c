#!/usr/bin/env bash
# Builds the CosmWasm contracts (verifier_contract/) to MVP wasm. Idempotent: the Debian
# toolchain is cached in verifier_contract/.toolchain and the build is skipped when the sources
# did not change (scripts/build_contracts.sh keeps a digest next to the artifacts).
# cosmwasm-check runs when it is already installed or ZKVCT_COSMWASM_CHECK=1; the VM tests
# (tests/contracts) run the same compatibility check in cosmwasm-vm either way.
set -euo pipefail
cd "$(dirname "$0")/../.."
args=()
if [ "${ZKVCT_COSMWASM_CHECK:-0}" != 1 ] && [ ! -x verifier_contract/.toolchain/cosmwasm-check/bin/cosmwasm-check ]; then
    args+=(--no-check)
fi
bash scripts/build_contracts.sh "${args[@]}"
