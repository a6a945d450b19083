//! The frame around every message: requests carry an `id` and a `method`,
//! replies carry the same `id` and either a `result` or an `error`.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::card::{
    CardChangePinParams, CardChangedResult, CardFactoryResetParams, CardGenerateParams, CardGenerateResult,
    CardSetResetCodeParams, CardStatusParams, CardStatusResult, CardUnblockPinParams,
};
use crate::certificate::{ExportCertificateParams, ExportCertificateResult};
use crate::decrypt::{DecryptSessionKeyParams, DecryptSessionKeyResult};
use crate::duplicate_keys::find_duplicate_key;
use crate::error::{excerpt, ErrorBody, ErrorCode};
use crate::hello::{HelloParams, HelloResult};
use crate::pin::{ForgetPinParams, ForgetPinResult, VerifyPinParams, VerifyPinResult};
use crate::sign::{SignParams, SignResult};
use crate::store::{
    StoreInitParams, StoreInitResult, StoreListParams, StoreListResult, StoreReadParams, StoreReadResult,
    StoreRecipientsParams, StoreRecipientsResult, StoreWriteParams, StoreWriteResult,
};
use crate::token::{TokenListParams, TokenListResult};

/// Chosen by the extension, echoed in the reply. Kept within JavaScript's
/// safe-integer range so it survives a round trip through a JS number.
pub type RequestId = u64;

/// Largest id a JavaScript number holds exactly (2^53 − 1).
pub const MAX_REQUEST_ID: RequestId = (1 << 53) - 1;

/// Declares every method once: its wire name, its parameters and its result.
/// From this one list come `Request` (tagged by method), `ResultBody`, the
/// per-method reply decoding, and the method table of the generated TypeScript.
macro_rules! methods {
    ($($variant:ident = $name:literal ($params:ty => $result:ty),)*) => {
        /// Every request the host answers, with its typed parameters.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(tag = "method", content = "params")]
        pub enum Request {
            $(#[serde(rename = $name)] $variant($params),)*
        }

        impl Request {
            /// Every method name, in the order `hello` reports them.
            pub const METHODS: &'static [&'static str] = &[$($name),*];

            pub fn method(&self) -> &'static str {
                match self {
                    $(Request::$variant(_) => $name,)*
                }
            }
        }

        /// The successful payloads, one per method. Serialized as the bare
        /// result object; read back only through [`ResultBody::decode`], which
        /// knows the method the request asked for.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
        #[serde(untagged)]
        pub enum ResultBody {
            $($variant($result),)*
        }

        impl ResultBody {
            /// The method this result answers.
            pub fn method(&self) -> &'static str {
                match self {
                    $(ResultBody::$variant(_) => $name,)*
                }
            }

            /// Reads a `result` as the shape `method` answers, and no other.
            pub fn decode(method: &str, result: Value) -> Result<Self, String> {
                match method {
                    $($name => serde_json::from_value(result)
                        .map(ResultBody::$variant)
                        .map_err(|e| format!("result of `{}` does not match its type: {e}", $name)),)*
                    other => Err(format!("no method `{other}`")),
                }
            }
        }

        /// (method, params type, result type) as TypeScript names, for the generated contract.
        #[cfg(test)]
        pub(crate) fn ts_method_table(cfg: &ts_rs::Config) -> Vec<(&'static str, String, String)> {
            vec![$(($name, <$params as ts_rs::TS>::name(cfg), <$result as ts_rs::TS>::name(cfg)),)*]
        }

        /// Declares every type the method table names, with its dependencies.
        #[cfg(test)]
        pub(crate) fn ts_visit_method_types(v: &mut impl ts_rs::TypeVisitor) {
            $(v.visit::<$params>(); v.visit::<$result>();)*
        }
    };
}

