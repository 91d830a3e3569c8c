"""The coordinator over real HTTP: a full ceremony, and one test per attack on the service."""
from __future__ import annotations

import json
import shutil

import pytest

from ceremony import phase1
from ceremony.coordinator import signing
from ceremony.coordinator.client import Client, CoordinatorError
from ceremony.coordinator.core import Coordinator, TrackSpec
from ceremony.coordinator.policy import CeremonyPolicy
from ceremony.coordinator.server import RunningServer
from ceremony.coordinator.transcript_verify import TranscriptMismatch, verify_published
from ceremony.records import open_transcript


class Clock:
    def __init__(self) -> None:
        import time

        self.t = time.time()

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def ceremony_dir(tmp_path, circuit):
    phase1.new(3, tmp_path / "start.ptau")
    admin = signing.new_key(tmp_path / "admin.key")
    Coordinator.init(tmp_path / "c", "unit", [
        TrackSpec("phase1", "ptau", str(tmp_path / "start.ptau")),
        TrackSpec("mult", "zkey", str(circuit["k0"]), str(circuit["r1cs"]), str(circuit["ptau"])),
    ], signing.did_of(admin), CeremonyPolicy(turn_timeout=60, open_registration=True)).close()
    return tmp_path


@pytest.fixture
def server(ceremony_dir):
    clock = Clock()
    srv = RunningServer(ceremony_dir / "c", clock=clock)
    srv.clock = clock
    yield srv
    srv.stop()


def client(srv, tmp_path, name: str) -> Client:
    return Client(srv.url, signing.new_key(tmp_path / f"{name}.key"))


def _state_bytes(srv, track: str) -> bytes:
    return srv.coord.state_path(track).read_bytes()


@pytest.mark.slow
@pytest.mark.interop
def test_full_ceremony_and_snarkjs_accepts_results(server, ceremony_dir, npm_peers, circuit) -> None:
    a, b = client(server, ceremony_dir, "a"), client(server, ceremony_dir, "b")
    ra = a.contribute(name="alice", poll=0.05)
    rb = b.contribute(name="bob", poll=0.05)
    assert {r["track"]: r["seq"] for r in ra} == {"phase1": 1, "mult": 1}
    assert {r["track"]: r["seq"] for r in rb} == {"phase1": 2, "mult": 2}
    admin = Client(server.url, signing.load_key(ceremony_dir / "admin.key"))
    tx = admin.finalize(bytes.fromhex("cd" * 32), 10)
    assert tx["finalized"] and [c["did"] for c in tx["contributions"] if c["track"] == "phase1"] == [a.did, b.did]
    fin = ceremony_dir / "c" / "final"
    rep = verify_published(fin)
    assert rep["tracks"]["phase1"]["dids"] == [a.did, b.did]
    out = npm_peers.snarkjs("powersoftau", "verify", str(fin / "phase1.ptau")).stdout
    assert "Powers of Tau Ok!" in out
    out = npm_peers.snarkjs("zkey", "verify", str(fin / "mult.r1cs"), str(fin / "mult.phase1.ptau"), str(fin / "mult.zkey")).stdout
    assert "ZKey Ok!" in out
    with pytest.raises(CoordinatorError, match="finalized"):
        client(server, ceremony_dir, "late").contribute(poll=0.05)


def _turn(srv, tmp_path, name="a"):
    c = client(srv, tmp_path, name)
    c.register()
    c.join()
    st = c.wait_turn(poll=0.05)
    return c, st


def _made_contribution(c, tmp_path, track="phase1"):
    cur = c.download(track, tmp_path / "cur.ptau")
    res = phase1.contribute(cur, tmp_path / "new.ptau")
    return tmp_path / "new.ptau", res.response_hash.hex()


def test_unsigned_upload_rejected(server, ceremony_dir) -> None:
    c, _ = _turn(server, ceremony_dir)
    path, h = _made_contribution(c, ceremony_dir)
    before = _state_bytes(server, "phase1")
    with pytest.raises(CoordinatorError, match="unsigned or incomplete request") as exc:
        c._request("POST", "/api/contribute/phase1", sign=False, body_file=path, headers={"X-Zkvct-Contribution-Hash": h})
    assert exc.value.status == 401 and _state_bytes(server, "phase1") == before


