"""The per-process cache of checked proving keys (zkvct.groth16.keycache) and the lazy CLI.

Threats: a cache that serves a key for a file whose bytes changed (a stat tuple would miss a
same-size rewrite with its mtime put back), a key decoded without the subgroup check (for a
``trusted`` caller) served to a caller that did not vouch for it, and provers sharing one
entry across threads.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from click.testing import CliRunner

from g16_badpoints import g2_not_in_subgroup
from zkvct.formats.wtns_file import write_wtns
from zkvct.formats.zkey import ZkeyError, read_zkey
from zkvct.groth16.export import verification_key
from zkvct.groth16.json_models import Proof, PublicSignals
from zkvct.groth16.keycache import KeyCache, file_digest
from zkvct.groth16.prove import prove, prove_loaded, prove_with_key
from zkvct.groth16.setup import dev_setup
from zkvct.groth16.synthetic import chain_circuit
from zkvct.groth16.verify import verify

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _private_cache_home(tmp_path, monkeypatch):
    """The CLI records checked keys under $XDG_CACHE_HOME: keep the tests' records out of ~."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture(scope="module")
def keys(tmp_path_factory):
    """Two independent dev keys of one circuit (same size, different content) and a witness."""
    d = tmp_path_factory.mktemp("cache")
    r1cs, witness = chain_circuit(20, x0=5)
    out = {}
    for name in ("a", "b"):
        dev_setup(r1cs, d / f"{name}.zkey")
        with read_zkey(d / f"{name}.zkey") as zk:
            out[name] = (d / f"{name}.zkey", verification_key(zk))
    assert out["a"][0].stat().st_size == out["b"][0].stat().st_size
    return d, witness, out


def _b2_offset(path: Path) -> int:
    with read_zkey(path, trusted=True) as zk:
        return zk.binfile.sections[7][0][0]


