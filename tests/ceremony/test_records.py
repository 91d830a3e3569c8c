"""The contribution-record parser: round trips, names, and fuzzed bytes never escape as crashes."""
from __future__ import annotations

import struct

import pytest
from ceremony_helpers import section
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ceremony.records import encode_contributions, parse_contributions
from zkvct.formats.contribution_params import truncate_name
from zkvct.formats.binfile import FormatError


@pytest.fixture(scope="module")
def records(zkvct_chain) -> bytes:
    return section(zkvct_chain["z3"], 7)


def test_round_trip(records) -> None:
    cs = parse_contributions(records)
    assert [c.index for c in cs] == [1, 2, 3] and cs[2].type == 1
    assert encode_contributions(cs) == records


@given(st.text(max_size=80))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_names_round_trip(records, name: str) -> None:
    cs = parse_contributions(records)
    cs[0].name = name
    again = parse_contributions(encode_contributions(cs))
    assert again[0].name == truncate_name(name)
    assert len(again[0].name.encode()) <= 255


@given(st.data())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_mutations_fail_cleanly(records, data) -> None:
    raw = bytearray(records)
    n = data.draw(st.integers(min_value=1, max_value=4))
    for _ in range(n):
        pos = data.draw(st.integers(min_value=0, max_value=len(raw) - 1))
        raw[pos] = data.draw(st.integers(min_value=0, max_value=255))
    cut = data.draw(st.integers(min_value=0, max_value=len(raw)))
    try:
        parse_contributions(bytes(raw[:cut]))
    except FormatError:
        pass  # every failure is a FormatError with a message (points, lengths, tags...)


def test_count_larger_than_data(records) -> None:
    raw = bytearray(records)
    struct.pack_into("<I", raw, 0, 1000)
    with pytest.raises(FormatError, match="contribution #4 is truncated"):
        parse_contributions(bytes(raw))
