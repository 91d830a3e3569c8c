"""Where one accepted off-chain response spends its time (issue 12): cProfile over N calls of
:func:`zkvct.services.rp.responses.accept_response` in this process (no HTTP), and the same N
responses POSTed one at a time over HTTP to the app on uvicorn in this process (server and client
in one profile; the client's share is printed apart). Prints machine, load and the top entries.

    PYTHONPATH=. .venv/bin/python benchmarks/profile_rp.py [--n 200] [--top 25] [--http | --batch 64]

``--batch K`` profiles :func:`zkvct.services.rp.batch.accept_batch` on K responses at a time (what
the service's batcher does under load) instead of one accept_response per response.
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

import bench_rp  # noqa: E402  (same directory; sets sys.path for the test helpers)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--http", action="store_true", help="profile the HTTP path instead of accept_response")
    ap.add_argument("--batch", type=int, default=0, help="profile accept_batch on this many responses at a time")
    a = ap.parse_args(argv)
    import httpx

    from rp_chain_world import prove_answers
    from rp_scripted_endpoint import Script, serve
    from zkvct.services.rp.batch import accept_batch
    from zkvct.services.rp.responses import accept_response
    from zkvct.web.serve import ServerThread

    with tempfile.TemporaryDirectory(prefix="prof-rp-") as tmp:
        work = Path(tmp)
        world = bench_rp.offchain_world(work, a.n)
        with serve(Script(bench_rp.SECRET, [])) as hook_url:
            app, engine = bench_rp.rp_app(work, world, "prof")
            with ServerThread(app) as srv:
                ids, tokens = bench_rp.open_requests(srv.url, hook_url, "off-chain", a.n)
                bodies = prove_answers(world, tokens)
                prof = cProfile.Profile()
                t0 = time.perf_counter()
                if a.http:
                    with httpx.Client(base_url=srv.url, timeout=60) as c:
                        prof.enable()
                        for rid, body in zip(ids, bodies):
                            assert c.post(f"/requests/{rid}/response", json=body).status_code == 200
                        prof.disable()
                elif a.batch:
                    items = list(zip(ids, bodies))
                    prof.enable()
                    for k in range(0, a.n, a.batch):
                        out = accept_batch(engine, world["view"], world["rp"].did, items[k:k + a.batch])
                        assert all(type(o).__name__ == "Accepted" for o in out), out
                    prof.disable()
                else:
                    prof.enable()
                    for rid, body in zip(ids, bodies):
                        accept_response(engine, world["view"], world["rp"].did, rid, body)
                    prof.disable()
                wall = time.perf_counter() - t0
    print("machine: " + ", ".join(f"{k} {v}" for k, v in bench_rp.machine().items()))
    what = "HTTP" if a.http else f"accept_batch x{a.batch}" if a.batch else "accept_response"
    print(f"{what}: {a.n} responses, {1000 * wall / a.n:.2f} ms each (profiled)")
    pstats.Stats(prof).sort_stats("cumulative").print_stats(a.top)
    pstats.Stats(prof).sort_stats("tottime").print_stats(a.top)


if __name__ == "__main__":
    main()
