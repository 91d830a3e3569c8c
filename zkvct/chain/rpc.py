"""A minimal CometBFT JSON-RPC client (HTTP GET on the node's RPC port).

Why not cosmpy for this: cosmpy talks gRPC to the application and flattens a transaction's events
into ``{type: {key: value}}``, which loses repeated events and attributes. The did:shr resolver
needs the node's *tx indexer* (``tx_search`` on wasm event attributes) and block times, which only
CometBFT's RPC serves, with every event intact. Only the standard library is used.
"""
from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from ..errors import ZkvctError


class RpcError(ZkvctError):
    """The node could not be reached, or answered with a JSON-RPC error."""


@dataclass(frozen=True)
class Event:
    """One ABCI event of a transaction, attributes in emission order (keys may repeat)."""

    type: str
    attributes: tuple[tuple[str, str], ...]

    def get(self, key: str) -> str | None:
        """The first value of attribute ``key``, or None."""
        for k, v in self.attributes:
            if k == key:
                return v
        return None


@dataclass(frozen=True)
class IndexedTx:
    """A transaction as returned by ``tx_search``: where it landed and what it emitted."""

    hash: str
    height: int
    index: int
    code: int
    log: str
    gas_used: int
    events: tuple[Event, ...]


def _parse_rfc3339(text: str) -> datetime:
    """CometBFT block times have nanoseconds (``2026-11-21T12:00:00.123456789Z``); keep seconds+us."""
    main, _, frac = text.rstrip("Z").partition(".")
    frac = (frac + "000000")[:6] if frac else "000000"
    return datetime.strptime(f"{main}.{frac}", "%Y-%m-%dT%H:%M:%S.%f").replace(tzinfo=timezone.utc)


class CometRpc:
    """JSON-RPC over HTTP to one node, e.g. ``CometRpc("http://127.0.0.1:26657")``."""

    def __init__(self, url: str, timeout: float = 10.0):
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"RPC url must start with http:// or https://, got {url!r}")
        self.url = url.rstrip("/")
        self.timeout = timeout

    def call(self, method: str, **params: Any) -> Any:
        """Call ``method`` with URI-encoded params; return the ``result`` member."""
        query = urllib.parse.urlencode({k: _uri_param(v) for k, v in params.items() if v is not None})
        url = f"{self.url}/{method}" + (f"?{query}" if query else "")
        try:
            with urllib.request.urlopen(url, timeout=self.timeout) as resp:
                body = json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            try:
                body = json.loads(exc.read())
            except Exception:  # noqa: BLE001 - the status line is all we have
                raise RpcError(f"RPC {method} at {self.url}: HTTP {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            raise RpcError(f"cannot reach the node's RPC at {self.url} ({method}): {exc}") from None
        if "error" in body and body["error"]:
            err = body["error"]
            raise RpcError(f"RPC {method} failed: {err.get('message', '')} {err.get('data', '')}".strip())
        return body["result"]

    # -- the handful of calls the project needs -------------------------------------------

    def status(self) -> dict[str, Any]:
        return self.call("status")

    def latest_height(self) -> int:
        return int(self.status()["sync_info"]["latest_block_height"])

    def block_time(self, height: int) -> datetime:
        """Timestamp of block ``height`` (UTC)."""
        header = self.call("block", height=int(height))["block"]["header"]
        return _parse_rfc3339(header["time"])

    def tx_search(self, query: str, per_page: int = 100, order_by: str = "asc") -> list[IndexedTx]:
        """Every transaction matching ``query`` (all pages), in block order."""
        out: list[IndexedTx] = []
        page = 1
        while True:
            res = self.call("tx_search", query=query, prove=False, page=page, per_page=per_page, order_by=order_by)
            for raw in res["txs"]:
                out.append(_parse_tx(raw))
            if len(out) >= int(res["total_count"]) or not res["txs"]:
                return out
            page += 1


def _uri_param(value: Any) -> str:
    """URI-style JSON-RPC params: strings in double quotes; numbers, bools and 0x-hex bytes bare."""
    if isinstance(value, str) and value.startswith("0x"):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))


def _parse_tx(raw: dict[str, Any]) -> IndexedTx:
    result = raw["tx_result"]
    events = tuple(
        Event(
            type=ev["type"],
            attributes=tuple((a.get("key") or "", a.get("value") or "") for a in ev.get("attributes", [])),
        )
        for ev in result.get("events", [])
    )
    return IndexedTx(
        hash=raw["hash"],
        height=int(raw["height"]),
        index=int(raw.get("index", 0)),
        code=int(result.get("code", 0)),
        log=result.get("log", ""),
        gas_used=int(result.get("gas_used", 0)),
        events=events,
    )
