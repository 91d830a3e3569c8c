"""The gadget API rewrite (issue 10: ``api.as_signal`` for ``api._lift``, registered hints for lambdas)
left every shipped statement's R1CS byte-identical.

The statements as of commit d761098 (the last commit before the rewrite) are taken from git and
compiled in a subprocess with *this* tree's DSL and gadgets; the .r1cs and .sym digests must be the
ones recorded below, which were produced by d761098's own DSL and gadgets. Later changes to
``circuits/statements`` do not affect the test (it always compiles d761098's statements); a change
to the DSL or a gadget that moves a single constraint, coefficient or wire name fails it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import io
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BASE_COMMIT = "d761098"

#: statement -> (sha256 of the .r1cs, sha256 of the .sym), compiled at d761098 with default parameters
PINNED = {
    "accredited_investor": ("4576460c2c6e9db1e12c036b6190e0565f143ebbcac129fbbadedb6c4a72d868",
                            "421e59f375f2b32eb584841497a98fbe8c3052fa9b0abcad4dbe34aa1f2cc264"),
    "age_gte": ("98fab4790b0d1548a23818ca60f80ed701509cf71a66dee43bbf0fb1e6af1d53",
                "a39ee030e66c6011c0370a6002d4862275367486919a643571ae31f6d8366a69"),
    "age_residency_valid": ("6c57cab45d0cc1c7228372dbf1908befe07d0f1c7a2659384e3296edceac00b8",
                            "06e97764acc218ea5b27c358d15bae7915234601350ca4131dd88f3987928b34"),
    "not_expired": ("1cb82bbc7056aac76838466d9ade24a4a07fee82e244e6fe0b22397a6c7c5a3f",
                    "849bb7511b93cd71f822f203416d124898e0d7004159ec696dc944aca2642dce"),
    "not_revoked": ("af5f2e3b2de047e3346e6fed52449de5e7704137d8cf3925f346f14ee5de4441",
                    "1db5fbd5daef01a05b2b1c625dddaf427b1cb40dcd14b5282f31611de7dd9527"),
    "residency_in": ("f23194efec8a181652dfd41bcd1cf8bdd65d9704285e8a629934e64f9139c185",
                     "96d3cc7a5d51edd0a481de5c351d3164668b4c85e707239b31d0be4a82e1974d"),
    "residency_not_in": ("21f03285cd30aace772312495814785594b8b653f9d4fe7b8865796e22e29cbe",
                         "568a4088811938a23e17b6699a1a7bbc4d516eccebbf819398b28a68dc379709"),
}

_COMPILE_ALL = r"""
import hashlib, json, os, sys, tempfile
from circuits.statements import STATEMENTS
from zkvct.dsl import compile_circuit
out = {}
for name, cls in sorted(STATEMENTS.items()):
    cc = compile_circuit(cls())
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "c.r1cs")
        cc.write_r1cs(path)
        with open(path, "rb") as fh:
            r1cs = hashlib.sha256(fh.read()).hexdigest()
    out[name] = [r1cs, hashlib.sha256(cc.sym_text().encode()).hexdigest()]
json.dump(out, sys.stdout)
"""


def _git(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, timeout=60)


def _base_statements(dest: Path) -> None:
    """``dest/circuits`` = d761098's circuits package with this tree's gadgets."""
    if shutil.which("git") is None or _git("rev-parse", "--git-dir").returncode != 0:
        pytest.skip("not a git checkout: cannot read the statements of commit " + BASE_COMMIT)
    if _git("cat-file", "-e", BASE_COMMIT + "^{commit}").returncode != 0:
        pytest.skip(f"commit {BASE_COMMIT} is not in this clone (shallow?)")
    tar = _git("archive", "--format=tar", BASE_COMMIT, "circuits")
    assert tar.returncode == 0, tar.stderr.decode()
    with tarfile.open(fileobj=io.BytesIO(tar.stdout)) as tf:
        tf.extractall(dest, filter="data")
    shutil.rmtree(dest / "circuits" / "gadgets")
    shutil.copytree(REPO / "circuits" / "gadgets", dest / "circuits" / "gadgets",
                    ignore=shutil.ignore_patterns("__pycache__"))


def test_base_statements_compile_to_the_pinned_r1cs(tmp_path):
    _base_statements(tmp_path)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(REPO)])}
    proc = subprocess.run([sys.executable, "-c", _COMPILE_ALL], capture_output=True, text=True, env=env,
                          cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = {name: tuple(d) for name, d in json.loads(proc.stdout).items()}
    assert set(got) == set(PINNED)
    changed = {name: got[name] for name in PINNED if got[name] != PINNED[name]}
    assert changed == {}, f"R1CS/.sym of these statements changed: {sorted(changed)}"
