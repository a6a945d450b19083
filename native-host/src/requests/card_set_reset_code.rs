use secrecy::SecretString;
use tessera_protocol::card::{CardChangedResult, CardSetResetCodeParams};
use tessera_protocol::{ErrorBody, ResultBody};

use super::blocking;
use crate::dispatch::HostContext;

pub async fn handle(ctx: &HostContext, params: CardSetResetCodeParams) -> Result<ResultBody, ErrorBody> {
    let tokens = ctx.tokens.clone();
    let admin_pin = SecretString::from(params.admin_pin.expose());
    let code = SecretString::from(params.reset_code.expose());
    drop((params.admin_pin, params.reset_code));
    let token = params.token;
    let status = blocking(move || {
        tokens
            .card(&token)?
            .set_reset_code(&token, tokens.pins(), &admin_pin, &code)
    })
    .await?;
    Ok(ResultBody::CardSetResetCode(CardChangedResult { status }))
}
