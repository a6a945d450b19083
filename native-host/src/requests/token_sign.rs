use base64::Engine;
use tessera_protocol::sign::{SignParams, SignResult};
use tessera_protocol::{ErrorBody, ErrorCode, ResultBody};

use super::blocking;
use crate::dispatch::HostContext;
use crate::token::session_key::decode_base64;

pub async fn handle(ctx: &HostContext, params: SignParams) -> Result<ResultBody, ErrorBody> {
    let digest = decode_base64("digest", &params.digest)?;
    let want = params.hash_algorithm.digest_len();
    if digest.len() != want {
        return Err(ErrorBody::new(
            ErrorCode::InvalidParams,
            format!(
                "`digest` is {} bytes, but a {:?} digest is {want}",
                digest.len(),
                params.hash_algorithm
            ),
        ));
    }
    let tokens = ctx.tokens.clone();
    let hash = params.hash_algorithm;
    let token = params.token;
    let mpis = blocking(move || tokens.sign(&token, hash, &digest)).await?;
    let b64 = base64::engine::general_purpose::STANDARD;
    Ok(ResultBody::Sign(SignResult {
        signature: mpis.iter().map(|m| b64.encode(m)).collect(),
    }))
}
