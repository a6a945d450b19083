// The wasm modules a flow needs are loaded on first use, by core-loader.ts and
// credentials/core.ts: once, shared by every caller meanwhile, and forgotten
// when the load fails so that the next call tries again.

import { HostError, errorMessage } from "./errors";

/**
 * `load` run once (the arguments of the first call that runs it are the ones
 * used); a failure reaches every waiting caller as `core_unavailable`, "`what`
 * did not load: …", and the next call loads again.
 */
export function loadOnce<A extends unknown[], T>(what: string, load: (...args: A) => Promise<T>): (...args: A) => Promise<T> {
  let loading: Promise<T> | null = null;
  return (...args: A) =>
    (loading ??= load(...args).catch((err: unknown) => {
      loading = null;
      throw new HostError("core_unavailable", `${what} did not load: ${errorMessage(err)}`);
    }));
}
