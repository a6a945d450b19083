//! The one error type of the MIME module: every message names what is wrong.

use thiserror::Error;

/// What went wrong while building or parsing MIME. Never a panic: every
/// malformed input ends here.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum MimeError {
    #[error("input is {size} bytes, over the limit of {limit} bytes")]
    TooLarge { size: usize, limit: usize },
    #[error("MIME parts are nested deeper than the limit of {limit} levels")]
    TooDeep { limit: usize },
    #[error("message has more than the limit of {limit} MIME parts")]
    TooManyParts { limit: usize },
    #[error("header line {line} is malformed: {detail}")]
    BadHeader { line: usize, detail: String },
    #[error("{content_type} part has no boundary parameter")]
    MissingBoundary { content_type: String },
    #[error("multipart body never opens with its boundary line \"--{boundary}\"")]
    NoOpeningBoundary { boundary: String },
    #[error("multipart body is unterminated: no closing boundary line \"--{boundary}--\"")]
    UnterminatedMultipart { boundary: String },
    #[error("invalid base64 at byte {offset} of the part body: {detail}")]
    BadBase64 { offset: usize, detail: &'static str },
    #[error("invalid quoted-printable at byte {offset} of the part body: {detail}")]
    BadQuotedPrintable { offset: usize, detail: &'static str },
    #[error("unsupported Content-Transfer-Encoding \"{0}\"")]
    UnsupportedTransferEncoding(String),
    #[error("unsupported charset \"{0}\" (supported: UTF-8, US-ASCII, ISO-8859-1, Windows-1252)")]
    UnsupportedCharset(String),
    #[error("text part declared as {charset} is not valid {charset}")]
    InvalidText { charset: String },
    #[error("malformed PGP/MIME {kind} message: {detail}")]
    MalformedPgpMime { kind: &'static str, detail: String },
    #[error("{kind} armor block starting at byte {offset} has no \"{end_line}\" line")]
    UnterminatedArmor {
        kind: &'static str,
        offset: usize,
        end_line: &'static str,
    },
    #[error(
        "expected an ASCII-armored {expected}, the input does not start with \"-----BEGIN {expected}-----\""
    )]
    NotArmored { expected: &'static str },
    #[error("data to be signed must be 7-bit (RFC 3156 section 3): byte 0x{byte:02x} at offset {offset}")]
    NotSevenBit { offset: usize, byte: u8 },
    #[error("invalid content type \"{0}\": expected type/subtype")]
    InvalidContentType(String),
    #[error("invalid attachment filename {0:?}")]
    InvalidFilename(String),
    #[error("invalid micalg \"{0}\": expected pgp-<hash>, e.g. pgp-sha256")]
    InvalidMicalg(String),
    #[error("could not find a boundary absent from the content after {tries} random tries")]
    BoundaryCollision { tries: usize },
    #[error("writing MIME output failed: {0}")]
    Output(String),
}

impl From<std::io::Error> for MimeError {
    fn from(e: std::io::Error) -> Self {
        MimeError::Output(e.to_string())
    }
}
