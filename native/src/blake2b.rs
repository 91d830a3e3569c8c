//! BLAKE2b (RFC 7693) over the 216-byte resumable state that snarkjs stores in `.ptau`
//! contribution records ("partialHash"), so the ceremony can hash megabytes of points natively.
//!
//! State layout (snarkjs 0.7 / @noble/hashes, mirrored by `ceremony/blake2b.py`): bytes 0..128
//! the block buffer (`pos` pending bytes, then stale bytes of earlier blocks), 128..192 the
//! chaining words h[0..8] (LE u64), 192..200 the count of compressed bytes (LE u64), 200..204
//! `pos` (LE u32), 204..216 zero. As in every BLAKE2 implementation the last block stays in the
//! buffer until more data arrives, because the final block is compressed with the "last" flag.
//! The buffer handling (what is copied, what stays stale) follows the pure-Python reference in
//! `tests/blake2b_reference.py` exactly, so both produce byte-identical state dumps, also across
//! a chain of resumed calls.

pub const STATE_BYTES: usize = 216;
const BLOCK: usize = 128;

const IV: [u64; 8] = [
    0x6A09E667F3BCC908, 0xBB67AE8584CAA73B, 0x3C6EF372FE94F82B, 0xA54FF53A5F1D36F1,
    0x510E527FADE682D1, 0x9B05688C2B3E6C1F, 0x1F83D9ABFB41BD6B, 0x5BE0CD19137E2179,
];

const SIGMA: [[usize; 16]; 12] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
    [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4],
    [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
    [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13],
    [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
    [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11],
    [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
    [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5],
    [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0],
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
];

#[inline(always)]
fn g(v: &mut [u64; 16], a: usize, b: usize, c: usize, d: usize, x: u64, y: u64) {
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(x);
    v[d] = (v[d] ^ v[a]).rotate_right(32);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(24);
    v[a] = v[a].wrapping_add(v[b]).wrapping_add(y);
    v[d] = (v[d] ^ v[a]).rotate_right(16);
    v[c] = v[c].wrapping_add(v[d]);
    v[b] = (v[b] ^ v[c]).rotate_right(63);
}

fn compress(h: &mut [u64; 8], block: &[u8], t: u128, last: bool) {
    let mut m = [0u64; 16];
    for (k, w) in m.iter_mut().enumerate() {
        *w = u64::from_le_bytes(block[8 * k..8 * k + 8].try_into().unwrap());
    }
    let mut v = [0u64; 16];
    v[..8].copy_from_slice(h);
    v[8..].copy_from_slice(&IV);
    v[12] ^= t as u64;
    v[13] ^= (t >> 64) as u64;
    if last {
        v[14] = !v[14];
    }
    for s in SIGMA.iter() {
        g(&mut v, 0, 4, 8, 12, m[s[0]], m[s[1]]);
        g(&mut v, 1, 5, 9, 13, m[s[2]], m[s[3]]);
        g(&mut v, 2, 6, 10, 14, m[s[4]], m[s[5]]);
        g(&mut v, 3, 7, 11, 15, m[s[6]], m[s[7]]);
        g(&mut v, 0, 5, 10, 15, m[s[8]], m[s[9]]);
        g(&mut v, 1, 6, 11, 12, m[s[10]], m[s[11]]);
        g(&mut v, 2, 7, 8, 13, m[s[12]], m[s[13]]);
        g(&mut v, 3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for k in 0..8 {
        h[k] ^= v[k] ^ v[k + 8];
    }
}

pub struct State {
    h: [u64; 8],
    t: u64,
    buf: [u8; BLOCK],
    pos: usize,
}

impl State {
    /// The state of a fresh unkeyed BLAKE2b-512 (pos = 0, nothing compressed).
    pub fn new() -> Self {
        let mut h = IV;
        h[0] ^= 0x0101_0040; // digest length 64, key length 0, fanout 1, depth 1
        State { h, t: 0, buf: [0; BLOCK], pos: 0 }
    }

    pub fn from_bytes(raw: &[u8]) -> Result<Self, crate::error::Error> {
        use crate::error::Error;
        if raw.len() != STATE_BYTES {
            return Err(Error::Length(format!("BLAKE2b partial state must be {STATE_BYTES} bytes, got {}", raw.len())));
        }
        let pos = u32::from_le_bytes(raw[200..204].try_into().unwrap()) as usize;
        if pos > BLOCK {
            return Err(Error::Invalid(format!("BLAKE2b partial state: buffer position {pos} exceeds the block size {BLOCK}")));
        }
        let t = u64::from_le_bytes(raw[192..200].try_into().unwrap());
        if t % BLOCK as u64 != 0 {
            return Err(Error::Invalid(format!("BLAKE2b partial state: compressed byte count {t} is not a multiple of {BLOCK}")));
        }
        let mut h = [0u64; 8];
        for (k, w) in h.iter_mut().enumerate() {
            *w = u64::from_le_bytes(raw[128 + 8 * k..136 + 8 * k].try_into().unwrap());
        }
        // Keep the whole buffer, stale bytes past `pos` included: they never reach a hash (digest
        // zero-pads, update overwrites from `pos`), but snarkjs writes them into the .ptau record,
        // so a chain of resumed updates must carry them to stay byte-identical with snarkjs.
        let mut buf = [0u8; BLOCK];
        buf.copy_from_slice(&raw[..BLOCK]);
        Ok(State { h, t, buf, pos })
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![0u8; STATE_BYTES];
        out[..BLOCK].copy_from_slice(&self.buf);
        for (k, w) in self.h.iter().enumerate() {
            out[128 + 8 * k..136 + 8 * k].copy_from_slice(&w.to_le_bytes());
        }
        out[192..200].copy_from_slice(&self.t.to_le_bytes());
        out[200..204].copy_from_slice(&(self.pos as u32).to_le_bytes());
        out
    }

    pub fn update(&mut self, data: &[u8]) {
        let n = data.len();
        let mut i = 0;
        while i < n {
            if self.pos == BLOCK {
                self.t += BLOCK as u64;
                let block = self.buf;
                compress(&mut self.h, &block, self.t as u128, false);
                self.pos = 0;
            }
            if self.pos == 0 {
                // whole blocks straight from the input, keeping the last one back
                let full = (n - i - 1) / BLOCK;
                for k in 0..full {
                    self.t += BLOCK as u64;
                    let off = i + k * BLOCK;
                    compress(&mut self.h, &data[off..off + BLOCK], self.t as u128, false);
                }
                i += full * BLOCK;
            }
            let take = (BLOCK - self.pos).min(n - i);
            self.buf[self.pos..self.pos + take].copy_from_slice(&data[i..i + take]);
            self.pos += take;
            i += take;
        }
    }

    pub fn digest(&self) -> [u8; 64] {
        let mut buf = self.buf;
        buf[self.pos..].fill(0);
        let mut h = self.h;
        compress(&mut h, &buf, self.t as u128 + self.pos as u128, true);
        let mut out = [0u8; 64];
        for (k, w) in h.iter().enumerate() {
            out[8 * k..8 * k + 8].copy_from_slice(&w.to_le_bytes());
        }
        out
    }
}

impl Default for State {
    fn default() -> Self {
        Self::new()
    }
}
