"""Signs in to the portal through the real form in headless Chromium.

Usage: test_portal_login.py BASE_URL EMAIL PASSWORD SCREENSHOT_DIR (make test passes them).
"""

import os
import sys
import unittest

from webdriver import Browser

BASE, EMAIL, PASSWORD, SHOTS = sys.argv[1:5]


class PortalLoginTest(unittest.TestCase):
    def setUp(self):
        self.browser = Browser()

    def tearDown(self):
        self.browser.close()

    def test_wrong_password_shows_an_error_on_the_form(self):
        b = self.browser
        b.open(BASE + "/")
        self.assertTrue(b.url.endswith("/login"), b.url)
        b.type("#email", EMAIL)
        b.type("#password", "not the password")
        b.click("button[type=submit]")
        self.assertIn("Wrong email or password.", b.text(".alert-error"))
        self.assertTrue(b.url.endswith("/login"), b.url)
        self.assertEqual(b.title, "Sign in · Oui Engage")
        b.screenshot(os.path.join(SHOTS, "login-error.png"))

    def test_sign_in_reaches_the_dashboard_and_sign_out_leaves_it(self):
        b = self.browser
        b.open(BASE + "/login")
        b.type("#email", EMAIL)
        b.type("#password", PASSWORD)
        b.click("button[type=submit]")
        self.assertEqual(b.title, "Dashboard · Oui Engage")
        self.assertIn("Welcome,", b.text("h1"))
        self.assertIn(EMAIL, b.text(".facts"))
        b.screenshot(os.path.join(SHOTS, "dashboard.png"))
        b.click(".account button[type=submit]")
        self.assertTrue(b.url.endswith("/login"), b.url)
        b.open(BASE + "/")
        self.assertTrue(b.url.endswith("/login"), "signed out, the dashboard must send back to sign-in")


if __name__ == "__main__":
    os.makedirs(SHOTS, exist_ok=True)
    result = unittest.main(argv=[sys.argv[0], "-v"], exit=False).result
    failed = len(result.failures) + len(result.errors)
    print(f"e2e: {result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
