use tessera_protocol::card::{CardChangedResult, CardFactoryResetParams};
use tessera_protocol::{ErrorBody, ResultBody};

use super::blocking;
use crate::dispatch::HostContext;

pub async fn handle(ctx: &HostContext, params: CardFactoryResetParams) -> Result<ResultBody, ErrorBody> {
    let tokens = ctx.tokens.clone();
    let (token, confirm) = (params.token, params.confirm_serial);
    let status = blocking(move || {
        tokens
            .card(&token)?
            .factory_reset(&token, tokens.pins(), &confirm)
    })
    .await?;
    Ok(ResultBody::CardFactoryReset(CardChangedResult { status }))
}
