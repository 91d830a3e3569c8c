"""Typed helpers for the two deployed contracts: the CW1056 registry and the zkVCT verifier.

Each method builds the message model of :mod:`.messages`, sends it through
:class:`.client.ChainClient`, and returns a :class:`.client.TxResult` (transactions) or the
decoded response model (queries). Refusals raise :class:`.client.ContractError` with the contract's
reason.
"""
from __future__ import annotations

import base64
from typing import Any

from cosmpy.aerial.wallet import Wallet
from cosmpy.crypto.keypairs import PrivateKey

from . import messages as m
from .client import ChainClient, TxResult


def did_of(wallet: Wallet) -> str:
    """The public-key did:shr of a cosmpy wallet (its compressed secp256k1 key)."""
    return "did:shr:" + wallet.public_key().public_key_bytes.hex()


class RegistryContract:
    """The CW1056 did:shr registry at ``address``. ``identity`` = compressed key hex."""

    def __init__(self, client: ChainClient, address: str):
        self.client = client
        self.address = address

    def _exec(self, sender: Wallet, msg: Any, gas_limit: int | None = None) -> TxResult:
        return self.client.execute(self.address, msg, sender, gas_limit=gas_limit)

    def change_owner(self, sender: Wallet, identity: str, new_owner: str | None) -> TxResult:
        return self._exec(sender, m.ChangeOwner(identity=identity, new_owner=new_owner))

    def add_delegate(self, sender: Wallet, identity: str, delegate_type: str, delegate: str, validity: int) -> TxResult:
        return self._exec(sender, m.AddDelegate(identity=identity, delegate_type=delegate_type, delegate=delegate,
                                                validity=validity))

    def revoke_delegate(self, sender: Wallet, identity: str, delegate_type: str, delegate: str) -> TxResult:
        return self._exec(sender, m.RevokeDelegate(identity=identity, delegate_type=delegate_type, delegate=delegate))

    def set_attribute(self, sender: Wallet, identity: str, name: str, value_hex: str, validity: int) -> TxResult:
        return self._exec(sender, m.SetAttribute(identity=identity, name=name, value=value_hex, validity=validity))

    def revoke_attribute(self, sender: Wallet, identity: str, name: str, value_hex: str) -> TxResult:
        return self._exec(sender, m.RevokeAttribute(identity=identity, name=name, value=value_hex))

    def sign(self, owner_key: PrivateKey, identity: str, action: dict[str, Any]) -> m.MetaSignature:
        """Sign a change as the identity's owner (meta-transaction): the registry's ``sign_bytes``
        query returns the digest for the current nonce; the key signs it (low-S r||s)."""
        res = self.client.query(self.address, {"sign_bytes": {"identity": identity, "action": action}})
        digest = base64.b64decode(res["digest"])
        sig = owner_key.sign_digest(digest, deterministic=True, canonicalise=True)
        return m.MetaSignature(signer=owner_key.public_key.public_key_bytes.hex(), signature=base64.b64encode(sig).decode())

    def add_delegate_signed(self, relayer: Wallet, owner_key: PrivateKey, identity: str, delegate_type: str,
                            delegate: str, validity: int) -> TxResult:
        """AddDelegate paid by ``relayer``, authorised by the owner's signature."""
        fields = {"delegate_type": delegate_type, "delegate": delegate, "validity": validity}
        auth = self.sign(owner_key, identity, {"add_delegate": fields})
        return self._exec(relayer, m.AddDelegateSigned(identity=identity, auth=auth, **fields))

    # queries
    def owner(self, identity: str) -> m.IdentityOwnerResponse:
        return m.IdentityOwnerResponse(**self.client.query(self.address, m.IdentityOwner(identity=identity)))

    def changed(self, identity: str) -> int | None:
        return m.ChangedResponse(**self.client.query(self.address, m.Changed(identity=identity))).height

    def valid_delegate(self, identity: str, delegate_type: str, delegate: str) -> m.ValidDelegateResponse:
        q = m.ValidDelegate(identity=identity, delegate_type=delegate_type, delegate=delegate)
        return m.ValidDelegateResponse(**self.client.query(self.address, q))


