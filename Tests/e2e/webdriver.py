"""A minimal W3C WebDriver client for chromedriver, standard library only."""

import json
import os
import socket
import subprocess
import time
import unittest
import urllib.error
import urllib.request


# Set by .ci/lib/e2e.sh: the server under test, a signed-up admin, and where screenshots go.
BASE = os.environ.get("E2E_BASE_URL", "http://127.0.0.1:8091")
EMAIL = os.environ.get("E2E_EMAIL", "")
PASSWORD = os.environ.get("E2E_PASSWORD", "")
SHOTS = os.environ.get("E2E_SCREENSHOTS", "/tmp/e2e")
os.makedirs(SHOTS, exist_ok=True)


class WebDriverError(Exception):
    pass


class Browser:
    """Headless Chromium driven through chromedriver."""

    def __init__(self, chromium="/usr/bin/chromium", chromedriver="/usr/bin/chromedriver", size=(1200, 800),
                 language="en-US", user_agent=None):
        self.port = _free_port()
        self.driver = subprocess.Popen(
            [chromedriver, f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        self._wait_for_driver()
        capabilities = {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={size[0]},{size[1]}", f"--lang={language}"]
                    + ([f"--user-agent={user_agent}"] if user_agent else []),
            "prefs": {"intl.accept_languages": language},
        }}}
        self.session = self._call("POST", "/session", {"capabilities": capabilities})["sessionId"]

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()

    def close(self):
        try:
            self._call("DELETE", f"/session/{self.session}")
        finally:
            self.driver.terminate()
            self.driver.wait(timeout=10)

    def open(self, url):
        self._session("POST", "/url", {"url": url})

    @property
    def url(self):
        return self._session("GET", "/url")

    @property
    def title(self):
        return self._session("GET", "/title")

    def text(self, css="body"):
        """The element's text."""
        return self._while_loading(lambda: self._session("GET", f"/element/{self._find(css)}/text"))

    def type(self, css, value):
        element = self._find(css)
        self._session("POST", f"/element/{element}/clear", {})
        self._session("POST", f"/element/{element}/value", {"text": value})

    def click(self, css):
        self._session("POST", f"/element/{self._find(css)}/click", {})

    def submit(self, css, seconds=10):
        """Clicks a button or link that loads another page, and waits until the old page is gone."""
        old_page = self._find("html")
        self.click(css)
        for _ in range(int(seconds * 10)):
            try:
                self._session("GET", f"/element/{old_page}/name")
            except WebDriverError as error:
                # Chromium says either, depending on how far the new page got.
                if "stale element" in str(error) or "does not belong to the document" in str(error):
                    return
                raise
            time.sleep(0.1)
        raise WebDriverError(f"clicking {css} did not load another page")

    def wait_for_title(self, expected, seconds=5):
        """Waits until the page that a click started loading has the expected title."""
        for _ in range(int(seconds * 10)):
            if self.title == expected:
                return
            time.sleep(0.1)
        raise WebDriverError(f"the title stayed {self.title!r}, expected {expected!r}")

    def count(self, css):
        """How many elements match `css`."""
        return len(self._session("POST", "/elements", {"using": "css selector", "value": css}))

    def value(self, css):
        """The current value of a form field."""
        return self._while_loading(lambda: self._session("GET", f"/element/{self._find(css)}/property/value"))

    def attribute(self, css, name):
        """An attribute of the first element matching `css`."""
        return self._session("GET", f"/element/{self._find(css)}/attribute/{name}")

    def select(self, css, value):
        """Chooses the option with this value in the <select> matching `css`, as picking it would (a change event)."""
        self._session("POST", "/execute/sync", {
            "script": "const s = document.querySelector(arguments[0]); s.value = arguments[1];"
                      "s.dispatchEvent(new Event('change', {bubbles: true}));", "args": [css, value]})

    def keys(self, text):
        """Presses keys in the focused element, as a keyboard would (WebDriver codes, "\\ue015" is ArrowDown)."""
        self._session("POST", "/actions", {"actions": [{"type": "key", "id": "keyboard", "actions":
            [action for key in text for action in ({"type": "keyDown", "value": key}, {"type": "keyUp", "value": key})]}]})
        self._session("DELETE", "/actions")

    def script(self, source, *args):
        """Runs JavaScript in the page and returns its result."""
        return self._session("POST", "/execute/sync", {"script": source, "args": list(args)})

    def run_async(self, source, *args):
        """Runs asynchronous JavaScript in the page (it calls its last argument when done) and returns what it gave."""
        return self._session("POST", "/execute/async", {"script": source, "args": list(args)})

    def upload(self, css, path):
        """Chooses the file at `path` in a file input."""
        self._session("POST", f"/element/{self._find(css)}/value", {"text": path})

    def fetch_text(self, url):
        """GETs `url` from inside the page (with its cookies) and returns the body as UTF-8 text, BOM kept."""
        script = "const done = arguments[arguments.length - 1];" \
                 "fetch(arguments[0]).then(r => r.arrayBuffer())" \
                 ".then(b => done(new TextDecoder('utf-8', {ignoreBOM: true}).decode(b)), e => done('FETCH FAILED ' + e));"
        return self.run_async(script, url)

    def cookie_header(self):
        """The page's cookies as a Cookie header, to download with urllib as the signed-in user."""
        return "; ".join(f"{c['name']}={c['value']}" for c in self._session("GET", "/cookie"))

    def screenshot(self, path):
        import base64
        with open(path, "wb") as file:
            file.write(base64.b64decode(self._session("GET", "/screenshot")))

    def _while_loading(self, read):
        """Retries `read` while a page that follows a form post or a reload is still loading."""
        for attempt in range(50):
            try:
                return read()
            except WebDriverError as error:
                # An element found just before the reload: Chrome says "stale element", or, when the
                # reload lands between finding and reading it, that the node left the document.
                gone = ("stale element", "no such element", "does not belong to the document")
                if attempt == 49 or not any(reason in str(error) for reason in gone):
                    raise
                time.sleep(0.1)

    def _find(self, css):
        found = self._session("POST", "/element", {"using": "css selector", "value": css})
        return next(iter(found.values()))

    def _session(self, method, path, body=None):
        return self._call(method, f"/session/{self.session}{path}", body)

    def _call(self, method, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return json.load(response)["value"]
        except urllib.error.HTTPError as error:
            raise WebDriverError(f"{method} {path}: {error.read().decode()[:500]}") from None

    def _wait_for_driver(self):
        for _ in range(100):
            try:
                with urllib.request.urlopen(self.base + "/status", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        raise WebDriverError("chromedriver did not start")


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def sign_in(browser):
    """Signs the e2e user in through the real form."""
    browser.open(BASE + "/login")
    browser.type("#email", EMAIL)
    browser.type("#password", PASSWORD)
    browser.submit("button[type=submit]")
    browser.wait_for_title("Dashboard · Oui Engage")


def api(method, path, body=None, token=None):
    """Calls the JSON API of the server under test and returns `data`."""
    request = urllib.request.Request(BASE + path, method=method, data=json.dumps(body).encode() if body is not None else None,
                                     headers={"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["data"]


class StaffTestCase(unittest.TestCase):
    """A test with an API token and a signed-in staff browser, closed after it."""

    def setUp(self):
        self.token = api("POST", "/api/v1/auth/token", {"email": EMAIL, "password": PASSWORD})["token"]
        self.staff = Browser(size=(1300, 1000))
        sign_in(self.staff)

    def tearDown(self):
        self.staff.close()
