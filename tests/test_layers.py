"""Layers import only downward (docs/DESIGN.md, "Layers").

Every module of ``zkvct``, ``circuits`` and ``ceremony`` is parsed with :mod:`ast` (imports inside
functions and ``TYPE_CHECKING`` blocks count: a lazy import is still a dependency) and each import
of a project module is checked against :data:`LAYERS`. A module in no layer fails the test too, so
a new package has to be placed before it can land.

Also here: the CLI's ``zkey`` group has one owner, so the commands it offers do not depend on the
order the CLI modules register in.
"""
from __future__ import annotations

import ast
from pathlib import Path

import click
import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("zkvct", "circuits", "ceremony")

BOTTOM, MIDDLE, PROTOCOL, TOP = 0, 1, 2, 3
LAYER_NAMES = {BOTTOM: "bottom (field, curve, formats, groth16, native facade)",
               MIDDLE: "middle (dsl, circuits, ceremony, chain, did)",
               PROTOCOL: "credentials protocol", TOP: "top (CLI and services)"}

#: module prefix -> layer; the longest matching prefix decides. ``zkvct`` itself is matched
#: exactly (see :data:`EXACT`), so a new ``zkvct.<something>`` must be placed here explicitly.
LAYERS: dict[str, int] = {
    # bottom: arithmetic, file formats, the proof system and the native facade
    "zkvct.field": BOTTOM,
    "zkvct.curve": BOTTOM,
    "zkvct.errors": BOTTOM,
    "zkvct.r1cs": BOTTOM,
    "zkvct._native": BOTTOM,
    "zkvct.native": BOTTOM,    # the one facade over zkvct._native (see test_only_the_facade_imports_the_extension)
    "zkvct.formats": BOTTOM,
    "zkvct.groth16": BOTTOM,
    "zkvct.sealed": BOTTOM,    # secrets at rest (scrypt + AES-GCM): used by every layer that keeps a key
    "zkvct.webhook": BOTTOM,   # the receiver's check, stdlib only, so a receiver can vendor it
    # middle: what is built on the proof system (circuits and their compiler, the ceremony,
    # the chain client, DIDs)
    "zkvct.dsl": MIDDLE,
    "circuits": MIDDLE,
    "ceremony": MIDDLE,
    "zkvct.chain": MIDDLE,
    "zkvct.did": MIDDLE,
    # the credentials protocol: issuer, holder and verifier logic over circuits, chain and DIDs
    "zkvct.credentials": PROTOCOL,
    # top: every process a user starts (CLI, HTTP services)
    "zkvct.cli": TOP,
    "zkvct.http_api": TOP,
    "zkvct.services": TOP,
    "zkvct.web": TOP,
    "zkvct.wallet": TOP,
    "zkvct.demo": TOP,
    "zkvct.__main__": TOP,
    "ceremony.coordinator": TOP,
}

#: modules placed by their exact name only (not their submodules)
EXACT: dict[str, int] = {"zkvct": BOTTOM}  # the package's __init__ (__version__)

#: (importer prefix, imported prefix): forbidden although the layers would allow it
FORBIDDEN = [
    ("zkvct.dsl", "circuits"),  # the DSL is generic: gadgets and statements build on it, never the reverse
]

#: (importing module, imported module) pairs tolerated for now, each with the file that holds it;
#: the lead clears them. The test fails when one no longer occurs, so the list cannot go stale.
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()


def layer_of(module: str) -> int | None:
    if module in EXACT:
        return EXACT[module]
    best = None
    for prefix, layer in LAYERS.items():
        if module == prefix or module.startswith(prefix + "."):
            if best is None or len(prefix) > len(best[0]):
                best = (prefix, layer)
    return None if best is None else best[1]


