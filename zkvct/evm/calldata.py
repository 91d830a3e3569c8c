"""Proof and public inputs as EVM words (``zkvct zkey export soliditycalldata``).

The word order is the precompiles': A.x, A.y, B.x.c1, B.x.c0, B.y.c1, B.y.c0, C.x, C.y (snarkjs
proof.json keeps c0 first, so B's halves are swapped here), the same order ``proof_hash`` hashes
(docs/protocol.md). :func:`snarkjs_text` prints exactly what snarkjs's
``zkey export soliditycalldata`` prints, so scripts written for one work with the other.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..groth16.json_models import Proof, PublicSignals


@dataclass(frozen=True)
class EvmProof:
    """The 8 proof words and the public inputs as integers."""

    words: tuple[int, ...]
    inputs: tuple[int, ...]

    @property
    def a(self) -> list[int]:
        return list(self.words[0:2])

    @property
    def b(self) -> list[list[int]]:
        return [list(self.words[2:4]), list(self.words[4:6])]

    @property
    def c(self) -> list[int]:
        return list(self.words[6:8])

    def verify_proof_args(self) -> tuple:
        """Arguments of ``verifyProof(uint[2], uint[2][2], uint[2], uint[N])`` (ours and snarkjs's)."""
        return self.a, self.b, self.c, list(self.inputs)


def evm_proof(proof: Proof, public: PublicSignals | list[int]) -> EvmProof:
    """From a parsed proof (coordinates < q, points on the curve) and its public signals."""
    a, b, c = proof.points()
    values = public.values if isinstance(public, PublicSignals) else list(public)
    return EvmProof((a.x, a.y, b.x[1], b.x[0], b.y[1], b.y[0], c.x, c.y), tuple(int(v) for v in values))


def _p256(v: int) -> str:
    return f'"0x{v:064x}"'


def snarkjs_text(p: EvmProof) -> str:
    """The text snarkjs prints: ``[a],[[b0],[b1]],[c],[inputs]`` with quoted 0x-hex words."""
    w = [_p256(v) for v in p.words]
    inputs = ",".join(_p256(v) for v in p.inputs)
    return (f"[{w[0]}, {w[1]}],[[{w[2]}, {w[3]}],[{w[4]}, {w[5]}]],[{w[6]}, {w[7]}],[{inputs}]")




def words_from_json(proof: Mapping[str, Any]) -> tuple[int, ...]:
    """The 8 words of a snarkjs proof object taken as they are (no range or curve check: for
    handing a contract exactly what a client sent, bad points included)."""
    try:
        a, b, c = proof["pi_a"], proof["pi_b"], proof["pi_c"]
        return tuple(int(v) for v in (a[0], a[1], b[0][1], b[0][0], b[1][1], b[1][0], c[0], c[1]))
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        raise ValueError(f"proof must be a snarkjs proof object (pi_a, pi_b, pi_c of decimal strings): {exc}") from None


__all__ = ["EvmProof", "evm_proof", "snarkjs_text", "words_from_json"]
