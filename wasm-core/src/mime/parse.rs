//! Parsing a raw message or MIME entity into a tree of parts (RFC 2045/2046),
//! bounded by [`Limits`]. Parts borrow from the input: nothing is copied until
//! a body is decoded.

use super::encoding::{decode_charset, decode_transfer};
use super::header::{find, split_headers, Header, Params};
use super::MimeError;

/// Bounds on what the parser accepts, so that hostile input cannot make it
/// allocate or recurse without limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input, in bytes.
    pub max_size: usize,
    /// Deepest nesting of multiparts (the top-level entity is depth 0).
    pub max_depth: usize,
    /// Most parts in the whole tree.
    pub max_parts: usize,
}

impl Default for Limits {
    fn default() -> Self {
        // 64 MiB holds a 10 MiB attachment's base64 several times over.
        Limits {
            max_size: 64 << 20,
            max_depth: 16,
            max_parts: 1000,
        }
    }
}

/// One MIME entity: its headers, its body (still transfer-encoded) and, for a
/// multipart, its parts.
#[derive(Debug, Clone)]
pub struct Entity<'a> {
    pub headers: Vec<Header>,
    /// Content-Type, `text/plain; charset=us-ascii` when absent (RFC 2045 §5.2).
    pub content_type: Params,
    /// The whole entity, headers included, exactly as in the input.
    pub raw: &'a [u8],
    /// The body, exactly as in the input.
    pub body: &'a [u8],
    pub parts: Vec<Entity<'a>>,
}

impl<'a> Entity<'a> {
    /// Parses with the default [`Limits`].
    pub fn parse(data: &'a [u8]) -> Result<Entity<'a>, MimeError> {
        Entity::parse_with(data, Limits::default())
    }

    pub fn parse_with(data: &'a [u8], limits: Limits) -> Result<Entity<'a>, MimeError> {
        if data.len() > limits.max_size {
            return Err(MimeError::TooLarge {
                size: data.len(),
                limit: limits.max_size,
            });
        }
        let mut count = 0;
        parse_entity(data, 0, &limits, &mut count)
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        find(&self.headers, name)
    }

    /// `type/subtype`, lower case.
    pub fn mime_type(&self) -> &str {
        &self.content_type.value
    }

    pub fn is_multipart(&self) -> bool {
        self.mime_type().starts_with("multipart/")
    }

    pub fn disposition(&self) -> Option<Params> {
        self.header("Content-Disposition").map(Params::parse)
    }

    /// The filename from Content-Disposition, else the Content-Type `name`.
    pub fn filename(&self) -> Option<String> {
        let from_disposition = self
            .disposition()
            .and_then(|d| d.get("filename").map(str::to_owned));
        from_disposition.or_else(|| self.content_type.get("name").map(str::to_owned))
    }

    /// An attachment: `Content-Disposition: attachment`, or any part with a filename.
    pub fn is_attachment(&self) -> bool {
        self.disposition().is_some_and(|d| d.value == "attachment") || self.filename().is_some()
    }

    /// The body with its Content-Transfer-Encoding undone.
    pub fn decoded_body(&self) -> Result<Vec<u8>, MimeError> {
        decode_transfer(
            self.body,
            self.header("Content-Transfer-Encoding").unwrap_or("7bit").trim(),
        )
    }

    /// The decoded body as text in its declared charset, with LF line endings.
    pub fn text(&self) -> Result<String, MimeError> {
        let bytes = self.decoded_body()?;
        let text = decode_charset(&bytes, self.content_type.get("charset").unwrap_or(""))?;
        Ok(if text.contains('\r') {
            text.replace("\r\n", "\n")
        } else {
            text
        })
    }

    /// Every leaf part, depth first, with its index path from the root.
    pub fn leaves(&self) -> Vec<(Vec<usize>, &Entity<'a>)> {
        let mut out = Vec::new();
        collect_leaves(self, &mut Vec::new(), &mut out);
        out
    }
}

fn collect_leaves<'e, 'a>(
    e: &'e Entity<'a>,
    path: &mut Vec<usize>,
    out: &mut Vec<(Vec<usize>, &'e Entity<'a>)>,
) {
    if e.parts.is_empty() {
        out.push((path.clone(), e));
    }
    for (i, p) in e.parts.iter().enumerate() {
        path.push(i);
        collect_leaves(p, path, out);
        path.pop();
    }
}

fn parse_entity<'a>(
    data: &'a [u8],
    depth: usize,
    limits: &Limits,
    count: &mut usize,
) -> Result<Entity<'a>, MimeError> {
    *count += 1;
    if *count > limits.max_parts {
        return Err(MimeError::TooManyParts {
            limit: limits.max_parts,
        });
    }
    let (headers, body_start) = split_headers(data)?;
    let content_type = find(&headers, "Content-Type")
        .map(Params::parse)
        .unwrap_or_else(|| Params::parse("text/plain; charset=us-ascii"));
    let body = &data[body_start..];
    let mut parts = Vec::new();
    if content_type.value.starts_with("multipart/") {
        if depth >= limits.max_depth {
            return Err(MimeError::TooDeep {
                limit: limits.max_depth,
            });
        }
        let boundary = content_type
            .get("boundary")
            .filter(|b| !b.is_empty())
            .ok_or_else(|| MimeError::MissingBoundary {
                content_type: content_type.value.clone(),
            })?;
        for part in split_multipart(body, boundary)? {
            parts.push(parse_entity(part, depth + 1, limits, count)?);
        }
    }
    Ok(Entity {
        headers,
        content_type,
        raw: data,
        body,
        parts,
    })
}

/// The bodies between `--boundary` delimiter lines (RFC 2046 §5.1.1): the line
/// break before a delimiter belongs to the delimiter, not to the part; preamble
/// and epilogue are dropped.
pub fn split_multipart<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<&'a [u8]>, MimeError> {
    let delimiter = format!("--{boundary}");
    let delimiter = delimiter.as_bytes();
    let mut parts = Vec::new();
    let mut current: Option<usize> = None;
    let mut pos = 0;
    while pos < body.len() {
        let (end, next) = match body[pos..].iter().position(|&b| b == b'\n') {
            Some(i) => (pos + i, pos + i + 1),
            None => (body.len(), body.len()),
        };
        let line = &body[pos..end];
        if let Some(rest) = line.strip_prefix(delimiter) {
            let (closing, rest) = match rest.strip_prefix(b"--") {
                Some(r) => (true, r),
                None => (false, rest),
            };
            if rest.iter().all(|&b| matches!(b, b' ' | b'\t' | b'\r')) {
                if let Some(start) = current {
                    let mut part_end = pos;
                    if part_end > start {
                        part_end -= 1; // the '\n' ending the previous line
                        if part_end > start && body[part_end - 1] == b'\r' {
                            part_end -= 1;
                        }
                    }
                    parts.push(&body[start..part_end]);
                }
                if closing {
                    if current.is_none() {
                        break;
                    }
                    return Ok(parts);
                }
                current = Some(next);
            }
        }
        pos = next;
    }
    if current.is_none() {
        return Err(MimeError::NoOpeningBoundary {
            boundary: boundary.to_owned(),
        });
    }
    Err(MimeError::UnterminatedMultipart {
        boundary: boundary.to_owned(),
    })
}
