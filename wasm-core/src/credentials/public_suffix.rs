//! The public suffix list (ICANN and private sections), for the registrable
//! domain of a host. The list is `public_suffix.bin`, generated from the
//! `psl` crate's copy of the list by `scripts/lib/public-suffix.mjs` (which
//! says its format): 80 KB raw, about 37 KB of the module's gzip size, where
//! the `psl` crate compiled the same list to 880 KB of matching code. The
//! test `same_as_the_psl_crate` checks that both give the same answer for
//! every rule of the list and the hosts around it, with one difference, on
//! purpose: a host that is a node of the list under a wildcard without being
//! a rule (`ex.futurecms.at`, under `*.futurecms.at`) is a public suffix here,
//! by the PSL algorithm as browsers apply it; `psl` skips the wildcard there.

use std::sync::OnceLock;

static LIST: &[u8] = include_bytes!("public_suffix.bin");

/// The rules with their labels reversed (`ck.*`, `ck.!www`, `uk.co`), sorted
/// for binary search. Decoded once, on the first lookup.
fn rules() -> &'static [Box<str>] {
    static RULES: OnceLock<Vec<Box<str>>> = OnceLock::new();
    RULES.get_or_init(|| {
        let mut out: Vec<Box<str>> = Vec::with_capacity(11_000);
        let mut prev: Vec<u8> = Vec::new();
        let mut rest = LIST;
        while let Some((&shared, tail)) = rest.split_first() {
            let end = tail.iter().position(|&b| b == b'\n').unwrap_or(tail.len());
            prev.truncate(usize::from(shared));
            prev.extend_from_slice(&tail[..end]);
            // The generator writes UTF-8; a rule that is not would never match a host.
            if let Ok(rule) = std::str::from_utf8(&prev) {
                out.push(rule.into());
            }
            rest = tail.get(end + 1..).unwrap_or(&[]);
        }
        out.sort_unstable();
        out
    })
}

fn has(key: &str) -> bool {
    rules().binary_search_by(|r| (**r).cmp(key)).is_ok()
}

/// Length in bytes of the public suffix at the end of `name` (labels
/// separated by `.`, lowercase), by the PSL algorithm: the longest matching
/// rule, an exception rule (`!www.ck`) before any other, and `*` (the last
/// label) when no rule matches. The `psl` crate's `List::find`.
fn suffix_len(name: &str) -> usize {
    let labels: Vec<&str> = name.rsplit('.').collect();
    // `key` is the name's last `n` labels, reversed: the rule that names them.
    let mut key = String::with_capacity(name.len() + 2);
    let mut best = labels.first().map_or(0, |l| l.len());
    let mut len = 0usize;
    for (n, label) in labels.iter().enumerate() {
        let parent_len = key.len();
        if n > 0 {
            key.push('.');
        }
        // `ck.!www`: this label is not part of the suffix, its parent is.
        key.push('!');
        key.push_str(label);
        if has(&key) {
            return len;
        }
        key.truncate(parent_len);
        if n > 0 {
            key.push('.');
        }
        key.push('*');
        let wildcard = has(&key);
        key.truncate(parent_len);
        if n > 0 {
            key.push('.');
        }
        key.push_str(label);
        len += label.len() + usize::from(n > 0);
        if wildcard || has(&key) {
            best = len;
        } else if !has_prefix(&key) {
            // No rule is longer than this one: the trie has no node here.
            break;
        }
    }
    best
}

/// Whether some rule continues `key` with more labels (`key.`…): the rules
/// that do are the ones from `key.` on, sorted together.
fn has_prefix(key: &str) -> bool {
    let probe = format!("{key}.");
    let rules = rules();
    let i = rules.partition_point(|r| **r < *probe);
    rules.get(i).is_some_and(|r| r.starts_with(&probe))
}

/// The registrable domain (the public suffix and one label before it) of
/// `name`, computed as the `psl` crate's `domain` does (see the module's
/// comment for the one difference); `None` when `name` is a public suffix
/// itself. A trailing dot is kept in the answer.
pub fn domain(name: &str) -> Option<&str> {
    let (body, fqdn) = match name.strip_suffix('.') {
        Some(b) => (b, true),
        None => (name, false),
    };
    let mut suffix = suffix_len(body);
    if fqdn {
        suffix += 1;
    }
    if suffix == 0 || name.len() < suffix + 2 {
        return None;
    }
    let subdomain = name.get(..name.len() - suffix - 1)?;
    let root_label = subdomain.rsplit('.').next()?;
    name.get(name.len() - (root_label.len() + 1 + suffix)..)
}

