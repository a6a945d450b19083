//! The Cleartext Signature Framework (RFC 9580 §7): reading and writing.
//!
//! Why not rpgp's `CleartextSignedMessage` parser and writer: they drive
//! rpgp's packet parser and armor writer through reader and writer types
//! used nowhere else, and each such type builds a further copy of all the
//! packet code into the wasm (about 160 KB for the reader alone, twiggy-style
//! count by function). The framework itself is small; rpgp still parses the
//! signature packets and hashes and verifies the text (`Signature::verify`
//! over [`Cleartext::signed_text`]). The rules mirror rpgp 0.21's, so a
//! message is read the same way either route.

use pgp::armor::BlockType;
use pgp::crypto::hash::HashAlgorithm;
use pgp::packet::{Packet, PacketParser, PacketTrait, Signature};

use super::armor::{armor, dearmor};
use super::framing::write_packet;
use crate::openpgp::error::{capped, Error, Result};

const HEADER_LINE: &str = "-----BEGIN PGP SIGNED MESSAGE-----";
const WHAT: &str = "cleartext signed message";

/// A parsed cleartext-signed message.
pub struct Cleartext {
    /// The text with its dash escapes undone.
    text: String,
    pub signatures: Vec<Signature>,
}

impl Cleartext {
    /// The text the signatures cover (see [`signed_text`]).
    pub fn signed_text(&self) -> String {
        signed_text(&self.text)
    }
}

fn malformed(detail: impl Into<String>) -> Error {
    Error::Malformed {
        what: WHAT,
        detail: detail.into(),
    }
}

/// Reads a message that starts (after whitespace) with the framework's header line.
pub fn parse(input: &[u8]) -> Result<Cleartext> {
    let text = std::str::from_utf8(input).map_err(|e| malformed(format!("not UTF-8 text: {e}")))?;
    let text = text.trim_start();
    let rest = text
        .strip_prefix(HEADER_LINE)
        .ok_or_else(|| malformed("no \"-----BEGIN PGP SIGNED MESSAGE-----\" line"))?;
    let mut rest = rest
        .strip_prefix("\r\n")
        .or_else(|| rest.strip_prefix('\n'))
        .ok_or_else(|| malformed("junk after the header line"))?;

    // Armor headers: only `Hash`, with known algorithms, up to a blank line.
    loop {
        let (line, after) = rest.split_once('\n').ok_or_else(|| Error::Truncated {
            what: WHAT,
            detail: "the headers do not end".into(),
        })?;
        rest = after;
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let values = line
            .strip_prefix("Hash:")
            // Not echoed: a header line may be anything, the text included.
            .ok_or_else(|| malformed("unexpected header line (only Hash: is allowed)"))?;
        for name in values.split(',').map(str::trim) {
            name.parse::<HashAlgorithm>()
                .map_err(|_| malformed(format!("unknown hash algorithm {}", capped(name))))?;
        }
    }

    // The text runs to the first line that starts with five dashes (text
    // lines that do are dash-escaped); the line break before it is not part
    // of the text.
    let (escaped, armored) = if rest.starts_with("-----") {
        ("", rest)
    } else {
        let at = rest.find("\n-----").ok_or_else(|| Error::Truncated {
            what: WHAT,
            detail: "no signature after the text".into(),
        })?;
        let body = &rest[..at];
        (body.strip_suffix('\r').unwrap_or(body), &rest[at + 1..])
    };

    let (typ, bytes) = dearmor(armored.as_bytes(), WHAT)?;
    if typ != Some(BlockType::Signature) {
        return Err(malformed("the text is not followed by a signature block"));
    }
    // The fallback reader stops at the END line: nothing may follow it.
    let end = armored
        .find("-----END PGP SIGNATURE-----")
        .ok_or_else(|| malformed("no END line"))?;
    if !armored[end + "-----END PGP SIGNATURE-----".len()..]
        .trim()
        .is_empty()
    {
        return Err(malformed("unexpected data after the signature"));
    }
    let mut signatures = Vec::new();
    for packet in PacketParser::new(&bytes[..]) {
        match packet.map_err(|e| Error::parse(WHAT, e))? {
            Packet::Signature(sig) => signatures.push(sig),
            other => return Err(malformed(format!("unexpected {:?} packet", other.tag()))),
        }
    }
    if signatures.is_empty() {
        return Err(malformed("no signature"));
    }
    Ok(Cleartext {
        text: unescape(escaped),
        signatures,
    })
}

