use secrecy::SecretString;
use tessera_protocol::card::{CardChangedResult, CardUnblockPinParams};
use tessera_protocol::{ErrorBody, ResultBody};

use super::blocking;
use crate::dispatch::HostContext;

pub async fn handle(ctx: &HostContext, params: CardUnblockPinParams) -> Result<ResultBody, ErrorBody> {
    let tokens = ctx.tokens.clone();
    let secret = SecretString::from(params.secret.expose());
    let new_pin = SecretString::from(params.new_pin.expose());
    drop((params.secret, params.new_pin));
    let (token, with) = (params.token, params.with);
    let status = blocking(move || {
        tokens
            .card(&token)?
            .unblock_pin(&token, tokens.pins(), with, &secret, &new_pin)
    })
    .await?;
    Ok(ResultBody::CardUnblockPin(CardChangedResult { status }))
}
