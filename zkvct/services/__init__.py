"""HTTP services built on :mod:`zkvct.web` (one package per service)."""
