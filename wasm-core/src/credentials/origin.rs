//! Which pages an entry may fill. The entry's `url` (or, without one, its file
//! name) names a site; a page gets the entry's secrets only when its origin
//! is that site: same scheme rules, same host after IDNA/punycode
//! normalisation (as the browser's URL parser does it), same port. With
//! `allow_subdomains: true` the page may be any host of the same registrable
//! domain (public suffix list). A cross-origin frame needs the user's
//! confirmation. Everything else is refused, with the reason.

use url::{Host, Url};

/// What the extension may do on a page with an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FillDecision {
    /// Fill (and, if the entry says so, submit).
    Fill,
    /// The frame is the entry's site but the top page is another origin: ask first.
    NeedsConfirmation(String),
    /// Never fill; the reason is for the UI and logs.
    Refuse(String),
}

/// An entry's site, parsed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrySite {
    scheme_is_http: bool,
    host: Host<String>,
    port: Option<u16>,
    allow_subdomains: bool,
}

/// Parses an entry's `url` field. A bare host (`console.example.test`,
/// `console.example.test/login`) means `https://`.
pub fn entry_site(url: &str, allow_subdomains: bool) -> Result<EntrySite, String> {
    let url = url.trim();
    let with_scheme = if url.contains("://") {
        url.to_owned()
    } else {
        format!("https://{url}")
    };
    let parsed =
        Url::parse(&with_scheme).map_err(|e| format!("the entry's url `{url}` is not a URL: {e}"))?;
    let scheme_is_http = match parsed.scheme() {
        "https" => false,
        "http" => true,
        other => {
            return Err(format!(
                "the entry's url has scheme `{other}`: only https and http pages are filled"
            ))
        }
    };
    let host = parsed
        .host()
        .map(|h| h.to_owned())
        .ok_or_else(|| format!("the entry's url `{url}` has no host"))?;
    Ok(EntrySite {
        scheme_is_http,
        host,
        port: parsed.port(),
        allow_subdomains,
    })
}

/// Whether a page's frame may be filled. `frame_url` is the URL of the frame
/// holding the form; `top_url` the tab's top-level URL (same as `frame_url`
/// for a top-level form).
pub fn may_fill(site: &EntrySite, frame_url: &str, top_url: &str) -> FillDecision {
    let frame = match page(frame_url) {
        Ok(u) => u,
        Err(reason) => return FillDecision::Refuse(reason),
    };
    if let Err(reason) = site_matches(site, &frame) {
        return FillDecision::Refuse(reason);
    }
    match page(top_url) {
        Ok(top) if top.origin() == frame.origin() => FillDecision::Fill,
        Ok(top) => FillDecision::NeedsConfirmation(format!(
            "the form is in a frame of {} inside a page of {}: fill only if you trust that page",
            frame.origin().ascii_serialization(),
            top.origin().ascii_serialization()
        )),
        Err(reason) => FillDecision::NeedsConfirmation(format!("the top page is not a web page ({reason})")),
    }
}

fn page(url: &str) -> Result<Url, String> {
    let u = Url::parse(url).map_err(|e| format!("`{url}` is not a URL: {e}"))?;
    if !matches!(u.scheme(), "https" | "http") {
        return Err(format!("pages with scheme `{}` are never filled", u.scheme()));
    }
    if !u.username().is_empty() || u.password().is_some() {
        // https://console.example.test@evil.test is evil.test: refuse outright.
        return Err(format!(
            "the page's URL carries a user name or password (the host is {}): never filled",
            u.host_str().unwrap_or("?")
        ));
    }
    Ok(u)
}

fn site_matches(site: &EntrySite, page: &Url) -> Result<(), String> {
    if page.scheme() == "http" && !site.scheme_is_http {
        return Err("the page is http:, the entry's url is https: (only an entry whose url names http: fills over http)".into());
    }
    let Some(host) = page.host().map(|h| h.to_owned()) else {
        return Err("the page has no host".into());
    };
    // An http: entry also fills its https: page; ports compare as written (None = the scheme's default).
    if page.port() != site.port {
        return Err(format!(
            "the page's port {:?} is not the entry's {:?}",
            page.port_or_known_default(),
            site.port.or(Some(if site.scheme_is_http { 80 } else { 443 }))
        ));
    }
    if host == site.host {
        return Ok(());
    }
    if site.allow_subdomains {
        if let (Host::Domain(page_host), Host::Domain(entry_host)) = (&host, &site.host) {
            if let (Some(p), Some(e)) = (registrable(page_host), registrable(entry_host)) {
                if p == e {
                    return Ok(());
                }
            }
        }
    }
    Err(format!(
        "the page's host {} is not the entry's {}{}",
        host,
        site.host,
        if site.allow_subdomains {
            " nor of its registrable domain"
        } else {
            ""
        }
    ))
}

