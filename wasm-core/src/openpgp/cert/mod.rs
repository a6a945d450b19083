//! Certificates (transferable public keys): read, refused when secret, and
//! judged usable or not at a given time.
//!
//! | module | concern |
//! | --- | --- |
//! | `parse` | certificates from armored or binary bytes, one or many |
//! | `refuse` | secret keys refused before any key is put together |
//! | `validity` | the evaluation at a time: self-signatures, bindings, revocations, expiry, key flags |
//! | `self_sig_memo` | the memo of self-signature checks that passed |
//! | `names` | fingerprints, key IDs and algorithm names as people read them |
//! | `dates` | the clock, and dates as people read them |
//!
//! The items are used through this module (`cert::evaluate`, `cert::fpr_hex`…):
//! the files are one concern split by size, not separate interfaces.

mod dates;
mod names;
mod parse;
mod refuse;
mod self_sig_memo;
mod validity;

pub use dates::{format_date, now};
pub use names::{algorithm_name, fpr_hex, key_id_hex};
pub use parse::parse_certs;
pub use validity::{evaluate, ComponentKey, Evaluation, KeyRef, Validity};
