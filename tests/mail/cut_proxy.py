#!/usr/bin/env python3
"""A TCP proxy in front of a real POP server that loses the connection at
the first DELE, for the UIDL tests. Usage: cut_proxy.py PORT UPSTREAM MODE LOG

Listens on 127.0.0.1:PORT and relays each connection to 127.0.0.1:UPSTREAM.
When the client sends a line starting with "DELE", the proxy does not
forward it:
  cut   closes both connections at once (the client sees the connection
        lost; the server sees a session cut without QUIT, so it deletes
        nothing);
  hold  logs "hold DELE" and waits for the client to go away (the test
        kills it with SIGKILL), then closes the server's connection.
Events go to LOG, one line each."""
import socket
import sys
import threading
import time

port, upstream, mode, logpath = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]


def log(text):
    with open(logpath, "a") as f:
        f.write("%.6f %s\n" % (time.time(), text))


def down(srv, cli):
    """Server to client, as it comes."""
    try:
        while True:
            data = srv.recv(65536)
            if not data:
                break
            cli.sendall(data)
    except OSError:
        pass
    for s in (cli, srv):
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


def serve(cli, n):
    srv = socket.create_connection(("127.0.0.1", upstream))
    threading.Thread(target=down, args=(srv, cli), daemon=True).start()
    buf = b""
    try:
        while True:
            data = cli.recv(65536)
            if not data:
                break
            buf += data
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                if line[:4].upper() == b"DELE":
                    if mode == "hold":
                        log("conn %d hold DELE" % n)
                        while cli.recv(65536):
                            pass
                        log("conn %d client gone" % n)
                    else:
                        log("conn %d cut at DELE" % n)
                    return
                srv.sendall(line + b"\n")
    except OSError:
        pass
    finally:
        for s in (cli, srv):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            s.close()


def main():
    lsn = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsn.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsn.bind(("127.0.0.1", port))
    lsn.listen(8)
    log("listening")
    n = 0
    while True:
        cli, _ = lsn.accept()
        n += 1
        log("conn %d connect" % n)
        threading.Thread(target=serve, args=(cli, n), daemon=True).start()


main()
