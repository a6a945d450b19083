//! Which pages an entry may fill. The entry's `url` (or, without one, its file
//! name) names a site; a page gets the entry's secrets only when its origin
//! is that site: same scheme rules, same host after IDNA/punycode
//! normalisation (as the browser's URL parser does it), same port. With
//! `allow_subdomains: true` the page may be any host of the same registrable
//! domain (public suffix list). A cross-origin frame needs the user's
//! confirmation. Everything else is refused, with the reason.
//!
//! URLs are parsed by a WHATWG URL parser (`web_url`): the browser's own in
//! the extension, the `url` crate natively.

use super::public_suffix;
use super::web_url::{self, HostKind, WebUrl};

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
    /// As the parser serialises it (`web_url::WebUrl::host`): equal strings
    /// are equal hosts.
    host: String,
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
        web_url::parse(&with_scheme).ok_or_else(|| format!("the entry's url `{url}` is not a URL"))?;
    let scheme_is_http = match parsed.scheme.as_str() {
        "https" => false,
        "http" => true,
        other => {
            return Err(format!(
                "the entry's url has scheme `{other}`: only https and http pages are filled"
            ))
        }
    };
    if parsed.host.is_empty() {
        return Err(format!("the entry's url `{url}` has no host"));
    }
    Ok(EntrySite {
        scheme_is_http,
        host: parsed.host,
        port: parsed.port,
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
        Ok(top) if same_origin(&top, &frame) => FillDecision::Fill,
        Ok(top) => FillDecision::NeedsConfirmation(format!(
            "the form is in a frame of {} inside a page of {}: fill only if you trust that page",
            frame.origin(),
            top.origin()
        )),
        Err(reason) => FillDecision::NeedsConfirmation(format!("the top page is not a web page ({reason})")),
    }
}

/// Same origin (scheme, host, port) as `URL.origin` compares web pages.
fn same_origin(a: &WebUrl, b: &WebUrl) -> bool {
    a.scheme == b.scheme && a.host == b.host && a.port_or_default() == b.port_or_default()
}

fn page(url: &str) -> Result<WebUrl, String> {
    let u = web_url::parse(url).ok_or_else(|| format!("`{url}` is not a URL"))?;
    if !matches!(u.scheme.as_str(), "https" | "http") {
        return Err(format!("pages with scheme `{}` are never filled", u.scheme));
    }
    if !u.username.is_empty() || !u.password.is_empty() {
        // https://console.example.test@evil.test is evil.test: refuse outright.
        return Err(format!(
            "the page's URL carries a user name or password (the host is {}): never filled",
            if u.host.is_empty() { "?" } else { &u.host }
        ));
    }
    Ok(u)
}

fn site_matches(site: &EntrySite, page: &WebUrl) -> Result<(), String> {
    if page.scheme == "http" && !site.scheme_is_http {
        return Err("the page is http:, the entry's url is https: (only an entry whose url names http: fills over http)".into());
    }
    let Some(kind) = page.host_kind() else {
        return Err("the page has no host".into());
    };
    let host = &page.host;
    // An http: entry also fills its https: page; ports compare as written (None = the scheme's default).
    if page.port != site.port {
        let page_port = page.port_or_default().unwrap_or(0);
        let entry_port = site.port.unwrap_or(if site.scheme_is_http { 80 } else { 443 });
        return Err(format!(
            "the page is on port {page_port}, the entry's site on port {entry_port}"
        ));
    }
    if *host == site.host {
        return Ok(());
    }
    // IP addresses match exactly only.
    if site.allow_subdomains
        && kind == HostKind::Domain
        && web_url::host_kind(&site.host) == Some(HostKind::Domain)
    {
        if let (Some(p), Some(e)) = (registrable(host), registrable(&site.host)) {
            if p == e {
                return Ok(());
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
    public_suffix::domain(&host).map(str::to_owned)
}

/// An entry as the ranking sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// Store path of the entry, without `.gpg` (`work/console.example.test`).
    pub path: String,
    /// The entry's `url`, when known (from the index of entries opened or
    /// written before); `None` when it has none or it is not known yet.
    pub url: Option<String>,
    pub allow_subdomains: bool,
    /// Whether `url` is known (the entry was opened or written here): an
    /// unknown entry may still carry a `url:` line that changes its site.
    pub url_known: bool,
}

/// Why an entry is offered for a tab, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Match {
    /// The entry's url is the page's host.
    UrlExact,
    /// The entry's url allows subdomains and shares the page's registrable domain.
    UrlDomain,
    /// The site in the entry's name is the page's host.
    PathHost,
    /// The site in the entry's name allows subdomains and shares the page's registrable domain.
    PathDomain,
    /// Not opened here yet, and its name gives the page's host over https
    /// while the page is http: it fills only if its `url:` line says http,
    /// which is read when it is opened. Offered as a possibility, never as a match.
    PathUnverified,
}

/// Why an entry that names the page's host still would not fill it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NearMiss {
    /// The page is http: and the entry's site https:.
    Scheme,
    /// Another port than the entry's site.
    Port,
}

