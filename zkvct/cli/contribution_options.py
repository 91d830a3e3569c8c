"""The click arguments every trusted-setup contribution verb shares, so ``zkvct powersoftau`` (phase 1)
and ``zkvct zkey`` (phase 2) take the same ``IN OUT --name --entropy`` / ``IN OUT BEACON_HEX EXP
--name`` and cannot drift apart."""
from __future__ import annotations

from typing import Callable, TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def _stack(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    def apply(fn: F) -> F:
        for deco in reversed(decorators):
            fn = deco(fn)
        return fn
    return apply


def in_out_arguments() -> Callable[[F], F]:
    """``IN`` (an existing file) and ``OUT``."""
    return _stack(click.argument("inp", metavar="IN", type=click.Path(exists=True, dir_okay=False)),
                  click.argument("out", type=click.Path(dir_okay=False)))


def contribution_options(stored_in: str) -> Callable[[F], F]:
    """``IN OUT --name --entropy`` of a contribution; ``stored_in`` says where the name is kept."""
    return _stack(in_out_arguments(),
                  click.option("--name", default="", help=f"Contributor name stored in the {stored_in} (64 chars max)."),
                  click.option("--entropy", "-e", default="", help="Extra text mixed into the OS randomness (optional)."))


def beacon_options() -> Callable[[F], F]:
    """``IN OUT BEACON_HEX EXP --name`` of a beacon contribution."""
    return _stack(in_out_arguments(),
                  click.argument("beacon_hash", metavar="BEACON_HEX"),
                  click.argument("num_iterations_exp", metavar="EXP", type=int),
                  click.option("--name", default="", help="Name stored with the beacon contribution."))
