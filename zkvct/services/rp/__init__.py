"""Relying-party service: LINK-style workflows, signed proof requests, response checks, webhooks."""
