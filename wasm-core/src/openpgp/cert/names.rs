//! How keys are named for people and for the token list: fingerprints and
//! key IDs in upper-case hex, algorithms in GnuPG's style.

use pgp::types::{KeyDetails, PublicParams};

/// Upper-case hex, as GnuPG and the token list print fingerprints.
pub fn fpr_hex(fpr: &pgp::types::Fingerprint) -> String {
    format!("{fpr:X}")
}

/// Upper-case hex of a key ID.
pub fn key_id_hex(id: &pgp::types::KeyId) -> String {
    id.as_ref().iter().map(|b| format!("{b:02X}")).collect()
}

/// A readable algorithm name in GnuPG's style: `rsa3072`, `ed25519`, `cv25519`, `nistp256`.
pub fn algorithm_name(key: &dyn KeyDetails) -> String {
    use pgp::types::{EcdhPublicParams, EcdsaPublicParams};
    match key.public_params() {
        PublicParams::RSA(_) => {
            // The serialized parameters start with the MPI of n: its bit count first.
            let bytes = pgp::ser::Serialize::to_bytes(key.public_params()).unwrap_or_default();
            match bytes.as_slice() {
                [hi, lo, ..] => format!("rsa{}", u16::from_be_bytes([*hi, *lo])),
                _ => "rsa".into(),
            }
        }
        PublicParams::DSA(_) => "dsa".into(),
        PublicParams::Elgamal(_) => "elg".into(),
        PublicParams::ECDSA(p) => match p {
            EcdsaPublicParams::P256 { .. } => "nistp256".into(),
            EcdsaPublicParams::P384 { .. } => "nistp384".into(),
            EcdsaPublicParams::P521 { .. } => "nistp521".into(),
            _ => "ecdsa".into(),
        },
        PublicParams::ECDH(p) => match p {
            EcdhPublicParams::Curve25519Legacy { .. } => "cv25519".into(),
            EcdhPublicParams::P256 { .. } => "nistp256".into(),
            EcdhPublicParams::P384 { .. } => "nistp384".into(),
            EcdhPublicParams::P521 { .. } => "nistp521".into(),
            _ => "ecdh".into(),
        },
        PublicParams::EdDSALegacy(_) => "ed25519".into(),
        PublicParams::Ed25519(_) => "ed25519".into(),
        PublicParams::X25519(_) => "x25519".into(),
        PublicParams::X448(_) => "x448".into(),
        PublicParams::Ed448(_) => "ed448".into(),
        _ => format!("{:?}", key.algorithm()).to_lowercase(),
    }
}
