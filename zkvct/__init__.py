"""zkvct: zero-knowledge verifiable credential tokens.

Groth16 over BN254 with a native arkworks core (``zkvct._native``), file-for-file compatible with
snarkjs and circom. See README.md and docs/DESIGN.md.
"""
__version__ = "0.1.0"
