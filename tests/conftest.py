"""Shared fixtures. Interop tests use the real snarkjs/circom2 from tests/peers (see tests/peers.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import peers  # noqa: E402


@pytest.fixture(scope="session")
def npm_peers():
    """The peers module; fails loudly (not skips) when setup did not install them."""
    if not peers.have_peers():
        pytest.fail("npm peers missing: run `bash scripts/setup.sh` (installs tests/peers/node_modules)")
    return peers


@pytest.fixture(scope="session")
def ptau_dir(tmp_path_factory, npm_peers):
    """Session cache directory for snarkjs-made .ptau files (see tests/ptau_cache.py)."""
    return tmp_path_factory.mktemp("ptau_cache")


@pytest.fixture(scope="session")
def ptau9(ptau_dir):
    """A prepared bn128 .ptau of power 9 (domains up to 512) made by the real snarkjs."""
    import ptau_cache

    return ptau_cache.prepared_ptau(9, ptau_dir)


@pytest.fixture(autouse=True)
def _ceremony_key_passphrase(monkeypatch):
    """Participant keys made by `zkvct ceremony keygen` are sealed under a passphrase; the tests'
    CLI runs and subprocesses take it from the environment, as a participant's shell would."""
    monkeypatch.setenv("ZKVCT_CEREMONY_PASSPHRASE", "test-only ceremony key passphrase")
