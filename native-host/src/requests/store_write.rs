use base64::Engine;
use tessera_protocol::store::{StoreWriteParams, StoreWriteResult};
use tessera_protocol::{excerpt, ErrorBody, ErrorCode, ResultBody};

use crate::dispatch::HostContext;
use crate::store::{path, write};

pub async fn handle(ctx: &HostContext, params: StoreWriteParams) -> Result<ResultBody, ErrorBody> {
    let store = ctx.stores.get(&params.store)?.clone();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(params.ciphertext.as_bytes())
        .map_err(|e| {
            ErrorBody::new(
                ErrorCode::InvalidParams,
                format!("`ciphertext` is not valid base64: {e}"),
            )
        })?;
    if bytes.is_empty() {
        return Err(ErrorBody::new(ErrorCode::InvalidParams, "`ciphertext` is empty"));
    }
    if let Some(h) = &params.expect_previous {
        if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(ErrorBody::new(
                ErrorCode::InvalidParams,
                "`expect_previous` must be 64 hex digits (the `sha256` from store.read) or null",
            ));
        }
    }
    path::components(&params.path)?;
    ctx.store_lane
        .run(move || {
            let root = store.canonical_root()?;
            let display = format!("{}` in store `{}", excerpt(&params.path), excerpt(&store.name));
            let sha256 = write::write_entry(
                &root,
                &params.path,
                &display,
                &bytes,
                params.expect_previous.as_deref(),
            )?;
            Ok(ResultBody::StoreWrite(StoreWriteResult {
                written: true,
                sha256,
            }))
        })
        .await
}
