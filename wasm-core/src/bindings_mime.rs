//! The wasm-bindgen boundary of the `mime` module: converts JS values to Rust
//! and back, nothing more. Errors throw a JS `Error` with the [`MimeError`]
//! message. What they return is a view of `crate::views::mime` (UTF-16 text
//! offsets, `Uint8Array` bytes), whose TypeScript types are generated
//! (`views/typescript.rs`).

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::mime::{self, Attachment, Cleartext, MimeError, SignedPart};
use crate::views::mime as view;

#[wasm_bindgen]
extern "C" {
    // Web Crypto, present in pages and service workers alike.
    #[wasm_bindgen(js_namespace = crypto, js_name = getRandomValues)]
    fn get_random_values(buf: &mut [u8]);
}

fn random(buf: &mut [u8]) {
    get_random_values(buf);
}

fn js_err(e: MimeError) -> JsError {
    JsError::new(&e.to_string())
}

/// `None` as `null`, as the generated types (`views`) say.
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true))
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Builds the cleartext entity to encrypt: `new MimeCleartext(text)`, then
/// `setHtml`, `addAttachment`, and `build()` → `Uint8Array`.
#[wasm_bindgen]
pub struct MimeCleartext {
    text: String,
    html: Option<String>,
    attachments: Vec<(String, Option<String>, Vec<u8>)>,
    allow_8bit: bool,
}

#[wasm_bindgen]
impl MimeCleartext {
    #[wasm_bindgen(constructor)]
    pub fn new(text: String) -> MimeCleartext {
        MimeCleartext {
            text,
            html: None,
            attachments: Vec::new(),
            allow_8bit: false,
        }
    }

    #[wasm_bindgen(js_name = setHtml)]
    pub fn set_html(&mut self, html: String) {
        self.html = Some(html);
    }

    /// Only for entities that are encrypted without being signed.
    #[wasm_bindgen(js_name = setAllow8bit)]
    pub fn set_allow_8bit(&mut self, allow: bool) {
        self.allow_8bit = allow;
    }

    /// `contentType` undefined: guessed from the filename's extension.
    #[wasm_bindgen(js_name = addAttachment)]
    pub fn add_attachment(&mut self, filename: String, content_type: Option<String>, data: Vec<u8>) {
        self.attachments.push((filename, content_type, data));
    }

    pub fn build(&self) -> Result<Vec<u8>, JsError> {
        let msg = Cleartext {
            text: &self.text,
            html: self.html.as_deref(),
            attachments: self
                .attachments
                .iter()
                .map(|(f, t, d)| Attachment {
                    filename: f,
                    content_type: t.as_deref(),
                    data: d,
                })
                .collect(),
            allow_8bit: self.allow_8bit,
        };
        msg.build(&mut random).map_err(js_err)
    }
}

/// `BuiltEntity`: RFC 3156 multipart/encrypted around an armored PGP MESSAGE.
#[wasm_bindgen(js_name = mimeBuildEncrypted)]
pub fn mime_build_encrypted(armored_message: &str) -> Result<JsValue, JsError> {
    let built = mime::build_encrypted(armored_message.as_bytes(), &mut random).map_err(js_err)?;
    to_js(&view::BuiltEntity::from(&built))
}

/// The exact bytes to sign for `entity` (RFC 3156 §5 canonical form).
#[wasm_bindgen(js_name = mimeBytesToSign)]
pub fn mime_bytes_to_sign(entity: &[u8]) -> Result<Vec<u8>, JsError> {
    Ok(SignedPart::new(entity).map_err(js_err)?.bytes_to_sign().to_vec())
}

/// `BuiltEntity`: RFC 3156 multipart/signed of `entity` (canonicalised as by
/// `mimeBytesToSign`) and its detached signature.
#[wasm_bindgen(js_name = mimeBuildSigned)]
pub fn mime_build_signed(entity: &[u8], armored_signature: &str, micalg: &str) -> Result<JsValue, JsError> {
    let part = SignedPart::new(entity).map_err(js_err)?;
    let built = part
        .build(armored_signature.as_bytes(), micalg, &mut random)
        .map_err(js_err)?;
    to_js(&view::BuiltEntity::from(&built))
}

/// `ArmorBlock[]`, in UTF-16 offsets.
#[wasm_bindgen(js_name = mimeFindArmoredBlocks)]
pub fn mime_find_armored_blocks(text: &str) -> Result<JsValue, JsError> {
    let blocks = mime::find_armored_blocks(text).map_err(js_err)?;
    to_js(
        &blocks
            .iter()
            .map(|b| view::ArmorBlock::of(text, b))
            .collect::<Vec<_>>(),
    )
}

/// `Detected`: `encrypted`, `signed`, `inline` or `plain`.
#[wasm_bindgen(js_name = mimeDetect)]
pub fn mime_detect(message: &[u8]) -> Result<JsValue, JsError> {
    let detected = mime::detect(message).map_err(js_err)?;
    to_js(&view::Detected::from(&detected))
}

/// `ParsedContent` of a decrypted entity.
#[wasm_bindgen(js_name = mimeParseContent)]
pub fn mime_parse_content(entity: &[u8]) -> Result<JsValue, JsError> {
    let content = mime::parse_content(entity).map_err(js_err)?;
    to_js(&view::ParsedContent::from(&content))
}
