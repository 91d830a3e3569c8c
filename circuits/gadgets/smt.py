"""iden3 sparse Merkle tree (circomlib/circomlibjs ``smt``): inclusion and non-inclusion proofs.

Hashing (iden3): a leaf is ``Poseidon(key, value, 1)``, an inner node ``Poseidon(left, right)``,
an empty subtree is 0, and a subtree holding a single leaf collapses to that leaf. The path of a
key follows its bits from the least significant one (bit i = 1: go right at depth i). A proof is
the list of siblings from the root down to where the key's path ends (padded with zeros to the
circuit's depth):

* inclusion: the leaf ``(key, value)`` sits there;
* non-inclusion: the slot there is empty (``is_old0``) or holds a different key ``old_key``
  (whose path shares the prefix, so ``key`` cannot be deeper in the tree).

In-circuit the prover picks how many levels are real through a prefix of boolean "enabled"
flags (a shorter or longer path would need a hash collision between a leaf and an inner node,
which Poseidon of different widths rules out). Keys are range-checked to ``key_bits`` (default 64)
so their low bits are unique.
"""
from __future__ import annotations

from zkvct.dsl.hints import hint
from zkvct.field import R

from .bits import to_bits
from .is_zero import is_equal
from .poseidon import poseidon, poseidon_hash


def leaf_hash(key: int, value: int) -> int:
    return poseidon_hash([key, value, 1])


class SparseMerkleTree:
    """Twin of circomlibjs's SMT (same roots and siblings), kept as a dict of leaves."""

    def __init__(self) -> None:
        self.leaves: dict[int, int] = {}

    def insert(self, key: int, value: int) -> None:
        if key in self.leaves:
            raise ValueError(f"key {key} already in the tree")
        self.leaves[key % R] = value % R

    def update(self, key: int, value: int) -> None:
        self.leaves[key % R] = value % R

    def delete(self, key: int) -> None:
        del self.leaves[key]

    def _node(self, keys: list[int], level: int) -> int:
        if not keys:
            return 0
        if len(keys) == 1:
            return leaf_hash(keys[0], self.leaves[keys[0]])
        left = [k for k in keys if not (k >> level) & 1]
        right = [k for k in keys if (k >> level) & 1]
        return poseidon_hash([self._node(left, level + 1), self._node(right, level + 1)])

    @property
    def root(self) -> int:
        return self._node(sorted(self.leaves), 0)

    def find(self, key: int) -> dict:
        """circomlibjs ``find``: siblings top-down, and what the key's path ends at."""
        keys = sorted(self.leaves)
        siblings: list[int] = []
        level = 0
        while len(keys) > 1:
            bit = (key >> level) & 1
            same = [k for k in keys if (k >> level) & 1 == bit]
            other = [k for k in keys if (k >> level) & 1 != bit]
            siblings.append(self._node(other, level + 1))
            keys = same
            level += 1
        if not keys:
            return {"found": False, "siblings": siblings, "is_old0": True, "old_key": 0, "old_value": 0}
        k = keys[0]
        if k == key:
            return {"found": True, "siblings": siblings, "value": self.leaves[k]}
        return {"found": False, "siblings": siblings, "is_old0": False, "old_key": k, "old_value": self.leaves[k]}


def root_from_siblings(key: int, node: int, siblings: list[int]) -> int:
    """Twin of the circuit's walk: hash ``node`` (a leaf hash or 0) up along the real siblings.

    Trailing zero siblings are padding and are dropped first (circomlibjs trims them too).
    """
    sibs = list(siblings)
    while sibs and sibs[-1] == 0:
        sibs.pop()
    cur = node
    for level in range(len(sibs) - 1, -1, -1):
        cur = poseidon_hash([sibs[level], cur] if (key >> level) & 1 else [cur, sibs[level]])
    return cur


def _n_levels(siblings: list[int]) -> int:
    n = len(siblings)
    while n and siblings[n - 1] == 0:
        n -= 1
    return n


@hint("smt.levels")
def smt_levels(siblings: tuple[int, ...], n_out: int) -> int:
    """Number of real levels of a padded SMT proof: siblings up to the last non-zero one."""
    return _n_levels(list(siblings))


@hint("smt.enabled_prefix")
def smt_enabled_prefix(inputs: tuple[int, ...], n_out: int) -> list[int]:
    """``n_out`` flags, 1 for the first ``n`` levels and 0 after (``inputs = (n,)``)."""
    (n,) = inputs
    return [1 if i < n else 0 for i in range(n_out)]


def _walk(api, root, key_bits: list, node, siblings: list, name: str) -> None:
    depth = len(siblings)
    with api.scope(name):
        # enabled[i] = 1 for the real levels 0..L-1 (a prefix), from a hint on the siblings
        n_levels = api.hint(smt_levels, *siblings, name="levels")
        enabled = api.hint(smt_enabled_prefix, n_levels, n_out=depth, name="en")
        if depth == 1:
            enabled = [enabled]
        total = api.constant(0)
        for i in range(depth):
            api.assert_bool(enabled[i], name=f"en{i}_bool")
            if i + 1 < depth:
                api.assert_mul(enabled[i + 1], 1 - enabled[i], 0, name=f"en{i}_prefix")
            api.assert_mul(siblings[i], 1 - enabled[i], 0, name=f"sib{i}_padding")
            total = total + enabled[i]
        api.assert_equal(total, n_levels, name="levels_def")
        cur = api.as_signal(node)
        for i in range(depth - 1, -1, -1):
            with api.scope(f"l{i}"):
                left = cur + api.mul(key_bits[i], api.as_signal(siblings[i]) - cur, name="sw")
                right = cur + siblings[i] - left
                h = poseidon(api, [left, right], name="h")
                cur = api.select(enabled[i], h, cur, name="en_sel")
        api.assert_equal(cur, root, name="root")


def smt_inclusion(api, root, key, value, siblings: list, *, key_bits: int = 64, name: str = "smt_incl") -> None:
    """Constrain: ``(key, value)`` is a leaf of the tree with ``root``."""
    if len(siblings) > key_bits:
        raise ValueError("SMT depth exceeds the key width")
    with api.scope(name):
        bits = to_bits(api, key, key_bits, name="key_bits")
        node = poseidon(api, [key, value, 1], name="leaf")
    _walk(api, root, bits, node, siblings, name)


def smt_exclusion(api, root, key, old_key, old_value, is_old0, siblings: list, *, key_bits: int = 64,
                  name: str = "smt_excl") -> None:
    """Constrain: ``key`` is not in the tree with ``root`` (see module docstring)."""
    if len(siblings) > key_bits:
        raise ValueError("SMT depth exceeds the key width")
    with api.scope(name):
        bits = to_bits(api, key, key_bits, name="key_bits")
        api.assert_bool(is_old0, name="is_old0_bool")
        same = is_equal(api, old_key, key, name="same_key")
        # a different key must sit in the slot unless it is empty
        api.assert_mul(1 - api.as_signal(is_old0), same, 0, name="old_key_differs")
        leaf = poseidon(api, [old_key, old_value, 1], name="old_leaf")
        node = api.mul(1 - api.as_signal(is_old0), leaf, name="old_node")
    _walk(api, root, bits, node, siblings, name)
