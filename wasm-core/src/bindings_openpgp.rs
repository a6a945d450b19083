//! The wasm-bindgen boundary of the `openpgp` module: converts JS values to
//! Rust and back, nothing more.
//!
//! Stateless: the keyring travels as its storage string (what
//! `Keyring::to_storage` writes, kept by the extension in `chrome.storage.local`).
//! Errors throw a JS `Error` whose `message` is the core's English text and whose
//! `code` property is the stable [`crate::openpgp::Error::code`]. Bytes are
//! `Uint8Array`s.

use serde::ser::{Serialize, SerializeStruct, Serializer};
use wasm_bindgen::prelude::*;
use zeroize::Zeroizing;

use crate::openpgp::ops::{
    decrypt,
    encrypt::{self, Payload},
    keyring::Keyring,
    sign::{self, SignMode},
    verify, webcrypto,
};
use crate::openpgp::types::{Container, Limits};
use crate::openpgp::{cert, Error};

fn js_err(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.to_string());
    let _ = js_sys::Reflect::set(&err, &JsValue::from_str("code"), &JsValue::from_str(e.code()));
    err.into()
}

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_maps_as_objects(true))
        .map_err(|e| js_err(Error::internal(e)))
}

fn ring(stored: &str) -> Result<Keyring, JsValue> {
    Keyring::from_storage(stored).map_err(js_err)
}

fn strings(list: &js_sys::Array) -> Vec<String> {
    list.iter().filter_map(|v| v.as_string()).collect()
}

/// Serialised as a `Uint8Array` rather than an array of numbers.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
}

/// `{ stored, imported: [primary fingerprints] }`. Refuses secret keys (nothing imported).
#[wasm_bindgen(js_name = keyringImport)]
pub fn keyring_import(stored: &str, input: &[u8]) -> Result<JsValue, JsValue> {
    let mut ring = ring(stored)?;
    let imported = ring.import(input).map_err(js_err)?;
    let stored = ring.to_storage().map_err(js_err)?;
    to_js(&serde_json::json!({ "stored": stored, "imported": imported }))
}

/// `{ stored, removed }`.
#[wasm_bindgen(js_name = keyringRemove)]
pub fn keyring_remove(stored: &str, fingerprint: &str) -> Result<JsValue, JsValue> {
    let mut ring = ring(stored)?;
    let removed = ring.remove(fingerprint);
    let stored = ring.to_storage().map_err(js_err)?;
    to_js(&serde_json::json!({ "stored": stored, "removed": removed }))
}

/// `KeyInfo[]` (see `openpgp::keyring::KeyInfo`); `own` are slot fingerprints from `token.list`.
#[wasm_bindgen(js_name = keyringList)]
pub fn keyring_list(stored: &str, own: js_sys::Array) -> Result<JsValue, JsValue> {
    let ring = ring(stored)?;
    to_js(&ring.list(&strings(&own), cert::now()))
}

/// Encrypts to `recipients` (any key fingerprint of each certificate) plus
/// `sender`. `isPackets`: `data` is an OpenPGP message already (from `signFinish`).
/// `hidden` (optional): fingerprints of recipients to encrypt to without their
/// key IDs (Bcc; `encrypt::prepare_hiding`); each must name one of `recipients`.
/// A promise of `{ armored, container: "seipd_v1"|"seipd_v2", recipient_keys }`:
/// SEIPDv1's AES runs in the browser's WebCrypto (`webcrypto.rs` says why).
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
    let container = match out.container {
        Container::SeipdV1 => "seipd_v1",
        Container::SeipdV2 => "seipd_v2",
    };
    to_js(&serde_json::json!({
        "armored": out.armored,
        "container": container,
        "recipient_keys": out.recipient_keys,
    }))
}

struct SigningRequestJs(sign::SigningRequest);

impl Serialize for SigningRequestJs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("SigningRequest", 4)?;
        st.serialize_field("hash_algorithm", sign::hash_name(self.0.hash_algorithm))?;
        st.serialize_field("digest", &Bytes(&self.0.digest))?;
        st.serialize_field("key_fingerprint", &self.0.key_fingerprint)?;
        st.serialize_field("state", &Bytes(&self.0.state))?;
        st.end()
    }
}

/// Phase 1 of signing: `{ hash_algorithm, digest, key_fingerprint, state }`.
/// `mode`: `detached`, `inline` or `cleartext`.
#[wasm_bindgen(js_name = signPrepare)]
pub fn sign_prepare(stored: &str, signer: &str, data: &[u8], mode: &str) -> Result<JsValue, JsValue> {
    let ring = ring(stored)?;
    let mode = SignMode::parse(mode).map_err(js_err)?;
    let req = sign::prepare(&ring, signer, data, mode, cert::now()).map_err(js_err)?;
    to_js(&SigningRequestJs(req))
}

