//! The TypeScript side of the wasm exports, generated from the views.
//!
//! `extension/src/shared/contracts/generated/core.ts` is written from the view
//! types (ts-rs); `extension/src/types/tessera-*.d.ts` declare the exports with
//! them. The test below regenerates the file and fails when the committed one
//! differs, so a view changed in Rust and not carried to the extension fails
//! `cargo test`. To carry it:
//! `TESSERA_WRITE_GENERATED=1 cargo test -p tessera-core generated`.

use std::any::TypeId;
use std::collections::HashSet;
use std::path::PathBuf;

use ts_rs::{Config, TypeVisitor, TS};

// The protocol crate's helpers (layout, check-or-write), shared rather than copied.
include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../protocol/src/ts_file.rs"));

const HEADER: &str = "\
// GENERATED from the Rust crate tessera-core (wasm-core/src/views) by
// wasm-core/src/views/typescript.rs. Do not edit: change the Rust types, then run
//   TESSERA_WRITE_GENERATED=1 cargo test -p tessera-core generated
// `cargo test` fails while this file differs from what the Rust types give.
";

/// Collects the declaration of every type reached, sorted by name when written
/// (ts-rs visits dependencies in no fixed order).
struct Declarations<'a> {
    cfg: &'a Config,
    seen: HashSet<TypeId>,
    out: Vec<(String, String)>,
}

impl TypeVisitor for Declarations<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if !self.seen.insert(TypeId::of::<T>()) {
            return;
        }
        if T::output_path().is_some() {
            let docs = T::docs().unwrap_or_default();
            let decl = format!("{docs}export {}", layout_union(&T::decl(self.cfg)));
            self.out.push((T::ident(self.cfg), decl));
        }
        T::visit_dependencies(self);
    }
}

/// Lays out a union of object types (a tagged enum: `type X = { … } | { … };`)
/// one member a line, each object as [`layout`] lays out a flat one; anything
/// else goes to [`layout`].
fn layout_union(decl: &str) -> String {
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

/// The declarations reached from `roots`, one section.
fn section(cfg: &Config, title: &str, roots: impl FnOnce(&mut Declarations<'_>)) -> String {
    let mut decls = Declarations {
        cfg,
        seen: HashSet::new(),
        out: Vec::new(),
    };
    roots(&mut decls);
    decls.out.sort();
    let mut out = format!("\n// {title}\n");
    for (_, d) in &decls.out {
        out.push('\n');
        out.push_str(d);
        out.push('\n');
    }
    out
}

/// The whole generated file.
fn render() -> String {
    use super::credentials as c;
    use super::mime as m;
    use super::openpgp as p;
    // serde-wasm-bindgen gives JS numbers for integers (all below 2^53 here).
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(HEADER);
    out.push_str(&section(
        &cfg,
        "tessera_core, OpenPGP (wasm-core/src/bindings_openpgp.rs).",
        |d| {
            d.visit::<p::KeyringImported>();
            d.visit::<p::KeyringRemoved>();
            d.visit::<p::KeyInfo>();
            d.visit::<p::Encrypted<'static>>();
            d.visit::<p::SigningRequest<'static>>();
            d.visit::<p::Signed<'static>>();
            d.visit::<p::DecryptionRequest<'static>>();
            d.visit::<p::Decrypted<'static>>();
            d.visit::<p::Verified<'static>>();
        },
    ));
    out.push_str(&section(
        &cfg,
        "tessera_core, MIME (wasm-core/src/bindings_mime.rs).",
        |d| {
            d.visit::<m::BuiltEntity<'static>>();
            d.visit::<m::ArmorBlock>();
            d.visit::<m::Detected<'static>>();
            d.visit::<m::ParsedContent<'static>>();
        },
    ));
    out.push_str(&section(
        &cfg,
        "tessera_credentials (wasm-core/src/bindings_credentials.rs).",
        |d| {
            d.visit::<c::ParsedEntry>();
            d.visit::<c::EntryEdit>();
            d.visit::<c::OtpCode>();
            d.visit::<c::FillDecision>();
            d.visit::<c::RankCandidate>();
            d.visit::<c::Ranked>();
        },
    ));
    out
}

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../extension/src/shared/contracts/generated/core.ts")
}

#[test]
fn generated_typescript_is_current() {
    check_or_write(&committed_path(), &render(), "tessera-core");
}
