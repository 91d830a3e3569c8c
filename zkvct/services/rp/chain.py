"""The relying party's link to the chain: the verifier's statements and roots (a ChainView), and
the submitter of on-chain tasks, signing as the relying party's own did:shr key.

The relying party's did:shr is the public-key form of a secp256k1 key, and a ShareLedger account
is the address of the same key, so the transaction sender *is* the relying party's DID: the
contract's "sender controls relying_party_did" rule holds without a delegate.
"""
from __future__ import annotations

import re
import secrets
import threading
import time
from contextlib import contextmanager, nullcontext
from typing import Any, Iterator

import sqlalchemy as sa

from cosmpy.aerial.wallet import LocalWallet
from cosmpy.crypto.keypairs import PrivateKey
from cryptography.hazmat.primitives.asymmetric import ec

from zkvct.chain.client import ContractError
from zkvct.chain.contracts import VerifierContract
from zkvct.chain.deployment import connect, resolve_addresses
from zkvct.chain.keys import BECH32_PREFIX
from zkvct.credentials.chain_view import ContractView
from zkvct.credentials.reasons import Reason
from zkvct.did import jws
from zkvct.errors import ZkvctError

from zkvct.web.db import write_tx

from .responses import Refused
from .schema import submit_leases

_CODES = "|".join(sorted((r.value for r in Reason), key=len, reverse=True))
_CODE_RE = re.compile(rf"\b({_CODES})\b")


def reason_of(error: ContractError) -> Reason | None:
    """The protocol reason code of a contract refusal (``ContractError.code``, else found in its text)."""
    code = getattr(error, "code", None)
    if code in Reason._value2member_map_:
        return Reason(code)
    m = _CODE_RE.search(error.reason or "")
    return Reason(m.group(1)) if m else None


class SubmitLease:
    """Who may sign with the relying party's chain account now, across replicas: a row of
    ``submit_leases`` per account in the replicas' shared database. A replica takes the row with a
    conditional update (only when the lease ran out or is its own), submits, waits for inclusion,
    and frees it, so the next holder reads the account's sequence after the previous transaction
    was included. A replica that dies holding it blocks the account for at most ``lease_secs``."""

    def __init__(self, engine: sa.Engine, account: str, *, lease_secs: float = 120.0, wait_secs: float = 60.0):
        self.engine, self.account, self.lease_secs, self.wait_secs = engine, account, lease_secs, wait_secs
        self.holder = "rp_" + secrets.token_hex(8)

    def _try_take(self) -> bool:
        now = time.time()
        with write_tx(self.engine) as conn:
            if conn.execute(sa.select(submit_leases.c.account).where(submit_leases.c.account == self.account)).first() is None:
                conn.execute(submit_leases.insert().values(account=self.account, holder=self.holder,
                                                           lease_until=now + self.lease_secs))
                return True
            taken = conn.execute(submit_leases.update().where(
                submit_leases.c.account == self.account,
                sa.or_(submit_leases.c.lease_until <= now, submit_leases.c.holder == self.holder))
                .values(holder=self.holder, lease_until=now + self.lease_secs))
            return taken.rowcount == 1

    @contextmanager
    def held(self) -> Iterator[None]:
        deadline = time.monotonic() + self.wait_secs
        pause = 0.005
        while not self._try_take():
            if time.monotonic() > deadline:
                raise TimeoutError("another replica holds the chain account")
            time.sleep(pause)
            pause = min(pause * 2, 0.1)
        try:
            yield
        finally:
            with write_tx(self.engine) as conn:
                conn.execute(submit_leases.update().where(submit_leases.c.account == self.account,
                                                          submit_leases.c.holder == self.holder)
                             .values(lease_until=0.0))


class ContractSubmitter:
    """Submits ``Verify`` as the relying party (docs/protocol.md, "Who may submit on chain").

    Every transaction is signed by the one relying-party account, and each carries the account's
    next sequence number, read from the chain's committed state. Two responses submitted at once
    would both read the same number and the node would refuse the second ("account sequence
    mismatch"), so submissions go one at a time, each until its inclusion: within this process by
    a lock, and across replicas sharing the account by a :class:`SubmitLease` in their shared
    database (pass ``engine``; without it only this process is serialised).
    """

    def __init__(self, contract: VerifierContract, key: ec.EllipticCurvePrivateKey, engine: sa.Engine | None = None):
        self.contract = contract
        self.wallet = LocalWallet(PrivateKey(jws.private_key_bytes(key)), prefix=BECH32_PREFIX)
        self._one_at_a_time = threading.Lock()
        self.lease = SubmitLease(engine, str(self.wallet.address())) if engine is not None else None

    def submit(self, presentation: dict[str, Any], holder_authorization: dict[str, Any] | None) -> str:
        msg = {k: v for k, v in presentation.items() if v is not None}
        if holder_authorization is not None:
            msg["holder_authorization"] = holder_authorization
        try:
            with self._one_at_a_time, (self.lease.held() if self.lease else nullcontext()):
                tx = self.contract.client.execute(self.contract.address, {"verify": msg}, self.wallet)
        except ContractError as e:
            reason = reason_of(e)
            raise Refused(reason or "chain_refused", e.reason[:400]) from None
        return tx.hash

    def proof_recorded(self, proof_hash: bytes) -> bool:
        res = self.contract.client.query(self.contract.address, {"proof": {"proof_hash": proof_hash.hex()}})
        return bool(res.get("used"))


def chain_backends(chain_home: str | None, key: ec.EllipticCurvePrivateKey,
                   engine: sa.Engine | None = None) -> tuple[Any, Any, dict[str, str] | None]:
    """(view, submitter, {chain_id, verifier}) for a chain recorded by ``zkvct chain up/deploy``;
    ``engine``: the database replicas share, through which their submissions are serialised."""
    if not chain_home:
        raise ZkvctError("the relying party needs the chain for statements and issuer roots: set chain_home "
                         "(zkvct rp init --chain-home DIR)")
    client, home = connect(chain_home)
    _registry, verifier = resolve_addresses(home)
    if not verifier:
        raise ZkvctError(f"no verifier contract recorded in {chain_home}: run `zkvct chain deploy` first")
    contract = VerifierContract(client, verifier)
    info = {"chain_id": client.network.chain_id, "verifier": verifier}
    return ContractView(contract), ContractSubmitter(contract, key, engine), info
