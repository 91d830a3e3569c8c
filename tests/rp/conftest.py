"""Relying-party fixtures: a real statement key (dev setup, depth-4 registry), a view of the
chain's statements and roots kept in memory (the chain-backed view runs in the end-to-end test),
and a scripted webhook endpoint on 127.0.0.1."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "credentials"))

from circuits.statements import get_statement  # noqa: E402
from zkvct.credentials.sample import SAMPLE_ISSUER_DID  # noqa: E402
from zkvct.credentials.verify import RegisteredStatement, registration_roles  # noqa: E402
from zkvct.dsl import compile_circuit  # noqa: E402
from zkvct.groth16.export import export_verification_key  # noqa: E402
from zkvct.groth16.setup import dev_setup  # noqa: E402

from memory_view import MemoryView  # noqa: E402


class StatementKey:
    def __init__(self, statement, compiled, zkey, vk, statement_id):
        self.statement, self.compiled, self.zkey, self.vk, self.statement_id = statement, compiled, zkey, vk, statement_id

    def registered(self, trusted=(SAMPLE_ISSUER_DID,)) -> RegisteredStatement:
        return RegisteredStatement(self.statement_id, 1, tuple(registration_roles(self.statement)), tuple(trusted), self.vk)


@pytest.fixture(scope="session")
def age_key(tmp_path_factory):
    st = get_statement("age_gte", depth=4)
    cc = compile_circuit(st)
    zkey = tmp_path_factory.mktemp("rp-age") / "age_gte.zkey"
    dev_setup(cc.r1cs, zkey)
    return StatementKey(st, cc, zkey, export_verification_key(zkey), "age_gte")


@pytest.fixture
def chain_view(age_key):
    v = MemoryView(clock=int(time.time()))
    v.register(age_key.registered())
    return v


from pg import pg_server, pg_url  # noqa: E402,F401  (real PostgreSQL for the replica tests)
