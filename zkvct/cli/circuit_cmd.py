"""``zkvct circuit list|info|compile|check`` and ``zkvct witness``: the statement circuits from the CLI.

Statement parameters are given as ``-p key=value`` (``-p years=21``, ``-p countries=SG,MY``,
``-p depth=16``); integers are parsed as such, comma lists become tuples.
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from .common import Rejected, command_errors, emit, json_option

param_option = click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
                            help="statement parameter (repeatable), e.g. -p years=21 -p countries=SG,MY")


def _parse_params(params: tuple[str, ...]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key.isidentifier():
            raise click.BadParameter(f"{item!r}: expected KEY=VALUE", param_hint="--param")
        if "," in value:
            out[key] = tuple(v for v in value.split(",") if v)
        elif value.isdigit():
            out[key] = int(value)
        elif value.lower() in ("true", "false"):
            out[key] = value.lower() == "true"
        else:
            out[key] = value
    return out


def _statement(name: str, params: tuple[str, ...]):
    from circuits.statements import get_statement

    kw = _parse_params(params)
    try:
        return get_statement(name, **kw)
    except TypeError as exc:
        raise ValueError(f"statement {name}: bad parameter ({exc})") from None


def _compile(name: str, params: tuple[str, ...]):
    from ..dsl import compile_circuit

    return compile_circuit(_statement(name, params))


def _load_json(path: str) -> Any:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not valid JSON ({exc})") from None


@click.group("circuit")
def circuit_group() -> None:
    """Statement circuits written in the zkvct DSL."""


@circuit_group.command("list")
@json_option
@command_errors
def circuit_list(as_json: bool) -> None:
    """List the statement circuits with their public inputs and roles."""
    from circuits.statements import STATEMENTS

    items = []
    for name, cls in sorted(STATEMENTS.items()):
        st = cls()
        items.append({"name": name, "description": st.description,
                      "public_signals": [{"name": n, "role": r} for n, r in zip(st.public_names, st.public_roles)]})
    human = "\n".join(f"{i['name']:22s} {i['description']}" for i in items)
    emit({"ok": True, "statements": items}, as_json, human)


@circuit_group.command("info")
@click.argument("statement")
@param_option
@json_option
@command_errors
def circuit_info(statement: str, params: tuple[str, ...], as_json: bool) -> None:
    """Compile a statement and describe it: inputs, ranges, roles, constraint counts."""
    cc = _compile(statement, params)
    result = {"ok": True, **cc.circuit.interface(), "stats": cc.stats()}
    s = cc.stats()
    human = "\n".join([
        f"{statement}: {cc.circuit.description}",
        f"constraints: {s['constraints']}  wires: {s['wires']}  compile: {s['compile_seconds']} s",
        "public signals (public.json order):",
        *[f"  {i}. {n}  role={r}" for i, (n, r) in enumerate(zip(cc.circuit.public_names, cc.circuit.public_roles))],
        "private inputs:",
        *[f"  {i.name}{list(i.shape) if i.shape else ''}  {i.range_text()}" for i in cc.circuit.private],
    ])
    emit(result, as_json, human)


@circuit_group.command("compile")
@click.argument("statement")
@param_option
@click.option("-o", "--out-dir", default=".", show_default=True, type=click.Path(file_okay=False),
              help="folder for <name>.r1cs, <name>.sym and <name>.interface.json")
@json_option
@command_errors
def circuit_compile(statement: str, params: tuple[str, ...], out_dir: str, as_json: bool) -> None:
    """Compile a statement to circom-compatible .r1cs and .sym files plus its interface (roles)."""
    cc = _compile(statement, params)
    os.makedirs(out_dir, exist_ok=True)
    base = Path(out_dir) / statement
    files = {"r1cs": f"{base}.r1cs", "sym": f"{base}.sym", "interface": f"{base}.interface.json"}
    cc.write_r1cs(files["r1cs"])
    cc.write_sym(files["sym"])
    Path(files["interface"]).write_text(json.dumps(cc.circuit.interface(), indent=2) + "\n")
    s = cc.stats()
    emit({"ok": True, "files": files, "stats": s}, as_json,
         f"{statement}: {s['constraints']} constraints, {s['wires']} wires -> {files['r1cs']}, {files['sym']}")


@circuit_group.command("check")
@click.argument("statement")
@param_option
@click.option("--input", "input_path", type=click.Path(dir_okay=False),
              help="input.json to tamper from (default: the statement's built-in example)")
@click.option("--trials", default=2, show_default=True, type=click.IntRange(1, 20), help="tampered values per hint")
@click.option("--seed", type=int, default=None, help="random seed for reproducible trials")
@json_option
@command_errors
def circuit_check(statement: str, params: tuple[str, ...], input_path: str | None, trials: int,
                  seed: int | None, as_json: bool) -> None:
    """Soundness checks: unused inputs, unconstrained wires, hint outputs not pinned (exit 1 on findings).

    STATEMENT may be ``all`` to check every shipped statement with its default parameters.
    """
    from ..dsl.check import check_circuit

    if statement == "all":
        from circuits.statements import STATEMENTS

        if params or input_path:
            raise ValueError("`circuit check all` takes no --param / --input (each statement uses its defaults)")
        names = sorted(STATEMENTS)
    else:
        names = [statement]
    results = []
    for name in names:
        cc = _compile(name, params)
        sample = _load_json(input_path) if input_path else cc.circuit.example_input()
        report = check_circuit(cc, [sample], trials=trials, seed=seed)
        results.append(report.as_dict())
    failed = [r for r in results if not r["ok"]]
    result = results[0] if len(results) == 1 else {"statements": results}
    if failed:
        lines = "; ".join(f"{r['circuit']}: {f['message']}" for r in failed for f in r["errors"][:5])
        raise Rejected(result, f"{sum(len(r['errors']) for r in failed)} soundness finding(s): {lines}")
    human = "\n".join(f"{r['circuit']}: OK ({r['hints_checked']} hint outputs, {r['trials']} tampering trials, "
                      f"{len(r['info'])} informational notes)\n  hints: "
                      + ", ".join(f"{name} x{calls}" for name, calls in r["hints"].items()) for r in results)
    emit({"ok": True, **result}, as_json, human)


@click.command("witness")
@click.argument("statement")
@click.argument("input_path", metavar="INPUT_JSON", type=click.Path(dir_okay=False))
@param_option
@click.option("-o", "--output", "out_path", default="witness.wtns", show_default=True,
              type=click.Path(dir_okay=False), help="where to write the .wtns")
@click.option("--public", "public_path", type=click.Path(dir_okay=False), help="also write public.json here")
@json_option
@command_errors
def witness_cmd(statement: str, input_path: str, params: tuple[str, ...], out_path: str,
                public_path: str | None, as_json: bool) -> None:
    """Compute a statement's witness from input.json (circom style) and write it as .wtns."""
    cc = _compile(statement, params)
    data = _load_json(input_path)
    vals = cc.compute_vars(data)
    wires = cc.wire_values(vals)
    from ..dsl.compiler import pack
    from ..formats.wtns_file import write_wtns

    packed = pack(wires)
    bad = _first_unsatisfied(cc, wires, packed)
    if bad >= 0:
        raise Rejected({"satisfied": False, "constraint": cc.constraint_names[bad]},
                       f"the inputs do not satisfy the statement: constraint {bad} ({cc.constraint_names[bad]}) fails")
    write_wtns(out_path, packed)
    publics = [str(v) for v in wires[1:1 + cc.r1cs.n_public]]
    if public_path:
        Path(public_path).write_text(json.dumps(publics, indent=1) + "\n")
    emit({"ok": True, "wtns": out_path, "wires": len(wires), "public_signals": publics,
          "public_roles": cc.circuit.public_roles}, as_json,
         f"witness of {statement}: {len(wires)} wires -> {out_path}")


def _first_unsatisfied(cc, wires: list[int], packed) -> int:
    """First failing constraint: the native kernel when built, else the Python evaluator."""
    try:
        from .. import native
    except ImportError:
        return cc.first_unsatisfied(wires)
    r = cc.r1cs
    return int(native.r1cs_first_unsatisfied(r.a.row_offsets, r.a.wires, r.a.coeffs, r.b.row_offsets, r.b.wires,
                                              r.b.coeffs, r.c.row_offsets, r.c.wires, r.c.coeffs, packed))


def register(main: click.Group) -> None:
    main.add_command(circuit_group)
    main.add_command(witness_cmd)
