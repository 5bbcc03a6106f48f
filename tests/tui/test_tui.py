#!/usr/bin/python3
"""The TUI in a pseudo-terminal: usage test_tui.py SVCMODE [--jobs N] [CASE...].

Each case runs the real binary on a fresh store at TERM=vt100 80x24 (unless
it says otherwise), sends keys, renders the output with pyte and checks the
screen text and what the store holds (svcmode get / log). No timing
assertions: figures go to bench/."""
import hashlib
import json
import multiprocessing
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tuilib import Term, svc, svc_env  # noqa: E402

SVC = os.path.abspath(sys.argv[1])
WORK = tempfile.mkdtemp(prefix="svcmode-tui.")
MGR = ("7654321", "7654321")
BUDGET_DOWN = 40
BUDGET_SCROLL = 60
BUDGET_SCROLL_STEP = 20  # beyond the new row's text: marker, CRs, index, cuf
FIRST_SCREEN = 450  # the top menu: 313 bytes


class Case:
    n = 0

    def __init__(self, term="vt100", lang="C", rows=24, cols=80, args=(), extra=None,
                 tty=None):
        Case.n += 1
        # The process id too: with --jobs, cases run in several processes.
        self.db = os.path.join(WORK, "d%d-%d" % (os.getpid(), Case.n), "device.db")
        rc, _, err = svc(SVC, self.db, "init-store", "--serial", "ABC12345")
        assert rc == 0, err
        self.t = Term([SVC] + list(args), svc_env(self.db, term, lang, extra), rows, cols,
                      *(tty or (None, None)))
        self.first = self.t.pump(0.5)
        assert self.t.wait_for("Additional Functions"), self.t.text()

    def get(self, key):
        rc, out, err = svc(SVC, self.db, "get", key)
        assert rc == 0, err
        return out.strip()

    def log(self):
        return svc(SVC, self.db, "log")[1]

    def digest(self):
        d = os.path.dirname(self.db)
        h = hashlib.sha256()
        for root, dirs, files in sorted(os.walk(d)):
            dirs.sort()
            h.update(root.encode())
            for f in sorted(files):
                with open(os.path.join(root, f), "rb") as fh:
                    h.update(f.encode() + fh.read())
        return h.hexdigest()

    def login_manager(self, ident=MGR[0], pin=MGR[1]):
        t = self.t
        assert t.wait_for("System Manager ID:"), t.text()
        t.send(ident, "ENTER")
        assert t.wait_for("System PIN:"), t.text()
        t.send(pin, "ENTER")

    def system_settings(self):
        self.t.send("1", "ENTER")
        self.login_manager()
        assert self.t.wait_for("System Manager Settings"), self.t.text()

    def service_mode(self, code="2828282"):
        self.t.send("3", "ENTER")
        assert self.t.wait_for("Level 1 service code:"), self.t.text()
        self.t.send(code, "ENTER")

    def cursor_row(self):
        for line in self.t.screen.display:
            if line.startswith(">"):
                return line
        return ""

    def close(self):
        self.t.close()


CASES = []


def case(fn):
    CASES.append(fn)
    return fn


def check(cond, what, c=None):
    if not cond:
        raise AssertionError(what + ("\n" + c.t.text() if c else ""))


@case
def pop_before_smtp_on_is_stored_and_audited():
    c = Case()
    t = c.t
    c.system_settings()
    t.send("2", "ENTER")                      # Network Settings
    check(t.wait_for("E-Mail/I-Fax"), "network menu", c)
    t.send("2", "ENTER")                      # E-Mail/I-Fax
    check(t.wait_for("SMTP Server"), "e-mail menu", c)
    t.send("G", "k")                          # Authent./Encryption: last but one
    check("Authent./Encryption" in c.cursor_row(), "cursor on Authent./Encryption", c)
    t.send("ENTER")
    check(t.wait_for("POP Authentication before Sending"), "auth screen", c)
    check("Network Settings > E-Mail/I-Fax > Authent./Encryption" in t.line(0), "crumb", c)
    check(t.line(0).rstrip().endswith("System Manager"), "level on the top line", c)
    check(re.search(r"POP Authentication before Sending +OFF", t.text()), "OFF first", c)
    t.send("ENTER")                           # the ON/OFF editor
    check(t.wait_for("> OFF"), "editor on the current value", c)
    t.send("k", "ENTER")
    check(t.wait_for("saved"), "saved message", c)
    check(re.search(r"POP Authentication before Sending +ON", t.text()), "ON shown", c)
    check(c.get("network.email.auth.pop_before_smtp") == "ON", "stored ON")
    check(re.search(r"tester +manager +set +network.email.auth.pop_before_smtp 'OFF' -> 'ON'",
                    c.log()), "audit entry:\n" + c.log())
    t.send("q")
    check(t.wait() == 0, "q exits 0")


@case
def esc_cancels_an_edit():
    c = Case()
    t = c.t
    c.system_settings()
    t.send("2", "ENTER", "1", "ENTER")        # TCP/IP Settings
    check(t.wait_for("DHCP"), "tcp/ip", c)
    before = c.digest()
    t.send("2", "ENTER")
    check(t.wait_for("> OFF"), "choice", c)
    t.send("k", "ESC")
    check(re.search(r"DHCP +OFF", t.text()), "still OFF", c)
    check(c.digest() == before, "store unchanged")
    c.close()


