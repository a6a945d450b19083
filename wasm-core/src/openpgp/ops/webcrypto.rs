//! The symmetric layer of SEIPDv1 encryption by the browser's WebCrypto.
//!
//! Why: CFB encryption is serial (each block needs the previous ciphertext),
//! so the bitsliced software AES, the only AES in WebAssembly, runs at a
//! fraction of its speed, while the browser's AES is native (AES-NI). WebCrypto
//! has no CFB, but CFB encryption with a zero IV is CBC encryption of
//! (zero block ‖ plaintext) XORed with the plaintext: CBC's block i is
//! E(CBC block i−1 ⊕ plaintext block i−1) = E(ciphertext block i−1), which is
//! CFB's keystream. OpenPGP.js does the same. CFB *decryption* stays in
//! WebAssembly (`openpgp/crypto/seipd_v1.rs`): WebCrypto offers nothing that yields
//! E(ciphertext block) for every block at once.
//!
//! Everything else (session key, PKESKs, the MDC packet, framing, armor) is the
//! Rust code in `openpgp/ops/encrypt.rs`, tested natively against GnuPG.
//!
//! The MDC's SHA-1 is WebCrypto's too, in encryption and decryption:
//! SHA-1 in WebAssembly was a fifth of the time of a large decryption
//! (callgrind), the browser's is native. The comparison and the decision stay
//! in Rust (`openpgp/crypto/seipd_v1.rs`).

use js_sys::{Array, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroizing;

use super::decrypt::{Decrypted, Finishing};
use super::encrypt::{Encrypted, Sealing};
use super::keyring::Keyring;
use crate::openpgp::error::{Error, Result};
use crate::openpgp::types::{Container, Limits};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = importKey)]
    fn import_key(
        format: &str,
        key: &Uint8Array,
        algorithm: &str,
        extractable: bool,
        usages: &Array,
    ) -> std::result::Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = digest)]
    fn subtle_digest(algorithm: &str, data: &Uint8Array) -> std::result::Result<Promise, JsValue>;

    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = encrypt)]
    fn subtle_encrypt(
        algorithm: &Object,
        key: &JsValue,
        data: &Uint8Array,
    ) -> std::result::Result<Promise, JsValue>;
}

fn webcrypto_error(step: &str, err: JsValue) -> Error {
    let text = err
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "unknown error".into());
    Error::internal(format!("WebCrypto {step} failed: {text}"))
}

async fn call(step: &str, promise: std::result::Result<Promise, JsValue>) -> Result<JsValue> {
    let promise = promise.map_err(|e| webcrypto_error(step, e))?;
    JsFuture::from(promise)
        .await
        .map_err(|e| webcrypto_error(step, e))
}

/// CFB encryption with a zero IV (OpenPGP's SEIPDv1 mode), AES key of 16, 24 or 32 bytes.
pub async fn aes_cfb_encrypt(key: &[u8], plaintext: &[u8]) -> Result<Vec<u8>> {
    const BLOCK: usize = 16;
    let usages = Array::of1(&JsValue::from_str("encrypt"));
    let key = {
        let raw = Zeroizing::new(key.to_vec());
        // SAFETY: the view is read by importKey before any allocation can move wasm memory.
        let view = unsafe { Uint8Array::view(&raw) };
        call("importKey", import_key("raw", &view, "AES-CBC", false, &usages)).await?
    };
    let params = Object::new();
    let set = |k: &str, v: &JsValue| Reflect::set(&params, &JsValue::from_str(k), v).map(|_| ());
    set("name", &JsValue::from_str("AES-CBC"))
        .and_then(|_| set("iv", &Uint8Array::new_with_length(BLOCK as u32)))
        .map_err(|e| webcrypto_error("parameters", e))?;

    let mut input = Zeroizing::new(Vec::with_capacity(BLOCK + plaintext.len()));
    input.extend_from_slice(&[0u8; BLOCK]);
    input.extend_from_slice(plaintext);
    // SAFETY: encrypt() copies its input before returning (WebCrypto "get a
    // copy of the bytes held by"), and nothing allocates in between.
    let view = unsafe { Uint8Array::view(&input) };
    let cbc = call("encrypt", subtle_encrypt(&params, &key, &view)).await?;
    drop(input);

    let cbc = Uint8Array::new(&cbc);
    if (cbc.length() as usize) < plaintext.len() {
        return Err(Error::internal("WebCrypto encrypt returned less than its input"));
    }
    let mut out = vec![0u8; plaintext.len()];
    cbc.subarray(0, plaintext.len() as u32).copy_to(&mut out);
    for (o, p) in out.iter_mut().zip(plaintext) {
        *o ^= p;
    }
    Ok(out)
}

/// Finishes an encryption: SEIPDv1 through WebCrypto, SEIPDv2 (OCB, which
/// WebCrypto lacks) with rpgp.
pub async fn seal(sealing: Sealing) -> Result<Encrypted> {
    if sealing.container() != Container::SeipdV1 {
        return sealing.seal();
    }
    let mut plaintext = sealing.v1_mdc_input()?;
    let digest = sha1(&plaintext).await?;
    if digest.len() != 20 {
        return Err(Error::internal("WebCrypto SHA-1 did not return 20 bytes"));
    }
    plaintext.extend_from_slice(&digest);
    let ciphertext = aes_cfb_encrypt(sealing.session_key(), &plaintext).await?;
    drop(plaintext);
    sealing.finish_v1(&ciphertext)
}

/// SHA-1 by WebCrypto.
pub async fn sha1(data: &[u8]) -> Result<Vec<u8>> {
    // SAFETY: digest() copies its input before returning, and nothing
    // allocates in between.
    let view = unsafe { Uint8Array::view(data) };
    let digest = call("digest", subtle_digest("SHA-1", &view)).await?;
    Ok(Uint8Array::new(&digest).to_vec())
}

/// Finishes a decryption ([`Finishing`]), the MDC's SHA-1 by WebCrypto.
pub async fn finish_decryption(
    finishing: Finishing,
    keyring: &Keyring,
    limits: &Limits,
    now: pgp::types::Timestamp,
) -> Result<Decrypted> {
    let digest = match finishing.mdc_input() {
        Some(data) => Some(sha1(data).await?),
        None => None,
    };
    finishing.complete(digest.as_deref(), keyring, limits, now)
}
