"""Leads as staff and recipients meet them: integrators' syncs answered 202 and merged by the
server's worker, a recipient's Register on a link making a lead, the list's custom columns chosen
and remembered, a flagged value on a lead's page, and Convert making the contact."""

import os
import time
import uuid

from webdriver import BASE, SHOTS, Browser, StaffTestCase, api, sign_in


def wait_for(check, seconds=10):
    deadline = time.time() + seconds
    while time.time() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError("the worker never merged the sync")


class LeadsTest(StaffTestCase):
    def test_syncs_register_columns_and_convert(self):
        run = uuid.uuid4().hex[:8]
        accepted = api("POST", "/api/v1/leads/sync", {
            "leadInfo": {"email": f"John.Doe.{run}@Provider.com", "crmLeadId": 12387, "jobTitle": "Awesome Programmer",
                         "firstName": "John", "lastName": "Doe", "company": f"Provider {run}"},
            "leadCustomField": {"score": 42, "plan": "pro"}}, self.token)
        self.assertEqual(accepted["status"], "queued")
        # The same person again, later, with a value the number field cannot take.
        api("POST", "/api/v1/leads/sync", {"lead_info": {"email": f"john.doe.{run}@provider.com"},
                                           "lead_custom_field": {"score": "lots", "region": "Bretagne"}}, self.token)
        lead_id = wait_for(lambda: api("GET", f"/api/v1/leads/sync/{accepted['id']}", token=self.token)["lead_id"])

        # A recipient registers on a document's link.
        document = api("POST", "/api/v1/document-engagements", {"document_type": "pennylane_quote", "title": f"Offer {run}"}, self.token)
        link = api("POST", f"/api/v1/document-engagements/{document['id']}/tokens", {"allowed_actions": ["view", "register"]}, self.token)
        with Browser(size=(390, 844)) as phone:
            phone.open(link["url"])
            phone.type("#name", "Marie Curie")
            phone.type("#email", f"marie.{run}@example.fr")
            phone.type("#company", f"Radium {run}")
            phone.submit("#register")
            self.assertIn("your details are registered", phone.text("main"))
        wait_for(lambda: api("GET", f"/api/v1/leads?search=marie.{run}", token=self.token))

        staff = self.staff
        staff.open(BASE + f"/leads?search={run}")
        self.assertIn("John Doe", staff.text("main"))
        self.assertIn("Marie Curie", staff.text("main"))
        staff.click("details.column-chooser summary")
        staff.click("input[name='column.score']")
        staff.click("input[name='column.plan']")
        staff.submit("details.column-chooser button[type=submit]")
        self.assertIn("Columns saved.", staff.text("main"))
        self.assertIn(f"search={run}", staff.url, "the list comes back with its filters")
        self.assertEqual(staff.count("thead th"), 7, "name, email, company, plan, score, source, updated")
        self.assertIn("lots", staff.text("table"))
        staff.screenshot(os.path.join(SHOTS, "leads.png"))

        staff.open(BASE + f"/leads/{lead_id}")
        self.assertIn("not a number", staff.text("main"))
        self.assertIn("Bretagne", staff.text("main"))
        staff.submit("form[action$='/convert'] button")
        self.assertIn("Converted:", staff.text("main"))
        contact = staff.attribute("a[href^='/contacts/']", "href")
        staff.screenshot(os.path.join(SHOTS, "lead.png"))
        staff.open(BASE + contact)
        self.assertIn(f"john.doe.{run}@provider.com", staff.text("main"))
        self.assertIn(f"Provider {run}", staff.text("main"))

        marie = api("GET", f"/api/v1/leads?search=marie.{run}", token=self.token)[0]
        self.assertEqual(marie["source"], "document")
        staff.open(BASE + f"/leads/{marie['id']}")
        self.assertIn(f"Offer {run}", staff.text("main"), "the document she registered on is in her history")

        with Browser(size=(390, 844)) as phone_staff:
            sign_in(phone_staff)
            phone_staff.open(BASE + f"/leads?search={run}")
            phone_staff.screenshot(os.path.join(SHOTS, "leads-phone.png"))
            phone_staff.open(BASE + f"/leads/{marie['id']}")
            phone_staff.screenshot(os.path.join(SHOTS, "lead-phone.png"))
