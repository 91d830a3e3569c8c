"""Entry point of the ``zkvct`` command: a click group that collects the verb groups."""
from __future__ import annotations

import importlib

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zkvct")
def main() -> None:
    """zkvct: zero-knowledge verifiable credential tokens (Groth16 / BN254, snarkjs-compatible)."""


# Each module defines click commands/groups and a ``register(main)`` function.
_COMMAND_MODULES = [
    "zkvct.cli.r1cs_cmd",
    "zkvct.cli.groth16_cmd",
    "zkvct.cli.zkey_cmd",
    "zkvct.cli.demo_cmd",
    "zkvct.cli.circuit_cmd",
    "zkvct.cli.ceremony_cmd",
    "zkvct.cli.chain_cmd",
    "zkvct.cli.did_cmd",
]

for _name in _COMMAND_MODULES:
    try:
        _module = importlib.import_module(_name)
    except ModuleNotFoundError as _exc:  # a verb group not built yet in this checkout
        if _exc.name != _name:
            raise
        continue
    _module.register(main)
