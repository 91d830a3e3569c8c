"""``zkvct zkey export verificationkey``: the verification key of a .zkey as snarkjs writes it."""
from __future__ import annotations

import click

from .common import command_errors, emit, json_option


@click.group("zkey")
def zkey_group() -> None:
    """Groth16 proving keys (.zkey)."""


@zkey_group.group("export")
def export_group() -> None:
    """Export parts of a .zkey."""


@export_group.command("verificationkey")
@click.argument("zkey_path", metavar="ZKEY", type=click.Path(dir_okay=False))
@click.argument("vk_path", metavar="VK", type=click.Path(dir_okay=False, writable=True), default="verification_key.json")
@json_option
@command_errors
def export_vk(zkey_path: str, vk_path: str, as_json: bool) -> None:
    """Write the verification key of ZKEY to VK (default verification_key.json)."""
    from ..groth16.export import export_verification_key

    vk = export_verification_key(zkey_path, vk_path)
    emit({"ok": True, "verification_key": vk_path, "n_public": vk.nPublic}, as_json, f"wrote {vk_path} (nPublic = {vk.nPublic})")


def register(main: click.Group) -> None:
    existing = main.commands.get("zkey")
    if isinstance(existing, click.Group):  # another module (ceremony) may own `zkey`: merge
        existing.add_command(export_group)
    else:
        main.add_command(zkey_group)