@case
def wrong_pin_denies_entry_audits_and_third_locks():
    c = Case()
    t = c.t
    for i in range(3):
        t.send("1", "ENTER")
        c.login_manager(pin="1111111")
        check(t.wait_for("wrong System Manager ID or PIN") or t.wait_for("locked"),
              "attempt %d refused" % (i + 1), c)
        check(t.line(0).startswith("Additional Functions"), "still at the top", c)
        check(t.line(0).rstrip().endswith("User"), "still user level", c)
    t.send("1", "ENTER")
    c.login_manager()                         # right PIN, but the door is locked
    check(t.wait_for("lock"), "locked after three", c)
    check(not t.line(0).startswith("System Settings"), "not entered", c)
    log = c.log()
    check(log.count("manager") >= 3 and re.search(r"lock", log, re.I), "audited:\n" + log)
    c.close()


@case
def level2_items_only_at_level2():
    c = Case()
    t = c.t
    c.service_mode()
    check(t.wait_for("COPIER"), "service mode", c)
    check(t.line(0).rstrip().endswith("Service L1"), "level 1 shown", c)
    check("Level 2" in t.text(), "level-2 door", c)
    t.send("4", "ENTER")                      # OPTION: a level-2 setting, locked
    check(t.wait_for("Lockout Delay"), "OPTION", c)
    check(re.search(r"Lockout Delay +30 s \[Service L2\]", t.text()), "shown locked", c)
    t.send("ENTER")
    check(t.wait_for("is locked: it needs Service L2"), "edit refused", c)
    t.send("ESC")
    t.send("3", "ENTER")                      # #LMS
    check(t.wait_for("License Install"), "#LMS", c)
    check("INACTIVE" not in t.text() and "ERASE" not in t.text(), "level-2 rows hidden", c)
    t.send("ESC")
    t.send("G", "ENTER")                      # Level 2
    check(t.wait_for("Level 2 service code:"), "level 2 asked", c)
    t.send("8282828", "ENTER")
    check(t.wait_for("Service L2"), "level 2 entered", c)
    check("Level 2" not in t.text(), "door gone at level 2", c)
    t.send("4", "ENTER")
    check(t.wait_for("Lockout Delay"), "OPTION at level 2", c)
    check(re.search(r"Lockout Delay +30 s *$", t.text(), re.M), "unlocked at level 2", c)
    t.send("ESC", "3", "ENTER")
    check(t.wait_for("INACTIVE") and "ERASE" in t.text(), "level-2 rows shown", c)
    t.send("ESC", "ESC")                      # leaving Service Mode logs out
    check(t.wait_for("User"), "back to user", c)
    check(t.line(0).rstrip().endswith("User"), "user level after leaving", c)
    c.close()


@case
def invalid_port_rejected_inline_nothing_stored():
    c = Case()
    t = c.t
    c.system_settings()
    t.send("2", "ENTER", "2", "ENTER")
    check(t.wait_for("SMTP Port"), "e-mail", c)
    before = c.digest()
    t.send("2", "ENTER")
    check(t.wait_for("[25_"), "editor shows 25", c)
    t.send("CTRL_U", "70000", "ENTER")
    check(t.wait_for("invalid"), "inline error", c)
    check("70000" in t.text() and "1-65535" in t.text(), "message names value and range", c)
    t.send("ESC")
    check(re.search(r"SMTP Port +25", t.text()), "25 still shown", c)
    check(c.get("network.email.smtp.port") == "25", "25 stored")
    check(c.digest() == before, "store files unchanged")
    t.send("2", "ENTER", "CTRL_U", "587", "ENTER")
    check(t.wait_for("SMTP Port saved"), "valid port saved", c)
    check(c.get("network.email.smtp.port") == "587", "587 stored")
    c.close()


@case
def search_jumps_to_a_setting():
    c = Case()
    t = c.t
    t.send("/")
    check(t.wait_for("Label or key"), "search box", c)
    t.send("pop_auth_method", "ENTER")
    c.login_manager()                         # the path crosses System Settings
    check(t.wait_for("Authent./Encryption"), "jumped", c)
    check("POP AUTH Method" in c.cursor_row(), "cursor on the setting", c)
    t.send("/", "smtp port", "ENTER")
    check(t.wait_for("SMTP Port") and "SMTP Port" in c.cursor_row(), "second jump", c)
    check(t.line(0).startswith("System Settings > Network Settings > E-Mail/I-Fax "), "crumb", c)
    t.send("/", "e-mail address", "ENTER")    # two matches: a choice
    check(t.wait_for("Search results"), "results list", c)
    t.send("ESC", "/", "no such thing", "ENTER")
    check(t.wait_for("nothing matches"), "no match message", c)
    c.close()


@case
def resize_to_100x30_and_back_and_too_small():
    c = Case()
    t = c.t
    c.system_settings()
    t.resize(30, 100)
    check(t.wait_for("System Manager Settings"), "after resize", c)
    check(len(t.line(0)) == 100 and t.line(0).rstrip().endswith("System Manager"),
          "title spans 100 columns", c)
    check(t.line(29).startswith("Enter:open") and t.line(28).strip() == "",
          "bottom lines at 30 rows", c)
    t.resize(24, 80)
    check(t.line(23).startswith("Enter:open") and t.line(0).rstrip().endswith("System Manager"),
          "back at 80x24", c)
    t.resize(20, 60)
    check(t.wait_for("needs a terminal of at least 80x24"), "too small message", c)
    t.resize(24, 80)
    check(t.wait_for("System Manager Settings"), "menu again", c)
    t.send("q")
    check(t.wait() == 0, "exit 0")


@case
def zero_size_terminal_gets_80x24():
    c = Case(tty=(0, 0))
    t = c.t
    check(t.line(23).startswith("Enter:open"), "80x24 assumed", c)
    t.send("q")
    check(t.wait() == 0, "exit 0")


