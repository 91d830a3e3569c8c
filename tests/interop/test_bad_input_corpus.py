"""Bad-input corpus: mutated proofs, keys and public inputs around a real snarkjs proof.

Each case derives from the valid (vk, public, proof) triple that snarkjs 0.7.6 produced for the
mul circuit (with two contributions and a beacon). The claim tested is the issue's: zero
acceptances and zero crashes. A case may end as a clean parse error (JsonFormatError, naming
the field) or as a rejection (``ok=False`` with a reason); any other exception fails the test.
Natively every case runs; with the py_ecc reference verifier every case that parses runs too
(those that fail a point check return in milliseconds; about 40 reach a pairing, ~1 s each).

The base triple is checked to verify first, so a mutation that is accepted is a real bug.
"""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from g16_badpoints import g1_off_curve, g2_not_in_subgroup, g2_off_curve
from zkvct.curve import G1Point, G2Point
from zkvct.errors import ZkvctError
from zkvct.field import Q, R
from zkvct.groth16.json_models import JsonFormatError, Proof, PublicSignals, VerificationKey, g1_to_json, g2_to_json
from zkvct.groth16.verify import verify, verify_files
from zkvct.groth16.verify_reference import verify_reference

pytestmark = pytest.mark.interop

BAD_DECIMALS = ["", " 1", "1 ", "+1", "-1", "0x1f", "1e3", "1.0", "01", "١٢", "12a", "∞", "NaN", "9" * 100]


# ---------------------------------------------------------------------------------------------
# mutations: each is (name, function(base) -> (vk, public, proof) JSON objects)

def _paths_proof():
    out = [("pi_a", (0,)), ("pi_a", (1,)), ("pi_c", (0,)), ("pi_c", (1,))]
    out += [("pi_b", (i, j)) for i in (0, 1) for j in (0, 1)]
    return out


def _get(obj, key, idx):
    v = obj[key]
    for i in idx:
        v = v[i]
    return v


def _set(obj, key, idx, value):
    v = obj[key]
    for i in idx[:-1]:
        v = v[i]
    v[idx[-1]] = value


MUTATIONS: list[tuple[str, object]] = []


def mutation(name):
    def deco(fn):
        MUTATIONS.append((name, fn))
        return fn
    return deco


def _proof_coord_mutations():
    for key, idx in _paths_proof():
        tag = f"{key}{list(idx)}"

        def plus_q(b, key=key, idx=idx):
            _set(b["proof"], key, idx, str(int(_get(b["proof"], key, idx)) + Q))
        MUTATIONS.append((f"proof {tag} + q", plus_q))

        def plus_one(b, key=key, idx=idx):
            _set(b["proof"], key, idx, str((int(_get(b["proof"], key, idx)) + 1) % Q))
        MUTATIONS.append((f"proof {tag} + 1 (off curve)", plus_one))

        def zero(b, key=key, idx=idx):
            _set(b["proof"], key, idx, "0")
        MUTATIONS.append((f"proof {tag} = 0", zero))

        def flip_digit(b, key=key, idx=idx):
            s = _get(b["proof"], key, idx)
            k = len(s) // 2
            _set(b["proof"], key, idx, s[:k] + str((int(s[k]) + 1) % 10) + s[k + 1:])
        MUTATIONS.append((f"proof {tag} digit flipped", flip_digit))

        def as_int(b, key=key, idx=idx):
            _set(b["proof"], key, idx, int(_get(b["proof"], key, idx)))
        MUTATIONS.append((f"proof {tag} as JSON number", as_int))

        for bad in BAD_DECIMALS[:8]:
            def non_decimal(b, key=key, idx=idx, bad=bad):
                _set(b["proof"], key, idx, bad if bad else "")
            MUTATIONS.append((f"proof {tag} = {bad!r}", non_decimal))


_proof_coord_mutations()


