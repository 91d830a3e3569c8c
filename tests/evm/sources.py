"""The ShareLedger side of a mirror, kept in Python (statements and roots as the CosmWasm
contract's v2 queries would report them) for tests of the EVM side of ``zkvct.evm.mirror``."""
from __future__ import annotations

from zkvct.evm.mirror import SourceStatement


class PythonSource:
    def __init__(self):
        self.statements: dict[str, list[SourceStatement]] = {}
        self.current: dict[str, int] = {}
        self.retired: set[tuple[str, int]] = set()

    def statement(self, statement_id, version):
        versions = self.statements.get(statement_id, [])
        if not versions:
            return None
        if version is None:
            return versions[-1]
        return versions[version - 1] if 1 <= version <= len(versions) else None

    def current_root(self, issuer_did):
        return self.current.get(issuer_did)

    def root_retired(self, issuer_did, root):
        return (issuer_did, root) in self.retired