def test_wrongly_signed_upload_rejected(server, ceremony_dir) -> None:
    c, st = _turn(server, ceremony_dir)
    path, h = _made_contribution(c, ceremony_dir)
    mallory = signing.new_key(ceremony_dir / "m.key")
    forged = Client(server.url, mallory)
    forged.did = c.did  # claims to be the participant holding the turn, signs with another key
    with pytest.raises(CoordinatorError, match="bad signature") as exc:
        forged.upload("phase1", path, h, 1, st["ceremony"])
    assert exc.value.status == 401 and server.coord.track("phase1")["seq"] == 0


def test_bad_attestation_rejected(server, ceremony_dir) -> None:
    c, st = _turn(server, ceremony_dir)
    path, h = _made_contribution(c, ceremony_dir)
    with pytest.raises(CoordinatorError, match="bad attestation signature"):
        c.upload("phase1", path, h, 7, st["ceremony"])  # attests to the wrong sequence number
    assert server.coord.track("phase1")["seq"] == 0


def test_replayed_request_rejected(server, ceremony_dir) -> None:
    import hashlib

    import httpx

    c = client(server, ceremony_dir, "a")
    c.register()
    hdrs = c.signed_headers("POST", "/api/join", hashlib.sha256(b"").hexdigest())
    assert httpx.post(server.url + "/api/join", headers=hdrs).status_code == 200
    again = httpx.post(server.url + "/api/join", headers=hdrs)
    assert again.status_code == 401 and again.json()["error"] == "replayed"


def test_unregistered_participant_rejected(server, ceremony_dir) -> None:
    with pytest.raises(CoordinatorError, match="not registered") as exc:
        client(server, ceremony_dir, "x").join()
    assert exc.value.status == 403


def test_upload_out_of_turn_rejected(server, ceremony_dir) -> None:
    first, _ = _turn(server, ceremony_dir, "first")
    second = client(server, ceremony_dir, "second")
    second.register()
    st = second.join()
    assert not st["your_turn"] and st["position"] == 1
    path, h = _made_contribution(second, ceremony_dir)
    with pytest.raises(CoordinatorError, match="out of turn") as exc:
        second.upload("phase1", path, h, 1, st["ceremony"])
    assert exc.value.status == 409 and server.coord.track("phase1")["seq"] == 0


def test_invalid_contribution_rejected_state_unharmed(server, ceremony_dir) -> None:
    c, st = _turn(server, ceremony_dir)
    path, h = _made_contribution(c, ceremony_dir)
    raw = bytearray(path.read_bytes())
    with open_transcript(path) as pt:
        off = pt.binfile.sections[2][0][0] + 64 * 3
    raw[off:off + 64] = bytes(open_transcript(path).section(2)[64 * 5:64 * 6])  # a valid point in the wrong place
    path.write_bytes(bytes(raw))
    before = _state_bytes(server, "phase1")
    with pytest.raises(CoordinatorError, match="contribution rejected: .*not successive powers") as exc:
        c.upload("phase1", path, h, 1, st["ceremony"])
    assert exc.value.status == 422
    assert _state_bytes(server, "phase1") == before and server.coord.track("phase1")["seq"] == 0
    assert list((ceremony_dir / "c" / "uploads").iterdir()) == []
    # the participant keeps the turn and can still upload a good contribution
    good, gh = _made_contribution(c, ceremony_dir)
    assert c.upload("phase1", good, gh, 1, st["ceremony"])["seq"] == 1


def test_declared_hash_must_match(server, ceremony_dir) -> None:
    c, st = _turn(server, ceremony_dir)
    path, h = _made_contribution(c, ceremony_dir)
    with pytest.raises(CoordinatorError, match="declared contribution hash"):
        c.upload("phase1", path, "00" * 64, 1, st["ceremony"])


