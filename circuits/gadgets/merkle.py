"""Binary Poseidon Merkle tree (fixed depth) and its inclusion proof.

Node = Poseidon(left, right); an empty leaf is 0 and an empty subtree of height h has the
precomputed "zero hash" ``Z[h]`` (``Z[0] = 0``, ``Z[h+1] = Poseidon(Z[h], Z[h])``). The leaf index's
bits choose the side at each level (bit i = 1: the current node is the right child), so a proof
also proves the index: the credential registry uses the index as the credential serial.
In-circuit: per level one constraint for the switch plus Poseidon(2)'s 240.
"""
from __future__ import annotations

from functools import lru_cache

from .poseidon import poseidon, poseidon_hash


@lru_cache(maxsize=None)
def zero_hashes(depth: int) -> tuple[int, ...]:
    z = [0]
    for _ in range(depth):
        z.append(poseidon_hash([z[-1], z[-1]]))
    return tuple(z)


class MerkleTree:
    """Twin: a sparse fixed-depth tree holding only non-empty nodes (issuers' registry)."""

    def __init__(self, depth: int):
        if not 1 <= depth <= 64:
            raise ValueError(f"Merkle depth {depth} not supported (1..64)")
        self.depth = depth
        self.nodes: dict[tuple[int, int], int] = {}  # (level, index) -> hash; level 0 = leaves

    def _get(self, level: int, index: int) -> int:
        return self.nodes.get((level, index), zero_hashes(self.depth)[level])

    def set(self, index: int, leaf: int) -> None:
        """Put ``leaf`` at ``index`` (0 removes it, e.g. on revocation) and rehash the path."""
        if not 0 <= index < (1 << self.depth):
            raise ValueError(f"leaf index {index} outside the tree (0 <= index < 2^{self.depth})")
        self.nodes[(0, index)] = leaf
        for level in range(self.depth):
            index >>= 1
            self.nodes[(level + 1, index)] = poseidon_hash(
                [self._get(level, 2 * index), self._get(level, 2 * index + 1)])

    @property
    def root(self) -> int:
        return self._get(self.depth, 0)

    def proof(self, index: int) -> list[int]:
        """Siblings from the leaf level up."""
        return [self._get(level, (index >> level) ^ 1) for level in range(self.depth)]


def root_from_proof(leaf: int, index: int, siblings: list[int]) -> int:
    """Twin of :func:`merkle_root`."""
    cur = leaf
    for level, sib in enumerate(siblings):
        cur = poseidon_hash([sib, cur] if (index >> level) & 1 else [cur, sib])
    return cur


def merkle_root(api, leaf, index_bits: list, siblings: list, name: str = "merkle"):
    """Root computed from ``leaf``, the index bits (constrained boolean by the caller) and siblings."""
    if len(index_bits) != len(siblings):
        raise ValueError("merkle_root: need one index bit per sibling")
    cur = api.as_signal(leaf)
    with api.scope(name):
        for level, (bit, sib) in enumerate(zip(index_bits, siblings)):
            with api.scope(f"l{level}"):
                left = cur + api.mul(bit, api.as_signal(sib) - cur, name="sw")
                right = cur + sib - left
                cur = poseidon(api, [left, right], name="h")
    return cur
