//! Host settings, read once at start from the environment so that a browser
//! (which starts the host with no way to pass options) and a test share one path.

use std::path::PathBuf;
use std::time::Duration;

use tessera_protocol::{DEFAULT_MAX_REQUEST_BYTES, HARD_MAX_REQUEST_BYTES};

#[derive(Debug, Clone)]
pub struct Config {
    /// Largest request frame accepted from the browser.
    pub max_request_bytes: usize,
    /// Where the soft token's key file lives.
    pub data_dir: PathBuf,
    /// How long a verified PIN stays in memory (`TESSERA_PIN_CACHE_SECONDS`; 0 = never).
    pub pin_cache: Duration,
}

/// Default lifetime of a cached PIN.
pub const DEFAULT_PIN_CACHE_SECONDS: u64 = 300;

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("TESSERA_MAX_REQUEST_BYTES must be a whole number of bytes from 1024 to {HARD_MAX_REQUEST_BYTES}, got `{0}`")]
    BadMaxRequest(String),
    #[error("TESSERA_PIN_CACHE_SECONDS must be a whole number of seconds from 0 (never cache) to 86400, got `{0}`")]
    BadPinCache(String),
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
        let pin_cache = match std::env::var("TESSERA_PIN_CACHE_SECONDS") {
            Ok(raw) => match raw.trim().parse::<u64>() {
                Ok(n) if n <= 86_400 => Duration::from_secs(n),
                _ => return Err(ConfigError::BadPinCache(raw)),
            },
            Err(_) => Duration::from_secs(DEFAULT_PIN_CACHE_SECONDS),
        };
        Ok(Self {
            max_request_bytes,
            data_dir,
            pin_cache,
        })
    }

    pub fn soft_token_path(&self) -> PathBuf {
        self.data_dir.join("soft-token.asc")
    }
}
