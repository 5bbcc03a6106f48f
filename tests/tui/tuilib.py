"""Drives the real svcmode binary in a pseudo-terminal and renders what it
writes with pyte (a VT100/VT220 emulator), for the TUI tests and bench/."""
import fcntl
import os
import pty
import select
import signal
import struct
import subprocess
import termios
import time

import pyte

KEYS = {
    "UP": b"\x1b[A", "DOWN": b"\x1b[B", "RIGHT": b"\x1b[C", "LEFT": b"\x1b[D",
    "ENTER": b"\r", "ESC": b"\x1b", "BS": b"\x7f", "CTRL_L": b"\x0c", "CTRL_U": b"\x15",
}


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class Term:
    """One svcmode process on a pty, seen through a pyte screen."""

    def __init__(self, argv, env, rows=24, cols=80, tty_rows=None, tty_cols=None):
        self.rows, self.cols = rows, cols
        tty_rows = rows if tty_rows is None else tty_rows
        tty_cols = cols if tty_cols is None else tty_cols
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = bytearray()  # everything the program wrote
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            try:
                set_size(0, tty_rows, tty_cols)
                os.execve(argv[0], argv, env)
            finally:
                os._exit(127)
        set_size(self.fd, tty_rows, tty_cols)
        self.status = None

    def pump(self, quiet=0.15, limit=5.0):
        """Reads until nothing came for QUIET seconds (or LIMIT). Returns the bytes."""
        got = bytearray()
        end = time.monotonic() + limit
        while time.monotonic() < end:
            r, _, _ = select.select([self.fd], [], [], quiet)
            if not r:
                break
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                break
            if not data:
                break
            got += data
        self.raw += got
        self.stream.feed(bytes(got))
        return bytes(got)

    def send(self, *keys, quiet=0.15):
        """Sends keys (names of KEYS, or text) one at a time; returns all output."""
        out = bytearray()
        for k in keys:
            data = KEYS.get(k, k.encode() if isinstance(k, str) else k)
            os.write(self.fd, data)
            out += self.pump(quiet)
        return bytes(out)

    def key_bytes(self, key, quiet=0.3):
        """Bytes written in reaction to one key, after the screen settled."""
        self.pump(quiet)
        return self.send(key, quiet=quiet)

    def text(self):
        return "\n".join(self.screen.display)

    def line(self, n):
        return self.screen.display[n]

    def wait_for(self, needle, limit=5.0):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            if needle in self.text():
                return True
            self.pump(0.05, 0.2)
        return needle in self.text()

    def resize(self, rows, cols):
        self.rows, self.cols = rows, cols
        set_size(self.fd, rows, cols)
        self.screen.resize(rows, cols)
        os.kill(self.pid, signal.SIGWINCH)
        return self.pump(0.3)

    def close(self):
        if self.status is None:
            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.wait()
        try:
            os.close(self.fd)
        except OSError:
            pass

    def wait(self, limit=5.0):
        end = time.monotonic() + limit
        while time.monotonic() < end:
            pid, st = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.status = st
                return os.waitstatus_to_exitcode(st)
            self.pump(0.05, 0.1)
        os.kill(self.pid, signal.SIGKILL)
        _, st = os.waitpid(self.pid, 0)
        self.status = st
        return None


def svc_env(db, term="vt100", lang="C", extra=None):
    env = {"PATH": "/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"),
           "TERM": term, "LANG": lang, "LC_ALL": lang, "SVCMODE_DB": db,
           "SVCMODE_OPERATOR": "tester"}
    if extra:
        env.update(extra)
    return env


def svc(binary, db, *args, stdin=None, env=None):
    """Runs the CLI on DB; returns (exit code, stdout, stderr)."""
    e = {"PATH": "/usr/bin:/bin", "SVCMODE_DB": db, "SVCMODE_OPERATOR": "script",
         "SVCMODE_MANAGER_ID": "7654321", "SVCMODE_MANAGER_PIN": "7654321"}
    if env:
        e.update(env)
    p = subprocess.run([binary] + list(args), input=stdin, capture_output=True, env=e,
                       text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr
