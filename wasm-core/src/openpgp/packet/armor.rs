//! ASCII armor (RFC 9580 6) in and out: rpgp's writer, and for reading the
//! one-pass decoder in `armor_fast` with rpgp's reader for anything else.

use pgp::armor::BlockType;

use super::armor_fast;
use crate::openpgp::error::{Error, Result};

/// Already-serialized packets, for rpgp's armor writer.
pub(crate) struct RawPackets<'a>(pub &'a [u8]);

impl pgp::ser::Serialize for RawPackets<'_> {
    fn to_writer<W: std::io::Write>(&self, w: &mut W) -> pgp::errors::Result<()> {
        w.write_all(self.0)?;
        Ok(())
    }
    fn write_len(&self) -> usize {
        self.0.len()
    }
}

/// ASCII armor around packet bytes (with the CRC24 line GnuPG 2.2 still expects).
pub fn armor(bytes: &[u8], typ: BlockType) -> Result<String> {
    let mut out = Vec::with_capacity(bytes.len() * 4 / 3 + 128);
    pgp::armor::write(&RawPackets(bytes), typ, &mut out, None, true).map_err(Error::internal)?;
    String::from_utf8(out).map_err(Error::internal)
}

/// Whether the input starts (after whitespace) with an armor header line.
pub(crate) fn is_armored(input: &[u8]) -> bool {
    let start = input
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(input.len());
    input[start..].starts_with(b"-----BEGIN PGP")
}

/// Dearmors when the input is armored; binary input is returned as is.
pub fn dearmor(input: &[u8], what: &'static str) -> Result<(Option<BlockType>, Vec<u8>)> {
    if !is_armored(input) {
        return Ok((None, input.to_vec()));
    }
    if let Some(armored) = armor_fast::parse(input) {
        if let Some(bytes) = armored.decode() {
            return Ok((Some(armored.typ), bytes));
        }
    }
    let mut dearmor = pgp::armor::Dearmor::new(input);
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut dearmor, &mut out).map_err(|e| Error::parse(what, e))?;
    Ok((dearmor.typ, out))
}

/// The first `len` bytes (at least; fewer only when that is everything) of
/// armored input, and whether that is all of it. Decryption's first phase
/// needs only the packets before the encrypted data.
pub fn dearmor_prefix(input: &[u8], len: usize, what: &'static str) -> Result<(Vec<u8>, bool)> {
    if let Some(head) = armor_fast::parse_prefix(input, len).and_then(|a| a.decode_prefix(len)) {
        return Ok(head);
    }
    let mut dearmor = pgp::armor::Dearmor::new(input);
    let mut out = Vec::new();
    let want = u64::try_from(len).unwrap_or(u64::MAX);
    std::io::Read::read_to_end(&mut std::io::Read::take(&mut dearmor, want), &mut out)
        .map_err(|e| Error::parse(what, e))?;
    let complete = out.len() < len;
    Ok((out, complete))
}
