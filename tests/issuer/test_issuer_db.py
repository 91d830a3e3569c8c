"""The issuer's database logic on SQLite and on a real PostgreSQL: the persisted tree against the
in-memory twin, revocation and epochs in the outbox, anchoring once across a crash, replicas."""
from __future__ import annotations

import re
import secrets
import threading

import pytest

from circuits.gadgets.merkle import MerkleTree
from issuer_helpers import pop
from zkvct.did import jws
from zkvct.services.issuer import db
from zkvct.services.issuer.outbox import Anchorer
from zkvct.services.issuer.registry import Issuer, IssuerError, Subject

DEPTH = 5
SUBJECT = Subject(dob="1990-05-17", country="SG", expiry="2030-01-01")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'issuer.db'}"
    return request.getfixturevalue("pg_url")


def make_issuer(url, key=None, **kw):
    issuer = Issuer(db.make_engine(url), key or jws.new_private_key(), depth=DEPTH, **kw)
    issuer.init_db()
    return issuer


def issue(issuer, holder=None):
    offer = issuer.create_offer(SUBJECT)["offer_id"]
    holder = holder or jws.new_private_key()
    return issuer.redeem(offer, pop(holder, offer, issuer.did, holder_commit=secrets.randbelow(2**200) + 1))


def outbox_rows(issuer):
    with issuer.engine.connect() as conn:
        return conn.execute(db.outbox.select().order_by(db.outbox.c.id)).all()


def test_tree_matches_twin_and_survives_reopen(db_url):
    issuer = make_issuer(db_url)
    twin = MerkleTree(DEPTH)
    for _ in range(5):
        out = issue(issuer)
        twin.set(out["serial"], int(out["vc"]["credentialSubject"]["zkvctOpening"]["leaf"]))
        assert int(issuer.registry_info()["root"]) == twin.root
    issuer.revoke(2)
    twin.set(2, 0)
    assert int(issuer.registry_info()["root"]) == twin.root
    with issuer.engine.connect() as conn:
        assert issuer.tree.path(conn, 3) == twin.proof(3)
    again = Issuer(db.make_engine(db_url), issuer.key, depth=DEPTH)
    again.init_db()
    assert again.registry_info()["root"] == str(twin.root) and again.registry_info()["issued"] == 5
    with pytest.raises(Exception, match="another issuer"):
        make_issuer(db_url)  # a different key must not adopt this database
    # batch insert (benchmark path) agrees with one-by-one
    with issuer.engine.begin() as conn:
        root = issuer.tree.set_leaves(conn, {20: 7, 21: 8, 30: 9})
    for i, v in ((20, 7), (21, 8), (30, 9)):
        twin.set(i, v)
    assert root == twin.root


def test_revocation_queues_a_retiring_anchor_and_revoke_credential(db_url):
    issuer = make_issuer(db_url)
    first = issue(issuer)
    assert issuer.close_epoch()["queued"] is True
    assert issuer.close_epoch()["queued"] is False  # same root: nothing new to anchor
    issuer.revoke(first["serial"])
    rows = outbox_rows(issuer)
    assert [(r.kind, bool(r.retire_previous)) for r in rows] == [
        ("anchor_root", False), ("anchor_root", True), ("revoke_credential", False)]
    assert rows[2].holder_did == first["vc"]["credentialSubject"]["id"]
    with pytest.raises(IssuerError) as err:
        issuer.revoke(first["serial"])
    assert err.value.code == "already_revoked" and len(outbox_rows(issuer)) == 3


class RecordingSink:
    """A chain stand-in that remembers what it holds; ``crash_after_send`` makes the anchorer die
    after the chain accepted a transaction but before the outbox row was marked."""

    def __init__(self):
        self.anchored: list[tuple[str, bool]] = []
        self.revoked: list[str] = []
        self.crash_after_send = False
        self.down = False

    def root_is_current(self, issuer_did, root):
        if self.down:
            raise ConnectionError("node unreachable")
        return bool(self.anchored) and self.anchored[-1][0] == root

    def anchor_root(self, issuer_did, root, retire_previous):
        if self.down:
            raise ConnectionError("node unreachable")
        self.anchored.append((root, retire_previous))
        if self.crash_after_send:
            raise SystemExit("killed after broadcast")
        return "HASH%d" % len(self.anchored), len(self.anchored)

    def revoke_credential(self, issuer_did, holder_did):
        self.revoked.append(holder_did)
        return "RHASH", 99


