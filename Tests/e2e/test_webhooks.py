"""Webhooks reach a receiver on loopback from the running server's own worker, and their
signatures verify with the standardwebhooks package from PyPI: an implementation of the
specification that is not ours."""

import http.server
import json
import threading
import time
import unittest

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from webdriver import EMAIL, PASSWORD, api


class Receiver(http.server.ThreadingHTTPServer):
    """Keeps every POST (headers and body) and answers 200."""

    def __init__(self):
        self.received = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                outer.received.append((dict(self.headers), body))
                self.send_response(200)
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
        headers, body = self.receiver.received[0]
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


if __name__ == "__main__":
    unittest.main()
