//! A decrypted `pass` entry: the first line is the password; `key: value` lines
//! carry the login, the url and options; `otpauth://` lines are one-time-code
//! secrets; every other line is kept as it is. The text is held line by line
//! and written back joined, so an unchanged entry round-trips byte for byte and
//! an edited one changes only the edited line.

use zeroize::Zeroizing;

/// Keys naming the login (first one found wins).
const LOGIN_KEYS: &[&str] = &["login", "username", "user"];
/// Keys naming the site.
const URL_KEYS: &[&str] = &["url", "website", "site", "link"];

#[derive(Clone, PartialEq, Eq)]
pub struct Entry {
    /// The lines as decrypted (each without its `\n`; a `\r` stays in the line).
    /// `["", ...]` cannot be told from an empty password, as with `pass`.
    lines: Vec<Zeroizing<String>>,
}

impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Entry({} lines, ***)", self.lines.len())
    }
}

/// A `key: value` line.
#[derive(Clone, PartialEq, Eq)]
pub struct Field {
    /// The key as written (compare with `eq_ignore_ascii_case`).
    pub key: String,
    pub value: Zeroizing<String>,
}

impl std::fmt::Debug for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Field({}: ***)", self.key)
    }
}

fn strip_cr(line: &str) -> &str {
    line.strip_suffix('\r').unwrap_or(line)
}

/// `key: value` on a line after the first, if it is one. An `otpauth://` line
/// is not a field (its `otpauth:` would look like a key).
fn split_field(line: &str) -> Option<(&str, &str)> {
    let line = strip_cr(line);
    if is_otp_line(line) {
        return None;
    }
    let (key, value) = line.split_once(':')?;
    let key = key.trim();
    let valid = !key.is_empty()
        && key.len() <= 64
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | ' ' | '.'));
    valid.then(|| (key, value.trim()))
}

fn is_otp_line(line: &str) -> bool {
    otp_uri_in(line).is_some()
}

/// The `otpauth://` URI on a line: the whole line, or after a key such as `otp:` / `totp:`.
fn otp_uri_in(line: &str) -> Option<&str> {
    let line = strip_cr(line).trim();
    let start = line.find("otpauth://")?;
    let before = line[..start].trim_end();
    (before.is_empty() || before.ends_with(':')).then(|| &line[start..])
}

fn truthy(value: &str) -> bool {
    matches!(
        value.trim().to_ascii_lowercase().as_str(),
        "true" | "yes" | "1" | "on"
    )
}

impl Entry {
    /// Parses decrypted text. Any UTF-8 text is an entry.
    pub fn parse(text: &str) -> Self {
        Self {
            lines: text.split('\n').map(|l| Zeroizing::new(l.to_owned())).collect(),
        }
    }

    /// A new entry: password, then `login:` and `url:` lines when given.
    pub fn new(password: &str, login: Option<&str>, url: Option<&str>) -> Self {
        let mut text = Zeroizing::new(format!("{password}\n"));
        if let Some(l) = login {
            text.push_str(&format!("login: {l}\n"));
        }
        if let Some(u) = url {
            text.push_str(&format!("url: {u}\n"));
        }
        Self::parse(&text)
    }

    /// The text to encrypt: identical to the parsed text when nothing changed.
    pub fn to_text(&self) -> Zeroizing<String> {
        let mut out = Zeroizing::new(String::with_capacity(
            self.lines.iter().map(|l| l.len() + 1).sum(),
        ));
        for (i, line) in self.lines.iter().enumerate() {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(line);
        }
        out
    }

    pub fn password(&self) -> Zeroizing<String> {
        Zeroizing::new(strip_cr(&self.lines[0]).to_owned())
    }

    /// Every `key: value` line after the password, in order.
    pub fn fields(&self) -> Vec<Field> {
        self.lines
            .iter()
            .skip(1)
            .filter_map(|l| split_field(l))
            .map(|(k, v)| Field {
                key: k.to_owned(),
                value: Zeroizing::new(v.to_owned()),
            })
            .collect()
    }

    /// The first field with one of these keys (case-insensitive), in key order of preference.
    fn field(&self, keys: &[&str]) -> Option<Zeroizing<String>> {
        let fields = self.fields();
        keys.iter().find_map(|k| {
            fields
                .iter()
                .find(|f| f.key.eq_ignore_ascii_case(k))
                .map(|f| f.value.clone())
        })
    }

    pub fn login(&self) -> Option<Zeroizing<String>> {
        self.field(LOGIN_KEYS)
    }

    pub fn url(&self) -> Option<String> {
        self.field(URL_KEYS).map(|v| v.to_string())
    }

    /// `autosubmit: true` (also `yes`, `1`, `on`).
    pub fn autosubmit(&self) -> bool {
        self.field(&["autosubmit"]).is_some_and(|v| truthy(&v))
    }

    /// `allow_subdomains: true`: the entry may fill other hosts of its registrable domain.
    pub fn allow_subdomains(&self) -> bool {
        self.field(&["allow_subdomains", "allow-subdomains"])
            .is_some_and(|v| truthy(&v))
    }

    /// Every `otpauth://` URI in the entry, in order.
    pub fn otp_uris(&self) -> Vec<Zeroizing<String>> {
        self.lines
            .iter()
            .skip(1)
            .filter_map(|l| otp_uri_in(l))
            .map(|u| Zeroizing::new(u.to_owned()))
            .collect()
    }

    /// Replaces the password (first line), keeping a `\r` line ending if it had one.
    pub fn set_password(&mut self, password: &str) {
        let cr = if self.lines[0].ends_with('\r') { "\r" } else { "" };
        self.lines[0] = Zeroizing::new(format!("{password}{cr}"));
    }

