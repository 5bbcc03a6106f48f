"""The LMS's web pages in headless Chromium (Selenium), on a phone-sized
window: sign in, a transfer number typed group by group with a typo caught
as it is typed, the transfer, a redemption, the history; then the same
forms with JavaScript off. Usage: browser.py URL WORKDIR TRANSFER LAN LAN2.
Writes the keys it got to WORKDIR/browser.keys; exit 1 on a failed check."""
import re
import sys

from selenium import webdriver
from selenium.webdriver.common.by import By
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

URL, WORK, TR, LAN, LAN2 = sys.argv[1:6]
KEY_RE = re.compile(r"^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){5}$")
failed = 0
step = "start"


def check(name, cond):
    global failed, step
    step = name
    if not cond:
        failed += 1
        print("FAIL: " + name)


def browser(javascript):
    opts = webdriver.ChromeOptions()
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
              "--window-size=390,844", "--ignore-certificate-errors"):
        opts.add_argument(a)
    opts.binary_location = "/usr/bin/chromium"
    if not javascript:
        opts.add_experimental_option(
            "prefs", {"profile.managed_default_content_settings.javascript": 2})
    d = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=opts)
    d.set_page_load_timeout(90)
    return d


def submit(d, css):
    """Clicks a submit button and waits for the next page (a sign-in runs a
    slow password hash first, and the suite runs under AddressSanitizer on
    a busy machine: the waits are generous)."""
    old = d.find_element(By.TAG_NAME, "html")
    d.find_element(By.CSS_SELECTOR, css).click()
    WebDriverWait(d, 90).until(EC.staleness_of(old))


def sign_in(d):
    d.get(URL + "/transfer")
    check("an unsigned visitor is sent to sign in", d.current_url.endswith("/signin"))
    d.find_element(By.NAME, "user").send_keys("eng")
    d.find_element(By.NAME, "password").send_keys("wrong password")
    submit(d, "button[type=submit]")
    check("a wrong password is refused", "wrong account name or password" in d.page_source)
    d.find_element(By.NAME, "user").send_keys("eng")
    d.find_element(By.NAME, "password").send_keys("engineer password 1")
    submit(d, "button[type=submit]")
    check("signed in, on the transfer page: " + d.current_url, d.current_url.endswith("/transfer"))


def fits_phone(d, page):
    w = d.execute_script("return [document.documentElement.scrollWidth, window.innerWidth]")
    check(page + " fits a phone's width (%d <= %d)" % (w[0], w[1]), w[0] <= w[1])


def groups_of(number):
    return number.split("-")


def broke(d, e, name):
    """An exception instead of a page: says where (after which check) and
    what, without the driver's stack, and keeps the page for a look."""
    global failed
    failed += 1
    first = (getattr(e, "msg", None) or str(e) or "").strip().splitlines()
    print("FAIL: %s: after '%s': %s: %s" % (name, step, type(e).__name__, first[0] if first else ""))
    try:
        with open("%s/browser.%s.html" % (WORK, name.replace(" ", "-")), "w") as f:
            f.write(d.current_url + "\n" + d.page_source)
    except Exception:
        pass


keys = []
d = browser(True)
try:
    sign_in(d)
    fits_phone(d, "transfer")
    g = groups_of(TR)
    typo = g[2][0] + str((int(g[2][1]) + 1) % 10) + g[2][2:]
    inputs = [d.find_element(By.NAME, "g%d" % i) for i in range(1, 7)]
    inputs[0].send_keys(g[0])
    check("a right group is marked good", "good" in inputs[0].get_attribute("class"))
    check("focus moves to the next group",
          d.switch_to.active_element.get_attribute("name") == "g2")
    inputs[1].send_keys(g[1])
    inputs[2].send_keys(typo)
    check("a mistyped group is marked as it is typed", "bad" in inputs[2].get_attribute("class"))
    check("the page names the group", "Group 3" in d.find_element(By.ID, "groupmsg").text)
    inputs[2].clear()
    inputs[2].send_keys(g[2])
    check("the corrected group is good", "good" in inputs[2].get_attribute("class"))
    check("the message goes", d.find_element(By.ID, "groupmsg").text == "")
    for i in (3, 4, 5):
        inputs[i].send_keys(g[i])
    d.find_element(By.NAME, "serial").send_keys("BBB00002")
    submit(d, "button[value=transfer]")
    key = d.find_element(By.ID, "key").text
    check("the transfer shows B's key", KEY_RE.match(key) is not None)
    keys.append("B " + key)
    fits_phone(d, "transfer result")

    d.get(URL + "/redeem")
    d.find_element(By.NAME, "lan").send_keys(LAN.lower())
    d.find_element(By.NAME, "serial").send_keys("CCC00003")
    submit(d, "button[type=submit]")
    key = d.find_element(By.ID, "key").text
    check("the redemption shows C's key", KEY_RE.match(key) is not None)
    keys.append("C " + key)
    fits_phone(d, "redeem")

    d.get(URL + "/history?serial=AAA00001")
    rows = d.find_element(By.ID, "history").text
    check("history: A's SEND transferred away", "SEND transferred away" in rows)
    fits_phone(d, "history")
    submit(d, "form.signout button")
    d.get(URL + "/history")
    check("signed out", d.current_url.endswith("/signin"))
except Exception as e:
    broke(d, e, "with JavaScript")
finally:
    d.quit()

# Without JavaScript: the server checks and names the group.
d = browser(False)
try:
    sign_in(d)
    g = groups_of(TR)
    g[4] = g[4][1] + g[4][0] + g[4][2:] if g[4][0] != g[4][1] else g[4][:3] + str((int(g[4][3]) + 1) % 10)
    for i in range(6):
        d.find_element(By.NAME, "g%d" % (i + 1)).send_keys(g[i])
    submit(d, "button[value=verify]")
    err = d.find_element(By.CSS_SELECTOR, ".error").text
    check("without JavaScript the server names group 5: " + err, "group 5" in err)
    d.get(URL + "/redeem")
    d.find_element(By.NAME, "lan").send_keys(LAN)
    d.find_element(By.NAME, "serial").send_keys("BBB00002")
    submit(d, "button[type=submit]")
    err = d.find_element(By.CSS_SELECTOR, ".error").text
    check("a used LAN refused: " + err, "redeemed already" in err)
    d.find_element(By.NAME, "lan").clear()
    d.find_element(By.NAME, "lan").send_keys(LAN2)
    d.find_element(By.NAME, "serial").clear()
    d.find_element(By.NAME, "serial").send_keys("BBB00002")
    submit(d, "button[type=submit]")
    key = d.find_element(By.ID, "key").text
    check("redeem works without JavaScript", KEY_RE.match(key) is not None)
    keys.append("B " + key)
except Exception as e:
    broke(d, e, "without JavaScript")
finally:
    d.quit()

with open(WORK + "/browser.keys", "w") as f:
    f.write("\n".join(keys) + "\n")
print("browser: %d checks failed" % failed)
sys.exit(1 if failed else 0)
