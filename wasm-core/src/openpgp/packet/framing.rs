//! Packets with their headers: written, read one at a time, framed without
//! copying (partial and indeterminate lengths included), and walked up to
//! the encrypted data.

use pgp::packet::{Packet, PacketParser, PacketTrait};

use crate::openpgp::error::{Error, Result};

/// Appends a packet, header included, to `out`.
pub(crate) fn write_packet(packet: &impl PacketTrait, out: &mut Vec<u8>) -> Result<()> {
    packet.to_writer_with_header(out).map_err(Error::internal)
}

/// Reads exactly one packet.
pub(crate) fn read_one(bytes: &[u8], what: &'static str) -> Result<Packet> {
    let mut parser = PacketParser::new(bytes);
    let packet = match parser.next() {
        Some(Ok(p)) => p,
        Some(Err(e)) => return Err(Error::parse(what, e)),
        None => {
            return Err(Error::Malformed {
                what,
                detail: "no packet".into(),
            })
        }
    };
    if parser.next().is_some() {
        return Err(Error::Malformed {
            what,
            detail: "more than one packet".into(),
        });
    }
    Ok(packet)
}

/// Where the encrypted-data packet starts in a message whose session-key
/// packets may be followed by a truncated prefix of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EncryptedDataStart {
    /// Offset of the packet's header: everything before it is session-key packets.
    pub offset: usize,
    /// 9 (SED), 18 (SEIPD) or 20 (GnuPG's AEAD).
    pub tag: u8,
    /// The first body octet (the SEIPD version), when the prefix holds it.
    pub first_body_octet: Option<u8>,
}

/// What [`encrypted_data_start`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Walk {
    Found(EncryptedDataStart),
    /// The prefix ends inside the session-key packets.
    NeedMore,
    /// Not the simple shape (another packet first, an unusual length): parse
    /// the whole message with rpgp, which says what is wrong, if anything.
    NotSimple,
}

/// Walks packet headers (RFC 9580 §4.2) over session-key packets (PKESK,
/// SKESK, marker, padding) to the encrypted-data packet.
///
/// Why by hand: rpgp's packet parser reads whole packets, and the encrypted
/// data is most of the message; decryption's first phase needs only the
/// small packets before it.
pub fn encrypted_data_start(bytes: &[u8]) -> Walk {
    let mut offset = 0;
    loop {
        let Some((tag, header_len, body_len)) = packet_header(bytes, offset) else {
            return Walk::NeedMore;
        };
        match (tag, body_len) {
            (9 | 18 | 20, _) => {
                return Walk::Found(EncryptedDataStart {
                    offset,
                    tag,
                    first_body_octet: bytes.get(offset + header_len).copied(),
                })
            }
            // PKESK, SKESK, marker, padding: always a definite length.
            (1 | 3 | 10 | 21, Some(len)) => {
                match offset.checked_add(header_len).and_then(|o| o.checked_add(len)) {
                    Some(next) => offset = next,
                    None => return Walk::NotSimple,
                }
            }
            _ => return Walk::NotSimple,
        }
    }
}

/// One packet of a byte string, as its header frames it.
pub(crate) struct Framed<'a> {
    pub tag: u8,
    /// Header and body, as they are.
    pub packet: &'a [u8],
    /// The body: one slice for a definite length, one per chunk for partial lengths.
    pub body: Vec<&'a [u8]>,
}

