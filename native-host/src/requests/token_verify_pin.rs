use secrecy::SecretString;
use tessera_protocol::pin::{VerifyPinParams, VerifyPinResult};
use tessera_protocol::{ErrorBody, ResultBody};

use super::blocking;
use crate::dispatch::HostContext;

pub async fn handle(ctx: &HostContext, params: VerifyPinParams) -> Result<ResultBody, ErrorBody> {
    let tokens = ctx.tokens.clone();
    let pin = SecretString::from(params.pin.expose());
    drop(params.pin);
    let token = params.token;
    let purpose = params.purpose;
    let cached_for_seconds = blocking(move || tokens.verify_pin(&token, pin, purpose)).await?;
    Ok(ResultBody::VerifyPin(VerifyPinResult {
        verified: true,
        cached_for_seconds,
    }))
}
