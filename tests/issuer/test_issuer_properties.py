"""Property tests: the VC opening parser only ever accepts or raises CredentialFormatError, and the
persisted tree agrees with the in-memory twin for any batch of leaf writes."""
from __future__ import annotations

import copy

import pytest

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from circuits.gadgets.merkle import MerkleTree
from zkvct.credentials.derive import holder_did_hash
from zkvct.did import jws
from zkvct.services.issuer import db
from zkvct.services.issuer.credential import CredentialFormatError, build_vc, parse_opening
from zkvct.services.issuer.tree import TreeStore

HOLDER = jws.did_of(jws.new_private_key())
VC = build_vc(vc_id="urn:uuid:1", issuer_did=HOLDER, holder_did=HOLDER, issued_at="2026-01-01T00:00:00Z",
              subject={"dob": "1990-05-17", "country": "SG", "expiry": "2030-01-01"}, serial=3, salt=99,
              holder_commit=12345, depth=4, registry_url="https://issuer.example/registry")

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20) | st.floats(allow_nan=False),
                           lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=8), kids, max_size=3),
                           max_leaves=8)
FIELDS = ["schema", "serial", "salt", "holderCommit", "holderDidHash", "dobDays", "country", "accreditedUntilDays",
          "expiryDays", "registryDepth", "leaf"]


def test_valid_vc_parses():
    op = parse_opening(VC)
    assert op["serial"] == 3 and op["holderDidHash"] == holder_did_hash(HOLDER)
    unlisted = copy.deepcopy(VC)
    del unlisted["credentialStatus"]  # an issuer without a public URL writes none
    assert parse_opening(unlisted)["serial"] == 3


def test_serial_must_match_the_registry_entry():
    """The leaf does not commit to the serial (its place in the tree): a serial changed to another
    in-range value was accepted (hypothesis found serial 3 -> 0 in CI) and would point a revocation
    lookup at another leaf."""
    for serial in (0, 2, 4, 15):
        vc = copy.deepcopy(VC)
        vc["credentialSubject"]["zkvctOpening"]["serial"] = serial
        with pytest.raises(CredentialFormatError, match="credentialStatus"):
            parse_opening(vc)
    for key, value in (("statusListIndex", "4"), ("id", "https://issuer.example/registry#4"), ("type", "StatusList2021")):
        vc = copy.deepcopy(VC)
        vc["credentialStatus"][key] = value
        with pytest.raises(CredentialFormatError, match="credentialStatus"):
            parse_opening(vc)


@given(field=st.sampled_from(FIELDS), value=json_values)
@example(field="serial", value=0).via("found in CI: an unbound serial")
@example(field="registryDepth", value=2).via("found in CI: a smaller depth")
@example(field="registryDepth", value=5)
@settings(max_examples=200, deadline=None)
def test_opening_field_mutations(field, value):
    vc = copy.deepcopy(VC)
    original = vc["credentialSubject"]["zkvctOpening"][field]
    vc["credentialSubject"]["zkvctOpening"][field] = value
    try:
        parse_opening(vc)
    except CredentialFormatError:
        return
    if field == "registryDepth":
        # bound by the issuer's signature, not by the leaf: the parser guarantees its range and
        # that the serial fits (hypothesis found 4 -> 2 accepted)
        assert isinstance(value, int) and 2 <= value <= 32 and 3 < 1 << value
        return
    assert value == original  # anything accepted must be the original value


def test_huge_registry_depth_is_refused_before_it_is_used():
    """A depth near 2^32 passed the integer check and made `1 << depth` a 512 MB integer."""
    for depth in (0, 1, 33, 2**31, 2**32 - 1):
        vc = copy.deepcopy(VC)
        vc["credentialSubject"]["zkvctOpening"]["registryDepth"] = depth
        with pytest.raises(CredentialFormatError, match="registryDepth"):
            parse_opening(vc)


@given(top=st.sampled_from(["@context", "type", "issuer", "validFrom", "credentialSubject", "id", "credentialStatus"]),
       value=json_values)
@settings(max_examples=100, deadline=None)
def test_top_level_mutations(top, value):
    vc = copy.deepcopy(VC)
    vc[top] = value
    try:
        parse_opening(vc)
    except CredentialFormatError:
        pass


@given(writes=st.lists(st.tuples(st.integers(0, 15), st.integers(0, 2**64)), min_size=1, max_size=12))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_tree_batches_match_twin(tmp_path, writes):
    engine = db.make_engine(f"sqlite:///{tmp_path / 'tree.db'}")
    db.create_schema(engine)
    store, twin = TreeStore(4), MerkleTree(4)
    with db.write_tx(engine) as conn:
        conn.execute(db.nodes.delete())
        half = len(writes) // 2
        store.set_leaves(conn, dict(writes[:half]))
        for idx, value in writes[half:]:
            store.set_leaf(conn, idx, value)
        for idx, value in dict(writes[:half]).items():
            twin.set(idx, value)
        for idx, value in writes[half:]:
            twin.set(idx, value)
        assert store.root(conn) == twin.root
        assert all(store.path(conn, i) == twin.proof(i) for i in range(16))
    engine.dispose()
