//! Host settings, read once at start from the environment so that a browser
//! (which starts the host with no way to pass options) and a test share one path.

use std::path::PathBuf;

use tessera_protocol::{DEFAULT_MAX_REQUEST_BYTES, HARD_MAX_REQUEST_BYTES};

#[derive(Debug, Clone)]
pub struct Config {
    /// Largest request frame accepted from the browser.
    pub max_request_bytes: usize,
    /// Where the soft token's key file lives.
    pub data_dir: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("TESSERA_MAX_REQUEST_BYTES must be a whole number of bytes from 1024 to {HARD_MAX_REQUEST_BYTES}, got `{0}`")]
    BadMaxRequest(String),
    #[error("cannot find a data directory: set TESSERA_DATA_DIR or HOME")]
    NoDataDir,
}

impl Config {
    pub fn from_env() -> Result<Self, ConfigError> {
        let max_request_bytes = match std::env::var("TESSERA_MAX_REQUEST_BYTES") {
            Ok(raw) => match raw.trim().parse::<usize>() {
                Ok(n) if (1024..=HARD_MAX_REQUEST_BYTES).contains(&n) => n,
                _ => return Err(ConfigError::BadMaxRequest(raw)),
            },
            Err(_) => DEFAULT_MAX_REQUEST_BYTES,
        };
        let data_dir = match std::env::var_os("TESSERA_DATA_DIR") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => dirs::data_dir().ok_or(ConfigError::NoDataDir)?.join("tessera"),
        };
        Ok(Self {
            max_request_bytes,
            data_dir,
        })
    }

    pub fn soft_token_path(&self) -> PathBuf {
        self.data_dir.join("soft-token.asc")
    }
}
