//! What `token.decrypt_session_key` receives, parsed and checked before any
//! token is touched, and the RFC 9580 session-key encoding shared by backends.

use base64::Engine;
use pgp::composed::PlainSessionKey;
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use pgp::packet::{Packet, PacketParser, PacketTrait, PublicKeyEncryptedSessionKey};
use pgp::types::{EskType, Fingerprint, KeyDetails, KeyId, PkeskVersion, PublicParams};
use tessera_protocol::{ErrorBody, ErrorCode};
use zeroize::Zeroizing;

use super::algorithm_names::hex_upper;

/// A PKESK and the public key it claims to be addressed to.
pub struct EncryptedSessionKey {
    pub pkesk: PublicKeyEncryptedSessionKey,
    pub recipient_fingerprint: Fingerprint,
    pub recipient_key_id: KeyId,
    pub recipient_params: PublicParams,
}

fn bad(message: String) -> ErrorBody {
    ErrorBody::new(ErrorCode::InvalidParams, message)
}

pub fn decode_base64(field: &str, text: &str) -> Result<Vec<u8>, ErrorBody> {
    base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .map_err(|e| bad(format!("`{field}` is not valid base64: {e}")))
}

fn one_packet(field: &str, bytes: &[u8]) -> Result<Packet, ErrorBody> {
    let mut packets = PacketParser::new(bytes);
    let packet = packets
        .next()
        .ok_or_else(|| bad(format!("`{field}` holds no OpenPGP packet")))?
        .map_err(|e| {
            bad(format!(
                "`{field}` is not a valid OpenPGP packet: {}",
                super::library_detail(&e)
            ))
        })?;
    if packets.next().is_some() {
        return Err(bad(format!("`{field}` must hold exactly one packet")));
    }
    Ok(packet)
}

impl EncryptedSessionKey {
    /// Parses the two base64 packets of the request.
    pub fn parse(pkesk_b64: &str, recipient_b64: &str) -> Result<Self, ErrorBody> {
        let pkesk = match one_packet("pkesk", &decode_base64("pkesk", pkesk_b64)?)? {
            Packet::PublicKeyEncryptedSessionKey(p) => p,
            other => {
                return Err(bad(format!(
                    "`pkesk` is a {:?} packet, not a public-key encrypted session key (tag 1)",
                    other.tag()
                )))
            }
        };
        if let PkeskVersion::Other(v) = pkesk.version() {
            return Err(ErrorBody::new(
                ErrorCode::UnsupportedAlgorithm,
                format!("PKESK version {v} is not supported (only 3 and 6)"),
            ));
        }
        let (fpr, id, params) =
            match one_packet("recipient_key", &decode_base64("recipient_key", recipient_b64)?)? {
                Packet::PublicSubkey(k) => (k.fingerprint(), k.legacy_key_id(), k.public_params().clone()),
                Packet::PublicKey(k) => (k.fingerprint(), k.legacy_key_id(), k.public_params().clone()),
                other => {
                    return Err(bad(format!(
                        "`recipient_key` is a {:?} packet, not a public key or subkey (tag 6 or 14)",
                        other.tag()
                    )))
                }
            };
        let parsed = Self {
            pkesk,
            recipient_fingerprint: fpr,
            recipient_key_id: id,
            recipient_params: params,
        };
        if !parsed.addressed_to_recipient() {
            return Err(ErrorBody::new(
                ErrorCode::WrongKey,
                format!(
                    "the PKESK is not addressed to `recipient_key` {} ({})",
                    parsed.recipient_hex(),
                    parsed.addressee()
                ),
            ));
        }
        Ok(parsed)
    }

    pub fn recipient_hex(&self) -> String {
        hex_upper(self.recipient_fingerprint.as_bytes())
    }

    /// The PKESK names the recipient key, or nobody (anonymous recipient).
    fn addressed_to_recipient(&self) -> bool {
        match &self.pkesk {
            PublicKeyEncryptedSessionKey::V3 { id, .. } => id.is_wildcard() || *id == self.recipient_key_id,
            PublicKeyEncryptedSessionKey::V6 { fingerprint, .. } => fingerprint
                .as_ref()
                .is_none_or(|f| *f == self.recipient_fingerprint),
            PublicKeyEncryptedSessionKey::Other { .. } => false,
        }
    }

    fn addressee(&self) -> String {
        match &self.pkesk {
            PublicKeyEncryptedSessionKey::V3 { id, .. } => {
                format!("it names key id {}", hex_upper(id.as_ref()))
            }
            PublicKeyEncryptedSessionKey::V6 {
                fingerprint: Some(f), ..
            } => {
                format!("it names {}", hex_upper(f.as_bytes()))
            }
            _ => "it names no key".into(),
        }
    }

    pub fn esk_type(&self) -> EskType {
        match self.pkesk.version() {
            PkeskVersion::V6 => EskType::V6,
            _ => EskType::V3_4,
        }
    }

