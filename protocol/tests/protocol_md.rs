//! Keeps PROTOCOL.md honest: every request example must decode, every response
//! example must parse as a `ResponseFrame`, and every error code and method must
//! be documented.

use tessera_protocol::{decode_request, ErrorCode, Outcome, Request, ResponseFrame};

fn blocks(kind: &str) -> Vec<String> {
    let doc = include_str!("../../PROTOCOL.md");
    let fence = format!("```json {kind}");
    let mut out = Vec::new();
    let mut rest = doc;
    while let Some(start) = rest.find(&fence) {
        let body = &rest[start + fence.len()..];
        let end = body.find("```").expect("unterminated code block in PROTOCOL.md");
        out.push(body[..end].trim().to_owned());
        rest = &body[end + 3..];
    }
    out
}

#[test]
fn every_request_example_decodes() {
    let requests = blocks("request");
    assert!(requests.len() >= 2, "PROTOCOL.md lost its request examples");
    for r in requests {
        decode_request(&r).unwrap_or_else(|e| panic!("example {r} rejected: {:?}", e.error));
    }
}

/// Response examples with no request example of the same id, and their method.
const RESULTS_WITHOUT_REQUEST: &[(u64, &str)] = &[(3, "token.list")];

#[test]
fn every_response_example_parses_and_all_error_codes_appear() {
    // A result is read as the type of the method its request asked for: the
    // request example with the same id.
    let methods: std::collections::HashMap<u64, &'static str> = blocks("request")
        .iter()
        .map(|r| {
            let f = decode_request(r).unwrap_or_else(|e| panic!("example {r} rejected: {:?}", e.error));
            (f.id, f.request.method())
        })
        .collect();
    let responses = blocks("response");
    let mut codes = Vec::new();
    for r in &responses {
        let id: serde_json::Value =
            serde_json::from_str(r).unwrap_or_else(|e| panic!("example {r} is not JSON: {e}"));
        let method = id["id"].as_u64().and_then(|id| {
            methods.get(&id).copied().or_else(|| {
                RESULTS_WITHOUT_REQUEST
                    .iter()
                    .find(|(i, _)| *i == id)
                    .map(|(_, m)| *m)
            })
        });
        let frame = ResponseFrame::decode(r, method)
            .unwrap_or_else(|e| panic!("example {r} does not parse as a reply to {method:?}: {e}"));
        if let Outcome::Error(e) = frame.outcome {
            codes.push(e.code);
        }
    }
    let all = [
        ErrorCode::RequestTooLarge,
        ErrorCode::InvalidUtf8,
        ErrorCode::InvalidJson,
        ErrorCode::InvalidRequest,
        ErrorCode::UnknownMethod,
        ErrorCode::InvalidParams,
        ErrorCode::ResponseTooLarge,
        ErrorCode::TokenNotFound,
        ErrorCode::PcscUnavailable,
        ErrorCode::CardError,
        ErrorCode::CardRemoved,
        ErrorCode::SoftTokenError,
        ErrorCode::PinIncorrect,
        ErrorCode::PinBlocked,
        ErrorCode::PinRequired,
        ErrorCode::WrongKey,
        ErrorCode::UnsupportedAlgorithm,
        ErrorCode::StoreNotFound,
        ErrorCode::EntryNotFound,
        ErrorCode::StoreConflict,
        ErrorCode::EntryTooLarge,
        ErrorCode::StoreIo,
        ErrorCode::HostBusy,
        ErrorCode::Internal,
    ];
    for code in all {
        assert!(
            codes.contains(&code),
            "PROTOCOL.md has no JSON example of error {code:?}"
        );
    }
}

#[test]
fn every_method_is_documented() {
    let doc = include_str!("../../PROTOCOL.md");
    for m in Request::METHODS {
        assert!(
            doc.contains(&format!("### `{m}`")),
            "PROTOCOL.md has no section for `{m}`"
        );
    }
}
