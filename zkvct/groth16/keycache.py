"""Decoded, checked proving keys kept per process, keyed by the SHA-256 of the ``.zkey``'s bytes.

Why: for the small statements a wallet proves, reading a key, checking its points (the G2
subgroup check of section 7 dominates) and decoding it into a native ``ProvingKey`` cost about
half as much as the proof itself. A process that proves more than once (the prover service, a
wallet, a benchmark) should pay that once per key, not once per proof.

Why the content hash and not (path, size, mtime, inode): a stat tuple names a *file*, not the
*bytes* that were checked. ``rsync --inplace -t``, ``cp`` over an open path followed by
``touch -r``, or two writes within the file system's timestamp granularity all leave the tuple
unchanged while the bytes change; a cache keyed by it would then prove with a key other than
the one on disk. The digest is computed on every call, over the whole file (SHA-256: with the
CPU's SHA extensions a few GB/s, i.e. milliseconds for a small key), so an entry is served only
for byte-identical content. On a miss the file is read once into private memory, and that one
buffer is hashed, parsed, checked and decoded: a writer changing the file meanwhile cannot
make the entry's digest and its decoded content disagree (a memory map would show the change).

Validation is done once, and by one party: :func:`~zkvct.formats.zkey.parse_zkey` checks the
container, the header, IC, coefficients and contributions (``trusted=True`` there only skips the
bulk point sections), and the native ``ProvingKey`` constructor then checks every bulk point
(coordinates < q, curve equation, and unless the caller vouches for the key, the G2 subgroup
check of B2). An entry built for a ``trusted`` call records that its bulk sections skipped the
subgroup check; it is never served to a call that did not vouch for the key (it is rebuilt, fully
checked, and replaces the entry).

Entries are immutable and the native key is read-only while proving (the prover releases the
GIL), so any number of threads can prove with one entry at once. The cache holds at most
``max_entries`` keys (least recently used first out): a decoded key takes about as much memory
as its file.
"""
from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from pathlib import Path

from ..formats.zkey import ZkeyError
from .checked_keys import CheckedKeys

#: The digest that names a key's content (see the module docstring for why not a stat tuple).
DIGEST = "sha256"


class KeyLoadError(ZkeyError):
    """The key's bulk sections fail the native checks; the message names the file and section."""


@dataclass(frozen=True)
class LoadedKey:
    """One checked ``.zkey``, ready to prove with: the native key plus the verification-key
    pieces the prover's self-check needs (small copies; the file is not kept open)."""

    digest: bytes
    path: str
    n_vars: int
    n_public: int
    domain_size: int
    native: object  # zkvct.native.ProvingKey
    alpha1: bytes
    beta2: bytes
    gamma2: bytes
    delta2: bytes
    ic: bytes
    subgroup_checked: bool  # False only for keys a caller vouched for (``trusted=True``)


def file_digest(path: str | os.PathLike[str]) -> bytes:
    """SHA-256 of the file's bytes, streamed (no copy of the file is kept)."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, DIGEST).digest()


def build_key(data: bytes, path: str, *, trusted: bool = False, subgroup_checked: bool | None = None,
              digest: bytes | None = None) -> LoadedKey:
    """Parse, check and decode the key in ``data`` (the whole file's bytes) once.

    ``trusted`` skips the G2 subgroup check of B2; ``subgroup_checked`` (default: ``not
    trusted``) records whether these bytes are known to pass it (e.g. from an earlier run).
    ``digest``: the caller's SHA-256 of exactly ``data``, if it has one.
    """
    from .. import native
    from ..formats.zkey import parse_zkey

    digest = digest or hashlib.new(DIGEST, data).digest()
    with parse_zkey(data, trusted=True, path=path) as zk:  # bulk points: checked natively below
        h = zk.header
        try:
            key = native.ProvingKey(
                n_vars=h.n_vars, n_public=h.n_public, domain_size=h.domain_size, coeffs=zk.coeffs,
                a=zk.a, b1=zk.b1, b2=zk.b2, c=zk.c, h=zk.h,
                alpha1=h.alpha1, beta1=h.beta1, beta2=h.beta2, delta1=h.delta1, delta2=h.delta2, trusted=trusted,
            )
        except ValueError as exc:
            raise KeyLoadError(f"{path}: {exc}") from None
        return LoadedKey(
            digest=digest, path=path, n_vars=h.n_vars, n_public=h.n_public, domain_size=h.domain_size,
            native=key, alpha1=h.alpha1, beta2=h.beta2, gamma2=h.gamma2, delta2=h.delta2, ic=bytes(zk.ic),
            subgroup_checked=not trusted if subgroup_checked is None else subgroup_checked,
        )


class KeyCache:
    """A small LRU of :class:`LoadedKey` by content digest (thread-safe)."""

    def __init__(self, max_entries: int = 4):
        if max_entries < 1:
            raise ValueError("max_entries must be at least 1")
        self.max_entries = max_entries
        self._entries: OrderedDict[bytes, LoadedKey] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def _lookup(self, digest: bytes, trusted: bool) -> LoadedKey | None:
        with self._lock:
            entry = self._entries.get(digest)
            if entry is None or not (entry.subgroup_checked or trusted):
                return None
            self._entries.move_to_end(digest)
            self.hits += 1
            return entry

    def load(self, path: str | os.PathLike[str], *, trusted: bool = False, checked: CheckedKeys | None = None) -> LoadedKey:
        """The checked key whose bytes are the file's current content (decoded once per content).

        ``checked``: an on-disk record of keys this user already fully checked (see
        :mod:`.checked_keys`): a key it lists skips the G2 subgroup check of B2, and a key fully
        checked here is added to it.
        """
        name = str(path)
        if self._entries:  # an empty cache cannot hit: a one-shot process hashes the file once
            entry = self._lookup(file_digest(path), trusted)
            if entry is not None:
                return entry if entry.path == name else replace(entry, path=name)
        data = Path(path).read_bytes()
        digest = hashlib.new(DIGEST, data).digest()
        if trusted or checked is None:
            entry = build_key(data, name, trusted=trusted, digest=digest)
        elif checked.was_checked(digest):
            entry = build_key(data, name, trusted=True, subgroup_checked=True, digest=digest)
        else:
            entry = build_key(data, name, digest=digest)
            checked.record(digest)
        with self._lock:
            self.misses += 1
            old = self._entries.get(entry.digest)
            if old is None or not old.subgroup_checked:  # never downgrade a fully checked entry
                self._entries[entry.digest] = entry
            self._entries.move_to_end(entry.digest)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return entry

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self.hits = self.misses = 0

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


#: The process-wide cache :func:`zkvct.groth16.prove.prove` uses.
KEYS = KeyCache()
