"""The local wasmd node itself: build, genesis, listeners, keys, blocks, tx indexer, clean stop."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys

import pytest

from zkvct.chain.keys import localnet_mnemonic, localnet_wallet
from zkvct.chain.localnet import ACCOUNT_FUNDS, DENOM, Localnet, find_wasmd, listener_owned_by, listening_sockets
from zkvct.chain.rpc import CometRpc

pytestmark = pytest.mark.chain


def test_wasmvm_is_the_shareledger_line():
    """The binary finds its libwasmvm at run time and it is ShareLedger's 1.2.3."""
    out = subprocess.run([str(find_wasmd()), "query", "wasm", "libwasmvm-version"],
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "1.2.3"


def test_node_is_local_and_producing_blocks(localnet):
    info = localnet.info
    rpc = CometRpc(info.rpc_url)
    status = rpc.status()
    assert status["node_info"]["network"] == info.chain_id
    h1 = int(status["sync_info"]["latest_block_height"])
    localnet.wait_for_height(h1 + 2, timeout=20)
    cfg = (localnet.home / "config" / "config.toml").read_text()
    app = (localnet.home / "config" / "app.toml").read_text()
    assert f'laddr = "tcp://127.0.0.1:{info.rpc_port}"' in cfg
    assert f'laddr = "tcp://127.0.0.1:{info.p2p_port}"' in cfg
    assert 'indexer = "kv"' in cfg and 'timeout_commit = "200ms"' in cfg
    assert f'address = "127.0.0.1:{info.grpc_port}"' in app
    # nothing of ours listens on a wildcard address
    listening = listening_sockets(localnet.proc.pid)
    assert listening, "could not read the node's sockets"
    assert all(addr == "127.0.0.1" for addr, _ in listening), listening


def test_test_keys_match_wasmd_keyring(tmp_path):
    """cosmpy's derivation of the public test mnemonics agrees with wasmd's own keyring."""
    for name in ("alice", "eve"):
        res = subprocess.run(
            [str(find_wasmd()), "keys", "add", name, "--recover", "--keyring-backend", "test",
             "--home", str(tmp_path), "--output", "json"],
            input=localnet_mnemonic(name) + "\n", capture_output=True, text=True, timeout=60,
        )
        assert res.returncode == 0, res.stderr
        assert f'"address":"{localnet_wallet(name).address()}"' in res.stdout + res.stderr


def test_genesis_funds_and_transfer_is_indexed(localnet, chain, wallets):
    genesis = json.loads((localnet.home / "config" / "genesis.json").read_text())
    funded = {b["address"]: b["coins"] for b in genesis["app_state"]["bank"]["balances"]}
    for w in wallets.values():
        assert funded[str(w.address())] == [{"denom": DENOM, "amount": str(ACCOUNT_FUNDS)}]
    assert chain.balance(str(wallets["eve"].address())) > 0
    sender, receiver = wallets["dave"], localnet_wallet("zkvct-fresh-receiver")
    before = chain.balance(str(receiver.address()))
    tx = chain.ledger.send_tokens(receiver.address(), 1234, DENOM, sender).wait_to_complete(poll_period=0.05)
    assert chain.balance(str(receiver.address())) == before + 1234
    found = CometRpc(localnet.info.rpc_url).tx_search(f"transfer.recipient='{receiver.address()}'")
    assert [t.hash.upper() for t in found] == [tx.tx_hash.upper()]
    assert found[0].height == tx.response.height


def test_second_node_runs_beside_and_stops_cleanly():
    """Two nodes do not collide (free ports), and stop() leaves no process and no home behind."""
    net = Localnet(chain_id="zkvct-second-1")
    net.start()
    pid, home = net.proc.pid, net.home
    assert CometRpc(net.info.rpc_url).latest_height() >= 1
    net.stop()
    assert not home.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def _taken_ports_first(monkeypatch, taken: int, how_many: int, at: int = 1):
    """Make ``how_many`` sets of five port picks return ``taken`` (a port another process holds)
    as their ``at``-th pick (1 = the RPC port, 2 = gRPC)."""
    import zkvct.chain.localnet as localnet_mod

    real = localnet_mod.free_port
    picks = {"n": 0}

    def pick() -> int:
        picks["n"] += 1
        n = picks["n"]
        return taken if (n - 1) // 5 < how_many and (n - 1) % 5 == at - 1 else real()

    monkeypatch.setattr(localnet_mod, "free_port", pick)
    return picks


def test_a_port_taken_between_pick_and_bind_is_picked_again(monkeypatch):
    """Another process grabbing the RPC port after it was picked must not fail the start.

    The ephemeral range is shared with every outgoing connection on the machine, so the gap
    between choosing a free port and wasmd binding it is a real race (it failed a CI run).
    """
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        picks = _taken_ports_first(monkeypatch, taken, 1)   # the RPC port of the first attempt
        with Localnet(timeout_commit_ms=200) as net:
            assert net.info.rpc_port != taken
            assert CometRpc(net.info.rpc_url).latest_height() >= 1
            assert "address already in use" in (net.home / "node.log").read_text()
        assert picks["n"] >= 10                              # a second set of five was picked


def test_a_start_that_cannot_bind_names_the_port_error(monkeypatch):
    """When every attempt loses its port, the error leads with wasmd's own reason, not its flag list."""
    import socket

    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        _taken_ports_first(monkeypatch, taken, 10_000)   # the RPC port of every attempt
        net = Localnet(timeout_commit_ms=200)
        with pytest.raises(Exception) as err:
            net.start(timeout=30)
        assert "address already in use" in str(err.value)
        assert str(taken) in str(err.value)


def test_the_node_gets_five_different_ports_when_picks_repeat(monkeypatch):
    """Two picks in a row can return the same port; two listeners of the node on one port left
    its gRPC port served by the HTTP/1 API server (a CI run failed on it)."""
    import zkvct.chain.localnet as localnet_mod

    seq = iter([41001, 41001, 41002, 41002, 41002, 41003, 41004, 41005])
    monkeypatch.setattr(localnet_mod, "free_port", lambda: next(seq))
    assert localnet_mod._distinct_free_ports(5) == [41001, 41002, 41003, 41004, 41005]
    monkeypatch.setattr(localnet_mod, "free_port", lambda: 41001)
    with pytest.raises(localnet_mod.LocalnetError, match="5 different free ports"):
        localnet_mod._distinct_free_ports(5)


@contextlib.contextmanager
def _listener_in_another_process():
    """(pid, port) of a child process listening on 127.0.0.1, killed on exit."""
    child = subprocess.Popen(
        [sys.executable, "-c", "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(); "
                               "print(s.getsockname()[1], flush=True); time.sleep(120)"],
        stdout=subprocess.PIPE, text=True)
    try:
        yield child.pid, int(child.stdout.readline())
    finally:
        child.kill()
        child.wait()


def test_listener_ownership_is_told_apart():
    """A port that accepts connections may be another process's: only the holder owns it."""
    import socket

    with socket.socket() as mine:
        mine.bind(("127.0.0.1", 0))
        mine.listen()
        assert listener_owned_by(os.getpid(), mine.getsockname()[1]) is True
    with _listener_in_another_process() as (pid, port):
        assert listener_owned_by(pid, port) is True
        assert listener_owned_by(os.getpid(), port) is False


def test_a_grpc_port_held_by_another_process_is_picked_again(monkeypatch):
    """gRPC's port taken between pick and bind: the start picks again, and the gRPC port the
    client is given is the node's own (the readiness check used to accept any listener)."""
    with _listener_in_another_process() as (_, taken):
        picks = _taken_ports_first(monkeypatch, taken, 1, at=2)
        with Localnet(timeout_commit_ms=200) as net:
            assert net.info.grpc_port != taken
            assert listener_owned_by(net.proc.pid, net.info.grpc_port) is True
        assert picks["n"] >= 10
