// `token.list`'s result is typed by the generated contract and checked by the
// wasm core against the Rust type of that method: there is nothing left to
// parse here. Kept only for service-worker.ts's `readTokenList(...)` call;
// `(await connection.request("token.list", {}))` is the same value.

import type { TokenListResult } from "./contracts/generated/protocol";

export function readTokenList(result: TokenListResult): TokenListResult {
  return result;
}