@case
def no_terminal_or_unknown_term_is_a_message():
    db = os.path.join(WORK, "noterm.db")
    rc, out, err = svc(SVC, db, "tui", stdin="")
    check(rc == 64 and "need a terminal" in err, "no tty: %d %s" % (rc, err))
    c = Case.__new__(Case)
    t = Term([SVC], svc_env(db, "no-such-terminal"))
    t.pump(0.5)
    check(t.wait() == 64 and "unknown terminal type 'no-such-terminal'" in t.text(),
          "unknown TERM:\n" + t.text())


def plain_output(raw):
    colour = re.search(rb"\x1b\[[0-9;]*(3[0-9]|4[0-9])[0-9;]*m", raw)
    high = [b for b in raw if b > 127]
    return colour, high


@case
def vt100_output_is_ascii_without_colour():
    for lang in ("C", "C.UTF-8"):
        c = Case(lang=lang)
        t = c.t
        c.system_settings()
        t.send("2", "ENTER", "2", "ENTER", "?", "ESC", "j", "j", "ENTER", "ESC", "/", "smtp",
               "ESC", "ESC", "ESC")
        colour, high = plain_output(bytes(t.raw))
        check(colour is None, "no colour at vt100 in %s" % lang)
        check(not high, "no byte outside ASCII at vt100 in %s: %r" % (lang, high[:10]))
        check(len(c.first) <= FIRST_SCREEN, "first screen %d bytes" % len(c.first))
        c.close()
    c = Case(args=("--ascii",))
    check(b"\x0e" not in c.t.raw and b"\x1b(0" not in c.t.raw, "--ascii: no ACS switch")
    check(c.t.line(1).startswith("-----"), "--ascii: plain lines", c)
    title = c.t.line(0).split("  ")[0]
    check(c.t.line(1).rstrip() == "-" * len(title),
          "the title underlined, as wide as the title only: %r" % c.t.line(1), c)
    c.close()


@case
def other_terminals_work():
    # All in Debian's ncurses-base (Essential).
    for term in ("vt220", "linux", "xterm", "screen", "tmux", "xterm-256color"):
        c = Case(term=term, lang="C.UTF-8")
        t = c.t
        t.send("3", "ENTER")
        check(t.wait_for("Level 1 service code:"), "%s: dialog" % term, c)
        t.send("ESC", "q")
        check(t.wait() == 0, "%s: exit 0" % term)
    c = Case(term="xterm", extra={"NO_COLOR": "1"})
    check(plain_output(bytes(c.t.raw))[0] is None, "NO_COLOR: no colour")
    c.close()
    c = Case(term="xterm", args=("--mono",))
    check(plain_output(bytes(c.t.raw))[0] is None, "--mono: no colour")
    c.close()


@case
def one_down_within_budget():
    c = Case()
    t = c.t
    c.system_settings()
    t.send("2", "ENTER", "2", "ENTER")
    check(t.wait_for("SMTP Server"), "e-mail", c)
    sizes = [len(t.key_bytes("DOWN", 0.2)) for _ in range(5)]
    check(max(sizes) <= BUDGET_DOWN, "DOWN bytes %s > %d" % (sizes, BUDGET_DOWN), c)
    check(min(sizes) > 0, "DOWN moved the marker", c)
    c.close()


@case
def long_list_scrolls_within_budget():
    c = Case()
    for i in range(30):                       # a long audit log
        svc(SVC, c.db, "set", "system.manager.comment", "note %d" % i)
    t = c.t
    c.service_mode()
    t.send("1", "ENTER", "2", "ENTER", "1", "ENTER")   # COPIER > FUNCTION > Audit Log
    check(t.wait_for("entries"), "audit list", c)
    check("system.manager.comment" in t.text(), "rows shown", c)
    t.send("G")
    check(t.line(22)[:1] != "v" and t.line(1).startswith("^"), "at the end", c)
    t.send("g")
    for _ in range(19):
        t.send("DOWN", quiet=0.05)
    # The list scrolls through the terminal's scrolling region, set once
    # and kept while the steps go on: what a step costs beyond the text of
    # the row that comes into view is the marker, an index and two CRs
    # (the figures for the User Inboxes are in bench/).
    t.send("DOWN")                            # the first scroll also shows '^'
    steps = b""
    first = int(t.line(21)[2:].split()[0])
    for i in range(6):
        out = t.key_bytes("DOWN", 0.2)
        steps += out
        row = re.sub(r" {2,}", "", t.line(21).strip())
        want = "> %d " % (first + 1 + i)
        check(row.startswith(want), "%r at the bottom: %r" % (want, row), c)
        over = len(out) - len(row) - (len(b"\x1b7\x1b[3;22r\x1b8") if i == 0 else 0)
        check(over <= BUDGET_SCROLL_STEP,
              "scrolling DOWN overhead: %d bytes for row %r: %r" % (over, row, out), c)
    check(steps.count(b"\x1b[3;22r") == 1, "scrolling region set once: %r" % steps, c)
    check(b"\x1b[1;24r" not in steps, "region kept between steps: %r" % steps, c)
    check(t.line(1).startswith("^"), "scrolled", c)
    out = t.key_bytes("UP", 0.2)               # within the page: region given back
    check(b"\x1b[1;24r" in out and t.line(20).startswith("> %d " % (first + 5)),
          "UP after scrolling: %r" % out, c)
    t.send("ENTER")                            # the row action: the record in full
    check(t.wait_for("operator:") and "event:" in t.text(), "record shown", c)
    c.close()