def test_history_rewrite_rejected(server, ceremony_dir) -> None:
    c, st = _turn(server, ceremony_dir)
    path, h = _made_contribution(c, ceremony_dir)
    assert c.upload("phase1", path, h, 1, st["ceremony"])["seq"] == 1
    # the next participant submits a file built on a *different* first contribution
    d, st2 = None, None
    d = client(server, ceremony_dir, "d")
    d.register()
    d.join()
    c2_path = ceremony_dir / "alt1.ptau"
    phase1.contribute(ceremony_dir / "c" / "states" / "phase1" / "0000.ptau", c2_path)
    phase1.contribute(c2_path, ceremony_dir / "alt2.ptau")
    with open_transcript(ceremony_dir / "alt2.ptau") as pt:
        h2 = pt.contributions[-1].response_hash().hex()
    # finish c's turn (mult track) so that d gets the turn
    cur = c.download("mult", ceremony_dir / "m.zkey")
    from ceremony import phase2

    r = phase2.contribute(cur, ceremony_dir / "m1.zkey")
    c.upload("mult", ceremony_dir / "m1.zkey", r.contribution_hash.hex(), 1, st["ceremony"])
    st2 = d.wait_turn(poll=0.05)
    with pytest.raises(CoordinatorError, match="earlier contribution #1 was altered"):
        d.upload("phase1", ceremony_dir / "alt2.ptau", h2, 2, st2["ceremony"])


def test_stalled_contributor_times_out(server, ceremony_dir) -> None:
    slow, st = _turn(server, ceremony_dir, "slow")
    nxt = client(server, ceremony_dir, "next")
    nxt.register()
    assert not nxt.join()["your_turn"]
    path, h = _made_contribution(slow, ceremony_dir)
    server.clock.t += 61  # the 60 s turn passes
    assert nxt.status()["your_turn"]
    with pytest.raises(CoordinatorError, match="out of turn"):
        slow.upload("phase1", path, h, 1, st["ceremony"])
    assert slow.status()["position"] is None
    with pytest.raises(CoordinatorError, match="timed out; rejoining is not allowed"):
        slow.join()


def test_one_turn_per_participant(server, ceremony_dir) -> None:
    c = client(server, ceremony_dir, "once")
    first = c.contribute(poll=0.05)
    again = c.contribute(poll=0.05)  # a retry after a lost receipt: nothing new, the recorded receipts
    assert {(r["track"], r["seq"], r["contribution_hash"]) for r in first} == {(r["track"], r["seq"], r["contribution_hash"]) for r in again}
    assert all(r["recovered"] for r in again) and server.coord.track("phase1")["seq"] == 1
    with pytest.raises(CoordinatorError, match="already contributed"):
        c.join()


def test_only_admin_finalizes(server, ceremony_dir) -> None:
    with pytest.raises(CoordinatorError, match="only the ceremony's admin") as exc:
        client(server, ceremony_dir, "a").finalize(b"\x01" * 32, 10)
    assert exc.value.status == 403


def test_tampered_published_transcript_rejected(server, ceremony_dir) -> None:
    client(server, ceremony_dir, "a").contribute(poll=0.05)
    client(server, ceremony_dir, "b").contribute(poll=0.05)
    Client(server.url, signing.load_key(ceremony_dir / "admin.key")).finalize(b"\x02" * 32, 10)
    fin = ceremony_dir / "c" / "final"
    bad = ceremony_dir / "bad"
    shutil.copytree(fin, bad)
    tx = json.loads((bad / "transcript.json").read_text())
    other = signing.did_of(signing.new_key(ceremony_dir / "o.key"))
    tx["contributions"][0]["did"] = other  # claim someone else's contribution
    (bad / "transcript.json").write_text(json.dumps(tx))
    with pytest.raises(TranscriptMismatch, match="attestation is not a valid signature"):
        verify_published(bad)
    tx["contributions"][0]["did"] = json.loads((fin / "transcript.json").read_text())["contributions"][0]["did"]
    tx["contributions"] = tx["contributions"][:-1]  # drop the last contribution from the record
    (bad / "transcript.json").write_text(json.dumps(tx))
    with pytest.raises(TranscriptMismatch, match="at least 2 are required"):
        verify_published(bad, min_contributors=1)  # the ceremony's published minimum still applies
    tx = json.loads((fin / "transcript.json").read_text())
    tx["beacon"]["tracks"]["phase1"]["beacon_hash"] = "00" * 64  # announce another final contribution
    (bad / "transcript.json").write_text(json.dumps(tx))
    with pytest.raises(TranscriptMismatch, match="do not match the transcript"):
        verify_published(bad)