/// Phase 2 of signing: `signature` is the token's MPIs (array of `Uint8Array`).
/// `{ binary: Uint8Array, armored }`.
#[wasm_bindgen(js_name = signFinish)]
pub fn sign_finish(state: &[u8], signature: js_sys::Array) -> Result<JsValue, JsValue> {
    let mpis: Vec<Vec<u8>> = signature
        .iter()
        .map(|v| js_sys::Uint8Array::new(&v).to_vec())
        .collect();
    let signed = sign::finish(state, &mpis).map_err(js_err)?;
    struct Out<'a>(&'a sign::Signed);
    impl Serialize for Out<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Signed", 2)?;
            st.serialize_field("binary", &Bytes(&self.0.binary))?;
            st.serialize_field("armored", &self.0.armored)?;
            st.end()
        }
    }
    to_js(&Out(&signed))
}

/// Phase 1 of decryption: `{ recipients, matched, token_fingerprint, pkesk,
/// recipient_key, container, candidates }` (`pkesk` and `recipient_key` are
/// whole packets; the first fields are `candidates[0]`). `candidates`: `[{
/// matched, token_fingerprint, pkesk, recipient_key, anonymous }]`, to try in
/// order (see `decrypt::DecryptionRequest::candidates`).
#[wasm_bindgen(js_name = decryptPrepare)]
pub fn decrypt_prepare(
    stored: &str,
    input: &[u8],
    token_fingerprints: js_sys::Array,
) -> Result<JsValue, JsValue> {
    let ring = ring(stored)?;
    let req =
        decrypt::prepare(input, &ring, &strings(&token_fingerprints), &Limits::default()).map_err(js_err)?;
    struct Out(decrypt::DecryptionRequest);
    impl Serialize for Out {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("DecryptionRequest", 7)?;
            st.serialize_field("recipients", &self.0.recipients)?;
            st.serialize_field("matched", &self.0.matched)?;
            st.serialize_field("token_fingerprint", &self.0.token_fingerprint)?;
            st.serialize_field("pkesk", &Bytes(&self.0.pkesk))?;
            st.serialize_field("recipient_key", &Bytes(&self.0.recipient_key))?;
            st.serialize_field("container", self.0.container)?;
            let candidates: Vec<CandidateJs<'_>> = self.0.candidates.iter().map(CandidateJs).collect();
            st.serialize_field("candidates", &candidates)?;
            st.end()
        }
    }
    struct CandidateJs<'a>(&'a decrypt::Candidate);
    impl Serialize for CandidateJs<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Candidate", 5)?;
            st.serialize_field("matched", &self.0.matched)?;
            st.serialize_field("token_fingerprint", &self.0.token_fingerprint)?;
            st.serialize_field("pkesk", &Bytes(&self.0.pkesk))?;
            st.serialize_field("recipient_key", &Bytes(&self.0.recipient_key))?;
            st.serialize_field("anonymous", &self.0.anonymous)?;
            st.end()
        }
    }
    to_js(&Out(req))
}

struct Verifications<'a>(&'a [verify::Verification]);

impl Serialize for Verifications<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

/// Phase 2 of decryption, with the session key from `token.decrypt_session_key`.
/// `{ data: Uint8Array, verifications: [{ status: valid|bad|unknown_signer|unsigned, … }], container }`.
/// A promise: the MDC's SHA-1 is computed by WebCrypto (see `webcrypto.rs`).
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
    let finishing = decrypt::finish_begin(&input, key, &ring, &limits, now).map_err(js_err)?;
    drop(input);
    let out = webcrypto::finish_decryption(finishing, &ring, &limits, now)
        .await
        .map_err(js_err)?;
    struct Out<'a>(&'a decrypt::Decrypted);
    impl Serialize for Out<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Decrypted", 3)?;
            st.serialize_field("data", &Bytes(&self.0.data))?;
            st.serialize_field("verifications", &Verifications(&self.0.verifications))?;
            st.serialize_field("container", self.0.container)?;
            st.end()
        }
    }
    to_js(&Out(&out))
}

/// Verifies an inline-signed or cleartext-signed message:
/// `{ data: Uint8Array, verifications }`.
#[wasm_bindgen(js_name = verifyInline)]
pub fn verify_inline(stored: &str, input: &[u8]) -> Result<JsValue, JsValue> {
    let ring = ring(stored)?;
    let out = verify::verify_inline(&ring, input, &Limits::default(), cert::now()).map_err(js_err)?;
    struct Out<'a>(&'a verify::VerifiedMessage);
    impl Serialize for Out<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Verified", 2)?;
            st.serialize_field("data", &Bytes(&self.0.data))?;
            st.serialize_field("verifications", &Verifications(&self.0.verifications))?;
            st.end()
        }
    }
    to_js(&Out(&out))
}
