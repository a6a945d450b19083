//! The wasm-bindgen boundary of the `mime` module: converts JS values to Rust
//! and back, nothing more. Errors throw a JS `Error` with the [`MimeError`]
//! message. Byte results are `Uint8Array`s; text offsets are converted to
//! UTF-16 code units so that JS can `slice()` with them.

use serde::ser::{Serialize, SerializeStruct, Serializer};
use wasm_bindgen::prelude::*;

use crate::mime::{
    self, ArmorBlock, ArmorKind, Attachment, BuiltEntity, Cleartext, Detected, MimeError, SignedPart,
};

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

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new())
        .map_err(|e| JsError::new(&e.to_string()))
}

/// Serialised as a `Uint8Array` rather than an array of numbers.
struct Bytes<'a>(&'a [u8]);

impl Serialize for Bytes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self.0)
    }
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

impl Serialize for BuiltEntity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("BuiltEntity", 3)?;
        st.serialize_field("contentType", &self.content_type)?;
        st.serialize_field("boundary", &self.boundary)?;
        st.serialize_field("entity", &Bytes(&self.entity))?;
        st.end()
    }
}

/// `{ contentType, boundary, entity: Uint8Array }`: RFC 3156 multipart/encrypted
/// around an armored PGP MESSAGE.
#[wasm_bindgen(js_name = mimeBuildEncrypted)]
pub fn mime_build_encrypted(armored_message: &str) -> Result<JsValue, JsError> {
    to_js(&mime::build_encrypted(armored_message.as_bytes(), &mut random).map_err(js_err)?)
}

/// The exact bytes to sign for `entity` (RFC 3156 §5 canonical form).
#[wasm_bindgen(js_name = mimeBytesToSign)]
pub fn mime_bytes_to_sign(entity: &[u8]) -> Result<Vec<u8>, JsError> {
    Ok(SignedPart::new(entity).map_err(js_err)?.bytes_to_sign().to_vec())
}

/// `{ contentType, boundary, entity: Uint8Array }`: RFC 3156 multipart/signed
/// of `entity` (canonicalised as by `mimeBytesToSign`) and its detached signature.
#[wasm_bindgen(js_name = mimeBuildSigned)]
pub fn mime_build_signed(entity: &[u8], armored_signature: &str, micalg: &str) -> Result<JsValue, JsError> {
    let part = SignedPart::new(entity).map_err(js_err)?;
    to_js(
        &part
            .build(armored_signature.as_bytes(), micalg, &mut random)
            .map_err(js_err)?,
    )
}

/// UTF-8 byte offset in `text` → UTF-16 code-unit offset.
fn utf16_offset(text: &str, byte: usize) -> usize {
    text[..byte].encode_utf16().count()
}

struct JsArmor<'a>(&'a str, &'a ArmorBlock);

impl Serialize for JsArmor<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("ArmorBlock", 3)?;
        st.serialize_field(
            "kind",
            if self.1.kind == ArmorKind::Message {
                "message"
            } else {
                "signedMessage"
            },
        )?;
        st.serialize_field("start", &utf16_offset(self.0, self.1.start))?;
        st.serialize_field("end", &utf16_offset(self.0, self.1.end))?;
        st.end()
    }
}

/// `[{ kind: "message" | "signedMessage", start, end }]` in UTF-16 offsets.
#[wasm_bindgen(js_name = mimeFindArmoredBlocks)]
pub fn mime_find_armored_blocks(text: &str) -> Result<JsValue, JsError> {
    let blocks = mime::find_armored_blocks(text).map_err(js_err)?;
    to_js(&blocks.iter().map(|b| JsArmor(text, b)).collect::<Vec<_>>())
}

struct JsDetected(Detected);

impl Serialize for JsDetected {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Detected::Encrypted { armored } => {
                let mut st = s.serialize_struct("Detected", 2)?;
                st.serialize_field("kind", "encrypted")?;
                st.serialize_field("armored", &String::from_utf8_lossy(armored))?;
                st.end()
            }
            Detected::Signed {
                signed_bytes,
                signature,
                micalg,
            } => {
                let mut st = s.serialize_struct("Detected", 4)?;
                st.serialize_field("kind", "signed")?;
                st.serialize_field("signedBytes", &Bytes(signed_bytes))?;
                st.serialize_field("signature", &String::from_utf8_lossy(signature))?;
                st.serialize_field("micalg", micalg)?;
                st.end()
            }
            Detected::Inline(blocks) => {
                struct Block<'a>(&'a mime::InlineBlock);
                impl Serialize for Block<'_> {
                    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        let mut st = s.serialize_struct("InlineBlock", 3)?;
                        st.serialize_field("part", &self.0.part)?;
                        st.serialize_field("armor", &JsArmor(&self.0.text, &self.0.armor))?;
                        st.serialize_field("text", &self.0.text)?;
                        st.end()
                    }
                }
                let mut st = s.serialize_struct("Detected", 2)?;
                st.serialize_field("kind", "inline")?;
                st.serialize_field("blocks", &blocks.iter().map(Block).collect::<Vec<_>>())?;
                st.end()
            }
            Detected::Plain => {
                let mut st = s.serialize_struct("Detected", 1)?;
                st.serialize_field("kind", "plain")?;
                st.end()
            }
        }
    }
}

/// `{ kind: "encrypted", armored }`, `{ kind: "signed", signedBytes: Uint8Array,
/// signature, micalg }`, `{ kind: "inline", blocks: [{ part, armor: { kind,
/// start, end }, text }] }` or `{ kind: "plain" }`.
#[wasm_bindgen(js_name = mimeDetect)]
pub fn mime_detect(message: &[u8]) -> Result<JsValue, JsError> {
    to_js(&JsDetected(mime::detect(message).map_err(js_err)?))
}

/// `{ text, html, attachments: [{ filename, contentType, data: Uint8Array }] }`
/// from a decrypted entity.
#[wasm_bindgen(js_name = mimeParseContent)]
pub fn mime_parse_content(entity: &[u8]) -> Result<JsValue, JsError> {
    struct Content(mime::Content);
    impl Serialize for Content {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            struct Att<'a>(&'a mime::ParsedAttachment);
            impl Serialize for Att<'_> {
                fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                    let mut st = s.serialize_struct("Attachment", 3)?;
                    st.serialize_field("filename", &self.0.filename)?;
                    st.serialize_field("contentType", &self.0.content_type)?;
                    st.serialize_field("data", &Bytes(&self.0.data))?;
                    st.end()
                }
            }
            let mut st = s.serialize_struct("Content", 3)?;
            st.serialize_field("text", &self.0.text)?;
            st.serialize_field("html", &self.0.html)?;
            st.serialize_field(
                "attachments",
                &self.0.attachments.iter().map(Att).collect::<Vec<_>>(),
            )?;
            st.end()
        }
    }
    to_js(&Content(mime::parse_content(entity).map_err(js_err)?))
}
