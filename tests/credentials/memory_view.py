"""An in-memory ChainView for the tests (test helper only: services back the view with their
database and the chain, see zkvct.credentials.chain_view). It keeps what the contract keeps: the
registered statements, each issuer's anchored roots (current, replaced, retired), the accepted
nullifiers and proof hashes, and a settable clock."""
from __future__ import annotations

from dataclasses import dataclass, field

from zkvct.credentials.derive import canonical_did
from zkvct.credentials.verify import RegisteredStatement, RootStatus, Verdict


@dataclass
class _Root:
    anchored_at: int
    replaced_at: int | None = None
    retired: bool = False


@dataclass
class MemoryView:
    clock: int
    root_window_secs: int = 3600
    date_tolerance_days: int = 1
    statements: dict[str, RegisteredStatement] = field(default_factory=dict)
    roots: dict[tuple[str, int], _Root] = field(default_factory=dict)
    current: dict[str, int] = field(default_factory=dict)
    nullifiers: set[tuple[str, int, int]] = field(default_factory=set)
    proofs: set[bytes] = field(default_factory=set)

    def now(self) -> int:
        return self.clock

    def register(self, st: RegisteredStatement) -> None:
        self.statements[st.statement_id] = st

    def anchor(self, issuer_did: str, root: int, retire_previous: bool = False) -> None:
        issuer = canonical_did(issuer_did)
        prev = self.current.get(issuer)
        if prev is not None and prev != root:
            self.roots[(issuer, prev)].replaced_at = self.clock
        if retire_previous:
            for (who, _), r in self.roots.items():
                if who == issuer:
                    r.retired = True
        self.roots[(issuer, root)] = _Root(self.clock)
        self.current[issuer] = root

    # -- ChainView ------------------------------------------------------------------------------
    def statement(self, statement_id, version):
        st = self.statements.get(statement_id)
        if st is None or (version is not None and version != st.version):
            return None
        return st

    def root_status(self, issuer_did, root):
        r = self.roots.get((issuer_did, root))
        if r is None:
            return RootStatus(anchored=False)
        return RootStatus(anchored=True, retired=r.retired, current=self.current.get(issuer_did) == root,
                          replaced_at=r.replaced_at)

    def nullifier_used(self, statement_id, scope, nullifier):
        return (statement_id, scope, nullifier) in self.nullifiers

    def proof_used(self, proof_hash):
        return proof_hash in self.proofs

    def record(self, verdict: Verdict) -> None:
        """What a relying party stores after accepting."""
        assert verdict.ok
        self.nullifiers.add((verdict.statement_id, verdict.scope, verdict.nullifier))
        self.proofs.add(verdict.proof_hash)
