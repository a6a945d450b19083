//! The host's main loop: frames in, concurrent request handlers, frames out.
//!
//! Frames are `tessera_protocol::framing`'s; what is the host's own is the
//! answer to a frame it cannot take (an error reply, then on to the next frame)
//! and to a reply too large for the browser (`response_too_large` instead).
//!
//! Reading and writing use one OS thread each: native messaging's stdin and
//! stdout are long-lived blocking pipes, and keeping them off tokio's pool keeps
//! a slow browser from starving the handlers. Handlers run as tokio tasks, so a
//! slow card operation never holds up a `hello`.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use tessera_protocol::framing::{encode_frame, read_frame, skip_payload, ReadError};
use tessera_protocol::{decode_request, ErrorBody, ErrorCode, ResponseFrame, MAX_RESPONSE_BYTES};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use zeroize::Zeroize;

use crate::dispatch::{self, HostContext};

/// How long in-flight requests may still finish after the browser closed stdin.
/// Short: the browser is gone and nobody reads the replies, and the host must
/// be gone within 2 s (PROTOCOL.md, "Concurrency"), whatever still runs.
const DRAIN_TIMEOUT: Duration = Duration::from_millis(1000);

/// After the drain: time for abandoned handlers to unwind and the writer to
/// finish, and then for the runtime to shut down (`commands::serve`). Work
/// stuck in a blocking thread is not waited for: it ends with the process.
pub const SHUTDOWN_GRACE: Duration = Duration::from_millis(150);

/// How often cached PINs are checked for expiry and for their card's presence.
const PIN_WATCH_INTERVAL: Duration = Duration::from_millis(500);

/// Why the loop stopped.
#[derive(Debug, PartialEq, Eq)]
pub enum Ended {
    /// stdin closed between frames.
    Closed,
    /// stdin ended inside a frame or failed.
    Broken(String),
}

pub async fn serve<R, W>(ctx: Arc<HostContext>, input: R, output: W) -> Ended
where
    R: Read + Send + 'static,
    W: Write + Send + 'static,
{
    let max_request = ctx.config.max_request_bytes;
    let (in_tx, mut in_rx) = mpsc::channel::<Incoming>(64);
    let reader = std::thread::spawn(move || {
        let mut input = input;
        loop {
            let item = read_incoming(&mut input, max_request);
            let last = matches!(item, Incoming::Closed | Incoming::Broken(_));
            let skip = match &item {
                Incoming::Rejected { skip, .. } => *skip,
                _ => 0,
            };
            if in_tx.blocking_send(item).is_err() || last {
                break;
            }
            if skip > 0 {
                if let Err(why) = skip_payload(&mut input, skip) {
                    let _ = in_tx.blocking_send(Incoming::Broken(why.to_string()));
                    break;
                }
            }
        }
    });

    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Vec<u8>>();
    let (writer_done_tx, writer_done) = std::sync::mpsc::channel::<()>();
    let writer = std::thread::spawn(move || {
        let mut output = output;
        while let Some(mut frame) = out_rx.blocking_recv() {
            let written = output.write_all(&frame).and_then(|()| output.flush());
            // A reply may carry a session key: wipe it once it is on its way.
            frame.zeroize();
            if written.is_err() {
                // The browser went away; the reader will see stdin close too.
                break;
            }
        }
        let _ = writer_done_tx.send(());
    });

    let watcher = tokio::spawn(watch_pins(Arc::clone(&ctx)));
    let mut tasks = JoinSet::new();
    let ended = loop {
        let Some(item) = in_rx.recv().await else {
            break Ended::Closed;
        };
        match item {
            Incoming::Message(mut text) => {
                let decoded = decode_request(&text);
                // The frame may hold a PIN: wipe it now that it is decoded.
                text.zeroize();
                match decoded {
                    Ok(frame) => {
                        let ctx = Arc::clone(&ctx);
                        let out = out_tx.clone();
                        tasks.spawn(async move {
                            let method = frame.request.method();
                            let reply = dispatch::handle(&ctx, frame.id, frame.request).await;
                            // A send error means the writer is gone: nobody to answer.
                            let _ = out.send(encode_reply(&reply, Some(method)));
                        });
                    }
                    Err(rejected) => {
                        let _ = out_tx.send(encode_reply(
                            &ResponseFrame::error(rejected.id, rejected.error),
                            None,
                        ));
                    }
                }
            }
            Incoming::Rejected { error, .. } => {
                let _ = out_tx.send(encode_reply(&ResponseFrame::error(None, error), None));
            }
            Incoming::Closed => break Ended::Closed,
            Incoming::Broken(why) => break Ended::Broken(why),
        }
        // Reap finished handlers so the set does not grow with the session.
        while tasks.try_join_next().is_some() {}
    };

    let drained = tokio::time::timeout(DRAIN_TIMEOUT, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        eprintln!(
            "tessera-host: {} request(s) still running at shutdown were abandoned",
            tasks.len()
        );
        // Cancels the handlers at their next await; a blocking thread under one
        // keeps running until the process ends, but no longer holds a reply
        // sender, so the writer can finish.
        tasks.abort_all();
        let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
            while tasks.join_next().await.is_some() {}
        })
        .await;
    }
    watcher.abort();
    ctx.tokens.pins().clear();
    drop(out_tx);
    drop(tasks);
    // Bounded: a browser that closed stdin may have stopped reading stdout too,
    // and a writer blocked on a full pipe must not keep the host alive.
    if writer_done.recv_timeout(SHUTDOWN_GRACE).is_ok() {
        let _ = writer.join();
    }
    if reader.is_finished() {
        let _ = reader.join();
    }
    ended
}

