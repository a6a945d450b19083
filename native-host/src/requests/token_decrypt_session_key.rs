use tessera_protocol::decrypt::DecryptSessionKeyParams;
use tessera_protocol::{ErrorBody, ResultBody};

use super::blocking;
use crate::dispatch::HostContext;
use crate::token::session_key::{to_result, EncryptedSessionKey};

pub async fn handle(ctx: &HostContext, params: DecryptSessionKeyParams) -> Result<ResultBody, ErrorBody> {
    // Bad packets are refused before any token is touched.
    let esk = EncryptedSessionKey::parse(&params.pkesk, &params.recipient_key)?;
    let tokens = ctx.tokens.clone();
    let token = params.token;
    let key = blocking(move || tokens.decrypt_session_key(&token, &esk)).await?;
    Ok(ResultBody::DecryptSessionKey(to_result(&key)))
}