/// Frames the packet at `offset` (RFC 9580 §4.2), partial and old-format
/// indeterminate lengths included, without copying anything.
///
/// Why by hand: rpgp's parser copies each packet's body into buffers of its
/// own, which are freed without being wiped; the literal data packet holds
/// the plaintext ([`super::literal`] reads it from these slices instead).
pub(crate) fn frame<'a>(bytes: &'a [u8], offset: usize, what: &'static str) -> Result<Framed<'a>> {
    let truncated = || Error::Truncated {
        what,
        detail: "a packet runs past the end of the input".into(),
    };
    let (tag, header_len, body_len) = packet_header(bytes, offset).ok_or_else(truncated)?;
    if tag == 0 {
        return Err(Error::Malformed {
            what,
            detail: format!("no packet header at offset {offset}"),
        });
    }
    let piece = |start: usize, len: usize| {
        let end = start.checked_add(len).ok_or_else(truncated)?;
        bytes.get(start..end).ok_or_else(truncated)
    };
    let mut body = Vec::with_capacity(1);
    let end = match body_len {
        Some(len) => {
            let start = offset + header_len;
            body.push(piece(start, len)?);
            start + len
        }
        // Old format, indeterminate: the rest of the input.
        None if bytes[offset] & 0x40 == 0 => {
            body.push(&bytes[offset + header_len..]);
            bytes.len()
        }
        // New format, partial: chunks until one with a definite length.
        None => {
            let mut at = offset + 1;
            loop {
                let octet = |i: usize| bytes.get(at + i).copied().map(usize::from).ok_or_else(truncated);
                let (octets, len, last) = match octet(0)? {
                    l @ 0..=191 => (1, l, true),
                    l @ 192..=223 => (2, ((l - 192) << 8) + octet(1)? + 192, true),
                    255 => (
                        5,
                        (1..5).try_fold(0, |acc, i| Ok::<_, Error>((acc << 8) | octet(i)?))?,
                        true,
                    ),
                    l => (1, 1 << (l & 0x1f), false),
                };
                body.push(piece(at + octets, len)?);
                at += octets + len;
                if last {
                    break at;
                }
            }
        }
    };
    Ok(Framed {
        tag,
        packet: &bytes[offset..end],
        body,
    })
}

