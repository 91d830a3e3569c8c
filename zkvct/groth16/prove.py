"""Groth16 proving from a ``.zkey`` and a witness (a ``.wtns`` file or an in-memory array).

The whole computation (A/B/C evaluations, the coset FFTs, five MSMs, blinding) happens in the
native core: the key's sections are decoded once into a native ``ProvingKey`` (reusable for
any number of proofs, see :mod:`.keycache`), and one ``groth16_prove(key, witness)`` call
computes the proof from a zero-copy view of the witness. Python only checks the inputs and packs
the result.

Checks before proving (each with a message naming the problem): the witness has shape
``(nVars, 32)``, every value is canonical (< r) and wire 0 is 1. A witness that does not satisfy
the circuit would give a proof that does not verify; the key holds no C matrix to check that up
front, so :func:`prove` verifies its own proof (a few milliseconds natively) and reports an
unsatisfied witness instead of writing a useless proof (``self_check=False`` skips this).

:func:`prove` takes its key from :data:`~zkvct.groth16.keycache.KEYS`, the per-process cache of
checked keys by content hash (see :mod:`.keycache`): the second proof with the same key file
neither re-reads nor re-checks nor re-decodes it. :func:`prove_with_key` (an open ``Zkey``)
decodes the key on every call; :func:`prove_loaded` proves with an already loaded key.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Union

from ..curve import G1Point, G2Point
from ..errors import ZkvctError
from ..field import FR_BYTES, first_non_canonical, fr_ints
from ..formats.zkey import Zkey
from .checked_keys import CheckedKeys
from .keycache import KEYS, LoadedKey
from .snarkjs_json import dumps, proof_obj

if TYPE_CHECKING:
    import numpy as np

#: A witness as the prover takes it: an ``(n, 32)`` uint8 array, or its ``n * 32`` bytes
#: (as :func:`~zkvct.formats.wtns_file.read_wtns_values` returns them; no numpy needed).
Witness = Union["np.ndarray", bytes, bytearray, memoryview]

if TYPE_CHECKING:
    from .json_models import Proof, PublicSignals


class ProveError(ZkvctError, ValueError):
    """The witness does not fit the key, or does not satisfy the circuit."""


@dataclass(frozen=True)
class ProveResult:
    """A proof and its public signals. The pydantic models (:attr:`proof`, :attr:`publics`) are
    built on first use: the CLI writes both files from the points without importing pydantic."""

    points: tuple[G1Point, G2Point, G1Point]
    public_values: list[int]
    _models: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def proof(self) -> "Proof":
        if "proof" not in self._models:
            from .json_models import Proof

            self._models["proof"] = Proof.from_points(*self.points)
        return self._models["proof"]

    @property
    def publics(self) -> "PublicSignals":
        if "publics" not in self._models:
            from .json_models import PublicSignals

            self._models["publics"] = PublicSignals(values=list(self.public_values))
        return self._models["publics"]

    def public_obj(self) -> list[str]:
        """public.json's content (decimal strings, outputs first)."""
        return [str(v) for v in self.public_values]

    def write(self, proof_path: str | os.PathLike[str], public_path: str | os.PathLike[str]) -> None:
        """Write proof.json and public.json byte for byte as snarkjs does."""
        Path(proof_path).write_text(dumps(proof_obj(*self.points)))
        Path(public_path).write_text(dumps(self.public_obj()))


def check_witness_shape(zk: Zkey, witness: Witness) -> Witness:
    """Return the witness as contiguous little-endian values (``(n, 32)`` array or bytes) or raise :class:`ProveError`."""
    return _checked_witness(zk.header.n_vars, witness)


def _checked_witness(n_vars: int, witness: Witness) -> Witness:
    if isinstance(witness, (bytes, bytearray, memoryview)):
        w = witness if not isinstance(witness, memoryview) else witness.cast("B")
        if len(w) % FR_BYTES:
            raise ProveError(f"witness is {len(w)} bytes: it must be n values of 32 little-endian bytes each")
        count = len(w) // FR_BYTES
    else:
        import numpy as np

        w = np.ascontiguousarray(witness, dtype=np.uint8)
        if w.ndim != 2 or w.shape[1] != FR_BYTES:
            raise ProveError(f"witness must have shape (n, 32) (32-byte little-endian values), got {w.shape}")
        count = w.shape[0]
    if count != n_vars:
        raise ProveError(f"witness has {count} values but the proving key expects nVars = {n_vars}")
    bad = first_non_canonical(w)
    if bad >= 0:
        raise ProveError(f"witness value {bad} is not < r (values must be canonical field elements)")
    if bytes(memoryview(w).cast("B")[:FR_BYTES]) != (1).to_bytes(FR_BYTES, "little"):
        raise ProveError("witness value 0 must be the constant 1 (circom's wire 0)")
    return w


