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