    /// Sets the login: rewrites the first login line in place, or adds `login:` after the password.
    pub fn set_login(&mut self, login: &str) {
        self.set_field(LOGIN_KEYS, "login", login);
    }

    pub fn set_url(&mut self, url: &str) {
        self.set_field(URL_KEYS, "url", url);
    }

    fn set_field(&mut self, keys: &[&str], new_key: &str, value: &str) {
        for line in self.lines.iter_mut().skip(1) {
            if let Some((k, _)) = split_field(line) {
                if keys.iter().any(|want| k.eq_ignore_ascii_case(want)) {
                    let key = k.to_owned();
                    let cr = if line.ends_with('\r') { "\r" } else { "" };
                    *line = Zeroizing::new(format!("{key}: {value}{cr}"));
                    return;
                }
            }
        }
        self.lines
            .insert(1, Zeroizing::new(format!("{new_key}: {value}")));
    }

    /// Replaces the `index`-th `otpauth://` URI (e.g. an HOTP URI with its next
    /// counter), keeping whatever precedes it on the line. False if there is none.
    pub fn replace_otp_uri(&mut self, index: usize, uri: &str) -> bool {
        let Some(line) = self
            .lines
            .iter_mut()
            .skip(1)
            .filter(|l| otp_uri_in(l).is_some())
            .nth(index)
        else {
            return false;
        };
        let old = otp_uri_in(line).expect("filtered").to_owned();
        let start = line.find(&old).expect("the uri is in the line");
        let mut new = Zeroizing::new(String::with_capacity(line.len()));
        new.push_str(&line[..start]);
        new.push_str(uri);
        new.push_str(&line[start + old.len()..]);
        *line = new;
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "hunter2\nLogin: alice\nURL: https://console.example.test\nautosubmit: true\n\
allow_subdomains: yes\notpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example\n\
Recovery codes:\n  1234-5678\nnot a field line\n";

    #[test]
    fn parses_password_fields_and_otp() {
        let e = Entry::parse(SAMPLE);
        assert_eq!(*e.password(), "hunter2");
        assert_eq!(e.login().as_deref().map(String::as_str), Some("alice"));
        assert_eq!(e.url().as_deref(), Some("https://console.example.test"));
        assert!(e.autosubmit());
        assert!(e.allow_subdomains());
        let otp = e.otp_uris();
        assert_eq!(otp.len(), 1);
        assert!(otp[0].starts_with("otpauth://totp/Example:alice?"));
        let keys: Vec<String> = e.fields().into_iter().map(|f| f.key).collect();
        assert_eq!(
            keys,
            ["Login", "URL", "autosubmit", "allow_subdomains", "Recovery codes"]
        );
    }

    #[test]
    fn login_key_variants_and_defaults() {
        assert_eq!(*Entry::parse("p\nuser: bob").login().expect("user"), "bob");
        assert_eq!(
            *Entry::parse("p\nUSERNAME: carol\r\n").login().expect("username"),
            "carol"
        );
        let e = Entry::parse("only-password");
        assert!(e.login().is_none() && e.url().is_none() && !e.autosubmit() && !e.allow_subdomains());
        assert!(!Entry::parse("p\nautosubmit: false").autosubmit());
        assert_eq!(*Entry::parse("").password(), "");
        assert_eq!(*Entry::parse("pw\r\nlogin: x\r\n").password(), "pw");
    }

    #[test]
    fn otp_lines_with_a_key_prefix() {
        let e = Entry::parse("p\ntotp: otpauth://totp/x?secret=AAAA\nnote: see otpauth://elsewhere");
        let uris = e.otp_uris();
        assert_eq!(uris.len(), 1);
        assert_eq!(*uris[0], "otpauth://totp/x?secret=AAAA");
    }

    #[test]
    fn unchanged_entries_round_trip_byte_for_byte() {
        for text in [
            SAMPLE,
            "",
            "pw",
            "pw\n",
            "pw\n\n\n",
            "pw\r\nlogin: a\r\n",
            "  spaced pw  \n: no key\nweird:::value\n\u{e9}t\u{e9}: \u{2603}\n",
        ] {
            assert_eq!(*Entry::parse(text).to_text(), text, "{text:?}");
        }
    }

    #[test]
    fn edits_touch_only_their_line() {
        let mut e = Entry::parse(SAMPLE);
        e.set_password("correct horse");
        e.set_login("alice2");
        assert_eq!(
            *e.to_text(),
            SAMPLE
                .replace("hunter2", "correct horse")
                .replace("Login: alice", "Login: alice2")
        );
        let mut e = Entry::parse("pw\r\nnote: x\r\n");
        e.set_login("bob");
        e.set_url("https://a.example.test");
        e.set_password("new");
        assert_eq!(
            *e.to_text(),
            "new\r\nurl: https://a.example.test\nlogin: bob\nnote: x\r\n"
        );
        let mut e = Entry::parse("pw\notp: otpauth://hotp/x?secret=AA&counter=1\nend");
        assert!(e.replace_otp_uri(0, "otpauth://hotp/x?secret=AA&counter=2"));
        assert_eq!(*e.to_text(), "pw\notp: otpauth://hotp/x?secret=AA&counter=2\nend");
        assert!(!e.replace_otp_uri(1, "otpauth://x"));
        let fresh = Entry::new("pw", Some("me"), Some("https://x.example.test"));
        assert_eq!(*fresh.to_text(), "pw\nlogin: me\nurl: https://x.example.test\n");
    }

    #[test]
    fn debug_never_shows_secrets() {
        let e = Entry::parse(SAMPLE);
        let dbg = format!("{e:?} {:?}", e.fields());
        assert!(!dbg.contains("hunter2") && !dbg.contains("JBSWY3DP"), "{dbg}");
    }
}
