// Test fakes answer host requests by method name with plain objects; this gives
// such a fake the typed signature of FlowDeps.request / HostConnection.request.
// (In the extension the wasm core checks each result against its method's type.)

import type { Method, Params, Result } from "../src/shared/contracts/generated/protocol";

export type UntypedRequest = (method: string, params: Record<string, unknown>) => Promise<unknown>;

export function typedRequest(f: UntypedRequest): <M extends Method>(method: M, params: Params<M>) => Promise<Result<M>> {
  return (method, params) => f(method, params as Record<string, unknown>) as Promise<Result<typeof method>>;
}
