//! ShareLedger (Cosmos) addresses: derivation from a public key and validation.
//!
//! The default owner of `did:shr:<pubkey>` is the account address of that key, derived the
//! Cosmos way: bech32(prefix, ripemd160(sha256(compressed pubkey))). Addresses are validated
//! here rather than with `deps.api.addr_validate` so that the rule (bech32, configured prefix,
//! 20-byte account or 32-byte contract payload, lowercase) is the same in tests and on chain.
use bech32::{FromBase32, ToBase32, Variant};
use ripemd::Ripemd160;
use sha2::{Digest, Sha256};

use crate::ContractError;

/// Normalizes an identity (compressed secp256k1 public key as hex) and returns its 33 bytes.
/// Accepts an optional `0x` prefix and either case; returns the lowercase form without prefix.
pub fn parse_identity(identity: &str) -> Result<(String, [u8; 33]), ContractError> {
    let err = || ContractError::InvalidIdentity { identity: identity.to_string() };
    let hex = identity.strip_prefix("0x").unwrap_or(identity);
    if hex.len() != 66 {
        return Err(err());
    }
    let lower = hex.to_ascii_lowercase();
    let bytes = decode_hex(&lower).ok_or_else(err)?;
    if bytes[0] != 0x02 && bytes[0] != 0x03 {
        return Err(err());
    }
    let mut out = [0u8; 33];
    out.copy_from_slice(&bytes);
    Ok((lower, out))
}

/// Lowercase hex decoding; `None` on odd length or a non-hex character.
pub fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    let nib = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    s.as_bytes()
        .chunks(2)
        .map(|p| Some(nib(p[0])? << 4 | nib(p[1])?))
        .collect()
}

/// The account address of a compressed secp256k1 public key: bech32(prefix, ripemd160(sha256(pk))).
pub fn pubkey_address(prefix: &str, pubkey: &[u8]) -> String {
    let sha = Sha256::digest(pubkey);
    let rip = Ripemd160::digest(sha);
    // The prefix was validated at instantiation, so encoding cannot fail.
    bech32::encode(prefix, rip.to_base32(), Variant::Bech32).unwrap_or_default()
}

/// Validates a bech32 address with the configured prefix (lowercase, 20 or 32 byte payload).
pub fn validate_address(prefix: &str, address: &str) -> Result<String, ContractError> {
    let bad = |reason: String| ContractError::InvalidAddress { address: address.to_string(), reason };
    if address != address.to_ascii_lowercase() {
        return Err(bad("addresses must be lowercase".into()));
    }
    let (hrp, data, variant) = bech32::decode(address).map_err(|e| bad(format!("not bech32: {e}")))?;
    if variant != Variant::Bech32 {
        return Err(bad("bech32m is not used for account addresses".into()));
    }
    if hrp != prefix {
        return Err(bad(format!("prefix {hrp:?}; this chain's addresses start with {prefix:?}")));
    }
    let payload = Vec::<u8>::from_base32(&data).map_err(|e| bad(format!("bad payload: {e}")))?;
    if payload.len() != 20 && payload.len() != 32 {
        return Err(bad(format!("{}-byte payload; accounts have 20 bytes, contracts 32", payload.len())));
    }
    Ok(address.to_string())
}

/// Checks that a prefix can be a bech32 human-readable part.
pub fn validate_prefix(prefix: &str) -> Result<(), ContractError> {
    let ok = !prefix.is_empty()
        && prefix.len() <= 40
        && prefix.bytes().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(ContractError::InvalidField {
            field: "address_prefix".into(),
            reason: format!("{prefix:?}: expected 1-40 lowercase letters or digits"),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn address_of_spec_example_key() {
        // did:shr spec: 02457f...d9 has blockchainAccountId shareledger1zq5e4w2w552t4slmclezsuxu5jupmpu52ut6vd
        let (_, pk) =
            parse_identity("02457f5dbfdde10a2b8ad3ed73a6abcdbf4e7c326766e5b9f235b0af0b4846f0d9").unwrap();
        assert_eq!(pubkey_address("shareledger", &pk), "shareledger1zq5e4w2w552t4slmclezsuxu5jupmpu52ut6vd");
    }

    #[test]
    fn identity_is_normalized() {
        let (a, _) = parse_identity("0x02457F5DBFDDE10A2B8AD3ED73A6ABCDBF4E7C326766E5B9F235B0AF0B4846F0D9").unwrap();
        assert_eq!(a, "02457f5dbfdde10a2b8ad3ed73a6abcdbf4e7c326766e5b9f235b0af0b4846f0d9");
    }

    #[test]
    fn bad_identities_rejected() {
        for bad in [
            "",
            "04457f5dbfdde10a2b8ad3ed73a6abcdbf4e7c326766e5b9f235b0af0b4846f0d9",
            "02457f5dbfdde10a2b8ad3ed73a6abcdbf4e7c326766e5b9f235b0af0b4846f0d",
            "02457f5dbfdde10a2b8ad3ed73a6abcdbf4e7c326766e5b9f235b0af0b4846f0dg",
        ] {
            assert!(matches!(parse_identity(bad), Err(ContractError::InvalidIdentity { .. })), "{bad}");
        }
    }

    #[test]
    fn address_validation() {
        let ok = "shareledger1zq5e4w2w552t4slmclezsuxu5jupmpu52ut6vd";
        assert!(validate_address("shareledger", ok).is_ok());
        assert!(validate_address("cosmos", ok).is_err());
        assert!(validate_address("shareledger", &ok.to_uppercase()).is_err());
        // one character changed breaks the checksum
        assert!(validate_address("shareledger", "shareledger1zq5e4w2w552t4slmclezsuxu5jupmpu52ut6vc").is_err());
    }
}
