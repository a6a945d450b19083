//! Names and limits both sides must agree on.

/// Version of the wire protocol; bumped on any incompatible change.
pub const PROTOCOL_VERSION: u32 = 1;

/// Native-messaging host name, as registered in the browsers' host manifests.
pub const HOST_NAME: &str = "org.tessera.host";

/// Chromium-family extension ID, fixed by the public `key` in the extension manifest.
pub const CHROMIUM_EXTENSION_ID: &str = "pchmfhepohaglbnciioapdbphpkoiplm";

/// Firefox add-on ID (`browser_specific_settings.gecko.id`).
pub const FIREFOX_EXTENSION_ID: &str = "tessera@tessera-project.org";

/// Browsers refuse a host message over 1 MiB: the host must never send one.
pub const MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Default cap on one request from the browser. Configurable in the host
/// (`TESSERA_MAX_REQUEST_BYTES`), never above [`HARD_MAX_REQUEST_BYTES`].
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 8 * 1024 * 1024;

/// Chromium's own limit on extension → host messages.
pub const HARD_MAX_REQUEST_BYTES: usize = 64 * 1024 * 1024;

/// The `chrome-extension://…/` origin allowed in Chromium host manifests.
pub fn chromium_origin() -> String {
    format!("chrome-extension://{CHROMIUM_EXTENSION_ID}/")
}
