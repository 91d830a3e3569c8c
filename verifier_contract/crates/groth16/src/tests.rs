//! Native tests of the verification crate over snarkjs fixtures, plus property tests of the
//! decimal codec (the one parser every untrusted number goes through).
use alloc::string::{String, ToString};
use alloc::vec::Vec;

use ark_ff::{BigInt, PrimeField};
use proptest::prelude::*;

use crate::decimal::{parse_field, parse_u256, to_be_bytes, to_decimal, to_u64};
use crate::*;

const AGE_VK: &str = include_str!("../../../fixtures/age6/verification_key.json");
const AGE_PROOF: &str = include_str!("../../../fixtures/age6/proof_1.json");
const AGE_PUBLIC: &str = include_str!("../../../fixtures/age6/public_1.json");
const ONE_VK: &str = include_str!("../../../fixtures/one_input/verification_key.json");
const ONE_PROOF: &str = include_str!("../../../fixtures/one_input/proof_7.json");
const ONE_PUBLIC: &str = include_str!("../../../fixtures/one_input/public_7.json");
const ONE_PUBLIC_OTHER: &str = include_str!("../../../fixtures/one_input/public_8.json");

const AGE_PROOF_ZKVCT: &str = include_str!("../../../fixtures/age6/proof_zkvct_1.json");
const ONE_PROOF_ZKVCT: &str = include_str!("../../../fixtures/one_input/proof_zkvct_7.json");

const R: &str = "21888242871839275222246405745257275088548364400416034343698204186575808495617";
const Q: &str = "21888242871839275222246405745257275088696311157297823662689037894645226208583";

fn load(vk: &str, proof: &str, public: &str) -> (PreparedKey, Proof, Vec<Fr>) {
    let vk: SnarkjsVerificationKey = serde_json::from_str(vk).unwrap();
    let p: SnarkjsProof = serde_json::from_str(proof).unwrap();
    let s: Vec<String> = serde_json::from_str(public).unwrap();
    (PreparedKey::from_snarkjs(&vk).unwrap(), Proof::from_snarkjs(&p).unwrap(), parse_public_inputs(&s).unwrap())
}

#[test]
fn snarkjs_proofs_verify() {
    for (vk, p, s) in [
        (AGE_VK, AGE_PROOF, AGE_PUBLIC),
        (ONE_VK, ONE_PROOF, ONE_PUBLIC),
        (AGE_VK, AGE_PROOF_ZKVCT, AGE_PUBLIC),
        (ONE_VK, ONE_PROOF_ZKVCT, ONE_PUBLIC),
    ] {
        let (k, proof, inputs) = load(vk, p, s);
        assert_eq!(verify(&k, &proof, &inputs), Ok(true));
    }
}

#[test]
fn other_public_inputs_fail() {
    let (k, proof, _) = load(ONE_VK, ONE_PROOF, ONE_PUBLIC);
    let other: Vec<String> = serde_json::from_str(ONE_PUBLIC_OTHER).unwrap();
    assert_eq!(verify(&k, &proof, &parse_public_inputs(&other).unwrap()), Ok(false));
    let (k, proof, mut inputs) = load(AGE_VK, AGE_PROOF, AGE_PUBLIC);
    inputs[2] += Fr::from(1u64);
    assert_eq!(verify(&k, &proof, &inputs), Ok(false));
    inputs.pop();
    assert_eq!(verify(&k, &proof, &inputs), Err(Error::InputCount { expected: 6, got: 5 }));
}

#[test]
fn alpha_beta_matches_snarkjs() {
    // snarkjs exports e(alpha, beta) as vk_alphabeta_12; the contract recomputes it and must agree
    let vk: SnarkjsVerificationKey = serde_json::from_str(AGE_VK).unwrap();
    let k = PreparedKey::from_snarkjs(&vk).unwrap();
    let ab = vk.vk_alphabeta_12.unwrap();
    let f = |s: &String| -> Fq { parse_field(s, "ab").unwrap() };
    let c0 = &k.alpha_beta.c0;
    let c1 = &k.alpha_beta.c1;
    let ours = [
        [c0.c0.c0, c0.c0.c1], [c0.c1.c0, c0.c1.c1], [c0.c2.c0, c0.c2.c1],
        [c1.c0.c0, c1.c0.c1], [c1.c1.c0, c1.c1.c1], [c1.c2.c0, c1.c2.c1],
    ];
    let theirs: Vec<[Fq; 2]> = ab.iter().flat_map(|half| half.iter().map(|e| [f(&e[0]), f(&e[1])])).collect();
    assert_eq!(theirs, ours.to_vec());
}