@case
def changed_meanwhile_is_reported_not_overwritten():
    c = Case()
    t = c.t
    c.system_settings()
    t.send("1", "ENTER")
    check(t.wait_for("Contact Information"), "manager settings", c)
    t.send("3", "ENTER")                      # System Manager (name)
    check(t.wait_for("[_"), "editor", c)
    rc, _, err = svc(SVC, c.db, "set", "system.manager.name", "Script Person")
    check(rc == 0, err)
    t.send("Panel Person", "ENTER")
    check(t.wait_for("changed meanwhile"), "reported", c)
    check("Script Person" in t.text(), "new value shown", c)
    check(c.get("system.manager.name") == "Script Person", "not overwritten")
    t.send("3", "ENTER", "CTRL_U", "Panel Person", "ENTER")
    check(t.wait_for("saved"), "second try saves", c)
    check(c.get("system.manager.name") == "Panel Person", "stored")
    rc, _, err = svc(SVC, c.db, "set", "system.manager.name", "Third Person")
    t.send("k")                               # the next key shows the store as it is
    check(re.search(r"System Manager +Third Person", t.text()), "refreshed", c)
    c.close()


@case
def secret_typed_twice_and_masked():
    c = Case()
    t = c.t
    c.system_settings()
    t.send("2", "ENTER", "2", "ENTER", "7", "ENTER")   # POP Password
    check(t.wait_for("POP Password"), "editor", c)
    t.send("hunter22", "ENTER")
    check(t.wait_for("again"), "asked again", c)
    check("hunter22" not in t.text(), "masked", c)
    t.send("hunter23", "ENTER")
    check(t.wait_for("differ"), "mismatch refused", c)
    check(c.get("network.email.pop.password") == "", "nothing stored")
    t.send("7", "ENTER", "hunter22", "ENTER", "hunter22", "ENTER")
    check(t.wait_for("saved"), "saved", c)
    check(re.search(r"POP Password +\*{8}", t.text()), "******** shown", c)
    check(b"hunter22" not in bytes(t.raw), "never echoed")
    check(c.get("network.email.pop.password") == "***", "stored (sealed)")
    check("hunter22" not in c.log(), "not in the log")
    c.close()


@case
def help_and_factory_default():
    c = Case()
    t = c.t
    c.system_settings()
    t.send("1", "ENTER", "7")                 # Auto Clear Time
    t.send("?")
    check(t.wait_for("system.auto_clear"), "help names the key", c)
    check("0-9" in t.text() and "Default:  2" in t.text(), "range and default", c)
    t.send("ENTER", "ENTER", "CTRL_U", "5", "ENTER")
    check(t.wait_for("Auto Clear Time saved") and re.search(r"Auto Clear Time +5 min", t.text()),
          "number with unit", c)
    t.send("d")
    check(t.wait_for("factory default '2'"), "asks", c)
    t.send("y")
    check(t.wait_for("reset to its factory default"), "reset", c)
    check(c.get("system.auto_clear") == "2", "default stored")
    c.close()


@case
def reports_actions_and_placeholders():
    c = Case()
    t = c.t
    c.service_mode()
    t.send("1", "ENTER", "1", "ENTER")        # COPIER > DISPLAY
    check(t.wait_for("ABC12345"), "serial on DISPLAY", c)
    check("store size:" in t.text() and "model:" in t.text(), "DISPLAY fields", c)
    t.send("ENTER", "2", "ENTER", "2", "ENTER")   # FUNCTION > Store Check
    check(t.wait_for("settings,"), "store check result", c)
    t.send("ENTER", "ESC", "ESC", "2", "ENTER", "1", "ENTER")   # #REPORT > SPEC LIST
    # A module's report (SEND ON/ON...), or the placeholder until it lands.
    check(t.wait_for("SEND ") or t.wait_for("not available yet"), "SPEC LIST", c)
    if "SEND " in t.text():
        t.send("ENTER")
    t.send("ESC", "ESC")
    t.send("2", "ENTER")                      # Mail Box Settings (user level)
    check(t.wait_for("User Inboxes"), "mail box menu", c)
    check(re.search(r"User Inboxes \(00-99\)( -->| +\(not available yet\))", t.text()),
          "inboxes row", c)
    c.close()


@case
def clear_lockouts_needs_typed_confirmation():
    c = Case()
    t = c.t
    for _ in range(3):                        # lock the System Manager door
        t.send("1", "ENTER")
        c.login_manager(pin="1111111")
        check(t.wait_for("wrong") or t.wait_for("lock"), "refused", c)
    c.service_mode()
    t.send("1", "ENTER", "2", "ENTER", "3", "ENTER")   # FUNCTION > Clear Lockouts
    check(t.wait_for("manager   3 wrong attempt(s), locked"), "door states shown first", c)
    t.send("ENTER")
    check(t.wait_for("Type CLEAR to confirm"), "typed confirmation asked", c)
    t.send("clear", "ENTER")
    check(t.wait_for("that is not 'CLEAR'"), "wrong text refused inline", c)
    t.send("ESC")
    check(t.wait_for("Error: not confirmed; nothing changed"), "result box with the error", c)
    check("exit code 64" in t.text(), "error code and meaning", c)
    check("manager   3 wrong attempt(s), locked" in t.text(), "door state listed", c)
    t.send("ENTER", "3", "ENTER", "ENTER", "CLEAR", "ENTER")
    check(t.wait_for("1 door(s) cleared"), "cleared", c)
    check(re.search(r"unlock +- *: manager", c.log()), "audited:\n" + c.log())
    t.send("ENTER", "ESC", "ESC", "ESC")
    check(t.wait_for("User"), "left service mode", c)
    c.system_settings()                       # the manager can log in again
    c.close()


