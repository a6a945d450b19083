//! Routes each decoded request to its handler and wraps the answer in a reply.

use tessera_protocol::{Request, RequestId, ResponseFrame};

use crate::config::Config;
use crate::requests;
use crate::token::Tokens;

/// What every handler may use. Shared by all concurrent requests.
pub struct HostContext {
    pub config: Config,
    pub tokens: Tokens,
}

pub async fn handle(ctx: &HostContext, id: RequestId, request: Request) -> ResponseFrame {
    let outcome = match request {
        Request::Hello(params) => Ok(requests::hello::handle(ctx, &params)),
        Request::TokenList(_) => requests::token_list::handle(ctx).await,
    };
    match outcome {
        Ok(body) => ResponseFrame::result(id, body),
        Err(error) => ResponseFrame::error(Some(id), error),
    }
}
