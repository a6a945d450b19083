//! The origin rules of autofill: an entry's site (`entry_site`), whether a
//! frame may be filled (`may_fill`), registrable domains, ranking of entries
//! for a tab. Input: entry URL, frame URL and top URL on three lines; the
//! first byte's low bit allows subdomains. The security property is checked:
//! a fill without subdomains is only ever to the entry's own host and port.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tessera_core::credentials::origin::{entry_site, may_fill, rank, registrable, Candidate, FillDecision};

fn host_port(url: &str) -> Option<(String, Option<u16>)> {
    let u = url::Url::parse(url.trim()).ok()?;
    Some((u.host_str()?.to_ascii_lowercase(), u.port_or_known_default()))
}

fuzz_target!(|data: &[u8]| {
    let Some((&flags, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let mut lines = text.splitn(3, '\n');
    let (entry_url, frame_url, top_url) = (
        lines.next().unwrap_or(""),
        lines.next().unwrap_or(""),
        lines.next().unwrap_or(""),
    );
    let allow_subdomains = flags & 1 == 1;
    let _ = registrable(entry_url);
    if let Ok(site) = entry_site(entry_url, allow_subdomains) {
        let decision = may_fill(&site, frame_url, top_url);
        if decision == FillDecision::Fill && !allow_subdomains {
            if let (Some(entry), Some(frame)) = (host_port(entry_url), host_port(frame_url)) {
                assert_eq!(
                    entry.0, frame.0,
                    "filled another host: {entry_url:?} into {frame_url:?}"
                );
            }
        }
    }
    let candidates = [
        Candidate {
            path: format!("sites/{entry_url}"),
            url: Some(entry_url.to_string()),
            allow_subdomains,
            url_known: flags & 2 == 2,
        },
        Candidate {
            path: entry_url.to_string(),
            url: None,
            allow_subdomains,
            url_known: false,
        },
    ];
    for ranked in rank(&candidates, frame_url) {
        assert!(ranked.index < candidates.len());
    }
});
