"""Signer identity on a phone: staff make a link that asks for a code by email from the document
page; the recipient opens it, asks for the code, reads it in the email the SMTP sink received,
types it (the field sends itself at the sixth digit) and signs; the timeline shows the check."""

import os
import re
import time

from test_messaging import received
from webdriver import BASE, SHOTS, Browser, StaffTestCase, api

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"


class IdentityCheckTest(StaffTestCase):
    def test_code_by_email_then_sign_on_a_phone(self):
        title = "Extension garage"
        document = api("POST", "/api/v1/document-engagements", {
            "document_type": "pennylane_quote", "title": title, "total_amount": 18400,
        }, self.token)
        page = f"{BASE}/documents/{document['id']}"
        s = self.staff
        s.open(page)
        s.click("input[name=action_sign]")
        s.click("#verify option[value=email]")
        s.submit("#new-link-form button[type=submit]")
        self.assertIn("An email is required to send a code by email.", s.text("#new-link-form"))
        self.assertEqual(s.value("#verify"), "email", "the choices are kept")
        s.script("document.querySelector('#new-link-form').scrollIntoView()")
        s.screenshot(os.path.join(SHOTS, "verify-link-form.png"))
        s.type("#recipient_email", "jeanne@acme.example")
        s.submit("#new-link-form button[type=submit]")
        link = s.value("#new-link")

        phone = Browser(size=(390, 844), language="en-US", user_agent=PHONE)
        try:
            phone.open(link)
            self.assertIn("j•••@acme.example", phone.text("#verify"))
            self.assertEqual(phone.count("#sign-form"), 0, "no signing before the code")
            phone.screenshot(os.path.join(SHOTS, "verify-ask.png"))
            phone.submit("#send-code")
            self.assertIn("We sent a code to j•••@acme.example", phone.text("#notice"))
            mail = received(f"Your code for {title}")
            code = re.search(r"\b(\d{6})\b", mail.get_body(("plain",)).get_content()).group(1)
            phone.screenshot(os.path.join(SHOTS, "verify-code-field.png"))
            phone.type("#code", code)
            deadline = time.time() + 10
            while time.time() < deadline and phone.count("#sign-form") == 0:
                time.sleep(0.1)
            self.assertIn("it is you", phone.text("#notice"), "the sixth digit sent the code")
            phone.type("#full_name", "Jeanne Roux")
            phone.click("#consent")
            phone.submit("#sign")
            self.assertEqual(phone.text("#notice"), "Thank you: your signature is recorded.")
            phone.screenshot(os.path.join(SHOTS, "verify-signed.png"))
        finally:
            phone.close()

        s.open(f"{page}/audit-trail")
        trail = s.text("body")
        self.assertIn("identity verified by email code to j•••@acme.example", trail)
        self.assertIn("identity code sent", trail)
        self.assertTrue(s.text("#verdict").startswith("Verified:"))
        s.screenshot(os.path.join(SHOTS, "verify-audit-trail.png"))
