"""Compile Solidity with the pinned solc from npm (``tests/peers``: ``solc`` 0.8.37, solc-js).

solc-js is the official compiler built to WebAssembly; it runs in the machine's Node.js, so no
native solc binary is downloaded. Input and output are solc's standard JSON. Settings are fixed
(optimizer on, 200 runs, EVM version ``cancun``) so that gas figures are comparable between our
verifier and snarkjs's, which are compiled the same way. ``via_ir`` selects the IR pipeline for
one compilation: the registry is compiled with it (about 3,500 gas less per ``verify``), the
verifiers without it (mostly inline assembly; the legacy pipeline is what snarkjs's template is
tuned for, and the two verifiers are compared under one setting).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import ZkvctError

EVM_VERSION = "cancun"
OPTIMIZER_RUNS = 200
_REPO = Path(__file__).resolve().parents[2]
_DRIVER = r"""
const solc = require('solc');
let input = '';
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  const out = solc.compile(input);
  process.stdout.write(JSON.stringify({version: solc.version(), output: JSON.parse(out)}));
});
"""


class SolcError(ZkvctError, RuntimeError):
    """solc could not be run or refused the source (the message carries solc's own errors)."""


@dataclass(frozen=True)
class Compiled:
    """One contract: its ABI, creation bytecode and the compiler version that made it."""

    name: str
    abi: list
    bytecode: bytes
    solc_version: str


def node_modules() -> Path:
    """Where the pinned npm peers are: ``ZKVCT_NODE_MODULES`` or the repository's ``tests/peers``."""
    env = os.environ.get("ZKVCT_NODE_MODULES")
    return Path(env) if env else _REPO / "tests" / "peers" / "node_modules"


def compile_sources(sources: dict[str, str], *, via_ir: bool = False, timeout: int = 300) -> dict[str, Compiled]:
    """Compile ``{file name: source}``; return every contract as ``"file:Name"`` and, when no
    other file has a contract of that name, also as ``"Name"``."""
    mods = node_modules()
    if shutil.which("node") is None:
        raise SolcError("node is not installed: solc-js needs Node.js")
    if not (mods / "solc").is_dir():
        raise SolcError(f"solc-js is not installed in {mods}: run `npm ci` in tests/peers (package-lock.json pins solc)")
    std = {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": {
            "optimizer": {"enabled": True, "runs": OPTIMIZER_RUNS},
            "evmVersion": EVM_VERSION,
            "viaIR": via_ir,
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}},
        },
    }
    proc = subprocess.run(["node", "-e", _DRIVER], input=json.dumps(std), capture_output=True, text=True,
                          timeout=timeout, env=dict(os.environ, NODE_PATH=str(mods)))
    if proc.returncode != 0:
        raise SolcError(f"solc-js failed ({proc.returncode}): {proc.stderr.strip()[-2000:]}")
    res = json.loads(proc.stdout)
    errors = [e for e in res["output"].get("errors", []) if e.get("severity") == "error"]
    if errors:
        raise SolcError("solc refused the source:\n" + "\n".join(e.get("formattedMessage", e["message"]) for e in errors))
    out: dict[str, Compiled] = {}
    seen: dict[str, int] = {}
    for file, contracts in res["output"].get("contracts", {}).items():
        for name, c in contracts.items():
            code = c["evm"]["bytecode"]["object"]
            if not code:  # interfaces and abstract contracts
                continue
            out[f"{file}:{name}"] = Compiled(name, c["abi"], bytes.fromhex(code), res["version"])
            seen[name] = seen.get(name, 0) + 1
    for key, comp in list(out.items()):
        if seen[comp.name] == 1:
            out[comp.name] = comp
    return out


__all__ = ["EVM_VERSION", "OPTIMIZER_RUNS", "SolcError", "Compiled", "node_modules", "compile_sources"]
