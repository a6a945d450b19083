//! Routes each decoded request to its handler and wraps the answer in a reply.

use tessera_protocol::{Request, RequestId, ResponseFrame};

use crate::config::Config;
use crate::requests;
use crate::store::Stores;
use crate::token::Tokens;

/// What every handler may use. Shared by all concurrent requests.
pub struct HostContext {
    pub config: Config,
    pub tokens: Tokens,
    /// The password stores (`PASSWORD_STORE_DIR`, `TESSERA_STORES`).
    pub stores: Stores,
}

pub async fn handle(ctx: &HostContext, id: RequestId, request: Request) -> ResponseFrame {
    let outcome = match request {
        Request::Hello(params) => Ok(requests::hello::handle(ctx, &params)),
        Request::TokenList(_) => requests::token_list::handle(ctx).await,
        Request::VerifyPin(params) => requests::token_verify_pin::handle(ctx, params).await,
        Request::ForgetPin(params) => Ok(requests::token_forget_pin::handle(ctx, &params)),
        Request::Sign(params) => requests::token_sign::handle(ctx, params).await,
        Request::DecryptSessionKey(params) => requests::token_decrypt_session_key::handle(ctx, params).await,
        Request::ExportCertificate(params) => requests::token_export_certificate::handle(ctx, params).await,
        Request::StoreList(_) => requests::store_list::handle(ctx).await,
        Request::StoreRead(params) => requests::store_read::handle(ctx, params).await,
        Request::StoreWrite(params) => requests::store_write::handle(ctx, params).await,
        Request::StoreRecipients(params) => requests::store_recipients::handle(ctx, params).await,
        Request::StoreInit(params) => requests::store_init::handle(ctx, params).await,
    };
    match outcome {
        Ok(body) => ResponseFrame::result(id, body),
        Err(error) => ResponseFrame::error(Some(id), error),
    }
}