def test_zkey_track_set_up_by_the_coordinator_and_uploads_checked_against_its_kept_key(tmp_path, circuit) -> None:
    """No starting key given: the coordinator runs the setup; every upload is then checked
    against the initial key it kept, not a fresh setup per upload (a wrong kept key fails it)."""
    from ceremony import phase2
    from ceremony.coordinator.verify_upload import UploadInvalid, initial_key_file, verify_extension

    admin = signing.new_key(tmp_path / "admin.key")
    root = tmp_path / "c"
    coord = Coordinator.init(root, "unit", [TrackSpec("mult", "zkey", None, str(circuit["r1cs"]), str(circuit["ptau"]))],
                             signing.did_of(admin), CeremonyPolicy(turn_timeout=60, open_registration=True))
    tr = coord.track("mult")
    coord.close()
    start, kept = root / tr["state_file"], root / initial_key_file("mult")
    assert phase2.verify(start, circuit["r1cs"], circuit["ptau"])["contributions"] == []
    assert kept.read_bytes() == start.read_bytes()
    upload = tmp_path / "up.zkey"
    made = phase2.contribute(start, upload, name="u")
    assert verify_extension(tr, root, upload) == made.contribution_hash.hex()
    phase2.contribute(start, kept)  # the reference replaced by a key with another delta
    with pytest.raises(UploadInvalid, match="section C"):
        verify_extension(tr, root, upload)


def test_phase1_checks_verify_each_distinct_file_once(tmp_path, circuit, monkeypatch) -> None:
    """Several published directories share a phase-1 file: one check per distinct content, and a
    copy that differs is verified on its own (and fails)."""
    from ceremony import phase1_verify
    from ceremony.coordinator.transcript_verify import Phase1Checks

    calls = []
    real = phase1_verify.verify
    monkeypatch.setattr(phase1_verify, "verify", lambda p, *a, **k: calls.append(p) or real(p, *a, **k))
    ptau = tmp_path / "a.ptau"
    shutil.copyfile(circuit["ptau"], ptau)
    shutil.copyfile(circuit["ptau"], tmp_path / "b.ptau")
    checks = Phase1Checks()
    assert checks.verify(ptau) is checks.verify(tmp_path / "b.ptau")
    assert len(calls) == 1
    data = bytearray(ptau.read_bytes())
    data[-1] ^= 1
    (tmp_path / "c.ptau").write_bytes(bytes(data))
    from zkvct.errors import ZkvctError

    with pytest.raises(ZkvctError):
        checks.verify(tmp_path / "c.ptau")
    assert len(calls) == 2


def test_zkey_track_init_with_a_tampered_phase1_file_keeps_nothing(tmp_path, circuit) -> None:
    """The phase-1 check and the setup run side by side at init: a phase-1 file that fails its
    verification is refused with the verification's reason, and the setup's output is not kept."""
    from ceremony.coordinator.core import CeremonyRejected
    from ceremony.coordinator.verify_upload import initial_key_file

    admin = signing.new_key(tmp_path / "admin.key")
    import struct

    data = bytearray(circuit["ptau"].read_bytes())
    pos, n_sections = 12, struct.unpack_from("<I", data, 8)[0]
    for _ in range(n_sections):  # the container: (type u32, size u64, bytes) per section
        kind, size = struct.unpack_from("<IQ", data, pos)
        if kind == 12:
            break
        pos += 12 + size
    assert kind == 12
    data[pos + 12 + 64] ^= 1  # the second Lagrange point of section 12
    bad = tmp_path / "bad.ptau"
    bad.write_bytes(bytes(data))
    root = tmp_path / "c"
    with pytest.raises(CeremonyRejected, match="not a verified powers-of-tau transcript") as exc:
        Coordinator.init(root, "unit", [TrackSpec("mult", "zkey", None, str(circuit["r1cs"]), str(bad))],
                         signing.did_of(admin), CeremonyPolicy(turn_timeout=60, open_registration=True))
    assert exc.value.status == 400
    assert not (root / (initial_key_file("mult") + ".tmp")).exists()
    assert not (root / initial_key_file("mult")).exists() and not (root / "ceremony.db").exists()