methods! {
    Hello = "hello" (HelloParams => HelloResult),
    TokenList = "token.list" (TokenListParams => TokenListResult),
    VerifyPin = "token.verify_pin" (VerifyPinParams => VerifyPinResult),
    ForgetPin = "token.forget_pin" (ForgetPinParams => ForgetPinResult),
    Sign = "token.sign" (SignParams => SignResult),
    DecryptSessionKey = "token.decrypt_session_key" (DecryptSessionKeyParams => DecryptSessionKeyResult),
    ExportCertificate = "token.export_certificate" (ExportCertificateParams => ExportCertificateResult),
    StoreList = "store.list" (StoreListParams => StoreListResult),
    StoreRead = "store.read" (StoreReadParams => StoreReadResult),
    StoreWrite = "store.write" (StoreWriteParams => StoreWriteResult),
    StoreRecipients = "store.recipients" (StoreRecipientsParams => StoreRecipientsResult),
    StoreInit = "store.init" (StoreInitParams => StoreInitResult),
    CardStatus = "card.status" (CardStatusParams => CardStatusResult),
    CardGenerate = "card.generate" (CardGenerateParams => CardGenerateResult),
    CardChangePin = "card.change_pin" (CardChangePinParams => CardChangedResult),
    CardSetResetCode = "card.set_reset_code" (CardSetResetCodeParams => CardChangedResult),
    CardUnblockPin = "card.unblock_pin" (CardUnblockPinParams => CardChangedResult),
    CardFactoryReset = "card.factory_reset" (CardFactoryResetParams => CardChangedResult),
}

impl Request {
    /// Parameters that carry a secret, by method. They must be strings: a
    /// mistyped one is refused before serde could quote it in an error message.
    const SECRET_PARAMS: &'static [(&'static str, &'static str)] = &[
        ("token.verify_pin", "pin"),
        ("card.generate", "admin_pin"),
        ("card.change_pin", "old"),
        ("card.change_pin", "new"),
        ("card.set_reset_code", "admin_pin"),
        ("card.set_reset_code", "reset_code"),
        ("card.unblock_pin", "secret"),
        ("card.unblock_pin", "new_pin"),
    ];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestFrame {
    pub id: RequestId,
    #[serde(flatten)]
    pub request: Request,
}

/// A request that could not be decoded: the reply to send, and the id to send
/// it under when the id itself could be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectedRequest {
    pub id: Option<RequestId>,
    pub error: ErrorBody,
}

