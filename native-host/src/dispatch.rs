//! Routes each decoded request to its handler and wraps the answer in a reply.

use tessera_protocol::{Request, RequestId, ResponseFrame};

use crate::config::Config;
use crate::lanes::Lane;
use crate::requests;
use crate::store::Stores;
use crate::token::Tokens;

/// What every handler may use. Shared by all concurrent requests.
pub struct HostContext {
    pub config: Config,
    pub tokens: Tokens,
    /// The password stores (`PASSWORD_STORE_DIR`, `TESSERA_STORES`).
    pub stores: Stores,
    /// `store.read`, `store.write`, `store.recipients`, `store.init`: a bounded
    /// share of the blocking pool, so slow store work never holds up the rest.
    pub store_lane: Lane,
    /// `store.list`, in a lane of its own: it keeps answering while entry
    /// work is slow, and many lists cannot crowd out the tokens either.
    pub list_lane: Lane,
}

impl HostContext {
    /// Store entry work: 2 at once (reads and writes are short on a working
    /// disk; two let a write and a read overlap), 16 waiting (a burst of the
    /// extension's: opening a few entries, a share to several stores).
    pub const STORE_RUNNING: usize = 2;
    pub const STORE_WAITING: usize = 16;
    /// `store.list`: one walk at a time, a few waiting (popup and options open).
    pub const LIST_RUNNING: usize = 1;
    pub const LIST_WAITING: usize = 4;
    /// Blocking threads the runtime may start: the lanes' 3, and at least 5
    /// for token work (card operations, `token.list`) and the PIN watch.
    pub const BLOCKING_THREADS: usize = 8;

    pub fn new(config: Config, tokens: Tokens, stores: Stores) -> Self {
        Self {
            config,
            tokens,
            stores,
            store_lane: Lane::new("store", Self::STORE_RUNNING, Self::STORE_WAITING),
            list_lane: Lane::new("store.list", Self::LIST_RUNNING, Self::LIST_WAITING),
        }
    }
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
        Request::CardStatus(params) => requests::card_status::handle(ctx, params).await,
        Request::CardGenerate(params) => requests::card_generate::handle(ctx, params).await,
        Request::CardChangePin(params) => requests::card_change_pin::handle(ctx, params).await,
        Request::CardSetResetCode(params) => requests::card_set_reset_code::handle(ctx, params).await,
        Request::CardUnblockPin(params) => requests::card_unblock_pin::handle(ctx, params).await,
        Request::CardFactoryReset(params) => requests::card_factory_reset::handle(ctx, params).await,
    };
    match outcome {
        Ok(body) => ResponseFrame::result(id, body),
        Err(error) => ResponseFrame::error(Some(id), error),
    }
}