/// The registrable domain (eTLD+1) of an ASCII host, by the public suffix list.
/// `None` for a public suffix itself (`co.uk`, `github.io`).
pub fn registrable(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let d = psl::domain(host.as_bytes())?;
    std::str::from_utf8(d.as_bytes()).ok().map(str::to_owned)
}

/// An entry as the ranking sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Store path of the entry, without `.gpg` (`work/console.example.test`).
    pub path: String,
    /// The entry's `url`, when it was decrypted; `None` for entries known by name only.
    pub url: Option<String>,
    pub allow_subdomains: bool,
}

/// Why an entry is offered for a tab, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    /// The entry's url is the page's host.
    UrlExact,
    /// The entry's url allows subdomains and shares the page's registrable domain.
    UrlDomain,
    /// A path component (file or folder) is the page's host.
    PathHost,
    /// A path component is the page's registrable domain.
    PathDomain,
}

/// Entries worth offering on `tab_url`, best first (then by path): the entries
/// whose url may fill the page, then those whose path names its host or
/// domain. Ranking only suggests: filling still goes through [`may_fill`].
pub fn rank(candidates: &[Candidate], tab_url: &str) -> Vec<(usize, Match)> {
    let Ok(page) = page(tab_url) else {
        return Vec::new();
    };
    let Some(Host::Domain(host)) = page.host().map(|h| h.to_owned()) else {
        // IP hosts: only exact url matches.
        return rank_urls_only(candidates, &page);
    };
    let domain = registrable(&host);
    let mut out: Vec<(usize, Match)> = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        let by_url = c
            .url
            .as_deref()
            .and_then(|u| entry_site(u, c.allow_subdomains).ok())
            .and_then(|s| site_matches(&s, &page).ok().map(|()| s))
            .map(|s| {
                if s.host == Host::Domain(host.clone()) {
                    Match::UrlExact
                } else {
                    Match::UrlDomain
                }
            });
        let by_path = || {
            let names: Vec<String> = c.path.split('/').filter_map(path_host).collect();
            if names.contains(&host) {
                Some(Match::PathHost)
            } else if domain.as_ref().is_some_and(|d| names.iter().any(|n| n == d)) {
                Some(Match::PathDomain)
            } else {
                None
            }
        };
        if let Some(m) = by_url.or_else(by_path) {
            out.push((i, m));
        }
    }
    out.sort_by(|a, b| {
        a.1.cmp(&b.1)
            .then_with(|| candidates[a.0].path.cmp(&candidates[b.0].path))
    });
    out
}

fn rank_urls_only(candidates: &[Candidate], page: &Url) -> Vec<(usize, Match)> {
    candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.url
                .as_deref()
                .and_then(|u| entry_site(u, false).ok())
                .is_some_and(|s| site_matches(&s, page).is_ok())
        })
        .map(|(i, _)| (i, Match::UrlExact))
        .collect()
}

