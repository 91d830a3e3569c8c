use alloc::string::String;
use core::fmt;

/// Why a key, proof or input was refused. Messages name the offending item and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// Not a canonical decimal string (empty, non-digit, leading zero, > 256 bits).
    Decimal(String),
    /// A number at or above its field modulus.
    NotCanonical(String),
    /// A point that is malformed, not affine, at infinity, off the curve or outside the subgroup.
    Point(String),
    /// Key metadata that is not a snarkjs Groth16 BN254 key (protocol, curve, counts).
    Key(String),
    /// Number of public inputs differs from the key's.
    InputCount { expected: usize, got: usize },
    /// Stored key bytes that do not decode (storage corruption; never user input).
    Encoding(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Decimal(m) | Error::NotCanonical(m) | Error::Point(m) | Error::Key(m) => f.write_str(m),
            Error::InputCount { expected, got } => {
                write!(f, "wrong number of public inputs: the key takes {expected}, got {got}")
            }
            Error::Encoding(m) => write!(f, "stored key does not decode: {m}"),
        }
    }
}
