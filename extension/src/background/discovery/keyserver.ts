// A keyserver as a second source after WKD, off by default: the user names one
// in the options page. A URL ending in `/pks/lookup` is asked the HKPS way
// (`op=get&options=mr`), any other https URL the VKS way (keys.openpgp.org's
// `/vks/v1/by-email/`).

import { HostError } from "../errors";

export const KEYSERVER_STORAGE_KEY = "keyserver";

/** The lookup URL for `address` on `server`; refuses anything but https. */
export function keyserverUrl(server: string, address: string): string {
  let base: URL;
  try {
    base = new URL(server.trim());
  } catch {
    throw new HostError("invalid_keyserver", `\`${server}\` is not a keyserver address`);
  }
  if (base.protocol !== "https:" || base.username !== "" || base.password !== "") {
    throw new HostError("invalid_keyserver", "a keyserver must be an https:// address (no user name)");
  }
  const path = base.pathname.replace(/\/+$/, "");
  if (path.endsWith("/pks/lookup")) {
    return `${base.origin}${path}?op=get&options=mr&search=${encodeURIComponent(address)}`;
  }
  return `${base.origin}${path}/vks/v1/by-email/${encodeURIComponent(address)}`;
}
