"""``zkvct serve CONFIG``: run the local HTTP prover/verifier for wallets (see zkvct.http_api)."""
from __future__ import annotations

from pathlib import Path

import click

from .common import command_errors, emit, json_option


@click.command("serve")
@click.argument("config_path", metavar="CONFIG", type=click.Path(dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local: requests carry holder secrets).")
@click.option("--port", default=8787, show_default=True, type=click.IntRange(0, 65535))
@json_option
@command_errors
def serve(config_path: str, host: str, port: int, as_json: bool) -> None:
    """Serve POST /v1/prove, POST /v1/verify and GET /v1/statements for the statements in CONFIG.

    CONFIG is JSON: {"statements": [{"id": "age18", "statement": "age_gte", "params": {"years": 18},
    "zkey": "keys/age_gte.zkey"}]}; zkey paths are relative to CONFIG's folder.
    """
    from ..http_api import ProverService, RunningService, load_config, load_statements

    config = load_config(config_path)
    statements = load_statements(config, Path(config_path).resolve().parent)
    running = RunningService(ProverService(statements), host, port).start()
    emit({"ok": True, "url": running.url, "statements": sorted(statements)}, as_json,
         f"serving {', '.join(sorted(statements))} on {running.url} (Ctrl-C stops)")
    try:
        running.thread.join()
    except KeyboardInterrupt:
        running.stop()


def register(main: click.Group) -> None:
    main.add_command(serve)
