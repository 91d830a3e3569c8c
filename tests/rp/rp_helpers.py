"""Small helpers shared by the relying-party tests (a module of its own: every test folder has a
``conftest`` and only one can be imported by that name)."""
from __future__ import annotations

import datetime as _dt


def today() -> str:
    """Today's UTC date, ISO: the date a wallet proves against (the verifier's clock is real time)."""
    return _dt.datetime.now(_dt.timezone.utc).date().isoformat()
