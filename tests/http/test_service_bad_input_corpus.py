"""A generated corpus of over 1,000 bad inputs against the coordinator and the prover API.

Families (all generated here, seeded, so a failure names its case and can be replayed):

* raw HTTP on a socket: garbage request lines, broken headers and framing, bad
  Content-Length / Transfer-Encoding, hostile paths, bodies on GETs;
* signed-header mutations on every signed endpoint (each header malformed in many ways);
* JSON bodies: finalize and register bodies with wrong types, ranges, shapes and broken JSON;
  prover requests with every input field replaced by bad values (checked for echoes);
* files: uploads that are truncated, bit-flipped in their points, with broken headers, empty,
  the wrong kind, or not exactly one new contribution; mostly through the coordinator's upload
  verification, a sample through the full HTTP upload path.

The invariants: zero acceptances (no 2xx for a bad write, no file accepted), zero crashes (no
exception other than the designed rejection), zero 5xx, and no submitted private value echoed.
"""
from __future__ import annotations

import hashlib
import json
import random
import socket
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from ceremony import phase1
from ceremony.coordinator import signing
from ceremony.coordinator.client import Client
from ceremony.coordinator.core import Coordinator, TrackSpec
from ceremony.coordinator.policy import CeremonyPolicy
from ceremony.coordinator.server import RunningServer
from ceremony.coordinator.verify_upload import UploadInvalid, verify_extension
from ceremony.records import open_transcript

SEED = 1313
MIN_CASES = 1000


@pytest.fixture(scope="module")
def ceremony(tmp_path_factory):
    d = tmp_path_factory.mktemp("corpus")
    phase1.new(3, d / "start.ptau")
    admin = signing.new_key(d / "admin.key")
    turn_key = signing.new_key(d / "turn.key")
    Coordinator.init(d / "c", "corpus", [TrackSpec("phase1", "ptau", str(d / "start.ptau"))], signing.did_of(admin),
                     CeremonyPolicy(allow=(signing.did_of(turn_key),), invites=True, turn_timeout=3600), invites=3).close()
    srv = RunningServer(d / "c")
    turn = Client(srv.url, turn_key)
    turn.register()
    assert turn.join()["your_turn"]
    cur = turn.download("phase1", d / "cur.ptau")
    good = phase1.contribute(cur, d / "good.ptau")
    yield {"srv": srv, "dir": d, "admin": Client(srv.url, admin), "turn": turn, "good": d / "good.ptau",
           "good_hash": good.response_hash.hex(), "cur": cur}
    srv.stop()


@pytest.fixture(scope="module")
def prover(tmp_path_factory):
    from circuits.statements import get_statement
    from zkvct.dsl import compile_circuit
    from zkvct.groth16.export import export_verification_key
    from zkvct.groth16.setup import dev_setup
    from zkvct.services.prover.app import RunningService
    from zkvct.services.prover.config import load_config, load_statements
    from zkvct.services.prover.service import ProverService
    from zkvct.web.auth import load_or_create_token

    work = tmp_path_factory.mktemp("corpus_prover")
    statement = get_statement("age_gte", depth=4)
    dev_setup(compile_circuit(statement).r1cs, work / "age.zkey")  # INSECURE single-party key: tests only
    (work / "s.json").write_text(json.dumps({"statements": [
        {"id": "age18", "statement": "age_gte", "params": {"years": 18, "depth": 4}, "zkey": "age.zkey"}]}))
    token = load_or_create_token(work / "t.token")
    with RunningService(ProverService(load_statements(load_config(work / "s.json"), work)), token) as running:
        yield {"url": running.url, "token": token, "statement": statement, "vk": export_verification_key(work / "age.zkey").to_obj()}


# ------------------------------------------------------------------ case generators

