"""Real Groth16 keys for the protocol tests: depth-4 registries (same predicates as depth 20),
keys from the project's INSECURE dev setup (zkvct.groth16.setup.dev_setup, as tests/circuits use)."""
from __future__ import annotations

import calendar
import datetime as _dt
from dataclasses import dataclass

import pytest

from circuits.statements import get_statement
from zkvct.credentials.sample import SAMPLE_ISSUER_DID, sample_presentation, sample_request
from zkvct.credentials.verify import RegisteredStatement, registration_roles
from zkvct.dsl import compile_circuit
from zkvct.groth16.export import export_verification_key
from zkvct.groth16.json_models import VerificationKey
from zkvct.groth16.prove import prove
from zkvct.groth16.setup import dev_setup

from memory_view import MemoryView

TODAY = "2026-11-21"
NOW = calendar.timegm(_dt.datetime(2026, 11, 21, 12, 0, tzinfo=_dt.timezone.utc).timetuple())


@dataclass
class Keyed:
    statement: object
    compiled: object
    zkey: object
    vk: VerificationKey
    statement_id: str

    def registered(self, trusted=(SAMPLE_ISSUER_DID,), revoked=False) -> RegisteredStatement:
        return RegisteredStatement(self.statement_id, 1, tuple(registration_roles(self.statement)), tuple(trusted),
                                   self.vk, revoked)

    def present(self, **kw):
        """A sample presentation (fresh credential, derived scope and challenge) and its proof."""
        kw.setdefault("today", TODAY)
        kw.setdefault("request", sample_request(now=NOW))
        p = sample_presentation(self.statement, statement_id=self.statement_id, **kw)
        return p, self.prove(p.input)

    def prove(self, data):
        res = prove(self.zkey, self.compiled.witness(data))
        return res

    def wire(self, p, res, **over):
        obj = {"statement_id": p.statement_id, "proof": res.proof.to_obj(),
               "public_inputs": [str(v) for v in res.publics.values], "issuer_did": p.issuer_did,
               "relying_party_did": p.relying_party_did, "request": p.request.to_wire(),
               "holder_did": p.holder_did if self.statement.with_did else None}
        obj.update(over)
        return obj


def _keyed(tmp_path_factory, name, statement_id, **params):
    st = get_statement(name, depth=4, **params)
    cc = compile_circuit(st)
    zkey = tmp_path_factory.mktemp(statement_id) / f"{statement_id}.zkey"
    dev_setup(cc.r1cs, zkey)
    return Keyed(st, cc, zkey, export_verification_key(zkey), statement_id)


@pytest.fixture(scope="session")
def age_bound(tmp_path_factory):
    return _keyed(tmp_path_factory, "age_gte", "age-18")


@pytest.fixture(scope="session")
def age_anon(tmp_path_factory):
    return _keyed(tmp_path_factory, "age_gte", "age-18-anon", with_did=False)


@pytest.fixture(scope="session")
def not_revoked(tmp_path_factory):
    return _keyed(tmp_path_factory, "not_revoked", "not-revoked")


@pytest.fixture
def view():
    return MemoryView(clock=NOW)
