#!/usr/bin/env python3
"""Measures APDU round trips to the virtual card through pcscd (libpcsclite via
ctypes, no extra packages). Run inside with-virtual-card.sh:

    scripts/lib/with-virtual-card.sh tests/virtual-card/apdu-latency.py [N]

Prints the median and 95th percentile of N (default 200) GET DATA 6E
(application related data, 258 bytes: short Le, so one 61xx + GET RESPONSE)
and of N short GET DATA 4F (AID) exchanges, after SELECT."""
import ctypes
import os
import statistics
import sys
import time

lib = ctypes.CDLL("libpcsclite.so.1")
SCARD_SCOPE_SYSTEM, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1 = 2, 2, 2
SCARD_LEAVE_CARD = 0


class IoRequest(ctypes.Structure):
    _fields_ = [("proto", ctypes.c_ulong), ("pci_len", ctypes.c_ulong)]


def check(rc, what):
    if rc != 0:
        sys.exit(f"{what} failed: 0x{rc & 0xFFFFFFFF:08X}")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    reader = os.environ.get("TESSERA_TEST_READER", "Virtual PCD 00 00").encode()
    ctx, card, proto = ctypes.c_long(), ctypes.c_long(), ctypes.c_ulong()
    check(lib.SCardEstablishContext(SCARD_SCOPE_SYSTEM, None, None, ctypes.byref(ctx)), "establish")
    check(lib.SCardConnect(ctx, reader, SCARD_SHARE_SHARED, SCARD_PROTOCOL_T1,
                           ctypes.byref(card), ctypes.byref(proto)), "connect")
    pci = IoRequest(SCARD_PROTOCOL_T1, ctypes.sizeof(IoRequest))
    buf = (ctypes.c_ubyte * 4096)()

    def transmit(apdu):
        out = (ctypes.c_ubyte * len(apdu))(*apdu)
        n_out = ctypes.c_ulong(len(buf))
        check(lib.SCardTransmit(card, ctypes.byref(pci), out, len(apdu), None, buf,
                                ctypes.byref(n_out)), "transmit")
        resp = bytes(buf[: n_out.value])
        if resp[-2:-1] == b"\x61":  # more data: fetch it like a real client
            rest = transmit([0x00, 0xC0, 0x00, 0x00, resp[-1]])
            return resp[:-2] + rest
        if resp[-2:] != b"\x90\x00":
            sys.exit(f"card answered {resp[-2:].hex()} to {bytes(apdu).hex()}")
        return resp

    transmit([0x00, 0xA4, 0x04, 0x00, 0x06, 0xD2, 0x76, 0x00, 0x01, 0x24, 0x01, 0x00])
    for name, apdu in [("GET DATA 4F", [0x00, 0xCA, 0x00, 0x4F, 0x00]),
                       ("GET DATA 6E", [0x00, 0xCA, 0x00, 0x6E, 0x00])]:
        times = []
        for _ in range(n):
            t = time.perf_counter()
            resp = transmit(apdu)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(f"{name} ({len(resp) - 2} bytes) x{n}: median {statistics.median(times):.2f} ms, "
              f"p95 {times[int(n * 0.95) - 1]:.2f} ms, max {times[-1]:.2f} ms")
    lib.SCardDisconnect(card, SCARD_LEAVE_CARD)
    lib.SCardReleaseContext(ctx)


if __name__ == "__main__":
    main()
