"""Step 1 of the demo on its own: the ceremony over HTTP, every role a real process.

What the demo must keep (issue 12): a coordinator, two contributors and a beacon for phase 1 and
again for phase 2, the keys published, and one independent ``ceremony verify`` of both
transcripts that passes before anything proves with the key. What makes it quick must not
regress silently: a waiting contributor polls its turn often (a turn that ends between two polls
is dead time on the critical path), and the coordinator's own work is recorded so that the
timeline shows where the ceremony's time goes.
"""
from __future__ import annotations

import json

import pytest

from zkvct.demo.pipeline import CONTRIBUTOR_POLL_S, Pipeline
from zkvct.demo.procs import Services


@pytest.mark.slow
def test_the_ceremony_step_publishes_verified_keys_and_records_the_coordinators_work(tmp_path):
    pipe = Pipeline(out=tmp_path / "demo", echo=lambda _line: None)
    with Services(pipe.out / "logs", env=pipe.env) as svc:
        pipe.ceremony(svc)
        assert not svc.running, "both coordinators are stopped at the end of their ceremony"
    pipe.key_checked()  # the independent check of both published transcripts (joined here)

    cer = pipe.out / "ceremony"
    assert pipe.facts["ceremony"]["phase1"] and pipe.facts["ceremony"]["phase2"]  # the two reports of `ceremony verify`
    tx1 = json.loads((cer / "phase1" / "final" / "transcript.json").read_text())
    tx2 = json.loads((cer / "phase2" / "final" / "transcript.json").read_text())
    for tx in (tx1, tx2):
        assert tx["finalized"] and len({c["did"] for c in tx["contributions"]}) == 2  # two contributors
        assert tx["beacon"]["num_iterations_exp"] == 10
    # phase 2 is built on phase 1's own published file
    assert (cer / "phase2" / "final" / "age_gte.phase1.ptau").read_bytes() == (cer / "phase1" / "final" / "pot.ptau").read_bytes()
    assert pipe.facts["zkey"].endswith("age_gte.zkey") and (cer / "verification_key.json").is_file()

    # the contributors were told to poll often (the CLI's default of 2 s would idle the demo)
    contributes = [cmd for _, cmd in pipe.rerun if " ceremony contribute " in f" {cmd} "]
    assert len(contributes) == 4
    assert CONTRIBUTOR_POLL_S <= 0.1
    assert all(f"--poll {CONTRIBUTOR_POLL_S}" in cmd for cmd in contributes)

    # the coordinator's work inside the requests, for the timeline
    work = pipe.facts["ceremony_work"]
    assert set(work) == {"phase1", "phase2"}
    assert {"beacon of pot", "prepare_phase2 of pot"} <= set(work["phase1"])
    assert "beacon of age_gte" in work["phase2"]
    assert sum(1 for k in work["phase1"] if k.startswith("check of ")) == 2
    assert all(isinstance(v, float) and v > 0 for w in work.values() for v in w.values())
