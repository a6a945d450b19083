use tessera_protocol::store::{StoreInitParams, StoreInitResult};
use tessera_protocol::{ErrorBody, ResultBody};

use crate::dispatch::HostContext;
use crate::store::init;

/// Makes a configured store's folder a `pass` store for `recipients`
/// (`.gpg-id` at its root); only that configured folder is touched.
pub async fn handle(ctx: &HostContext, params: StoreInitParams) -> Result<ResultBody, ErrorBody> {
    let store = ctx.stores.get(&params.store)?.clone();
    init::check_recipients(&params.recipients)?;
    ctx.store_lane
        .run(move || {
            let created = init::init(&store, &params.recipients)?;
            Ok(ResultBody::StoreInit(StoreInitResult {
                created,
                path: store.root.display().to_string(),
                recipients_file: ".gpg-id".into(),
            }))
        })
        .await
}
