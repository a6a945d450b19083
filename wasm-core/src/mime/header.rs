//! Header blocks (RFC 5322 fields, unfolded) and MIME parameters
//! (`type/subtype; name="value"`, RFC 2231 continuations and charsets).

use super::encoding::{decode_encoded_words, decode_header_bytes, percent_decode};
use super::MimeError;

/// One header field: name as written, value unfolded (line breaks removed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub name: String,
    pub value: String,
}

/// Splits an entity into its header fields and the offset where its body starts.
/// The header block ends at the first empty line; an entity without one is all
/// headers and has an empty body. A line that is neither a field nor a
/// continuation is an error (a leading mbox `From ` line is skipped).
pub fn split_headers(data: &[u8]) -> Result<(Vec<Header>, usize), MimeError> {
    let mut headers: Vec<Header> = Vec::new();
    let mut pos = 0;
    let mut line_no = 0;
    while pos < data.len() {
        let (end, next) = match data[pos..].iter().position(|&b| b == b'\n') {
            Some(i) => (pos + i, pos + i + 1),
            None => (data.len(), data.len()),
        };
        let mut line = &data[pos..end];
        if line.last() == Some(&b'\r') {
            line = &line[..line.len() - 1];
        }
        line_no += 1;
        if line.is_empty() {
            return Ok((headers, next));
        }
        let text = String::from_utf8_lossy(line);
        if line[0] == b' ' || line[0] == b'\t' {
            match headers.last_mut() {
                Some(h) => {
                    h.value.push(' ');
                    h.value.push_str(text.trim());
                }
                None => return Err(bad_header(line_no, "continuation line before any field", &text)),
            }
        } else if line_no == 1 && line.starts_with(b"From ") {
            // mbox separator
        } else {
            let colon = line
                .iter()
                .position(|&b| b == b':')
                .ok_or_else(|| bad_header(line_no, "no ':' in a field line", &text))?;
            let name = &line[..colon];
            if name.is_empty() || !name.iter().all(|&b| (33..=126).contains(&b)) {
                return Err(bad_header(line_no, "invalid field name", &text));
            }
            headers.push(Header {
                name: String::from_utf8_lossy(name).into_owned(),
                value: String::from_utf8_lossy(&line[colon + 1..]).trim().to_owned(),
            });
        }
        pos = next;
    }
    Ok((headers, data.len()))
}

fn bad_header(line: usize, what: &str, text: &str) -> MimeError {
    let shown: String = text.chars().take(60).collect();
    MimeError::BadHeader {
        line,
        detail: format!("{what}: {shown:?}"),
    }
}

/// The value of the first field named `name` (case-insensitive).
pub fn find<'h>(headers: &'h [Header], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// A structured value such as `multipart/signed; micalg=pgp-sha256`: the
/// lower-cased main value and its parameters (names lower-cased, RFC 2231
/// sections joined and decoded, RFC 2047 words in values decoded).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Params {
    pub value: String,
    pub params: Vec<(String, String)>,
}

impl Params {
    pub fn get(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn parse(field: &str) -> Params {
        let mut raw: Vec<(String, String)> = Vec::new();
        let (value, mut rest) = match field.find(';') {
            Some(i) => (&field[..i], &field[i + 1..]),
            None => (field, ""),
        };
        loop {
            rest = rest.trim_start_matches([' ', '\t', ';']);
            if rest.is_empty() {
                break;
            }
            let name_end = rest.find(['=', ';']).unwrap_or(rest.len());
            let name = rest[..name_end].trim().to_ascii_lowercase();
            if !rest[name_end..].starts_with('=') {
                rest = &rest[name_end..];
                continue; // a parameter without a value: ignored
            }
            rest = rest[name_end + 1..].trim_start();
            let v;
            (v, rest) = if let Some(q) = rest.strip_prefix('"') {
                read_quoted(q)
            } else {
                let end = rest.find(';').unwrap_or(rest.len());
                (rest[..end].trim().to_owned(), &rest[end..])
            };
            raw.push((name, v));
        }
        Params {
            value: value.trim().to_ascii_lowercase(),
            params: join_rfc2231(raw),
        }
    }
}

/// Reads a quoted string (opening quote already consumed); an unterminated one
/// runs to the end.
fn read_quoted(s: &str) -> (String, &str) {
    let mut out = String::new();
    let mut chars = s.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return (out, &s[i + 1..]),
            '\\' => {
                if let Some((_, e)) = chars.next() {
                    out.push(e);
                }
            }
            _ => out.push(c),
        }
    }
    (out, "")
}

/// Joins `name*0`, `name*1*`, … and decodes `name*=charset'lang'%XX` (RFC 2231).
/// An extended parameter wins over a plain one of the same name.
fn join_rfc2231(raw: Vec<(String, String)>) -> Vec<(String, String)> {
    struct Section {
        index: u32,
        extended: bool,
        value: String,
    }
    let mut plain: Vec<(String, String)> = Vec::new();
    let mut sectioned: Vec<(String, Vec<Section>)> = Vec::new();
    for (name, value) in raw {
        let Some(star) = name.find('*') else {
            plain.push((name, value));
            continue;
        };
        let base = name[..star].to_owned();
        let tail = &name[star + 1..];
        let (index, extended) = match tail {
            "" => (0, true),
            t => match t.strip_suffix('*') {
                Some(n) => (n.parse().unwrap_or(u32::MAX), true),
                None => (t.parse().unwrap_or(u32::MAX), false),
            },
        };
        if index == u32::MAX {
            continue;
        }
        let section = Section {
            index,
            extended,
            value,
        };
        match sectioned.iter_mut().find(|(n, _)| *n == base) {
            Some((_, s)) => s.push(section),
            None => sectioned.push((base, vec![section])),
        }
    }
    let mut out: Vec<(String, String)> = Vec::new();
    for (name, mut sections) in sectioned {
        sections.sort_by_key(|s| s.index);
        let mut charset = String::new();
        let mut bytes = Vec::new();
        for (i, s) in sections.iter().enumerate() {
            let mut v = s.value.as_str();
            if i == 0 && s.extended {
                // charset'language'value
                let mut it = v.splitn(3, '\'');
                if let (Some(cs), Some(_lang), Some(rest)) = (it.next(), it.next(), it.next()) {
                    charset = cs.to_owned();
                    v = rest;
                }
            }
            if s.extended {
                bytes.extend(percent_decode(v));
            } else {
                bytes.extend_from_slice(v.as_bytes());
            }
        }
        out.push((
            name,
            decode_header_bytes(&bytes, if charset.is_empty() { "utf-8" } else { &charset }),
        ));
    }
    for (name, value) in plain {
        if !out.iter().any(|(n, _)| *n == name) {
            let value = if value.contains("=?") {
                decode_encoded_words(&value)
            } else {
                value
            };
            out.push((name, value));
        }
    }
    out
}
