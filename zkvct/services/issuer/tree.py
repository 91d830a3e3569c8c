"""The issuer's depth-20 Poseidon registry tree, persisted node by node.

The tree is the one of circuits/gadgets/merkle.py (node = Poseidon(left, right), empty subtree of
height h = ``zero_hashes[h]``); here it lives in the ``issuer_tree_nodes`` table so an insert
reads the ``depth`` siblings, hashes ``depth`` times and writes ``depth + 1`` rows inside the
caller's transaction, and a restart loses nothing. Only nodes that differ from the empty
subtree's hash are stored (a revoked leaf's path shrinks back).

:meth:`TreeStore.set_leaves` updates many leaves at once level by level, so a batch shares the
hashing of common ancestors (k fresh sequential leaves cost about 2k hashes, not 20k).
"""
from __future__ import annotations

from typing import Iterable

from sqlalchemy import and_, delete, select, tuple_
from sqlalchemy.engine import Connection

from circuits.gadgets.merkle import zero_hashes
from circuits.gadgets.poseidon import poseidon_hash

from .db import nodes

#: rows per IN (...) query (SQLite's default variable limit is 32766; two per pair)
_CHUNK = 500


class TreeStore:
    """Read and update the persisted tree through one open transaction (``conn``)."""

    def __init__(self, depth: int):
        self.depth = depth
        self.zero = zero_hashes(depth)

    def capacity(self) -> int:
        return 1 << self.depth

    def get(self, conn: Connection, level: int, idx: int) -> int:
        row = conn.execute(select(nodes.c.hash).where(and_(nodes.c.level == level, nodes.c.idx == idx))).first()
        return int(row[0]) if row else self.zero[level]

    def _get_many(self, conn: Connection, level: int, idxs: Iterable[int]) -> dict[int, int]:
        wanted = sorted(set(idxs))
        out = {i: self.zero[level] for i in wanted}
        for start in range(0, len(wanted), _CHUNK):
            chunk = wanted[start:start + _CHUNK]
            rows = conn.execute(select(nodes.c.idx, nodes.c.hash).where(
                and_(nodes.c.level == level, nodes.c.idx.in_(chunk))))
            for idx, value in rows:
                out[int(idx)] = int(value)
        return out

    def root(self, conn: Connection) -> int:
        return self.get(conn, self.depth, 0)

    def set_leaf(self, conn: Connection, idx: int, value: int) -> int:
        """Put ``value`` at leaf ``idx`` (0 revokes); returns the new root."""
        return self.set_leaves(conn, {idx: value})

    def set_leaves(self, conn: Connection, leaves: dict[int, int]) -> int:
        """Put several leaves and rehash their ancestors once each; returns the new root."""
        if not leaves:
            return self.root(conn)
        for idx in leaves:
            if not 0 <= idx < self.capacity():
                raise ValueError(f"leaf index {idx} outside the tree (0 <= index < 2^{self.depth})")
        current = dict(leaves)
        for level in range(self.depth + 1):
            self._write(conn, level, current)
            if level == self.depth:
                break
            parents = sorted({i >> 1 for i in current})
            siblings = {i ^ 1 for i in current} - set(current)
            known = {**self._get_many(conn, level, siblings), **current}
            current = {p: poseidon_hash([known[2 * p], known[2 * p + 1]]) for p in parents}
        return current[0]

    def _write(self, conn: Connection, level: int, values: dict[int, int]) -> None:
        keys = sorted(values)
        for start in range(0, len(keys), _CHUNK):
            chunk = keys[start:start + _CHUNK]
            conn.execute(delete(nodes).where(tuple_(nodes.c.level, nodes.c.idx).in_([(level, i) for i in chunk])))
            rows = [{"level": level, "idx": i, "hash": str(values[i])} for i in chunk if values[i] != self.zero[level]]
            if rows:
                conn.execute(nodes.insert(), rows)

    def path(self, conn: Connection, idx: int) -> list[int]:
        """Siblings from the leaf level up (what a holder computes itself from the public nodes)."""
        return [self.get(conn, level, (idx >> level) ^ 1) for level in range(self.depth)]

    def level_nodes(self, conn: Connection, level: int, after: int, limit: int) -> list[tuple[int, int]]:
        """Stored (non-empty) nodes of ``level`` with index > ``after``, in index order."""
        rows = conn.execute(select(nodes.c.idx, nodes.c.hash).where(
            and_(nodes.c.level == level, nodes.c.idx > after)).order_by(nodes.c.idx).limit(limit))
        return [(int(i), int(h)) for i, h in rows]
