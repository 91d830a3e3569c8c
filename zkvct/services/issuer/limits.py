"""The registry depths an issuer can be set up with, in a module that imports nothing.

Why a module of its own: the CLI's ``--depth`` range, :func:`.config.init_home` and the VC parser
(:func:`.credential.parse_opening`) must agree, and the CLI cannot import the credential module
at start-up without loading Poseidon into every command.
"""
from __future__ import annotations

MIN_DEPTH, MAX_DEPTH = 2, 32
"""At most 32 because an opening's serial is a 32-bit integer, so a deeper tree could not be filled."""
