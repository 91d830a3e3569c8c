//! The derivations of docs/protocol.md the contract recomputes (never taken from the prover):
//! `lp`, `h253`, the scope, the challenge, the proof hash and the holder authorization's sign
//! bytes. Python has the one other implementation (`zkvct/credentials/`); the fixtures and the
//! chain tests pin the two against each other.
use sha2::{Digest, Sha256};
use zkvct_groth16::ark::PrimeField;
use zkvct_groth16::{decimal, Fq, Proof};

use crate::msg::ProofRequest;

/// `u32be(len(x)) ‖ x`: every variable-length field is length-prefixed, so no two field lists
/// encode alike.
pub fn lp(out: &mut Vec<u8>, x: &[u8]) {
    out.extend_from_slice(&(x.len() as u32).to_be_bytes());
    out.extend_from_slice(x);
}

/// `int(sha256(bytes)) mod 2^253` as 32 big-endian bytes: always below r, so canonical.
pub fn h253(bytes: &[u8]) -> [u8; 32] {
    let mut h: [u8; 32] = Sha256::digest(bytes).into();
    h[0] &= 0x1f;
    h
}

/// `h253(lp("zkvct/scope/v2") ‖ lp(relying_party_did) ‖ lp(statement_id))`.
pub fn scope(relying_party_did: &str, statement_id: &str) -> [u8; 32] {
    let mut b = Vec::with_capacity(64 + relying_party_did.len() + statement_id.len());
    lp(&mut b, b"zkvct/scope/v2");
    lp(&mut b, relying_party_did.as_bytes());
    lp(&mut b, statement_id.as_bytes());
    h253(&b)
}

/// `h253(lp("zkvct/challenge/v2") ‖ lp(relying_party_did) ‖ lp(id) ‖ lp(nonce) ‖ u64be(expires_at))`.
pub fn challenge(relying_party_did: &str, request: &ProofRequest) -> [u8; 32] {
    let mut b = Vec::with_capacity(128 + relying_party_did.len() + request.id.len() + request.nonce.len());
    lp(&mut b, b"zkvct/challenge/v2");
    lp(&mut b, relying_party_did.as_bytes());
    lp(&mut b, request.id.as_bytes());
    lp(&mut b, request.nonce.as_bytes());
    b.extend_from_slice(&request.expires_at.to_be_bytes());
    h253(&b)
}

fn put(out: &mut Vec<u8>, f: &Fq) {
    out.extend_from_slice(&decimal::to_be_bytes(&f.into_bigint()));
}

/// `sha256(A.x ‖ A.y ‖ B.x.c1 ‖ B.x.c0 ‖ B.y.c1 ‖ B.y.c0 ‖ C.x ‖ C.y)`, 32-byte big-endian
/// coordinates (the EVM precompile order), of the validated affine points.
pub fn proof_hash(p: &Proof) -> [u8; 32] {
    let mut b = Vec::with_capacity(256);
    put(&mut b, &p.a.x);
    put(&mut b, &p.a.y);
    put(&mut b, &p.b.x.c1);
    put(&mut b, &p.b.x.c0);
    put(&mut b, &p.b.y.c1);
    put(&mut b, &p.b.y.c0);
    put(&mut b, &p.c.x);
    put(&mut b, &p.c.y);
    Sha256::digest(&b).into()
}

pub fn hex(b: &[u8]) -> String {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(D[(x >> 4) as usize] as char);
        s.push(D[(x & 15) as usize] as char);
    }
    s
}

/// The holder authorization's sign bytes, CW1056's layout:
/// `0x00 ‖ lp(chain_id) ‖ lp(verifier) ‖ u64be(nonce) ‖ lp(holder_did) ‖ lp("authorizeVerify")
/// ‖ lp(statement_id) ‖ lp(relying_party_did) ‖ lp(request_id) ‖ lp(hex(proof_hash))`.
#[allow(clippy::too_many_arguments)]
pub fn authorization_sign_bytes(
    chain_id: &str,
    verifier: &str,
    nonce: u64,
    holder_did: &str,
    statement_id: &str,
    relying_party_did: &str,
    request_id: &str,
    proof_hash: &[u8; 32],
) -> Vec<u8> {
    let mut b = vec![0u8];
    lp(&mut b, chain_id.as_bytes());
    lp(&mut b, verifier.as_bytes());
    b.extend_from_slice(&nonce.to_be_bytes());
    lp(&mut b, holder_did.as_bytes());
    lp(&mut b, b"authorizeVerify");
    lp(&mut b, statement_id.as_bytes());
    lp(&mut b, relying_party_did.as_bytes());
    lp(&mut b, request_id.as_bytes());
    lp(&mut b, hex(proof_hash).as_bytes());
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lp_prefixes_the_length() {
        let mut b = vec![];
        lp(&mut b, b"ab");
        assert_eq!(b, [0, 0, 0, 2, b'a', b'b']);
    }

    #[test]
    fn h253_clears_the_top_three_bits() {
        let full: [u8; 32] = Sha256::digest(b"x").into();
        let h = h253(b"x");
        assert_eq!(h[0], full[0] & 0x1f);
        assert_eq!(h[1..], full[1..]);
    }

    #[test]
    fn scope_fields_cannot_shift() {
        // without length prefixes ("ab","c") and ("a","bc") would collide
        assert_ne!(scope("did:shr:ab", "c"), scope("did:shr:a", "bc"));
    }
}
