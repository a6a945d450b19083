//! The wasm-bindgen boundary of the `openpgp` module: converts JS values to
//! Rust and back, nothing more.
//!
//! Stateless: the keyring travels as its storage string (what
//! `Keyring::to_storage` writes, kept by the extension in `chrome.storage.local`).
//! Errors throw a JS `Error` whose `message` is the core's English text and whose
//! `code` property is the stable [`crate::openpgp::Error::code`]. What they
//! return is a view of `crate::views::openpgp`, whose TypeScript types are
//! generated (`views/typescript.rs`).

use serde::Serialize;
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::openpgp::ops::{
    decrypt,
    encrypt::{self, Payload},
    keyring::Keyring,
    sign::{self, SignMode},
    verify, webcrypto,
};
use crate::openpgp::types::Limits;
use crate::openpgp::{cert, Error};
use crate::views::openpgp as view;

fn js_err(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(e.code()));
    err.into()
}

/// `None` as `null`, as the generated types (`views`) say.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(
            &serde_wasm_bindgen::Serializer::new()
                .serialize_maps_as_objects(true)
                .serialize_missing_as_null(true),
        )
        .map_err(|e| js_err(Error::internal(e)))
}

fn ring(stored: &str) -> Result<Keyring, JsValue> {
    Keyring::from_storage(stored).map_err(js_err)
}

fn strings(list: &js_sys::Array) -> Vec<String> {
    list.iter().filter_map(|v| v.as_string()).collect()
}

/// `KeyringImported`. Refuses secret keys (nothing imported).
#[wasm_bindgen(js_name = keyringImport)]
pub fn keyring_import(stored: &str, input: &[u8]) -> Result<JsValue, JsValue> {
    let mut ring = ring(stored)?;
    let imported = ring.import(input).map_err(js_err)?;
    let stored = ring.to_storage().map_err(js_err)?;
    to_js(&view::KeyringImported { stored, imported })
}

/// `KeyringRemoved`.
#[wasm_bindgen(js_name = keyringRemove)]
pub fn keyring_remove(stored: &str, fingerprint: &str) -> Result<JsValue, JsValue> {
    let mut ring = ring(stored)?;
    let removed = ring.remove(fingerprint);
    let stored = ring.to_storage().map_err(js_err)?;
    to_js(&view::KeyringRemoved { stored, removed })
}

/// `KeyInfo[]`; `own` are slot fingerprints from `token.list`.
#[wasm_bindgen(js_name = keyringList)]
pub fn keyring_list(stored: &str, own: js_sys::Array) -> Result<JsValue, JsValue> {
    let ring = ring(stored)?;
    to_js(&ring.list(&strings(&own), cert::now()))
}

/// Encrypts to `recipients` (any key fingerprint of each certificate) plus
/// `sender`. `isPackets`: `data` is an OpenPGP message already (from `signFinish`).
/// `hidden` (optional): fingerprints of recipients to encrypt to without their
/// key IDs (Bcc; `encrypt::prepare_hiding`); each must name one of `recipients`.
/// A promise of `Encrypted`: SEIPDv1's AES runs in the browser's WebCrypto
/// (`webcrypto.rs` says why).
#[wasm_bindgen(js_name = encryptMessage)]
pub async fn encrypt_message(
    stored: String,
    recipients: js_sys::Array,
    sender: Option<String>,
    data: Vec<u8>,
    is_packets: bool,
    hidden: Option<js_sys::Array>,
) -> Result<JsValue, JsValue> {
    let data = zeroize::Zeroizing::new(data);
    let hidden = hidden.map(|h| strings(&h)).unwrap_or_default();
    let sealing = {
        let ring = ring(&stored)?;
        let payload = if is_packets {
            Payload::Packets(&data)
        } else {
            Payload::Data(&data)
        };
        encrypt::prepare_hiding(
            &ring,
            &strings(&recipients),
            &hidden,
            sender.as_deref(),
            payload,
            cert::now(),
        )
        .map_err(js_err)?
    };
    drop(data);
    let out = webcrypto::seal(sealing).await.map_err(js_err)?;
    to_js(&view::Encrypted::from(&out))
}

