//! The wasm-bindgen boundary of the `credentials` module: converts JS values
//! to Rust and back, nothing more. Errors throw a JS `Error`.

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::credentials::entry::Entry;
use crate::credentials::origin::{self, Candidate, FillDecision, Match, NearMiss};
use crate::credentials::otp::OtpParams;

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true))
        .map_err(|e| JsError::new(&e.to_string()))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct EntryView {
    password: String,
    login: Option<String>,
    url: Option<String>,
    autosubmit: bool,
    allow_subdomains: bool,
    otp_uris: Vec<String>,
    fields: Vec<(String, String)>,
}

/// `credentialsParseEntry(text)`: `{ password, login, url, autosubmit,
/// allowSubdomains, otpUris, fields: [[key, value]…] }` of a decrypted entry.
#[wasm_bindgen(js_name = credentialsParseEntry)]
pub fn credentials_parse_entry(text: &str) -> Result<JsValue, JsError> {
    let e = Entry::parse(text);
    to_js(&EntryView {
        password: e.password().to_string(),
        login: e.login().map(|l| l.to_string()),
        url: e.url(),
        autosubmit: e.autosubmit(),
        allow_subdomains: e.allow_subdomains(),
        otp_uris: e.otp_uris().iter().map(|u| u.to_string()).collect(),
        fields: e
            .fields()
            .into_iter()
            .map(|f| (f.key, f.value.to_string()))
            .collect(),
    })
}

#[derive(Deserialize)]
struct EntryEdit {
    password: Option<String>,
    login: Option<String>,
    url: Option<String>,
}

/// `credentialsEditEntry(text, { password?, login?, url? })`: the entry's new
/// text; other lines stay byte for byte. Pass `""` as `text` for a new entry.
#[wasm_bindgen(js_name = credentialsEditEntry)]
pub fn credentials_edit_entry(text: &str, edit: JsValue) -> Result<String, JsError> {
    let edit: EntryEdit = serde_wasm_bindgen::from_value(edit).map_err(|e| JsError::new(&e.to_string()))?;
    let mut e = Entry::parse(text);
    if let Some(p) = edit.password {
        e.set_password(&p);
    }
    if let Some(l) = edit.login {
        e.set_login(&l);
    }
    if let Some(u) = edit.url {
        e.set_url(&u);
    }
    Ok(e.to_text().to_string())
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CodeView {
    code: String,
    seconds_left: Option<u64>,
    next_counter: Option<u64>,
    /// HOTP: the URI to write back into the entry (`credentialsReplaceOtpUri`).
    next_uri: Option<String>,
}

/// `credentialsOtpCode(uri, unixSeconds)`: `{ code, secondsLeft, nextCounter, nextUri }`.
#[wasm_bindgen(js_name = credentialsOtpCode)]
pub fn credentials_otp_code(uri: &str, unix_seconds: f64) -> Result<JsValue, JsError> {
    let p = OtpParams::parse(uri).map_err(|e| JsError::new(&e.to_string()))?;
    let c = p.code(unix_seconds.max(0.0) as u64);
    to_js(&CodeView {
        code: c.code.to_string(),
        seconds_left: c.seconds_left,
        next_counter: c.next_counter,
        next_uri: c.next_counter.map(|n| p.uri_with_counter(n).to_string()),
    })
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

#[derive(Serialize)]
struct DecisionView {
    /// `fill`, `needs_confirmation` or `refuse`.
    decision: &'static str,
    reason: Option<String>,
}

/// `credentialsMayFill(entryUrl, allowSubdomains, frameUrl, topUrl)`: `{ decision, reason }`.
#[wasm_bindgen(js_name = credentialsMayFill)]
pub fn credentials_may_fill(
    entry_url: &str,
    allow_subdomains: bool,
    frame_url: &str,
    top_url: &str,
) -> Result<JsValue, JsError> {
    let view = match origin::entry_site(entry_url, allow_subdomains) {
        Err(reason) => DecisionView {
            decision: "refuse",
            reason: Some(reason),
        },
        Ok(site) => match origin::may_fill(&site, frame_url, top_url) {
            FillDecision::Fill => DecisionView {
                decision: "fill",
                reason: None,
            },
            FillDecision::NeedsConfirmation(r) => DecisionView {
                decision: "needs_confirmation",
                reason: Some(r),
            },
            FillDecision::Refuse(r) => DecisionView {
                decision: "refuse",
                reason: Some(r),
            },
        },
    };
    to_js(&view)
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CandidateIn {
    path: String,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    allow_subdomains: bool,
    #[serde(default)]
    url_known: bool,
}

#[derive(Serialize)]
struct RankedView {
    index: usize,
    /// `url_exact`, `url_domain`, `path_host`, `path_domain`; `null` when the
    /// entry names the page's host but would be refused (see `refusal`).
    r#match: Option<&'static str>,
    /// `scheme` (the page is http:, the entry's site https:) or `port`.
    refusal: Option<&'static str>,
    /// The origin the entry fills, for the user.
    site: String,
}

/// `credentialsRank([{ path, url?, allowSubdomains? }…], tabUrl)`:
/// `[{ index, match, refusal, site }…]`, what fills first, then what names
/// the page's host but would be refused.
#[wasm_bindgen(js_name = credentialsRank)]
pub fn credentials_rank(candidates: JsValue, tab_url: &str) -> Result<JsValue, JsError> {
    let input: Vec<CandidateIn> =
        serde_wasm_bindgen::from_value(candidates).map_err(|e| JsError::new(&e.to_string()))?;
    let candidates: Vec<Candidate> = input
        .into_iter()
        .map(|c| Candidate {
            path: c.path,
            url: c.url,
            allow_subdomains: c.allow_subdomains,
            url_known: c.url_known,
        })
        .collect();
    let ranked: Vec<RankedView> = origin::rank(&candidates, tab_url)
        .into_iter()
        .map(|r| RankedView {
            index: r.index,
            r#match: r.verdict.ok().map(|m| match m {
                Match::UrlExact => "url_exact",
                Match::UrlDomain => "url_domain",
                Match::PathHost => "path_host",
                Match::PathDomain => "path_domain",
                Match::PathUnverified => "path_unverified",
            }),
            refusal: r.verdict.err().map(|n| match n {
                NearMiss::Scheme => "scheme",
                NearMiss::Port => "port",
            }),
            site: r.site,
        })
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