def raw_http_cases(track: str = "phase1") -> list[tuple[str, bytes]]:
    rng = random.Random(SEED)
    H = b"Host: 127.0.0.1\r\n"
    cases: list[tuple[str, bytes]] = []
    for i in range(40):
        cases.append((f"garbage{i}", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 300))) + b"\r\n\r\n"))
    for line in (b"GET / HTTP/9.9", b"GET /api/status", b"GET  /api/status HTTP/1.1", b"G\x00T /api/status HTTP/1.1",
                 b"get /api/status HTTP/1.1", b"GET api/status HTTP/1.1", b"GET /api/status HTTP/1.1 extra",
                 b"GET /" + b"a" * 70000 + b" HTTP/1.1", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03",
                 b"PRI * HTTP/2.0", b"GET /api/status?" + b"did=" * 20000 + b" HTTP/1.1", b"GET http://evil/api/status HTTP/1.1"):
        cases.append((f"line:{line[:20]!r}", line + b"\r\n" + H + b"\r\n"))
    for m in (b"PUT", b"DELETE", b"PATCH", b"TRACE", b"CONNECT", b"OPTIONS", b"FOO", b"POST"):
        for path in (b"/api/status", b"/api/transcript", b"/api/state/" + track.encode(), b"/"):
            cases.append((f"method:{m!r}{path!r}", m + b" " + path + b" HTTP/1.1\r\n" + H + b"Content-Length: 0\r\n\r\n"))
    paths = [b"/api/state/../../etc/passwd", b"/api/state/..%2f..%2fceremony.db", b"/api/state/%00", b"/api/state/" + b"x" * 300,
             b"/api/state/nope", b"/api/final/..%2fceremony.db", b"/api/final/transcript.json", b"/api/final/.hidden",
             b"/api/final/" + b"a" * 200, b"/api/state/ph%C3%A4se1", b"/api/status?did=did:shr:zz", b"/api/status?did=" + b"1" * 200,
             b"/api/status?did=DID:SHR:02" + b"A" * 64, b"/api/state/phase1/extra", b"/api/final/", b"/api/nope", b"/%ff%fe",
             b"/api/status?did=%00", b"/api//state//phase1", b"/api/state/phase1%00.ptau"]
    for p in paths:
        cases.append((f"path:{p[:40]!r}", b"GET " + p + b" HTTP/1.1\r\n" + H + b"\r\n"))
    posts = (b"/api/register", b"/api/join", b"/api/finalize", b"/api/contribute/" + track.encode(), b"/api/contribute/nope")
    lengths = (b"-1", b"-0", b"1e3", b"0x10", b"+5", b"5 5", b"99999999999999999999", b"", b"abc", b"1.0", b"\xff")
    for p in posts:
        for cl in lengths:
            cases.append((f"cl:{p!r}:{cl!r}", b"POST " + p + b" HTTP/1.1\r\n" + H + b"Content-Length: " + cl + b"\r\n\r\n{}"))
        for extra in (b"Content-Length: 2\r\nContent-Length: 3\r\n", b"Content-Length: 2\r\nTransfer-Encoding: chunked\r\n",
                      b"Transfer-Encoding: gzip\r\n", b"Transfer-Encoding: chunked, chunked\r\n", b"Transfer-Encoding: chunked\r\n",
                      b"X-Zkvct-Did: \x00\r\n", b"Bad Header: x\r\n", b"NoColon\r\n", b" folded: x\r\n", b"X: " + b"y" * 70000 + b"\r\n",
                      b"Content-Length: 10000000000\r\n"):
            body = b"zz\r\n" if b"chunked" in extra else b"{}"
            cases.append((f"hdr:{p!r}:{extra[:30]!r}", b"POST " + p + b" HTTP/1.1\r\n" + H + extra + b"\r\n" + body))
    for chunk in (b"-1\r\n", b"fffffffffffffffffffff\r\n", b"zz\r\n", b"2\r\nabc\r\n0\r\n\r\n", b"1;" + b"x" * 70000 + b"\r\n"):
        cases.append((f"chunk:{chunk[:20]!r}", b"POST /api/register HTTP/1.1\r\n" + H + b"Transfer-Encoding: chunked\r\n\r\n" + chunk))
    for p in (b"/api/status", b"/api/transcript", b"/api/state/" + track.encode()):
        cases.append((f"getbody:{p!r}", b"GET " + p + b" HTTP/1.1\r\n" + H + b"Content-Length: 5\r\n\r\nhello"))
    cases.append(("no-host", b"GET /api/status HTTP/1.1\r\n\r\n"))
    cases.append(("two-hosts", b"GET /api/status HTTP/1.1\r\n" + H + H + b"\r\n"))
    return cases


BAD_HEADER_VALUES = ["", " ", "x", "00", "0" * 31, "0" * 33, "G" * 32, "AB" * 16, "ab" * 64 + "0", "nan", "inf", "-1",
                     "1e10", "did:shr:", "did:key:z6Mk", "\u00e9\u00e9", "0x" + "ab" * 31, "ab " * 10, "ab\tcd"]


