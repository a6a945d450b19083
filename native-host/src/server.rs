//! The host's main loop: frames in, concurrent request handlers, frames out.
//!
//! Reading and writing use one OS thread each: native messaging's stdin and
//! stdout are long-lived blocking pipes, and keeping them off tokio's pool keeps
//! a slow browser from starving the handlers. Handlers run as tokio tasks, so a
//! slow card operation never holds up a `hello`.

use std::io::{Read, Write};
use std::sync::Arc;
use std::time::Duration;

use tessera_protocol::{decode_request, ResponseFrame};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use zeroize::Zeroize;

use crate::dispatch::{self, HostContext};
use crate::framing::{encode_reply, read_frame, skip_payload, Incoming};

/// How long in-flight requests may still finish after the browser closed stdin.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

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
            let item = read_frame(&mut input, max_request);
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
                    let _ = in_tx.blocking_send(Incoming::Broken(why));
                    break;
                }
            }
        }
    });

    let (out_tx, mut out_rx) = mpsc::unbounded_channel::<Vec<u8>>();
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
        tasks.abort_all();
    }
    watcher.abort();
    ctx.tokens.pins().clear();
    drop(out_tx);
    let _ = writer.join();
    let _ = reader.join();
    ended
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
