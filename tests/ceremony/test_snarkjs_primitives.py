"""ChaCha, hashToG2, G1/Fr sampling and keys: bit-exact against the real snarkjs/ffjavascript."""
from __future__ import annotations

import json

import pytest

from zkvct.curve import G1_GENERATOR

from ceremony.chacha import ChaCha
from ceremony.keys import beacon_key, g2_sp
from ceremony.sampling import fr_from_rng, g1_from_rng, hash_to_g2

pytestmark = pytest.mark.interop

SCRIPT = r"""
const path = require("path");
const nm = process.env.NODE_PATH;
(async () => {
  const { buildBn128, ChaCha } = await import(path.join(nm, "ffjavascript", "main.js"));
  const kp = await import(path.join(nm, "snarkjs", "src", "keypair.js"));
  const utils = await import(path.join(nm, "snarkjs", "src", "powersoftau_utils.js"));
  const curve = await buildBn128(true);
  const hex = (b) => Buffer.from(b).toString("hex");
  const out = {};
  const seeds = JSON.parse(process.argv[2]);
  out.chacha = seeds.map((s) => { const r = new ChaCha(s); const v = []; for (let i = 0; i < 40; i++) v.push(r.nextU32()); return v; });
  out.h2g2 = seeds.map((s) => { const h = new Uint8Array(64); const r = new ChaCha(s); for (let i = 0; i < 64; i++) h[i] = r.nextU32() & 255;
      return [hex(h), hex(curve.G2.toUncompressed(curve.G2.toAffine(kp.hashToG2(curve, h))))]; });
  out.g1 = seeds.map((s) => { const r = new ChaCha(s); return hex(curve.G1.toUncompressed(curve.G1.toAffine(curve.G1.fromRng(r)))); });
  out.fr = seeds.map((s) => { const r = new ChaCha(s); return curve.Fr.toString(curve.Fr.fromRng(r)); });
  const ch = new Uint8Array(64).fill(7);
  const key = await utils.keyFromBeacon(curve, ch, new Uint8Array([1, 2, 3, 4]), 10);
  out.beacon = hex(curve.G2.toUncompressed(curve.G2.toAffine(key.beta.g2_spx))) + hex(curve.G1.toUncompressed(curve.G1.toAffine(key.alpha.g1_sx)));
  console.log(JSON.stringify(out));
  process.exit(0);
})();
"""


@pytest.fixture(scope="module")
def reference(npm_peers, tmp_path_factory):
    seeds = [[1, 2, 3, 4, 5, 6, 7, 8], [0] * 8, [0xFFFFFFFF] * 8, [0xDEADBEEF, 17, 0, 99, 123456789, 5, 6, 0x80000000]]
    d = tmp_path_factory.mktemp("prims")
    script = d / "prims.cjs"
    script.write_text(SCRIPT)
    proc = npm_peers.run_node([str(script), json.dumps(seeds)])
    assert proc.returncode == 0, proc.stderr
    return seeds, json.loads(proc.stdout)


def test_chacha_stream(reference) -> None:
    seeds, ref = reference
    for seed, want in zip(seeds, ref["chacha"]):
        r = ChaCha(seed)
        assert [r.next_u32() for _ in range(40)] == want


def test_hash_to_g2(reference) -> None:
    seeds, ref = reference
    for h_hex, want in ref["h2g2"]:
        p = hash_to_g2(bytes.fromhex(h_hex))
        assert p.to_uncompressed().hex() == want
        assert p.in_subgroup(native=True)


def test_g1_and_fr_sampling(reference) -> None:
    seeds, ref = reference
    for seed, g1, fr in zip(seeds, ref["g1"], ref["fr"]):
        assert g1_from_rng(ChaCha(seed)).to_uncompressed().hex() == g1
        assert str(fr_from_rng(ChaCha(seed))) == fr


def test_beacon_key(reference) -> None:
    _, ref = reference
    _, pk = beacon_key(bytes([7]) * 64, bytes([1, 2, 3, 4]), 10)
    assert pk.beta_g2_spx.to_uncompressed().hex() + pk.alpha_g1_sx.to_uncompressed().hex() == ref["beacon"]


def test_g2_sp_is_bound_to_challenge() -> None:
    a = g2_sp(0, bytes(64), G1_GENERATOR, G1_GENERATOR.mul(5))
    b = g2_sp(0, bytes([1]) + bytes(63), G1_GENERATOR, G1_GENERATOR.mul(5))
    c = g2_sp(1, bytes(64), G1_GENERATOR, G1_GENERATOR.mul(5))
    assert len({p.to_uncompressed() for p in (a, b, c)}) == 3
