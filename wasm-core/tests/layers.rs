//! The layers of `src/openpgp/` (its `mod.rs` describes them), checked on
//! the source: a module imports only from its own layer or lower ones, the
//! modules import one another without a cycle, and `openpgp` imports
//! nothing else of this crate (the bindings sit on top of it).
//!
//! Every `use` tree and every `crate::…` / `super::…` path outside comments,
//! strings and `#[cfg(test)] mod …` blocks counts (tests may reach across).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first: a module of `openpgp::<first segment>` is in the
/// layer that lists that segment.
const LAYERS: &[(&str, &[&str])] = &[
    ("shared", &["error", "types"]),
    ("packet", &["packet"]),
    ("crypto", &["crypto"]),
    ("cert", &["cert"]),
    ("ops", &["ops"]),
];

fn layer_of(module: &[String]) -> Option<usize> {
    let first = module.get(1)?;
    LAYERS
        .iter()
        .position(|(_, members)| members.contains(&first.as_str()))
}

fn order() -> String {
    LAYERS
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(" < ")
}

/// One source file of `openpgp`, as a module path (`openpgp::ops::decrypt`).
struct Source {
    file: PathBuf,
    module: Vec<String>,
    text: String,
}

fn sources(src: &Path) -> Vec<Source> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    let mut files = Vec::new();
    walk(&src.join("openpgp"), &mut files);
    files.sort();
    files
        .into_iter()
        .map(|file| {
            let rel = file.strip_prefix(src).unwrap().with_extension("");
            let mut module: Vec<String> = rel.iter().map(|s| s.to_string_lossy().into_owned()).collect();
            if module.last().is_some_and(|m| m == "mod") {
                module.pop();
            }
            let text = code_only(&std::fs::read_to_string(&file).unwrap());
            // Named from the crate's directory in messages: `src/openpgp/…`.
            let file = file.strip_prefix(src.parent().unwrap()).unwrap().to_path_buf();
            Source { file, module, text }
        })
        .collect()
}

