"""Signs in to the portal through the real form in headless Chromium (run by .ci/lib/e2e.sh)."""

import os
import unittest

from webdriver import BASE, EMAIL, PASSWORD, SHOTS, Browser


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
        b.submit("button[type=submit]")
        self.assertIn("Wrong email or password.", b.text(".alert-error"))
        self.assertTrue(b.url.endswith("/login"), b.url)
        self.assertEqual(b.title, "Sign in · Oui Engage")
        b.screenshot(os.path.join(SHOTS, "login-error.png"))

    def test_sign_in_reaches_the_dashboard_and_sign_out_leaves_it(self):
        b = self.browser
        b.open(BASE + "/login")
        b.type("#email", EMAIL)
        b.type("#password", PASSWORD)
        b.submit("button[type=submit]")
        self.assertEqual(b.title, "Dashboard · Oui Engage")
        self.assertIn("Welcome, E2E Tester.", b.text("main"))
        self.assertIn("E2E Tester", b.text(".account-name"))
        b.screenshot(os.path.join(SHOTS, "signed-in.png"))
        b.submit(".account button[type=submit]")
        self.assertTrue(b.url.endswith("/login"), b.url)
        b.open(BASE + "/")
        self.assertTrue(b.url.endswith("/login"), "signed out, the dashboard must send back to sign-in")

