"""``zkvct mirror devnode|deploy|sync`` as real processes: the devnode serves py-evm over JSON-RPC
on 127.0.0.1, ``deploy`` puts the registry there, and a sync through :class:`zkvct.evm.rpc.RpcEvm`
(the path the CLI takes to Hedera or Cronos) copies once and then sends nothing."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

import httpx
import pytest

from sources import PythonSource
from zkvct.credentials.sample import SAMPLE_ISSUER_DID
from zkvct.credentials.verify import registration_roles
from zkvct.evm.mirror import SourceStatement, sync
from zkvct.evm.registry import Registry, compile_cached, registry_source
from zkvct.evm.rpc import EvmRpcError, RpcEvm
from zkvct.chain.localnet import free_port as _free_port

pytestmark = [pytest.mark.slow]
KEY_ENV = "ZKVCT_TEST_EVM_KEY"


@pytest.fixture(scope="module")
def devnode():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "zkvct", "mirror", "devnode", "--port", str(port)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(200):
            try:
                if httpx.get(url + "health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise AssertionError("the devnode did not start: " + proc.stderr.read1().decode(errors="replace"))
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="module")
def relayer_key():
    """eth-tester's first funded test key (public, worthless)."""
    from eth_tester.backends.pyevm.main import get_default_account_keys

    return "0x" + get_default_account_keys()[0].to_bytes().hex()


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "zkvct", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_deploy_then_sync_over_json_rpc(devnode, relayer_key, age_anon):
    out = _cli("mirror", "deploy", "--evm-rpc", devnode, "--evm-key-env", KEY_ENV, "--root-window-secs", "600",
               "--json", env={KEY_ENV: relayer_key})
    assert out.returncode == 0, out.stderr
    assert relayer_key[2:] not in out.stdout + out.stderr  # the key is never echoed
    address = json.loads(out.stdout)["registry"]
    evm = RpcEvm(devnode, relayer_key)
    abi = compile_cached({"ZkvctRegistry.sol": registry_source()})["ZkvctRegistry"].abi
    reg = Registry(evm, evm.at(address, abi))
    src = PythonSource()
    src.statements["age-18-anon"] = [SourceStatement("age-18-anon", 1, tuple(registration_roles(age_anon.statement)),
                                                     (SAMPLE_ISSUER_DID,), age_anon.vk)]
    src.current[SAMPLE_ISSUER_DID] = 777
    assert [a["action"] for a in sync(src, reg, ["age-18-anon"]).actions] == ["register", "anchor_root"]
    assert reg.statement("age-18-anon")["n_public"] == 6 and reg.current_root(SAMPLE_ISSUER_DID) == 777
    assert sync(src, reg, ["age-18-anon"]).actions == []
    # a stranger's key is refused with the registry's reason, over JSON-RPC too
    from eth_tester.backends.pyevm.main import get_default_account_keys

    stranger = RpcEvm(devnode, "0x" + get_default_account_keys()[5].to_bytes().hex())
    with pytest.raises(Exception, match="sender_not_authorized"):
        Registry(stranger, stranger.at(address, abi)).anchor_root(SAMPLE_ISSUER_DID, 888)


def test_bad_inputs_are_clear_errors(devnode):
    out = _cli("mirror", "deploy", "--evm-rpc", devnode, "--evm-key-env", "ZKVCT_UNSET_VAR_FOR_TEST")
    assert out.returncode == 2 and "ZKVCT_UNSET_VAR_FOR_TEST" in out.stderr and "Traceback" not in out.stderr
    out = _cli("mirror", "sync", "--grpc", "grpc+http://127.0.0.1:1", "--chain-id", "x", "--verifier", "shareledger1x",
               "--evm-rpc", "http://127.0.0.1:1/", "--registry", "0x" + "00" * 20, "--statement", "s", "--json")
    assert out.returncode == 2 and '"ok": false' in out.stdout and "Traceback" not in out.stderr
    with pytest.raises(EvmRpcError, match="127.0.0.1:1"):
        RpcEvm("http://127.0.0.1:1/")
