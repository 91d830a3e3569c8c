"""Issue 13: one test per reported problem of the ceremony coordinator, over real HTTP.

Each test reproduces the report against the service and checks it is refused now:
ceremony rules (minimum contributors, verified phase 1), resource exhaustion (Content-Length,
uploads before authentication, socket timeouts, thread cap, status write locks), queue flooding
(admission, turn limits, rejoin after timeout), and signed-request binding and strict parsing.
"""
from __future__ import annotations

import hashlib
import json
import socket
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest

from ceremony import phase1
from ceremony.coordinator import signing
from ceremony.coordinator.client import Client, CoordinatorError
from ceremony.coordinator.core import CeremonyRejected, Coordinator, TrackSpec
from ceremony.coordinator.policy import CeremonyPolicy, PolicyError
from ceremony.coordinator.server import RunningServer
from ceremony.coordinator.transcript_verify import TranscriptMismatch, verify_published


class Clock:
    def __init__(self) -> None:
        self.t = time.time()

    def __call__(self) -> float:
        return self.t


@pytest.fixture(scope="module")
def start_ptau(tmp_path_factory) -> Path:
    p = tmp_path_factory.mktemp("p1") / "start.ptau"
    phase1.new(3, p)
    return p


def make(tmp: Path, start: Path, policy: CeremonyPolicy, *, name: str = "c", invites: int = 0, extra=()) -> tuple[Coordinator, Path]:
    admin_key = tmp / "admin.key"
    admin = signing.load_key(admin_key) if admin_key.exists() else signing.new_key(admin_key)
    coord = Coordinator.init(tmp / name, "issue13", [TrackSpec("phase1", "ptau", str(start)), *extra], signing.did_of(admin),
                             policy, invites=invites)
    codes = coord.new_invites
    coord.close()
    return codes, tmp / name


def open_policy(**kw) -> CeremonyPolicy:
    return CeremonyPolicy(open_registration=True, turn_timeout=kw.pop("turn_timeout", 60), **kw)


@pytest.fixture
def served(tmp_path, start_ptau):
    _, root = make(tmp_path, start_ptau, open_policy())
    clock = Clock()
    srv = RunningServer(root, clock=clock)
    srv.clock = clock
    yield srv
    srv.stop()


def person(srv, tmp: Path, name: str, invite: str | None = None) -> Client:
    return Client(srv.url, signing.new_key(tmp / f"{name}.key"), invite=invite)


def admin_of(srv, tmp: Path) -> Client:
    return Client(srv.url, signing.load_key(tmp / "admin.key"))


def raw(url: str, data: bytes, wait: float = 10.0) -> bytes:
    host, port = url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=wait) as s:
        s.sendall(data)
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
                if b"\r\n\r\n" in out:
                    break
        except OSError:
            pass
        return out


# ------------------------------------------------------------------ ceremony rules


def test_finalize_with_zero_or_one_contributor_is_refused(served, tmp_path):
    admin = admin_of(served, tmp_path)
    with pytest.raises(CoordinatorError, match="at least 2 distinct contributors.*phase1 has 0") as exc:
        admin.finalize(b"\x01" * 32, 10)
    assert exc.value.status == 409 and exc.value.code == "too_few_contributors"
    person(served, tmp_path, "one").contribute(poll=0.05)
    with pytest.raises(CoordinatorError, match="phase1 has 1"):
        admin.finalize(b"\x01" * 32, 10)
    admin.contribute(poll=0.05)  # the admin's own contribution does not count
    with pytest.raises(CoordinatorError, match="phase1 has 1"):
        admin.finalize(b"\x01" * 32, 10)
    person(served, tmp_path, "two").contribute(poll=0.05)
    assert admin.finalize(b"\x01" * 32, 10)["finalized"]
    assert verify_published(served.coord.root / "final")["tracks"]["phase1"]["contributions"] == 3


def test_minimum_can_never_be_zero():
    with pytest.raises(PolicyError, match="min_contributors must be an integer in 1..1000"):
        CeremonyPolicy(min_contributors=0, open_registration=True)


