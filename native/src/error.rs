//! Why the native core refused an input, as a value: the bindings turn each kind into its own
//! Python exception class (`zkvct.errors`), so callers can tell a bad point from a bad scalar or a
//! truncated buffer without parsing messages. Messages name the offending item (with its index
//! where it sits in a buffer) and what is allowed.

use core::fmt;

/// The check a point failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PointFault {
    /// The named coordinate ("x", "y.c1", ...) is >= q: it would alias a smaller value.
    CoordinateNotReduced(&'static str),
    /// The coordinates do not satisfy the curve equation.
    NotOnCurve,
    /// A G2 point outside the order-r subgroup (G2's cofactor is huge).
    NotInSubgroup,
    /// The all-zero encoding where a finite point is required.
    InfinityNotAllowed,
    /// An "uncompressed" encoding with the infinity flag and other bits set.
    InfinityFlagWithData,
    /// An "uncompressed" encoding with the compression flag set.
    CompressionFlag,
}

impl fmt::Display for PointFault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PointFault::CoordinateNotReduced(c) => write!(f, "{c} coordinate is not < q"),
            PointFault::NotOnCurve => f.write_str("not on the curve"),
            PointFault::NotInSubgroup => f.write_str("not in the prime-order subgroup"),
            PointFault::InfinityNotAllowed => f.write_str("the point at infinity is not allowed here"),
            PointFault::InfinityFlagWithData => f.write_str("infinity flag set but other bytes are not zero"),
            PointFault::CompressionFlag => f.write_str("compression flag set in an uncompressed point"),
        }
    }
}

/// A refused input. Each variant keeps the full message; `context` prefixes it with where the
/// item came from ("A points: ", "g1s ") without losing the kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// A point failing `fault`; `index` is its position in its buffer, where it has one.
    Point { fault: PointFault, index: Option<usize>, message: String },
    /// A scalar that is not canonical (>= r); `index` as for points.
    Scalar { index: Option<usize>, message: String },
    /// A buffer whose size is not a whole number of items, or not the size the other arguments imply.
    Length(String),
    /// An FFT domain size the field does not support (not a power of two, or above 2^28).
    Domain(String),
    /// Any other malformed argument: counts that do not pair up, CSR structure, a `.zkey`
    /// coefficient entry, a hash state.
    Invalid(String),
    /// The operating system's random source failed.
    Randomness(String),
}

impl Error {
    /// The point at `index` of a buffer failed `fault` ("point 3: not on the curve").
    pub fn point_at(index: usize, fault: PointFault) -> Self {
        Error::Point { fault, index: Some(index), message: format!("point {index}: {fault}") }
    }

    /// A single point failed `fault`.
    pub fn point(fault: PointFault) -> Self {
        Error::Point { fault, index: None, message: fault.to_string() }
    }

    /// The scalar at `index` of a buffer is >= r.
    pub fn scalar_at(index: usize) -> Self {
        Error::Scalar { index: Some(index), message: format!("scalar {index}: not canonical (>= r)") }
    }

    /// A single scalar is >= r.
    pub fn scalar() -> Self {
        Error::Scalar { index: None, message: "scalar is not canonical (>= r)".into() }
    }

    /// Exactly `want` bytes were needed for `what`.
    pub fn expected_bytes(what: &str, want: usize, got: usize) -> Self {
        Error::Length(format!("{what}: expected {want} bytes, got {got}"))
    }

    pub fn message(&self) -> &str {
        match self {
            Error::Point { message, .. } | Error::Scalar { message, .. } => message,
            Error::Length(m) | Error::Domain(m) | Error::Invalid(m) | Error::Randomness(m) => m,
        }
    }

    fn message_mut(&mut self) -> &mut String {
        match self {
            Error::Point { message, .. } | Error::Scalar { message, .. } => message,
            Error::Length(m) | Error::Domain(m) | Error::Invalid(m) | Error::Randomness(m) => m,
        }
    }

    /// The same error with `prefix` (which carries its own separator) in front of the message.
    pub fn context(mut self, prefix: &str) -> Self {
        self.message_mut().insert_str(0, prefix);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message())
    }
}

impl std::error::Error for Error {}

/// Structural checks written as plain messages (CSR layout, counts) are `Invalid`.
impl From<String> for Error {
    fn from(m: String) -> Self {
        Error::Invalid(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_keep_kind_index_and_context() {
        let e = Error::point_at(3, PointFault::CoordinateNotReduced("y.c1")).context("B2 points: ");
        assert_eq!(e.to_string(), "B2 points: point 3: y.c1 coordinate is not < q");
        assert!(matches!(e, Error::Point { index: Some(3), fault: PointFault::CoordinateNotReduced("y.c1"), .. }));
        let s = Error::scalar_at(2).context("witness: ");
        assert_eq!(s.to_string(), "witness: scalar 2: not canonical (>= r)");
        assert!(matches!(s, Error::Scalar { index: Some(2), .. }));
        assert_eq!(Error::scalar().context("r: ").to_string(), "r: scalar is not canonical (>= r)");
        assert_eq!(Error::expected_bytes("H points", 128, 64).to_string(), "H points: expected 128 bytes, got 64");
        assert_eq!(Error::from("2 rows but only 1 points".to_string()), Error::Invalid("2 rows but only 1 points".into()));
    }
}