for _key in ("pi_a", "pi_c"):
    for _z in ("2", "0", "01", "-1"):
        MUTATIONS.append((f"proof {_key} z = {_z}", lambda b, k=_key, z=_z: b["proof"][k].__setitem__(2, z)))
    MUTATIONS.append((f"proof {_key} infinity", lambda b, k=_key: b["proof"].__setitem__(k, ["0", "1", "0"])))
    MUTATIONS.append((f"proof {_key} two coords", lambda b, k=_key: b["proof"][k].pop()))
    MUTATIONS.append((f"proof {_key} four coords", lambda b, k=_key: b["proof"][k].append("1")))
    MUTATIONS.append((f"proof {_key} negated", lambda b, k=_key: b["proof"][k].__setitem__(1, str(Q - int(b["proof"][k][1])))))
    MUTATIONS.append((f"proof {_key} off curve", lambda b, k=_key: b["proof"].__setitem__(k, g1_to_json(g1_off_curve(G1Point(int(b["proof"][k][0]), int(b["proof"][k][1])))))))
    MUTATIONS.append((f"proof {_key} = generator", lambda b, k=_key: b["proof"].__setitem__(k, g1_to_json(G1Point.generator()))))

for _z in (["2", "0"], ["0", "0"], ["1", "1"], ["1"]):
    MUTATIONS.append((f"proof pi_b z = {_z}", lambda b, z=_z: b["proof"]["pi_b"].__setitem__(2, z)))
MUTATIONS += [
    ("proof pi_b infinity", lambda b: b["proof"].__setitem__("pi_b", [["0", "0"], ["1", "0"], ["0", "0"]])),
    ("proof pi_b x<->y", lambda b: b["proof"]["pi_b"].__setitem__(slice(0, 2), [b["proof"]["pi_b"][1], b["proof"]["pi_b"][0]])),
    ("proof pi_b Fq2 halves swapped (Solidity order)", lambda b: b["proof"].__setitem__("pi_b", [list(reversed(b["proof"]["pi_b"][0])), list(reversed(b["proof"]["pi_b"][1])), ["1", "0"]])),
    ("proof pi_a <-> pi_c", lambda b: b["proof"].update(pi_a=b["proof"]["pi_c"], pi_c=b["proof"]["pi_a"])),
    ("proof pi_a = pi_c", lambda b: b["proof"].update(pi_a=b["proof"]["pi_c"])),
    ("proof pi_b = G2 generator", lambda b: b["proof"].__setitem__("pi_b", g2_to_json(G2Point.generator()))),
    ("proof pi_b off curve", lambda b: b["proof"].__setitem__("pi_b", g2_to_json(g2_off_curve(G2Point((int(b["proof"]["pi_b"][0][0]), int(b["proof"]["pi_b"][0][1])), (int(b["proof"]["pi_b"][1][0]), int(b["proof"]["pi_b"][1][1]))))))),
    ("proof pi_b as G1", lambda b: b["proof"].__setitem__("pi_b", b["proof"]["pi_a"])),
    ("proof pi_a as G2", lambda b: b["proof"].__setitem__("pi_a", b["proof"]["pi_b"])),
    ("proof protocol plonk", lambda b: b["proof"].__setitem__("protocol", "plonk")),
    ("proof curve bls12381", lambda b: b["proof"].__setitem__("curve", "bls12381")),
    ("proof missing pi_c", lambda b: b["proof"].pop("pi_c")),
    ("proof extra field", lambda b: b["proof"].__setitem__("pi_d", ["1", "2", "1"])),
    ("proof is a list", lambda b: b.__setitem__("proof", [b["proof"]["pi_a"]])),
    ("proof is null", lambda b: b.__setitem__("proof", None)),
    ("proof pi_a is a string", lambda b: b["proof"].__setitem__("pi_a", "1,2,1")),
    ("proof pi_b nested too deep", lambda b: b["proof"].__setitem__("pi_b", [[["1", "2"]], ["1", "0"], ["1", "0"]])),
]
for _i in range(4):
    MUTATIONS.append((f"proof pi_b wrong subgroup #{_i}", lambda b, i=_i: b["proof"].__setitem__("pi_b", g2_to_json(WRONG_SUBGROUP[i]))))

