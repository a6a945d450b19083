//! Algorithm names as GnuPG prints them (`rsa2048`, `ed25519`, `cv25519`…), so
//! that what Tessera shows matches `gpg --card-status` and `gpg -k`.

use openpgp_card::ocard::algorithm::{AlgorithmAttributes, Curve};
use pgp::crypto::ecc_curve::ECCCurve;
use pgp::types::PublicParams;

pub fn of_card_slot(attrs: &AlgorithmAttributes) -> String {
    match attrs {
        AlgorithmAttributes::Rsa(rsa) => format!("rsa{}", rsa.len_n()),
        AlgorithmAttributes::Ecc(ecc) => match ecc.curve() {
            Curve::NistP256r1 => "nistp256".into(),
            Curve::NistP384r1 => "nistp384".into(),
            Curve::NistP521r1 => "nistp521".into(),
            Curve::BrainpoolP256r1 => "brainpoolP256r1".into(),
            Curve::BrainpoolP384r1 => "brainpoolP384r1".into(),
            Curve::BrainpoolP512r1 => "brainpoolP512r1".into(),
            Curve::Secp256k1 => "secp256k1".into(),
            Curve::Ed25519 => "ed25519".into(),
            Curve::Curve25519 => "cv25519".into(),
            Curve::Ed448 => "ed448".into(),
            Curve::X448 => "cv448".into(),
            Curve::Unknown(oid) => format!("ecc-oid-{}", hex_upper(oid)),
        },
        AlgorithmAttributes::Unknown(raw) => format!("unknown-{}", hex_upper(raw)),
    }
}

pub fn of_key_params(params: &PublicParams) -> String {
    match params {
        PublicParams::RSA(_) => "rsa".into(),
        PublicParams::DSA(_) => "dsa".into(),
        PublicParams::Elgamal(_) => "elg".into(),
        PublicParams::ECDSA(p) => of_curve(&p.curve()),
        PublicParams::ECDH(p) => match p.curve() {
            ECCCurve::Curve25519Legacy => "cv25519".into(),
            other => of_curve(&other),
        },
        PublicParams::EdDSALegacy(_) | PublicParams::Ed25519(_) => "ed25519".into(),
        PublicParams::X25519(_) => "cv25519".into(),
        PublicParams::X448(_) => "cv448".into(),
        PublicParams::Ed448(_) => "ed448".into(),
        _ => "unknown".into(),
    }
}

fn of_curve(curve: &ECCCurve) -> String {
    match curve {
        ECCCurve::Curve25519Legacy => "cv25519".into(),
        ECCCurve::Ed25519Legacy => "ed25519".into(),
        ECCCurve::P256 => "nistp256".into(),
        ECCCurve::P384 => "nistp384".into(),
        ECCCurve::P521 => "nistp521".into(),
        ECCCurve::BrainpoolP256r1 => "brainpoolP256r1".into(),
        ECCCurve::BrainpoolP384r1 => "brainpoolP384r1".into(),
        ECCCurve::BrainpoolP512r1 => "brainpoolP512r1".into(),
        ECCCurve::Secp256k1 => "secp256k1".into(),
        ECCCurve::Unknown(_) => "unknown".into(),
    }
}

pub fn hex_upper(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02X}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_upper_case() {
        assert_eq!(hex_upper(&[0xab, 0x01]), "AB01");
    }
}