def signed_header_cases(ceremony) -> list[tuple[str, str, str, dict, bytes]]:
    turn, admin = ceremony["turn"], ceremony["admin"]
    out = []
    endpoints = [("/api/register", turn, b""), ("/api/join", turn, b""),
                 ("/api/finalize", admin, json.dumps({"beacon_hash": "01" * 32, "num_iterations_exp": 10}).encode()),
                 ("/api/contribute/phase1", turn, ceremony["good"].read_bytes())]
    for path, who, body in endpoints:
        for name in ("X-Zkvct-Did", "X-Zkvct-Timestamp", "X-Zkvct-Nonce", "X-Zkvct-Signature", "X-Zkvct-Body-Sha256"):
            for value in BAD_HEADER_VALUES:
                out.append((f"{path}:{name}={value!r}", "POST", path, {name: value}, body))
            out.append((f"{path}:{name}=missing", "POST", path, {name: None}, body))
    return out


def json_bodies() -> list[tuple[str, bytes]]:
    bad_values = [None, True, False, -1, 0, 9, 64, 10**30, 1e308, -1e308, 10.0, 10.5, "10", "nan", "NaN", "", [], {}, [10],
                  {"a": 1}, "aa" * 300, "AA" * 32, "0x" + "aa" * 32, "zz" * 32, "a", "aa aa", "\u0661" * 4]
    out = []
    for v in bad_values:
        out.append((f"exp={v!r:.30}", json.dumps({"beacon_hash": "aa" * 32, "num_iterations_exp": v}).encode()))
        out.append((f"hash={v!r:.30}", json.dumps({"beacon_hash": v, "num_iterations_exp": 10}).encode()))
    for text in (b"", b"{", b"}", b"[", b"null", b"true", b"1", b'"x"', b"[]", b'{"beacon_hash": "aa"', b"{'a': 1}",
                 b'{"beacon_hash": "aa", "num_iterations_exp": NaN}', b'{"num_iterations_exp": Infinity, "beacon_hash": "aa"}',
                 b"\xef\xbb\xbf{}", "{}".encode("utf-16"), b"\xff\xfe\x00", b"[" * 100000 + b"]" * 100000,
                 b'{"a":' * 5000 + b"1" + b"}" * 5000, b'{"beacon_hash": "' + b"a" * 60000 + b'"}',
                 b'{"beacon_hash": "aa", "num_iterations_exp": 10, "num_iterations_exp": 11, "x": 1}',
                 b'{"beacon_hash": "aa", "num_iterations_exp": 1' + b"0" * 5000 + b"}", b"{}" * 10, b"\x00" * 10):
        out.append((f"text={text[:25]!r}", text))
    return out


def prove_bodies(statement) -> list[tuple[str, dict | bytes, list[str]]]:
    """(label, body, private values that must not be echoed)."""
    base = statement.example_input()
    # every value here is invalid for every field (all inputs are integers below the BN254 order)
    bad_values = [-1, 1 << 300, -(1 << 300), "abcdefgh", "0xzz", "1.5", 1.5, None, True, [], {}, [1, 2], {"x": 1},
                  "9" * 100, "-123456789", "0x" + "f" * 80, "１２３４"]
    out = []
    for field in base:
        for v in bad_values:
            bad = dict(base)
            bad[field] = v
            private = [str(v)] if isinstance(v, (int, str)) and not isinstance(v, bool) else []
            out.append((f"{field}={v!r:.20}", {"statement": "age18", "input": bad}, private))
        missing = {k: x for k, x in base.items() if k != field}
        out.append((f"missing {field}", {"statement": "age18", "input": missing}, []))
    out.append(("path too short", {"statement": "age18", "input": {**base, "path": base["path"][:1]}}, []))
    out.append(("unknown field", {"statement": "age18", "input": {**base, "zzz_secret_field": "4242424242"}}, ["4242424242"]))
    for body in ({}, {"statement": "age18"}, {"input": base}, {"statement": "nope", "input": base}, {"statement": 1, "input": base},
                 {"statement": "age18", "input": []}, {"statement": "age18", "input": base, "extra": 1}, [base]):
        out.append((f"shape {str(body)[:30]}", body, []))
    return out


def ptau_mutations(good: Path) -> list[tuple[str, bytes]]:
    rng = random.Random(SEED)
    data = good.read_bytes()
    with open_transcript(good) as pt:
        sections = {sid: ranges[0] for sid, ranges in pt.binfile.sections.items()}
    out = []
    for i in range(40):
        cut = rng.randrange(0, len(data))
        out.append((f"truncate@{cut}", data[:cut]))
    for i in range(120):
        sid = rng.choice([2, 3, 4, 5, 6])
        start, size = sections[sid]
        pos = start + rng.randrange(size)
        flipped = bytearray(data)
        flipped[pos] ^= 1 << rng.randrange(8)
        out.append((f"flip s{sid}@{pos}", bytes(flipped)))
    for pos in range(0, 80, 2):  # header, section table and the header section
        b = bytearray(data)
        b[pos] ^= 0xFF
        out.append((f"header@{pos}", bytes(b)))
    for label, blob in (("empty", b""), ("magic only", b"ptau"), ("zkey magic", b"zkey" + data[4:]), ("garbage", bytes(range(256)) * 20),
                        ("appended", data + b"\0" * 64), ("doubled", data + data), ("zeros", bytes(len(data)))):
        out.append((label, blob))
    return out


