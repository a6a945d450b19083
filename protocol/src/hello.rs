//! `hello`: the first exchange on a new port; tells each side what the other speaks.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct HelloParams {
    /// Who is asking, e.g. `"tessera-extension"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol_version: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct HelloResult {
    pub host: String,
    pub host_version: String,
    pub protocol_version: u32,
    /// The methods this host answers.
    pub capabilities: Vec<String>,
    pub max_request_bytes: usize,
    pub max_response_bytes: usize,
}
