"""The credential issuer service (``zkvct issuer serve``).

Modules, bottom up: :mod:`.db` (tables), :mod:`.tree` (the depth-20 Poseidon registry persisted
node by node), :mod:`.registry` (offers, redemption, revocation, epochs: one transaction each),
:mod:`.credential` (the W3C VC it signs), :mod:`.outbox` (durable anchoring on chain),
:mod:`.keystore` (the sealed issuer key), :mod:`.app` (HTTP), :mod:`.config` (home directory).
"""
