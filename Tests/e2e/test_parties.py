"""Two signers in sequence, end to end: staff add them on the document page and send to them; the
first signer's email arrives (the second's does not), she signs on her phone from the email's
link; only then the second signer's email arrives, he signs; the portal shows both steps
completed and the document signed, and every party gets a copy; the completion certificate's
signature verifies with an independent Ed25519 implementation (Python's `cryptography`)."""

import base64
import email
import glob
import hashlib
import json
import os
import socket
import subprocess
import tempfile
import time
import unittest
import urllib.request
import uuid
from email import policy

from cryptography.hazmat.primitives.serialization import load_pem_public_key

from webdriver import BASE, SHOTS, Browser, StaffTestCase, api

MAIL_DIR = os.environ.get("E2E_MAIL_DIR", "")
PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"


def two_page_pdf():
    """A small, valid PDF of two pages, written out by hand with its cross-reference table."""
    text = b"BT /F1 24 Tf 72 720 Td (Partnership agreement) Tj ET"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 5 0 R /Resources << /Font << /F1 6 0 R >> >> >>"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >>", page, page,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text), b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    start = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    return out + b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start)


def pages(path):
    return int(subprocess.run(["qpdf", "--show-npages", path], capture_output=True, text=True, check=True).stdout)


def mails_to(address):
    """The messages the SMTP sink kept for `address`, oldest first."""
    found = []
    for path in sorted(glob.glob(os.path.join(MAIL_DIR, "*.eml"))):
        with open(path, "rb") as file:
            message = email.message_from_binary_file(file, policy=policy.default)
        if address in (message["To"] or ""):
            found.append(message)
    return found


def wait_for_mail(address, count=1, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        found = mails_to(address)
        if len(found) >= count:
            return found[count - 1]
        time.sleep(0.2)
    raise AssertionError(f"no email number {count} to {address} in {MAIL_DIR}")


def loopback_name():
    """The name 127.0.0.1 resolves back to here, as the server's reverse lookup sees it, or None."""
    try:
        return socket.getnameinfo(("127.0.0.1", 0), socket.NI_NAMEREQD)[0]
    except OSError:
        return None


def tracked_link(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    return next(word for word in text.split() if word.startswith(BASE + "/r/"))


class TwoSignersTest(StaffTestCase):
    def sign(self, link, name, shot):
        phone = Browser(size=(390, 844), user_agent=PHONE)
        try:
            phone.open(link)
            phone.type("#full_name", name)
            phone.click("#consent")
            phone.submit("#sign")
            self.assertIn("Thank you", phone.text("#notice"))
            phone.screenshot(os.path.join(SHOTS, shot))
        finally:
            phone.close()

    def test_sequential_signers(self):
        run = uuid.uuid4().hex[:8]
        anne, bruno = f"anne-{run}@example.com", f"bruno-{run}@example.com"
        document = api("POST", "/api/v1/document-engagements", {
            "document_type": "custom", "title": f"Partnership agreement {run}", "total_amount": 12000,
        }, self.token)
        page = f"{BASE}/documents/{document['id']}"
        s = self.staff
        s.open(page)
        self.assertIn("No parties", s.text("#parties"))
        with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as file:
            file.write(two_page_pdf())
        upload = file.name
        self.assertEqual(pages(upload), 2)
        s.upload("#pdf", upload)
        s.submit("form[action$='/pdf'] button")
        for name, address, step in [("Anne Martin", anne, "1"), ("Bruno Roux", bruno, "2")]:
            s.type("#party_name", name)
            s.type("#party_email", address)
            s.type("#party_order", step)
            s.submit("#new-party-form button[type=submit]")
            self.assertIn("Party added.", s.text(".alert"))
        s.submit("#send-to-parties")
        self.assertIn("Sent: 1 party notified", s.text(".alert"))
        self.assertEqual(s.count(".party-link"), 2, "each party's link, shown once")
        s.screenshot(os.path.join(SHOTS, "parties-sent.png"))

        first = wait_for_mail(anne)
        time.sleep(2)  # the worker polls every second: give a wrong early email its chance to arrive
        self.assertEqual(mails_to(bruno), [], "the second signer waits for the first")

        self.sign(tracked_link(first), "Anne Martin", "parties-first-signed.png")
        second = wait_for_mail(bruno)
        s.open(page)
        self.assertEqual(s.count(".step-done"), 1)
        self.assertNotIn("signed", s.text(".page-head .badge"))

        self.sign(tracked_link(second), "Bruno Roux", "parties-second-signed.png")
        s.open(page)
        self.assertEqual(s.count(".step-done"), 2, "both steps completed")
        self.assertIn("signed", s.text(".page-head .badge"))
        self.assertIn("as Anne Martin", s.text("#parties"))
        self.assertIn("as Bruno Roux", s.text("#parties"))
        s.screenshot(os.path.join(SHOTS, "parties-completed.png"))

        # The certificate, in the portal and as signed JSON anyone can verify with the published key.
        s.submit("#certificate-link")
        certificate_text = s.text("#certificate")
        for expected in ["Anne Martin", "Bruno Roux", "127.0.0.1", "verified"]:
            self.assertIn(expected, certificate_text)
        s.screenshot(os.path.join(SHOTS, "parties-certificate.png"))
        snapshot = api("GET", f"/api/v1/document-engagements/{document['id']}/snapshot?format=json", token=self.token)
        key = load_pem_public_key(api("GET", "/api/v1/signing-key")["public_key_pem"].encode())
        payload = base64.b64decode(snapshot["signed_payload"])
        key.verify(base64.b64decode(snapshot["signature"]), payload)  # raises InvalidSignature otherwise
        stated = json.loads(payload)
        self.assertEqual([party["name"] for party in stated["parties"]], ["Anne Martin", "Bruno Roux"])
        self.assertTrue(all(party["ip"] == "127.0.0.1" for party in stated["parties"]))
        self.assertTrue(stated["audit_trail"]["verified"])

        # The completed PDF: the upload and one more page, whose text names every party and IP, signed.
        request = urllib.request.Request(
            f"{BASE}/api/v1/document-engagements/{document['id']}/snapshot?format=pdf", headers={"Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=30) as response:
            completed, headers = response.read(), response.headers
        with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as file:
            file.write(completed)
        self.assertEqual(pages(file.name), pages(upload) + 1)
        text = subprocess.run(["pdftotext", "-layout", file.name, "-"], capture_output=True, text=True, check=True).stdout
        for expected in ["Completion certificate", "Anne Martin", "Bruno Roux", "127.0.0.1"]:
            self.assertIn(expected, text)
        host = loopback_name()  # what 127.0.0.1 resolves back to depends on the machine's /etc/hosts
        if host:
            self.assertIn(f"({host})", text)
        digest = hashlib.sha256(completed).digest()
        self.assertEqual(headers["X-Engage-PDF-SHA256"], digest.hex())
        key.verify(base64.b64decode(headers["X-Engage-Signature"]), digest)
        os.unlink(file.name)
        os.unlink(upload)
        # A copy for each party once the document is signed, the completed PDF attached.
        copy = wait_for_mail(anne, count=2)
        wait_for_mail(bruno, count=2)
        attached = [part for part in copy.iter_attachments() if part.get_content_type() == "application/pdf"]
        self.assertEqual(len(attached), 1)
        with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as file:
            file.write(attached[0].get_content())
        self.assertEqual(pages(file.name), 3, "the upload and the certificate page")
        os.unlink(file.name)


if __name__ == "__main__":
    unittest.main()