@case
def idle_logout_returns_to_top():
    c = Case(extra={"SVCMODE_AUTO_CLEAR_SECONDS": "1"})
    t = c.t
    c.system_settings()
    t.send("2", "ENTER")
    check(t.wait_for("TCP/IP Settings"), "inside", c)
    check(t.wait_for("Auto Clear", 5), "logged out", c)
    check(t.line(0).startswith("Additional Functions") and t.line(0).rstrip().endswith("User"),
          "top menu, user level", c)
    t.send("1", "ENTER")
    check(t.wait_for("System Manager ID:"), "asked again", c)
    c.close()


@case
def q_in_an_open_edit_asks():
    c = Case()
    t = c.t
    c.system_settings()
    t.send("2", "ENTER", "1", "ENTER", "2", "ENTER")   # DHCP editor
    check(t.wait_for("> OFF"), "editor", c)
    t.send("q")
    check(t.wait_for("Discard this edit"), "asks", c)
    t.send("n")
    check("> OFF" in t.text(), "editor still open", c)
    t.send("q", "y")
    check(t.wait() == 0, "quit")
    check(c.get("network.tcpip.dhcp") == "OFF", "nothing saved")


@case
def progress_bar_during_a_long_action():
    c = Case()
    t = c.t
    docs = os.path.join(WORK, "progress-docs")
    os.makedirs(docs, exist_ok=True)
    names = []
    for i in range(8):
        name = os.path.join(docs, "scan%d.pdf" % i)
        with open(name, "wb") as fh:
            fh.write(os.urandom(8 << 20))
        names.append(name)
    rc, _, err = svc(SVC, c.db, "box", "store", "05", *names,
                     env={"SVCMODE_MANAGER_ID": MGR[0], "SVCMODE_MANAGER_PIN": MGR[1]})
    check(rc == 0, "documents stored: " + err)
    t.send("2", "ENTER", "2", "ENTER", "1", "ENTER")   # Mail Box > Backup > Create
    check(t.wait_for("Backup file"), "asks the file", c)
    start = len(t.raw)
    t.send(os.path.join(WORK, "progress.zip"), "ENTER")
    check(t.wait_for("Inboxes"), "asks the inboxes", c)
    t.send("ENTER")
    check(t.wait_for("Passphrase"), "asks about a passphrase", c)
    t.send("n")
    c.login_manager()                         # what to do first, then who does it
    check(t.wait_for("exit code", 60) or t.wait_for("verified", 60), "backup finished", c)
    drawn = bytes(t.raw[start:])
    check(b"elapsed" in drawn and b"left" in drawn, "a progress bar with elapsed and left time")
    check(re.search(rb"\b\d{1,3}%", drawn) is not None, "a percentage on the bar")
    check(os.path.getsize(os.path.join(WORK, "progress.zip")) > (60 << 20), "the backup written")
    c.close()


# --- Every job from the menus, at TERM=vt100, with no shell -----------------
# What an engineer on a serial console whose login opens the menus must be
# able to do without a shell (the operation table puts every operation in
# the menus; these drive the jobs the CLI alone used to offer).

def answer(t, prompt, text, limit=5.0):
    """Waits for PROMPT, then types TEXT and Enter."""
    if not t.wait_for(prompt, limit):
        raise AssertionError("prompt '%s' not shown\n%s" % (prompt, t.text()))
    t.send(text, "ENTER")


@case
def job_device_information_and_audit_log():
    c = Case()
    t = c.t
    t.send("5", "ENTER")                      # Device Information (needs no code)
    check(t.wait_for("Audit Log"), "device information menu", c)
    t.send("1", "ENTER")
    check(t.wait_for("serial:") and "ABC12345" in t.text(), "identity shown", c)
    check("store size:" in t.text(), "store facts", c)
    t.send("ENTER", "3", "ENTER")             # Audit Log: a list of records
    check(t.wait_for("entries"), "audit list", c)
    t.send("ENTER")                           # a record in full
    check(t.wait_for("record:") and "event:" in t.text(), "one record in full", c)
    c.close()


@case
def job_export_and_import_settings():
    c = Case()
    t = c.t
    path = os.path.join(WORK, "job-export.json")
    t.send("4", "ENTER", "1", "ENTER")        # Export/Import > Export
    check(t.wait_for("include the mail passwords"), "asks about secrets", c)
    t.send("n")
    answer(t, "file to write", "-")
    check(t.wait_for("type a file name"), "no standard output in the menus", c)
    t.send("CTRL_U", path, "ENTER")
    check(t.wait_for("Settings written to"), "export result", c)
    with open(path) as fh:
        data = json.load(fh)
    check(data["format"] == "svcmode-settings", "an export file")
    data["settings"]["system.manager.name"] = "Alice"
    with open(path, "w") as fh:
        json.dump(data, fh)
    t.send("ENTER", "2", "ENTER")             # Import
    answer(t, "settings file", path)
    check(t.wait_for("system.manager.name: '' -> 'Alice'"), "the plan before the question", c)
    t.send("ENTER")
    check(t.wait_for("Import these 1 change?"), "confirmation asked", c)
    t.send("y")
    c.login_manager()                         # the key is the customer's
    check(t.wait_for("imported 1 change"), "import result", c)
    check(c.get("system.manager.name") == "Alice", "imported value stored")
    check("import" in c.log(), "import audited")
    c.close()


