"""The portal in English and in French, as a new staff member would use it: an admin creates her
account, she walks the main pages in English (her browser's language), switches to French on her
account page and walks them again. Amounts, dates and times follow the language, times the
installation's zone (Europe/Paris). axe-core checks every page and the recipient's, in both
languages: no serious or critical violation."""

import datetime
import os
import secrets
import unittest
import zoneinfo

from accessibility import blocking_violations
from webdriver import BASE, SHOTS, Browser, api, sign_in, EMAIL, PASSWORD

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
MONTHS = {
    "en": ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
    "fr": ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc."],
}
# What each page says, by language.
WORDING = {
    "en": {"documents": "Number", "amount": "€1,250.50", "document": "Timeline", "send": "Recipient email",
           "outbox": "Outbox", "users": "New user", "status": "viewed"},
    "fr": {"documents": "Numéro", "amount": "1 250,50 €", "document": "Chronologie", "send": "E-mail du destinataire",
           "outbox": "Envois", "users": "Nouvel utilisateur", "status": "consulté"},
}


def plain(text):
    """The text with no-break spaces as plain ones (WebDriver turns some of them into spaces)."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


def portal_time(iso, language):
    """How the portal writes an instant for a reader in Paris: "30 Nov 2026, 14:05"."""
    moment = datetime.datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(PARIS)
    return f"{moment.day} {MONTHS[language][moment.month - 1]} {moment.year}, {moment:%H:%M}"


class LocalizationTest(unittest.TestCase):
    def setUp(self):
        self.token = api("POST", "/api/v1/auth/token", {"email": EMAIL, "password": PASSWORD})["token"]
        self.browsers = []
        self.inaccessible = []

    def tearDown(self):
        for browser in self.browsers:
            browser.close()

    def browser(self, width=1300, language="en-US"):
        browser = Browser(size=(width, 1000), language=language)
        self.browsers.append(browser)
        return browser

    def assert_accessible(self, browser, page):
        """Notes the page's blocking violations; the test fails at its end with all of them."""
        self.inaccessible += [f"{page}: {violation}" for violation in blocking_violations(browser)]

    def test_english_then_french(self):
        # An admin creates Claire's account on the users page.
        admin = self.browser()
        sign_in(admin)
        email, password = f"claire-{secrets.token_hex(4)}@example.com", secrets.token_urlsafe(18)
        admin.open(BASE + "/users")
        admin.type("#name", "Claire Martin")
        admin.type("#email", email)
        admin.select("#role", "admin")
        admin.type("#password", password)
        admin.submit("form[action='/users'] button[type=submit]")
        self.assertIn(email, admin.text("table"))

        document = api("POST", "/api/v1/document-engagements", {
            "document_type": "pennylane_quote", "title": "Cuisine Dupré", "total_amount": 1250.5, "currency": "EUR",
            "due_date": "2026-03-31", "recipient_email": "client@example.com",
        }, self.token)
        link = api("POST", f"/api/v1/document-engagements/{document['id']}/tokens",
                   {"allowed_actions": ["view", "download", "sign"]}, self.token)["url"]
        recipient = self.browser(390)
        recipient.open(link)  # the document is viewed: its status reads "viewed" / "consulté"

        claire = self.browser()
        claire.open(BASE + "/login")
        claire.type("#email", email)
        claire.type("#password", password)
        claire.submit("button[type=submit]")
        claire.wait_for_title("Dashboard · Oui Engage")
        self.walk(claire, document, "en")

        # Claire chooses French on her account page; the installation's time zone stays hers.
        claire.open(BASE + "/account")
        self.assert_accessible(claire, "/account")
        claire.select("#language", "fr")
        claire.submit("#preferences button[type=submit]")
        self.assertEqual(claire.attribute("html", "lang"), "fr")
        self.assertIn("Votre langue et votre fuseau horaire sont enregistrés.", claire.text(".alert-ok"))
        self.assertEqual(claire.value("#language"), "fr")
        self.assert_accessible(claire, "/account (fr)")
        self.walk(claire, document, "fr")

        # Amounts are typed the French way: a decimal comma and spaced thousands.
        claire.open(f"{BASE}/documents/{document['id']}/edit")
        claire.type("#total_amount", "2 500,75")
        claire.submit(".form-buttons button")
        self.assertIn("2 500,75 €", plain(claire.text(".facts")))

        # The top bar's search box, then the keyboard alone: Down reaches the first result, Enter opens it.
        claire.type(".top-search input", "Dupré")
        claire.keys("\ue007")  # Enter
        claire.wait_for_title("Recherche · Oui Engage")
        self.assertIn("Cuisine Dupré", claire.text("#results-documents"))
        self.assert_accessible(claire, "/search (fr)")
        claire.screenshot(os.path.join(SHOTS, "portal-search-fr-1300.png"))
        claire.script("document.querySelector('main input[name=q]').focus()")
        claire.keys("\ue015")  # ArrowDown
        self.assertEqual(claire.script("return document.activeElement.textContent"), f"{document['document_number']} · Cuisine Dupré")
        claire.keys("\ue007")  # Enter
        claire.wait_for_title("Cuisine Dupré · Oui Engage")

        # The same pages on a phone.
        phone = self.browser(390)
        phone.open(BASE + "/login")
        phone.type("#email", email)
        phone.type("#password", password)
        phone.submit("button[type=submit]")
        phone.wait_for_title("Tableau de bord · Oui Engage")
        for name, path in [("documents", "/documents"), ("document", f"/documents/{document['id']}")]:
            phone.open(BASE + path)
            phone.screenshot(os.path.join(SHOTS, f"portal-{name}-fr-390.png"))
            self.assert_accessible(phone, path + " at 390 px")

        # The recipient's page in both languages.
        for language in ("en", "fr"):
            recipient.open(f"{link}?lang={language}")
            self.assertEqual(recipient.attribute("html", "lang"), language)
            self.assert_accessible(recipient, f"the recipient page ({language})")
        self.assertEqual(self.inaccessible, [], "axe-core: serious or critical violations")

    def walk(self, browser, document, language):
        """The main pages in `language`: their words, the amount and a Paris time, and no blocking accessibility problem."""
        words = WORDING[language]
        pages = [("documents", "/documents"), ("document", f"/documents/{document['id']}"),
                 ("send", f"/documents/{document['id']}/send"), ("outbox", "/outbox"), ("users", "/users")]
        for name, path in pages:
            browser.open(BASE + path)
            self.assertEqual(browser.attribute("html", "lang"), language, path)
            self.assertIn(words[name], plain(browser.text("main")), path)
            browser.screenshot(os.path.join(SHOTS, f"portal-{name}-{language}-1300.png"))
            self.assert_accessible(browser, f"{path} ({language})")
            if name == "documents":
                row = plain(browser.text(f"tr:has(a[href='/documents/{document['id']}'])"))
                self.assertIn(words["amount"], row)
                self.assertIn(words["status"], row)
            if name == "document":
                self.assertIn(words["amount"], plain(browser.text(".facts")))
                times = browser.script("return [...document.querySelectorAll('time')].map(t => [t.dateTime, t.textContent])")
                created = [text for iso, text in times if iso == document["created_at"]]
                self.assertIn(portal_time(document["created_at"], language), created, times)


if __name__ == "__main__":
    unittest.main()
