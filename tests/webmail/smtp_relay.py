#!/usr/bin/python3
"""SMTP relay for the webmail tests: accepts mail on 127.0.0.1 and hands it to
Dovecot over LMTP, keeping a raw copy of every message in a spool folder.

Usage: /usr/bin/python3 smtp_relay.py SMTP_PORT LMTP_PORT SPOOL_DIR

Run with Debian's /usr/bin/python3 (python3-aiosmtpd). No AUTH, no TLS:
loopback only. Exits 0 on SIGTERM/SIGINT.
"""
import os
import signal
import smtplib
import sys
import threading
import time

from aiosmtpd.controller import Controller


class Relay:
    def __init__(self, lmtp_port, spool):
        self.lmtp_port = lmtp_port
        self.spool = spool
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            n = self.count
        name = "%d-%06d.eml" % (int(time.time() * 1000), n)
        tmp = os.path.join(self.spool, "." + name)
        with open(tmp, "wb") as f:
            f.write(envelope.original_content)
        os.rename(tmp, os.path.join(self.spool, name))
        # One LMTP transaction per recipient: after DATA, LMTP answers once per
        # recipient, and smtplib reads only the first answer (with two recipients
        # the second one was taken as the answer to the next command: "LMTP
        # delivery failed" for a message with To and Cc).
        refused = {}
        try:
            with smtplib.LMTP("127.0.0.1", self.lmtp_port, timeout=30) as lmtp:
                for rcpt in envelope.rcpt_tos:
                    try:
                        refused.update(lmtp.sendmail(envelope.mail_from, [rcpt], envelope.original_content))
                    except smtplib.SMTPRecipientsRefused as e:
                        refused.update(e.recipients)
                        lmtp.rset()
        except Exception as e:  # noqa: BLE001 - report any delivery failure as temporary
            print("relay: LMTP delivery failed: %r" % (e,), file=sys.stderr, flush=True)
            return "451 LMTP delivery failed"
        if len(refused) == len(set(envelope.rcpt_tos)):
            print("relay: LMTP refused all recipients: %r" % (refused,), file=sys.stderr, flush=True)
            return "550 recipients refused by LMTP"
        if refused:
            print("relay: LMTP refused some recipients: %r" % (refused,), file=sys.stderr, flush=True)
        print("relay: %s -> %s (%d bytes) spool %s" % (envelope.mail_from, ",".join(envelope.rcpt_tos),
                                                       len(envelope.original_content), name),
              file=sys.stderr, flush=True)
        return "250 OK delivered"


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 64
    smtp_port, lmtp_port, spool = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    os.makedirs(spool, exist_ok=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    controller = Controller(Relay(lmtp_port, spool), hostname="127.0.0.1", port=smtp_port,
                            ident="tessera-test-relay")
    controller.start()
    print("relay: listening on 127.0.0.1:%d, LMTP 127.0.0.1:%d" % (smtp_port, lmtp_port),
          file=sys.stderr, flush=True)
    stop.wait()
    controller.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
