//! The wasm-bindgen boundary: converts JS values to Rust and back, nothing more.

use wasm_bindgen::prelude::*;

use crate::host_protocol;

#[wasm_bindgen(js_name = coreVersion)]
pub fn core_version() -> String {
    crate::version().to_owned()
}

/// Returns the request's JSON text, or throws an Error whose message says why
/// the host would refuse it.
#[wasm_bindgen(js_name = encodeRequest)]
pub fn encode_request(id: f64, method: &str, params_json: &str) -> Result<String, JsError> {
    if !(id.is_finite()
        && id >= 0.0
        && id.fract() == 0.0
        && id <= tessera_protocol::envelope::MAX_REQUEST_ID as f64)
    {
        return Err(JsError::new("request id must be a non-negative safe integer"));
    }
    host_protocol::encode_request(id as u64, method, params_json).map_err(|e| JsError::new(&e.to_string()))
}

/// Checks a reply from the host to a request of `method` (`undefined` when no
/// request is known for its id: then only an error reply is accepted). Returns
/// `{ id, result }`, the result of exactly that method's type, or
/// `{ id, error: { code, message } }`.
#[wasm_bindgen(js_name = decodeReply)]
pub fn decode_reply(json: &str, method: Option<String>) -> Result<JsValue, JsError> {
    let reply =
        host_protocol::decode_reply(json, method.as_deref()).map_err(|e| JsError::new(&e.to_string()))?;
    let out = match reply.outcome {
        Ok(result) => serde_json::json!({ "id": reply.id, "result": result }),
        Err(error) => serde_json::json!({ "id": reply.id, "error": error }),
    };
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    serde::Serialize::serialize(&out, &serializer).map_err(|e| JsError::new(&e.to_string()))
}
