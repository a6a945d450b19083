//! Benchmark build only (`--features bench`): compressed data inflated by the
//! browser's `DecompressionStream` ("deflate-raw" for ZIP, "deflate" for
//! ZLIB), as OpenPGP.js does, so that `scripts/bench core` times it against
//! the core's own inflate (rpgp's flate2, zlib-rs compiled to wasm).
//!
//! Not in the extension: measured on gpg's compressed messages it was slower
//! than zlib-rs in wasm: 0.28-0.48 against 0.13-0.22 ms for the core's part
//! of a 4 KiB message (a stream and its promises), 14-20 against 12-18 ms at
//! 1 MiB, a draw within the noise at 16 MiB (docs/benchmarks.md), for 17 KB
//! gzip less module. It stays here,
//! tested by the benchmark's plaintext checks, for when the module has to lose
//! its inflate code for size: `message::read_step` is the interface.
//!
//! Only authenticated data gets here: decryption checked the MDC or every
//! AEAD chunk before ([`super::decrypt::Finishing::authenticate`]). The walk
//! over the packets, its grammar and limits stay in Rust
//! ([`message::read_step`]); this module only turns compressed bytes into
//! inflated ones, refusing more than the cap as it reads (a compression bomb
//! is stopped at the size limit, the stream cancelled) and turning the
//! browser's errors into the core's.
//!
//! The compressed input and the inflated chunks pass through JavaScript
//! `Uint8Array`s, which the garbage collector would free unwiped: each is
//! zeroed once the stream is done with it. (The browser's inflate keeps its
//! own internal buffers, which nothing here can reach; the plaintext goes to
//! JavaScript anyway once released.)

use js_sys::{Promise, Reflect, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use zeroize::Zeroizing;

use crate::openpgp::error::{clean, Result};
use crate::openpgp::packet::message::{self, Contents, Inflate, Step, ZIP};
use crate::openpgp::types::Limits;

#[wasm_bindgen]
extern "C" {
    type DecompressionStream;
    #[wasm_bindgen(constructor, catch)]
    fn new(format: &str) -> std::result::Result<DecompressionStream, JsValue>;
    #[wasm_bindgen(method, getter)]
    fn writable(this: &DecompressionStream) -> WritableStream;
    #[wasm_bindgen(method, getter)]
    fn readable(this: &DecompressionStream) -> ReadableStream;

    type WritableStream;
    #[wasm_bindgen(method, catch, js_name = getWriter)]
    fn get_writer(this: &WritableStream) -> std::result::Result<StreamWriter, JsValue>;

    type StreamWriter;
    #[wasm_bindgen(method)]
    fn write(this: &StreamWriter, chunk: &Uint8Array) -> Promise;
    #[wasm_bindgen(method)]
    fn close(this: &StreamWriter) -> Promise;
    #[wasm_bindgen(method, getter)]
    fn ready(this: &StreamWriter) -> Promise;

    type ReadableStream;
    #[wasm_bindgen(method, catch, js_name = getReader)]
    fn get_reader(this: &ReadableStream) -> std::result::Result<StreamReader, JsValue>;

    type StreamReader;
    #[wasm_bindgen(method)]
    fn read(this: &StreamReader) -> Promise;
    #[wasm_bindgen(method)]
    fn cancel(this: &StreamReader) -> Promise;
}

fn js_text(err: &JsValue) -> String {
    err.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| err.as_string())
        .unwrap_or_else(|| "unknown error".into())
}

/// [`message::read`] with the browser's inflate: walks, inflates what the
/// walk asks for, walks again.
pub async fn read(bytes: &[u8], limits: &Limits, what: &'static str) -> Result<Contents> {
    let mut inflated = Vec::new();
    loop {
        match message::read_step(bytes, limits, what, &inflated)? {
            Step::Done(contents) => return Ok(contents),
            Step::Inflate(request) => inflated.push(inflate(&request, what).await?),
        }
    }
}

