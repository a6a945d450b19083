use tessera_protocol::store::{StoreRecipientsParams, StoreRecipientsResult};
use tessera_protocol::{ErrorBody, ResultBody};

use crate::dispatch::HostContext;
use crate::store::{path, recipients};

/// The nearest `.gpg-id` of a (possibly new) entry: what the extension encrypts
/// a new entry to before `store.write`.
pub async fn handle(ctx: &HostContext, params: StoreRecipientsParams) -> Result<ResultBody, ErrorBody> {
    let store = ctx.stores.get(&params.store)?.clone();
    ctx.store_lane
        .run(move || {
            let root = store.canonical_root()?;
            let parts = path::components(&params.path)?;
            let recipients_file = recipients::nearest(&root, &parts[..parts.len() - 1]);
            let recipients = match &recipients_file {
                Some(rel) => recipients::read(&root, rel)?,
                None => Vec::new(),
            };
            Ok(ResultBody::StoreRecipients(StoreRecipientsResult {
                recipients,
                recipients_file,
            }))
        })
        .await
}