def test_verifier_refuses_a_published_ceremony_below_its_minimum(tmp_path, start_ptau):
    """A coordinator configured with min 1 publishes a one-person ceremony; verifiers still need 2."""
    _, root = make(tmp_path, start_ptau, open_policy(min_contributors=1))
    srv = RunningServer(root)
    try:
        person(srv, tmp_path, "solo").contribute(poll=0.05)
        admin_of(srv, tmp_path).finalize(b"\x03" * 32, 10)
    finally:
        srv.stop()
    with pytest.raises(TranscriptMismatch, match="1 distinct contributors besides the admin; at least 2 are required"):
        verify_published(root / "final")
    assert verify_published(root / "final", min_contributors=1)["tracks"]["phase1"]["contributions"] == 1
    # a transcript edited to claim a lower minimum changes nothing: the verifier's own minimum holds
    tx = json.loads((root / "final" / "transcript.json").read_text())
    tx["policy"]["min_contributors"] = 0
    (root / "final" / "transcript.json").write_text(json.dumps(tx))
    with pytest.raises(TranscriptMismatch, match="at least 2 are required"):
        verify_published(root / "final")


@pytest.fixture(scope="module")
def unverified_phase1(tmp_path_factory, circuit):
    """A prepared ptau with no contribution at all (tau = 1, known to everyone) and a zkey made from it."""
    from zkvct.groth16.setup import setup_files

    d = tmp_path_factory.mktemp("fake_p1")
    phase1.new(4, d / "empty.ptau")
    phase1.prepare_phase2(d / "empty.ptau", d / "fake.ptau")
    setup_files(str(circuit["r1cs"]), str(d / "fake.ptau"), str(d / "fake0.zkey"))
    return {"ptau": d / "fake.ptau", "zkey": d / "fake0.zkey", "r1cs": circuit["r1cs"]}


def test_phase2_track_needs_a_verified_phase1(tmp_path, start_ptau, unverified_phase1, circuit):
    fake = unverified_phase1
    track = TrackSpec("mult", "zkey", str(fake["zkey"]), str(fake["r1cs"]), str(fake["ptau"]))
    with pytest.raises(CeremonyRejected, match="not a verified powers-of-tau transcript: .*no contributions"):
        make(tmp_path, start_ptau, open_policy(), extra=[track])
    assert not (tmp_path / "c" / "states").exists()
    # a genuine phase-1 transcript with a zkey made from another ptau is refused too
    mixed = TrackSpec("mult", "zkey", str(fake["zkey"]), str(circuit["r1cs"]), str(circuit["ptau"]))
    with pytest.raises(CeremonyRejected, match="initial zkey does not come from this circuit and phase-1 file"):
        make(tmp_path, start_ptau, open_policy(), extra=[mixed])


@pytest.fixture(scope="module")
def forged_transcript_ptau(tmp_path_factory, circuit):
    """The circuit's phase-1 file with its first contribution record forged: the points (and so
    the snarkjs-made initial zkey) are unchanged, but the transcript no longer proves anything."""
    import dataclasses

    from ceremony_helpers import with_contributions

    d = tmp_path_factory.mktemp("forged_p1")

    def forge(contribs):
        contribs[0] = dataclasses.replace(contribs[0], tau_g1=contribs[1].tau_g1)

    return with_contributions(circuit["ptau"], d / "forged.ptau", forge)


def test_phase2_track_refuses_a_forged_phase1_transcript(tmp_path, start_ptau, forged_transcript_ptau, circuit):
    track = TrackSpec("mult", "zkey", str(circuit["k0"]), str(circuit["r1cs"]), str(forged_transcript_ptau))
    with pytest.raises(CeremonyRejected, match="not a verified powers-of-tau transcript"):
        make(tmp_path, start_ptau, open_policy(), extra=[track])


def test_verifier_refuses_phase2_on_an_unverified_phase1(tmp_path, start_ptau, forged_transcript_ptau, circuit, monkeypatch):
    """What the old coordinator published (admin-supplied ptau, never checked) no longer verifies."""
    from ceremony.coordinator import core

    monkeypatch.setattr(core, "verified_phase1", lambda p, label: {"unchecked": True})  # the old, trusting init
    _, root = make(tmp_path, start_ptau, open_policy(),
                   extra=[TrackSpec("mult", "zkey", str(circuit["k0"]), str(circuit["r1cs"]), str(forged_transcript_ptau))])
    monkeypatch.undo()
    srv = RunningServer(root)
    try:
        for who in ("a", "b"):
            person(srv, tmp_path, who).contribute(poll=0.05)
        admin_of(srv, tmp_path).finalize(b"\x04" * 32, 10)
    finally:
        srv.stop()
    with pytest.raises(TranscriptMismatch, match="track mult: its phase-1 file is not a verified transcript"):
        verify_published(root / "final")


