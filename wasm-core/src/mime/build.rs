//! Building the cleartext MIME entity that gets encrypted (and/or signed):
//! text body, optional HTML alternative, attachments.

use std::io::Write;

use super::encoding::{base64_len, encode_quoted_printable, percent_encode_pieces, to_crlf, write_base64};
use super::{new_boundary, MimeError};

/// A file to attach. `content_type` `None` means: guess from the extension.
#[derive(Debug, Clone, Copy)]
pub struct Attachment<'a> {
    pub filename: &'a str,
    pub content_type: Option<&'a str>,
    pub data: &'a [u8],
}

/// What the user wrote. Line endings in `text` and `html` may be LF or CRLF;
/// they are sent as CRLF and parsed back as LF.
#[derive(Debug, Clone, Default)]
pub struct Cleartext<'a> {
    pub text: &'a str,
    pub html: Option<&'a str>,
    pub attachments: Vec<Attachment<'a>>,
    /// Allow `8bit` text parts (only inside encryption). Leave `false` when the
    /// entity will be signed: RFC 3156 requires 7-bit signed data, so non-ASCII
    /// text then goes out quoted-printable.
    pub allow_8bit: bool,
}

impl<'a> Cleartext<'a> {
    /// Builds the entity: `text/plain` alone, `multipart/alternative` with
    /// HTML, wrapped in `multipart/mixed` when there are attachments.
    pub fn build(&self, rng: &mut impl FnMut(&mut [u8])) -> Result<Vec<u8>, MimeError> {
        let size: usize = self.text.len() * 2
            + self.html.map_or(0, |h| h.len() * 2)
            + self
                .attachments
                .iter()
                .map(|a| base64_len(a.data.len()) + 512)
                .sum::<usize>()
            + 1024;
        let mut out = Vec::with_capacity(size);
        self.write_to(rng, &mut out)?;
        Ok(out)
    }

    /// Streams the entity into `out`; attachments are base64-encoded line by line.
    pub fn write_to<W: Write>(&self, rng: &mut impl FnMut(&mut [u8]), out: &mut W) -> Result<(), MimeError> {
        let text = TextPart::new(self.text, "text/plain", self.allow_8bit);
        let html = self.html.map(|h| TextPart::new(h, "text/html", self.allow_8bit));
        let files = self
            .attachments
            .iter()
            .map(AttachmentPart::new)
            .collect::<Result<Vec<_>, _>>()?;
        // Base64 and the headers written here never contain "--", so only the
        // text bodies can collide with a boundary.
        let bodies: Vec<&[u8]> = std::iter::once(text.body.as_slice())
            .chain(html.as_ref().map(|h| h.body.as_slice()))
            .collect();

        let alternative = match &html {
            Some(html) => {
                let b = new_boundary(rng, &bodies)?;
                let mut buf = Vec::with_capacity(text.body.len() + html.body.len() + 512);
                write!(
                    buf,
                    "Content-Type: multipart/alternative;\r\n boundary=\"{b}\"\r\n\r\n"
                )?;
                for part in [&text, html] {
                    write!(buf, "--{b}\r\n")?;
                    part.write_to(&mut buf)?;
                    buf.extend_from_slice(b"\r\n");
                }
                write!(buf, "--{b}--\r\n")?;
                Some((b, buf))
            }
            None => None,
        };
        if files.is_empty() {
            match alternative {
                Some((_, buf)) => out.write_all(&buf)?,
                None => text.write_to(out)?,
            }
            return Ok(());
        }
        let mut avoid = bodies.clone();
        let inner_delimiter = alternative.as_ref().map(|(b, _)| format!("--{b}"));
        if let Some(d) = &inner_delimiter {
            avoid.push(d.as_bytes());
        }
        let b = new_boundary(rng, &avoid)?;
        write!(
            out,
            "Content-Type: multipart/mixed;\r\n boundary=\"{b}\"\r\n\r\n--{b}\r\n"
        )?;
        match alternative {
            Some((_, buf)) => out.write_all(&buf)?,
            None => text.write_to(out)?,
        }
        for file in &files {
            write!(out, "\r\n--{b}\r\n")?;
            file.write_to(out)?;
        }
        write!(out, "\r\n--{b}--\r\n")?;
        Ok(())
    }
}

struct TextPart {
    content_type: &'static str,
    encoding: &'static str,
    body: Vec<u8>,
}

