//! The compact numbers of the stored forms the domain defines (a monitor's digest, an hour's
//! tally): LEB128 varints, zigzag-coded where they may be negative.

/// Small magnitudes of either sign to small unsigned numbers: 0, -1, 1, -2… to 0, 1, 2, 3…
pub(crate) fn zigzag(n: i64) -> u64 {
    ((n << 1) ^ (n >> 63)) as u64
}

/// The inverse of [`zigzag`].
pub(crate) fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

/// Appends `n` as LEB128: seven bits a byte, the high bit set on all but the last.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut n: u64) {
    while n >= 0x80 {
        out.push((n as u8) | 0x80);
        n >>= 7;
    }
    out.push(n as u8);
}

/// Reads stored bytes from the front; each error names what was wrong.
pub(crate) struct Reader<'a>(pub(crate) &'a [u8]);

impl<'a> Reader<'a> {
    /// The next `N` bytes.
    pub(crate) fn take<const N: usize>(&mut self) -> Result<[u8; N], &'static str> {
        let (head, rest) = self.0.split_at_checked(N).ok_or("too short")?;
        self.0 = rest;
        Ok(head.try_into().expect("split at N"))
    }

    /// A LEB128 number of at most ten bytes.
    pub(crate) fn varint(&mut self) -> Result<u64, &'static str> {
        let mut n = 0_u64;
        for shift in (0..64).step_by(7) {
            let byte = self.take::<1>()?[0];
            n |= u64::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                return Ok(n);
            }
        }
        Err("a number runs too long")
    }

    /// The next `n` bytes, for a length read before them.
    pub(crate) fn bytes(&mut self, n: u64) -> Result<&'a [u8], &'static str> {
        let n = usize::try_from(n).map_err(|_| "too short")?;
        let (head, rest) = self.0.split_at_checked(n).ok_or("too short")?;
        self.0 = rest;
        Ok(head)
    }

    /// Whether every byte was read.
    pub(crate) fn is_done(&self) -> bool {
        self.0.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_take_as_few_bytes_as_their_size_needs() {
        let cases: [(i64, usize); 7] = [(0, 1), (-1, 1), (63, 1), (-64, 1), (64, 2), (30_000, 3), (i64::MIN, 10)];
        for (n, length) in cases {
            let mut out = Vec::new();
            put_varint(&mut out, zigzag(n));
            assert_eq!(out.len(), length, "{n}");
            assert_eq!(unzigzag(Reader(&out).varint().unwrap()), n);
        }
        assert!(Reader(&[0x80; 11]).varint().is_err(), "eleven bytes are too many");
        assert!(Reader(&[0x80]).varint().is_err(), "an unfinished number is too short");
    }
}
