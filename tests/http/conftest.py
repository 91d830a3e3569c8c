"""Fixtures for the web-stack and service tests: a real PostgreSQL (tests/pg.py)."""
from pg import pg_server, pg_url  # noqa: F401