def proving_key(zk: Zkey):
    """The native ``ProvingKey`` of an open key: its sections decoded and checked once.

    The bulk point sections are passed as trusted (no G2 subgroup check of B2): ``read_zkey``
    validated them unless its caller vouched for the key; coordinates, the curve equation and the
    header points are checked here regardless. Raises :class:`ProveError` naming the key.
    """
    from .. import native

    h = zk.header
    try:
        return native.ProvingKey(
            n_vars=h.n_vars, n_public=h.n_public, domain_size=h.domain_size, coeffs=zk.coeffs,
            a=zk.a, b1=zk.b1, b2=zk.b2, c=zk.c, h=zk.h,
            alpha1=h.alpha1, beta1=h.beta1, beta2=h.beta2, delta1=h.delta1, delta2=h.delta2, trusted=True,
        )
    except ValueError as exc:
        raise ProveError(f"{zk.path}: {exc}") from None


def loaded_key(zk: Zkey) -> LoadedKey:
    """An open key as a :class:`LoadedKey` (decoded now, not cached: the caller holds the file)."""
    h = zk.header
    return LoadedKey(
        digest=b"", path=str(zk.path), n_vars=h.n_vars, n_public=h.n_public, domain_size=h.domain_size,
        native=proving_key(zk), alpha1=h.alpha1, beta2=h.beta2, gamma2=h.gamma2, delta2=h.delta2,
        ic=bytes(zk.ic), subgroup_checked=False,
    )


def prove_with_key(zk: Zkey, witness: Witness, *, self_check: bool = True, r: int | None = None, s: int | None = None) -> ProveResult:
    """Prove with an open key. ``r``/``s`` fix the blinding (tests only); default is fresh randomness."""
    _checked_witness(zk.header.n_vars, witness)  # before decoding the key: bad input fails fast
    return prove_loaded(loaded_key(zk), witness, self_check=self_check, r=r, s=s)


def prove_loaded(key: LoadedKey, witness: Witness, *, self_check: bool = True, r: int | None = None, s: int | None = None) -> ProveResult:
    """Prove with a loaded key (see :mod:`.keycache`); ``r``/``s`` as for :func:`prove_with_key`."""
    from .. import native
    from ..field import R

    w = _checked_witness(key.n_vars, witness)
    blind = {}
    if r is not None:
        blind["r"] = (r % R).to_bytes(32, "little")
    if s is not None:
        blind["s"] = (s % R).to_bytes(32, "little")
    try:
        pa, pb, pc = native.groth16_prove(key.native, w, **blind)
    except ValueError as exc:
        raise ProveError(f"{key.path}: {exc}") from None
    publics_raw = memoryview(w).cast("B")[FR_BYTES:(key.n_public + 1) * FR_BYTES]
    points = (G1Point.from_lem(pa, "pi_a"), G2Point.from_lem(pb, "pi_b"), G1Point.from_lem(pc, "pi_c"))
    if self_check:
        ok = native.groth16_verify(key.alpha1, key.beta2, key.gamma2, key.delta2, key.ic, pa, pb, pc, publics_raw)
        if not ok:
            raise ProveError(
                "the proof does not verify against the key's own verification key: the witness does not "
                f"satisfy the circuit of {key.path} (check it with `zkvct wtns check R1CS WTNS`)"
            )
    return ProveResult(points, fr_ints(publics_raw))


def prove(zkey_path: str | os.PathLike[str], witness: Witness | str | os.PathLike[str], *, trusted_zkey: bool = False,
          self_check: bool = True, r: int | None = None, s: int | None = None, checked_keys: CheckedKeys | None = None) -> ProveResult:
    """Prove from a ``.zkey`` path and a witness (``(n, 32)`` array, its bytes, or a ``.wtns`` path).

    The key comes from the process's cache of checked keys (by content hash, see
    :mod:`.keycache`); ``trusted_zkey=True`` skips the G2 subgroup check of its B2 section, and
    ``checked_keys`` (the CLI's on-disk record, :mod:`.checked_keys`) skips it for a key whose
    exact bytes this user's earlier runs checked.
    """
    if isinstance(witness, (str, os.PathLike)):
        from ..formats.wtns_file import read_wtns_values

        witness = read_wtns_values(witness)
    key = KEYS.load(zkey_path, trusted=trusted_zkey, checked=checked_keys)
    return prove_loaded(key, witness, self_check=self_check, r=r, s=s)


def prove_files(zkey_path: str, wtns_path: str, proof_path: str, public_path: str, **kw) -> ProveResult:
    """``zkvct groth16 prove``: write proof.json and public.json as snarkjs does."""
    res = prove(zkey_path, wtns_path, **kw)
    res.write(proof_path, public_path)
    return res
