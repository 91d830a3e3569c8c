"""The wallet's encrypted local store: one SQLite file, every secret sealed (zkvct.sealed).

What is in it:

* ``wallet_meta`` (plain): format version, the scrypt salt and parameters, and ``check``: a fixed
  value sealed under the derived key. Opening with a wrong passphrase fails on ``check`` and is
  reported as such; nothing is written.
* ``wallet_secrets``: the recoverable seed (the holder secret and the did:shr key are derived
  from it), sealed.
* ``wallet_credentials``: one row per credential: id, issuer DID and serial in plain columns (to
  list them without the passphrase) and the sealed record (VC JWS, opening, Merkle path). The
  plain columns are bound into the record's GCM associated data, so editing them is detected.
* ``wallet_consent``: the consent log, one sealed entry per decision (relying party, statement,
  request, answer, time).

Every record's associated data names its table and key, so a sealed value moved to another row
fails to open: a tampered store raises :class:`zkvct.sealed.TamperedData` naming the record, and
the operation that met it changes nothing.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any, Iterator

from sqlalchemy import BigInteger, Column, Integer, LargeBinary, MetaData, String, Table, Text, literal_column, select
from sqlalchemy.engine import Engine

from ..errors import ZkvctError
from ..sealed import DEFAULT_SCRYPT, SALT_BYTES, SealingKey, TamperedData, WrongPassphrase
from ..web.db import make_engine, read_tx, write_tx

FORMAT = "zkvct-wallet/1"
_CHECK = b"zkvct wallet key check v1"

metadata = MetaData()
meta = Table("wallet_meta", metadata, Column("name", String(64), primary_key=True), Column("value", Text, nullable=False))
secrets_t = Table("wallet_secrets", metadata, Column("name", String(64), primary_key=True),
                  Column("sealed", LargeBinary, nullable=False))
credentials = Table(
    "wallet_credentials", metadata,
    Column("id", String(80), primary_key=True),
    Column("issuer_did", String(200), nullable=False),
    Column("serial", BigInteger, nullable=False),
    Column("added_at", BigInteger, nullable=False),
    Column("sealed", LargeBinary, nullable=False),
)
consent = Table("wallet_consent", metadata, Column("id", Integer, primary_key=True, autoincrement=True),
                Column("at", BigInteger, nullable=False), Column("sealed", LargeBinary, nullable=False))


class WalletError(ZkvctError):
    """A wallet operation that cannot be done (the message says why and what to do)."""


class StoreMissing(WalletError):
    pass


def _cred_aad(row_id: str, issuer_did: str, serial: int) -> bytes:
    return f"wallet_credentials/{row_id}/{issuer_did}/{serial}".encode()


class WalletStore:
    """An opened store: the derived sealing key is in memory; every read checks integrity."""

    def __init__(self, engine: Engine, key: SealingKey, path: Path):
        self.engine = engine
        self._key = key
        self.path = path

    # -- lifecycle -------------------------------------------------------------------------

    @classmethod
    def create(cls, path: str | os.PathLike[str], passphrase: str, seed: bytes,
               scrypt: dict[str, int] | None = None) -> "WalletStore":
        path = Path(path)
        if path.exists():
            raise WalletError(f"{path} already exists; refusing to overwrite a wallet")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # the file is ours and 0600 from the start
        os.close(fd)
        params = dict(scrypt or DEFAULT_SCRYPT)
        salt = os.urandom(SALT_BYTES)
        key = SealingKey.derive(passphrase, salt, params)
        engine = make_engine(f"sqlite:///{path}")
        metadata.create_all(engine)
        with write_tx(engine) as conn:
            conn.execute(meta.insert(), [
                {"name": "format", "value": FORMAT},
                {"name": "scrypt", "value": json.dumps({**params, "salt": salt.hex()})},
                {"name": "check", "value": key.seal(_CHECK, b"wallet_meta/check").hex()},
            ])
            conn.execute(secrets_t.insert().values(name="seed", sealed=key.seal(seed, b"wallet_secrets/seed")))
        for suffix in ("-wal", "-shm"):
            p = Path(str(path) + suffix)
            if p.exists():
                os.chmod(p, 0o600)
        return cls(engine, key, path)

    @classmethod
    def open(cls, path: str | os.PathLike[str], passphrase: str) -> "WalletStore":
        path = Path(path)
        if not path.is_file():
            raise StoreMissing(f"no wallet at {path}; create one with `zkvct wallet init`")
        engine = make_engine(f"sqlite:///{path}")
        try:
            with read_tx(engine) as conn:
                rows = {r.name: r.value for r in conn.execute(select(meta))}
        except Exception as exc:  # noqa: BLE001 - not a database, or not ours
            engine.dispose()
            raise WalletError(f"{path} is not a zkvct wallet ({exc.__class__.__name__})") from None
        if rows.get("format") != FORMAT or "scrypt" not in rows or "check" not in rows:
            engine.dispose()
            raise WalletError(f"{path} is not a {FORMAT} wallet store (its metadata is missing or changed)")
        try:
            params = json.loads(rows["scrypt"])
            salt = bytes.fromhex(params.pop("salt"))
            check = bytes.fromhex(rows["check"])
            key = SealingKey.derive(passphrase, salt, {k: int(params[k]) for k in ("n", "r", "p")})
        except (ValueError, KeyError, TypeError):
            engine.dispose()
            raise TamperedData(f"{path}: the wallet's key parameters were modified") from None
        try:
            key.open(check, b"wallet_meta/check")
        except TamperedData:
            engine.dispose()
            raise WrongPassphrase("wrong passphrase for this wallet (nothing was changed)") from None
        store = cls(engine, key, path)
        store.seed()  # integrity of the one secret every operation needs
        return store

    def close(self) -> None:
        self.engine.dispose()

    # -- secrets ---------------------------------------------------------------------------

    def seed(self) -> bytes:
        with read_tx(self.engine) as conn:
            row = conn.execute(select(secrets_t.c.sealed).where(secrets_t.c.name == "seed")).first()
        if row is None:
            raise TamperedData("the wallet's seed record is missing (the store was modified)")
        return self._key.open(row[0], b"wallet_secrets/seed")

    # -- credentials -----------------------------------------------------------------------

    def add_credential(self, cred_id: str, issuer_did: str, serial: int, record: dict[str, Any]) -> None:
        data = json.dumps(record, sort_keys=True).encode()
        with write_tx(self.engine) as conn:
            if conn.execute(select(credentials.c.id).where(credentials.c.id == cred_id)).first():
                raise WalletError(f"credential {cred_id} is already in the wallet")
            conn.execute(credentials.insert().values(id=cred_id, issuer_did=issuer_did, serial=serial,
                                                     added_at=int(time.time()),
                                                     sealed=self._key.seal(data, _cred_aad(cred_id, issuer_did, serial))))

    def update_credential(self, cred_id: str, record: dict[str, Any]) -> None:
        with write_tx(self.engine) as conn:
            row = conn.execute(select(credentials).where(credentials.c.id == cred_id)).first()
            if row is None:
                raise WalletError(f"no credential {cred_id} in the wallet")
            aad = _cred_aad(row.id, row.issuer_did, int(row.serial))
            self._key.open(row.sealed, aad)  # refuse to overwrite a record that was tampered with
            conn.execute(credentials.update().where(credentials.c.id == cred_id).values(
                sealed=self._key.seal(json.dumps(record, sort_keys=True).encode(), aad)))

    def credential(self, cred_id: str) -> dict[str, Any]:
        with read_tx(self.engine) as conn:
            row = conn.execute(select(credentials).where(credentials.c.id == cred_id)).first()
        if row is None:
            raise WalletError(f"no credential {cred_id} in the wallet")
        return self._open_credential(row)

    def _open_credential(self, row: Any) -> dict[str, Any]:
        try:
            return json.loads(self._key.open(row.sealed, _cred_aad(row.id, row.issuer_did, int(row.serial))))
        except TamperedData:
            raise TamperedData(f"credential {row.id} in the wallet failed its integrity check (the store was modified)") from None

    def credentials(self) -> Iterator[dict[str, Any]]:
        with read_tx(self.engine) as conn:
            # insertion order (SQLite's rowid): added_at has one-second resolution, and ids are random
            rows = conn.execute(select(credentials).order_by(credentials.c.added_at, literal_column("rowid"))).all()
        for row in rows:
            yield {"id": row.id, **self._open_credential(row)}

    # -- consent log -----------------------------------------------------------------------

    def log_consent(self, entry: dict[str, Any]) -> int:
        at = int(time.time())
        with write_tx(self.engine) as conn:
            res = conn.execute(consent.insert().values(at=at, sealed=b""))
            row_id = int(res.inserted_primary_key[0])
            sealed = self._key.seal(json.dumps({**entry, "at": at}, sort_keys=True).encode(), f"wallet_consent/{row_id}/{at}".encode())
            conn.execute(consent.update().where(consent.c.id == row_id).values(sealed=sealed))
        return row_id

    def consent_log(self) -> list[dict[str, Any]]:
        with read_tx(self.engine) as conn:
            rows = conn.execute(select(consent).order_by(consent.c.id)).all()
        out = []
        for row in rows:
            try:
                out.append({"id": row.id, **json.loads(self._key.open(row.sealed, f"wallet_consent/{row.id}/{row.at}".encode()))})
            except TamperedData:
                raise TamperedData(f"consent log entry {row.id} failed its integrity check (the store was modified)") from None
        return out
