"""The coordinator's state machine: admission, the turn queue, accepted contributions, finalization.

Everything durable lives in one directory (and, by default, one SQLite database in it)::

    ceremony.db            SQLite (WAL, synchronous=FULL): the source of truth; or a PostgreSQL URL
    states/<track>/NNNN.*  every accepted state, written once, named by sequence number
    uploads/               uploads being verified (temporary; wiped at start-up)
    inputs/                r1cs and phase-1 ptau needed to verify phase-2 tracks
    final/                 published after finalization: final keys + transcript.json

Crash safety (SIGKILL at any instant): an upload is streamed under ``uploads/`` only after its
request was authenticated and found to be in turn, and verified there; only then is it renamed
to its final ``states/`` name (atomic) and the database row that makes it the current state is
committed in one transaction. A crash before the commit leaves at most an unreferenced file,
which :meth:`Coordinator.recover` deletes at start-up; a crash after it has lost nothing. The
client's receipt is sent only after the commit, so an accepted contribution is never lost.
Finalization publishes with atomic renames and commits the "finalized" flag last, so it is
simply redone after a crash.

Reads (:meth:`status`, :meth:`transcript`) run in a read-only transaction and compute the
effect of an expired turn without writing it, so polling never takes the write lock; the
service's ticker and every write apply it (:meth:`advance`).

One track is one file being built: a phase-1 ``.ptau`` or a circuit's phase-2 ``.zkey``. A turn
covers every track: the participant at the head of the queue uploads one contribution per track.
A turn that is not finished by its deadline times out and passes to the next participant; the
timed-out DID may not join again. Each phase-2 track starts from a phase-1 file whose whole
transcript the coordinator verified at init.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, delete, func, insert, select, update

from zkvct.errors import ZkvctError
from zkvct.web import db as webdb

from . import signing
from .policy import CeremonyPolicy, PolicyError
from .schema import contributions, invites as invite_codes, meta, metadata, nonces, participants, queue, tracks
from .verify_upload import initial_key_file

EXT = {"ptau": ".ptau", "zkey": ".zkey"}
TRACK_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
#: bytes an upload may exceed the current state by (one contribution record is a few hundred bytes)
UPLOAD_MARGIN = 1 << 20


class CeremonyRejected(ZkvctError):
    """A request is refused; ``status`` is the HTTP status, ``code`` a stable name, the message says why."""

    def __init__(self, status: int, message: str, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code or {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                             409: "conflict", 413: "body_too_large", 422: "contribution_rejected",
                             429: "queue_full"}.get(status, "error")


@dataclass
class TrackSpec:
    name: str
    kind: str  # "ptau" or "zkey"
    initial: str | None  # path of the starting file; None for a zkey track: the coordinator runs the setup
    r1cs: str | None = None  # zkey tracks: circuit
    ptau: str | None = None  # zkey tracks: prepared phase-1 file (its transcript is verified)


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


def default_db_url(root: Path) -> str:
    return webdb.sqlite_url(root / "ceremony.db")


def verified_phase1(ptau: Path, label: str) -> dict:
    """The phase-1 transcript behind a phase-2 track, fully verified; raise 400 naming the flaw."""
    from .. import phase1_verify

    try:
        rep = phase1_verify.verify(ptau)
    except (ZkvctError, ValueError, OSError) as exc:
        raise CeremonyRejected(400, f"{label}: the phase-1 file is not a verified powers-of-tau transcript: {exc}") from exc
    if not rep.prepared:
        raise CeremonyRejected(400, f"{label}: the phase-1 file is not prepared for phase 2 (run powersoftau prepare phase2)")
    made = [c for c in rep.contributions if c["type"] == "contribution"]
    if not made:
        raise CeremonyRejected(400, f"{label}: the phase-1 transcript has no contribution (its secret would be known)")
    return {"power": rep.power, "contributions": [c["response_hash"] for c in rep.contributions],
            "next_challenge": rep.next_challenge}


def _check_initial_zkey(t: TrackSpec, rebuilt: Path) -> None:
    """The starting zkey must be exactly the one the circuit and the verified ptau produce;
    that key is rebuilt into ``rebuilt`` (kept as the track's reference)."""
    from .. import phase2

    try:
        phase2.rebuild_initial(t.r1cs, t.ptau, rebuilt)
        if t.initial is None:  # the coordinator's own setup output is the starting state
            return
        rep = phase2.verify_against(t.initial, rebuilt)
    except (ZkvctError, ValueError, OSError) as exc:
        raise CeremonyRejected(400, f"track {t.name}: the initial zkey does not come from this circuit and phase-1 file: {exc}") from exc
    if rep["contributions"]:
        raise CeremonyRejected(400, f"track {t.name}: the initial zkey already has {len(rep['contributions'])} contributions; start from the setup output")


def _verified_setup(t: TrackSpec, rebuilt: Path) -> dict:
    """A phase-2 track's two checks at init, side by side: the full verification of its phase-1
    file (:func:`verified_phase1`) and the Groth16 setup that rebuilds its starting key
    (:func:`_check_initial_zkey`). Both run mostly in native code on one core each, so on a
    two-core machine they take the time of the longer one instead of the sum. Nothing is kept
    unless both pass; a flaw in the phase-1 file is the error reported first (the setup's
    failure on such a file says less)."""
    setup_error: list[BaseException] = []

    def setup() -> None:
        try:
            _check_initial_zkey(t, rebuilt)
        except BaseException as exc:  # noqa: BLE001 - raised below, on the caller's thread
            setup_error.append(exc)

    worker = threading.Thread(target=setup, name=f"setup-{t.name}")
    worker.start()
    try:
        info = verified_phase1(Path(t.ptau), f"track {t.name}")
    except BaseException:
        worker.join()
        rebuilt.unlink(missing_ok=True)
        raise
    worker.join()
    if setup_error:
        rebuilt.unlink(missing_ok=True)
        raise setup_error[0]
    return info


def _check_initial_ptau(t: TrackSpec) -> None:
    from .. import phase1_verify
    from ..records import open_transcript

    try:
        with open_transcript(t.initial) as pt:
            n, prepared = len(pt.contributions), pt.prepared
        if prepared:
            raise CeremonyRejected(400, f"track {t.name}: start phase 1 from a plain accumulator, not a prepared file")
        if n:
            phase1_verify.verify(t.initial)
    except CeremonyRejected:
        raise
    except (ZkvctError, ValueError, OSError) as exc:
        raise CeremonyRejected(400, f"track {t.name}: the starting .ptau is not valid: {exc}") from exc


class Coordinator:
    """All coordinator operations; thread-safe (one lock serialises state changes in a process,
    the database's write lock serialises replicas)."""

    def __init__(self, root: str | Path, *, db_url: str | None = None, turn_timeout: float | None = None, clock=time.time):
        self.root = Path(root)
        self.db_url = db_url or default_db_url(self.root)
        if not (self.root / "states").is_dir() or (db_url is None and not (self.root / "ceremony.db").exists()):
            raise CeremonyRejected(400, f"{self.root} is not a ceremony directory (run `zkvct ceremony init` first)")
        self.clock = clock
        self.lock = threading.RLock()
        self.engine = webdb.make_engine(self.db_url)
        with webdb.read_tx(self.engine) as conn:
            m = dict(conn.execute(select(meta.c.key, meta.c.value)).all())
        self.ceremony, self.ceremony_id, self.admin_did = m["ceremony"], m["ceremony_id"], m["admin_did"]
        self.policy = CeremonyPolicy.from_json(m["policy"])
        if turn_timeout is not None:
            self.policy = CeremonyPolicy.from_json(json.dumps({**json.loads(self.policy.to_json()), "turn_timeout": float(turn_timeout)}))
        self._uploading: set[str] = set()
        self.finalize_seconds: dict[str, dict[str, float]] = {}  # per track, of the last finalize in this process
        self.recover()

    # ---------------------------------------------------------------- setup

    @staticmethod
    def init(root: str | Path, name: str, tracks_: list[TrackSpec], admin_did: str, policy: CeremonyPolicy | None = None,
             *, invites: int = 0, db_url: str | None = None, turn_timeout: float | None = None) -> "Coordinator":
        """Create a ceremony directory with its initial states (refuses to overwrite one).

        Invite codes (``invites`` > 0) are returned once, in ``coordinator.new_invites``; only
        their SHA-256 is stored.
        """
        root = Path(root)
        if (root / "ceremony.db").exists() or (root / "states").exists():
            raise CeremonyRejected(409, f"{root} already holds a ceremony")
        try:
            signing.canonical_did(admin_did)
        except ValueError as exc:
            raise CeremonyRejected(400, f"admin DID: {exc}") from exc
        if not 1 <= len(name) <= 64 or not name.isprintable():
            raise CeremonyRejected(400, "the ceremony name must be 1..64 printable characters")
        if not 0 <= invites <= 10000:
            raise CeremonyRejected(400, "invites must be in 0..10000")
        try:
            if policy is None:
                policy = CeremonyPolicy(turn_timeout=float(turn_timeout or 3600.0), invites=invites > 0)
            elif invites and not policy.invites:
                raise PolicyError("invites were requested but the policy does not admit invite codes")
            for did in policy.allow:
                signing.canonical_did(did)
        except (PolicyError, ValueError) as exc:
            raise CeremonyRejected(400, str(exc)) from exc
        if not tracks_:
            raise CeremonyRejected(400, "a ceremony needs at least one track (a .ptau or a circuit's .zkey)")
        seen = set()
        for t in tracks_:
            if t.kind not in EXT or not TRACK_NAME.match(t.name) or t.name in seen:
                raise CeremonyRejected(400, f"track {t.name!r}: kind must be ptau or zkey, the name unique and 1..64 of [A-Za-z0-9_]")
            seen.add(t.name)
            if t.initial is None and t.kind != "zkey":
                raise CeremonyRejected(400, f"track {t.name}: a ptau track needs its starting .ptau")
            if t.kind == "zkey":
                if not (t.r1cs and t.ptau):
                    raise CeremonyRejected(400, f"track {t.name}: a zkey track needs its .r1cs and prepared .ptau")
            for p in (t.initial, t.r1cs, t.ptau):
                if p is not None and not Path(p).is_file():
                    raise CeremonyRejected(400, f"track {t.name}: {p} is not a file")
        phase1_info = {}
        (root / "inputs").mkdir(parents=True, exist_ok=True)
        for t in tracks_:  # verify everything before creating anything
            if t.kind == "zkey":
                phase1_info[t.name] = _verified_setup(t, root / (initial_key_file(t.name) + ".tmp"))
            else:
                _check_initial_ptau(t)
        for t in tracks_:
            if t.kind == "zkey":
                os.replace(root / (initial_key_file(t.name) + ".tmp"), root / initial_key_file(t.name))
        for sub in ("uploads", "final"):
            (root / sub).mkdir(parents=True, exist_ok=True)
        sqlite = db_url is None
        url = webdb.sqlite_url(root / "ceremony.db.tmp") if sqlite else db_url
        if sqlite:
            for suffix in ("", "-wal", "-shm"):
                (root / f"ceremony.db.tmp{suffix}").unlink(missing_ok=True)
        engine = webdb.make_engine(url)
        metadata.create_all(engine)
        with webdb.read_tx(engine) as conn:
            if conn.execute(select(meta.c.key).limit(1)).first() is not None:
                engine.dispose()
                raise CeremonyRejected(409, "the database already holds a ceremony; give an empty database")
        codes = [secrets.token_urlsafe(18) for _ in range(invites)]
        with webdb.write_tx(engine) as conn:
            ceremony_id = secrets.token_hex(16)
            for k, v in (("ceremony", name), ("ceremony_id", ceremony_id), ("admin_did", admin_did),
                         ("policy", policy.to_json()), ("finalized", "0")):
                conn.execute(insert(meta).values(key=k, value=v))
            for code in codes:
                conn.execute(insert(invite_codes).values(code_sha256=hashlib.sha256(code.encode()).hexdigest()))
            for t in tracks_:
                (root / "states" / t.name).mkdir(parents=True, exist_ok=True)
                state = root / "states" / t.name / f"0000{EXT[t.kind]}"
                _atomic_copy(Path(t.initial) if t.initial else root / initial_key_file(t.name), state)
                r1cs = ptau = None
                if t.kind == "zkey":
                    r1cs, ptau = f"inputs/{t.name}.r1cs", f"inputs/{t.name}.ptau"
                    _atomic_copy(Path(t.r1cs), root / r1cs)
                    _atomic_copy(Path(t.ptau), root / ptau)
                conn.execute(insert(tracks).values(name=t.name, kind=t.kind, seq=0, state_file=str(state.relative_to(root)),
                                                   r1cs=r1cs, ptau=ptau,
                                                   phase1=json.dumps(phase1_info[t.name]) if t.name in phase1_info else None))
        engine.dispose()
        if sqlite:
            os.replace(root / "ceremony.db.tmp", root / "ceremony.db")
        _fsync_dir(root)
        coord = Coordinator(root, db_url=db_url)
        coord.new_invites = codes
        return coord

    def _meta(self, conn: Connection, key: str) -> str:
        return conn.execute(select(meta.c.value).where(meta.c.key == key)).scalar_one()

    def _finalized(self, conn: Connection) -> bool:
        return self._meta(conn, "finalized") == "1"

    def recover(self) -> list[str]:
        """Drop what a crash may have left: uploads in flight and unreferenced state files."""
        removed = []
        with self.lock:
            for f in (self.root / "uploads").iterdir():
                f.unlink()
                removed.append(str(f))
            with webdb.read_tx(self.engine) as conn:
                referenced = set(conn.execute(select(contributions.c.state_file)).scalars())
                referenced |= set(conn.execute(select(tracks.c.state_file)).scalars())
                finalized = self._finalized(conn)
            for f in (self.root / "states").rglob("*"):
                if f.is_file() and str(f.relative_to(self.root)) not in referenced and not f.name.startswith("0000"):
                    f.unlink()
                    removed.append(str(f))
            for f in (self.root / "final").glob("*.tmp"):
                f.unlink()
                removed.append(str(f))
            if finalized and not (self.root / "final" / "transcript.json").exists():
                self._publish_transcript()  # crashed between the commit and the publication
        return removed

    # ---------------------------------------------------------------- authentication

    def authenticate(self, did: str, method: str, path: str, timestamp: str, nonce: str, body_sha256: str, signature: str,
                     *, must_be_registered: bool = True) -> None:
        """Check a signed request (fields already strictly parsed); raise 401/403 naming the problem."""
        try:
            pubkey = signing.canonical_did(did)
        except ValueError as exc:
            raise CeremonyRejected(401, f"X-Zkvct-Did: {exc}") from exc
        ts = float(timestamp)  # the caller checked the decimal format: finite, non-negative
        window = self.policy.timestamp_window
        if not abs(self.clock() - ts) <= window:
            raise CeremonyRejected(401, f"X-Zkvct-Timestamp is more than {window:g} s away from the coordinator's clock")
        msg = signing.request_message(self.ceremony_id, method, path, timestamp, nonce, body_sha256)
        if not signing.verify(pubkey, msg, signature):
            raise CeremonyRejected(401, "bad signature: the request is not signed by the key of this DID for this "
                                        "ceremony and endpoint")
        with self.lock, webdb.write_tx(self.engine) as conn:
            if must_be_registered and conn.execute(select(participants.c.did).where(participants.c.did == did)).first() is None:
                raise CeremonyRejected(403, "this DID is not registered; register first", "not_registered")
            if conn.execute(select(nonces.c.nonce).where(nonces.c.did == did, nonces.c.nonce == nonce)).first() is not None:
                raise CeremonyRejected(401, "replayed request: this nonce was already used", "replayed")
            conn.execute(insert(nonces).values(did=did, nonce=nonce, ts=ts))
            conn.execute(delete(nonces).where(nonces.c.ts < self.clock() - 3 * window))

    # ---------------------------------------------------------------- admission and queue

    def register(self, did: str, invite: str | None = None) -> dict:
        """Admit a DID: on the allow-list, with an unused invite code, or when registration is open."""
        pub = signing.canonical_did(did).hex()
        with self.lock, webdb.write_tx(self.engine) as conn:
            if conn.execute(select(participants.c.did).where(participants.c.did == did)).first() is not None:
                return {"did": did, "registered": True}
            how = None
            if did in self.policy.allow:
                how = "allowlist"
            elif invite is not None and self.policy.invites:
                code_hash = hashlib.sha256(invite.encode()).hexdigest()
                row = conn.execute(select(invite_codes.c.used_by).where(invite_codes.c.code_sha256 == code_hash)).first()
                if row is None or row[0] is not None:
                    raise CeremonyRejected(403, "invite code unknown or already used (each code admits one DID)", "bad_invite")
                conn.execute(update(invite_codes).where(invite_codes.c.code_sha256 == code_hash).values(used_by=did, used_at=self.clock()))
                how = "invite"
            elif self.policy.open_registration:
                how = "open"
            if how is None:
                ways = " or ".join({"allowlist": "be on the ceremony's allow-list", "invite": "present an invite code",
                                    "open": "(open)"}[m] for m in self.policy.admission())
                raise CeremonyRejected(403, f"registration refused: participants must {ways}", "not_admitted")
            conn.execute(insert(participants).values(did=did, pubkey=pub, registered_at=self.clock(), admitted_by=how))
            return {"did": did, "registered": True}

    def join(self, did: str) -> dict:
        with self.lock:
            self.advance()  # an expired turn must count as timed out before we look at this DID's turns
            with webdb.write_tx(self.engine) as conn:
                if self._finalized(conn):
                    raise CeremonyRejected(409, "the ceremony is finalized; no more contributions", "finalized")
                rows = conn.execute(select(queue.c.status).where(queue.c.did == did)).scalars().all()
                if "timed_out" in rows:
                    raise CeremonyRejected(409, "your earlier turn timed out; rejoining is not allowed", "timed_out")
                if not any(s in ("waiting", "active") for s in rows):
                    if "done" in rows and len(rows) >= self.policy.max_turns_per_did:
                        raise CeremonyRejected(409, f"{did} already contributed; {self.policy.max_turns_per_did} turn(s) per participant",
                                               "already_contributed")
                    n_waiting = conn.execute(select(func.count()).select_from(queue).where(queue.c.status == "waiting")).scalar_one()
                    if n_waiting >= self.policy.max_queue:
                        raise CeremonyRejected(429, f"the queue is full ({self.policy.max_queue} waiting); try later")
                    conn.execute(insert(queue).values(did=did, joined_at=self.clock(), status="waiting"))
            self.advance()
        return self.status(did)

    def advance(self) -> None:
        """Time out a stalled turn and hand the turn to the next waiting participant.

        Checks with a read first, so the periodic tick writes only when something changes.
        """
        with self.lock:
            now = self.clock()
            with webdb.read_tx(self.engine) as conn:
                active = conn.execute(select(queue.c.deadline).where(queue.c.status == "active")).first()
                waiting = conn.execute(select(queue.c.id).where(queue.c.status == "waiting").limit(1)).first()
                finalized = self._finalized(conn)
            if not ((active is not None and active[0] < now) or (active is None and waiting is not None and not finalized)):
                return
            with webdb.write_tx(self.engine) as conn:
                conn.execute(update(queue).where(queue.c.status == "active", queue.c.deadline < now).values(status="timed_out"))
                if conn.execute(select(queue.c.id).where(queue.c.status == "active")).first() is None and not self._finalized(conn):
                    nxt = conn.execute(select(queue.c.id).where(queue.c.status == "waiting").order_by(queue.c.id).limit(1)).first()
                    if nxt is not None:
                        conn.execute(update(queue).where(queue.c.id == nxt[0])
                                     .values(status="active", started_at=now, deadline=now + self.policy.turn_timeout))

    def _view(self, conn: Connection) -> tuple[tuple | None, list[tuple], bool]:
        """(active (id, did, deadline) or None, waiting [(id, did)], finalized) as the queue
        would be after :meth:`advance`, computed without writing."""
        now = self.clock()
        finalized = self._finalized(conn)
        active = conn.execute(select(queue.c.id, queue.c.did, queue.c.deadline).where(queue.c.status == "active")).first()
        waiting = [tuple(r) for r in conn.execute(select(queue.c.id, queue.c.did).where(queue.c.status == "waiting").order_by(queue.c.id))]
        if active is not None and active[2] < now:
            active = None
        if active is None and waiting and not finalized:
            (qid, did), waiting = waiting[0], waiting[1:]
            active = (qid, did, now + self.policy.turn_timeout)
        return (tuple(active) if active else None), waiting, finalized

    def status(self, did: str | None = None) -> dict:
        """The public state of the queue (read-only: no write lock, no fsync)."""
        with webdb.read_tx(self.engine) as conn:
            active, waiting, finalized = self._view(conn)
            trs = [{"name": n, "kind": k, "seq": s} for n, k, s in conn.execute(select(tracks.c.name, tracks.c.kind, tracks.c.seq).order_by(tracks.c.name))]
            out = {"ceremony": self.ceremony, "ceremony_id": self.ceremony_id, "finalized": finalized, "tracks": trs,
                   "active": {"did": active[1], "deadline": active[2]} if active else None, "waiting": len(waiting),
                   "policy": self.policy.public()}
            if did is not None:
                dids = [w[1] for w in waiting]
                out["your_turn"] = bool(active and active[1] == did)
                out["position"] = dids.index(did) + 1 if did in dids else (0 if out["your_turn"] else None)
                out["registered"] = conn.execute(select(participants.c.did).where(participants.c.did == did)).first() is not None
                if out["your_turn"]:
                    done = set(conn.execute(select(contributions.c.track).where(contributions.c.queue_id == active[0])).scalars())
                    out["pending_tracks"] = [t["name"] for t in trs if t["name"] not in done]
            return out

    # ---------------------------------------------------------------- states and uploads

    def track(self, name: str, conn: Connection | None = None) -> dict:
        if not isinstance(name, str) or not TRACK_NAME.match(name):
            raise CeremonyRejected(404, "no such track (track names are 1..64 of [A-Za-z0-9_])")
        cols = (tracks.c.name, tracks.c.kind, tracks.c.seq, tracks.c.state_file, tracks.c.r1cs, tracks.c.ptau, tracks.c.phase1)
        if conn is None:
            with webdb.read_tx(self.engine) as c:
                row = c.execute(select(*cols).where(tracks.c.name == name)).first()
        else:
            row = conn.execute(select(*cols).where(tracks.c.name == name)).first()
        if row is None:
            raise CeremonyRejected(404, f"no track named {name!r}")
        return dict(zip(("name", "kind", "seq", "state_file", "r1cs", "ptau", "phase1"), row))

    def state_path(self, name: str) -> Path:
        return self.root / self.track(name)["state_file"]

    def begin_upload(self, did: str, track_name: str) -> tuple[int, dict, int]:
        """Before a byte of the body is read: is it this DID's turn, and is the track pending?

        Returns (queue id, track, the most bytes the upload may have) and marks the track busy.
        """
        tr = self.track(track_name)
        with self.lock:
            self.advance()
            with webdb.read_tx(self.engine) as conn:
                if self._finalized(conn):
                    raise CeremonyRejected(409, "the ceremony is finalized; no more contributions", "finalized")
                active = conn.execute(select(queue.c.id, queue.c.did).where(queue.c.status == "active")).first()
                if active is None or active[1] != did:
                    raise CeremonyRejected(409, "upload out of turn: it is not your turn", "out_of_turn")
                if conn.execute(select(contributions.c.seq).where(contributions.c.queue_id == active[0],
                                                                  contributions.c.track == track_name)).first():
                    raise CeremonyRejected(409, f"you already contributed to track {track_name} in this turn", "already_contributed")
            if track_name in self._uploading:
                raise CeremonyRejected(409, f"an upload to track {track_name} is already in progress", "upload_in_progress")
            self._uploading.add(track_name)
        return active[0], tr, (self.root / tr["state_file"]).stat().st_size + UPLOAD_MARGIN

    def end_upload(self, track_name: str) -> None:
        with self.lock:
            self._uploading.discard(track_name)

    def finish_upload(self, did: str, queue_id: int, tr: dict, body_path: Path, contribution_hash: str, attestation: str) -> dict:
        """Verify a stored upload and make it the track's current state (all or nothing)."""
        from .verify_upload import UploadInvalid, verify_extension

        started = time.perf_counter()
        try:
            got_hash = verify_extension(tr, self.root, body_path)  # slow: outside the lock
        except UploadInvalid as exc:
            raise CeremonyRejected(422, f"contribution rejected: {exc}") from exc
        if got_hash != contribution_hash:
            raise CeremonyRejected(422, "contribution rejected: the declared contribution hash is not the one in the uploaded file")
        seq = tr["seq"] + 1
        msg = signing.attestation_message(self.ceremony, self.ceremony_id, tr["name"], seq, contribution_hash, did)
        if not signing.verify(signing.pubkey_of_did(did), msg, attestation):
            raise CeremonyRejected(401, "bad attestation signature: it must sign the contribution statement for this "
                                        "ceremony, track and sequence number", "bad_attestation")
        with self.lock:
            self.advance()
            with webdb.read_tx(self.engine) as conn:
                active = conn.execute(select(queue.c.id).where(queue.c.status == "active")).scalar()
                current_seq = conn.execute(select(tracks.c.seq).where(tracks.c.name == tr["name"])).scalar_one()
            if active != queue_id:
                raise CeremonyRejected(409, "upload out of turn: your turn ended while the upload was verified", "out_of_turn")
            if current_seq != tr["seq"]:
                raise CeremonyRejected(409, "the track changed while the upload was verified", "conflict")
            final = self.root / "states" / tr["name"] / f"{seq:04d}{EXT[tr['kind']]}"
            os.replace(body_path, final)
            _fsync_dir(final.parent)
            rel = str(final.relative_to(self.root))
            with webdb.write_tx(self.engine) as conn:
                conn.execute(insert(contributions).values(track=tr["name"], seq=seq, queue_id=queue_id, did=did,
                                                          contribution_hash=contribution_hash, attestation=attestation,
                                                          state_file=rel, accepted_at=self.clock()))
                conn.execute(update(tracks).where(tracks.c.name == tr["name"]).values(seq=seq, state_file=rel))
                n_tracks = conn.execute(select(func.count()).select_from(tracks)).scalar_one()
                n_done = conn.execute(select(func.count()).select_from(contributions).where(contributions.c.queue_id == queue_id)).scalar_one()
                if n_done == n_tracks:
                    conn.execute(update(queue).where(queue.c.id == queue_id).values(status="done"))
            self.advance()
        # the receipt says how long the coordinator's check took (the demo's timeline shows it)
        return {"track": tr["name"], "seq": seq, "contribution_hash": contribution_hash, "accepted": True,
                "verify_seconds": round(time.perf_counter() - started, 3)}

    # ---------------------------------------------------------------- transcript and finalization

    def transcript(self) -> dict:
        with webdb.read_tx(self.engine) as conn:
            cols = (contributions.c.track, contributions.c.seq, contributions.c.did, contributions.c.contribution_hash,
                    contributions.c.attestation, contributions.c.accepted_at)
            rows = conn.execute(select(*cols).order_by(contributions.c.track, contributions.c.seq))
            contribs = [dict(zip(("track", "seq", "did", "contribution_hash", "attestation", "accepted_at"), r)) for r in rows]
            trs = conn.execute(select(tracks.c.name, tracks.c.kind, tracks.c.seq, tracks.c.phase1).order_by(tracks.c.name)).all()
            finalized = self._finalized(conn)
            beacon = json.loads(self._meta(conn, "beacon")) if finalized else None
        out = {"ceremony": self.ceremony, "ceremony_id": self.ceremony_id, "admin_did": self.admin_did,
               "policy": self.policy.public(), "finalized": finalized, "contributions": contribs,
               "tracks": [{"name": n, "kind": k, "seq": s, **({"phase1": json.loads(p1)} if p1 else {})} for n, k, s, p1 in trs]}
        if finalized:
            out["beacon"] = beacon
        return out

    def check_beacon_exp(self, num_iterations_exp: int) -> None:
        lo, hi = 10, self.policy.max_beacon_exp
        if isinstance(num_iterations_exp, bool) or not isinstance(num_iterations_exp, int) or not lo <= num_iterations_exp <= hi:
            raise CeremonyRejected(400, f"num_iterations_exp must be an integer in {lo}..{hi} (snarkjs allows 10..63; this "
                                        f"coordinator's limit is {hi}, set at init with --max-beacon-exp)", "bad_beacon_exp")

    def contributor_counts(self) -> dict[str, int]:
        """Distinct contributor DIDs per track, the admin not counted."""
        with webdb.read_tx(self.engine) as conn:
            names = conn.execute(select(tracks.c.name)).scalars().all()
            counts = dict(conn.execute(select(contributions.c.track, func.count(func.distinct(contributions.c.did)))
                                       .where(contributions.c.did != self.admin_did).group_by(contributions.c.track)).all())
        return {n: counts.get(n, 0) for n in names}

    def finalize(self, beacon_hash: bytes, num_iterations_exp: int) -> dict:
        """Apply the beacon to every track and publish final files and transcript.json."""
        from .. import phase1, phase2

        self.check_beacon_exp(num_iterations_exp)
        if not 1 <= len(beacon_hash) <= 255:
            raise CeremonyRejected(400, "beacon_hash must be 1..255 bytes (2..510 hex digits)", "bad_beacon_hash")
        with self.lock:
            with webdb.read_tx(self.engine) as conn:
                if self._finalized(conn):
                    raise CeremonyRejected(409, "the ceremony is finalized; no more contributions", "finalized")
            short = {n: c for n, c in self.contributor_counts().items() if c < self.policy.min_contributors}
            if short:
                raise CeremonyRejected(409, f"cannot finalize: every track needs at least {self.policy.min_contributors} distinct "
                                            "contributors besides the admin; " +
                                            ", ".join(f"{n} has {c}" for n, c in sorted(short.items())), "too_few_contributors")
            fin = self.root / "final"
            beacon_info = {"hash": beacon_hash.hex(), "num_iterations_exp": num_iterations_exp}
            files, work = {}, {}
            with webdb.read_tx(self.engine) as conn:
                names = conn.execute(select(tracks.c.name).order_by(tracks.c.name)).scalars().all()
            for name in names:
                tr = self.track(name)
                cur = self.root / tr["state_file"]
                started = time.perf_counter()
                if tr["kind"] == "ptau":
                    beaconed = fin / f"{name}.beacon.ptau.tmp"
                    res = phase1.beacon(cur, beaconed, beacon_hash, num_iterations_exp, name="final beacon")
                    work[name] = {"beacon": round(time.perf_counter() - started, 3)}
                    started = time.perf_counter()
                    phase1.prepare_phase2(beaconed, fin / f"{name}.ptau.tmp")
                    work[name]["prepare_phase2"] = round(time.perf_counter() - started, 3)
                    beaconed.unlink()
                    os.replace(fin / f"{name}.ptau.tmp", fin / f"{name}.ptau")
                    files[name] = {"file": f"{name}.ptau", "beacon_hash": res.response_hash.hex()}
                else:
                    res = phase2.beacon(cur, fin / f"{name}.zkey.tmp", beacon_hash, num_iterations_exp, name="final beacon")
                    work[name] = {"beacon": round(time.perf_counter() - started, 3)}
                    os.replace(fin / f"{name}.zkey.tmp", fin / f"{name}.zkey")
                    _atomic_copy(self.root / tr["r1cs"], fin / f"{name}.r1cs")
                    _atomic_copy(self.root / tr["ptau"], fin / f"{name}.phase1.ptau")
                    files[name] = {"file": f"{name}.zkey", "r1cs": f"{name}.r1cs", "ptau": f"{name}.phase1.ptau",
                                   "beacon_hash": res.contribution_hash.hex()}
            beacon_info["tracks"] = files
            with webdb.write_tx(self.engine) as conn:
                if conn.execute(select(meta.c.key).where(meta.c.key == "beacon")).first():
                    conn.execute(update(meta).where(meta.c.key == "beacon").values(value=json.dumps(beacon_info)))
                else:
                    conn.execute(insert(meta).values(key="beacon", value=json.dumps(beacon_info)))
                conn.execute(update(meta).where(meta.c.key == "finalized").values(value="1"))
            #: seconds of each track's final work (not part of the published transcript)
            self.finalize_seconds = work
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
        self.engine.dispose()


__all__ = ["Coordinator", "CeremonyRejected", "TrackSpec", "CeremonyPolicy"]
