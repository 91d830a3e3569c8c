"""A single-node wasmd chain on 127.0.0.1, started and stopped by the project.

Why a real node: the contracts must be proven on the chain they target (wasmd v0.40 / wasmvm 1.2.3,
the ShareLedger line, see ``scripts/build_wasmd.sh``), with its gas metering, its capability checks
and its tx indexer (which the did:shr resolver walks), not on a mock.

Shape of a node (all in one home directory, normally a temp dir):

* ``wasmd init`` with the denomination ``nshr``; a validator key in a *test* keyring; the public
  test accounts of :mod:`zkvct.chain.keys` funded at genesis; ``gentx`` + ``collect-gentxs``.
* Every listener bound to 127.0.0.1 on a free port (RPC, gRPC, REST API, P2P); pprof and
  gRPC-web off, so several nodes (other engineers, parallel CI jobs) never collide.
* ``timeout_commit`` a few hundred ms (fast blocks), tx indexer ``kv`` on, no state pruning.

Two ways to run it: :class:`Localnet` as a context manager (tests; the node dies with the process,
Linux ``PR_SET_PDEATHSIG``), or ``detach=True`` (``zkvct chain up``), which leaves the node running
and records it in ``<home>/localnet.json`` for :func:`load_info` / :func:`stop_detached`.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ZkvctError
from .keys import BECH32_PREFIX, TEST_KEY_NAMES, localnet_wallet
from .rpc import CometRpc, RpcError

DENOM = "nshr"
DEFAULT_CHAIN_ID = "zkvct-localnet-1"
INFO_FILE = "localnet.json"
#: Funds of each public test account (1e15 nshr: plenty for any test; gas price is 0 anyway).
ACCOUNT_FUNDS = 10**15
VALIDATOR_STAKE = 10**12


class LocalnetError(ZkvctError):
    """The local node could not be built, configured, started or reached."""


def repo_root() -> Path:
    """The checkout this package lives in (``zkvct/chain/localnet.py`` -> root)."""
    return Path(__file__).resolve().parents[2]


def find_wasmd() -> Path:
    """Locate the wasmd binary: ``$ZKVCT_WASMD``, then the cache of ``scripts/build_wasmd.sh``."""
    env = os.environ.get("ZKVCT_WASMD")
    if env:
        path = Path(env)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise LocalnetError(f"ZKVCT_WASMD={env} is not an executable file")
        return path
    cached = repo_root() / ".cache" / "wasmd" / "bin" / "wasmd"
    if cached.exists() and os.access(cached, os.X_OK):
        return cached
    raise LocalnetError(
        "wasmd is not built: run `bash scripts/build_wasmd.sh` (a few minutes, cached afterwards) "
        "or point ZKVCT_WASMD at a wasmd v0.40 binary built with the 'shareledger' prefix"
    )


PORT_ATTEMPTS = 3
PORT_TAKEN = "address already in use"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _distinct_free_ports(count: int) -> list[int]:
    """``count`` different free ports: two picks in a row can return the same port (each socket
    is closed before the next pick), and two of the node's listeners on one port leave one of
    them served by the other (an HTTP/1 API server where cosmpy expects gRPC)."""
    ports: list[int] = []
    for _ in range(count * 20):
        port = free_port()
        if port not in ports:
            ports.append(port)
            if len(ports) == count:
                return ports
    raise LocalnetError(f"could not find {count} different free ports on 127.0.0.1")


class PortLostError(LocalnetError):
    """A listener of the node is served by another process: pick new ports and start again."""


def listening_sockets(pid: int) -> list[tuple[str, int]] | None:
    """The TCP sockets process ``pid`` listens on, as (address, port); None where ``/proc``
    cannot tell (not Linux). IPv6 addresses are given as ``v6:`` + their hex."""
    try:
        inodes = set()
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:[") and target.endswith("]"):
                inodes.add(target[8:-1])
        out = []
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            with open(table) as fh:
                next(fh)
                for line in fh:
                    cols = line.split()
                    if cols[3] == "0A" and cols[9] in inodes:  # LISTEN
                        hex_ip, hex_port = cols[1].split(":")
                        ip = (".".join(str(int(hex_ip[i:i + 2], 16)) for i in (6, 4, 2, 0))
                              if len(hex_ip) == 8 else "v6:" + hex_ip)
                        out.append((ip, int(hex_port, 16)))
        return out
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def listener_owned_by(pid: int, port: int) -> bool | None:
    """Whether process ``pid`` listens on TCP ``port``; None where ``/proc`` cannot tell. A port
    that merely accepts connections may be another process's: a gRPC port picked free and bound
    by someone else before the node got to it."""
    sockets = listening_sockets(pid)
    return None if sockets is None else any(p == port for _, p in sockets)


@dataclass
class LocalnetInfo:
    """Everything a client needs to reach a running local node (serialised to ``localnet.json``)."""

    home: str
    chain_id: str
    rpc_port: int
    grpc_port: int
    api_port: int
    p2p_port: int
    denom: str = DENOM
    pid: int | None = None
    binary: str = ""
    accounts: dict[str, str] = field(default_factory=dict)

    @property
    def rpc_url(self) -> str:
        return f"http://127.0.0.1:{self.rpc_port}"

    @property
    def grpc_url(self) -> str:
        return f"grpc+http://127.0.0.1:{self.grpc_port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def network_config(self):
        """The cosmpy ``NetworkConfig`` of this node (gas price 0, like the node's minimum)."""
        from cosmpy.aerial.config import NetworkConfig

        return NetworkConfig(
            chain_id=self.chain_id,
            url=self.grpc_url,
            fee_minimum_gas_price=0,
            fee_denomination=self.denom,
            staking_denomination=self.denom,
        )

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "rpc_url": self.rpc_url, "grpc_url": self.grpc_url, "api_url": self.api_url}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "LocalnetInfo":
        names = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in names})