# public signals
for _i in range(2):
    MUTATIONS += [
        (f"public[{_i}] + r", lambda b, i=_i: b["public"].__setitem__(i, str(int(b["public"][i]) + R))),
        (f"public[{_i}] + 2r", lambda b, i=_i: b["public"].__setitem__(i, str(int(b["public"][i]) + 2 * R))),
        (f"public[{_i}] = r", lambda b, i=_i: b["public"].__setitem__(i, str(R))),
        (f"public[{_i}] = r - 1", lambda b, i=_i: b["public"].__setitem__(i, str(R - 1))),
        (f"public[{_i}] + 1", lambda b, i=_i: b["public"].__setitem__(i, str((int(b["public"][i]) + 1) % R))),
        (f"public[{_i}] = 0", lambda b, i=_i: b["public"].__setitem__(i, "0")),
        (f"public[{_i}] - r (negative)", lambda b, i=_i: b["public"].__setitem__(i, str(int(b["public"][i]) - R))),
        (f"public[{_i}] + q", lambda b, i=_i: b["public"].__setitem__(i, str(int(b["public"][i]) + Q))),
        (f"public[{_i}] as number", lambda b, i=_i: b["public"].__setitem__(i, int(b["public"][i]))),
    ]
    for _bad in BAD_DECIMALS:
        MUTATIONS.append((f"public[{_i}] = {_bad!r}", lambda b, i=_i, v=_bad: b["public"].__setitem__(i, v)))
MUTATIONS += [
    ("public swapped", lambda b: b["public"].reverse()),
    ("public one extra", lambda b: b["public"].append("0")),
    ("public one missing", lambda b: b["public"].pop()),
    ("public empty", lambda b: b["public"].clear()),
    ("public is a dict", lambda b: b.__setitem__("public", {"0": b["public"][0]})),
    ("public is a string", lambda b: b.__setitem__("public", ",".join(b["public"]))),
    ("public nested list", lambda b: b.__setitem__("public", [b["public"]])),
    ("public null entry", lambda b: b["public"].__setitem__(0, None)),
]

# verification key
for _name in ("vk_alpha_1",):
    MUTATIONS += [
        (f"vk {_name}.x + q", lambda b, n=_name: b["vk"][n].__setitem__(0, str(int(b["vk"][n][0]) + Q))),
        (f"vk {_name} off curve", lambda b, n=_name: b["vk"][n].__setitem__(1, str((int(b["vk"][n][1]) + 1) % Q))),
        (f"vk {_name} infinity", lambda b, n=_name: b["vk"].__setitem__(n, ["0", "1", "0"])),
        (f"vk {_name} = generator", lambda b, n=_name: b["vk"].__setitem__(n, g1_to_json(G1Point.generator()))),
    ]
for _name in ("vk_beta_2", "vk_gamma_2", "vk_delta_2"):
    for _c in range(2):
        MUTATIONS.append((f"vk {_name}.x.c{_c} + q", lambda b, n=_name, c=_c: b["vk"][n][0].__setitem__(c, str(int(b["vk"][n][0][c]) + Q))))
        MUTATIONS.append((f"vk {_name}.y.c{_c} + 1", lambda b, n=_name, c=_c: b["vk"][n][1].__setitem__(c, str((int(b["vk"][n][1][c]) + 1) % Q))))
    MUTATIONS += [
        (f"vk {_name} infinity", lambda b, n=_name: b["vk"].__setitem__(n, [["0", "0"], ["1", "0"], ["0", "0"]])),
        (f"vk {_name} wrong subgroup", lambda b, n=_name: b["vk"].__setitem__(n, g2_to_json(WRONG_SUBGROUP[4]))),
        (f"vk {_name} Fq2 halves swapped", lambda b, n=_name: b["vk"].__setitem__(n, [list(reversed(b["vk"][n][0])), list(reversed(b["vk"][n][1])), ["1", "0"]])),
    ]
