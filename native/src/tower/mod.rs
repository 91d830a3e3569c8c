//! BN254's extension-field tower (Fq, Fq2, Fq6, Fq12) and curve arithmetic with branch-free
//! reductions, on arkworks' types and representation, so a value moves between the two without
//! conversion. See `fq.rs` for why it exists. Each level's tests compare every operation with
//! arkworks'.

pub mod curve;
pub mod fq;
pub mod fq12;
pub mod fq2;
pub mod fq6;
pub mod ops;