# ----------------------------------------------------------------------------------------------
# config files


def _toml_literal(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    return json.dumps(str(value))


def set_toml_values(path: Path, values: dict[tuple[str, str], Any]) -> None:
    """Rewrite ``key = ...`` lines of a generated TOML file in place, by ``(section, key)``.

    ``section`` is ``""`` for top-level keys. Every requested key must exist (a silently missing key
    would leave a default such as a 0.0.0.0 listener in place), so a missing one raises.
    """
    lines = path.read_text().splitlines(keepends=True)
    section = ""
    done: set[tuple[str, str]] = set()
    for i, line in enumerate(lines):
        stripped = line.strip()
        m = re.fullmatch(r"\[([^\[\]]+)\]", stripped)
        if m:
            section = m.group(1).strip()
            continue
        m = re.match(r"([A-Za-z0-9_.-]+)\s*=", stripped)
        if m and (section, m.group(1)) in values:
            key = (section, m.group(1))
            lines[i] = f"{m.group(1)} = {_toml_literal(values[key])}\n"
            done.add(key)
    missing = set(values) - done
    if missing:
        raise LocalnetError(f"{path.name}: keys not found (wasmd version mismatch?): {sorted(missing)}")
    path.write_text("".join(lines))


# ----------------------------------------------------------------------------------------------
# the node


def _set_pdeathsig() -> None:  # runs in the child between fork and exec
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except Exception:  # noqa: BLE001 - best effort: non-Linux just lacks the safety net
        pass


class Localnet:
    """A single-node wasmd chain in ``home`` (a fresh temp dir when not given).

    >>> with Localnet() as net:           # doctest: +SKIP
    ...     client = net.info.network_config()
    """

    def __init__(
        self,
        home: str | os.PathLike[str] | None = None,
        chain_id: str = DEFAULT_CHAIN_ID,
        binary: str | os.PathLike[str] | None = None,
        timeout_commit_ms: int = 250,
        accounts: tuple[str, ...] = TEST_KEY_NAMES,
        keep_home: bool | None = None,
    ):
        if not re.fullmatch(r"[a-zA-Z0-9_.-]{1,48}", chain_id):
            raise ValueError(f"chain id {chain_id!r}: use 1-48 letters, digits, '_', '.', '-'")
        if not 50 <= timeout_commit_ms <= 10_000:
            raise ValueError(f"timeout_commit_ms={timeout_commit_ms}: allowed 50..10000")
        self.binary = Path(binary) if binary else find_wasmd()
        self._own_home = home is None
        self.home = Path(home) if home else Path(tempfile.mkdtemp(prefix="zkvct-localnet-"))
        self.keep_home = (not self._own_home) if keep_home is None else keep_home
        self.chain_id = chain_id
        self.timeout_commit_ms = timeout_commit_ms
        self.account_names = accounts
        self.proc: subprocess.Popen[bytes] | None = None
        self.info: LocalnetInfo | None = None
        self._log = None

    # -- setup --------------------------------------------------------------------------------

    def _run(self, *args: str, stdin: str | None = None) -> str:
        cmd = [str(self.binary), *args, "--home", str(self.home)]
        res = subprocess.run(cmd, input=stdin, capture_output=True, text=True, timeout=120)
        if res.returncode != 0:
            raise LocalnetError(f"`wasmd {' '.join(args[:3])}` failed: {(res.stderr or res.stdout).strip()[-800:]}")
        return res.stdout + res.stderr

    def init(self) -> LocalnetInfo:
        """Create genesis and config in ``home`` (must be empty or absent)."""
        if (self.home / "config" / "genesis.json").exists():
            raise LocalnetError(f"{self.home} already holds a chain; pick an empty directory")
        self.home.mkdir(parents=True, exist_ok=True)
        self._run("init", "zkvct-localnet", "--chain-id", self.chain_id, "--default-denom", DENOM)
        self._run("keys", "add", "validator", "--keyring-backend", "test", "--output", "json")
        self._run("genesis", "add-genesis-account", "validator", f"{10 * VALIDATOR_STAKE}{DENOM}", "--keyring-backend", "test")
        accounts: dict[str, str] = {}
        for name in self.account_names:
            addr = str(localnet_wallet(name).address())
            accounts[name] = addr
            self._run("genesis", "add-genesis-account", addr, f"{ACCOUNT_FUNDS}{DENOM}")
        self._run(
            "genesis", "gentx", "validator", f"{VALIDATOR_STAKE}{DENOM}",
            "--chain-id", self.chain_id, "--keyring-backend", "test",
        )
        self._run("genesis", "collect-gentxs")

        self.info = LocalnetInfo(
            home=str(self.home), chain_id=self.chain_id, rpc_port=0, grpc_port=0, api_port=0,
            p2p_port=0, binary=str(self.binary), accounts=accounts,
        )
        self._assign_ports()
        return self.info

    def _assign_ports(self) -> None:
        """Pick five free ports on 127.0.0.1 and write them into the node's config files.

        Called again when a start loses a port to another process between the pick and the
        node's bind (the ephemeral range is shared with every outgoing connection on the host).
        """
        assert self.info is not None
        rpc, grpc, api, p2p, abci = _distinct_free_ports(5)
        cfg = self.home / "config"
        commit = f"{self.timeout_commit_ms}ms"
        set_toml_values(cfg / "config.toml", {
            ("", "proxy_app"): f"tcp://127.0.0.1:{abci}",
            ("rpc", "laddr"): f"tcp://127.0.0.1:{rpc}",
            ("rpc", "pprof_laddr"): "",
            ("p2p", "laddr"): f"tcp://127.0.0.1:{p2p}",
            ("consensus", "timeout_commit"): commit,
            ("consensus", "timeout_propose"): "1s",
            ("tx_index", "indexer"): "kv",
            ("instrumentation", "prometheus"): False,
        })
        set_toml_values(cfg / "app.toml", {
            ("", "minimum-gas-prices"): f"0{DENOM}",
            ("", "pruning"): "nothing",
            ("api", "enable"): True,
            ("api", "address"): f"tcp://127.0.0.1:{api}",
            ("grpc", "enable"): True,
            ("grpc", "address"): f"127.0.0.1:{grpc}",
            ("grpc-web", "enable"): False,
            ("rosetta", "enable"): False,
        })
        set_toml_values(cfg / "client.toml", {
            ("", "chain-id"): self.chain_id,
            ("", "keyring-backend"): "test",
            ("", "node"): f"tcp://127.0.0.1:{rpc}",
        })
        self.info.rpc_port, self.info.grpc_port = rpc, grpc
        self.info.api_port, self.info.p2p_port = api, p2p

    # -- run ----------------------------------------------------------------------------------

    def start(self, detach: bool = False, timeout: float = 90.0) -> LocalnetInfo:
        """Start the node and wait until it has produced a block and gRPC accepts connections."""
        if self.info is None:
            self.init()
        assert self.info is not None
        for attempt in range(1, PORT_ATTEMPTS + 1):
            log_start = self._open_log()
            self.proc = subprocess.Popen(
                [str(self.binary), "start", "--home", str(self.home)],
                stdin=subprocess.DEVNULL, stdout=self._log, stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=None if detach else _set_pdeathsig,
            )
            self.info.pid = self.proc.pid
            try:
                self._wait_ready(timeout)
                break
            except LocalnetError as exc:
                lost_port = isinstance(exc, PortLostError) or (
                    self.proc is not None and self.proc.poll() is not None and PORT_TAKEN in self._log_since(log_start))
                if not lost_port or attempt == PORT_ATTEMPTS:
                    self.stop()
                    raise
                self._reap()
                self._assign_ports()
            except BaseException:
                self.stop()
                raise
        (self.home / INFO_FILE).write_text(json.dumps(self.info.to_json(), indent=2))
        return self.info

    def _wait_ready(self, timeout: float) -> None:
        assert self.info is not None and self.proc is not None
        rpc = CometRpc(self.info.rpc_url, timeout=2.0)
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                raise LocalnetError(f"wasmd exited with code {self.proc.returncode}: {self.log_tail()}")
            try:
                if rpc.latest_height() >= 1 and _port_open(self.info.grpc_port):
                    if listener_owned_by(self.proc.pid, self.info.grpc_port) is False:
                        raise PortLostError(f"gRPC port {self.info.grpc_port} is served by another process")
                    return
            except RpcError:
                pass
            if time.monotonic() > deadline:
                raise LocalnetError(f"the node produced no block within {timeout:.0f} s: {self.log_tail()}")
            time.sleep(0.2)

    def wait_for_height(self, height: int, timeout: float = 30.0) -> int:
        """Block until the chain reaches ``height``; returns the height seen."""
        assert self.info is not None
        rpc = CometRpc(self.info.rpc_url)
        deadline = time.monotonic() + timeout
        while True:
            h = rpc.latest_height()
            if h >= height:
                return h
            if time.monotonic() > deadline:
                raise LocalnetError(f"chain stuck at height {h} (wanted {height})")
            time.sleep(0.1)

    def _open_log(self) -> int:
        """Open ``node.log`` for appending (once) and return its size: where this start's lines begin."""
        if self._log is None:
            self._log = open(self.home / "node.log", "ab")
        self._log.flush()
        return self._log.tell()

    def _log_since(self, offset: int) -> str:
        try:
            with open(self.home / "node.log", "rb") as f:
                f.seek(offset)
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def _reap(self) -> None:
        if self.proc is not None:
            _terminate_group(self.proc.pid, self.proc)
            self.proc = None

    def log_tail(self, chars: int = 1500) -> str:
        """The end of the node's log, led by its ``Error:`` line when it has one.

        wasmd prints its whole flag list after a failed start, so the tail alone would hide
        the one line that says what went wrong.
        """
        try:
            text = (self.home / "node.log").read_text(errors="replace")
        except OSError:
            return "(no log)"
        errors = [line for line in text.splitlines() if line.startswith("Error:")]
        tail = text[-chars:]
        if errors and errors[-1] not in tail:
            return f"{errors[-1]}\n...\n{tail}"
        return tail

    def stop(self) -> None:
        """Stop the node (SIGTERM to its process group, SIGKILL after 15 s) and clean up."""
        self._reap()
        if self._log is not None:
            self._log.close()
            self._log = None
        if not self.keep_home:
            shutil.rmtree(self.home, ignore_errors=True)

    def __enter__(self) -> "Localnet":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _terminate_group(pid: int, proc: subprocess.Popen[bytes] | None = None, grace: float = 15.0) -> None:
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            if proc is not None:
                if proc.poll() is not None:
                    return
            elif not _alive(pid):
                return
            time.sleep(0.1)


def _reap_if_child(pid: int, timeout: float = 15.0) -> None:
    """Wait for ``pid`` when it is our own child (a process that ran both `up` and `down`).

    Needed because a Go program's main thread can show as a zombie while its other threads are
    still shutting down: only ``waitpid`` says for sure that the whole process is gone.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            done, _ = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return  # not our child (the usual CLI case), or already reaped
        if done or time.monotonic() > deadline:
            return
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie (exited, not reaped by its detached parent) counts as dead, unless only its main
    # thread has exited and other threads are still running (a Go program shutting down)
    try:
        with open(f"/proc/{pid}/stat") as fh:
            if fh.read().split(") ", 1)[1][0] != "Z":
                return True
        with open(f"/proc/{pid}/status") as fh:
            threads = next((int(line.split()[1]) for line in fh if line.startswith("Threads:")), 1)
        return threads > 1
    except (OSError, IndexError, ValueError):
        return True


# ----------------------------------------------------------------------------------------------
# detached nodes (zkvct chain up / down)


def default_home() -> Path:
    """Where ``zkvct chain up`` keeps its node: ``$ZKVCT_LOCALNET_HOME`` or ``~/.local/state/zkvct/localnet``."""
    env = os.environ.get("ZKVCT_LOCALNET_HOME")
    if env:
        return Path(env)
    base = Path(os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state")
    return base / "zkvct" / "localnet"


def load_info(home: str | os.PathLike[str] | None = None) -> LocalnetInfo:
    """The record of a node started by ``zkvct chain up`` (raises if none is running there)."""
    home = Path(home) if home else default_home()
    path = home / INFO_FILE
    if not path.is_file():
        raise LocalnetError(f"no local node recorded in {home} (start one with `zkvct chain up`)")
    info = LocalnetInfo.from_json(json.loads(path.read_text()))
    if info.pid is None or not _is_our_node(info.pid, home):
        raise LocalnetError(f"the node recorded in {path} is not running (start one with `zkvct chain up`)")
    return info


def _is_our_node(pid: int, home: Path) -> bool:
    """True if ``pid`` is a live ``wasmd start`` for this home (guards against recycled pids)."""
    if not _alive(pid):
        return False
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"start" in argv and str(home).encode() in argv


def start_detached(home: str | os.PathLike[str] | None = None, **kwargs: Any) -> LocalnetInfo:
    """``zkvct chain up``: a fresh chain in ``home`` that keeps running after this process exits."""
    home = Path(home) if home else default_home()
    if (home / INFO_FILE).is_file():
        try:
            info = load_info(home)
        except LocalnetError:
            shutil.rmtree(home, ignore_errors=True)  # a stale record of a dead node
        else:
            raise LocalnetError(f"a node is already running from {home} (pid {info.pid}); `zkvct chain down` first")
    elif home.exists() and any(home.iterdir()):
        raise LocalnetError(f"{home} exists and is not a zkvct local node; choose another --home")
    net = Localnet(home=home, keep_home=True, **kwargs)
    try:
        info = net.start(detach=True)
    except BaseException:
        shutil.rmtree(home, ignore_errors=True)  # a half-made chain is of no use to anyone
        raise
    net._log and net._log.close()
    return info


def stop_detached(home: str | os.PathLike[str] | None = None, keep_home: bool = False) -> LocalnetInfo | None:
    """``zkvct chain down``: stop the node recorded in ``home`` and (by default) delete its data."""
    home = Path(home) if home else default_home()
    path = home / INFO_FILE
    if not path.is_file():
        return None
    info = LocalnetInfo.from_json(json.loads(path.read_text()))
    if info.pid is not None and _is_our_node(info.pid, home):
        _terminate_group(info.pid)
        _reap_if_child(info.pid)
    if not keep_home:
        shutil.rmtree(home, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)
    return info


__all__ = [
    "BECH32_PREFIX", "DENOM", "Localnet", "LocalnetError", "LocalnetInfo", "find_wasmd",
    "load_info", "start_detached", "stop_detached", "default_home",
]

if __name__ == "__main__":  # pragma: no cover - manual smoke run
    with Localnet() as _net:
        print(json.dumps(_net.info.to_json() if _net.info else {}, indent=2))
        _net.wait_for_height(5)
        sys.exit(0)
