"""A document's life through the portal in headless Chromium: create (mistakes first), find with
the filters, edit, delete, restore as admin, and export the filtered list as CSV."""

import os
import unittest

from webdriver import BASE, SHOTS, Browser, sign_in


class DocumentsPortalTest(unittest.TestCase):
    def setUp(self):
        self.browser = Browser(size=(1300, 1000))
        sign_in(self.browser)

    def tearDown(self):
        self.browser.close()

    def test_document_life_through_the_portal(self):
        b = self.browser
        b.open(BASE + "/documents")
        self.assertEqual(b.title, "Documents · Oui Engage")
        b.submit("a[href='/documents/new']")
        self.assertEqual(b.title, "New document · Oui Engage")

        # First with mistakes: no type, a short title, three decimals, a made-up currency, a bad date.
        b.type("#title", "Hi")
        b.type("#total_amount", "12.345")
        b.type("#currency", "ZZZ")
        b.type("#due_date", "2025-02-30")
        b.submit(".form-buttons button")
        self.assertEqual(b.title, "New document · Oui Engage")
        b.screenshot(os.path.join(SHOTS, "document-form-errors.png"))
        self.assertEqual(b.count(".field-error"), 5, b.text("#form-errors"))
        self.assertIn("Title must be at least 3 characters.", b.text("#form-errors"))
        self.assertIn("Document type is required.", b.text("#form-errors"))
        self.assertEqual(b.value("#title"), "Hi", "the form keeps what was typed")
        self.assertEqual(b.value("#currency"), "ZZZ")

        # Fixed.
        b.click("#document_type option[value=pennylane_quote]")
        b.type("#title", "Website redesign for Café Zoë, phase 1")
        b.type("#total_amount", "1250.50")
        b.type("#currency", "EUR")
        b.type("#due_date", "2025-03-15")
        b.type("#external_id", "=HYPERLINK(\"http://evil\")")
        b.submit(".form-buttons button")
        self.assertIn("Document created.", b.text(".alert-ok"))
        self.assertIn("Website redesign", b.text("h1"))
        self.assertIn("€1,250.50", b.text(".facts"))
        document_url = b.url.split("?")[0]
        b.screenshot(os.path.join(SHOTS, "document-show.png"))

        # Found by the filters; a filter that excludes it shows the empty state.
        b.open(BASE + "/documents")
        b.type("input[name=search]", "redesign")
        b.click("select[name=document_type] option[value=pennylane_quote]")
        b.submit(".filters button[type=submit]")
        self.assertIn("Website redesign for Café Zoë", b.text("table"))
        self.assertIn("search=redesign", b.url)
        b.screenshot(os.path.join(SHOTS, "documents-filtered.png"))
        b.click("select[name=status] option[value=paid]")
        b.submit(".filters button[type=submit]")
        self.assertIn("No document matches these filters.", b.text(".empty"))

        # Edited: new title and status.
        b.open(document_url)
        b.submit("a[href$='/edit']")
        b.type("#title", "Website redesign, revised")
        b.click("#status option[value=sent]")
        b.submit(".form-buttons button")
        self.assertIn("Document saved.", b.text(".alert-ok"))
        self.assertIn("sent", b.text("h1 .badge"))

        # An impossible status change is refused on the form, naming both statuses.
        b.submit("a[href$='/edit']")
        b.click("#status option[value=draft]")
        b.submit(".form-buttons button")
        self.assertIn("cannot change from sent to draft", b.text("#form-errors"))

        # Deleted, then restored from the admin's Deleted view.
        b.open(document_url)
        b.submit("form[action$='/delete'] button")
        self.assertIn("Document deleted.", b.text(".alert-ok"))
        self.assertNotIn("revised", b.text("main"))
        b.open(BASE + "/documents/deleted")
        self.assertIn("Website redesign, revised", b.text("table"))
        b.submit("form[action$='/restore'] button")
        self.assertIn("Document restored.", b.text(".alert-ok"))

        # The CSV of the filtered list: BOM, header, the row with its accents and a neutralised formula.
        b.open(BASE + "/documents?search=revised")
        href = b._session("GET", f"/element/{b._find('a[download]')}/attribute/href")
        self.assertIn("search=revised", href)
        csv = b.fetch_text(href)
        self.assertTrue(csv.startswith("\ufeffid,document_number,document_type,status,title"), csv[:80])
        lines = csv.split("\r\n")
        self.assertEqual(len([line for line in lines if line]), 2, csv)
        self.assertIn('"Website redesign, revised"', lines[1])
        self.assertIn('"\'=HYPERLINK(""http://evil"")"', lines[1])
        self.assertIn(",1250.50,EUR,2025-03-15,", lines[1])


if __name__ == "__main__":
    unittest.main()
