"""The relying party's side of proof requests: the token format and checks live in
:mod:`zkvct.credentials.request_token` (the wallet uses the same module); this adds the QR codes."""
from __future__ import annotations

import io

import qrcode

from zkvct.credentials.request_token import (  # noqa: F401  (the RP's request API in one place)
    DEEP_LINK_SCHEME, REQUEST_TYP, NewRequest, RelyingParty, RequestError, check_request, deep_link, new_request,
    parse_deep_link)


def qr_png(text: str) -> bytes:
    img = qrcode.make(text, error_correction=qrcode.constants.ERROR_CORRECT_M)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


def qr_terminal(text: str) -> str:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=1)
    qr.add_data(text)
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    return out.getvalue()
