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
                // Asked for everything, the prefix decoder agrees with the
                // whole one. (Asked for less it only reads that far: the rest
                // of a block may be malformed, which `dearmor` then leaves to
                // rpgp's reader, so the two may differ; decryption's second
                // phase reads the whole block and is what decides.)
                let (all, complete) =
                    dearmor_prefix(data, usize::MAX / 4, "fuzz input").expect("dearmor read it");
                assert!(complete, "everything was asked for");
                assert_eq!(all, bytes, "prefix decoder asked for everything differs");
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