/// What one read from the browser produced.
#[derive(Debug)]
enum Incoming {
    /// A complete frame of UTF-8 text.
    Message(String),
    /// A frame that cannot be handled; answer with this error. When `skip` is
    /// non-zero its payload is still unread: answer first, then skip it, so the
    /// browser hears the refusal even if the rest never arrives.
    Rejected { error: ErrorBody, skip: u32 },
    /// The browser closed the stream between frames: a normal shutdown.
    Closed,
    /// The stream ended inside a frame, or failed: nothing more can be read.
    Broken(String),
}

fn read_incoming<R: Read>(reader: &mut R, max_request_bytes: usize) -> Incoming {
    match read_frame(reader, max_request_bytes) {
        Ok(Some(text)) => Incoming::Message(text),
        Ok(None) => Incoming::Closed,
        Err(ReadError::TooLarge { len, max }) => Incoming::Rejected {
            error: ErrorBody::new(
                ErrorCode::RequestTooLarge,
                format!("request of {len} bytes is over the host's limit of {max} bytes (TESSERA_MAX_REQUEST_BYTES)"),
            ),
            skip: len,
        },
        Err(ReadError::NotUtf8(e)) => Incoming::Rejected {
            error: ErrorBody::new(ErrorCode::InvalidUtf8, format!("request is not valid UTF-8: {e}")),
            skip: 0,
        },
        Err(broken @ (ReadError::Truncated | ReadError::Io(_))) => Incoming::Broken(broken.to_string()),
    }
}

/// Encodes a reply. A reply over the browser's 1 MiB limit is replaced by a
/// `response_too_large` error under the same id, so the caller is never left waiting.
fn encode_reply(reply: &ResponseFrame, method: Option<&str>) -> Vec<u8> {
    let mut json = match serde_json::to_vec(reply) {
        Ok(json) => json,
        Err(e) => {
            return encode_small(&ResponseFrame::error(
                reply.id,
                ErrorBody::new(ErrorCode::Internal, format!("cannot encode the reply: {e}")),
            ))
        }
    };
    let framed = encode_frame(&json, MAX_RESPONSE_BYTES);
    // The frame is a copy; this one may hold a session key too.
    json.zeroize();
    match framed {
        Ok(frame) => frame,
        Err(too_large) => {
            let what = method
                .map(|m| format!("the reply to `{m}`"))
                .unwrap_or_else(|| "the reply".into());
            encode_small(&ResponseFrame::error(
                reply.id,
                ErrorBody::new(
                    ErrorCode::ResponseTooLarge,
                    format!(
                        "{what} is {} bytes, over the browser's limit of {}",
                        too_large.len, too_large.max
                    ),
                ),
            ))
        }
    }
}

/// Encodes a reply known to be small (an error body we wrote ourselves).
fn encode_small(reply: &ResponseFrame) -> Vec<u8> {
    const UNENCODABLE: &[u8] = br#"{"id":null,"error":{"code":"internal","message":"cannot encode reply"}}"#;
    // Serializing our own error structs cannot fail, nor be over the limit; the
    // fallbacks keep even those impossible cases a valid frame rather than a panic.
    let json = serde_json::to_vec(reply).unwrap_or_else(|_| UNENCODABLE.to_vec());
    encode_frame(&json, MAX_RESPONSE_BYTES)
        .or_else(|_| encode_frame(UNENCODABLE, MAX_RESPONSE_BYTES))
        .unwrap_or_default()
}

/// Drops cached PINs that expired, and those of cards no longer in their reader.
async fn watch_pins(ctx: Arc<HostContext>) {
    let mut tick = tokio::time::interval(PIN_WATCH_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let tokens = ctx.tokens.clone();
        if let Ok(gone) = tokio::task::spawn_blocking(move || tokens.sweep_pins()).await {
            for token in gone {
                eprintln!("tessera-host: {token} is no longer present; its cached PIN was dropped");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tessera_protocol::token::{Backend, BackendProblem, TokenListResult};
    use tessera_protocol::{Outcome, ResultBody};

    fn frame(payload: &[u8]) -> Vec<u8> {
        encode_frame(payload, usize::MAX).expect("a test payload fits")
    }

    #[test]
    fn an_oversized_request_is_refused_with_its_length_to_skip() {
        let input = frame(&[b'x'; 2000]);
        match read_incoming(&mut &input[..], 1024) {
            Incoming::Rejected { error, skip } => {
                assert_eq!(error.code, ErrorCode::RequestTooLarge);
                assert_eq!(skip, 2000);
            }
            other => panic!("expected a rejection, got {other:?}"),
        }
    }

    #[test]
    fn a_non_utf8_request_is_refused_with_nothing_to_skip() {
        let input = frame(&[0xff, 0xfe]);
        assert!(matches!(
            read_incoming(&mut &input[..], 1024),
            Incoming::Rejected {
                error: ErrorBody {
                    code: ErrorCode::InvalidUtf8,
                    ..
                },
                skip: 0
            }
        ));
    }

    #[test]
    fn a_cut_frame_is_broken_and_an_end_between_frames_closed() {
        let full = frame(br#"{"id":1}"#);
        assert!(matches!(
            read_incoming(&mut &full[..6], 1024),
            Incoming::Broken(_)
        ));
        assert!(matches!(read_incoming(&mut &full[..0], 1024), Incoming::Closed));
    }

    #[test]
    fn too_large_reply_becomes_an_error_under_the_same_id() {
        let problems = (0..20_000)
            .map(|i| BackendProblem {
                backend: Backend::Card,
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
            Outcome::Error(e) => {
                assert_eq!(e.code, ErrorCode::ResponseTooLarge);
                assert!(e.message.contains("token.list"));
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }
}
