//! Transfer encodings (base64, quoted-printable), charsets and header-parameter
//! encodings (RFC 2231 percent-encoding, RFC 2047 encoded words).
//!
//! Hand-written rather than a dependency: each codec is a screenful, and the
//! decoders must reject malformed input with an offset (most crates are lenient).

use std::io::Write;

use super::MimeError;

const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Base64 with 76-character lines, each ending in CRLF (RFC 2045 §6.8).
/// Writes line by line: no copy of the whole input.
pub fn write_base64<W: Write>(data: &[u8], out: &mut W) -> std::io::Result<()> {
    let mut line = [0u8; 78];
    for chunk in data.chunks(57) {
        let mut n = 0;
        for group in chunk.chunks(3) {
            let b = [group[0], *group.get(1).unwrap_or(&0), *group.get(2).unwrap_or(&0)];
            let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            line[n] = B64[(v >> 18) as usize & 63];
            line[n + 1] = B64[(v >> 12) as usize & 63];
            line[n + 2] = if group.len() > 1 {
                B64[(v >> 6) as usize & 63]
            } else {
                b'='
            };
            line[n + 3] = if group.len() > 2 {
                B64[v as usize & 63]
            } else {
                b'='
            };
            n += 4;
        }
        line[n] = b'\r';
        line[n + 1] = b'\n';
        out.write_all(&line[..n + 2])?;
    }
    Ok(())
}

/// Length of [`write_base64`]'s output, to reserve buffers once.
pub fn base64_len(n: usize) -> usize {
    let chars = n.div_ceil(3) * 4;
    chars + chars.div_ceil(76) * 2
}

fn b64_value(c: u8) -> Option<u32> {
    Some(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    } as u32)
}

/// Strict base64 decoding: whitespace and line breaks are skipped, anything else
/// outside the alphabet is an error, and so is data after the padding.
/// Missing final padding is accepted (common in the wild).
pub fn decode_base64(input: &[u8]) -> Result<Vec<u8>, MimeError> {
    let mut out = Vec::with_capacity(input.len() / 4 * 3);
    // `n` data sextets in `acc` and `pad` '=' seen in the current group.
    let (mut acc, mut n, mut pad, mut done) = (0u32, 0usize, 0usize, false);
    for (offset, &c) in input.iter().enumerate() {
        if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            continue;
        }
        if done {
            return Err(MimeError::BadBase64 {
                offset,
                detail: "data after the final '=' padding",
            });
        }
        if c == b'=' {
            if n < 2 {
                return Err(MimeError::BadBase64 {
                    offset,
                    detail: "padding '=' too early in a group",
                });
            }
            pad += 1;
            if n + pad == 4 {
                flush_b64(&mut out, acc, n);
                done = true;
            }
            continue;
        }
        let v = b64_value(c).ok_or(MimeError::BadBase64 {
            offset,
            detail: "character outside the base64 alphabet",
        })?;
        if pad > 0 {
            return Err(MimeError::BadBase64 {
                offset,
                detail: "data after '=' padding",
            });
        }
        acc = (acc << 6) | v;
        n += 1;
        if n == 4 {
            flush_b64(&mut out, acc, 4);
            acc = 0;
            n = 0;
        }
    }
    if !done {
        match n {
            0 => {}
            1 => {
                return Err(MimeError::BadBase64 {
                    offset: input.len(),
                    detail: "truncated: a single character in the last group",
                })
            }
            _ => flush_b64(&mut out, acc, n),
        }
    }
    Ok(out)
}

/// `acc` holds `n` sextets (2, 3 or 4): they make `n - 1` bytes.
fn flush_b64(out: &mut Vec<u8>, acc: u32, n: usize) {
    let acc = acc << (6 * (4 - n));
    let bytes = [(acc >> 16) as u8, (acc >> 8) as u8, acc as u8];
    out.extend_from_slice(&bytes[..n - 1]);
}

