"""Entry point of the ``zkvct`` command: a click group that collects the verb groups."""
from __future__ import annotations

import click

from .. import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zkvct")
def main() -> None:
    """zkvct: zero-knowledge verifiable credential tokens (Groth16 / BN254, snarkjs-compatible)."""


# Each module defines click commands/groups and a ``register(main)`` function.
from . import (  # noqa: E402
    ceremony_cmd,
    chain_cmd,
    circuit_cmd,
    demo_cmd,
    did_cmd,
    groth16_cmd,
    onchain_cmd,
    r1cs_cmd,
    rp_cmd,
    serve_cmd,
    zkey_cmd,
)

for _module in (r1cs_cmd, groth16_cmd, zkey_cmd, demo_cmd, circuit_cmd, ceremony_cmd, chain_cmd, onchain_cmd, did_cmd, serve_cmd, rp_cmd):
    _module.register(main)
