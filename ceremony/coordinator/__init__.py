"""Ceremony coordinator service (HTTP + SQLite) and the contributor client."""
