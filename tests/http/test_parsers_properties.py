"""Property tests (hypothesis) for the web stack's parsers: nothing but the designed refusal
ever comes out of them, and what they accept is exactly the documented form."""
from __future__ import annotations

import math
import re

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from ceremony.coordinator import wire
from ceremony.coordinator.core import CeremonyRejected
from zkvct.services.prover.service import redact
from zkvct.web.errors import ServiceError
from zkvct.web.limits import parse_content_length

header_text = st.one_of(st.text(max_size=80), st.from_regex(r"[0-9]{1,12}(\.[0-9]{0,7})?", fullmatch=True),
                        st.sampled_from(["nan", "inf", "-inf", "1e9", "0x1f", "+1", "١٢", "1_0", " 1"]))


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=30))
def test_content_length_parser(value):
    try:
        n = parse_content_length([(b"content-length", value)])
    except ServiceError as exc:
        assert exc.status == 400
        return
    assert re.fullmatch(rb"\s*[0-9]{1,19}\s*", value) and n == int(value) and n >= 0


@settings(max_examples=400, deadline=None)
@given(header_text)
def test_timestamp_header_accepts_only_plain_finite_decimals(value):
    try:
        got = wire.header({"X-Zkvct-Timestamp": value}, "X-Zkvct-Timestamp")
    except CeremonyRejected as exc:
        assert exc.status == 400 and "X-Zkvct-Timestamp" in str(exc)
        return
    assert got == value and re.fullmatch(r"[0-9]{1,11}(\.[0-9]{1,6})?", value)
    assert math.isfinite(float(value)) and float(value) >= 0


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(list(wire._PATTERNS)), st.text(max_size=200))
def test_every_signed_header_is_refused_or_canonical(name, value):
    try:
        got = wire.header({name: value}, name)
    except CeremonyRejected as exc:
        assert exc.status == 400 and exc.code == "bad_header" or (value == "" and exc.code == "unsigned")
        return
    assert wire._PATTERNS[name][0].match(got)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.from_regex(r"[a-z_]{1,12}", fullmatch=True),
                       st.one_of(st.integers(), st.text(min_size=4, max_size=40), st.lists(st.integers(), max_size=4)), max_size=6),
       st.text(max_size=60))
def test_redact_never_leaves_a_submitted_value(inputs, filler):
    values = [str(v) for v in inputs.values() if not isinstance(v, list)] + [str(x) for v in inputs.values() if isinstance(v, list) for x in v]
    assume(not any(k in v for k in inputs for v in values + [filler]))
    message = filler + " ".join(f"input {k} = {v} is out of range" for k, v in inputs.items()) + " ".join(values)
    out = redact(message, inputs)
    for v in values:
        if len(v) >= 4:
            assert v not in out
    for k in inputs:  # field names survive
        assert k in out
