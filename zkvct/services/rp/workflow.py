"""LINK workflows (ShareRing LINK, seed 000) read as zkVCT proof requests.

A workflow is a graph of nodes (``start``, one or more proof tasks, ``delivery_webhook``,
``end_ok``) joined by edges, with *bindings* that copy a task's output into the webhook payload.
LINK's own age task (``age_verification`` with ``operator: gte`` and ``compareValue: 18``) loads
as written and becomes the ``age_gte`` statement with ``years = 18``: where LINK's phone computes
the boolean itself, here the boolean is backed by a Groth16 proof the relying party checked.

``zkvct_proof`` is the general task: it names a statement, its parameters, the issuers whose
roots it trusts and whether the proof is checked off-chain or on-chain.

:func:`parse_workflow` refuses, with a message naming the node, a workflow with no start or more
than one, an edge or binding to a node that does not exist, a cycle, a node that no path from the
start reaches, a task type or statement it does not know, or a binding whose source is not an
upstream task's output.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

#: Output fields every proof task produces (what a binding's ``path`` may name).
PROOF_OUTPUT_FIELDS = ("value", "verifiedAt", "statement", "issuerDid", "nullifier", "txHash", "requestId")

#: LINK's comparison operators that map onto a statement.
_AGE_OPERATORS = {"gte": "age_gte"}

Verification = Literal["off-chain", "on-chain"]


class WorkflowError(ValueError):
    """The workflow is malformed; the message names the node or edge and what is allowed."""


class _Source(BaseModel):
    model_config = ConfigDict(extra="forbid")
    ref: Literal["taskOutput"]
    nodeId: str = Field(min_length=1, max_length=128)
    path: str = Field(min_length=1, max_length=128)


class _Binding(BaseModel):
    model_config = ConfigDict(extra="forbid")
    target: str = Field(min_length=1, max_length=256)
    source: _Source


class _NodeData(BaseModel):
    model_config = ConfigDict(extra="allow")
    label: str = ""
    config: dict[str, Any] = Field(default_factory=dict)
    bindings: list[_Binding] = Field(default_factory=list, max_length=64)


class _Node(BaseModel):
    model_config = ConfigDict(extra="allow")
    id: str = Field(min_length=1, max_length=128)
    type: str = Field(min_length=1, max_length=64)
    data: _NodeData = Field(default_factory=_NodeData)


class _Edge(BaseModel):
    model_config = ConfigDict(extra="allow")
    source: str = Field(min_length=1, max_length=128)
    target: str = Field(min_length=1, max_length=128)


class _Workflow(BaseModel):
    model_config = ConfigDict(extra="allow")
    name: str = Field(min_length=1, max_length=200)
    nodes: list[_Node] = Field(min_length=1, max_length=256)
    edges: list[_Edge] = Field(default_factory=list, max_length=1024)


@dataclass(frozen=True)
class ProofTask:
    """One zkVCT proof the workflow asks for."""

    node_id: str
    label: str
    statement: str
    params: dict[str, Any]
    trusted_issuers: tuple[str, ...]
    verification: Verification


@dataclass(frozen=True)
class Binding:
    """``payload[target path] = output of task node_id at path``."""

    target: tuple[str, ...]
    node_id: str
    path: str


@dataclass(frozen=True)
class Webhook:
    node_id: str
    url: str
    bindings: tuple[Binding, ...]
    bearer_token_env: str | None = None


@dataclass(frozen=True)
class Workflow:
    name: str
    tasks: tuple[ProofTask, ...]
    webhook: Webhook | None
    order: tuple[str, ...]
    source: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    def payload(self, outputs: dict[str, dict[str, Any]]) -> dict[str, Any]:
        """The webhook body for the tasks' ``outputs`` (node id -> output), built from the bindings."""
        body: dict[str, Any] = {}
        if self.webhook is None:
            return body
        for b in self.webhook.bindings:
            cursor = body
            for part in b.target[:-1]:
                cursor = cursor.setdefault(part, {})
            cursor[b.target[-1]] = outputs.get(b.node_id, {}).get(b.path)
        return body


def _fail(msg: str) -> None:
    raise WorkflowError(msg)


def _age_task(node: _Node, defaults: dict[str, Any]) -> ProofTask:
    cfg = node.data.config
    op = cfg.get("operator")
    if op not in _AGE_OPERATORS:
        _fail(f"node {node.id}: operator {op!r} is not supported; allowed: {', '.join(_AGE_OPERATORS)}")
    value = cfg.get("compareValue")
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 150:
        _fail(f"node {node.id}: compareValue must be a whole number of years from 0 to 150, got {value!r}")
    if cfg.get("valueType", "age") != "age":
        _fail(f"node {node.id}: valueType must be 'age'")
    return _task(node, _AGE_OPERATORS[op], {"years": value}, defaults)


def _task(node: _Node, statement: str, params: dict[str, Any], defaults: dict[str, Any]) -> ProofTask:
    cfg = node.data.config
    issuers = cfg.get("trustedIssuers", defaults.get("trusted_issuers", ()))
    if isinstance(issuers, str) or not all(isinstance(i, str) and i.startswith("did:shr:") for i in issuers):
        _fail(f"node {node.id}: trustedIssuers must be a list of did:shr identifiers")
    verification = cfg.get("verification", defaults.get("verification", "on-chain"))
    if verification not in ("off-chain", "on-chain"):
        _fail(f"node {node.id}: verification must be 'off-chain' or 'on-chain', got {verification!r}")
    return ProofTask(node.id, node.data.label, statement, params, tuple(issuers), verification)


