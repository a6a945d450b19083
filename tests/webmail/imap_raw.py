#!/usr/bin/python3
"""Raw source of the messages in a user's mailbox folder, straight from IMAP.

  imap_raw.py USER [FOLDER] [--subject TEXT] [--grep TEXT] [--count] [--wait SECONDS]

USER is a name from TESSERA_WEBMAIL_USERS ("alice"), the password is taken from
there; host/port from TESSERA_IMAP_HOST / TESSERA_IMAP_PORT (set by
with-webmail.sh). FOLDER: INBOX (default), Sent, Drafts, Trash, Junk.

  (default)        prints the raw source (headers + body, as stored) of each
                   message, separated by a line "==== UID n ====".
  --subject TEXT   only messages whose Subject contains TEXT (IMAP SEARCH).
  --grep TEXT      exit 0 if TEXT occurs in the raw source of any selected
                   message (bytes, case-sensitive), 1 if not; prints the UIDs
                   that contain it. Use it to prove a plaintext marker never
                   reached the server: expect exit 1.
  --count          print the number of selected messages only.
  --wait SECONDS   poll (every 0.1 s) until at least one message is selected.

Exit codes: 0 found/printed, 1 nothing matched (--grep, or --subject/--wait
with no message), 2 usage or IMAP error. Messages are read with BODY.PEEK[] on
a read-only SELECT: the \\Seen flags are not changed.
"""
import argparse
import imaplib
import os
import sys
import time


def password_of(user):
    for pair in os.environ.get("TESSERA_WEBMAIL_USERS", "").split():
        name, _, pw = pair.partition(":")
        if name == user:
            return pw
    raise SystemExit("imap_raw: user %r not in TESSERA_WEBMAIL_USERS (run under tests/webmail/with-webmail.sh)" % user)


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def select_uids(imap, subject):
    if subject is None:
        typ, data = imap.uid("SEARCH", None, "ALL")
    else:
        # ASCII only (imaplib sends commands as ASCII): use ASCII markers.
        typ, data = imap.uid("SEARCH", "SUBJECT", quote(subject))
    if typ != "OK":
        raise imaplib.IMAP4.error("SEARCH failed: %r" % data)
    return [int(u) for u in data[0].split()]


def fetch_raw(imap, uid):
    typ, data = imap.uid("FETCH", str(uid), "(BODY.PEEK[])")
    if typ != "OK":
        raise imaplib.IMAP4.error("FETCH %d failed: %r" % (uid, data))
    for part in data:
        if isinstance(part, tuple):
            return part[1]
    return b""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("user")
    ap.add_argument("folder", nargs="?", default="INBOX")
    ap.add_argument("--subject")
    ap.add_argument("--grep")
    ap.add_argument("--count", action="store_true")
    ap.add_argument("--wait", type=float, default=0.0)
    args = ap.parse_args()

    host = os.environ.get("TESSERA_IMAP_HOST", "127.0.0.1")
    port = int(os.environ.get("TESSERA_IMAP_PORT", "0") or 0)
    if not port:
        print("imap_raw: TESSERA_IMAP_PORT is not set (run under tests/webmail/with-webmail.sh)", file=sys.stderr)
        return 2
    try:
        imap = imaplib.IMAP4(host, port, timeout=30)
        imap.login(args.user, password_of(args.user))
        deadline = time.monotonic() + args.wait
        while True:
            typ, data = imap.select(quote(args.folder), readonly=True)
            if typ != "OK":
                print("imap_raw: cannot select %s: %r" % (args.folder, data), file=sys.stderr)
                return 2
            uids = select_uids(imap, args.subject)
            if uids or time.monotonic() >= deadline:
                break
            imap.close()
            time.sleep(0.1)
        if args.count:
            print(len(uids))
            return 0
        if args.grep is not None:
            needle = args.grep.encode("utf-8")
            hits = [u for u in uids if needle in fetch_raw(imap, u)]
            for u in hits:
                print(u)
            return 0 if hits else 1
        if not uids:
            return 1 if (args.subject is not None or args.wait) else 0
        out = sys.stdout.buffer
        for u in uids:
            out.write(b"==== UID %d ====\n" % u)
            raw = fetch_raw(imap, u)
            out.write(raw)
            if not raw.endswith(b"\n"):
                out.write(b"\n")
        out.flush()
        return 0
    except (imaplib.IMAP4.error, OSError) as e:
        print("imap_raw: %s" % e, file=sys.stderr)
        return 2
    finally:
        try:
            imap.logout()
        except Exception:  # noqa: BLE001
            pass


if __name__ == "__main__":
    sys.exit(main())
