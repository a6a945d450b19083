use tessera_protocol::certificate::{ExportCertificateParams, ExportCertificateResult};
use tessera_protocol::{ErrorBody, ErrorCode, ResultBody};

use super::blocking;
use crate::dispatch::HostContext;

/// Longest User ID accepted: generous for a name and an address, and far
/// below what could make the armored reply approach the 1 MiB limit.
const MAX_USER_ID_BYTES: usize = 1024;

pub async fn handle(ctx: &HostContext, params: ExportCertificateParams) -> Result<ResultBody, ErrorBody> {
    let user_id = params
        .user_id
        .map(|u| u.trim().to_owned())
        .filter(|u| !u.is_empty());
    if let Some(u) = &user_id {
        if u.len() > MAX_USER_ID_BYTES || u.chars().any(char::is_control) {
            return Err(ErrorBody::new(
                ErrorCode::InvalidParams,
                format!("`user_id` must be one line of at most {MAX_USER_ID_BYTES} bytes"),
            ));
        }
    }
    let tokens = ctx.tokens.clone();
    let token = params.token;
    let exported = blocking(move || tokens.export_certificate(&token, user_id.as_deref())).await?;
    Ok(ResultBody::ExportCertificate(ExportCertificateResult {
        armored: exported.armored,
        fingerprint: exported.fingerprint,
    }))
}
