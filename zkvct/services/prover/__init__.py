"""The local prover/verifier HTTP API for wallets and relying parties (``zkvct serve``).

:mod:`.config` reads the statements to serve, :mod:`.service` proves and verifies (no HTTP),
:mod:`.app` puts it on zkvct.web with a bearer token, Host/Origin checks and limits.
"""
