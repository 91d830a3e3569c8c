"""The relying party's link to the chain: the verifier's statements and roots (a ChainView), and
the submitter of on-chain tasks, signing as the relying party's own did:shr key.

The relying party's did:shr is the public-key form of a secp256k1 key, and a ShareLedger account
is the address of the same key, so the transaction sender *is* the relying party's DID: the
contract's "sender controls relying_party_did" rule holds without a delegate.
"""
from __future__ import annotations

import re
import threading
from typing import Any

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

from .responses import Refused

_CODES = "|".join(sorted((r.value for r in Reason), key=len, reverse=True))
_CODE_RE = re.compile(rf"\b({_CODES})\b")


def reason_of(error: ContractError) -> Reason | None:
    """The protocol reason code of a contract refusal (``ContractError.code``, else found in its text)."""
    code = getattr(error, "code", None)
    if code in Reason._value2member_map_:
        return Reason(code)
    m = _CODE_RE.search(error.reason or "")
    return Reason(m.group(1)) if m else None


class ContractSubmitter:
    """Submits ``Verify`` as the relying party (docs/protocol.md, "Who may submit on chain").

    Every transaction is signed by the one relying-party account, and each carries the account's
    next sequence number, read from the chain's committed state. Two responses submitted at once
    would both read the same number and the node would refuse the second ("account sequence
    mismatch"), so submissions from this process go one at a time, each until its inclusion.
    """

    def __init__(self, contract: VerifierContract, key: ec.EllipticCurvePrivateKey):
        self.contract = contract
        self.wallet = LocalWallet(PrivateKey(jws.private_key_bytes(key)), prefix=BECH32_PREFIX)
        self._one_at_a_time = threading.Lock()

    def submit(self, presentation: dict[str, Any], holder_authorization: dict[str, Any] | None) -> str:
        msg = {k: v for k, v in presentation.items() if v is not None}
        if holder_authorization is not None:
            msg["holder_authorization"] = holder_authorization
        try:
            with self._one_at_a_time:
                tx = self.contract.client.execute(self.contract.address, {"verify": msg}, self.wallet)
        except ContractError as e:
            reason = reason_of(e)
            raise Refused(reason or "chain_refused", e.reason[:400]) from None
        return tx.hash

    def proof_recorded(self, proof_hash: bytes) -> bool:
        res = self.contract.client.query(self.contract.address, {"proof": {"proof_hash": proof_hash.hex()}})
        return bool(res.get("used"))


def chain_backends(chain_home: str | None, key: ec.EllipticCurvePrivateKey) -> tuple[Any, Any, dict[str, str] | None]:
    """(view, submitter, {chain_id, verifier}) for a chain recorded by ``zkvct chain up/deploy``."""
    if not chain_home:
        raise ZkvctError("the relying party needs the chain for statements and issuer roots: set chain_home "
                         "(zkvct rp init --chain-home DIR)")
    client, home = connect(chain_home)
    _registry, verifier = resolve_addresses(home)
    if not verifier:
        raise ZkvctError(f"no verifier contract recorded in {chain_home}: run `zkvct chain deploy` first")
    contract = VerifierContract(client, verifier)
    info = {"chain_id": client.network.chain_id, "verifier": verifier}
    return ContractView(contract), ContractSubmitter(contract, key), info