/// The source with comments, string and char literals and `#[cfg(test)] mod`
/// blocks blanked out (newlines kept, so offsets and line numbers stay true).
fn code_only(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = b.to_vec();
    let blank = |out: &mut Vec<u8>, from: usize, to: usize| {
        for c in &mut out[from..to.min(b.len())] {
            if *c != b'\n' {
                *c = b' ';
            }
        }
    };
    let mut i = 0;
    while i < b.len() {
        let ident_before = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
        if b[i..].starts_with(b"//") {
            let end = b[i..].iter().position(|&c| c == b'\n').map_or(b.len(), |p| i + p);
            blank(&mut out, i, end);
            i = end;
        } else if b[i..].starts_with(b"/*") {
            let end = src[i + 2..].find("*/").map_or(b.len(), |p| i + 2 + p + 2);
            blank(&mut out, i, end);
            i = end;
        } else if !ident_before && (b[i..].starts_with(b"r\"") || b[i..].starts_with(b"r#")) {
            let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
            let close = format!("\"{}", "#".repeat(hashes));
            let start = i + 1 + hashes + 1;
            let end = src[start..]
                .find(&close)
                .map_or(b.len(), |p| start + p + close.len());
            blank(&mut out, i, end);
            i = end;
        } else if b[i] == b'"' {
            let mut j = i + 1;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            blank(&mut out, i, j + 1);
            i = j + 1;
        } else if b[i] == b'\'' && b.get(i + 1) == Some(&b'\\') {
            let end = b[i + 2..]
                .iter()
                .position(|&c| c == b'\'')
                .map_or(b.len(), |p| i + 2 + p + 1);
            blank(&mut out, i, end);
            i = end;
        } else if b[i] == b'\'' && b.get(i + 2) == Some(&b'\'') {
            blank(&mut out, i, i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    let mut text = String::from_utf8(out).unwrap();
    // `#[cfg(test)] mod name { … }`: blanked up to its matching brace.
    let mut from = 0;
    while let Some(p) = text[from..].find("#[cfg(test)]") {
        let at = from + p;
        let rest = text[at + 12..].trim_start();
        if rest.starts_with("mod ") {
            let open = at + text[at..].find('{').unwrap();
            let mut depth = 0;
            let mut end = text.len();
            for (k, c) in text[open..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = open + k + 1;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            let blanked: String = text[at..end]
                .chars()
                .map(|c| if c == '\n' { '\n' } else { ' ' })
                .collect();
            text.replace_range(at..end, &blanked);
            from = end;
        } else {
            from = at + 12;
        }
    }
    text
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// The paths of a use tree or path expression starting at `i`
/// (`a::b::{c, d::{e, f}}` gives `a::b::c`, `a::b::d::e`, `a::b::d::f`).
fn paths_at(b: &[u8], mut i: usize, prefix: &[String], out: &mut Vec<Vec<String>>) -> usize {
    let mut path = prefix.to_vec();
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i < b.len() && b[i] == b'{' {
            i += 1;
            loop {
                while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b',') {
                    i += 1;
                }
                if i >= b.len() || b[i] == b'}' {
                    return i + 1;
                }
                i = paths_at(b, i, &path, out);
            }
        }
        let start = i;
        while i < b.len() && (is_ident(b[i]) || b[i] == b'*') {
            i += 1;
        }
        if i > start {
            path.push(String::from_utf8_lossy(&b[start..i]).into_owned());
        }
        if b[i..].starts_with(b"::") {
            i += 2;
            continue;
        }
        // `x as y`: skip the alias.
        let after: &[u8] = &b[i..];
        let trimmed = after
            .iter()
            .position(|c| !c.is_ascii_whitespace())
            .map_or(after.len(), |p| p);
        if after[trimmed..].starts_with(b"as ") {
            i += trimmed + 3;
            while i < b.len() && (b[i].is_ascii_whitespace() || is_ident(b[i])) {
                i += 1;
            }
        }
        if !path.is_empty() {
            out.push(path);
        }
        return i;
    }
}

/// One import found in a file: where, as written, and the module it reaches.
struct Import {
    line: usize,
    written: String,
    target: Vec<String>,
}

fn imports(source: &Source, modules: &BTreeSet<Vec<String>>) -> (Vec<Import>, Vec<String>) {
    let b = source.text.as_bytes();
    let mut found = Vec::new();
    let mut outside = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if i > 0 && is_ident(b[i - 1]) {
            i += 1;
            continue;
        }
        let (start, is_use) = if b[i..].starts_with(b"use ") {
            (i + 4, true)
        } else if b[i..].starts_with(b"crate::") || b[i..].starts_with(b"super::") {
            (i, false)
        } else {
            i += 1;
            continue;
        };
        let mut paths = Vec::new();
        let end = paths_at(b, start, &[], &mut paths);
        let line = source.text[..i].matches('\n').count() + 1;
        for path in paths {
            let written = path.join("::");
            let absolute: Vec<String> = match path[0].as_str() {
                "crate" => path[1..].to_vec(),
                "super" | "self" => {
                    let mut base = source.module.clone();
                    let mut rest = &path[..];
                    while rest.first().is_some_and(|s| s == "super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                    if rest.first().is_some_and(|s| s == "self") {
                        rest = &rest[1..];
                    }
                    base.extend(rest.iter().cloned());
                    base
                }
                first if is_use => {
                    // A child module named without `self::` (`pub use validity::…` in a mod.rs).
                    let mut child = source.module.clone();
                    child.push(first.to_owned());
                    if !modules.contains(&child) {
                        continue;
                    }
                    child.extend(path[1..].iter().cloned());
                    child
                }
                _ => continue,
            };
            if absolute.first().is_none_or(|s| s != "openpgp") {
                outside.push(format!("{}:{line}: `{written}`", source.file.display()));
                continue;
            }
            // The longest prefix that is a module; the root's `Error`/`Result` are `error`'s.
            let mut target = absolute.clone();
            while !modules.contains(&target) {
                target.pop();
            }
            if target.len() == 1 && absolute.get(1).is_some_and(|s| s == "Error" || s == "Result") {
                target.push("error".into());
            }
            found.push(Import {
                line,
                written,
                target,
            });
        }
        i = end.max(i + 1);
    }
    (found, outside)
}

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn openpgp_layers_import_only_downwards_and_without_cycles() {
    let sources = sources(&src_dir());
    let modules: BTreeSet<Vec<String>> = sources.iter().map(|s| s.module.clone()).collect();
    let mut problems = Vec::new();
    let mut graph: BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>> = BTreeMap::new();
    let mut count = 0;

    for source in &sources {
        let (found, outside) = imports(source, &modules);
        for o in outside {
            problems.push(format!(
                "{o}: openpgp imports from outside openpgp (only the layers above may import it)"
            ));
        }
        let here = if source.module.len() == 1 {
            None // openpgp/mod.rs: declares the layers, re-exports `error`.
        } else {
            match layer_of(&source.module) {
                Some(l) => Some(l),
                None => {
                    problems.push(format!(
                        "{}: `{}` is in no declared layer: add it to LAYERS in tests/layers.rs ({})",
                        source.file.display(),
                        source.module.join("::"),
                        order()
                    ));
                    continue;
                }
            }
        };
        for import in found {
            count += 1;
            if let (Some(here), Some(there)) = (here, layer_of(&import.target)) {
                if there > here {
                    problems.push(format!(
                        "{}:{}: `{}` — the {} layer may not import from the {} layer (order: {})",
                        source.file.display(),
                        import.line,
                        import.written,
                        LAYERS[here].0,
                        LAYERS[there].0,
                        order()
                    ));
                }
            }
            if import.target != source.module {
                graph
                    .entry(source.module.clone())
                    .or_default()
                    .entry(import.target)
                    .or_insert_with(|| {
                        format!("{}:{}: `{}`", source.file.display(), import.line, import.written)
                    });
            }
        }
    }
    assert!(
        count > 50,
        "only {count} imports found: is the parser still reading the sources?"
    );

    // Cycles between modules (within a layer; across layers the order rules them out).
    fn visit(
        node: &Vec<String>,
        graph: &BTreeMap<Vec<String>, BTreeMap<Vec<String>, String>>,
        stack: &mut Vec<Vec<String>>,
        done: &mut BTreeSet<Vec<String>>,
        problems: &mut Vec<String>,
    ) {
        if done.contains(node) {
            return;
        }
        if let Some(at) = stack.iter().position(|n| n == node) {
            let cycle: Vec<String> = stack[at..]
                .iter()
                .zip(stack[at + 1..].iter().chain(std::iter::once(node)))
                .map(|(a, b)| graph[a][b].clone())
                .collect();
            problems.push(format!("import cycle:\n    {}", cycle.join("\n    ")));
            return;
        }
        stack.push(node.clone());
        for next in graph.get(node).into_iter().flat_map(|m| m.keys()) {
            visit(next, graph, stack, done, problems);
        }
        stack.pop();
        done.insert(node.clone());
    }
    let mut done = BTreeSet::new();
    for node in graph.keys() {
        visit(node, &graph, &mut Vec::new(), &mut done, &mut problems);
    }

    assert!(
        problems.is_empty(),
        "openpgp's layers are broken:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_checker_sees_a_lower_layer_importing_a_higher_one() {
    // The parser on a made-up file: a packet-layer module reaching up into ops.
    let text = code_only(
        "//! use crate::openpgp::ops::decrypt; (a comment: ignored)\n\
         use crate::openpgp::{error::Error, ops::{decrypt::Limits, sign}};\n\
         fn f() { super::framing::frame(b\"crate::bindings\"); }\n\
         #[cfg(test)]\nmod tests { use crate::openpgp::ops::verify; }\n",
    );
    let source = Source {
        file: PathBuf::from("src/openpgp/packet/example.rs"),
        module: ["openpgp", "packet", "example"].map(String::from).to_vec(),
        text,
    };
    let modules: BTreeSet<Vec<String>> = [
        vec!["openpgp"],
        vec!["openpgp", "error"],
        vec!["openpgp", "packet"],
        vec!["openpgp", "packet", "framing"],
        vec!["openpgp", "ops"],
        vec!["openpgp", "ops", "decrypt"],
        vec!["openpgp", "ops", "sign"],
        vec!["openpgp", "ops", "verify"],
    ]
    .into_iter()
    .map(|m| m.into_iter().map(String::from).collect())
    .collect();
    let (found, outside) = imports(&source, &modules);
    let targets: Vec<(usize, String, Option<usize>)> = found
        .iter()
        .map(|i| (i.line, i.target.join("::"), layer_of(&i.target)))
        .collect();
    assert_eq!(
        targets,
        [
            (2, "openpgp::error".into(), Some(0)),
            (2, "openpgp::ops::decrypt".into(), Some(4)),
            (2, "openpgp::ops::sign".into(), Some(4)),
            (3, "openpgp::packet::framing".into(), Some(1)),
        ]
    );
    assert!(outside.is_empty(), "{outside:?}");
}
