#!/usr/bin/env python3
"""A scripted, deliberately broken mail server for the malformed cases that
real servers never produce. Usage: fake_server.py PORT MODE LOG

Listens on 127.0.0.1:PORT, serves each connection in its own thread until
killed, and appends one line per event to LOG ("<time> conn N connect",
"... quit") so that tests can check ordering.

SMTP modes: smtp-garbage, smtp-hugeline, smtp-badmulti, smtp-midclose,
smtp-silent, smtp-oldauth (only the old AUTH= form). POP modes: pop-garbage, pop-silent, pop-hugeline,
pop-midclose (closes in the middle of the CAPA list), pop-nostamp (APOP asked
of a server whose greeting has no timestamp), pop-nostls (CAPA without
STLS), pop-slow (a normal USER/PASS server whose first session holds the
mailbox for 2 s before QUIT completes), pop-nouidl (one message, no UIDL
command)."""
import socket
import sys
import threading
import time

port, mode, logpath = int(sys.argv[1]), sys.argv[2], sys.argv[3]


def log(text):
    with open(logpath, "a") as f:
        f.write("%.6f %s\n" % (time.time(), text))


def lines(conn):
    buf = b""
    while True:
        while b"\n" not in buf:
            data = conn.recv(4096)
            if not data:
                return
            buf += data
        line, buf = buf.split(b"\n", 1)
        yield line.rstrip(b"\r").decode("latin-1")


def smtp(conn, n):
    send = conn.sendall
    if mode == "smtp-garbage":
        send(b"HELLO THERE this is not SMTP\r\n")
    elif mode == "smtp-hugeline":
        send(b"220 " + b"x" * (1024 * 1024) + b"\r\n")
    elif mode == "smtp-badmulti":
        send(b"220-fake\r\n250 wrong code in the middle\r\n")
    elif mode == "smtp-midclose":
        send(b"220-fake multi-line greeting\r\n220-and")
    elif mode == "smtp-silent":
        time.sleep(30)
    elif mode == "smtp-oldauth":
        # Only the pre-RFC 2554 "AUTH=" form; accepts any AUTH at once.
        send(b"220 fake ESMTP\r\n")
        for line in lines(conn):
            cmd = line.split(" ")[0].upper()
            if cmd == "EHLO":
                send(b"250-fake\r\n250 AUTH=LOGIN PLAIN\r\n")
            elif cmd == "AUTH":
                log("auth " + line.split(" ")[1])
                send(b"235 2.7.0 accepted\r\n")
            elif cmd == "DATA":
                send(b"354 go ahead\r\n")
                for body in lines(conn):
                    if body == ".":
                        break
                send(b"250 2.0.0 queued\r\n")
            elif cmd == "QUIT":
                send(b"221 bye\r\n")
                return
            else:
                send(b"250 ok\r\n")
        return
    time.sleep(0.5)


def pop(conn, n):
    send = conn.sendall
    if mode == "pop-garbage":
        send(b"* OK this is IMAP, not POP\r\n")
        time.sleep(0.5)
        return
    if mode == "pop-silent":
        time.sleep(30)
        return
    if mode == "pop-hugeline":
        send(b"+OK " + b"x" * (1024 * 1024) + b"\r\n")
        time.sleep(0.5)
        return
    send(b"+OK fake POP3 ready\r\n")
    for line in lines(conn):
        cmd = line.split(" ")[0].upper()
        if cmd == "CAPA" and mode == "pop-midclose":
            send(b"+OK\r\nUSER\r\nUI")
            return
        if cmd == "CAPA":
            send(b"+OK\r\nUSER\r\nUIDL\r\n.\r\n")
        elif cmd in ("USER", "PASS"):
            send(b"+OK\r\n")
        elif cmd == "APOP":
            send(b"-ERR no APOP here\r\n")
        elif cmd == "STAT" and mode == "pop-nouidl":
            send(b"+OK 1 40\r\n")
        elif cmd == "STAT":
            send(b"+OK 0 0\r\n")
        elif cmd == "RETR" and mode == "pop-nouidl":
            send(b"+OK\r\nSubject: no uidl\r\n\r\nbody without uidl\r\n.\r\n")
        elif cmd == "DELE" and mode == "pop-nouidl":
            log("conn %d dele" % n)
            send(b"+OK\r\n")
        elif cmd == "QUIT":
            if mode == "pop-slow" and n == 1:
                time.sleep(2)
            log("conn %d quit" % n)
            send(b"+OK bye\r\n")
            return
        else:
            send(b"-ERR unknown\r\n")


def main():
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(8)
    log("listening")
    n = 0
    while True:
        conn, _ = srv.accept()
        n += 1
        log("conn %d connect" % n)
        threading.Thread(target=serve, args=(conn, n), daemon=True).start()


def serve(conn, n):
    try:
        (smtp if mode.startswith("smtp") else pop)(conn, n)
    except OSError:
        pass
    conn.close()


main()