MUTATIONS += [
    ("vk gamma <-> delta", lambda b: b["vk"].update(vk_gamma_2=b["vk"]["vk_delta_2"], vk_delta_2=b["vk"]["vk_gamma_2"])),
    ("vk beta <-> delta", lambda b: b["vk"].update(vk_beta_2=b["vk"]["vk_delta_2"], vk_delta_2=b["vk"]["vk_beta_2"])),
    ("vk nPublic 1", lambda b: b["vk"].__setitem__("nPublic", 1)),
    ("vk nPublic 3", lambda b: b["vk"].__setitem__("nPublic", 3)),
    ("vk nPublic -1", lambda b: b["vk"].__setitem__("nPublic", -1)),
    ("vk nPublic string", lambda b: b["vk"].__setitem__("nPublic", "2")),
    ("vk nPublic true", lambda b: b["vk"].__setitem__("nPublic", True)),
    ("vk IC dropped + nPublic 1", lambda b: (b["vk"]["IC"].pop(), b["vk"].__setitem__("nPublic", 1), b["public"].pop())),
    ("vk IC[1] <-> IC[2]", lambda b: b["vk"]["IC"].reverse() if False else b["vk"].__setitem__("IC", [b["vk"]["IC"][0], b["vk"]["IC"][2], b["vk"]["IC"][1]])),
    ("vk IC[0] <-> alpha", lambda b: b["vk"].update(vk_alpha_1=b["vk"]["IC"][0], IC=[b["vk"]["vk_alpha_1"]] + b["vk"]["IC"][1:])),
    ("vk IC extra point + nPublic 3 + public", lambda b: (b["vk"]["IC"].append(g1_to_json(G1Point.generator())), b["vk"].__setitem__("nPublic", 3), b["public"].append("1"))),
    ("vk protocol plonk", lambda b: b["vk"].__setitem__("protocol", "plonk")),
    ("vk curve bls12381", lambda b: b["vk"].__setitem__("curve", "bls12381")),
    ("vk alphabeta missing", lambda b: b["vk"].pop("vk_alphabeta_12")),
    ("vk IC missing", lambda b: b["vk"].pop("IC")),
    ("vk is a list", lambda b: b.__setitem__("vk", [b["vk"]])),
]
for _i in range(3):
    MUTATIONS += [
        (f"vk IC[{_i}].x + q", lambda b, i=_i: b["vk"]["IC"][i].__setitem__(0, str(int(b["vk"]["IC"][i][0]) + Q))),
        (f"vk IC[{_i}] off curve", lambda b, i=_i: b["vk"]["IC"][i].__setitem__(1, str((int(b["vk"]["IC"][i][1]) + 1) % Q))),
        (f"vk IC[{_i}] = generator", lambda b, i=_i: b["vk"]["IC"].__setitem__(i, g1_to_json(G1Point.generator()))),
        (f"vk IC[{_i}] infinity", lambda b, i=_i: b["vk"]["IC"].__setitem__(i, ["0", "1", "0"])),
        (f"vk IC[{_i}] z = 2", lambda b, i=_i: b["vk"]["IC"][i].__setitem__(2, "2")),
    ]

WRONG_SUBGROUP: list[G2Point] = []


@pytest.fixture(scope="module")
def base(snarkjs_keys):
    if not WRONG_SUBGROUP:
        WRONG_SUBGROUP.extend(g2_not_in_subgroup(5))
    b = {
        "vk": json.loads(snarkjs_keys.vk.read_text()),
        "public": json.loads(snarkjs_keys.public.read_text()),
        "proof": json.loads(snarkjs_keys.proof.read_text()),
    }
    assert run_case(b, native=True) == "accepted"
    return b


def run_case(b, native: bool) -> str:
    """'parse error' | 'rejected' | 'accepted'; anything else propagates (a crash)."""
    try:
        vk = VerificationKey.parse(b["vk"])
        pub = PublicSignals.parse(b["public"])
        proof = Proof.parse(b["proof"])
    except JsonFormatError as exc:
        assert str(exc)  # a message naming the problem
        return "parse error"
    res = verify(vk, pub, proof) if native else verify_reference(vk, pub, proof)
    if res.ok:
        return "accepted"
    assert res.reason
    return "rejected"


