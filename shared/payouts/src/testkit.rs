//! Test support: a tiny deterministic generator (SplitMix64) for property-style loops, so every
//! run checks the same many cases and a failure names its seed.

pub(crate) struct Gen(u64);

impl Gen {
    pub(crate) fn new(seed: u64) -> Gen {
        Gen(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform-ish in `lo..=hi` (modulo bias is irrelevant for test-case generation).
    pub(crate) fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = (i128::from(hi) - i128::from(lo) + 1) as u128;
        let off = u128::from(self.next_u64()) % span;
        (i128::from(lo) + off as i128) as i64
    }

    /// An amount spread over magnitudes: small, cents-sized, large and near `i64::MAX`.
    pub(crate) fn amount(&mut self) -> i64 {
        match self.range(0, 3) {
            0 => self.range(1, 100),
            1 => self.range(1, 1_000_000),
            2 => self.range(1, 1_000_000_000_000),
            _ => self.range(i64::MAX - 1_000_000, i64::MAX),
        }
    }
}
