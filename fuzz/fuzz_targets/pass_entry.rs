//! Pass entries (first line the password, then `key: value` lines, `url:`,
//! `login:`, `otpauth://` URIs): parsed, read through every accessor, edited
//! and written back; the written text parses to the same entry.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::credentials::entry::Entry;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut entry = Entry::parse(text);
    let _ = (
        entry.fields(),
        entry.login(),
        entry.url(),
        entry.autosubmit(),
        entry.allow_subdomains(),
    );
    let uris = entry.otp_uris();
    let written = entry.to_text();
    let again = Entry::parse(&written);
    assert_eq!(*again.password(), *entry.password(), "password survives a write");
    assert_eq!(
        again.login().as_deref().map(|s| s.as_str()),
        entry.login().as_deref().map(|s| s.as_str())
    );
    assert_eq!(again.url(), entry.url(), "url survives a write");
    // Edits keep the entry readable and do what they say.
    entry.set_password("p");
    entry.set_login("l");
    entry.set_url("https://example.test/");
    assert_eq!(Entry::parse(&entry.to_text()).password().as_str(), "p");
    if !uris.is_empty() {
        let _ = entry.replace_otp_uri(0, "otpauth://totp/x?secret=GEZDGNBV");
    }
});
