//! tessera-sop: a Stateless OpenPGP CLI (draft-dkg-openpgp-stateless-cli) on
//! Tessera's core (`tessera_core::openpgp`) and, for keys on tokens, on the
//! host protocol (`tessera-host`), the same two paths the extension takes.

mod errors;
mod host;
mod objects;
mod ops;
mod private;

/// The SOP implementation; its state (the host child) lives in [`host`].
pub struct TesseraSop;

fn main() {
    host::register_exit_handler();
    let mut sop = TesseraSop;
    sop::cli::main(&mut sop, sop::cli::Variant::Full)
}
