"""did:shr: identifiers, ShareLedger addresses, and a resolver over the CW1056 registry.

* :mod:`.address` - compressed secp256k1 keys and ``shareledger1...`` addresses
* :mod:`.identifier` - parse/validate ``did:shr:...`` and DID URLs (``?versionId=N``)
* :mod:`.events` - CW1056 change events as emitted by ``verifier_contract/contracts/cw1056``
* :mod:`.document` - the DID document / resolution result from an event history (pure)
* :mod:`.resolver` - the chain walk (``changed`` -> tx_search -> ``previous_change``)
"""
from .address import AddressError, address_from_key, decode_address, encode_address, validate_compressed_key
from .document import build_resolution, error_result
from .events import ChangeEvent, EventError, parse_change_event
from .identifier import DidError, DidUrl, ShrDid, did_for_address, did_for_key, parse_did, parse_did_url

__all__ = [
    "AddressError", "ChangeEvent", "DidError", "DidUrl", "EventError", "ShrDid", "address_from_key",
    "build_resolution", "decode_address", "did_for_address", "did_for_key", "encode_address", "error_result",
    "parse_change_event", "parse_did", "parse_did_url", "validate_compressed_key",
]