/// Decodes one request in stages, so that each kind of bad input gets its own
/// error code and, whenever the id is readable, a reply the extension can match.
/// (A single `serde_json::from_str::<RequestFrame>` would fold all of them into
/// one opaque message and lose the id.)
pub fn decode_request(json: &str) -> Result<RequestFrame, RejectedRequest> {
    let reject = |id, code, message: String| RejectedRequest {
        id,
        error: ErrorBody::new(code, message),
    };
    let value: Value = serde_json::from_str(json).map_err(|e| {
        reject(
            None,
            ErrorCode::InvalidJson,
            format!("request is not valid JSON: {e}"),
        )
    })?;
    let Value::Object(mut object) = value else {
        return Err(reject(
            None,
            ErrorCode::InvalidRequest,
            "request must be a JSON object with `id` and `method`".into(),
        ));
    };
    // serde_json keeps the last of two equal keys; a request that says two
    // things (two ids, two methods, two tokens) is refused instead.
    if let Some(dup) = find_duplicate_key(json).unwrap_or(None) {
        // The id is known only when it was not itself the repeated key.
        let id = if dup.depth == 0 && dup.key == "id" {
            None
        } else {
            object
                .get("id")
                .and_then(Value::as_u64)
                .filter(|id| *id <= MAX_REQUEST_ID)
        };
        scrub(&mut Value::Object(object));
        let place = match dup.depth {
            0 => "the request object".to_owned(),
            depth => format!("an object nested {depth} deep"),
        };
        return Err(reject(
            id,
            ErrorCode::InvalidRequest,
            format!(
                "the key `{}` appears twice in {place}: every key may appear once per object, so that a request means one thing",
                excerpt(&dup.key)
            ),
        ));
    }
    let id = match object.get("id") {
        Some(Value::Number(n)) => match n.as_u64() {
            Some(id) if id <= MAX_REQUEST_ID => id,
            _ => {
                return Err(reject(
                    None,
                    ErrorCode::InvalidRequest,
                    format!("`id` must be an integer from 0 to {MAX_REQUEST_ID}, got {n}"),
                ))
            }
        },
        Some(other) => {
            return Err(reject(
                None,
                ErrorCode::InvalidRequest,
                format!("`id` must be an integer, got {}", json_kind(other)),
            ))
        }
        None => {
            return Err(reject(
                None,
                ErrorCode::InvalidRequest,
                "request has no `id`".into(),
            ))
        }
    };
    let method = match object.remove("method") {
        Some(Value::String(m)) => m,
        Some(other) => {
            return Err(reject(
                Some(id),
                ErrorCode::InvalidRequest,
                format!("`method` must be a string, got {}", json_kind(&other)),
            ))
        }
        None => {
            return Err(reject(
                Some(id),
                ErrorCode::InvalidRequest,
                "request has no `method`".into(),
            ))
        }
    };
    if !Request::METHODS.contains(&method.as_str()) {
        return Err(reject(
            Some(id),
            ErrorCode::UnknownMethod,
            format!(
                "unknown method `{}`; this host knows {}",
                excerpt(&method),
                Request::METHODS.join(", ")
            ),
        ));
    }
    let params = match object.remove("params") {
        None | Some(Value::Null) => Value::Object(Map::new()),
        Some(p @ Value::Object(_)) => p,
        Some(other) => {
            return Err(reject(
                Some(id),
                ErrorCode::InvalidParams,
                format!(
                    "`params` of `{method}` must be an object, got {}",
                    json_kind(&other)
                ),
            ))
        }
    };
    for (m, field) in Request::SECRET_PARAMS {
        if *m == method {
            if let Some(v) = params.get(*field).filter(|v| !v.is_string()) {
                let kind = json_kind(v);
                let mut params = params;
                scrub(&mut params);
                return Err(reject(
                    Some(id),
                    ErrorCode::InvalidParams,
                    format!("bad `params` for `{method}`: `{field}` must be a string, got {kind}"),
                ));
            }
        }
    }
    let mut tagged = serde_json::json!({ "method": method, "params": params });
    // Deserialize from a reference so the tree (which may hold a PIN) can be
    // wiped afterwards instead of dropped as is.
    let request = Request::deserialize(&tagged).map_err(|e| {
        reject(
            Some(id),
            ErrorCode::InvalidParams,
            format!("bad `params` for `{method}`: {}", without_input(&e.to_string())),
        )
    });
    scrub(&mut tagged);
    scrub(&mut Value::Object(object));
    Ok(RequestFrame {
        id,
        request: request?,
    })
}

/// A serde error message without the request data it may quote. serde names
/// the offending value (`invalid type: string "…"`, `unknown variant `…``,
/// `unknown field `…``); that value is the sender's, possibly a secret, and
/// possibly megabytes long, so it is replaced by its kind. What serde expected
/// (names from our own types) is kept: that is what the sender must fix.
fn without_input(message: &str) -> String {
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            let (kind, tail) = split_unexpected(rest);
            return format!("{prefix}{kind}{tail}");
        }
    }
    for (prefix, kind) in [
        ("unknown variant `", "unknown value"),
        ("unknown field `", "unknown field"),
    ] {
        if let Some(rest) = message.strip_prefix(prefix) {
            // The quoted name is the sender's and raw (a backtick inside is not
            // escaped); what follows it is serde's, from our own types.
            let tail = ["`, expected ", "`, there are no "]
                .iter()
                .filter_map(|end| rest.rfind(end).map(|at| &rest[at + 1..]))
                .next()
                .unwrap_or("");
            return format!("{kind}{tail}");
        }
    }
    message.to_owned()
}