def _proof_task(node: _Node, defaults: dict[str, Any]) -> ProofTask:
    cfg = node.data.config
    statement = cfg.get("statement")
    if not isinstance(statement, str) or not statement:
        _fail(f"node {node.id}: a zkvct_proof task needs config.statement (a registered statement id)")
    params = cfg.get("params", {})
    if not isinstance(params, dict):
        _fail(f"node {node.id}: config.params must be an object")
    return _task(node, statement, params, defaults)


_TASKS: dict[str, Callable[[_Node, dict[str, Any]], ProofTask]] = {
    "age_verification": _age_task,
    "zkvct_proof": _proof_task,
}
_CONTROL = {"start", "end_ok", "end_fail", "delivery_webhook"}


def _topological(ids: list[str], edges: list[_Edge]) -> list[str]:
    succ: dict[str, list[str]] = {i: [] for i in ids}
    indeg = {i: 0 for i in ids}
    for e in edges:
        succ[e.source].append(e.target)
        indeg[e.target] += 1
    ready = [i for i in ids if indeg[i] == 0]
    order: list[str] = []
    while ready:
        n = ready.pop(0)
        order.append(n)
        for m in succ[n]:
            indeg[m] -= 1
            if indeg[m] == 0:
                ready.append(m)
    if len(order) != len(ids):
        stuck = sorted(i for i in ids if indeg[i] > 0)
        _fail(f"the workflow has a cycle through node {stuck[0]}")
    return order


def _reachable(start: str, edges: list[_Edge]) -> set[str]:
    seen, todo = {start}, [start]
    while todo:
        n = todo.pop()
        for e in edges:
            if e.source == n and e.target not in seen:
                seen.add(e.target)
                todo.append(e.target)
    return seen


def parse_workflow(doc: dict[str, Any] | Any, *, known_statements: Iterable[str] | None = None,
                   defaults: dict[str, Any] | None = None) -> Workflow:
    """Validate a LINK workflow document and return its zkVCT reading.

    ``known_statements`` are the statement ids a task may name (the registered ones); ``None``
    skips that check. ``defaults`` supplies ``trusted_issuers`` and ``verification`` where a task
    does not set them.
    """
    try:
        wf = _Workflow.model_validate(doc)
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "document"
        raise WorkflowError(f"workflow {where}: {first['msg']}") from None
    defaults = defaults or {}
    ids = [n.id for n in wf.nodes]
    nodes = {n.id: n for n in wf.nodes}
    if len(nodes) != len(ids):
        dup = next(i for i in ids if ids.count(i) > 1)
        _fail(f"node {dup}: the id is used by more than one node")
    for e in wf.edges:
        for end in (e.source, e.target):
            if end not in nodes:
                _fail(f"edge {e.source} -> {e.target}: node {end} does not exist")
    starts = [n.id for n in wf.nodes if n.type == "start"]
    if len(starts) != 1:
        _fail("the workflow needs exactly one node of type 'start', found "
              + (", ".join(starts) if starts else "none"))
    order = _topological(ids, wf.edges)
    reached = _reachable(starts[0], wf.edges)
    for i in ids:
        if i not in reached:
            _fail(f"node {i}: no path from the start reaches it")
    known = None if known_statements is None else set(known_statements)
    tasks: list[ProofTask] = []
    webhook: Webhook | None = None
    for i in order:
        node = nodes[i]
        if node.type in _TASKS:
            task = _TASKS[node.type](node, defaults)
            if known is not None and task.statement not in known:
                _fail(f"node {i}: statement {task.statement!r} is not registered; known: "
                      + (", ".join(sorted(known)) or "none"))
            tasks.append(task)
        elif node.type not in _CONTROL:
            _fail(f"node {i}: task type {node.type!r} is not supported; allowed: "
                  + ", ".join(sorted({*_TASKS, *_CONTROL})))
    if not tasks:
        _fail("the workflow has no proof task (age_verification or zkvct_proof)")
    task_ids = {t.node_id for t in tasks}
    for node in wf.nodes:
        if node.type != "delivery_webhook":
            if node.data.bindings:
                _fail(f"node {node.id}: only delivery_webhook nodes take bindings")
            continue
        if webhook is not None:
            _fail(f"node {node.id}: only one delivery_webhook node is supported")
        url = node.data.config.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            _fail(f"node {node.id}: config.url must be an http(s) URL")
        upstream = {e for e in task_ids if node.id in _reachable(e, wf.edges)}
        bindings = []
        for b in node.data.bindings:
            if b.source.nodeId not in nodes:
                _fail(f"node {node.id}: binding {b.target} reads node {b.source.nodeId}, which does not exist")
            if b.source.nodeId not in upstream:
                _fail(f"node {node.id}: binding {b.target} reads node {b.source.nodeId}, "
                      "which is not a proof task before this node")
            if b.source.path not in PROOF_OUTPUT_FIELDS:
                _fail(f"node {node.id}: binding {b.target} reads path {b.source.path!r}; allowed: "
                      + ", ".join(PROOF_OUTPUT_FIELDS))
            parts = b.target.split(".")
            if parts[:2] != ["input", "payload"] or len(parts) < 3 or not all(parts):
                _fail(f"node {node.id}: binding target {b.target!r} must look like input.payload.<field>")
            bindings.append(Binding(tuple(parts[2:]), b.source.nodeId, b.source.path))
        token_env = node.data.config.get("bearerTokenEnv")
        webhook = Webhook(node.id, url, tuple(bindings), token_env if isinstance(token_env, str) else None)
    return Workflow(wf.name, tuple(tasks), webhook, tuple(order), source=wf.model_dump())
