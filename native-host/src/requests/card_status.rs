use tessera_protocol::card::CardStatusParams;
use tessera_protocol::{ErrorBody, ResultBody};

use super::blocking;
use crate::dispatch::HostContext;

pub async fn handle(ctx: &HostContext, params: CardStatusParams) -> Result<ResultBody, ErrorBody> {
    let tokens = ctx.tokens.clone();
    let status = blocking(move || tokens.card(&params.token)?.status(&params.token)).await?;
    Ok(ResultBody::CardStatus(status))
}
