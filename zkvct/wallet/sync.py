"""Build a credential's Merkle path from the issuer's public registry, privately.

The issuer publishes its tree's non-empty nodes level by level (``GET /v1/registry/nodes``). The
wallet downloads *whole levels*: all leaves, and all nodes of levels ``block_level`` and up, never
a page chosen by its own serial, so the issuer cannot tell which credential is about to be used.
From those it computes its path: the siblings inside its own block of ``2^block_level`` leaves by
hashing (at most ``2^block_level - 1`` Poseidon hashes), the ones above by lookup. It then
recomputes the root from its own leaf and the path (``depth`` hashes) and accepts the path only if
that root is the one the issuer published with every page: a path is never trusted unchecked,
and a tree that changed between pages is simply fetched again.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import time

import httpx

from circuits.gadgets.merkle import MerkleTree, root_from_proof, zero_hashes
from circuits.gadgets.poseidon import poseidon_hash

from ..errors import ZkvctError

BLOCK_LEVEL = 4
PAGE = 1000


class SyncError(ZkvctError):
    """The registry could not be read, or it does not contain the credential's leaf."""


@dataclass(frozen=True)
class SyncedPath:
    root: int
    serial: int
    siblings: tuple[int, ...]
    depth: int

    def registry(self) -> Any:
        """A twin registry holding exactly this path (what ``statement_input`` reads)."""
        from circuits.statements.credential import Registry

        reg = Registry(self.depth)
        tree: MerkleTree = reg.tree
        for level, sib in enumerate(self.siblings):
            tree.nodes[(level, (self.serial >> level) ^ 1)] = sib
        tree.nodes[(self.depth, 0)] = self.root
        return reg


#: How long one level's download may wait on the issuer's rate limit in all.
MAX_RATE_WAIT_S = 30.0


def _retry_after(resp: httpx.Response) -> float:
    value = resp.headers.get("retry-after", "1")
    return float(min(int(value), 10)) if value.isascii() and value.isdigit() else 1.0


def _level(client: httpx.Client, level: int) -> tuple[dict[int, int], set[str]]:
    nodes: dict[int, int] = {}
    roots: set[str] = set()
    after = -1
    waited = 0.0
    while True:
        resp = client.get("/v1/registry/nodes", params={"level": level, "after": after, "limit": PAGE})
        if resp.status_code == 429 and waited < MAX_RATE_WAIT_S:  # a public, rate-limited endpoint: wait as told
            pause = min(_retry_after(resp), MAX_RATE_WAIT_S - waited)
            time.sleep(pause)
            waited += pause
            continue
        if resp.status_code != 200:
            raise SyncError(f"the issuer refused the registry read ({resp.status_code}): {resp.text[:200]}")
        page = resp.json()
        roots.add(page["root"])
        for idx, value in page["nodes"]:
            nodes[int(idx)] = int(value)
        if page.get("next_after") is None:
            return nodes, roots
        after = int(page["next_after"])


def _subtree_node(leaves: dict[int, int], level: int, idx: int, zero: tuple[int, ...]) -> int:
    """Node (level, idx) computed from the leaves (empty subtrees short-cut to their zero hash)."""
    lo, hi = idx << level, (idx + 1) << level
    if not any(lo <= i < hi for i in leaves):
        return zero[level]
    if level == 0:
        return leaves.get(idx, 0)
    return poseidon_hash([_subtree_node(leaves, level - 1, 2 * idx, zero),
                          _subtree_node(leaves, level - 1, 2 * idx + 1, zero)])


def sync_path(client: httpx.Client, serial: int, leaf: int, depth: int, *, block_level: int = BLOCK_LEVEL,
              tries: int = 3) -> SyncedPath:
    """The verified path of the credential at ``serial`` whose leaf is ``leaf``."""
    block_level = min(block_level, depth)
    zero = zero_hashes(depth)
    for _ in range(tries):
        leaves, roots = _level(client, 0)
        upper: dict[int, dict[int, int]] = {}
        for level in range(max(block_level, 1), depth):
            upper[level], more = _level(client, level)
            roots |= more
        if len(roots) != 1:
            continue  # the tree changed while we read it: read again
        root = int(roots.pop())
        have = leaves.get(serial, 0)
        if have == 0:
            raise SyncError(f"the issuer's registry has no leaf at serial {serial}: the credential was revoked "
                            "(or never issued by this registry)")
        if have != leaf:
            raise SyncError(f"the registry's leaf at serial {serial} is not this credential's leaf")
        block = {i: v for i, v in leaves.items() if i >> block_level == serial >> block_level}
        siblings = []
        for level in range(depth):
            sib = (serial >> level) ^ 1
            if level < block_level:
                siblings.append(_subtree_node(block, level, sib, zero))
            else:
                siblings.append(upper[level].get(sib, zero[level]))
        if root_from_proof(leaf, serial, siblings) != root:
            raise SyncError("the path built from the issuer's published nodes does not lead to its published root "
                            "(inconsistent registry data)")
        return SyncedPath(root, serial, tuple(siblings), depth)
    raise SyncError(f"the issuer's registry kept changing while it was read ({tries} tries); try again")
