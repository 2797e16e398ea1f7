"""The dashboard in a real browser: documents made and moved through the API show in its KPI
cards, the period picker changes what it counts, and its charts are drawn without script."""

import os
import unittest

from webdriver import BASE, EMAIL, PASSWORD, SHOTS, Browser, api, sign_in


class DashboardTest(unittest.TestCase):
    def setUp(self):
        self.token = api("POST", "/api/v1/auth/token", {"email": EMAIL, "password": PASSWORD})["token"]

    def test_period_picker_and_kpis_match_the_api(self):
        for index in range(4):
            document = api("POST", "/api/v1/document-engagements",
                           {"document_type": "custom", "title": f"Dashboard check {index}", "total_amount": 120.5, "currency": "EUR"}, self.token)
            api("PUT", f"/api/v1/document-engagements/{document['id']}", {"status": "sent" if index < 2 else "paid"}, self.token)

        with Browser(size=(1300, 1400)) as b:
            sign_in(b)
            for period, label in (("year", "This year"), ("today", "Today")):
                b.open(BASE + "/")
                b.click(f"#period option[value='{period}']")
                b.submit("form.period-picker button[type=submit]")
                self.assertTrue(b.url.endswith(f"/?period={period}"), b.url)
                self.assertEqual(b.value("#period"), period)
                overview = api("GET", f"/api/v1/analytics/overview?period={period}", token=self.token)
                for card, step in (("Sent", "sent"), ("Paid", "paid")):
                    self.assertEqual(b.text(f"[data-kpi='{card}']"), str(overview["engagement"][step]), f"{period}: {card}")
                self.assertGreaterEqual(overview["engagement"]["paid"], 2)
                self.assertEqual(b.count("svg.chart[role=img]"), 3)
                self.assertIn("Dashboard check 3", b.text("main"), "the latest activity names the document")
            b.screenshot(os.path.join(SHOTS, "dashboard.png"))
        with Browser(size=(390, 844)) as phone:
            sign_in(phone)
            phone.screenshot(os.path.join(SHOTS, "dashboard-phone.png"))


if __name__ == "__main__":
    unittest.main()