/// Inflates `request.body`, at most `request.cap` bytes.
async fn inflate(request: &Inflate, what: &'static str) -> Result<Zeroizing<Vec<u8>>> {
    let corrupt = |e: &JsValue| request.corrupt(what, &clean(js_text(e)));
    let format = if request.algorithm == ZIP {
        "deflate-raw"
    } else {
        "deflate"
    };
    let stream = DecompressionStream::new(format).map_err(|e| corrupt(&e))?;
    let writer = stream.writable().get_writer().map_err(|e| corrupt(&e))?;
    let reader = stream.readable().get_reader().map_err(|e| corrupt(&e))?;
    // Fed by its own task, as the reader below takes the output: each piece
    // goes in only once the output of the one before was read.
    let input = Uint8Array::from(&request.body[..]);
    wasm_bindgen_futures::spawn_local(feed(writer, input.clone()));

    // The chunks stay in JavaScript until the end, then are copied once into
    // a buffer of the exact size: no buffer grown, copied and wiped on the way
    // (and the wasm memory, which never shrinks, grows by the result only).
    let mut chunks = Vec::new();
    let mut total = 0usize;
    let done_key = JsValue::from_str("done");
    let value_key = JsValue::from_str("value");
    let ended = loop {
        let next = match JsFuture::from(reader.read()).await {
            Ok(next) => next,
            Err(e) => break Err(corrupt(&e)),
        };
        if Reflect::get(&next, &done_key).map_or(true, |d| d.is_truthy()) {
            break Ok(());
        }
        let Some(chunk) = Reflect::get(&next, &value_key)
            .ok()
            .and_then(|v| v.dyn_into::<Uint8Array>().ok())
        else {
            break Err(request.corrupt(what, "the browser returned no bytes"));
        };
        total = total.saturating_add(chunk.length() as usize);
        chunks.push(chunk);
        if total > request.cap {
            // A bomb, or just too much: stop the browser's inflate here.
            let _ = JsFuture::from(reader.cancel()).await;
            break Err(request.too_large(total));
        }
    };
    if let Err(e) = ended {
        wipe(&input, &chunks);
        return Err(e);
    }
    let mut out = Zeroizing::new(vec![0u8; total]);
    let mut at = 0;
    for chunk in &chunks {
        let n = chunk.length() as usize;
        chunk.copy_to(&mut out[at..at + n]);
        at += n;
    }
    wipe(&input, &chunks);
    Ok(out)
}

/// How much compressed input the browser gets at a time. Its inflate turns
/// all of a written chunk into output at once, whatever the reader asks for:
/// written whole, a 1 MB bomb of 1 GiB of zeros made Chromium 156 hold the
/// whole GiB before the first chunk was read (2 s, 1 GB of heap). Written in
/// pieces, each only once the stream is ready for more (the reader has taken
/// the output of the one before), a bomb is stopped at the cap plus at most
/// one piece's worth: deflate inflates at most 1032 times, so 16 KiB pieces
/// overshoot by 17 MiB at most (and the same bomb took 0.1 s, 70 MB). Smaller
/// pieces cost speed: 16 MiB of text inflated in 71 ms in 16 KiB pieces,
/// 109 ms in 4 KiB ones, 77 ms in one write.
const PIECE: u32 = 16 * 1024;

/// Writes `input` into the stream piece by piece, each when the stream is
/// ready for it, then closes it. Ends quietly when the reader cancelled the
/// stream or it failed (the reader reports that).
async fn feed(writer: StreamWriter, input: Uint8Array) {
    let len = input.length();
    let mut start = 0;
    while start < len {
        if JsFuture::from(writer.ready()).await.is_err() {
            return;
        }
        let end = start.saturating_add(PIECE).min(len);
        // Not awaited: the write's promise settles only once the reader took
        // the output. Wrapped in a future, so that its rejection is handled.
        drop(JsFuture::from(writer.write(&input.subarray(start, end))));
        start = end;
    }
    if JsFuture::from(writer.ready()).await.is_ok() {
        let _ = JsFuture::from(writer.close()).await;
    }
}

fn wipe(input: &Uint8Array, chunks: &[Uint8Array]) {
    for array in std::iter::once(input).chain(chunks) {
        array.fill(0, 0, array.length());
    }
}
