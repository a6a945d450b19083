//! `tessera-host`: the native-messaging host of the Tessera extension, as a
//! library. The binary (`main.rs`) only tells a browser's start from a person's
//! command and calls [`commands`].
//!
//! Started by the browser it serves the protocol in PROTOCOL.md on stdin/stdout
//! ([`server`], [`dispatch`]); started by a person it installs, uninstalls and
//! checks itself ([`install`], [`doctor`]) or lists and creates tokens ([`token`]).

pub mod card_commands;
pub mod commands;
pub mod config;
pub mod dispatch;
pub mod doctor;
pub mod install;
pub mod lanes;
pub mod server;
pub mod store;
pub mod token;

mod atomic_file;
mod requests;
