"""Contributor client (httpx): register, wait for the turn, contribute locally to every track, upload.

The secret randomness of each contribution lives only inside :func:`ceremony.phase1.contribute` /
:func:`ceremony.phase2.contribute` in this process; what travels is the new public state, its
contribution hash and the signed attestation. Every state-changing request is signed for this
ceremony's id and the endpoint (see :mod:`.signing`); uploads stream from disk.
"""
from __future__ import annotations

import hashlib
import tempfile
import time
from pathlib import Path
from typing import Callable, Iterator, Optional

import httpx

from zkvct.errors import ZkvctError

from . import signing

_CHUNK = 1 << 20


class CoordinatorError(ZkvctError):
    """The coordinator refused a request (``status`` is the HTTP status, ``code`` its error code)
    or could not be reached (``status`` 0)."""

    def __init__(self, status: int, message: str, code: str = ""):
        super().__init__(message)
        self.status = status
        self.code = code


def _file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def _chunks(path: Path) -> Iterator[bytes]:
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            yield chunk


class Client:
    def __init__(self, url: str, key, timeout: float = 600.0, invite: str | None = None):
        self.url = url.rstrip("/")
        self.key = key
        self.did = signing.did_of(key)
        self.invite = invite
        self.http = httpx.Client(base_url=self.url, timeout=httpx.Timeout(timeout, connect=30.0))
        self._ceremony_id: str | None = None

    def close(self) -> None:
        self.http.close()

    @property
    def ceremony_id(self) -> str:
        if self._ceremony_id is None:
            self._ceremony_id = self._json("GET", "/api/status", sign=False)["ceremony_id"]
        return self._ceremony_id

    def signed_headers(self, method: str, path: str, body_sha256: str) -> dict[str, str]:
        ts, nonce = f"{time.time():.3f}", signing.new_nonce()
        sig = signing.sign(self.key, signing.request_message(self.ceremony_id, method, path, ts, nonce, body_sha256))
        return {"X-Zkvct-Did": self.did, "X-Zkvct-Timestamp": ts, "X-Zkvct-Nonce": nonce,
                "X-Zkvct-Body-Sha256": body_sha256, "X-Zkvct-Signature": sig}

    def _request(self, method: str, path: str, body: bytes = b"", *, sign: bool = True, headers: dict | None = None,
                 body_file: Path | None = None) -> bytes:
        hdrs = dict(headers or {})
        if body_file is not None:
            sha = _file_sha256(body_file)
            content = _chunks(body_file)
            hdrs["Content-Length"] = str(body_file.stat().st_size)
        else:
            sha, content = hashlib.sha256(body).hexdigest(), body
        if sign:
            hdrs.update(self.signed_headers(method, path, sha))
        try:
            resp = self.http.request(method, path, content=content if method == "POST" else None, headers=hdrs)
        except httpx.HTTPError as exc:
            raise CoordinatorError(0, f"coordinator {self.url} unreachable: {type(exc).__name__}: {exc}") from None
        if resp.status_code >= 400:
            try:
                err = resp.json()
                raise CoordinatorError(resp.status_code, err.get("detail", str(err)), err.get("error", ""))
            except ValueError:
                raise CoordinatorError(resp.status_code, f"HTTP {resp.status_code}") from None
        return resp.content

    def _json(self, method: str, path: str, body: bytes = b"", **kw) -> dict:
        import json

        return json.loads(self._request(method, path, body, **kw))

    def register(self) -> dict:
        import json

        body = json.dumps({"invite": self.invite}).encode() if self.invite else b""
        return self._json("POST", "/api/register", body)

    def join(self) -> dict:
        return self._json("POST", "/api/join")

    def status(self) -> dict:
        return self._json_params("/api/status", {"did": self.did})

    def _json_params(self, path: str, params: dict) -> dict:
        try:
            resp = self.http.get(path, params=params)
        except httpx.HTTPError as exc:
            raise CoordinatorError(0, f"coordinator {self.url} unreachable: {type(exc).__name__}: {exc}") from None
        if resp.status_code >= 400:
            try:
                err = resp.json()
            except ValueError:
                err = {}
            raise CoordinatorError(resp.status_code, err.get("detail", f"HTTP {resp.status_code}"), err.get("error", ""))
        return resp.json()

    def transcript(self) -> dict:
        return self._json("GET", "/api/transcript", sign=False)

    def download(self, track: str, dest: Path) -> Path:
        try:
            with self.http.stream("GET", f"/api/state/{track}") as resp:
                if resp.status_code >= 400:
                    resp.read()
                    raise CoordinatorError(resp.status_code, resp.json().get("detail", ""), resp.json().get("error", ""))
                with open(dest, "wb") as fh:
                    for chunk in resp.iter_bytes(_CHUNK):
                        fh.write(chunk)
        except httpx.HTTPError as exc:
            raise CoordinatorError(0, f"coordinator {self.url} unreachable: {type(exc).__name__}: {exc}") from None
        return dest

    def upload(self, track: str, path: Path, contribution_hash: str, seq: int, ceremony: str) -> dict:
        msg = signing.attestation_message(ceremony, self.ceremony_id, track, seq, contribution_hash, self.did)
        att = signing.sign(self.key, msg)
        return self._json("POST", f"/api/contribute/{track}", body_file=path,
                          headers={"X-Zkvct-Contribution-Hash": contribution_hash, "X-Zkvct-Attestation": att,
                                   "Content-Type": "application/octet-stream"})

    def finalize(self, beacon_hash: bytes, num_iterations_exp: int) -> dict:
        import json

        body = json.dumps({"beacon_hash": beacon_hash.hex(), "num_iterations_exp": num_iterations_exp}).encode()
        return self._json("POST", "/api/finalize", body)

    def wait_turn(self, poll: float = 2.0, max_wait: float | None = None, on_wait: Optional[Callable[[dict], None]] = None) -> dict:
        t0 = time.time()
        while True:
            st = self.status()
            if st.get("your_turn"):
                return st
            if st.get("finalized"):
                raise CoordinatorError(409, "the ceremony was finalized before your turn", "finalized")
            if st.get("position") is None:
                raise CoordinatorError(409, "you are not in the queue (your turn may have timed out)", "not_in_queue")
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
            if exc.status == 409 and exc.code == "already_contributed":
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
