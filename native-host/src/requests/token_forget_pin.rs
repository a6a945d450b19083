use tessera_protocol::pin::{ForgetPinParams, ForgetPinResult};
use tessera_protocol::ResultBody;

use crate::dispatch::HostContext;

pub fn handle(ctx: &HostContext, params: &ForgetPinParams) -> ResultBody {
    ctx.tokens.pins().forget(&params.token);
    ResultBody::ForgetPin(ForgetPinResult { forgotten: true })
}
