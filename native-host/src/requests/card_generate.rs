use secrecy::SecretString;
use tessera_protocol::card::CardGenerateParams;
use tessera_protocol::{ErrorBody, ResultBody};

use super::blocking;
use crate::dispatch::HostContext;
use crate::token::card::admin::Generate;

pub async fn handle(ctx: &HostContext, params: CardGenerateParams) -> Result<ResultBody, ErrorBody> {
    let tokens = ctx.tokens.clone();
    let admin_pin = SecretString::from(params.admin_pin.expose());
    drop(params.admin_pin);
    let made = blocking(move || {
        let g = Generate {
            admin_pin: &admin_pin,
            algorithm: params.algorithm,
            replace: params.replace,
            cardholder_name: params.cardholder_name.as_deref(),
            url: params.url.as_deref(),
        };
        tokens
            .card(&params.token)?
            .generate(&params.token, tokens.pins(), &g)
    })
    .await?;
    Ok(ResultBody::CardGenerate(made))
}
