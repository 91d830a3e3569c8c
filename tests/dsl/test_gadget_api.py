"""The DSL's public door for gadgets: ``api.as_signal``/``api.constant``, named hints, role vocabularies."""
from __future__ import annotations

import pytest

from zkvct.dsl import Circuit, DslError, Hint, HintError, Input, compile_circuit, get_hint, hint, registered_hints
from zkvct.dsl.hints import register_hint
from zkvct.field import R

from test_check import _circuit  # tests/dsl is on the path (pytest's rootdir-relative import)


def _compile(body):
    """``body(api, x)`` over public ``a`` and private ``b``, compiled (test_check's probe circuit)."""
    return compile_circuit(_circuit(body))


@hint("test_api.square")
def square(inputs, n_out):
    """``v^2``."""
    (v,) = inputs
    return v * v


# -- as_signal / constant ---------------------------------------------------------------------

def test_as_signal_lifts_integers_and_keeps_signals():
    seen = {}

    def body(api, x):
        k = api.as_signal(R + 5)
        seen["const"] = k.is_constant() and k.constant_value() == 5
        seen["zero"] = api.as_signal(-R).terms == {}
        seen["same"] = api.as_signal(x.a) is x.a
        seen["diff"] = (api.as_signal(7) - 2).constant_value() == 5  # int - int would not be a signal
        api.assert_mul(x.a, x.b, 6)

    _compile(body)
    assert seen == {"const": True, "zero": True, "same": True, "diff": True}


@pytest.mark.parametrize("bad, message", [(True, "not bool"), (1.5, "not float"), ("3", "not str")])
def test_as_signal_refuses_non_integers(bad, message):
    with pytest.raises(DslError, match=message):
        _compile(lambda api, x: api.as_signal(bad))


def test_as_signal_refuses_a_signal_of_another_circuit():
    stolen = {}

    def first(api, x):
        stolen["s"] = x.a
        api.assert_mul(x.a, x.b, 1)

    _compile(first)
    with pytest.raises(DslError, match="another circuit"):
        _compile(lambda api, x: api.as_signal(stolen["s"]))


def test_constant_refuses_a_signal():
    with pytest.raises(DslError, match="api.constant takes an integer"):
        _compile(lambda api, x: api.constant(x.a))


# -- named hints --------------------------------------------------------------------------------

def test_hint_by_object_and_by_name_compute_the_same_witness():
    def body(api, x):
        s1 = api.hint(square, x.a, name="s1")
        s2 = api.hint("test_api.square", x.a, name="s2")
        api.assert_mul(x.a, x.a, s1)
        api.assert_equal(s1, s2)
        api.assert_mul(x.b, x.b, s2)

    cc = _compile(body)
    vals = cc.compute_vars({"a": 3, "b": R - 3})
    assert cc.first_unsatisfied(cc.wire_values(vals)) == -1
    assert cc.hint_usage() == {"test_api.square": 2}
    assert cc.stats()["hints"] == {"test_api.square": 2}
    names = {cc.var_names[v]: cc.hint_of(v) for v in cc.hint_vars}
    assert names == {"main.s1": "test_api.square", "main.s2": "test_api.square"}


def test_lambdas_and_unregistered_functions_are_refused():
    def plain(inputs, n_out):
        return 0

    with pytest.raises(DslError, match="registered with @hint.*not <lambda>"):
        _compile(lambda api, x: api.hint(lambda v: v, x.a))
    with pytest.raises(DslError, match="not plain"):
        _compile(lambda api, x: api.hint(plain, x.a))
    with pytest.raises(DslError, match="no hint is registered as 'test_api.nope'; known: .*dsl.inverse"):
        _compile(lambda api, x: api.hint("test_api.nope", x.a))


def test_hint_n_out_must_be_positive():
    with pytest.raises(DslError, match="n_out must be a positive integer"):
        _compile(lambda api, x: api.hint(square, x.a, n_out=0))


def test_registry_refuses_bad_names_lambdas_and_clashes():
    with pytest.raises(HintError, match="dotted lowercase"):
        hint("NoNamespace")(lambda inputs, n_out: 0)
    with pytest.raises(HintError, match="dotted lowercase"):
        register_hint("plain", square.fn)
    with pytest.raises(HintError, match="not a lambda"):
        register_hint("test_api.anon", lambda inputs, n_out: 0)

    def other(inputs, n_out):
        return 1

    with pytest.raises(HintError, match="test_api.square is already registered by .*square"):
        register_hint("test_api.square", other)
    # registering the same function again (a module reload) is accepted and keeps the name
    assert register_hint("test_api.square", square.fn).name == "test_api.square"


