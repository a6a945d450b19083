use tessera_protocol::token::TokenListResult;
use tessera_protocol::{ErrorBody, ErrorCode, ResultBody};

use crate::dispatch::HostContext;

pub async fn handle(ctx: &HostContext) -> Result<ResultBody, ErrorBody> {
    let tokens = ctx.tokens.clone();
    // Card I/O blocks: keep it off the async workers.
    let (tokens, problems) = tokio::task::spawn_blocking(move || tokens.list_all())
        .await
        .map_err(|e| ErrorBody::new(ErrorCode::Internal, format!("token listing failed: {e}")))?;
    Ok(ResultBody::TokenList(TokenListResult { tokens, problems }))
}
