//! A memo of the self-signature checks that succeeded.
//!
//! Why: every encryption, signature check and keyring listing evaluates the
//! certificates involved, and evaluating verifies their self-signatures
//! (Ed25519, RSA, ECDSA): about a fifth of encrypting a short message,
//! natively, and more in WebAssembly. A check's result depends only on the
//! bytes of the signer's key, the signed component and the signature, so a
//! success is remembered under the SHA-256 of those bytes; a certificate
//! parsed again from the extension's storage string hits the memo. Failures
//! are not remembered (rare, and their error text is reported). The memo
//! holds public data only, lives as long as the wasm instance, and is bounded.

use std::cell::RefCell;
use std::collections::HashSet;

use pgp::ser::Serialize;
use sha2::{Digest, Sha256};

/// Past this many entries the memo starts again (a keyring is far smaller).
const MAX_ENTRIES: usize = 4096;

thread_local! {
    static PASSED: RefCell<HashSet<[u8; 32]>> = RefCell::new(HashSet::new());
}

/// What kind of check, so that equal bytes in different roles never collide.
#[derive(Clone, Copy)]
pub(crate) enum Check {
    /// A direct-key signature or key revocation by the primary key.
    Key = 1,
    /// A user ID certification or its revocation.
    UserId = 2,
    /// A subkey binding or subkey revocation.
    SubkeyBinding = 3,
    /// A signing subkey's back signature over the primary key.
    PrimaryKeyBinding = 4,
}

/// Runs `verify` unless the same check on the same bytes passed before.
/// `parts`: the serialized signer's key, signed component(s) and signature
/// ([`bytes`]); a `None` among them means "do not memoize", never "skip".
pub(crate) fn check<E>(
    kind: Check,
    parts: &[Option<Vec<u8>>],
    verify: impl FnOnce() -> Result<(), E>,
) -> Result<(), E> {
    let Some(id) = memo_key(kind, parts) else {
        return verify();
    };
    if PASSED.with(|m| m.borrow().contains(&id)) {
        return Ok(());
    }
    verify()?;
    PASSED.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() >= MAX_ENTRIES {
            m.clear();
        }
        m.insert(id);
    });
    Ok(())
}

/// A packet's serialized body, for [`check`].
pub(crate) fn bytes(packet: &impl Serialize) -> Option<Vec<u8>> {
    packet.to_bytes().ok()
}

fn memo_key(kind: Check, parts: &[Option<Vec<u8>>]) -> Option<[u8; 32]> {
    let mut h = Sha256::new();
    h.update([kind as u8]);
    for part in parts {
        let part = part.as_ref()?;
        h.update((part.len() as u64).to_be_bytes());
        h.update(part);
    }
    Some(h.finalize().into())
}

#[cfg(test)]
pub(crate) fn len() -> usize {
    PASSED.with(|m| m.borrow().len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openpgp::cert::{evaluate, now, parse_certs};
    use crate::openpgp::packet::armor::dearmor;

    const CERT: &str = include_str!("../../../tests/vectors/v4-cv25519-certificate.asc");

    #[test]
    fn a_passed_check_is_remembered_and_other_bytes_are_checked_again() {
        let (_, binary) = dearmor(CERT.as_bytes(), "certificate").unwrap();
        let cert = parse_certs(&binary).unwrap().remove(0);
        let before = len();
        assert!(evaluate(&cert, now()).encryption_keys().is_ok());
        let remembered = len();
        assert!(
            remembered >= before + 2,
            "user ID certification and subkey binding"
        );
        assert!(evaluate(&cert, now()).encryption_keys().is_ok());
        assert_eq!(len(), remembered, "the second evaluation verified nothing new");

        // The same certificate with one byte of its last packet (the subkey
        // binding signature) changed: checked again, and refused.
        let mut tampered = binary.clone();
        let last = tampered.len() - 3;
        tampered[last] ^= 0x01;
        let tampered = parse_certs(&tampered).unwrap().remove(0);
        let err = evaluate(&tampered, now()).encryption_keys().unwrap_err();
        assert_eq!(err.code(), "bad_binding_signature", "{err}");
        assert_eq!(len(), remembered, "a failure is not remembered");
    }
}
