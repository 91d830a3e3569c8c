"""Every statement compiles, proves and verifies with zkvct's Groth16 core (INSECURE dev setup).

age_gte runs at full size (depth-20 registry); the others use a depth-4 registry
so the suite stays within minutes on two cores: the predicates are identical.
"""
from __future__ import annotations

import pytest

from circuits.statements import STATEMENTS, get_statement
from zkvct.dsl import compile_circuit
from zkvct.groth16.export import export_verification_key
from zkvct.groth16.prove import prove
from zkvct.groth16.setup import dev_setup
from zkvct.groth16.verify import verify
from zkvct.field import R

pytestmark = pytest.mark.slow

PARAMS = {name: {"depth": 4} for name in STATEMENTS}
PARAMS["age_gte"] = {}
PARAMS["not_revoked"] = {"depth": 4}


@pytest.mark.parametrize("name", sorted(STATEMENTS))
def test_statement_proves_and_verifies(name, tmp_path):
    st = get_statement(name, **PARAMS[name])
    cc = compile_circuit(st)
    data = st.example_input()
    witness = cc.witness(data)
    zkey = tmp_path / f"{name}.zkey"
    dev_setup(cc.r1cs, zkey)
    res = prove(zkey, witness)
    vk = export_verification_key(zkey)
    publics = list(res.publics.values)
    assert publics == cc.public_signals(data)
    assert verify(vk, publics, res.proof).ok
    # each public input is bound: changing any one (challenge, nullifier, root, dates...) is rejected
    for i, role in enumerate(st.public_roles):
        bad = list(publics)
        bad[i] = (bad[i] + 1) % R
        assert not verify(vk, bad, res.proof).ok, f"{name}: public {i} ({role}) not bound"
