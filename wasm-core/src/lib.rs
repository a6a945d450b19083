//! Tessera's core, compiled to WebAssembly for the extension and natively for tests.
//!
//! The logic lives in plain Rust modules that build and test on the host; the
//! `bindings` module is the only place that knows about wasm-bindgen, and it
//! only converts values at the boundary.

#[cfg(feature = "credentials")]
pub mod credentials;
#[cfg(feature = "host-protocol")]
pub mod host_protocol;
#[cfg(feature = "openpgp")]
pub mod mime;
#[cfg(feature = "openpgp")]
pub mod openpgp;
pub mod views;

// Public only so that tests/web.rs can call the exports through JS values; the
// extension uses them through the generated `pkg/tessera_core.js`.
// The host protocol codec: the protocol module's only (wasm-core/Cargo.toml says why).
#[cfg(all(target_arch = "wasm32", feature = "host-protocol"))]
pub mod bindings;
#[cfg(all(target_arch = "wasm32", feature = "bench"))]
pub mod bindings_bench;
#[cfg(all(target_arch = "wasm32", feature = "credentials"))]
pub mod bindings_credentials;
#[cfg(all(target_arch = "wasm32", feature = "openpgp"))]
pub mod bindings_mime;
#[cfg(all(target_arch = "wasm32", feature = "openpgp"))]
pub mod bindings_openpgp;

/// The core's version, shown in the popup as proof that the wasm build is wired in.
pub fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}
