//! Benchmark-only exports (`--features bench`, never in the extension): a
//! secret key held in WASM, so `scripts/bench core` can time the core's real
//! encryption and decryption paths against OpenPGP.js with no host in the loop.
//! The private-key step stands in for `token.decrypt_session_key`; everything
//! else is the production code (`openpgp::encrypt`, `decrypt::prepare`/`finish`).

use pgp::composed::{Deserializable, SignedPublicKey, SignedSecretKey};
use pgp::packet::{Packet, PacketParser, PublicKeyEncryptedSessionKey};
use pgp::types::{DecryptionKey, EskType, KeyDetails, Password, PkeskVersion};
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use crate::openpgp::cert::{fpr_hex, now};
use crate::openpgp::ops::decrypt::{self, SessionKey};
use crate::openpgp::ops::encrypt::{self, Payload};
use crate::openpgp::ops::keyring::Keyring;
use crate::openpgp::ops::verify::verify_contents;
use crate::openpgp::ops::{decompression, webcrypto};
use crate::openpgp::types::Limits;

fn err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// A key parsed once, outside the timed loop.
#[wasm_bindgen]
pub struct BenchEngine {
    ring: Rc<Keyring>,
    secret: SignedSecretKey,
    primary: String,
    subkeys: Vec<String>,
}

#[wasm_bindgen]
impl BenchEngine {
    /// `secret_armored`: an unprotected transferable secret key.
    #[wasm_bindgen(constructor)]
    pub fn new(secret_armored: &str) -> Result<BenchEngine, JsError> {
        let (secret, _) = SignedSecretKey::from_string(secret_armored).map_err(err)?;
        let public = SignedPublicKey::from(secret.clone());
        let mut ring = Keyring::new();
        let bytes = pgp::ser::Serialize::to_bytes(&public).map_err(err)?;
        ring.import(&bytes).map_err(err)?;
        let primary = fpr_hex(&secret.fingerprint());
        let subkeys = secret
            .secret_subkeys
            .iter()
            .map(|s| fpr_hex(&s.key.fingerprint()))
            .collect();
        Ok(BenchEngine {
            ring: Rc::new(ring),
            secret,
            primary,
            subkeys,
        })
    }