# ------------------------------------------------------------------ runners

def _send_raw(url: str, payload: bytes) -> int | None:
    host, port = url.split("//")[1].split(":")
    with socket.create_connection((host, int(port)), timeout=15) as s:
        try:
            s.sendall(payload)
        except OSError:
            pass
        try:
            head = s.recv(64)
        except OSError:
            return None
    if not head:
        return None  # closed without an answer: refused, not accepted
    parts = head.split(b" ")
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else -1


def _post_raw(url: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
    """POST with header values sent byte for byte (httpx refuses some of the malformed ones)."""
    host, port = url.split("//")[1].split(":")
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {len(body)}\r\n".encode()
    head += b"".join(k.encode() + b": " + v.encode() + b"\r\n" for k, v in headers.items()) + b"\r\n"
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(head + body)
        out = b""
        try:
            while chunk := s.recv(65536):
                out += chunk
        except OSError:
            pass
    status_line, _, rest = out.partition(b"\r\n")
    return (int(status_line.split(b" ")[1]) if out else 0), rest.partition(b"\r\n\r\n")[2]


def test_bad_input_corpus(ceremony, prover):
    import time

    srv, counts, took = ceremony["srv"], {}, {}
    http = httpx.Client(timeout=120)  # one client: a new one per request costs more than the request
    t0 = time.time()
    failures: list[str] = []

    # 1. raw HTTP on a socket (coordinator and prover)
    raw_cases = [(f"coord:{n}", srv.url, p) for n, p in raw_http_cases()]
    raw_cases += [(f"prover:{n}", prover["url"], p.replace(b"/api/contribute/phase1", b"/v1/prove").replace(b"/api/register", b"/v1/verify"))
                  for n, p in raw_http_cases()[:150]]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda c: (c[0], _send_raw(c[1], c[2])), raw_cases))
    for name, status in results:
        if status is not None and not (400 <= status < 500 or (status == 200 and "GET" in name and "path:" in name)):
            if status >= 500 or status == -1 or name.split(":")[1] not in ("path",):
                failures.append(f"raw {name}: status {status}")
    counts["raw http"] = len(raw_cases)
    took["raw http"] = round(time.time() - t0, 1)

    # 2. signed-header mutations
    n = 0
    for name, method, path, override, body in signed_header_cases(ceremony):
        who = ceremony["admin"] if "finalize" in path else ceremony["turn"]
        hdrs = who.signed_headers(method, path, hashlib.sha256(body).hexdigest())
        hdrs.update({"X-Zkvct-Contribution-Hash": ceremony["good_hash"], "X-Zkvct-Attestation": "00" * 64})
        for k, v in override.items():
            if v is None:
                hdrs.pop(k)
            else:
                hdrs[k] = v
        status, resp = _post_raw(srv.url, path, hdrs, body)
        n += 1
        if not 400 <= status < 500 or b'"error"' not in resp:
            failures.append(f"signed {name}: {status} {resp[:100]!r}")
    counts["signed headers"] = n
    took["signed headers"] = round(time.time() - t0, 1)

    # 3a. JSON bodies on finalize (admin-signed: they reach the body parser) and register
    n = 0
    for name, body in json_bodies():
        for path, who in (("/api/finalize", ceremony["admin"]), ("/api/register", ceremony["turn"])):
            hdrs = who.signed_headers("POST", path, hashlib.sha256(body).hexdigest())
            r = http.post(srv.url + path, content=body, headers=hdrs)
            n += 1
            if path == "/api/register" and r.status_code == 200 and body in (b"{}", b"") :
                continue  # an empty registration is valid (the DID is on the allow-list)
            if not 400 <= r.status_code < 500:
                failures.append(f"json {path} {name}: {r.status_code} {r.text[:100]}")
    counts["coordinator json"] = n
    took["coordinator json"] = round(time.time() - t0, 1)
    assert httpx.get(srv.url + "/api/status").json()["finalized"] is False

    # 3b. prover requests: refused, and no private value echoed
    auth = {"Authorization": f"Bearer {prover['token']}"}
    n = 0
    for name, body, private in prove_bodies(prover["statement"]):
        r = http.post(prover["url"] + "/v1/prove", json=body, headers=auth)
        n += 1
        if not 400 <= r.status_code < 500:
            failures.append(f"prove {name}: {r.status_code} {r.text[:100]}")
        echoed = [v for v in private if len(v) >= 4 and v in r.text]
        echoed += [str(v) for v in prover["statement"].example_input().values() if isinstance(v, (int, str)) and len(str(v)) >= 4 and str(v) in r.text]
        if echoed:
            failures.append(f"prove {name}: echoed {echoed[:2]}")
    vk = prover["vk"]
    for name, body in [("vk missing", {"publicSignals": [], "proof": {}}), ("vk junk", {"verification_key": {"x": 1}, "publicSignals": [], "proof": {}}),
                       *[(f"publics {v!r:.20}", {"verification_key": vk, "publicSignals": v, "proof": {}}) for v in ([], ["x"], [None], [-1], ["1"] * 50, "1")],
                       *[(f"proof {k}", {"verification_key": vk, "publicSignals": ["1"] * 7, "proof": {"pi_a": v, "pi_b": v, "pi_c": v}})
                         for k, v in (("none", None), ("ints", [1, 2, 3]), ("strs", ["x"]), ("deep", [[["1"]]]))]]:
        r = http.post(prover["url"] + "/v1/verify", json=body, headers=auth)
        n += 1
        if not (400 <= r.status_code < 500 or (r.status_code == 200 and r.json().get("ok") is False)):
            failures.append(f"verify {name}: {r.status_code} {r.text[:100]}")
    counts["prover json"] = n
    took["prover json"] = round(time.time() - t0, 1)

    # 4. files: every mutation refused by the upload verification with its designed error
    tr = srv.coord.track("phase1")
    root = srv.coord.root
    muts = ptau_mutations(ceremony["good"])
    tmp = ceremony["dir"] / "mut.ptau"
    for name, blob in muts:
        tmp.write_bytes(blob)
        try:
            verify_extension(tr, root, tmp)
            failures.append(f"file {name}: ACCEPTED")
        except UploadInvalid:
            pass
        except Exception as exc:  # noqa: BLE001 - a crash is a failure of this corpus
            failures.append(f"file {name}: crashed with {type(exc).__name__}: {exc}")
    extra_files = []
    phase1.contribute(ceremony["good"], ceremony["dir"] / "two.ptau")
    extra_files.append(("two contributions", (ceremony["dir"] / "two.ptau").read_bytes()))
    extra_files.append(("no new contribution", ceremony["cur"].read_bytes()))
    phase1.beacon(ceremony["cur"], ceremony["dir"] / "beacon.ptau", b"\x01" * 32, 10)
    extra_files.append(("beacon", (ceremony["dir"] / "beacon.ptau").read_bytes()))
    for name, blob in extra_files:
        tmp.write_bytes(blob)
        with pytest.raises(UploadInvalid):
            verify_extension(tr, root, tmp)
    # a sample through the whole HTTP upload path (auth, streaming, verification)
    rng = random.Random(SEED)
    sample = rng.sample(muts, 20) + extra_files
    for name, blob in sample:
        tmp.write_bytes(blob)
        try:
            with open_transcript(tmp) as pt:
                declared = pt.contributions[-1].response_hash().hex()
        except Exception:  # noqa: BLE001 - unparsable: declare the good hash
            declared = ceremony["good_hash"]
        turn = ceremony["turn"]
        try:
            turn.upload("phase1", tmp, declared, 1, "corpus")
            failures.append(f"http file {name}: ACCEPTED")
        except Exception as exc:  # noqa: BLE001
            status = getattr(exc, "status", None)
            if status is None or not 400 <= status < 500:
                failures.append(f"http file {name}: {type(exc).__name__} {status} {exc}")
    counts["files"] = len(muts) + len(extra_files) + len(sample)
    took["files"] = round(time.time() - t0, 1)
    assert srv.coord.track("phase1")["seq"] == 0 and not list((root / "uploads").iterdir())
    # the honest upload still works after all that
    assert ceremony["turn"].upload("phase1", ceremony["good"], ceremony["good_hash"], 1, "corpus")["accepted"]

    total = sum(counts.values())
    print(f"bad-input corpus: {total} cases {counts}, cumulative seconds {took}")
    assert not failures, f"{len(failures)} of {total} cases failed:\n" + "\n".join(failures[:30])
    assert total >= MIN_CASES
