use tessera_protocol::hello::{HelloParams, HelloResult};
use tessera_protocol::{Request, ResultBody, MAX_RESPONSE_BYTES, PROTOCOL_VERSION};

use crate::dispatch::HostContext;

pub fn handle(ctx: &HostContext, params: &HelloParams) -> ResultBody {
    if let Some(v) = params.protocol_version.filter(|v| *v != PROTOCOL_VERSION) {
        // Not an error: the extension decides what to do with an older host.
        eprintln!("tessera-host: client speaks protocol {v}, host speaks {PROTOCOL_VERSION}");
    }
    ResultBody::Hello(HelloResult {
        host: "tessera-host".into(),
        host_version: env!("CARGO_PKG_VERSION").into(),
        protocol_version: PROTOCOL_VERSION,
        capabilities: Request::METHODS.iter().map(|m| (*m).to_owned()).collect(),
        max_request_bytes: ctx.config.max_request_bytes,
        max_response_bytes: MAX_RESPONSE_BYTES,
    })
}
