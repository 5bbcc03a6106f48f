#!/usr/bin/env python3
"""A stand-in for `svcmode-lms serve` in the device's online tests: the LMS
API v1 (JSON over HTTPS) on 127.0.0.1, backed by the real svcmode-lms CLI on
a test database, so that the keys it hands out are real keys.

  lms_stub.py --cert C --key K --port-file F --lms BIN --db DB --secret S
              --from SERIAL --log FILE

One account, eng / eng-password. License Access Numbers: LAN-SEND-0001
(SEND), LAN-PCL-0002 (PCL), each redeemable once. Transfers come from the
device --from. Every request is logged (method, path, whether it carried a
bearer token) to --log, never a body.
"""
import argparse
import http.server
import json
import secrets
import ssl
import subprocess
import time
import urllib.parse

OPTIONS = ["SEND", "SPDF", "PCL", "PS", "ERDS", "EAM", "ELA", "BRDIM"]
LANS = {"LAN-SEND-0001": "SEND", "LAN-PCL-0002": "PCL"}


def lms(args, *cmd):
    p = subprocess.run([args.lms, "--db", args.db, "--secret-file", args.secret, *cmd],
                       capture_output=True, text=True)
    return p.returncode, p.stdout.strip(), p.stderr.strip()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    tokens = {}
    used = set()

    def log_message(self, fmt, *a):
        pass

    def send(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, code, message):
        self.send(status, {"error": {"code": code, "message": message}})

    def note(self):
        auth = self.headers.get("Authorization", "")
        with open(self.server.args.log, "a") as f:
            f.write("%s %s %s\n" % (self.command, self.path,
                                    "bearer" if auth.startswith("Bearer ") else "-"))

    def authed(self):
        auth = self.headers.get("Authorization", "")
        tok = auth[7:] if auth.startswith("Bearer ") else ""
        if self.tokens.get(tok, 0) > time.time():
            return True
        self.error(401, "unauthenticated", "sign in first")
        return False

    def body(self):
        n = int(self.headers.get("Content-Length", "0"))
        try:
            return json.loads(self.rfile.read(n) or b"{}")
        except ValueError:
            return None

    def do_GET(self):
        self.note()
        u = urllib.parse.urlparse(self.path)
        if u.path == "/v1/health":
            return self.send(200, {"status": "ok"})
        if u.path != "/v1/licenses":
            return self.error(404, "not_found", "no such resource")
        if not self.authed():
            return
        serial = urllib.parse.parse_qs(u.query).get("serial", [""])[0]
        rc, out, err = lms(self.server.args, "list", "--serial", serial)
        rows = []
        for line in out.splitlines():
            w = line.split()
            if len(w) >= 5 and w[0] == "license" and w[2] == serial:
                rows.append({"option": w[3], "number": int(w[1]), "state": w[4]})
        self.send(200, {"serial": serial, "licenses": rows})

    def do_POST(self):
        self.note()
        a = self.server.args
        b = self.body()
        if b is None:
            return self.error(400, "bad_json", "the body is not JSON")
        if self.path == "/v1/sessions":
            if b.get("user") != "eng" or b.get("password") != "eng-password":
                return self.error(401, "bad_credentials", "wrong account or password")
            tok = secrets.token_hex(16)
            self.tokens[tok] = time.time() + 600
            return self.send(201, {"token": tok, "expires": "in 600 s"})
        if not self.authed():
            return
        if self.path == "/v1/redeem":
            lan, serial = b.get("lan", ""), b.get("serial", "")
            if lan not in LANS:
                return self.error(404, "unknown_lan", "no License Access Number '%s'" % lan)
            if lan in self.used:
                return self.error(409, "lan_used", "License Access Number %s was already redeemed" % lan)
            rc, out, err = lms(a, "issue", "--serial", serial, "--option", LANS[lan])
            if rc:
                return self.error(409, "refused", err)
            self.used.add(lan)
            return self.send(200, {"option": LANS[lan], "serial": serial, "key": out})
        if self.path in ("/v1/transfers/verify", "/v1/transfers"):
            number = b.get("number", "")
            for o in OPTIONS:
                rc, out, err = lms(a, "verify-transfer", "--serial", a.source, "--option", o,
                                   "--number", number)
                if rc == 0:
                    break
            else:
                return self.error(422, "bad_number", "transfer number %s does not verify: %s" % (number, err))
            if self.path.endswith("verify"):
                return self.send(200, {"option": o, "serial": a.source})
            rc, out, err = lms(a, "transfer", "--from", a.source, "--to", b.get("serial", ""),
                               "--option", o, "--number", number)
            if rc:
                return self.error(409, "refused", err)
            return self.send(200, {"option": o, "serial": b.get("serial"), "key": out})
        self.error(404, "not_found", "no such resource")


def main():
    p = argparse.ArgumentParser()
    for n in ("cert", "key", "port-file", "lms", "db", "secret", "log"):
        p.add_argument("--" + n, required=True)
    p.add_argument("--from", dest="source", required=True)
    args = p.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.args = args
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    with open(args.port_file + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    import os
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