def _overwrite_keeping_stat(dst: Path, data: bytes) -> None:
    """Rewrite ``dst`` in place (same inode, same size) and put its timestamps back."""
    st = dst.stat()
    with open(dst, "r+b") as fh:
        fh.write(data)
    os.utime(dst, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert dst.stat().st_size == st.st_size and dst.stat().st_mtime_ns == st.st_mtime_ns


def test_hit_gives_the_same_proof_as_a_fresh_key(keys):
    _, witness, k = keys
    path, vk = k["a"]
    cache = KeyCache()
    first = prove_loaded(cache.load(path), witness, r=11, s=13)
    second = prove_loaded(cache.load(path), witness, r=11, s=13)
    assert (cache.misses, cache.hits) == (1, 1)
    with read_zkey(path) as zk:
        fresh = prove_with_key(zk, witness, r=11, s=13)
    assert first.proof == second.proof == fresh.proof
    assert first.publics == fresh.publics
    assert verify(vk, first.publics, first.proof).ok


def test_module_level_prove_uses_the_cache(keys):
    from zkvct.groth16.keycache import KEYS

    _, witness, k = keys
    path, vk = k["a"]
    KEYS.clear()
    p1 = prove(path, witness, r=3, s=4)
    p2 = prove(path, witness, r=3, s=4)
    assert (KEYS.misses, KEYS.hits) == (1, 1)
    assert p1.proof == p2.proof and verify(vk, p2.publics, p2.proof).ok


def test_rewritten_file_with_the_same_stat_is_not_served_from_the_cache(keys, tmp_path):
    d, witness, k = keys
    path = tmp_path / "k.zkey"
    shutil.copyfile(k["a"][0], path)
    cache = KeyCache()
    assert verify(k["a"][1], *_pr(prove_loaded(cache.load(path), witness))).ok
    _overwrite_keeping_stat(path, k["b"][0].read_bytes())
    res = prove_loaded(cache.load(path), witness)
    assert cache.misses == 2
    assert verify(k["b"][1], res.publics, res.proof).ok  # proved with the new content
    assert not verify(k["a"][1], res.publics, res.proof).ok


def _pr(res):
    return res.publics, res.proof


def _with_bad_b2(src: Path, dst: Path) -> None:
    """``dst`` = ``src`` with B2's second point replaced by a twist point outside G2 (same size)."""
    data = bytearray(src.read_bytes())
    off = _b2_offset(src) + 128
    data[off:off + 128] = g2_not_in_subgroup(1)[0].to_lem()
    dst.write_bytes(bytes(data))


def test_corrupted_key_is_refused_after_the_good_key_was_cached(keys, tmp_path):
    _, witness, k = keys
    path = tmp_path / "k.zkey"
    shutil.copyfile(k["a"][0], path)
    cache = KeyCache()
    prove_loaded(cache.load(path), witness)
    bad = tmp_path / "bad.zkey"
    _with_bad_b2(path, bad)
    _overwrite_keeping_stat(path, bad.read_bytes())
    with pytest.raises(ZkeyError, match="B2"):
        cache.load(path)
    with pytest.raises(ZkeyError, match="subgroup"):
        KeyCache().load(bad)


def test_trusted_entry_is_not_served_to_an_untrusted_caller(keys, tmp_path):
    _, witness, _ = keys
    bad = tmp_path / "bad.zkey"
    _with_bad_b2(keys[2]["a"][0], bad)
    cache = KeyCache()
    entry = cache.load(bad, trusted=True)  # the caller vouched: no subgroup check of B2
    assert not entry.subgroup_checked
    assert cache.load(bad, trusted=True) is entry
    with pytest.raises(ZkeyError, match="subgroup"):
        cache.load(bad)
    # a fully checked entry serves both kinds of caller
    good = keys[2]["a"][0]
    checked = cache.load(good)
    assert cache.load(good, trusted=True) is checked and checked.subgroup_checked


def test_cache_is_bounded_least_recently_used_first(keys):
    _, _, k = keys
    cache = KeyCache(max_entries=1)
    a = cache.load(k["a"][0])
    cache.load(k["b"][0])
    assert len(cache) == 1
    assert cache.load(k["a"][0]) is not a  # evicted, decoded again
    assert cache.misses == 3
    assert a.digest == file_digest(k["a"][0])


def test_concurrent_provers_share_one_entry(keys):
    _, witness, k = keys
    path, vk = k["a"]
    cache = KeyCache()
    entry = cache.load(path)
    with ThreadPoolExecutor(4) as pool:
        fixed = list(pool.map(lambda _: prove_loaded(cache.load(path), witness, r=5, s=6).proof, range(8)))
        fresh = list(pool.map(lambda _: prove_loaded(entry, witness), range(4)))
    assert all(p == fixed[0] for p in fixed)
    assert all(verify(vk, r.publics, r.proof).ok for r in fresh)
    assert cache.misses == 1


def test_cli_prove_writes_snarkjs_format(keys, tmp_path):
    from zkvct.cli.main import main

    d, witness, k = keys
    path, vk = k["a"]
    write_wtns(tmp_path / "w.wtns", witness)
    args = ["groth16", "prove", str(path), str(tmp_path / "w.wtns"), str(tmp_path / "proof.json"), str(tmp_path / "public.json"), "--json"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    raw_proof = (tmp_path / "proof.json").read_text()
    proof = Proof.load(tmp_path / "proof.json")
    assert raw_proof == proof.dumps()  # snarkjs's JSON.stringify(obj, null, 1), no newline
    assert (tmp_path / "public.json").read_text() == '[\n "5"\n]'
    assert verify(vk, PublicSignals.load(tmp_path / "public.json"), proof).ok
    assert json.loads(res.stdout)["public_signals"] == ["5"]


def test_prove_command_does_not_import_the_heavy_stacks(keys, tmp_path):
    _, witness, k = keys
    write_wtns(tmp_path / "w.wtns", witness)
    code = (
        "import sys; from zkvct.cli.main import main\n"
        f"sys.argv = ['zkvct', 'groth16', 'prove', {str(k['a'][0])!r}, {str(tmp_path / 'w.wtns')!r}, "
        f"{str(tmp_path / 'p.json')!r}, {str(tmp_path / 'q.json')!r}]\n"
        "try:\n    main()\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & {'py_ecc', 'cosmpy', 'fastapi', 'sqlalchemy', "
        "'galois', 'httpx', 'joserfc', 'uvicorn', 'pydantic', 'numpy'})\n"
        "print('HEAVY', heavy)\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout


def test_every_listed_command_is_registered_by_its_module():
    import click

    from zkvct.cli.main import COMMANDS, main

    ctx = click.Context(main)
    for name in COMMANDS:
        cmd = main.get_command(ctx, name)
        assert cmd is not None and cmd.name == name, name


# -- the CLI's on-disk record of checked keys (zkvct.groth16.checked_keys) ----------------------

def test_record_vouches_only_for_the_exact_bytes(keys, tmp_path):
    from zkvct.groth16.checked_keys import CheckedKeys

    bad = tmp_path / "bad.zkey"
    _with_bad_b2(keys[2]["a"][0], bad)
    store = CheckedKeys(tmp_path / "records")
    with pytest.raises(ZkeyError, match="subgroup"):
        KeyCache().load(bad, checked=store)
    assert not store.was_checked(file_digest(bad))  # a refused key is never recorded
    store.record(file_digest(bad))  # as if this user had vouched for these bytes
    assert KeyCache().load(bad, checked=store).subgroup_checked
    # one byte changed elsewhere (the key stays bad): a different digest, checked again, refused
    data = bytearray(bad.read_bytes())
    data[-1] ^= 1
    bad2 = tmp_path / "bad2.zkey"
    bad2.write_bytes(bytes(data))
    with pytest.raises(ZkeyError):
        KeyCache().load(bad2, checked=store)


@pytest.mark.parametrize("tamper", ["mode", "symlink", "content", "dir_mode"])
def test_records_that_are_not_private_and_exact_are_ignored(keys, tmp_path, tamper):
    from zkvct.groth16.checked_keys import CHECK_VERSION, CheckedKeys

    bad = tmp_path / "bad.zkey"
    _with_bad_b2(keys[2]["a"][0], bad)
    digest = file_digest(bad)
    store = CheckedKeys(tmp_path / "records")
    store.record(digest)
    rec = store.dir / f"v{CHECK_VERSION}-{digest.hex()}"
    assert rec.stat().st_mode & 0o777 == 0o600 and store.dir.stat().st_mode & 0o777 == 0o700
    if tamper == "mode":
        rec.chmod(0o644)
    elif tamper == "symlink":
        other = tmp_path / "elsewhere"
        other.write_bytes(rec.read_bytes())
        other.chmod(0o600)
        rec.unlink()
        rec.symlink_to(other)
    elif tamper == "content":
        rec.write_text("zkvct checked zkey v1 sha256 " + "00" * 32 + "\n")
    else:
        store.dir.chmod(0o755)
    assert not store.was_checked(digest)
    with pytest.raises(ZkeyError, match="subgroup"):
        KeyCache().load(bad, checked=store)


def test_cli_refuses_a_corrupted_key_after_checking_the_good_one(keys, tmp_path, monkeypatch):
    from zkvct.cli.main import main
    from zkvct.groth16.checked_keys import CheckedKeys
    from zkvct.groth16.keycache import KEYS

    KEYS.clear()  # as in a fresh `zkvct` process
    _, witness, k = keys
    path = tmp_path / "k.zkey"
    shutil.copyfile(k["a"][0], path)
    write_wtns(tmp_path / "w.wtns", witness)
    args = ["groth16", "prove", str(path), str(tmp_path / "w.wtns"), str(tmp_path / "p.json"), str(tmp_path / "q.json"), "--json"]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 0, res.output
    assert CheckedKeys().was_checked(file_digest(path))  # the check was recorded
    bad = tmp_path / "bad.zkey"
    _with_bad_b2(path, bad)
    _overwrite_keeping_stat(path, bad.read_bytes())
    res = CliRunner().invoke(main, args)
    assert res.exit_code == 2, res.output
    err = json.loads(res.stdout)["error"]
    assert "B2" in err and "subgroup" in err and "Traceback" not in res.output


def test_the_table_decides_which_module_serves_a_name_whatever_ran_first():
    """chain_cmd.register also adds an ``issuer`` group; the table gives the name to issuer_cmd."""
    import click

    from zkvct.cli import issuer_cmd
    from zkvct.cli.main import LazyGroup

    for order in (("chain", "issuer"), ("issuer", "chain")):
        group = LazyGroup("zkvct")
        ctx = click.Context(group)
        got = {name: group.get_command(ctx, name) for name in order}
        assert got["issuer"] is issuer_cmd.issuer_group


def test_prepared_key_gives_the_same_proofs(keys):
    """Fixed-base tables change how the MSMs are summed, never the proof: same blinding, same bytes."""
    _, witness, k = keys
    path, vk = k["a"]
    with read_zkey(path) as zk:
        plain = prove_with_key(zk, witness, r=21, s=22)
    entry = KeyCache().load(path)
    assert not entry.native.prepared and entry.native.table_bytes > 0
    assert entry.native.prepare(max_bytes=1) is False and not entry.native.prepared  # over the budget
    assert entry.native.prepare() is True and entry.native.prepared
    prepared = prove_loaded(entry, witness, r=21, s=22)
    assert prepared.proof == plain.proof
    assert verify(vk, prepared.publics, prepared.proof).ok
    # and with another witness (other public input): still the key's own proof
    r1cs, other = chain_circuit(20, x0=9)
    with read_zkey(path) as zk:
        assert prove_loaded(entry, other, r=1, s=2).proof == prove_with_key(zk, other, r=1, s=2).proof


def test_second_proof_prepares_the_key_in_the_background_within_the_budget(keys, monkeypatch):
    import time

    _, witness, k = keys
    path, vk = k["b"]
    monkeypatch.setenv("ZKVCT_PROVER_TABLES_MB", "0")  # budget 0: never
    off = KeyCache().load(path)
    for _ in range(3):
        prove_loaded(off, witness)
    time.sleep(0.5)
    assert not off.native.prepared
    monkeypatch.setenv("ZKVCT_PROVER_TABLES_MB", "64")
    on = KeyCache().load(path)
    prove_loaded(on, witness)
    time.sleep(0.5)
    assert not on.native.prepared  # one proof: a one-shot command never pays for tables
    prove_loaded(on, witness)
    deadline = time.monotonic() + 60
    while not on.native.prepared and time.monotonic() < deadline:
        time.sleep(0.05)
    assert on.native.prepared
    res = prove_loaded(on, witness)
    assert verify(vk, res.publics, res.proof).ok
