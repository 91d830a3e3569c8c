"""Issuer test fixtures: see issuer_fixtures.py (shared with tests/wallet); real PostgreSQL."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from issuer_fixtures import issuer_home, issuer_proc, services  # noqa: E402,F401
from pg import pg_server, pg_url  # noqa: E402,F401
