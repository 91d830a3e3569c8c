"""The project's HTTP services (issuer, wallet API, relying party, ceremony coordinator, prover),
all on the one web stack of :mod:`zkvct.web`. This is the top layer: nothing below imports it."""
