//! What the credentials module's exports (`bindings_credentials.rs`) take and
//! return. Unlike the other views, fields are camelCase: that is the JSON the
//! extension's autofill code has always read (`allowSubdomains`, `otpUris`…),
//! and renaming it would mean rewriting that code; enum values are snake_case
//! as everywhere. `Option` crosses as `null`.

use serde::{Deserialize, Serialize};

use crate::credentials::entry::{Changes, Entry};
use crate::credentials::origin::{self, Candidate, Match, NearMiss};
use crate::credentials::otp::OtpParams;

/// `credentialsParseEntry`: a decrypted entry.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ParsedEntry {
    pub password: String,
    pub login: Option<String>,
    pub url: Option<String>,
    pub autosubmit: bool,
    pub allow_subdomains: bool,
    pub otp_uris: Vec<String>,
    /// Every `key: value` line after the password, in order: `[key, value]`.
    pub fields: Vec<(String, String)>,
}

impl ParsedEntry {
    pub fn of(e: &Entry) -> Self {
        ParsedEntry {
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
        }
    }
}

/// `credentialsEditEntry`'s edit: the lines to set; absent ones stay as they
/// are (`entry::Changes`).
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct EntryEdit {
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(optional))]
    pub password: Option<String>,
    /// `""` removes the login line.
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(optional))]
    pub login: Option<String>,
    /// `""` removes the url line.
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(optional))]
    pub url: Option<String>,
    /// An `otpauth://` URI or a bare base32 secret (made a TOTP URI); `""`
    /// removes the first one-time-code line.
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(optional))]
    pub otp: Option<String>,
    /// The label a bare secret's URI gets (the entry's name).
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(optional))]
    pub otp_label: Option<String>,
    /// `autosubmit: true`; false rewrites an existing line, adds none.
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(optional))]
    pub autosubmit: Option<bool>,
}

impl EntryEdit {
    pub fn changes(&self) -> Changes<'_> {
        Changes {
            password: self.password.as_deref(),
            login: self.login.as_deref(),
            url: self.url.as_deref(),
            otp: self.otp.as_deref(),
            otp_label: self.otp_label.as_deref().unwrap_or(""),
            autosubmit: self.autosubmit,
        }
    }
}

/// `credentialsOtpCode`.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct OtpCode {
    pub code: String,
    /// TOTP: seconds until the code changes.
    pub seconds_left: Option<u64>,
    /// HOTP: the counter to store for the next code.
    pub next_counter: Option<u64>,
    /// HOTP: the otpauth URI with the next counter, to write back into the
    /// entry (`credentialsReplaceOtpUri`).
    pub next_uri: Option<String>,
}

impl OtpCode {
    pub fn of(p: &OtpParams, unix_seconds: u64) -> Self {
        let c = p.code(unix_seconds);
        OtpCode {
            code: c.code.to_string(),
            seconds_left: c.seconds_left,
            next_counter: c.next_counter,
            next_uri: c.next_counter.map(|n| p.uri_with_counter(n).to_string()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Fill,
    /// The frame is the entry's site but the top page is another origin: ask first.
    NeedsConfirmation,
    Refuse,
}

/// `credentialsMayFill`.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct FillDecision {
    pub decision: Decision,
    /// Why, unless `fill`: for the UI and logs.
    pub reason: Option<String>,
}

impl FillDecision {
    /// Whether `entry_url`'s entry may fill a frame at `frame_url` in a page at `top_url`.
    pub fn decide(entry_url: &str, allow_subdomains: bool, frame_url: &str, top_url: &str) -> Self {
        let (decision, reason) = match origin::entry_site(entry_url, allow_subdomains) {
            Err(reason) => (Decision::Refuse, Some(reason)),
            Ok(site) => match origin::may_fill(&site, frame_url, top_url) {
                origin::FillDecision::Fill => (Decision::Fill, None),
                origin::FillDecision::NeedsConfirmation(r) => (Decision::NeedsConfirmation, Some(r)),
                origin::FillDecision::Refuse(r) => (Decision::Refuse, Some(r)),
            },
        };
        FillDecision { decision, reason }
    }
}

/// `credentialsRank`'s input: one entry of the store.
#[derive(Debug, Deserialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct RankCandidate {
    pub path: String,
    #[serde(default)]
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(optional))]
    pub url: Option<String>,
    #[serde(default)]
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(as = "Option<bool>", optional))]
    pub allow_subdomains: bool,
    /// The entry was opened or written here: `url` is what it holds (absent: it has none).
    #[serde(default)]
    #[cfg_attr(all(test, not(target_arch = "wasm32")), ts(as = "Option<bool>", optional))]
    pub url_known: bool,
}

impl From<RankCandidate> for Candidate {
    fn from(c: RankCandidate) -> Self {
        Candidate {
            path: c.path,
            url: c.url,
            allow_subdomains: c.allow_subdomains,
            url_known: c.url_known,
        }
    }
}

/// Why an entry is offered for a tab (`origin::Match`), best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum RankMatch {
    /// The entry's url is the page's host.
    UrlExact,
    /// The entry's url allows subdomains and shares the page's registrable domain.
    UrlDomain,
    /// The site in the entry's name is the page's host.
    PathHost,
    /// The site in the entry's name allows subdomains and shares the page's registrable domain.
    PathDomain,
    /// Not opened here yet, named for the page's host over https on an http
    /// page: its `url:` line decides. A possibility, never a match.
    PathUnverified,
}

/// Why an entry that names the page's host would still not fill it (`origin::NearMiss`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// The page is http: and the entry's site https:.
    Scheme,
    /// Another port than the entry's site.
    Port,
}

/// `credentialsRank`: one entry of a tab's ranking.
#[derive(Debug, Serialize)]
#[cfg_attr(all(test, not(target_arch = "wasm32")), derive(ts_rs::TS))]
pub struct Ranked {
    /// Index into the candidates.
    pub index: usize,
    /// Why it fills; `null` when it names the page's host but would be refused.
    pub r#match: Option<RankMatch>,
    pub refusal: Option<Refusal>,
    /// The origin the entry fills, for the user.
    pub site: String,
}

impl From<origin::Ranked> for Ranked {
    fn from(r: origin::Ranked) -> Self {
        Ranked {
            index: r.index,
            r#match: r.verdict.ok().map(|m| match m {
                Match::UrlExact => RankMatch::UrlExact,
                Match::UrlDomain => RankMatch::UrlDomain,
                Match::PathHost => RankMatch::PathHost,
                Match::PathDomain => RankMatch::PathDomain,
                Match::PathUnverified => RankMatch::PathUnverified,
            }),
            refusal: r.verdict.err().map(|n| match n {
                NearMiss::Scheme => Refusal::Scheme,
                NearMiss::Port => Refusal::Port,
            }),
            site: r.site,
        }
    }
}