def test_outbox_anchors_once_across_failures(db_url):
    issuer = make_issuer(db_url)
    issue(issuer)
    root = issuer.close_epoch()["root"]
    sink = RecordingSink()
    sink.down = True
    assert Anchorer(issuer.engine, issuer.did, sink).drain() == []
    assert outbox_rows(issuer)[0].attempts == 1 and "unreachable" in outbox_rows(issuer)[0].last_error
    sink.down, sink.crash_after_send = False, True
    with pytest.raises(SystemExit):
        Anchorer(issuer.engine, issuer.did, sink).drain()
    assert outbox_rows(issuer)[0].done_at is None  # the mark was lost with the "process"
    sink.crash_after_send = False
    done = Anchorer(issuer.engine, issuer.did, sink).drain()  # a fresh process finds it on chain
    assert [d["root"] for d in done] == [root] and sink.anchored == [(root, False)]
    issuer.revoke(0)
    Anchorer(issuer.engine, issuer.did, sink).drain()
    assert sink.anchored[-1][1] is True and len(sink.revoked) == 1
    assert all(r.done_at is not None for r in outbox_rows(issuer))
    assert Anchorer(issuer.engine, issuer.did, sink).drain() == []


def test_replicas_issue_distinct_serials(db_url):
    if db_url.startswith("sqlite"):
        pytest.skip("replicas share a PostgreSQL database (SQLite serves one process)")
    key = jws.new_private_key()
    replicas = [make_issuer(db_url, key), make_issuer(db_url, key)]
    offers = [replicas[0].create_offer(SUBJECT)["offer_id"] for _ in range(8)]
    results, errors = [], []

    def worker(i):
        try:
            issuer = replicas[i % 2]
            results.append(issuer.redeem(offers[i], pop(jws.new_private_key(), offers[i], issuer.did,
                                                        holder_commit=1000 + i)))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r["serial"] for r in results) == list(range(8))
    twin = MerkleTree(DEPTH)
    for r in results:
        twin.set(r["serial"], int(r["vc"]["credentialSubject"]["zkvctOpening"]["leaf"]))
    assert replicas[1].registry_info()["root"] == str(twin.root)


def test_offer_ids_are_safe_command_line_arguments(tmp_path):
    """An offer id goes to ``zkvct wallet accept OFFER_ID``: one that began with ``-`` was read as an
    option (bare base64url ids did, one time in 64, and failed a CI run)."""
    issuer = make_issuer(f"sqlite:///{tmp_path / 'issuer.db'}")
    ids = {issuer.create_offer(SUBJECT)["offer_id"] for _ in range(64)}
    assert len(ids) == 64
    for offer_id in ids:
        assert re.fullmatch(r"offer_[0-9a-f]{48}", offer_id), offer_id
        assert issuer.offer_info(offer_id)["offer_id"] == offer_id


def test_expired_offer_changes_nothing(db_url):
    clock = [1_800_000_000]
    issuer = make_issuer(db_url, clock=lambda: clock[0])
    offer = issuer.create_offer(SUBJECT, ttl_s=60)["offer_id"]
    clock[0] += 61
    holder = jws.new_private_key()
    with pytest.raises(IssuerError) as err:
        issuer.redeem(offer, pop(holder, offer, issuer.did, now=clock[0]))
    assert (err.value.status, err.value.code) == (410, "offer_expired")
    assert issuer.registry_info()["issued"] == 0
    assert issuer.offer_info(offer)["redeemed"] is False


def test_revoking_the_newest_credential_reanchors_the_earlier_root(db_url):
    """Revoking the newest credential returns the tree to the root it had before that credential;
    the retiring anchor of that (once seen) root must still be sent, or the revoked credential's
    root stays acceptable."""
    issuer = make_issuer(db_url)
    sink = RecordingSink()
    issue(issuer)
    before = issuer.close_epoch()["root"]
    newest = issue(issuer)
    issuer.close_epoch()
    Anchorer(issuer.engine, issuer.did, sink).drain()
    issuer.revoke(newest["serial"])
    Anchorer(issuer.engine, issuer.did, sink).drain()
    assert sink.anchored[-1] == (before, True)