/// Writes `text` with its signatures, as rpgp and GnuPG do.
pub fn write(text: &str, signatures: &[Signature]) -> Result<String> {
    let mut hashes: Vec<HashAlgorithm> = Vec::new();
    let mut packets = Vec::new();
    for sig in signatures {
        let hash = sig
            .hash_alg()
            .ok_or_else(|| Error::internal("a signature without a hash algorithm"))?;
        // `Hash:` names only the algorithms `parse` knows: an unknown one
        // (rpgp writes its number) would make a message nobody reads back.
        if hash.to_string().parse::<HashAlgorithm>() != Ok(hash) {
            return Err(Error::Unsupported {
                what: "hash algorithm",
                detail: format!(
                    "hash algorithm {} has no name for a cleartext Hash header",
                    u8::from(hash)
                ),
            });
        }
        if !hashes.contains(&hash) {
            hashes.push(hash);
        }
        write_packet(sig, &mut packets)?;
    }
    let mut out = String::with_capacity(text.len() + packets.len() * 2 + 128);
    out.push_str(HEADER_LINE);
    out.push('\n');
    for hash in hashes {
        out.push_str("Hash: ");
        out.push_str(&hash.to_string());
        out.push('\n');
    }
    out.push('\n');
    for line in text.split_inclusive('\n') {
        if line.starts_with('-') {
            out.push_str("- ");
        }
        out.push_str(line);
    }
    out.push('\n');
    out.push_str(&armor(&packets, BlockType::Signature)?);
    Ok(out)
}

/// What a cleartext signature covers, for the signer and the verifier alike
/// (RFC 9580 §7.2): each line without the spaces and tabs at its end, every
/// line end CRLF; as rpgp does, a lone CR is text. Verifiers (rpgp, GnuPG)
/// strip the blanks before hashing, so a signer must too: a line like the
/// mail separator `-- ` would otherwise get a signature nobody accepts.
pub(crate) fn signed_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 32);
    for line in text.split_inclusive('\n') {
        let (content, ends) = match line.strip_suffix('\n') {
            Some(content) => (content.strip_suffix('\r').unwrap_or(content), true),
            None => (line, false),
        };
        out.push_str(content.trim_end_matches([' ', '\t']));
        if ends {
            out.push_str("\r\n");
        }
    }
    out
}

/// Undoes dash escaping (a `- ` at the start of a line).
fn unescape(escaped: &str) -> String {
    escaped
        .split_inclusive('\n')
        .map(|line| line.strip_prefix("- ").unwrap_or(line))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `cleartext` fuzz target: gpg's clearsigned message with
    /// the signature's hash algorithm octet turned into 7 (reserved). It
    /// parses (verification is what fails), but `write` gave it a `Hash: 7`
    /// header that `parse` refuses; now `write` refuses it.
    const FUZZ_UNKNOWN_HASH: &str = "-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

hello
- - dashed line
- -----BEGIN not really
trailing   
-----BEGIN PGP SIGNATURE-----

iHUEARYHAB0WIQQvYF7HOqrQPwOc4tcdf8l7zkjC4wUCaw+PfAAKCRAdf8l7zkjC
43lKAP9adMBIWELmz1xyx+A1EnbmurR4LaJqnwBgQ22HbUyarwD+PUz/SnTpwbtf
UC23Mk5s4sUE7YPK2s/6zBaiGVj7JwM=
=0kAd
-----END PGP SIGNATURE-----
";

    #[test]
    fn a_signature_with_an_unknown_hash_is_not_written_with_an_unreadable_header() {
        let parsed = parse(FUZZ_UNKNOWN_HASH.as_bytes()).expect("parses");
        assert_eq!(
            u8::from(parsed.signatures[0].hash_alg().expect("a v4 signature")),
            7
        );
        let err = write(&parsed.signed_text(), &parsed.signatures).expect_err("no Hash header for it");
        assert_eq!(err.code(), "unsupported", "{err}");
        // A known hash still round-trips.
        let written = write("hi\n", &[]).expect("no signatures, no headers");
        assert!(written.starts_with(HEADER_LINE));
    }

    #[test]
    fn unescaping_and_trimming_follow_rfc_9580() {
        let covered = |escaped: &str| signed_text(&unescape(escaped));
        assert_eq!(covered("- -----x  \r\n- a\t\nb"), "-----x\r\na\r\nb");
        assert_eq!(covered("a\r\r\n\n"), "a\r\r\n\r\n");
        assert_eq!(covered(""), "");
    }

    #[test]
    fn malformed_frames_are_refused_with_a_reason() {
        let cases = [
            ("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n", "truncated"),
            (
                "-----BEGIN PGP SIGNED MESSAGE-----\nComment: x\n\nhi\n",
                "malformed",
            ),
            (
                "-----BEGIN PGP SIGNED MESSAGE-----\nHash: MD17\n\nhi\n",
                "malformed",
            ),
            (
                "-----BEGIN PGP SIGNED MESSAGE-----\n\nhello\nno signature\n",
                "truncated",
            ),
            ("-----BEGIN PGP MESSAGE-----\n\n", "malformed"),
        ];
        for (input, code) in cases {
            let err = parse(input.as_bytes()).err().expect("refused");
            assert_eq!(err.code(), code, "{input:?}: {err}");
        }
    }
}
