"""Contributor client: register, wait for the turn, contribute locally to every track, upload.

The secret randomness of each contribution lives only inside :func:`ceremony.phase1.contribute` /
:func:`ceremony.phase2.contribute` in this process; what travels is the new public state, its
contribution hash and the signed attestation.
"""
from __future__ import annotations

import hashlib
import json
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Callable, Optional

from zkvct.errors import ZkvctError

from . import signing


class CoordinatorError(ZkvctError):
    """The coordinator refused a request (``status`` is the HTTP status) or could not be reached."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


class Client:
    def __init__(self, url: str, key, timeout: float = 600.0):
        self.url = url.rstrip("/")
        self.key = key
        self.did = signing.did_of(key)
        self.timeout = timeout

    def _request(self, method: str, path: str, body: bytes = b"", *, sign: bool = True, headers: dict | None = None,
                 body_file: Path | None = None) -> bytes:
        hdrs = dict(headers or {})
        if body_file is not None:
            h = hashlib.sha256()
            with open(body_file, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    h.update(chunk)
            sha = h.hexdigest()
            data = body_file.read_bytes()
        else:
            sha, data = hashlib.sha256(body).hexdigest(), body
        if sign:
            ts, nonce = f"{time.time():.3f}", signing.new_nonce()
            hdrs.update({"X-Zkvct-Did": self.did, "X-Zkvct-Timestamp": ts, "X-Zkvct-Nonce": nonce,
                         "X-Zkvct-Signature": signing.sign(self.key, signing.request_message(method, path, ts, nonce, sha))})
        req = urllib.request.Request(self.url + path, data=data if method == "POST" else None, method=method, headers=hdrs)
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return resp.read()
        except urllib.error.HTTPError as exc:
            try:
                msg = json.loads(exc.read()).get("error", str(exc))
            except ValueError:
                msg = str(exc)
            raise CoordinatorError(exc.code, msg) from None
        except (urllib.error.URLError, ConnectionError, TimeoutError) as exc:
            raise CoordinatorError(0, f"coordinator {self.url} unreachable: {exc}") from None

    def _json(self, method: str, path: str, body: bytes = b"", **kw) -> dict:
        return json.loads(self._request(method, path, body, **kw))

    def register(self) -> dict:
        return self._json("POST", "/api/register")

    def join(self) -> dict:
        return self._json("POST", "/api/join")

    def status(self) -> dict:
        return self._json("GET", f"/api/status?did={self.did}", sign=False)

    def transcript(self) -> dict:
        return self._json("GET", "/api/transcript", sign=False)

    def download(self, track: str, dest: Path) -> Path:
        dest.write_bytes(self._request("GET", f"/api/state/{track}", sign=False))
        return dest

    def upload(self, track: str, path: Path, contribution_hash: str, seq: int, ceremony: str) -> dict:
        att = signing.sign(self.key, signing.attestation_message(ceremony, track, seq, contribution_hash, self.did))
        return self._json("POST", f"/api/contribute/{track}", body_file=path,
                          headers={"X-Zkvct-Contribution-Hash": contribution_hash, "X-Zkvct-Attestation": att,
                                   "Content-Type": "application/octet-stream"})

    def finalize(self, beacon_hash: bytes, num_iterations_exp: int) -> dict:
        body = json.dumps({"beacon_hash": beacon_hash.hex(), "num_iterations_exp": num_iterations_exp}).encode()
        return self._json("POST", "/api/finalize", body)

    def wait_turn(self, poll: float = 2.0, max_wait: float | None = None, on_wait: Optional[Callable[[dict], None]] = None) -> dict:
        t0 = time.time()
        while True:
            st = self.status()
            if st.get("your_turn"):
                return st
            if st.get("finalized"):
                raise CoordinatorError(409, "the ceremony was finalized before your turn")
            if st.get("position") is None:
                raise CoordinatorError(409, "you are not in the queue (your turn may have timed out); join again")
            if max_wait is not None and time.time() - t0 > max_wait:
                raise CoordinatorError(0, "gave up waiting for the turn")
            if on_wait:
                on_wait(st)
            time.sleep(poll)

    def contribute(self, name: str = "", entropy: str = "", progress=None, poll: float = 2.0,
                   max_wait: float | None = None, on_wait=None) -> list[dict]:
        """The whole turn: join, wait, then for each pending track download, contribute, upload."""
        from .. import phase1, phase2

        self.register()
        try:
            self.join()
        except CoordinatorError as exc:
            if exc.status == 409 and "already contributed" in str(exc):
                # e.g. the coordinator accepted our last upload but the connection died before the
                # receipt arrived: report what the public transcript recorded for us
                return [dict(c, recovered=True) for c in self.transcript()["contributions"] if c["did"] == self.did]
            raise
        st = self.wait_turn(poll, max_wait, on_wait)
        receipts = []
        kinds = {t["name"]: (t["kind"], t["seq"]) for t in st["tracks"]}
        with tempfile.TemporaryDirectory(prefix="zkvct-contrib-") as tmp:
            for track in st["pending_tracks"]:
                kind, seq = kinds[track]
                ext = ".ptau" if kind == "ptau" else ".zkey"
                cur = self.download(track, Path(tmp) / f"cur{ext}")
                new = Path(tmp) / f"new{ext}"
                if kind == "ptau":
                    h = phase1.contribute(cur, new, name=name, entropy=entropy, progress=progress).response_hash
                else:
                    h = phase2.contribute(cur, new, name=name, entropy=entropy, progress=progress).contribution_hash
                receipts.append(self.upload(track, new, h.hex(), seq + 1, st["ceremony"]))
        return receipts