/// Quoted-printable encoding of CRLF-separated text (RFC 2045 §6.7): hard line
/// breaks stay CRLF, lines are soft-broken before 76 characters, trailing
/// whitespace and a leading "From " are encoded so that signatures survive MTAs.
pub fn encode_quoted_printable(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.split("\r\n").enumerate() {
        if i > 0 {
            out.extend_from_slice(b"\r\n");
        }
        let bytes = line.as_bytes();
        let mut width = 0;
        for (j, &b) in bytes.iter().enumerate() {
            let last = j + 1 == bytes.len();
            let encode = b == b'='
                || (b < 32 && b != b'\t')
                || b > 126
                || (last && (b == b' ' || b == b'\t'))
                || (j == 0 && b == b'F' && bytes.starts_with(b"From "))
                || (j == 0 && b == b'-');
            let w = if encode { 3 } else { 1 };
            if width + w > 75 {
                out.extend_from_slice(b"=\r\n");
                width = 0;
            }
            if encode {
                out.extend_from_slice(&[b'=', HEX[(b >> 4) as usize], HEX[(b & 15) as usize]]);
            } else {
                out.push(b);
            }
            width += w;
        }
    }
    out
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// Quoted-printable decoding. Trailing whitespace on each line is transport
/// padding and dropped; `=` must start a soft line break or a hex pair.
/// Hard line breaks come out as CRLF.
pub fn decode_quoted_printable(input: &[u8]) -> Result<Vec<u8>, MimeError> {
    let mut out = Vec::with_capacity(input.len());
    let mut pos = 0;
    while pos < input.len() {
        let (end, next, has_break) = match input[pos..].iter().position(|&b| b == b'\n') {
            Some(i) => (pos + i, pos + i + 1, true),
            None => (input.len(), input.len(), false),
        };
        let mut line = &input[pos..end];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        while matches!(line.last(), Some(b' ' | b'\t')) {
            line = &line[..line.len() - 1];
        }
        let mut soft = false;
        let mut i = 0;
        while i < line.len() {
            if line[i] != b'=' {
                out.push(line[i]);
                i += 1;
            } else if i + 1 == line.len() {
                soft = true;
                i += 1;
            } else {
                let pair = (
                    line.get(i + 1).copied().and_then(hex_value),
                    line.get(i + 2).copied().and_then(hex_value),
                );
                match pair {
                    (Some(h), Some(l)) => out.push(h << 4 | l),
                    _ => {
                        return Err(MimeError::BadQuotedPrintable {
                            offset: pos + i,
                            detail: "'=' not followed by two hex digits or a line break",
                        })
                    }
                }
                i += 3;
            }
        }
        if has_break && !soft {
            out.extend_from_slice(b"\r\n");
        }
        pos = next;
    }
    Ok(out)
}

/// Decodes a body's Content-Transfer-Encoding.
pub fn decode_transfer(body: &[u8], encoding: &str) -> Result<Vec<u8>, MimeError> {
    match encoding.to_ascii_lowercase().as_str() {
        "" | "7bit" | "8bit" | "binary" => Ok(body.to_vec()),
        "base64" => decode_base64(body),
        "quoted-printable" => decode_quoted_printable(body),
        other => Err(MimeError::UnsupportedTransferEncoding(other.to_owned())),
    }
}

/// Windows-1252's 0x80..=0x9F (WHATWG mapping; the five holes map to themselves).
const CP1252_HIGH: [u16; 32] = [
    0x20AC, 0x81, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152,
    0x8D, 0x017D, 0x8F, 0x90, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161,
    0x203A, 0x0153, 0x9D, 0x017E, 0x0178,
];

/// Decodes text in one of the supported charsets. An absent charset is
/// US-ASCII (RFC 2045), read as UTF-8 with a Windows-1252 fallback, since
/// undeclared 8-bit text is common.
pub fn decode_charset(bytes: &[u8], charset: &str) -> Result<String, MimeError> {
    let label = charset.trim().to_ascii_lowercase();
    match label.as_str() {
        "utf-8" | "utf8" => String::from_utf8(bytes.to_vec()).map_err(|_| MimeError::InvalidText {
            charset: "UTF-8".into(),
        }),
        "" | "us-ascii" | "ascii" => {
            Ok(String::from_utf8(bytes.to_vec()).unwrap_or_else(|_| decode_single_byte(bytes, true)))
        }
        "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1" => {
            Ok(decode_single_byte(bytes, false))
        }
        "windows-1252" | "cp1252" => Ok(decode_single_byte(bytes, true)),
        _ => Err(MimeError::UnsupportedCharset(charset.to_owned())),
    }
}

fn decode_single_byte(bytes: &[u8], cp1252: bool) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F if cp1252 => {
                char::from_u32(u32::from(CP1252_HIGH[(b - 0x80) as usize])).unwrap_or('\u{FFFD}')
            }
            _ => char::from(b),
        })
        .collect()
}

