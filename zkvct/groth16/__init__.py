"""Groth16 over BN254, file-compatible with snarkjs 0.7.6.

* :mod:`.setup` - ``setup`` (R1CS + prepared ptau -> .zkey, as ``snarkjs groth16 setup``) and the
  INSECURE ``dev_setup`` for tests;
* :mod:`.prove` - ``prove`` / ``prove_with_key`` / ``prove_files`` (.zkey + witness -> proof);
* :mod:`.verify` - native ``verify`` / ``verify_files``; :mod:`.verify_reference` - the
  independent py_ecc verifier;
* :mod:`.export` - ``verification_key`` / ``export_verification_key``;
* :mod:`.json_models` - proof.json, public.json, verification_key.json;
* :mod:`.synthetic` - synthetic circuits for tests and benchmarks.
"""