#[cfg(test)]
mod tests {
    use super::*;
    // In Chromium too (`scripts/lib/wasm.sh test`); the comparison with `psl` is native only.
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[cfg(not(target_arch = "wasm32"))]
    fn psl_domain(name: &str) -> Option<&str> {
        psl::domain(name.as_bytes()).and_then(|d| std::str::from_utf8(d.as_bytes()).ok())
    }

    /// Every rule (wildcards with a label in place of `*`), each with zero to
    /// two labels before it and with its first label removed, plus hosts that
    /// branch off every node of the list: the same registrable domain as the
    /// `psl` crate, or none for both.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn same_as_the_psl_crate() {
        let mut names: Vec<String> = Vec::new();
        for rule in rules() {
            let labels: Vec<&str> = rule.split('.').rev().collect();
            let plain: Vec<String> = labels
                .iter()
                .map(|l| match *l {
                    "*" => "any".to_owned(),
                    l => l.trim_start_matches('!').to_owned(),
                })
                .collect();
            let host = plain.join(".");
            for pre in ["", "a.", "b.a.", "www.", "any.", "a.any."] {
                names.push(format!("{pre}{host}"));
                names.push(format!("{pre}{host}."));
            }
            if let Some((_, parent)) = host.split_once('.') {
                names.push(parent.to_owned());
                names.push(format!("x.{parent}"));
                names.push(format!("y.x.{parent}"));
            }
            // Every node on the way down, and a sibling of it.
            for k in 1..plain.len() {
                let tail = plain[plain.len() - k..].join(".");
                names.push(format!("zz.{tail}"));
                names.push(format!("q.zz.{tail}"));
            }
        }
        for odd in [
            "",
            ".",
            "..",
            "com",
            "com.",
            "example.com",
            "a..example.com",
            ".example.com",
            "localhost",
            "192.0.2.10",
            "example.test",
            "console.example.test.evil.test",
            "a.b.example.co.uk",
            "www.ck",
            "a.www.ck",
            "b.ck",
            "a.b.ck",
            "xn--55qx5d.cn",
            "a.xn--55qx5d.cn",
            "a.\u{516c}\u{53f8}.cn",
            "\u{516c}\u{53f8}.cn",
            "alice.github.io",
            "github.io",
        ] {
            names.push(odd.to_owned());
        }
        assert!(names.len() > 100_000, "{} names", names.len());
        let mut differ = Vec::new();
        let mut wildcard_nodes = Vec::new();
        for name in &names {
            if domain(name) == psl_domain(name) {
                continue;
            }
            // The one known difference: a name that is a node of the list
            // without being a rule, under a wildcard (`ex.futurecms.at`, with
            // the rules `*.futurecms.at` and `*.ex.futurecms.at`). By the
            // PSL algorithm (and browsers) the wildcard makes it a public
            // suffix; the `psl` crate ignores the wildcard there and answers
            // with the rule above (`at`), so a registrable domain `futurecms.at`.
            let body = name.trim_end_matches('.');
            let reversed: Vec<&str> = body.rsplit('.').collect();
            let key = reversed.join(".");
            let parent_wildcard = format!("{}.*", reversed[..reversed.len() - 1].join("."));
            if !has(&key) && has_prefix(&key) && has(&parent_wildcard) && domain(name).is_none() {
                wildcard_nodes.push(name.clone());
            } else {
                differ.push(format!(
                    "{name}: {:?} vs psl {:?}",
                    domain(name),
                    psl_domain(name)
                ));
            }
        }
        assert!(
            differ.is_empty(),
            "{} of {} differ: {:#?}",
            differ.len(),
            names.len(),
            &differ[..differ.len().min(20)]
        );
        eprintln!(
            "{} names; the same as psl but for {} wildcard nodes",
            names.len(),
            wildcard_nodes.len()
        );
        assert!(
            wildcard_nodes.iter().any(|n| n == "ex.futurecms.at") && wildcard_nodes.len() < 100,
            "{wildcard_nodes:?}"
        );
    }

    #[test]
    fn the_algorithm_by_example() {
        assert_eq!(domain("a.b.example.co.uk"), Some("example.co.uk"));
        assert_eq!(domain("co.uk"), None);
        assert_eq!(
            domain("alice.github.io"),
            Some("alice.github.io"),
            "private section"
        );
        assert_eq!(domain("x.alice.github.io"), Some("alice.github.io"));
        assert_eq!(domain("a.b.ck"), Some("a.b.ck"), "*.ck: b.ck is a suffix");
        assert_eq!(domain("a.www.ck"), Some("www.ck"), "!www.ck: www.ck is not");
        assert_eq!(
            domain("console.example.test"),
            Some("example.test"),
            "unknown TLD: the `*` rule"
        );
        assert_eq!(domain("a.example.com."), Some("example.com."));
    }
}
