"""LINK workflows: the seed's age workflow loads as written; malformed graphs are refused by node."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from zkvct.services.rp.workflow import WorkflowError, parse_workflow

SEED = json.loads((Path(__file__).parent / "link_age_workflow.json").read_text())
KNOWN = {"age_gte", "residency_in"}


def test_seed_age_workflow_maps_onto_age_gte():
    wf = parse_workflow(SEED, known_statements=KNOWN, defaults={"trusted_issuers": ["did:shr:" + "02" + "ab" * 32]})
    assert [t.statement for t in wf.tasks] == ["age_gte"]
    task = wf.tasks[0]
    assert task.params == {"years": 18} and task.node_id == "age_verification-1"
    assert task.verification == "on-chain"
    assert wf.webhook.url == "https://api.hotel.com/verify"
    out = {"age_verification-1": {"value": True, "verifiedAt": "2026-12-07T00:00:00Z"}}
    assert wf.payload(out) == {"age_verified": True, "verifiedAt": "2026-12-07T00:00:00Z"}
    assert wf.order[0] == "start-1" and wf.order[-1] == "end_ok-1"


def _mut(fn):
    doc = copy.deepcopy(SEED)
    fn(doc)
    return doc


def _node(doc, nid):
    return next(n for n in doc["nodes"] if n["id"] == nid)


@pytest.mark.parametrize("mutate, names", [
    (lambda d: d["nodes"].pop(0), "start"),
    (lambda d: d["edges"].append({"source": "end_ok-1", "target": "age_verification-1"}), "cycle"),
    (lambda d: d["edges"].append({"source": "end_ok-1", "target": "ghost-1"}), "ghost-1"),
    (lambda d: _node(d, "delivery_webhook-1")["data"]["bindings"][0]["source"].update(nodeId="ghost-2"), "ghost-2"),
    (lambda d: _node(d, "delivery_webhook-1")["data"]["bindings"][0]["source"].update(path="dob"), "dob"),
    (lambda d: _node(d, "age_verification-1")["data"]["config"].update(operator="lt"), "age_verification-1"),
    (lambda d: _node(d, "age_verification-1")["data"]["config"].update(compareValue="18"), "age_verification-1"),
    (lambda d: _node(d, "age_verification-1").update(type="zkvct_proof") or
        _node(d, "age_verification-1")["data"]["config"].update(statement="salary_gte"), "salary_gte"),
    (lambda d: _node(d, "age_verification-1").update(type="selfie_capture"), "selfie_capture"),
    (lambda d: d["nodes"].append({"id": "start-1", "type": "end_ok"}), "start-1"),
    (lambda d: d["nodes"].append({"id": "island-1", "type": "end_ok"}), "island-1"),
    (lambda d: _node(d, "delivery_webhook-1")["data"]["config"].update(url="ftp://x"), "delivery_webhook-1"),
])
def test_malformed_workflows_refused_naming_the_problem(mutate, names):
    with pytest.raises(WorkflowError) as e:
        parse_workflow(_mut(mutate), known_statements=KNOWN)
    assert names in str(e.value)


def test_binding_to_downstream_task_refused():
    def move(d):
        d["edges"] = [{"source": "start-1", "target": "delivery_webhook-1"},
                      {"source": "delivery_webhook-1", "target": "age_verification-1"},
                      {"source": "age_verification-1", "target": "end_ok-1"}]
    with pytest.raises(WorkflowError, match="not a proof task before"):
        parse_workflow(_mut(move), known_statements=KNOWN)


@settings(max_examples=150, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=8),
                    lambda c: st.lists(c, max_size=4) | st.dictionaries(st.text(max_size=6), c, max_size=4),
                    max_leaves=20))
def test_property_arbitrary_json_only_raises_workflow_error(doc):
    try:
        parse_workflow(doc, known_statements=KNOWN)
    except WorkflowError:
        pass


@settings(max_examples=150, deadline=None)
@given(edges=st.lists(st.tuples(st.sampled_from([n["id"] for n in SEED["nodes"]]),
                                st.sampled_from([n["id"] for n in SEED["nodes"]])), max_size=8))
def test_property_random_edges_parse_or_name_the_problem(edges):
    doc = _mut(lambda d: d.update(edges=[{"source": a, "target": b} for a, b in edges]))
    try:
        wf = parse_workflow(doc, known_statements=KNOWN)
    except WorkflowError as e:
        assert str(e)
    else:
        assert wf.order[0] == "start-1"
