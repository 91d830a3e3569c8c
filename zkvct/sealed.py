"""Secrets at rest: AES-256-GCM under a key derived from a passphrase with scrypt.

Two shapes, one construction:

* :func:`seal` / :func:`unseal`: a self-contained JSON envelope (its own scrypt salt and
  parameters) for one secret in one file, e.g. the issuer's did:shr key.
* :class:`SealingKey`: a key derived once (scrypt is deliberately slow) and then used for many
  small records, e.g. the rows of the wallet store. Each record has a fresh 96-bit nonce and is
  bound to where it lives by the GCM associated data, so a sealed value copied to another row or
  table fails to open.

Why GCM's tag is enough to tell a wrong passphrase from tampering: the caller seals a fixed check
value under the derived key when the store is created; if that check fails to open, the
passphrase is wrong; if it opens but a record does not, the record was changed.
"""
from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from .errors import ZkvctError

#: scrypt cost (N = 2^15, r = 8, p = 1: 32 MiB and tens of ms; OWASP's interactive minimum is 2^17
#: for r=8 p=1 in 2024, so deployments may raise it; the envelope records what was used).
DEFAULT_SCRYPT = {"n": 1 << 15, "r": 8, "p": 1}
#: Largest cost an envelope may ask for (a tampered envelope must not make us allocate gigabytes).
MAX_SCRYPT_N = 1 << 20
NONCE_BYTES = 12
SALT_BYTES = 16
ENVELOPE_VERSION = 1


class SealError(ZkvctError):
    """A sealed value could not be opened or is malformed."""


class WrongPassphrase(SealError):
    """The passphrase does not open the sealed data (nothing was changed)."""


class TamperedData(SealError):
    """Sealed data failed its integrity check although the passphrase is right."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: Any, what: str) -> bytes:
    if not isinstance(text, str):
        raise SealError(f"sealed {what} must be base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except ValueError:
        raise SealError(f"sealed {what} is not valid base64") from None


def _passphrase_bytes(passphrase: str | bytes) -> bytes:
    data = passphrase.encode() if isinstance(passphrase, str) else bytes(passphrase)
    if not data:
        raise SealError("the passphrase is empty; give a non-empty passphrase")
    return data


def derive_key(passphrase: str | bytes, salt: bytes, n: int, r: int, p: int) -> bytes:
    """32-byte AES key from ``passphrase`` with scrypt(salt, N, r, p)."""
    if not (2 <= n <= MAX_SCRYPT_N and n & (n - 1) == 0) or not (1 <= r <= 32) or not (1 <= p <= 16):
        raise SealError(f"scrypt parameters N={n} r={r} p={p} out of range (N a power of two <= 2^20, r <= 32, p <= 16)")
    return Scrypt(salt=salt, length=32, n=n, r=r, p=p).derive(_passphrase_bytes(passphrase))


@dataclass(frozen=True)
class SealingKey:
    """An AES-256-GCM key derived from a passphrase; seals many records under per-record nonces."""

    key: bytes

    @classmethod
    def derive(cls, passphrase: str | bytes, salt: bytes, params: dict[str, int] | None = None) -> "SealingKey":
        p = params or DEFAULT_SCRYPT
        return cls(derive_key(passphrase, salt, p["n"], p["r"], p["p"]))

    def seal(self, plaintext: bytes, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + AESGCM(self.key).encrypt(nonce, plaintext, aad)

    def open(self, sealed: bytes, aad: bytes) -> bytes:
        """Plaintext of ``sealed``; :class:`TamperedData` if it or ``aad`` was changed."""
        if len(sealed) < NONCE_BYTES + 16:
            raise TamperedData("a sealed record is truncated")
        try:
            return AESGCM(self.key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
        except InvalidTag:
            raise TamperedData("a sealed record failed its integrity check (it or its row was modified)") from None

    def __repr__(self) -> str:  # never print key material
        return "SealingKey(<hidden>)"


def seal(plaintext: bytes, passphrase: str | bytes, *, purpose: str, params: dict[str, int] | None = None) -> dict[str, Any]:
    """A JSON-ready envelope holding ``plaintext`` sealed under ``passphrase``.

    ``purpose`` (e.g. ``"zkvct/issuer-key"``) is the associated data: an envelope made for one use
    does not open as another.
    """
    p = dict(params or DEFAULT_SCRYPT)
    salt = os.urandom(SALT_BYTES)
    key = SealingKey.derive(passphrase, salt, p)
    return {
        "version": ENVELOPE_VERSION, "purpose": purpose, "cipher": "AES-256-GCM", "kdf": "scrypt",
        "scrypt": p, "salt": _b64(salt), "sealed": _b64(key.seal(plaintext, purpose.encode())),
    }


def unseal(envelope: Any, passphrase: str | bytes, *, purpose: str) -> bytes:
    """The plaintext of :func:`seal`'s envelope; :class:`WrongPassphrase` / :class:`SealError`."""
    if not isinstance(envelope, dict):
        raise SealError("a sealed envelope must be a JSON object")
    if envelope.get("version") != ENVELOPE_VERSION or envelope.get("cipher") != "AES-256-GCM" or envelope.get("kdf") != "scrypt":
        raise SealError(f"unsupported sealed envelope (need version {ENVELOPE_VERSION}, AES-256-GCM, scrypt)")
    if envelope.get("purpose") != purpose:
        raise SealError(f"this envelope seals {envelope.get('purpose')!r}, not {purpose!r}")
    params = envelope.get("scrypt")
    if not isinstance(params, dict) or not all(isinstance(params.get(k), int) for k in ("n", "r", "p")):
        raise SealError("sealed envelope: scrypt parameters n, r, p must be integers")
    key = SealingKey.derive(passphrase, _unb64(envelope.get("salt"), "salt"), params)
    try:
        return key.open(_unb64(envelope.get("sealed"), "data"), purpose.encode())
    except TamperedData:
        # one secret per envelope: a failed tag cannot tell a wrong passphrase from a changed file
        raise WrongPassphrase("wrong passphrase, or the sealed file was modified (it did not open)") from None


def write_sealed(path: "os.PathLike[str] | str", plaintext: bytes, passphrase: str | bytes, *, purpose: str,
                 params: dict[str, int] | None = None) -> None:
    """Write an envelope to ``path`` (mode 0600, created exclusively: an existing key is never replaced)."""
    data = json.dumps(seal(plaintext, passphrase, purpose=purpose, params=params), indent=2).encode()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def read_sealed(path: "os.PathLike[str] | str", passphrase: str | bytes, *, purpose: str) -> bytes:
    try:
        envelope = json.loads(open(path, "rb").read())
    except json.JSONDecodeError:
        raise SealError(f"{path}: not a sealed envelope (invalid JSON)") from None
    return unseal(envelope, passphrase, purpose=purpose)


def read_passphrase(env: str | None = None, file: "os.PathLike[str] | str | None" = None, *, what: str) -> str:
    """A passphrase from a file (first line) or an environment variable; never from argv."""
    if file:
        text = open(file, encoding="utf-8").read().splitlines()
        value = text[0] if text else ""
        if not value:
            raise SealError(f"{what}: passphrase file {file} is empty")
        return value
    if env:
        value = os.environ.get(env, "")
        if not value:
            raise SealError(f"{what}: set the passphrase in ${env} or give a passphrase file")
        return value
    raise SealError(f"{what}: no passphrase source (environment variable or file)")