@case
def job_change_ids_codes_and_pwd_clr():
    c = Case()
    t = c.t
    c.system_settings()
    t.send("1", "ENTER", "8", "ENTER")        # System Manager Settings > Change ID and PIN
    answer(t, "new System Manager ID", "1111111")
    answer(t, "(again)", "1111111")
    answer(t, "new System PIN", "2222222")
    answer(t, "(again)", "2222222")
    check(t.wait_for("System Manager ID and PIN changed"), "changed", c)
    rc, _, _ = svc(SVC, c.db, "set", "system.manager.name", "X",
                   env={"SVCMODE_MANAGER_ID": "1111111", "SVCMODE_MANAGER_PIN": "2222222"})
    check(rc == 0, "the new ID and PIN open System Settings")
    t.send("ENTER", "ESC", "ESC")
    c.service_mode()
    t.send("4", "ENTER", "2", "ENTER")        # OPTION > Change Level 1 Code
    answer(t, "new Service Code (Level 1)", "3333333")
    answer(t, "(again)", "3333333")
    check(t.wait_for("service code changed"), "level 1 code changed", c)
    t.send("ENTER", "ESC", "5", "ENTER")      # Level 2
    answer(t, "Level 2 service code", "8282828")
    t.send("4", "ENTER", "3", "ENTER")        # OPTION > Change Level 2 Code
    answer(t, "new Service Code (Level 2)", "4444444")
    answer(t, "(again)", "4444444")
    check(t.wait_for("service code changed"), "level 2 code changed", c)
    t.send("ENTER", "ESC", "1", "ENTER", "2", "ENTER", "4", "ENTER", "1", "ENTER")
    check(t.wait_for("Type CLEAR to confirm"), "PWD-CLR asks", c)   # COPIER > FUNCTION > CLEAR
    t.send("CLEAR", "ENTER")
    check(t.wait_for("7654321 again"), "PWD-CLR done", c)
    rc, _, _ = svc(SVC, c.db, "set", "system.manager.name", "Y")
    check(rc == 0, "the factory ID and PIN open System Settings again")
    check(re.search(r"service[12] +pwd-clr", c.log()), "PWD-CLR audited in Service Mode:\n" + c.log())
    rc, _, _ = svc(SVC, c.db, "check", env={"SVCMODE_SERVICE_CODE": "3333333"})
    check(rc == 0, "the new level-1 code works")
    c.close()


@case
def job_store_a_file_and_copy_a_document_out():
    c = Case()
    t = c.t
    src = os.path.join(WORK, "job-scan.pdf")
    out = os.path.join(WORK, "job-copy.pdf")
    with open(src, "wb") as fh:
        fh.write(b"%PDF-1.4 job test\n" + os.urandom(4096))
    t.send("2", "ENTER", "1", "ENTER")        # Mail Box Settings > User Inboxes
    check(t.wait_for("entries"), "the inboxes", c)
    t.send("6", "ENTER")                      # inbox 05
    check(t.wait_for("Store files as documents"), "the inbox's operations", c)
    t.send("j", "ENTER")                      # the second: store files
    answer(t, "File to store", src)
    answer(t, "Document name", "")
    check(t.wait_for("stored") or t.wait_for("0001"), "stored", c)
    t.send("ENTER", "6", "ENTER")             # inbox 05 again: its documents
    check(t.wait_for("The documents of inbox"), "the inbox's operations", c)
    t.send("ENTER")                           # the first: its documents
    check(t.wait_for("job-scan"), "the document listed", c)
    t.send("ENTER")                           # the document's operations
    check(t.wait_for("Copy a document out"), "document operations", c)
    t.send("ENTER")                           # the first: copy it out
    answer(t, "Copy to file", out)
    check(t.wait_for("Done") or t.wait_for("copied"), "copied", c)
    with open(src, "rb") as a, open(out, "rb") as b:
        check(a.read() == b.read(), "the copy is the document")
    c.close()


@case
def job_initialize_with_an_encrypted_backup_first():
    c = Case()
    t = c.t
    src = os.path.join(WORK, "init-memo.txt")
    backup = os.path.join(WORK, "init-backup.zip")
    with open(src, "w") as fh:
        fh.write("MARKER-INIT-MEMO\n")
    rc, _, err = svc(SVC, c.db, "box", "store", "03", src,
                     env={"SVCMODE_MANAGER_ID": MGR[0], "SVCMODE_MANAGER_PIN": MGR[1]})
    check(rc == 0, "document stored: " + err)
    c.system_settings()
    t.send("3", "ENTER", "5", "ENTER")        # Initialize All Data/Settings
    answer(t, "Back up the Mail Box", backup)
    check(t.wait_for("Protect that backup"), "asks about a passphrase", c)
    t.send("y")
    answer(t, "Backup passphrase", "init-pass-1")
    check(t.wait_for("again"), "the passphrase asked twice", c)
    t.send("init-pass-1", "ENTER")
    check(t.wait_for("Type ABC12345 to confirm"), "the serial number asked", c)
    t.send("ABC12345", "ENTER")
    check(t.wait_for("verification:", 60), "initialized", c)
    check(t.wait_for("encrypted:     yes"), "the backup said encrypted", c)
    check("backup:        " + os.path.realpath(backup) in t.text().replace("\n", ""),
          "the backup's full path shown", c)
    check(b"init-pass-1" not in bytes(t.raw), "the passphrase never echoed")
    env = {"SVCMODE_MANAGER_ID": MGR[0], "SVCMODE_MANAGER_PIN": MGR[1]}
    rc, out, _ = svc(SVC, c.db, "backup", "verify", backup, env=env, stdin="wrong-pass-9\n")
    check(rc == 77, "a wrong passphrase refused")
    rc, out, err = svc(SVC, c.db, "backup", "verify", backup, env=env, stdin="init-pass-1\n")
    check(rc == 0 and "encrypted" in out, "verifies with its passphrase: " + err)
    c.close()


