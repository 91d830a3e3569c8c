"""The coordinator's state machine: participants, the turn queue, accepted contributions.

Everything durable lives in one directory::

    ceremony.db            SQLite (WAL, synchronous=FULL): the source of truth
    states/<track>/NNNN.*  every accepted state, written once, named by sequence number
    uploads/               uploads being verified (temporary; wiped at start-up)
    inputs/                r1cs and phase-1 ptau needed to verify phase-2 tracks
    final/                 published after finalization: final keys + transcript.json

Crash safety (SIGKILL at any instant): an upload is written under ``uploads/`` and verified there;
only then is it renamed to its final ``states/`` name (atomic) and the database row that makes it
the current state is committed in one transaction. A crash before the commit leaves at most an
unreferenced file, which :meth:`Coordinator.recover` deletes at start-up; a crash after it has
lost nothing. The client's receipt is sent only after the commit, so an accepted contribution is
never lost. Finalization publishes with atomic renames and commits the "finalized" flag last, so
it is simply redone after a crash.

One track is one file being built: a phase-1 ``.ptau`` or a circuit's phase-2 ``.zkey``. A turn
covers every track: the participant at the head of the queue uploads one contribution per track.
A turn that is not finished by its deadline times out and passes to the next participant.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from zkvct.errors import ZkvctError

from . import signing

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS participants (did TEXT PRIMARY KEY, pubkey TEXT NOT NULL, registered_at REAL NOT NULL);
CREATE TABLE IF NOT EXISTS queue (
    id INTEGER PRIMARY KEY AUTOINCREMENT, did TEXT NOT NULL REFERENCES participants(did),
    joined_at REAL NOT NULL, status TEXT NOT NULL CHECK (status IN ('waiting', 'active', 'done', 'timed_out')),
    started_at REAL, deadline REAL);
CREATE TABLE IF NOT EXISTS tracks (
    name TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('ptau', 'zkey')), seq INTEGER NOT NULL,
    state_file TEXT NOT NULL, r1cs TEXT, ptau TEXT);
CREATE TABLE IF NOT EXISTS contributions (
    track TEXT NOT NULL REFERENCES tracks(name), seq INTEGER NOT NULL, queue_id INTEGER NOT NULL,
    did TEXT NOT NULL, contribution_hash TEXT NOT NULL, attestation TEXT NOT NULL, state_file TEXT NOT NULL,
    accepted_at REAL NOT NULL, PRIMARY KEY (track, seq));
CREATE TABLE IF NOT EXISTS nonces (did TEXT NOT NULL, nonce TEXT NOT NULL, ts REAL NOT NULL, PRIMARY KEY (did, nonce));
"""

EXT = {"ptau": ".ptau", "zkey": ".zkey"}