/// A packet header at `offset`: (tag, header length, body length unless
/// partial or indeterminate). `None` when the bytes end inside the header.
/// An invalid first octet gives tag 0, which no caller accepts.
fn packet_header(bytes: &[u8], offset: usize) -> Option<(u8, usize, Option<usize>)> {
    let header = *bytes.get(offset)?;
    if header & 0x80 == 0 {
        return Some((0, 1, None));
    }
    let be = |at: usize, n: usize| -> Option<usize> {
        let octets = bytes.get(offset + at..offset + at + n)?;
        Some(octets.iter().fold(0usize, |acc, &b| (acc << 8) | usize::from(b)))
    };
    Some(if header & 0x40 != 0 {
        let tag = header & 0x3f;
        match *bytes.get(offset + 1)? {
            l @ 0..=191 => (tag, 2, Some(usize::from(l))),
            l @ 192..=223 => (tag, 3, Some(((usize::from(l) - 192) << 8) + be(2, 1)? + 192)),
            255 => (tag, 6, Some(be(2, 4)?)),
            _ => (tag, 2, None),
        }
    } else {
        let tag = (header >> 2) & 0x0f;
        match header & 0x03 {
            0 => (tag, 2, Some(be(1, 1)?)),
            1 => (tag, 3, Some(be(1, 2)?)),
            2 => (tag, 5, Some(be(1, 4)?)),
            _ => (tag, 1, None),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(offset: usize, tag: u8, first: Option<u8>) -> Walk {
        Walk::Found(EncryptedDataStart {
            offset,
            tag,
            first_body_octet: first,
        })
    }

    #[test]
    fn walks_every_length_form_to_the_encrypted_data() {
        // New format PKESK, 1-octet length 3; old format marker, 1-octet
        // length 3; new format padding, 2-octet length 200; old format SKESK,
        // 2-octet length 4; new format padding, 5-octet length 2; then SEIPD v1.
        let mut m = vec![0xC1, 3, 9, 9, 9];
        m.extend([0xA8, 3, b'P', b'G', b'P']);
        m.extend([0xD5, 192, 8]);
        m.extend([0u8; 200]);
        m.extend([0x8D, 0, 4, 4, 7, 0, 0]);
        m.extend([0xD5, 255, 0, 0, 0, 2, 0, 0]);
        let at = m.len();
        m.extend([0xD2, 0xFF, 0, 0, 0, 1, 1, 0xAB]);
        assert_eq!(encrypted_data_start(&m), start(at, 18, Some(1)));
        // Old-format SED with an indeterminate length (old format has no tag
        // 18), a new-format SED and GnuPG's AEAD packet.
        assert_eq!(encrypted_data_start(&[0xC1, 0, 0xA7, 5]), start(2, 9, Some(5)));
        assert_eq!(encrypted_data_start(&[0xC9, 1, 0]), start(0, 9, Some(0)));
        assert_eq!(encrypted_data_start(&[0xD4, 0xE0, 1]), start(0, 20, Some(1)));
        // The prefix may end right after the data packet's header.
        assert_eq!(encrypted_data_start(&m[..at + 6]), start(at, 18, None));
    }

    #[test]
    fn a_prefix_ending_inside_the_session_packets_needs_more() {
        let m = [0xC1, 10, 1, 2, 3, 0xD2, 0x81, 1];
        for cut in [0, 1, 2, 5] {
            assert_eq!(encrypted_data_start(&m[..cut]), Walk::NeedMore, "cut {cut}");
        }
        assert_eq!(encrypted_data_start(&[0xC1, 193]), Walk::NeedMore);
    }

    #[test]
    fn frames_definite_partial_and_indeterminate_lengths() {
        // A one-octet length, then a partial body (512 + 2 + a 3-octet
        // two-octet-length... tail), then an old-format indeterminate literal.
        let mut m = vec![0xCB, 3, 1, 2, 3];
        let partial_at = m.len();
        m.push(0xCB);
        m.push(0xE9); // 2^9 = 512
        m.extend([5u8; 512]);
        m.push(0xE1); // 2
        m.extend([6u8; 2]);
        m.extend([192, 1]); // 193
        m.extend([7u8; 193]);
        let old_at = m.len();
        m.extend([0xAF, 8, 9]);

        let first = frame(&m, 0, "message").unwrap();
        assert_eq!(
            (first.tag, first.packet.len(), first.body),
            (11, 5, vec![&[1u8, 2, 3][..]])
        );
        let second = frame(&m, partial_at, "message").unwrap();
        assert_eq!(second.tag, 11);
        assert_eq!(
            second.body.iter().map(|p| p.len()).collect::<Vec<_>>(),
            [512, 2, 193]
        );
        assert!(second.body[2].iter().all(|&b| b == 7));
        assert_eq!(partial_at + second.packet.len(), old_at);
        let third = frame(&m, old_at, "message").unwrap();
        assert_eq!((third.tag, third.body), (11, vec![&[8u8, 9][..]]));
        // A five-octet length.
        let five = [0xCB, 0xFF, 0, 0, 0, 2, 4, 4];
        assert_eq!(frame(&five, 0, "message").unwrap().body, vec![&[4u8, 4][..]]);
    }

    #[test]
    fn framing_refuses_cut_and_headerless_input() {
        let code = |m: &[u8]| frame(m, 0, "message").err().map(|e| e.code());
        assert_eq!(code(&[0xCB, 4, 1, 2, 3]), Some("truncated"));
        assert_eq!(code(&[0xCB]), Some("truncated"));
        assert_eq!(code(&[0xCB, 0xE9, 1, 2]), Some("truncated"));
        // A partial chunk with no final length after it.
        let mut m = vec![0xCB, 0xE1, 1, 2];
        assert_eq!(code(&m), Some("truncated"));
        m.push(0);
        assert_eq!(code(&m), None);
        assert_eq!(code(&[0xCB, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]), Some("truncated"));
        assert_eq!(code(&[0x4B, 1, 2]), Some("malformed"));
    }

    #[test]
    fn other_shapes_are_left_to_the_full_parser() {
        for m in [
            // Literal data first (not encrypted), one-pass signature first.
            &[0xCB, 3, b'b', 0, 0][..],
            &[0xC4, 13, 3][..],
            // A partial length on a PKESK, an indeterminate old-format PKESK.
            &[0xC1, 0xE1, 1, 2][..],
            &[0x87, 1, 2][..],
            // Not a packet header.
            &[0x41, 1, 2][..],
        ] {
            assert_eq!(encrypted_data_start(m), Walk::NotSimple, "{m:?}");
        }
    }
}