@case
def job_csr_then_install_the_signed_certificate():
    c = Case()
    t = c.t
    d = os.path.join(WORK, "job-ca")
    os.makedirs(d, exist_ok=True)
    csr, signed = os.path.join(d, "req.pem"), os.path.join(d, "signed.pem")
    c.system_settings()
    t.send("2", "ENTER", "3", "ENTER", "1", "ENTER")   # Network > SSL Settings > Key Pairs
    check(t.wait_for("Default Key"), "key pairs", c)
    t.send("ENTER")                           # the pair's operations
    check(t.wait_for("certificate signing request"), "row operations", c)
    t.send("j", "j", "ENTER")                 # the third: the CSR
    answer(t, "file to write", csr)
    check(t.wait_for("Done") or t.wait_for("written") or t.wait_for("request"), "csr", c)
    check(os.path.exists(csr), "the request written")
    # A test CA signs it, as the customer's CA would.
    for cmd in (["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:P-256", "-nodes", "-keyout", d + "/ca.key", "-out",
                 d + "/ca.pem", "-subj", "/CN=Job Test CA", "-days", "30"],
                ["openssl", "x509", "-req", "-in", csr, "-CA", d + "/ca.pem", "-CAkey",
                 d + "/ca.key", "-CAcreateserial", "-out", signed, "-days", "30"]):
        check(subprocess.run(cmd, capture_output=True).returncode == 0, " ".join(cmd))
    t.send("ENTER", "ENTER")                  # close the result; the row again
    check(t.wait_for("install the CA-signed"), "row operations again", c)
    t.send("j", "j", "j", "ENTER")            # the fourth: install
    answer(t, "certificate", signed)
    check(t.wait_for("Done") or t.wait_for("installed"), "installed", c)
    rc, out, err = svc(SVC, c.db, "cert", "show", "Default Key")
    check(rc == 0 and "Job Test CA" in out, "the CA-signed certificate in use:\n" + out + err)
    c.close()


@case
def job_mail_reception():
    c = Case()
    t = c.t
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    here = os.path.dirname(os.path.abspath(__file__))
    server = subprocess.Popen(["/usr/bin/python3", os.path.join(here, "..", "mail",
                               "fake_server.py"), str(port), "pop-nouidl",
                               os.path.join(WORK, "pop.log")])
    try:
        for key, value in (("network.email.pop.server", "127.0.0.1"),
                           ("network.email.pop.port", str(port)),
                           ("network.email.pop.login", "u")):
            rc, _, err = svc(SVC, c.db, "set", key, value)
            check(rc == 0, err)
        rc, _, err = svc(SVC, c.db, "set", "network.email.pop.password", stdin="p\n")
        check(rc == 0, err)
        c.system_settings()
        t.send("2", "ENTER", "2", "ENTER")    # Network > E-Mail/I-Fax
        check(t.wait_for("Connection Tests"), "e-mail menu", c)
        t.send("G", "ENTER")                  # Connection Tests: the last item
        check(t.wait_for("Receive Mail Now"), "connection tests", c)
        t.send("3", "ENTER")
        answer(t, "into user inbox", "05")
        check(t.wait_for("received: 1", 15), "one message received", c)
        check("result: OK" in t.text(), "the one result wording", c)
        rc, out, _ = svc(SVC, c.db, "box", "list", "05")
        check(rc == 0 and out.count("\n") >= 1 and "0001" in out, "stored in inbox 05:\n" + out)
        t.send("ENTER", "5", "ENTER")         # Mail Log: one row per exchange
        check(t.wait_for("rx receive"), "the reception logged", c)
        t.send("ENTER")                       # the exchange in full
        check(t.wait_for("record:") and "operation:      receive" in t.text(), "in full", c)
        t.send("ENTER", "ESC", "6", "ENTER")  # Error Codes
        check(t.wait_for("#801 (exit 69)"), "the codes table", c)
    finally:
        server.kill()
        server.wait()
    c.close()


@case
def job_mac_address_block():
    c = Case()
    t = c.t
    c.system_settings()
    t.send("2", "ENTER", "4", "ENTER")        # Network > MAC Address Block
    check(t.wait_for("Apply Settings"), "mac menu", c)
    t.send("2", "ENTER")                      # Receive Filter
    check(t.wait_for("Add Address"), "receive filter menu", c)
    t.send("4", "ENTER")
    answer(t, "MAC address", "00-1e-8f-12-34-56")
    check(t.wait_for("added 1 address to the Receive Filter"), "added", c)
    t.send("ENTER", "6", "ENTER")             # Use Filter ON
    check(t.wait_for("Use Filter ON;"), "filter on", c)
    t.send("ENTER", "8", "ENTER")             # Default Policy: allow, reject
    check(t.wait_for("reject"), "policy choices", c)
    t.send("j", "ENTER")
    check(t.wait_for("Default Policy Reject;"), "policy set", c)
    t.send("ENTER", "3", "ENTER")             # Exceptions: the list
    check(t.wait_for("00:1E:8F:12:34:56"), "the exception listed", c)
    before = c.digest()
    t.send("ENTER")                           # remove it: the last one
    check(t.wait_for("would block every host"), "the refusal shown", c)
    check("Do it anyway" in t.text(), "the override offered (--force)", c)
    t.send("n")
    check(t.wait_for("Error: refusing"), "refused without the override", c)
    check(c.digest() == before, "a refused removal writes nothing")
    t.send("ENTER", "ENTER")                  # the row again
    check(t.wait_for("Do it anyway"), "offered again", c)
    t.send("y")
    check(t.wait_for("removed 00:1E:8F:12:34:56 from the Receive Filter"), "forced", c)
    rc, out, err = svc(SVC, c.db, "mac", "list", "rx")
    check(rc == 0 and "Use Filter ON, Default Policy Reject, 0 of 100" in out,
          "the same state as the CLI sees:\n" + out + err)
    c.close()


