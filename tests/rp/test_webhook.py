"""zkvct.webhook: the receiver's checks, each attack with its own test."""
from __future__ import annotations

import hashlib
import hmac

import pytest
from hypothesis import given, settings, strategies as st

from zkvct import webhook as wh

SECRET = b"0123456789abcdef-webhook-secret"
BODY = b'{"age_verified": true}'


def signed(body=BODY, delivery="dlv_1", ts=1_700_000_000, secret=SECRET):
    return wh.sign(secret, delivery, body, timestamp=ts)


def test_roundtrip():
    h = signed()
    d = wh.verify(SECRET, h, BODY, now=1_700_000_010)
    assert d.delivery_id == "dlv_1" and d.timestamp == 1_700_000_000 and d.body == BODY


def test_recipe_in_plain_hmac():
    """The documented recipe: HMAC-SHA256 over `ts.id.body`, hex, prefixed sha256=."""
    h = signed()
    mac = hmac.new(SECRET, b"1700000000.dlv_1." + BODY, hashlib.sha256).hexdigest()
    assert h[wh.SIGNATURE_HEADER] == "sha256=" + mac


def test_headers_are_case_insensitive():
    h = {k.upper(): v for k, v in signed().items()}
    wh.verify(SECRET, h, BODY, now=1_700_000_000)


@pytest.mark.parametrize("field", ["body", "ts", "delivery"])
def test_tampered_fields_refused(field):
    h = signed()
    body = BODY
    if field == "body":
        body = BODY.replace(b"true", b"false")
    elif field == "ts":
        h[wh.TIMESTAMP_HEADER] = "1700000001"
    else:
        h[wh.DELIVERY_HEADER] = "dlv_2"
    with pytest.raises(wh.WebhookError) as e:
        wh.verify(SECRET, h, body, now=1_700_000_000)
    assert e.value.code == "bad_signature"


def test_wrong_secret_refused():
    with pytest.raises(wh.WebhookError) as e:
        wh.verify(b"another-secret-of-16+", signed(), BODY, now=1_700_000_000)
    assert e.value.code == "bad_signature"


@pytest.mark.parametrize("skew", [301, -301, 10_000])
def test_stale_timestamp_refused(skew):
    with pytest.raises(wh.WebhookError) as e:
        wh.verify(SECRET, signed(), BODY, now=1_700_000_000 + skew)
    assert e.value.code == "stale_timestamp"


def test_replayed_delivery_refused_after_signature_check():
    seen = wh.SeenIds()
    wh.verify(SECRET, signed(), BODY, now=1_700_000_000, seen=seen)
    with pytest.raises(wh.WebhookError) as e:
        wh.verify(SECRET, signed(), BODY, now=1_700_000_000, seen=seen)
    assert e.value.code == "replayed"


def test_forged_request_does_not_reach_the_replay_store():
    calls = []
    h = signed()
    h[wh.SIGNATURE_HEADER] = "sha256=" + "0" * 64
    with pytest.raises(wh.WebhookError):
        wh.verify(SECRET, h, BODY, now=1_700_000_000, seen=lambda d: calls.append(d) or False)
    assert calls == []


@pytest.mark.parametrize("ts", ["nan", "-5", "1e9", " ", "0x10", "1" * 13, "١٢٣"])
def test_malformed_timestamp_refused(ts):
    h = signed()
    h[wh.TIMESTAMP_HEADER] = ts
    with pytest.raises(wh.WebhookError) as e:
        wh.verify(SECRET, h, BODY, now=1_700_000_000)
    assert e.value.code == "bad_timestamp"


@pytest.mark.parametrize("missing", [wh.SIGNATURE_HEADER, wh.TIMESTAMP_HEADER, wh.DELIVERY_HEADER])
def test_missing_header_named(missing):
    h = signed()
    del h[missing]
    with pytest.raises(wh.WebhookError) as e:
        wh.verify(SECRET, h, BODY, now=1_700_000_000)
    assert e.value.code == "missing_header" and missing in str(e.value)


def test_short_secret_refused():
    with pytest.raises(wh.WebhookError):
        wh.sign(b"short", "d", BODY)


@settings(max_examples=200, deadline=None)
@given(body=st.binary(max_size=512), delivery=st.from_regex(wh.DELIVERY_ID_RE, fullmatch=True),
       ts=st.integers(min_value=0, max_value=10**11), flip=st.integers(min_value=0, max_value=10_000))
def test_property_any_single_byte_flip_is_refused(body, delivery, ts, flip):
    h = wh.sign(SECRET, delivery, body, timestamp=ts)
    assert wh.verify(SECRET, h, body, now=ts).body == body
    if body:
        i = flip % len(body)
        bad = body[:i] + bytes([body[i] ^ 0x01]) + body[i + 1:]
        with pytest.raises(wh.WebhookError):
            wh.verify(SECRET, h, bad, now=ts)
