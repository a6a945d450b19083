//! Certificate import: `parse_certs`, the keyring's `import` (refuses secret
//! keys, merges), validity evaluation and listing, and the storage string
//! the extension keeps the keyring in (written and read back).
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::openpgp::cert::parse_certs;
use tessera_core::openpgp::ops::keyring::Keyring;
use tessera_fuzz::{check_error, now};

fuzz_target!(|data: &[u8]| {
    if let Err(e) = parse_certs(data) {
        check_error(&e);
    }
    let mut ring = Keyring::new();
    match ring.import(data) {
        Ok(fingerprints) => {
            for fpr in &fingerprints {
                assert!(ring.cert_with_key(fpr).is_some(), "an imported key is found");
            }
            let listed = ring.list(&fingerprints, now());
            assert_eq!(listed.len(), ring.certs().len());
            let stored = ring.to_storage().expect("a keyring stores");
            let back = Keyring::from_storage(&stored).expect("a stored keyring reads back");
            assert_eq!(back.certs().len(), ring.certs().len(), "storage round trip");
        }
        Err(e) => check_error(&e),
    }
});
