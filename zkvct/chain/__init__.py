"""On-chain side of zkvct: a local wasmd node, a cosmpy client for the CW1056 did:shr registry and
the zkVCT verifier contract, and the CometBFT RPC calls the did:shr resolver needs.

Modules: ``localnet`` (start/stop a single-node chain), ``keys`` (public test keys), ``rpc``
(CometBFT JSON-RPC: tx_search, block times), ``messages`` (typed contract messages), ``client``
(deploy / execute / query with readable errors).
"""