/// One entry in a tab's ranking: it fills the page (`Ok`), or it names the
/// page's host but would be refused (`Err`, with the site it does fill).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    pub index: usize,
    pub verdict: Result<Match, NearMiss>,
    /// The origin the entry fills (`https://host:9090`), as the user should read it.
    pub site: String,
}

/// The site an entry fills: its `url` line when it has one, else the last
/// component of its path that is a host name or an IP address, with an
/// optional port (`work/10.0.0.5:9090/admin` → `https://10.0.0.5:9090`), as
/// https. The same rule decides ranking and filling, so that what is marked
/// as matching is what fills.
pub fn entry_url_for(path: &str, url: Option<&str>) -> Option<String> {
    if let Some(u) = url.map(str::trim).filter(|u| !u.is_empty()) {
        return Some(u.to_owned());
    }
    path.rsplit('/')
        .find(|c| name_is_site(c))
        .map(|c| format!("https://{}", c.to_ascii_lowercase()))
}

/// A path component that names a site: `host.example`, `host.example:8443`,
/// `10.0.0.5`, `10.0.0.5:9090`, `[2001:db8::1]:8006`. A single label
/// (`admin`, `alice`) is a user or a note, not a site; `user@host` is not a
/// site either (the site is the host, named elsewhere in the path).
fn name_is_site(component: &str) -> bool {
    if component.is_empty() || component.contains(['@', '?', '#', '\\', ' ']) {
        return false;
    }
    let Some(u) = web_url::parse(&format!("https://{component}/")) else {
        return false;
    };
    // The parse must not have moved anything into a path, user or query.
    if u.path != "/" || !u.username.is_empty() {
        return false;
    }
    match u.host_kind() {
        Some(HostKind::Domain) => u.host.contains('.') && !u.host.ends_with('.'),
        Some(HostKind::Ipv4 | HostKind::Ipv6) => true,
        None => false,
    }
}

/// Entries for `tab_url`, best first (then by path): those that fill it, then
/// those that name its host but would be refused, with why. Entries with no
/// relation to the page are left out. Ranking only suggests: filling still
/// goes through [`may_fill`].
pub fn rank(candidates: &[Candidate], tab_url: &str) -> Vec<Ranked> {
    let Ok(page) = page(tab_url) else {
        return Vec::new();
    };
    if page.host.is_empty() {
        return Vec::new();
    }
    let page_host = &page.host;
    let mut out: Vec<Ranked> = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        let from_url = c.url.as_deref().is_some_and(|u| !u.trim().is_empty());
        let Some(url) = entry_url_for(&c.path, c.url.as_deref()) else {
            continue;
        };
        let Ok(site) = entry_site(&url, c.allow_subdomains) else {
            continue;
        };
        let exact = site.host == *page_host;
        let verdict = match site_matches(&site, &page) {
            Ok(()) => Ok(match (from_url, exact) {
                (true, true) => Match::UrlExact,
                (true, false) => Match::UrlDomain,
                (false, true) => Match::PathHost,
                (false, false) => Match::PathDomain,
            }),
            Err(_) if !exact => continue,
            Err(_) if page.scheme == "http" && !site.scheme_is_http && !c.url_known => {
                let mut as_http = site.clone();
                as_http.scheme_is_http = true;
                if site_matches(&as_http, &page).is_ok() {
                    Ok(Match::PathUnverified)
                } else {
                    Err(NearMiss::Scheme)
                }
            }
            Err(_) if page.scheme == "http" && !site.scheme_is_http => Err(NearMiss::Scheme),
            Err(_) => Err(NearMiss::Port),
        };
        out.push(Ranked {
            index: i,
            verdict,
            site: site_origin(&site),
        });
    }
    out.sort_by(|a, b| {
        let key = |r: &Ranked| match r.verdict {
            Ok(m) => (0, Some(m)),
            Err(_) => (1, None),
        };
        key(a)
            .cmp(&key(b))
            .then_with(|| candidates[a.index].path.cmp(&candidates[b.index].path))
    });
    out
}