/// Phase 1 of signing: `SigningRequest`. `mode`: `detached`, `inline` or `cleartext`.
#[wasm_bindgen(js_name = signPrepare)]
pub fn sign_prepare(stored: &str, signer: &str, data: Vec<u8>, mode: &str) -> Result<JsValue, JsValue> {
    // Owned, so that the plaintext's copy in wasm memory is wiped, not just freed.
    let data = zeroize::Zeroizing::new(data);
    let ring = ring(stored)?;
    let mode = SignMode::parse(mode).map_err(js_err)?;
    let mut req = sign::prepare(&ring, signer, &data, mode, cert::now()).map_err(js_err)?;
    let out = to_js(&view::SigningRequest::from(&req));
    // The state carries the literal data; JavaScript has its own copy now.
    zeroize::Zeroize::zeroize(&mut req.state);
    out
}

/// Phase 2 of signing: `signature` is the token's MPIs (array of `Uint8Array`).
/// `Signed`.
#[wasm_bindgen(js_name = signFinish)]
pub fn sign_finish(state: Vec<u8>, signature: js_sys::Array) -> Result<JsValue, JsValue> {
    // The state holds the literal data: owned, so its copy is wiped after use.
    let state = zeroize::Zeroizing::new(state);
    let mpis: Vec<Vec<u8>> = signature
        .iter()
        .map(|v| js_sys::Uint8Array::new(&v).to_vec())
        .collect();
    let mut signed = sign::finish(&state, &mpis).map_err(js_err)?;
    let out = to_js(&view::Signed::from(&signed));
    // A signed message holds the plaintext; JavaScript has its own copy now.
    zeroize::Zeroize::zeroize(&mut signed.binary);
    zeroize::Zeroize::zeroize(&mut signed.armored);
    out
}

/// Phase 1 of decryption: `DecryptionRequest`, whose `candidates` are tried
/// in order (see `decrypt::DecryptionRequest::candidates`).
#[wasm_bindgen(js_name = decryptPrepare)]
pub fn decrypt_prepare(
    stored: &str,
    input: &[u8],
    token_fingerprints: js_sys::Array,
) -> Result<JsValue, JsValue> {
    let ring = ring(stored)?;
    let req =
        decrypt::prepare(input, &ring, &strings(&token_fingerprints), &Limits::default()).map_err(js_err)?;
    to_js(&view::DecryptionRequest::from(&req))
}

/// Phase 2 of decryption, with the session key from `token.decrypt_session_key`:
/// `Decrypted`. A promise: the MDC's SHA-1 is computed by WebCrypto (see `webcrypto.rs`).
#[wasm_bindgen(js_name = decryptFinish)]
pub async fn decrypt_finish(
    stored: String,
    input: Vec<u8>,
    symmetric_algorithm: Option<u8>,
    session_key: Vec<u8>,
) -> Result<JsValue, JsValue> {
    let ring = ring(&stored)?;
    let key = decrypt::SessionKey {
        symmetric_algorithm,
        key: Zeroizing::new(session_key),
    };
    let limits = Limits::default();
    let now = cert::now();
    let finishing = decrypt::finish_begin(&input, key, &limits).map_err(js_err)?;
    drop(input);
    let out = webcrypto::finish_decryption(finishing, &ring, &limits, now)
        .await
        .map_err(js_err)?;
    to_js(&view::Decrypted::from(&out))
}

/// Verifies an inline-signed or cleartext-signed message: `Verified`.
#[wasm_bindgen(js_name = verifyInline)]
pub fn verify_inline(stored: &str, input: &[u8]) -> Result<JsValue, JsValue> {
    let ring = ring(stored)?;
    let out = verify::verify_inline(&ring, input, &Limits::default(), cert::now()).map_err(js_err)?;
    to_js(&view::Verified::from(&out))
}
