//! A decrypted `pass` entry: the first line is the password; `key: value` lines
//! carry the login, the url and options; `otpauth://` lines are one-time-code
//! secrets; every other line is kept as it is. The text is held line by line
//! and written back joined, so an unchanged entry round-trips byte for byte and
//! an edited one changes only the edited line.

use zeroize::Zeroizing;

use super::otp::{decode_base32, OtpError, OtpParams};

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

/// What a user typed as a one-time-code secret, as the line to store: an
/// `otpauth://` URI is checked and kept as typed (trimmed); a bare base32
/// secret (any case, spaces and `-` allowed) becomes
/// `otpauth://totp/<label>?secret=<SECRET>` (SHA-1, 6 digits, 30 s: what
/// authenticator apps assume), the label percent-encoded.
pub fn otp_uri_from_input(input: &str, label: &str) -> Result<Zeroizing<String>, OtpError> {
    let input = input.trim();
    // `get`: the tenth byte may fall inside a multi-byte character.
    if input
        .get(..10)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("otpauth://"))
    {
        OtpParams::parse(input)?;
        return Ok(Zeroizing::new(input.to_owned()));
    }
    decode_base32(input)?;
    let mut secret = Zeroizing::new(String::with_capacity(input.len()));
    secret.extend(
        input
            .chars()
            .filter(|c| !matches!(c, ' ' | '-' | '='))
            .map(|c| c.to_ascii_uppercase()),
    );
    let mut label_enc = String::with_capacity(label.len());
    for b in label.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            label_enc.push(char::from(b));
        } else {
            label_enc.push_str(&format!("%{b:02X}"));
        }
    }
    let label_enc = if label_enc.is_empty() {
        "Tessera".to_owned()
    } else {
        label_enc
    };
    let mut uri = Zeroizing::new(String::with_capacity(40 + label_enc.len() + secret.len()));
    uri.push_str("otpauth://totp/");
    uri.push_str(&label_enc);
    uri.push_str("?secret=");
    uri.push_str(&secret);
    Ok(uri)
}

