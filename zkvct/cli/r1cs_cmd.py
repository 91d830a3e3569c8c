"""``zkvct r1cs info`` and ``zkvct wtns check``: inspect circom files like snarkjs does."""
from __future__ import annotations

import click

from ..formats.r1cs_file import read_r1cs
from ..formats.wtns_file import read_wtns
from ..r1cs import WitnessError, check_witness
from .common import Rejected, command_errors, emit, json_option


@click.group("r1cs")
def r1cs_group() -> None:
    """Inspect circom .r1cs constraint files."""


@r1cs_group.command("info")
@click.argument("r1cs_path", metavar="R1CS", type=click.Path(dir_okay=False))
@json_option
@command_errors
def r1cs_info(r1cs_path: str, as_json: bool) -> None:
    """Print the sizes of an .r1cs file (curve, constraints, wires, inputs, outputs, labels)."""
    r1cs = read_r1cs(r1cs_path)
    result = {
        "ok": True,
        "curve": "bn128",
        "constraints": r1cs.n_constraints,
        "wires": r1cs.n_wires,
        "private_inputs": r1cs.n_prv_in,
        "public_inputs": r1cs.n_pub_in,
        "outputs": r1cs.n_pub_out,
        "labels": int(r1cs.n_labels),
        "nonzero_terms": {"A": r1cs.a.nnz, "B": r1cs.b.nnz, "C": r1cs.c.nnz},
    }
    human = "\n".join(
        [
            "Curve: bn128",
            f"# of Wires: {r1cs.n_wires}",
            f"# of Constraints: {r1cs.n_constraints}",
            f"# of Private Inputs: {r1cs.n_prv_in}",
            f"# of Public Inputs: {r1cs.n_pub_in}",
            f"# of Labels: {int(r1cs.n_labels)}",
            f"# of Outputs: {r1cs.n_pub_out}",
        ]
    )
    emit(result, as_json, human)


@click.group("wtns")
def wtns_group() -> None:
    """Inspect circom .wtns witness files."""


@wtns_group.command("check")
@click.argument("r1cs_path", metavar="R1CS", type=click.Path(dir_okay=False))
@click.argument("wtns_path", metavar="WTNS", type=click.Path(dir_okay=False))
@json_option
@command_errors
def wtns_check(r1cs_path: str, wtns_path: str, as_json: bool) -> None:
    """Check that a witness satisfies every constraint; name the first one that fails (exit 1)."""
    r1cs = read_r1cs(r1cs_path)
    witness = read_wtns(wtns_path)
    try:
        check_witness(r1cs, witness)
    except WitnessError as exc:
        raise Rejected({"satisfied": False, "reason": str(exc)}, str(exc)) from None
    emit({"ok": True, "satisfied": True, "constraints": r1cs.n_constraints}, as_json,
         f"witness satisfies all {r1cs.n_constraints} constraints")


def register(main: click.Group) -> None:
    main.add_command(r1cs_group)
    main.add_command(wtns_group)
