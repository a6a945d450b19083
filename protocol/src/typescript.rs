//! The TypeScript side of the contract, generated from this crate's types.
//!
//! `extension/src/shared/contracts/generated/protocol.ts` is written from the
//! Rust types (ts-rs), the constants and the method table of `envelope.rs`.
//! The test below regenerates it and fails when the committed file differs, so a
//! change to a Rust type that is not carried to the extension fails `cargo test`.
//! To carry it: `TESSERA_WRITE_GENERATED=1 cargo test -p tessera-protocol generated`.

use std::path::PathBuf;

use ts_rs::{Config, TypeVisitor};

use crate::constants::*;
use crate::envelope::{ts_method_table, ts_visit_method_types, MAX_REQUEST_ID};
use crate::error::ErrorBody;
use crate::ts_file::{check_or_write, layout, Declarations};

const HEADER: &str = "\
// GENERATED from the Rust crate tessera-protocol (protocol/src) by
// protocol/src/typescript.rs. Do not edit: change the Rust types, then run
//   TESSERA_WRITE_GENERATED=1 cargo test -p tessera-protocol generated
// `cargo test` fails while this file differs from what the Rust types give.
";

fn js_string(s: &str) -> String {
    serde_json::to_string(s).expect("a string serializes")
}

/// The whole generated file.
fn render() -> String {
    // JSON numbers: every integer on the wire stays below 2^53 (request ids,
    // byte counts, seconds), and JSON.parse gives numbers, never bigints.
    let cfg = Config::new().with_large_int("number");
    let mut out = String::from(HEADER);

    out.push_str("\n// Constants (protocol/src/constants.rs, envelope.rs).\n");
    let constants: [(&str, String); 8] = [
        ("PROTOCOL_VERSION", PROTOCOL_VERSION.to_string()),
        ("HOST_NAME", js_string(HOST_NAME)),
        ("CHROMIUM_EXTENSION_ID", js_string(CHROMIUM_EXTENSION_ID)),
        ("FIREFOX_EXTENSION_ID", js_string(FIREFOX_EXTENSION_ID)),
        ("MAX_RESPONSE_BYTES", MAX_RESPONSE_BYTES.to_string()),
        ("DEFAULT_MAX_REQUEST_BYTES", DEFAULT_MAX_REQUEST_BYTES.to_string()),
        ("HARD_MAX_REQUEST_BYTES", HARD_MAX_REQUEST_BYTES.to_string()),
        ("MAX_REQUEST_ID", MAX_REQUEST_ID.to_string()),
    ];
    for (name, value) in constants {
        out.push_str(&format!("export const {name} = {value};\n"));
    }

    out.push_str("\n// Types: the params and result of every method, the error body.\n");
    let mut decls = Declarations::new(&cfg, layout);
    ts_visit_method_types(&mut decls);
    decls.visit::<ErrorBody>();
    out.push_str(&decls.render());

    out.push_str("\n// Methods (envelope.rs `methods!`): what each one takes and answers.\n");
    out.push_str("export interface Methods {\n");
    let table = ts_method_table(&cfg);
    for (method, params, result) in &table {
        out.push_str(&format!(
            "  {}: {{ params: {params}; result: {result} }};\n",
            js_string(method)
        ));
    }
    out.push_str("}\n");
    out.push_str("export type Method = keyof Methods;\n");
    out.push_str("export type Params<M extends Method> = Methods[M][\"params\"];\n");
    out.push_str("export type Result<M extends Method> = Methods[M][\"result\"];\n");
    let names: Vec<String> = table.iter().map(|(m, _, _)| js_string(m)).collect();
    out.push_str(&format!(
        "export const METHODS = [{}] as const satisfies readonly Method[];\n",
        names.join(", ")
    ));
    out
}

fn committed_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../extension/src/shared/contracts/generated/protocol.ts")
}

#[test]
fn generated_typescript_is_current() {
    check_or_write(&committed_path(), &render(), "tessera-protocol");
}

#[test]
fn the_method_table_is_the_request_list() {
    let cfg = Config::new();
    let methods: Vec<&str> = ts_method_table(&cfg).iter().map(|(m, _, _)| *m).collect();
    assert_eq!(methods, crate::Request::METHODS);
}