    /// A promise of the armored SEIPD message to the key, as the extension
    /// encrypts (symmetric layer by WebCrypto).
    pub fn encrypt(&self, data: &[u8]) -> Result<js_sys::Promise, JsError> {
        let sealing = encrypt::prepare(
            &self.ring,
            std::slice::from_ref(&self.primary),
            None,
            Payload::Data(data),
            now(),
        )
        .map_err(err)?;
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            webcrypto::seal(sealing)
                .await
                .map(|out| JsValue::from_str(&out.armored))
                .map_err(|e| JsValue::from_str(&e.to_string()))
        }))
    }

    /// A promise of the plaintext: both decryption phases as the extension
    /// runs them (MDC by WebCrypto), the session key recovered with the secret key.
    pub fn decrypt(&self, message: &[u8]) -> Result<js_sys::Promise, JsError> {
        let limits = Limits::default();
        let req = decrypt::prepare(message, &self.ring, &self.subkeys, &limits).map_err(err)?;
        let session_key = self.session_key(&req.pkesk, &req.token_fingerprint)?;
        self.finish(message, session_key, limits)
    }

    /// The private-key step alone (the card's `token.decrypt_session_key` in
    /// real use): phase 1, then the PKESK opened with the secret key. Returns
    /// the symmetric algorithm id (0 for a v6 PKESK) followed by the key.
    #[wasm_bindgen(js_name = unwrapSessionKey)]
    pub fn unwrap_session_key(&self, message: &[u8]) -> Result<Vec<u8>, JsError> {
        let req = decrypt::prepare(message, &self.ring, &self.subkeys, &Limits::default()).map_err(err)?;
        let sk = self.session_key(&req.pkesk, &req.token_fingerprint)?;
        let mut out = vec![sk.symmetric_algorithm.unwrap_or(0)];
        out.extend_from_slice(&sk.key);
        Ok(out)
    }

    /// Everything but the private-key step: phase 1, then phase 2 with a
    /// session key from [`BenchEngine::unwrap_session_key`].
    #[wasm_bindgen(js_name = decryptWithSessionKey)]
    pub fn decrypt_with_session_key(
        &self,
        message: &[u8],
        session_key: &[u8],
    ) -> Result<js_sys::Promise, JsError> {
        let limits = Limits::default();
        decrypt::prepare(message, &self.ring, &self.subkeys, &limits).map_err(err)?;
        self.finish(message, given_session_key(session_key)?, limits)
    }

    /// [`BenchEngine::decrypt_with_session_key`] with compressed data inflated
    /// by the browser's `DecompressionStream` (`ops/decompression.rs`)
    /// instead of the core's own inflate: kept only to time one against the
    /// other.
    #[wasm_bindgen(js_name = decryptWithSessionKeyBrowserInflate)]
    pub fn decrypt_with_session_key_browser_inflate(
        &self,
        message: &[u8],
        session_key: &[u8],
    ) -> Result<js_sys::Promise, JsError> {
        let limits = Limits::default();
        decrypt::prepare(message, &self.ring, &self.subkeys, &limits).map_err(err)?;
        let finishing =
            decrypt::finish_begin(message, given_session_key(session_key)?, &limits).map_err(err)?;
        let ring = Rc::clone(&self.ring);
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            let fail = |e: crate::openpgp::Error| JsValue::from_str(&e.to_string());
            let digest = match finishing.mdc_input() {
                Some(data) => Some(webcrypto::sha1(data).await.map_err(fail)?),
                None => None,
            };
            let opened = finishing.authenticate(digest.as_deref()).map_err(fail)?;
            let contents = decompression::read(opened.packets(), &limits, "decrypted message")
                .await
                .map_err(fail)?;
            let verified = verify_contents(&ring, contents, now());
            Ok(js_sys::Uint8Array::from(&verified.data[..]).into())
        }))
    }
}

/// A session key as [`BenchEngine::unwrap_session_key`] returns it.
fn given_session_key(bytes: &[u8]) -> Result<SessionKey, JsError> {
    let (&alg, key) = bytes
        .split_first()
        .ok_or_else(|| JsError::new("empty session key"))?;
    Ok(SessionKey {
        symmetric_algorithm: (alg != 0).then_some(alg),
        key: key.to_vec().into(),
    })
}

impl BenchEngine {
    fn finish(
        &self,
        message: &[u8],
        session_key: SessionKey,
        limits: Limits,
    ) -> Result<js_sys::Promise, JsError> {
        let finishing = decrypt::finish_begin(message, session_key, &limits).map_err(err)?;
        let ring = Rc::clone(&self.ring);
        Ok(wasm_bindgen_futures::future_to_promise(async move {
            webcrypto::finish_decryption(finishing, &ring, &limits, now())
                .await
                .map(|out| js_sys::Uint8Array::from(&out.data[..]).into())
                .map_err(|e| JsValue::from_str(&e.to_string()))
        }))
    }

    fn session_key(&self, pkesk: &[u8], fingerprint: &str) -> Result<SessionKey, JsError> {
        let pkesk: PublicKeyEncryptedSessionKey = match PacketParser::new(pkesk).next() {
            Some(Ok(Packet::PublicKeyEncryptedSessionKey(p))) => p,
            _ => return Err(JsError::new("not a PKESK packet")),
        };
        let typ = match pkesk.version() {
            PkeskVersion::V6 => EskType::V6,
            _ => EskType::V3_4,
        };
        let values = pkesk.values().map_err(err)?;
        let sub = self
            .secret
            .secret_subkeys
            .iter()
            .find(|s| fpr_hex(&s.key.fingerprint()) == fingerprint)
            .ok_or_else(|| JsError::new("no secret subkey for this PKESK"))?;
        let plain = sub
            .key
            .decrypt(&Password::empty(), values, typ)
            .map_err(err)?
            .map_err(err)?;
        Ok(SessionKey::from(&plain))
    }
}