/// What a form changes in an entry; `None` leaves that part as it is.
#[derive(Default)]
pub struct Changes<'a> {
    pub password: Option<&'a str>,
    /// `""` removes the login line.
    pub login: Option<&'a str>,
    /// `""` removes the url line.
    pub url: Option<&'a str>,
    /// An `otpauth://` URI or a bare base32 secret ([`otp_uri_from_input`]);
    /// `""` removes the first OTP line.
    pub otp: Option<&'a str>,
    /// The label a bare secret's URI gets (the entry's name).
    pub otp_label: &'a str,
    pub autosubmit: Option<bool>,
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

    /// `text` with `changes` applied, every other line byte for byte; `""` is a
    /// new entry, which ends with a newline as `pass insert` writes it.
    /// Fails (changing nothing) on an OTP secret that is neither base32 nor a valid URI.
    pub fn edited(text: &str, changes: &Changes<'_>) -> Result<Self, OtpError> {
        let otp = match changes.otp.map(str::trim) {
            Some("") => Some(None),
            Some(input) => Some(Some(otp_uri_from_input(input, changes.otp_label)?)),
            None => None,
        };
        let mut e = Self::parse(if text.is_empty() { "\n" } else { text });
        if let Some(p) = changes.password {
            e.set_password(p);
        }
        // url before login: each new field goes right after the password.
        match changes.url {
            Some("") => e.clear_url(),
            Some(u) => e.set_url(u),
            None => {}
        }
        match changes.login {
            Some("") => e.clear_login(),
            Some(l) => e.set_login(l),
            None => {}
        }
        if let Some(uri) = otp {
            e.set_otp_uri(uri.as_deref().map(String::as_str));
        }
        if let Some(on) = changes.autosubmit {
            e.set_autosubmit(on);
        }
        Ok(e)
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

    /// Removes the first line with one of these keys (the login or the url cleared in a form).
    fn remove_field(&mut self, keys: &[&str]) {
        let found = self.lines.iter().skip(1).position(|line| {
            split_field(line).is_some_and(|(k, _)| keys.iter().any(|want| k.eq_ignore_ascii_case(want)))
        });
        if let Some(i) = found {
            self.lines.remove(i + 1);
        }
    }

    pub fn clear_login(&mut self) {
        self.remove_field(LOGIN_KEYS);
    }

    pub fn clear_url(&mut self) {
        self.remove_field(URL_KEYS);
    }

    /// Where a new line goes: after the last line, but before the empty line a
    /// final `\n` leaves, so the text keeps ending with a newline.
    fn append_position(&self) -> usize {
        match self.lines.last() {
            Some(last) if self.lines.len() > 1 && last.is_empty() => self.lines.len() - 1,
            _ => self.lines.len(),
        }
    }

    /// Sets `autosubmit`: rewrites the value of an existing `autosubmit:` line
    /// (its key as written), else adds `autosubmit: true` at the end when `on`.
    /// Off with no such line changes nothing.
    pub fn set_autosubmit(&mut self, on: bool) {
        if self.autosubmit() == on {
            return;
        }
        let value = if on { "true" } else { "false" };
        for line in self.lines.iter_mut().skip(1) {
            if let Some((k, _)) = split_field(line) {
                if k.eq_ignore_ascii_case("autosubmit") {
                    let key = k.to_owned();
                    let cr = if line.ends_with('\r') { "\r" } else { "" };
                    *line = Zeroizing::new(format!("{key}: {value}{cr}"));
                    return;
                }
            }
        }
        let at = self.append_position();
        self.lines
            .insert(at, Zeroizing::new(format!("autosubmit: {value}")));
    }

    /// Sets the first one-time-code URI: replaced in its line (a `totp:` prefix
    /// stays), else added as a line of its own at the end (`pass otp`'s way).
    /// `None` removes the line of the first one.
    pub fn set_otp_uri(&mut self, uri: Option<&str>) {
        match uri {
            Some(uri) => {
                if !self.replace_otp_uri(0, uri) {
                    let at = self.append_position();
                    self.lines.insert(at, Zeroizing::new(uri.to_owned()));
                }
            }
            None => {
                if let Some(i) = self.lines.iter().skip(1).position(|l| otp_uri_in(l).is_some()) {
                    self.lines.remove(i + 1);
                }
            }
        }
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

    #[test]
    fn otp_input_with_a_multibyte_character_at_the_tenth_byte_is_refused_not_a_panic() {
        // Found by the `otpauth` fuzz target (minimised): "otpauth:/" then
        // U+0453, whose two bytes straddle byte 10; slicing there panicked.
        let input = "otpauth:/\u{453}otp/Example:alice?secret=JBSWY3DPEHPK3PXP";
        assert!(otp_uri_from_input(input, "label").is_err());
        let fuzzed =
            b"otpauth:/\xd1\x93otp/Example:alice@example.test?s\x03cret=JBSWY3DPEHPK3PXP&issuer=Example";
        let fuzzed = std::str::from_utf8(fuzzed).expect("UTF-8");
        assert!(otp_uri_from_input(fuzzed, "label").is_err());
    }

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
    fn autosubmit_edits_keep_the_other_lines() {
        let mut e = Entry::parse("pw\nlogin: a\nnote: x\n");
        e.set_autosubmit(false);
        assert_eq!(
            *e.to_text(),
            "pw\nlogin: a\nnote: x\n",
            "off without a line: unchanged"
        );
        e.set_autosubmit(true);
        assert_eq!(*e.to_text(), "pw\nlogin: a\nnote: x\nautosubmit: true\n");
        assert!(e.autosubmit());
        let mut e = Entry::parse("pw\r\nAutoSubmit: yes\r\nend");
        e.set_autosubmit(true);
        assert_eq!(
            *e.to_text(),
            "pw\r\nAutoSubmit: yes\r\nend",
            "already on: byte for byte"
        );
        e.set_autosubmit(false);
        assert_eq!(*e.to_text(), "pw\r\nAutoSubmit: false\r\nend");
        assert!(!e.autosubmit());
        let mut e = Entry::parse("pw");
        e.set_autosubmit(true);
        assert_eq!(*e.to_text(), "pw\nautosubmit: true");
    }

    #[test]
    fn otp_edits_replace_add_and_remove_one_line() {
        let old = "otpauth://totp/x?secret=AAAA";
        let new = "otpauth://totp/y?secret=BBBB";
        let mut e = Entry::parse(&format!("pw\nlogin: a\ntotp: {old}\nRecovery: 1234\n"));
        e.set_otp_uri(Some(new));
        assert_eq!(
            *e.to_text(),
            format!("pw\nlogin: a\ntotp: {new}\nRecovery: 1234\n")
        );
        e.set_otp_uri(None);
        assert_eq!(*e.to_text(), "pw\nlogin: a\nRecovery: 1234\n");
        assert!(e.otp_uris().is_empty());
        e.set_otp_uri(None);
        assert_eq!(
            *e.to_text(),
            "pw\nlogin: a\nRecovery: 1234\n",
            "nothing to remove"
        );
        e.set_otp_uri(Some(old));
        assert_eq!(*e.to_text(), format!("pw\nlogin: a\nRecovery: 1234\n{old}\n"));
        assert_eq!(e.otp_uris().len(), 1);
        // Only the first URI is the form's; a second one stays.
        let mut e = Entry::parse(&format!("pw\n{old}\n{new}"));
        e.set_otp_uri(Some("otpauth://totp/z?secret=CCCC"));
        assert_eq!(*e.to_text(), format!("pw\notpauth://totp/z?secret=CCCC\n{new}"));
    }

    #[test]
    fn cleared_login_and_url_lose_their_line_only() {
        let mut e = Entry::parse(SAMPLE);
        e.clear_login();
        e.clear_url();
        assert_eq!(
            *e.to_text(),
            SAMPLE
                .replace("Login: alice\n", "")
                .replace("URL: https://console.example.test\n", "")
        );
        assert!(e.login().is_none() && e.url().is_none());
        let mut e = Entry::parse("pw\nnote: x");
        e.clear_login();
        assert_eq!(*e.to_text(), "pw\nnote: x");
    }

    #[test]
    fn otp_input_becomes_an_otpauth_uri() {
        let uri = otp_uri_from_input(" jbsw y3dp-ehpk3pxp ", "console.example.test").expect("base32");
        assert_eq!(
            *uri,
            "otpauth://totp/console.example.test?secret=JBSWY3DPEHPK3PXP"
        );
        let p = OtpParams::parse(&uri).expect("parses");
        assert_eq!(p.account.as_deref(), Some("console.example.test"));
        assert_eq!(
            p.code(59).code.as_str(),
            OtpParams::parse("otpauth://totp/x?secret=JBSWY3DPEHPK3PXP")
                .expect("ref")
                .code(59)
                .code
                .as_str()
        );
        let uri = otp_uri_from_input("JBSWY3DPEHPK3PXP", "work/my site:1").expect("label");
        assert_eq!(
            *uri,
            "otpauth://totp/work%2Fmy%20site%3A1?secret=JBSWY3DPEHPK3PXP"
        );
        assert_eq!(
            *otp_uri_from_input("JBSWY3DPEHPK3PXP", "").expect("no label"),
            "otpauth://totp/Tessera?secret=JBSWY3DPEHPK3PXP"
        );
        let given = "otpauth://hotp/Ex:bob?secret=JBSWY3DPEHPK3PXP&counter=4&digits=8";
        assert_eq!(
            *otp_uri_from_input(&format!("  {given}\n"), "x").expect("uri"),
            given
        );
        assert_eq!(
            otp_uri_from_input("not base32!", "x").expect_err("bad"),
            OtpError::BadSecret
        );
        assert_eq!(
            otp_uri_from_input("", "x").expect_err("empty"),
            OtpError::BadSecret
        );
        assert!(otp_uri_from_input("otpauth://totp/x?secret=", "x").is_err());
        assert!(
            otp_uri_from_input("OTPAUTH://hotp/x?secret=AAAA", "x").is_err(),
            "hotp needs a counter"
        );
    }

    #[test]
    fn form_changes_on_a_new_and_an_existing_entry() {
        let fresh = Entry::edited(
            "",
            &Changes {
                password: Some("g3n3rated"),
                login: Some("alice"),
                url: Some("http://127.0.0.1:8080"),
                otp: Some("JBSWY3DPEHPK3PXP"),
                otp_label: "console",
                autosubmit: Some(true),
            },
        )
        .expect("valid");
        assert_eq!(
            *fresh.to_text(),
            "g3n3rated\nlogin: alice\nurl: http://127.0.0.1:8080\n\
otpauth://totp/console?secret=JBSWY3DPEHPK3PXP\nautosubmit: true\n"
        );
        let plain = Entry::edited(
            "",
            &Changes {
                password: Some("pw"),
                ..Changes::default()
            },
        )
        .expect("ok");
        assert_eq!(*plain.to_text(), "pw\n");
        // An edit of every form field keeps the lines the form does not know.
        let changes = Changes {
            password: Some("new pw"),
            login: Some("alice"),
            url: Some("https://console.example.test"),
            otp: Some("otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example"),
            otp_label: "x",
            autosubmit: Some(true),
        };
        let e = Entry::edited(SAMPLE, &changes).expect("ok");
        assert_eq!(*e.to_text(), SAMPLE.replace("hunter2", "new pw"));
        let off = Changes {
            otp: Some(""),
            autosubmit: Some(false),
            login: Some(""),
            ..Changes::default()
        };
        let e = Entry::edited(SAMPLE, &off).expect("ok");
        assert_eq!(
            *e.to_text(),
            SAMPLE
                .replace("Login: alice\n", "")
                .replace("autosubmit: true", "autosubmit: false")
                .replace(
                    "otpauth://totp/Example:alice?secret=JBSWY3DPEHPK3PXP&issuer=Example\n",
                    ""
                )
        );
        let bad = Changes {
            otp: Some("no!"),
            ..Changes::default()
        };
        assert_eq!(
            Entry::edited(SAMPLE, &bad).expect_err("bad secret"),
            OtpError::BadSecret
        );
    }

    #[test]
    fn debug_never_shows_secrets() {
        let e = Entry::parse(SAMPLE);
        let dbg = format!("{e:?} {:?}", e.fields());
        assert!(!dbg.contains("hunter2") && !dbg.contains("JBSWY3DP"), "{dbg}");
    }
}
