//! The crypto layer: ciphers and session keys over packet bytes, no
//! certificates.
//!
//! | module | concern |
//! | --- | --- |
//! | [`seipd_v1`] | SEIPDv1 decryption for AES, all blocks at once |
//! | [`aead_chunks`] | SEIPDv2 and GnuPG OCB decryption, chunk by chunk into one wiped buffer |
//! | [`skesk`] | password-encrypted session keys, made and found |

pub mod aead_chunks;
pub mod seipd_v1;
pub mod skesk;
