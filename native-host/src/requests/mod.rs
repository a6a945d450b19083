//! One module per protocol method.

pub mod card_change_pin;
pub mod card_factory_reset;
pub mod card_generate;
pub mod card_set_reset_code;
pub mod card_status;
pub mod card_unblock_pin;
pub mod hello;
pub mod store_init;
pub mod store_list;
pub mod store_read;
pub mod store_recipients;
pub mod store_write;
pub mod token_decrypt_session_key;
pub mod token_export_certificate;
pub mod token_forget_pin;
pub mod token_list;
pub mod token_sign;
pub mod token_verify_pin;

use tessera_protocol::{ErrorBody, ErrorCode};

/// Runs token I/O on tokio's blocking pool, so no async worker waits for a card.
pub async fn blocking<T, F>(work: F) -> Result<T, ErrorBody>
where
    F: FnOnce() -> Result<T, ErrorBody> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| ErrorBody::new(ErrorCode::Internal, format!("token operation failed: {e}")))?
}
