//! ASCII armor: the one-pass decoder and rpgp's reader behind `dearmor`, the
//! prefix decoder of decryption's first phase, and the writer's round trip.
#![no_main]

use libfuzzer_sys::fuzz_target;
use pgp::armor::BlockType;
use tessera_core::openpgp::packet::armor::{armor, dearmor, dearmor_prefix};
use tessera_fuzz::check_error;

fuzz_target!(|data: &[u8]| {
    match dearmor(data, "fuzz input") {
        Ok((typ, bytes)) => {
            if typ.is_some() {
                // The prefix decoder agrees with the whole one.
                let n = bytes
                    .len()
                    .min(usize::from(data.first().copied().unwrap_or(0)) * 4);
                if let Ok((head, _)) = dearmor_prefix(data, n, "fuzz input") {
                    assert!(head.len() >= n.min(bytes.len()));
                    assert_eq!(
                        &head[..n.min(head.len())],
                        &bytes[..n.min(head.len())],
                        "prefix differs"
                    );
                }
            }
            let armored = armor(&bytes, BlockType::Message).expect("any bytes armor");
            let (_, back) = dearmor(armored.as_bytes(), "round trip").expect("our armor reads back");
            assert_eq!(back, bytes, "armor round trip");
        }
        Err(e) => check_error(&e),
    }
    if let Err(e) = dearmor_prefix(data, 64, "fuzz input") {
        check_error(&e);
    }
});
