// Collecting, laying out, writing and checking a generated TypeScript file (test-only). Plain `//`
// comments and no crate paths, so that another crate's test generator (the
// wasm core's bindings, next) can share it with
// `include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../protocol/src/ts_file.rs"))`.

use std::any::TypeId;
use std::collections::HashSet;
use std::path::Path;

use ts_rs::{Config, TypeVisitor, TS};

/// Collects the declaration of every type reached from the roots visited,
/// each laid out by `lay`; [`Declarations::render`] writes them sorted by name
/// (ts-rs visits dependencies in no fixed order).
pub(crate) struct Declarations<'a> {
    cfg: &'a Config,
    lay: fn(&str) -> String,
    seen: HashSet<TypeId>,
    out: Vec<(String, String)>,
}

impl<'a> Declarations<'a> {
    pub(crate) fn new(cfg: &'a Config, lay: fn(&str) -> String) -> Self {
        Self {
            cfg,
            lay,
            seen: HashSet::new(),
            out: Vec::new(),
        }
    }

    /// Every declaration, sorted by name, each after a blank line.
    pub(crate) fn render(mut self) -> String {
        self.out.sort();
        let mut out = String::new();
        for (_, d) in &self.out {
            out.push('\n');
            out.push_str(d);
            out.push('\n');
        }
        out
    }
}

impl TypeVisitor for Declarations<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        if T::output_path().is_some() {
            let docs = T::docs().unwrap_or_default();
            let decl = format!("{docs}export {}", (self.lay)(&T::decl(self.cfg)));
            self.out.push((T::ident(self.cfg), decl));
        }
        T::visit_dependencies(self);
    }
}

/// Lays out ts-rs's one-line `type X = { a: A, b: B, };` one member a line.
/// Only flat object types are re-laid (ours have no nested literal objects);
/// anything else is left as ts-rs wrote it.
pub(crate) fn layout(decl: &str) -> String {
    let (Some(open), true) = (decl.find("= { "), decl.ends_with(" };")) else {
        return decl.to_owned();
    };
    let body = &decl[open + 4..decl.len() - 3];
    if body.contains('{') {
        return decl.to_owned();
    }
    // Split at commas outside doc comments and outside <…> / (…).
    let mut members = Vec::new();
    let (mut depth, mut in_doc, mut start) = (0i32, false, 0usize);
    let bytes = body.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'*' if !in_doc && i > 0 && bytes[i - 1] == b'/' => in_doc = true,
            b'/' if in_doc && i > 0 && bytes[i - 1] == b'*' => in_doc = false,
            b'<' | b'(' if !in_doc => depth += 1,
            b'>' | b')' if !in_doc => depth -= 1,
            b',' if !in_doc && depth == 0 => {
                members.push(body[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    members.push(body[start..].trim());
    let mut out = format!("{}= {{\n", &decl[..open]);
    for m in members.into_iter().filter(|m| !m.is_empty()) {
        for line in m.lines() {
            let line = line.trim();
            let indent = if line.starts_with('*') { "   " } else { "  " };
            out.push_str(indent);
            out.push_str(line);
            if !line.starts_with("/**") && !line.starts_with('*') {
                out.push(';');
            }
            out.push('\n');
        }
    }
    out.push_str("};");
    out
}

/// Lays out a union of object types (a tagged enum: `type X = { … } | { … };`)
/// one member a line, each object as [`layout`] lays out a flat one; anything
/// else goes to [`layout`].
// Only the wasm core's views have tagged unions of objects.
#[allow(dead_code)]
pub(crate) fn layout_union(decl: &str) -> String {
    let Some(open) = decl.find("= { ") else {
        return layout(decl);
    };
    let body = decl[open + 2..].strip_suffix(';').unwrap_or(&decl[open + 2..]);
    // Split at ` | ` outside objects and doc comments.
    let (mut members, mut depth, mut in_doc, mut start) = (Vec::new(), 0i32, false, 0usize);
    let bytes = body.as_bytes();
    for (i, &c) in bytes.iter().enumerate() {
        match c {
            b'*' if !in_doc && i > 0 && bytes[i - 1] == b'/' => in_doc = true,
            b'/' if in_doc && i > 0 && bytes[i - 1] == b'*' => in_doc = false,
            b'{' if !in_doc => depth += 1,
            b'}' if !in_doc => depth -= 1,
            b'|' if !in_doc && depth == 0 => {
                members.push(body[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    members.push(body[start..].trim());
    if members.len() < 2 || !members.iter().all(|m| m.starts_with("{ ") && m.ends_with('}')) {
        return layout(decl);
    }
    let mut out = format!("{}=", &decl[..open]);
    for m in members {
        let object = layout(&format!("type _ = {m};"));
        let object = object.trim_start_matches("type _ = ").trim_end_matches(';');
        out.push_str("\n  | ");
        out.push_str(&object.replace('\n', "\n    "));
    }
    out.push(';');
    out
}

/// Compares `fresh` with the committed file at `path` and fails when they differ;
/// with `TESSERA_WRITE_GENERATED` set, writes `fresh` there instead.
pub(crate) fn check_or_write(path: &Path, fresh: &str, package: &str) {
    let regenerate = format!("TESSERA_WRITE_GENERATED=1 cargo test -p {package} generated");
    if std::env::var_os("TESSERA_WRITE_GENERATED").is_some() {
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
        std::fs::write(path, fresh).expect("write the generated file");
        return;
    }
    // The fresh copy also goes to a temporary folder, so the difference can be looked at.
    let name = path.file_name().expect("a file name");
    let dir = std::env::temp_dir().join(format!("tessera-generated-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let fresh_path = dir.join(name);
    std::fs::write(&fresh_path, fresh).expect("write the fresh copy");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if committed != fresh {
        let line = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(fresh.lines().count()));
        panic!(
            "{} is stale: it differs from what the Rust types give from line {} on \
             (fresh copy: {}; diff them). Regenerate with `{regenerate}` and commit it.",
            path.display(),
            line + 1,
            fresh_path.display()
        );
    }
    let _ = std::fs::remove_file(&fresh_path);
}
