//! The literal data packet (RFC 9580 §5.9), read and written by the core.
//!
//! Why not rpgp's `LiteralData`: it keeps the data in a `Bytes` of its own,
//! filled by `read_to_end` into a growing `Vec`, and frees both without
//! wiping them. For decrypted mail and password entries that left copies of
//! the plaintext in the heap (in wasm, linear memory that stays readable
//! until it is reused). Here the data is copied once, into a buffer of the
//! exact size that is wiped when dropped. The format is small: a mode
//! octet, a file name, a four-octet date, the data.

use zeroize::Zeroizing;

use crate::openpgp::error::{Error, Result};
use crate::openpgp::types::Limits;

/// The packet type ID.
pub const TAG: u8 = 11;

/// Mode octet for binary data ('b').
pub const BINARY: u8 = b'b';

/// Mode, an empty file name and the date: the header this core writes.
const WRITTEN_HEADER_LEN: usize = 6;

/// Appends a literal data packet, packet header included, holding `data`
/// with no file name. `created` is the date field: the signature's time for
/// inline-signed data (so that several signers build the same packet), zero
/// ("no specific time", RFC 9580 §5.9) for encrypted data, which then says
/// nothing about when it was written.
pub fn write(mode: u8, created: u32, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
    let body_len = WRITTEN_HEADER_LEN + data.len();
    let len = u32::try_from(body_len).map_err(|_| Error::TooLarge {
        size: data.len(),
        limit: u32::MAX as usize - WRITTEN_HEADER_LEN,
    })?;
    out.reserve(6 + body_len);
    out.push(0xC0 | TAG);
    // New-format lengths (RFC 9580 §4.2.1.1-3), the shortest that fits.
    match len {
        0..=191 => out.push(len as u8),
        192..=8383 => {
            let l = len - 192;
            out.extend_from_slice(&[(l >> 8) as u8 + 192, l as u8]);
        }
        _ => {
            out.push(0xFF);
            out.extend_from_slice(&len.to_be_bytes());
        }
    }
    out.extend_from_slice(&[mode, 0]);
    out.extend_from_slice(&created.to_be_bytes());
    out.extend_from_slice(data);
    Ok(())
}

/// The data of a literal data packet whose body is `pieces`: one slice for a
/// definite length, one per chunk for partial lengths. The mode, file name
/// and date are skipped: nothing here acts on them, and a signature does
/// not cover them.
pub fn read(pieces: &[&[u8]], limits: &Limits, what: &'static str) -> Result<Zeroizing<Vec<u8>>> {
    let total: usize = pieces.iter().map(|p| p.len()).sum();
    // The file name's length is the second octet of the body.
    let name_len = pieces
        .iter()
        .flat_map(|p| p.iter())
        .nth(1)
        .copied()
        .ok_or_else(|| too_short(what))?;
    let header_len = 6 + usize::from(name_len);
    let data_len = total.checked_sub(header_len).ok_or_else(|| too_short(what))?;
    limits.check(data_len)?;
    let mut data = Zeroizing::new(Vec::with_capacity(data_len));
    let mut skip = header_len;
    for piece in pieces {
        let from = skip.min(piece.len());
        skip -= from;
        data.extend_from_slice(&piece[from..]);
    }
    Ok(data)
}

fn too_short(what: &'static str) -> Error {
    Error::Malformed {
        what,
        detail: "its literal data packet is shorter than its own header".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pgp::packet::{LiteralData, Packet, PacketParser};

    fn limits(max: usize) -> Limits {
        Limits {
            max_message_bytes: max,
            ..Limits::default()
        }
    }

    /// What rpgp reads from a packet this module wrote.
    fn rpgp_reads(packet: &[u8]) -> LiteralData {
        let mut parser = PacketParser::new(packet);
        match parser.next() {
            Some(Ok(Packet::LiteralData(l))) => {
                assert!(parser.next().is_none(), "one packet");
                l
            }
            other => panic!("not a literal data packet: {other:?}"),
        }
    }

    #[test]
    fn rpgp_reads_what_is_written_at_every_length_form() {
        // Bodies of 191 and 192 octets straddle the one/two-octet boundary,
        // 8383 and 8384 the two/five-octet one.
        for len in [0usize, 185, 186, 1000, 8377, 8378, 70_000] {
            let data: Vec<u8> = (0..len).map(|i| (i * 7 + 3) as u8).collect();
            let mut out = Vec::new();
            write(BINARY, 0x6543_2100, &data, &mut out).unwrap();
            let literal = rpgp_reads(&out);
            assert_eq!(literal.data(), &data[..], "length {len}");
            assert!(literal.is_binary());
            assert!(literal.file_name().is_empty());
            assert_eq!(
                &out[out.len() - len - 4..out.len() - len],
                &0x6543_2100u32.to_be_bytes()
            );
        }
    }

    #[test]
    fn reads_across_pieces_with_a_file_name_split_anywhere() {
        let mut body = vec![b't', 3, b'a', b'b', b'c', 0, 0, 0, 9];
        body.extend_from_slice(b"the data");
        for cut_a in 0..body.len() {
            for cut_b in cut_a..body.len() {
                let pieces = [&body[..cut_a], &body[cut_a..cut_b], &body[cut_b..]];
                let got = read(&pieces, &limits(100), "message").unwrap();
                assert_eq!(&got[..], b"the data", "cuts {cut_a} {cut_b}");
            }
        }
    }

    #[test]
    fn short_bodies_and_limits_are_refused() {
        for body in [
            &[][..],
            &[b'b'][..],
            &[b'b', 0, 0, 0, 0][..],
            &[b'b', 9, 0, 0, 0, 0, 1][..],
        ] {
            let err = read(&[body], &limits(100), "message").unwrap_err();
            assert_eq!(err.code(), "malformed", "{body:?}");
        }
        let body = [&[b'b', 0, 0, 0, 0, 0][..], &[1; 11][..]].concat();
        assert_eq!(
            read(&[&body], &limits(10), "message").unwrap_err().code(),
            "too_large"
        );
        assert_eq!(read(&[&body], &limits(11), "message").unwrap().len(), 11);
        // An empty literal is a valid (empty) message.
        assert!(read(&[&[b'b', 0, 0, 0, 0, 0][..]], &limits(0), "message")
            .unwrap()
            .is_empty());
    }
}
