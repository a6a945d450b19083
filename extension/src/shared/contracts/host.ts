// The native host as the extension knows it. The values come from the Rust
// constants (protocol/src/constants.rs) through the generated contract; this
// file only gives them their short import path.

/** The native-messaging host name (manifest/*.json `name`, runtime.connectNative); the protocol version (`hello`). */
export { HOST_NAME, PROTOCOL_VERSION } from "./generated/protocol";
