"""Webhooks reach a receiver on loopback from the running server's own worker, and their
signatures verify with the standardwebhooks package from PyPI: an implementation of the
specification that is not ours."""

import email
import glob
import hashlib
import hmac
import http.server
import json
import os
import threading
import time
import unittest
import urllib.error
import urllib.request

from email import policy

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from webdriver import BASE, EMAIL, PASSWORD, SHOTS, Browser, api, sign_in


class Receiver(http.server.ThreadingHTTPServer):
    """Keeps every POST (path, headers and body) and answers 200, or 410 Gone at /gone."""

    def __init__(self):
        self.received = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.received.append((self.path, dict(self.headers), body))
                self.send_response(410 if self.path == "/gone" else 200)
                self.end_headers()

            def log_message(self, *args):
                pass

        super().__init__(("127.0.0.1", 0), Handler)


class WebhookTest(unittest.TestCase):
    def setUp(self):
        self.token = api("POST", "/api/v1/auth/token", {"email": EMAIL, "password": PASSWORD})["token"]
        self.receiver = Receiver()
        threading.Thread(target=self.receiver.serve_forever, daemon=True).start()

    def tearDown(self):
        self.receiver.shutdown()

    def test_signed_delivery_verifies_independently(self):
        port = self.receiver.server_address[1]
        endpoint = api("POST", "/api/v1/webhooks", {"url": f"http://127.0.0.1:{port}/hooks", "events": ["document.created"]}, self.token)
        document = api("POST", "/api/v1/document-engagements", {"document_type": "custom", "title": "Webhook check"}, self.token)

        deadline = time.time() + 15
        while not self.receiver.received and time.time() < deadline:
            time.sleep(0.1)
        self.assertTrue(self.receiver.received, "the worker delivered the event")
        _, headers, body = self.receiver.received[0]
        lowered = {name.lower(): value for name, value in headers.items()}
        payload = Webhook(endpoint["secret"]).verify(body, lowered)
        self.assertEqual(payload["type"], "document.created")
        self.assertEqual(payload["data"]["id"], document["id"])

        # The same check refuses a body changed on the way, and another endpoint's secret.
        with self.assertRaises(WebhookVerificationError):
            Webhook(endpoint["secret"]).verify(body.replace(b"Webhook check", b"Webhook chuck"), lowered)
        other = api("POST", "/api/v1/webhooks", {"url": f"http://127.0.0.1:{port}/other", "events": ["document.signed"]}, self.token)
        with self.assertRaises(WebhookVerificationError):
            Webhook(other["secret"]).verify(body, lowered)

        deliveries = api("GET", f"/api/v1/webhooks/{endpoint['id']}/deliveries", token=self.token)
        self.assertEqual([d["status"] for d in deliveries], ["delivered"])
        self.assertEqual(deliveries[0]["message_id"], lowered["webhook-id"])

    def test_gone_disables_and_admins_are_emailed(self):
        """A receiver answering 410 Gone disables its endpoint at once; the admin's notice arrives at the SMTP server."""
        port = self.receiver.server_address[1]
        endpoint = api("POST", "/api/v1/webhooks", {"url": f"http://127.0.0.1:{port}/gone", "events": ["contact.created"]}, self.token)
        api("POST", "/api/v1/contacts", {"fullname": "Gone Test", "email": "gone@example.com"}, self.token)
        subject = f"Webhook endpoint disabled: http://127.0.0.1:{port}/gone"
        deadline = time.time() + 20
        notice = None
        # Every active admin gets the notice (other tests add admins): this test's admin must be among them.
        while notice is None and time.time() < deadline:
            for path in glob.glob(os.path.join(os.environ["E2E_MAIL_DIR"], "*.eml")):
                with open(path, "rb") as file:
                    message = email.message_from_binary_file(file, policy=policy.default)
                if message["Subject"] == subject and EMAIL in message["To"]:
                    notice = message
            time.sleep(0.2)
        self.assertIsNotNone(notice, f"the notice reached the SMTP sink, addressed to {EMAIL}")
        self.assertIn("410 Gone", notice.get_content())
        self.assertIn(f"/webhooks/{endpoint['id']}", notice.get_content())
        self.assertFalse(api("GET", f"/api/v1/webhooks/{endpoint['id']}", token=self.token)["enabled"])

    def test_pennylane_callback_marks_the_invoice_paid(self):
        """A callback signed here (Python's hmac, not the server's code) is accepted once and marks
        its invoice paid; a wrong signature is refused; the portal lists both."""
        document = api("POST", "/api/v1/document-engagements", {
            "document_type": "pennylane_invoice", "title": "Invoice PL-77", "external_source": "pennylane", "external_id": "pl-77"}, self.token)
        api("PUT", f"/api/v1/document-engagements/{document['id']}", {"status": "sent"}, self.token)
        body = json.dumps({"id": 77001, "event": "customer_invoice.paid", "created": int(time.time()),
                           "data": {"object": {"id": "pl-77", "paid": True}}}).encode()
        secret = os.environ["ENGAGE_PENNYLANE_WEBHOOK_SECRET"].encode()

        def post(signature):
            request = urllib.request.Request(f"{BASE}/webhooks/pennylane", data=body, method="POST",
                                             headers={"Content-Type": "application/json", "X-Pennylane-Signature": signature})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    return response.status, json.load(response)
            except urllib.error.HTTPError as error:
                return error.code, json.load(error)

        stamp = str(int(time.time()))
        signature = hmac.new(secret, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        self.assertEqual(post(f"t={stamp},v1={signature}")[0], 200)
        self.assertTrue(post(f"t={stamp},v1={signature}")[1]["data"]["duplicate"])
        status, refused = post(f"t={stamp},v1={'0' * 64}")
        self.assertEqual((status, refused["error"]["code"]), (401, "AUTH_INVALID_SIGNATURE"))

        deadline = time.time() + 15
        while api("GET", f"/api/v1/document-engagements/{document['id']}", token=self.token)["status"] != "paid" and time.time() < deadline:
            time.sleep(0.2)
        self.assertEqual(api("GET", f"/api/v1/document-engagements/{document['id']}", token=self.token)["status"], "paid")
        b = Browser(size=(1300, 900))
        try:
            sign_in(b)
            b.open(f"{BASE}/webhooks/incoming")
            table = b.text("table")
            self.assertIn("customer_invoice.paid", table)
            self.assertIn(f"Document {document['id']} is paid.", table)
            self.assertIn("invalid signature", table)
            b.screenshot(os.path.join(SHOTS, "webhooks-incoming.png"))
        finally:
            b.close()

    def test_portal_pages(self):
        """An admin adds an endpoint from the portal (a refused address first), copies the secret,
        sends a test and reads the delivery as it was sent and answered."""
        port = self.receiver.server_address[1]
        b = Browser(size=(1300, 1000))
        try:
            sign_in(b)
            b.open(f"{BASE}/webhooks")
            # (This server may reach loopback for the receiver, so the refusal shown is a host that does not resolve.)
            b.type("#url", "https://crm.example.invalid/hooks")
            b.submit("form[action='/webhooks'] button[type=submit]")
            self.assertIn("does not resolve", b.text(".field-error"))
            self.assertEqual(b.value("#url"), "https://crm.example.invalid/hooks", "the typed URL is kept")
            b.screenshot(os.path.join(SHOTS, "webhooks-refused.png"))

            b.type("#url", f"http://127.0.0.1:{port}/portal")
            b.type("#description", "CRM sync")
            b.submit("form[action='/webhooks'] button[type=submit]")
            secret = b.text("code.new-key")
            self.assertTrue(secret.startswith("whsec_"))
            b.submit("form[action$='/test'] button")
            self.assertIn("test event is queued", b.text(".alert"))
            deadline = time.time() + 15
            while not any(path == "/portal" for path, _, _ in self.receiver.received) and time.time() < deadline:
                time.sleep(0.1)
            b.open(b.url)
            deadline = time.time() + 5
            while "delivered" not in b.text("table") and time.time() < deadline:
                time.sleep(0.2)
                b.open(b.url)
            self.assertIn("webhook.test", b.text("table"))
            self.assertIn("delivered", b.text("table"))
            b.screenshot(os.path.join(SHOTS, "webhook-show.png"))
            b.click("table a")
            self.assertIn("webhook-signature: v1,", b.text("main"))
            self.assertIn('"webhook.test"', b.text("pre"))
            b.screenshot(os.path.join(SHOTS, "webhook-delivery.png"))
            b.open(f"{BASE}/webhooks")
            self.assertIn(f"http://127.0.0.1:{port}/portal", b.text("table"))
            b.screenshot(os.path.join(SHOTS, "webhooks.png"))
            endpoint_page = b.attribute("table a", "href")
        finally:
            b.close()
        # The same pages on a phone: the endpoint's page and its form still read without zooming out.
        phone = Browser(size=(390, 844))
        try:
            sign_in(phone)
            phone.open(f"{BASE}/webhooks")
            phone.screenshot(os.path.join(SHOTS, "webhooks-phone.png"))
            phone.open(endpoint_page if endpoint_page.startswith("http") else BASE + endpoint_page)
            self.assertIn("Send a test", phone.text("main"))
            phone.screenshot(os.path.join(SHOTS, "webhook-show-phone.png"))
        finally:
            phone.close()


if __name__ == "__main__":
    unittest.main()
