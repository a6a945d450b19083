//! The extension's side of the host protocol. The service worker builds every
//! request and reads every reply through these functions, so the extension
//! speaks exactly the Rust definition in `tessera-protocol`, never a
//! hand-copied TypeScript version of it.

use tessera_protocol::{ErrorBody, ErrorCode, Outcome, RequestFrame, RequestId, ResponseFrame};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ProtocolError {
    #[error("request rejected before sending ({code:?}): {message}")]
    BadRequest { code: ErrorCode, message: String },
    #[error("the host sent a reply that does not follow the protocol: {0}")]
    BadReply(String),
}

/// Builds the JSON of a request, checking `params` against the method's type.
pub fn encode_request(id: RequestId, method: &str, params_json: &str) -> Result<String, ProtocolError> {
    let params: serde_json::Value =
        serde_json::from_str(params_json).map_err(|e| ProtocolError::BadRequest {
            code: ErrorCode::InvalidJson,
            message: format!("params are not valid JSON: {e}"),
        })?;
    let candidate = serde_json::json!({ "id": id, "method": method, "params": params }).to_string();
    // The same decoder the host runs: a request it would reject never leaves.
    let frame: RequestFrame =
        tessera_protocol::decode_request(&candidate).map_err(|r| ProtocolError::BadRequest {
            code: r.error.code,
            message: r.error.message,
        })?;
    serde_json::to_string(&frame).map_err(|e| ProtocolError::BadRequest {
        code: ErrorCode::Internal,
        message: e.to_string(),
    })
}

/// A reply checked against the protocol: either a typed result or the host's error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedReply {
    pub id: Option<RequestId>,
    pub outcome: Result<serde_json::Value, ErrorBody>,
}

/// Checks a reply to a request of `method` (the extension remembers which
/// method each id asked for): a result must have that method's shape. With no
/// method (an id that is not in flight, or `null`) only an error reply is read.
pub fn decode_reply(json: &str, method: Option<&str>) -> Result<DecodedReply, ProtocolError> {
    let frame = ResponseFrame::decode(json, method).map_err(ProtocolError::BadReply)?;
    let outcome = match frame.outcome {
        Outcome::Result(body) => {
            Ok(serde_json::to_value(body).map_err(|e| ProtocolError::BadReply(e.to_string()))?)
        }
        Outcome::Error(err) => Err(err),
    };
    Ok(DecodedReply {
        id: frame.id,
        outcome,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_a_valid_request_in_the_documented_shape() {
        let json = encode_request(7, "token.list", "{}").expect("valid");
        assert_eq!(json, r#"{"id":7,"method":"token.list","params":{}}"#);
    }

    #[test]
    fn refuses_to_send_what_the_host_would_reject() {
        let err = encode_request(1, "token.erase", "{}").expect_err("unknown method");
        assert!(matches!(
            err,
            ProtocolError::BadRequest {
                code: ErrorCode::UnknownMethod,
                ..
            }
        ));
        let err = encode_request(1, "hello", r#"{"protocol_version":"x"}"#).expect_err("mistyped");
        assert!(matches!(
            err,
            ProtocolError::BadRequest {
                code: ErrorCode::InvalidParams,
                ..
            }
        ));
        let err = encode_request(1, "hello", "{").expect_err("not json");
        assert!(matches!(
            err,
            ProtocolError::BadRequest {
                code: ErrorCode::InvalidJson,
                ..
            }
        ));
    }

    #[test]
    fn decodes_results_and_errors_and_rejects_garbage() {
        let hello = r#"{"id":1,"result":{"host":"tessera-host","host_version":"0.1.0","protocol_version":1,
               "capabilities":["hello"],"max_request_bytes":10,"max_response_bytes":20}}"#;
        let ok = decode_reply(hello, Some("hello")).expect("valid reply");
        assert_eq!(ok.id, Some(1));
        assert_eq!(ok.outcome.expect("a result")["host"], "tessera-host");
        // A hello result is not what token.list answers, and without a method
        // a result cannot be checked at all.
        assert!(decode_reply(hello, Some("token.list")).is_err());
        assert!(decode_reply(hello, None).is_err());
        let err = decode_reply(
            r#"{"id":null,"error":{"code":"invalid_json","message":"m"}}"#,
            None,
        )
        .expect("valid");
        assert_eq!(err.outcome.expect_err("an error").code, ErrorCode::InvalidJson);
        assert!(decode_reply(r#"{"id":1,"result":{"unexpected":true}}"#, Some("hello")).is_err());
        assert!(decode_reply("not json", None).is_err());
    }
}
