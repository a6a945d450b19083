//! The TypeScript side of the wasm exports, generated from the views.
//!
//! `extension/src/shared/contracts/generated/core.ts` is written from the view
//! types (ts-rs); `extension/src/types/tessera-*.d.ts` declare the exports with
//! them. The test below regenerates the file and fails when the committed one
//! differs, so a view changed in Rust and not carried to the extension fails
//! `cargo test`. To carry it:
//! `TESSERA_WRITE_GENERATED=1 cargo test -p tessera-core generated`.

use std::path::PathBuf;

// The protocol crate's generator helpers (Declarations, layout, layout_union, check-or-write), shared rather than copied.
include!(concat!(env!("CARGO_MANIFEST_DIR"), "/../protocol/src/ts_file.rs"));

const HEADER: &str = "\
// GENERATED from the Rust crate tessera-core (wasm-core/src/views) by
// wasm-core/src/views/typescript.rs. Do not edit: change the Rust types, then run
//   TESSERA_WRITE_GENERATED=1 cargo test -p tessera-core generated
// `cargo test` fails while this file differs from what the Rust types give.
";

/// The declarations reached from `roots`, one section.
fn section(cfg: &Config, title: &str, roots: impl FnOnce(&mut Declarations<'_>)) -> String {
    let mut decls = Declarations::new(cfg, layout_union);
    roots(&mut decls);
    format!("\n// {title}\n{}", decls.render())
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
