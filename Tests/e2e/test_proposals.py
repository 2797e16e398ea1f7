"""A proposal on a phone: the recipient unticks an option and changes a quantity, the total follows
(the page's script asks the server, whose figure is the truth), then accepts; the document, its
price tables in the portal and its timeline keep the configuration and the total chosen."""

import os
import time
import uuid

from webdriver import BASE, SHOTS, Browser, StaffTestCase, api

PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
TAB = "\ue004"


def wait_for_text(browser, css, expected, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if expected in browser.text(css):
            return
        time.sleep(0.1)
    raise AssertionError(f"{expected!r} never appeared in {css}: {browser.text(css)!r}")


class ProposalTest(StaffTestCase):
    def test_choose_options_and_accept_on_a_phone(self):
        run = uuid.uuid4().hex[:8]
        directory = api("POST", "/api/v1/product-directories", {"name": f"Services {run}"}, self.token)
        training = api("POST", "/api/v1/products", {
            "directory_id": directory["id"], "name": "Training day", "price": 800, "unit": "day"}, self.token)
        document = api("POST", "/api/v1/document-engagements", {
            "document_type": "pennylane_quote", "title": f"Website offer {run}",
            "content": {"pricetables": [{"title": "Website", "rows": [
                {"type": "price", "content": "Design and build", "count": 1, "price": 2000},
                {"type": "price", "content": "Hosting, first year", "count": 1, "price": 300, "userinput_optional": True},
                {"type": "price", "product_id": training["id"], "count": 2, "userinput_count": True},
            ]}]},
        }, self.token)
        # 2000 + 300 + 2 × 800 = 3900.00, VAT 20 % 780.00
        self.assertEqual(document["total_amount"], 4680)
        rows = document["content"]["pricetables"][0]["rows"]
        hosting, days = rows[1]["id"], rows[2]["id"]
        link = api("POST", f"/api/v1/document-engagements/{document['id']}/tokens", {"allowed_actions": ["view", "accept"]}, self.token)

        phone = Browser(size=(390, 844), language="en-US", user_agent=PHONE)
        try:
            phone.open(link["url"])
            self.assertIn("€4,680.00", phone.text(".table-total"))
            self.assertEqual(phone.attribute(".decide-on-total", "hidden"), "true", "with the script each change is saved: no hint")
            phone.screenshot(os.path.join(SHOTS, "proposal-phone.png"))

            phone.click(f"#row_{hosting}")
            wait_for_text(phone, ".table-total", "€4,320.00")  # 3600.00 + 720.00
            self.assertIn("row-excluded", phone.attribute(f"tr[data-row='{hosting}']", "class"))
            phone.type(f"#count_{days}", "3" + TAB)
            wait_for_text(phone, ".table-total", "€5,280.00")  # 2000 + 3 × 800 = 4400.00 + 880.00
            self.assertIn("€5,280.00", phone.text(".facts .amount"), "the amount at the top follows")
            phone.screenshot(os.path.join(SHOTS, "proposal-phone-chosen.png"))

            phone.submit("#accept")
            self.assertIn("Thank you", phone.text("#notice"))
            self.assertIn("€5,280.00", phone.text(".table-total"), "the page after accepting shows what was accepted")
            self.assertEqual(phone.count("#price-choices"), 0, "nothing left to choose")
        finally:
            phone.close()

        shown = api("GET", f"/api/v1/document-engagements/{document['id']}", token=self.token)
        self.assertEqual(shown["status"], "accepted")
        self.assertEqual(shown["total_amount"], 5280)
        accepted = next(event for event in shown["recent_events"] if event["event_type"] == "accepted")
        pricing = accepted["details"]["pricing"]
        self.assertEqual(pricing["total"], 5280)
        agreed = {row["row_id"]: row for row in pricing["pricetables"][0]["rows"]}
        self.assertFalse(agreed[hosting]["included"])
        self.assertEqual(agreed[days]["count"], 3)

        s = self.staff
        s.open(f"{BASE}/documents/{document['id']}")
        self.assertIn("€5,280.00", s.text("#price-tables .table-total"))
        self.assertIn("for 5280.00 EUR", s.text("body"))
        s.screenshot(os.path.join(SHOTS, "proposal-portal.png"))
        s.open(f"{BASE}/documents/{document['id']}/audit-trail")
        trail = s.text("body")
        self.assertIn("Verified", s.text("#verdict"))
        self.assertIn("accepted", trail)
        self.assertIn("for 5280.00 EUR", trail)
        self.assertIn('"total":5280', trail.replace(" ", ""), "the configuration is in the event's evidence")
