"""Wallet fixtures: the issuer fixtures (its own process, depth-4 registry), a dev-setup age_gte key
at depth 4, and the in-memory chain view of the protocol tests."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

_TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(_TESTS / "issuer"))
sys.path.insert(0, str(_TESTS / "credentials"))

from issuer_fixtures import issuer_home, issuer_proc, services  # noqa: E402,F401  (tests/issuer fixtures)


@pytest.fixture(scope="session")
def age_key(tmp_path_factory):
    from circuits.statements import get_statement
    from zkvct.dsl import compile_circuit
    from zkvct.groth16.export import export_verification_key
    from zkvct.groth16.setup import dev_setup

    st = get_statement("age_gte", depth=4)
    cc = compile_circuit(st)
    zkey = tmp_path_factory.mktemp("wallet-age") / "age_gte.zkey"
    dev_setup(cc.r1cs, zkey)
    return {"statement": st, "zkey": zkey, "vk": export_verification_key(zkey)}
