"""A minimal W3C WebDriver client for chromedriver, standard library only."""

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request


class WebDriverError(Exception):
    pass


class Browser:
    """Headless Chromium driven through chromedriver."""

    def __init__(self, chromium="/usr/bin/chromium", chromedriver="/usr/bin/chromedriver", size=(1200, 800)):
        self.port = _free_port()
        self.driver = subprocess.Popen(
            [chromedriver, f"--port={self.port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.base = f"http://127.0.0.1:{self.port}"
        self._wait_for_driver()
        capabilities = {"alwaysMatch": {"browserName": "chrome", "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={size[0]},{size[1]}"],
        }}}
        self.session = self._call("POST", "/session", {"capabilities": capabilities})["sessionId"]

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
        return self._session("GET", f"/element/{self._find(css)}/text")

    def type(self, css, value):
        element = self._find(css)
        self._session("POST", f"/element/{element}/clear", {})
        self._session("POST", f"/element/{element}/value", {"text": value})

    def click(self, css):
        self._session("POST", f"/element/{self._find(css)}/click", {})

    def screenshot(self, path):
        import base64
        with open(path, "wb") as file:
            file.write(base64.b64decode(self._session("GET", "/screenshot")))

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
