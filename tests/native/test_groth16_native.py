"""The native Groth16 prover/verifier against the real snarkjs 0.7.6 (tests/peers).

A small circom circuit goes through snarkjs's whole pipeline (powers of tau with a contribution,
prepare phase 2, groth16 setup, a phase-2 contribution so δ ≠ 1, witness calculation). The native
prover then proves from the raw .zkey sections and .wtns values, and `snarkjs groth16 verify`
must accept the proof; the native verifier must accept snarkjs's own proof and reject tampering.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

import zkvct._native as nat

import snarkjs_files as sf
from helpers import R, fr

pytestmark = pytest.mark.interop

CIRCUIT = """
pragma circom 2.0.0;
template Chain(n) {
    signal input a;
    signal input b;
    signal input k;
    signal output c;
    signal output d;
    signal x[n];
    x[0] <== a * b;
    for (var i = 1; i < n; i++) { x[i] <== x[i-1] * a + b; }
    c <== x[n-1];
    d <== k * k;
}
component main {public [a]} = Chain(40);
"""


@pytest.fixture(scope="module")
def art(npm_peers, tmp_path_factory):
    d: Path = tmp_path_factory.mktemp("g16native")
    out = npm_peers.compile_circom(CIRCUIT, "chain", d, sym=False)
    s = lambda *a: npm_peers.snarkjs(*a, cwd=d)  # noqa: E731
    s("powersoftau", "new", "bn128", "7", "pot0.ptau")
    s("powersoftau", "contribute", "pot0.ptau", "pot1.ptau", "--name=t", "-e=entropy-one")
    s("powersoftau", "prepare", "phase2", "pot1.ptau", "pot.ptau")
    s("groth16", "setup", str(out["r1cs"]), "pot.ptau", "k0.zkey")
    s("zkey", "contribute", "k0.zkey", "k1.zkey", "--name=p2", "-e=entropy-two")
    s("zkey", "export", "verificationkey", "k1.zkey", "vk.json")
    npm_peers.circom_witness(out["wasm"], {"a": 3, "b": 11, "k": 5}, d / "w.wtns")
    s("groth16", "prove", "k1.zkey", "w.wtns", "sj_proof.json", "sj_public.json")
    return {"dir": d, "zkey": sf.zkey(d / "k1.zkey"), "wtns": sf.wtns(d / "w.wtns"), "peers": npm_peers}


KEY_FIELDS = ("n_vars", "n_public", "domain_size", "coeffs", "a", "b1", "b2", "c", "h",
              "alpha1", "beta1", "beta2", "delta1", "delta2")


def key_of(z, trusted=False):
    return nat.ProvingKey(**{f: z[f] for f in KEY_FIELDS}, trusted=trusted)


def prove(z, w, **kw):
    return nat.groth16_prove(key_of(z), w, **kw)


def publics_of(z, w) -> bytes:
    return w[32:32 * (1 + z["n_public"])]


def verify(z, proof, publics):
    a, b, c = proof
    return nat.groth16_verify(z["alpha1"], z["beta2"], z["gamma2"], z["delta2"], z["ic"], a, b, c, publics)


def proof_json(proof) -> dict:
    a, b, c = proof
    ax, ay = nat.g1_to_affine_ints(a)
    (bx0, bx1), (by0, by1) = nat.g2_to_affine_ints(b)
    cx, cy = nat.g1_to_affine_ints(c)
    return {"pi_a": [str(ax), str(ay), "1"], "pi_b": [[str(bx0), str(bx1)], [str(by0), str(by1)], ["1", "0"]],
            "pi_c": [str(cx), str(cy), "1"], "protocol": "groth16", "curve": "bn128"}


def snarkjs_verifies(art, proof, publics: list[int], tag: str) -> bool:
    d = art["dir"]
    (d / f"{tag}_proof.json").write_text(json.dumps(proof_json(proof)))
    (d / f"{tag}_public.json").write_text(json.dumps([str(v) for v in publics]))
    res = art["peers"].snarkjs("groth16", "verify", "vk.json", f"{tag}_public.json", f"{tag}_proof.json", cwd=d, check=False)
    return res.returncode == 0 and "OK" in res.stdout


def ints32(b: bytes) -> list[int]:
    return [int.from_bytes(b[i:i + 32], "little") for i in range(0, len(b), 32)]


def test_snarkjs_accepts_native_proof(art):
    z, w = art["zkey"], art["wtns"]
    proof = prove(z, w)
    pubs = publics_of(z, w)
    assert verify(z, proof, pubs) is True
    assert snarkjs_verifies(art, proof, ints32(pubs), "native")
    # the public signals are what snarkjs itself reports
    assert [str(v) for v in ints32(pubs)] == json.loads((art["dir"] / "sj_public.json").read_text())


def test_fixed_blinding_is_deterministic_and_random_blinding_is_not(art):
    z, w = art["zkey"], art["wtns"]
    p1 = prove(z, w, r=fr(12345), s=fr(678))
    assert p1 == prove(z, w, r=fr(12345), s=fr(678))
    p3 = prove(z, w, r=fr(12346), s=fr(678))
    assert p3[0] != p1[0] and p3[2] != p1[2] and p3[1] == p1[1]
    assert verify(z, p3, publics_of(z, w))
    assert prove(z, w) != prove(z, w)  # OS randomness
    # r = s = 0 is still a valid (unblinded) proof: the algebra does not depend on blinding
    assert verify(z, prove(z, w, r=fr(0), s=fr(0)), publics_of(z, w))


def test_native_verifier_accepts_snarkjs_proof_and_rejects_tampering(art):
    z = art["zkey"]
    d = art["dir"]
    pj = json.loads((d / "sj_proof.json").read_text())
    pubs = [int(v) for v in json.loads((d / "sj_public.json").read_text())]
    a = nat.g1_from_affine_ints(int(pj["pi_a"][0]), int(pj["pi_a"][1]))
    b = nat.g2_from_affine_ints(tuple(int(v) for v in pj["pi_b"][0]), tuple(int(v) for v in pj["pi_b"][1]))
    c = nat.g1_from_affine_ints(int(pj["pi_c"][0]), int(pj["pi_c"][1]))
    good = b"".join(fr(v) for v in pubs)
    assert verify(z, (a, b, c), good) is True
    for i in range(len(pubs)):
        tampered = bytearray(good)
        tampered[32 * i:32 * i + 32] = fr(pubs[i] + 1)
        assert verify(z, (a, b, c), bytes(tampered)) is False
    assert verify(z, (c, b, a), good) is False
    neg_a = nat.g1_batch_mul(a, fr(R - 1))
    assert verify(z, (neg_a, b, c), good) is False
    # aliasing a public input by adding r is refused as malformed, never accepted
    aliased = (pubs[0] + R).to_bytes(32, "little") + good[32:]
    with pytest.raises(ValueError, match="public input 0: not canonical"):
        verify(z, (a, b, c), aliased)
    with pytest.raises(ValueError, match="wrong number of public inputs: got 2, the verification key expects 3"):
        verify(z, (a, b, c), good[:64])
    with pytest.raises(ValueError, match="proof pi_a: the point at infinity"):
        verify(z, (bytes(64), b, c), good)
    off = bytearray(c)
    off[5] ^= 0xFF
    with pytest.raises(ValueError, match="proof pi_c"):
        verify(z, (a, b, bytes(off)), good)
    with pytest.raises(ValueError, match="proof pi_b: expected 128 bytes"):
        verify(z, (a, b[:-1], c), good)


def test_unsatisfying_witness_gives_a_rejected_proof(art):
    z, w = art["zkey"], bytearray(art["wtns"])
    last = 32 * (z["n_vars"] - 1)
    w[last:last + 32] = fr(int.from_bytes(w[last:last + 32], "little") + 1)
    proof = prove(z, bytes(w))
    assert verify(z, proof, publics_of(z, bytes(w))) is False
    assert not snarkjs_verifies(art, proof, ints32(publics_of(z, bytes(w))), "bad")


def test_prover_rejects_malformed_inputs(art):
    z, w = art["zkey"], art["wtns"]
    with pytest.raises(ValueError, match="witness: expected"):
        prove(z, w[:-32])
    bad_w = bytearray(w)
    bad_w[64:96] = R.to_bytes(32, "little")
    with pytest.raises(ValueError, match="witness: scalar 2: not canonical"):
        prove(z, bytes(bad_w))
    zz = dict(z, coeffs=z["coeffs"][:-1])
    with pytest.raises(ValueError, match="coefficients section"):
        prove(zz, w)
    coeffs = bytearray(z["coeffs"])
    coeffs[4:8] = (7).to_bytes(4, "little")  # matrix id 7 in entry 0
    with pytest.raises(ValueError, match="coefficient 0: matrix 7"):
        prove(dict(z, coeffs=bytes(coeffs)), w)
    with pytest.raises(ValueError, match="H points: expected"):
        prove(dict(z, h=z["h"][:-64]), w)
    bad_a = bytearray(z["a"])
    bad_a[64 + 3] ^= 1  # point 1 off the curve (or coordinate too big)
    with pytest.raises(ValueError, match="A points: point 1"):
        prove(dict(z, a=bytes(bad_a)), w)
    with pytest.raises(ValueError, match="r: scalar is not canonical"):
        prove(z, w, r=R.to_bytes(32, "little"))


def test_proving_key_is_built_once_and_reused(art):
    z, w = art["zkey"], art["wtns"]
    key = key_of(z, trusted=True)
    assert (key.n_vars, key.n_public, key.domain_size) == (z["n_vars"], z["n_public"], z["domain_size"])
    p1 = nat.groth16_prove(key, w, r=fr(9), s=fr(10))
    assert p1 == nat.groth16_prove(key, w, r=fr(9), s=fr(10)) == prove(z, w, r=fr(9), s=fr(10))
    assert verify(z, nat.groth16_prove(key, w), publics_of(z, w))
    with pytest.raises(TypeError):  # named arguments only: no matching buffers by position
        nat.ProvingKey(z["n_vars"], z["n_public"], z["domain_size"])
