"""Compatibility with circom/circomlib/circomlibjs: the real npm peers, same inputs, same answers.

circomlib's templates are compiled with circom2 and run through snarkjs's witness calculator;
our twins and our circuits must give the same outputs (and reject what circomlib's reject), with
one deliberate difference: circomlib's ``LessThan`` wraps on out-of-range inputs, ours refuses them.
"""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from circuits.gadgets import comparators as cmp
from circuits.gadgets import eddsa, is_zero as iz, smt
from circuits.gadgets.poseidon import poseidon, poseidon_hash
from circuits.gadgets.poseidon_params import poseidon_params
from zkvct.field import R, fr_ints
from zkvct.formats.r1cs_file import read_r1cs
from zkvct.formats.wtns_file import read_wtns

from harness import gadget_circuit, satisfied

pytestmark = pytest.mark.interop
NODE_DIR = Path(__file__).resolve().parent / "node"
WIDTHS = (1, 2, 5, 16)


def node_json(npm_peers, script: str, *args: str):
    proc = npm_peers.run_node([str(NODE_DIR / script), *args], timeout=300)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_poseidon_parameters_equal_circomlibjs_constants(npm_peers):
    """Our Grain-LFSR output against the constants file circomlibjs ships (read, never copied)."""
    published = json.loads((npm_peers.NODE_MODULES / "circomlibjs" / "src" / "poseidon_constants.json").read_text())
    for t in range(2, 18):
        consts, mds = poseidon_params(t)
        assert list(consts) == [int(c, 16) for c in published["C"][t - 2]], f"round constants t={t}"
        assert [list(r) for r in mds] == [[int(c, 16) for c in row] for row in published["M"][t - 2]], f"MDS t={t}"


GADGETS_CIRCOM = """
pragma circom 2.0.0;
include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/comparators.circom";
template Gadgets() {
    signal input x[16];
    signal input a;
    signal input b;
    signal output p1; signal output p2; signal output p5; signal output p16;
    signal output lt; signal output iszero; signal output iseq;
    component h1 = Poseidon(1); h1.inputs[0] <== x[0]; p1 <== h1.out;
    component h2 = Poseidon(2); for (var i = 0; i < 2; i++) { h2.inputs[i] <== x[i]; } p2 <== h2.out;
    component h5 = Poseidon(5); for (var i = 0; i < 5; i++) { h5.inputs[i] <== x[i]; } p5 <== h5.out;
    component h16 = Poseidon(16); for (var i = 0; i < 16; i++) { h16.inputs[i] <== x[i]; } p16 <== h16.out;
    component c = LessThan(16); c.in[0] <== a; c.in[1] <== b; lt <== c.out;
    component z = IsZero(); z.in <== a; iszero <== z.out;
    component e = IsEqual(); e.in[0] <== a; e.in[1] <== b; iseq <== e.out;
}
component main = Gadgets();
"""


@pytest.fixture(scope="module")
def circom_gadgets(npm_peers, tmp_path_factory):
    return npm_peers.compile_circom(GADGETS_CIRCOM, "gadgets", tmp_path_factory.mktemp("circom_gadgets"))


def _circom_outputs(npm_peers, files, inputs, out: Path, n_out: int) -> list[int]:
    npm_peers.circom_witness(files["wasm"], inputs, out)
    return fr_ints(read_wtns(out))[1:1 + n_out]


def _ours(api, x):
    outs = [poseidon(api, x.x[:n], name=f"p{n}") for n in WIDTHS]
    outs += [cmp.less_than(api, x.a, x.b, 16), iz.is_zero(api, x.a), iz.is_equal(api, x.a, x.b)]
    for sig, pub in zip(outs, x.out):
        api.assert_equal(sig, pub)


OURS = gadget_circuit("gadgets", _ours, public=["out"], private=["x", "a", "b"], shapes={"out": (7,), "x": (16,)})


@pytest.mark.slow
def test_gadgets_agree_with_circomlib(npm_peers, circom_gadgets, tmp_path):
    rng = random.Random(5)
    cases = [(0, 0), (3, 3), (3, 4), (65535, 0), (0, 65535), (1234, 1233)]
    for i, (a, b) in enumerate(cases):
        xs = [rng.randrange(R) for _ in range(16)]
        theirs = _circom_outputs(npm_peers, circom_gadgets, {"x": [str(v) for v in xs], "a": a, "b": b},
                                 tmp_path / f"w{i}.wtns", 7)
        twins = [poseidon_hash(xs[:n]) for n in WIDTHS] + [
            cmp.less_than_value(a, b, 16), iz.is_zero_value(a), iz.is_equal_value(a, b)]
        assert theirs == twins
        assert satisfied(OURS, inputs=[*theirs, *xs, a, b])
        wrong = list(theirs)
        wrong[i % 7] = (wrong[i % 7] + 1) % R
        assert not satisfied(OURS, inputs=[*wrong, *xs, a, b])


