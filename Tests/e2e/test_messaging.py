"""Sending a document from the portal: the Send page with a mistake then fixed, the preview, the
email arriving at a real SMTP server on loopback with both parts, the recipient following the
tracked link on a phone, and the document page showing the message sent and the click."""

import email
import glob
import os
import time
import unittest
from email import policy

from webdriver import BASE, SHOTS, Browser, StaffTestCase, api

MAIL_DIR = os.environ.get("E2E_MAIL_DIR", "")
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"


def received(subject, seconds=15):
    """The first message the SMTP sink kept with `subject`, waiting for the worker to deliver it."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        for path in sorted(glob.glob(os.path.join(MAIL_DIR, "*.eml"))):
            with open(path, "rb") as file:
                message = email.message_from_binary_file(file, policy=policy.default)
            if message["Subject"] == subject:
                return message
        time.sleep(0.2)
    raise AssertionError(f"no email with subject {subject!r} in {MAIL_DIR}")


class SendFromPortalTest(StaffTestCase):
    def test_send_preview_deliver_and_click(self):
        document = api("POST", "/api/v1/document-engagements", {
            "document_type": "pennylane_quote", "title": "Terrasse en bois", "total_amount": 3400,
            "recipient_email": "claire@example.com", "recipient_name": "Claire Morel",
        }, self.token)
        s = self.staff
        s.open(f"{BASE}/documents/{document['id']}")
        s.submit("#messages a.button")
        self.assertEqual(s.value("#recipient_email"), "claire@example.com")

        # A mistake first: the page comes back with the error beside the field and the input kept.
        s.type("#recipient_email", "claire-at-example")
        s.type("#cc", "associe@example.com")
        s.type("#message", "Comme convenu au téléphone.")
        s.click("#language option[value=fr]")
        s.submit("#send-button")
        self.assertIn("Recipient email must look like", s.text("#send-form"))
        self.assertEqual(s.value("#message"), "Comme convenu au téléphone.")
        self.assertEqual(s.value("#cc"), "associe@example.com")
        s.screenshot(os.path.join(SHOTS, "send-refused.png"))

        s.type("#recipient_email", "claire@example.com")
        s.submit("#send-button")
        self.assertIn("Email queued", s.text(".alert"))

        mail = received("Votre devis : Terrasse en bois")
        self.assertEqual(mail["To"], "Claire Morel <claire@example.com>")
        self.assertEqual(mail["Cc"], "associe@example.com")
        self.assertEqual(mail["From"].addresses[0].display_name, "Atelier Dupré")
        text = mail.get_body(preferencelist=("plain",)).get_content()
        html = mail.get_body(preferencelist=("html",)).get_content()
        self.assertIn("Comme convenu au téléphone.", text)
        self.assertIn("/t/", html)
        link = next(word for word in text.split() if word.startswith(BASE + "/r/"))
        self.assertIn(f'href="{link}"', html)

        # The recipient follows the link on a phone and lands on the document.
        phone = Browser(size=(390, 844), language="fr-FR", user_agent=PHONE)
        try:
            phone.open(link)
            self.assertIn("/p/", phone.url)
            self.assertEqual(phone.title, "Terrasse en bois")
            phone.screenshot(os.path.join(SHOTS, "send-recipient.png"))

            # They sign; the confirmation arrives in the language they were written to, with a
            # link that shows the signed document and offers nothing more to sign.
            phone.type("#full_name", "Claire Morel")
            phone.click("#consent")
            phone.submit("#sign")
            self.assertEqual(phone.text("#notice"), "Merci : votre signature est enregistrée.")
            confirmation = received("Signé : Terrasse en bois")
            self.assertEqual(confirmation["To"], "Claire Morel <claire@example.com>")
            copy_text = confirmation.get_body(preferencelist=("plain",)).get_content()
            copy = next(word for word in copy_text.split() if word.startswith(BASE + "/r/"))
            phone.open(copy)
            self.assertEqual(phone.title, "Terrasse en bois")
            self.assertEqual(phone.text("#notice"), "Ce document est déjà signé.")
            self.assertEqual(phone.count("#sign"), 0)
            phone.screenshot(os.path.join(SHOTS, "send-signed-copy.png"))
        finally:
            phone.close()

        s.open(f"{BASE}/documents/{document['id']}")
        page = s.text()
        self.assertIn("link clicked", page)
        self.assertIn("email queued", page)
        self.assertIn("sent", s.text("#messages .badge"))
        self.assertIn("Signé : Terrasse en bois", s.text("#messages"))
        s.screenshot(os.path.join(SHOTS, "send-document.png"))

        # The outbox shows it sent; its preview frame holds the branded email without the live link.
        s.open(f"{BASE}/outbox?status=sent")
        self.assertIn("claire@example.com", s.text())
        s.submit("table a")
        self.assertEqual(s.text("#message-status"), "sent")
        self.assertIn("[recipient link]", s.text(".message-text"))
        s.screenshot(os.path.join(SHOTS, "outbox-message.png"))


if __name__ == "__main__":
    unittest.main()
