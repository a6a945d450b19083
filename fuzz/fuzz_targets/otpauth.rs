//! `otpauth://` URIs (TOTP and HOTP: secret, algorithm, digits, period,
//! counter), base32 secrets, codes, and the URI written back with a counter.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::credentials::entry::otp_uri_from_input;
use tessera_core::credentials::otp::{decode_base32, OtpParams};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = decode_base32(text);
    let _ = otp_uri_from_input(text, "label");
    if let Ok(params) = OtpParams::parse(text) {
        let code = params.code(1_767_225_600);
        drop(code);
        let uri = params.uri_with_counter(7);
        // What we write, we read back.
        OtpParams::parse(&uri).expect("a written otpauth URI parses");
    }
});