#[test]
fn prepared_key_round_trips_through_bytes() {
    let vk: SnarkjsVerificationKey = serde_json::from_str(AGE_VK).unwrap();
    let k = PreparedKey::from_snarkjs(&vk).unwrap();
    let bytes = k.to_bytes();
    assert_eq!(PreparedKey::from_trusted_bytes(&bytes).unwrap(), k);
    assert!(PreparedKey::from_trusted_bytes(&bytes[..bytes.len() - 1]).is_err(), "truncated bytes are refused");
}

#[test]
fn inputs_at_or_above_r_are_refused() {
    let s = [R.to_string()];
    assert!(matches!(parse_public_inputs(&s), Err(Error::NotCanonical(_))));
    let below = [String::from("21888242871839275222246405745257275088548364400416034343698204186575808495616")];
    assert!(parse_public_inputs(&below).is_ok());
}

#[test]
fn coordinates_at_or_above_q_are_refused() {
    let mut p: SnarkjsProof = serde_json::from_str(ONE_PROOF).unwrap();
    p.pi_a[0] = Q.to_string();
    assert!(matches!(Proof::from_snarkjs(&p), Err(Error::NotCanonical(_))));
}

#[test]
fn decimal_rejects_non_canonical_spellings() {
    for bad in ["", "01", "+1", "-1", " 1", "1 ", "0x1", "1.0", "１"] {
        assert!(parse_u256(bad, "x").is_err(), "{bad:?}");
    }
    let too_big = "115792089237316195423570985008687907853269984665640564039457584007913129639936"; // 2^256
    assert!(parse_u256(too_big, "x").is_err());
    let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935";
    assert_eq!(parse_u256(max, "x").unwrap(), BigInt::new([u64::MAX; 4]));
    assert_eq!(to_decimal(&BigInt::new([0; 4])), "0");
}

fn arb_u256() -> impl Strategy<Value = [u64; 4]> {
    prop_oneof![
        any::<[u64; 4]>(),
        any::<u64>().prop_map(|x| [x, 0, 0, 0]),
        Just([0u64; 4]),
    ]
}

proptest! {
    #[test]
    fn decimal_round_trip(limbs in arb_u256()) {
        let v = BigInt::new(limbs);
        let s = to_decimal(&v);
        prop_assert_eq!(parse_u256(&s, "x").unwrap(), v);
        // the big-endian bytes carry the same number
        let be = to_be_bytes(&v);
        let mut back = [0u64; 4];
        for i in 0..4 {
            back[3 - i] = u64::from_be_bytes(be[8 * i..8 * i + 8].try_into().unwrap());
        }
        prop_assert_eq!(back, limbs);
        prop_assert_eq!(to_u64(&v), if limbs[1..] == [0, 0, 0] { Some(limbs[0]) } else { None });
    }

    #[test]
    fn decimal_matches_u128_formatting(x in any::<u128>()) {
        let s = x.to_string();
        let v = parse_u256(&s, "x").unwrap();
        prop_assert_eq!(v.0, [x as u64, (x >> 64) as u64, 0, 0]);
    }

    #[test]
    fn field_parse_accepts_exactly_below_modulus(limbs in arb_u256()) {
        let v = BigInt::new(limbs);
        let s = to_decimal(&v);
        let parsed = parse_field::<Fr>(&s, "x");
        prop_assert_eq!(parsed.is_ok(), v < Fr::MODULUS);
        if let Ok(f) = parsed {
            prop_assert_eq!(f.into_bigint(), v);
        }
    }

    #[test]
    fn garbage_never_parses_as_a_field_element(s in "\\PC{0,80}") {
        // whatever parses must print back to the same string (one spelling per value)
        if let Ok(f) = parse_field::<Fr>(&s, "x") {
            prop_assert_eq!(to_decimal(&f.into_bigint()), s);
        }
    }
}