    /// `wrong_key` unless the recipient key is the token's key `token_fpr`.
    pub fn require_recipient(&self, token_fpr_hex: Option<&str>, token: &str) -> Result<(), ErrorBody> {
        let ours = self.recipient_hex();
        match token_fpr_hex {
            Some(f) if f.eq_ignore_ascii_case(&ours) => Ok(()),
            Some(f) => Err(ErrorBody::new(
                ErrorCode::WrongKey,
                format!(
                    "this message is encrypted to key {ours}, but the decryption key of `{token}` is {f}"
                ),
            )),
            None => Err(ErrorBody::new(
                ErrorCode::WrongKey,
                format!("`{token}` has no decryption key; the message is encrypted to key {ours}"),
            )),
        }
    }
}

/// Parses decrypted session-key material: for a v3 PKESK `alg ‖ key ‖ checksum`,
/// for v6 `key ‖ checksum` (RFC 9580, 5.1.3), checking the two-byte checksum.
pub fn parse_plain(decrypted: &[u8], typ: EskType) -> Result<PlainSessionKey, String> {
    let (sym_alg, rest) = match typ {
        EskType::V3_4 => {
            let (&alg, rest) = decrypted
                .split_first()
                .ok_or("the decrypted session key is empty")?;
            (Some(SymmetricKeyAlgorithm::from(alg)), rest)
        }
        EskType::V6 => (None, decrypted),
    };
    if rest.len() < 3 {
        return Err(format!(
            "the decrypted session key is too short ({} bytes)",
            decrypted.len()
        ));
    }
    let (key, check) = rest.split_at(rest.len() - 2);
    if let Some(alg) = sym_alg {
        if alg == SymmetricKeyAlgorithm::Plaintext || alg.key_size() != key.len() {
            return Err(format!(
                "the decrypted session key does not fit its algorithm {alg:?} (wrong key, or corrupt data)"
            ));
        }
    }
    let sum = key.iter().fold(0u16, |acc, b| acc.wrapping_add(u16::from(*b)));
    if sum.to_be_bytes() != [check[0], check[1]] {
        return Err("the decrypted session key's checksum is wrong (wrong key, or corrupt data)".into());
    }
    let key = Zeroizing::new(key.to_vec());
    Ok(match sym_alg {
        Some(sym_alg) => PlainSessionKey::V3_4 {
            sym_alg,
            key: key.into(),
        },
        None => PlainSessionKey::V6 { key: key.into() },
    })
}

/// The session key as the protocol returns it: algorithm id and base64 key.
pub fn to_result(key: &PlainSessionKey) -> tessera_protocol::decrypt::DecryptSessionKeyResult {
    let (alg, raw) = match key {
        PlainSessionKey::V3_4 { sym_alg, key } => (Some(u8::from(*sym_alg)), key.as_ref()),
        PlainSessionKey::V5 { key } | PlainSessionKey::V6 { key } => (None, key.as_ref()),
    };
    let b64 = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(raw));
    tessera_protocol::decrypt::DecryptSessionKeyResult {
        symmetric_algorithm: alg,
        session_key: tessera_protocol::SecretText::new(b64.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_key_material_is_checked() {
        let key = [7u8; 32];
        let sum: u16 = key.iter().map(|b| u16::from(*b)).sum();
        let mut v3 = vec![9u8];
        v3.extend_from_slice(&key);
        v3.extend_from_slice(&sum.to_be_bytes());
        match &parse_plain(&v3, EskType::V3_4).expect("valid") {
            PlainSessionKey::V3_4 { sym_alg, key: k } => {
                assert_eq!(*sym_alg, SymmetricKeyAlgorithm::AES256);
                assert_eq!(k.as_ref(), &key);
            }
            _ => panic!("wrong kind"),
        }
        let mut bad_sum = v3.clone();
        *bad_sum.last_mut().expect("non-empty") ^= 1;
        assert!(parse_plain(&bad_sum, EskType::V3_4).is_err());
        assert!(parse_plain(&v3[1..], EskType::V6).is_ok());
        assert!(parse_plain(&v3[..10], EskType::V3_4).is_err());
    }

    #[test]
    fn garbage_is_invalid_params() {
        let e = EncryptedSessionKey::parse("!!", "AAAA").err().expect("bad");
        assert_eq!(e.code, ErrorCode::InvalidParams);
        assert!(e.message.contains("pkesk"), "{}", e.message);
        let e = EncryptedSessionKey::parse("AAAA", "AAAA").err().expect("bad");
        assert_eq!(e.code, ErrorCode::InvalidParams);
    }

    #[test]
    fn a_bad_packet_is_described_without_a_dump() {
        use base64::Engine;
        // Malformed PKESK and key packets around a recognisable filler: rpgp's
        // errors for some of them print a Debug dump with a backtrace.
        let filler = [0x5Au8; 64];
        for tag in [0xC1u8, 0xC6, 0xCE, 0x84, 0xC2] {
            for version in [3u8, 4, 6] {
                for len in [5u8, 20, 70, 200] {
                    let mut packet = vec![tag, len, version, 1, 2, 3, 4, 5, 6, 7, 8, 18];
                    packet.extend_from_slice(&filler);
                    let b64 = base64::engine::general_purpose::STANDARD.encode(&packet);
                    if let Err(e) = EncryptedSessionKey::parse(&b64, &b64) {
                        assert!(e.message.len() <= 200, "{}", e.message);
                        for dump in ["backtrace", "Backtrace", ".cargo", "90, 90", "5A5A"] {
                            assert!(!e.message.contains(dump), "{}", e.message);
                        }
                    }
                }
            }
        }
    }
}
