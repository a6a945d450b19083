//! Reading plaintext of unknown length without leaving copies behind.
//!
//! `Read::read_to_end` grows its `Vec` by reallocating, and each outgrown
//! allocation is freed as it is: a `Zeroizing` wrapper wipes only the last
//! one. Decompressed and decrypted data would leave up to log2(n) partial
//! copies in the heap (in wasm, linear memory that stays readable until it
//! is reused). Here every buffer is wiped when it is outgrown.

use std::io::{self, Read};

use zeroize::Zeroizing;

/// How much is asked of the reader at a time.
const STEP: usize = 16 * 1024;

/// Reads `reader` to its end, or to `cap + 1` bytes (so that the caller's
/// size check sees that there was more). `expected` sizes the first buffer:
/// when it is right, nothing is ever reallocated.
pub fn read_to_end(mut reader: impl Read, cap: usize, expected: usize) -> io::Result<Zeroizing<Vec<u8>>> {
    let stop = cap.saturating_add(1);
    let mut out = Zeroizing::new(Vec::with_capacity(expected.min(stop)));
    loop {
        let start = out.len();
        if start >= stop {
            break;
        }
        let spare = out.capacity() - start;
        if spare == 0 {
            // Full: a small read says whether there is more before anything grows.
            let mut probe = Zeroizing::new([0u8; 64]);
            let room = (stop - start).min(probe.len());
            let n = read_some(&mut reader, &mut probe[..room])?;
            if n == 0 {
                break;
            }
            let grown = out
                .capacity()
                .saturating_mul(2)
                .max(STEP)
                .min(stop)
                .max(start + n);
            let mut bigger = Zeroizing::new(Vec::with_capacity(grown));
            bigger.extend_from_slice(&out);
            bigger.extend_from_slice(&probe[..n]);
            // The outgrown buffer is wiped as it is dropped here.
            out = bigger;
            continue;
        }
        let want = spare.min(STEP).min(stop - start);
        out.resize(start + want, 0);
        let n = read_some(&mut reader, &mut out[start..])?;
        // What is cut off stays in the capacity, which `Zeroizing` wipes too.
        out.truncate(start + n);
        if n == 0 {
            break;
        }
    }
    Ok(out)
}

fn read_some(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match reader.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out at most `step` bytes a call.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn reads_everything_whatever_the_sizes() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
        for (expected, step) in [
            (0, 1000),
            (10, 7),
            (100_000, 100_000),
            (1 << 20, 4096),
            (5, STEP + 3),
        ] {
            let got = read_to_end(Trickle { data: &data, step }, usize::MAX, expected).unwrap();
            assert_eq!(&got[..], &data[..], "expected {expected}, step {step}");
        }
    }

    #[test]
    fn stops_one_past_the_cap() {
        let data = vec![9u8; 50_000];
        for cap in [0, 1, 16_383, 16_384, 40_000] {
            let got = read_to_end(&data[..], cap, 0).unwrap();
            assert_eq!(got.len(), cap + 1, "cap {cap}");
        }
        assert_eq!(read_to_end(&data[..], 50_000, 0).unwrap().len(), 50_000);
    }

    #[test]
    fn a_right_guess_never_reallocates() {
        let data = vec![1u8; 70_000];
        let got = read_to_end(&data[..], usize::MAX, 70_000).unwrap();
        assert_eq!(got.capacity(), 70_000);
    }

    #[test]
    fn errors_are_passed_on() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::new(io::ErrorKind::InvalidData, "tag mismatch"))
            }
        }
        let err = read_to_end(Broken, 100, 0).unwrap_err();
        assert_eq!(err.to_string(), "tag mismatch");
    }
}