class VerifierContract:
    """The zkVCT verifier at ``address``."""

    def __init__(self, client: ChainClient, address: str):
        self.client = client
        self.address = address

    def register_statement(self, sender: Wallet, statement_id: str, owner_did: str, verification_key: dict[str, Any],
                           roles: list[Any], trusted_issuers: list[str] | None = None,
                           record_validity_secs: int | None = None, description: str | None = None) -> TxResult:
        msg = m.RegisterStatement(statement_id=statement_id, owner_did=owner_did, verification_key=verification_key,
                                  roles=roles, trusted_issuers=trusted_issuers or [],
                                  record_validity_secs=record_validity_secs, description=description)
        return self.client.execute(self.address, msg, sender)

    def revoke_statement(self, sender: Wallet, statement_id: str, version: int | None = None) -> TxResult:
        return self.client.execute(self.address, m.RevokeStatement(statement_id=statement_id, version=version), sender)

    def anchor_root(self, sender: Wallet, issuer_did: str, root: str, retire_previous: bool = False,
                    gas_limit: int | None = None) -> TxResult:
        """Anchor ``root`` as the issuer's current root; ``retire_previous=True`` (a revocation)
        makes every earlier root of the issuer unacceptable at once."""
        msg = m.AnchorRoot(issuer_did=issuer_did, root=root, retire_previous=retire_previous)
        return self.client.execute(self.address, msg, sender, gas_limit=gas_limit)

    def retire_root(self, sender: Wallet, issuer_did: str, root: str) -> TxResult:
        return self.client.execute(self.address, m.RetireRoot(issuer_did=issuer_did, root=root), sender)

    def revoke_credential(self, sender: Wallet, issuer_did: str, holder_did: str) -> TxResult:
        msg = m.RevokeCredential(issuer_did=issuer_did, holder_did=holder_did)
        return self.client.execute(self.address, msg, sender)

    def verify(self, sender: Wallet, request: m.VerifyRequest, gas_limit: int | None = None) -> TxResult:
        """Submit a proof. With ``gas_limit`` the tx lands in a block even when rejected."""
        return self.client.execute(self.address, m.Verify(request=request), sender, gas_limit=gas_limit)

    def dry_run(self, request: m.VerifyRequest, sender: str | None = None) -> m.VerifyResponse:
        return m.VerifyResponse(**self.client.query(self.address, m.VerifyQuery(request=request, sender=sender)))

    def nullifier(self, statement_id: str, nullifier: str, scope: str) -> m.NullifierResponse:
        q = m.NullifierQuery(statement_id=statement_id, scope=scope, nullifier=nullifier)
        return m.NullifierResponse(**self.client.query(self.address, q))

    def zkvct(self, holder_did: str, statement_id: str) -> m.ZkvctResponse:
        q = m.ZkvctQuery(holder_did=holder_did, statement_id=statement_id)
        return m.ZkvctResponse(**self.client.query(self.address, q))

    def statement(self, statement_id: str, version: int | None = None) -> dict[str, Any]:
        return self.client.query(self.address, m.StatementQuery(statement_id=statement_id, version=version))

    def verification_key(self, statement_id: str, version: int | None = None) -> m.VerificationKeyResponse:
        q = m.VerificationKeyQuery(statement_id=statement_id, version=version)
        return m.VerificationKeyResponse(**self.client.query(self.address, q))

    def issuer_root(self, issuer_did: str, root: str) -> m.RootResponse:
        return m.RootResponse(**self.client.query(self.address, m.IssuerRootQuery(issuer_did=issuer_did, root=root)))

    def proof_used(self, proof_hash_hex: str) -> m.ProofResponse:
        return m.ProofResponse(**self.client.query(self.address, m.ProofQuery(proof_hash=proof_hash_hex)))

    def authorization_nonce(self, holder_did: str) -> int:
        q = m.AuthorizationNonceQuery(holder_did=holder_did)
        return m.AuthorizationNonceResponse(**self.client.query(self.address, q)).nonce

    def authorization_sign_bytes(self, request: m.VerifyRequest) -> m.SignBytesResponse:
        """The bytes the holder signs to let the relying party submit ``request`` (current nonce)."""
        q = m.AuthorizationSignBytesQuery(request=request)
        return m.SignBytesResponse(**self.client.query(self.address, q))

    def authorize(self, holder_key: PrivateKey, request: m.VerifyRequest) -> m.HolderAuthorization:
        """The holder's authorization for ``request``, signed with ``holder_key`` (a key that
        controls ``request.holder_did``): the contract's ``authorization_sign_bytes`` digest,
        low-S r||s. Whoever holds the result can hand it to the relying party."""
        sb = self.authorization_sign_bytes(request)
        sig = holder_key.sign_digest(base64.b64decode(sb.digest), deterministic=True, canonicalise=True)
        return m.HolderAuthorization(public_key=holder_key.public_key.public_key_bytes.hex(),
                                     signature=base64.b64encode(sig).decode(), nonce=sb.nonce)

    def did_hash(self, did: str) -> str:
        return self.client.query(self.address, m.DidHashQuery(did=did))["hash"]
