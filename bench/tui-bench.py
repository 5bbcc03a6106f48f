#!/usr/bin/python3
"""Bytes and reaction times of svcmode's menus on a VT100 80x24 line, next to
whiptail --menu and dialog --menu showing the same 10-item menu.

usage: bench/tui-bench.py [SVCMODE]   (default build/src/svcmode)

Per program and locale (C, C.UTF-8): bytes for the first full screen, per
DOWN (median of 8), per DOWN that scrolls a 100-row list (median of 8), per
Enter into a submenu, for Ctrl-L; the time from Esc to the first byte of the
reaction (median of 5); peak RSS (VmHWM) with the menu open; bytes outside
ASCII in everything written."""
import os
import shutil
import statistics
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "tui"))
from tuilib import Term, svc, svc_env  # noqa: E402

SVC = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else
                      os.path.join(HERE, "..", "build", "src", "svcmode"))
SCREEN = os.path.join(HERE, "tui-bench.screen")
DOWN = b"\x1bOB"  # what a VT100 in cursor-key application mode sends
QUIET = 0.3
ITEMS = ["Item %d of the benchmark menu" % i for i in range(1, 11)]
INBOXES = ["Inbox %02d" % i for i in range(100)]


def rss_kib(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def esc_time(t, again):
    """Seconds from Esc to the first byte written in reaction."""
    import select
    t.pump(QUIET)
    start = time.monotonic()
    os.write(t.fd, b"\x1b")
    r, _, _ = select.select([t.fd], [], [], 3.0)
    took = time.monotonic() - start if r else float("nan")
    t.pump(QUIET)
    again()
    return took


def median_bytes(t, key, n=8):
    return statistics.median(len(t.key_bytes(key, QUIET)) for _ in range(n))


def all_out(t):
    return sum(1 for b in t.raw if b > 127)


def bench_svcmode(lang, work):
    db = os.path.join(work, lang, "device.db")
    svc(SVC, db, "init-store")
    # First use provisions the store (the factory key pair): done before
    # measuring, with the peak RSS of a plain 'svcmode get' as the baseline.
    svc(SVC, db, "get", "system.auto_clear")
    r0 = 0
    if os.path.exists("/usr/bin/time"):
        import subprocess
        p = subprocess.run(["/usr/bin/time", "-f", "%M", SVC, "get", "system.auto_clear"],
                           capture_output=True, text=True,
                           env={"PATH": "/usr/bin:/bin", "SVCMODE_DB": db})
        r0 = int(p.stderr.split()[-1])
    env = svc_env(db, "vt100", lang, {"SVCMODE_SCREENS": SCREEN})
    t = Term([SVC], env)
    r = {"first": len(t.pump(0.8)), "cli_rss": r0}
    r["down"] = median_bytes(t, DOWN)
    t.send("g")
    r["enter"] = len(t.key_bytes("ENTER", QUIET))
    esc = [esc_time(t, lambda: t.send("ENTER")) for _ in range(5)]
    r["esc"] = statistics.median(esc)
    t.send("ESC")
    r["ctrl_l"] = len(t.key_bytes("CTRL_L", QUIET))
    t.send("G", "ENTER")                     # the 100 rows
    for _ in range(19):
        t.send(DOWN, quiet=0.05)
    r["scroll"] = median_bytes(t, DOWN)
    r["rss"] = rss_kib(t.pid)
    r["nonascii"] = all_out(t)
    t.close()
    # The real Mail Box Settings > User Inboxes (00-99), when the mailbox
    # module is built in.
    t = Term([SVC], svc_env(db, "vt100", lang))
    t.pump(0.8)
    t.send("2", "ENTER", "1", "ENTER", quiet=0.5)
    r["inboxes"] = None
    if "100 entries" in t.text():
        for _ in range(19):
            t.send(DOWN, quiet=0.05)
        r["inboxes"] = median_bytes(t, DOWN)
        r["nonascii"] += all_out(t)
    t.close()
    return r


def bench_newt(prog, lang, work):
    env = {"PATH": "/usr/bin:/bin", "TERM": "vt100", "LANG": lang, "LC_ALL": lang,
           "HOME": work}
    args = [shutil.which(prog), "--menu", "Choose an item", "20", "60", "10"]
    for i, label in enumerate(ITEMS, 1):
        args += [str(i), label]
    t = Term(args, env)
    r = {"first": len(t.pump(0.8))}
    r["down"] = median_bytes(t, DOWN)
    r["ctrl_l"] = len(t.key_bytes("CTRL_L", QUIET))
    r["rss"] = rss_kib(t.pid)
    r["enter"] = None
    start = time.monotonic()
    t.pump(QUIET)
    import select
    start = time.monotonic()
    os.write(t.fd, b"\x1b")
    rr, _, _ = select.select([t.fd], [], [], 3.0)
    r["esc"] = time.monotonic() - start if rr else float("nan")
    nonascii = all_out(t)
    t.close()
    args = [shutil.which(prog), "--menu", "Inboxes", "20", "60", "10"]
    for i, label in enumerate(INBOXES):
        args += ["%02d" % i, label]
    t = Term(args, env)
    t.pump(0.8)
    for _ in range(9):
        t.send(DOWN, quiet=0.05)
    r["scroll"] = median_bytes(t, DOWN)
    r["nonascii"] = nonascii + all_out(t)
    t.close()
    return r


def fmt(v, unit=""):
    if v is None:
        return "-"
    if isinstance(v, float) and unit == "s":
        return "%.2f s" % v
    return "%g%s" % (v, unit)


def main():
    work = tempfile.mkdtemp(prefix="svcmode-bench.")
    rows = []
    try:
        for lang in ("C", "C.UTF-8"):
            rows.append(("svcmode", lang, bench_svcmode(lang, work)))
            for prog in ("whiptail", "dialog"):
                if shutil.which(prog):
                    rows.append((prog, lang, bench_newt(prog, lang, work)))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("TERM=vt100 80x24; bytes written by the program (median where repeated)")
    print("%-9s %-8s %7s %6s %8s %6s %7s %7s %9s %9s" % (
        "program", "locale", "first", "DOWN", "scroll", "Enter", "Ctrl-L", "Esc",
        "peak RSS", "non-ASCII"))
    for prog, lang, r in rows:
        print("%-9s %-8s %7s %6s %8s %6s %7s %7s %9s %9s" % (
            prog, lang, fmt(r["first"]), fmt(r["down"]), fmt(r["scroll"]), fmt(r["enter"]),
            fmt(r["ctrl_l"]), fmt(r["esc"], "s"), "%d KiB" % r["rss"], fmt(r["nonascii"])))
    for prog, lang, r in rows:
        if "cli_rss" in r:
            print("svcmode %s: peak RSS of a plain 'svcmode get' (baseline): %d KiB" % (
                lang, r["cli_rss"]))
        if r.get("inboxes") is not None:
            print("svcmode %s: scrolling DOWN in the real User Inboxes (00-99): %g bytes" % (
                lang, r["inboxes"]))
    base = {(p, l): r for p, l, r in rows}
    for lang in ("C", "C.UTF-8"):
        s = base.get(("svcmode", lang))
        for prog in ("whiptail", "dialog"):
            o = base.get((prog, lang))
            if s and o:
                print("%s vs %s (%s): first screen %.2fx, DOWN %.2fx, scrolling DOWN %.2fx" % (
                    "svcmode", prog, lang, s["first"] / o["first"], s["down"] / o["down"],
                    s["scroll"] / o["scroll"]))
    print_rows(base)


def print_rows(base):
    """The tab-separated lines bench/all puts into its table: the worse of
    the two locales for svcmode, the C locale for the peers."""
    svcs = [base[k] for k in (("svcmode", "C"), ("svcmode", "C.UTF-8")) if k in base]
    if not svcs:
        return
    wt, dl = base.get(("whiptail", "C")), base.get(("dialog", "C"))

    def row(fig, mine, peer, ratio, target):
        print("row\t%s\t%s\t%s\t%s\t%s" % (fig, mine, peer, ratio, target))

    rss = max(r["rss"] for r in svcs) / 1024.0
    peers = ", ".join("%s %.2f MiB" % (n, o["rss"] / 1024.0) for n, o in
                      (("dialog", dl), ("whiptail", wt)) if o)
    row("menus, peak RSS", "%.2f MiB" % rss, peers or "-",
        "%.2fx dialog" % (rss * 1024 / dl["rss"]) if dl and dl["rss"] else "-", "<= 3.0 MiB")
    first = max(r["first"] for r in svcs)
    row("first screen, 10-item bench menu, vt100", "%d B" % first,
        "whiptail %d B" % wt["first"] if wt else "-",
        "%.2fx" % (first / wt["first"]) if wt else "-", "<= 560 B")
    scroll = max(max(r["scroll"], r.get("inboxes") or 0) for r in svcs)
    row("one scrolling step (bench list, User Inboxes)", "%g B" % scroll,
        "whiptail %g B" % wt["scroll"] if wt else "-",
        "%.2fx" % (scroll / wt["scroll"]) if wt else "-", "<= 40 B")


if __name__ == "__main__":
    main()
