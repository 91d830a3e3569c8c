"""``zkvct serve CONFIG``: run the local HTTP prover/verifier for wallets (see zkvct.services.prover)."""
from __future__ import annotations

from pathlib import Path

import click

from .common import command_errors, emit, json_option


@click.command("serve")
@click.argument("config_path", metavar="CONFIG", type=click.Path(dir_okay=False))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (keep it local: requests carry holder secrets).")
@click.option("--port", default=8787, show_default=True, type=click.IntRange(0, 65535))
@click.option("--token-file", type=click.Path(dir_okay=False), default=None,
              help="Bearer token file (made at the first start, mode 0600). Default: prover.token beside CONFIG.")
@click.option("--allow-host", multiple=True, help="Extra Host header value to answer to (default: 127.0.0.1, localhost, [::1]).")
@click.option("--allow-origin", multiple=True, help="Web origin allowed to call the API (default: none).")
@click.option("--max-active", default=32, show_default=True, type=click.IntRange(1, 1024), help="Requests in flight at once.")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64), help="Proofs computed at once.")
@json_option
@command_errors
def serve(config_path: str, host: str, port: int, token_file: str | None, allow_host: tuple[str, ...], allow_origin: tuple[str, ...],
          max_active: int, threads: int, as_json: bool) -> None:
    """Serve POST /v1/prove, POST /v1/verify and GET /v1/statements for the statements in CONFIG.

    CONFIG is JSON: {"statements": [{"id": "age18", "statement": "age_gte", "params": {"years": 18},
    "zkey": "keys/age_gte.zkey"}]}; zkey paths are relative to CONFIG's folder. Clients send
    Authorization: Bearer <the token in the token file>.
    """
    from ..services.prover.app import build_app, default_token_file
    from ..services.prover.config import load_config, load_statements
    from ..services.prover.service import ProverService
    from ..web.auth import LOCAL_HOSTS, load_or_create_token
    from ..web.serve import ServeSettings, run

    config = load_config(config_path)
    statements = load_statements(config, Path(config_path).resolve().parent)
    tpath = Path(token_file) if token_file else default_token_file(config_path)
    token = load_or_create_token(tpath)
    app = build_app(ProverService(statements), token, allowed_hosts=set(LOCAL_HOSTS) | set(allow_host),
                    allowed_origins=set(allow_origin), max_active=max_active, threads=threads)

    def ready(addr) -> None:
        url = f"http://{addr[0]}:{addr[1]}"
        emit({"ok": True, "url": url, "statements": sorted(statements), "token_file": str(tpath)}, as_json,
             f"serving {', '.join(sorted(statements))} on {url} (token in {tpath}; Ctrl-C stops)")

    run(app, ServeSettings(host=host, port=port, max_connections=256), ready)


def register(main: click.Group) -> None:
    main.add_command(serve)
