"""zkVCT on EVM chains (docs/evm.md): a Groth16 verifier generated per key for the BN254
precompiles, the zkVCT registry contract, solc (the pinned npm package) and the relayer that
mirrors statements and issuer roots from ShareLedger.

Sits beside ``zkvct.chain`` in the middle layer: it reads keys and proofs through
``zkvct.groth16`` and the protocol's derivations through ``zkvct.credentials``.
"""
from __future__ import annotations

__all__: list[str] = []