def test_receipts_and_finalize_report_the_coordinators_work(server, ceremony_dir) -> None:
    """Each receipt says how long the coordinator's check of that upload took, and finalize how
    long each track's beacon (and phase 1's preparation for phase 2) took: the demo's timeline
    shows where the ceremony's time goes from these."""
    receipts = client(server, ceremony_dir, "a").contribute(poll=0.05)
    assert {r["track"] for r in receipts} == {"phase1", "mult"}
    assert all(isinstance(r["verify_seconds"], float) and r["verify_seconds"] > 0 for r in receipts)
    client(server, ceremony_dir, "b").contribute(poll=0.05)
    out = Client(server.url, signing.load_key(ceremony_dir / "admin.key")).finalize(b"\x03" * 32, 10)
    work = out["work_seconds"]
    assert set(work) == {"phase1", "mult"}
    assert set(work["phase1"]) == {"beacon", "prepare_phase2"} and set(work["mult"]) == {"beacon"}
    assert all(v > 0 for w in work.values() for v in w.values())
    assert "work_seconds" not in json.loads((ceremony_dir / "c" / "final" / "transcript.json").read_text())


def test_phase1_checks_side_by_side_verify_a_shared_file_once(tmp_path, circuit, monkeypatch) -> None:
    """`ceremony verify` checks its directories side by side: two threads asking for the same
    phase-1 content run one verification, the second waits for its report."""
    import threading
    import time

    from ceremony import phase1_verify
    from ceremony.coordinator.transcript_verify import Phase1Checks

    calls, real = [], phase1_verify.verify

    def slow(p, *a, **k):  # holds the check open long enough for the other thread to ask
        calls.append(p)
        time.sleep(0.3)
        return real(p, *a, **k)

    monkeypatch.setattr(phase1_verify, "verify", slow)
    shutil.copyfile(circuit["ptau"], tmp_path / "a.ptau")
    shutil.copyfile(circuit["ptau"], tmp_path / "b.ptau")
    checks, got = Phase1Checks(), {}
    threads = [threading.Thread(target=lambda n=n: got.__setitem__(n, checks.verify(tmp_path / f"{n}.ptau"))) for n in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and got["a"] is got["b"]


def test_verify_command_checks_directories_side_by_side_and_reports_the_first_failure(server, ceremony_dir) -> None:
    """Several published directories in one `ceremony verify`: all pass together; when some fail,
    the first failing one in the order given is reported (not whichever thread ended first)."""
    from click.testing import CliRunner

    from zkvct.cli.main import main

    client(server, ceremony_dir, "a").contribute(poll=0.05)
    client(server, ceremony_dir, "b").contribute(poll=0.05)
    Client(server.url, signing.load_key(ceremony_dir / "admin.key")).finalize(b"\x04" * 32, 10)
    fin = ceremony_dir / "c" / "final"
    copies = {}
    for n in ("x", "y"):
        copies[n] = ceremony_dir / n
        shutil.copytree(fin, copies[n])

    def verify(*dirs) -> tuple[int, dict]:
        res = CliRunner().invoke(main, ["ceremony", "verify", *map(str, dirs), "--json"], catch_exceptions=False)
        return res.exit_code, json.loads(res.stdout or res.stderr)

    code, out = verify(fin, copies["x"])
    assert code == 0 and [r["directory"] for r in out["ceremonies"]] == [str(fin), str(copies["x"])]
    assert all(set(r["tracks"]) == {"phase1", "mult"} for r in out["ceremonies"])
    for n in ("x", "y"):  # a different beacon announced in each copy's transcript
        tx = json.loads((copies[n] / "transcript.json").read_text())
        tx["beacon"]["hash"] = "05" * 32
        (copies[n] / "transcript.json").write_text(json.dumps(tx))
    code, out = verify(fin, copies["y"], copies["x"])
    assert code != 0 and out["directory"] == str(copies["y"]) and "announced beacon" in out["reason"]
