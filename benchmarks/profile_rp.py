"""Where one accepted off-chain response spends its time (issue 12): cProfile over N calls of
:func:`zkvct.services.rp.responses.accept_response` in this process (no HTTP), and the same N
responses POSTed over HTTP (16 connections from a separate process) to the app on uvicorn in this
process: cProfile follows one thread, so the server's event-loop thread (HTTP, request models,
routing) and the batcher thread (checks, pairing, SQL) are profiled apart and printed one after
the other. Prints machine, load and the top entries.

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
                    import multiprocessing

                    from zkvct.services.rp import batch as batch_mod

                    loop_prof, batch_prof = prof, cProfile.Profile()
                    plain = batch_mod.accept_batch

                    def profiled(*args, **kw):
                        return batch_prof.runcall(plain, *args, **kw)

                    batch_mod.accept_batch = profiled  # the batcher looks it up at each batch
                    import asyncio

                    asyncio.run_coroutine_threadsafe(_enable(loop_prof, None), _loop_of(srv)).result(10)
                    ctx = multiprocessing.get_context("spawn")
                    with ctx.Pool(1) as pool:
                        _, codes = pool.apply(bench_rp._post_all, (srv.url, [f"/requests/{r}/response" for r in ids],
                                                                   bodies, bench_rp.LOAD_CONNECTIONS))
                    asyncio.run_coroutine_threadsafe(_disable(loop_prof), _loop_of(srv)).result(10)
                    batch_mod.accept_batch = plain
                    assert set(codes) == {200}, set(codes)
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
    if a.http:
        print("== the server's event-loop thread (HTTP, models, routing; waits for the batcher) ==")
        pstats.Stats(prof).sort_stats("tottime").print_stats(a.top)
        print("== the batcher thread (accept_batch: checks, batch pairing, SQL) ==")
        pstats.Stats(batch_prof).sort_stats("cumulative").print_stats(a.top)
        pstats.Stats(batch_prof).sort_stats("tottime").print_stats(a.top)
        return
    pstats.Stats(prof).sort_stats("cumulative").print_stats(a.top)
    pstats.Stats(prof).sort_stats("tottime").print_stats(a.top)


def _loop_of(srv):
    """The asyncio loop uvicorn runs in the ServerThread (found from its server objects)."""
    return srv.server.servers[0].get_loop()


async def _enable(prof, _done) -> None:
    prof.enable()  # enable() profiles the calling thread: here, the event loop's


async def _disable(prof) -> None:
    prof.disable()


if __name__ == "__main__":
    main()
