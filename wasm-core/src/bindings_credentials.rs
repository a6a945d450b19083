//! The wasm-bindgen boundary of the `credentials` module: converts JS values
//! to Rust and back, nothing more. Errors throw a JS `Error`. What they take
//! and return are the views of `crate::views::credentials`, whose TypeScript
//! types are generated (`views/typescript.rs`).

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::credentials::entry::Entry;
use crate::credentials::origin::{self, Candidate};
use crate::credentials::otp::OtpParams;
use crate::views::credentials as view;

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true))
        .map_err(|e| JsError::new(&e.to_string()))
}

/// `ParsedEntry` of a decrypted entry.
#[wasm_bindgen(js_name = credentialsParseEntry)]
pub fn credentials_parse_entry(text: &str) -> Result<JsValue, JsError> {
    to_js(&view::ParsedEntry::of(&Entry::parse(text)))
}

/// `credentialsEditEntry(text, EntryEdit)`: the entry's new text; other lines
/// stay byte for byte. Pass `""` as `text` for a new entry.
#[wasm_bindgen(js_name = credentialsEditEntry)]
pub fn credentials_edit_entry(text: &str, edit: JsValue) -> Result<String, JsError> {
    let edit: view::EntryEdit =
        serde_wasm_bindgen::from_value(edit).map_err(|e| JsError::new(&e.to_string()))?;
    let e = Entry::edited(text, &edit.changes()).map_err(|err| JsError::new(&err.to_string()))?;
    Ok(e.to_text().to_string())
}

/// `credentialsOtpCode(uri, unixSeconds)`: `OtpCode`.
#[wasm_bindgen(js_name = credentialsOtpCode)]
pub fn credentials_otp_code(uri: &str, unix_seconds: f64) -> Result<JsValue, JsError> {
    let p = OtpParams::parse(uri).map_err(|e| JsError::new(&e.to_string()))?;
    to_js(&view::OtpCode::of(&p, unix_seconds.max(0.0) as u64))
}

/// `credentialsReplaceOtpUri(text, index, uri)`: the entry with its `index`-th otpauth URI replaced.
#[wasm_bindgen(js_name = credentialsReplaceOtpUri)]
pub fn credentials_replace_otp_uri(text: &str, index: u32, uri: &str) -> Result<String, JsError> {
    let mut e = Entry::parse(text);
    if !e.replace_otp_uri(index as usize, uri) {
        return Err(JsError::new(&format!(
            "the entry has no otpauth URI number {index}"
        )));
    }
    Ok(e.to_text().to_string())
}

/// `credentialsMayFill(entryUrl, allowSubdomains, frameUrl, topUrl)`: `FillDecision`.
#[wasm_bindgen(js_name = credentialsMayFill)]
pub fn credentials_may_fill(
    entry_url: &str,
    allow_subdomains: bool,
    frame_url: &str,
    top_url: &str,
) -> Result<JsValue, JsError> {
    to_js(&view::FillDecision::decide(
        entry_url,
        allow_subdomains,
        frame_url,
        top_url,
    ))
}

/// `credentialsRank(RankCandidate[], tabUrl)`: `Ranked[]`, what fills first,
/// then what names the page's host but would be refused.
#[wasm_bindgen(js_name = credentialsRank)]
pub fn credentials_rank(candidates: JsValue, tab_url: &str) -> Result<JsValue, JsError> {
    let input: Vec<view::RankCandidate> =
        serde_wasm_bindgen::from_value(candidates).map_err(|e| JsError::new(&e.to_string()))?;
    let candidates: Vec<Candidate> = input.into_iter().map(Candidate::from).collect();
    let ranked: Vec<view::Ranked> = origin::rank(&candidates, tab_url)
        .into_iter()
        .map(view::Ranked::from)
        .collect();
    to_js(&ranked)
}

/// `credentialsEntryUrl(path, url)`: the site an entry fills, from its `url`
/// line or else its name (`null`: it fills nowhere). Ranking and filling use
/// this one rule.
#[wasm_bindgen(js_name = credentialsEntryUrl)]
pub fn credentials_entry_url(path: &str, url: Option<String>) -> Option<String> {
    origin::entry_url_for(path, url.as_deref())
}