/// Splits serde's description of an unexpected value (`string "…"`, `integer
/// `5``, `map`…) from the `, expected …` after it, and names only its kind.
fn split_unexpected(rest: &str) -> (&'static str, &str) {
    if let Some(quoted) = rest.strip_prefix("string \"") {
        // serde writes the string with `{:?}`: inner quotes are escaped, so the
        // first unescaped quote ends it.
        let mut escaped = false;
        for (at, c) in quoted.char_indices() {
            match c {
                '\\' if !escaped => escaped = true,
                '"' if !escaped => return ("a string", &quoted[at + 1..]),
                _ => escaped = false,
            }
        }
        return ("a string", "");
    }
    let (value, tail) = rest.split_at(rest.find(", expected ").unwrap_or(rest.len()));
    let kind = match value.split(' ').next().unwrap_or("") {
        "integer" => "an integer",
        "floating" => "a number",
        "boolean" => "a boolean",
        "character" => "a character",
        "null" | "unit" => "null",
        "map" => "an object",
        "sequence" => "an array",
        _ => "a value",
    };
    (kind, tail)
}

/// Overwrites every string in a JSON tree before it is freed.
fn scrub(value: &mut Value) {
    use zeroize::Zeroize;
    match value {
        Value::String(s) => s.zeroize(),
        Value::Array(items) => items.iter_mut().for_each(scrub),
        Value::Object(map) => map.values_mut().for_each(scrub),
        _ => {}
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Result(ResultBody),
    Error(ErrorBody),
}

/// A reply. `id` is `null` only when the request's id could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResponseFrame {
    pub id: Option<RequestId>,
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// A reply as it arrives, before its result is read as the method's type.
#[derive(Deserialize)]
struct RawResponse {
    id: Option<RequestId>,
    #[serde(default)]
    result: Option<Value>,
    #[serde(default)]
    error: Option<ErrorBody>,
}

impl ResponseFrame {
    pub fn result(id: RequestId, body: ResultBody) -> Self {
        Self {
            id: Some(id),
            outcome: Outcome::Result(body),
        }
    }

    pub fn error(id: Option<RequestId>, error: ErrorBody) -> Self {
        Self {
            id,
            outcome: Outcome::Error(error),
        }
    }

    /// Reads a reply to a request of `method`: a `result` must have that
    /// method's shape (not just any result shape). `method` is `None` when no
    /// request is known for the reply's id; only an error can be read then.
    pub fn decode(json: &str, method: Option<&str>) -> Result<Self, String> {
        let raw: RawResponse = serde_json::from_str(json).map_err(|e| e.to_string())?;
        let outcome = match (raw.result, raw.error) {
            (Some(_), Some(_)) => return Err("a reply has both `result` and `error`".into()),
            (None, None) => return Err("a reply has neither `result` nor `error`".into()),
            (None, Some(error)) => Outcome::Error(error),
            (Some(result), None) => match method {
                Some(method) => Outcome::Result(ResultBody::decode(method, result)?),
                None => return Err("a result for no request in flight cannot be checked".into()),
            },
        };
        Ok(Self { id: raw.id, outcome })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(json: &str) -> (Option<RequestId>, ErrorCode) {
        let r = decode_request(json).expect_err("request should be rejected");
        (r.id, r.error.code)
    }

    #[test]
    fn decodes_hello_with_and_without_params() {
        let f = decode_request(r#"{"id":1,"method":"hello"}"#).expect("valid");
        assert_eq!(
            f,
            RequestFrame {
                id: 1,
                request: Request::Hello(HelloParams::default())
            }
        );
        let f = decode_request(r#"{"id":2,"method":"hello","params":{"client_version":"0.1.0"}}"#)
            .expect("valid");
        match f.request {
            Request::Hello(p) => assert_eq!(p.client_version.as_deref(), Some("0.1.0")),
            other => panic!("decoded as {other:?}"),
        }
    }

    #[test]
    fn each_kind_of_bad_request_has_its_own_code() {
        assert_eq!(code_of("{"), (None, ErrorCode::InvalidJson));
        assert_eq!(code_of("[1,2]"), (None, ErrorCode::InvalidRequest));
        assert_eq!(
            code_of(r#"{"method":"hello"}"#),
            (None, ErrorCode::InvalidRequest)
        );
        assert_eq!(
            code_of(r#"{"id":"7","method":"hello"}"#),
            (None, ErrorCode::InvalidRequest)
        );
        assert_eq!(
            code_of(r#"{"id":-1,"method":"hello"}"#),
            (None, ErrorCode::InvalidRequest)
        );
        assert_eq!(
            code_of(r#"{"id":1.5,"method":"hello"}"#),
            (None, ErrorCode::InvalidRequest)
        );
        assert_eq!(
            code_of(r#"{"id":9007199254740992,"method":"hello"}"#),
            (None, ErrorCode::InvalidRequest)
        );
        assert_eq!(code_of(r#"{"id":3}"#), (Some(3), ErrorCode::InvalidRequest));
        assert_eq!(
            code_of(r#"{"id":3,"method":7}"#),
            (Some(3), ErrorCode::InvalidRequest)
        );
        assert_eq!(
            code_of(r#"{"id":4,"method":"token.erase"}"#),
            (Some(4), ErrorCode::UnknownMethod)
        );
        assert_eq!(
            code_of(r#"{"id":5,"method":"hello","params":[1]}"#),
            (Some(5), ErrorCode::InvalidParams)
        );
        assert_eq!(
            code_of(r#"{"id":6,"method":"hello","params":{"protocol_version":"one"}}"#),
            (Some(6), ErrorCode::InvalidParams)
        );
    }

    #[test]
    fn a_mistyped_pin_is_not_quoted_in_the_error() {
        let r = decode_request(
            r#"{"id":7,"method":"token.verify_pin","params":{"token":"card:X","pin":987654}}"#,
        )
        .expect_err("mistyped");
        assert_eq!(r.error.code, ErrorCode::InvalidParams);
        assert!(!r.error.message.contains("987654"), "{}", r.error.message);
        let f = decode_request(
            r#"{"id":8,"method":"token.verify_pin","params":{"token":"card:X","pin":"987654"}}"#,
        )
        .expect("valid");
        assert!(!format!("{f:?}").contains("987654"));
        match f.request {
            Request::VerifyPin(p) => {
                assert_eq!(p.pin.expose(), "987654");
                assert_eq!(p.purpose, crate::pin::PinPurpose::Decrypt);
            }
            other => panic!("decoded as {other:?}"),
        }
    }

    #[test]
    fn duplicate_keys_are_refused_with_the_id_only_when_it_is_unambiguous() {
        // The finding of issue 17: last-wins would run token.list as id 12.
        let r = decode_request(r#"{"id":11,"id":12,"method":"hello","method":"token.list"}"#)
            .expect_err("two ids");
        assert_eq!((r.id, r.error.code), (None, ErrorCode::InvalidRequest));
        assert!(
            r.error.message.contains("`id` appears twice"),
            "{}",
            r.error.message
        );
        let r =
            decode_request(r#"{"id":11,"method":"hello","method":"token.list"}"#).expect_err("two methods");
        assert_eq!((r.id, r.error.code), (Some(11), ErrorCode::InvalidRequest));
        let r = decode_request(
            r#"{"id":12,"method":"store.read","params":{"store":"default","path":"a","path":"b"}}"#,
        )
        .expect_err("two paths");
        assert_eq!((r.id, r.error.code), (Some(12), ErrorCode::InvalidRequest));
        assert!(r.error.message.contains("nested 1 deep"), "{}", r.error.message);
        // Escaped spellings of one key are the same key.
        let r = decode_request(r#"{"id":13,"method":"hello","params":{"client":"a","\u0063lient":"b"}}"#)
            .expect_err("escaped duplicate");
        assert_eq!((r.id, r.error.code), (Some(13), ErrorCode::InvalidRequest));
        // Deeper than any params type reads, and inside arrays, too.
        let r = decode_request(r#"{"id":14,"method":"hello","params":{"x":[{"k":1,"k":2}]}}"#)
            .expect_err("deep duplicate");
        assert_eq!(r.id, Some(14));
        // A duplicate `id` with a bad duplicate is still refused without an id.
        let r = decode_request(r#"{"id":"x","id":15,"method":"hello"}"#).expect_err("two ids");
        assert_eq!(r.id, None);
        // A long key is quoted capped.
        let key = "k".repeat(10_000);
        let r = decode_request(&format!(r#"{{"id":16,"method":"hello","{key}":1,"{key}":2}}"#))
            .expect_err("long duplicate");
        assert!(r.error.message.len() < 400, "{}", r.error.message.len());
        // The same keys in different objects are fine.
        decode_request(r#"{"id":17,"method":"hello","params":{"client":"a"}}"#).expect("valid");
    }

    #[test]
    fn decode_errors_do_not_quote_the_request() {
        let secret = "s3cr3t-\"quoted\"-`tick`, expected nothing";
        for (json, expected_kept) in [
            (
                format!(
                    r#"{{"id":1,"method":"hello","params":{{"protocol_version":"{}"}}}}"#,
                    secret.replace('"', "\\\"")
                ),
                "invalid type: a string, expected u32",
            ),
            (
                format!(
                    r#"{{"id":2,"method":"token.sign","params":{{"token":"t","hash_algorithm":"{}","digest":"AA=="}}}}"#,
                    secret.replace('"', "\\\"")
                ),
                "unknown value, expected one of",
            ),
            (
                format!(r#"{{"id":3,"method":"{}"}}"#, "m".repeat(5000)),
                "unknown method",
            ),
        ] {
            let r = decode_request(&json).expect_err("refused");
            assert!(!r.error.message.contains("s3cr3t"), "{}", r.error.message);
            assert!(!r.error.message.contains(&"m".repeat(100)), "{}", r.error.message);
            assert!(r.error.message.contains(expected_kept), "{}", r.error.message);
        }
        let r = decode_request(r#"{"id":4,"method":"hello","params":{"protocol_version":123456789012}}"#)
            .expect_err("out of range");
        assert!(!r.error.message.contains("123456789012"), "{}", r.error.message);
    }

    #[test]
    fn mistyped_field_message_names_the_field() {
        let r = decode_request(r#"{"id":6,"method":"hello","params":{"protocol_version":"one"}}"#)
            .expect_err("mistyped");
        assert!(r.error.message.contains("hello"), "{}", r.error.message);
        assert!(r.error.message.contains("invalid type"), "{}", r.error.message);
    }

    #[test]
    fn replies_serialize_with_result_or_error_member() {
        let err = ResponseFrame::error(Some(9), ErrorBody::new(ErrorCode::UnknownMethod, "nope"));
        let json = serde_json::to_value(&err).expect("serializable");
        assert_eq!(
            json,
            serde_json::json!({"id":9,"error":{"code":"unknown_method","message":"nope"}})
        );
        let back = ResponseFrame::decode(&json.to_string(), None).expect("round trip");
        assert_eq!(back, err);
    }

    #[test]
    fn a_result_is_read_as_the_type_of_the_method_asked() {
        let recipients = r#"{"id":3,"result":{"recipients":["AB"],"recipients_file":".gpg-id"}}"#;
        let f = ResponseFrame::decode(recipients, Some("store.recipients")).expect("its own shape");
        assert_eq!(f.id, Some(3));
        assert!(matches!(
            f.outcome,
            Outcome::Result(ResultBody::StoreRecipients(_))
        ));
        // The same object is not a store.read result, nor a token.list one.
        assert!(ResponseFrame::decode(recipients, Some("store.read")).is_err());
        assert!(ResponseFrame::decode(recipients, Some("token.list")).is_err());
        // Without a method only an error can be read.
        assert!(ResponseFrame::decode(recipients, None).is_err());
        assert!(ResponseFrame::decode(
            r#"{"id":3,"result":{},"error":{"code":"internal","message":"m"}}"#,
            None
        )
        .is_err());
        assert!(ResponseFrame::decode(r#"{"id":3}"#, None).is_err());
        for m in Request::METHODS {
            assert!(ResultBody::decode(m, Value::Null).is_err());
        }
        assert!(ResultBody::decode("token.erase", serde_json::json!({})).is_err());
    }

    #[test]
    fn request_frame_serializes_to_the_documented_shape() {
        let f = RequestFrame {
            id: 1,
            request: Request::TokenList(TokenListParams::default()),
        };
        let json = serde_json::to_value(&f).expect("serializable");
        assert_eq!(
            json,
            serde_json::json!({"id":1,"method":"token.list","params":{}})
        );
    }
}