impl TextPart {
    /// Picks the transfer encoding: `7bit` for short-lined ASCII without
    /// trailing whitespace or "From " lines; `8bit` for other lines up to 998
    /// bytes when allowed; quoted-printable otherwise.
    fn new(text: &str, content_type: &'static str, allow_8bit: bool) -> TextPart {
        let crlf = to_crlf(text.as_bytes());
        let lines = || {
            crlf.split(|&b| b == b'\n')
                .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        };
        let clean_lines = lines()
            .all(|l| !matches!(l.last(), Some(b' ' | b'\t')) && !l.starts_with(b"From ") && !l.contains(&0));
        let (encoding, body) = if clean_lines && crlf.is_ascii() && lines().all(|l| l.len() <= 76) {
            ("7bit", crlf)
        } else if clean_lines && allow_8bit && lines().all(|l| l.len() <= 998) {
            ("8bit", crlf)
        } else {
            // `to_crlf` of a &str is valid UTF-8.
            let s = String::from_utf8(crlf).unwrap_or_default();
            ("quoted-printable", encode_quoted_printable(&s))
        };
        TextPart {
            content_type,
            encoding,
            body,
        }
    }

    fn write_to<W: Write>(&self, out: &mut W) -> std::io::Result<()> {
        write!(
            out,
            "Content-Type: {}; charset=utf-8\r\nContent-Transfer-Encoding: {}\r\n\r\n",
            self.content_type, self.encoding
        )?;
        out.write_all(&self.body)
    }
}

struct AttachmentPart<'a> {
    filename: &'a str,
    content_type: String,
    data: &'a [u8],
}

impl<'a> AttachmentPart<'a> {
    fn new(a: &Attachment<'a>) -> Result<Self, MimeError> {
        // A path is not a filename: keep the last component only.
        let filename = a.filename.rsplit(['/', '\\']).next().unwrap_or("").trim();
        if filename.is_empty() || filename.chars().any(char::is_control) {
            return Err(MimeError::InvalidFilename(a.filename.to_owned()));
        }
        let content_type = match a.content_type {
            Some(t) => validate_content_type(t)?,
            None => guess_content_type(filename).to_owned(),
        };
        Ok(AttachmentPart {
            filename,
            content_type,
            data: a.data,
        })
    }

    fn write_to<W: Write>(&self, out: &mut W) -> std::io::Result<()> {
        write!(out, "Content-Type: {}", self.content_type)?;
        write_param(out, "name", self.filename)?;
        out.write_all(b"\r\nContent-Disposition: attachment")?;
        write_param(out, "filename", self.filename)?;
        out.write_all(b"\r\nContent-Transfer-Encoding: base64\r\n\r\n")?;
        write_base64(self.data, out)
    }
}

/// Writes `;<CRLF> name="value"`, or RFC 2231 `name*=utf-8''…` (split into
/// `name*0*`, `name*1*`, … sections of at most 48 characters) when the value
/// is not short printable ASCII.
fn write_param<W: Write>(out: &mut W, name: &str, value: &str) -> std::io::Result<()> {
    if value.len() <= 60 && value.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
        return write!(out, ";\r\n {name}=\"{escaped}\"");
    }
    let pieces = percent_encode_pieces(value);
    let mut sections: Vec<String> = vec![String::new()];
    for p in pieces {
        let current = sections.last_mut().expect("never empty");
        // 48 keeps ` filename*NN*=utf-8''<section>;` under 78 characters.
        if current.len() + p.len() > 48 {
            sections.push(p);
        } else {
            current.push_str(&p);
        }
    }
    if sections.len() == 1 {
        return write!(out, ";\r\n {name}*=utf-8''{}", sections[0]);
    }
    for (i, s) in sections.iter().enumerate() {
        let prefix = if i == 0 { "utf-8''" } else { "" };
        write!(out, ";\r\n {name}*{i}*={prefix}{s}")?;
    }
    Ok(())
}

/// `type/subtype` made of RFC 2045 token characters, lower-cased.
fn validate_content_type(t: &str) -> Result<String, MimeError> {
    let t = t.trim();
    let token = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?=".contains(&b))
    };
    match t.split_once('/') {
        Some((a, b)) if token(a) && token(b) => Ok(t.to_ascii_lowercase()),
        _ => Err(MimeError::InvalidContentType(t.to_owned())),
    }
}

/// A content type from the filename's extension; `application/octet-stream`
/// when unknown. Short on purpose: mail clients sniff the rest.
pub fn guess_content_type(filename: &str) -> &'static str {
    let ext = match filename.rsplit_once('.') {
        Some((_, e)) => e.to_ascii_lowercase(),
        None => return "application/octet-stream",
    };
    match ext.as_str() {
        "txt" | "text" | "log" => "text/plain",
        "md" => "text/markdown",
        "csv" => "text/csv",
        "htm" | "html" => "text/html",
        "ics" => "text/calendar",
        "vcf" => "text/vcard",
        "xml" => "application/xml",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" | "tgz" => "application/gzip",
        "7z" => "application/x-7z-compressed",
        "tar" => "application/x-tar",
        "rtf" => "application/rtf",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "odt" => "application/vnd.oasis.opendocument.text",
        "ods" => "application/vnd.oasis.opendocument.spreadsheet",
        "odp" => "application/vnd.oasis.opendocument.presentation",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "mp3" => "audio/mpeg",
        "ogg" | "oga" => "audio/ogg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}