# ------------------------------------------------------------------ resource exhaustion


@pytest.mark.parametrize("length", [b"-1", b"-0", b"1e9", b"0x10", b" 12 34", b"18446744073709551617"])
def test_bad_content_length_is_refused_before_reading(served, length):
    resp = raw(served.url, b"POST /api/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + length + b"\r\n\r\n" + b"x" * 100)
    status = int(resp.split(b" ")[1])
    assert 400 <= status < 500, resp[:100]


def test_upload_is_authenticated_before_a_byte_is_stored(served, tmp_path):
    """Old code: the body was written to uploads/ (up to the size limit) and only then was the signature checked."""
    c = person(served, tmp_path, "turn")
    c.register()
    c.join()
    uploads = served.coord.root / "uploads"
    seen: list[int] = []
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            seen.append(len(list(uploads.iterdir())))
            time.sleep(0.001)

    w = threading.Thread(target=watch)
    w.start()
    try:
        forged = c.signed_headers("POST", "/api/contribute/phase1", "ab" * 32)
        forged["X-Zkvct-Signature"] = "11" * 64
        size = served.coord.state_path("phase1").stat().st_size
        head = "".join(f"{k}: {v}\r\n" for k, v in forged.items())
        t0 = time.time()
        resp = raw(served.url, (f"POST /api/contribute/phase1 HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}"
                                f"X-Zkvct-Contribution-Hash: {'00' * 64}\r\nX-Zkvct-Attestation: {'00' * 64}\r\n"
                                f"Content-Length: {size}\r\n\r\n").encode() + b"\0" * 4096)
        assert resp.startswith(b"HTTP/1.1 401") and time.time() - t0 < 5  # answered without waiting for the body
    finally:
        stop.set()
        w.join()
    assert max(seen) == 0 and not list(uploads.iterdir())


def test_unauthenticated_oversized_or_endless_body_costs_nothing(served):
    big = b"POST /api/register HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 10000000000\r\n\r\n"
    assert raw(served.url, big).startswith(b"HTTP/1.1 413")
    # chunked with no end: counted while streaming, refused at the small-body limit
    host, port = served.url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=20) as s:
        s.sendall(b"POST /api/finalize HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
        try:
            for _ in range(200):
                s.sendall(b"4000\r\n" + b"a" * 0x4000 + b"\r\n")
        except OSError:
            pass
        assert s.recv(100).startswith(b"HTTP/1.1 4")


def test_stalled_connections_time_out_and_threads_stay_bounded(served):
    """Old code: no socket timeout and one thread per connection."""
    host, port = served.url.split("//")[1].split(":")
    before = threading.active_count()
    socks = [socket.create_connection((host, int(port)), timeout=30) for _ in range(100)]
    for i, s in enumerate(socks):
        s.sendall(b"GET /api/sta" if i % 2 else b"POST /api/join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 50\r\n\r\n{")
    time.sleep(0.5)
    assert threading.active_count() - before <= 10
    assert httpx.get(served.url + "/api/status", timeout=10).status_code == 200
    t0 = time.time()
    for s in socks:
        s.settimeout(max(0.5, 40 - (time.time() - t0)))
        try:
            while s.recv(4096):
                pass
        except OSError:
            pass
        s.close()
    assert time.time() - t0 < 40  # every stalled connection was answered or closed by the server


def test_status_takes_no_write_lock(served, tmp_path):
    """Old code: every GET /api/status ran BEGIN IMMEDIATE (and an fsync'd commit)."""
    c = person(served, tmp_path, "poller")
    c.register()
    c.join()
    db = sqlite3.connect(served.coord.root / "ceremony.db", isolation_level=None, timeout=0.1)
    db.execute("BEGIN IMMEDIATE")  # another writer holds the write lock
    try:
        t0 = time.time()
        for _ in range(5):
            r = httpx.get(served.url + "/api/status", params={"did": c.did}, timeout=10)
            assert r.status_code == 200 and r.json()["your_turn"]
        assert time.time() - t0 < 2
    finally:
        db.execute("ROLLBACK")
        db.close()


# ------------------------------------------------------------------ queue flooding


def test_fresh_dids_cannot_flood_the_queue(tmp_path, start_ptau):
    allowed = [signing.new_key(tmp_path / f"ok{i}.key") for i in range(2)]
    _, root = make(tmp_path, start_ptau, CeremonyPolicy(allow=tuple(signing.did_of(k) for k in allowed)))
    srv = RunningServer(root)
    try:
        for i in range(20):
            flood = person(srv, tmp_path, f"flood{i}")
            with pytest.raises(CoordinatorError, match="registration refused: participants must be on the ceremony's allow-list") as exc:
                flood.register()
            assert exc.value.status == 403
            with pytest.raises(CoordinatorError, match="not registered"):
                flood.join()
        assert httpx.get(srv.url + "/api/status").json()["waiting"] == 0 and httpx.get(srv.url + "/api/status").json()["active"] is None
        ok = Client(srv.url, allowed[0])
        ok.register()
        assert ok.join()["your_turn"]
    finally:
        srv.stop()


def test_invite_codes_admit_one_did_each_and_are_never_echoed(tmp_path, start_ptau):
    codes, root = make(tmp_path, start_ptau, CeremonyPolicy(invites=True), invites=2)
    srv = RunningServer(root)
    try:
        assert person(srv, tmp_path, "a", codes[0]).register()["registered"]
        with pytest.raises(CoordinatorError) as exc:
            person(srv, tmp_path, "b", codes[0]).register()  # a used code
        assert exc.value.code == "bad_invite" and codes[0] not in str(exc.value)
        with pytest.raises(CoordinatorError) as exc:
            person(srv, tmp_path, "c", "Z" * 24).register()
        assert exc.value.code == "bad_invite" and "Z" * 24 not in str(exc.value)
        with pytest.raises(CoordinatorError, match="present an invite code"):
            person(srv, tmp_path, "d").register()
        assert person(srv, tmp_path, "e", codes[1]).register()["registered"]
        stored = sqlite3.connect(root / "ceremony.db").execute("SELECT code_sha256 FROM invites").fetchall()
        assert all(code not in str(stored) for code in codes)  # only hashes are stored
    finally:
        srv.stop()


def test_timed_out_participant_cannot_rejoin_and_turns_are_limited(served, tmp_path):
    slow = person(served, tmp_path, "slow")
    slow.register()
    assert slow.join()["your_turn"]
    served.clock.t += 61
    assert slow.status()["position"] is None
    with pytest.raises(CoordinatorError, match="timed out; rejoining is not allowed") as exc:
        slow.join()
    assert exc.value.code == "timed_out"
    done = person(served, tmp_path, "done")
    done.contribute(poll=0.05)
    with pytest.raises(CoordinatorError) as exc:
        done.join()
    assert exc.value.code == "already_contributed"


def test_respelled_did_is_refused(served, tmp_path):
    c = person(served, tmp_path, "spell")
    c.did = c.did.upper().replace("DID:SHR:", "did:shr:")  # same key, another spelling
    with pytest.raises(CoordinatorError) as exc:
        c.register()
    assert exc.value.status == 400 and exc.value.code == "bad_header"


# ------------------------------------------------------------------ signed requests


def test_finalize_cannot_be_replayed_to_another_ceremony(tmp_path, start_ptau):
    _, root_a = make(tmp_path, start_ptau, open_policy(min_contributors=1), name="a")
    _, root_b = make(tmp_path, start_ptau, open_policy(min_contributors=1), name="b")
    a, b = RunningServer(root_a), RunningServer(root_b)
    try:
        for srv in (a, b):
            person(srv, tmp_path, "p" + srv.url[-5:]).contribute(poll=0.05)
        admin_a = admin_of(a, tmp_path)
        body = json.dumps({"beacon_hash": "05" * 32, "num_iterations_exp": 10}).encode()
        hdrs = admin_a.signed_headers("POST", "/api/finalize", hashlib.sha256(body).hexdigest())
        r = httpx.post(b.url + "/api/finalize", content=body, headers=hdrs, timeout=60)  # captured on A, replayed to B
        assert r.status_code == 401 and "bad signature" in r.json()["detail"]
        assert httpx.get(b.url + "/api/status").json()["finalized"] is False
        assert httpx.post(a.url + "/api/finalize", content=body, headers=hdrs, timeout=60).status_code == 200
    finally:
        a.stop()
        b.stop()


def test_signature_is_bound_to_the_endpoint(served, tmp_path):
    c = person(served, tmp_path, "ep")
    c.register()
    hdrs = c.signed_headers("POST", "/api/join", hashlib.sha256(b"").hexdigest())
    r = httpx.post(served.url + "/api/register", headers=hdrs)
    assert r.status_code == 401 and "bad signature" in r.json()["detail"]


@pytest.mark.parametrize("ts", ["nan", "NaN", "inf", "-inf", "1e10", "-5", "0x10", "1.1234567", "1_000", "", "9" * 30, "1.5e3", "\u0661\u0662"])
def test_timestamp_must_be_a_plain_decimal(served, tmp_path, ts):
    c = person(served, tmp_path, "ts")
    hdrs = c.signed_headers("POST", "/api/register", hashlib.sha256(b"").hexdigest())
    hdrs["X-Zkvct-Timestamp"] = ts
    hdrs["X-Zkvct-Signature"] = signing.sign(c.key, signing.request_message(
        c.ceremony_id, "POST", "/api/register", ts, hdrs["X-Zkvct-Nonce"], hdrs["X-Zkvct-Body-Sha256"]))
    r = httpx.post(served.url + "/api/register", headers={k: v.encode() for k, v in hdrs.items()})
    assert r.status_code in (400, 401) and "X-Zkvct-Timestamp" in r.json()["detail"]
    assert httpx.get(served.url + "/api/status", params={"did": c.did}).json()["registered"] is False


def test_stale_timestamp_refused(served, tmp_path):
    c = person(served, tmp_path, "old")
    served.clock.t += 301
    with pytest.raises(CoordinatorError, match="X-Zkvct-Timestamp is more than 300 s away"):
        c.register()


@pytest.mark.parametrize("body,needle", [
    ({"beacon_hash": "aa" * 32}, "num_iterations_exp: Field required"),
    ({"num_iterations_exp": 10}, "beacon_hash: Field required"),
    ({"beacon_hash": "aa" * 32, "num_iterations_exp": 10.5}, "num_iterations_exp"),
    ({"beacon_hash": "aa" * 32, "num_iterations_exp": "10"}, "num_iterations_exp"),
    ({"beacon_hash": "aa" * 32, "num_iterations_exp": 64}, "less than or equal to 63"),
    ({"beacon_hash": "aa" * 32, "num_iterations_exp": 9}, "greater than or equal to 10"),
    ({"beacon_hash": "aa" * 32, "num_iterations_exp": 63}, "in 10..24 (snarkjs allows 10..63"),
    ({"beacon_hash": "aa" * 32, "num_iterations_exp": 25}, "in 10..24"),
    ({"beacon_hash": "zz", "num_iterations_exp": 10}, "beacon_hash"),
    ({"beacon_hash": "a", "num_iterations_exp": 10}, "beacon_hash"),
    ({"beacon_hash": "aa" * 32, "num_iterations_exp": 10, "extra": 1}, "extra"),
    ([1, 2], "body"),
])
def test_finalize_body_is_parsed_strictly_and_quickly(served, tmp_path, body, needle):
    admin = admin_of(served, tmp_path)
    raw_body = json.dumps(body).encode()
    hdrs = admin.signed_headers("POST", "/api/finalize", hashlib.sha256(raw_body).hexdigest())
    t0 = time.time()
    r = httpx.post(served.url + "/api/finalize", content=raw_body, headers=hdrs, timeout=30)
    assert r.status_code == 400 and needle in r.json()["detail"], r.text
    assert time.time() - t0 < 5  # exponent 63 no longer hangs the coordinator
    assert httpx.get(served.url + "/api/status").json()["finalized"] is False
