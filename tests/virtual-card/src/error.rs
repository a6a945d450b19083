//! The one error type of the virtual card binary.

use std::io;

/// Everything that can stop the virtual card.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The command line could not be understood.
    #[error("invalid arguments: {0}")]
    Args(String),

    /// vpcd did not accept a connection within the retry window.
    #[error("cannot connect to vpcd on 127.0.0.1:{port} (is pcscd with vsmartcard-vpcd running?): {source}")]
    Connect { port: u16, source: io::Error },

    /// The TCP link to vpcd failed mid-session.
    #[error("vpcd connection failed: {0}")]
    Io(#[from] io::Error),

    /// The SIGUSR1 handler (armed pulls) could not be installed.
    #[error("cannot install the SIGUSR1 handler for pulls: {0}")]
    Signal(io::Error),

    /// vpcd sent a message that does not follow its wire protocol.
    #[error("vpcd protocol violation: {0}")]
    Protocol(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