@pytest.mark.slow
def test_wrapped_comparison_lies_in_circomlib_but_not_here(npm_peers, circom_gadgets, tmp_path):
    a, b = R - 1, 3  # "-1 < 3": circomlib's LessThan(16) answers 1 for the field element r - 1
    xs = list(range(16))
    theirs = _circom_outputs(npm_peers, circom_gadgets, {"x": xs, "a": str(a), "b": b}, tmp_path / "w.wtns", 7)
    assert theirs[4] == 1  # circomlib: r - 1 < 3 (wrong as integers)
    for claim in (0, 1):
        outs = list(theirs)
        outs[4] = claim
        assert not satisfied(OURS, inputs=[*outs, *xs, a, b])


def test_poseidon2_size_against_circom_o2(npm_peers, tmp_path):
    """Same constraint count as circom --O2 and no more non-zero matrix terms (setup cost)."""
    (tmp_path / "p2.circom").write_text('pragma circom 2.0.0;\ninclude "circomlib_circuits/poseidon.circom";\n'
                                        'component main = Poseidon(2);\n')
    import shutil

    shutil.copytree(npm_peers.CIRCOMLIB, tmp_path / "circomlib_circuits")
    proc = npm_peers.run_node([str(npm_peers.CIRCOM2_CLI), "p2.circom", "--r1cs", "--O2", "-o", "."], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    theirs = read_r1cs(tmp_path / "p2.r1cs")
    ours = gadget_circuit("p2", lambda api, x: api.assert_equal(poseidon(api, x.x), x.h),
                          public=["h"], private=["x"], shapes={"x": (2,)}).r1cs
    assert ours.n_constraints <= 240 and ours.n_constraints <= theirs.n_constraints
    nnz = lambda r: r.a.nnz + r.b.nnz + r.c.nnz  # noqa: E731
    assert nnz(ours) <= nnz(theirs), (nnz(ours), nnz(theirs))


# -- sparse Merkle tree --------------------------------------------------------------------------

SMT_LEVELS = 12  # circomlib needs one spare level: its last sibling must be 0
SMT_CIRCOM = f"""
pragma circom 2.0.0;
include "circomlib/circuits/smt/smtverifier.circom";
component main {{public [root]}} = SMTVerifier({SMT_LEVELS});
"""


@pytest.mark.slow
def test_smt_proofs_agree_with_circomlib(npm_peers, tmp_path):
    leaves = [[1, 10], [2, 20], [3, 30], [9, 90], [17, 170], [300, 3000], [513, 5130]]
    probes = [1, 9, 300, 513, 5, 4, 1000, 33]
    res = node_json(npm_peers, "smt.js", json.dumps({"leaves": leaves, "probes": probes}))
    twin = smt.SparseMerkleTree()
    for k, v in leaves:
        twin.insert(k, v)
    root = int(res["root"])
    assert twin.root == root

    files = npm_peers.compile_circom(SMT_CIRCOM, "smtv", tmp_path / "circom")
    incl = gadget_circuit("smt_in", lambda api, x: smt.smt_inclusion(api, x.root, x.key, x.value, x.sib, key_bits=16),
                          public=["root"], private=["key", "value", "sib"], shapes={"sib": (SMT_LEVELS,)})
    excl = gadget_circuit("smt_ex", lambda api, x: smt.smt_exclusion(api, x.root, x.key, x.old_key, x.old_value,
                                                                      x.is_old0, x.sib, key_bits=16),
                          public=["root"], private=["key", "old_key", "old_value", "is_old0", "sib"],
                          shapes={"sib": (SMT_LEVELS,)})
    for i, p in enumerate(res["proofs"]):
        sib = [int(s) for s in p["siblings"]] + [0] * (SMT_LEVELS - len(p["siblings"]))
        key = int(p["key"])
        f = twin.find(key)
        assert f["found"] == p["found"] and f["siblings"] == [int(s) for s in p["siblings"]]
        circom_in = {"enabled": 1, "root": str(root), "siblings": [str(s) for s in sib],
                     "oldKey": p["notFoundKey"], "oldValue": p["notFoundValue"], "isOld0": int(p["isOld0"]),
                     "key": str(key), "value": p["foundValue"], "fnc": 0 if p["found"] else 1}
        npm_peers.circom_witness(files["wasm"], circom_in, tmp_path / f"s{i}.wtns")  # circomlib accepts
        if p["found"]:
            assert satisfied(incl, inputs=[root, key, int(p["foundValue"]), *sib])
            assert not satisfied(incl, inputs=[(root + 1) % R, key, int(p["foundValue"]), *sib])
        else:
            ins = [root, key, int(p["notFoundKey"]), int(p["notFoundValue"]), int(p["isOld0"]), *sib]
            assert satisfied(excl, inputs=ins)
            assert not satisfied(excl, inputs=[(root + 1) % R, *ins[1:]])
            # and circomlib rejects the tampered root too
            bad = dict(circom_in, root=str((root + 1) % R))
            with pytest.raises(AssertionError):
                npm_peers.circom_witness(files["wasm"], bad, tmp_path / f"bad{i}.wtns")


# -- EdDSA-Poseidon ------------------------------------------------------------------------------

def _eddsa_body(api, x):
    eddsa.eddsa_poseidon_verify(api, x.ax, x.ay, x.r8x, x.r8y, x.s, x.msg)


@pytest.fixture(scope="module")
def eddsa_cc():
    return gadget_circuit("eddsa", _eddsa_body, public=["ax", "ay", "msg"], private=["r8x", "r8y", "s"])


@pytest.mark.slow
def test_circomlibjs_signature_verifies_here(npm_peers, eddsa_cc):
    for prv, msg in (("00" * 31 + "01", 1234), ("ab" * 32, R - 1), ("0102030405060708" * 4, 0)):
        sig = node_json(npm_peers, "eddsa.js", "sign", prv, str(msg))
        a = tuple(int(v) for v in sig["A"])
        r8 = tuple(int(v) for v in sig["R8"])
        s = int(sig["S"])
        assert eddsa.verify(a, msg, r8, s)
        assert satisfied(eddsa_cc, inputs=[a[0], a[1], msg, r8[0], r8[1], s])
        other = (msg + 1) % R
        assert not eddsa.verify(a, other, r8, s)
        assert not satisfied(eddsa_cc, inputs=[a[0], a[1], other, r8[0], r8[1], s])
        # S + l is the same scalar mod l but must be refused (malleability)
        assert not satisfied(eddsa_cc, inputs=[a[0], a[1], msg, r8[0], r8[1], s + eddsa.bj.SUBORDER])


@pytest.mark.slow
def test_zkvct_signature_verifies_in_circomlibjs_and_circomlib(npm_peers, eddsa_cc, tmp_path):
    secret, msg = 0x1234567890ABCDEF1234567890ABCDEF, 987654321
    a = eddsa.public_key(secret)
    r8, s = eddsa.sign(secret, msg)
    payload = {"A": [str(v) for v in a], "R8": [str(v) for v in r8], "S": str(s)}
    assert node_json(npm_peers, "eddsa.js", "verify", json.dumps({**payload, "msg": str(msg)}))["ok"] is True
    assert node_json(npm_peers, "eddsa.js", "verify", json.dumps({**payload, "msg": str(msg + 1)}))["ok"] is False
    assert satisfied(eddsa_cc, inputs=[a[0], a[1], msg, r8[0], r8[1], s])
    files = npm_peers.compile_circom(
        'pragma circom 2.0.0;\ninclude "circomlib/circuits/eddsaposeidon.circom";\n'
        'component main = EdDSAPoseidonVerifier();\n', "eddsa", tmp_path / "circom")
    good = {"enabled": 1, "Ax": str(a[0]), "Ay": str(a[1]), "R8x": str(r8[0]), "R8y": str(r8[1]), "S": str(s),
            "M": str(msg)}
    npm_peers.circom_witness(files["wasm"], good, tmp_path / "ok.wtns")
    with pytest.raises(AssertionError):
        npm_peers.circom_witness(files["wasm"], dict(good, M=str(msg + 1)), tmp_path / "bad.wtns")


def test_less_than_constraint_count_against_circom(npm_peers, tmp_path):
    files = npm_peers.compile_circom(
        'pragma circom 2.0.0;\ninclude "circomlib/circuits/comparators.circom";\ncomponent main = LessThan(16);\n',
        "lt16", tmp_path, wasm=False, sym=False)
    theirs = read_r1cs(files["r1cs"]).n_constraints
    unchecked = gadget_circuit("lt", lambda api, x: api.assert_equal(cmp.less_than(api, x.a, x.b, 16, checked=True), x.o),
                               public=["o"], private=["a", "b"]).n_constraints
    checked = gadget_circuit("lt", lambda api, x: api.assert_equal(cmp.less_than(api, x.a, x.b, 16), x.o),
                             public=["o"], private=["a", "b"]).n_constraints
    assert unchecked <= theirs  # same construction, same elimination as circom --O2
    assert checked <= theirs + 2 * 16  # plus the two input range checks circomlib omits
