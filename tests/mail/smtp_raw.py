#!/usr/bin/env python3
"""Raw SMTP clients for the SMTP reception tests (tests/mail/test_smtp_rx.sh).

smtp_raw.py PORT CASE [ARGS]: talks to svcmode's SMTP reception on
127.0.0.1:PORT and prints what the test checks, one fact per line.

  pipeline TO MSGID   every command of a transaction in one write
  garbage             junk, NUL bytes, a long line, then bad commands
  inject TO           "STARTTLS\\r\\nRSET" in one write: the RSET sent in
                      clear must never be answered inside TLS
  concurrent TO N     N clients at once, each sends one message
  slow TO MSGID SIZE  DATA of SIZE bytes, sent slowly (to be killed)
"""
import socket
import ssl
import sys
import threading
import time


def connect(port, timeout=20):
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return s, s.makefile("rb")


def replies(f, n):
    """N replies (multi-line replies count once): their codes."""
    codes = []
    while len(codes) < n:
        line = f.readline()
        if not line:
            codes.append("EOF")
            break
        if line[3:4] != b"-":
            codes.append(line[:3].decode())
    return codes


def message(to, msgid, body="hello"):
    return ("From: <t@example.test>\r\nTo: <%s>\r\nSubject: rx %s\r\n"
            "Message-ID: <%s>\r\n\r\n%s\r\n" % (to, msgid, msgid, body))


def pipeline(port, to, msgid):
    s, f = connect(port)
    replies(f, 1)
    s.sendall(("EHLO t\r\nMAIL FROM:<t@example.test>\r\nRCPT TO:<nobody@else.test>\r\n"
               "RCPT TO:<%s>\r\nDATA\r\n" % to).encode())
    print("pipelined", " ".join(replies(f, 5)))
    s.sendall((message(to, msgid) + ".\r\nQUIT\r\n").encode())
    print("data", " ".join(replies(f, 2)))


def garbage(port):
    s, f = connect(port)
    replies(f, 1)
    s.sendall(b"EHLO t\r\nFOO bar\r\nMAIL FROM:<a@b> XYZ=1\r\nDATA\r\n")
    print("junk", " ".join(replies(f, 4)))
    s.sendall(b"RCPT TO:<x>\r\n" + b"A" * 600 + b"\r\n")
    print("long", " ".join(replies(f, 2)))
    s.sendall(b"".join(b"BAD%d\r\n" % i for i in range(12)))
    codes = replies(f, 12)
    print("flood", " ".join(codes))
    s2, f2 = connect(port)
    replies(f2, 1)
    s2.sendall(b"EHLO t\r\nNO\x00OP\r\n")
    print("nul", " ".join(replies(f2, 2)))


def inject(port, to):
    s, f = connect(port)
    replies(f, 1)
    s.sendall(b"EHLO t\r\n")
    replies(f, 1)
    s.sendall(b"STARTTLS\r\nRSET\r\n")
    print("starttls", " ".join(replies(f, 1)))
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    t = ctx.wrap_socket(s, server_hostname="device")
    tf = t.makefile("rb")
    t.sendall(b"NOOP\r\n")
    # The first reply inside TLS must be NOOP's 250 2.0.0 ok, never RSET's.
    line = tf.readline().decode().strip()
    print("first-in-tls", line)
    t.sendall(b"EHLO t\r\n")
    ehlo = []
    while True:
        line = tf.readline().decode().strip()
        ehlo.append(line[4:])
        if line[3:4] != "-":
            break
    print("ehlo-in-tls", ",".join(ehlo))


def one(port, to, msgid, out, i):
    try:
        s, f = connect(port, 60)
        replies(f, 1)
        s.sendall(("EHLO t\r\nMAIL FROM:<t@example.test>\r\nRCPT TO:<%s>\r\nDATA\r\n" %
                   to).encode())
        r = replies(f, 4)
        s.sendall((message(to, msgid) + ".\r\nQUIT\r\n").encode())
        r += replies(f, 2)
        out[i] = " ".join(r)
    except OSError as e:
        out[i] = "error %s" % e


def concurrent(port, to, n):
    out = [None] * n
    # Every client connects before any sends: N sessions open at once.
    threads = [threading.Thread(target=one, args=(port, to, "c%d@test" % i, out, i))
               for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ok = sum(1 for r in out if r == "250 250 250 354 250 221")
    print("concurrent-ok", ok)
    for r in out:
        if r != "250 250 250 354 250 221":
            print("concurrent-other", r)


def slow(port, to, msgid, size):
    s, f = connect(port, 60)
    replies(f, 1)
    s.sendall(("EHLO t\r\nMAIL FROM:<t@example.test>\r\nRCPT TO:<%s>\r\nDATA\r\n" %
               to).encode())
    replies(f, 4)
    body = ("x" * 70 + "\r\n") * (size // 72)
    data = (message(to, msgid, body) + ".\r\n").encode()
    try:
        for k in range(0, len(data), 4096):
            s.sendall(data[k:k + 4096])
            time.sleep(0.001)
        print("slow", " ".join(replies(f, 1)))
    except OSError:
        print("slow cut")


def main():
    port, case = int(sys.argv[1]), sys.argv[2]
    a = sys.argv[3:]
    if case == "pipeline":
        pipeline(port, a[0], a[1])
    elif case == "garbage":
        garbage(port)
    elif case == "inject":
        inject(port, a[0])
    elif case == "concurrent":
        concurrent(port, a[0], int(a[1]))
    elif case == "slow":
        slow(port, a[0], a[1], int(a[2]))


if __name__ == "__main__":
    main()
