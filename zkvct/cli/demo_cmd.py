"""``zkvct demo``: the main job end to end, on real files, in one command.

1. compile the "age >= 18" statement circuit (Python DSL -> .r1cs + .sym);
2. phase 1: a Powers-of-Tau with two contributions and a beacon, prepared for phase 2 (.ptau);
3. phase 2: the circuit's .zkey from that .ptau, and its verification_key.json;
4. issuer and holder (protocol v2, docs/protocol.md): a credential issued to a sample did:shr
   holder with a fresh random holder secret and salt, a registry, and the holder's witness (.wtns)
   and Groth16 proof answering a sample relying party's request (scope and challenge derived from
   the relying party's DID, the statement id and the request, never chosen);
5. relying party: verify natively and with the independent py_ecc verifier, and show that a
   tampered public input is rejected.

Every file lands in ``--out`` (default ``demo-out/``) in the formats snarkjs reads, so
``snarkjs groth16 verify demo-out/verification_key.json demo-out/public.json demo-out/proof.json``
agrees.
"""
from __future__ import annotations

import secrets
import time
from pathlib import Path

import click

from .common import Rejected, command_errors, emit, json_option
from .progress import Progress


@click.command("demo")
@click.option("--out", "out_dir", default="demo-out", show_default=True, type=click.Path(file_okay=False),
              help="Folder for the demo's files (.r1cs, .ptau, .zkey, .wtns, proof.json, ...).")
@click.option("--years", default=18, show_default=True, type=click.IntRange(1, 150), help="The N of 'age >= N'.")
@click.option("--reference/--no-reference", default=True, show_default=True,
              help="Also verify with the pure-Python py_ecc verifier (about a second).")
@json_option
@command_errors
def demo(out_dir: str, years: int, reference: bool, as_json: bool) -> None:
    """Compile, run a small ceremony, prove 'age >= N' and verify it, printing each step."""
    from circuits.statements import get_statement
    from ceremony import phase1

    from ..credentials.sample import sample_presentation
    from ..dsl.compiler import compile_circuit
    from ..groth16.export import export_verification_key
    from ..groth16.json_models import PublicSignals
    from ..groth16.prove import prove
    from ..groth16.setup import circuit_power, setup
    from ..groth16.verify import verify
    from ..groth16.verify_reference import verify_reference

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    progress = Progress("demo", enabled=not as_json)

    def timed(step: str):
        progress(step)
        t0 = time.perf_counter()

        class _T:
            def __enter__(self):
                return self

            def __exit__(self, *exc):
                timings[step] = round(time.perf_counter() - t0, 3)

        return _T()

    with progress:
        with timed("compile"):
            statement = get_statement("age_gte", years=years)
            compiled = compile_circuit(statement)
            compiled.write_r1cs(out / "age_gte.r1cs")
            compiled.write_sym(out / "age_gte.sym")
        power = circuit_power(compiled.r1cs)

        with timed("phase1"):
            phase1.new(power, out / "pot_0000.ptau")
            phase1.contribute(out / "pot_0000.ptau", out / "pot_0001.ptau", name="alice", entropy=secrets.token_hex(16))
            phase1.contribute(out / "pot_0001.ptau", out / "pot_0002.ptau", name="bob", entropy=secrets.token_hex(16))
            beacon_hash = bytes.fromhex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
            phase1.beacon(out / "pot_0002.ptau", out / "pot_beacon.ptau", beacon_hash, 10, name="final beacon")
        with timed("prepare_phase2"):
            phase1.prepare_phase2(out / "pot_beacon.ptau", out / "pot_final.ptau")

        with timed("setup"):
            setup(compiled.r1cs, out / "pot_final.ptau", out / "age_gte.zkey")
            vk = export_verification_key(out / "age_gte.zkey", out / "verification_key.json")

        with timed("witness"):
            data = sample_presentation(statement, statement_id=f"age-{years}").input
            witness = compiled.write_wtns(out / "age_gte.wtns", data)
        with timed("prove"):
            result = prove(out / "age_gte.zkey", witness)
            result.proof.write(out / "proof.json")
            result.publics.write(out / "public.json")

        with timed("verify"):
            native_ok = verify(vk, result.publics, result.proof).ok
        reference_ok = None
        if reference:
            with timed("verify_reference"):
                reference_ok = verify_reference(vk, result.publics, result.proof).ok
        tampered = list(result.publics.values)
        roles = statement.public_roles
        cutoff_index = roles.index("cutoff_days")
        tampered[cutoff_index] += 365  # claim a later cutoff: a younger holder would pass
        tampered_ok = verify(vk, PublicSignals(values=tampered), result.proof).ok

    accepted = native_ok and reference_ok is not False and not tampered_ok
    summary = {
        "ok": accepted,
        "statement": f"age >= {years}",
        "constraints": compiled.n_constraints,
        "ptau_power": power,
        "public_inputs": dict(zip(statement.public_names, [str(v) for v in result.publics.values])),
        "verified_native": native_ok,
        "verified_reference": reference_ok,
        "tampered_cutoff_rejected": not tampered_ok,
        "seconds": timings,
        "files": str(out),
    }
    if not accepted:
        raise Rejected(summary, "the demo proof was not handled as expected")
    lines = [
        f"statement        age >= {years}  ({compiled.n_constraints} constraints, ptau power {power})",
        f"public inputs    " + ", ".join(f"{k}={v if len(v) < 16 else v[:12] + '…'}" for k, v in summary["public_inputs"].items()),
        f"verify (native)  {'ACCEPTED' if native_ok else 'REJECTED'}",
    ]
    if reference_ok is not None:
        lines.append(f"verify (py_ecc)  {'ACCEPTED' if reference_ok else 'REJECTED'}")
    lines.append(f"tampered cutoff  {'rejected' if not tampered_ok else 'ACCEPTED (bug!)'}")
    lines.append("timings (s)      " + ", ".join(f"{k} {v}" for k, v in timings.items()))
    lines.append(f"files            {out}/ (snarkjs groth16 verify {out}/verification_key.json {out}/public.json {out}/proof.json)")
    emit(summary, as_json, "\n".join(lines))


def register(main: click.Group) -> None:
    main.add_command(demo)
