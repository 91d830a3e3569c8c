"""The demo's process supervisor (`zkvct.demo.procs.Services`): real services, real ports."""
from __future__ import annotations

import secrets
import socket

import httpx

import zkvct.demo.procs as procs
from zkvct.demo.procs import Services, zkvct_command


def test_a_service_that_loses_its_picked_port_starts_on_another(tmp_path, monkeypatch):
    """Between picking a free port and the child binding it, another process can take it (the
    ephemeral range is shared with every outgoing connection). The supervisor's restart must then
    pick a new port, not retry the taken one."""
    secret = tmp_path / "webhook.secret"
    secret.write_text(secrets.token_hex(32))
    secret.chmod(0o600)
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = holder.getsockname()[1]
        real, picks = procs.free_port, []

        def pick() -> int:
            picks.append(taken if not picks else real())
            return picks[-1]

        monkeypatch.setattr(procs, "free_port", pick)
        with Services(tmp_path / "logs") as svc:
            started = svc.start_many({"receiver": (zkvct_command(
                "rp", "receiver", "--secret-file", str(secret), "--log", str(tmp_path / "d.jsonl"),
                "--port", "{port}"), {"timeout": 30.0})})
            port = started["receiver"].port
            assert port != taken and len(picks) == 2
            assert httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        assert "address already in use" in (tmp_path / "logs" / "receiver.log").read_text().lower()