def test_registry_lists_the_generic_and_gadget_hints():
    import circuits.gadgets.smt  # noqa: F401  registers smt.*

    known = registered_hints()
    for name in ("dsl.identity", "dsl.inverse", "dsl.div", "dsl.bits_le", "smt.levels", "smt.enabled_prefix"):
        assert isinstance(known[name], Hint) and known[name].name == name
        assert known[name].doc, f"{name} has no docstring"
    assert get_hint("dsl.inverse")([0]) == 0 and get_hint("dsl.inverse")([2]) * 2 % R == 1
    assert get_hint("dsl.div")([6, 3]) == 2 and get_hint("dsl.div")([6, 0]) == 0
    assert get_hint("dsl.bits_le")([6], 4) == [0, 1, 1, 0]


def test_gadgets_and_statements_use_no_private_dsl_names_and_no_lambda_hints():
    """The door stays public: no gadget reaches into ``api._lift`` or passes a lambda to api.hint."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "circuits"
    offenders = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__") \
                    and isinstance(node.value, ast.Name) and node.value.id == "api":
                offenders.append(f"{path.name}:{node.lineno} api.{node.attr}")
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "hint" \
                    and node.args and isinstance(node.args[0], ast.Lambda):
                offenders.append(f"{path.name}:{node.lineno} lambda hint")
    assert offenders == []


# -- roles --------------------------------------------------------------------------------------

def test_any_identifier_is_a_role_without_a_vocabulary():
    class Free(Circuit):
        name = "free"
        public = [Input("a", role="owner"), Input("b")]

        def define(self, api, x):
            api.assert_mul(x.a, x.b, 1)

    assert Free().public_roles == ["owner", "param"]
    with pytest.raises(ValueError, match="input a: role 'x-y' must be an identifier"):
        Input("a", role="x-y")


def test_a_vocabulary_rejects_other_roles_in_the_class_body():
    with pytest.raises(ValueError, match=r"input a: role 'owner' is not one of root, day, param \(the roles of Fixed\)"):
        class Fixed(Circuit):  # noqa: F841
            name = "fixed"
            roles = ("root", "day")
            public = [Input("a", role="owner")]

            def define(self, api, x):
                pass


def test_a_vocabulary_is_inherited_and_checked_for_inputs_built_in_init():
    class Family(Circuit):
        roles = ("root", "day")

        def __init__(self, role):
            self.name = "member"
            self.public = [Input("a", role=role), Input("b")]

        def define(self, api, x):
            api.assert_mul(x.a, x.b, 1)

    assert Family("day").public_roles == ["day", "param"]
    assert compile_circuit(Family("root")).n_constraints == 1
    with pytest.raises(ValueError, match="input a: role 'owner' is not one of root, day, param"):
        compile_circuit(Family("owner"))
    with pytest.raises(ValueError, match="role 'owner'"):
        Family("owner").public_roles


def test_a_vocabulary_must_be_a_tuple_of_identifiers():
    with pytest.raises(TypeError, match="roles must be a tuple of identifiers"):
        class Bad(Circuit):  # noqa: F841
            roles = "root"

            def define(self, api, x):
                pass


def test_credential_statements_declare_the_credential_vocabulary():
    from circuits.statements import STATEMENTS
    from circuits.statements.base import CredentialStatement
    from circuits.statements.roles import CREDENTIAL_ROLES

    assert CredentialStatement.roles == CREDENTIAL_ROLES
    assert "revocation_root" in CREDENTIAL_ROLES and "issuer_root" in CREDENTIAL_ROLES
    for cls in STATEMENTS.values():
        assert set(cls().public_roles) <= set(CREDENTIAL_ROLES)


# -- the names reach the CLI --------------------------------------------------------------------

def test_circuit_check_and_info_name_the_hints():
    import json

    from click.testing import CliRunner

    from zkvct.cli.main import main

    res = CliRunner().invoke(main, ["circuit", "check", "not_expired", "-p", "depth=4", "--seed", "1", "--json"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.stdout
    hints = json.loads(res.stdout)["hints"]
    assert {"dsl.bits_le", "dsl.identity"} <= set(hints)
    assert all(isinstance(n, int) and n > 0 for n in hints.values())
    human = CliRunner().invoke(main, ["circuit", "check", "not_expired", "-p", "depth=4", "--seed", "1"],
                               catch_exceptions=False)
    assert human.exit_code == 0 and f"dsl.bits_le x{hints['dsl.bits_le']}" in human.stdout
    info = CliRunner().invoke(main, ["circuit", "info", "age_gte", "-p", "depth=4", "--json"], catch_exceptions=False)
    assert json.loads(info.stdout)["stats"]["hints"]["dsl.bits_le"] >= 1
