use secrecy::SecretString;
use tessera_protocol::card::{CardChangePinParams, CardChangedResult};
use tessera_protocol::{ErrorBody, ResultBody};

use super::blocking;
use crate::dispatch::HostContext;

pub async fn handle(ctx: &HostContext, params: CardChangePinParams) -> Result<ResultBody, ErrorBody> {
    let tokens = ctx.tokens.clone();
    let old = SecretString::from(params.old.expose());
    let new = SecretString::from(params.new.expose());
    drop((params.old, params.new));
    let (token, which) = (params.token, params.pin);
    let status = blocking(move || {
        tokens
            .card(&token)?
            .change_pin(&token, tokens.pins(), which, &old, &new)
    })
    .await?;
    Ok(ResultBody::CardChangePin(CardChangedResult { status }))
}
