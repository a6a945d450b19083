#!/usr/bin/env python3
"""Benchmarks of tessera-host measured from outside, as a browser sees it.

Run by scripts/bench (under with-virtual-card.sh, so token.list reads a real card
through pcscd). Prints one line per figure; never asserts: this is not a test.

  host_bench.py HOST_BINARY
"""
import json
import os
import statistics
import struct
import subprocess
import sys
import tempfile
import time


def frame(obj):
    data = json.dumps(obj).encode()
    return struct.pack("=I", len(data)) + data


def read_reply(stream):
    head = stream.read(4)
    if len(head) < 4:
        raise RuntimeError("host closed its stdout")
    (n,) = struct.unpack("=I", head)
    return json.loads(stream.read(n))


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


# The extension's ID as its build sets it; Chromium names it as the host's first argument.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "manifest", "extension-id.json")) as f:
    CHROMIUM_ORIGIN = f"chrome-extension://{json.load(f)['chromium']['id']}/"


def start(host, data_dir):
    return subprocess.Popen(
        [host, CHROMIUM_ORIGIN],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, env={**os.environ, "TESSERA_DATA_DIR": data_dir},
    )


def main():
    host = sys.argv[1]
    data_dir = tempfile.mkdtemp(prefix="tessera-bench-")

    # Spawn to first reply: process start, runtime start, one hello.
    spawn = []
    for _ in range(30):
        t0 = time.perf_counter()
        p = start(host, data_dir)
        p.stdin.write(frame({"id": 1, "method": "hello"}))
        p.stdin.flush()
        read_reply(p.stdout)
        spawn.append((time.perf_counter() - t0) * 1000)
        p.stdin.close()
        p.wait()
    print(f"host spawn-to-first-reply (30 runs): p50 {pct(spawn, 50):.1f} ms, p99 {pct(spawn, 99):.1f} ms  [target <= 30 ms]")

    p = start(host, data_dir)
    p.stdin.write(frame({"id": 0, "method": "hello"}))
    p.stdin.flush()
    read_reply(p.stdout)
    time.sleep(0.2)
    idle = rss_kib(p.pid)

    rtt = []
    for i in range(1, 1001):
        t0 = time.perf_counter()
        p.stdin.write(frame({"id": i, "method": "hello"}))
        p.stdin.flush()
        read_reply(p.stdout)
        rtt.append((time.perf_counter() - t0) * 1000)
    after = rss_kib(p.pid)
    print(f"hello round trip over pipes, no browser (1000): p50 {pct(rtt, 50):.3f} ms, p99 {pct(rtt, 99):.3f} ms")

    lists = []
    cards = 0
    for i in range(100):
        t0 = time.perf_counter()
        p.stdin.write(frame({"id": 2000 + i, "method": "token.list"}))
        p.stdin.flush()
        reply = read_reply(p.stdout)
        lists.append((time.perf_counter() - t0) * 1000)
        cards = sum(1 for t in reply["result"]["tokens"] if t["backend"] == "card")
    print(f"token.list with {cards} card(s) through pcscd (100): p50 {pct(lists, 50):.1f} ms, p99 {pct(lists, 99):.1f} ms")
    final = rss_kib(p.pid)
    print(f"host resident memory: idle {idle / 1024:.1f} MiB, after 1000 hello {after / 1024:.1f} MiB, "
          f"after 100 token.list {final / 1024:.1f} MiB  [target <= 15 MiB]")
    p.stdin.close()
    p.wait()


if __name__ == "__main__":
    main()
