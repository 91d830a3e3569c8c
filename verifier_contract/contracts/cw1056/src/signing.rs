//! Sign bytes of CW1056 meta-transactions.
//!
//! ERC-1056 signs `0x19 0x00 registry nonce identity action fields...` (EIP-191 version 0);
//! ShareRing's CW1056 notes keep that layout without the leading 0x19 byte. Cosmos strings have
//! no fixed width, so every variable field here is length-prefixed (u32 big-endian) to make the
//! encoding injective:
//!
//! ```text
//! sign_bytes = 0x00 || lp(chain_id) || lp(contract address) || u64be(nonce) || lp(identity)
//!              || lp(action) || lp(field_1) || ... || lp(field_n)
//! lp(x)      = u32be(len(x)) || x                  (x as UTF-8)
//! digest     = sha256(sign_bytes)                  (signed with secp256k1, 64-byte r||s)
//! ```
//!
//! `action` and fields: `changeOwner(new_owner or "" for none)`,
//! `addDelegate(delegate_type, delegate, validity)`, `revokeDelegate(delegate_type, delegate)`,
//! `setAttribute(name, value, validity)`, `revokeAttribute(name, value)`; numbers as decimal
//! strings, `identity` and `value` in normalized lowercase hex without `0x`. The chain id and
//! contract address stop a signature from being replayed on another chain or registry; the
//! per-identity nonce (query `nonce`) stops it being replayed here.
use sha2::{Digest, Sha256};

use crate::msg::SignedAction;

fn lp(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_be_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// The bytes to sign. `identity` and attribute values must already be normalized.
pub fn sign_bytes(chain_id: &str, contract: &str, nonce: u64, identity: &str, action: &SignedAction) -> Vec<u8> {
    let mut out = vec![0u8];
    lp(&mut out, chain_id);
    lp(&mut out, contract);
    out.extend_from_slice(&nonce.to_be_bytes());
    lp(&mut out, identity);
    match action {
        SignedAction::ChangeOwner { new_owner } => {
            lp(&mut out, "changeOwner");
            lp(&mut out, new_owner.as_deref().unwrap_or(""));
        }
        SignedAction::AddDelegate { delegate_type, delegate, validity } => {
            lp(&mut out, "addDelegate");
            lp(&mut out, delegate_type);
            lp(&mut out, delegate);
            lp(&mut out, &validity.to_string());
        }
        SignedAction::RevokeDelegate { delegate_type, delegate } => {
            lp(&mut out, "revokeDelegate");
            lp(&mut out, delegate_type);
            lp(&mut out, delegate);
        }
        SignedAction::SetAttribute { name, value, validity } => {
            lp(&mut out, "setAttribute");
            lp(&mut out, name);
            lp(&mut out, value);
            lp(&mut out, &validity.to_string());
        }
        SignedAction::RevokeAttribute { name, value } => {
            lp(&mut out, "revokeAttribute");
            lp(&mut out, name);
            lp(&mut out, value);
        }
    }
    out
}

pub fn digest(sign_bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(sign_bytes).into()
}