class Tmux:
    """svcmode in a tmux pane (a second terminal emulator, not pyte), its
    output bytes kept by pipe-pane."""

    def __init__(self, db, rows=24, cols=80):
        self.work = os.path.dirname(db)
        self.base = ["tmux", "-S", os.path.join(self.work, "tmux.sock"), "-f", "/dev/null"]
        self.raw = os.path.join(self.work, "pane.raw")
        env = " ".join("%s=%s" % (k, shlex.quote(v)) for k, v in svc_env(db).items())
        subprocess.run(self.base + ["new-session", "-d", "-x", str(cols), "-y", str(rows),
                                    "env -i %s %s" % (env, shlex.quote(SVC))], check=True)
        subprocess.run(self.base + ["pipe-pane", "-o", "cat >> " + shlex.quote(self.raw)],
                       check=True)

    def keys(self, *keys):
        subprocess.run(self.base + ["send-keys"] + list(keys), check=True)

    def screen(self):
        return subprocess.run(self.base + ["capture-pane", "-p"], capture_output=True,
                              text=True, check=True).stdout

    def settle(self, text=None, limit=10.0):
        """Waits until TEXT is shown (if given) and the screen stops changing."""
        end, last = time.monotonic() + limit, None
        while time.monotonic() < end:
            now = self.screen()
            if now == last and (text is None or text in now):
                return now
            last = now
            time.sleep(0.2)
        return last

    def output(self):
        with open(self.raw, "rb") as f:
            return f.read()

    def close(self):
        subprocess.run(self.base + ["kill-server"], capture_output=True)


@case
def scrolling_by_hand_matches_curses_in_tmux():
    # The steps sent by hand (scroll.c) leave tmux's screen exactly as
    # curses' own full repaint (Ctrl-L) draws it, after many steps both
    # ways with the region kept between them.
    db = os.path.join(WORK, "tmux-%d" % os.getpid(), "device.db")
    rc, _, err = svc(SVC, db, "init-store", "--serial", "ABC12345")
    check(rc == 0, err)
    for i in range(45):                       # 90 and more audit rows
        svc(SVC, db, "set", "system.manager.comment", "note %d" % i)
    m = Tmux(db)
    try:
        check("Additional Functions" in m.settle("Additional Functions"), "top menu")
        m.keys("3", "Enter")
        check("service code" in m.settle("service code"), "code asked")
        m.keys("2828282", "Enter")
        m.settle("COPIER")
        m.keys("1", "Enter", "2", "Enter", "1", "Enter")
        check("entries" in m.settle("entries"), "audit list")
        m.keys("g")
        for keys in (["Down"] * 90, ["Up"] * 50, ["Down"] * 38):
            for k in keys:
                m.keys(k)
        shown = m.settle()
        lines = shown.split("\n")
        numbers = [int(line[2:].split()[0]) for line in lines[2:22]]
        cursor = [line for line in lines if line.startswith(">")]
        check(cursor and cursor[0].startswith("> 79 "), "cursor on row 79:\n" + shown)
        check(numbers == list(range(numbers[0], numbers[0] + 20)), "rows in order:\n" + shown)
        out = m.output()
        check(out.count(b"\r\x1bM") >= 20, "reverse index steps: %d" % out.count(b"\r\x1bM"))
        check(out.count(b" \r\n> ") >= 20, "index steps: %d" % out.count(b" \r\n> "))
        m.keys("C-l")
        time.sleep(0.5)
        again = m.settle()
        check(again == shown, "after the steps:\n%s\nafter Ctrl-L:\n%s" % (shown, again))
    finally:
        m.close()


LONGEST = ("progress_bar_during_a_long_action", "job_csr_then_install_the_signed_certificate",
           "job_store_a_file_and_copy_a_document_out", "job_change_ids_codes_and_pwd_clr")


def run_case(fn):
    """Runs one case; returns its name and None, or the failure's traceback."""
    try:
        fn()
        return fn.__name__, None
    except Exception:
        return fn.__name__, traceback.format_exc()


def main():
    # test_tui.py SVCMODE [--jobs N] [CASE...]: N cases at a time, each in
    # its own process (its own store and pty). The cases mostly wait for the
    # screen to settle, so several at once take little more CPU than one.
    args = sys.argv[2:]
    jobs = 1
    if args[:1] == ["--jobs"]:
        jobs, args = int(args[1]), args[2:]
    cases = [fn for fn in CASES if not args or fn.__name__ in args]
    # The longest cases first, so that no long one starts last.
    cases.sort(key=lambda fn: fn.__name__ not in LONGEST)
    if jobs > 1:
        with multiprocessing.get_context("fork").Pool(jobs) as pool:
            results = pool.map(run_case, cases, chunksize=1)
    else:
        results = [run_case(fn) for fn in cases]
    failed = 0
    for name, trace in results:
        if trace:
            failed += 1
            print("FAIL: %s" % name)
            print(trace, end="")
    shutil.rmtree(WORK, ignore_errors=True)
    print("%d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