/// RFC 2231 `attr-char`: what may stay unescaped in an extended parameter value.
fn is_attr_char(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b)
}

/// Percent-encodes for an RFC 2231 extended value, as `%XX` triples that can be
/// split between continuation sections.
pub fn percent_encode_pieces(value: &str) -> Vec<String> {
    value
        .bytes()
        .map(|b| {
            if is_attr_char(b) {
                (b as char).to_string()
            } else {
                format!("%{:02X}", b)
            }
        })
        .collect()
}

pub fn percent_decode(value: &str) -> Vec<u8> {
    let b = value.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex_value(b[i + 1]), hex_value(b[i + 2])) {
                out.push(h << 4 | l);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

/// Decodes charset-tagged bytes from a header, never failing: unknown
/// charsets and invalid bytes become U+FFFD (a filename is better shown damaged
/// than not at all).
pub fn decode_header_bytes(bytes: &[u8], charset: &str) -> String {
    decode_charset(bytes, charset).unwrap_or_else(|_| String::from_utf8_lossy(bytes).into_owned())
}

/// Decodes RFC 2047 encoded words (`=?charset?B|Q?text?=`) in a header value;
/// whitespace between two adjacent encoded words is dropped. Anything that is
/// not a well-formed encoded word is kept as it is.
pub fn decode_encoded_words(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    let mut pending_ws: Option<&str> = None;
    let mut last_was_word = false;
    while !rest.is_empty() {
        if let Some((decoded, used)) = rest.strip_prefix("=?").and_then(|_| parse_encoded_word(rest)) {
            if !last_was_word {
                if let Some(ws) = pending_ws {
                    out.push_str(ws);
                }
            }
            pending_ws = None;
            out.push_str(&decoded);
            rest = &rest[used..];
            last_was_word = true;
            continue;
        }
        let ws_len = rest.len() - rest.trim_start_matches([' ', '\t', '\r', '\n']).len();
        if ws_len > 0 {
            if let Some(ws) = pending_ws {
                out.push_str(ws);
            }
            pending_ws = Some(&rest[..ws_len]);
            rest = &rest[ws_len..];
            continue;
        }
        if let Some(ws) = pending_ws.take() {
            out.push_str(ws);
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        rest = &rest[c.len_utf8()..];
        last_was_word = false;
    }
    if let Some(ws) = pending_ws {
        out.push_str(ws);
    }
    out
}

/// Parses one encoded word at the start of `s`: returns the text and bytes used.
fn parse_encoded_word(s: &str) -> Option<(String, usize)> {
    let inner = s.strip_prefix("=?")?;
    let (charset, rest) = inner.split_once('?')?;
    let (enc, rest) = rest.split_once('?')?;
    let end = rest.find("?=")?;
    let text = &rest[..end];
    if text.contains([' ', '\t']) || charset.is_empty() {
        return None;
    }
    let charset = charset.split('*').next().unwrap_or(charset); // RFC 2231 §5 language suffix
    let bytes = match enc {
        "B" | "b" => decode_base64(text.as_bytes()).ok()?,
        "Q" | "q" => {
            let t = text.replace('_', " ");
            decode_quoted_printable(t.as_bytes()).ok()?
        }
        _ => return None,
    };
    let used = 2 + (inner.len() - rest.len()) + end + 2;
    Some((decode_header_bytes(&bytes, charset), used))
}

/// Text with any line-ending convention (CRLF, LF, lone CR) as CRLF.
pub fn to_crlf(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 32);
    let mut i = 0;
    while i < text.len() {
        match text[i] {
            b'\r' => {
                out.extend_from_slice(b"\r\n");
                if text.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
            }
            b'\n' => out.extend_from_slice(b"\r\n"),
            b => out.push(b),
        }
        i += 1;
    }
    out
}
