use std::io::Read;

use base64::Engine;
use tessera_protocol::store::{StoreReadParams, StoreReadResult};
use tessera_protocol::{excerpt, ErrorBody, ErrorCode, ResultBody};

use crate::dispatch::HostContext;
use crate::store::{io_error, path, recipients, sha256_hex, MAX_READ_BYTES};

pub async fn handle(ctx: &HostContext, params: StoreReadParams) -> Result<ResultBody, ErrorBody> {
    let store = ctx.stores.get(&params.store)?.clone();
    ctx.store_lane
        .run(move || {
            let root = store.canonical_root()?;
            let not_found = || {
                ErrorBody::new(
                    ErrorCode::EntryNotFound,
                    format!(
                        "store `{}` has no entry `{}` (no file {}.gpg)",
                        excerpt(&store.name),
                        excerpt(&params.path),
                        excerpt(&params.path)
                    ),
                )
            };
            let loc = path::locate(&root, &params.path, false)?.ok_or_else(not_found)?;
            let file = match std::fs::File::open(&loc.file) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(not_found()),
                Err(e) => return Err(io_error(&loc.file, &e)),
            };
            let meta = file.metadata().map_err(|e| io_error(&loc.file, &e))?;
            if !meta.is_file() {
                return Err(not_found());
            }
            let mut bytes = Vec::new();
            file.take(MAX_READ_BYTES + 1)
                .read_to_end(&mut bytes)
                .map_err(|e| io_error(&loc.file, &e))?;
            if bytes.len() as u64 > MAX_READ_BYTES {
                return Err(ErrorBody::new(
                    ErrorCode::EntryTooLarge,
                    format!(
                        "`{}` in store `{}` is {} bytes, over the {MAX_READ_BYTES} bytes the host reads",
                        excerpt(&params.path),
                        excerpt(&store.name),
                        meta.len()
                    ),
                ));
            }
            let parts = path::components(&params.path)?;
            let recipients_file = recipients::nearest(&root, &parts[..parts.len() - 1]);
            let recipients = match &recipients_file {
                Some(rel) => recipients::read(&root, rel)?,
                None => Vec::new(),
            };
            Ok(ResultBody::StoreRead(StoreReadResult {
                ciphertext: base64::engine::general_purpose::STANDARD.encode(&bytes),
                recipients,
                recipients_file,
                sha256: sha256_hex(&bytes),
            }))
        })
        .await
}
