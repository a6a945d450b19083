//! Password-store entries after decryption: what they say (`entry`), the
//! one-time codes they hold (`otp`), and which pages they may fill (`origin`).
//! Plain Rust, tested natively; `bindings_credentials.rs` exposes it to the
//! extension. Finding fields in a page and filling them are the extension's
//! content-script modules; this crate only decides *whether* and *what*.

pub mod entry;
pub mod origin;
pub mod otp;
pub mod public_suffix;
pub mod web_url;

// The unit tests of origin/ and otp/ also run in Chromium (`scripts/lib/wasm.sh test`).
#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);
