"""Entry point of the ``zkvct`` command: a click group that collects the verb groups.

The command modules are imported only when their command runs (or ``--help`` lists them): a
``zkvct groth16 prove`` must not pay for importing the web, chain and DID stacks (fastapi,
httpx, joserfc, cosmpy...) that other commands need. Each module defines click commands/groups
and a ``register(main)`` function; :data:`COMMANDS` says which module registers which name.
"""
from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from .. import __version__
from .common import json_usage_errors, wants_json

#: Top-level command name -> the module of this package whose ``register(main)`` adds it.
COMMANDS = {
    "ceremony": "ceremony_cmd",
    "chain": "chain_cmd",
    "circuit": "circuit_cmd",
    "demo": "demo_cmd",
    "did": "did_cmd",
    "groth16": "groth16_cmd",
    "issuer": "issuer_cmd",
    "mirror": "mirror_cmd",
    "powersoftau": "ceremony_cmd",
    "r1cs": "r1cs_cmd",
    "rp": "rp_cmd",
    "serve": "serve_cmd",
    "statement": "chain_cmd",
    "verify": "onchain_cmd",
    "verify-authorize": "onchain_cmd",
    "witness": "circuit_cmd",
    "wallet": "wallet_cmd",
    "wtns": "r1cs_cmd",
    "zkey": "zkey_cmd",
}


class LazyGroup(click.Group):
    """A group that imports a command's module the first time the command is looked up.

    A module's ``register`` may add several commands; only those :data:`COMMANDS` assigns to it
    are kept, so which module serves a name does not depend on which command ran first.
    """

    json_errors = False

    def main(self, args: Any = None, *rest: Any, **kwargs: Any) -> Any:
        """click's ``main``, remembering whether the command line asked for ``--json`` (so that a
        usage error is printed as JSON too: :func:`json_usage_errors`)."""
        self.json_errors = wants_json(sys.argv[1:] if args is None else args)
        return super().main(args, *rest, **kwargs)

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with json_usage_errors(self.json_errors):
            return super().make_context(*args, **kwargs)

    def invoke(self, ctx: click.Context) -> Any:
        with json_usage_errors(self.json_errors):
            return super().invoke(ctx)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            module = COMMANDS[cmd_name]
            scratch = click.Group()
            importlib.import_module(f"{__package__}.{module}").register(scratch)
            for name, cmd in scratch.commands.items():
                if COMMANDS.get(name) == module and name not in self.commands:
                    self.add_command(cmd, name)
        return self.commands.get(cmd_name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="zkvct")
def main() -> None:
    """zkvct: zero-knowledge verifiable credential tokens (Groth16 / BN254, snarkjs-compatible)."""
