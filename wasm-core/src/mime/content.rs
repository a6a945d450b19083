//! Reading a decrypted cleartext entity back into what the user sees: body
//! text, HTML alternative, attachments.

use super::parse::{Entity, Limits};
use super::MimeError;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Content {
    /// Every inline text/plain part, in order, joined by a line break; LF line endings.
    pub text: String,
    /// The first inline text/html part, if any.
    pub html: Option<String>,
    pub attachments: Vec<ParsedAttachment>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedAttachment {
    pub filename: Option<String>,
    /// `type/subtype`, lower case.
    pub content_type: String,
    pub data: Vec<u8>,
}

/// Parses a decrypted entity (or any MIME message) with the default [`Limits`].
/// In a `multipart/signed` only the signed content is read; use
/// [`super::detect`] to get the signature.
pub fn parse_content(entity: &[u8]) -> Result<Content, MimeError> {
    parse_content_with(entity, Limits::default())
}

pub fn parse_content_with(entity: &[u8], limits: Limits) -> Result<Content, MimeError> {
    let root = Entity::parse_with(entity, limits)?;
    let mut content = Content::default();
    walk(&root, &mut content)?;
    Ok(content)
}

fn walk(e: &Entity, out: &mut Content) -> Result<(), MimeError> {
    if e.is_multipart() {
        let parts = if e.mime_type() == "multipart/signed" {
            &e.parts[..e.parts.len().min(1)]
        } else {
            &e.parts[..]
        };
        for p in parts {
            walk(p, out)?;
        }
        return Ok(());
    }
    let inline = !e.is_attachment();
    match e.mime_type() {
        "text/plain" if inline => {
            if !out.text.is_empty() {
                out.text.push('\n');
            }
            out.text.push_str(&e.text()?);
        }
        "text/html" if inline && out.html.is_none() => out.html = Some(e.text()?),
        _ => out.attachments.push(ParsedAttachment {
            filename: e.filename(),
            content_type: e.mime_type().to_owned(),
            data: e.decoded_body()?,
        }),
    }
    Ok(())
}
