"""Drive the real npm peers (snarkjs 0.7.6, circom2, circomlib, circomlibjs) from tests.

They are installed by scripts/setup.sh into tests/peers/node_modules from the pinned
package-lock.json. circom2 runs circom inside WASI and can only open files below its working
directory (symlinks out of it are not followed), so :func:`compile_circom` copies circomlib's
circuits next to the source and rewrites ``include "circomlib/circuits/..."`` to that copy.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

PEERS = Path(__file__).resolve().parent / "peers"
NODE_MODULES = PEERS / "node_modules"
SNARKJS_CLI = NODE_MODULES / "snarkjs" / "build" / "cli.cjs"
CIRCOM2_CLI = NODE_MODULES / "circom2" / "cli.js"
CIRCOMLIB = NODE_MODULES / "circomlib" / "circuits"


def have_peers() -> bool:
    return SNARKJS_CLI.exists() and CIRCOM2_CLI.exists()


def run_node(args: list[str], cwd: Path | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run ``node`` with NODE_PATH pointing at the peers, so scripts can ``require('snarkjs')``."""
    import os

    env = dict(os.environ, NODE_PATH=str(NODE_MODULES))
    return subprocess.run(["node", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def snarkjs(*args: str, cwd: Path | None = None, check: bool = True, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run the snarkjs CLI; with ``check`` raise showing its output when it exits non-zero."""
    proc = run_node([str(SNARKJS_CLI), *args], cwd=cwd, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"snarkjs {' '.join(args)} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def compile_circom(source: str, name: str, workdir: Path, *, wasm: bool = True, sym: bool = True) -> dict[str, Path]:
    """Compile circom ``source`` as ``workdir/name.circom`` with circom2; return the output paths."""
    workdir.mkdir(parents=True, exist_ok=True)
    if "circomlib/circuits/" in source:
        target = workdir / "circomlib_circuits"
        if not target.exists():
            shutil.copytree(CIRCOMLIB, target)
        source = source.replace("circomlib/circuits/", "circomlib_circuits/")
    (workdir / f"{name}.circom").write_text(source)
    flags = ["--r1cs"] + (["--wasm"] if wasm else []) + (["--sym"] if sym else [])
    proc = run_node([str(CIRCOM2_CLI), f"{name}.circom", *flags, "-o", "."], cwd=workdir)
    if proc.returncode != 0 or not (workdir / f"{name}.r1cs").exists():
        raise AssertionError(f"circom2 failed on {name}.circom:\n{proc.stdout}\n{proc.stderr}")
    out = {"r1cs": workdir / f"{name}.r1cs"}
    if wasm:
        out["wasm"] = workdir / f"{name}_js" / f"{name}.wasm"
    if sym:
        out["sym"] = workdir / f"{name}.sym"
    return out


def circom_witness(wasm: Path, inputs: dict, out: Path) -> Path:
    """Compute a witness with circom's generated WebAssembly calculator (``snarkjs wtns calculate``)."""
    inp = out.with_suffix(".input.json")
    inp.write_text(json.dumps(inputs))
    snarkjs("wtns", "calculate", str(wasm), str(inp), str(out))
    return out