def _module_name(path: Path, repo: Path = REPO) -> str:
    parts = list(path.relative_to(repo).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _is_module(dotted: str, repo: Path) -> bool:
    base = repo.joinpath(*dotted.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists() or \
        any(base.parent.glob(base.name + ".*.so")) or base.with_suffix(".pyi").exists()


def project_imports(path: Path, repo: Path = REPO) -> list[tuple[str, int]]:
    """(imported project module, line) for every import in the file, relative ones resolved."""
    module = _module_name(path, repo)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                parts = parts[:len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            for alias in node.names:  # `from pkg import sub` imports the submodule pkg.sub
                sub = f"{base}.{alias.name}"
                found.append((sub if _is_module(sub, repo) else base, node.lineno))
    return [(m, line) for m, line in found if m.split(".")[0] in PACKAGES]


def _sources(repo: Path = REPO) -> list[Path]:
    return sorted(p for pkg in PACKAGES for p in (repo / pkg).rglob("*.py"))


def test_every_module_has_a_layer():
    unplaced = sorted({_module_name(p) for p in _sources() if layer_of(_module_name(p)) is None})
    assert unplaced == [], f"modules in no layer (add them to LAYERS in tests/test_layers.py): {unplaced}"


def _violations(repo: Path = REPO) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for path in _sources(repo):
        me = _module_name(path, repo)
        my_layer = layer_of(me)
        for target, line in project_imports(path, repo):
            their = layer_of(target)
            where = f"{path.relative_to(repo)}:{line}"
            if their is None:
                out[(me, target)] = f"{where}: {me} imports {target}, which is in no layer"
            elif my_layer is not None and their > my_layer:
                out[(me, target)] = (f"{where}: {me} ({LAYER_NAMES[my_layer]}) imports {target} "
                                     f"({LAYER_NAMES[their]}), a higher layer")
            for low, high in FORBIDDEN:
                if (me == low or me.startswith(low + ".")) and (target == high or target.startswith(high + ".")):
                    out[(me, target)] = f"{where}: {me} must not import {target} ({low} never imports {high})"
    return out


def test_no_module_imports_from_a_higher_layer():
    found = _violations()
    new = {k: v for k, v in found.items() if k not in KNOWN_EXCEPTIONS}
    assert not new, "upward imports:\n" + "\n".join(sorted(new.values()))
    stale = KNOWN_EXCEPTIONS - set(found)
    assert not stale, f"these known exceptions are gone: remove them from KNOWN_EXCEPTIONS: {sorted(stale)}"


def test_the_checker_catches_an_upward_import(tmp_path):
    """The rule can fail: a bottom-layer module that imports the CLI is reported."""
    fake = tmp_path / "zkvct" / "formats"
    fake.mkdir(parents=True)
    (tmp_path / "zkvct" / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("")
    (fake / "leak.py").write_text("def f():\n    from ..cli.main import main\n    import circuits.gadgets\n")
    (tmp_path / "zkvct" / "cli").mkdir()
    (tmp_path / "zkvct" / "cli" / "__init__.py").write_text("")
    (tmp_path / "zkvct" / "cli" / "main.py").write_text("")
    (tmp_path / "zkvct" / "dsl").mkdir()
    (tmp_path / "zkvct" / "dsl" / "__init__.py").write_text("from circuits.statements.roles import CREDENTIAL_ROLES\n")
    found = _violations(tmp_path)
    assert set(found) == {("zkvct.formats.leak", "zkvct.cli.main"), ("zkvct.formats.leak", "circuits.gadgets"),
                          ("zkvct.dsl", "circuits.statements.roles")}
    assert "never imports circuits" in found[("zkvct.dsl", "circuits.statements.roles")]
    assert "a higher layer" in found[("zkvct.formats.leak", "zkvct.cli.main")]


def test_only_the_facade_imports_the_extension():
    """One door to the native core: every other module goes through ``zkvct.native``."""
    direct = sorted(f"{p.relative_to(REPO)}:{line}" for p in _sources() if _module_name(p) != "zkvct.native"
                    for target, line in project_imports(p) if target == "zkvct._native")
    assert direct == [], f"import zkvct.native instead of zkvct._native: {direct}"


@pytest.mark.parametrize("module, layer", [
    ("zkvct.field", BOTTOM), ("zkvct.groth16.prove", BOTTOM), ("zkvct.dsl.builder", MIDDLE),
    ("ceremony.phase2", MIDDLE), ("ceremony.coordinator.server", TOP), ("zkvct.credentials.issuer", PROTOCOL),
    ("zkvct.cli.main", TOP), ("zkvct.services.verifier", TOP), ("zkvct", BOTTOM), ("zkvct.zzz", None),
])
def test_layer_map(module, layer):
    """``None``: an unplaced module, which test_every_module_has_a_layer refuses."""
    assert layer_of(module) == layer


# -- the CLI's zkey group has one owner ------------------------------------------------------------

def _zkey_commands(order) -> dict[str, list[str]]:
    root = click.Group("zkvct")
    for module in order:
        module.register(root)
    zkey = root.commands["zkey"]
    out = {"zkey": sorted(zkey.commands)}
    out["zkey export"] = sorted(zkey.commands["export"].commands)
    return out


def test_zkey_group_does_not_depend_on_registration_order():
    from zkvct.cli import ceremony_cmd, groth16_cmd, zkey_cmd

    forward = _zkey_commands([groth16_cmd, zkey_cmd, ceremony_cmd])
    backward = _zkey_commands([ceremony_cmd, zkey_cmd, groth16_cmd])
    assert forward == backward == {"zkey": ["beacon", "contribute", "export", "verify"],
                                   "zkey export": ["verificationkey"]}


def test_only_zkey_cmd_builds_the_zkey_group():
    """No other CLI module creates or looks up a `zkey` group."""
    owners = []
    for path in sorted((REPO / "zkvct" / "cli").glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if path.name != "zkey_cmd.py" and ('group("zkey"' in text or 'Group("zkey"' in text
                                            or 'commands.get("zkey")' in text):
            owners.append(path.name)
    assert owners == []
