"""Two signers in sequence, end to end: staff add them on the document page and send to them; the
first signer's email arrives (the second's does not), she signs on her phone from the email's
link; only then the second signer's email arrives, he signs; the portal shows both steps
completed and the document signed, and every party gets a copy."""

import email
import glob
import os
import time
import unittest
import uuid
from email import policy

from webdriver import BASE, EMAIL, PASSWORD, SHOTS, Browser, api, sign_in

MAIL_DIR = os.environ.get("E2E_MAIL_DIR", "")
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"


def mails_to(address):
    """The messages the SMTP sink kept for `address`, oldest first."""
    found = []
    for path in sorted(glob.glob(os.path.join(MAIL_DIR, "*.eml"))):
        with open(path, "rb") as file:
            message = email.message_from_binary_file(file, policy=policy.default)
        if address in (message["To"] or ""):
            found.append(message)
    return found


def wait_for_mail(address, count=1, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        found = mails_to(address)
        if len(found) >= count:
            return found[count - 1]
        time.sleep(0.2)
    raise AssertionError(f"no email number {count} to {address} in {MAIL_DIR}")


def tracked_link(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    return next(word for word in text.split() if word.startswith(BASE + "/r/"))


class TwoSignersTest(unittest.TestCase):
    def setUp(self):
        self.token = api("POST", "/api/v1/auth/token", {"email": EMAIL, "password": PASSWORD})["token"]
        self.staff = Browser(size=(1300, 1000))
        sign_in(self.staff)

    def tearDown(self):
        self.staff.close()

    def sign(self, link, name, shot):
        phone = Browser(size=(390, 844), user_agent=PHONE)
        try:
            phone.open(link)
            phone.type("#full_name", name)
            phone.click("#consent")
            phone.submit("#sign")
            self.assertIn("Thank you", phone.text("#notice"))
            phone.screenshot(os.path.join(SHOTS, shot))
        finally:
            phone.close()

    def test_sequential_signers(self):
        run = uuid.uuid4().hex[:8]
        anne, bruno = f"anne-{run}@example.com", f"bruno-{run}@example.com"
        document = api("POST", "/api/v1/document-engagements", {
            "document_type": "custom", "title": f"Partnership agreement {run}", "total_amount": 12000,
        }, self.token)
        page = f"{BASE}/documents/{document['id']}"
        s = self.staff
        s.open(page)
        self.assertIn("No parties", s.text("#parties"))
        for name, address, step in [("Anne Martin", anne, "1"), ("Bruno Roux", bruno, "2")]:
            s.type("#party_name", name)
            s.type("#party_email", address)
            s.type("#party_order", step)
            s.submit("#new-party-form button[type=submit]")
            self.assertIn("Party added.", s.text(".alert"))
        s.submit("#send-to-parties")
        self.assertIn("Sent: 1 party notified", s.text(".alert"))
        self.assertEqual(s.count(".party-link"), 2, "each party's link, shown once")
        s.screenshot(os.path.join(SHOTS, "parties-sent.png"))

        first = wait_for_mail(anne)
        time.sleep(2)  # the worker polls every second: give a wrong early email its chance to arrive
        self.assertEqual(mails_to(bruno), [], "the second signer waits for the first")

        self.sign(tracked_link(first), "Anne Martin", "parties-first-signed.png")
        second = wait_for_mail(bruno)
        s.open(page)
        self.assertEqual(s.count(".step-done"), 1)
        self.assertNotIn("signed", s.text(".page-head .badge"))

        self.sign(tracked_link(second), "Bruno Roux", "parties-second-signed.png")
        s.open(page)
        self.assertEqual(s.count(".step-done"), 2, "both steps completed")
        self.assertIn("signed", s.text(".page-head .badge"))
        self.assertIn("as Anne Martin", s.text("#parties"))
        self.assertIn("as Bruno Roux", s.text("#parties"))
        s.screenshot(os.path.join(SHOTS, "parties-completed.png"))
        # A copy for each party once the document is signed.
        wait_for_mail(anne, count=2)
        wait_for_mail(bruno, count=2)


if __name__ == "__main__":
    unittest.main()
