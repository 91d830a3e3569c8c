"""Fresh protocol-v2 proofs for the chain tests, from the toy fixture circuits.

The committed fixture proofs (verifier_contract/fixtures/age_bound, age_unlinkable) answer a
request that expired when they were made; the chain's clock has moved on, so the chain tests
prove afresh: circom2 compiles fixtures/circuits/age_{bound,unlinkable}.circom once per session,
zkvct's dev setup makes the key (insecure, in-memory toxic waste: a test key), snarkjs exports
the verification key and proves (``groth16 fullprove``) for a request made now.

The scope, challenge and DID hash come from the protocol package (zkvct.credentials.derive),
the one Python implementation of docs/protocol.md's derivations.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from circuits.gadgets.poseidon import poseidon_hash
from zkvct.chain.localnet import repo_root
from zkvct.chain.messages import ProofRequest, VerifyRequest, role
from zkvct.credentials import derive

CIRCUITS = repo_root() / "verifier_contract" / "fixtures" / "circuits"
EPOCH_1900 = date(1900, 1, 1)


def scope_of(rp_did: str, statement_id: str) -> int:
    return derive.scope(rp_did, statement_id)


def challenge_of(rp_did: str, req: ProofRequest) -> int:
    return derive.challenge(rp_did, derive.ProofRequest(req.id, req.nonce, req.expires_at))


def did_hash(did: str) -> int:
    return derive.holder_did_hash(did)


def day_number(d: date) -> int:
    return (d - EPOCH_1900).days


def minus_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def age_roles(years: int, bound: bool, root: str = "issuer_root") -> list:
    roles = [role(root), role("cutoff_days", years=years), role("today_days"), role("scope"), role("nullifier"),
             role("challenge")]
    return roles + [role("holder_did_hash")] if bound else roles


@dataclass
class Proved:
    proof: dict
    public: list[str]
    request: ProofRequest

    @property
    def root(self) -> str:
        return self.public[0]

    def verify_request(self, statement_id: str, issuer_did: str, rp_did: str, holder_did: str | None) -> VerifyRequest:
        return VerifyRequest(statement_id=statement_id, proof=self.proof, public_inputs=self.public,
                             issuer_did=issuer_did, relying_party_did=rp_did, request=self.request,
                             holder_did=holder_did)


class AgeProver:
    """One compiled circuit + key per mode (``bound``: 7 inputs, ``anon``: 6 inputs)."""

    def __init__(self, work: Path, npm_peers):
        from zkvct.formats.r1cs_file import read_r1cs
        from zkvct.groth16.setup import dev_setup

        self.work, self.peers, self.circuits, self.counter = work, npm_peers, {}, 0
        template = CIRCUITS.joinpath("age_v2.circom").read_text().replace("pragma circom 2.1.0;", "")
        for mode, name in (("bound", "age_bound"), ("anon", "age_unlinkable")):
            # one source file: the template inlined, circomlib from the peers' copy
            src = CIRCUITS.joinpath(f"{name}.circom").read_text().replace('include "age_v2.circom";', template)
            src = re.sub(r'include "([a-z]+\.circom)";', r'include "circomlib/circuits/\1";', src)
            out = npm_peers.compile_circom(src, name, work / name, sym=False)
            zkey = work / name / f"{name}.zkey"
            dev_setup(read_r1cs(out["r1cs"]), zkey)
            vk = work / name / "vk.json"
            npm_peers.snarkjs("zkey", "export", "verificationkey", str(zkey), str(vk))
            self.circuits[mode] = {"wasm": out["wasm"], "zkey": zkey, "vk": json.loads(vk.read_text())}

    def vk(self, mode: str) -> dict:
        return self.circuits[mode]["vk"]

    def prove(self, mode: str, *, rp_did: str, statement_id: str, holder_did: str, today: date, serial: int,
              years: int = 18, dob: date = date(2000, 1, 1), expires_at: int | None = None,
              request_id: str | None = None, secret: int = 424242424242) -> Proved:
        """A proof for a fresh request of ``rp_did`` (expiring in an hour unless ``expires_at``)."""
        self.counter += 1
        now = int(datetime.now(timezone.utc).timestamp())
        req = ProofRequest(id=request_id or f"req-{self.counter}", nonce=f"nonce-{self.counter}",
                           expires_at=now + 3600 if expires_at is None else expires_at)
        salt, sibling, expiry = 99, 55, day_number(date(2099, 1, 1))
        dh = did_hash(holder_did)
        leaf = poseidon_hash([poseidon_hash([secret]), dh, day_number(dob), expiry, serial, salt])
        scope = scope_of(rp_did, statement_id)
        inputs = {
            "root": poseidon_hash([leaf, sibling]), "cutoff_days": day_number(minus_years(today, years)),
            "today_days": day_number(today), "scope": scope, "nullifier": poseidon_hash([secret, serial, scope]),
            "challenge": challenge_of(rp_did, req), "holder_did_hash": dh, "dob_days": day_number(dob),
            "expiry_days": expiry, "holder_secret": secret, "serial": serial, "salt": salt, "sibling": sibling,
        }
        c = self.circuits[mode]
        base = self.work / f"p{self.counter}"
        base.with_suffix(".input.json").write_text(json.dumps({k: str(v) for k, v in inputs.items()}))
        proof, public = base.with_suffix(".proof.json"), base.with_suffix(".public.json")
        self.peers.snarkjs("groth16", "fullprove", str(base.with_suffix(".input.json")), str(c["wasm"]), str(c["zkey"]),
                           str(proof), str(public))
        return Proved(json.loads(proof.read_text()), json.loads(public.read_text()), req)


def authorization_for_nonce(chain, ver, key, req: VerifyRequest, nonce: int):
    """A holder authorization signed over the sign bytes for ``nonce`` (not the current one): the
    bytes from zkvct.credentials.derive, the proof hash from the contract's query."""
    import base64
    import hashlib

    from zkvct.chain.messages import HolderAuthorization

    sb = ver.authorization_sign_bytes(req)
    data = derive.authorization_sign_bytes(
        chain_id=chain.network.chain_id, verifier=ver.address, nonce=nonce, holder_did=req.holder_did,
        statement_id=req.statement_id, relying_party_did=req.relying_party_did, request_id=req.request.id,
        proof_hash_bytes=bytes.fromhex(sb.proof_hash))
    sig = key.sign_digest(hashlib.sha256(data).digest(), deterministic=True, canonicalise=True)
    return HolderAuthorization(public_key=key.public_key.public_key_bytes.hex(),
                               signature=base64.b64encode(sig).decode(), nonce=nonce)
