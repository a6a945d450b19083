use tessera_protocol::store::{StoreInfo, StoreListResult, StoreProblem};
use tessera_protocol::{ErrorBody, ErrorCode, ResultBody};

use crate::dispatch::HostContext;
use crate::store::list;

pub async fn handle(ctx: &HostContext) -> Result<ResultBody, ErrorBody> {
    let stores = ctx.stores.clone();
    ctx.list_lane
        .run(move || {
            let mut result = StoreListResult {
                stores: Vec::new(),
                entries: Vec::new(),
                problems: Vec::new(),
            };
            for (store, message) in &stores.config_problems {
                result.problems.push(StoreProblem {
                    store: store.clone(),
                    code: ErrorCode::StoreNotFound,
                    message: message.clone(),
                });
            }
            for store in &stores.stores {
                result.stores.push(StoreInfo {
                    name: store.name.clone(),
                    path: store.root.to_string_lossy().into_owned(),
                });
                list::list(store, &mut result.entries, &mut result.problems);
            }
            Ok(ResultBody::StoreList(result))
        })
        .await
}
