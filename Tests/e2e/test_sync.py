"""A sync started from the portal against the partners' stand-in (.ci/lib/partner_standin.py):
the settings and their connection test, the progress bar moving to 100 % without a reload, the
refusal in the errors and their CSV, and the pages on a phone-sized screen."""

import os
import subprocess
import sys
import time
import unittest

from webdriver import BASE, SHOTS, Browser, _free_port, sign_in

STANDIN = os.path.join(os.path.dirname(__file__), "..", "..", ".ci", "lib", "partner_standin.py")
TOKEN = "standin-token-0001"


class SyncPortalTest(unittest.TestCase):
    def setUp(self):
        self.port = _free_port()
        # 400 approvals, 4 pages, each answered after 0.8 s: slow enough to watch.
        self.standin = subprocess.Popen(
            [sys.executable, STANDIN, str(self.port), "--approvals", "400", "--delay", "0.8", "--malformed", "--token", TOKEN])
        time.sleep(0.5)

    def tearDown(self):
        self.standin.terminate()
        self.standin.wait()

    def test_sync_from_the_portal_with_a_live_progress_bar(self):
        with Browser(size=(1300, 900)) as b:
            sign_in(b)
            b.open(BASE + "/integrations")
            b.type("#projectflow-token", TOKEN)
            b.type("#projectflow-base", f"http://127.0.0.1:{self.port}/pf")
            b.submit("form[action='/integrations/projectflow'] button[type=submit]")
            self.assertIn("Saved.", b.text("main"))
            self.assertIn("saved, ending in …0001", b.text("main"))
            self.assertNotIn(TOKEN, b.fetch_text(BASE + "/integrations"), "the token is never shown back")
            b.submit("form[action='/integrations/projectflow/test'] button[type=submit]")
            self.assertIn("Connected to ProjectFlow as Studio Nord.", b.text("main"))
            b.screenshot(os.path.join(SHOTS, "integrations.png"))

            b.open(BASE + "/sync")
            b.click("form[action='/sync/projectflow'] input[name=full]")
            b.submit("form[action='/sync/projectflow'] button[type=submit]")
            job_url = b.url
            self.assertIn("/sync/jobs/", job_url)
            # Without JavaScript the running job's page refreshes itself.
            self.assertIn('<noscript><meta http-equiv="refresh" content="2"></noscript>', b.fetch_text(job_url))

            values, deadline = [], time.time() + 30
            while time.time() < deadline:
                values.append(int(b.value("#sync-progress") or 0))
                if 0 < values[-1] < 100 and not os.path.exists(os.path.join(SHOTS, "sync-job-running.png")):
                    b.screenshot(os.path.join(SHOTS, "sync-job-running.png"))
                if b.text("[data-field=status]") == "completed":
                    break
                time.sleep(0.3)
            self.assertEqual(b.url, job_url, "the bar moved without leaving the page")
            self.assertTrue(any(0 < v < 100 for v in values), f"a value between 0 and 100 was shown: {values}")
            self.assertEqual(int(b.value("#sync-progress")), 100)
            self.assertEqual(b.text("[data-field=status]"), "completed")
            self.assertEqual(b.text("[data-field=documents_created]"), "399")
            self.assertEqual(b.text("[data-field=error_count]"), "1")
            self.assertIn("APR-7", b.text("main"))
            self.assertNotIn("http-equiv", b.fetch_text(job_url), "a finished job's page stays still")
            csv = b.fetch_text(job_url + "/errors.csv")
            self.assertTrue(csv.startswith("\ufeffexternal_id,message,created_at"), csv[:80])
            self.assertIn("APR-7", csv)
            b.screenshot(os.path.join(SHOTS, "sync-job.png"))

            b.open(BASE + "/sync")
            self.assertIn("399 created", b.text("main"))
            b.screenshot(os.path.join(SHOTS, "sync.png"))

        with Browser(size=(390, 844)) as phone:
            sign_in(phone)
            phone.open(BASE + "/sync")
            phone.screenshot(os.path.join(SHOTS, "sync-phone.png"))
            phone.open(job_url)
            phone.screenshot(os.path.join(SHOTS, "sync-job-phone.png"))


if __name__ == "__main__":
    unittest.main()