/// The origin an entry's site names, for the user (`http://host:8080`).
fn site_origin(site: &EntrySite) -> String {
    let scheme = if site.scheme_is_http { "http" } else { "https" };
    let host = &site.host;
    match site.port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    // The same tests in Chromium (`scripts/lib/wasm.sh test`), where the
    // browser's URL parser decides: both parsers must give the same decisions.
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

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
        let homograph = web_url::parse("https://c\u{043e}nsole.example.test/").expect("url");
        assert!(homograph.host.starts_with("xn--"), "{}", homograph.host);
        assert!(!fills(E, false, &format!("https://{}/", homograph.host)));
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

    /// An entry opened here before: its `url` (or that it has none) is known.
    fn cand(path: &str, url: Option<&str>, sub: bool) -> Candidate {
        Candidate {
            path: path.into(),
            url: url.map(Into::into),
            allow_subdomains: sub,
            url_known: true,
        }
    }

    fn ranked<'a>(entries: &'a [Candidate], tab: &str) -> Vec<(&'a str, Result<Match, NearMiss>)> {
        rank(entries, tab)
            .into_iter()
            .map(|r| (entries[r.index].path.as_str(), r.verdict))
            .collect()
    }

    #[test]
    fn ranking_url_matches_first_then_names_then_near_misses() {
        let entries = [
            cand("misc/notes", None, false),
            cand("work/console.example.test", None, false),
            cand("zzz/admin", Some("https://console.example.test"), false),
            cand("sso", Some("https://example.test"), true),
            cand("example.test/alice", None, false),
            cand("console.example.test/bob", None, false),
            cand("console.example.test.evil.test", None, false),
            cand("old", Some("http://console.example.test"), false),
            cand("console.example.test:8443", None, false),
        ];
        assert_eq!(
            ranked(&entries, "https://console.example.test/login"),
            [
                ("old", Ok(Match::UrlExact)),
                ("zzz/admin", Ok(Match::UrlExact)),
                ("sso", Ok(Match::UrlDomain)),
                ("console.example.test/bob", Ok(Match::PathHost)),
                ("work/console.example.test", Ok(Match::PathHost)),
                ("console.example.test:8443", Err(NearMiss::Port)),
            ],
            "example.test/alice names another host and fills only https://example.test: not offered"
        );
        assert!(rank(&entries, "https://console.example.test@evil.test/").is_empty());
    }

    /// Every entry marked as matching fills the page, and no other does: the
    /// ranking and the fill decision agree on the same derived site.
    #[test]
    fn what_is_marked_is_what_fills() {
        let entries = [
            cand("10.0.0.5:9090/admin", None, false),
            cand("console.example.test", None, false),
            cand("host-app", Some("http://host.example.test:8080/"), false),
            cand("host.example.test:9090", None, false),
            cand("[2001:db8::1]:8006/root", None, false),
            cand("alice", None, false),
        ];
        let pages = [
            "https://10.0.0.5:9090/",
            "http://10.0.0.5:9090/",
            "https://10.0.0.5:9091/",
            "https://10.0.0.6:9090/",
            "https://console.example.test/",
            "http://console.example.test/",
            "https://console.example.test:8443/",
            "https://other.example.test/",
            "http://host.example.test:8080/login",
            "https://host.example.test:8080/",
            "http://host.example.test:9090/",
            "https://host.example.test:9090/",
            "https://[2001:db8::1]:8006/",
        ];
        for page_url in pages {
            let marked: Vec<usize> = rank(&entries, page_url)
                .into_iter()
                .filter(|r| r.verdict.is_ok())
                .map(|r| r.index)
                .collect();
            for (i, c) in entries.iter().enumerate() {
                let fills = entry_url_for(&c.path, c.url.as_deref())
                    .and_then(|u| entry_site(&u, c.allow_subdomains).ok())
                    .is_some_and(|s| may_fill(&s, page_url, page_url) == FillDecision::Fill);
                assert_eq!(
                    marked.contains(&i),
                    fills,
                    "{} on {page_url}: marked {} but fills {fills}",
                    c.path,
                    marked.contains(&i)
                );
            }
        }
        // The issue's cases by name.
        assert_eq!(
            ranked(&entries, "https://10.0.0.5:9090/cockpit"),
            [("10.0.0.5:9090/admin", Ok(Match::PathHost))]
        );
        assert_eq!(
            ranked(&entries, "http://host.example.test:9090/"),
            [
                ("host-app", Err(NearMiss::Port)),
                ("host.example.test:9090", Err(NearMiss::Scheme))
            ]
        );
        assert_eq!(
            ranked(&entries, "https://host.example.test:9091/"),
            [
                ("host-app", Err(NearMiss::Port)),
                ("host.example.test:9090", Err(NearMiss::Port))
            ]
        );
    }

    #[test]
    fn the_site_in_an_entry_name() {
        let site = |p: &str| entry_url_for(p, None);
        assert_eq!(
            site("work/Console.Example.test").as_deref(),
            Some("https://console.example.test")
        );
        assert_eq!(
            site("10.0.0.5:9090/admin").as_deref(),
            Some("https://10.0.0.5:9090")
        );
        assert_eq!(
            site("example.test/alice").as_deref(),
            Some("https://example.test")
        );
        assert_eq!(
            site("a.example/b.example/alice").as_deref(),
            Some("https://b.example")
        );
        assert_eq!(
            site("[2001:db8::1]:8006/root").as_deref(),
            Some("https://[2001:db8::1]:8006")
        );
        for none in [
            "alice",
            "misc/notes",
            "alice@mail.example",
            "",
            "localhost",
            "host:9090",
            "a b.example",
        ] {
            assert_eq!(site(none), None, "{none}");
        }
        assert_eq!(
            entry_url_for("console.example.test", Some(" http://other.example.test:8080 ")).as_deref(),
            Some("http://other.example.test:8080"),
            "the url line wins"
        );
        assert_eq!(
            entry_url_for("console.example.test", Some("  ")).as_deref(),
            Some("https://console.example.test")
        );
    }

    /// An entry never opened here may carry a `url: http://…` line: on an
    /// http page of the host its name gives, it is a possibility, ranked after
    /// every match; once known, it is a match or a refusal.
    #[test]
    fn unknown_entries_on_http_are_possible_not_matches() {
        let unknown = |path: &str| Candidate {
            path: path.into(),
            url: None,
            allow_subdomains: false,
            url_known: false,
        };
        let entries = [
            unknown("mail.example.test"),
            unknown("mail.example.test:9090"),
            cand("known-http", Some("http://mail.example.test"), false),
            cand("mail.example.test/known-none", None, false),
        ];
        assert_eq!(
            ranked(&entries, "http://mail.example.test/"),
            [
                ("known-http", Ok(Match::UrlExact)),
                ("mail.example.test", Ok(Match::PathUnverified)),
                ("mail.example.test/known-none", Err(NearMiss::Scheme)),
                ("mail.example.test:9090", Err(NearMiss::Scheme)),
            ]
        );
        assert_eq!(
            ranked(&entries, "https://mail.example.test/"),
            [
                ("known-http", Ok(Match::UrlExact)),
                ("mail.example.test", Ok(Match::PathHost)),
                ("mail.example.test/known-none", Ok(Match::PathHost)),
                ("mail.example.test:9090", Err(NearMiss::Port)),
            ]
        );
    }

    /// Refusals reach the user: no Rust debug formatting in them.
    #[test]
    fn refusals_read_as_sentences() {
        let cases = [
            (
                "https://console.example.test:9090",
                "https://console.example.test:8088/",
            ),
            (
                "https://console.example.test",
                "https://console.example.test:8443/",
            ),
            ("http://console.example.test:8080", "http://console.example.test/"),
            ("https://console.example.test", "http://console.example.test/"),
            ("https://console.example.test", "https://evil.test/"),
            ("https://console.example.test", "https://a@console.example.test/"),
            ("https://console.example.test", "ftp://console.example.test/"),
            ("https://console.example.test", "not a url"),
        ];
        for (entry, page_url) in cases {
            let FillDecision::Refuse(reason) = decide(entry, false, page_url, page_url) else {
                panic!("{entry} on {page_url} should be refused");
            };
            for debug in ["Some(", "None", "Ok(", "Err(", "\\\"", "{:"] {
                assert!(!reason.contains(debug), "{reason:?} contains {debug}");
            }
        }
        let FillDecision::Refuse(reason) = decide(
            "https://console.example.test:9090",
            false,
            "https://console.example.test:8088/",
            "https://console.example.test:8088/",
        ) else {
            panic!("refused");
        };
        assert_eq!(reason, "the page is on port 8088, the entry's site on port 9090");
    }
}