/// A path component as a host name (IDNA-normalised), e.g. `Console.Example.test` or `bücher.example`.
fn path_host(component: &str) -> Option<String> {
    let name = component.rsplit_once('@').map_or(component, |(_, h)| h); // `alice@site.example`
    let u = Url::parse(&format!("https://{name}/")).ok()?;
    match u.host()? {
        Host::Domain(d) if d.contains('.') => Some(d.to_owned()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decide(entry_url: &str, subdomains: bool, frame: &str, top: &str) -> FillDecision {
        may_fill(&entry_site(entry_url, subdomains).expect("entry url"), frame, top)
    }

    fn fills(entry_url: &str, subdomains: bool, page: &str) -> bool {
        decide(entry_url, subdomains, page, page) == FillDecision::Fill
    }

    const E: &str = "https://console.example.test";

    #[test]
    fn the_issue_cases() {
        assert!(fills(E, false, "https://console.example.test/login"));
        assert!(
            !fills(E, false, "http://console.example.test/login"),
            "no downgrade to http"
        );
        assert!(
            !fills(E, false, "https://console.example.test.evil.test/login"),
            "suffix lookalike"
        );
        assert!(
            !fills(E, true, "https://console.example.test.evil.test/login"),
            "even with subdomains"
        );
        let d = decide(
            E,
            false,
            "https://console.example.test/login",
            "https://evil.test/",
        );
        assert!(
            matches!(d, FillDecision::NeedsConfirmation(_)),
            "cross-origin iframe: {d:?}"
        );
    }

    #[test]
    fn exact_host_scheme_and_port() {
        assert!(
            fills(E, false, "https://CONSOLE.Example.TEST/"),
            "case normalises"
        );
        assert!(
            !fills(E, false, "https://console.example.test./"),
            "a trailing dot is another origin"
        );
        assert!(
            fills("console.example.test", false, "https://console.example.test/x"),
            "bare host is https"
        );
        assert!(fills(
            "https://console.example.test:443/",
            false,
            "https://console.example.test/"
        ));
        assert!(!fills(E, false, "https://console.example.test:8443/"));
        assert!(fills(
            "https://console.example.test:8443",
            false,
            "https://console.example.test:8443/"
        ));
        assert!(
            !fills(E, false, "https://other.example.test/"),
            "no subdomains unless allowed"
        );
        assert!(!fills(E, false, "https://example.test/"));
        // An http: entry fills http and https pages of its host.
        assert!(fills(
            "http://intranet.example.test",
            false,
            "http://intranet.example.test/"
        ));
        assert!(fills(
            "http://intranet.example.test",
            false,
            "https://intranet.example.test/"
        ));
        assert!(entry_site("ftp://console.example.test", false).is_err());
        for page in [
            "file:///etc/passwd",
            "javascript:alert(1)",
            "data:text/html,x",
            "not a url",
        ] {
            assert!(!fills(E, false, page), "{page}");
        }
    }

    #[test]
    fn userinfo_tricks_are_refused() {
        assert!(!fills(E, false, "https://console.example.test@evil.test/"));
        assert!(!fills(E, false, "https://console.example.test:pw@evil.test/"));
        assert!(
            !fills(E, false, "https://evil.test@console.example.test/"),
            "any userinfo is refused"
        );
        assert!(!fills(E, false, "https://console.example.test%2F@evil.test/"));
    }

    #[test]
    fn punycode_and_homographs() {
        // Cyrillic "о" (U+043E) in place of the Latin "o": a different host.
        assert!(!fills(E, false, "https://c\u{043e}nsole.example.test/"));
        let homograph = Url::parse("https://c\u{043e}nsole.example.test/").expect("url");
        assert!(homograph.host_str().expect("host").starts_with("xn--"));
        assert!(!fills(E, false, homograph.as_str()));
        // A Unicode entry fills its punycode page and the other way round.
        assert!(fills(
            "https://b\u{fc}cher.example.test",
            false,
            "https://xn--bcher-kva.example.test/"
        ));
        assert!(fills(
            "https://xn--bcher-kva.example.test",
            false,
            "https://B\u{dc}CHER.example.test/"
        ));
    }

    #[test]
    fn subdomains_by_registrable_domain() {
        assert!(fills(E, true, "https://login.example.test/"));
        assert!(fills(E, true, "https://example.test/"));
        assert!(!fills(E, true, "https://example.test.evil.test/"));
        assert!(!fills(E, true, "http://login.example.test/"), "still no http");
        // Public suffixes: github.io sites are separate registrable domains.
        assert!(!fills(
            "https://alice.github.io",
            true,
            "https://mallory.github.io/"
        ));
        assert!(fills(
            "https://www.example.co.uk",
            true,
            "https://login.example.co.uk/"
        ));
        assert!(!fills("https://www.example.co.uk", true, "https://evil.co.uk/"));
        assert_eq!(registrable("a.b.example.co.uk").as_deref(), Some("example.co.uk"));
        assert_eq!(registrable("co.uk"), None);
        // IP addresses: exact only.
        assert!(fills("https://192.0.2.10", true, "https://192.0.2.10/"));
        assert!(!fills("https://192.0.2.10", true, "https://192.0.2.11/"));
    }

    #[test]
    fn frames() {
        let same = decide(
            E,
            false,
            "https://console.example.test/f",
            "https://console.example.test/",
        );
        assert_eq!(same, FillDecision::Fill);
        let other = decide(
            E,
            true,
            "https://login.example.test/f",
            "https://console.example.test/",
        );
        assert!(
            matches!(other, FillDecision::NeedsConfirmation(_)),
            "different origin, same site"
        );
        let bad_frame = decide(E, false, "https://evil.test/f", "https://console.example.test/");
        assert!(matches!(bad_frame, FillDecision::Refuse(_)));
    }

    #[test]
    fn ranking_url_matches_first_then_path_names() {
        let c = |path: &str, url: Option<&str>, sub: bool| Candidate {
            path: path.into(),
            url: url.map(Into::into),
            allow_subdomains: sub,
        };
        let entries = [
            c("misc/notes", None, false),
            c("work/console.example.test", None, false),
            c("zzz/admin", Some("https://console.example.test"), false),
            c("sso", Some("https://example.test"), true),
            c("example.test/alice", None, false),
            c("console.example.test.evil.test", None, false),
            c("old", Some("http://console.example.test"), false),
        ];
        let ranked = rank(&entries, "https://console.example.test/login");
        let order: Vec<(&str, Match)> = ranked
            .iter()
            .map(|(i, m)| (entries[*i].path.as_str(), *m))
            .collect();
        assert_eq!(
            order,
            [
                ("old", Match::UrlExact),
                ("zzz/admin", Match::UrlExact),
                ("sso", Match::UrlDomain),
                ("work/console.example.test", Match::PathHost),
                ("example.test/alice", Match::PathDomain),
            ]
        );
        assert!(rank(&entries, "https://console.example.test@evil.test/").is_empty());
    }
}
