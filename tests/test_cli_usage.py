"""click's own usage errors under ``--json``: a script gets one JSON object on stdout, exit code 2.

Before this, ``zkvct wallet accept ... -Xyz --json`` (an offer id read as an option) printed
nothing on stdout, and a caller that parsed stdout saw an empty answer instead of the reason.
"""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from zkvct.cli.main import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), prog_name="zkvct")


@pytest.mark.parametrize(
    "args,needle,usage",
    [
        (("wallet", "accept", "--wallet", "w.db", "--issuer", "http://127.0.0.1:9", "-Abc"), "No such option '-A'",
         "zkvct wallet accept [OPTIONS] OFFER_ID"),
        (("wallet", "accept", "--wallet", "w.db", "--issuer", "http://127.0.0.1:9"), "Missing argument 'OFFER_ID'",
         "OFFER_ID"),
        (("wallet", "accept", "offer_x"), "Missing option '--wallet'", "zkvct wallet accept"),
        (("no-such-verb",), "No such command 'no-such-verb'", "COMMAND"),
        (("issuer", "init", "--home", "h", "--depth", "99"), "--depth", "zkvct issuer init"),
    ],
)
def test_usage_errors_are_json_under_json(args, needle, usage):
    res = run(*args, "--json")
    assert res.exit_code == 2, res.output
    out = json.loads(res.stdout)
    assert out["ok"] is False and needle in out["error"] and usage in out["usage"], out
    assert needle in res.stderr and "Traceback" not in res.output  # the human message is still there


def test_without_json_stdout_stays_empty():
    res = run("wallet", "accept", "--wallet", "w.db", "--issuer", "http://127.0.0.1:9", "-Abc")
    assert res.exit_code == 2 and res.stdout == "" and "No such option" in res.stderr


def test_json_after_double_dash_is_an_operand_not_the_flag():
    res = run("no-such-verb", "--", "--json")
    assert res.exit_code == 2 and res.stdout == ""
