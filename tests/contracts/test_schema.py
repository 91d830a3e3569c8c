"""The Python message models (zkvct/chain/messages.py) against the contracts' own JSON schema.

verifier_contract/schema/*.json is generated from the Rust message types by cosmwasm-schema
(`cargo run -p zkvct-verifier --bin schema`; a Rust test fails while it is stale). The models are
hand-written; this test holds them to the schema so the roles and messages are defined once, in
the contract: every execute and query variant of both contracts has a model, and every model has
exactly the schema's fields, with the same required/optional split and the same JSON kind,
recursively through nested structs (the request, the holder authorization, snarkjs proofs and
keys) and the query responses. A field added, renamed or retyped on one side fails here.
"""
from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any, Union

import pytest
from pydantic import BaseModel

from zkvct.chain import messages as m

SCHEMA = Path(__file__).resolve().parents[2] / "verifier_contract" / "schema"


def load(name: str) -> dict[str, Any]:
    return json.loads((SCHEMA / name).read_text())


class Schema:
    """One message schema (instantiate / execute / query / a response) and its definitions."""

    def __init__(self, root: dict[str, Any]):
        self.defs = root.get("definitions", {})
        self.root = root

    def resolve(self, s: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in s:
            s = self.defs[s["$ref"].rsplit("/", 1)[1]]
        if "allOf" in s and len(s["allOf"]) == 1:
            return self.resolve(s["allOf"][0])
        return s

    def non_null(self, s: dict[str, Any]) -> dict[str, Any]:
        """The schema of T in Option<T>."""
        s = self.resolve(s)
        for key in ("anyOf", "oneOf"):
            alts = [a for a in s.get(key, []) if self.resolve(a).get("type") != "null"]
            if key in s and len(alts) == 1:
                return self.resolve(alts[0])
        return s

    def kind(self, s: dict[str, Any]) -> tuple[str, bool]:
        """(JSON kind, nullable) of a property schema."""
        s = self.resolve(s)
        for key in ("anyOf", "oneOf"):
            if key in s:
                alts = [a for a in s[key] if self.resolve(a).get("type") != "null"]
                nullable = len(alts) < len(s[key])
                if len(alts) == 1:
                    return self.kind(alts[0])[0], nullable
                return "enum", nullable
        t = s.get("type")
        if isinstance(t, list):
            base = [x for x in t if x != "null"]
            assert len(base) == 1, s
            return base[0], "null" in t
        if t is None and "enum" in s:
            return "enum", False
        return t, False


def py_kind(annotation: Any) -> tuple[str, bool, Any]:
    """(JSON kind, nullable, nested model class or None) of a pydantic field annotation."""
    origin = typing.get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        nullable = len(args) < len(typing.get_args(annotation))
        if len(args) == 1:
            k, _, sub = py_kind(args[0])
            return k, nullable, sub
        return "enum", nullable, None
    if origin is list:
        return "array", False, None
    if origin is dict or annotation is dict:
        return "any", False, None
    if origin is typing.Literal:
        return "enum", False, None
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "object", False, annotation
    return {str: "string", int: "integer", bool: "boolean"}[annotation], False, None


#: Option fields Python insists on: ChangeOwner's ``new_owner: null`` deactivates the identity for
#: good, so a caller must say so explicitly rather than get it by leaving the field out.
DELIBERATELY_REQUIRED = {"ChangeOwner.new_owner", "ChangeOwnerSigned.new_owner", "SignedActionChangeOwner.new_owner"}


def compare(model: type[BaseModel], body: dict[str, Any], sch: Schema, where: str) -> None:
    body = sch.resolve(body)
    props = body.get("properties", {})
    required = set(body.get("required", []))
    fields = {(f.alias or name): f for name, f in model.model_fields.items()}
    assert set(fields) == set(props), f"{where}: python {sorted(fields)} vs schema {sorted(props)}"
    for name, f in fields.items():
        kind, nullable = sch.kind(props[name])
        pk, pnull, sub = py_kind(f.annotation)
        if f"{model.__name__}.{name}" in DELIBERATELY_REQUIRED:
            assert nullable and name not in required, f"{where}.{name} is no longer an Option"
        else:
            assert f.is_required() == (name in required), f"{where}.{name}: required in python {f.is_required()}"
        assert pnull == nullable, f"{where}.{name}: nullable in python {pnull}, in schema {nullable}"
        assert pk == kind or pk == "any", f"{where}.{name}: python {pk}, schema {kind}"
        if sub is not None:
            compare(sub, sch.non_null(props[name]), sch, f"{where}.{name}")


def variants(sch: Schema) -> dict[str, dict[str, Any]]:
    """Variant name -> body schema of a cw_serde enum (externally tagged)."""
    out = {}
    for alt in sch.root["oneOf"]:
        alt = sch.resolve(alt)
        if alt.get("type") == "string":
            for name in alt["enum"]:
                out[name] = {"type": "object", "properties": {}}
            continue
        (name,) = alt["required"]
        out[name] = alt["properties"][name]
    return out


def check_enum(sch: Schema, models: dict[str, type[BaseModel]], what: str) -> None:
    schema_variants = variants(sch)
    assert set(models) == set(schema_variants), f"{what}: python {sorted(models)} vs schema {sorted(schema_variants)}"
    for name, model in models.items():
        body = schema_variants[name]
        if "$ref" in body and set(model.model_fields) == {"request"}:
            # newtype variant (Verify(VerifyRequest)): the body is the request itself
            model = model.model_fields["request"].annotation
        compare(model, body, sch, f"{what}.{name}")


VERIFIER = load("zkvct-verifier.json")
REGISTRY = load("cw1056.json")


def test_schema_is_the_contracts():
    assert VERIFIER["contract_name"] == "zkvct-verifier" and REGISTRY["contract_name"] == "cw1056"


def test_instantiate_messages_match():
    compare(m.VerifierInstantiate, VERIFIER["instantiate"], Schema(VERIFIER["instantiate"]), "verifier.instantiate")
    compare(m.Cw1056Instantiate, REGISTRY["instantiate"], Schema(REGISTRY["instantiate"]), "cw1056.instantiate")


def test_verifier_execute_variants_match():
    check_enum(Schema(VERIFIER["execute"]), m.VERIFIER_EXECUTE, "verifier.execute")


def test_verifier_query_variants_and_responses_match():
    check_enum(Schema(VERIFIER["query"]), {k: q for k, (q, _) in m.VERIFIER_QUERY.items()}, "verifier.query")
    assert set(VERIFIER["responses"]) == set(m.VERIFIER_QUERY)
    for name, (_, response) in m.VERIFIER_QUERY.items():
        if response is not None:
            r = VERIFIER["responses"][name]
            compare(response, r, Schema(r), f"verifier.responses.{name}")


def test_cw1056_variants_match_including_signed_ones():
    check_enum(Schema(REGISTRY["execute"]), m.CW1056_EXECUTE, "cw1056.execute")
    check_enum(Schema(REGISTRY["query"]), m.CW1056_QUERY, "cw1056.query")
    q = Schema(REGISTRY["query"])
    signed = Schema({"oneOf": q.defs["SignedAction"]["oneOf"], "definitions": q.defs})
    check_enum(signed, m.SIGNED_ACTIONS, "cw1056.SignedAction")
    for name, model in [("identity_owner", m.IdentityOwnerResponse), ("changed", m.ChangedResponse),
                        ("valid_delegate", m.ValidDelegateResponse)]:
        r = REGISTRY["responses"][name]
        compare(model, r, Schema(r), f"cw1056.responses.{name}")


def test_input_roles_match():
    ex = Schema(VERIFIER["execute"])
    roles = variants(Schema({"oneOf": ex.defs["InputRole"]["oneOf"], "definitions": ex.defs}))
    simple = set(m.SimpleRole.__args__)  # type: ignore[attr-defined]
    assert set(roles) == simple | {"cutoff_days", "param"}
    compare(m.CutoffDays, roles["cutoff_days"], ex, "InputRole.cutoff_days")
    compare(m.ParamValue, roles["param"], ex, "InputRole.param")
    # role() builds each of them and rejects anything else
    for name in simple:
        assert m.role(name) == name
    with pytest.raises(ValueError, match="unknown input role"):
        m.role("issuer")


def test_the_comparison_can_fail():
    """A model with a field the schema lacks (or missing one it has) is caught."""
    class Extra(m.AnchorRoot):
        extra: str

    sch = Schema(VERIFIER["execute"])
    with pytest.raises(AssertionError, match="extra"):
        compare(Extra, variants(sch)["anchor_root"], sch, "anchor_root")
    body = json.loads(json.dumps(variants(sch)["anchor_root"]))
    body["required"].remove("retire_previous")
    with pytest.raises(AssertionError, match="retire_previous: required"):
        compare(m.AnchorRoot, body, sch, "anchor_root")


def test_reason_codes_cover_the_spec():
    """Every code in docs/protocol.md's reason table is one the Python side knows."""
    import re

    spec = (Path(__file__).resolve().parents[2] / "docs" / "protocol.md").read_text()
    table = spec.split("Checks and their reason codes:", 1)[1].split("Groth16 proofs are malleable", 1)[0]
    first_cells = [row.split("|")[1] for row in table.splitlines() if row.startswith("| `")]
    codes = {c for cell in first_cells for c in re.findall(r"`([a-z_]+)`", cell)}
    assert len(codes) == 24, codes
    assert codes <= set(m.REASON_CODES), sorted(codes - set(m.REASON_CODES))
    assert m.reason_code("nullifier_used: nullifier 5 was already used") == "nullifier_used"
    assert m.reason_code("Error parsing into type zkvct_verifier::msg::ExecuteMsg") == "malformed"


def test_reason_codes_are_the_protocol_packages():
    """The off-chain verifier's codes (zkvct.credentials.reasons) are all codes the contract uses."""
    from zkvct.credentials.reasons import Reason

    assert {r.value for r in Reason} <= set(m.REASON_CODES)