def test_corpus_size():
    assert len(MUTATIONS) >= 200, len(MUTATIONS)
    assert len({n for n, _ in MUTATIONS}) == len(MUTATIONS)  # names are unique


def _mutated(base, fn):
    b = copy.deepcopy(base)
    fn(b)
    return b


@pytest.mark.parametrize("name,fn", MUTATIONS, ids=[n for n, _ in MUTATIONS])
def test_native_never_accepts(base, name, fn):
    assert run_case(_mutated(base, fn), native=True) != "accepted"


@pytest.mark.slow
def test_reference_never_accepts_and_agrees(base):
    """py_ecc verifier on every mutation: never accepts, and agrees with the native outcome."""
    outcomes = {}
    for name, fn in MUTATIONS:
        b = _mutated(base, fn)
        ref = run_case(b, native=False)
        assert ref != "accepted", name
        assert ref == run_case(b, native=True), name
        outcomes[ref] = outcomes.get(ref, 0) + 1
    assert outcomes.get("rejected", 0) >= 40, outcomes  # many reach the point checks / pairing


# ---------------------------------------------------------------------------------------------
# file-level: truncations and byte flips of the JSON files, through verify_files and the CLI

FILES = ("vk", "public", "proof")


def _write(tmp: Path, b: dict) -> dict:
    paths = {}
    for k in FILES:
        paths[k] = tmp / f"{k}.json"
        paths[k].write_text(json.dumps(b[k], indent=1))
    return paths


@pytest.mark.parametrize("which", FILES)
@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.33, 0.5, 0.77, 0.95, 0.999])
def test_truncated_json_files(base, tmp_path, which, fraction):
    paths = _write(tmp_path, base)
    data = paths[which].read_bytes()
    paths[which].write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(JsonFormatError):
        verify_files(str(paths["vk"]), str(paths["public"]), str(paths["proof"]))


@pytest.mark.parametrize("which", FILES)
@pytest.mark.parametrize("seed", range(12))
def test_byte_flips_in_json_files(base, tmp_path, which, seed):
    import random

    paths = _write(tmp_path, base)
    data = bytearray(paths[which].read_bytes())
    rng = random.Random(seed * 7919 + FILES.index(which))
    # vk_alphabeta_12 is redundant (snarkjs and zkvct never read it) and whitespace is
    # insignificant, so flips there would not change the statement: target everything else.
    text = data.decode()
    skip = range(text.find('"vk_alphabeta_12"'), text.find('"IC"')) if which == "vk" else range(0)
    digits = [i for i, ch in enumerate(data) if chr(ch).isdigit() and i not in skip]
    other = [i for i, ch in enumerate(data) if not chr(ch).isspace() and i not in skip]
    pos = rng.choice(digits) if seed % 3 else rng.choice(other)
    data[pos] = (data[pos] ^ (1 << rng.randrange(8))) or 0x31
    paths[which].write_bytes(bytes(data))
    try:
        res = verify_files(str(paths["vk"]), str(paths["public"]), str(paths["proof"]))
    except (JsonFormatError, ZkvctError):
        return
    assert not res.ok


@pytest.mark.parametrize("name", ["proof pi_a[1] + 1 (off curve)", "public[0] + r", "vk vk_delta_2 wrong subgroup", "public one extra", "proof pi_b wrong subgroup #0"])
def test_cli_exit_codes_on_bad_input(base, tmp_path, name):
    from zkvct.cli.main import main

    fn = dict(MUTATIONS)[name]
    paths = _write(tmp_path, _mutated(base, fn))
    res = CliRunner().invoke(main, ["groth16", "verify", str(paths["vk"]), str(paths["public"]), str(paths["proof"]), "--json"])
    assert res.exit_code in (1, 2), res.output
    assert "Traceback" not in res.output
    assert json.loads(res.stdout)["ok"] is False
