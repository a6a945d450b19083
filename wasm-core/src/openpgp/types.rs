//! Types shared by every layer of `openpgp`: they sit at the bottom, so that
//! a lower layer never has to import an operation to name them.

use pgp::packet::{Signature, SignatureType};
use serde::Serialize;

use super::error::{Error, Result};

/// Size and work limits for untrusted input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest accepted input, and largest plaintext released.
    pub max_message_bytes: usize,
    /// What a password-encrypted message may ask of its key derivation.
    pub passwords: PasswordLimits,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_message_bytes: 64 * 1024 * 1024,
            passwords: PasswordLimits::default(),
        }
    }
}

/// Bounds on the work a password-encrypted message (SKESK, RFC 9580 5.3) may
/// ask for. The S2K parameters are the sender's choice, so a hostile message
/// can ask for anything the format encodes: Argon2 with 2^31 KiB of memory
/// and 255 passes, or a megabyte of maximum-count iterated SKESKs, each tried
/// with every password. Everything is checked before the first derivation.
///
/// The defaults, against what others produce and accept:
/// - Iterated and salted S2K: GnuPG 2.2's `gpg -c` (calibrated to 100 ms,
///   clamped) and Sequoia's `S2K::default()` both write the largest count the
///   format encodes, 65,011,712 bytes (octet 255); OpenPGP.js writes octet
///   224 (16 MiB). So the per-SKESK count stays at the format's maximum, and
///   only the per-message total below bounds it.
/// - Argon2 (RFC 9580 3.7.1.4): RFC 9106's second recommended choice, which
///   RFC 9580 cites and OpenPGP.js 6 writes by default (`s2kArgon2Params`), is
///   t=3, p=4, m=2^16 KiB (64 MiB). RFC 9106's first choice (t=1, m=2^21 KiB,
///   2 GiB) cannot fit next to the extension in a browser's WebAssembly
///   memory, which also never shrinks; OpenPGP.js accepts up to 2^30 KiB
///   (`maxArgon2MemoryExponent`) and rpgp up to 2 GiB, t≤32, p≤32. Tessera
///   takes 4× OpenPGP.js's memory (256 MiB), 8 passes (OpenPGP.js and RFC 9106
///   use 1 or 3) and 16 lanes (both use 4; this Argon2 runs its lanes one
///   after the other, so lanes cost no extra memory, only per-lane overhead).
///   GnuPG 2.2/2.4 do not write Argon2 SKESKs at all.
/// - Per message: GnuPG and OpenPGP.js write one SKESK per password, so 8
///   SKESKs cover any message a person encrypted to several passwords.
///   The total, passwords × SKESKs summed, is 512 MiB of work (hashed bytes
///   for iterated S2K, memory × passes for Argon2): 8 GnuPG-maximum
///   derivations (about 0.25 s each natively, a few times that in
///   WebAssembly), or two OpenPGP.js-default Argon2 ones (192 MiB each).
///   The 40 maximum-count SKESKs took 10.6 s; they are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PasswordLimits {
    /// Most SKESK packets in one message.
    pub max_skesks: usize,
    /// Largest iterated-and-salted count (bytes hashed per derivation).
    pub max_iterated_count: u32,
    /// Largest Argon2 memory per derivation, in KiB.
    pub max_argon2_memory_kib: u32,
    /// Most Argon2 passes (t).
    pub max_argon2_passes: u8,
    /// Most Argon2 lanes (p).
    pub max_argon2_parallelism: u8,
    /// Most work for one message, over every password on every SKESK: bytes
    /// hashed (iterated S2K) plus bytes of memory × passes (Argon2).
    pub max_work_bytes: u64,
}

/// The largest count an iterated-and-salted S2K can encode (octet 255).
pub const MAX_ENCODABLE_ITERATED_COUNT: u32 = 65_011_712;

impl Default for PasswordLimits {
    fn default() -> Self {
        PasswordLimits {
            max_skesks: 8,
            max_iterated_count: MAX_ENCODABLE_ITERATED_COUNT,
            max_argon2_memory_kib: 1 << 18,
            max_argon2_passes: 8,
            max_argon2_parallelism: 16,
            max_work_bytes: 512 * 1024 * 1024,
        }
    }
}

impl Limits {
    pub(crate) fn check(&self, size: usize) -> Result<()> {
        if size > self.max_message_bytes {
            return Err(Error::TooLarge {
                size,
                limit: self.max_message_bytes,
            });
        }
        Ok(())
    }
}

/// Which encryption container was produced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Container {
    SeipdV1,
    SeipdV2,
}

/// How the data is hashed: as bytes (signature type 0x00), or as text
/// (type 0x01: line endings normalised to CRLF before hashing, RFC 9580 5.2.1.2,
/// so the signature survives a change between LF and CRLF).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum SignedAs {
    Binary,
    Text,
}

impl SignedAs {
    /// How a data signature hashed its data (anything but type text counts as binary).
    pub fn of(sig: &Signature) -> Self {
        if sig.typ() == Some(SignatureType::Text) {
            SignedAs::Text
        } else {
            SignedAs::Binary
        }
    }
}
