//! Native-messaging frames: a 4-byte length in the machine's native byte order,
//! then that many bytes of UTF-8 JSON (PROTOCOL.md, "Transport").
//!
//! Both ends of a host pipe frame with these: `tessera-host` reading requests and
//! writing replies, `tessera-sop` speaking to the host it starts. In the extension
//! the browser frames, so the wasm core never calls them; they use `std::io` only,
//! which keeps this crate building for wasm32.
//!
//! Reading is bounded and recoverable: a frame over the reader's limit is reported
//! before its payload is read, so the reader can answer first and then
//! [`skip_payload`] to stay in step with the writer. A payload that is not UTF-8
//! has been read whole, so the stream is already in step.

use std::io::{self, Read};
use std::str::Utf8Error;

use zeroize::Zeroize;

/// Bytes of the length prefix in front of every payload.
pub const LENGTH_PREFIX_BYTES: usize = 4;

/// Why [`read_frame`] returned no payload.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The prefix announces more than the reader accepts. The payload is still
    /// unread: [`skip_payload`] it to reach the next frame.
    #[error("frame of {len} bytes is over the limit of {max} bytes")]
    TooLarge { len: u32, max: usize },
    /// The payload was read whole but is not UTF-8; the next frame can be read.
    #[error("frame is not valid UTF-8: {0}")]
    NotUtf8(#[source] Utf8Error),
    /// The stream ended after the start of a frame: nothing more can be read.
    #[error("stream ended in the middle of a frame")]
    Truncated,
    /// The stream failed: nothing more can be read.
    #[error("I/O error: {0}")]
    Io(#[source] io::Error),
}

/// Why [`skip_payload`] could not reach the next frame.
#[derive(Debug, thiserror::Error)]
pub enum SkipError {
    #[error("stream ended {skipped} bytes into an oversized frame of {len} bytes")]
    Truncated { skipped: u64, len: u32 },
    #[error("read failed while skipping an oversized frame: {0}")]
    Io(#[source] io::Error),
}

/// A payload [`encode_frame`] refused.
#[derive(Debug, thiserror::Error)]
#[error("frame of {len} bytes is over the limit of {max} bytes")]
pub struct TooLarge {
    pub len: usize,
    pub max: usize,
}

/// Reads one frame of at most `max` payload bytes. `Ok(None)`: the stream ended
/// between frames, which is how the writer says it is done.
pub fn read_frame<R: Read>(reader: &mut R, max: usize) -> Result<Option<String>, ReadError> {
    let mut prefix = [0u8; LENGTH_PREFIX_BYTES];
    // The first byte alone: an end here is a clean close, an end after it is a cut frame.
    loop {
        match reader.read(&mut prefix[..1]) {
            Ok(0) => return Ok(None),
            Ok(_) => break,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(ReadError::Io(e)),
        }
    }
    read_exact(reader, &mut prefix[1..])?;
    let len = u32::from_ne_bytes(prefix);
    let size = usize::try_from(len)
        .ok()
        .filter(|size| *size <= max)
        .ok_or(ReadError::TooLarge { len, max })?;
    let mut payload = vec![0u8; size];
    read_exact(reader, &mut payload)?;
    String::from_utf8(payload).map(Some).map_err(|e| {
        let reason = e.utf8_error();
        // Undecodable is not harmless: a request may hold a PIN.
        e.into_bytes().zeroize();
        ReadError::NotUtf8(reason)
    })
}

fn read_exact<R: Read>(reader: &mut R, buf: &mut [u8]) -> Result<(), ReadError> {
    reader.read_exact(buf).map_err(|e| match e.kind() {
        io::ErrorKind::UnexpectedEof => ReadError::Truncated,
        _ => ReadError::Io(e),
    })
}

/// Reads and drops the `len` payload bytes of a frame [`read_frame`] refused as
/// [`ReadError::TooLarge`], so that the next read starts where the writer's next
/// frame does.
pub fn skip_payload<R: Read>(reader: &mut R, len: u32) -> Result<(), SkipError> {
    match io::copy(&mut reader.take(u64::from(len)), &mut io::sink()) {
        Ok(skipped) if skipped == u64::from(len) => Ok(()),
        Ok(skipped) => Err(SkipError::Truncated { skipped, len }),
        Err(e) => Err(SkipError::Io(e)),
    }
}

/// The frame of `payload`, refused when it is over `max` bytes (the receiver's
/// limit, e.g. [`crate::MAX_RESPONSE_BYTES`] for a reply to the browser).
pub fn encode_frame(payload: &[u8], max: usize) -> Result<Vec<u8>, TooLarge> {
    let len = u32::try_from(payload.len())
        .ok()
        .filter(|_| payload.len() <= max)
        .ok_or(TooLarge {
            len: payload.len(),
            max,
        })?;
    let mut frame = Vec::with_capacity(LENGTH_PREFIX_BYTES + payload.len());
    frame.extend_from_slice(&len.to_ne_bytes());
    frame.extend_from_slice(payload);
    Ok(frame)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(payload: &[u8]) -> Vec<u8> {
        encode_frame(payload, usize::MAX).expect("a test payload fits")
    }

    #[test]
    fn a_frame_is_the_native_endian_length_then_the_payload() {
        let bytes = frame(br#"{"id":1}"#);
        assert_eq!(bytes[..4], 8u32.to_ne_bytes());
        assert_eq!(&bytes[4..], br#"{"id":1}"#);
        let mut r = &bytes[..];
        assert_eq!(
            read_frame(&mut r, 8).expect("read").as_deref(),
            Some(r#"{"id":1}"#)
        );
        assert!(matches!(read_frame(&mut r, 8), Ok(None)));
    }

    #[test]
    fn a_payload_over_the_limit_is_not_encoded() {
        let refused = encode_frame(&[b'x'; 11], 10).expect_err("over the limit");
        assert_eq!((refused.len, refused.max), (11, 10));
        assert_eq!(encode_frame(&[b'x'; 10], 10).expect("at the limit").len(), 14);
    }

    #[test]
    fn oversized_frame_is_skipped_and_the_next_one_read() {
        let mut input = frame(&[b'x'; 2000]);
        input.extend(frame(br#"{"id":1}"#));
        let mut r = &input[..];
        match read_frame(&mut r, 1024) {
            Err(ReadError::TooLarge { len, max }) => {
                assert_eq!((len, max), (2000, 1024));
                skip_payload(&mut r, len).expect("payload present");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
        assert_eq!(
            read_frame(&mut r, 1024).expect("next frame").as_deref(),
            Some(r#"{"id":1}"#)
        );
        assert!(matches!(read_frame(&mut r, 1024), Ok(None)));
    }

    #[test]
    fn skipping_past_the_end_is_an_error() {
        let mut r: &[u8] = b"abc";
        assert!(matches!(
            skip_payload(&mut r, 10),
            Err(SkipError::Truncated { skipped: 3, len: 10 })
        ));
    }

    #[test]
    fn truncated_frames_are_truncated_not_closed() {
        let full = frame(br#"{"id":1}"#);
        for cut in [1, 3, 4, 6] {
            let mut r = &full[..cut];
            assert!(
                matches!(read_frame(&mut r, 1024), Err(ReadError::Truncated)),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn non_utf8_is_refused_and_the_stream_stays_in_step() {
        let mut input = frame(&[0xff, 0xfe]);
        input.extend(frame(b"{}"));
        let mut r = &input[..];
        match read_frame(&mut r, 1024) {
            Err(e @ ReadError::NotUtf8(_)) => assert_eq!(
                e.to_string(),
                "frame is not valid UTF-8: invalid utf-8 sequence of 1 bytes from index 0"
            ),
            other => panic!("expected a UTF-8 refusal, got {other:?}"),
        }
        assert_eq!(
            read_frame(&mut r, 1024).expect("next frame").as_deref(),
            Some("{}")
        );
    }
}
