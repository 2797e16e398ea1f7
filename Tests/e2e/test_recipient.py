"""A recipient's link on a phone, in English and in French: the staff member creates the link on
the document page, the recipient views, downloads and signs, sees the confirmation, and the link
afterwards says "already signed"; back in the portal the timeline shows each step."""

import os
import tempfile

from webdriver import BASE, SHOTS, Browser, StaffTestCase, api

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

WORDING = {
    "en": {"lang": "en-US", "signed": "Thank you: your signature is recorded.", "already": "This document is already signed.",
           "amount": "€1,250.50", "due": "March 31, 2026", "sign": "Sign"},
    "fr": {"lang": "fr-FR", "signed": "Merci : votre signature est enregistrée.", "already": "Ce document est déjà signé.",
           "amount": "1\u202f250,50\u00a0€", "due": "31 mars 2026", "sign": "Signer"},
}


def plain(text):
    """The text with no-break spaces as plain ones (WebDriver turns some of them into spaces)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


class RecipientLinkTest(StaffTestCase):
    def test_english(self):
        self.sign_on_a_phone("en")

    def test_french(self):
        self.sign_on_a_phone("fr")

    def sign_on_a_phone(self, language):
        words = WORDING[language]
        document = api("POST", "/api/v1/document-engagements", {
            "document_type": "pennylane_quote", "title": f"Kitchen refit ({language})", "total_amount": 1250.5,
            "due_date": "2026-03-31", "description": "**Scope**: cabinets, worktop and fitting.",
        }, self.token)
        page = f"{BASE}/documents/{document['id']}"

        # Staff: upload the PDF, then create a link for view, download and sign on the document page.
        s = self.staff
        s.open(page)
        with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as file:
            file.write(PDF)
        s.upload("#pdf", file.name)
        s.submit("form[action$='/pdf'] button")
        for action in ["accept", "register", "decline"]:
            self.assertIsNone(s.attribute(f"input[name=action_{action}]", "checked"))
        s.click("input[name=action_sign]")
        s.submit("#new-link-form button[type=submit]")
        link = s.value("#new-link")
        self.assertTrue(link.startswith(BASE + "/p/"), link)

        # Recipient, on a phone-sized screen, in their language.
        phone = Browser(size=(390, 844), language=words["lang"], user_agent=PHONE)
        try:
            phone.open(link)
            self.assertEqual(phone.attribute("html", "lang"), language)
            self.assertEqual(phone.title, document["title"])
            self.assertEqual(plain(phone.text(".amount")), plain(words["amount"]))
            self.assertEqual(phone.text(".due-date"), words["due"])
            self.assertIn("Scope", phone.text(".markdown strong"))
            phone.screenshot(os.path.join(SHOTS, f"recipient-{language}.png"))
            self.assertTrue(phone.fetch_text(phone.attribute("#pdf", "href")).startswith("%PDF-"))

            phone.type("#full_name", "Camille Martin")
            phone.click("#consent")
            phone.submit("#sign")
            self.assertEqual(phone.text("#notice"), words["signed"])
            phone.screenshot(os.path.join(SHOTS, f"recipient-signed-{language}.png"))

            phone.open(link)
            self.assertEqual(phone.text("#notice"), words["already"])
            self.assertEqual(phone.count("#sign"), 0, "no second signature is offered")
        finally:
            phone.close()

        # Staff: the timeline has each step, from the phone.
        s.open(page)
        steps = [step for step in s.text(".timeline").split("\n")]
        for expected in ["link created", "page viewed", "PDF downloaded", "signed"]:
            self.assertTrue(any(expected in step for step in steps), f"{expected} missing from {steps}")
        self.assertTrue(any("signed" in step and "phone" in step and "by Camille Martin" in step for step in steps), steps)
        self.assertIn("signed", s.text(".page-head .badge"))
        s.screenshot(os.path.join(SHOTS, f"document-timeline-{language}.png"))
        s.open(page + "/audit-trail")
        self.assertIn("Verified", s.text("#verdict"))
