"""Soundness checks for a compiled circuit (``zkvct circuit check``).

Cheap structural checks on the final R1CS:

* a wire (input or internal) that appears in no constraint: nothing pins its value;
* a hint output that appears in exactly one constraint and only linearly: that constraint merely
  defines it, nothing else uses it (typical of a forgotten check);
* hint outputs made by ``api.define_hint`` (a name for a linear combination, e.g. Poseidon's
  S-box inputs) are pinned by their defining equation and are not tampered with;
* eliminated hint outputs (substituted away by a linear constraint) are implied by the other
  wires; tampering them alone changes no witness entry, so they are not reported as inert;
* a product that appears only as the output of its own constraint is reported as *info* (the
  intended pattern for binding a public value such as the challenge: ``challenge^2``).

Randomised tampering: starting from a valid witness, each hint output in turn is forced to other
values (random, value + 1, and 1 - value for bits) while every later step of the witness program
is recomputed honestly, as a cheating prover would. If all constraints still hold and some other
wire changed, the hint is **not pinned** (an error). If only the hint itself changed (IsZero's
inverse of a zero input), it is *inert*: reported as info, because no other value can differ.
Only constraints touching a changed wire are re-evaluated, through a wire -> constraints index.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from ..field import R
from .builder import HINT
from .compiler import CompiledCircuit, _eval


@dataclass
class Finding:
    level: str    # error | info
    kind: str
    subject: str
    message: str
    hint: str = ""  # registered name of the hint that computes ``subject``, when it is a hint output

    def as_dict(self) -> dict[str, str]:
        d = {"level": self.level, "kind": self.kind, "subject": self.subject, "message": self.message}
        if self.hint:
            d["hint"] = self.hint
        return d


@dataclass
class CheckReport:
    circuit: str
    findings: list[Finding] = field(default_factory=list)
    trials: int = 0
    hints_checked: int = 0
    #: registered hint name -> calls in the witness program (what unconstrained code the circuit runs)
    hints: dict[str, int] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "circuit": self.circuit, "ok": self.ok, "trials": self.trials, "hints_checked": self.hints_checked,
            "hints": dict(self.hints),
            "errors": [f.as_dict() for f in self.errors],
            "info": [f.as_dict() for f in self.findings if f.level != "error"],
        }


def _structural(cc: CompiledCircuit, report: CheckReport) -> None:
    n = cc.n_wires
    count = [0] * n
    linear_only = [True] * n
    for a, b, c in cc.constraints:
        a_const = all(w == 0 for w in a)
        b_const = all(w == 0 for w in b)
        seen = set()
        for w in a:
            seen.add(w)
            if not b_const:
                linear_only[w] = False
        for w in b:
            seen.add(w)
            if not a_const:
                linear_only[w] = False
        seen.update(c)
        for w in seen:
            count[w] += 1
    n_pub = cc.r1cs.n_public
    hint_set = set(cc.hint_vars)
    for w in range(1, n):
        var = cc.wire_var[w]
        name = cc.var_names[var]
        if count[w] == 0:
            what = "public input" if w <= n_pub else "private input" if w <= cc.n_inputs else "wire"
            report.findings.append(Finding("error", "unused" if w <= cc.n_inputs else "unconstrained", name,
                                           f"{what} {name} appears in no constraint"))
        elif count[w] == 1 and linear_only[w] and w > cc.n_inputs:
            if var in hint_set:
                h = cc.hint_of(var)
                report.findings.append(Finding("error", "hint_dangling", name,
                                               f"hint output {name} ({h}) appears in one constraint only, linearly: "
                                               f"nothing else pins or uses it", hint=h))
            else:
                report.findings.append(Finding("info", "product_unused", name,
                                               f"product {name} is used by no other constraint (fine for binding a public input)"))


def _tamper(cc: CompiledCircuit, samples: list[dict], trials: int, rng: random.Random, report: CheckReport,
            max_hints: int | None = None, tamper_defined: bool = False) -> None:
    step_of: dict[int, int] = {}
    for k, step in enumerate(cc.steps):
        if step[0] == HINT:
            for v in step[1]:
                step_of[v] = k
    by_wire: list[list[int]] = [[] for _ in range(cc.n_wires)]
    for i, (a, b, c) in enumerate(cc.constraints):
        for w in {*a, *b, *c}:
            by_wire[w].append(i)
    flagged: set[int] = set()
    inert: set[int] = set()
    # hints that only name a linear combination (api.define_hint) are pinned by that equation
    targets = [v for v in cc.hint_vars if tamper_defined or v not in cc.defined_hints]
    if max_hints is not None and len(targets) > max_hints:
        targets = sorted(rng.sample(targets, max_hints))
    for data in samples:
        base = cc.compute_vars(data)
        base_w = cc.wire_values(base)
        bad = cc.first_unsatisfied(base_w)
        if bad >= 0:
            raise ValueError(f"the sample input does not satisfy {cc.constraint_names[bad]}; cannot run tampering trials")
        for var in targets:
            if var in flagged:
                continue
            honest = base[var]
            candidates = {rng.randrange(R), (honest + 1) % R}
            if honest in (0, 1):
                candidates.add(1 - honest)
            candidates.discard(honest)
            for value in list(candidates)[:trials]:
                report.trials += 1
                try:
                    vals = cc.compute_vars(base=base, start_step=step_of[var], overrides={var: value})
                except Exception:
                    continue  # a later hint refused the tampered value: no witness this way
                wv = cc.wire_values(vals)
                changed = [w for w in range(cc.n_wires) if wv[w] != base_w[w]]
                rows = {i for w in changed for i in by_wire[w]}
                if any(_eval(cc.constraints[i][0], wv) * _eval(cc.constraints[i][1], wv) % R
                       != _eval(cc.constraints[i][2], wv) for i in rows):
                    continue
                own = cc.var_wire[var]
                others = [cc.wire_var[w] for w in changed if w != own]
                if own < 0 and not others:
                    continue  # eliminated by substitution: its value is implied, not a witness entry
                if others:
                    flagged.add(var)
                    report.findings.append(Finding(
                        "error", "hint_not_pinned", cc.var_names[var],
                        f"hint output {cc.var_names[var]} ({cc.hint_of(var)}) can be changed (to {value}) with all "
                        f"constraints still satisfied and {len(others)} other value(s) changing, "
                        f"e.g. {cc.var_names[others[0]]}", hint=cc.hint_of(var)))
                    break
                inert.add(var)
    report.hints_checked = len(targets)
    for var in sorted(inert - flagged):
        report.findings.append(Finding("info", "hint_inert", cc.var_names[var],
                                       f"hint output {cc.var_names[var]} ({cc.hint_of(var)}) is free for this input "
                                       f"but changes nothing else", hint=cc.hint_of(var)))


def check_circuit(cc: CompiledCircuit, samples: list[dict] | None = None, *, trials: int = 2,
                  seed: int | None = None, max_hints: int | None = None,
                  tamper_defined: bool = False) -> CheckReport:
    """Run the structural checks and (with sample inputs) the tampering trials.

    ``max_hints`` tampers with a random subset of that many hint outputs (large circuits);
    ``tamper_defined`` includes the ``api.define_hint`` outputs (slow; the tests use it on gadgets).
    """
    report = CheckReport(cc.circuit.name, hints=cc.hint_usage())
    _structural(cc, report)
    if samples:
        _tamper(cc, samples, trials, random.Random(seed), report, max_hints, tamper_defined)
    return report
