//! Native-messaging frames: a 4-byte native-endian length, then UTF-8 JSON.
//!
//! Decoding uses the `native_messaging` crate's bounded reader. What this module
//! adds is recovery: an oversized or non-UTF-8 frame is consumed whole, so the
//! stream stays in step and the host can answer with an error and go on.

use std::io::{self, Read};

use native_messaging::host::{decode_message_opt, NmError};
use tessera_protocol::{ErrorBody, ErrorCode, ResponseFrame, MAX_RESPONSE_BYTES};

/// What one read from the browser produced.
#[derive(Debug)]
pub enum Incoming {
    /// A complete frame of UTF-8 text.
    Message(String),
    /// A frame that cannot be handled; answer with this error. When `skip` is
    /// non-zero its payload is still unread: answer first, then call
    /// [`skip_payload`], so the browser hears the refusal even if the rest
    /// never arrives.
    Rejected { error: ErrorBody, skip: u64 },
    /// The browser closed the stream between frames: a normal shutdown.
    Closed,
    /// The stream ended inside a frame, or failed: nothing more can be read.
    Broken(String),
}

pub fn read_frame<R: Read>(reader: &mut R, max_request_bytes: usize) -> Incoming {
    match decode_message_opt(reader, max_request_bytes) {
        Ok(Some(text)) => Incoming::Message(text),
        Ok(None) => Incoming::Closed,
        Err(NmError::IncomingTooLarge { len, max }) => Incoming::Rejected {
            error: ErrorBody::new(
                ErrorCode::RequestTooLarge,
                format!("request of {len} bytes is over the host's limit of {max} bytes (TESSERA_MAX_REQUEST_BYTES)"),
            ),
            skip: len as u64,
        },
        Err(NmError::IncomingNotUtf8(e)) => Incoming::Rejected {
            error: ErrorBody::new(
                ErrorCode::InvalidUtf8,
                format!("request is not valid UTF-8: {}", e.utf8_error()),
            ),
            skip: 0,
        },
        Err(NmError::Io(e)) if e.kind() == io::ErrorKind::UnexpectedEof => {
            Incoming::Broken("stream ended in the middle of a frame".into())
        }
        Err(e) => Incoming::Broken(e.to_string()),
    }
}

/// Reads and drops the payload of a refused frame, so the next frame starts
/// where the browser thinks it does. `Err` when the stream ends or fails first.
pub fn skip_payload<R: Read>(reader: &mut R, len: u64) -> Result<(), String> {
    match io::copy(&mut reader.take(len), &mut io::sink()) {
        Ok(n) if n == len => Ok(()),
        Ok(n) => Err(format!(
            "stream ended {n} bytes into an oversized frame of {len} bytes"
        )),
        Err(e) => Err(format!("read failed while skipping an oversized frame: {e}")),
    }
}

/// Encodes a reply. A reply over the browser's 1 MiB limit is replaced by a
/// `response_too_large` error under the same id, so the caller is never left waiting.
pub fn encode_reply(reply: &ResponseFrame, method: Option<&str>) -> Vec<u8> {
    match native_messaging::encode_message(reply) {
        Ok(frame) => frame,
        Err(NmError::OutgoingTooLarge { len, max }) => {
            let what = method
                .map(|m| format!("the reply to `{m}`"))
                .unwrap_or_else(|| "the reply".into());
            let fallback = ResponseFrame::error(
                reply.id,
                ErrorBody::new(
                    ErrorCode::ResponseTooLarge,
                    format!("{what} is {len} bytes, over the browser's limit of {max}"),
                ),
            );
            encode_small(&fallback)
        }
        Err(e) => encode_small(&ResponseFrame::error(
            reply.id,
            ErrorBody::new(ErrorCode::Internal, format!("cannot encode the reply: {e}")),
        )),
    }
}

/// Encodes a reply known to be small (an error body we wrote ourselves).
fn encode_small(reply: &ResponseFrame) -> Vec<u8> {
    // Serializing our own error structs cannot fail; the fallback keeps even
    // that impossible case a valid frame rather than a panic.
    let json = serde_json::to_vec(reply).unwrap_or_else(|_| {
        br#"{"id":null,"error":{"code":"internal","message":"cannot encode reply"}}"#.to_vec()
    });
    debug_assert!(json.len() <= MAX_RESPONSE_BYTES);
    let mut out = Vec::with_capacity(4 + json.len());
    out.extend_from_slice(&(json.len() as u32).to_ne_bytes());
    out.extend_from_slice(&json);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(payload: &[u8]) -> Vec<u8> {
        let mut v = (payload.len() as u32).to_ne_bytes().to_vec();
        v.extend_from_slice(payload);
        v
    }

    #[test]
    fn oversized_frame_is_skipped_and_the_next_one_read() {
        let mut input = frame(&[b'x'; 2000]);
        input.extend(frame(br#"{"id":1}"#));
        let mut r = &input[..];
        match read_frame(&mut r, 1024) {
            Incoming::Rejected { error, skip } => {
                assert_eq!(error.code, ErrorCode::RequestTooLarge);
                assert_eq!(skip, 2000);
                skip_payload(&mut r, skip).expect("payload present");
            }
            other => panic!("expected a rejection, got {other:?}"),
        }
        match read_frame(&mut r, 1024) {
            Incoming::Message(m) => assert_eq!(m, r#"{"id":1}"#),
            other => panic!("expected the next frame, got {other:?}"),
        }
        assert!(matches!(read_frame(&mut r, 1024), Incoming::Closed));
    }

    #[test]
    fn skipping_past_the_end_is_an_error() {
        let mut r: &[u8] = b"abc";
        assert!(skip_payload(&mut r, 10).is_err());
    }

    #[test]
    fn truncated_frames_are_broken_not_closed() {
        let full = frame(br#"{"id":1}"#);
        for cut in [1, 3, 4, 6] {
            let mut r = &full[..cut];
            assert!(
                matches!(read_frame(&mut r, 1024), Incoming::Broken(_)),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn non_utf8_is_rejected_and_stream_stays_in_step() {
        let mut input = frame(&[0xff, 0xfe]);
        input.extend(frame(b"{}"));
        let mut r = &input[..];
        assert!(matches!(
            read_frame(&mut r, 1024),
            Incoming::Rejected {
                error: ErrorBody {
                    code: ErrorCode::InvalidUtf8,
                    ..
                },
                skip: 0
            }
        ));
        assert!(matches!(read_frame(&mut r, 1024), Incoming::Message(_)));
    }

    #[test]
    fn too_large_reply_becomes_an_error_under_the_same_id() {
        use tessera_protocol::token::TokenListResult;
        use tessera_protocol::ResultBody;
        let problems = (0..20_000)
            .map(|i| tessera_protocol::token::BackendProblem {
                backend: tessera_protocol::token::Backend::Card,
                code: ErrorCode::CardError,
                message: format!("problem number {i} with a fairly long explanation attached"),
            })
            .collect();
        let reply = ResponseFrame::result(
            42,
            ResultBody::TokenList(TokenListResult {
                tokens: vec![],
                problems,
            }),
        );
        let bytes = encode_reply(&reply, Some("token.list"));
        let json = std::str::from_utf8(&bytes[4..]).expect("UTF-8");
        let decoded = ResponseFrame::decode(json, Some("token.list")).expect("a valid reply");
        assert_eq!(decoded.id, Some(42));
        match decoded.outcome {
            tessera_protocol::Outcome::Error(e) => {
                assert_eq!(e.code, ErrorCode::ResponseTooLarge);
                assert!(e.message.contains("token.list"));
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }
}