class CeremonyRejected(ZkvctError):
    """A request is refused; ``status`` is the HTTP status, the message says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


@dataclass
class TrackSpec:
    name: str
    kind: str  # "ptau" or "zkey"
    initial: str  # path of the starting file
    r1cs: str | None = None  # zkey tracks: circuit
    ptau: str | None = None  # zkey tracks: prepared phase-1 file


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _atomic_copy(src: Path, dst: Path) -> None:
    tmp = dst.with_name(dst.name + ".tmp")
    shutil.copyfile(src, tmp)
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dst)
    _fsync_dir(dst.parent)


class Coordinator:
    """All coordinator operations; thread-safe (one lock serialises state changes)."""

    def __init__(self, root: str | Path, *, turn_timeout: float | None = None, clock=time.time):
        self.root = Path(root)
        if not (self.root / "ceremony.db").exists():
            raise CeremonyRejected(500, f"{self.root} is not a ceremony directory (run `zkvct ceremony init` first)")
        self.clock = clock
        self.lock = threading.RLock()
        self.db = sqlite3.connect(self.root / "ceremony.db", check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.execute("PRAGMA foreign_keys=ON")
        self.ceremony = self._meta("ceremony")
        self.admin_did = self._meta("admin_did")
        self.turn_timeout = float(turn_timeout if turn_timeout is not None else self._meta("turn_timeout"))
        self.recover()

    # ---------------------------------------------------------------- setup

    @staticmethod
    def init(root: str | Path, name: str, tracks: list[TrackSpec], admin_did: str, turn_timeout: float = 3600.0) -> "Coordinator":
        """Create a ceremony directory with its initial states (refuses to overwrite one)."""
        root = Path(root)
        if (root / "ceremony.db").exists():
            raise CeremonyRejected(409, f"{root} already holds a ceremony")
        signing.pubkey_of_did(admin_did)
        if not tracks:
            raise CeremonyRejected(400, "a ceremony needs at least one track (a .ptau or a circuit's .zkey)")
        for sub in ("states", "uploads", "inputs", "final"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(root / "ceremony.db.tmp", isolation_level=None)
        db.executescript(SCHEMA)
        db.execute("BEGIN")
        for k, v in (("ceremony", name), ("admin_did", admin_did), ("turn_timeout", str(turn_timeout)), ("finalized", "0")):
            db.execute("INSERT INTO meta VALUES (?, ?)", (k, v))
        for t in tracks:
            if t.kind not in EXT or not t.name.isidentifier():
                raise CeremonyRejected(400, f"track {t.name!r}: kind must be ptau or zkey and the name an identifier")
            (root / "states" / t.name).mkdir(exist_ok=True)
            state = root / "states" / t.name / f"0000{EXT[t.kind]}"
            _atomic_copy(Path(t.initial), state)
            r1cs = ptau = None
            if t.kind == "zkey":
                if not (t.r1cs and t.ptau):
                    raise CeremonyRejected(400, f"track {t.name}: a zkey track needs its .r1cs and prepared .ptau")
                r1cs, ptau = f"inputs/{t.name}.r1cs", f"inputs/{t.name}.ptau"
                _atomic_copy(Path(t.r1cs), root / r1cs)
                _atomic_copy(Path(t.ptau), root / ptau)
            db.execute("INSERT INTO tracks VALUES (?, ?, 0, ?, ?, ?)", (t.name, t.kind, str(state.relative_to(root)), r1cs, ptau))
        db.execute("COMMIT")
        db.close()
        os.replace(root / "ceremony.db.tmp", root / "ceremony.db")
        _fsync_dir(root)
        return Coordinator(root)

    def _meta(self, key: str) -> str:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise CeremonyRejected(500, f"ceremony database lacks {key}")
        return row[0]

    def recover(self) -> list[str]:
        """Drop what a crash may have left: uploads in flight and unreferenced state files."""
        removed = []
        with self.lock:
            for f in (self.root / "uploads").iterdir():
                f.unlink()
                removed.append(str(f))
            referenced = {r[0] for r in self.db.execute("SELECT state_file FROM contributions")}
            referenced |= {r[0] for r in self.db.execute("SELECT state_file FROM tracks")}
            for f in (self.root / "states").rglob("*"):
                if f.is_file() and str(f.relative_to(self.root)) not in referenced and not f.name.startswith("0000"):
                    f.unlink()
                    removed.append(str(f))
            for f in (self.root / "final").glob("*.tmp"):
                f.unlink()
                removed.append(str(f))
            if self._meta("finalized") == "1" and not (self.root / "final" / "transcript.json").exists():
                self._publish_transcript()  # crashed between the commit and the publication
        return removed

    # ---------------------------------------------------------------- authentication

    def authenticate(self, did: str, method: str, path: str, timestamp: str, nonce: str, body_sha256: str, signature: str,
                     *, must_be_registered: bool = True) -> None:
        """Check a signed request; raise :class:`CeremonyRejected` (401/403) naming the problem."""
        if not (did and timestamp and nonce and signature):
            raise CeremonyRejected(401, "unsigned request: X-Zkvct-Did, -Timestamp, -Nonce and -Signature headers are required")
        try:
            pubkey = signing.pubkey_of_did(did)
        except ValueError as exc:
            raise CeremonyRejected(401, f"bad DID: {exc}") from exc
        try:
            ts = float(timestamp)
        except ValueError as exc:
            raise CeremonyRejected(401, "timestamp must be seconds since the epoch") from exc
        if abs(self.clock() - ts) > 300:
            raise CeremonyRejected(401, "request timestamp is more than 5 minutes away from the coordinator's clock")
        if not signing.verify(pubkey, signing.request_message(method, path, timestamp, nonce, body_sha256), signature):
            raise CeremonyRejected(401, "bad signature: the request is not signed by the key of " + did)
        with self.lock:
            if must_be_registered and self.db.execute("SELECT 1 FROM participants WHERE did = ?", (did,)).fetchone() is None:
                raise CeremonyRejected(403, f"{did} is not registered")
            try:
                self.db.execute("INSERT INTO nonces VALUES (?, ?, ?)", (did, nonce, ts))
            except sqlite3.IntegrityError as exc:
                raise CeremonyRejected(401, "replayed request: this nonce was already used") from exc
            self.db.execute("DELETE FROM nonces WHERE ts < ?", (self.clock() - 900,))

    # ---------------------------------------------------------------- participants and queue

    def register(self, did: str) -> dict:
        with self.lock:
            pub = signing.pubkey_of_did(did).hex()
            self.db.execute("INSERT OR IGNORE INTO participants VALUES (?, ?, ?)", (did, pub, self.clock()))
            return {"did": did, "registered": True}

    def join(self, did: str) -> dict:
        with self.lock:
            self._require_open()
            if self.db.execute("SELECT 1 FROM queue WHERE did = ? AND status = 'done'", (did,)).fetchone():
                raise CeremonyRejected(409, f"{did} already contributed; one turn per participant")
            row = self.db.execute("SELECT id FROM queue WHERE did = ? AND status IN ('waiting', 'active')", (did,)).fetchone()
            if row is None:
                self.db.execute("INSERT INTO queue (did, joined_at, status) VALUES (?, ?, 'waiting')", (did, self.clock()))
            self.advance()
            return self.status(did)

    def advance(self) -> None:
        """Time out a stalled turn and hand the turn to the next waiting participant."""
        with self.lock:
            now = self.clock()
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.execute("UPDATE queue SET status = 'timed_out' WHERE status = 'active' AND deadline < ?", (now,))
                if self.db.execute("SELECT 1 FROM queue WHERE status = 'active'").fetchone() is None and self._meta("finalized") == "0":
                    nxt = self.db.execute("SELECT id FROM queue WHERE status = 'waiting' ORDER BY id LIMIT 1").fetchone()
                    if nxt is not None:
                        self.db.execute("UPDATE queue SET status = 'active', started_at = ?, deadline = ? WHERE id = ?",
                                        (now, now + self.turn_timeout, nxt[0]))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise

    def status(self, did: str | None = None) -> dict:
        with self.lock:
            self.advance()
            active = self.db.execute("SELECT id, did, deadline FROM queue WHERE status = 'active'").fetchone()
            waiting = [r[0] for r in self.db.execute("SELECT did FROM queue WHERE status = 'waiting' ORDER BY id")]
            tracks = [{"name": n, "kind": k, "seq": s} for n, k, s in self.db.execute("SELECT name, kind, seq FROM tracks ORDER BY name")]
            out = {"ceremony": self.ceremony, "finalized": self._meta("finalized") == "1", "tracks": tracks,
                   "active": {"did": active[1], "deadline": active[2]} if active else None, "waiting": len(waiting)}
            if did is not None:
                out["your_turn"] = bool(active and active[1] == did)
                out["position"] = waiting.index(did) + 1 if did in waiting else (0 if out["your_turn"] else None)
                if out["your_turn"]:
                    done = {r[0] for r in self.db.execute("SELECT track FROM contributions WHERE queue_id = ?", (active[0],))}
                    out["pending_tracks"] = [t["name"] for t in tracks if t["name"] not in done]
            return out

    def _require_open(self) -> None:
        if self._meta("finalized") == "1":
            raise CeremonyRejected(409, "the ceremony is finalized; no more contributions")

    # ---------------------------------------------------------------- states and uploads

    def track(self, name: str) -> dict:
        row = self.db.execute("SELECT name, kind, seq, state_file, r1cs, ptau FROM tracks WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise CeremonyRejected(404, f"no track named {name!r}")
        return dict(zip(("name", "kind", "seq", "state_file", "r1cs", "ptau"), row))

    def state_path(self, name: str) -> Path:
        with self.lock:
            return self.root / self.track(name)["state_file"]

    def accept_upload(self, did: str, track_name: str, body_path: Path, contribution_hash: str, attestation: str) -> dict:
        """Verify an uploaded contribution and make it the track's current state (all or nothing)."""
        from .verify_upload import UploadInvalid, verify_extension

        with self.lock:
            self._require_open()
            self.advance()
            active = self.db.execute("SELECT id, did FROM queue WHERE status = 'active'").fetchone()
            if active is None or active[1] != did:
                raise CeremonyRejected(409, "upload out of turn: it is not your turn" + (f" (current: {active[1]})" if active else ""))
            tr = self.track(track_name)
            if self.db.execute("SELECT 1 FROM contributions WHERE queue_id = ? AND track = ?", (active[0], track_name)).fetchone():
                raise CeremonyRejected(409, f"you already contributed to track {track_name} in this turn")
            try:
                got_hash = verify_extension(tr, self.root, body_path)
            except UploadInvalid as exc:
                raise CeremonyRejected(422, f"contribution rejected: {exc}") from exc
            if got_hash != contribution_hash:
                raise CeremonyRejected(422, "contribution rejected: the declared contribution hash is not the one in the uploaded file")
            seq = tr["seq"] + 1
            msg = signing.attestation_message(self.ceremony, track_name, seq, contribution_hash, did)
            if not signing.verify(signing.pubkey_of_did(did), msg, attestation):
                raise CeremonyRejected(401, "bad attestation signature: it must sign the contribution statement for this track and sequence")
            final = self.root / "states" / track_name / f"{seq:04d}{EXT[tr['kind']]}"
            os.replace(body_path, final)
            _fsync_dir(final.parent)
            rel = str(final.relative_to(self.root))
            self.db.execute("BEGIN IMMEDIATE")
            try:
                self.db.execute("INSERT INTO contributions VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                                (track_name, seq, active[0], did, contribution_hash, attestation, rel, self.clock()))
                self.db.execute("UPDATE tracks SET seq = ?, state_file = ? WHERE name = ?", (seq, rel, track_name))
                n_tracks = self.db.execute("SELECT COUNT(*) FROM tracks").fetchone()[0]
                n_done = self.db.execute("SELECT COUNT(*) FROM contributions WHERE queue_id = ?", (active[0],)).fetchone()[0]
                if n_done == n_tracks:
                    self.db.execute("UPDATE queue SET status = 'done' WHERE id = ?", (active[0],))
                self.db.execute("COMMIT")
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.advance()
            return {"track": track_name, "seq": seq, "contribution_hash": contribution_hash, "accepted": True}

    # ---------------------------------------------------------------- transcript and finalization

    def transcript(self) -> dict:
        with self.lock:
            rows = self.db.execute("SELECT track, seq, did, contribution_hash, attestation, accepted_at FROM contributions ORDER BY track, seq")
            contribs = [dict(zip(("track", "seq", "did", "contribution_hash", "attestation", "accepted_at"), r)) for r in rows]
            tracks = [self.track(r[0]) for r in self.db.execute("SELECT name FROM tracks ORDER BY name")]
            out = {"ceremony": self.ceremony, "finalized": self._meta("finalized") == "1", "contributions": contribs,
                   "tracks": [{"name": t["name"], "kind": t["kind"], "seq": t["seq"]} for t in tracks]}
            if out["finalized"]:
                out["beacon"] = json.loads(self._meta("beacon"))
            return out

    def finalize(self, beacon_hash: bytes, num_iterations_exp: int) -> dict:
        """Apply the beacon to every track and publish final files and transcript.json."""
        from .. import phase1, phase2

        with self.lock:
            self._require_open()
            fin = self.root / "final"
            beacon_info = {"hash": beacon_hash.hex(), "num_iterations_exp": num_iterations_exp}
            files = {}
            for (name,) in self.db.execute("SELECT name FROM tracks ORDER BY name").fetchall():
                tr = self.track(name)
                cur = self.root / tr["state_file"]
                if tr["kind"] == "ptau":
                    beaconed = fin / f"{name}.beacon.ptau.tmp"
                    res = phase1.beacon(cur, beaconed, beacon_hash, num_iterations_exp, name="final beacon")
                    phase1.prepare_phase2(beaconed, fin / f"{name}.ptau.tmp")
                    beaconed.unlink()
                    os.replace(fin / f"{name}.ptau.tmp", fin / f"{name}.ptau")
                    files[name] = {"file": f"{name}.ptau", "beacon_hash": res.response_hash.hex()}
                else:
                    res = phase2.beacon(cur, fin / f"{name}.zkey.tmp", beacon_hash, num_iterations_exp, name="final beacon")
                    os.replace(fin / f"{name}.zkey.tmp", fin / f"{name}.zkey")
                    _atomic_copy(self.root / tr["r1cs"], fin / f"{name}.r1cs")
                    _atomic_copy(self.root / tr["ptau"], fin / f"{name}.phase1.ptau")
                    files[name] = {"file": f"{name}.zkey", "r1cs": f"{name}.r1cs", "ptau": f"{name}.phase1.ptau",
                                   "beacon_hash": res.contribution_hash.hex()}
            beacon_info["tracks"] = files
            self.db.execute("BEGIN IMMEDIATE")
            self.db.execute("INSERT OR REPLACE INTO meta VALUES ('beacon', ?)", (json.dumps(beacon_info),))
            self.db.execute("UPDATE meta SET value = '1' WHERE key = 'finalized'")
            self.db.execute("COMMIT")
            return self._publish_transcript()

    def _publish_transcript(self) -> dict:
        fin = self.root / "final"
        tx = self.transcript()
        tmp = fin / "transcript.json.tmp"
        with open(tmp, "w") as fh:
            fh.write(json.dumps(tx, indent=2, sort_keys=True))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, fin / "transcript.json")
        _fsync_dir(fin)
        return tx

    def close(self) -> None:
        self.db.close()
