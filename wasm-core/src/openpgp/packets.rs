//! Small helpers at the packet level: writing packets with their headers,
//! armoring raw packet bytes, reading single packets back.

use pgp::armor::BlockType;
use pgp::packet::{Packet, PacketParser, PacketTrait};

use super::error::{Error, Result};

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

/// Dearmors when the input is armored; binary input is returned as is.
pub fn dearmor(input: &[u8], what: &'static str) -> Result<(Option<BlockType>, Vec<u8>)> {
    if !super::cert::is_armored(input) {
        return Ok((None, input.to_vec()));
    }
    let mut dearmor = pgp::armor::Dearmor::new(input);
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut dearmor, &mut out).map_err(|e| Error::parse(what, e))?;
    Ok((dearmor.typ, out))
}
