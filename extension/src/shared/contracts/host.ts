// The native host as the extension knows it: the one place these constants are
// defined on the TypeScript side (the Rust side: protocol/, manifest/).

/** The native-messaging host name (manifest/*.json `name`, runtime.connectNative). */
export const HOST_NAME = "org.tessera.host";

/** The protocol version this extension speaks (PROTOCOL.md, `hello`). */
export const PROTOCOL_VERSION = 1;
