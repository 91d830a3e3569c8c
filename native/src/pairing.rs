//! Multi-pairing product check Π e(P_i, Q_i) == 1 (one shared final exponentiation).

use ark_bn254::{Bn254, G1Affine, G2Affine};
use ark_ec::pairing::Pairing;
use ark_ff::One;

pub fn product_is_one(g1s: &[G1Affine], g2s: &[G2Affine]) -> bool {
    Bn254::multi_pairing(g1s.iter().copied(), g2s.iter().copied()).0.is_one()
}
